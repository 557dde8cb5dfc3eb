/* /api/v1/managers: the administrators, team managers and API managers of an
 * account (three tabs with search), each manager's page (login settings,
 * teams managed, rights grouped with their dependencies), changing them, and
 * the explanation of what a manager may actually do in a team. */
#include "iam/managers.h"

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
#include "iam/teams.h"
#include "iam/users.h"

#define PAGE_MAX 200
#define TEAMS_MAX 256

static const struct {
	const char *tab, *role;
} tabs[] = {
	{"administrators", "admin"},
	{"team_managers", "manager"},
	{"api_managers", "api_manager"},
};

static const char *tab_of(const char *role)
{
	for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++)
		if (!strcmp(tabs[i].role, role))
			return tabs[i].tab;
	return NULL;
}

/* the manager of the path's {id}: an admin, manager or API manager of this
 * account, sharing a company with the caller unless the caller is an admin */
static int load(struct req *r, struct db *db, struct user *u)
{
	const char *id = req_param(r, "id");
	int rc = ids_valid(id, "usr") ? store_user_get(db, r->who.account_id, id, u) : E_NOTFOUND;
	/* a manager of none of the caller's companies is not there for them (api/access.h) */
	if (!rc && tab_of(u->role))
		rc = access_user_sees(r, db, u->id);
	if (rc == E_NOTFOUND || (!rc && !tab_of(u->role))) {
		resp_problemf(r, 404, "not-found", "no administrator, manager or API manager '%.40s' in this account",
			      id);
		return E_NOTFOUND;
	}
	return rc;
}

/* administrators hold every right and act in every team: theirs are not to choose */
static int refuse_admin(struct req *r, const struct user *u)
{
	if (strcmp(u->role, "admin"))
		return 0;
	resp_problem(r, 409, "administrator",
		     "administrators hold every right in every team; make the user a manager "
		     "(PATCH /api/v1/users/{id} with role manager) to choose their rights and teams");
	return E_CONFLICT;
}

static uint64_t held_of(struct db *db, const struct user *u, int *rc)
{
	uint64_t held = 0;
	*rc = 0;
	if (!strcmp(u->role, "admin"))
		return rights_all();
	*rc = rights_held(db, u->account_id, u->id, &held);
	return held;
}

static json_t *login_settings_json(const struct user *u)
{
	return json_pack("{s:b, s:b, s:b}", "force_password_change", u->must_change_password, "allow_password_reset",
			 u->allow_password_reset, "force_email_validation", u->force_email_validation);
}

static int teams_json_of(struct req *r, struct db *db, const struct user *u, json_t **out)
{
	*out = json_array();
	if (!rights_role_holds_rights(u->role))
		return 0; /* administrators manage every team without being assigned */
	struct team *rows = arena_alloc(r->arena, sizeof(struct team) * TEAMS_MAX * 4);
	int n = 0, rc = store_team_managed_list(db, u->account_id, u->id, rows, TEAMS_MAX * 4, &n);
	for (int i = 0; !rc && i < n; i++) {
		json_t *t = teams_json(db, &rows[i]);
		json_object_set_new(t, "direct", json_boolean(rows[i].direct));
		json_array_append_new(*out, t);
	}
	return rc;
}

/* the rights part of a manager's page */
static json_t *rights_view(const struct user *u, uint64_t held)
{
	return json_pack("{s:b, s:o, s:o}", "all", !strcmp(u->role, "admin"), "held", rights_names_json(held), "groups",
			 rights_groups_json(held, 1));
}

