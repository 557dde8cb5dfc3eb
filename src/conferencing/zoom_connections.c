/* Routes of the Zoom connections of a conference (conferencing/zoom_connections.h).
 * Every one goes through conference_load first, so that only that
 * conference's administrators and the account's admins see anything (404
 * for everyone else). Reads answer from the cache; only refresh, start and
 * disconnect call Zoom, and never inside a transaction. */
#include "conferencing/zoom_connections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "conferencing/access.h"
#include "conferencing/zoom_api.h"
#include "conferencing/zoom_oauth.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "http/jsonin.h"
#include "http/response.h"

static json_t *time_or_null(int64_t t)
{
	char s[32];
	if (!t)
		return json_null();
	clock_iso(t, s, sizeof s);
	return json_string(s);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *zoom_account_json(const struct zoom_account *a)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "zoom_user_id", a->zoom_user_id, "email", a->email,
			 "display_name", a->display_name, "account_id", a->zoom_account_id, "plan", a->plan,
			 "time_zone", str_or_null(a->time_zone));
}

static int meeting_json(void *ctx, const struct zoom_meeting *m)
{
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)m->meeting_id);
	json_t *o = json_pack("{s:s, s:o, s:s, s:i, s:o, s:i, s:o, s:o, s:o, s:o, s:b}", "id", id, "uuid",
			      str_or_null(m->uuid), "topic", m->topic ? m->topic : "", "type", m->type, "start",
			      m->has_start ? time_or_null(m->start_at) : json_null(), "duration", m->duration,
			      "timezone", str_or_null(m->timezone), "join_url", str_or_null(m->join_url), "passcode",
			      m->passcode ? json_string(m->passcode) : json_null(), "agenda", str_or_null(m->agenda),
			      "gone", m->gone);
	return o ? json_array_append_new(ctx, o) : E_NOMEM;
}

/* the parameters of the error's code: an object ({} when it has none), null
 * when there is no code (no error, or one written before codes existed) */
static json_t *error_params(const struct zoom_connection *c)
{
	if (!c->error_code[0])
		return json_null();
	json_t *p = c->error_params[0] ? json_loads(c->error_params, 0, NULL) : NULL;
	if (!json_is_object(p)) {
		json_decref(p);
		p = json_object();
	}
	return p;
}

json_t *zoom_connection_json(struct db *db, const struct zoom_connection *c, int with_meetings)
{
	json_t *account = json_null();
	struct zoom_account *a = NULL;
	if (c->zoom_user_id[0] && (a = malloc(sizeof *a)) && !store_zoom_account_get(db, c->zoom_user_id, a))
		account = zoom_account_json(a);
	free(a);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", c->id, "conference_id",
			      c->conference_id, "name", c->name, "status", c->status, "account", account,
			      "refreshed_at", time_or_null(c->refreshed_at), "retry_at", time_or_null(c->retry_at),
			      "error", str_or_null(c->error));
	if (o) {
		json_object_set_new(o, "error_code", str_or_null(c->error_code));
		json_object_set_new(o, "error_params", error_params(c));
	}
	if (o && with_meetings) {
		json_t *list = json_array();
		if (c->zoom_user_id[0])
			store_zoom_meetings_each(db, c->zoom_user_id, meeting_json, list);
		json_object_set_new(o, "meetings", list);
	}
	return o;
}

int zoom_connect_ready(struct req *r)
{
	char missing[200];
	if (!zoom_configured(missing, sizeof missing))
		return resp_problemf(r, 409, "zoom-not-configured",
				     "the server's Zoom app is not configured: set %s (see docs/zoom.md)", missing),
		       E_CONFLICT;
	if (!secretbox_ready())
		return resp_problem(
			       r, 409, "secret-key-missing",
			       "the server has no secret.key to encrypt Zoom tokens with; see docs/configuration.md"),
		       E_CONFLICT;
	return 0;
}

