/* /api/v1/calendar-integrations… (sync/routes.h): input read and checked
 * here, the work done by sync/connections.c, answers and problems here. A
 * provider name outside the three is 404; other accounts' connections and
 * rooms are never reachable (every look-up carries the caller's account). */
#include "sync/routes.h"

#include <stdio.h>
#include <string.h>

#include "api/access.h"
#include "api/tx.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "store/store.h"
#include "sync/connections.h"

#define PROVIDER_ROOM_ID_MAX 255

/* the provider of the path: 404 unless it is one of the three, and one this
 * server has an adapter for when `built` */
static int provider_of(struct req *r, int built, const struct sync_provider **p, const char **name)
{
	const char *n = req_param(r, "provider");
	*p = NULL;
	*name = NULL;
	for (int i = 0; n && i < SYNC_PROVIDERS; i++)
		if (!strcmp(n, sync_provider_names[i]))
			*name = sync_provider_names[i];
	if (!*name)
		return resp_problemf(r, 404, "not-found", "no calendar provider '%.40s' (google, microsoft, exchange)",
				     n ? n : ""),
		       E_NOTFOUND;
	*p = sync_provider_find(*name);
	if (built && !*p)
		return resp_problemf(r, 404, "not-found", "this server cannot connect to %s yet", *name), E_NOTFOUND;
	return 0;
}

static int not_configured(struct req *r, const char *provider)
{
	return resp_problemf(r, 409, "provider-not-configured", "step 1 of %s is not done: save its credentials first",
			     provider),
	       E_CONFLICT;
}

/* a failed check or listing: 422 with the code, its parameters and the
 * connection as it is now */
static int check_failed(struct req *r, const char *provider, const struct sync_failure *f)
{
	struct db *db = store_db();
	struct sync_connection c;
	json_t *extra = json_pack("{s:s, s:o}", "error_code", f->code, "error_params",
				  json_loads(f->params[0] ? f->params : "{}", 0, NULL) ?: json_object());
	if (extra && db && !store_sync_connection_get(db, r->who.account_id, provider, &c)) {
		json_object_set_new(extra, "integration", sync_connection_json(db, provider, &c));
		sync_connection_free(&c);
	}
	if (extra && f->retry_after > 0)
		resp_header(r, "Retry-After", arena_printf(r->arena, "%ld", f->retry_after));
	return resp_problem_ext(r, 422, "provider-check-failed",
				arena_printf(r->arena, resp_text(r, "the check at the provider failed: %s"), f->detail),
				extra),
	       E_INVALID;
}

static int answer_connection(struct req *r, const char *provider, int status)
{
	struct db *db;
	struct sync_connection c;
	int rc = api_db(&db);
	if (rc)
		return rc;
	rc = store_sync_connection_get(db, r->who.account_id, provider, &c);
	if (rc == E_NOTFOUND)
		return resp_json(r, status, sync_connection_json(db, provider, NULL));
	if (rc)
		return rc;
	json_t *o = sync_connection_json(db, provider, &c);
	sync_connection_free(&c);
	return resp_json(r, status, o);
}

