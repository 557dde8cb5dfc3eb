/* Accounts table. */
#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_account_insert(struct db *db, const struct account *a)
{
	int rc = db_exec(db, "INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)", "ssi", a->id, a->name,
			 a->created_at);
	return rc < 0 ? rc : 0;
}

int store_account_get(struct db *db, const char *id, struct account *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT id, name, created_at FROM accounts WHERE id = ?", "s", id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		snprintf(out->id, sizeof out->id, "%s", db_text(r, 0));
		snprintf(out->name, sizeof out->name, "%s", db_text(r, 1));
		out->created_at = db_int(r, 2);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_account_count(struct db *db, int64_t *out)
{
	return db_query_int(db, out, "SELECT COUNT(*) FROM accounts", "");
}
