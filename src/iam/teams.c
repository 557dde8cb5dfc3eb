/* /api/v1/teams: the tree of teams and sub-teams, their members (technicians)
 * and the rights each team enables. Administrators change everything; a
 * manager adds or removes sub-teams and members of the teams they manage
 * when add_remove_subteams / add_remove_representatives is effective there. */
#include "iam/teams.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/rights.h"
#include "iam/rights_routes.h"
#include "iam/team_access.h"
#include "iam/users.h"

#define PAGE_MAX 200
#define MEMBERS_MAX 500

json_t *teams_json(struct db *db, const struct team *t)
{
	char created[32];
	uint64_t enabled = 0;
	clock_iso(t->created_at, created, sizeof created);
	rights_enabled(db, t->account_id, t->id, &enabled);
	return json_pack("{s:s, s:s, s:o, s:I, s:I, s:o, s:s}", "id", t->id, "name", t->name, "parent_id",
			 t->parent_id[0] ? json_string(t->parent_id) : json_null(), "child_count",
			 (json_int_t)t->child_count, "member_count", (json_int_t)t->member_count, "rights",
			 rights_names_json(enabled), "created_at", created);
}

/* the team of the path's {id}: 404 when it is not one of this account's */
static int load(struct req *r, struct db *db, const char *id, struct team *t)
{
	int rc = ids_valid(id, "team") ? store_team_get(db, r->who.account_id, id, t) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no team '%.40s' in this account", id);
	return rc;
}

/* a team named in a body field: 422 naming the field when unknown */
static int load_field(struct req *r, struct db *db, const char *field, const char *id, struct team *t)
{
	int rc = ids_valid(id, "team") ? store_team_get(db, r->who.account_id, id, t) : E_NOTFOUND;
	if (rc == E_NOTFOUND) {
		resp_field_error(r, field, "no team '%.40s' in this account", id);
		return E_INVALID;
	}
	return rc;
}

static int name_taken(struct req *r)
{
	return resp_problem_ext(r, 409, "name-taken", "a team with this name already exists at this place of the tree",
				json_pack("{s:s}", "field", "name"));
}

/* reads parent_id: absent (*present = 0), null (top level, *id = ""), or an id */
static int read_parent(struct req *r, json_t *in, int *present, const char **id)
{
	json_t *v = json_object_get(in, "parent_id");
	*present = v != NULL;
	*id = "";
	if (!v || json_is_null(v))
		return 0;
	return jin_string(r, in, "parent_id", JIN_OPTIONAL, 40, id);
}

static int check_name(struct req *r, const char *name)
{
	if (!*name)
		return resp_field_error(r, "name", "the name must not be empty"), E_INVALID;
	return 0;
}

