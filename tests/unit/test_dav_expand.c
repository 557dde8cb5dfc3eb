/* Unit tests of CalDAV's calendar-data options and filters over stored text:
 * ics_instances (one VEVENT per occurrence, UTC, RECURRENCE-ID, the
 * override's properties, bounded), ics_limit_overrides, and
 * dav_filter_match (text-match, is-not-defined, param-filter, negation,
 * the caller's variant only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "calendar/access.h"
#include "ical/ics.h"
#include "core/buf.h"
#include "core/errors.h"
#include "core/arena.h"
#include "dav/filters.h"
#include "dav/path.h"
#include "dav/xml.h"

#define CRLF "\r\n"
#define SERIES                                                                                                        \
	"BEGIN:VCALENDAR" CRLF "VERSION:2.0" CRLF "BEGIN:VEVENT" CRLF "UID:s1" CRLF "DTSTAMP:20260101T000000Z" CRLF   \
	"DTSTART;TZID=Europe/Paris:20300107T100000" CRLF "DTEND;TZID=Europe/Paris:20300107T110000" CRLF               \
	"RRULE:FREQ=DAILY" CRLF "EXDATE;TZID=Europe/Paris:20300110T100000" CRLF "SUMMARY:Standup" CRLF                \
	"LOCATION:Room 1" CRLF "BEGIN:VALARM" CRLF "ACTION:DISPLAY" CRLF "TRIGGER:-PT5M" CRLF "DESCRIPTION:soon" CRLF \
	"END:VALARM" CRLF "END:VEVENT" CRLF "BEGIN:VEVENT" CRLF "UID:s1" CRLF "DTSTAMP:20260101T000000Z" CRLF         \
	"RECURRENCE-ID;TZID=Europe/Paris:20300109T100000" CRLF "DTSTART;TZID=Europe/Paris:20300109T140000" CRLF       \
	"DTEND;TZID=Europe/Paris:20300109T150000" CRLF "SUMMARY:Moved" CRLF                                           \
	"ATTENDEE;PARTSTAT=ACCEPTED;CN=\"Lee, Ann\":mailto:ann@example.test" CRLF "END:VEVENT" CRLF                   \
	"END:VCALENDAR" CRLF

static int64_t utc(const char *s)
{
	int64_t t;
	assert_int_equal(ics_local_to_utc("UTC", s, &t), 0);
	return t;
}

static char *stored(void)
{
	struct ics_object *o = NULL;
	struct ics_error err;
	assert_int_equal(ics_parse_object(SERIES, strlen(SERIES), "UTC", &o, &err), 0);
	char *t = strdup(o->text);
	ics_object_free(o);
	return t;
}

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void expand_gives_each_occurrence_in_utc(void **state)
{
	(void)state;
	char *text = stored();
	struct buf b = {0};
	int truncated = 0;
	assert_int_equal(
		ics_instances(text, "UTC", utc("2030-01-08T00:00:00"), utc("2030-01-12T00:00:00"), 100, &b, &truncated),
		0);
	/* the 8th, the 9th moved, the 10th excluded, the 11th */
	assert_int_equal(count(b.data, "BEGIN:VEVENT"), 3);
	assert_non_null(
		strstr(b.data, "DTSTART:20300108T090000Z\r\nDTEND:20300108T100000Z\r\nRECURRENCE-ID:20300108T090000Z"));
	assert_non_null(
		strstr(b.data, "DTSTART:20300109T130000Z\r\nDTEND:20300109T140000Z\r\nRECURRENCE-ID:20300109T090000Z"));
	assert_non_null(strstr(b.data, "RECURRENCE-ID:20300111T090000Z"));
	assert_null(strstr(b.data, "RRULE"));
	assert_null(strstr(b.data, "EXDATE"));
	assert_null(strstr(b.data, "TZID"));
	assert_int_equal(count(b.data, "SUMMARY:Moved"), 1);
	assert_int_equal(count(b.data, "BEGIN:VALARM"), 2); /* the master's alarm, in its two occurrences */
	assert_int_equal(truncated, 0);
	buf_free(&b);
	/* an unbounded rule stops at max */
	assert_int_equal(
		ics_instances(text, "UTC", utc("2030-01-01T00:00:00"), utc("2040-01-01T00:00:00"), 50, &b, &truncated),
		0);
	assert_int_equal(count(b.data, "BEGIN:VEVENT"), 50);
	assert_int_equal(truncated, 1);
	buf_free(&b);
	free(text);
}

static void limit_keeps_overrides_in_the_window(void **state)
{
	(void)state;
	char *text = stored();
	struct buf b = {0};
	assert_int_equal(ics_limit_overrides(text, "UTC", utc("2030-01-09T12:00:00"), utc("2030-01-09T14:00:00"), &b),
			 0);
	assert_int_equal(count(b.data, "BEGIN:VEVENT"), 2);
	buf_free(&b);
	assert_int_equal(ics_limit_overrides(text, "UTC", utc("2030-01-12T00:00:00"), utc("2030-01-13T00:00:00"), &b),
			 0);
	assert_int_equal(count(b.data, "BEGIN:VEVENT"), 1);
	assert_non_null(strstr(b.data, "RRULE:FREQ=DAILY"));
	buf_free(&b);
	assert_int_equal(ics_instances("garbage", "UTC", 0, 1, 10, &b, NULL), E_INVALID);
	buf_free(&b);
	free(text);
}

