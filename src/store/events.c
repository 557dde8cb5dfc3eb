/* events and event_tombstones tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define EVENT_COLS                                                                               \
	"account_id, id, calendar_id, uid, ical, ical_busy, tzids, summary, location, start_at," \
	" end_at, all_day, tzid, rrule, range_end, status, transp, class, organizer, sequence,"  \
	" etag, modseq, created_by, created_at, updated_at"
/* what is read: the columns, then the resource name (NULL reads as "<uid>.ics") */
#define EVENT_SEL EVENT_COLS ", COALESCE(href, uid || '.ics')"

static void row_event(struct db_rows *r, struct event_row *e)
{
	e->account_id = db_text(r, 0);
	e->id = db_text(r, 1);
	e->calendar_id = db_text(r, 2);
	e->uid = db_text(r, 3);
	e->ical = db_text(r, 4);
	e->ical_busy = db_text(r, 5);
	e->tzids = db_text(r, 6);
	e->summary = db_text(r, 7);
	e->location = db_text(r, 8);
	e->start_at = db_int(r, 9);
	e->end_at = db_int(r, 10);
	e->all_day = (int)db_int(r, 11);
	e->tzid = db_text(r, 12);
	e->rrule = db_text(r, 13);
	e->range_end = db_int(r, 14);
	e->status = db_text(r, 15);
	e->transp = db_text(r, 16);
	e->klass = db_text(r, 17);
	e->organizer = db_text(r, 18);
	e->sequence = (int)db_int(r, 19);
	e->etag = db_text(r, 20);
	e->modseq = db_int(r, 21);
	e->created_by = db_text(r, 22);
	e->created_at = db_int(r, 23);
	e->updated_at = db_int(r, 24);
	e->href = db_text(r, 25);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int64_t range_start(const struct event_row *e)
{
	return e->range_start && e->range_start < e->start_at ? e->range_start : e->start_at;
}

int store_event_insert(struct db *db, const struct event_row *e)
{
	int rc = db_exec(db,
			 "INSERT INTO events (" EVENT_COLS ", href, range_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			 " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 "sssssssssiidssissssdsisiisi", e->account_id, e->id, e->calendar_id, e->uid, e->ical,
			 e->ical_busy, nz(e->tzids), nz(e->summary), nz(e->location), e->start_at, e->end_at,
			 e->all_day, e->tzid, e->rrule, e->range_end, nz(e->status), nz(e->transp), nz(e->klass),
			 e->organizer, e->sequence, e->etag, e->modseq, e->created_by, e->created_at, e->updated_at,
			 e->href, range_start(e));
	if (rc < 0)
		return rc;
	/* a name that comes back after deletion is no longer a deletion (a UID
	 * deleted under another name stays deleted there) */
	rc = db_exec(db,
		     "DELETE FROM event_tombstones WHERE account_id = ? AND calendar_id = ?"
		     " AND href = COALESCE(?, ? || '.ics')",
		     "ssss", e->account_id, e->calendar_id, e->href, e->uid);
	return rc < 0 ? rc : 0;
}

int store_event_update(struct db *db, const struct event_row *e)
{
	int rc = db_exec(db,
			 "UPDATE events SET uid = ?, ical = ?, ical_busy = ?, tzids = ?, summary = ?,"
			 " location = ?, start_at = ?, end_at = ?, all_day = ?, tzid = ?, rrule = ?,"
			 " range_end = ?, status = ?, transp = ?, class = ?, organizer = ?, sequence = ?,"
			 " etag = ?, modseq = ?, updated_at = ?, range_start = ? WHERE account_id = ? AND id = ?",
			 "ssssssiidssissssdsiiiss", e->uid, e->ical, e->ical_busy, nz(e->tzids), nz(e->summary),
			 nz(e->location), e->start_at, e->end_at, e->all_day, e->tzid, e->rrule, e->range_end,
			 nz(e->status), nz(e->transp), nz(e->klass), e->organizer, e->sequence, e->etag, e->modseq,
			 e->updated_at, range_start(e), e->account_id, e->id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_event_delete(struct db *db, const char *account_id, const char *id, int64_t modseq)
{
	int rc = db_exec(
		db,
		"INSERT INTO event_tombstones (account_id, calendar_id, uid, event_id, modseq, deleted_at, href)"
		" SELECT account_id, calendar_id, uid, id, ?, ?, COALESCE(href, uid || '.ics') FROM events"
		" WHERE account_id = ? AND id = ?"
		" ON CONFLICT (account_id, calendar_id, href) DO UPDATE SET event_id = excluded.event_id,"
		" modseq = excluded.modseq, deleted_at = excluded.deleted_at, uid = excluded.uid",
		"iiss", modseq, (int64_t)time(NULL), account_id, id);
	if (rc < 0)
		return rc;
	rc = db_exec(db, "DELETE FROM events WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

/* runs cb on every row; a non-zero cb result stops and is returned */
static int run_rows(struct db_rows *r, store_event_cb cb, void *ctx, int *found)
{
	int rc, stop = 0;
	*found = 0;
	while ((rc = db_next(r)) == 1) {
		struct event_row e;
		row_event(r, &e);
		(*found)++;
		if ((stop = cb(ctx, &e)))
			break;
	}
	db_rows_free(r);
	if (stop)
		return stop;
	return rc < 0 ? rc : 0;
}

int store_event_get(struct db *db, const char *account_id, const char *id, store_event_cb cb, void *ctx)
{
	struct db_rows *r;
	int found, rc = db_query(db, &r, "SELECT " EVENT_SEL " FROM events WHERE account_id = ? AND id = ?", "ss",
				 account_id, id);
	if (rc)
		return rc;
	rc = run_rows(r, cb, ctx, &found);
	return rc ? rc : found ? 0 : E_NOTFOUND;
}

int store_event_by_uid(struct db *db, const char *account_id, const char *calendar_id, const char *uid,
		       store_event_cb cb, void *ctx)
{
	struct db_rows *r;
	int found, rc = db_query(db, &r,
				 "SELECT " EVENT_SEL " FROM events WHERE account_id = ? AND calendar_id = ?"
				 " AND uid = ?",
				 "sss", account_id, calendar_id, uid);
	if (rc)
		return rc;
	rc = run_rows(r, cb, ctx, &found);
	return rc ? rc : found ? 0 : E_NOTFOUND;
}

int store_event_by_href(struct db *db, const char *account_id, const char *calendar_id, const char *href,
			store_event_cb cb, void *ctx)
{
	struct db_rows *r;
	int found, rc = db_query(db, &r,
				 "SELECT " EVENT_SEL " FROM events WHERE account_id = ? AND calendar_id = ?"
				 " AND href = ?",
				 "sss", account_id, calendar_id, href);
	if (rc)
		return rc;
	rc = run_rows(r, cb, ctx, &found);
	if (rc || found)
		return rc;
	/* rows written without a name are at "<uid>.ics" */
	size_t n = strlen(href);
	if (n <= 4 || strcmp(href + n - 4, ".ics"))
		return E_NOTFOUND;
	char *uid = strndup(href, n - 4);
	if (!uid)
		return E_NOMEM;
	rc = db_query(db, &r,
		      "SELECT " EVENT_SEL " FROM events WHERE account_id = ? AND calendar_id = ?"
		      " AND uid = ? AND href IS NULL",
		      "sss", account_id, calendar_id, uid);
	free(uid);
	if (rc)
		return rc;
	rc = run_rows(r, cb, ctx, &found);
	return rc ? rc : found ? 0 : E_NOTFOUND;
}

int store_event_window(struct db *db, const char *account_id, const char *calendar_id, int64_t from, int64_t to,
		       store_event_cb cb, void *ctx)
{
	struct db_rows *r;
	int found, rc = db_query(db, &r,
				 "SELECT " EVENT_SEL " FROM events WHERE account_id = ? AND calendar_id = ?"
				 " AND range_start < ? AND range_end > ? ORDER BY start_at, id",
				 "ssii", account_id, calendar_id, to, from);
	if (rc)
		return rc;
	return run_rows(r, cb, ctx, &found);
}

int store_event_changed_since(struct db *db, const char *account_id, const char *calendar_id, int64_t modseq,
			      store_event_cb cb, void *ctx)
{
	struct db_rows *r;
	int found, rc = db_query(db, &r,
				 "SELECT " EVENT_SEL " FROM events WHERE account_id = ? AND calendar_id = ?"
				 " AND modseq > ? ORDER BY modseq, id",
				 "ssi", account_id, calendar_id, modseq);
	if (rc)
		return rc;
	return run_rows(r, cb, ctx, &found);
}

int store_event_deleted_since(struct db *db, const char *account_id, const char *calendar_id, int64_t modseq,
			      int (*cb)(void *ctx, const char *uid, int64_t modseq), void *ctx)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT href, modseq FROM event_tombstones"
			  " WHERE account_id = ? AND calendar_id = ? AND modseq > ? ORDER BY modseq, href",
			  "ssi", account_id, calendar_id, modseq);
	if (rc)
		return rc;
	int stop = 0;
	while ((rc = db_next(r)) == 1)
		if ((stop = cb(ctx, db_text(r, 0), db_int(r, 1))))
			break;
	db_rows_free(r);
	return stop ? stop : rc < 0 ? rc : 0;
}

int store_event_count(struct db *db, const char *account_id, const char *calendar_id, int64_t *out)
{
	return db_query_int(db, out, "SELECT COUNT(*) FROM events WHERE account_id = ? AND calendar_id = ?", "ss",
			    account_id, calendar_id);
}
