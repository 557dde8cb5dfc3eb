/* Shares: {kind: user|team|company|group|guest, role, user_id | team_id |
 * company_id | group_id | email}. A guest share names an e-mail address: a
 * user of the account gets the share directly (and a notice), anyone else is
 * invited as a guest (calendar/guests.h). Roles are read from the store on
 * every request (calendar/access.c), so a revocation holds at once. */
#include "calendar/shares.h"

#include <stdio.h>
#include <string.h>

#include "calendar/access.h"
#include "calendar/calendars.h"
#include "calendar/feeds.h"
#include "calendar/guests.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/users.h"
#include "core/config.h"
#include "notify/mail_status.h"
#include "notify/outbox_worker.h"

#define MAX_SHARES 1000

static json_t *share_json(const struct share *s)
{
	char created[32], updated[32];
	clock_iso(s->created_at, created, sizeof created);
	clock_iso(s->updated_at, updated, sizeof updated);
	json_t *g = json_pack("{s:s, s:s, s:s}", "kind", s->kind, "id", s->grantee_id, "name", s->grantee_name);
	if (*s->grantee_email)
		json_object_set_new(g, "email", json_string(s->grantee_email));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:s, s:s}", "id", s->id, "calendar_id",
			      s->calendar_id, "kind", s->kind, "role", s->role, "grantee", g, "grantee_id",
			      s->grantee_id, "pending", s->pending, "created_at", created, "updated_at", updated);
	json_object_set_new(o, "created_by", *s->created_by ? json_string(s->created_by) : json_null());
	/* what a guest subscribes to in a calendar app, with their login (calendar/feeds.c) */
	if (!strcmp(s->kind, "guest")) {
		char feed[640];
		snprintf(feed, sizeof feed, "%s/feeds/calendars/%s.ics", config_current()->public_url, s->calendar_id);
		json_object_set_new(o, "feed_url", json_string(feed));
	}
	return o;
}

static int list(struct req *r)
{
	int rc;
	struct calendar c;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_MANAGER, &c, NULL)))
		return rc;
	struct share *items = arena_alloc(r->arena, sizeof(struct share) * MAX_SHARES);
	int n = 0;
	if ((rc = store_share_list(db, c.account_id, c.id, items, MAX_SHARES, &n)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, share_json(&items[i]));
	struct public_feed pf;
	rc = store_public_feed_get(db, c.account_id, c.id, &pf);
	if (!rc)
		json_array_append_new(arr, feeds_public_json(&pf));
	else if (rc != E_NOTFOUND) {
		json_decref(arr);
		return rc;
	}
	return resp_json(r, 200, json_pack("{s:o}", "items", arr));
}

static int read_role(struct req *r, json_t *in, int required, const char **role)
{
	int rc = jin_string(r, in, "role", required, 12, role);
	if (rc)
		return rc;
	if (*role && cal_role_parse(*role) == CAL_ROLE_NONE)
		return resp_field_error(r, "role", "role is freebusy, viewer, editor or manager"), E_INVALID;
	return 0;
}

/* fills s->kind and s->grantee_id from the body, checking the grantee exists
 * in the caller's account (guests: resolved or invited, *mailed set) */
