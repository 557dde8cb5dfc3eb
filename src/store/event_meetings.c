/* conference_event_meetings (migration 031): the Zoom meeting of a schedule
 * event, one per event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_event_meeting_get(struct db *db, const char *account_id, const char *event_id, struct event_meeting *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT account_id, conference_id, event_id, connection_id, zoom_user_id, meeting_id,"
			  " join_url, passcode, created_here, created_at FROM conference_event_meetings"
			  " WHERE account_id = ? AND event_id = ?",
			  "ss", account_id, event_id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		memset(out, 0, sizeof *out);
		snprintf(out->account_id, sizeof out->account_id, "%s", db_text(r, 0));
		snprintf(out->conference_id, sizeof out->conference_id, "%s", db_text(r, 1));
		snprintf(out->event_id, sizeof out->event_id, "%s", db_text(r, 2));
		snprintf(out->connection_id, sizeof out->connection_id, "%s", db_text(r, 3));
		snprintf(out->zoom_user_id, sizeof out->zoom_user_id, "%s", db_text(r, 4));
		out->meeting_id = db_int(r, 5);
		snprintf(out->join_url, sizeof out->join_url, "%s", db_text(r, 6));
		snprintf(out->passcode, sizeof out->passcode, "%s", db_text(r, 7));
		out->created_here = (int)db_int(r, 8);
		out->created_at = db_int(r, 9);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_event_meeting_insert(struct db *db, const struct event_meeting *m)
{
	int rc = db_exec(db,
			 "INSERT INTO conference_event_meetings (account_id, conference_id, event_id, connection_id,"
			 " zoom_user_id, meeting_id, join_url, passcode, created_here, created_at)"
			 " VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, NULLIF(?, ''), ?, ?)",
			 "sssssissii", m->account_id, m->conference_id, m->event_id, m->connection_id, m->zoom_user_id,
			 m->meeting_id, m->join_url, m->passcode, (int64_t)m->created_here, m->created_at);
	return rc < 0 ? rc : 0;
}

int store_event_meeting_delete(struct db *db, const char *account_id, const char *event_id)
{
	int rc = db_exec(db, "DELETE FROM conference_event_meetings WHERE account_id = ? AND event_id = ?", "ss",
			 account_id, event_id);
	return rc < 0 ? rc : rc == 0 ? E_NOTFOUND : 0;
}

int store_event_meeting_uses(struct db *db, const char *zoom_user_id, int64_t meeting_id, int64_t *n)
{
	return db_query_int(db, n,
			    "SELECT COUNT(*) FROM conference_event_meetings WHERE zoom_user_id = ? AND meeting_id = ?",
			    "si", zoom_user_id, meeting_id);
}

int store_event_meeting_by_url(struct db *db, const char *account_id, const char *join_url, const char *not_event_id)
{
	int64_t n = 0;
	int rc = db_query_int(db, &n,
			      "SELECT COUNT(*) FROM conference_event_meetings WHERE account_id = ? AND join_url = ?"
			      " AND event_id <> ?",
			      "sss", account_id, join_url, not_event_id ? not_event_id : "");
	return rc ? rc : n ? 0 : E_NOTFOUND;
}

int store_zoom_job_put(struct db *db, const struct zoom_meeting_job *j, const char *status, const char *error,
		       int64_t now)
{
	/* a delete is never turned back into an update */
	int rc = db_exec(
		db,
		"INSERT INTO zoom_meeting_jobs (zoom_user_id, meeting_id, account_id, conference_id, event_id, action,"
		" body, status, attempts, next_at, lease_until, error, created_at, updated_at, join_url)"
		" VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, 0, ?, 0, ?, ?, ?, ?)"
		" ON CONFLICT (zoom_user_id, meeting_id) DO UPDATE SET"
		" action = CASE WHEN zoom_meeting_jobs.action = 'delete' THEN 'delete' ELSE excluded.action END,"
		" body = CASE WHEN zoom_meeting_jobs.action = 'delete' THEN NULL ELSE excluded.body END,"
		" status = CASE WHEN zoom_meeting_jobs.action = 'delete' THEN 'pending' ELSE excluded.status END,"
		" error = CASE WHEN zoom_meeting_jobs.action = 'delete' THEN NULL ELSE excluded.error END,"
		" conference_id = COALESCE(excluded.conference_id, zoom_meeting_jobs.conference_id),"
		" event_id = excluded.event_id, attempts = 0, next_at = excluded.next_at,"
		" updated_at = CASE WHEN zoom_meeting_jobs.updated_at >= excluded.updated_at"
		" THEN zoom_meeting_jobs.updated_at + 1 ELSE excluded.updated_at END,"
		" join_url = COALESCE(excluded.join_url, zoom_meeting_jobs.join_url)",
		"sissssssisiis", j->zoom_user_id, j->meeting_id, j->account_id, j->conference_id, j->event_id,
		j->action, j->body, status, now, error, now, now, j->join_url[0] ? j->join_url : NULL);
	return rc < 0 ? rc : 0;
}

