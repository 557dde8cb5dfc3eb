/* zoom_webhook_events: the durable queue of Zoom's webhook deliveries. The
 * claim is one UPDATE ... RETURNING (autocommit, as the outbox's), whose
 * inner SELECT picks a row that no older open event of the same Zoom user
 * precedes; on PostgreSQL nodes skip each other's locked rows. */
#include "store/zoom_webhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define COLS                                                                                                 \
	"id, event, zoom_user_id, zoom_account_id, body, received_at, received_us, attempts, status, error," \
	" processed_at"

/* an event that came before e (received_us, then id for equal times) */
#define OLDER_OPEN                                                                   \
	"(SELECT 1 FROM zoom_webhook_events o WHERE o.zoom_user_id = e.zoom_user_id" \
	" AND o.status IN ('pending','working')"                                     \
	" AND (o.received_us < e.received_us OR (o.received_us = e.received_us AND o.id < e.id)))"

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

static void cpy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static int read_row(struct db_rows *r, struct zoom_webhook_event *out)
{
	memset(out, 0, sizeof *out);
	cpy(out->id, sizeof out->id, db_text(r, 0));
	cpy(out->event, sizeof out->event, db_text(r, 1));
	cpy(out->zoom_user_id, sizeof out->zoom_user_id, db_text(r, 2));
	cpy(out->zoom_account_id, sizeof out->zoom_account_id, db_text(r, 3));
	out->body = strdup(db_text(r, 4) ? db_text(r, 4) : "");
	out->received_at = db_int(r, 5);
	out->received_us = db_int(r, 6);
	out->attempts = (int)db_int(r, 7);
	cpy(out->status, sizeof out->status, db_text(r, 8));
	cpy(out->error, sizeof out->error, db_text(r, 9));
	out->processed_at = db_is_null(r, 10) ? 0 : db_int(r, 10);
	return out->body ? 0 : E_NOMEM;
}

void store_zoom_webhook_free(struct zoom_webhook_event *e)
{
	free(e->body);
	e->body = NULL;
}

int store_zoom_webhook_insert(struct db *db, struct zoom_webhook_event *e, const char *replay_key)
{
	if (!e->id[0])
		ids_new("zwe", e->id);
	if (!e->received_us)
		e->received_us = clock_now_us();
	if (!e->received_at)
		e->received_at = e->received_us / 1000000;
	int rc = db_exec(db,
			 "INSERT INTO zoom_webhook_events (id, replay_key, received_at, received_us, event,"
			 " zoom_user_id, zoom_account_id, body, status, attempts, next_at)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
			 "ssiissssi", e->id, replay_key, e->received_at, e->received_us, e->event,
			 or_null(e->zoom_user_id), or_null(e->zoom_account_id), e->body, e->received_at);
	return rc < 0 ? rc : 0;
}

/* the claim's statement; the outer conditions repeat the inner ones so that
 * PostgreSQL re-checks them on a row another node changed meanwhile */
#define CLAIM(lock)                                                                                            \
	"UPDATE zoom_webhook_events SET status = 'working', lease_until = ?, attempts = attempts + 1"          \
	" WHERE id = (SELECT e.id FROM zoom_webhook_events e"                                                  \
	"   WHERE ((e.status = 'pending' AND e.next_at <= ?) OR (e.status = 'working' AND e.lease_until < ?))" \
	"   AND (e.zoom_user_id IS NULL OR NOT EXISTS " OLDER_OPEN ")"                                         \
	"   ORDER BY e.received_us, e.id LIMIT 1" lock ")"                                                     \
	" AND (status = 'pending' OR (status = 'working' AND lease_until < ?))"                                \
	" RETURNING " COLS

int store_zoom_webhook_claim(struct db *db, int64_t now, int lease, struct zoom_webhook_event *out)
{
	const char *sql = db_kind(db) == DB_PG ? CLAIM(" FOR UPDATE SKIP LOCKED") : CLAIM("");
	struct db_rows *r;
	int rc = db_query(db, &r, sql, "iiii", now + lease, now, now, now);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		rc = read_row(r, out);
	else if (rc == 0)
		rc = E_NOTFOUND;
	db_rows_free(r);
	return rc;
}