static char *cursor_encode(struct req *r, const char *email)
{
	size_t n = sodium_base64_ENCODED_LEN(strlen(email), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(r->arena, n);
	sodium_bin2base64(out, n, (const unsigned char *)email, strlen(email),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static int cursor_decode(struct req *r, const char *cursor, const char **email)
{
	size_t len = 0, clen = strlen(cursor);
	char *out = arena_alloc(r->arena, clen + 1);
	if (clen > 400 ||
	    sodium_base642bin((unsigned char *)out, clen, cursor, clen, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    memchr(out, 0, len)) {
		resp_problem_ext(r, 400, "invalid-query", "the cursor is not one this server issued",
				 json_pack("{s:s}", "field", "cursor"));
		return E_INVALID;
	}
	out[len] = 0;
	*email = out;
	return 0;
}

static int list(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	const char *tab = req_query(r, "tab"), *q = req_query(r, "q");
	const char *cursor = req_query(r, "cursor"), *limit_s = req_query(r, "limit");
	const char *role = NULL;
	int limit = 50;
	if (!tab)
		tab = "administrators";
	for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++)
		if (!strcmp(tabs[i].tab, tab))
			role = tabs[i].role;
	if (!role)
		return resp_problem_ext(r, 400, "invalid-query",
					"tab must be administrators, team_managers or api_managers",
					json_pack("{s:s}", "field", "tab"));
	if (limit_s) {
		char *end;
		long l = strtol(limit_s, &end, 10);
		if (!*limit_s || *end || l < 1 || l > PAGE_MAX)
			return resp_problem_ext(r, 400, "invalid-query", "limit must be from 1 to 200",
						json_pack("{s:s}", "field", "limit"));
		limit = (int)l;
	}
	if (q && strlen(q) > 200)
		return resp_problem_ext(r, 400, "invalid-query", "q is too long (at most 200 characters)",
					json_pack("{s:s}", "field", "q"));
	struct user_filter f = {.q = q, .role = role, .limit = limit + 1, .member_of = access_company_scope(r)};
	if (cursor && *cursor && (rc = cursor_decode(r, cursor, &f.after_email)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct user *rows = arena_alloc(r->arena, sizeof(struct user) * (size_t)(limit + 1));
	int n = 0;
	if ((rc = store_user_list(db, r->who.account_id, &f, rows, limit + 1, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < limit; i++) {
		json_t *o = users_json(db, &rows[i]);
		uint64_t held = held_of(db, &rows[i], &rc);
		char direct[TEAMS_MAX][ID_MAX];
		int nt = 0;
		if (!rc && rights_role_holds_rights(rows[i].role))
			rc = store_ids_get(db, IDS_MANAGER_TEAMS, rows[i].account_id, rows[i].id, direct, TEAMS_MAX,
					   &nt);
		if (rc) {
			json_decref(o);
			json_decref(items);
			return rc;
		}
		json_object_set_new(o, "rights", rights_names_json(held));
		json_object_set_new(o, "team_count", json_integer(nt));
		json_array_append_new(items, o);
	}
	json_t *out = json_pack("{s:s, s:o}", "tab", tab, "items", items);
	json_object_set_new(out, "next_cursor",
			    n > limit ? json_string(cursor_encode(r, rows[limit - 1].email)) : json_null());
	return resp_json(r, 200, out);
}

static int page(struct req *r, struct db *db, const struct user *u, json_t **out)
{
	int rc;
	json_t *teams = NULL;
	uint64_t held = held_of(db, u, &rc);
	if (rc || (rc = teams_json_of(r, db, u, &teams))) {
		json_decref(teams);
		return rc;
	}
	*out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "tab", tab_of(u->role), "user", users_json(db, u),
			 "login_settings", login_settings_json(u), "teams", teams, "rights", rights_view(u, held));
	return 0;
}

static int show(struct req *r)
{
	int rc;
	struct user u;
	json_t *out;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load(r, db, &u)) || (rc = page(r, db, &u, &out)))
		return rc;
	return resp_json(r, 200, out);
}

static int set_rights(struct req *r)
{
	static const char *const allowed[] = {"rights", NULL};
	json_t *in;
	uint64_t wanted = 0, old = 0, result = 0, dropped = 0;
	int rc, right, missing;
	struct user u;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = rights_read_body(r, in, "rights", &wanted)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &u)) || (rc = refuse_admin(r, &u)) || (rc = rights_held(db, u.account_id, u.id, &old)))
		goto fail;
	if (rights_apply(old, wanted, &result, &dropped, &right, &missing))
		return api_abort(db, rights_problem_missing(r, right, missing));
	const char *names[RIGHT_COUNT];
	size_t n = 0;
	for (int i = 0; i < RIGHT_COUNT; i++)
		if (result & RIGHT_BIT(i))
			names[n++] = rights_info(i)->name;
	if (result != old && ((rc = store_manager_rights_set(db, u.account_id, u.id, names, n)) ||
			      (rc = audit_record(r, db, "manager.rights", "user", u.id, u.email,
						 json_pack("{s:o}", "rights", rights_names_json(old)),
						 json_pack("{s:o, s:o}", "rights", rights_names_json(result),
							   "removed_dependents", rights_names_json(dropped))))))
		goto fail;
	json_t *out = rights_view(&u, result);
	json_object_set_new(out, "manager_id", json_string(u.id));
	json_object_set_new(out, "removed_dependents", rights_names_json(dropped));
	return api_commit_json(r, db, 200, out);
fail:
	return api_abort(db, rc);
}

static int login_settings(struct req *r)
{
	static const char *const allowed[] = {"force_password_change", "allow_password_reset", "force_email_validation",
					      NULL};
	json_t *in;
	int rc, force_change = -1, allow_reset = -1, force_validation = -1;
	struct user u;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_bool(r, in, "force_password_change", JIN_OPTIONAL, &force_change)) ||
	    (rc = jin_bool(r, in, "allow_password_reset", JIN_OPTIONAL, &allow_reset)) ||
	    (rc = jin_bool(r, in, "force_email_validation", JIN_OPTIONAL, &force_validation)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &u)))
		goto fail;
	json_t *before = login_settings_json(&u);
	if (force_change >= 0)
		u.must_change_password = force_change;
	if (allow_reset >= 0)
		u.allow_password_reset = allow_reset;
	if (force_validation >= 0)
		u.force_email_validation = force_validation;
	json_t *after = login_settings_json(&u);
	if (json_equal(before, after)) {
		json_decref(before);
		return api_abort(db, resp_json(r, 200, after));
	}
	u.updated_at = clock_now();
	if ((rc = store_user_update(db, &u))) {
		json_decref(before);
		json_decref(after);
		goto fail;
	}
	if ((rc = audit_record(r, db, "manager.login_settings", "user", u.id, u.email, before,
			       json_deep_copy(after)))) {
		json_decref(after);
		goto fail;
	}
	return api_commit_json(r, db, 200, after);
