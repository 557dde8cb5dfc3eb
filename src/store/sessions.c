/* Sessions and one-time tokens. */
#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_session_insert(struct db *db, const struct session_row *s)
{
	int rc = db_exec(db,
			 "INSERT INTO sessions (account_id, token_hash, user_id, csrf_token, created_at,"
			 " expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			 "ssssiii", s->account_id, s->token_hash, s->user_id, s->csrf, s->created_at, s->expires_at,
			 s->last_seen_at);
	return rc < 0 ? rc : 0;
}

int store_session_get(struct db *db, const char *token_hash, struct session_row *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT account_id, token_hash, user_id, csrf_token, created_at, expires_at,"
			  " last_seen_at FROM sessions WHERE token_hash = ?",
			  "s", token_hash);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		snprintf(out->account_id, sizeof out->account_id, "%s", db_text(r, 0));
		snprintf(out->token_hash, sizeof out->token_hash, "%s", db_text(r, 1));
		snprintf(out->user_id, sizeof out->user_id, "%s", db_text(r, 2));
		snprintf(out->csrf, sizeof out->csrf, "%s", db_text(r, 3));
		out->created_at = db_int(r, 4);
		out->expires_at = db_int(r, 5);
		out->last_seen_at = db_int(r, 6);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_session_touch(struct db *db, const char *token_hash, int64_t now, int64_t expires_at)
{
	int rc = db_exec(db, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?", "iis", now,
			 expires_at, token_hash);
	return rc < 0 ? rc : 0;
}

int store_session_delete(struct db *db, const char *token_hash)
{
	int rc = db_exec(db, "DELETE FROM sessions WHERE token_hash = ?", "s", token_hash);
	return rc < 0 ? rc : 0;
}

int store_session_delete_user(struct db *db, const char *account_id, const char *user_id, const char *keep_hash)
{
	int rc = db_exec(db, "DELETE FROM sessions WHERE account_id = ? AND user_id = ? AND token_hash <> ?", "sss",
			 account_id, user_id, keep_hash ? keep_hash : "");
	return rc < 0 ? rc : 0;
}

int store_ott_insert(struct db *db, const struct one_time_token *t)
{
	int rc = db_exec(db,
			 "INSERT INTO one_time_tokens (account_id, token_hash, user_id, purpose, expires_at,"
			 " created_at) VALUES (?, ?, ?, ?, ?, ?)",
			 "ssssii", t->account_id, t->token_hash, t->user_id, t->purpose, t->expires_at, t->created_at);
	return rc < 0 ? rc : 0;
}

/* the token of r's one row (account_id, user_id, expires_at, created_at), or
 * E_NOTFOUND; frees r */
static int ott_row(struct db_rows *r, const char *token_hash, const char *purpose, int64_t used_at,
		   struct one_time_token *out)
{
	int rc = db_next(r);
	if (rc == 1) {
		snprintf(out->account_id, sizeof out->account_id, "%s", db_text(r, 0));
		snprintf(out->token_hash, sizeof out->token_hash, "%s", token_hash);
		snprintf(out->user_id, sizeof out->user_id, "%s", db_text(r, 1));
		snprintf(out->purpose, sizeof out->purpose, "%s", purpose);
		out->expires_at = db_int(r, 2);
		out->created_at = db_int(r, 3);
		out->used_at = used_at;
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_ott_consume(struct db *db, const char *token_hash, const char *purpose, int64_t now,
		      struct one_time_token *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "UPDATE one_time_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ?"
			  " AND used_at IS NULL AND expires_at > ?"
			  " RETURNING account_id, user_id, expires_at, created_at",
			  "issi", now, token_hash, purpose, now);
	if (rc)
		return rc;
	return ott_row(r, token_hash, purpose, now, out);
}

int store_ott_peek(struct db *db, const char *token_hash, const char *purpose, int64_t now, struct one_time_token *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT account_id, user_id, expires_at, created_at FROM one_time_tokens"
			  " WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
			  "ssi", token_hash, purpose, now);
	if (rc)
		return rc;
	return ott_row(r, token_hash, purpose, 0, out);
}

int store_ott_revoke_user(struct db *db, const char *account_id, const char *user_id, const char *purpose, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE one_time_tokens SET used_at = ? WHERE account_id = ? AND user_id = ?"
			 " AND purpose = ? AND used_at IS NULL",
			 "isss", now, account_id, user_id, purpose);
	return rc < 0 ? rc : 0;
}

int store_ott_forget_unused(struct db *db, const char *account_id, const char *user_id, const char *purpose)
{
	int rc = db_exec(db,
			 "DELETE FROM one_time_tokens WHERE account_id = ? AND user_id = ? AND purpose = ?"
			 " AND used_at IS NULL",
			 "sss", account_id, user_id, purpose);
	return rc < 0 ? rc : 0;
}

int store_ott_last_created(struct db *db, const char *account_id, const char *user_id, const char *purpose,
			   int64_t *out)
{
	int rc = db_query_int(db, out,
			      "SELECT MAX(created_at) FROM one_time_tokens WHERE account_id = ? AND user_id = ?"
			      " AND purpose = ? HAVING COUNT(*) > 0",
			      "sss", account_id, user_id, purpose);
	return rc;
}