static int read_grantee(struct req *r, struct db *db, json_t *in, const struct calendar *c, struct share *s,
			int *mailed)
{
	const char *kind, *id = NULL, *email = NULL;
	int rc;
	if ((rc = jin_string(r, in, "kind", JIN_REQUIRED, 12, &kind)))
		return rc;
	static const char *const keys[][2] = {{"user", "user_id"},
					      {"team", "team_id"},
					      {"company", "company_id"},
					      {"group", "group_id"},
					      {"guest", "email"}};
	const char *want = NULL;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(kind, keys[i][0]))
			want = keys[i][1];
	if (!want)
		return resp_field_error(r, "kind", "kind is user, team, company, group or guest"), E_INVALID;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i][1], want) && jin_has(in, keys[i][1]))
			return resp_field_error(r, keys[i][1], "a %s share takes %s, not %s", kind, want, keys[i][1]),
			       E_INVALID;
	if (!strcmp(want, "email")) {
		if ((rc = jin_string(r, in, "email", JIN_REQUIRED, 254, &email)))
			return rc;
		if (!jin_valid_email(email))
			return resp_field_error(r, "email", "'%.80s' is not an e-mail address", email), E_INVALID;
		char lower[256];
		snprintf(lower, sizeof lower, "%s", email);
		users_lower_email(lower);
		struct user u;
		/* the role was checked before (read_role) */
		rc = guests_resolve(r, db, c, lower, json_string_value(json_object_get(in, "role")), &u, mailed);
		if (rc)
			return rc;
		snprintf(s->kind, sizeof s->kind, "%s", strcmp(u.role, "guest") ? "user" : "guest");
		snprintf(s->grantee_id, sizeof s->grantee_id, "%s", u.id);
		return 0;
	}
	if ((rc = jin_string(r, in, want, JIN_REQUIRED, 40, &id)))
		return rc;
	if (!strcmp(kind, "group"))
		kind = ids_valid(id, "team") ? "team" : "company";
	int found;
	if (!strcmp(kind, "user")) {
		struct user u;
		found = ids_valid(id, "usr") ? store_user_get(db, r->who.account_id, id, &u) : E_NOTFOUND;
		if (!found)
			kind = strcmp(u.role, "guest") ? "user" : "guest";
	} else if (!strcmp(kind, "team")) {
		struct team t;
		found = ids_valid(id, "team") ? store_team_get(db, r->who.account_id, id, &t) : E_NOTFOUND;
	} else {
		struct company co;
		found = ids_valid(id, "cmp") ? store_company_get(db, r->who.account_id, id, &co) : E_NOTFOUND;
	}
	if (found == E_NOTFOUND)
		return resp_field_error(r, want, "no %s '%.40s' in this account", kind, id), E_INVALID;
	if (found)
		return found;
	snprintf(s->kind, sizeof s->kind, "%s", kind);
	snprintf(s->grantee_id, sizeof s->grantee_id, "%s", id);
	return 0;
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"kind",     "role",  "user_id", "team_id", "company_id",
					      "group_id", "email", "detail",  NULL};
	json_t *in;
	const char *role, *kind = NULL, *detail = NULL;
	int rc, mailed = 0;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "kind", JIN_OPTIONAL, 16, &kind)))
		return rc;
	if (kind && !strcmp(kind, "public")) {
		/* anyone with the address reads the calendar: full details
		 * (detail "full", role viewer) or busy blocks (the default) */
		if ((rc = jin_string(r, in, "detail", JIN_OPTIONAL, 8, &detail)) ||
		    (rc = jin_string(r, in, "role", JIN_OPTIONAL, 16, &role)))
			return rc;
		if (!detail && jin_has(in, "role"))
			detail = !strcmp(role, "viewer") ? "full" : !strcmp(role, "freebusy") ? "busy" : "?";
		if (detail && strcmp(detail, "full") && strcmp(detail, "busy"))
			return resp_field_error(r, "detail",
						"a public share shows 'full' details (role viewer) or"
						" 'busy' blocks (role freebusy)"),
			       E_INVALID;
		return feeds_public_set(r, detail ? detail : "busy", 1);
	}
	if (jin_has(in, "detail"))
		return resp_field_error(r, "detail", "detail is for public shares"), E_INVALID;
	if ((rc = read_role(r, in, JIN_REQUIRED, &role)))
		return rc;
	struct calendar c;
	struct share s = {0};
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_MANAGER, &c, NULL)) ||
	    (rc = read_grantee(r, db, in, &c, &s, &mailed)))
		goto fail;
	if (*c.owner_id && !strcmp(s.grantee_id, c.owner_id)) {
		resp_field_error(r, "user_id", "the owner of a calendar needs no share of it");
		rc = E_INVALID;
		goto fail;
	}
	memcpy(s.account_id, c.account_id, sizeof s.account_id);
	memcpy(s.calendar_id, c.id, sizeof s.calendar_id);
	ids_new("shr", s.id);
	snprintf(s.role, sizeof s.role, "%s", role);
	snprintf(s.created_by, sizeof s.created_by, "%s", r->who.user_id);
	s.created_at = s.updated_at = clock_now();
	rc = store_share_insert(db, &s);
	if (rc == E_CONFLICT)
		return api_abort(
			db, resp_problem(r, 409, "share-exists",
					 "this grantee already has a share of the calendar: change its role instead"));
	if (rc || (rc = store_share_get(db, s.account_id, s.calendar_id, s.id, &s)) ||
	    (rc = audit_record(r, db, "share.create", "calendar", c.id, c.name, NULL, share_json(&s))) ||
	    (rc = store_commit(db)))
		goto fail;
	if (mailed)
		outbox_kick();
	resp_header(r, "Location", arena_printf(r->arena, "/api/v1/calendars/%s/shares/%s", c.id, s.id));
	json_t *out = share_json(&s);
	json_object_set_new(out, "mailed", json_boolean(mailed));
	/* whether that mail can leave now (no mail server: it waits) */
	json_object_set_new(out, "mail", mailed ? mail_status_delivery_json(r, db, c.account_id) : json_null());
	return resp_json(r, 201, out);
fail:
	return api_abort(db, rc);
}

/* loads the calendar (manager or owner) and the share named in the path */
static int load_share(struct req *r, struct db *db, struct calendar *c, struct share *s)
{
	int rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_MANAGER, c, NULL);
	if (rc)
		return rc;
	const char *id = req_param(r, "share_id");
	rc = ids_valid(id, "shr") ? store_share_get(db, c->account_id, c->id, id, s) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no share '%.40s' of this calendar", id);
	return rc;
}

static int change(struct req *r)
{
	static const char *const allowed[] = {"role", NULL};
	json_t *in;
	const char *role;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = read_role(r, in, JIN_REQUIRED, &role)))
		return rc;
	struct calendar c;
	struct share s;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load_share(r, db, &c, &s)))
		goto fail;
	json_t *before = share_json(&s);
	snprintf(s.role, sizeof s.role, "%s", role);
	s.updated_at = clock_now();
	if ((rc = store_share_set_role(db, s.account_id, s.id, s.role, s.updated_at))) {
		json_decref(before);
		goto fail;
	}
	if ((rc = audit_record(r, db, "share.update", "calendar", c.id, c.name, before, share_json(&s))))
		goto fail;
	return api_commit_json(r, db, 200, share_json(&s));
