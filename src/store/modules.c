/* module_seats and user_modules (store/modules.h). */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_module_seats(struct db *db, const char *account_id, const char *module, int lock, int64_t *seats,
		       int64_t *used)
{
	struct db_rows *r;
	const char *sql = lock && db_kind(db) == DB_PG
				  ? "SELECT seats FROM module_seats WHERE account_id = ? AND module = ? FOR UPDATE"
				  : "SELECT seats FROM module_seats WHERE account_id = ? AND module = ?";
	int rc = db_query(db, &r, sql, "ss", account_id, module);
	if (rc)
		return rc;
	*seats = 0;
	if ((rc = db_next(r)) == 1)
		*seats = db_int(r, 0);
	db_rows_free(r);
	if (rc < 0)
		return rc;
	if ((rc = db_query(db, &r, "SELECT count(*) FROM user_modules WHERE account_id = ? AND module = ?", "ss",
			   account_id, module)))
		return rc;
	*used = 0;
	if ((rc = db_next(r)) == 1)
		*used = db_int(r, 0);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_module_seats_set(struct db *db, const char *account_id, const char *module, int64_t seats, int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO module_seats (account_id, module, seats, updated_at) VALUES (?, ?, ?, ?)"
			 " ON CONFLICT (account_id, module) DO UPDATE SET seats = excluded.seats,"
			 " updated_at = excluded.updated_at",
			 "ssii", account_id, module, seats, now);
	return rc < 0 ? rc : 0;
}

int store_user_modules(struct db *db, const char *account_id, const char *user_id, char (*out)[STORE_MODULE_NAME_MAX],
		       int max, int *n)
{
	struct db_rows *r;
	int rc =
		db_query(db, &r, "SELECT module FROM user_modules WHERE account_id = ? AND user_id = ? ORDER BY module",
			 "ss", account_id, user_id);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1)
		if (*n < max)
			snprintf(out[(*n)++], STORE_MODULE_NAME_MAX, "%s", db_text(r, 0));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_user_modules_set(struct db *db, const char *account_id, const char *user_id, const char *const *names,
			   size_t n, int64_t now)
{
	char have[8][STORE_MODULE_NAME_MAX];
	int nh = 0;
	int rc = store_user_modules(db, account_id, user_id, have, 8, &nh);
	for (int i = 0; !rc && i < nh; i++) {
		int kept = 0;
		for (size_t j = 0; j < n && !kept; j++)
			kept = !strcmp(have[i], names[j]);
		if (!kept &&
		    (rc = db_exec(db, "DELETE FROM user_modules WHERE account_id = ? AND user_id = ? AND module = ?",
				  "sss", account_id, user_id, have[i])) > 0)
			rc = 0;
	}
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = db_exec(db,
			     "INSERT INTO user_modules (account_id, user_id, module, granted_at) VALUES (?, ?, ?, ?)"
			     " ON CONFLICT DO NOTHING",
			     "sssi", account_id, user_id, names[i], now);
	return rc < 0 ? rc : 0;
}