void zoom_account_release(struct db *db, const char *zoom_user_id)
{
	int64_t n = 1;
	if (!zoom_user_id || !*zoom_user_id || store_zoom_account_refs(db, zoom_user_id, &n) || n)
		return;
	int rc = zoom_api_revoke(zoom_user_id);
	if (rc && rc != E_NOTFOUND)
		log_warn("zoom: revoking Zoom user %s at Zoom failed (%s); its local tokens are deleted anyway",
			 zoom_user_id, error_name(rc));
	/* someone may have attached it meanwhile: then its (now revoked) tokens
	 * stay for them to see needs_reconnect, rather than vanishing */
	if ((rc = store_begin(db, 1)))
		return;
	if (!(rc = store_zoom_account_refs(db, zoom_user_id, &n)) && !n)
		rc = store_zoom_account_delete(db, zoom_user_id);
	if (rc || store_commit(db))
		store_rollback(db);
}

/* ---- GET /api/v1/zoom ---- */

static int status(struct req *r)
{
	struct db *db;
	int rc;
	if ((rc = api_db(&db)))
		return rc;
	if (!access_is(r, "admin")) {
		struct conference *c = arena_alloc(r->arena, sizeof *c);
		int n = 0;
		if (!c)
			return E_NOMEM;
		if ((rc = store_conference_list(db, r->who.account_id, r->who.user_id, NULL, NULL, c, 1, &n)))
			return rc;
		if (!n)
			return resp_problem(r, 403, "forbidden",
					    "only account admins and conference administrators see the Zoom settings");
	}
	char missing[200], redirect[600], webhook[600];
	int configured = zoom_configured(missing, sizeof missing);
	if (configured)
		zoom_installs_sweep(db, 1);
	zoom_redirect_url(redirect, sizeof redirect);
	snprintf(webhook, sizeof webhook, "%s", redirect);
	char *end = strstr(webhook, "/oauth/zoom/callback");
	if (end)
		snprintf(end, sizeof webhook - (size_t)(end - webhook), "/webhooks/zoom");
	json_t *list = json_array();
	for (char *p = missing; *p;) {
		size_t len = strcspn(p, ",");
		json_array_append_new(list, json_stringn(p, len));
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return resp_json(r, 200,
			 json_pack("{s:b, s:o, s:s, s:s, s:b}", "configured", configured, "missing", list,
				   "redirect_url", redirect, "webhook_url", webhook, "secret_key", secretbox_ready()));
}

/* ---- the connection routes ---- */

/* the conference of the path (404 unless the caller manages it) and, when c
 * is not NULL, its connection {cid}, in the request's arena, with a database
 * handle (no transaction) */
static int load(struct req *r, struct db **db, struct conference **conf, struct zoom_connection **c)
{
	*conf = arena_alloc(r->arena, sizeof **conf);
	if (c)
		*c = arena_alloc(r->arena, sizeof **c);
	if (!*conf || (c && !*c))
		return E_NOMEM;
	int rc = api_db(db);
	if (!rc)
		rc = conference_load(r, *db, req_param(r, "id"), *conf);
	if (rc || !c)
		return rc;
	const char *cid = req_param(r, "cid");
	rc = ids_valid(cid, "zcn") ? store_zoom_connection_get(*db, (*conf)->account_id, (*conf)->id, cid, *c)
				   : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no Zoom connection '%.40s' in this conference", cid ? cid : "");
	return rc;
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"name", NULL};
	struct conference *conf;
	struct zoom_connection *c = arena_alloc(r->arena, sizeof *c);
	const char *name;
	json_t *in;
	struct db *db;
	int64_t n = 0;
	int rc;
	if (!c)
		return E_NOMEM;
	if ((rc = load(r, &db, &conf, NULL)))
		return rc;
	if ((rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "name", JIN_REQUIRED, ZOOM_NAME_MAX, &name)) ||
	    (rc = zoom_connection_name_check(r, name)))
		return rc;
	memset(c, 0, sizeof *c);
	memcpy(c->account_id, conf->account_id, sizeof c->account_id);
	memcpy(c->conference_id, conf->id, sizeof c->conference_id);
	ids_new("zcn", c->id);
	snprintf(c->name, sizeof c->name, "%s", name);
	snprintf(c->status, sizeof c->status, "%s", ZOOM_NOT_CONNECTED);
	snprintf(c->created_by, sizeof c->created_by, "%s", r->who.user_id);
	c->created_at = c->updated_at = clock_now();
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_zoom_connection_count(db, c->account_id, c->conference_id, &n)))
		return api_abort(db, rc);
	if (n >= ZOOM_CONNECTIONS_MAX)
		return api_abort(db,
				 resp_problemf(r, 409, "zoom-connection-limit",
					       "a conference has at most %d Zoom connections", ZOOM_CONNECTIONS_MAX));
	char topic[ID_MAX + 8];
	snprintf(topic, sizeof topic, "zoom:%s", c->id);
	if ((rc = store_zoom_connection_insert(db, c)) || (rc = store_changed(db, topic)) ||
	    (rc = audit_record(r, db, "zoom_connection.create", "zoom_connection", c->id, c->name, NULL,
			       json_pack("{s:s, s:s}", "conference_id", c->conference_id, "name", c->name))))
		return api_abort(db, rc);
	return api_commit_created(r, db,
				  arena_printf(r->arena, "/api/v1/conferences/%s/zoom-connections/%s", conf->id, c->id),
				  zoom_connection_json(db, c, 0));
}

