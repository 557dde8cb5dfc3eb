/* Room displays. The token in the path is the credential (256 bits, only its
 * hash kept), checked again at every stream event so that a revoked display
 * goes blank at once. The state leaves out anything that changes by the
 * minute (the page counts down from `end` itself), so a stream sends only
 * when bookings change. Subjects show as "Booked" when the room or the event
 * hides them. */
#include "calendar/display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/booking.h"
#include "calendar/event_store.h"
#include "ical/ics.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "http/sse.h"
#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "settings/settings.h"

#define TODAY_MAX 200
#define CHECKIN_EARLY (10 * 60) /* check-in opens ten minutes before the start */

struct door {
	struct room_display d;
	struct room room;
	struct calendar cal;
};

/* the display named by the token in the path, its room and calendar */
static int open_door(struct db *db, const char *token, struct door *x)
{
	char hash[HASH_HEX_MAX];
	if (!token || strlen(token) != SECRET_MAX - 5)
		return E_NOTFOUND;
	ids_hash(token, hash);
	int rc = store_display_by_hash(db, hash, &x->d);
	if (!rc)
		rc = store_room_get(db, x->d.account_id, x->d.room_id, &x->room);
	if (!rc)
		rc = store_calendar_get(db, x->room.account_id, x->room.calendar_id, &x->cal);
	return rc;
}

static const char *zone(const struct door *x)
{
	return strcmp(x->cal.time_zone, "UTC") ? x->cal.time_zone : NULL;
}

static json_t *booking_json(const struct door *x, const struct booking *b)
{
	char s[32], e[32];
	ics_format_time(b->start_at, zone(x), 0, s, sizeof s);
	ics_format_time(b->end_at, zone(x), 0, e, sizeof e);
	int hide = x->room.hide_subjects || strcmp(b->klass, "PUBLIC");
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "booking_id", b->id, "start", s, "end", e, "summary",
			      hide ? "Booked" : b->summary, "status", b->status, "checked_in", b->checked_in_at != 0);
	json_object_set_new(j, "organizer", *b->organizer ? json_string(b->organizer) : json_null());
	return j;
}

static int join_cb(void *ctx, const struct event_row *e)
{
	char *out = ctx;
	if (ics_conference_uri(e->ical, NULL, out, 1024))
		out[0] = 0;
	return 0;
}

/* the online meeting of the booking's event (its RFC 7986 CONFERENCE), for
 * the current and next meeting: null when none, or when the room hides
 * subjects or the event is private (the link lets anyone in) */
static void join_url(struct db *db, const struct door *x, const struct booking *b, json_t *j)
{
	char url[1024] = "";
	int hide = x->room.hide_subjects || strcmp(b->klass, "PUBLIC");
	if (!hide && *b->event_id)
		store_event_get(db, x->room.account_id, b->event_id, join_cb, url);
	/* only web links: a display shows and encodes nothing else */
	int web = !strncmp(url, "https://", 8) || !strncmp(url, "http://", 7);
	json_object_set_new(j, "join_url", web ? json_string(url) : json_null());
}

/* the room's state: now, next, the rest of today; *current gets the booking
 * going on (id "" when none) */
