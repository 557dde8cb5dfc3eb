/* /api/v1/users: create, list (search, filters, cursor), show, change,
 * suspend (PATCH status), delete; a user's app passwords as administrators see
 * and revoke them. Every user but an admin belongs to at least
 * one company of the same account. A role change takes away what the old
 * role was given (manager rights, managed teams, API applications). */
#include "iam/users.h"
#include "iam/user_hooks.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/oauth.h"
#include "iam/app_passwords.h"
#include "iam/language.h"
#include "iam/modules.h"
#include "iam/password.h"
#include "iam/team_access.h"
#include "http/cursor.h"
#include "http/jsonin.h"
#include "http/response.h"

#define MAX_COMPANIES 64
#define PAGE_MAX 200
#define MAX_MODULES 8       /* more than there are: a duplicate is kept once, an unknown one named */
#define ROLE_TEAMS_MAX 1024 /* team assignments one manager may have (read back to audit) */
#define ROLE_RIGHTS_MAX 256
#define ROLE_APPS_PAGE 64

static const char *const roles[] = {"admin",  "manager", "api_manager", "technician",
				    "member", "guest",   "customer",    NULL};

int users_role_valid(const char *role)
{
	for (int i = 0; roles[i]; i++)
		if (!strcmp(roles[i], role))
			return 1;
	return 0;
}

void users_lower_email(char *e)
{
	for (; *e; e++)
		if (*e >= 'A' && *e <= 'Z')
			*e = (char)(*e + 32);
}

json_t *users_json(struct db *db, const struct user *u)
{
	char ids[MAX_COMPANIES][ID_MAX];
	int n = 0;
	store_ids_get(db, IDS_USER_COMPANIES, u->account_id, u->id, ids, MAX_COMPANIES, &n);
	json_t *companies = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(companies, json_string(ids[i]));
	char created[32], updated[32];
	clock_iso(u->created_at, created, sizeof created);
	clock_iso(u->updated_at, updated, sizeof updated);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:b, s:s, s:s}", "id", u->id, "email",
			      u->email, "display_name", u->display_name, "role", u->role, "status", u->status,
			      "company_ids", companies, "must_change_password", u->must_change_password,
			      "allow_password_reset", u->allow_password_reset, "force_email_validation",
			      u->force_email_validation, "email_validated", u->email_validated, "has_password",
			      u->password_hash[0] != 0, "created_at", created, "updated_at", updated);
	/* the user's own choices; null: the company's, else the account's (GET /api/v1/me: effective) */
	json_object_set_new(o, "language", *u->language ? json_string(u->language) : json_null());
	json_object_set_new(o, "time_zone", *u->time_zone ? json_string(u->time_zone) : json_null());
	json_object_set_new(o, "modules", modules_user_json(db, u->account_id, u->id));
	return o;
}