fail:
	return api_abort(db, rc);
}

static json_t *ids_json(char (*ids)[ID_MAX], int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(ids[i]));
	return a;
}

static int set_teams(struct req *r)
{
	static const char *const allowed[] = {"team_ids", NULL};
	json_t *in;
	const char **ids = NULL;
	size_t n = 0;
	int rc;
	struct user u;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string_array(r, in, "team_ids", JIN_REQUIRED, TEAMS_MAX, 40, &ids, &n)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &u)) || (rc = refuse_admin(r, &u)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct team t;
		rc = ids_valid(ids[i], "team") ? store_team_get(db, u.account_id, ids[i], &t) : E_NOTFOUND;
		if (rc == E_NOTFOUND)
			return api_abort(db,
					 resp_field_error(r, "team_ids", "no team '%.40s' in this account", ids[i]));
		if (rc)
			goto fail;
	}
	char(*old)[ID_MAX] = arena_alloc(r->arena, sizeof(*old) * TEAMS_MAX);
	char(*now)[ID_MAX] = arena_alloc(r->arena, sizeof(*now) * TEAMS_MAX);
	int nold = 0, nnow = 0;
	if ((rc = store_ids_get(db, IDS_MANAGER_TEAMS, u.account_id, u.id, old, TEAMS_MAX, &nold)) ||
	    (rc = store_ids_set(db, IDS_MANAGER_TEAMS, u.account_id, u.id, ids, n)) ||
	    (rc = store_ids_get(db, IDS_MANAGER_TEAMS, u.account_id, u.id, now, TEAMS_MAX, &nnow)))
		goto fail;
	json_t *before = json_pack("{s:o}", "team_ids", ids_json(old, nold));
	json_t *after = json_pack("{s:o}", "team_ids", ids_json(now, nnow));
	if (json_equal(before, after)) {
		json_decref(before);
		json_decref(after);
	} else if ((rc = audit_record(r, db, "manager.teams", "user", u.id, u.email, before, after))) {
		goto fail;
	}
	json_t *teams;
	if ((rc = teams_json_of(r, db, &u, &teams))) {
		json_decref(teams);
		goto fail;
	}
	return api_commit_json(r, db, 200, json_pack("{s:s, s:o}", "manager_id", u.id, "teams", teams));
