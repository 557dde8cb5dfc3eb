/* One implementation of the membership tables (store/id_sets.h), instead of
 * a DELETE-then-INSERT loop and a SELECT loop copied for each table. The SQL
 * is built from the fixed names below, never from a caller's string. */
#include "store/id_sets.h"

#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

static const struct {
	const char *table, *owner, *member;
} sets[] = {
	[IDS_USER_COMPANIES] = {"user_companies", "user_id", "company_id"},
	[IDS_DEVICE_COMPANIES] = {"device_companies", "device_id", "company_id"},
	[IDS_ROOM_COMPANIES] = {"room_companies", "room_id", "company_id"},
	[IDS_ROOM_DELEGATES] = {"room_delegates", "room_id", "user_id"},
	[IDS_MANAGER_TEAMS] = {"team_managers", "user_id", "team_id"},
	[IDS_TEAM_MANAGERS] = {"team_managers", "team_id", "user_id"},
	[IDS_USER_TEAMS] = {"team_members", "user_id", "team_id"},
	[IDS_PORTAL_TEAMS] = {"portal_teams", "portal_id", "team_id"},
	[IDS_PORTAL_MANAGERS] = {"portal_managers", "portal_id", "user_id"},
};

int store_ids_set(struct db *db, enum store_id_set set, const char *account_id, const char *owner,
		  const char *const *ids, size_t n)
{
	if ((size_t)set >= sizeof sets / sizeof sets[0])
		return E_INVALID;
	char sql[256];
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE account_id = ? AND %s = ?", sets[set].table, sets[set].owner);
	int rc = db_exec(db, sql, "ss", account_id, owner);
	snprintf(sql, sizeof sql, "INSERT INTO %s (account_id, %s, %s) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		 sets[set].table, sets[set].owner, sets[set].member);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = db_exec(db, sql, "sss", account_id, owner, ids[i]);
	return rc < 0 ? rc : 0;
}

int store_ids_get(struct db *db, enum store_id_set set, const char *account_id, const char *owner, char (*out)[ID_MAX],
		  int max, int *n)
{
	if ((size_t)set >= sizeof sets / sizeof sets[0])
		return E_INVALID;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE account_id = ? AND %s = ? ORDER BY %s", sets[set].member,
		 sets[set].table, sets[set].owner, sets[set].member);
	struct db_rows *r;
	int rc = db_query(db, &r, sql, "ss", account_id, owner);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		snprintf(out[(*n)++], ID_MAX, "%s", db_text(r, 0));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}
