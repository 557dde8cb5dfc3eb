/* Server configuration: defaults, then convene.conf (INI), then CONVENE_*
 * environment variables, then command-line flags; later sources win. Every
 * source goes through config_set(), so a key means the same thing everywhere. */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stddef.h>

struct config {
	char listen[128]; /* host:port */
	char data_dir[512];
	char db_url[1024];  /* sqlite:PATH or postgres://... ; empty = sqlite:DATA/convene.db */
	char log_format[8]; /* text | json */
	char smtp_url[512]; /* smtp://host:port ; empty = mail stays queued */
	char mail_from[256];
	char public_url[512];        /* base URL used in e-mailed links */
	char web_dir[512];           /* built web app (web/dist) */
	size_t body_limit;           /* bytes */
	int threads;                 /* HTTP thread pool size; 0 = one per core */
	int shutdown_grace;          /* seconds to finish requests in flight */
	size_t feed_cache;           /* bytes of assembled ICS feeds kept in memory */
	int lock_timeout;            /* ms a request waits for the database's writer lock (then 503 busy) */
	int request_budget;          /* ms of work a request may do (expansion, reports); 0 = none */
	int per_address_connections; /* open connections one client address may hold; 0 = no limit */
	char trusted_proxies[512];   /* addresses (or CIDR ranges) whose X-Forwarded-For is believed */
	int idle_timeout;            /* seconds an idle connection is kept (event streams excepted) */
	int report_max_instances;    /* occurrences one REPORT may expand, in total */
	size_t report_max_bytes;     /* bytes one multistatus answer may hold */
	int login_address_limit;     /* failed sign-ins an hour from one client network; 0 = no limit */
	int invitation_limit;        /* sharing mails (invitations) one user may send an hour; 0 = no limit */
	int support_public_limit;    /* public support requests a minute from one client to one portal; 0 = none */
	/* the server's one Zoom Marketplace app (empty: not configured); the
	 * secrets are never logged nor shown */
	char zoom_client_id[256];
	char zoom_client_secret[256];
	char zoom_webhook_secret[256];
	char zoom_oauth_url[512]; /* https://zoom.us, without a trailing / */
	char zoom_api_url[512];   /* https://api.zoom.us/v2, without a trailing / */
	/* calendar providers' bases (src/sync/), without a trailing /: only
	 * tests (fakes) and unusual clouds change them */
	char google_token_url[512];    /* https://oauth2.googleapis.com/token: the token endpoint itself */
	char google_api_url[512];      /* https://www.googleapis.com: Directory and Calendar APIs below it */
	char microsoft_login_url[512]; /* https://login.microsoftonline.com: /{tenant}/oauth2/v2.0/token */
	char microsoft_graph_url[512]; /* https://graph.microsoft.com: /v1.0/... below it */
	char secret_key[600];          /* path of the secret box's key; empty = DATA/secret.key */
};

void config_defaults(struct config *c);
/* key as in convene.conf ("listen", "db", "smtp", ...); 0, or E_INVALID with
 * a message in err */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);
/* reads PATH if it exists (a missing file is not an error) */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
int config_load_env(struct config *c, char *err, size_t errlen);
/* fills derived values (db_url from data_dir, public_url from listen) */
void config_finish(struct config *c);
/* the running server's configuration, for code that builds links or reads
 * limits (set once by `serve` before threads start; defaults until then) */
void config_publish(const struct config *c);
const struct config *config_current(void);

#endif
