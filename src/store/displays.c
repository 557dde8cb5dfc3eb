/* room_displays table, and the bookings the check-in rule releases. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define D_COLS \
	"account_id, id, room_id, name, token_hash, coalesce(created_by, ''), created_at, coalesce(last_seen_at, 0)"

static int rows(struct db_rows *r, struct room_display *out, int max, int *n)
{
	int rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max) {
		struct room_display *d = &out[(*n)++];
		snprintf(d->account_id, sizeof d->account_id, "%s", db_text(r, 0));
		snprintf(d->id, sizeof d->id, "%s", db_text(r, 1));
		snprintf(d->room_id, sizeof d->room_id, "%s", db_text(r, 2));
		snprintf(d->name, sizeof d->name, "%s", db_text(r, 3));
		snprintf(d->token_hash, sizeof d->token_hash, "%s", db_text(r, 4));
		snprintf(d->created_by, sizeof d->created_by, "%s", db_text(r, 5));
		d->created_at = db_int(r, 6);
		d->last_seen_at = db_int(r, 7);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_display_insert(struct db *db, const struct room_display *d)
{
	int rc = db_exec(db,
			 "INSERT INTO room_displays (account_id, id, room_id, name, token_hash, created_by, created_at)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?)",
			 "ssssssi", d->account_id, d->id, d->room_id, d->name, d->token_hash,
			 *d->created_by ? d->created_by : NULL, d->created_at);
	return rc < 0 ? rc : 0;
}

int store_display_delete(struct db *db, const char *account_id, const char *room_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM room_displays WHERE account_id = ? AND room_id = ? AND id = ?", "sss",
			 account_id, room_id, id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_display_list(struct db *db, const char *account_id, const char *room_id, struct room_display *out, int max,
		       int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " D_COLS
			  " FROM room_displays WHERE account_id = ? AND room_id = ? ORDER BY created_at, id",
			  "ss", account_id, room_id);
	return rc ? rc : rows(r, out, max, n);
}

int store_display_by_hash(struct db *db, const char *token_hash, struct room_display *out)
{
	struct db_rows *r;
	int n = 0, rc = db_query(db, &r, "SELECT " D_COLS " FROM room_displays WHERE token_hash = ?", "s", token_hash);
	if (rc || (rc = rows(r, out, 1, &n)))
		return rc;
	return n ? 0 : E_NOTFOUND;
}

int store_display_seen(struct db *db, const char *account_id, const char *id, int64_t at)
{
	int rc = db_exec(db, "UPDATE room_displays SET last_seen_at = ? WHERE account_id = ? AND id = ?", "iss", at,
			 account_id, id);
	return rc < 0 ? rc : 0;
}

int store_booking_unchecked(struct db *db, int64_t now, struct booking *out, int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT b.account_id, b.id, b.room_id, b.event_id, b.start_at, b.end_at FROM bookings b"
			  " JOIN rooms m ON m.account_id = b.account_id AND m.id = b.room_id"
			  " WHERE b.checked_in_at IS NULL AND b.status = 'confirmed' AND m.checkin_minutes > 0"
			  " AND b.start_at > ? AND b.start_at + m.checkin_minutes * 60 <= ? AND b.end_at > ?"
			  /* a meeting made at a calendar provider is never released
			   * here: the provider would still hold the room (issue 16) */
			  " AND NOT EXISTS (SELECT 1 FROM sync_events s WHERE s.account_id = b.account_id"
			  " AND s.event_id = b.event_id AND s.origin = 'provider')"
			  " ORDER BY b.start_at LIMIT ?",
			  "iiid", now - 86400, now, now, max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max) {
		struct booking *b = &out[(*n)++];
		memset(b, 0, sizeof *b);
		snprintf(b->account_id, sizeof b->account_id, "%s", db_text(r, 0));
		snprintf(b->id, sizeof b->id, "%s", db_text(r, 1));
		snprintf(b->room_id, sizeof b->room_id, "%s", db_text(r, 2));
		snprintf(b->event_id, sizeof b->event_id, "%s", db_text(r, 3));
		b->start_at = db_int(r, 4);
		b->end_at = db_int(r, 5);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}
