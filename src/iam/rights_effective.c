/* What a manager may actually do in a team, from the database: the rights
 * the manager holds ∩ the rights the team enables (iam/rights.c does the set
 * logic), in the teams the manager is assigned to and their sub-teams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "iam/rights.h"
#include "store/store.h"

/* stored names -> set; names the catalogue no longer has are ignored */
static uint64_t set_of(char (*names)[STORE_RIGHT_NAME_MAX], int n)
{
	uint64_t set = 0;
	for (int i = 0; i < n; i++) {
		int id = rights_lookup(names[i]);
		if (id >= 0)
			set |= RIGHT_BIT(id);
	}
	return set;
}

int rights_held(struct db *db, const char *account_id, const char *user_id, uint64_t *out)
{
	char names[64][STORE_RIGHT_NAME_MAX];
	int n = 0, rc = store_manager_rights(db, account_id, user_id, names, 64, &n);
	*out = rc ? 0 : set_of(names, n);
	return rc;
}

int rights_enabled(struct db *db, const char *account_id, const char *team_id, uint64_t *out)
{
	char names[64][STORE_RIGHT_NAME_MAX];
	int n = 0, rc = store_team_rights(db, account_id, team_id, names, 64, &n);
	*out = rc ? 0 : set_of(names, n);
	return rc;
}

int rights_manages(struct db *db, const char *account_id, const char *user_id, const char *team_id, int *yes,
		   char via[ID_MAX])
{
	char path[TEAM_DEPTH_MAX * 2 + 1][ID_MAX], assigned[256][ID_MAX];
	int np = 0, na = 0, rc;
	*yes = 0;
	via[0] = 0;
	if ((rc = store_team_path(db, account_id, team_id, path, TEAM_DEPTH_MAX * 2 + 1, &np)) ||
	    (rc = store_ids_get(db, IDS_MANAGER_TEAMS, account_id, user_id, assigned, 256, &na)))
		return rc;
	/* nearest assignment first: the team itself, then its parent, ... */
	for (int i = 0; i < np; i++)
		for (int k = 0; k < na; k++)
			if (!strcmp(path[i], assigned[k])) {
				*yes = 1;
				snprintf(via, ID_MAX, "%s", path[i]);
				return 0;
			}
	return 0;
}

int rights_effective_id(struct db *db, const char *account_id, const char *user_id, const char *role,
			const char *team_id, int right)
{
	if (!strcmp(role, "admin"))
		return 1;
	if (!rights_role_holds_rights(role) || right < 0 || right >= RIGHT_COUNT)
		return 0;
	int yes = 0, rc;
	char via[ID_MAX];
	uint64_t held = 0, enabled = 0;
	if ((rc = rights_manages(db, account_id, user_id, team_id, &yes, via)))
		return rc;
	if (!yes)
		return 0;
	if ((rc = rights_held(db, account_id, user_id, &held)) ||
	    (rc = rights_enabled(db, account_id, team_id, &enabled)))
		return rc;
	return (rights_effective_set(held, enabled) & RIGHT_BIT(right)) != 0;
}

int rights_effective(struct db *db, const char *account_id, const char *manager_id, const char *team_id,
		     const char *right)
{
	struct user u;
	int rc = store_user_get(db, account_id, manager_id, &u);
	if (rc == E_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (strcmp(u.status, "active"))
		return 0;
	return rights_effective_id(db, account_id, u.id, u.role, team_id, rights_lookup(right));
}

int rights_effective_serving(struct db *db, const char *account_id, const char *user_id, const char *role,
			     const char *const *team_ids, size_t n, const char *right)
{
	int id = rights_lookup(right);
	if (!strcmp(role, "admin"))
		return 1;
	if (!rights_role_holds_rights(role) || id < 0)
		return 0;
	uint64_t held = 0, enabled = 0;
	int rc = rights_held(db, account_id, user_id, &held);
	if (rc)
		return rc;
	if (n == 0)
		return (rights_effective_set(held, rights_all()) & RIGHT_BIT(id)) != 0;
	for (size_t i = 0; i < n; i++) {
		if ((rc = rights_enabled(db, account_id, team_ids[i], &enabled)))
			return rc;
		if (rights_effective_set(held, enabled) & RIGHT_BIT(id))
			return 1;
	}
	return 0;
}

int rights_effective_any(struct db *db, const char *account_id, const char *user_id, const char *role,
			 const char *const *team_ids, size_t n, const char *right)
{
	int id = rights_lookup(right);
	if (!strcmp(role, "admin"))
		return 1;
	if (id < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int rc = rights_effective_id(db, account_id, user_id, role, team_ids[i], id);
		if (rc)
			return rc;
	}
	return 0;
}

int rights_support_allows(struct db *db, const char *account_id, const char *user_id, const char *role,
			  const char *const *team_ids, size_t n, const char *right)
{
	int id = rights_lookup(right);
	if (!strcmp(role, "admin"))
		return 1;
	if (id < 0)
		return 0;
	/* over the teams' sessions: only a manager of one of them */
	if (rights_info(id)->group == RIGHT_GROUP_team_level)
		return rights_effective_any(db, account_id, user_id, role, team_ids, n, right);
	if (strcmp(role, "technician"))
		return rights_effective_serving(db, account_id, user_id, role, team_ids, n, right);
	if (n == 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t enabled = 0;
		int rc = rights_enabled(db, account_id, team_ids[i], &enabled);
		if (rc)
			return rc;
		if (rights_effective_set(rights_all(), enabled) & RIGHT_BIT(id))
			return 1;
	}
	return 0;
}

#define MAX_SERVING_TEAMS 64 /* a company's portals' teams looked through */

int rights_may_change_company_setting(struct db *db, const char *account_id, const char *user_id, const char *role,
				      const char *company_id, const char *setting)
{
	if (strcmp(setting, "business_hours") || strcmp(role, "manager"))
		return 0;
	if (!company_id)
		return 1;
	char(*teams)[ID_MAX] = calloc(MAX_SERVING_TEAMS, ID_MAX);
	const char *ids[MAX_SERVING_TEAMS];
	int n = 0;
	if (!teams)
		return E_NOMEM;
	int rc = store_portal_company_teams(db, account_id, company_id, teams, MAX_SERVING_TEAMS, &n);
	for (int i = 0; i < n; i++)
		ids[i] = teams[i];
	if (!rc)
		rc = rights_effective_any(db, account_id, user_id, role, ids, (size_t)n, "manage_business_hours");
	free(teams);
	return rc;
}
