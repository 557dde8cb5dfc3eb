/* `convene serve`: open the store (migrating it), start the HTTP server and
 * the workers, then wait for SIGTERM/SIGINT: the first drains requests in
 * flight (bounded by shutdown-grace) and closes the database cleanly; a
 * second signal exits at once. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ical/ics.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "http/response.h"
#include "http/server.h"
#include "http/sse.h"
#include "http/static.h"
#include "iam/authn.h"
#include "iam/language.h"
#include "ops/health.h"
#include "ops/workers.h"
#include "store/store.h"

static const char help[] = "usage: convene serve [--data DIR] [--listen HOST:PORT] [--db URL]\n"
			   "                     [--log-format text|json] [--smtp smtp://HOST:PORT] [--config FILE]\n"
			   "\n"
			   "Serves the API, the admin center and the calendar protocols.\n"
			   "Configuration comes from DIR/convene.conf, then CONVENE_* environment\n"
			   "variables, then these flags (flags win).\n"
			   "\n"
			   "  --data DIR          data directory (default ./var)\n"
			   "  --listen HOST:PORT  address to listen on (default 127.0.0.1:8080)\n"
			   "  --db URL            sqlite:PATH (default DIR/convene.db) or postgres://USER@HOST/DB\n"
			   "  --log-format FMT    text (default) or json\n"
			   "  --smtp URL          SMTP server for outgoing mail (smtp://host:port)\n"
			   "  --public-url URL    base URL used in links sent by e-mail\n"
			   "  --web-dir DIR       built web app (default web/dist; empty: the API alone)\n"
			   "  --threads N         HTTP threads (default: two per core, at least 4)\n"
			   "  --body-limit BYTES  largest request body (default 1048576)\n"
			   "  --secret-key FILE   key that encrypts connections' tokens (default DIR/secret.key)\n"
			   "\n"
			   "The server's Zoom app (docs/zoom.md); secrets are better kept in convene.conf\n"
			   "or the environment than on a command line that every local user can read:\n"
			   "  --zoom-client-id ID          the app's client id\n"
			   "  --zoom-client-secret SECRET  the app's client secret\n"
			   "  --zoom-webhook-secret SECRET the app's secret token for event notifications\n"
			   "  --zoom-oauth-url URL         Zoom's OAuth base (default https://zoom.us)\n"
			   "  --zoom-api-url URL           Zoom's API base (default https://api.zoom.us/v2)\n"
			   "\n"
			   "Calendar providers' addresses (docs/configuration.md); only tests and unusual\n"
			   "clouds change them:\n"
			   "  --google-token-url URL       Google's OAuth token endpoint\n"
			   "                               (default https://oauth2.googleapis.com/token)\n"
			   "  --google-api-url URL         Google's APIs (default https://www.googleapis.com)\n"
			   "  --microsoft-login-url URL    Microsoft identity platform\n"
			   "                               (default https://login.microsoftonline.com)\n"
			   "  --microsoft-graph-url URL    Microsoft Graph (default https://graph.microsoft.com)\n";

/* The secret box's key, before any thread could seal or open with it. With
 * SQLite the data directory is this server's alone, so a missing key is made
 * (as `convene init` does). On PostgreSQL every node must hold the same key:
 * one made here would differ from the others' and their tokens could not be
 * opened, so none is made; connections that need it answer secret-key-missing. */
static int load_secret_key(const struct config *cfg)
{
	char err[768];
	int created = 0, sqlite = !strncmp(cfg->db_url, "sqlite:", 7);
	if (sqlite && cli_key_ensure(cfg, &created))
		return 1;
	int rc = secretbox_load(cfg->secret_key, err, sizeof err);
	if (rc == E_NOTFOUND && !sqlite) {
		log_warn("no secret key at %s: Zoom connections cannot be made until the same key file is on every "
			 "node (docs/operations.md, \"The secret key\")",
			 cfg->secret_key);
		return 0;
	}
	if (rc) {
		/* a damaged key file must not be replaced nor ignored: tokens sealed
		 * with the real one would be lost */
		fprintf(stderr, "convene: secret key: %s\n", err);
		return 1;
	}
	if (created)
		log_info("created the secret key %s (it encrypts connections' tokens: back it up with the database)",
			 cfg->secret_key);
	return 0;
}

/* which of the Zoom app's settings are set, never their values */
static void log_zoom_app(const struct config *cfg)
{
	const char *missing[3];
	int n = 0;
	if (!cfg->zoom_client_id[0])
		missing[n++] = "zoom_client_id";
	if (!cfg->zoom_client_secret[0])
		missing[n++] = "zoom_client_secret";
	if (!cfg->zoom_webhook_secret[0])
		missing[n++] = "zoom_webhook_secret";
	if (n == 3)
		log_info("no Zoom app configured (docs/zoom.md)");
	else if (n)
		log_warn("the Zoom app is configured partly: %s%s%s%s%s missing (docs/zoom.md)", missing[0],
			 n > 1 ? ", " : "", n > 1 ? missing[1] : "", n > 2 ? ", " : "", n > 2 ? missing[2] : "");
	else
		log_info("Zoom app configured: OAuth %s, API %s", cfg->zoom_oauth_url, cfg->zoom_api_url);
}

