/* The booking sync against a real SQLite store: an event's room attendees
 * become rows of the bookings table, one per occurrence, and follow every
 * change of the event (time, recurrence and its exceptions, rooms, delete);
 * a booking that would overlap another of the room is refused whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "calendar/booking.h"
#include "calendar/event_store.h"
#include "ical/ics.h"
#include "core/clock.h"
#include "core/errors.h"
#include "fixture.h"

#define H 3600
#define DAY 86400

static struct calendar cal; /* the organizer's */
static struct room room_a, room_b;
static struct booking_actor actor;
static int64_t t0; /* 10:00 UTC two days from now: within every rule of the rooms */

static int setup(void **state)
{
	struct user org;
	if (fixture_setup(state) || fixture_user(&fx, "org@unit.test", "member", &org) ||
	    fixture_calendar(&fx, org.id, "UTC", &cal) || fixture_room(&fx, "Room A", "room-a@unit.test", &room_a) ||
	    fixture_room(&fx, "Room B", "room-b@unit.test", &room_b))
		return -1;
	static char org_id[ID_MAX];
	memcpy(org_id, org.id, sizeof org_id);
	actor = (struct booking_actor){org_id, "member"};
	t0 = (clock_now() / DAY + 2) * DAY + 10 * H;
	return 0;
}

static void utc(int64_t t, char out[17])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* one VCALENDAR: the master from start to end inviting the rooms, with
 * extra master lines (RRULE, EXDATE) and extra components (overrides) */
static char *ics(const char *uid, int64_t start, int64_t end, const char *rooms, const char *extra, const char *more)
{
	static char text[8192];
	char a[17], b[17], att[512] = "";
	utc(start, a);
	utc(end, b);
	for (const char *p = rooms; p && *p; p++) {
		size_t len = strlen(att);
		snprintf(att + len, sizeof att - len,
			 "ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:room-%c@unit.test\r\n", *p);
	}
	snprintf(text, sizeof text,
		 "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//unit//EN\r\n"
		 "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\n"
		 "SUMMARY:Planning\r\nORGANIZER:mailto:org@unit.test\r\n%s%s"
		 "END:VEVENT\r\n%sEND:VCALENDAR\r\n",
		 uid, a, b, att, extra ? extra : "", more ? more : "");
	return text;
}

/* stores text as a new event (id NULL, *id_out filled) or as event id, in
 * one write transaction that is rolled back when booking refuses it */
static int put(const char *text, const char *id, char id_out[ID_MAX], struct booking_result *res)
{
	struct ics_object *o = NULL, *final = NULL;
	struct ics_error err;
	struct event_saved saved;
	struct booking_result local = {0};
	int rc = ics_parse_object(text, strlen(text), "UTC", &o, &err);
	if (rc) {
		fprintf(stderr, "parse: %s\n", err.message);
		return rc;
	}
	if ((rc = store_begin(fx.db, 1)))
		goto out;
	rc = event_store(fx.db, &cal, o, id, &actor, res ? res : &local, &saved, &final);
	if (rc)
		store_rollback(fx.db);
	else
		rc = store_commit(fx.db);
	if (!rc && id_out)
		memcpy(id_out, saved.id, ID_MAX);
out:
	ics_object_free(final);
	ics_object_free(o);
	booking_result_free(&local);
	return rc;
}

static int bookings_of(const char *event_id, const struct room *room, struct booking *v, int max)
{
	int n = -1;
	assert_int_equal(store_booking_of_event(fx.db, fx.account_id, event_id, room ? room->id : NULL, v, max, &n), 0);
	return n;
}

/* is the room free over [start, end) (a booking of no event holds it)? */
static int room_free(const struct room *room, int64_t start, int64_t end)
{
	struct booking other;
	struct room now;
	assert_int_equal(store_room_get(fx.db, fx.account_id, room->id, &now), 0);
	int rc = store_booking_overlap(fx.db, fx.account_id, room->id, start, end, now.max_booking_len, "", &other);
	assert_true(rc == 0 || rc == E_NOTFOUND);
	return rc == E_NOTFOUND;
}

static void create_books_the_room_for_the_meeting(void **state)
{
	(void)state;
	char id[ID_MAX];
	struct booking v[4];
	assert_int_equal(put(ics("create@unit", t0, t0 + H, "a", NULL, NULL), NULL, id, NULL), 0);
	assert_int_equal(bookings_of(id, NULL, v, 4), 1);
	assert_string_equal(v[0].room_id, room_a.id);
	assert_int_equal(v[0].start_at, t0);
	assert_int_equal(v[0].end_at, t0 + H);
	assert_int_equal(v[0].busy_from, t0); /* no buffers */
	assert_int_equal(v[0].busy_to, t0 + H);
	assert_int_equal(v[0].recurrence_id, 0);
	assert_string_equal(v[0].status, "confirmed");
	assert_false(room_free(&room_a, t0 + 30 * 60, t0 + 90 * 60));
	assert_true(room_free(&room_b, t0, t0 + H));
	assert_int_equal(put(ics("create@unit", t0, t0 + H, NULL, NULL, NULL), id, NULL, NULL), 0); /* tidy */
}

