/* Connecting a Zoom account (conferencing/zoom_oauth.h): the authorization
 * code flow with PKCE (S256) and a single-use state bound to the connection
 * and to the administrator who clicked, the callback that Zoom sends the
 * browser back to, and installs started from the Zoom Marketplace (no state
 * of ours), which wait an hour for an administrator to attach them. */
#include "conferencing/zoom_oauth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/audit.h"
#include "api/tx.h"
#include "conferencing/access.h"
#include "conferencing/zoom_api.h"
#include "conferencing/zoom_connections.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "http/client.h"
#include "http/jsonin.h"
#include "http/response.h"

#define STATE_SECONDS 600
#define INSTALL_SECONDS 3600
#define SWEEP_MAX 5 /* lapsed installs released per call */

/* ---- POST …/{cid}/connect ---- */

static void challenge_of(const char *verifier, char out[64])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)verifier, strlen(verifier));
	sodium_bin2base64(out, 64, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static char *url_param(struct req *r, const char *name, const char *value)
{
	char *esc = hc_escape(value);
	char *s = arena_printf(r->arena, "&%s=%s", name, esc ? esc : "");
	free(esc);
	return s;
}

static int connect_(struct req *r)
{
	struct conference *conf = arena_alloc(r->arena, sizeof *conf);
	struct zoom_connection *c = arena_alloc(r->arena, sizeof *c);
	struct zoom_oauth_state s = {0};
	char state[SECRET_MAX], verifier[SECRET_MAX], challenge[64], redirect[600];
	char *sealed = NULL;
	struct db *db;
	int rc;
	if (!conf || !c)
		return E_NOMEM;
	if ((rc = api_db(&db)) || (rc = conference_load(r, db, req_param(r, "id"), conf)))
		return rc;
	const char *cid = req_param(r, "cid");
	rc = ids_valid(cid, "zcn") ? store_zoom_connection_get(db, conf->account_id, conf->id, cid, c) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "no Zoom connection '%.40s' in this conference",
				     cid ? cid : "");
	if (rc || (rc = zoom_connect_ready(r)))
		return rc;
	ids_secret(state);
	ids_secret(verifier); /* 43 characters of [A-Za-z0-9_-]: RFC 7636 4.1 */
	challenge_of(verifier, challenge);
	if ((rc = secretbox_seal(verifier, strlen(verifier), &sealed)) || strlen(sealed) >= sizeof s.verifier_sealed) {
		free(sealed);
		sodium_memzero(verifier, sizeof verifier);
		return rc ? rc : E_INVALID;
	}
	sodium_memzero(verifier, sizeof verifier);
	ids_hash(state, s.state_hash);
	memcpy(s.account_id, conf->account_id, sizeof s.account_id);
	memcpy(s.connection_id, c->id, sizeof s.connection_id);
	memcpy(s.user_id, r->who.user_id, sizeof s.user_id);
	memcpy(s.verifier_sealed, sealed, strlen(sealed) + 1);
	free(sealed);
	int64_t now = clock_now();
	s.expires_at = now + STATE_SECONDS;
	if ((rc = api_begin(&db, 1)))
		return rc;
	/* states are kept a day after they lapse, so that a late callback says
	 * "expired" rather than "unknown" */
	if ((rc = store_zoom_states_purge(db, now - 86400)) || (rc = store_zoom_state_insert(db, &s)))
		return api_abort(db, rc);
	const struct config *cfg = config_current();
	char base[600];
	snprintf(base, sizeof base, "%s", cfg->zoom_oauth_url);
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		base[--bl] = 0;
	zoom_redirect_url(redirect, sizeof redirect);
	char *url = arena_printf(r->arena, "%s/oauth/authorize?response_type=code%s%s%s%s%s", base,
				 url_param(r, "client_id", cfg->zoom_client_id), url_param(r, "redirect_uri", redirect),
				 url_param(r, "state", state), url_param(r, "code_challenge", challenge),
				 "&code_challenge_method=S256");
	sodium_memzero(state, sizeof state);
	resp_header(r, "Cache-Control", "no-store");
	return api_commit_json(r, db, 200, json_pack("{s:s}", "authorize_url", url));
}

/* ---- the callback's answers ---- */