fail:
	return api_abort(db, rc);
}

static int revoke(struct req *r)
{
	int rc;
	struct calendar c;
	struct share s;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load_share(r, db, &c, &s)) || (rc = store_share_delete(db, s.account_id, s.id)) ||
	    (rc = audit_record(r, db, "share.delete", "calendar", c.id, c.name, share_json(&s), NULL)))
		goto fail;
	/* an invitation nobody accepted, to nothing any more: the guest goes
	 * with it, so that the link dies and the address is free again */
	if (s.pending) {
		int64_t left = 0;
		if ((rc = store_share_count_user(db, s.account_id, s.grantee_id, &left)))
			goto fail;
		if (!left && ((rc = store_user_delete(db, s.account_id, s.grantee_id)) ||
			      (rc = audit_record(r, db, "user.delete", "user", s.grantee_id, s.grantee_email,
						 json_pack("{s:s, s:b}", "role", "guest", "pending", 1), NULL))))
			goto fail;
	}
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

struct shared_ids {
	char (*ids)[ID_MAX];
	int *ranks;
	int n, max;
};

static int collect(void *ctx, const char *calendar_id, int rank)
{
	struct shared_ids *s = ctx;
	if (s->n >= s->max)
		return 1;
	snprintf(s->ids[s->n], ID_MAX, "%s", calendar_id);
	s->ranks[s->n++] = rank;
	return 0;
}

int shares_append_calendars(struct req *r, struct db *db, json_t *items)
{
	struct shared_ids s = {.max = MAX_SHARES};
	s.ids = arena_alloc(r->arena, sizeof *s.ids * MAX_SHARES);
	s.ranks = arena_alloc(r->arena, sizeof *s.ranks * MAX_SHARES);
	int rc = store_share_calendars_of(db, r->who.account_id, r->who.user_id, collect, &s);
	if (rc < 0)
		return rc;
	for (int i = 0; i < s.n; i++) {
		struct calendar c;
		rc = store_calendar_get(db, r->who.account_id, s.ids[i], &c);
		if (rc == E_NOTFOUND)
			continue; /* deleted meanwhile */
		if (rc)
			return rc;
		if (!strcmp(c.owner_id, r->who.user_id))
			continue;
		json_array_append_new(items, calendar_json(&c, s.ranks[i]));
	}
	return 0;
}

/* /api/v1/shares/{id}: the share's calendar becomes the route's {id} and the
 * share its {share_id}, so that the per-calendar handlers answer (a public
 * share, "pub_…", names its calendar itself) */
static int by_share_id(struct req *r, int (*user_share)(struct req *), int (*public_share)(struct req *))
{
	const char *id = req_param(r, "id");
	char cal[ID_MAX];
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if (id && !strncmp(id, "pub_", 4) && strlen(id) == 24) {
		snprintf(cal, sizeof cal, "cal_%s", id + 4);
		if (!public_share)
			return resp_problem(r, 409, "not-public", "only a public share has an address to rotate"),
			       E_CONFLICT;
	} else {
		int rc = ids_valid(id, "shr") ? store_share_calendar_of(db, r->who.account_id, id, cal) : E_NOTFOUND;
		if (rc == E_NOTFOUND)
			return resp_problemf(r, 404, "not-found", "no share '%.40s' in this account", id), E_NOTFOUND;
		if (rc)
			return rc;
		if (!user_share)
			return resp_problem(r, 409, "not-public", "only a public share has an address to rotate"),
			       E_CONFLICT;
	}
	char *share_id = arena_strdup(r->arena, id);
	r->param_names[0] = "id";
	r->param_values[0] = arena_strdup(r->arena, cal);
	r->param_names[1] = "share_id";
	r->param_values[1] = share_id;
	r->nparams = 2;
	return !strncmp(share_id, "pub_", 4) ? public_share(r) : user_share(r);
}

static int share_change(struct req *r)
{
	return by_share_id(r, change, feeds_public_put);
}

static int share_revoke(struct req *r)
{
	return by_share_id(r, revoke, feeds_public_delete);
}

static int share_rotate(struct req *r)
{
	return by_share_id(r, NULL, feeds_public_rotate);
}

const struct route shares_routes[] = {
	{"PATCH", "/api/v1/shares/{id}", share_change, 0},
	{"DELETE", "/api/v1/shares/{id}", share_revoke, 0},
	{"POST", "/api/v1/shares/{id}/rotate", share_rotate, 0},
	{"GET", "/api/v1/calendars/{id}/shares", list, 0},
	{"POST", "/api/v1/calendars/{id}/shares", create, 0},
	{"PATCH", "/api/v1/calendars/{id}/shares/{share_id}", change, 0},
	{"DELETE", "/api/v1/calendars/{id}/shares/{share_id}", revoke, 0},
	{0},
};
