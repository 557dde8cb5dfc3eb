/* POST /api/v1/freebusy {start, end, users, rooms}: for each user and room
 * of the account, the merged busy spans in [start, end) (at most 93 days,
 * 1,000 users and rooms; a room is busy with its bookings); an id
 * that is not a user of the account comes back in `errors`, not as a
 * failure of the whole request. Anyone who may own calendars may ask: in an
 * organisation, when colleagues are busy is not a secret, what they do is. */
#include "calendar/availability.h"

#include <stdio.h>
#include <string.h>

#include "calendar/access.h"
#include "calendar/booking.h"
#include "calendar/busy.h"
#include "calendar/event_json.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"

#define WINDOW_MAX (93 * 86400LL)
#define USERS_MAX 1000

static int read_time(struct req *r, json_t *in, const char *key, int64_t *out)
{
	const char *s, *why = NULL;
	int rc = jin_string(r, in, key, JIN_REQUIRED, 25, &s);
	if (rc)
		return rc;
	if (event_parse_time(s, "UTC", strlen(s) == 10, out, &why))
		return resp_field_error(r, key, "%s is a UTC time (2030-01-07T10:00:00Z) or a date: %s", key, why),
		       E_INVALID;
	return 0;
}

static json_t *spans_json(const struct busy_list *b)
{
	json_t *a = json_array();
	for (size_t i = 0; i < b->n; i++) {
		char s[32], e[32];
		clock_iso(b->v[i].start, s, sizeof s);
		clock_iso(b->v[i].end, e, sizeof e);
		json_array_append_new(a, json_pack("{s:s, s:s}", "start", s, "end", e));
	}
	return a;
}

static int freebusy(struct req *r)
{
	static const char *const allowed[] = {"start", "end", "users", "rooms", NULL};
	json_t *in;
	int64_t from, to;
	const char **ids = NULL, **room_ids = NULL;
	size_t nids = 0, nrooms = 0;
	int rc;
	if (!calendar_owner_role(r->who.role))
		return resp_problem(r, 403, "forbidden", "guests and customers may not look up colleagues' time"),
		       E_FORBIDDEN;
	if ((rc = jin_object(r, &in, allowed)) || (rc = read_time(r, in, "start", &from)) ||
	    (rc = read_time(r, in, "end", &to)) ||
	    (rc = jin_string_array(r, in, "users", JIN_OPTIONAL, USERS_MAX, 40, &ids, &nids)) ||
	    (rc = jin_string_array(r, in, "rooms", JIN_OPTIONAL, USERS_MAX, 40, &room_ids, &nrooms)))
		return rc;
	if (!ids && !room_ids)
		return resp_field_error(r, "users", "give users, rooms or both"), E_INVALID;
	if (to <= from || to - from > WINDOW_MAX)
		return resp_field_error(r, "end", "the window [start, end) must be non-empty and at most 93 days"),
		       E_INVALID;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	json_t *users = json_array(), *errors = json_array();
	if ((rc = store_begin(db, 0)))
		goto fail;
	for (size_t i = 0; i < nids; i++) {
		struct user u;
		rc = ids_valid(ids[i], "usr") ? store_user_get(db, r->who.account_id, ids[i], &u) : E_NOTFOUND;
		if (rc == E_NOTFOUND) {
			json_array_append_new(errors, json_pack("{s:s, s:s}", "id", ids[i], "reason", "not-found"));
			continue;
		}
		struct busy_list b = {0};
		if (rc || (rc = busy_of_user(db, u.account_id, u.id, from, to, &b))) {
			busy_free(&b);
			store_rollback(db);
			goto fail;
		}
		busy_merge(&b);
		json_array_append_new(users, json_pack("{s:s, s:o}", "id", u.id, "busy", spans_json(&b)));
		busy_free(&b);
	}
	json_t *rooms = json_array();
	for (size_t i = 0; i < nrooms; i++) {
		struct room room;
		rc = ids_valid(room_ids[i], "room") ? store_room_get(db, r->who.account_id, room_ids[i], &room)
						    : E_NOTFOUND;
		if (rc == E_NOTFOUND) {
			json_array_append_new(errors,
					      json_pack("{s:s, s:s}", "id", room_ids[i], "reason", "not-found"));
			continue;
		}
		struct busy_list b = {0};
		if (!rc)
			rc = busy_of_room(db, &room, from, to, &b);
		if (rc) {
			busy_free(&b);
			store_rollback(db);
			json_decref(rooms);
			goto fail;
		}
		busy_merge(&b);
		json_array_append_new(rooms, json_pack("{s:s, s:o}", "id", room.id, "busy", spans_json(&b)));
		busy_free(&b);
	}
	store_rollback(db);
	char f[32], t[32];
	clock_iso(from, f, sizeof f);
	clock_iso(to, t, sizeof t);
	return resp_json(r, 200,
			 json_pack("{s:s, s:s, s:o, s:o, s:o}", "start", f, "end", t, "users", users, "rooms", rooms,
				   "errors", errors));
fail:
	json_decref(users);
	json_decref(errors);
	return rc;
}

/* rooms that fit and are free for [start, end): may be booked by the caller,
 * open then, long enough allowed; at most max, best fit first */
