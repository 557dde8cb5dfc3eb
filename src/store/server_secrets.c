/* The server_secrets table (store/server_secrets.h): insert-if-absent then
 * read back, so that concurrent first starts agree on one value. */
#include "store/server_secrets.h"

#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_server_secret(struct db *db, const char *name, const char *fresh, int64_t now, char *out, size_t n)
{
	struct db_rows *r = NULL;
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	rc = db_exec(db,
		     "INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)"
		     " ON CONFLICT (name) DO NOTHING",
		     "ssi", name, fresh, now);
	if (rc < 0)
		goto out;
	if ((rc = db_query(db, &r, "SELECT value FROM server_secrets WHERE name = ?", "s", name)))
		goto out;
	rc = db_next(r);
	if (rc == 1) {
		const char *v = db_text(r, 0);
		rc = v && snprintf(out, n, "%s", v) < (int)n ? 0 : E_INVALID;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	if (rc)
		goto out;
	return store_commit(db);
out:
	store_rollback(db);
	return rc;
}