static const char *html_escape(struct req *r, const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += (*p == '<' || *p == '>' || *p == '&' || *p == '"') ? 6 : 1;
	char *o = arena_alloc(r->arena, n + 1), *q = o;
	if (!o)
		return "";
	for (const char *p = s; *p; p++) {
		const char *e = *p == '<'   ? "&lt;"
				: *p == '>' ? "&gt;"
				: *p == '&' ? "&amp;"
				: *p == '"' ? "&quot;"
					    : NULL;
		if (e) {
			strcpy(q, e);
			q += strlen(e);
		} else {
			*q++ = *p;
		}
	}
	*q = 0;
	return o;
}

/* a small page in the user's language: what went wrong and a way back */
static int error_page(struct req *r, int status, const char *why, const char *back)
{
	int lang = resp_lang(r);
	const char *codes[] = {"en", "fr", "ru"};
	const char *title = resp_text(r, "Zoom was not connected");
	const char *link = resp_text(r, "Back to convene");
	char *body =
		arena_printf(r->arena,
			     "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
			     "<meta name=\"viewport\" content=\"width=device-width\"><title>%s</title></head>"
			     "<body><main><h1>%s</h1><p id=\"zoom-error\">%s</p><p><a href=\"%s\">%s</a></p>"
			     "</main></body></html>",
			     codes[lang >= 0 && lang < 3 ? lang : 0], html_escape(r, title), html_escape(r, title),
			     html_escape(r, why), html_escape(r, back ? back : "/conferences"), html_escape(r, link));
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Content-Security-Policy", "default-src 'none'");
	return resp_raw(r, status, "text/html; charset=utf-8", body, strlen(body));
}

static int redirect_to(struct req *r, const char *location)
{
	resp_header(r, "Location", location);
	resp_header(r, "Cache-Control", "no-store");
	return resp_empty(r, 303);
}

void zoom_installs_sweep(struct db *db, int max)
{
	for (int i = 0; i < max; i++) {
		char uid[ZOOM_ID_MAX];
		int rc = store_begin(db, 1);
		if (rc)
			return;
		rc = store_zoom_install_take_expired(db, clock_now(), uid);
		if (rc || store_commit(db)) {
			store_rollback(db);
			break;
		}
		zoom_account_release(db, uid);
	}
	/* Zoom accounts left behind by a deleted conference or account (the
	 * connections went by cascade, without a disconnect) */
	for (int i = 0; i < max; i++) {
		char uid[ZOOM_ID_MAX];
		if (store_zoom_account_orphan(db, uid))
			return;
		zoom_account_release(db, uid);
	}
}

/* exchange, identity and sealing, outside any transaction */
static int authorize(struct req *r, const char *code, const char *verifier, struct zoom_account *a, char *why, size_t n)
{
	struct zoom_tokens t = {0};
	char err[200];
	int rc = zoom_api_exchange(code, verifier, &t, err, sizeof err);
	if (rc) {
		snprintf(why, n, "%s", resp_text(r, "Zoom did not accept the authorization; try Connect again"));
		log_warn("zoom: code exchange failed: %s", err);
		return rc;
	}
	if ((rc = zoom_api_me(t.access, a, err, sizeof err))) {
		snprintf(why, n, "%s", resp_text(r, "Zoom did not say who the account is; try Connect again"));
		log_warn("zoom: /users/me failed: %s", err);
	} else if ((rc = zoom_account_seal(a, &t))) {
		snprintf(why, n, "%s", resp_text(r, "the Zoom tokens could not be stored"));
	}
	zoom_tokens_free(&t);
	return rc;
}

static int marketplace(struct req *r, const char *code)
{
	struct zoom_account *a = arena_alloc(r->arena, sizeof *a);
	char why[300], token[SECRET_MAX], hash[HASH_HEX_MAX];
	struct db *db;
	int rc;
	if (!a)
		return E_NOMEM;
	memset(a, 0, sizeof *a);
	char missing[200];
	if (!zoom_configured(missing, sizeof missing) || !secretbox_ready())
		return error_page(r, 409, resp_text(r, "this server's Zoom app is not configured"), NULL);
	/* a code lives five minutes: exchange it now, attach it later */
	if (authorize(r, code, NULL, a, why, sizeof why))
		return error_page(r, 400, why, NULL);
	ids_secret(token);
	ids_hash(token, hash);
	int64_t now = clock_now();
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_zoom_account_authorized(db, a, now)) ||
	    (rc = store_zoom_install_insert(db, hash, a->zoom_user_id, now + INSTALL_SECONDS)) ||
	    (rc = store_commit(db))) {
		store_rollback(db);
		sodium_memzero(a, sizeof *a);
		return rc;
	}
	sodium_memzero(a, sizeof *a);
	zoom_installs_sweep(db, SWEEP_MAX);
	const char *loc = arena_printf(r->arena, "/zoom/install?token=%s", token);
	sodium_memzero(token, sizeof token);
	return redirect_to(r, loc);
}

