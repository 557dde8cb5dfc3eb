/* The apps and app_tokens tables. The bearer lookup is a single query
 * (token -> application -> owner), since it runs on every API request made
 * with a token. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

/* token counts only unexpired tokens, so the count is what still works */
#define APP_COLS                                                                                     \
	"a.account_id, a.id, a.owner_id, COALESCE(u.email, ''), a.name, a.description, a.client_id," \
	" COALESCE(a.secret_hash, ''), a.created_at, COALESCE(a.revoked_at, 0),"                     \
	" COALESCE(a.last_used_at, 0),"                                                              \
	" (SELECT COUNT(*) FROM app_tokens t WHERE t.account_id = a.account_id AND t.app_id = a.id"  \
	"  AND t.expires_at > ?)"
#define APP_FROM " FROM apps a LEFT JOIN users u ON u.account_id = a.account_id AND u.id = a.owner_id"

/* a column into a fixed buffer, cut to fit; snprintf("%s") cost more than the
 * query itself on the bearer path, which copies a dozen columns per request */
#define COPY(dst, rows, col) copy_text(dst, sizeof(dst), db_text(rows, col))
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
}

static void row_app(struct db_rows *r, struct app *a)
{
	COPY(a->account_id, r, 0);
	COPY(a->id, r, 1);
	COPY(a->owner_id, r, 2);
	COPY(a->owner_email, r, 3);
	COPY(a->name, r, 4);
	COPY(a->description, r, 5);
	COPY(a->client_id, r, 6);
	COPY(a->secret_hash, r, 7);
	a->created_at = db_int(r, 8);
	a->revoked_at = db_int(r, 9);
	a->last_used_at = db_int(r, 10);
	a->token_count = db_int(r, 11);
}

static int one(struct db_rows *r, struct app *out)
{
	int rc = db_next(r);
	if (rc == 1) {
		row_app(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_app_insert(struct db *db, const struct app *a)
{
	int rc = db_exec(db,
			 "INSERT INTO apps (account_id, id, owner_id, name, description, client_id,"
			 " secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			 "sssssssi", a->account_id, a->id, a->owner_id, a->name, a->description, a->client_id,
			 a->secret_hash, a->created_at);
	return rc < 0 ? rc : 0;
}

int store_app_get(struct db *db, const char *account_id, const char *id, int64_t now, struct app *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " APP_COLS APP_FROM " WHERE a.account_id = ? AND a.id = ?", "iss", now,
			  account_id, id);
	return rc ? rc : one(r, out);
}

int store_app_by_client(struct db *db, const char *client_id, struct app *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " APP_COLS APP_FROM " WHERE a.client_id = ?", "is", (int64_t)0, client_id);
	return rc ? rc : one(r, out);
}

int store_app_list(struct db *db, const char *account_id, const struct app_filter *f, int64_t now, struct app *out,
		   int max, int *n)
{
	const char *owner = f->owner_id ? f->owner_id : "";
	const char *after = f->after_id ? f->after_id : "";
	const char *member = f->member_of ? f->member_of : "";
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " APP_COLS APP_FROM " WHERE a.account_id = ?"
			  " AND (? = '' OR a.owner_id = ?)"
			  " AND (? = '' OR a.owner_id = ? OR EXISTS (SELECT 1 FROM user_companies c"
			  "      JOIN user_companies m ON m.account_id = c.account_id AND m.company_id = c.company_id"
			  "      WHERE c.account_id = a.account_id AND c.user_id = a.owner_id AND m.user_id = ?))"
			  " AND (? = '' OR a.created_at > ? OR (a.created_at = ? AND a.id > ?))"
			  " ORDER BY a.created_at, a.id LIMIT ?",
			  "isssssssiisd", now, account_id, owner, owner, member, member, member, after,
			  f->after_created_at, f->after_created_at, after,
			  f->limit > 0 && f->limit < max ? f->limit : max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_app(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_app_revoke(struct db *db, const char *account_id, const char *id, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE apps SET secret_hash = NULL, revoked_at = COALESCE(revoked_at, ?)"
			 " WHERE account_id = ? AND id = ?",
			 "iss", now, account_id, id);
	if (rc == 0)
		return E_NOTFOUND;
	if (rc > 0)
		rc = db_exec(db, "DELETE FROM app_tokens WHERE account_id = ? AND app_id = ?", "ss", account_id, id);
	return rc < 0 ? rc : 0;
}

int store_app_touch(struct db *db, const char *account_id, const char *id, int64_t now)
{
	int rc = db_exec(db, "UPDATE apps SET last_used_at = ? WHERE account_id = ? AND id = ?", "iss", now, account_id,
			 id);
	return rc < 0 ? rc : 0;
}

int store_app_token_insert(struct db *db, const struct app_token *t)
{
	int rc = db_exec(db,
			 "INSERT INTO app_tokens (account_id, token_hash, app_id, user_id, created_at,"
			 " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
			 "ssssii", t->account_id, t->token_hash, t->app_id, t->user_id, t->created_at, t->expires_at);
	return rc < 0 ? rc : 0;
}

int store_app_tokens_purge(struct db *db, const char *account_id, const char *app_id, int64_t now)
{
	int rc = db_exec(db, "DELETE FROM app_tokens WHERE account_id = ? AND app_id = ? AND expires_at <= ?", "ssi",
			 account_id, app_id, now);
	return rc < 0 ? rc : 0;
}

int store_app_token_auth(struct db *db, const char *token_hash, struct app_token_auth *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT t.app_id, t.expires_at, COALESCE(a.revoked_at, 0),"
			  " COALESCE(a.last_used_at, 0), u.account_id, u.id, u.email, u.display_name,"
			  " u.role, u.status, u.must_change_password, u.force_email_validation,"
			  " u.email_validated"
			  " FROM app_tokens t"
			  " JOIN apps a ON a.account_id = t.account_id AND a.id = t.app_id"
			  " JOIN users u ON u.account_id = a.account_id AND u.id = a.owner_id"
			  " WHERE t.token_hash = ?",
			  "s", token_hash);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		memset(out, 0, sizeof *out);
		COPY(out->app_id, r, 0);
		out->expires_at = db_int(r, 1);
		out->revoked_at = db_int(r, 2);
		out->last_used_at = db_int(r, 3);
		struct user *u = &out->owner;
		COPY(u->account_id, r, 4);
		COPY(u->id, r, 5);
		COPY(u->email, r, 6);
		COPY(u->display_name, r, 7);
		COPY(u->role, r, 8);
		COPY(u->status, r, 9);
		u->must_change_password = (int)db_int(r, 10);
		u->force_email_validation = (int)db_int(r, 11);
		u->email_validated = (int)db_int(r, 12);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}
