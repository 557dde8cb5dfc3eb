/* rooms, room_equipment, room_companies and room_delegates tables, and the
 * free-room search. What a page of rooms needs besides their rows (tags,
 * links, calendar time zones) is read for the whole page at once: one query
 * a kind, not one a room. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define ROOM_COLS                                                                                  \
	"account_id, id, calendar_id, name, email, capacity, building, floor, description,"        \
	" hide_subjects, max_duration, min_notice, max_ahead, buffer_before, buffer_after,"        \
	" coalesce(opening_hours, ''), approval, max_conflicts, checkin_minutes, max_booking_len," \
	" created_at, updated_at, on_conflict, category"

static void row_room(struct db_rows *r, struct room *o)
{
	snprintf(o->account_id, sizeof o->account_id, "%s", db_text(r, 0));
	snprintf(o->id, sizeof o->id, "%s", db_text(r, 1));
	snprintf(o->calendar_id, sizeof o->calendar_id, "%s", db_text(r, 2));
	snprintf(o->name, sizeof o->name, "%s", db_text(r, 3));
	snprintf(o->email, sizeof o->email, "%s", db_text(r, 4));
	o->capacity = (int)db_int(r, 5);
	snprintf(o->building, sizeof o->building, "%s", db_text(r, 6));
	snprintf(o->floor, sizeof o->floor, "%s", db_text(r, 7));
	snprintf(o->description, sizeof o->description, "%s", db_text(r, 8));
	o->hide_subjects = (int)db_int(r, 9);
	o->max_duration = db_int(r, 10);
	o->min_notice = db_int(r, 11);
	o->max_ahead = db_int(r, 12);
	o->buffer_before = db_int(r, 13);
	o->buffer_after = db_int(r, 14);
	snprintf(o->opening_hours, sizeof o->opening_hours, "%s", db_text(r, 15));
	o->approval = (int)db_int(r, 16);
	o->max_conflicts = (int)db_int(r, 17);
	o->checkin_minutes = (int)db_int(r, 18);
	o->max_booking_len = db_int(r, 19);
	o->created_at = db_int(r, 20);
	o->updated_at = db_int(r, 21);
	const char *on_conflict = db_text(r, 22);
	o->decline_on_conflict = on_conflict && !strcmp(on_conflict, "decline");
	snprintf(o->category, sizeof o->category, "%s", db_text(r, 23) ? db_text(r, 23) : "conference_room");
}

static int rows_rooms(struct db_rows *r, struct room *out, int max, int *n)
{
	int rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_room(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

static int one_room(struct db_rows *r, struct room *out)
{
	int n = 0, rc = rows_rooms(r, out, 1, &n);
	return rc ? rc : n ? 0 : E_NOTFOUND;
}

int store_room_insert(struct db *db, const struct room *o)
{
	int rc = db_exec(
		db,
		"INSERT INTO rooms (account_id, id, calendar_id, name, email, capacity, building, floor,"
		" description, hide_subjects, max_duration, min_notice, max_ahead, buffer_before,"
		" buffer_after, opening_hours, approval, max_conflicts, checkin_minutes, max_booking_len,"
		" created_at, updated_at, on_conflict, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		" ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"sssssdsssdiiiiisdddiiiss", o->account_id, o->id, o->calendar_id, o->name, o->email, o->capacity,
		o->building, o->floor, o->description, o->hide_subjects, o->max_duration, o->min_notice, o->max_ahead,
		o->buffer_before, o->buffer_after, *o->opening_hours ? o->opening_hours : NULL, o->approval,
		o->max_conflicts, o->checkin_minutes, o->max_booking_len, o->created_at, o->updated_at,
		o->decline_on_conflict ? "decline" : "refuse", *o->category ? o->category : "conference_room");
	return rc < 0 ? rc : 0;
}

int store_room_get(struct db *db, const char *account_id, const char *id, struct room *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " ROOM_COLS " FROM rooms WHERE account_id = ? AND id = ?", "ss", account_id,
			  id);
	return rc ? rc : one_room(r, out);
}

int store_room_by_email(struct db *db, const char *account_id, const char *email, struct room *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " ROOM_COLS " FROM rooms WHERE account_id = ? AND email = lower(?)", "ss",
			  account_id, email);
	return rc ? rc : one_room(r, out);
}

int store_room_by_calendar(struct db *db, const char *account_id, const char *calendar_id, struct room *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " ROOM_COLS " FROM rooms WHERE account_id = ? AND calendar_id = ?", "ss",
			  account_id, calendar_id);
	return rc ? rc : one_room(r, out);
}

int store_room_update(struct db *db, const struct room *o)
{
	int rc = db_exec(
		db,
		"UPDATE rooms SET name = ?, capacity = ?, building = ?, floor = ?, description = ?,"
		" hide_subjects = ?, max_duration = ?, min_notice = ?, max_ahead = ?, buffer_before = ?,"
		" buffer_after = ?, opening_hours = ?, approval = ?, max_conflicts = ?,"
		" checkin_minutes = ?, updated_at = ?, on_conflict = ?, category = ? WHERE account_id = ? AND id = ?",
		"sdsssdiiiiisdddissss", o->name, o->capacity, o->building, o->floor, o->description, o->hide_subjects,
		o->max_duration, o->min_notice, o->max_ahead, o->buffer_before, o->buffer_after,
		*o->opening_hours ? o->opening_hours : NULL, o->approval, o->max_conflicts, o->checkin_minutes,
		o->updated_at, o->decline_on_conflict ? "decline" : "refuse",
		*o->category ? o->category : "conference_room", o->account_id, o->id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_room_delete(struct db *db, const char *account_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM rooms WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_room_list(struct db *db, const char *account_id, const char *q, const char *category, const char *after_name,
		    struct room *out, int max, int *n)
{
	char like[600];
	db_like_pattern(q, 1, like, sizeof like);
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " ROOM_COLS " FROM rooms WHERE account_id = ?"
			  " AND (? = '' OR lower(name) LIKE lower(?) ESCAPE '\\' OR lower(building) LIKE lower(?)"
			  " ESCAPE '\\' OR lower(floor) LIKE lower(?) ESCAPE '\\') AND (? = '' OR category = ?)"
			  " AND (? = '' OR lower(name) > lower(?)) ORDER BY lower(name), id LIMIT ?",
			  "sssssssssd", account_id, like, like, like, like, category ? category : "",
			  category ? category : "", after_name ? after_name : "", after_name ? after_name : "", max);
	return rc ? rc : rows_rooms(r, out, max, n);
}

int store_room_grow_len(struct db *db, const char *account_id, const char *id, int64_t len)
{
	int rc = db_exec(db,
			 "UPDATE rooms SET max_booking_len = ? WHERE account_id = ? AND id = ? AND max_booking_len < ?",
			 "issi", len, account_id, id, len);
	return rc < 0 ? rc : 0;
}

int store_room_tags_set(struct db *db, const char *account_id, const char *room_id, const char *const *tags, size_t n)
{
	int rc = db_exec(db, "DELETE FROM room_equipment WHERE account_id = ? AND room_id = ?", "ss", account_id,
			 room_id);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = db_exec(db,
			     "INSERT INTO room_equipment (account_id, room_id, tag) VALUES (?, ?, ?)"
			     " ON CONFLICT DO NOTHING",
			     "sss", account_id, room_id, tags[i]);
	/* the same tags on the room's row, as ",tag,tag,", for the search's walk */
	struct buf set = {0};
	buf_puts(&set, ",");
	for (size_t i = 0; i < n; i++)
		buf_printf(&set, "%s,", tags[i]);
	if (rc >= 0)
		rc = set.data ? db_exec(db, "UPDATE rooms SET equipment_set = ? WHERE account_id = ? AND id = ?", "sss",
					set.data, account_id, room_id)
			      : E_NOMEM;
	buf_free(&set);
	return rc < 0 ? rc : 0;
}