static int matches(const char *xml, const char *text, int role, const char *klass)
{
	xmlDocPtr doc;
	char why[128];
	assert_int_equal(dav_xml_parse(xml, strlen(xml), &doc, why, sizeof why), 0);
	struct dav_filters fs = {0};
	int rc = 0;
	for (xmlNode *f = xmlDocGetRootElement(doc)->children; f && !rc; f = f->next)
		if (f->type == XML_ELEMENT_NODE)
			rc = dav_filter_read(f, &fs);
	xmlFreeDoc(doc);
	if (rc)
		return -1;
	struct event_row e = {
		.ical = text, .ical_busy = "BEGIN:VEVENT\r\nUID:s1\r\nSUMMARY:Busy\r\nEND:VEVENT\r\n", .klass = klass};
	return dav_filter_match(&fs, role, &e);
}

#define F(x) "<f xmlns:c=\"" CALDAV_NS "\">" x "</f>"

static void filters_match_properties_and_parameters(void **state)
{
	(void)state;
	char *t = stored();
	int owner = CAL_ROLE_OWNER;
	assert_int_equal(
		matches(F("<c:prop-filter name=\"LOCATION\"><c:text-match>room 1</c:text-match></c:prop-filter>"), t,
			owner, "PUBLIC"),
		1);
	assert_int_equal(
		matches(F("<c:prop-filter name=\"summary\"><c:text-match>MOVED</c:text-match></c:prop-filter>"), t,
			owner, "PUBLIC"),
		1);
	assert_int_equal(
		matches(F("<c:prop-filter name=\"SUMMARY\"><c:text-match collation=\"i;octet\">MOVED</c:text-match></c:prop-filter>"),
			t, owner, "PUBLIC"),
		0);
	/* one VEVENT must pass every filter: the override has no LOCATION */
	assert_int_equal(matches(F("<c:prop-filter name=\"SUMMARY\"><c:text-match>Moved</c:text-match></c:prop-filter>"
				   "<c:prop-filter name=\"LOCATION\"><c:is-not-defined/></c:prop-filter>"),
				 t, owner, "PUBLIC"),
			 1);
	assert_int_equal(
		matches(F("<c:prop-filter name=\"SUMMARY\"><c:text-match>Moved</c:text-match></c:prop-filter>"
			  "<c:prop-filter name=\"LOCATION\"><c:text-match>Room</c:text-match></c:prop-filter>"),
			t, owner, "PUBLIC"),
		0);
	/* the alarm's DESCRIPTION is not the event's */
	assert_int_equal(
		matches(F("<c:prop-filter name=\"DESCRIPTION\"><c:text-match>soon</c:text-match></c:prop-filter>"), t,
			owner, "PUBLIC"),
		0);
	assert_int_equal(
		matches(F("<c:prop-filter name=\"ATTENDEE\"><c:param-filter name=\"CN\"><c:text-match>lee, ann</c:text-match></c:param-filter></c:prop-filter>"),
			t, owner, "PUBLIC"),
		1);
	assert_int_equal(
		matches(F("<c:prop-filter name=\"ATTENDEE\"><c:param-filter name=\"PARTSTAT\"><c:text-match negate-condition=\"yes\">ACCEPTED</c:text-match></c:param-filter></c:prop-filter>"),
			t, owner, "PUBLIC"),
		0);
	assert_int_equal(
		matches(F("<c:prop-filter name=\"ATTENDEE\"><c:text-match>ann@example</c:text-match></c:prop-filter>"),
			t, owner, "PUBLIC"),
		1);
	/* what a viewer reads of a private event, and a freebusy grantee of any */
	assert_int_equal(
		matches(F("<c:prop-filter name=\"LOCATION\"><c:text-match>room</c:text-match></c:prop-filter>"), t,
			CAL_ROLE_VIEWER, "PRIVATE"),
		0);
	assert_int_equal(matches(F("<c:prop-filter name=\"SUMMARY\"><c:text-match>Busy</c:text-match></c:prop-filter>"),
				 t, CAL_ROLE_FREEBUSY, "PUBLIC"),
			 0);
	/* refused forms */
	assert_int_equal(
		matches(F("<c:prop-filter name=\"X\"><c:text-match collation=\"i;unicode-casemap\">a</c:text-match></c:prop-filter>"),
			t, owner, "PUBLIC"),
		-1);
	assert_int_equal(
		matches(F("<c:prop-filter name=\"X\"><c:time-range start=\"20300101T000000Z\"/></c:prop-filter>"), t,
			owner, "PUBLIC"),
		-1);
	assert_int_equal(
		matches(F("<c:prop-filter name=\"X Y\"><c:is-not-defined/></c:prop-filter>"), t, owner, "PUBLIC"), -1);
	free(t);
}

static void room_paths_parse(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct dav_path p;
	dav_path_parse(a, "principals/rooms/room_abc/", &p);
	assert_int_equal(p.kind, DAV_PRINCIPAL);
	assert_string_equal(p.room_id, "room_abc");
	assert_string_equal(p.user_id, DAV_ROOMS);
	dav_path_parse(a, "principals/rooms/room_abc/x", &p);
	assert_int_equal(p.kind, DAV_NONE);
	dav_path_parse(a, "calendars/rooms/room_abc/bkg_1.ics", &p);
	assert_int_equal(p.kind, DAV_OBJECT);
	assert_string_equal(p.room_id, "room_abc");
	assert_string_equal(p.name, "bkg_1.ics");
	dav_path_parse(a, "calendars/rooms/", &p);
	assert_int_equal(p.kind, DAV_HOME);
	assert_null(p.room_id);
	dav_path_parse(a, "calendars/usr_1/cal_2/", &p);
	assert_int_equal(p.kind, DAV_CALENDAR);
	assert_null(p.room_id);
	arena_free(a);
}

int main(void)
{
	if (ics_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expand_gives_each_occurrence_in_utc),
		cmocka_unit_test(limit_keeps_overrides_in_the_window),
		cmocka_unit_test(filters_match_properties_and_parameters),
		cmocka_unit_test(room_paths_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
