/* Users table and user_companies. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define USER_COLS                                                                               \
	"account_id, id, email, display_name, role, COALESCE(password_hash, ''), status, "      \
	"must_change_password, allow_password_reset, force_email_validation, email_validated, " \
	"created_at, updated_at, COALESCE(language, ''), COALESCE(time_zone, '')"

static void row_user(struct db_rows *r, struct user *u)
{
	snprintf(u->account_id, sizeof u->account_id, "%s", db_text(r, 0));
	snprintf(u->id, sizeof u->id, "%s", db_text(r, 1));
	snprintf(u->email, sizeof u->email, "%s", db_text(r, 2));
	snprintf(u->display_name, sizeof u->display_name, "%s", db_text(r, 3));
	snprintf(u->role, sizeof u->role, "%s", db_text(r, 4));
	snprintf(u->password_hash, sizeof u->password_hash, "%s", db_text(r, 5));
	snprintf(u->status, sizeof u->status, "%s", db_text(r, 6));
	u->must_change_password = (int)db_int(r, 7);
	u->allow_password_reset = (int)db_int(r, 8);
	u->force_email_validation = (int)db_int(r, 9);
	u->email_validated = (int)db_int(r, 10);
	u->created_at = db_int(r, 11);
	u->updated_at = db_int(r, 12);
	snprintf(u->language, sizeof u->language, "%s", db_text(r, 13));
	snprintf(u->time_zone, sizeof u->time_zone, "%s", db_text(r, 14));
}

static int one(struct db_rows *r, struct user *out)
{
	int rc = db_next(r);
	if (rc == 1) {
		row_user(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_user_insert(struct db *db, const struct user *u)
{
	int rc = db_exec(db,
			 "INSERT INTO users (account_id, id, email, display_name, role, password_hash, status,"
			 " must_change_password, allow_password_reset, force_email_validation, email_validated,"
			 " created_at, updated_at, language, time_zone)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 "sssssssddddiiss", u->account_id, u->id, u->email, u->display_name, u->role,
			 u->password_hash[0] ? u->password_hash : NULL, u->status[0] ? u->status : "active",
			 u->must_change_password, u->allow_password_reset, u->force_email_validation,
			 u->email_validated, u->created_at, u->updated_at, u->language[0] ? u->language : NULL,
			 u->time_zone[0] ? u->time_zone : NULL);
	return rc < 0 ? rc : 0;
}

int store_user_get(struct db *db, const char *account_id, const char *id, struct user *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " USER_COLS " FROM users WHERE account_id = ? AND id = ?", "ss", account_id,
			  id);
	return rc ? rc : one(r, out);
}

int store_users_by_email(struct db *db, const char *email, struct user *out, int max, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT " USER_COLS " FROM users WHERE email = ?"
			  " ORDER BY CASE WHEN password_hash IS NULL THEN 1 ELSE 0 END, account_id, id LIMIT ?",
			  "sd", email, max);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_user(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_user_by_account_email(struct db *db, const char *account_id, const char *email, struct user *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " USER_COLS " FROM users WHERE account_id = ? AND email = ?"
			  " ORDER BY CASE WHEN password_hash IS NULL THEN 1 ELSE 0 END LIMIT 1",
			  "ss", account_id, email);
	return rc ? rc : one(r, out);
}

int store_user_rehash(struct db *db, const char *account_id, const char *id, const char *old, const char *hash)
{
	int rc = db_exec(db, "UPDATE users SET password_hash = ? WHERE account_id = ? AND id = ? AND password_hash = ?",
			 "ssss", hash, account_id, id, old);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_user_update(struct db *db, const struct user *u)
{
	int rc = db_exec(db,
			 "UPDATE users SET email = ?, display_name = ?, role = ?, password_hash = ?, status = ?,"
			 " must_change_password = ?, allow_password_reset = ?, force_email_validation = ?,"
			 " email_validated = ?, updated_at = ?,"
			 " language = ?, time_zone = ? WHERE account_id = ? AND id = ?",
			 "sssssddddissss", u->email, u->display_name, u->role,
			 u->password_hash[0] ? u->password_hash : NULL, u->status, u->must_change_password,
			 u->allow_password_reset, u->force_email_validation, u->email_validated, u->updated_at,
			 u->language[0] ? u->language : NULL, u->time_zone[0] ? u->time_zone : NULL, u->account_id,
			 u->id);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_user_delete(struct db *db, const char *account_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM users WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_user_list(struct db *db, const char *account_id, const struct user_filter *f, struct user *out, int max,
		    int *n)
{
	char like[600];
	db_like_pattern(f->q, 1, like, sizeof like);
	struct db_rows *r;
	int rc = db_query(
		db, &r,
		"SELECT " USER_COLS " FROM users u WHERE account_id = ?"
		" AND (? = '' OR lower(email) LIKE lower(?) ESCAPE '\\' OR lower(display_name) LIKE lower(?) ESCAPE '\\')"
		" AND (? = '' OR role = ?)"
		" AND (? = '' OR EXISTS (SELECT 1 FROM user_companies c WHERE c.account_id = u.account_id"
		"      AND c.user_id = u.id AND c.company_id = ?))"
		" AND (? = '' OR EXISTS (SELECT 1 FROM user_companies c JOIN user_companies m"
		"      ON m.account_id = c.account_id AND m.company_id = c.company_id"
		"      WHERE c.account_id = u.account_id AND c.user_id = u.id AND m.user_id = ?))"
		" AND email > ?"
		" ORDER BY email LIMIT ?",
		"sssssssssssd", account_id, like, like, like, f->role ? f->role : "", f->role ? f->role : "",
		f->company_id ? f->company_id : "", f->company_id ? f->company_id : "",
		f->member_of ? f->member_of : "", f->member_of ? f->member_of : "",
		f->after_email ? f->after_email : "", f->limit > 0 ? f->limit : max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_user(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_user_count_role(struct db *db, const char *account_id, const char *role, int64_t *out)
{
	return db_query_int(db, out,
			    "SELECT COUNT(*) FROM users WHERE account_id = ? AND role = ? AND status = 'active'", "ss",
			    account_id, role);
}
