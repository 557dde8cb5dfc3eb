/* dav_calendar_names table (migration 012). */
#include "store/dav_names.h"

#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"

static int one_text(struct db *db, char *out, size_t n, const char *sql, const char *a, const char *b, const char *c)
{
	struct db_rows *r;
	int rc = c ? db_query(db, &r, sql, "sss", a, b, c) : db_query(db, &r, sql, "ss", a, b);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		snprintf(out, n, "%s", db_text(r, 0));
	db_rows_free(r);
	return rc == 1 ? 0 : rc < 0 ? rc : E_NOTFOUND;
}

int store_dav_calendar_name(struct db *db, const char *account_id, const char *calendar_id, char *out, size_t n)
{
	return one_text(db, out, n, "SELECT name FROM dav_calendar_names WHERE account_id = ? AND calendar_id = ?",
			account_id, calendar_id, NULL);
}

int store_dav_calendar_named(struct db *db, const char *account_id, const char *owner_id, const char *name,
			     char out[ID_MAX])
{
	return one_text(db, out, ID_MAX,
			"SELECT calendar_id FROM dav_calendar_names WHERE account_id = ? AND owner_id = ?"
			" AND name = ?",
			account_id, owner_id, name);
}

int store_dav_calendar_name_insert(struct db *db, const char *account_id, const char *owner_id, const char *name,
				   const char *calendar_id)
{
	int rc = db_exec(db,
			 "INSERT INTO dav_calendar_names (account_id, owner_id, name, calendar_id) VALUES (?, ?, ?, ?)",
			 "ssss", account_id, owner_id, name, calendar_id);
	return rc < 0 ? rc : 0;
}