/* checks that every company exists in the caller's account */
static int check_companies(struct req *r, struct db *db, const char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct company c;
		int rc = store_company_get(db, r->who.account_id, ids[i], &c);
		if (rc == E_NOTFOUND) {
			resp_field_error(r, "company_ids", "no company '%.40s' in this account", ids[i]);
			return E_INVALID;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* E_CONFLICT when another user of u's account has u's address: the unique
 * index leaves pending guests out (guests of other accounts may share an
 * address, store/users.h), but one account never holds an address twice */
static int same_account_address(struct db *db, const struct user *u)
{
	struct user other;
	int rc = store_user_by_account_email(db, u->account_id, u->email, &other);
	if (rc == E_NOTFOUND)
		return 0;
	return rc ? rc : strcmp(other.id, u->id) ? E_CONFLICT : 0;
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"email",
					      "display_name",
					      "role",
					      "company_ids",
					      "password",
					      "must_change_password",
					      "allow_password_reset",
					      "force_email_validation",
					      "language",
					      "time_zone",
					      NULL};
	json_t *in;
	const char *email = NULL, *name = NULL, *role = NULL, *pw = NULL, **companies = NULL;
	size_t ncompanies = 0;
	int must_change = 1, allow_reset = 1, force_validation = 0;
	int rc;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "email", JIN_REQUIRED, 254, &email)) ||
	    (rc = jin_string(r, in, "display_name", JIN_REQUIRED, 200, &name)) ||
	    (rc = jin_string(r, in, "role", JIN_REQUIRED, 16, &role)) ||
	    (rc = jin_string_array(r, in, "company_ids", JIN_OPTIONAL, MAX_COMPANIES, 40, &companies, &ncompanies)) ||
	    (rc = jin_string(r, in, "password", JIN_OPTIONAL, PASSWORD_MAX, &pw)) ||
	    (rc = jin_bool(r, in, "must_change_password", JIN_OPTIONAL, &must_change)) ||
	    (rc = jin_bool(r, in, "allow_password_reset", JIN_OPTIONAL, &allow_reset)) ||
	    (rc = jin_bool(r, in, "force_email_validation", JIN_OPTIONAL, &force_validation)))
		return rc;
	if (!jin_valid_email(email))
		return resp_field_error(r, "email", "'%.80s' is not an e-mail address", email);
	if (!*name)
		return resp_field_error(r, "display_name", "the display name must not be empty");
	if (!users_role_valid(role))
		return resp_field_error(
			r, "role",
			"unknown role '%.20s' (admin, manager, api_manager, technician, member, guest, customer)",
			role);
	/* guests come from outside (a shared calendar's invitation): no company */
	if (strcmp(role, "admin") && strcmp(role, "guest") && ncompanies == 0)
		return resp_field_error(r, "company_ids",
					"every user but an admin or a guest needs at least one company");
	if (pw && password_refused(r, "password", pw, email, name))
		return 0;

	struct user u = {0};
	memcpy(u.account_id, r->who.account_id, sizeof u.account_id);
	ids_new("usr", u.id);
	snprintf(u.email, sizeof u.email, "%s", email);
	users_lower_email(u.email);
	snprintf(u.display_name, sizeof u.display_name, "%s", name);
	snprintf(u.role, sizeof u.role, "%s", role);
	snprintf(u.status, sizeof u.status, "active");
	u.must_change_password = pw ? must_change : 0;
	u.allow_password_reset = allow_reset;
	u.force_email_validation = force_validation;
	u.created_at = u.updated_at = clock_now();
	if ((rc = language_read(r, in, &u)))
		return rc;
	if (pw && (rc = password_hash(pw, u.email, u.password_hash, sizeof u.password_hash)))
		return rc;

	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = check_companies(r, db, companies, ncompanies)))
		goto fail;
	rc = same_account_address(db, &u);
	if (!rc)
		rc = store_user_insert(db, &u);
	if (rc == E_CONFLICT)
		return api_abort(db, resp_problem_ext(r, 409, "email-taken",
						      "a user with this e-mail address already exists",
						      json_pack("{s:s}", "field", "email")));
	if (rc || (rc = store_ids_set(db, IDS_USER_COMPANIES, u.account_id, u.id, companies, ncompanies)))
		goto fail;
	if ((rc = user_hooks_created(db, &u))) /* the calendar makes a default calendar (routes.c) */
		goto fail;
	json_t *out = users_json(db, &u);
	if ((rc = audit_record(r, db, "user.create", "user", u.id, u.email, NULL, json_deep_copy(out))))
		goto fail;
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/users/%s", u.id), out);
fail:
	return api_abort(db, rc);
}

