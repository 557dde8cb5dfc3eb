/* bookings table. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define B_COLS                                                                              \
	"b.account_id, b.id, b.room_id, b.event_id, b.recurrence_id, b.start_at, b.end_at," \
	" b.busy_from, b.busy_to, b.status, coalesce(b.checked_in_at, 0), b.created_at"

static void row_booking(struct db_rows *r, struct booking *b, int with_event)
{
	memset(b, 0, sizeof *b);
	snprintf(b->account_id, sizeof b->account_id, "%s", db_text(r, 0));
	snprintf(b->id, sizeof b->id, "%s", db_text(r, 1));
	snprintf(b->room_id, sizeof b->room_id, "%s", db_text(r, 2));
	snprintf(b->event_id, sizeof b->event_id, "%s", db_text(r, 3));
	b->recurrence_id = db_int(r, 4);
	b->start_at = db_int(r, 5);
	b->end_at = db_int(r, 6);
	b->busy_from = db_int(r, 7);
	b->busy_to = db_int(r, 8);
	snprintf(b->status, sizeof b->status, "%s", db_text(r, 9));
	b->checked_in_at = db_int(r, 10);
	b->created_at = db_int(r, 11);
	if (with_event) {
		snprintf(b->summary, sizeof b->summary, "%s", db_text(r, 12) ? db_text(r, 12) : "");
		snprintf(b->organizer, sizeof b->organizer, "%s", db_text(r, 13) ? db_text(r, 13) : "");
		snprintf(b->klass, sizeof b->klass, "%s", db_text(r, 14) ? db_text(r, 14) : "PUBLIC");
	}
}

static int rows(struct db_rows *r, struct booking *out, int max, int *n, int with_event)
{
	int rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_booking(r, &out[(*n)++], with_event);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_booking_insert(struct db *db, const struct booking *b)
{
	return store_booking_insert_known(db, b, NULL);
}

int store_booking_insert_known(struct db *db, const struct booking *b, int64_t *known_len)
{
	int rc = db_exec(db,
			 "INSERT INTO bookings (account_id, id, room_id, event_id, recurrence_id, start_at, end_at,"
			 " busy_from, busy_to, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 "ssssiiiiisi", b->account_id, b->id, b->room_id, b->event_id, b->recurrence_id, b->start_at,
			 b->end_at, b->busy_from, b->busy_to, b->status, b->created_at);
	if (rc < 0)
		return rc;
	if (b->checked_in_at && (rc = store_booking_check_in(db, b->account_id, b->id, b->checked_in_at)))
		return rc;
	int64_t len = b->busy_to - b->busy_from;
	if (known_len && len <= *known_len)
		return 0; /* the room's longest span only grows: no longer than one it held */
	if ((rc = store_room_grow_len(db, b->account_id, b->room_id, len)))
		return rc;
	if (known_len)
		*known_len = len;
	return 0;
}

static int changed(int rc)
{
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_booking_delete(struct db *db, const char *account_id, const char *id)
{
	return changed(db_exec(db, "DELETE FROM bookings WHERE account_id = ? AND id = ?", "ss", account_id, id));
}

int store_booking_set_status(struct db *db, const char *account_id, const char *id, const char *status)
{
	return changed(db_exec(db, "UPDATE bookings SET status = ? WHERE account_id = ? AND id = ?", "sss", status,
			       account_id, id));
}

int store_booking_approve(struct db *db, const char *account_id, const char *event_id, const char *room_id)
{
	int rc = db_exec(
		db, "UPDATE bookings SET status = 'confirmed' WHERE account_id = ? AND event_id = ? AND room_id = ?",
		"sss", account_id, event_id, room_id);
	return rc < 0 ? rc : 0;
}

int store_booking_check_in(struct db *db, const char *account_id, const char *id, int64_t at)
{
	return changed(db_exec(db, "UPDATE bookings SET checked_in_at = ? WHERE account_id = ? AND id = ?", "iss", at,
			       account_id, id));
}

int store_booking_set_end(struct db *db, const char *account_id, const char *id, int64_t end, int64_t busy_to)
{
	return changed(db_exec(db, "UPDATE bookings SET end_at = ?, busy_to = ? WHERE account_id = ? AND id = ?",
			       "iiss", end, busy_to, account_id, id));
}

int store_booking_get(struct db *db, const char *account_id, const char *id, struct booking *out)
{
	struct db_rows *r;
	int n = 0, rc = db_query(db, &r, "SELECT " B_COLS " FROM bookings b WHERE b.account_id = ? AND b.id = ?", "ss",
				 account_id, id);
	if (rc || (rc = rows(r, out, 1, &n, 0)))
		return rc;
	return n ? 0 : E_NOTFOUND;
}

int store_booking_overlap(struct db *db, const char *account_id, const char *room_id, int64_t busy_from,
			  int64_t busy_to, int64_t max_len, const char *except_event, struct booking *out)
{
	struct db_rows *r;
	int n = 0, rc = db_query(db, &r,
				 "SELECT " B_COLS " FROM bookings b WHERE b.room_id = ? AND b.busy_from < ?"
				 " AND b.busy_from >= ? AND b.busy_to > ? AND b.account_id = ? AND b.event_id <> ?"
				 " ORDER BY b.busy_from LIMIT 1",
				 "siiiss", room_id, busy_to, busy_from - max_len, busy_from, account_id,
				 except_event ? except_event : "");
	if (rc || (rc = rows(r, out, 1, &n, 0)))
		return rc;
	return n ? 0 : E_NOTFOUND;
}

int store_booking_of_event(struct db *db, const char *account_id, const char *event_id, const char *room_id,
			   struct booking *out, int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " B_COLS " FROM bookings b WHERE b.account_id = ? AND b.event_id = ?"
			  " AND (? = '' OR b.room_id = ?) ORDER BY b.room_id, b.start_at",
			  "ssss", account_id, event_id, room_id ? room_id : "", room_id ? room_id : "");
	return rc ? rc : rows(r, out, max, n, 0);
}

int store_booking_window(struct db *db, const char *account_id, const char *room_id, int64_t from, int64_t to,
			 int64_t max_len, struct booking *out, int max, int *n)
{
	return store_booking_window_after(db, account_id, room_id, from, to, max_len, 0, NULL, out, max, n);
}

int store_booking_window_after(struct db *db, const char *account_id, const char *room_id, int64_t from, int64_t to,
			       int64_t max_len, int64_t after_start, const char *after_id, struct booking *out, int max,
			       int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " B_COLS ", e.summary, e.organizer, e.class FROM bookings b JOIN events e"
			  " ON e.account_id = b.account_id AND e.id = b.event_id WHERE b.room_id = ?"
			  " AND b.busy_from < ? AND b.busy_from >= ? AND b.end_at > ? AND b.account_id = ?"
			  " AND (? = 0 OR b.start_at > ? OR (b.start_at = ? AND b.id > ?))"
			  " ORDER BY b.start_at, b.id LIMIT ?",
			  "siiisiiisd", room_id, to, from - max_len, from, account_id, (int64_t)(after_id != NULL),
			  after_start, after_start, after_id ? after_id : "", max);
	return rc ? rc : rows(r, out, max, n, 1);
}