int store_zoom_job_deleting(struct db *db, const char *account_id, const char *join_url)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT 1 FROM zoom_meeting_jobs WHERE account_id = ? AND join_url = ? AND action = 'delete'"
			  " LIMIT 1",
			  "ss", account_id, join_url);
	if (rc)
		return rc;
	rc = db_next(r);
	db_rows_free(r);
	return rc;
}

int store_zoom_jobs_conference_gone(struct db *db, const char *account_id, const char *conference_id, int64_t now)
{
	int rc = db_exec(
		db,
		"INSERT INTO zoom_meeting_jobs (zoom_user_id, meeting_id, account_id, conference_id, event_id, action,"
		" body, status, attempts, next_at, lease_until, error, created_at, updated_at, join_url)"
		" SELECT m.zoom_user_id, m.meeting_id, m.account_id, m.conference_id, m.event_id, 'delete', NULL,"
		" 'pending', 0, ?, 0, NULL, ?, ?, m.join_url FROM conference_event_meetings m"
		" WHERE m.account_id = ? AND m.conference_id = ? AND m.created_here = 1 AND NOT EXISTS (SELECT 1"
		" FROM conference_event_meetings o WHERE o.zoom_user_id = m.zoom_user_id AND o.meeting_id ="
		" m.meeting_id AND NOT (o.account_id = m.account_id AND o.conference_id = m.conference_id))"
		" ON CONFLICT (zoom_user_id, meeting_id) DO UPDATE SET action = 'delete', body = NULL,"
		" status = 'pending', error = NULL, conference_id = excluded.conference_id,"
		" event_id = excluded.event_id, join_url = excluded.join_url, attempts = 0, next_at = excluded.next_at,"
		" updated_at = CASE WHEN zoom_meeting_jobs.updated_at >= excluded.updated_at"
		" THEN zoom_meeting_jobs.updated_at + 1 ELSE excluded.updated_at END",
		"iiiss", now, now, now, account_id, conference_id);
	return rc < 0 ? rc : 0;
}

int store_zoom_job_claim(struct db *db, int64_t now, int64_t until, struct zoom_meeting_job *out)
{
	struct db_rows *r;
	memset(out, 0, sizeof *out);
	int rc = db_query(db, &r,
			  "SELECT zoom_user_id, meeting_id, account_id, event_id, action, body, attempts, updated_at,"
			  " COALESCE(conference_id, '')"
			  " FROM zoom_meeting_jobs WHERE status = 'pending' AND next_at <= ? AND lease_until <= ?"
			  " ORDER BY next_at LIMIT 1",
			  "ii", now, now);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		snprintf(out->zoom_user_id, sizeof out->zoom_user_id, "%s", db_text(r, 0));
		out->meeting_id = db_int(r, 1);
		snprintf(out->account_id, sizeof out->account_id, "%s", db_text(r, 2));
		snprintf(out->event_id, sizeof out->event_id, "%s", db_text(r, 3));
		snprintf(out->action, sizeof out->action, "%s", db_text(r, 4));
		const char *b = db_text(r, 5);
		out->body = b && *b ? strdup(b) : NULL;
		out->attempts = (int)db_int(r, 6);
		out->updated_at = db_int(r, 7);
		snprintf(out->conference_id, sizeof out->conference_id, "%s", db_text(r, 8));
	}
	db_rows_free(r);
	if (rc != 1)
		return rc;
	/* taken only if nobody took it meanwhile (another node) */
	int n = db_exec(db,
			"UPDATE zoom_meeting_jobs SET lease_until = ? WHERE zoom_user_id = ? AND meeting_id = ?"
			" AND lease_until <= ? AND status = 'pending'",
			"isii", until, out->zoom_user_id, out->meeting_id, now);
	if (n <= 0) {
		free(out->body);
		out->body = NULL;
		return n < 0 ? n : 0;
	}
	return 1;
}

int store_zoom_job_done(struct db *db, const struct zoom_meeting_job *j)
{
	int rc = db_exec(db,
			 "DELETE FROM zoom_meeting_jobs WHERE zoom_user_id = ? AND meeting_id = ? AND updated_at = ?",
			 "sii", j->zoom_user_id, j->meeting_id, j->updated_at);
	if (rc == 0) /* changed since: due again at once */
		rc = db_exec(db,
			     "UPDATE zoom_meeting_jobs SET lease_until = 0 WHERE zoom_user_id = ? AND meeting_id = ?",
			     "si", j->zoom_user_id, j->meeting_id);
	return rc < 0 ? rc : 0;
}

int store_zoom_job_retry(struct db *db, const struct zoom_meeting_job *j, int64_t next_at, int failed,
			 const char *error, int64_t now)
{
	/* changed while it was being sent: the new version was never tried */
	int rc = db_exec(db,
			 "UPDATE zoom_meeting_jobs SET lease_until = 0,"
			 " attempts = CASE WHEN updated_at = ? THEN attempts + 1 ELSE attempts END,"
			 " next_at = CASE WHEN updated_at = ? THEN ? ELSE ? END,"
			 " status = CASE WHEN updated_at = ? THEN ? ELSE 'pending' END,"
			 " error = CASE WHEN updated_at = ? THEN ? ELSE error END,"
			 " updated_at = CASE WHEN updated_at = ? AND ? > updated_at THEN ? ELSE updated_at END"
			 " WHERE zoom_user_id = ? AND meeting_id = ?",
			 "iiiiisisiiisi", j->updated_at, j->updated_at, next_at, now, j->updated_at,
			 failed ? "failed" : "pending", j->updated_at, error, j->updated_at, now, now, j->zoom_user_id,
			 j->meeting_id);
	return rc < 0 ? rc : 0;
}