static char *cursor_encode(struct req *r, const struct team *t)
{
	char *plain = arena_printf(r->arena, "%s\x1f%s", t->name, t->id);
	size_t len = strlen(plain);
	size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(r->arena, n);
	sodium_bin2base64(out, n, (const unsigned char *)plain, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static int cursor_decode(struct req *r, const char *cursor, struct team_filter *f)
{
	size_t len = 0, clen = strlen(cursor);
	char *out = arena_alloc(r->arena, clen + 1);
	char *sep = NULL;
	if (clen <= 400 && !sodium_base642bin((unsigned char *)out, clen, cursor, clen, NULL, &len, NULL,
					      sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		out[len] = 0;
		sep = strlen(out) == len ? strrchr(out, '\x1f') : NULL;
	}
	if (!sep || !ids_valid(sep + 1, "team")) {
		resp_problem_ext(r, 400, "invalid-query", "the cursor is not one this server issued",
				 json_pack("{s:s}", "field", "cursor"));
		return E_INVALID;
	}
	*sep = 0;
	f->after_name = out;
	f->after_id = sep + 1;
	return 0;
}

static int list(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	struct team_filter f = {0};
	const char *parent = req_query(r, "parent"), *cursor = req_query(r, "cursor");
	const char *limit_s = req_query(r, "limit");
	int limit = PAGE_MAX;
	if (limit_s) {
		char *end;
		long l = strtol(limit_s, &end, 10);
		if (!*limit_s || *end || l < 1 || l > PAGE_MAX)
			return resp_problem_ext(r, 400, "invalid-query", "limit must be from 1 to 200",
						json_pack("{s:s}", "field", "limit"));
		limit = (int)l;
	}
	if (cursor && *cursor && (rc = cursor_decode(r, cursor, &f)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct team p; /* f.parent points into it */
	if (parent && (!*parent || !strcmp(parent, "root"))) {
		f.parent = "";
	} else if (parent) {
		if ((rc = load(r, db, parent, &p)))
			return rc;
		f.parent = p.id;
	}
	struct team *rows = arena_alloc(r->arena, sizeof(struct team) * (size_t)(limit + 1));
	int n = 0;
	if ((rc = store_team_list(db, r->who.account_id, &f, rows, limit + 1, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(items, teams_json(db, &rows[i]));
	return resp_json(r, 200,
			 json_pack("{s:o, s:o}", "items", items, "next_cursor",
				   n > limit ? json_string(cursor_encode(r, &rows[limit - 1])) : json_null()));
}

/* [{id, name}] of a team's ancestors, root first (ids[0] is the team itself) */
static json_t *ancestors_json(struct db *db, const char *account_id, char (*ids)[ID_MAX], int n)
{
	json_t *a = json_array();
	for (int i = n - 1; i >= 1; i--) {
		struct team t;
		if (!store_team_get(db, account_id, ids[i], &t))
			json_array_append_new(a, json_pack("{s:s, s:s}", "id", t.id, "name", t.name));
	}
	return a;
}

static int show(struct req *r)
{
	int rc;
	struct team t;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load(r, db, req_param(r, "id"), &t)))
		return rc;
	char path[TEAM_DEPTH_MAX * 2 + 1][ID_MAX], managers[64][ID_MAX];
	int np = 0, nm = 0;
	if ((rc = store_team_path(db, t.account_id, t.id, path, TEAM_DEPTH_MAX * 2 + 1, &np)) ||
	    (rc = store_ids_get(db, IDS_TEAM_MANAGERS, t.account_id, t.id, managers, 64, &nm)))
		return rc;
	json_t *out = teams_json(db, &t);
	json_object_set_new(out, "ancestors", ancestors_json(db, t.account_id, path, np));
	json_t *ms = json_array();
	for (int i = 0; i < nm; i++) {
		struct user u;
		/* managers of none of the caller's companies are left out (api/access.h) */
		rc = access_user_sees(r, db, managers[i]);
		if (rc == E_NOTFOUND)
			continue;
		if (rc) {
			json_decref(out);
			json_decref(ms);
			return rc;
		}
		if (!store_user_get(db, t.account_id, managers[i], &u))
			json_array_append_new(ms, json_pack("{s:s, s:s, s:s, s:s}", "id", u.id, "email", u.email,
							    "display_name", u.display_name, "role", u.role));
	}
	json_object_set_new(out, "managers", ms);
	return resp_json(r, 200, out);
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"name", "parent_id", NULL};
	json_t *in;
	const char *name = NULL, *parent_id = "";
	int rc, has_parent;
	/* managers may create sub-teams (checked below, once the parent is known) */
	if (!team_access_is_manager(r) && (rc = access_admin(r)))
		return rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "name", JIN_REQUIRED, 200, &name)) ||
	    (rc = read_parent(r, in, &has_parent, &parent_id)) || (rc = check_name(r, name)))
		return rc;
	struct team t = {0}, parent;
	memcpy(t.account_id, r->who.account_id, sizeof t.account_id);
	ids_new("team", t.id);
	snprintf(t.name, sizeof t.name, "%s", name);
	t.created_at = clock_now();
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_team_tree_lock(db, r->who.account_id)))
		goto fail;
	if (*parent_id) {
		char path[TEAM_DEPTH_MAX * 2 + 1][ID_MAX];
		int np = 0;
		if ((rc = load_field(r, db, "parent_id", parent_id, &parent)) ||
		    (rc = team_access_require(r, db, &parent, RIGHT_add_remove_subteams)) ||
		    (rc = store_team_path(db, t.account_id, parent.id, path, TEAM_DEPTH_MAX * 2 + 1, &np)))
			goto fail;
		if (np + 1 > TEAM_DEPTH_MAX)
			return api_abort(db, resp_field_error(r, "parent_id", "teams nest at most %d levels deep",
							      TEAM_DEPTH_MAX));
		snprintf(t.parent_id, sizeof t.parent_id, "%s", parent.id);
	} else if ((rc = access_admin(r))) { /* a top-level team is the administrators' */
		goto fail;
	}
	rc = store_team_insert(db, &t);
	if (rc == E_CONFLICT)
		return api_abort(db, name_taken(r));
	if (rc || (rc = audit_record(r, db, "team.create", "team", t.id, t.name, NULL, teams_json(db, &t))))
		goto fail;
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/teams/%s", t.id), teams_json(db, &t));
fail:
	return api_abort(db, rc);
}