static int callback(struct req *r)
{
	const char *code = req_query(r, "code"), *state = req_query(r, "state"), *error = req_query(r, "error");
	struct zoom_oauth_state s = {0};
	struct zoom_connection *c = arena_alloc(r->arena, sizeof *c);
	struct zoom_account *a = arena_alloc(r->arena, sizeof *a);
	char hash[HASH_HEX_MAX], why[300];
	struct db *db;
	int rc;
	if (!c || !a)
		return E_NOMEM;
	memset(a, 0, sizeof *a);
	if ((!state || !*state) && code && *code && !error)
		return marketplace(r, code);
	if (!state || !*state || strlen(state) > 200)
		return error_page(r, 400, resp_text(r, "the answer from Zoom carries no valid state"), NULL);
	ids_hash(state, hash);
	if ((rc = api_begin(&db, 1)))
		return rc;
	rc = store_zoom_state_use(db, hash, clock_now(), &s);
	if (rc == E_NOTFOUND || rc == E_CONFLICT) {
		store_rollback(db);
		return error_page(
			r, 400,
			rc == E_NOTFOUND
				? resp_text(r, "this Zoom authorization is not one convene started")
				: resp_text(r, "this Zoom authorization was already used; click Connect again"),
			NULL);
	}
	if (rc || (rc = store_commit(db)))
		return api_abort(db, rc);
	/* the state was consumed whatever follows: single use */
	const char *back = arena_printf(r->arena, "/conferences");
	if (s.expires_at < clock_now())
		return error_page(r, 400, resp_text(r, "this Zoom authorization has expired; click Connect again"),
				  back);
	if (!r->authenticated || strcmp(r->who.account_id, s.account_id) || strcmp(r->who.user_id, s.user_id))
		return error_page(r, 403,
				  resp_text(r, "sign in to convene as the administrator who clicked Connect, then "
					       "click Connect again"),
				  back);
	if (error && *error)
		return error_page(r, 400,
				  !strcmp(error, "access_denied")
					  ? resp_text(r, "the authorization was declined at Zoom; nothing was changed")
					  : resp_text(r, "Zoom answered with an error; nothing was changed"),
				  back);
	if (!code || !*code || strlen(code) > 2000)
		return error_page(r, 400, resp_text(r, "the answer from Zoom carries no code"), back);
	/* still theirs to connect: removed from the conference's administrators
	 * (or made a guest) since clicking, they may not, and Zoom is not asked */
	struct conference *conf = arena_alloc(r->arena, sizeof *conf);
	if (!conf)
		return E_NOMEM;
	if ((rc = api_db(&db)))
		return rc;
	rc = store_zoom_connection_get_any(db, s.account_id, s.connection_id, c);
	if (!rc)
		rc = store_conference_get(db, c->account_id, c->conference_id, conf);
	if (rc == E_NOTFOUND)
		return error_page(r, 404, resp_text(r, "this Zoom connection no longer exists"), back);
	int may = rc ? rc : conference_may_manage(db, &r->who, conf);
	if (may < 0)
		return may;
	if (!may)
		return error_page(r, 403, resp_text(r, "you no longer administer this conference; nothing was changed"),
				  back);
	char *verifier = NULL;
	if (secretbox_open(s.verifier_sealed, &verifier, NULL))
		return error_page(r, 409, resp_text(r, "the Zoom tokens could not be stored"), back);
	rc = authorize(r, code, verifier, a, why, sizeof why);
	zoom_secret_free(verifier);
	if (rc)
		return error_page(r, 400, why, back);
	/* the connection may have gone (or its conference) meanwhile */
	char old_user[ZOOM_ID_MAX] = "";
	if ((rc = api_begin(&db, 1)))
		return rc;
	rc = store_zoom_connection_get_any(db, s.account_id, s.connection_id, c);
	if (rc == E_NOTFOUND) {
		store_rollback(db);
		sodium_memzero(a, sizeof *a);
		return error_page(r, 404, resp_text(r, "this Zoom connection no longer exists"), back);
	}
	snprintf(old_user, sizeof old_user, "%s", c->zoom_user_id);
	char topic[ID_MAX + 8];
	snprintf(topic, sizeof topic, "zoom:%s", c->id);
	if (rc || (rc = store_conference_get(db, c->account_id, c->conference_id, conf)) ||
	    (rc = store_zoom_account_authorized(db, a, clock_now())) ||
	    (rc = store_zoom_connection_attach(db, c->account_id, c->id, a->zoom_user_id, clock_now())) ||
	    (rc = store_changed(db, topic)) ||
	    (rc = audit_record(r, db, "zoom_connection.connect", "zoom_connection", c->id, c->name, NULL,
			       json_pack("{s:s, s:s, s:s, s:s}", "conference_id", c->conference_id, "zoom_user_id",
					 a->zoom_user_id, "email", a->email, "status", ZOOM_CONNECTED))) ||
	    (rc = store_commit(db))) {
		store_rollback(db);
		sodium_memzero(a, sizeof *a);
		return rc;
	}
	sodium_memzero(a->access_sealed, sizeof a->access_sealed);
	sodium_memzero(a->refresh_sealed, sizeof a->refresh_sealed);
	/* another Zoom account this connection used before may now be unused */
	if (old_user[0] && strcmp(old_user, a->zoom_user_id))
		zoom_account_release(db, old_user);
	rc = zoom_meetings_refresh(a->zoom_user_id);
	if (rc)
		log_warn("zoom: first load of the meetings of %s: %s", a->zoom_user_id, error_name(rc));
	return redirect_to(r, arena_printf(r->arena, "/conferences/%s/zoom/%s", c->conference_id, c->id));
}

