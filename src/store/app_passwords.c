/* The app_passwords table. The lookup by secret hash runs on Basic requests
 * that miss the verified-credentials cache; the lookup by id on every hit. */
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define AP_COLS                                                                               \
	"account_id, id, user_id, label, secret_hash, created_at, COALESCE(last_used_at, 0)," \
	" COALESCE(last_user_agent, '')"

static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
}
#define COPY(dst, rows, col) copy_text(dst, sizeof(dst), db_text(rows, col))

static void row_ap(struct db_rows *r, struct app_password *p)
{
	COPY(p->account_id, r, 0);
	COPY(p->id, r, 1);
	COPY(p->user_id, r, 2);
	COPY(p->label, r, 3);
	COPY(p->secret_hash, r, 4);
	p->created_at = db_int(r, 5);
	p->last_used_at = db_int(r, 6);
	COPY(p->last_user_agent, r, 7);
}

static int one(struct db_rows *r, struct app_password *out)
{
	int rc = db_next(r);
	if (rc == 1) {
		row_ap(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_app_password_insert(struct db *db, const struct app_password *p)
{
	int rc = db_exec(db,
			 "INSERT INTO app_passwords (account_id, id, user_id, label, secret_hash, created_at)"
			 " VALUES (?, ?, ?, ?, ?, ?)",
			 "sssssi", p->account_id, p->id, p->user_id, p->label, p->secret_hash, p->created_at);
	return rc < 0 ? rc : 0;
}

int store_app_password_list(struct db *db, const char *account_id, const char *user_id, struct app_password *out,
			    int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " AP_COLS " FROM app_passwords WHERE account_id = ? AND user_id = ?"
			  " ORDER BY created_at DESC, id LIMIT ?",
			  "ssd", account_id, user_id, max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_ap(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_app_password_count(struct db *db, const char *account_id, const char *user_id, int64_t *out)
{
	return db_query_int(db, out, "SELECT COUNT(*) FROM app_passwords WHERE account_id = ? AND user_id = ?", "ss",
			    account_id, user_id);
}

int store_app_password_get(struct db *db, const char *account_id, const char *user_id, const char *id,
			   struct app_password *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " AP_COLS " FROM app_passwords WHERE account_id = ? AND id = ? AND user_id = ?",
			  "sss", account_id, id, user_id);
	return rc ? rc : one(r, out);
}

int store_app_password_find(struct db *db, const char *account_id, const char *user_id, const char *secret_hash,
			    struct app_password *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " AP_COLS " FROM app_passwords"
			  " WHERE account_id = ? AND user_id = ? AND secret_hash = ?",
			  "sss", account_id, user_id, secret_hash);
	return rc ? rc : one(r, out);
}

int store_app_password_delete(struct db *db, const char *account_id, const char *user_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM app_passwords WHERE account_id = ? AND id = ? AND user_id = ?", "sss",
			 account_id, id, user_id);
	if (rc == 0)
		return E_NOTFOUND;
	return rc < 0 ? rc : 0;
}

int store_app_password_delete_user(struct db *db, const char *account_id, const char *user_id, int64_t *n)
{
	int rc = db_exec(db, "DELETE FROM app_passwords WHERE account_id = ? AND user_id = ?", "ss", account_id,
			 user_id);
	if (rc < 0)
		return rc;
	if (n)
		*n = rc;
	return 0;
}

int store_app_password_touch(struct db *db, const char *account_id, const char *id, int64_t now, const char *user_agent)
{
	int rc = db_exec(db,
			 "UPDATE app_passwords SET last_used_at = ?, last_user_agent = ?"
			 " WHERE account_id = ? AND id = ?",
			 "isss", now, user_agent, account_id, id);
	return rc < 0 ? rc : 0;
}