static void a_new_time_moves_the_booking_and_frees_the_old_one(void **state)
{
	(void)state;
	char id[ID_MAX];
	struct booking v[4];
	int64_t s = t0 + DAY;
	assert_int_equal(put(ics("move@unit", s, s + H, "a", NULL, NULL), NULL, id, NULL), 0);
	assert_int_equal(put(ics("move@unit", s + 3 * H, s + 5 * H, "a", "SEQUENCE:1\r\n", NULL), id, NULL, NULL), 0);
	assert_int_equal(bookings_of(id, &room_a, v, 4), 1);
	assert_int_equal(v[0].start_at, s + 3 * H);
	assert_int_equal(v[0].end_at, s + 5 * H);
	assert_true(room_free(&room_a, s, s + H));
	assert_false(room_free(&room_a, s + 4 * H, s + 4 * H + 60));
	/* someone else may now take the old hour */
	char other[ID_MAX];
	assert_int_equal(put(ics("move-other@unit", s, s + H, "a", NULL, NULL), NULL, other, NULL), 0);
	assert_int_equal(bookings_of(other, &room_a, v, 4), 1);
}

static void a_series_books_each_occurrence_but_its_exceptions(void **state)
{
	(void)state;
	char id[ID_MAX], ex[17], rid[17], a[17], b[17], more[1024];
	struct booking v[16];
	int64_t s = t0 + 10 * DAY;
	utc(s + DAY, ex);      /* the second occurrence does not take place */
	utc(s + 3 * DAY, rid); /* the fourth is two hours later */
	utc(s + 3 * DAY + 2 * H, a);
	utc(s + 3 * DAY + 3 * H, b);
	char extra[128];
	snprintf(extra, sizeof extra, "RRULE:FREQ=DAILY;COUNT=5\r\nEXDATE:%s\r\n", ex);
	snprintf(more, sizeof more,
		 "BEGIN:VEVENT\r\nUID:series@unit\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:%s\r\n"
		 "DTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Planning (later)\r\nORGANIZER:mailto:org@unit.test\r\n"
		 "ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:room-a@unit.test\r\nEND:VEVENT\r\n",
		 rid, a, b);
	assert_int_equal(put(ics("series@unit", s, s + H, "a", extra, more), NULL, id, NULL), 0);
	int n = bookings_of(id, &room_a, v, 16);
	assert_int_equal(n, 4);
	/* in start order: days 0, 2, 3 (moved), 4; recurrence ids are the original starts */
	int64_t want_start[] = {s, s + 2 * DAY, s + 3 * DAY + 2 * H, s + 4 * DAY};
	int64_t want_rid[] = {s, s + 2 * DAY, s + 3 * DAY, s + 4 * DAY};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(v[i].start_at, want_start[i]);
		assert_int_equal(v[i].end_at, want_start[i] + H);
		assert_int_equal(v[i].recurrence_id, want_rid[i]);
	}
	assert_true(room_free(&room_a, s + DAY, s + DAY + H));         /* the exception */
	assert_true(room_free(&room_a, s + 3 * DAY, s + 3 * DAY + H)); /* where the moved one was */

	/* the series cut to three: the last two give their rooms back */
	snprintf(extra, sizeof extra, "RRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:%s\r\nSEQUENCE:1\r\n", ex);
	assert_int_equal(put(ics("series@unit", s, s + H, "a", extra, NULL), id, NULL, NULL), 0);
	n = bookings_of(id, &room_a, v, 16);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].start_at, s);
	assert_int_equal(v[1].start_at, s + 2 * DAY);
	assert_true(room_free(&room_a, s + 3 * DAY, s + 5 * DAY));
}