fail:
	return api_abort(db, rc);
}

static int effective(struct req *r)
{
	int rc;
	struct user u;
	struct team t;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load(r, db, &u)))
		return rc;
	const char *team_id = req_query(r, "team");
	if (!team_id || !*team_id)
		return resp_problem_ext(r, 400, "invalid-query",
					"say which team: ?team=<team id> (GET /api/v1/teams lists them)",
					json_pack("{s:s}", "field", "team"));
	rc = ids_valid(team_id, "team") ? store_team_get(db, u.account_id, team_id, &t) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "no team '%.40s' in this account", team_id);
	if (rc)
		return rc;
	int admin = !strcmp(u.role, "admin"), manages = admin;
	char via[ID_MAX] = "";
	uint64_t held = 0, enabled = 0;
	if ((!admin && (rc = rights_manages(db, u.account_id, u.id, t.id, &manages, via))) ||
	    (rc = rights_enabled(db, t.account_id, t.id, &enabled)))
		return rc;
	held = held_of(db, &u, &rc);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < RIGHT_COUNT; i++) {
		const struct right_info *ri = rights_info(i);
		int prereq = RIGHT_none;
		const char *status;
		if (admin)
			status = "granted";
		else if (!manages)
			status = "team_not_managed";
		else
			status = rights_status_name(rights_explain(held, enabled, i, &prereq));
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "name", ri->name, "label", ri->label,
				      "group", rights_group_name(ri->group), "status", status, "held_by_manager",
				      (held & RIGHT_BIT(i)) != 0, "enabled_by_team", (enabled & RIGHT_BIT(i)) != 0,
				      "prerequisites", rights_names_json(rights_prerequisites(i)));
		if (prereq != RIGHT_none)
			json_object_set_new(o, "prerequisite", json_string(rights_info(prereq)->name));
		json_array_append_new(items, o);
	}
	uint64_t eff = admin ? rights_all() : manages ? rights_effective_set(held, enabled) : 0;
	json_t *out =
		json_pack("{s:s, s:s, s:b, s:b, s:o, s:o, s:o}", "manager_id", u.id, "team_id", t.id, "administrator",
			  admin, "manages_team", manages, "managed_via", via[0] ? json_string(via) : json_null(),
			  "effective", rights_names_json(eff), "items", items);
	return resp_json(r, 200, out);
}

const struct route managers_routes[] = {
	{"GET", "/api/v1/managers", list, 0},
	{"GET", "/api/v1/managers/{id}", show, 0},
	{"PUT", "/api/v1/managers/{id}/rights", set_rights, 0},
	{"PATCH", "/api/v1/managers/{id}/login-settings", login_settings, 0},
	{"PUT", "/api/v1/managers/{id}/teams", set_teams, 0},
	{"GET", "/api/v1/managers/{id}/effective-rights", effective, 0},
	{0},
};
