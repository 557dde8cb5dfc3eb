/* Companies table. */
#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

static void row_company(struct db_rows *r, struct company *c)
{
	snprintf(c->account_id, sizeof c->account_id, "%s", db_text(r, 0));
	snprintf(c->id, sizeof c->id, "%s", db_text(r, 1));
	snprintf(c->name, sizeof c->name, "%s", db_text(r, 2));
	c->is_default = (int)db_int(r, 3);
	c->created_at = db_int(r, 4);
}

int store_company_insert(struct db *db, const struct company *c)
{
	int rc = db_exec(db,
			 "INSERT INTO companies (account_id, id, name, is_default, created_at) VALUES (?, ?, ?, ?, ?)",
			 "sssdi", c->account_id, c->id, c->name, c->is_default, c->created_at);
	return rc < 0 ? rc : 0;
}

int store_company_get(struct db *db, const char *account_id, const char *id, struct company *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT account_id, id, name, is_default, created_at FROM companies"
			  " WHERE account_id = ? AND id = ?",
			  "ss", account_id, id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		row_company(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_company_rename(struct db *db, const char *account_id, const char *id, const char *name)
{
	int rc = db_exec(db, "UPDATE companies SET name = ? WHERE account_id = ? AND id = ?", "sss", name, account_id,
			 id);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_company_delete(struct db *db, const char *account_id, const char *id)
{
	/* a company's setting overrides go with it */
	int rc = store_setting_delete_company(db, account_id, id);
	if (rc)
		return rc;
	rc = db_exec(db, "DELETE FROM companies WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_company_list(struct db *db, const char *account_id, const char *after_name, const char *member_of,
		       struct company *out, int max, int *n)
{
	struct db_rows *r;
	const char *member = member_of ? member_of : "";
	int rc = db_query(db, &r,
			  "SELECT account_id, id, name, is_default, created_at FROM companies co"
			  " WHERE account_id = ? AND lower(name) > lower(?)"
			  " AND (? = '' OR EXISTS (SELECT 1 FROM user_companies m WHERE m.account_id = co.account_id"
			  "      AND m.user_id = ? AND m.company_id = co.id))"
			  " ORDER BY lower(name) LIMIT ?",
			  "ssssd", account_id, after_name ? after_name : "", member, member, max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_company(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_company_usage(struct db *db, const char *account_id, const char *id, int64_t *users, int64_t *devices)
{
	int rc = db_query_int(db, users, "SELECT COUNT(*) FROM user_companies WHERE account_id = ? AND company_id = ?",
			      "ss", account_id, id);
	return rc ? rc : store_device_count_company(db, account_id, id, devices);
}
