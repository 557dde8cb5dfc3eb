/* team_rights and manager_rights: sets of right names, replaced whole. */
#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

static int names(struct db *db, const char *sql, const char *account_id, const char *owner,
		 char (*out)[STORE_RIGHT_NAME_MAX], int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r, sql, "ss", account_id, owner);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1)
		if (*n < max)
			snprintf(out[(*n)++], STORE_RIGHT_NAME_MAX, "%s", db_text(r, 0));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_team_rights(struct db *db, const char *account_id, const char *team_id, char (*out)[STORE_RIGHT_NAME_MAX],
		      int max, int *n)
{
	return names(db,
		     "SELECT right_name FROM team_rights WHERE account_id = ? AND team_id = ?"
		     " ORDER BY right_name",
		     account_id, team_id, out, max, n);
}

int store_manager_rights(struct db *db, const char *account_id, const char *user_id, char (*out)[STORE_RIGHT_NAME_MAX],
			 int max, int *n)
{
	return names(db,
		     "SELECT right_name FROM manager_rights WHERE account_id = ? AND user_id = ?"
		     " ORDER BY right_name",
		     account_id, user_id, out, max, n);
}

int store_team_rights_set(struct db *db, const char *account_id, const char *team_id, const char *const *list, size_t n)
{
	int rc = db_exec(db, "DELETE FROM team_rights WHERE account_id = ? AND team_id = ?", "ss", account_id, team_id);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = db_exec(db,
			     "INSERT INTO team_rights (account_id, team_id, right_name) VALUES (?, ?, ?)"
			     " ON CONFLICT DO NOTHING",
			     "sss", account_id, team_id, list[i]);
	return rc < 0 ? rc : 0;
}

int store_manager_rights_set(struct db *db, const char *account_id, const char *user_id, const char *const *list,
			     size_t n)
{
	int rc = db_exec(db, "DELETE FROM manager_rights WHERE account_id = ? AND user_id = ?", "ss", account_id,
			 user_id);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = db_exec(db,
			     "INSERT INTO manager_rights (account_id, user_id, right_name) VALUES (?, ?, ?)"
			     " ON CONFLICT DO NOTHING",
			     "sss", account_id, user_id, list[i]);
	return rc < 0 ? rc : 0;
}