/* ---- Marketplace installs ---- */

/* The install routes carry their credential in the path, so they are routed
 * as public (logs hide the token) and ask for the signed-in user here: the
 * token alone shows nothing, and attaching also needs the CSRF token, so that
 * another site cannot make an administrator's browser attach a Zoom account
 * of its choosing. */
static int signed_in(struct req *r)
{
	if (!r->authenticated) {
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"convene\"");
		return resp_problem(r, 401, "unauthenticated", "sign in first, or send a bearer token"), E_UNAUTH;
	}
	if (r->who.via == AUTH_COOKIE && req_is_unsafe(r)) {
		const char *tok = req_header(r, "X-CSRF-Token");
		if (!tok || !ids_equal_ct(tok, r->who.csrf))
			return resp_problem(r, 403, "csrf", "missing or wrong X-CSRF-Token header"), E_FORBIDDEN;
	}
	return 0;
}

int zoom_connection_name_check(struct req *r, const char *name)
{
	if (!name[strspn(name, " \t")])
		return resp_field_error(r, "name", "the name must not be empty"), E_INVALID;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return resp_field_error(r, "name", "the name must not hold control characters"), E_INVALID;
	return 0;
}

static int install_find(struct req *r, struct db *db, char hash[HASH_HEX_MAX], char uid[ZOOM_ID_MAX])
{
	const char *token = req_param(r, "token");
	if (!token || strlen(token) > 200)
		return resp_problem(r, 404, "not-found", "no such Zoom install, or it has expired"), E_NOTFOUND;
	ids_hash(token, hash);
	int rc = store_zoom_install_get(db, hash, clock_now(), uid);
	if (rc == E_NOTFOUND)
		resp_problem(r, 404, "not-found", "no such Zoom install, or it has expired");
	return rc;
}

static int install_show(struct req *r)
{
	struct zoom_account *a = arena_alloc(r->arena, sizeof *a);
	char hash[HASH_HEX_MAX], uid[ZOOM_ID_MAX];
	struct db *db;
	int rc;
	if (!a)
		return E_NOMEM;
	if ((rc = signed_in(r)) || (rc = api_db(&db)) || (rc = install_find(r, db, hash, uid)))
		return rc;
	if ((rc = store_zoom_account_get(db, uid, a)))
		return rc == E_NOTFOUND ? resp_problem(r, 404, "not-found", "no such Zoom install, or it has expired")
					: rc;
	json_t *o = json_pack("{s:o}", "account", zoom_account_json(a));
	sodium_memzero(a, sizeof *a);
	return resp_json(r, 200, o);
}