static int state(struct db *db, const struct door *x, int64_t now, json_t **out, struct booking *current)
{
	struct booking *v = malloc(sizeof *v * TODAY_MAX);
	int n = 0, rc;
	if (!v)
		return E_NOMEM;
	/* today in the room's zone: from its local midnight to the next */
	char local[24];
	int64_t midnight;
	ics_utc_to_local(x->cal.time_zone, now, local, sizeof local);
	snprintf(local + 11, sizeof local - 11, "00:00:00");
	if (ics_local_to_utc(x->cal.time_zone, local, &midnight))
		midnight = now - now % 86400;
	rc = store_booking_window(db, x->room.account_id, x->room.id, midnight, midnight + 86400 + 3600,
				  x->room.max_booking_len, v, TODAY_MAX, &n);
	if (rc) {
		free(v);
		return rc;
	}
	json_t *today = json_array(), *cur = json_null(), *next = json_null();
	memset(current, 0, sizeof *current);
	int64_t free_until = 0;
	for (int i = 0; i < n; i++) {
		if (v[i].end_at <= now)
			continue;
		if (v[i].start_at <= now && !*current->id) {
			*current = v[i];
			json_decref(cur);
			cur = booking_json(x, &v[i]);
			join_url(db, x, &v[i], cur);
			if (x->room.checkin_minutes)
				json_object_set_new(
					cur, "check_in_by",
					json_integer((json_int_t)(v[i].start_at + x->room.checkin_minutes * 60)));
			continue;
		}
		if (json_is_null(next)) {
			next = booking_json(x, &v[i]);
			join_url(db, x, &v[i], next);
			free_until = v[i].start_at;
		}
		json_array_append_new(today, booking_json(x, &v[i]));
	}
	free(v);
	char eq[32][ROOM_TAG_MAX];
	int ne = 0;
	store_room_tags(db, x->room.account_id, x->room.id, eq, 32, &ne);
	json_t *tags = json_array();
	for (int i = 0; i < ne; i++)
		json_array_append_new(tags, json_string(eq[i]));
	json_t *can = json_array();
	if (!*current->id)
		for (int m = 15; m <= 60; m *= 2) {
			int64_t end = now + m * 60;
			if ((!free_until || end + x->room.buffer_after <= free_until - x->room.buffer_before) &&
			    (!x->room.max_duration || m * 60 <= x->room.max_duration))
				json_array_append_new(can, json_integer(m));
		}
	*out = json_pack("{s:{s:s, s:s, s:i, s:s, s:s, s:o}, s:o, s:o, s:o, s:o, s:o, s:b}", "room", "id", x->room.id,
			 "name", x->room.name, "capacity", x->room.capacity, "building", x->room.building, "floor",
			 x->room.floor, "equipment", tags, "tzid", zone(x) ? json_string(zone(x)) : json_null(),
			 "current", cur, "next", next, "today", today, "can_book_minutes", can, "check_in",
			 x->room.checkin_minutes > 0);
	/* the screen has no user: it speaks the account's language */
	char lang[16] = "en";
	settings_value(db, x->room.account_id, NULL, "language", lang, sizeof lang);
	json_object_set_new(*out, "language", json_string(lang));
	return 0;
}

static int not_found(struct req *r)
{
	return resp_problem(r, 404, "not-found", "no display with this address (it may have been revoked)"), E_NOTFOUND;
}

static int show(struct req *r)
{
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct door x;
	int rc = open_door(db, req_param(r, "token"), &x);
	if (rc == E_NOTFOUND)
		return not_found(r);
	if (rc)
		return rc;
	int64_t now = clock_now();
	if (now - x.d.last_seen_at > 60) /* a heartbeat for the admin's list, not a write per poll */
		store_display_seen(db, x.d.account_id, x.d.id, now);
	json_t *out;
	struct booking cur;
	if ((rc = state(db, &x, now, &out, &cur)))
		return rc;
	char t[32];
	clock_iso(now, t, sizeof t);
	json_object_set_new(out, "now", json_string(t));
	return resp_json(r, 200, out);
}

struct watch {
	char token[SECRET_MAX];
};

static int render(void *ctx, struct buf *data, char id[SSE_ID_MAX])
{
	struct watch *w = ctx;
	struct db *db = store_db();
	struct door x;
	struct booking cur;
	json_t *out;
	if (!db)
		return E_BUSY;
	int rc = open_door(db, w->token, &x);
	if (rc)
		return rc;
	if ((rc = state(db, &x, clock_now(), &out, &cur)))
		return rc;
	char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(out);
	if (!text)
		return E_NOMEM;
	char h[HASH_HEX_MAX];
	ids_hash(text, h);
	snprintf(id, SSE_ID_MAX, "%.24s", h);
	rc = buf_puts(data, text);
	free(text);
	return rc;
}

static int stream(struct req *r)
{
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct door x;
	int rc = open_door(db, req_param(r, "token"), &x);
	if (rc == E_NOTFOUND)
		return not_found(r);
	if (rc)
		return rc;
	struct watch *w = calloc(1, sizeof *w);
	if (!w)
		return E_NOMEM;
	snprintf(w->token, sizeof w->token, "%s", req_param(r, "token"));
	char topic[64];
	snprintf(topic, sizeof topic, "room:%s", x.room.id);
	return sse_start(r, topic, "display", render, w, free);
}

/* the door's actions run in one write transaction and answer the new state */
typedef int (*door_fn)(struct req *r, struct db *db, struct door *x, struct booking *cur, int64_t now, int arg);

