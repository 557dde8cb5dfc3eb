/* settings table. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

static const char *level(const char *company_id)
{
	return company_id ? company_id : "";
}

int store_setting_get(struct db *db, const char *account_id, const char *company_id, const char *name, char *out,
		      size_t outlen)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT value FROM settings WHERE account_id = ? AND company_id = ? AND name = ?",
			  "sss", account_id, level(company_id), name);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		const char *v = db_text(r, 0);
		rc = strlen(v) < outlen ? 0 : E_TOOLARGE;
		if (!rc)
			memcpy(out, v, strlen(v) + 1);
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_setting_put(struct db *db, const char *account_id, const char *company_id, const char *name, const char *json,
		      const char *updated_by)
{
	int rc = db_exec(db,
			 "INSERT INTO settings (account_id, company_id, name, value, updated_at, updated_by)"
			 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, company_id, name)"
			 " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,"
			 " updated_by = excluded.updated_by",
			 "ssssis", account_id, level(company_id), name, json, clock_now(), updated_by);
	return rc < 0 ? rc : 0;
}

int store_setting_delete(struct db *db, const char *account_id, const char *company_id, const char *name)
{
	int rc = db_exec(db, "DELETE FROM settings WHERE account_id = ? AND company_id = ? AND name = ?", "sss",
			 account_id, level(company_id), name);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_setting_delete_company(struct db *db, const char *account_id, const char *company_id)
{
	int rc = db_exec(db, "DELETE FROM settings WHERE account_id = ? AND company_id = ?", "ss", account_id,
			 company_id);
	return rc < 0 ? rc : 0;
}
