/* Modules and seats (iam/modules.h). A seat is taken while a user holds
 * the module, whatever their status: a suspended technician keeps their
 * access for when they come back, so they keep its seat too. */
#include "iam/modules.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "api/access.h"
#include "api/audit.h"
#include "http/response.h"

#define MODULES_MAX 8

const char *const modules_names[] = {"remote_support", "service_desk", NULL};

int modules_valid(const char *name)
{
	for (int i = 0; modules_names[i]; i++)
		if (!strcmp(modules_names[i], name))
			return 1;
	return 0;
}

int modules_role_may_hold(const char *role)
{
	return !strcmp(role, "technician") || !strcmp(role, "manager") || !strcmp(role, "admin");
}

json_t *modules_user_json(struct db *db, const char *account_id, const char *user_id)
{
	char names[MODULES_MAX][STORE_MODULE_NAME_MAX];
	int n = 0;
	json_t *a = json_array();
	if (store_user_modules(db, account_id, user_id, names, MODULES_MAX, &n))
		return a;
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

static int holds(char (*have)[STORE_MODULE_NAME_MAX], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(have[i], name))
			return 1;
	return 0;
}

int modules_user_set(struct req *r, struct db *db, const struct user *u, const char *const *names, size_t n,
		     const char *reason)
{
	char have[MODULES_MAX][STORE_MODULE_NAME_MAX];
	int nh = 0, rc;
	for (size_t i = 0; i < n; i++)
		if (!modules_valid(names[i]))
			return resp_field_error(r, "modules", "unknown module '%.40s' (remote_support, service_desk)",
						names[i]),
			       E_INVALID;
	if (n && !modules_role_may_hold(u->role))
		return resp_field_error(r, "modules",
					"a user whose role is %s may not hold modules (only technicians, managers "
					"and administrators)",
					u->role),
		       E_INVALID;
	if ((rc = store_user_modules(db, u->account_id, u->id, have, MODULES_MAX, &nh)))
		return rc;
	int changed = 0;
	for (size_t i = 0; i < n; i++) {
		int dup = 0;
		for (size_t j = 0; j < i; j++)
			dup |= !strcmp(names[i], names[j]);
		if (dup || holds(have, nh, names[i]))
			continue;
		changed = 1;
		int64_t seats = 0, used = 0;
		if ((rc = store_module_seats(db, u->account_id, names[i], 1, &seats, &used)))
			return rc;
		if (used >= seats)
			return resp_problem_ext(
				       r, 409, "no-seats",
				       arena_printf(r->arena,
						    resp_text(r,
							      "no seat left for the module %s: %lld of %lld seats are "
							      "in use"),
						    names[i], (long long)used, (long long)seats),
				       json_pack("{s:s, s:s, s:I, s:I}", "field", "modules", "module", names[i],
						 "seats", (json_int_t)seats, "used", (json_int_t)used)),
			       E_CONFLICT;
	}
	for (int i = 0; i < nh && !changed; i++) {
		int kept = 0;
		for (size_t j = 0; j < n; j++)
			kept |= !strcmp(have[i], names[j]);
		changed = !kept;
	}
	if (!changed)
		return 0;
	json_t *before = modules_user_json(db, u->account_id, u->id);
	if ((rc = store_user_modules_set(db, u->account_id, u->id, names, n, clock_now()))) {
		json_decref(before);
		return rc;
	}
	json_t *after = json_pack("{s:o}", "modules", modules_user_json(db, u->account_id, u->id));
	if (reason)
		json_object_set_new(after, "reason", json_string(reason));
	return audit_record(r, db, "user.modules", "user", u->id, u->email, json_pack("{s:o}", "modules", before),
			    after);
}

int modules_seats_set(struct db *db, const char *account_id, const char *module, int64_t seats, int64_t *used)
{
	struct account a;
	int64_t was = 0;
	*used = 0;
	if (!modules_valid(module) || seats < 0)
		return E_INVALID;
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	if ((rc = store_account_get(db, account_id, &a)) ||
	    (rc = store_module_seats(db, account_id, module, 1, &was, used)))
		goto fail;
	if (seats < *used) {
		rc = E_CONFLICT;
		goto fail;
	}
	if ((rc = store_module_seats_set(db, account_id, module, seats, clock_now())) ||
	    (rc = audit_record_system(db, account_id, "cli", "account.seats", "account", account_id, a.name,
				      json_pack("{s:s, s:I}", "module", module, "seats", (json_int_t)was),
				      json_pack("{s:s, s:I, s:I}", "module", module, "seats", (json_int_t)seats, "used",
						(json_int_t)*used))))
		goto fail;
	return store_commit(db);
fail:
	store_rollback(db);
	return rc;
}

/* GET /api/v1/account/seats: per module, the seats and how many are in use */
static int seats_show(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	json_t *items = json_array();
	for (int i = 0; modules_names[i]; i++) {
		int64_t seats = 0, used = 0;
		if ((rc = store_module_seats(db, r->who.account_id, modules_names[i], 0, &seats, &used))) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, json_pack("{s:s, s:I, s:I}", "module", modules_names[i], "seats",
						       (json_int_t)seats, "used", (json_int_t)used));
	}
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

const struct route modules_routes[] = {
	{"GET", "/api/v1/account/seats", seats_show, 0},
	{0},
};