static int act(struct req *r, door_fn fn, int arg)
{
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct door x;
	struct booking cur;
	json_t *out;
	int64_t now = clock_now();
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	rc = open_door(db, req_param(r, "token"), &x);
	if (rc == E_NOTFOUND)
		return api_abort(db, not_found(r));
	if (rc || (rc = state(db, &x, now, &out, &cur)))
		goto fail;
	json_decref(out);
	if ((rc = fn(r, db, &x, &cur, now, arg)))
		goto fail;
	if ((rc = booking_room_changed(db, x.room.id)) || (rc = store_commit(db)))
		goto fail;
	if ((rc = state(db, &x, now, &out, &cur)))
		return rc;
	return resp_json(r, 200, out);
fail:
	return api_abort(db, rc);
}

static int do_check_in(struct req *r, struct db *db, struct door *x, struct booking *cur, int64_t now, int arg)
{
	(void)arg;
	struct booking b = *cur;
	if (!*b.id) { /* the next one, when it starts within ten minutes */
		struct booking v[2];
		int n = 0;
		int rc = store_booking_window(db, x->room.account_id, x->room.id, now, now + CHECKIN_EARLY + 1,
					      x->room.max_booking_len, v, 2, &n);
		if (rc)
			return rc;
		if (!n || v[0].start_at > now + CHECKIN_EARLY)
			return resp_problem(r, 409, "nothing-to-check-in",
					    "no booking of this room is going on or starts in the next ten minutes"),
			       E_CONFLICT;
		b = v[0];
	}
	if (b.checked_in_at)
		return 0;
	return store_booking_check_in(db, x->room.account_id, b.id, now);
}

static int do_end(struct req *r, struct db *db, struct door *x, struct booking *cur, int64_t now, int arg)
{
	(void)arg;
	if (!*cur->id)
		return resp_problem(r, 409, "nothing-to-end", "no booking of this room is going on"), E_CONFLICT;
	return store_booking_set_end(db, x->room.account_id, cur->id, now, now + x->room.buffer_after);
}

static int do_book(struct req *r, struct db *db, struct door *x, struct booking *cur, int64_t now, int book_minutes)
{
	int64_t end = now + book_minutes * 60;
	struct booking other;
	if (*cur->id)
		return resp_problem(r, 409, "booking-conflict", "the room is in use"), E_CONFLICT;
	if (x->room.max_duration && book_minutes * 60 > x->room.max_duration)
		return resp_problemf(r, 409, "booking-conflict", "%s may be booked for at most %lld minutes",
				     x->room.name, (long long)x->room.max_duration / 60),
		       E_CONFLICT;
	int rc = store_booking_overlap(db, x->room.account_id, x->room.id, now - x->room.buffer_before,
				       end + x->room.buffer_after, x->room.max_booking_len, NULL, &other);
	if (rc == 0)
		return resp_problem(r, 409, "booking-conflict", "the room is booked before that time is over"),
		       E_CONFLICT;
	if (rc != E_NOTFOUND)
		return rc;
	/* an event in the room's own calendar holds the booking */
	struct ics_event ev = {.summary = "Booked at the door", .start = now, .end = end, .tzid = NULL};
	char uid[64], rnd[ID_MAX];
	ids_new("evt", rnd);
	snprintf(uid, sizeof uid, "%s@convene", rnd + 4);
	ev.uid = uid;
	struct ics_object *o = NULL;
	struct ics_error err;
	struct event_saved saved;
	if ((rc = ics_build(&ev, &o, &err)))
		return rc;
	rc = event_store(db, &x->cal, o, NULL, NULL, NULL, &saved, NULL);
	ics_object_free(o);
	if (rc)
		return rc;
	struct booking b = {0};
	snprintf(b.account_id, sizeof b.account_id, "%s", x->room.account_id);
	ids_new("bkg", b.id);
	snprintf(b.room_id, sizeof b.room_id, "%s", x->room.id);
	snprintf(b.event_id, sizeof b.event_id, "%s", saved.id);
	b.start_at = now;
	b.end_at = end;
	b.busy_from = now - x->room.buffer_before;
	b.busy_to = end + x->room.buffer_after;
	snprintf(b.status, sizeof b.status, "confirmed");
	b.checked_in_at = now; /* booked by someone standing there */
	b.created_at = now;
	rc = store_booking_insert(db, &b);
	if (rc == E_CONFLICT)
		return resp_problem(r, 409, "booking-conflict", "the room was just booked"), E_CONFLICT;
	return rc;
}

static int check_in(struct req *r)
{
	return act(r, do_check_in, 0);
}

static int end_now(struct req *r)
{
	return act(r, do_end, 0);
}