static int list(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	struct user_filter f = {.q = req_query(r, "q"),
				.role = req_query(r, "role"),
				.company_id = req_query(r, "company"),
				.member_of = access_company_scope(r)};
	const char *limit_s = req_query(r, "limit");
	int limit = 50;
	if (limit_s) {
		char *end;
		long l = strtol(limit_s, &end, 10);
		if (*end || l < 1 || l > PAGE_MAX)
			return resp_problem_ext(r, 400, "invalid-query", "limit must be from 1 to 200",
						json_pack("{s:s}", "field", "limit"));
		limit = (int)l;
	}
	if (f.q && strlen(f.q) > 200)
		return resp_problem_ext(r, 400, "invalid-query", "q is too long (at most 200 characters)",
					json_pack("{s:s}", "field", "q"));
	if (f.role && *f.role && !users_role_valid(f.role))
		return resp_problem_ext(r, 400, "invalid-query", "unknown role", json_pack("{s:s}", "field", "role"));
	if ((rc = cursor_param(r, &f.after_email)))
		return rc;
	f.limit = limit + 1; /* one more tells whether there is a next page */
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct user *rows = arena_alloc(r->arena, sizeof(struct user) * (size_t)(limit + 1));
	int n = 0;
	if ((rc = store_user_list(db, r->who.account_id, &f, rows, limit + 1, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(items, users_json(db, &rows[i]));
	json_t *out = json_pack("{s:o}", "items", items);
	json_object_set_new(out, "next_cursor",
			    n > limit ? json_string(cursor_encode(r, rows[limit - 1].email)) : json_null());
	return resp_json(r, 200, out);
}

static int load(struct req *r, struct db *db, struct user *u)
{
	const char *id = req_param(r, "id");
	int rc = ids_valid(id, "usr") ? store_user_get(db, r->who.account_id, id, u) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "no user '%.40s' in this account", id), E_NOTFOUND;
	return rc;
}

/* load, for reading: a user of none of the caller's companies is not
 * there for them (api/access.h), but for the caller themselves */
static int load_visible(struct req *r, struct db *db, struct user *u)
{
	int rc = load(r, db, u);
	if (rc || !strcmp(u->id, r->who.user_id))
		return rc;
	char ids[64][ID_MAX];
	int n = 0;
	if ((rc = store_ids_get(db, IDS_USER_COMPANIES, u->account_id, u->id, ids, 64, &n)))
		return rc;
	rc = access_company_sees(r, db, (const char(*)[ID_MAX])ids, n);
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no user '%.40s' in this account", u->id);
	return rc;
}

static int show(struct req *r)
{
	int rc;
	struct user u;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	/* anyone may read their own record */
	if (strcmp(req_param(r, "id"), r->who.user_id) && (rc = access_read_admin(r)))
		return rc;
	if ((rc = load_visible(r, db, &u)))
		return rc;
	return resp_json(r, 200, users_json(db, &u));
}

static int is_last_admin(struct db *db, const struct user *u, int *last)
{
	int64_t n = 0;
	*last = 0;
	if (strcmp(u->role, "admin") || strcmp(u->status, "active"))
		return 0;
	int rc = store_user_count_role(db, u->account_id, "admin", &n);
	*last = n <= 1;
	return rc;
}

static json_t *strings_json(const char *base, size_t stride, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(base + (size_t)i * stride));
	return a;
}

/* A role is a fresh grant: rights and team assignments are chosen for a
 * manager in that role, and an application's tokens act with its owner's
 * role. So on any role change the manager rights and team assignments go (a
 * user returning to manager starts with none, rather than getting back what
 * an admin may have long forgotten), and the user's active applications are
 * revoked, except from admin to API manager, where the tokens only lose
 * power. Each removal is audited like the change it stands for, in the
 * caller's transaction. */
static int leave_role(struct req *r, struct db *db, const struct user *u, const char *old_role)
{
	char reason[64];
	snprintf(reason, sizeof reason, "role changed from %s to %s", old_role, u->role);
	char(*rights)[STORE_RIGHT_NAME_MAX] = arena_alloc(r->arena, sizeof(*rights) * ROLE_RIGHTS_MAX);
	char(*teams)[ID_MAX] = arena_alloc(r->arena, sizeof(*teams) * ROLE_TEAMS_MAX);
	int nr = 0, nt = 0, rc;
	if ((rc = store_manager_rights(db, u->account_id, u->id, rights, ROLE_RIGHTS_MAX, &nr)) ||
	    (rc = store_ids_get(db, IDS_MANAGER_TEAMS, u->account_id, u->id, teams, ROLE_TEAMS_MAX, &nt)))
		return rc;
	if (nr && ((rc = store_manager_rights_set(db, u->account_id, u->id, NULL, 0)) ||
		   (rc = audit_record(r, db, "manager.rights", "user", u->id, u->email,
				      json_pack("{s:o}", "rights", strings_json(rights[0], sizeof *rights, nr)),
				      json_pack("{s:[], s:s}", "rights", "reason", reason)))))
		return rc;
	if (nt && ((rc = store_ids_set(db, IDS_MANAGER_TEAMS, u->account_id, u->id, NULL, 0)) ||
		   (rc = audit_record(r, db, "manager.teams", "user", u->id, u->email,
				      json_pack("{s:o}", "team_ids", strings_json(teams[0], sizeof *teams, nt)),
				      json_pack("{s:[], s:s}", "team_ids", "reason", reason)))))
		return rc;
	/* the new role may hold no module: the seats are given back */
	if (!modules_role_may_hold(u->role) && (rc = modules_user_set(r, db, u, NULL, 0, reason)))
		return rc;
	if (!strcmp(old_role, "admin") && apps_owner_allowed(u->role))
		return 0;
	struct app *apps = arena_alloc(r->arena, sizeof(struct app) * ROLE_APPS_PAGE);
	struct app_filter f = {.owner_id = u->id, .limit = ROLE_APPS_PAGE};
	char after[ID_MAX];
	int64_t now = clock_now();
	for (;;) {
		int n = 0;
		if ((rc = store_app_list(db, u->account_id, &f, now, apps, ROLE_APPS_PAGE, &n)))
			return rc;
		for (int i = 0; i < n; i++) {
			struct app *a = &apps[i];
			if (a->revoked_at)
				continue;
			json_t *before = json_pack("{s:s, s:s, s:I}", "owner_id", a->owner_id, "status", "active",
						   "token_count", (json_int_t)a->token_count);
			if ((rc = store_app_revoke(db, a->account_id, a->id, now))) {
				json_decref(before);
				return rc;
			}
			if ((rc = audit_record(r, db, "app.revoke", "app", a->id, a->name, before,
					       json_pack("{s:s, s:s, s:I, s:s}", "owner_id", a->owner_id, "status",
							 "revoked", "token_count", (json_int_t)0, "reason", reason))))
				return rc;
		}
		if (n < ROLE_APPS_PAGE)
			return 0;
		f.after_created_at = apps[n - 1].created_at;
		memcpy(after, apps[n - 1].id, sizeof after); /* the page is overwritten by the next */
		f.after_id = after;
	}
}

static int change(struct req *r)
{
	static const char *const allowed[] = {"email",
					      "display_name",
					      "role",
					      "company_ids",
					      "status",
					      "password",
					      "must_change_password",
					      "allow_password_reset",
					      "force_email_validation",
					      "language",
					      "time_zone",
					      "modules",
					      NULL};
	json_t *in;
	const char *email = NULL, *name = NULL, *role = NULL, *status = NULL, *pw = NULL, **companies = NULL,
		   **modules = NULL;
	size_t ncompanies = 0, nmodules = 0;
	int rc, last;
	/* a manager may change a representative of their teams (the rights are checked below) */
	int by_manager = !access_is(r, "admin") && team_access_is_manager(r);
	if ((!by_manager && (rc = access_admin(r))) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "email", JIN_OPTIONAL, 254, &email)) ||
	    (rc = jin_string(r, in, "display_name", JIN_OPTIONAL, 200, &name)) ||
	    (rc = jin_string(r, in, "role", JIN_OPTIONAL, 16, &role)) ||
	    (rc = jin_string(r, in, "status", JIN_OPTIONAL, 16, &status)) ||
	    (rc = jin_string(r, in, "password", JIN_OPTIONAL, PASSWORD_MAX, &pw)) ||
	    (rc = jin_string_array(r, in, "company_ids", JIN_OPTIONAL, MAX_COMPANIES, 40, &companies, &ncompanies)) ||
	    (rc = jin_string_array(r, in, "modules", JIN_OPTIONAL, MAX_MODULES, 40, &modules, &nmodules)))
		return rc;
	if (email && !jin_valid_email(email))
		return resp_field_error(r, "email", "'%.80s' is not an e-mail address", email);
	if (name && !*name)
		return resp_field_error(r, "display_name", "the display name must not be empty");
	if (role && !users_role_valid(role))
		return resp_field_error(r, "role", "unknown role '%.20s'", role);
	if (status && strcmp(status, "active") && strcmp(status, "suspended"))
		return resp_field_error(r, "status", "status must be 'active' or 'suspended'");

	struct user u;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	/* a manager's representative of another company is not there for them */
	if ((rc = load_visible(r, db, &u)) || (by_manager && (rc = team_access_user_change(r, db, &u, in))))
		goto fail;
	json_t *before = users_json(db, &u);
	if ((rc = is_last_admin(db, &u, &last)))
		goto fail_json;
	if (last && ((role && strcmp(role, "admin")) || (status && !strcmp(status, "suspended")))) {
		json_decref(before);
		return api_abort(
			db, resp_problem(r, 409, "last-admin",
					 "this is the account's last active administrator; make another one first"));
	}
	if (!strcmp(u.id, r->who.user_id) && status && !strcmp(status, "suspended")) {
		json_decref(before);
		return api_abort(db, resp_problem(r, 409, "self", "you cannot suspend yourself"));
	}
	int new_address = 0;
	if (email) {
		char was[sizeof u.email];
		memcpy(was, u.email, sizeof was);
		snprintf(u.email, sizeof u.email, "%s", email);
		users_lower_email(u.email);
		new_address = strcmp(was, u.email) != 0;
		if (new_address) {
			rc = same_account_address(db, &u);
			if (rc == E_CONFLICT) {
				store_rollback(db);
				json_decref(before);
				return resp_problem_ext(r, 409, "email-taken",
							"a user with this e-mail address already exists",
							json_pack("{s:s}", "field", "email"));
			}
			if (rc)
				goto fail_json;
		}
	}
	/* links went to the old address, which proves nothing about the new one:
	 * they are forgotten (so the new address need not wait out the old one's
	 * rate limits), and the new address waits for its own validation. The
	 * password hash keeps the old address's salt (iam/password.h): still
	 * verified, on its own, until the next sign-in rehashes it with the new
	 * address's salt (unless a new password is set below) */
	if (new_address) {
		u.email_validated = 0;
		if ((rc = store_ott_forget_unused(db, u.account_id, u.id, "reset")) ||
		    (rc = store_ott_forget_unused(db, u.account_id, u.id, "validate")))
			goto fail_json;
	}
	if (name)
		snprintf(u.display_name, sizeof u.display_name, "%s", name);
	char old_role[sizeof u.role];
	memcpy(old_role, u.role, sizeof old_role);
	if (role)
		snprintf(u.role, sizeof u.role, "%s", role);
	if (status)
		snprintf(u.status, sizeof u.status, "%s", status);
	jin_bool(r, in, "must_change_password", JIN_OPTIONAL, &u.must_change_password);
	jin_bool(r, in, "allow_password_reset", JIN_OPTIONAL, &u.allow_password_reset);
	jin_bool(r, in, "force_email_validation", JIN_OPTIONAL, &u.force_email_validation);
	if (r->responded || (rc = language_read(r, in, &u))) {
		rc = E_INVALID;
		goto fail_json;
	}
	if (pw) {
		if (password_refused(r, "password", pw, u.email, u.display_name)) {
			json_decref(before);
			return api_abort(db, 0);
		}
		if ((rc = password_hash(pw, u.email, u.password_hash, sizeof u.password_hash)))
			goto fail_json;
	}
	if (companies) {
		if ((rc = check_companies(r, db, companies, ncompanies)))
			goto fail_json;
		if ((rc = store_ids_set(db, IDS_USER_COMPANIES, u.account_id, u.id, companies, ncompanies)))
			goto fail_json;
	}
	if (strcmp(u.role, "admin") && strcmp(u.role, "guest")) {
		char ids[1][ID_MAX];
		int n = 0;
		if ((rc = store_ids_get(db, IDS_USER_COMPANIES, u.account_id, u.id, ids, 1, &n)))
			goto fail_json;
		if (n == 0) {
			json_decref(before);
			return api_abort(
				db, resp_field_error(r, "company_ids",
						     "every user but an admin or a guest needs at least one company"));
		}
	}
	u.updated_at = clock_now();
	rc = store_user_update(db, &u);
	if (rc == E_CONFLICT) {
		json_decref(before);
		return api_abort(db, resp_problem_ext(r, 409, "email-taken",
						      "a user with this e-mail address already exists",
						      json_pack("{s:s}", "field", "email")));
	}
	if (rc)
		goto fail_json;
	if (strcmp(old_role, u.role) && (rc = leave_role(r, db, &u, old_role)))
		goto fail_json;
	/* after the role: whether the user may hold modules depends on it */
	if (jin_has(in, "modules") && (rc = modules_user_set(r, db, &u, modules, nmodules, NULL)))
		goto fail_json;
	/* suspension or a new password ends the user's sessions */
	if ((status && !strcmp(status, "suspended")) || pw)
		if ((rc = store_session_delete_user(db, u.account_id, u.id, NULL)))
			goto fail_json;
	/* a password set by an administrator is a recovery: whoever had the
	 * account may have made app passwords, so they go too (suspension keeps
	 * them, unusable until the user is active again) */
	if (pw && (rc = app_passwords_revoke_user(r, db, &u, "password_set_by_admin")))
		goto fail_json;
	json_t *after = users_json(db, &u);
	if ((rc = audit_record(r, db, status && !strcmp(status, "suspended") ? "user.suspend" : "user.update", "user",
			       u.id, u.email, before, json_deep_copy(after)))) {
		json_decref(after);
		goto fail;
	}
	return api_commit_json(r, db, 200, after);