/* moving t under parent_id ("" = top level) must keep the tree a tree, and not too deep */
static int check_move(struct req *r, struct db *db, const struct team *t, const char *parent_id)
{
	char path[TEAM_DEPTH_MAX * 2 + 1][ID_MAX];
	int np = 0, height = 0, rc;
	struct team parent;
	if (!*parent_id)
		return 0;
	if ((rc = load_field(r, db, "parent_id", parent_id, &parent)) ||
	    (rc = store_team_path(db, t->account_id, parent.id, path, TEAM_DEPTH_MAX * 2 + 1, &np)) ||
	    (rc = store_team_height(db, t->account_id, t->id, &height)))
		return rc;
	for (int i = 0; i < np; i++)
		if (!strcmp(path[i], t->id)) {
			resp_field_error(r, "parent_id", "a team cannot move under itself or one of its own sub-teams");
			return E_INVALID;
		}
	if (np + 1 + height > TEAM_DEPTH_MAX) {
		resp_field_error(r, "parent_id", "teams nest at most %d levels deep", TEAM_DEPTH_MAX);
		return E_INVALID;
	}
	return 0;
}

static int change(struct req *r)
{
	static const char *const allowed[] = {"name", "parent_id", NULL};
	json_t *in;
	const char *name = NULL, *parent_id = "";
	int rc, has_parent;
	struct team t;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "name", JIN_OPTIONAL, 200, &name)) ||
	    (rc = read_parent(r, in, &has_parent, &parent_id)) || (name && (rc = check_name(r, name))))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_team_tree_lock(db, r->who.account_id)))
		goto fail;
	if ((rc = load(r, db, req_param(r, "id"), &t)))
		goto fail;
	if (has_parent && strcmp(parent_id, t.parent_id) && (rc = check_move(r, db, &t, parent_id)))
		goto fail;
	json_t *before = teams_json(db, &t);
	if (name)
		snprintf(t.name, sizeof t.name, "%s", name);
	if (has_parent)
		snprintf(t.parent_id, sizeof t.parent_id, "%s", parent_id);
	rc = store_team_update(db, &t);
	if (rc == E_CONFLICT) {
		json_decref(before);
		return api_abort(db, name_taken(r));
	}
	if (rc) {
		json_decref(before);
		goto fail;
	}
	/* counts are the same; re-read for the new place's data */
	if ((rc = store_team_get(db, t.account_id, t.id, &t))) {
		json_decref(before);
		goto fail;
	}
	if ((rc = audit_record(r, db, "team.update", "team", t.id, t.name, before, teams_json(db, &t))))
		goto fail;
	return api_commit_json(r, db, 200, teams_json(db, &t));
fail:
	return api_abort(db, rc);
}

static int delete (struct req *r)
{
	int rc;
	struct team t, parent;
	if (!team_access_is_manager(r) && (rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_team_tree_lock(db, r->who.account_id)))
		goto fail;
	if ((rc = load(r, db, req_param(r, "id"), &t)))
		goto fail;
	/* a manager removes sub-teams of a team where add_remove_subteams is effective */
	if (!access_is(r, "admin")) {
		if (!t.parent_id[0]) {
			rc = access_admin(r);
			goto fail;
		}
		if ((rc = store_team_get(db, t.account_id, t.parent_id, &parent)) ||
		    (rc = team_access_require(r, db, &parent, RIGHT_add_remove_subteams)))
			goto fail;
	}
	if (t.child_count || t.member_count) {
		store_rollback(db);
		return resp_problem_ext(r, 409, "team-not-empty",
					arena_printf(r->arena,
						     "team '%s' still has %lld sub-team%s and %lld member%s; "
						     "delete or move the sub-teams and remove the members first",
						     t.name, (long long)t.child_count, t.child_count == 1 ? "" : "s",
						     (long long)t.member_count, t.member_count == 1 ? "" : "s"),
					json_pack("{s:I, s:I}", "child_count", (json_int_t)t.child_count,
						  "member_count", (json_int_t)t.member_count));
	}
	json_t *before = teams_json(db, &t);
	if ((rc = store_team_delete(db, t.account_id, t.id)) ||
	    (rc = audit_record(r, db, "team.delete", "team", t.id, t.name, before, NULL)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

static int members(struct req *r)
{
	int rc;
	struct team t;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load(r, db, req_param(r, "id"), &t)))
		return rc;
	const char *after = req_query(r, "cursor");
	if (after && strlen(after) > 254)
		return resp_problem_ext(r, 400, "invalid-query", "the cursor is not one this server issued",
					json_pack("{s:s}", "field", "cursor"));
	char(*ids)[ID_MAX] = arena_alloc(r->arena, sizeof(*ids) * MEMBERS_MAX);
	int n = 0;
	if ((rc = store_team_members(db, t.account_id, t.id, after, ids, MEMBERS_MAX, &n)))
		return rc;
	json_t *items = json_array();
	const char *last = NULL;
	for (int i = 0; i < n; i++) {
		struct user *u = arena_alloc(r->arena, sizeof *u);
		if (store_user_get(db, t.account_id, ids[i], u))
			continue;
		last = u->email; /* the cursor goes past members left out as well */
		/* members of none of the caller's companies are left out (api/access.h) */
		rc = access_user_sees(r, db, u->id);
		if (rc == E_NOTFOUND)
			continue;
		if (rc) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, users_json(db, u));
	}
	return resp_json(r, 200,
			 json_pack("{s:o, s:o}", "items", items, "next_cursor",
				   n == MEMBERS_MAX && last ? json_string(last) : json_null()));
}

