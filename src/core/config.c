/* Key/value configuration shared by the INI file, the environment and flags. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/netaddr.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	snprintf(c->data_dir, sizeof c->data_dir, "./var");
	snprintf(c->log_format, sizeof c->log_format, "text");
	snprintf(c->mail_from, sizeof c->mail_from, "convene@localhost");
	snprintf(c->web_dir, sizeof c->web_dir, "web/dist");
	c->body_limit = 1024 * 1024;
	c->shutdown_grace = 10;
	c->feed_cache = (size_t)64 * 1024 * 1024;
	c->lock_timeout = 5000;
	c->request_budget = 30000;
	c->per_address_connections = 100;
	c->idle_timeout = 60;
	c->report_max_instances = 10000;
	c->report_max_bytes = (size_t)64 * 1024 * 1024;
	c->login_address_limit = 100;
	c->invitation_limit = 20;
	c->support_public_limit = 60;
	snprintf(c->zoom_oauth_url, sizeof c->zoom_oauth_url, "https://zoom.us");
	snprintf(c->zoom_api_url, sizeof c->zoom_api_url, "https://api.zoom.us/v2");
	snprintf(c->google_token_url, sizeof c->google_token_url, "https://oauth2.googleapis.com/token");
	snprintf(c->google_api_url, sizeof c->google_api_url, "https://www.googleapis.com");
	snprintf(c->microsoft_login_url, sizeof c->microsoft_login_url, "https://login.microsoftonline.com");
	snprintf(c->microsoft_graph_url, sizeof c->microsoft_graph_url, "https://graph.microsoft.com");
}

static int copy(char *dst, size_t n, const char *v, const char *key, char *err, size_t errlen)
{
	if (strlen(v) >= n) {
		snprintf(err, errlen, "%s: value is too long (at most %zu characters)", key, n - 1);
		return E_INVALID;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return E_INVALID;
	*out = n;
	return 0;
}

/* a base URL of a provider: http(s)://host[:port][/path], nothing after the
 * path (no query, fragment, user or spaces); stored without a trailing / so
 * that "BASE/users/me" is always one slash */