fail_json:
	json_decref(before);
fail:
	return api_abort(db, rc);
}

static int delete (struct req *r)
{
	int rc, last;
	struct user u;
	if ((rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &u)))
		goto fail;
	if (!strcmp(u.id, r->who.user_id))
		return api_abort(db, resp_problem(r, 409, "self", "you cannot delete yourself"));
	if ((rc = is_last_admin(db, &u, &last)))
		goto fail;
	if (last)
		return api_abort(db,
				 resp_problem(r, 409, "last-admin", "this is the account's last active administrator"));
	json_t *before = users_json(db, &u);
	if ((rc = store_user_delete(db, u.account_id, u.id)) ||
	    (rc = audit_record(r, db, "user.delete", "user", u.id, u.email, before, NULL)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

/* an administrator's view of a user's app passwords: read like the user
 * record (administration readers), revoked only by whoever may suspend the
 * user (an administrator) */
static int app_passwords_list(struct req *r)
{
	int rc;
	struct user u;
	json_t *out;
	if ((rc = access_read_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = load_visible(r, db, &u)) ||
	    (rc = app_passwords_list_json(r, db, u.account_id, u.id, &out)))
		return rc;
	return resp_json(r, 200, out);
}

static int app_passwords_revoke(struct req *r)
{
	int rc;
	struct user u;
	const char *pid = req_param(r, "app_password_id");
	if ((rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = load(r, db, &u)))
		return rc;
	rc = app_passwords_revoke_one(r, db, &u, pid);
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "%s has no app password '%.40s'", u.email, pid ? pid : "");
	return rc ? rc : resp_empty(r, 204);
}

const struct route users_routes[] = {
	{"POST", "/api/v1/users", create, 0},
	{"GET", "/api/v1/users", list, 0},
	{"GET", "/api/v1/users/{id}", show, 0},
	{"PATCH", "/api/v1/users/{id}", change, 0},
	{"DELETE", "/api/v1/users/{id}", delete, 0},
	{"GET", "/api/v1/users/{id}/app-passwords", app_passwords_list, 0},
	{"DELETE", "/api/v1/users/{id}/app-passwords/{app_password_id}", app_passwords_revoke, 0},
	{0},
};