static int list(struct req *r)
{
	struct conference *conf;
	struct zoom_connection *rows = arena_alloc(r->arena, sizeof *rows * ZOOM_CONNECTIONS_MAX);
	struct db *db;
	int rc, n = 0;
	if (!rows)
		return E_NOMEM;
	if ((rc = load(r, &db, &conf, NULL)) ||
	    (rc = store_zoom_connection_list(db, conf->account_id, conf->id, rows, ZOOM_CONNECTIONS_MAX, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, zoom_connection_json(db, &rows[i], 0));
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

static int show(struct req *r)
{
	struct conference *conf;
	struct zoom_connection *c;
	struct db *db;
	int rc;
	if ((rc = load(r, &db, &conf, &c)))
		return rc;
	return resp_json(r, 200, zoom_connection_json(db, c, 1));
}

static int rename_(struct req *r)
{
	static const char *const allowed[] = {"name", NULL};
	struct conference *conf;
	struct zoom_connection *c;
	const char *name = NULL;
	json_t *in;
	struct db *db;
	int rc;
	if ((rc = load(r, &db, &conf, &c)))
		return rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "name", JIN_OPTIONAL, ZOOM_NAME_MAX, &name)))
		return rc;
	if (!name)
		return resp_json(r, 200, zoom_connection_json(db, c, 0));
	if ((rc = zoom_connection_name_check(r, name)))
		return rc;
	json_t *old = json_pack("{s:s}", "name", c->name);
	char topic[ID_MAX + 8];
	snprintf(topic, sizeof topic, "zoom:%s", c->id);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->updated_at = clock_now();
	if ((rc = api_begin(&db, 1))) {
		json_decref(old);
		return rc;
	}
	if ((rc = store_zoom_connection_rename(db, c->account_id, c->id, c->name, c->updated_at)) ||
	    (rc = store_changed(db, topic)) ||
	    (rc = audit_record(r, db, "zoom_connection.update", "zoom_connection", c->id, c->name, old,
			       json_pack("{s:s}", "name", c->name))))
		return api_abort(db, rc);
	return api_commit_json(r, db, 200, zoom_connection_json(db, c, 0));
}

static int disconnect(struct req *r)
{
	struct conference *conf;
	struct zoom_connection *c;
	struct db *db;
	int rc;
	if ((rc = load(r, &db, &conf, &c)))
		return rc;
	char topic[ID_MAX + 8];
	snprintf(topic, sizeof topic, "zoom:%s", c->id);
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_zoom_connection_delete(db, c->account_id, c->id)) || (rc = store_changed(db, topic)) ||
	    (rc = audit_record(r, db, "zoom_connection.disconnect", "zoom_connection", c->id, c->name,
			       json_pack("{s:s, s:s, s:s}", "conference_id", c->conference_id, "name", c->name,
					 "status", c->status),
			       NULL)))
		return api_abort(db, rc);
	if ((rc = store_commit(db)))
		return api_abort(db, rc);
	/* outside the transaction: Zoom is asked only once the row is gone */
	zoom_account_release(db, c->zoom_user_id);
	return resp_empty(r, 204);
}