static int set_base_url(char *dst, size_t n, const char *v, const char *key, char *err, size_t errlen)
{
	const char *p = !strncmp(v, "https://", 8) ? v + 8 : !strncmp(v, "http://", 7) ? v + 7 : NULL;
	size_t host = p ? strcspn(p, "/") : 0;
	int ok = p && host > 0;
	if (ok && p[0] == '[') { /* an IPv6 literal */
		const char *close = memchr(p, ']', host);
		ok = close && strspn(p + 1, "0123456789abcdefABCDEF:.") == (size_t)(close - p - 1) && close > p + 1;
		if (ok && close + 1 < p + host)
			ok = close[1] == ':' && strspn(close + 2, "0123456789") == (size_t)(p + host - close - 2) &&
			     p + host > close + 2;
	} else if (ok) {
		size_t name = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
		ok = name > 0 && p[0] != '.' && p[0] != '-';
		if (ok && name < host)
			ok = p[name] == ':' && host > name + 1 && strspn(p + name + 1, "0123456789") == host - name - 1;
	}
	if (ok) {
		const char *path = p + host;
		ok = strspn(path,
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%!$&'()*+,;=:@") ==
		     strlen(path);
	}
	if (!ok) {
		snprintf(err, errlen, "%s: expected http(s)://HOST[:PORT][/PATH] without query or spaces, got '%.200s'",
			 key, v);
		return E_INVALID;
	}
	int rc = copy(dst, n, v, key, err, errlen);
	size_t len = strlen(dst);
	while (!rc && len > (size_t)(p - v) + host && dst[len - 1] == '/')
		dst[--len] = 0;
	return rc;
}

/* an identifier or secret from Zoom's app page: printable ASCII without
 * spaces (a pasted newline or space is a mistake best caught here). The
 * message never repeats the value: it may be a secret. */
static int set_token(char *dst, size_t n, const char *v, const char *key, char *err, size_t errlen)
{
	for (const unsigned char *q = (const unsigned char *)v; *q; q++)
		if (*q <= 0x20 || *q >= 0x7f) {
			snprintf(err, errlen, "%s: expected printable characters without spaces (as Zoom shows it)",
				 key);
			return E_INVALID;
		}
	if (strlen(v) >= n) {
		snprintf(err, errlen, "%s: value is too long (at most %zu characters)", key, n - 1);
		return E_INVALID;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int config_set(struct config *c, const char *key, const char *v, char *err, size_t errlen)
{
	long n;
	if (!strcmp(key, "listen"))
		return copy(c->listen, sizeof c->listen, v, key, err, errlen);
	if (!strcmp(key, "data"))
		return copy(c->data_dir, sizeof c->data_dir, v, key, err, errlen);
	if (!strcmp(key, "db")) {
		if (*v && strncmp(v, "sqlite:", 7) && strncmp(v, "postgres://", 11) &&
		    strncmp(v, "postgresql://", 13)) {
			snprintf(err, errlen, "db: expected sqlite:PATH or postgres://..., got '%s'", v);
			return E_INVALID;
		}
		return copy(c->db_url, sizeof c->db_url, v, key, err, errlen);
	}
	if (!strcmp(key, "log_format") || !strcmp(key, "log-format")) {
		if (strcmp(v, "text") && strcmp(v, "json")) {
			snprintf(err, errlen, "log-format: expected text or json, got '%s'", v);
			return E_INVALID;
		}
		return copy(c->log_format, sizeof c->log_format, v, key, err, errlen);
	}
	if (!strcmp(key, "smtp")) {
		if (*v && strncmp(v, "smtp://", 7) && strncmp(v, "smtps://", 8)) {
			snprintf(err, errlen, "smtp: expected smtp://host:port, got '%s'", v);
			return E_INVALID;
		}
		return copy(c->smtp_url, sizeof c->smtp_url, v, key, err, errlen);
	}
	if (!strcmp(key, "mail_from") || !strcmp(key, "mail-from"))
		return copy(c->mail_from, sizeof c->mail_from, v, key, err, errlen);
	if (!strcmp(key, "public_url") || !strcmp(key, "public-url"))
		return copy(c->public_url, sizeof c->public_url, v, key, err, errlen);
	if (!strcmp(key, "web_dir") || !strcmp(key, "web-dir"))
		return copy(c->web_dir, sizeof c->web_dir, v, key, err, errlen);
	if (!strcmp(key, "body_limit") || !strcmp(key, "body-limit")) {
		if (parse_long(v, 1024, 1L << 30, &n)) {
			snprintf(err, errlen, "body-limit: expected bytes between 1024 and 1073741824");
			return E_INVALID;
		}
		c->body_limit = (size_t)n;
		return 0;
	}
	if (!strcmp(key, "invitation_limit") || !strcmp(key, "invitation-limit")) {
		if (parse_long(v, 0, 100000, &n)) {
			snprintf(err, errlen, "invitation-limit: expected invitations an hour 0..100000 (0: no limit)");
			return E_INVALID;
		}
		c->invitation_limit = (int)n;
		return 0;
	}
	if (!strcmp(key, "support_public_limit") || !strcmp(key, "support-public-limit")) {
		if (parse_long(v, 0, 100000, &n)) {
			snprintf(err, errlen,
				 "support-public-limit: expected requests a minute 0..100000 (0: no limit)");
			return E_INVALID;
		}
		c->support_public_limit = (int)n;
		return 0;
	}
	if (!strcmp(key, "login_address_limit") || !strcmp(key, "login-address-limit")) {
		if (parse_long(v, 0, 1000000, &n)) {
			snprintf(err, errlen,
				 "login-address-limit: expected failures an hour 0..1000000 (0: no limit)");
			return E_INVALID;
		}
		c->login_address_limit = (int)n;
		return 0;
	}
	if (!strcmp(key, "feed_cache") || !strcmp(key, "feed-cache")) {
		if (parse_long(v, 0, 1L << 34, &n)) {
			snprintf(err, errlen, "feed-cache: expected bytes between 0 and 17179869184");
			return E_INVALID;
		}
		c->feed_cache = (size_t)n;
		return 0;
	}
	if (!strcmp(key, "threads")) {
		if (parse_long(v, 0, 256, &n)) {
			snprintf(err, errlen, "threads: expected 0..256");
			return E_INVALID;
		}
		c->threads = (int)n;
		return 0;
	}
	if (!strcmp(key, "shutdown_grace") || !strcmp(key, "shutdown-grace")) {
		if (parse_long(v, 0, 3600, &n)) {
			snprintf(err, errlen, "shutdown-grace: expected seconds 0..3600");
			return E_INVALID;
		}
		c->shutdown_grace = (int)n;
		return 0;
	}
	if (!strcmp(key, "lock_timeout") || !strcmp(key, "lock-timeout")) {
		if (parse_long(v, 1, 600000, &n)) {
			snprintf(err, errlen, "lock-timeout: expected milliseconds 1..600000");
			return E_INVALID;
		}
		c->lock_timeout = (int)n;
		return 0;
	}
	if (!strcmp(key, "request_budget") || !strcmp(key, "request-budget")) {
		if (parse_long(v, 0, 3600000, &n)) {
			snprintf(err, errlen, "request-budget: expected milliseconds 0..3600000 (0: none)");
			return E_INVALID;
		}
		c->request_budget = (int)n;
		return 0;
	}
	if (!strcmp(key, "per_address_connections") || !strcmp(key, "per-address-connections")) {
		if (parse_long(v, 0, 100000, &n)) {
			snprintf(err, errlen, "per-address-connections: expected 0..100000 (0: no limit)");
			return E_INVALID;
		}
		c->per_address_connections = (int)n;
		return 0;
	}
	if (!strcmp(key, "trusted_proxies") || !strcmp(key, "trusted-proxies")) {
		if (!netaddr_list_valid(v)) {
			snprintf(err, errlen,
				 "trusted-proxies: expected IP addresses or CIDR ranges "
				 "separated by commas or spaces, got '%s'",
				 v);
			return E_INVALID;
		}
		return copy(c->trusted_proxies, sizeof c->trusted_proxies, v, key, err, errlen);
	}
	if (!strcmp(key, "idle_timeout") || !strcmp(key, "idle-timeout")) {
		if (parse_long(v, 1, 3600, &n)) {
			snprintf(err, errlen, "idle-timeout: expected seconds 1..3600");
			return E_INVALID;
		}
		c->idle_timeout = (int)n;
		return 0;
	}
	if (!strcmp(key, "report_max_instances") || !strcmp(key, "report-max-instances")) {
		if (parse_long(v, 1, 10000000, &n)) {
			snprintf(err, errlen, "report-max-instances: expected 1..10000000");
			return E_INVALID;
		}
		c->report_max_instances = (int)n;
		return 0;
	}
	if (!strcmp(key, "report_max_bytes") || !strcmp(key, "report-max-bytes")) {
		if (parse_long(v, 4096, 1L << 34, &n)) {
			snprintf(err, errlen, "report-max-bytes: expected bytes between 4096 and 17179869184");
			return E_INVALID;
		}
		c->report_max_bytes = (size_t)n;
		return 0;
	}
	if (!strcmp(key, "zoom_client_id") || !strcmp(key, "zoom-client-id"))
		return set_token(c->zoom_client_id, sizeof c->zoom_client_id, v, "zoom-client-id", err, errlen);
	if (!strcmp(key, "zoom_client_secret") || !strcmp(key, "zoom-client-secret"))
		return set_token(c->zoom_client_secret, sizeof c->zoom_client_secret, v, "zoom-client-secret", err,
				 errlen);
	if (!strcmp(key, "zoom_webhook_secret") || !strcmp(key, "zoom-webhook-secret"))
		return set_token(c->zoom_webhook_secret, sizeof c->zoom_webhook_secret, v, "zoom-webhook-secret", err,
				 errlen);
	if (!strcmp(key, "zoom_oauth_url") || !strcmp(key, "zoom-oauth-url"))
		return set_base_url(c->zoom_oauth_url, sizeof c->zoom_oauth_url, v, "zoom-oauth-url", err, errlen);
	if (!strcmp(key, "zoom_api_url") || !strcmp(key, "zoom-api-url"))
		return set_base_url(c->zoom_api_url, sizeof c->zoom_api_url, v, "zoom-api-url", err, errlen);
	if (!strcmp(key, "google_token_url") || !strcmp(key, "google-token-url"))
		return set_base_url(c->google_token_url, sizeof c->google_token_url, v, "google-token-url", err,
				    errlen);
	if (!strcmp(key, "google_api_url") || !strcmp(key, "google-api-url"))
		return set_base_url(c->google_api_url, sizeof c->google_api_url, v, "google-api-url", err, errlen);
	if (!strcmp(key, "microsoft_login_url") || !strcmp(key, "microsoft-login-url"))
		return set_base_url(c->microsoft_login_url, sizeof c->microsoft_login_url, v, "microsoft-login-url",
				    err, errlen);
	if (!strcmp(key, "microsoft_graph_url") || !strcmp(key, "microsoft-graph-url"))
		return set_base_url(c->microsoft_graph_url, sizeof c->microsoft_graph_url, v, "microsoft-graph-url",
				    err, errlen);
	if (!strcmp(key, "secret_key") || !strcmp(key, "secret-key"))
		return copy(c->secret_key, sizeof c->secret_key, v, key, err, errlen);
	snprintf(err, errlen, "unknown setting '%s'", key);
	return E_INVALID;
}

struct ini_ctx {
	struct config *c;
	char *err;
	size_t errlen;
	int rc;
};

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *x = user;
	(void)section; /* sections are allowed for readability; keys are global */
	if (x->rc)
		return 0;
	x->rc = config_set(x->c, name, value, x->err, x->errlen);
	return x->rc == 0;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	struct ini_ctx x = {c, err, errlen, 0};
	int line = ini_parse_file(f, on_ini, &x);
	fclose(f);
	if (x.rc) {
		size_t l = strlen(err);
		snprintf(err + l, errlen - l, " (in %s, line %d)", path, line);
		return x.rc;
	}
	if (line) {
		snprintf(err, errlen, "%s: syntax error on line %d", path, line);
		return E_INVALID;
	}
	return 0;
}

int config_load_env(struct config *c, char *err, size_t errlen)
{
	static const char *keys[] = {"listen",
				     "data",
				     "db",
				     "log_format",
				     "smtp",
				     "mail_from",
				     "public_url",
				     "web_dir",
				     "body_limit",
				     "threads",
				     "shutdown_grace",
				     "feed_cache",
				     "lock_timeout",
				     "request_budget",
				     "per_address_connections",
				     "trusted_proxies",
				     "idle_timeout",
				     "report_max_instances",
				     "report_max_bytes",
				     "login_address_limit",
				     "invitation_limit",
				     "support_public_limit",
				     "zoom_client_id",
				     "zoom_client_secret",
				     "zoom_webhook_secret",
				     "zoom_oauth_url",
				     "zoom_api_url",
				     "google_token_url",
				     "google_api_url",
				     "microsoft_login_url",
				     "microsoft_graph_url",
				     "secret_key",
				     NULL};
	for (int i = 0; keys[i]; i++) {
		char name[64] = "CONVENE_";
		size_t p = strlen(name);
		for (const char *k = keys[i]; *k && p < sizeof name - 1; k++)
			name[p++] = (char)toupper((unsigned char)*k);
		name[p] = 0;
		const char *v = getenv(name);
		if (v) {
			int rc = config_set(c, keys[i], v, err, errlen);
			if (rc)
				return rc;
		}
	}
	return 0;
}

void config_finish(struct config *c)
{
	if (!c->db_url[0])
		snprintf(c->db_url, sizeof c->db_url, "sqlite:%.900s/convene.db", c->data_dir);
	if (!c->public_url[0])
		snprintf(c->public_url, sizeof c->public_url, "http://%.400s", c->listen);
	size_t n = strlen(c->public_url);
	while (n > 0 && c->public_url[n - 1] == '/')
		c->public_url[--n] = 0;
	if (!c->secret_key[0])
		snprintf(c->secret_key, sizeof c->secret_key, "%.500s/secret.key", c->data_dir);
}

static struct config published;
static int published_set;

void config_publish(const struct config *c)
{
	published = *c;
	published_set = 1;
}

const struct config *config_current(void)
{
	if (!published_set) {
		config_defaults(&published);
		config_finish(&published);
		published_set = 1;
	}
	return &published;
}
