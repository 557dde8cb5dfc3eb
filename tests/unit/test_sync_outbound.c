/* Unit tests of outbound calendar sync's pure parts: the job body an event
 * makes (a series' left-out occurrences in UTC across a DST change, cancelled
 * overrides among them, moved ones apart, a private meeting only busy) and
 * read back as a provider booking; Google's event id derived from convene's
 * (base32hex, as Google allows); the back-off of retries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "sync/google_write.h"
#include "sync/outbound.h"
#include "sync/outbound_worker.h"

/* a weekly series from Monday 2026-10-19 10:00 Paris (08:00Z; 09:00Z after
 * the change to winter time on 25 October) */
static const char SERIES[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
			     "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20260101T000000Z\r\n"
			     "DTSTART;TZID=Europe/Paris:20261019T100000\r\nDTEND;TZID=Europe/Paris:20261019T110000\r\n"
			     "RRULE:FREQ=WEEKLY;COUNT=5\r\nEXDATE;TZID=Europe/Paris:20261026T100000\r\n"
			     "SUMMARY:Board\r\nDESCRIPTION:Agenda\r\nORGANIZER;CN=Ada:mailto:ada@example.com\r\n"
			     "END:VEVENT\r\n"
			     "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20260101T000000Z\r\n"
			     "RECURRENCE-ID;TZID=Europe/Paris:20261102T100000\r\n"
			     "DTSTART;TZID=Europe/Paris:20261102T100000\r\nDTEND;TZID=Europe/Paris:20261102T110000\r\n"
			     "STATUS:CANCELLED\r\nSUMMARY:Board\r\nEND:VEVENT\r\n"
			     "BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20260101T000000Z\r\n"
			     "RECURRENCE-ID;TZID=Europe/Paris:20261109T100000\r\n"
			     "DTSTART;TZID=Europe/Paris:20261109T113000\r\nDTEND;TZID=Europe/Paris:20261109T123000\r\n"
			     "SUMMARY:Board\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

static void test_series_body(void **state)
{
	(void)state;
	struct ics_object *o = NULL;
	struct ics_error err;
	assert_int_equal(ics_parse_object(SERIES, strlen(SERIES), "UTC", &o, &err), 0);
	json_t *b = sync_outbound_body(o);
	ics_object_free(o);
	assert_non_null(b);
	assert_string_equal(json_string_value(json_object_get(b, "summary")), "Board");
	assert_string_equal(json_string_value(json_object_get(b, "description")), "Agenda");
	assert_string_equal(json_string_value(json_object_get(b, "organizer_email")), "ada@example.com");
	assert_string_equal(json_string_value(json_object_get(b, "tzid")), "Europe/Paris");
	assert_string_equal(json_string_value(json_object_get(b, "rrule")), "FREQ=WEEKLY;COUNT=5");
	assert_int_equal(json_integer_value(json_object_get(b, "start")), 1792396800);

	struct sync_booking k;
	int64_t *mem = NULL;
	assert_int_equal(sync_outbound_booking(b, "evt_1", &k, &mem), 0);
	assert_string_equal(k.convene_event_id, "evt_1");
	assert_int_equal(k.end - k.start, 3600);
	assert_string_equal(k.rrule, "FREQ=WEEKLY;COUNT=5");
	/* the EXDATE (26 Oct, winter time: 09:00Z) and the cancelled 2 Nov */
	assert_int_equal(k.nexdates, 2);
	assert_int_equal(k.exdates[0], 1793005200);
	assert_int_equal(k.exdates[1], 1793610000);
	/* 9 Nov moved from 10:00 to 11:30 */
	assert_int_equal(k.nmoved, 1);
	assert_int_equal(k.moved[0].recurrence_id, 1794214800);
	assert_int_equal(k.moved[0].start, 1794220200);
	assert_int_equal(k.moved[0].end, 1794220200 + 3600);
	free(mem);
	json_decref(b);
}

static void test_private_is_busy(void **state)
{
	(void)state;
	static const char T[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:p1\r\n"
				"DTSTAMP:20260101T000000Z\r\nDTSTART:20261019T080000Z\r\nDTEND:20261019T090000Z\r\n"
				"SUMMARY:Salary talk\r\nDESCRIPTION:Secret\r\nCLASS:PRIVATE\r\nEND:VEVENT\r\n"
				"END:VCALENDAR\r\n";
	struct ics_object *o = NULL;
	struct ics_error err;
	assert_int_equal(ics_parse_object(T, strlen(T), "UTC", &o, &err), 0);
	json_t *b = sync_outbound_body(o);
	ics_object_free(o);
	assert_string_equal(json_string_value(json_object_get(b, "summary")), "Busy");
	assert_string_equal(json_string_value(json_object_get(b, "description")), "");
	assert_null(json_object_get(b, "rrule"));
	struct sync_booking k;
	int64_t *mem = NULL;
	assert_int_equal(sync_outbound_booking(b, "evt_2", &k, &mem), 0);
	assert_null(k.rrule);
	assert_null(mem);
	json_decref(b);
	assert_int_equal(sync_outbound_booking(NULL, "evt_2", &k, &mem), E_INVALID);
}

static void test_google_id(void **state)
{
	(void)state;
	char id[128];
	google_event_id_of("evt_s27tyrp9mpwsnw374jcw", id, sizeof id);
	/* Python: base64.b32hexencode(...).lower() without padding */
	assert_string_equal(id, "clr78nrj68rn8ubie0smqs3nedn7ecpn6hl66to");
	for (const char *p = id; *p; p++)
		assert_true((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'v'));
	google_event_id_of("evt_s27tyrp9mpwsnw374jcw", id, 8); /* cut, still terminated */
	assert_int_equal(strlen(id), 7);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(sync_outbound_backoff(1), 1);
	assert_int_equal(sync_outbound_backoff(2), 2);
	assert_int_equal(sync_outbound_backoff(3), 4);
	assert_int_equal(sync_outbound_backoff(10), 512);
	assert_int_equal(sync_outbound_backoff(11), 600);
	assert_int_equal(sync_outbound_backoff(40), 600);
}

int main(void)
{
	if (ics_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series_body),
		cmocka_unit_test(test_private_is_busy),
		cmocka_unit_test(test_google_id),
		cmocka_unit_test(test_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
