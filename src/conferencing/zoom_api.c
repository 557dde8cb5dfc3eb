/* Zoom's OAuth and REST API (conferencing/zoom_api.h). Tokens are opened
 * from the secret box only for the call that needs them and wiped after;
 * error texts kept on connections are ours, never Zoom's echo of a code or
 * token. A refresh is single-flight: an in-process mutex per Zoom user, then
 * a lease row in the database taken against token_version, so that two nodes
 * never spend the same refresh token (Zoom rotates it: the loser would be
 * left with a dead one). */
#include "conferencing/zoom_api.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "http/client.h"
#include "store/store.h"

#define REFRESH_AHEAD 300   /* seconds before expiry a token is refreshed */
#define LEASE_SECONDS 30    /* longer than one token call (15 s) */
#define WAIT_MS_MAX 20000   /* how long a node waits for another's refresh */
#define BACKOFF_SECONDS 60  /* retry_at when Zoom gave no Retry-After */
#define RELOAD_MS_MAX 60000 /* one reload of the meetings, all pages */

void zoom_secret_free(char *s)
{
	if (!s)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

void zoom_tokens_free(struct zoom_tokens *t)
{
	zoom_secret_free(t->access);
	zoom_secret_free(t->refresh);
	t->access = t->refresh = NULL;
}

static void add_missing(char *out, size_t n, const char *name)
{
	size_t used = strlen(out);
	snprintf(out + used, n > used ? n - used : 0, "%s%s", used ? ", " : "", name);
}

int zoom_configured(char *missing, size_t n)
{
	const struct config *c = config_current();
	if (missing && n)
		missing[0] = 0;
	if (missing && n) {
		if (!c->zoom_client_id[0])
			add_missing(missing, n, "zoom_client_id");
		if (!c->zoom_client_secret[0])
			add_missing(missing, n, "zoom_client_secret");
		if (!c->zoom_webhook_secret[0])
			add_missing(missing, n, "zoom_webhook_secret");
	}
	return c->zoom_client_id[0] && c->zoom_client_secret[0];
}

static void base_url(char *out, size_t n, const char *base, const char *path)
{
	size_t len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	snprintf(out, n, "%.*s%s", (int)len, base, path);
}

void zoom_redirect_url(char *out, size_t n)
{
	base_url(out, n, config_current()->public_url, "/oauth/zoom/callback");
}

/* ---- the token endpoint ---- */

static json_t *parse(const struct hc_response *res)
{
	if (!res->body || !res->len)
		return NULL;
	return json_loadb(res->body, res->len, JSON_REJECT_DUPLICATES, NULL);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

enum { TOKEN_OK, TOKEN_REFUSED, TOKEN_GRANT_DEAD, TOKEN_NO_ANSWER };

/* POST /oauth/token with the form; the kind of failure tells the caller
 * whether the grant is dead (invalid_grant) or Zoom merely did not answer */
static int token_call(const char *form, struct zoom_tokens *out, char *err, size_t errlen)
{
	const struct config *c = config_current();
	char url[600];
	static const char *const headers[] = {"Content-Type: application/x-www-form-urlencoded",
					      "Accept: application/json", NULL};
	base_url(url, sizeof url, c->zoom_oauth_url, "/oauth/token");
	struct hc_request rq = {.method = "POST",
				.url = url,
				.headers = headers,
				.body = form,
				.body_len = strlen(form),
				.basic_user = c->zoom_client_id,
				.basic_password = c->zoom_client_secret,
				.max_answer = 64 * 1024};
	struct hc_response res;
	int kind = TOKEN_NO_ANSWER;
	json_t *j = NULL;
	memset(out, 0, sizeof *out);
	if (hc_do(&rq, &res)) {
		snprintf(err, errlen, "Zoom did not answer");
		goto out;
	}
	j = parse(&res);
	if (res.status == 200) {
		const char *a = jstr(j, "access_token"), *rt = jstr(j, "refresh_token");
		json_t *e = json_object_get(j, "expires_in");
		if (!a || !rt || !*a || !*rt) {
			snprintf(err, errlen, "Zoom's token answer has no tokens");
			kind = TOKEN_NO_ANSWER;
			goto out;
		}
		out->access = strdup(a);
		out->refresh = strdup(rt);
		if (!out->access || !out->refresh) {
			zoom_tokens_free(out);
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		out->expires_at =
			clock_now() + (json_is_integer(e) && json_integer_value(e) > 0 ? json_integer_value(e) : 3599);
		kind = TOKEN_OK;
	} else if (res.status >= 500 || res.status == 429) {
		snprintf(err, errlen, "Zoom's token service answered HTTP %ld", res.status);
	} else {
		const char *e = jstr(j, "error");
		/* Zoom's own reason may repeat the code: say only its error name */
		snprintf(err, errlen, "Zoom refused the authorization (%s)", e ? e : "HTTP error");
		for (char *p = err; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		kind = e && !strcmp(e, "invalid_grant") ? TOKEN_GRANT_DEAD : TOKEN_REFUSED;
	}
out:
	if (res.body)
		sodium_memzero(res.body, res.len);
	json_decref(j);
	hc_response_free(&res);
	return kind;
}

static int form_append(char **form, const char *name, const char *value)
{
	char *esc = hc_escape(value);
	if (!esc)
		return E_NOMEM;
	size_t old = *form ? strlen(*form) : 0, need = old + strlen(name) + strlen(esc) + 3;
	char *n = malloc(need);
	if (!n) {
		zoom_secret_free(esc);
		return E_NOMEM;
	}
	snprintf(n, need, "%s%s%s=%s", old ? *form : "", old ? "&" : "", name, esc);
	zoom_secret_free(esc);
	zoom_secret_free(*form);
	*form = n;
	return 0;
}

int zoom_api_exchange(const char *code, const char *verifier, struct zoom_tokens *out, char *err, size_t errlen)
{
	char redirect[600];
	char *form = NULL;
	int rc;
	memset(out, 0, sizeof *out);
	zoom_redirect_url(redirect, sizeof redirect);
	if ((rc = form_append(&form, "grant_type", "authorization_code")) || (rc = form_append(&form, "code", code)) ||
	    (rc = form_append(&form, "redirect_uri", redirect)) ||
	    (verifier && (rc = form_append(&form, "code_verifier", verifier)))) {
		zoom_secret_free(form);
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	int kind = token_call(form, out, err, errlen);
	zoom_secret_free(form);
	if (kind == TOKEN_OK)
		return 0;
	return kind == TOKEN_NO_ANSWER ? E_IO : E_INVALID;
}

/* ---- identity ---- */

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int zoom_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n >= ZOOM_ID_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return 0;
	return 1;
}

int zoom_api_me(const char *access_token, struct zoom_account *out, char *err, size_t errlen)
{
	char url[600];
	static const char *const headers[] = {"Accept: application/json", NULL};
	base_url(url, sizeof url, config_current()->zoom_api_url, "/users/me");
	struct hc_request rq = {
		.method = "GET", .url = url, .headers = headers, .bearer = access_token, .max_answer = 256 * 1024};
	struct hc_response res;
	json_t *j = NULL;
	int rc = hc_do(&rq, &res);
	if (rc) {
		snprintf(err, errlen, "Zoom did not answer");
		rc = E_IO;
		goto out;
	}
	if (res.status != 200) {
		snprintf(err, errlen, "Zoom did not give the user's identity (HTTP %ld)", res.status);
		rc = res.status >= 500 || res.status == 429 ? E_IO : E_INVALID;
		goto out;
	}
	j = parse(&res);
	const char *id = jstr(j, "id");
	if (!zoom_id_ok(id)) {
		snprintf(err, errlen, "Zoom's user answer has no valid id");
		rc = E_INVALID;
		goto out;
	}
	copy_str(out->zoom_user_id, sizeof out->zoom_user_id, id);
	copy_str(out->zoom_account_id, sizeof out->zoom_account_id, jstr(j, "account_id"));
	copy_str(out->email, sizeof out->email, jstr(j, "email"));
	const char *dn = jstr(j, "display_name");
	if (dn && *dn)
		copy_str(out->display_name, sizeof out->display_name, dn);
	else
		snprintf(out->display_name, sizeof out->display_name, "%s%s%s",
			 jstr(j, "first_name") ? jstr(j, "first_name") : "",
			 jstr(j, "first_name") && jstr(j, "last_name") ? " " : "",
			 jstr(j, "last_name") ? jstr(j, "last_name") : "");
	json_t *type = json_object_get(j, "type");
	long long t = json_is_integer(type) ? json_integer_value(type) : 0;
	copy_str(out->plan, sizeof out->plan, t == 1 ? "basic" : t == 2 ? "licensed" : "other");
	copy_str(out->time_zone, sizeof out->time_zone, jstr(j, "timezone"));
	rc = 0;
out:
	json_decref(j);
	hc_response_free(&res);
	return rc;
}

static int seal_into(const char *plain, char *out, size_t n)
{
	char *s = NULL;
	int rc = secretbox_seal(plain, strlen(plain), &s);
	if (rc)
		return rc;
	if (strlen(s) >= n)
		rc = E_INVALID;
	else
		memcpy(out, s, strlen(s) + 1);
	free(s);
	return rc;
}

int zoom_account_seal(struct zoom_account *a, const struct zoom_tokens *t)
{
	int rc;
	if ((rc = seal_into(t->access, a->access_sealed, sizeof a->access_sealed)) ||
	    (rc = seal_into(t->refresh, a->refresh_sealed, sizeof a->refresh_sealed)))
		return rc;
	a->expires_at = t->expires_at;
	return 0;
}

/* ---- one refresh at a time ---- */

struct user_lock {
	char id[ZOOM_ID_MAX];
	pthread_mutex_t mu;
	int refs;
	struct user_lock *next;
};
static pthread_mutex_t locks_mu = PTHREAD_MUTEX_INITIALIZER;
static struct user_lock *locks;

static struct user_lock *user_lock(const char *id)
{
	pthread_mutex_lock(&locks_mu);
	struct user_lock *l = locks;
	while (l && strcmp(l->id, id))
		l = l->next;
	if (!l && (l = calloc(1, sizeof *l))) {
		copy_str(l->id, sizeof l->id, id);
		pthread_mutex_init(&l->mu, NULL);
		l->next = locks;
		locks = l;
	}
	if (l)
		l->refs++;
	pthread_mutex_unlock(&locks_mu);
	if (l)
		pthread_mutex_lock(&l->mu);
	return l;
}

static void user_unlock(struct user_lock *l)
{
	if (!l)
		return;
	pthread_mutex_unlock(&l->mu);
	pthread_mutex_lock(&locks_mu);
	if (--l->refs == 0) {
		struct user_lock **p = &locks;
		while (*p != l)
			p = &(*p)->next;
		*p = l->next;
		pthread_mutex_destroy(&l->mu);
		free(l);
	}
	pthread_mutex_unlock(&locks_mu);
}

/* Zoom refused the grant: tokens cleared, every connection needs_reconnect,
 * saying why by a stable code (docs/zoom.md) and in English */
static void mark_reconnect(struct db *db, const char *zoom_user_id, const char *code, const char *why)
{
	int rc = store_begin(db, 1);
	if (!rc && !(rc = store_zoom_account_needs_reconnect(db, zoom_user_id, code, why, clock_now())))
		rc = store_commit(db);
	else
		store_rollback(db);
	if (rc)
		log_error("zoom: cannot mark Zoom user %s as needing a reconnect: %s", zoom_user_id, error_name(rc));
	else
		log_warn("zoom: Zoom user %s needs a reconnect: %s", zoom_user_id, why);
}

/* set when a refresh on this thread was refused for the app's sake
 * (invalid_client: the operator's client ID or secret), not the user's grant:
 * a reload says so rather than "Zoom did not answer" */
static _Thread_local int app_refused;

/* the refresh itself, holding the lease for version v */
static int refresh_now(struct db *db, const struct zoom_account *a, char **token, int64_t *version)
{
	char *rt = NULL, *form = NULL, err[200];
	struct zoom_tokens t = {0};
	struct zoom_account sealed;
	int rc = secretbox_open(a->refresh_sealed, &rt, NULL);
	if (rc) {
		log_error("zoom: the refresh token of %s cannot be opened (another secret.key?)", a->zoom_user_id);
		store_zoom_lease_release(db, a->zoom_user_id, a->token_version);
		mark_reconnect(db, a->zoom_user_id, "token_unreadable",
			       "the stored Zoom authorization cannot be read; reconnect");
		return E_UNAUTH;
	}
	if ((rc = form_append(&form, "grant_type", "refresh_token")) || (rc = form_append(&form, "refresh_token", rt)))
		goto release;
	int kind = token_call(form, &t, err, sizeof err);
	if (kind == TOKEN_GRANT_DEAD) {
		mark_reconnect(db, a->zoom_user_id, "grant_refused",
			       "Zoom refused the stored authorization (invalid_grant); reconnect");
		rc = E_UNAUTH;
		goto out;
	}
	if (kind != TOKEN_OK) {
		/* not the user's grant (an outage, or invalid_client: the app's
		 * settings): the stored tokens still hold, try again later */
		log_warn("zoom: refresh for %s failed: %s", a->zoom_user_id, err);
		app_refused = kind == TOKEN_REFUSED;
		rc = E_IO;
		goto release;
	}
	/* the new refresh token is committed before anything uses it: if this
	 * write failed, the old one is dead at Zoom and only a reconnect helps */
	memcpy(&sealed, a, sizeof sealed);
	if ((rc = zoom_account_seal(&sealed, &t)))
		goto lost;
	if ((rc = store_begin(db, 1)))
		goto lost;
	if ((rc = store_zoom_tokens_save(db, a->zoom_user_id, a->token_version, sealed.access_sealed,
					 sealed.refresh_sealed, t.expires_at, clock_now())) ||
	    (rc = store_commit(db))) {
		store_rollback(db);
		goto lost;
	}
	*token = t.access;
	t.access = NULL;
	if (version)
		*version = a->token_version + 1;
	rc = 0;
	goto out;
lost:
	log_error("zoom: the refreshed tokens of %s could not be stored (%s)", a->zoom_user_id, error_name(rc));
	mark_reconnect(db, a->zoom_user_id, "token_not_stored",
		       "the refreshed Zoom authorization could not be stored; reconnect");
	rc = E_UNAUTH;
	goto out;
release:
	if (!store_begin(db, 1) && !store_zoom_lease_release(db, a->zoom_user_id, a->token_version))
		store_commit(db);
	else
		store_rollback(db);
out:
	sodium_memzero(&sealed, sizeof sealed);
	zoom_tokens_free(&t);
	zoom_secret_free(rt);
	zoom_secret_free(form);
	return rc;
}

int zoom_access_token(const char *zoom_user_id, int force, int64_t force_version, char **token, int64_t *version)
{
	struct db *db = store_db();
	struct zoom_account *a = NULL;
	int64_t waited_until = clock_mono_us() / 1000 + WAIT_MS_MAX;
	int rc;
	*token = NULL;
	if (!db)
		return E_DB;
	if (!(a = malloc(sizeof *a)))
		return E_NOMEM;
	struct user_lock *l = user_lock(zoom_user_id);
	for (;;) {
		if ((rc = store_zoom_account_get(db, zoom_user_id, a)))
			break;
		if (!a->refresh_sealed[0] || !a->access_sealed[0]) {
			rc = E_UNAUTH;
			break;
		}
		int64_t now = clock_now();
		int forced = force && a->token_version == force_version;
		if (!forced && a->expires_at - now > REFRESH_AHEAD) {
			size_t n;
			if ((rc = secretbox_open(a->access_sealed, token, &n)))
				rc = E_UNAUTH;
			else if (version)
				*version = a->token_version;
			break;
		}
		int taken;
		if (store_begin(db, 1)) {
			rc = E_DB;
			break;
		}
		taken = store_zoom_lease_take(db, zoom_user_id, a->token_version, now, now + LEASE_SECONDS);
		if (taken < 0 || store_commit(db)) {
			store_rollback(db);
			rc = taken < 0 ? taken : E_DB;
			break;
		}
		if (taken) {
			rc = refresh_now(db, a, token, version);
			break;
		}
		/* another node refreshes: a token with time left still serves */
		if (!forced && a->expires_at - now > 10) {
			if ((rc = secretbox_open(a->access_sealed, token, NULL)))
				rc = E_UNAUTH;
			else if (version)
				*version = a->token_version;
			break;
		}
		if (clock_mono_us() / 1000 > waited_until) {
			rc = E_BUSY;
			break;
		}
		usleep(100 * 1000); /* then read again: the version moves when it is done */
		force = forced;
	}
	user_unlock(l);
	sodium_memzero(a, sizeof *a);
	free(a);
	return rc;
}

/* ---- calls to the REST API ---- */

static int error_code(const struct hc_response *res)
{
	json_t *j = parse(res);
	json_t *c = json_object_get(j, "code");
	int code = json_is_integer(c) ? (int)json_integer_value(c) : 0;
	json_decref(j);
	return code;
}

/* One API call as the Zoom user, with one refresh and one retry on a 401
 * code 124 (the token died before its time: rotated elsewhere, revoked);
 * a second 401 means the authorization is gone. 0 with any answer, or
 * E_IO / E_UNAUTH / E_BUSY / E_NOTFOUND from the token. */
int zoom_api_request(const char *zoom_user_id, const char *method, const char *path, const char *json_body,
		     long timeout_ms, struct hc_response *res)
{
	char url[1200];
	static const char *const headers[] = {"Accept: application/json", NULL};
	static const char *const json_headers[] = {"Accept: application/json", "Content-Type: application/json", NULL};
	base_url(url, sizeof url, config_current()->zoom_api_url, path);
	memset(res, 0, sizeof *res);
	int64_t version = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		char *token = NULL;
		/* the second time: a refresh, unless someone refreshed since */
		int rc = zoom_access_token(zoom_user_id, attempt, version, &token, &version);
		if (rc)
			return rc;
		struct hc_request rq = {.method = method,
					.url = url,
					.headers = json_body ? json_headers : headers,
					.body = json_body,
					.body_len = json_body ? strlen(json_body) : 0,
					.bearer = token,
					.timeout_ms = timeout_ms,
					.max_answer = 8 * 1024 * 1024};
		hc_response_free(res);
		rc = hc_do(&rq, res);
		zoom_secret_free(token);
		if (rc)
			return rc == E_TOOLARGE ? E_IO : rc;
		if (res->status != 401 || error_code(res) != 124)
			return 0;
	}
	struct db *db = store_db();
	if (db)
		mark_reconnect(db, zoom_user_id, "token_rejected",
			       "Zoom no longer accepts the authorization; reconnect");
	return E_UNAUTH;
}

static int api_call(const char *zoom_user_id, const char *method, const char *path, long timeout_ms,
		    struct hc_response *res)
{
	return zoom_api_request(zoom_user_id, method, path, NULL, timeout_ms, res);
}

/* ---- the meetings cache ---- */

static int parse_time(const char *s, int64_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, se;
	char z = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z')
		return E_INVALID;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static void meeting_from_json(json_t *o, const char *zoom_user_id, int64_t now, struct zoom_meeting *m)
{
	memset(m, 0, sizeof *m);
	m->zoom_user_id = zoom_user_id;
	json_t *id = json_object_get(o, "id");
	m->meeting_id = json_is_integer(id) ? json_integer_value(id) : 0;
	m->uuid = jstr(o, "uuid");
	m->topic = jstr(o, "topic");
	json_t *type = json_object_get(o, "type");
	m->type = json_is_integer(type) ? (int)json_integer_value(type) : 2;
	m->has_start = !parse_time(jstr(o, "start_time"), &m->start_at);
	json_t *dur = json_object_get(o, "duration");
	m->duration = json_is_integer(dur) ? (int)json_integer_value(dur) : 0;
	m->timezone = jstr(o, "timezone");
	m->join_url = jstr(o, "join_url");
	m->passcode = jstr(o, "password"); /* absent from lists: a known one is kept */
	m->agenda = jstr(o, "agenda");
	m->fetched_at = now;
}

/* what went wrong in a reload: a stable code for the web app to say in the
 * reader's language (docs/zoom.md lists them), its parameters as a JSON
 * object's text, and the English text API clients read */
struct reload_error {
	const char *code;
	char params[ZOOM_ERROR_PARAMS_MAX];
	char text[ZOOM_ERROR_MAX];
};

static void reload_error(struct reload_error *e, const char *code, const char *text)
{
	e->code = code;
	e->params[0] = 0;
	snprintf(e->text, sizeof e->text, "%s", text);
}

/* the outcome of a reload on the connections: in its own transaction */
static int note_state(struct db *db, const char *zoom_user_id, int64_t refreshed_at, int64_t retry_at,
		      const struct reload_error *e)
{
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	if ((rc = store_zoom_fetch_state(db, zoom_user_id, refreshed_at, retry_at, e->code, e->params, e->text,
					 clock_now())) ||
	    (rc = store_commit(db)))
		store_rollback(db);
	return rc;
}

/* the English text says when to retry; the code's sentence takes retry_at */
static void retry_text(struct reload_error *e, int64_t retry_at)
{
	char iso[32], what[ZOOM_ERROR_MAX];
	clock_iso(retry_at, iso, sizeof iso);
	snprintf(what, sizeof what, "%s", e->text);
	snprintf(e->text, sizeof e->text, "%s; the meetings shown are the last ones read; retry after %s", what, iso);
}

int zoom_meetings_refresh(const char *zoom_user_id)
{
	struct db *db = store_db();
	json_t *pages = json_array();
	char *next = NULL;
	struct reload_error err = {0};
	int rc = 0, truncated = 0;
	int64_t start_ms = clock_mono_us() / 1000;
	app_refused = 0;
	if (!db || !pages) {
		json_decref(pages);
		return db ? E_NOMEM : E_DB;
	}
	for (int page = 0;; page++) {
		if (page == ZOOM_MEETING_PAGES_MAX) {
			truncated = 1;
			break;
		}
		long left = RELOAD_MS_MAX - (long)(clock_mono_us() / 1000 - start_ms);
		if (left < 1000) {
			rc = E_IO;
			reload_error(&err, "zoom_timeout", "Zoom took too long to list the meetings");
			break;
		}
		char path[600];
		char *esc = next ? hc_escape(next) : NULL;
		snprintf(path, sizeof path, "/users/me/meetings?type=scheduled&page_size=300%s%s",
			 esc ? "&next_page_token=" : "", esc ? esc : "");
		free(esc);
		struct hc_response res;
		rc = api_call(zoom_user_id, "GET", path, left < 15000 ? left : 15000, &res);
		if (rc) {
			hc_response_free(&res);
			if (rc == E_IO && app_refused)
				reload_error(&err, "zoom_app_refused",
					     "Zoom refused the server's Zoom app (its client ID or secret)");
			else if (rc == E_IO)
				reload_error(&err, "zoom_unreachable", "Zoom did not answer");
			break;
		}
		if (res.status == 429) {
			long ra = res.retry_after > 0 ? res.retry_after : BACKOFF_SECONDS;
			if (ra > 86400 + 3600)
				ra = 86400 + 3600;
			rc = E_BUSY;
			int64_t at = clock_now() + ra;
			reload_error(&err, "zoom_rate_limited", "Zoom's rate limit was reached");
			retry_text(&err, at);
			hc_response_free(&res);
			free(next);
			json_decref(pages);
			note_state(db, zoom_user_id, 0, at, &err);
			return rc;
		}
		if (res.status != 200) {
			char what[100];
			snprintf(what, sizeof what, "Zoom answered HTTP %ld", res.status);
			reload_error(&err, "zoom_http_error", what);
			snprintf(err.params, sizeof err.params, "{\"status\":%ld}", res.status);
			rc = E_IO;
			if (res.retry_after > 0 && res.retry_after < 86400) {
				int64_t at = clock_now() + res.retry_after;
				retry_text(&err, at);
				hc_response_free(&res);
				free(next);
				json_decref(pages);
				note_state(db, zoom_user_id, 0, at, &err);
				return rc;
			}
			hc_response_free(&res);
			break;
		}
		json_t *j = parse(&res);
		hc_response_free(&res);
		json_t *list = json_object_get(j, "meetings");
		if (!json_is_array(list)) {
			json_decref(j);
			reload_error(&err, "meeting_list_unreadable", "Zoom's meeting list could not be read");
			rc = E_IO;
			break;
		}
		json_array_append(pages, list);
		free(next);
		next = jstr(j, "next_page_token") ? strdup(jstr(j, "next_page_token")) : NULL;
		json_decref(j);
		if (!next || !*next)
			break;
	}
	free(next);
	if (rc == E_UNAUTH || rc == E_NOTFOUND || rc == E_DB || rc == E_NOMEM) {
		json_decref(pages);
		return rc;
	}
	if (rc) {
		/* an outage, no answer, another node's refresh: the cache stays */
		int64_t at = clock_now() + BACKOFF_SECONDS;
		if (!err.code) /* another node's refresh held the token too long, or a local error */
			reload_error(&err, "zoom_not_asked", "Zoom could not be asked");
		retry_text(&err, at);
		json_decref(pages);
		note_state(db, zoom_user_id, 0, at, &err);
		return rc == E_BUSY ? E_IO : rc;
	}
	int64_t now = clock_now();
	if ((rc = store_begin(db, 1)))
		goto out;
	if ((rc = store_zoom_meetings_replace_begin(db, zoom_user_id)))
		goto fail;
	size_t i, k;
	json_t *list, *o;
	json_array_foreach(pages, i, list)
	{
		json_array_foreach(list, k, o)
		{
			struct zoom_meeting m;
			meeting_from_json(o, zoom_user_id, now, &m);
			if (m.meeting_id <= 0)
				continue;
			if ((rc = store_zoom_meeting_upsert(db, &m)))
				goto fail;
		}
	}
	if (truncated) {
		snprintf(err.text, sizeof err.text, "Zoom lists more than %d meetings; the first %d are shown",
			 ZOOM_MEETING_PAGES_MAX * 300, ZOOM_MEETING_PAGES_MAX * 300);
		err.code = "too_many_meetings";
		snprintf(err.params, sizeof err.params, "{\"limit\":%d}", ZOOM_MEETING_PAGES_MAX * 300);
	}
	if ((rc = store_zoom_meetings_replace_end(db, zoom_user_id)) ||
	    (rc = store_zoom_fetch_state(db, zoom_user_id, now, 0, err.code, err.params, err.text, now)) ||
	    (rc = store_commit(db)))
		goto fail;
	goto out;
fail:
	store_rollback(db);
out:
	json_decref(pages);
	return rc;
}

int zoom_meeting_start_url(const char *zoom_user_id, int64_t meeting_id, char **start_url, long *retry_after)
{
	char path[64];
	struct hc_response res;
	json_t *j = NULL;
	*start_url = NULL;
	if (retry_after)
		*retry_after = BACKOFF_SECONDS;
	snprintf(path, sizeof path, "/meetings/%lld", (long long)meeting_id);
	int rc = api_call(zoom_user_id, "GET", path, 15000, &res);
	if (rc)
		goto out;
	if (res.status == 200) {
		j = parse(&res);
		const char *s = jstr(j, "start_url");
		if (!s || !*s) {
			rc = E_IO;
		} else if (!(*start_url = strdup(s))) {
			rc = E_NOMEM;
		}
		goto out;
	}
	if (res.status == 404 || (res.status == 400 && error_code(&res) == 3001)) {
		/* Zoom says it does not exist: only this marks a meeting gone */
		struct db *db = store_db();
		rc = E_NOTFOUND;
		if (db && !store_begin(db, 1)) {
			if (store_zoom_meeting_mark_gone(db, zoom_user_id, meeting_id) || store_commit(db))
				store_rollback(db);
		}
		goto out;
	}
	if (retry_after && res.retry_after > 0)
		*retry_after = res.retry_after;
	rc = res.status == 429 ? E_BUSY : E_IO;
out:
	if (res.body)
		sodium_memzero(res.body, res.len);
	json_decref(j);
	hc_response_free(&res);
	return rc;
}

int zoom_api_revoke(const char *zoom_user_id)
{
	const struct config *c = config_current();
	struct db *db = store_db();
	struct zoom_account *a = malloc(sizeof *a);
	char *token = NULL, *form = NULL, url[600];
	struct hc_response res = {0};
	int rc;
	if (!db || !a) {
		free(a);
		return db ? E_NOMEM : E_DB;
	}
	if ((rc = store_zoom_account_get(db, zoom_user_id, a)))
		goto out;
	const char *sealed = a->refresh_sealed[0] ? a->refresh_sealed : a->access_sealed;
	if (!sealed[0]) {
		rc = E_NOTFOUND; /* nothing live to revoke */
		goto out;
	}
	if ((rc = secretbox_open(sealed, &token, NULL)) || (rc = form_append(&form, "token", token)))
		goto out;
	static const char *const headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	base_url(url, sizeof url, c->zoom_oauth_url, "/oauth/revoke");
	struct hc_request rq = {.method = "POST",
				.url = url,
				.headers = headers,
				.body = form,
				.body_len = strlen(form),
				.basic_user = c->zoom_client_id,
				.basic_password = c->zoom_client_secret,
				.max_answer = 64 * 1024};
	if ((rc = hc_do(&rq, &res)))
		goto out;
	rc = res.status == 200 ? 0 : E_IO;
	if (rc)
		log_warn("zoom: revoking the token of %s: HTTP %ld", zoom_user_id, res.status);
out:
	hc_response_free(&res);
	zoom_secret_free(token);
	zoom_secret_free(form);
	sodium_memzero(a, sizeof *a);
	free(a);
	return rc;
}
