/* calendars table. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define CAL_COLS                                                                                  \
	"account_id, id, coalesce(owner_id, ''), coalesce(room_id, ''), name, colour, time_zone," \
	" description, is_default, public_detail, feed_days_back, feed_days_ahead, version,"      \
	" created_at, updated_at, coalesce(conference_id, '')"

static void row_calendar(struct db_rows *r, struct calendar *c)
{
	snprintf(c->account_id, sizeof c->account_id, "%s", db_text(r, 0));
	snprintf(c->id, sizeof c->id, "%s", db_text(r, 1));
	snprintf(c->owner_id, sizeof c->owner_id, "%s", db_text(r, 2));
	snprintf(c->room_id, sizeof c->room_id, "%s", db_text(r, 3));
	snprintf(c->name, sizeof c->name, "%s", db_text(r, 4));
	snprintf(c->colour, sizeof c->colour, "%s", db_text(r, 5));
	snprintf(c->time_zone, sizeof c->time_zone, "%s", db_text(r, 6));
	snprintf(c->description, sizeof c->description, "%s", db_text(r, 7));
	c->is_default = (int)db_int(r, 8);
	snprintf(c->public_detail, sizeof c->public_detail, "%s", db_text(r, 9));
	c->feed_days_back = (int)db_int(r, 10);
	c->feed_days_ahead = (int)db_int(r, 11);
	c->version = db_int(r, 12);
	c->created_at = db_int(r, 13);
	c->updated_at = db_int(r, 14);
	snprintf(c->conference_id, sizeof c->conference_id, "%s", db_text(r, 15));
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

int store_calendar_insert(struct db *db, const struct calendar *c)
{
	int rc = db_exec(db,
			 "INSERT INTO calendars (account_id, id, owner_id, room_id, conference_id, name, colour,"
			 " time_zone, description, is_default, public_detail, feed_days_back, feed_days_ahead,"
			 " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
			 "sssssssssdsddii", c->account_id, c->id, or_null(c->owner_id), or_null(c->room_id),
			 or_null(c->conference_id), c->name, c->colour, c->time_zone, c->description, c->is_default,
			 *c->public_detail ? c->public_detail : "busy", c->feed_days_back ? c->feed_days_back : 90,
			 c->feed_days_ahead ? c->feed_days_ahead : 730, c->created_at, c->updated_at);
	return rc < 0 ? rc : 0;
}

static int get_one(struct db *db, struct calendar *out, const char *sql, const char *a, const char *b)
{
	struct db_rows *r;
	int rc = db_query(db, &r, sql, "ss", a, b);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		row_calendar(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_calendar_get(struct db *db, const char *account_id, const char *id, struct calendar *out)
{
	return get_one(db, out, "SELECT " CAL_COLS " FROM calendars WHERE account_id = ? AND id = ?", account_id, id);
}

int store_calendar_find(struct db *db, const char *id, struct calendar *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " CAL_COLS " FROM calendars WHERE id = ?", "s", id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		row_calendar(r, out);
	db_rows_free(r);
	return rc == 1 ? 0 : rc == 0 ? E_NOTFOUND : rc;
}

int store_calendar_by_event(struct db *db, const char *account_id, const char *event_id, struct calendar *out)
{
	return get_one(db, out,
		       "SELECT " CAL_COLS " FROM calendars c WHERE c.account_id = ? AND c.id ="
		       " (SELECT e.calendar_id FROM events e WHERE e.account_id = c.account_id AND e.id = ?)",
		       account_id, event_id);
}

int store_calendar_default(struct db *db, const char *account_id, const char *owner_id, struct calendar *out)
{
	return get_one(db, out,
		       "SELECT " CAL_COLS " FROM calendars WHERE account_id = ? AND owner_id = ?"
		       " AND is_default = 1",
		       account_id, owner_id);
}

int store_calendar_update(struct db *db, const struct calendar *c)
{
	int rc = db_exec(db,
			 "UPDATE calendars SET name = ?, colour = ?, time_zone = ?, description = ?,"
			 " public_detail = ?, feed_days_back = ?, feed_days_ahead = ?, updated_at = ?,"
			 " version = version + 1 WHERE account_id = ? AND id = ?",
			 "sssssddiss", c->name, c->colour, c->time_zone, c->description, c->public_detail,
			 c->feed_days_back, c->feed_days_ahead, c->updated_at, c->account_id, c->id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_calendar_delete(struct db *db, const char *account_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM calendars WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_calendar_list_owned(struct db *db, const char *account_id, const char *owner_id, struct calendar *out,
			      int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " CAL_COLS " FROM calendars WHERE account_id = ? AND owner_id = ?"
			  " ORDER BY is_default DESC, lower(name), id",
			  "ss", account_id, owner_id);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_calendar(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_calendar_bump(struct db *db, const char *account_id, const char *id, int64_t *out)
{
	/* one statement, not an update then a read: E_NOTFOUND when no row */
	return db_query_int(db, out,
			    "UPDATE calendars SET version = version + 1 WHERE account_id = ? AND id = ?"
			    " RETURNING version",
			    "ss", account_id, id);
}