int store_room_tags(struct db *db, const char *account_id, const char *room_id, char (*out)[ROOM_TAG_MAX], int max,
		    int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT tag FROM room_equipment WHERE account_id = ? AND room_id = ? ORDER BY tag",
			  "ss", account_id, room_id);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		snprintf(out[(*n)++], ROOM_TAG_MAX, "%s", db_text(r, 0));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* the link tables, named by kind: never from input */
static const char *link_table(const char *kind, const char **col)
{
	if (!strcmp(kind, "companies")) {
		*col = "company_id";
		return "room_companies";
	}
	*col = "user_id";
	return "room_delegates";
}

#define PAGE_CHUNK 100 /* room ids bound in one IN list */

/* " IN (?, ?, ...)" for n ids after the account: the parameters */
static int in_list(char *sql, size_t size, int len, struct db_param *p, const char *account_id, const char *const *ids,
		   int n)
{
	p[0] = (struct db_param){'s', account_id, 0};
	len += snprintf(sql + len, size - len, " IN (");
	for (int i = 0; i < n; i++) {
		len += snprintf(sql + len, size - len, i ? ", ?" : "?");
		p[i + 1] = (struct db_param){'s', ids[i], 0};
	}
	return len + snprintf(sql + len, size - len, ")");
}

int store_room_links_page(struct db *db, const char *kind, const char *account_id, const char *const *room_ids, int n,
			  void (*each)(void *ctx, int i, const char *value), void *ctx)
{
	const char *col = "tag", *table = "room_equipment";
	if (strcmp(kind, "equipment"))
		table = link_table(kind, &col);
	char sql[PAGE_CHUNK * 3 + 256];
	struct db_param p[PAGE_CHUNK + 1];
	int rc = 0;
	for (int at = 0; !rc && at < n; at += PAGE_CHUNK) {
		int k = n - at < PAGE_CHUNK ? n - at : PAGE_CHUNK;
		int len = snprintf(sql, sizeof sql, "SELECT room_id, %s FROM %s WHERE account_id = ? AND room_id", col,
				   table);
		len = in_list(sql, sizeof sql, len, p, account_id, room_ids + at, k);
		snprintf(sql + len, sizeof sql - len, " ORDER BY room_id, %s", col);
		struct db_rows *r;
		if ((rc = db_query_params(db, &r, sql, k + 1, p)))
			break;
		while ((rc = db_next(r)) == 1) {
			const char *room = db_text(r, 0), *v = db_text(r, 1);
			for (int i = at; i < at + k; i++) /* a page may list a room twice */
				if (!strcmp(room_ids[i], room))
					each(ctx, i, v);
		}
		db_rows_free(r);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

int store_room_time_zones(struct db *db, const char *account_id, const struct room *rooms, int n, char (*tz)[64])
{
	char sql[PAGE_CHUNK * 3 + 256];
	struct db_param p[PAGE_CHUNK + 1];
	const char *ids[PAGE_CHUNK];
	int rc = 0;
	for (int i = 0; i < n; i++)
		tz[i][0] = 0;
	for (int at = 0; !rc && at < n; at += PAGE_CHUNK) {
		int k = n - at < PAGE_CHUNK ? n - at : PAGE_CHUNK;
		for (int i = 0; i < k; i++)
			ids[i] = rooms[at + i].calendar_id;
		int len = snprintf(sql, sizeof sql, "SELECT id, time_zone FROM calendars WHERE account_id = ? AND id");
		in_list(sql, sizeof sql, len, p, account_id, ids, k);
		struct db_rows *r;
		if ((rc = db_query_params(db, &r, sql, k + 1, p)))
			break;
		while ((rc = db_next(r)) == 1) {
			const char *id = db_text(r, 0), *v = db_text(r, 1);
			for (int i = at; i < at + k; i++)
				if (!strcmp(rooms[i].calendar_id, id))
					snprintf(tz[i], sizeof tz[i], "%s", v ? v : "");
		}
		db_rows_free(r);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

int store_room_may_book(struct db *db, const char *account_id, const char *room_id, const char *user_id, int *yes)
{
	int64_t v = 0;
	int rc = db_query_int(db, &v,
			      "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM room_companies WHERE account_id = ?"
			      " AND room_id = ?) THEN 1 WHEN EXISTS (SELECT 1 FROM room_companies rc JOIN"
			      " user_companies uc ON uc.account_id = rc.account_id AND uc.company_id ="
			      " rc.company_id WHERE rc.account_id = ? AND rc.room_id = ? AND uc.user_id = ?)"
			      " THEN 1 ELSE 0 END",
			      "sssss", account_id, room_id, account_id, room_id, user_id);
	*yes = v != 0;
	return rc;
}

int store_room_rights(struct db *db, const char *account_id, const char *room_id, const char *user_id, int *may_book,
		      int *delegate)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM room_companies WHERE account_id = ?"
			  " AND room_id = ?) THEN 1 WHEN EXISTS (SELECT 1 FROM room_companies rc JOIN"
			  " user_companies uc ON uc.account_id = rc.account_id AND uc.company_id ="
			  " rc.company_id WHERE rc.account_id = ? AND rc.room_id = ? AND uc.user_id = ?)"
			  " THEN 1 ELSE 0 END, (SELECT COUNT(*) FROM room_delegates WHERE account_id = ?"
			  " AND room_id = ? AND user_id = ?)",
			  "ssssssss", account_id, room_id, account_id, room_id, user_id, account_id, room_id, user_id);
	if (rc)
		return rc;
	rc = db_next(r);
	*may_book = rc == 1 && db_int(r, 0) != 0;
	*delegate = rc == 1 && db_int(r, 1) != 0;
	db_rows_free(r);
	return rc < 0 ? rc : rc == 1 ? 0 : E_NOTFOUND;
}

int store_room_is_delegate(struct db *db, const char *account_id, const char *room_id, const char *user_id, int *yes)
{
	int64_t v = 0;
	int rc = db_query_int(
		db, &v, "SELECT COUNT(*) FROM room_delegates WHERE account_id = ? AND room_id = ? AND user_id = ?",
		"sss", account_id, room_id, user_id);
	*yes = v != 0;
	return rc;
}

/* one walk of the free-room search: rooms of the building (same > 0), of
 * the others (same == 0) or of any (same < 0), that fit and are free, in the
 * search's order; appends its SQL and parameters. The cheap tests come
 * first: equipment before the probe of the room's bookings. */
static int free_walk(char *sql, size_t size, int len, struct db_param *p, int *np, int same, int pg,
		     const char *account_id, const struct room_query *q, char (*tags)[ROOM_TAG_MAX + 2], int max)
{
	const char *floor = q->floor ? q->floor : "", *category = q->category ? q->category : "";
	len += snprintf(sql + len, size - len,
			"SELECT * FROM (SELECT %d AS pri, r.*, lower(r.name) AS lname FROM rooms r"
			" WHERE r.account_id = ?%s AND r.capacity >= ? AND r.id <> ? AND (? = '' OR r.floor = ?)"
			" AND (? = '' OR r.category = ?) AND (r.max_duration = 0 OR r.max_duration >= ?)",
			same > 0 ? 0 : 1,
			same > 0    ? " AND r.building = ?"
			: same == 0 ? " AND r.building <> ?"
				    : "");
	p[(*np)++] = (struct db_param){'s', account_id, 0};
	if (same >= 0)
		p[(*np)++] = (struct db_param){'s', q->building, 0};
	p[(*np)++] = (struct db_param){'i', NULL, q->capacity};
	p[(*np)++] = (struct db_param){'s', q->except_room ? q->except_room : "", 0};
	p[(*np)++] = (struct db_param){'s', floor, 0};
	p[(*np)++] = (struct db_param){'s', floor, 0};
	p[(*np)++] = (struct db_param){'s', category, 0};
	p[(*np)++] = (struct db_param){'s', category, 0};
	p[(*np)++] = (struct db_param){'i', NULL, q->end - q->start};
	/* each tag tested on the room's row (",tag," in its equipment_set,
	 * migration 017): no probe of room_equipment per room walked. Not a
	 * COUNT of the matching tags compared with their number: PostgreSQL
	 * estimates "(subquery) = n" at 0.5% of the rooms, then sorts every room
	 * that fits instead of walking the index to the limit (66 ms instead of
	 * 2 ms on the bench's 10,000 rooms); a function's result compared with
	 * 0 it estimates at a third, which keeps the walk */
	for (size_t i = 0; i < q->ntags; i++) {
		len += snprintf(sql + len, size - len, " AND %s(r.equipment_set, ?) > 0", pg ? "strpos" : "instr");
		p[(*np)++] = (struct db_param){'s', tags[i], 0};
	}
	if (q->bookable_by) { /* as store_room_may_book */
		len += snprintf(sql + len, size - len,
				" AND (NOT EXISTS (SELECT 1 FROM room_companies c WHERE c.account_id = r.account_id"
				" AND c.room_id = r.id) OR EXISTS (SELECT 1 FROM room_companies c JOIN"
				" user_companies uc ON uc.account_id = c.account_id AND uc.company_id = c.company_id"
				" WHERE c.account_id = r.account_id AND c.room_id = r.id AND uc.user_id = ?))");
		p[(*np)++] = (struct db_param){'s', q->bookable_by, 0};
	}
	len += snprintf(sql + len, size - len,
			" AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.room_id = r.id"
			" AND b.busy_from < ? + r.buffer_after AND b.busy_to > ? - r.buffer_before"
			" AND b.busy_from >= ? - r.buffer_before - r.max_booking_len)"
			" ORDER BY r.capacity, lower(r.name), r.id LIMIT ?) w%d",
			same + 1);
	p[(*np)++] = (struct db_param){'i', NULL, q->end};
	p[(*np)++] = (struct db_param){'i', NULL, q->start};
	p[(*np)++] = (struct db_param){'i', NULL, q->start};
	p[(*np)++] = (struct db_param){'i', NULL, max};
	return len;
}

int store_room_free(struct db *db, const char *account_id, const struct room_query *q, struct room *out, int max,
		    int *n)
{
	/* "the building first" as an ORDER BY expression would test every room
	 * that fits before sorting; as two walks, each follows an index in its
	 * order (rooms_search_building, rooms_search: migration 011) and stops
	 * at the limit. Each asked tag is looked for in the room's equipment_set
	 * (free_walk), bound as ",tag,". */
	if (q->ntags > 16)
		return E_INVALID;
	char sql[8000];
	struct db_param p[80]; /* two walks of at most 30 (16 tags) and the limit */
	int np = 0;
	char tags[16][ROOM_TAG_MAX + 2]; /* ",tag," */
	for (size_t i = 0; i < q->ntags; i++)
		snprintf(tags[i], sizeof tags[i], ",%s,", q->tags[i]);
	int pg = db_kind(db) == DB_PG;
	int len = snprintf(sql, sizeof sql, "SELECT " ROOM_COLS " FROM (");
	if (q->building && *q->building) {
		len = free_walk(sql, sizeof sql, len, p, &np, 1, pg, account_id, q, tags, max);
		len += snprintf(sql + len, sizeof sql - len, " UNION ALL ");
		len = free_walk(sql, sizeof sql, len, p, &np, 0, pg, account_id, q, tags, max);
	} else {
		len = free_walk(sql, sizeof sql, len, p, &np, -1, pg, account_id, q, tags, max);
	}
	snprintf(sql + len, sizeof sql - len, ") r ORDER BY pri, capacity, lname, id LIMIT ?");
	p[np++] = (struct db_param){'i', NULL, max};
	struct db_rows *r;
	int rc = db_query_params(db, &r, sql, np, p);
	return rc ? rc : rows_rooms(r, out, max, n);
}
