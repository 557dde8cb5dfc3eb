/* Enforcing team-level rights for managers: each check finds the team (or
 * the target's teams), and asks iam/rights_effective.c whether the right is
 * effective there for the caller. */
#include "iam/team_access.h"

#include <string.h>

#include "core/errors.h"
#include "http/response.h"
#include "api/access.h"
#include "iam/rights.h"

int team_access_is_manager(const struct req *r)
{
	return rights_role_holds_rights(r->who.role);
}

int team_access_require(struct req *r, struct db *db, const struct team *t, int right)
{
	if (access_is(r, "admin"))
		return 0;
	if (!team_access_is_manager(r))
		return access_admin(r);
	int rc = rights_effective_id(db, r->who.account_id, r->who.user_id, r->who.role, t->id, right);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return 0;
	resp_problemf(r, 403, "forbidden",
		      "you need the right '%s' in team '%s' (held by you, enabled by the team, "
		      "in a team you manage): GET /api/v1/managers/%s/effective-rights?team=%s explains",
		      rights_info(right)->name, t->name, r->who.user_id, t->id);
	return E_FORBIDDEN;
}

/* 1 when right is effective for the caller in one of the target's teams */
static int in_some_team(struct req *r, struct db *db, const struct user *target, int right, int *yes)
{
	char teams[256][ID_MAX];
	int n = 0, rc;
	*yes = 0;
	if ((rc = store_ids_get(db, IDS_USER_TEAMS, target->account_id, target->id, teams, 256, &n)))
		return rc;
	for (int i = 0; i < n && !*yes; i++) {
		rc = rights_effective_id(db, r->who.account_id, r->who.user_id, r->who.role, teams[i], right);
		if (rc < 0)
			return rc;
		*yes = rc == 1;
	}
	return 0;
}

int team_access_user_change(struct req *r, struct db *db, const struct user *target, json_t *in)
{
	static const struct {
		const char *field;
		int right;
	} fields[] = {
		{"display_name", RIGHT_change_representative_name_login},
		{"email", RIGHT_change_representative_name_login},
		{"password", RIGHT_change_representative_password},
	};
	const char *key;
	json_t *v;
	if (!team_access_is_manager(r))
		return access_admin(r);
	if (strcmp(target->role, "technician") || !strcmp(target->id, r->who.user_id)) {
		resp_problem(r, 403, "forbidden",
			     "managers may change only representatives (technicians) of the teams they manage");
		return E_FORBIDDEN;
	}
	json_object_foreach(in, key, v)
	{
		int right = -1;
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			if (!strcmp(fields[i].field, key))
				right = fields[i].right;
		if (right < 0) {
			resp_problemf(r, 403, "forbidden",
				      "managers may change only a representative's display_name, email and "
				      "password, not '%.40s'",
				      key);
			return E_FORBIDDEN;
		}
		int yes = 0, rc = in_some_team(r, db, target, right, &yes);
		if (rc)
			return rc;
		if (!yes) {
			resp_problemf(r, 403, "forbidden",
				      "changing '%s' needs the right '%s' in a team of this representative "
				      "that you manage",
				      key, rights_info(right)->name);
			return E_FORBIDDEN;
		}
	}
	return 0;
}
