/* devices and device_companies tables. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define DEVICE_COLS "account_id, id, name, kind, serial, notes, created_at, updated_at"

static void row_device(struct db_rows *r, struct device *d)
{
	snprintf(d->account_id, sizeof d->account_id, "%s", db_text(r, 0));
	snprintf(d->id, sizeof d->id, "%s", db_text(r, 1));
	snprintf(d->name, sizeof d->name, "%s", db_text(r, 2));
	snprintf(d->kind, sizeof d->kind, "%s", db_text(r, 3));
	snprintf(d->serial, sizeof d->serial, "%s", db_text(r, 4));
	snprintf(d->notes, sizeof d->notes, "%s", db_text(r, 5));
	d->created_at = db_int(r, 6);
	d->updated_at = db_int(r, 7);
}

int store_device_insert(struct db *db, const struct device *d)
{
	int rc = db_exec(db, "INSERT INTO devices (" DEVICE_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ssssssii",
			 d->account_id, d->id, d->name, d->kind, d->serial, d->notes, d->created_at, d->updated_at);
	return rc < 0 ? rc : 0;
}

int store_device_get(struct db *db, const char *account_id, const char *id, struct device *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " DEVICE_COLS " FROM devices WHERE account_id = ? AND id = ?", "ss",
			  account_id, id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		row_device(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_device_update(struct db *db, const struct device *d)
{
	int rc = db_exec(db,
			 "UPDATE devices SET name = ?, kind = ?, serial = ?, notes = ?, updated_at = ?"
			 " WHERE account_id = ? AND id = ?",
			 "ssssiss", d->name, d->kind, d->serial, d->notes, d->updated_at, d->account_id, d->id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_device_delete(struct db *db, const char *account_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM devices WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

/* the rows of a page: the same for the list and for the companies of its devices */
#define DEVICE_PAGE                                                                                         \
	" FROM devices d WHERE account_id = ?"                                                              \
	" AND (? = '' OR lower(name) LIKE lower(?) ESCAPE '\\' OR lower(serial) LIKE lower(?) ESCAPE '\\')" \
	" AND (? = '' OR EXISTS (SELECT 1 FROM device_companies c WHERE c.account_id = d.account_id"        \
	"      AND c.device_id = d.id AND c.company_id = ?))"                                               \
	" AND (? = '' OR EXISTS (SELECT 1 FROM device_companies c JOIN user_companies m"                    \
	"      ON m.account_id = c.account_id AND m.company_id = c.company_id"                              \
	"      WHERE c.account_id = d.account_id AND c.device_id = d.id AND m.user_id = ?))"                \
	" AND id > ? ORDER BY id LIMIT ?"

int store_device_list(struct db *db, const char *account_id, const struct device_filter *f, struct device *out, int max,
		      int *n)
{
	char like[600];
	db_like_pattern(f->q, 1, like, sizeof like);
	const char *company = f->company_id ? f->company_id : "";
	struct db_rows *r;
	const char *member = f->member_of ? f->member_of : "";
	int rc =
		db_query(db, &r, "SELECT " DEVICE_COLS DEVICE_PAGE, "sssssssssd", account_id, like, like, like, company,
			 company, member, member, f->after_id ? f->after_id : "", f->limit > 0 ? f->limit : max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_device(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_device_list_companies(struct db *db, const char *account_id, const struct device_filter *f,
				void (*each)(void *ctx, const char *device_id, const char *company_id), void *ctx)
{
	char like[600];
	db_like_pattern(f->q, 1, like, sizeof like);
	const char *company = f->company_id ? f->company_id : "";
	const char *member = f->member_of ? f->member_of : "";
	struct db_rows *r;
	/* the page again as a subquery: a bounded set of ids, each looked up by
	 * the primary key of device_companies, in one round trip */
	int rc = db_query(db, &r,
			  "SELECT dc.device_id, dc.company_id FROM device_companies dc"
			  " WHERE dc.account_id = ? AND dc.device_id IN (SELECT id" DEVICE_PAGE ")"
			  " ORDER BY dc.device_id, dc.company_id",
			  "ssssssssssd", account_id, account_id, like, like, like, company, company, member, member,
			  f->after_id ? f->after_id : "", f->limit > 0 ? f->limit : 1);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1)
		each(ctx, db_text(r, 0), db_text(r, 1));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_device_count_company(struct db *db, const char *account_id, const char *company_id, int64_t *out)
{
	return db_query_int(db, out, "SELECT COUNT(*) FROM device_companies WHERE account_id = ? AND company_id = ?",
			    "ss", account_id, company_id);
}
