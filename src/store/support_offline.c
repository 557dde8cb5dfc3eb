/* SQL of offline requests' turns and links and of transcript mails (see
 * store/support_offline.h). Each change is one conditional UPDATE whose row
 * count decides a race (two tabs exchanging the same link: one wins). */
#include "store/support_offline.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"

static int one_row(int rc)
{
	return rc < 0 ? rc : rc == 1 ? 0 : E_CONFLICT;
}

int store_support_offline_turn(struct db *db, const char *account_id, const char *id, const char *awaiting, int64_t now)
{
	return one_row(db_exec(db,
			       "UPDATE support_sessions SET awaiting = ?, updated_at = ?"
			       " WHERE account_id = ? AND id = ? AND state = 'offline'",
			       "siss", awaiting, now, account_id, id));
}

int store_support_offline_answered(struct db *db, const char *account_id, const char *id, const char *link_hash,
				   int64_t expires_at, int64_t now)
{
	return one_row(
		db_exec(db,
			"UPDATE support_sessions SET awaiting = 'customer', link_hash = ?, link_expires_at = ?,"
			" link_used_at = NULL, updated_at = ? WHERE account_id = ? AND id = ? AND state = 'offline'",
			"siiss", link_hash, expires_at, now, account_id, id));
}

int store_support_link_find(struct db *db, const char *account_id, const char *link_hash, struct support_link *out)
{
	struct db_rows *r;
	memset(out, 0, sizeof *out);
	int rc = db_query(db, &r,
			  "SELECT id, portal_id, link_expires_at, COALESCE(link_used_at, 0) FROM support_sessions"
			  " WHERE account_id = ? AND link_hash = ?",
			  "ss", account_id, link_hash);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		snprintf(out->id, sizeof out->id, "%s", db_text(r, 0) ? db_text(r, 0) : "");
		snprintf(out->portal_id, sizeof out->portal_id, "%s", db_text(r, 1) ? db_text(r, 1) : "");
		out->expires_at = db_int(r, 2);
		out->used_at = db_int(r, 3);
	}
	db_rows_free(r);
	return rc < 0 ? rc : rc == 1 ? 0 : E_NOTFOUND;
}

int store_support_link_use(struct db *db, const char *account_id, const char *id, const char *link_hash,
			   const char *token_hash, int64_t now)
{
	return one_row(db_exec(db,
			       "UPDATE support_sessions SET link_used_at = ?, token_hash = ?, updated_at = ?"
			       " WHERE account_id = ? AND id = ? AND link_hash = ? AND link_used_at IS NULL",
			       "isisss", now, token_hash, now, account_id, id, link_hash));
}

int store_support_transcript_mark(struct db *db, const char *account_id, const char *id, int64_t since, int64_t now,
				  int64_t *last)
{
	*last = 0;
	int rc = db_exec(db,
			 "UPDATE support_sessions SET transcript_sent_at = ? WHERE account_id = ? AND id = ?"
			 " AND (transcript_sent_at IS NULL OR transcript_sent_at <= ?)",
			 "issi", now, account_id, id, since);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return 0;
	rc = db_query_int(
		db, last,
		"SELECT COALESCE(transcript_sent_at, 0) FROM support_sessions WHERE account_id = ? AND id = ?", "ss",
		account_id, id);
	return rc ? rc : E_BUSY;
}
