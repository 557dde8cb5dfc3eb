/* Companies: create, list, show, rename, delete (refused while users or
 * devices remain, and for the default company), and membership. */
#include "iam/companies.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "http/cursor.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/users.h"
#include "support/portals.h"

json_t *companies_json(const struct company *c)
{
	char created[32];
	clock_iso(c->created_at, created, sizeof created);
	return json_pack("{s:s, s:s, s:b, s:s}", "id", c->id, "name", c->name, "is_default", c->is_default,
			 "created_at", created);
}

static int name_taken(struct req *r)
{
	return resp_problem_ext(r, 409, "name-taken", "a company with this name already exists",
				json_pack("{s:s}", "field", "name"));
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"name", NULL};
	json_t *in;
	const char *name;
	int rc;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "name", JIN_REQUIRED, 200, &name)))
		return rc;
	if (!*name)
		return resp_field_error(r, "name", "the name must not be empty");
	struct company c = {0};
	memcpy(c.account_id, r->who.account_id, sizeof c.account_id);
	ids_new("cmp", c.id);
	snprintf(c.name, sizeof c.name, "%s", name);
	c.created_at = clock_now();
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	rc = store_company_insert(db, &c);
	if (rc == E_CONFLICT)
		return api_abort(db, name_taken(r));
	/* every company has its portal from the start (support/portals.h) */
	if (rc || (rc = portals_create_for_company(db, &c)) ||
	    (rc = audit_record(r, db, "company.create", "company", c.id, c.name, NULL, companies_json(&c))))
		return api_abort(db, rc);
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/companies/%s", c.id), companies_json(&c));
}

static int list(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	const char *after;
	if ((rc = cursor_param(r, &after)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	enum { PAGE = 200 };
	struct company *rows = arena_alloc(r->arena, sizeof(struct company) * (PAGE + 1));
	int n = 0;
	if ((rc = store_company_list(db, r->who.account_id, after, access_company_scope(r), rows, PAGE + 1, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < PAGE; i++)
		json_array_append_new(items, companies_json(&rows[i]));
	return resp_json(r, 200,
			 json_pack("{s:o, s:o}", "items", items, "next_cursor",
				   n > PAGE ? json_string(cursor_encode(r, rows[PAGE - 1].name)) : json_null()));
}

/* a company the caller may see (admins: any; others: their own, api/access.h) */
static int load(struct req *r, struct db *db, const char *id, struct company *c)
{
	int rc = ids_valid(id, "cmp") ? store_company_get(db, r->who.account_id, id, c) : E_NOTFOUND;
	if (!rc)
		rc = access_company_sees(r, db, (const char(*)[ID_MAX]) & c->id, 1);
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no company '%.40s' in this account", id);
	return rc;
}

static int show(struct req *r)
{
	int rc;
	struct company c;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load(r, db, req_param(r, "id"), &c)))
		return rc;
	json_t *out = companies_json(&c);
	int64_t users = 0, devices = 0;
	if ((rc = store_company_usage(db, c.account_id, c.id, &users, &devices))) {
		json_decref(out);
		return rc;
	}
	json_object_set_new(out, "user_count", json_integer(users));
	json_object_set_new(out, "device_count", json_integer(devices));
	return resp_json(r, 200, out);
}

static int rename_company(struct req *r)
{
	static const char *const allowed[] = {"name", NULL};
	json_t *in;
	const char *name;
	int rc;
	struct company c;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "name", JIN_REQUIRED, 200, &name)))
		return rc;
	if (!*name)
		return resp_field_error(r, "name", "the name must not be empty");
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, req_param(r, "id"), &c)))
		goto fail;
	json_t *before = companies_json(&c);
	rc = store_company_rename(db, c.account_id, c.id, name);
	if (rc == E_CONFLICT) {
		json_decref(before);
		return api_abort(db, name_taken(r));
	}
	snprintf(c.name, sizeof c.name, "%s", name);
	if (rc || (rc = audit_record(r, db, "company.rename", "company", c.id, c.name, before, companies_json(&c))))
		goto fail;
	return api_commit_json(r, db, 200, companies_json(&c));
fail:
	return api_abort(db, rc);
}