int store_zoom_webhook_following(struct db *db, const struct zoom_webhook_event *after, const char *prefix,
				 struct zoom_webhook_event *out, int max, int *n)
{
	*n = 0;
	if (!after->zoom_user_id[0] || max <= 0)
		return 0;
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " COLS " FROM zoom_webhook_events WHERE zoom_user_id = ? AND status = 'pending'"
			  " AND (received_us > ? OR (received_us = ? AND id > ?)) ORDER BY received_us, id LIMIT ?",
			  "siisd", after->zoom_user_id, after->received_us, after->received_us, after->id, max);
	if (rc)
		return rc;
	size_t plen = strlen(prefix);
	while ((rc = db_next(r)) == 1) {
		const char *ev = db_text(r, 1);
		if (!ev || strncmp(ev, prefix, plen)) /* another kind of event: it waits its turn */
			break;
		if ((rc = read_row(r, &out[*n])))
			break;
		++*n;
	}
	db_rows_free(r);
	if (rc < 0) {
		for (int i = 0; i < *n; i++)
			store_zoom_webhook_free(&out[i]);
		*n = 0;
		return rc;
	}
	return 0;
}

int store_zoom_webhook_done(struct db *db, const char *id, int64_t now, const char *note)
{
	int rc = db_exec(db,
			 "UPDATE zoom_webhook_events SET status = 'done', processed_at = ?, error = ?, lease_until = 0,"
			 " attempts = CASE WHEN status = 'pending' THEN attempts + 1 ELSE attempts END"
			 " WHERE id = ? AND status IN ('pending','working')",
			 "iss", now, or_null(note), id);
	return rc < 0 ? rc : 0;
}

int store_zoom_webhook_retry(struct db *db, const char *id, int64_t next_at, const char *error)
{
	int rc = db_exec(db,
			 "UPDATE zoom_webhook_events SET status = 'pending', next_at = ?, error = ?, lease_until = 0"
			 " WHERE id = ? AND status = 'working'",
			 "iss", next_at, error, id);
	return rc < 0 ? rc : 0;
}

int store_zoom_webhook_defer(struct db *db, const char *id, int64_t next_at)
{
	int rc = db_exec(db,
			 "UPDATE zoom_webhook_events SET status = 'pending', next_at = ?, lease_until = 0,"
			 " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END"
			 " WHERE id = ? AND status = 'working'",
			 "is", next_at, id);
	return rc < 0 ? rc : 0;
}

int store_zoom_webhook_fail(struct db *db, const char *id, int64_t now, const char *error)
{
	int rc =
		db_exec(db,
			"UPDATE zoom_webhook_events SET status = 'failed', processed_at = ?, error = ?, lease_until = 0"
			" WHERE id = ? AND status = 'working'",
			"iss", now, error, id);
	return rc < 0 ? rc : 0;
}

int store_zoom_webhook_purge(struct db *db, int64_t done_before, int64_t failed_before, int64_t *n)
{
	int rc = db_exec(db,
			 "DELETE FROM zoom_webhook_events WHERE processed_at IS NOT NULL"
			 " AND ((status = 'done' AND processed_at < ?) OR (status = 'failed' AND processed_at < ?))",
			 "ii", done_before, failed_before);
	if (rc < 0)
		return rc;
	if (n)
		*n = rc;
	return 0;
}

int store_zoom_webhook_next_due(struct db *db, int64_t *at)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT MIN(CASE WHEN status = 'working' THEN lease_until ELSE next_at END)"
			  " FROM zoom_webhook_events WHERE status IN ('pending','working')",
			  "");
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		rc = db_is_null(r, 0) ? E_NOTFOUND : (*at = db_int(r, 0), 0);
	else if (rc == 0)
		rc = E_NOTFOUND;
	db_rows_free(r);
	return rc;
}

int store_zoom_webhook_get(struct db *db, const char *id, struct zoom_webhook_event *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " COLS " FROM zoom_webhook_events WHERE id = ?", "s", id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		rc = read_row(r, out);
	else if (rc == 0)
		rc = E_NOTFOUND;
	db_rows_free(r);
	return rc;
}

int store_zoom_webhook_count(struct db *db, const char *status, int64_t *n)
{
	return status ? db_query_int(db, n, "SELECT COUNT(*) FROM zoom_webhook_events WHERE status = ?", "s", status)
		      : db_query_int(db, n, "SELECT COUNT(*) FROM zoom_webhook_events", "");
}

int store_zoom_webhook_passcode(struct db *db, const char *zoom_user_id, int64_t meeting_id, const char *passcode)
{
	int rc = db_exec(db, "UPDATE zoom_meetings SET passcode = ? WHERE zoom_user_id = ? AND meeting_id = ?", "ssi",
			 passcode, zoom_user_id, meeting_id);
	return rc < 0 ? rc : 0;
}

int store_zoom_webhook_meeting_owner(struct db *db, int64_t meeting_id, char *out, size_t n)
{
	struct db_rows *r;
	*out = 0;
	int rc = db_query(db, &r, "SELECT zoom_user_id FROM zoom_meetings WHERE meeting_id = ? LIMIT 1", "i",
			  meeting_id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		cpy(out, n, db_text(r, 0));
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}