static int fitting_rooms(struct req *r, struct db *db, const struct room_query *q, struct room *out, int max, int *n)
{
	struct room cand[20];
	char tz[20][64];
	struct room_query mine = *q; /* who may book is part of the search: not one query a room */
	if (strcmp(r->who.role, "admin"))
		mine.bookable_by = r->who.user_id;
	int got = 0, rc = store_room_free(db, r->who.account_id, &mine, cand, 20, &got);
	if (!rc)
		rc = store_room_time_zones(db, r->who.account_id, cand, got, tz);
	*n = 0;
	for (int i = 0; !rc && i < got && *n < max; i++) {
		if (!*tz[i]) /* no calendar (the room is being deleted) */
			continue;
		if ((cand[i].max_duration && q->end - q->start > cand[i].max_duration) ||
		    !booking_within_hours(&cand[i], tz[i], q->start, q->end))
			continue;
		out[(*n)++] = cand[i];
	}
	return rc;
}

/* POST /api/v1/find-time {start, end, duration_minutes, users, room, count,
 * step_minutes}: the first `count` slots of the duration in [start, end),
 * on the step, when every user is free and, when `room` ({capacity,
 * equipment, building}) is given, at least one room that fits is free too
 * (the answer names up to three). */
static int find_time(struct req *r)
{
	static const char *const allowed[] = {"start", "end",   "duration_minutes", "users",
					      "room",  "count", "step_minutes",     NULL};
	json_t *in;
	int64_t from, to;
	long long duration = 0, count = 5, step = 15;
	const char **ids = NULL;
	size_t nids = 0;
	int rc;
	if (!calendar_owner_role(r->who.role))
		return resp_problem(r, 403, "forbidden", "guests and customers may not look up colleagues' time"),
		       E_FORBIDDEN;
	if ((rc = jin_object(r, &in, allowed)) || (rc = read_time(r, in, "start", &from)) ||
	    (rc = read_time(r, in, "end", &to)) ||
	    (rc = jin_int(r, in, "duration_minutes", JIN_REQUIRED, 5, 24 * 60, &duration)) ||
	    (rc = jin_int(r, in, "count", JIN_OPTIONAL, 1, 50, &count)) ||
	    (rc = jin_int(r, in, "step_minutes", JIN_OPTIONAL, 5, 240, &step)) ||
	    (rc = jin_string_array(r, in, "users", JIN_OPTIONAL, USERS_MAX, 40, &ids, &nids)))
		return rc;
	if (to <= from || to - from > 31 * 86400LL)
		return resp_field_error(r, "end", "the window [start, end) must be non-empty and at most 31 days"),
		       E_INVALID;
	struct room_query q = {0};
	const char **tags = NULL;
	const char *building = NULL;
	json_t *want = json_object_get(in, "room");
	if (want && !json_is_null(want)) {
		static const char *const keys[] = {"capacity", "equipment", "building", NULL};
		const char *k;
		json_t *v;
		long long cap = 0;
		if (!json_is_object(want))
			return resp_field_error(r, "room", "room is {capacity, equipment, building}"), E_INVALID;
		json_object_foreach(want, k, v)
		{
			int known = 0;
			for (int i = 0; keys[i]; i++)
				known |= !strcmp(k, keys[i]);
			if (!known)
				return resp_field_error(r, "room", "unknown field '%.40s' in room", k), E_INVALID;
		}
		if ((rc = jin_int(r, want, "capacity", JIN_OPTIONAL, 0, 100000, &cap)) ||
		    (rc = jin_string_array(r, want, "equipment", JIN_OPTIONAL, 16, 63, &tags, &q.ntags)) ||
		    (rc = jin_string(r, want, "building", JIN_OPTIONAL, 120, &building)))
			return rc;
		q.capacity = (int)cap;
		q.tags = tags;
		q.building = building;
	}
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct busy_list busy = {0};
	json_t *slots = json_array(), *errors = json_array();
	if ((rc = store_begin(db, 0)))
		goto out;
	for (size_t i = 0; !rc && i < nids; i++) {
		struct user u;
		rc = ids_valid(ids[i], "usr") ? store_user_get(db, r->who.account_id, ids[i], &u) : E_NOTFOUND;
		if (rc == E_NOTFOUND) {
			json_array_append_new(errors, json_pack("{s:s, s:s}", "id", ids[i], "reason", "not-found"));
			rc = 0;
			continue;
		}
		if (!rc)
			rc = busy_of_user(db, u.account_id, u.id, from, to, &busy);
	}
	busy_merge(&busy);
	int64_t len = duration * 60, st = step * 60;
	int64_t t = from % st ? from + (st - from % st) : from;
	for (; !rc && t + len <= to && (long long)json_array_size(slots) < count; t += st) {
		if (!busy_is_free(&busy, t, t + len))
			continue;
		json_t *rooms = json_array();
		if (want && !json_is_null(want)) {
			struct room fit[3];
			int n = 0;
			q.start = t;
			q.end = t + len;
			if ((rc = fitting_rooms(r, db, &q, fit, 3, &n)) || !n) {
				json_decref(rooms);
				continue;
			}
			for (int i = 0; i < n; i++)
				json_array_append_new(rooms, json_pack("{s:s, s:s, s:i, s:s}", "id", fit[i].id, "name",
								       fit[i].name, "capacity", fit[i].capacity,
								       "building", fit[i].building));
		}
		char a[32], b[32];
		clock_iso(t, a, sizeof a);
		clock_iso(t + len, b, sizeof b);
		json_array_append_new(slots, json_pack("{s:s, s:s, s:o}", "start", a, "end", b, "rooms", rooms));
	}
	store_rollback(db);
out:
	busy_free(&busy);
	if (rc) {
		json_decref(slots);
		json_decref(errors);
		return rc;
	}
	return resp_json(r, 200, json_pack("{s:o, s:o}", "slots", slots, "errors", errors));
}

const struct route availability_routes[] = {
	{"POST", "/api/v1/freebusy", freebusy, 0},
	{"POST", "/api/v1/find-time", find_time, 0},
	{0},
};