/* GET /api/v1/calendar-integrations */
static int list(struct req *r)
{
	struct db *db;
	struct sync_connection c[SYNC_PROVIDERS];
	int rc, n = 0;
	if ((rc = access_admin(r)) || (rc = api_db(&db)) ||
	    (rc = store_sync_connections_list(db, r->who.account_id, c, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < SYNC_PROVIDERS; i++) {
		const struct sync_connection *found = NULL;
		for (int k = 0; k < n; k++)
			if (!strcmp(c[k].provider, sync_provider_names[i]))
				found = &c[k];
		json_array_append_new(items, sync_connection_json(db, sync_provider_names[i], found));
	}
	for (int k = 0; k < n; k++)
		sync_connection_free(&c[k]);
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

/* PUT /api/v1/calendar-integrations/{provider}: step 1 */
static int step1(struct req *r)
{
	const struct sync_provider *p;
	const char *name;
	json_t *in;
	struct sync_failure f = {0};
	int rc;
	if ((rc = access_admin(r)) || (rc = provider_of(r, 1, &p, &name)) || (rc = jin_object_any(r, &in)))
		return rc;
	rc = sync_connection_step1(r, p, in, &f);
	if (rc == E_INVALID && !strcmp(f.code, "invalid_field")) {
		json_t *params = json_loads(f.params, 0, NULL);
		const char *field = json_string_value(json_object_get(params, "field"));
		char fname[64];
		snprintf(fname, sizeof fname, "%s", field ? field : "");
		json_decref(params);
		return resp_field_error(r, fname, "step 1 is not valid: %s", f.detail), E_INVALID;
	}
	if (rc == E_CONFLICT)
		return resp_problem(
			       r, 409, "secret-key-missing",
			       "the server has no secret.key to encrypt credentials with; see docs/configuration.md"),
		       E_CONFLICT;
	if (rc == E_NOMEM || rc == E_DB)
		return rc;
	if (rc)
		return check_failed(r, name, &f);
	return answer_connection(r, name, 200);
}

/* POST /api/v1/calendar-integrations/{provider}/connect: step 2 */
static int connect_(struct req *r)
{
	const struct sync_provider *p;
	const char *name;
	struct sync_failure f = {0};
	int rc;
	if ((rc = access_admin(r)) || (rc = provider_of(r, 1, &p, &name)))
		return rc;
	rc = sync_connection_connect(r, p, &f);
	if (rc == E_NOTFOUND && !f.code[0])
		return not_configured(r, name);
	if (rc == E_NOMEM || rc == E_DB)
		return rc;
	if (rc)
		return check_failed(r, name, &f);
	return answer_connection(r, name, 200);
}

/* DELETE /api/v1/calendar-integrations/{provider}?confirm=true */
static int disconnect(struct req *r)
{
	const struct sync_provider *p;
	const char *name;
	int rc;
	if ((rc = access_admin(r)) || (rc = provider_of(r, 0, &p, &name)))
		return rc;
	const char *confirm = req_query(r, "confirm");
	if (!confirm || strcmp(confirm, "true"))
		return resp_problem(r, 422, "confirmation-required",
				    "disconnecting removes every meeting synced from the provider: add ?confirm=true"),
		       E_INVALID;
	if (!p) {
		struct db *db;
		struct sync_connection c;
		if ((rc = api_db(&db)))
			return rc;
		if (store_sync_connection_get(db, r->who.account_id, name, &c) == 0) {
			sync_connection_free(&c);
			return resp_problemf(r, 404, "not-found", "this server cannot connect to %s yet", name),
			       E_NOTFOUND;
		}
		return not_configured(r, name);
	}
	rc = sync_connection_disconnect(r, p);
	if (rc == E_NOTFOUND)
		return not_configured(r, name);
	return rc ? rc : resp_empty(r, 204);
}

struct rooms_out {
	json_t *items;
	int64_t listed_at;
};

static int latest(void *ctx, const struct sync_room *room)
{
	struct rooms_out *o = ctx;
	if (room->seen_at > o->listed_at)
		o->listed_at = room->seen_at;
	return 0;
}

static int add_room(void *ctx, const struct sync_room *room)
{
	struct rooms_out *o = ctx;
	json_t *j = sync_room_json(room, o->listed_at);
	return j ? json_array_append_new(o->items, j) : E_NOMEM;
}

/* GET /api/v1/calendar-integrations/{provider}/rooms */
static int rooms(struct req *r)
{
	const struct sync_provider *p;
	const char *name;
	struct db *db;
	struct sync_connection c;
	int rc;
	if ((rc = access_admin(r)) || (rc = provider_of(r, 0, &p, &name)) || (rc = api_db(&db)))
		return rc;
	rc = store_sync_connection_get(db, r->who.account_id, name, &c);
	if (rc == E_NOTFOUND)
		return not_configured(r, name);
	if (rc)
		return rc;
	sync_connection_free(&c);
	struct rooms_out o = {json_array(), 0};
	if ((rc = store_sync_rooms_list(db, r->who.account_id, name, SYNC_ROOMS_MAX, latest, &o)) ||
	    (rc = store_sync_rooms_list(db, r->who.account_id, name, SYNC_ROOMS_MAX, add_room, &o))) {
		json_decref(o.items);
		return rc;
	}
	return resp_json(r, 200, json_pack("{s:o}", "items", o.items));
}

static int room_param(struct req *r, const char **prid)
{
	*prid = req_param(r, "provider_room_id");
	if (!*prid || !**prid || strlen(*prid) > PROVIDER_ROOM_ID_MAX)
		return resp_problem(r, 404, "not-found", "no such room of this provider"), E_NOTFOUND;
	return 0;
}

static int room_not_found(struct req *r, const char *prid)
{
	return resp_problemf(r, 404, "not-found", "the provider lists no room '%.80s' in this account", prid),
	       E_NOTFOUND;
}

static int answer_room(struct req *r, const char *provider, const char *prid)
{
	struct db *db;
	struct sync_room *room = arena_alloc(r->arena, sizeof *room);
	int rc;
	if (!room)
		return E_NOMEM;
	if ((rc = api_db(&db)))
		return rc;
	if ((rc = store_sync_room_get(db, r->who.account_id, provider, prid, room)))
		return rc == E_NOTFOUND ? room_not_found(r, prid) : rc;
	/* the room's convene name for the answer, as the listing shows it */
	if (room->room_id[0]) {
		struct room *o = arena_alloc(r->arena, sizeof *o);
		if (o && !store_room_get(db, r->who.account_id, room->room_id, o))
			snprintf(room->room_name, sizeof room->room_name, "%s", o->name);
	}
	return resp_json(r, 200, sync_room_json(room, 0));
}

/* PUT /api/v1/calendar-integrations/{provider}/rooms/{provider_room_id}:
 * {room_id} | {import: true} | {ignore: true} */
static int room_put(struct req *r)
{
	static const char *const allowed[] = {"room_id", "import", "ignore", NULL};
	const struct sync_provider *p;
	const char *name, *prid, *room_id = NULL;
	json_t *in;
	int rc, import = 0, ignore = 0;
	if ((rc = access_admin(r)) || (rc = provider_of(r, 0, &p, &name)) || (rc = room_param(r, &prid)) ||
	    (rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "room_id", JIN_OPTIONAL, ID_MAX, &room_id)) ||
	    (rc = jin_bool(r, in, "import", JIN_OPTIONAL, &import)) ||
	    (rc = jin_bool(r, in, "ignore", JIN_OPTIONAL, &ignore)))
		return rc;
	if ((room_id != NULL) + import + ignore != 1)
		return resp_field_error(r, room_id ? "room_id" : "import",
					"give one of room_id, import: true or ignore: true"),
		       E_INVALID;
	if (!p)
		return room_not_found(r, prid);
	if (room_id && !ids_valid(room_id, "room"))
		return resp_field_error(r, "room_id", "no room '%.40s' in this account", room_id), E_INVALID;
	rc = room_id  ? sync_room_link_to(r, p, prid, room_id)
	     : import ? sync_room_import(r, p, prid)
		      : sync_room_leave_out(r, p, prid);
	if (rc == E_NOTFOUND)
		return room_not_found(r, prid);
	if (rc == E_INVALID)
		return resp_field_error(r, "room_id", "no room '%.40s' in this account", room_id ? room_id : ""),
		       E_INVALID;
	if (rc == E_CONFLICT)
		return resp_problem(r, 409, "conflict",
				    room_id ? "that convene room is already linked to another room of a provider"
					    : "this room is already linked to a convene room: unlink it first"),
		       E_CONFLICT;
	return rc ? rc : answer_room(r, name, prid);
}

/* DELETE /api/v1/calendar-integrations/{provider}/rooms/{provider_room_id} */
static int room_delete(struct req *r)
{
	const struct sync_provider *p;
	const char *name, *prid;
	int rc;
	if ((rc = access_admin(r)) || (rc = provider_of(r, 0, &p, &name)) || (rc = room_param(r, &prid)))
		return rc;
	if (!p)
		return room_not_found(r, prid);
	rc = sync_room_unlink_from(r, p, prid);
	if (rc == E_NOTFOUND)
		return room_not_found(r, prid);
	return rc ? rc : resp_empty(r, 204);
}

const struct route sync_routes[] = {
	{"GET", "/api/v1/calendar-integrations", list, 0},
	{"PUT", "/api/v1/calendar-integrations/{provider}", step1, 0},
	{"DELETE", "/api/v1/calendar-integrations/{provider}", disconnect, 0},
	{"POST", "/api/v1/calendar-integrations/{provider}/connect", connect_, 0},
	{"GET", "/api/v1/calendar-integrations/{provider}/rooms", rooms, 0},
	{"PUT", "/api/v1/calendar-integrations/{provider}/rooms/{provider_room_id}", room_put, 0},
	{"DELETE", "/api/v1/calendar-integrations/{provider}/rooms/{provider_room_id}", room_delete, 0},
	{NULL, NULL, NULL, 0},
};