static int install_attach(struct req *r)
{
	static const char *const allowed[] = {"conference_ids", "name", NULL};
	const char **ids = NULL, *name = NULL;
	size_t n = 0;
	json_t *in;
	char hash[HASH_HEX_MAX], uid[ZOOM_ID_MAX];
	struct db *db;
	int rc;
	if ((rc = signed_in(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string_array(r, in, "conference_ids", JIN_REQUIRED, 20, ID_MAX, &ids, &n)) ||
	    (rc = jin_string(r, in, "name", JIN_REQUIRED, ZOOM_NAME_MAX, &name)))
		return rc;
	if (!n)
		return resp_field_error(r, "conference_ids", "choose at least one conference");
	if ((rc = zoom_connection_name_check(r, name)) || (rc = zoom_connect_ready(r)))
		return rc;
	struct conference *conf = arena_alloc(r->arena, sizeof *conf);
	struct zoom_connection *c = arena_alloc(r->arena, sizeof *c * n);
	if (!conf || !c)
		return E_NOMEM;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = install_find(r, db, hash, uid)))
		return api_abort(db, rc);
	int64_t now = clock_now();
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		int64_t count = 0;
		/* each must be a conference the caller administers: else 404 */
		rc = ids_valid(ids[i], "cnf") ? store_conference_get(db, r->who.account_id, ids[i], conf) : E_NOTFOUND;
		if (!rc) {
			int may = conference_may_manage(db, &r->who, conf);
			rc = may < 0 ? may : may ? 0 : E_NOTFOUND;
		}
		if (rc == E_NOTFOUND) {
			json_decref(items);
			return api_abort(db, resp_problemf(r, 404, "not-found",
							   "no conference '%.40s' that you may see", ids[i]));
		}
		if (!rc && !(rc = store_zoom_connection_count(db, conf->account_id, conf->id, &count)) &&
		    count >= ZOOM_CONNECTIONS_MAX) {
			json_decref(items);
			return api_abort(db, resp_problemf(r, 409, "zoom-connection-limit",
							   "a conference has at most %d Zoom connections",
							   ZOOM_CONNECTIONS_MAX));
		}
		struct zoom_connection *x = &c[i];
		memset(x, 0, sizeof *x);
		memcpy(x->account_id, conf->account_id, sizeof x->account_id);
		memcpy(x->conference_id, conf->id, sizeof x->conference_id);
		ids_new("zcn", x->id);
		snprintf(x->name, sizeof x->name, "%s", name);
		snprintf(x->status, sizeof x->status, "%s", ZOOM_CONNECTED);
		snprintf(x->zoom_user_id, sizeof x->zoom_user_id, "%s", uid);
		snprintf(x->created_by, sizeof x->created_by, "%s", r->who.user_id);
		x->created_at = x->updated_at = now;
		char topic[ID_MAX + 8];
		snprintf(topic, sizeof topic, "zoom:%s", x->id);
		if (rc || (rc = store_zoom_connection_insert(db, x)) || (rc = store_changed(db, topic)) ||
		    (rc = audit_record(r, db, "zoom_connection.create", "zoom_connection", x->id, x->name, NULL,
				       json_pack("{s:s, s:s}", "conference_id", x->conference_id, "name", x->name))) ||
		    (rc = audit_record(r, db, "zoom_connection.connect", "zoom_connection", x->id, x->name, NULL,
				       json_pack("{s:s, s:s, s:s}", "conference_id", x->conference_id, "zoom_user_id",
						 uid, "status", ZOOM_CONNECTED)))) {
			json_decref(items);
			return api_abort(db, rc);
		}
	}
	if ((rc = store_zoom_install_use(db, hash, now)) || (rc = store_commit(db))) {
		json_decref(items);
		return api_abort(db, rc);
	}
	rc = zoom_meetings_refresh(uid);
	if (rc)
		log_warn("zoom: first load of the meetings of %s: %s", uid, error_name(rc));
	for (size_t i = 0; i < n; i++) {
		if (!store_zoom_connection_get(db, c[i].account_id, c[i].conference_id, c[i].id, &c[i]))
			json_array_append_new(items, zoom_connection_json(db, &c[i], 0));
	}
	return resp_json(r, 201, json_pack("{s:o}", "items", items));
}

const struct route zoom_oauth_routes[] = {
	{"POST", "/api/v1/conferences/{id}/zoom-connections/{cid}/connect", connect_, 0},
	{"GET", "/oauth/zoom/callback", callback, ROUTE_PUBLIC},
	{"GET", "/api/v1/zoom/installs/{token}", install_show, ROUTE_PUBLIC | ROUTE_SECRET_PARAMS},
	{"POST", "/api/v1/zoom/installs/{token}", install_attach, ROUTE_PUBLIC | ROUTE_SECRET_PARAMS},
	{NULL, NULL, NULL, 0},
};
