/* The calendar's event hooks as several domains use them (conferencing,
 * sync): each registrant's filter and changed are called in registration
 * order, the second filter sees the first's replacement, an error stops the
 * write and leaves nothing behind, and the list is bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar/event_store.h"
#include "core/arena.h"
#include "core/errors.h"
#include "ical/ics.h"
#include "fixture.h"

static struct calendar cal;
static struct booking_actor actor;
static char calls[256]; /* each hook's letter as it is called */
static int fail_c;      /* hook C's filter refuses */

static const char *event(const char *uid, const char *summary)
{
	static char text[1024];
	snprintf(text, sizeof text,
		 "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//unit//EN\r\n"
		 "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20300105T100000Z\r\n"
		 "DTEND:20300105T110000Z\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		 uid, summary);
	return text;
}

/* o again with its summary followed by tag */
static int retitle(const struct ics_object *o, const char *tag, struct ics_object **out)
{
	char summary[200];
	snprintf(summary, sizeof summary, "%s%s", o->master.summary, tag);
	const char *text = event(o->master.uid, summary);
	struct ics_error err;
	return ics_parse_object(text, strlen(text), "UTC", out, &err);
}

static int filter_a(struct db *db, const struct calendar *c, const struct event_row *prev, const struct ics_object *o,
		    struct ics_object **out)
{
	strcat(calls, "a");
	return retitle(o, "+a", out);
}

static int filter_b(struct db *db, const struct calendar *c, const struct event_row *prev, const struct ics_object *o,
		    struct ics_object **out)
{
	strcat(calls, "b");
	return retitle(o, "+b", out);
}

/* replaces, then (when told) refuses: the replacement must still be freed */
static int filter_c(struct db *db, const struct calendar *c, const struct event_row *prev, const struct ics_object *o,
		    struct ics_object **out)
{
	strcat(calls, "c");
	int rc = retitle(o, "+c", out);
	return rc ? rc : fail_c ? E_INVALID : 0;
}

static int changed_a(struct db *db, const struct calendar *c, const struct event_row *prev, const char *id,
		     const struct ics_object *stored)
{
	strcat(calls, stored ? "A" : "a-");
	return 0;
}

static int changed_b(struct db *db, const struct calendar *c, const struct event_row *prev, const char *id,
		     const struct ics_object *stored)
{
	strcat(calls, stored ? "B" : "b-");
	return 0;
}

static const struct event_hooks hook_a = {filter_a, changed_a};
static const struct event_hooks hook_b = {filter_b, changed_b};
static const struct event_hooks hook_c = {filter_c, NULL};
static const struct event_hooks hook_d = {NULL, NULL};
static const struct event_hooks hook_e = {NULL, NULL};

static int setup(void **state)
{
	struct user org;
	if (fixture_setup(state) || fixture_user(&fx, "org@unit.test", "member", &org) ||
	    fixture_calendar(&fx, org.id, "UTC", &cal))
		return -1;
	static char org_id[ID_MAX];
	memcpy(org_id, org.id, sizeof org_id);
	actor = (struct booking_actor){org_id, "member"};
	return 0;
}

/* one event_write in its own transaction (rolled back on an error) */
static int put_event(const char *text, const struct event_row *prev, char id_out[ID_MAX])
{
	struct ics_object *o = NULL;
	struct ics_error err;
	struct event_written out;
	struct arena *a = arena_new();
	int rc = text ? ics_parse_object(text, strlen(text), "UTC", &o, &err) : 0;
	if (rc || (rc = store_begin(fx.db, 1)))
		goto out;
	struct event_write w = {.cal = &cal, .prev = prev, .o = o, .actor = &actor, .deliver = EVENT_QUIET};
	rc = event_write(fx.db, a, &w, &out);
	if (!rc && id_out)
		memcpy(id_out, out.saved.id, ID_MAX);
	event_written_free(&out);
	if (rc)
		store_rollback(fx.db);
	else
		rc = store_commit(fx.db);
out:
	ics_object_free(o);
	arena_free(a);
	return rc;
}

static void registrants_are_called_in_order_and_filters_chain(void **state)
{
	assert_int_equal(event_hooks_add(&hook_a), 0);
	assert_int_equal(event_hooks_add(&hook_b), 0);
	assert_int_equal(event_hooks_add(&hook_a), 0); /* again: still once */
	calls[0] = 0;
	char id[ID_MAX];
	assert_int_equal(put_event(event("chain@unit", "Plan"), NULL, id), 0);
	assert_string_equal(calls, "abAB");
	struct arena *a = arena_new();
	struct event_row row;
	assert_int_equal(event_fetch(fx.db, a, &cal, id, &row), 0);
	assert_string_equal(row.summary, "Plan+a+b"); /* b was given a's object */
	calls[0] = 0;
	assert_int_equal(put_event(NULL, &row, NULL), 0); /* a delete: changed only, in order */
	assert_string_equal(calls, "a-b-");
	assert_int_equal(event_fetch(fx.db, a, &cal, id, &row), E_NOTFOUND);
	arena_free(a);
}

static void a_refusing_filter_stops_the_write(void **state)
{
	assert_int_equal(event_hooks_add(&hook_c), 0);
	fail_c = 1;
	calls[0] = 0;
	assert_int_equal(put_event(event("refused@unit", "Plan"), NULL, NULL), E_INVALID);
	assert_string_equal(calls, "abc"); /* no changed: nothing was stored */
	struct arena *a = arena_new();
	struct event_row row;
	assert_int_equal(event_fetch_uid(fx.db, a, &cal, "refused@unit", &row), E_NOTFOUND);
	fail_c = 0;
	calls[0] = 0;
	assert_int_equal(put_event(event("kept@unit", "Plan"), NULL, NULL), 0);
	assert_string_equal(calls, "abcAB");
	assert_int_equal(event_fetch_uid(fx.db, a, &cal, "kept@unit", &row), 0);
	assert_string_equal(row.summary, "Plan+a+b+c");
	arena_free(a);
}

static void the_list_is_bounded(void **state)
{
	assert_int_equal(event_hooks_add(&hook_d), 0); /* the fourth */
	assert_int_equal(event_hooks_add(&hook_e), E_TOOLARGE);
	assert_int_equal(event_hooks_add(&hook_d), 0); /* one already there is no new one */
}

int main(void)
{
	if (ics_init())
		return 1;
	/* in this order: each adds to the one list */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registrants_are_called_in_order_and_filters_chain),
		cmocka_unit_test(a_refusing_filter_stops_the_write),
		cmocka_unit_test(the_list_is_bounded),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
