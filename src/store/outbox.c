/* outbox table: insertion and depth; claiming and marking live with the worker's operations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_outbox_insert(struct db *db, struct outbox_msg *m)
{
	if (!m->id[0])
		ids_new("msg", m->id);
	int64_t now = clock_now();
	if (!m->created_at)
		m->created_at = now;
	if (!m->next_attempt_at)
		m->next_attempt_at = now;
	int rc = db_exec(db,
			 "INSERT INTO outbox (account_id, id, kind, recipient, subject, body, status,"
			 " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
			 "ssssssii", m->account_id, m->id, m->kind, m->recipient, m->subject, m->body,
			 m->next_attempt_at, m->created_at);
	return rc < 0 ? rc : 0;
}

int store_outbox_depth(struct db *db, int64_t *out)
{
	return db_query_int(db, out, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending','sending')", "");
}

int store_outbox_claim(struct db *db, int64_t now, int lease, struct outbox_claim *out)
{
	/* the outer conditions repeat the inner ones so that PostgreSQL re-checks them
	 * on a row another node changed meanwhile; SKIP LOCKED makes nodes pass each
	 * other's rows instead of waiting (SQLite has one writer and no FOR UPDATE) */
	const char *sql = db_kind(db) == DB_PG
				  ? "UPDATE outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1"
				    " WHERE (account_id, id) = (SELECT account_id, id FROM outbox"
				    "   WHERE (status = 'pending' AND next_attempt_at <= ?)"
				    "      OR (status = 'sending' AND lease_until < ?)"
				    "   ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
				    " AND (status = 'pending' OR (status = 'sending' AND lease_until < ?))"
				    " RETURNING account_id, id, kind, recipient, subject, body, attempts"
				  : "UPDATE outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1"
				    " WHERE (account_id, id) = (SELECT account_id, id FROM outbox"
				    "   WHERE (status = 'pending' AND next_attempt_at <= ?)"
				    "      OR (status = 'sending' AND lease_until < ?)"
				    "   ORDER BY next_attempt_at LIMIT 1)"
				    " AND (status = 'pending' OR (status = 'sending' AND lease_until < ?))"
				    " RETURNING account_id, id, kind, recipient, subject, body, attempts";
	struct db_rows *r;
	int rc = db_query(db, &r, sql, "iiii", now + lease, now, now, now);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		snprintf(out->account_id, sizeof out->account_id, "%s", db_text(r, 0));
		snprintf(out->id, sizeof out->id, "%s", db_text(r, 1));
		snprintf(out->kind, sizeof out->kind, "%s", db_text(r, 2));
		snprintf(out->recipient, sizeof out->recipient, "%s", db_text(r, 3));
		snprintf(out->subject, sizeof out->subject, "%s", db_text(r, 4));
		out->body = strdup(db_text(r, 5));
		out->attempts = (int)db_int(r, 6);
		rc = out->body ? 0 : E_NOMEM;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

void store_outbox_claim_free(struct outbox_claim *c)
{
	free(c->body);
	c->body = NULL;
}

int store_outbox_mark_sent(struct db *db, const char *account_id, const char *id, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL, lease_until = 0"
			 " WHERE account_id = ? AND id = ?",
			 "iss", now, account_id, id);
	return rc < 0 ? rc : 0;
}

int store_outbox_mark_retry(struct db *db, const char *account_id, const char *id, int64_t next_attempt_at,
			    const char *error)
{
	int rc = db_exec(db,
			 "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, lease_until = 0"
			 " WHERE account_id = ? AND id = ? AND status = 'sending'",
			 "isss", next_attempt_at, error, account_id, id);
	return rc < 0 ? rc : 0;
}

int store_outbox_mark_failed(struct db *db, const char *account_id, const char *id, const char *error)
{
	int rc = db_exec(db,
			 "UPDATE outbox SET status = 'failed', last_error = ?, lease_until = 0"
			 " WHERE account_id = ? AND id = ? AND status = 'sending'",
			 "sss", error, account_id, id);
	return rc < 0 ? rc : 0;
}

int store_outbox_stats(struct db *db, const char *account_id, struct outbox_stats *out)
{
	struct db_rows *r;
	memset(out, 0, sizeof *out);
	int rc = db_query(
		db, &r,
		"SELECT COUNT(*) FILTER (WHERE status IN ('pending','sending')),"
		" MIN(created_at) FILTER (WHERE status IN ('pending','sending')),"
		" COUNT(*) FILTER (WHERE status = 'failed'),"
		" COUNT(*) FILTER (WHERE status IN ('pending','sending') AND attempts > 0 AND last_error IS NOT NULL)"
		" FROM outbox WHERE account_id = ? AND status <> 'sent'",
		"s", account_id);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		out->queued = db_int(r, 0);
		out->oldest_queued_at = db_int(r, 1);
		out->failed = db_int(r, 2);
		out->retrying = db_int(r, 3);
		rc = 0;
	}
	db_rows_free(r);
	if (rc < 0)
		return rc;
	/* the error of the message tried last: a queued one being retried, else a failed one */
	rc = db_query(db, &r,
		      "SELECT last_error FROM outbox WHERE account_id = ? AND last_error IS NOT NULL"
		      " AND status IN ('pending','sending','failed')"
		      " ORDER BY CASE WHEN status = 'failed' THEN 1 ELSE 0 END, next_attempt_at DESC LIMIT 1",
		      "s", account_id);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		snprintf(out->last_error, sizeof out->last_error, "%s", db_text(r, 0) ? db_text(r, 0) : "");
		rc = 0;
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_outbox_status(struct db *db, const char *account_id, const char *id, char *status, size_t n,
			int64_t *attempts)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT status, attempts FROM outbox WHERE account_id = ? AND id = ?", "ss",
			  account_id, id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		snprintf(status, n, "%s", db_text(r, 0));
		*attempts = db_int(r, 1);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}