/* PUT adds a technician to the team, DELETE removes a member; both idempotent */
static int membership(struct req *r, int add)
{
	int rc;
	struct team t;
	struct user u;
	if (!team_access_is_manager(r) && (rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_team_tree_lock(db, r->who.account_id)))
		goto fail;
	if ((rc = load(r, db, req_param(r, "id"), &t)))
		goto fail;
	const char *uid = req_param(r, "user_id");
	rc = ids_valid(uid, "usr") ? store_user_get(db, t.account_id, uid, &u) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return api_abort(db, resp_problemf(r, 404, "not-found", "no user '%.40s' in this account", uid));
	if (rc || (rc = team_access_require(r, db, &t, RIGHT_add_remove_representatives)))
		goto fail;
	/* a manager may not reach (nor learn of) a user of another company */
	if ((rc = access_user_sees(r, db, u.id)) == E_NOTFOUND)
		return api_abort(db, resp_problemf(r, 404, "not-found", "no user '%.40s' in this account", uid));
	if (rc)
		goto fail;
	if (add && strcmp(u.role, "technician"))
		return api_abort(db,
				 resp_field_error(r, "user_id", "only technicians can be team members; '%s' is a %s",
						  u.email, u.role));
	rc = add ? store_team_member_add(db, t.account_id, t.id, u.id)
		 : store_team_member_remove(db, t.account_id, t.id, u.id);
	if (rc < 0)
		goto fail;
	if (rc == 0) { /* nothing changed: nothing to record */
		return api_abort(db, resp_empty(r, 204));
	}
	if ((rc = audit_record(r, db, add ? "team.member_add" : "team.member_remove", "team", t.id, t.name, NULL,
			       json_pack("{s:s, s:s}", "user_id", u.id, "email", u.email))))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

static int member_add(struct req *r)
{
	return membership(r, 1);
}
static int member_remove(struct req *r)
{
	return membership(r, 0);
}

static int set_rights(struct req *r)
{
	static const char *const allowed[] = {"rights", NULL};
	json_t *in;
	uint64_t wanted = 0, old = 0, result = 0, dropped = 0;
	int rc, right, missing;
	struct team t;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = rights_read_body(r, in, "rights", &wanted)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_team_tree_lock(db, r->who.account_id)))
		goto fail;
	if ((rc = load(r, db, req_param(r, "id"), &t)) || (rc = rights_enabled(db, t.account_id, t.id, &old)))
		goto fail;
	if (rights_apply(old, wanted, &result, &dropped, &right, &missing))
		return api_abort(db, rights_problem_missing(r, right, missing));
	const char *names[RIGHT_COUNT];
	size_t n = 0;
	for (int i = 0; i < RIGHT_COUNT; i++)
		if (result & RIGHT_BIT(i))
			names[n++] = rights_info(i)->name;
	if (result != old && ((rc = store_team_rights_set(db, t.account_id, t.id, names, n)) ||
			      (rc = audit_record(r, db, "team.rights", "team", t.id, t.name,
						 json_pack("{s:o}", "rights", rights_names_json(old)),
						 json_pack("{s:o, s:o}", "rights", rights_names_json(result),
							   "removed_dependents", rights_names_json(dropped))))))
		goto fail;
	return api_commit_json(r, db, 200,
			       json_pack("{s:s, s:o, s:o}", "team_id", t.id, "rights", rights_names_json(result),
					 "removed_dependents", rights_names_json(dropped)));
fail:
	return api_abort(db, rc);
}

const struct route teams_routes[] = {
	{"GET", "/api/v1/teams", list, 0},
	{"POST", "/api/v1/teams", create, 0},
	{"GET", "/api/v1/teams/{id}", show, 0},
	{"PATCH", "/api/v1/teams/{id}", change, 0},
	{"DELETE", "/api/v1/teams/{id}", delete, 0},
	{"GET", "/api/v1/teams/{id}/members", members, 0},
	{"PUT", "/api/v1/teams/{id}/members/{user_id}", member_add, 0},
	{"DELETE", "/api/v1/teams/{id}/members/{user_id}", member_remove, 0},
	{"PUT", "/api/v1/teams/{id}/rights", set_rights, 0},
	{0},
};