static int book_now(struct req *r)
{
	static const char *const allowed[] = {"minutes", NULL};
	json_t *in;
	long long m = 0;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_int(r, in, "minutes", JIN_REQUIRED, 15, 60, &m)))
		return rc;
	if (m != 15 && m != 30 && m != 60)
		return resp_field_error(r, "minutes", "book for 15, 30 or 60 minutes"), E_INVALID;
	return act(r, do_book, (int)m);
}

/* ---------------------------------------------------------------- administration */

static int load_room(struct req *r, struct db *db, struct room *o)
{
	const char *id = req_param(r, "id");
	int rc = ids_valid(id, "room") ? store_room_get(db, r->who.account_id, id, o) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no room '%.40s' in this account", id);
	return rc;
}

static json_t *display_json(const struct room_display *d, const char *token)
{
	char created[32], seen[32];
	clock_iso(d->created_at, created, sizeof created);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "id", d->id, "room_id", d->room_id, "name", d->name, "created_at",
			      created);
	if (d->last_seen_at)
		clock_iso(d->last_seen_at, seen, sizeof seen);
	json_object_set_new(j, "last_seen_at", d->last_seen_at ? json_string(seen) : json_null());
	if (token) { /* shown once */
		char url[700];
		snprintf(url, sizeof url, "%s/display/%s", config_current()->public_url, token);
		json_object_set_new(j, "token", json_string(token));
		json_object_set_new(j, "url", json_string(url));
	}
	return j;
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"name", NULL};
	json_t *in;
	const char *name = NULL;
	int rc;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "name", JIN_OPTIONAL, 120, &name)))
		return rc;
	struct room room;
	struct room_display d = {0};
	char token[SECRET_MAX];
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load_room(r, db, &room)))
		goto fail;
	snprintf(d.account_id, sizeof d.account_id, "%s", room.account_id);
	ids_new("dsp", d.id);
	snprintf(d.room_id, sizeof d.room_id, "%s", room.id);
	snprintf(d.name, sizeof d.name, "%s", name && *name ? name : "Door display");
	snprintf(d.created_by, sizeof d.created_by, "%s", r->who.user_id);
	d.created_at = clock_now();
	ids_secret(token);
	ids_hash(token, d.token_hash);
	if ((rc = store_display_insert(db, &d)) ||
	    (rc = audit_record(r, db, "room_display.create", "room", room.id, room.name, NULL,
			       json_pack("{s:s, s:s}", "display_id", d.id, "name", d.name))))
		goto fail;
	return api_commit_json(r, db, 201, display_json(&d, token));
fail:
	return api_abort(db, rc);
}

static int list(struct req *r)
{
	int rc, n = 0;
	if ((rc = access_read_admin(r)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct room room;
	struct room_display d[64];
	if ((rc = load_room(r, db, &room)) || (rc = store_display_list(db, room.account_id, room.id, d, 64, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, display_json(&d[i], NULL));
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

static int revoke(struct req *r)
{
	int rc;
	if ((rc = access_admin(r)))
		return rc;
	struct room room;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load_room(r, db, &room)))
		goto fail;
	rc = store_display_delete(db, room.account_id, room.id, req_param(r, "display_id"));
	if (rc == E_NOTFOUND) {
		resp_problem(r, 404, "not-found", "no such display of this room");
		goto fail;
	}
	/* its open stream hears of it and ends */
	if (rc || (rc = booking_room_changed(db, room.id)) ||
	    (rc = audit_record(r, db, "room_display.revoke", "room", room.id, room.name,
			       json_pack("{s:s}", "display_id", req_param(r, "display_id")), NULL)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

const struct route display_routes[] = {
	{"POST", "/api/v1/rooms/{id}/displays", create, 0},
	{"GET", "/api/v1/rooms/{id}/displays", list, 0},
	{"DELETE", "/api/v1/rooms/{id}/displays/{display_id}", revoke, 0},
	{"GET", "/api/v1/display/{token}", show, ROUTE_PUBLIC | ROUTE_SECRET_PARAMS},
	{"GET", "/api/v1/display/{token}/stream", stream, ROUTE_PUBLIC | ROUTE_SECRET_PARAMS},
	{"POST", "/api/v1/display/{token}/check-in", check_in, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_SECRET_PARAMS},
	{"POST", "/api/v1/display/{token}/end", end_now, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_SECRET_PARAMS},
	{"POST", "/api/v1/display/{token}/book", book_now, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_SECRET_PARAMS},
	{0},
};