static int delete (struct req *r)
{
	int rc;
	struct company c;
	if ((rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, req_param(r, "id"), &c)))
		goto fail;
	if (c.is_default)
		return api_abort(db,
				 resp_problem(r, 409, "default-company",
					      "the account's default company cannot be deleted; rename it instead"));
	int64_t users = 0, devices = 0;
	if ((rc = store_company_usage(db, c.account_id, c.id, &users, &devices)))
		goto fail;
	if (users || devices) {
		store_rollback(db);
		return resp_problem_ext(
			r, 409, "company-not-empty",
			arena_printf(r->arena,
				     "company '%s' still has %lld user%s and %lld device%s; move or remove them first",
				     c.name, (long long)users, users == 1 ? "" : "s", (long long)devices,
				     devices == 1 ? "" : "s"),
			json_pack("{s:I, s:I}", "user_count", (json_int_t)users, "device_count", (json_int_t)devices));
	}
	if ((rc = store_company_delete(db, c.account_id, c.id)) ||
	    (rc = audit_record(r, db, "company.delete", "company", c.id, c.name, companies_json(&c), NULL)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

static int members(struct req *r)
{
	int rc;
	struct company c;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load(r, db, req_param(r, "id"), &c)))
		return rc;
	enum { MAX = 500 };
	struct user *rows = arena_alloc(r->arena, sizeof(struct user) * MAX);
	struct user_filter f = {.company_id = c.id, .limit = MAX};
	if ((rc = cursor_param(r, &f.after_email)))
		return rc;
	int n = 0;
	if ((rc = store_user_list(db, c.account_id, &f, rows, MAX, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, users_json(db, &rows[i]));
	return resp_json(r, 200,
			 json_pack("{s:o, s:o}", "items", items, "next_cursor",
				   n == MAX ? json_string(cursor_encode(r, rows[n - 1].email)) : json_null()));
}

/* PUT adds the user to the company, DELETE removes them (not their last company) */
static int membership(struct req *r, int add)
{
	int rc;
	struct company c;
	struct user u;
	if ((rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, req_param(r, "id"), &c)))
		goto fail;
	const char *uid = req_param(r, "user_id");
	rc = ids_valid(uid, "usr") ? store_user_get(db, c.account_id, uid, &u) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return api_abort(db, resp_problemf(r, 404, "not-found", "no user '%.40s' in this account", uid));
	if (rc)
		goto fail;
	char ids[64][ID_MAX];
	const char *keep[65];
	int n = 0, k = 0, had = 0;
	if ((rc = store_ids_get(db, IDS_USER_COMPANIES, u.account_id, u.id, ids, 64, &n)))
		goto fail;
	for (int i = 0; i < n; i++) {
		if (!strcmp(ids[i], c.id))
			had = 1;
		else
			keep[k++] = ids[i];
	}
	if (add)
		keep[k++] = c.id;
	if (!add && had && k == 0 && strcmp(u.role, "admin"))
		return api_abort(db, resp_problem(r, 409, "last-company",
						  "this is the user's only company; add them to another one first"));
	if ((add && had) || (!add && !had))
		return api_abort(db, resp_empty(r, 204));
	if ((rc = store_ids_set(db, IDS_USER_COMPANIES, u.account_id, u.id, keep, (size_t)k)) ||
	    (rc = audit_record(r, db, add ? "company.member_add" : "company.member_remove", "company", c.id, c.name,
			       NULL, json_pack("{s:s, s:s}", "user_id", u.id, "email", u.email))))
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

const struct route companies_routes[] = {
	{"POST", "/api/v1/companies", create, 0},
	{"GET", "/api/v1/companies", list, 0},
	{"GET", "/api/v1/companies/{id}", show, 0},
	{"PATCH", "/api/v1/companies/{id}", rename_company, 0},
	{"DELETE", "/api/v1/companies/{id}", delete, 0},
	{"GET", "/api/v1/companies/{id}/members", members, 0},
	{"PUT", "/api/v1/companies/{id}/members/{user_id}", member_add, 0},
	{"DELETE", "/api/v1/companies/{id}/members/{user_id}", member_remove, 0},
	{0},
};
