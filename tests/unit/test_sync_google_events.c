/* Google events normalised for inbound sync (sync/google_events.h): RFC 3339
 * times with offsets and fractions, all-day dates, the room's own answer
 * (by address or `self`), cancelled and free entries, our private property;
 * the convene UID of an occurrence (sync/inbound.h); and the marker of an
 * external meeting in stored text (calendar/event_store.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "calendar/event_store.h"
#include "core/errors.h"
#include "sync/google_events.h"
#include "sync/inbound.h"

static void times_are_read_in_utc(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(google_time_parse("2030-01-07T10:00:00Z", &t), 0);
	assert_int_equal(t, 1894010400);
	assert_int_equal(google_time_parse("2030-01-07T11:00:00.000+01:00", &t), 0);
	assert_int_equal(t, 1894010400);
	assert_int_equal(google_time_parse("2030-01-07T05:30:00-04:30", &t), 0);
	assert_int_equal(t, 1894010400);
	assert_int_equal(google_time_parse("2030-01-07", &t), 0);
	assert_int_equal(t, 1894010400 - 10 * 3600);
	assert_int_equal(google_time_parse("2030-01-07T10:00:00", &t), E_INVALID); /* no offset */
	assert_int_equal(google_time_parse("2030-13-07", &t), E_INVALID);
	assert_int_equal(google_time_parse("2030-01-07T10:00:00Zjunk", &t), E_INVALID);
	assert_int_equal(google_time_parse("", &t), E_INVALID);
	assert_int_equal(google_time_parse(NULL, &t), E_INVALID);
}

static struct sync_room room = {.email = "ada@resource.calendar.google.com",
				.provider_room_id = "ada@resource.calendar.google.com"};

static void an_event_is_normalised(void **state)
{
	(void)state;
	json_t *ev = json_loads(
		"{\"id\":\"abc_20300107T100000Z\",\"etag\":\"\\\"3\\\"\",\"status\":\"confirmed\",\"iCalUID\":\"abc@google.com\","
		"\"recurringEventId\":\"abc\",\"summary\":\"Board\",\"created\":\"2029-12-01T08:00:00.000Z\","
		"\"organizer\":{\"email\":\"alice@example.com\",\"displayName\":\"Alice\"},"
		"\"start\":{\"dateTime\":\"2030-01-07T11:00:00+01:00\",\"timeZone\":\"Europe/Paris\"},"
		"\"end\":{\"dateTime\":\"2030-01-07T12:00:00+01:00\"},"
		"\"attendees\":[{\"email\":\"alice@example.com\",\"responseStatus\":\"accepted\"},"
		"{\"email\":\"ADA@resource.calendar.google.com\",\"resource\":true,\"responseStatus\":\"tentative\"}],"
		"\"extendedProperties\":{\"private\":{\"convene_event_id\":\"evt_x\"}}}",
		0, NULL);
	assert_non_null(ev);
	struct sync_change c;
	google_event_change(ev, &room, &c);
	assert_string_equal(c.provider_event_id, "abc_20300107T100000Z");
	assert_string_equal(c.series_id, "abc");
	assert_int_equal(c.start, 1894010400);
	assert_int_equal(c.end, 1894014000);
	assert_false(c.all_day);
	assert_false(c.removed);
	assert_string_equal(c.room_response, "tentative");
	assert_string_equal(c.tzid, "Europe/Paris");
	assert_string_equal(c.organizer_email, "alice@example.com");
	assert_string_equal(c.convene_event_id, "evt_x");
	assert_true(c.created > 0);
	char uid[200];
	inbound_uid(&c, "google", uid, sizeof uid);
	assert_string_equal(uid, "abc@google.com-20300107T100000Z"); /* one UID per occurrence */
	json_decref(ev);
}

static void cancelled_free_self_and_all_day(void **state)
{
	(void)state;
	struct sync_change c;
	json_t *ev = json_loads("{\"id\":\"x\",\"status\":\"cancelled\"}", 0, NULL);
	google_event_change(ev, &room, &c);
	assert_true(c.removed);
	json_decref(ev);
	ev = json_loads("{\"id\":\"y\",\"transparency\":\"transparent\",\"start\":{\"date\":\"2030-01-07\"},"
			"\"end\":{\"date\":\"2030-01-09\"}}",
			0, NULL);
	google_event_change(ev, &room, &c);
	assert_true(c.removed); /* free time holds nothing */
	assert_true(c.all_day);
	assert_int_equal(c.end - c.start, 2 * 86400);
	json_decref(ev);
	ev = json_loads("{\"id\":\"z\",\"start\":{\"dateTime\":\"2030-01-07T10:00:00Z\"},"
			"\"end\":{\"dateTime\":\"2030-01-07T11:00:00Z\"},"
			"\"attendees\":[{\"email\":\"other@x\",\"self\":true,\"responseStatus\":\"declined\"}]}",
			0, NULL);
	google_event_change(ev, &room, &c);
	assert_string_equal(c.room_response, "declined");
	assert_string_equal(c.series_id, "");
	inbound_uid(&c, "google", (char[64]){0}, 64);
	json_decref(ev);
	ev = json_loads("{\"id\":\"w\",\"start\":{\"dateTime\":\"2030-01-07T10:00:00Z\"},"
			"\"end\":{\"dateTime\":\"2030-01-07T11:00:00Z\"}}",
			0, NULL);
	google_event_change(ev, &room, &c);
	assert_string_equal(c.room_response, "accepted"); /* put straight on the room's calendar */
	json_decref(ev);
}

static void the_external_marker_is_a_property_only(void **state)
{
	(void)state;
	assert_string_equal(event_external("BEGIN:VEVENT\r\nUID:a\r\nX-CONVENE-EXTERNAL:google\r\nEND:VEVENT\r\n"),
			    "google");
	assert_string_equal(event_external("BEGIN:VEVENT\r\nX-CONVENE-EXTERNAL:microsoft\r\nEND:VEVENT\r\n"),
			    "microsoft");
	assert_string_equal(event_external("BEGIN:VEVENT\r\nX-CONVENE-EXTERNAL:other\r\nEND:VEVENT\r\n"), "");
	/* in a description it is escaped text, not a property */
	assert_null(event_external("BEGIN:VEVENT\r\nDESCRIPTION:a\\nX-CONVENE-EXTERNAL:google\r\nEND:VEVENT\r\n"));
	assert_null(event_external("BEGIN:VEVENT\r\nSUMMARY:x\r\n X-CONVENE-EXTERNAL:google\r\nEND:VEVENT\r\n"));
	assert_null(event_external(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(times_are_read_in_utc),
		cmocka_unit_test(an_event_is_normalised),
		cmocka_unit_test(cancelled_free_self_and_all_day),
		cmocka_unit_test(the_external_marker_is_a_property_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
