/* SQL of the device a support session is about (see store/support_devices.h). */
#include "store/support_devices.h"

#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"

int store_support_session_device(struct db *db, const char *account_id, const char *session_id, char out[ID_MAX])
{
	struct db_rows *r;
	out[0] = 0;
	int rc =
		db_query(db, &r, "SELECT COALESCE(device_id, '') FROM support_sessions WHERE account_id = ? AND id = ?",
			 "ss", account_id, session_id);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		const char *t = db_text(r, 0);
		snprintf(out, ID_MAX, "%s", t ? t : "");
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_support_session_link_device(struct db *db, const char *account_id, const char *session_id,
				      const char *device_id, int64_t now)
{
	int rc =
		db_exec(db, "UPDATE support_sessions SET device_id = ?, updated_at = ? WHERE account_id = ? AND id = ?",
			"siss", device_id, now, account_id, session_id);
	return rc < 0 ? rc : rc == 0 ? E_NOTFOUND : 0;
}

int store_support_device_of_company(struct db *db, const char *account_id, const char *device_id,
				    const char *company_id, int *yes)
{
	int64_t n = 0;
	int rc = db_query_int(
		db, &n,
		"SELECT COUNT(*) FROM device_companies dc JOIN devices d ON d.account_id = dc.account_id"
		" AND d.id = dc.device_id WHERE dc.account_id = ? AND dc.device_id = ? AND dc.company_id = ?",
		"sss", account_id, device_id, company_id);
	*yes = n > 0;
	return rc;
}