static void a_room_no_longer_invited_gives_its_bookings_back(void **state)
{
	(void)state;
	char id[ID_MAX];
	struct booking v[4];
	int64_t s = t0 + 20 * DAY;
	assert_int_equal(put(ics("rooms@unit", s, s + H, "ab", NULL, NULL), NULL, id, NULL), 0);
	assert_int_equal(bookings_of(id, NULL, v, 4), 2);
	assert_int_equal(put(ics("rooms@unit", s, s + H, "b", "SEQUENCE:1\r\n", NULL), id, NULL, NULL), 0);
	assert_int_equal(bookings_of(id, NULL, v, 4), 1);
	assert_string_equal(v[0].room_id, room_b.id);
	assert_true(room_free(&room_a, s, s + H));
	assert_false(room_free(&room_b, s, s + H));
	/* no room at all: nothing held */
	assert_int_equal(put(ics("rooms@unit", s, s + H, NULL, "SEQUENCE:2\r\n", NULL), id, NULL, NULL), 0);
	assert_int_equal(bookings_of(id, NULL, v, 4), 0);
	assert_true(room_free(&room_b, s, s + H));
}

static void a_deleted_event_frees_its_rooms(void **state)
{
	(void)state;
	char id[ID_MAX];
	struct booking v[8];
	int64_t s = t0 + 30 * DAY;
	assert_int_equal(put(ics("gone@unit", s, s + H, "ab", "RRULE:FREQ=WEEKLY;COUNT=2\r\n", NULL), NULL, id, NULL),
			 0);
	assert_int_equal(bookings_of(id, NULL, v, 8), 4);
	assert_int_equal(store_begin(fx.db, 1), 0);
	assert_int_equal(event_delete(fx.db, &cal, id), 0);
	assert_int_equal(store_commit(fx.db), 0);
	assert_int_equal(bookings_of(id, NULL, v, 8), 0);
	assert_true(room_free(&room_a, s, s + 8 * DAY));
	assert_true(room_free(&room_b, s, s + 8 * DAY));
}

static void an_overlapping_booking_is_refused_and_nothing_is_written(void **state)
{
	(void)state;
	char first[ID_MAX];
	struct booking v[4];
	struct booking_result res = {0};
	int64_t s = t0 + 40 * DAY;
	assert_int_equal(put(ics("first@unit", s, s + 2 * H, "a", NULL, NULL), NULL, first, NULL), 0);
	/* half an hour into it, in room A: refused, with what it collides with */
	assert_int_equal(put(ics("second@unit", s + H, s + 3 * H, "a", NULL, NULL), NULL, NULL, &res), E_CONFLICT);
	assert_true(res.refused);
	assert_int_equal(res.nrefusals, 1);
	assert_string_equal(res.refusals[0].rule, "conflict");
	assert_string_equal(res.refusals[0].room_id, room_a.id);
	assert_int_equal(res.refusals[0].start, s + H);
	assert_int_equal(res.refusals[0].other_start, s);
	assert_int_equal(res.refusals[0].other_end, s + 2 * H);
	booking_result_free(&res);
	/* rolled back: the event is not there, the first keeps its booking alone */
	struct arena *a = arena_new();
	struct event_row row;
	assert_int_equal(event_fetch_uid(fx.db, a, &cal, "second@unit", &row), E_NOTFOUND);
	arena_free(a);
	assert_int_equal(bookings_of(first, &room_a, v, 4), 1);
	struct booking other;
	struct room now;
	assert_int_equal(store_room_get(fx.db, fx.account_id, room_a.id, &now), 0);
	assert_int_equal(
		store_booking_overlap(fx.db, fx.account_id, room_a.id, s, s + 3 * H, now.max_booking_len, "", &other),
		0);
	assert_string_equal(other.event_id, first);

	/* a series one of whose occurrences collides is refused whole (the
	 * room allows no conflicts), and books none of the others */
	assert_int_equal(put(ics("series-clash@unit", s - 2 * DAY + H, s - 2 * DAY + 3 * H, "a",
				 "RRULE:FREQ=DAILY;COUNT=3\r\n", NULL),
			     NULL, NULL, &res),
			 E_CONFLICT);
	assert_int_equal(res.nrefusals, 1);
	assert_int_equal(res.refusals[0].recurrence_id, s + H);
	booking_result_free(&res);
	assert_true(room_free(&room_a, s - 2 * DAY, s - DAY + 4 * H));
	/* back to back is no overlap */
	char next[ID_MAX];
	assert_int_equal(put(ics("next@unit", s + 2 * H, s + 3 * H, "a", NULL, NULL), NULL, next, NULL), 0);
	assert_int_equal(bookings_of(next, &room_a, v, 4), 1);
}

int main(void)
{
	if (ics_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_books_the_room_for_the_meeting),
		cmocka_unit_test(a_new_time_moves_the_booking_and_frees_the_old_one),
		cmocka_unit_test(a_series_books_each_occurrence_but_its_exceptions),
		cmocka_unit_test(a_room_no_longer_invited_gives_its_bookings_back),
		cmocka_unit_test(a_deleted_event_frees_its_rooms),
		cmocka_unit_test(an_overlapping_booking_is_refused_and_nothing_is_written),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