static int unavailable(struct req *r, struct db *db, const struct zoom_connection *c, int rc, long retry_after)
{
	if (rc == E_UNAUTH)
		return resp_problem(r, 409, "zoom-needs-reconnect",
				    "Zoom no longer accepts this connection's authorization; reconnect it");
	if (retry_after < 1)
		retry_after = 60;
	resp_header(r, "Retry-After", arena_printf(r->arena, "%ld", retry_after));
	json_t *extra = NULL;
	if (c)
		extra = json_pack("{s:o}", "connection", zoom_connection_json(db, c, 0));
	return resp_problem_ext(r, 503, "zoom-unavailable",
				rc == E_BUSY
					? resp_text(r, "Zoom asks to wait (rate limit); the cached meetings are kept")
					: resp_text(r, "Zoom did not answer; the cached meetings are kept"),
				extra);
}

static int refresh(struct req *r)
{
	struct conference *conf;
	struct zoom_connection *c;
	struct db *db;
	int rc;
	if ((rc = load(r, &db, &conf, &c)))
		return rc;
	if (strcmp(c->status, ZOOM_CONNECTED) || !c->zoom_user_id[0])
		return resp_problem(r, 409, "zoom-not-connected", "connect this Zoom connection first");
	rc = zoom_meetings_refresh(c->zoom_user_id);
	if (rc == E_NOTFOUND)
		rc = E_UNAUTH;
	/* what the reload noted (refreshed_at, retry_at, error, status) */
	if (store_zoom_connection_get(db, conf->account_id, conf->id, c->id, c))
		return resp_problemf(r, 404, "not-found", "no Zoom connection '%.40s' in this conference", c->id);
	if (rc == E_BUSY || rc == E_IO || rc == E_UNAUTH) {
		long ra = c->retry_at ? (long)(c->retry_at - clock_now()) : 60;
		return unavailable(r, db, c, rc, ra);
	}
	if (rc)
		return rc;
	return resp_json(r, 200, zoom_connection_json(db, c, 1));
}

static int start(struct req *r)
{
	struct conference *conf;
	struct zoom_connection *c;
	struct db *db;
	char *end = NULL;
	int rc;
	if ((rc = load(r, &db, &conf, &c)))
		return rc;
	const char *mid = req_param(r, "mid");
	long long id = mid && *mid ? strtoll(mid, &end, 10) : 0;
	if (id <= 0 || !end || *end || !c->zoom_user_id[0] ||
	    store_zoom_meeting_exists(db, c->zoom_user_id, (int64_t)id))
		return resp_problemf(r, 404, "not-found", "no meeting '%.40s' in this connection", mid ? mid : "");
	if (strcmp(c->status, ZOOM_CONNECTED))
		return resp_problem(r, 409, "zoom-not-connected", "connect this Zoom connection first");
	char *url = NULL;
	long ra = 0;
	rc = zoom_meeting_start_url(c->zoom_user_id, (int64_t)id, &url, &ra);
	if (rc == E_NOTFOUND)
		return resp_problem(r, 404, "zoom-meeting-gone", "Zoom says this meeting no longer exists");
	if (rc == E_BUSY || rc == E_IO || rc == E_UNAUTH)
		return unavailable(r, db, NULL, rc, ra);
	if (rc)
		return rc;
	json_t *out = json_pack("{s:s}", "start_url", url);
	zoom_secret_free(url);
	resp_header(r, "Cache-Control", "no-store");
	return resp_json(r, 200, out);
}

const struct route zoom_connections_routes[] = {
	{"GET", "/api/v1/zoom", status, 0},
	{"POST", "/api/v1/conferences/{id}/zoom-connections", create, 0},
	{"GET", "/api/v1/conferences/{id}/zoom-connections", list, 0},
	{"GET", "/api/v1/conferences/{id}/zoom-connections/{cid}", show, 0},
	{"PATCH", "/api/v1/conferences/{id}/zoom-connections/{cid}", rename_, 0},
	{"DELETE", "/api/v1/conferences/{id}/zoom-connections/{cid}", disconnect, 0},
	{"POST", "/api/v1/conferences/{id}/zoom-connections/{cid}/refresh", refresh, 0},
	{"POST", "/api/v1/conferences/{id}/zoom-connections/{cid}/meetings/{mid}/start", start, 0},
	{NULL, NULL, NULL, 0},
};