struct stopper {
	struct server *srv;
	int grace;
	volatile int done;
};

/* a committed change is heard by the event streams and by the workers
 * that wait for it (outbound calendar sync) */
static void on_changed(const char *topic)
{
	sse_notify(topic);
	workers_changed(topic);
}

static void *stop_thread(void *arg)
{
	struct stopper *s = arg;
	workers_stop();
	server_stop(s->srv, s->grace);
	s->done = 1;
	return NULL;
}

int cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"listen", required_argument, 0, 'l'},
					     {"log-format", required_argument, 0, 'f'},
					     {"smtp", required_argument, 0, 's'},
					     {"public-url", required_argument, 0, 'u'},
					     {"web-dir", required_argument, 0, 'w'},
					     {"threads", required_argument, 0, 't'},
					     {"body-limit", required_argument, 0, 'x'},
					     {"secret-key", required_argument, 0, 'k'},
					     {"zoom-client-id", required_argument, 0, 'I'},
					     {"zoom-client-secret", required_argument, 0, 'S'},
					     {"zoom-webhook-secret", required_argument, 0, 'W'},
					     {"zoom-oauth-url", required_argument, 0, 'O'},
					     {"zoom-api-url", required_argument, 0, 'A'},
					     {"google-token-url", required_argument, 0, 'T'},
					     {"google-api-url", required_argument, 0, 'G'},
					     {"microsoft-login-url", required_argument, 0, 'L'},
					     {"microsoft-graph-url", required_argument, 0, 'M'},
					     {0, 0, 0, 0}};
	/* serve's own options are settings by another name */
	static const char *keys[128] = {['l'] = "listen",
					['f'] = "log_format",
					['s'] = "smtp",
					['u'] = "public_url",
					['w'] = "web_dir",
					['t'] = "threads",
					['x'] = "body_limit",
					['k'] = "secret_key",
					['I'] = "zoom_client_id",
					['S'] = "zoom_client_secret",
					['W'] = "zoom_webhook_secret",
					['O'] = "zoom_oauth_url",
					['A'] = "zoom_api_url",
					['T'] = "google_token_url",
					['G'] = "google_api_url",
					['L'] = "microsoft_login_url",
					['M'] = "microsoft_graph_url"};
	struct cli_args a = {0};
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c > 0 && c < 128 && keys[c])
			rc = cli_flag_add(&a, keys[c], optarg, help);
		else
			rc = cli_common_option(c, &a, help);
		if (rc >= 0)
			return rc;
	}
	if (optind < argc) {
		fprintf(stderr, "convene: unexpected argument '%s'\n\n%s", argv[optind], help);
		return 2;
	}
	struct config cfg;
	if ((rc = cli_open(&a, &cfg)))
		return rc;
	if (load_secret_key(&cfg))
		return 1;
	if (ics_init()) { /* time zones load before the pool starts: libical is not thread-safe there */
		fputs("convene: cannot load the time zone database\n", stderr);
		return 1;
	}

	/* signals go to this thread only, by sigwait, never to the pool */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	config_publish(&cfg);
	/* request threads open their connections after this: their write
	 * transactions wait for the writer lock at most lock_timeout */
	/* PostgreSQL's statement_timeout is the budget's backstop for one
	 * statement, never under a second: a tiny budget stops loops, not the
	 * sign-in's own queries */
	store_set_limits(cfg.lock_timeout, cfg.request_budget && cfg.request_budget < 1000 ? 1000 : cfg.request_budget);
	health_register_gauges();
	resp_language_hook(language_of_request); /* problem details in the caller's language */
	struct server *srv;
	char err[512];
	struct server_hooks hooks = {.authenticate = authn_request};
	if (server_start(&cfg, &hooks, &srv, err, sizeof err)) {
		fprintf(stderr, "convene: %s\n", err);
		return 1;
	}
	/* committed changes reach event streams: from this process, and on
	 * PostgreSQL from every node */
	store_on_changed(on_changed);
	if (workers_start(&cfg) || store_listen_start(cfg.db_url)) {
		server_stop(srv, 0);
		return 1;
	}
	log_info("convene listening on http://%s (database %s, %s)", cfg.listen, store_backend(store_db()),
		 cfg.smtp_url[0] ? cfg.smtp_url : "no SMTP server: mail stays queued");
	log_zoom_app(&cfg);
	if (!static_app_present(cfg.web_dir))
		log_warn("the web app is missing (no %s/index.html): /readyz answers 503 until it is built "
			 "(make web) or web_dir is set empty to serve the API alone",
			 cfg.web_dir);

	int sig;
	sigwait(&set, &sig);
	log_info("signal %d: finishing requests in flight (at most %d s); a second signal exits at once", sig,
		 cfg.shutdown_grace);
	struct stopper st = {srv, cfg.shutdown_grace, 0};
	pthread_t t;
	pthread_create(&t, NULL, stop_thread, &st);
	while (!st.done) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		if (sigtimedwait(&set, NULL, &ts) > 0) {
			log_warn("second signal: exiting now");
			_exit(130);
		}
	}
	pthread_join(t, NULL);
	store_listen_stop();
	store_close_thread();
	secretbox_forget();
	log_info("stopped");
	return 0;
}