#define JOB_COLS                                                                                                   \
	"j.zoom_user_id, j.meeting_id, COALESCE(j.conference_id, ''), j.event_id, j.action, j.status, j.attempts," \
	" COALESCE(j.error, ''), j.next_at, j.updated_at"

static void row_job(struct db_rows *r, struct zoom_job_state *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->zoom_user_id, sizeof out->zoom_user_id, "%s", db_text(r, 0));
	out->meeting_id = db_int(r, 1);
	snprintf(out->conference_id, sizeof out->conference_id, "%s", db_text(r, 2));
	snprintf(out->event_id, sizeof out->event_id, "%s", db_text(r, 3));
	snprintf(out->action, sizeof out->action, "%s", db_text(r, 4));
	snprintf(out->status, sizeof out->status, "%s", db_text(r, 5));
	out->attempts = (int)db_int(r, 6);
	snprintf(out->error, sizeof out->error, "%s", db_text(r, 7));
	out->next_at = db_int(r, 8);
	out->updated_at = db_int(r, 9);
}

static int one_job(struct db_rows *r, struct zoom_job_state *out)
{
	int rc = db_next(r);
	if (rc == 1) {
		row_job(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_zoom_job_get(struct db *db, const char *account_id, const char *zoom_user_id, int64_t meeting_id,
		       struct zoom_job_state *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " JOB_COLS " FROM zoom_meeting_jobs j"
			  " WHERE j.account_id = ? AND j.zoom_user_id = ? AND j.meeting_id = ?",
			  "ssi", account_id, zoom_user_id, meeting_id);
	return rc ? rc : one_job(r, out);
}

int store_zoom_job_of_conference(struct db *db, const char *account_id, const char *conference_id, int64_t meeting_id,
				 struct zoom_job_state *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " JOB_COLS " FROM zoom_meeting_jobs j"
			  " WHERE j.account_id = ? AND j.conference_id = ? AND j.meeting_id = ?"
			  " ORDER BY j.zoom_user_id LIMIT 1",
			  "ssi", account_id, conference_id, meeting_id);
	return rc ? rc : one_job(r, out);
}

int store_zoom_job_list(struct db *db, const char *account_id, const char *conference_id, int64_t after_meeting_id,
			const char *after_zoom_user_id, int max,
			int (*cb)(void *ctx, const struct zoom_job_state *j, const char *summary), void *ctx)
{
	struct db_rows *r;
	const char *after_u = after_zoom_user_id ? after_zoom_user_id : "";
	int64_t after_m = after_zoom_user_id ? after_meeting_id : -1;
	/* (meeting_id, zoom_user_id) > cursor, written out: row values are not in every SQLite */
	int rc = db_query(db, &r,
			  "SELECT " JOB_COLS
			  ", CASE WHEN e.id IS NULL THEN 0 ELSE 1 END, e.summary FROM zoom_meeting_jobs j"
			  " LEFT JOIN events e ON e.account_id = j.account_id AND e.id = j.event_id"
			  " WHERE j.account_id = ? AND j.conference_id = ?"
			  " AND (j.meeting_id > ? OR (j.meeting_id = ? AND j.zoom_user_id > ?))"
			  " ORDER BY j.meeting_id, j.zoom_user_id LIMIT ?",
			  "ssiisd", account_id, conference_id, after_m, after_m, after_u, max);
	if (rc)
		return rc;
	struct zoom_job_state j;
	while ((rc = db_next(r)) == 1) {
		row_job(r, &j);
		const char *summary = db_text(r, 11);
		if (cb(ctx, &j, db_int(r, 10) ? (summary ? summary : "") : NULL)) {
			rc = 0;
			break;
		}
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_zoom_job_dismiss(struct db *db, const char *account_id, const char *zoom_user_id, int64_t meeting_id)
{
	int rc = db_exec(db,
			 "DELETE FROM zoom_meeting_jobs WHERE account_id = ? AND zoom_user_id = ? AND meeting_id = ?"
			 " AND status = 'failed'",
			 "ssi", account_id, zoom_user_id, meeting_id);
	return rc < 0 ? rc : rc == 0 ? E_NOTFOUND : 0;
}

int store_zoom_job_drop_update(struct db *db, const char *account_id, const char *zoom_user_id, int64_t meeting_id,
			       const char *event_id)
{
	int rc = db_exec(db,
			 "DELETE FROM zoom_meeting_jobs WHERE account_id = ? AND zoom_user_id = ? AND meeting_id = ?"
			 " AND event_id = ? AND action = 'update'",
			 "ssis", account_id, zoom_user_id, meeting_id, event_id);
	return rc < 0 ? rc : 0;
}
