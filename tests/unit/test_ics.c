/* Unit tests of ical/ics.h: what a calendar object may hold (each refusal
 * names its line), how series expand (DST, overrides, EXDATE, RDATE, bounds),
 * import all-or-nothing, and the build/update/override/cancel round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ical/ics.h"
#include "core/buf.h"
#include "core/errors.h"

#define CRLF "\r\n"
#define EV(body) \
	"BEGIN:VCALENDAR" CRLF "VERSION:2.0" CRLF "BEGIN:VEVENT" CRLF body "END:VEVENT" CRLF "END:VCALENDAR" CRLF

static int64_t utc(const char *s) /* "2026-03-20T08:00:00" */
{
	int64_t t;
	assert_int_equal(ics_local_to_utc("UTC", s, &t), 0);
	return t;
}

static struct ics_object *parse_ok(const char *text, const char *tz)
{
	struct ics_object *o = NULL;
	struct ics_error err;
	int rc = ics_parse_object(text, strlen(text), tz, &o, &err);
	if (rc)
		fprintf(stderr, "unexpected: %s\n", err.message);
	assert_int_equal(rc, 0);
	return o;
}

static void refused(const char *text, int line, const char *prop, const char *needle)
{
	struct ics_object *o = NULL;
	struct ics_error err;
	assert_int_equal(ics_parse_object(text, strlen(text), "Europe/Paris", &o, &err), E_INVALID);
	assert_null(o);
	if (err.line != line || (prop && strcmp(err.property, prop)) || !strstr(err.message, needle))
		fprintf(stderr, "got line %d property '%s': %s\n", err.line, err.property, err.message);
	assert_int_equal(err.line, line);
	if (prop)
		assert_string_equal(err.property, prop);
	assert_non_null(strstr(err.message, needle));
}

struct occs {
	int64_t start[64], end[64], rid[64];
	char summary[64][32];
	int n;
};

static int collect(void *ctx, const struct ics_occurrence *oc)
{
	struct occs *c = ctx;
	if (c->n < 64) {
		c->start[c->n] = oc->start;
		c->end[c->n] = oc->end;
		c->rid[c->n] = oc->recurrence_id;
		snprintf(c->summary[c->n], sizeof c->summary[0], "%s", oc->ev->summary ? oc->ev->summary : "");
	}
	c->n++;
	return 0;
}

static void parses_an_event(void **state)
{
	(void)state;
	struct ics_object *o = parse_ok(
		EV("UID:a@x" CRLF "DTSTAMP:20260101T000000Z" CRLF "DTSTART;TZID=Europe/Paris:20260320T090000" CRLF
		   "DTEND;TZID=Europe/Paris:20260320T100000" CRLF "SUMMARY:Plan\\, review" CRLF "LOCATION:Room 1" CRLF
		   "DESCRIPTION:secret" CRLF "ORGANIZER;CN=Ann:mailto:Ann@Example.com" CRLF
		   "ATTENDEE;CN=Bob;ROLE=OPT-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:BOB@x.org" CRLF
		   "SEQUENCE:3" CRLF),
		"UTC");
	assert_string_equal(o->master.uid, "a@x");
	assert_string_equal(o->master.summary, "Plan, review");
	assert_string_equal(o->master.tzid, "Europe/Paris");
	assert_int_equal(o->master.start, utc("2026-03-20T08:00:00"));
	assert_int_equal(o->master.end - o->master.start, 3600);
	assert_int_equal(o->master.range_end, o->master.end);
	assert_string_equal(o->master.organizer, "ann@example.com");
	assert_int_equal(o->master.nattendees, 1);
	assert_string_equal(o->master.attendees[0].email, "bob@x.org");
	assert_string_equal(o->master.attendees[0].name, "Bob");
	assert_string_equal(o->master.attendees[0].role, "OPT-PARTICIPANT");
	assert_string_equal(o->master.attendees[0].partstat, "ACCEPTED");
	assert_string_equal(o->master.attendees[0].cutype, "INDIVIDUAL");
	assert_int_equal(o->master.attendees[0].rsvp, 1);
	assert_string_equal(o->master.status, "CONFIRMED");
	assert_int_equal(o->master.sequence, 3);
	assert_int_equal(o->ntzids, 1);
	assert_string_equal(o->tzids[0], "Europe/Paris");
	/* normalised: VEVENT only, CRLF, folded */
	assert_int_equal(strncmp(o->text, "BEGIN:VEVENT\r\n", 14), 0);
	assert_null(strstr(o->text, "VCALENDAR"));
	for (const char *l = o->text; *l;) {
		const char *e = strstr(l, "\r\n");
		assert_non_null(e);
		assert_true(e - l <= 75);
		l = e + 2;
	}
	/* busy text: when, not what */
	assert_non_null(strstr(o->busy_text, "SUMMARY:Busy"));
	assert_null(strstr(o->busy_text, "Plan"));
	assert_null(strstr(o->busy_text, "DESCRIPTION"));
	assert_null(strstr(o->busy_text, "LOCATION"));
	assert_null(strstr(o->busy_text, "ATTENDEE"));
	assert_null(strstr(o->busy_text, "ORGANIZER"));
	assert_non_null(strstr(o->busy_text, "DTSTART;TZID=Europe/Paris:20260320T090000"));
	/* the normalised text parses to itself */
	struct ics_object *again = parse_ok(o->text, "UTC");
	assert_string_equal(again->text, o->text);
	ics_object_free(again);
	ics_object_free(o);
}

static void refusals_name_their_line(void **state)
{
	(void)state;
	refused(EV("UID:a" CRLF "DTSTART:2026-13-01" CRLF), 5, "DTSTART",
		"line 5: DTSTART: invalid date-time '2026-13-01'");
	refused(EV("DTSTART:20260101T100000Z" CRLF), 3, "UID", "no UID");
	refused(EV("UID:a" CRLF "SUMMARY:x" CRLF), 3, "DTSTART", "no DTSTART");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "DTEND:20260101T090000Z" CRLF), 6, "DTEND",
		"before DTSTART");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "DTEND:20260101T110000Z" CRLF "DURATION:PT1H" CRLF), 7,
		"DURATION", "DTEND together");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "RRULE:FREQ=MINUTELY" CRLF), 6, "RRULE",
		"COUNT or UNTIL");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "RRULE:FREQ=FOO" CRLF), 6, "RRULE", "invalid value");
	refused(EV("UID:a" CRLF "DTSTART;TZID=Mars/Olympus:20260101T100000" CRLF), 5, "DTSTART", "unknown time zone");
	refused("BEGIN:VCALENDAR" CRLF "VERSION:2.0" CRLF "BEGIN:VTODO" CRLF "UID:t" CRLF "END:VTODO" CRLF
		"END:VCALENDAR" CRLF,
		3, NULL, "VTODO");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "GARBAGE" CRLF), 6, NULL, "not an iCalendar");
	refused("BEGIN:VCALENDAR" CRLF "BEGIN:VEVENT" CRLF "UID:a" CRLF "END:VCALENDAR" CRLF, 2, NULL,
		"has no END:VEVENT");
	/* folded lines count as the lines of the caller's text */
	refused("BEGIN:VCALENDAR" CRLF "VERSION:2.0" CRLF "BEGIN:VEVENT" CRLF "SUMMARY:long" CRLF " er" CRLF
		"UID:a" CRLF "DTSTART:20261" CRLF " 301T100000Z" CRLF "END:VEVENT" CRLF "END:VCALENDAR" CRLF,
		7, "DTSTART", "invalid date-time");
	/* RFC 5545 §3.6.1: properties that occur at most once in a VEVENT */
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "DTEND:20260101T110000Z" CRLF
		   "DTEND:20260101T120000Z" CRLF),
		7, "DTEND", "line 7: DTEND: occurs more than once");
	refused(EV("UID:a" CRLF "UID:b" CRLF "DTSTART:20260101T100000Z" CRLF), 5, "UID", "more than once");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "DTSTART:20260102T100000Z" CRLF), 6, "DTSTART",
		"more than once");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "SUMMARY:x" CRLF "summary:y" CRLF), 7, "SUMMARY",
		"more than once");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "RRULE:FREQ=DAILY;COUNT=2" CRLF
		   "RRULE:FREQ=WEEKLY;COUNT=2" CRLF),
		7, "RRULE", "more than once");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "DURATION:PT1H" CRLF "DTEND:20260101T110000Z" CRLF), 7,
		"DTEND", "DURATION and DTEND together");
	/* a VALARM's own DESCRIPTION and the many-valued ATTENDEE, EXDATE are not refused */
	ics_object_free(
		parse_ok(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "DESCRIPTION:d" CRLF
			    "ATTENDEE:mailto:a@x.org" CRLF "ATTENDEE:mailto:b@x.org" CRLF "EXDATE:20260102T100000Z" CRLF
			    "EXDATE:20260103T100000Z" CRLF "RRULE:FREQ=DAILY;COUNT=5" CRLF "BEGIN:VALARM" CRLF
			    "ACTION:DISPLAY" CRLF "DESCRIPTION:r" CRLF "TRIGGER:-PT5M" CRLF "END:VALARM" CRLF),
			 "UTC"));
	/* two UIDs in one object */
	refused("BEGIN:VCALENDAR" CRLF "BEGIN:VEVENT" CRLF "UID:a" CRLF "DTSTART:20260101T100000Z" CRLF
		"END:VEVENT" CRLF "BEGIN:VEVENT" CRLF "UID:b" CRLF "DTSTART:20260101T100000Z" CRLF "END:VEVENT" CRLF
		"END:VCALENDAR" CRLF,
		7, "UID", "one UID");
	/* too many attendees */
	struct buf b = {0};
	buf_puts(&b, "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\n");
	for (int i = 0; i <= ICS_MAX_ATTENDEES; i++)
		buf_printf(&b, "ATTENDEE:mailto:p%d@x.org\r\n", i);
	buf_puts(&b, "END:VEVENT\r\n");
	refused(b.data, 4 + ICS_MAX_ATTENDEES, "ATTENDEE", "more than 500");
	buf_free(&b);
	/* too long */
	char *big = malloc(ICS_MAX_TEXT + 10);
	memset(big, 'A', ICS_MAX_TEXT + 9);
	big[ICS_MAX_TEXT + 9] = 0;
	refused(big, 0, NULL, "longer than");
	free(big);
}

static void floating_and_all_day(void **state)
{
	(void)state;
	struct ics_object *o =
		parse_ok("BEGIN:VEVENT\r\nUID:f\r\nDTSTART:20260701T090000\r\nDTEND:20260701T093000\r\nEND:VEVENT\r\n",
			 "America/New_York");
	assert_string_equal(o->master.tzid, "America/New_York");
	assert_int_equal(o->master.start, utc("2026-07-01T13:00:00"));
	assert_int_equal(o->ntzids, 0); /* the text names no zone */
	ics_object_free(o);
	o = parse_ok("BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20261224\r\nEND:VEVENT\r\n", "Europe/Paris");
	assert_int_equal(o->master.all_day, 1);
	assert_null(o->master.tzid);
	assert_int_equal(o->master.start, utc("2026-12-24T00:00:00"));
	assert_int_equal(o->master.end, utc("2026-12-25T00:00:00"));
	char s[32];
	ics_format_time(o->master.start, NULL, 1, s, sizeof s);
	assert_string_equal(s, "2026-12-24");
	ics_object_free(o);
	/* a yearly all-day series */
	const char *t = "BEGIN:VEVENT\r\nUID:y\r\nDTSTART;VALUE=DATE:20200229\r\nDTEND;VALUE=DATE:20200301\r\n"
			"RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24\r\nEND:VEVENT\r\n";
	struct occs c = {0};
	int tr;
	assert_int_equal(
		ics_expand(t, "UTC", utc("2030-01-01T00:00:00"), utc("2032-01-01T00:00:00"), 10, collect, &c, &tr), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.start[0], utc("2030-12-24T00:00:00"));
	assert_int_equal(c.end[0] - c.start[0], 86400);
}

static void weekly_meeting_keeps_its_wall_time_across_dst(void **state)
{
	(void)state;
	const char *t = "BEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Europe/Paris:20260316T090000\r\n"
			"DTEND;TZID=Europe/Paris:20260316T100000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nEND:VEVENT\r\n";
	struct occs c = {0};
	int tr = -1;
	assert_int_equal(
		ics_expand(t, "UTC", utc("2026-03-01T00:00:00"), utc("2026-05-01T00:00:00"), 100, collect, &c, &tr), 0);
	assert_int_equal(tr, 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.start[0], utc("2026-03-16T08:00:00")); /* CET */
	assert_int_equal(c.start[1], utc("2026-03-23T08:00:00"));
	assert_int_equal(c.start[2], utc("2026-03-30T07:00:00")); /* CEST from 29 March */
	assert_int_equal(c.start[3], utc("2026-04-06T07:00:00"));
	assert_int_equal(c.end[2] - c.start[2], 3600);
	assert_int_equal(c.rid[2], c.start[2]);
	struct ics_object *o = parse_ok(t, "UTC");
	assert_int_equal(o->master.range_end, utc("2026-04-06T08:00:00"));
	ics_object_free(o);
}

static void overrides_exdates_rdates(void **state)
{
	(void)state;
	const char *t =
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:s\r\nSUMMARY:Standup\r\n"
		"DTSTART;TZID=Europe/Paris:20260105T090000\r\nDTEND;TZID=Europe/Paris:20260105T091500\r\n"
		"RRULE:FREQ=DAILY;COUNT=5\r\n"
		"EXDATE;TZID=Europe/Paris:20260106T090000\r\n"
		"EXDATE;VALUE=DATE:20260107\r\n"
		"RDATE;TZID=Europe/Paris:20260110T120000\r\n"
		"RDATE;VALUE=PERIOD:20260111T100000Z/PT2H\r\n"
		"END:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:s\r\nSUMMARY:Moved\r\nRECURRENCE-ID;TZID=Europe/Paris:20260108T090000\r\n"
		"DTSTART;TZID=Europe/Paris:20260108T140000\r\nDTEND;TZID=Europe/Paris:20260108T150000\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:s\r\nSTATUS:CANCELLED\r\nRECURRENCE-ID;TZID=Europe/Paris:20260109T090000\r\n"
		"DTSTART;TZID=Europe/Paris:20260109T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	struct ics_object *o = parse_ok(t, "UTC");
	assert_int_equal(o->noverrides, 2);
	assert_true(o->overrides[0].recurrence_id < o->overrides[1].recurrence_id);
	assert_int_equal(o->master.nexdates, 2);
	assert_int_equal(o->master.nrdates, 2);
	assert_int_equal(o->master.range_end, utc("2026-01-11T12:00:00"));
	struct occs c = {0};
	int tr;
	assert_int_equal(ics_expand(o->text, "UTC", utc("2026-01-01T00:00:00"), utc("2026-02-01T00:00:00"), 100,
				    collect, &c, &tr),
			 0);
	/* 5th (DTSTART), 8th moved to 14:00, 10th and 11th from RDATE; 6th, 7th excluded, 9th cancelled */
	assert_int_equal(c.n, 4);
	assert_int_equal(c.start[0], utc("2026-01-05T08:00:00"));
	assert_int_equal(c.start[1], utc("2026-01-08T13:00:00"));
	assert_string_equal(c.summary[1], "Moved");
	assert_int_equal(c.rid[1], utc("2026-01-08T08:00:00"));
	assert_int_equal(c.start[2], utc("2026-01-10T11:00:00"));
	assert_int_equal(c.end[2] - c.start[2], 900);
	assert_int_equal(c.start[3], utc("2026-01-11T10:00:00"));
	assert_int_equal(c.end[3] - c.start[3], 7200);
	/* the busy text keeps the series' shape */
	assert_non_null(strstr(o->busy_text, "RECURRENCE-ID"));
	assert_null(strstr(o->busy_text, "Moved"));
	ics_object_free(o);
}

static void windows_bound_the_answer(void **state)
{
	(void)state;
	const char *t = "BEGIN:VEVENT\r\nUID:h\r\nDTSTART:20260101T000000Z\r\nDTEND:20260101T003000Z\r\n"
			"RRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n";
	struct occs c = {0};
	int tr = 0;
	assert_int_equal(
		ics_expand(t, "UTC", utc("2026-01-01T00:00:00"), utc("2026-01-02T00:00:00"), 10, collect, &c, &tr), 0);
	assert_int_equal(c.n, 10);
	assert_int_equal(tr, 1);
	memset(&c, 0, sizeof c);
	assert_int_equal(
		ics_expand(t, "UTC", utc("2026-01-01T00:15:00"), utc("2026-01-01T03:00:00"), 10, collect, &c, &tr), 0);
	assert_int_equal(tr, 0);
	assert_int_equal(c.n, 3); /* 00:00 overlaps the window's start; 03:00 is outside */
	assert_int_equal(c.start[0], utc("2026-01-01T00:00:00"));
	struct ics_object *o = parse_ok(t, "UTC");
	assert_true(o->master.range_end == ICS_FOREVER);
	ics_object_free(o);
}

static void far_future_window_of_an_old_daily_rule(void **state)
{
	(void)state;
	const char *t = "BEGIN:VEVENT\r\nUID:old\r\nDTSTART;TZID=Europe/Paris:20000101T090000\r\n"
			"DTEND;TZID=Europe/Paris:20000101T100000\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n";
	struct occs c = {0};
	int tr;
	assert_int_equal(
		ics_expand(t, "UTC", utc("2400-07-01T00:00:00"), utc("2400-07-02T00:00:00"), 10, collect, &c, &tr), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.start[0], utc("2400-07-01T07:00:00"));
}

/* found by fuzz/fuzz_ics: asking for the first occurrences of a series over
 * the widest window a request can name (calendar-query's match asks for one,
 * year 1 to 9999) walked the rule to the window's end, 400,000 weekly steps per
 * event; it stops once more than `max` rule occurrences are in hand */
static void few_answers_over_a_wide_window_walk_little(void **state)
{
	(void)state;
	const char *t =
		"BEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Europe/Paris:20130902T180000\r\n"
		"DTEND;TZID=Europe/Paris:20130902T190000\r\nRRULE:FREQ=WEEKLY\r\n"
		"RDATE;TZID=Europe/Paris:20130904T080000\r\nEXDATE;TZID=Europe/Paris:20130909T180000\r\n"
		"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:w\r\nRECURRENCE-ID;TZID=Europe/Paris:20130916T180000\r\n"
		"DTSTART;TZID=Europe/Paris:20130901T070000\r\nDTEND;TZID=Europe/Paris:20130901T080000\r\nEND:VEVENT\r\n";
	int64_t from = utc("0001-01-01T00:00:00"), to = utc("9999-12-31T23:59:59");
	struct occs c = {0};
	int tr = 0;
	clock_t t0 = clock();
	for (int i = 0; i < 5; i++) {
		memset(&c, 0, sizeof c);
		assert_int_equal(ics_expand(t, "UTC", from, to, 4, collect, &c, &tr), 0);
	}
	assert_true(clock() - t0 < CLOCKS_PER_SEC);
	/* the same first four as a narrow window gives: the override moved before DTSTART,
	 * DTSTART, the RDATE, then the 23rd (the 9th is excluded, the 16th moved) */
	assert_int_equal(tr, 1);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.start[0], utc("2013-09-01T05:00:00"));
	assert_int_equal(c.start[1], utc("2013-09-02T16:00:00"));
	assert_int_equal(c.start[2], utc("2013-09-04T06:00:00"));
	assert_int_equal(c.start[3], utc("2013-09-23T16:00:00"));
}

/* a series ending in the far future is read in the same time as one ending
 * next month: its window ends at the bound UNTIL gives, not at a last
 * occurrence found by walking a million weeks (found by fuzz_ics) */
static void far_until_is_read_without_walking_to_it(void **state)
{
	(void)state;
	const char *t = "BEGIN:VEVENT\r\nUID:f\r\nDTSTART;TZID=Europe/Berlin:20140630T073000\r\n"
			"DURATION:PT4H31M\r\nRRULE:FREQ=DAILY;UNTIL=99991230T053000Z\r\nEND:VEVENT\r\n";
	clock_t t0 = clock();
	for (int i = 0; i < 5; i++) {
		struct ics_object *o = parse_ok(t, "UTC");
		assert_true(o->master.range_end >= utc("9999-12-30T05:30:00"));
		assert_true(o->master.range_end != ICS_FOREVER);
		ics_object_free(o);
	}
	assert_true(clock() - t0 < CLOCKS_PER_SEC / 2);
	/* a short series keeps its exact end */
	const char *s = "BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\n"
			"RRULE:FREQ=WEEKLY;UNTIL=20260301T000000Z\r\nEND:VEVENT\r\n";
	struct ics_object *o = parse_ok(s, "UTC");
	assert_int_equal(o->master.range_end, utc("2026-02-23T10:00:00"));
	ics_object_free(o);
}

/* max-instances refuses a new series with more occurrences than it allows,
 * but text stored before the limit (or under a higher one) stays readable:
 * a stored event must never turn into a server error */
static void stored_text_is_read_past_max_instances(void **state)
{
	(void)state;
	char t[256];
	snprintf(t, sizeof t,
		 "BEGIN:VEVENT\r\nUID:m\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\n"
		 "RRULE:FREQ=DAILY;COUNT=%d\r\nEND:VEVENT\r\n",
		 ICS_MAX_INSTANCES + 1);
	struct ics_object *o = NULL;
	struct ics_error err;
	assert_int_equal(ics_parse_object(t, strlen(t), "UTC", &o, &err), E_INVALID);
	assert_int_equal(err.limit, ICS_LIMIT_INSTANCES);
	assert_int_equal(ics_parse_stored(t, strlen(t), "UTC", &o, &err), 0);
	assert_non_null(strstr(o->master.rrule, "COUNT="));
	ics_object_free(o);
}

struct imp {
	struct buf got;
	size_t calls, last;
};

static int store_uid(void *ctx, struct ics_object *o)
{
	struct imp *x = ctx;
	assert_true(x->last > 0); /* every check came before the first object */
	buf_printf(&x->got, "%s;", o->master.uid);
	return 0;
}

static void progress_of(void *ctx, size_t done, size_t total)
{
	struct imp *x = ctx;
	assert_true(done <= total);
	assert_true(done >= x->last);
	x->calls++;
	x->last = done;
}

#define IMPORT_EV(uid, extra) "BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTART:20260101T100000Z\r\n" extra "END:VEVENT\r\n"

static void import_all_or_nothing(void **state)
{
	(void)state;
	const char *ok = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" IMPORT_EV(
		"one", "") "BEGIN:VTODO\r\nUID:task\r\nEND:VTODO\r\n" IMPORT_EV("two", "")
		IMPORT_EV("one", "RECURRENCE-ID:20260103T100000Z\r\n") IMPORT_EV("three", "") "END:VCALENDAR\r\n";
	struct imp x = {{0}, 0, 0};
	size_t skipped = 9;
	struct ics_error err;
	/* "one" has an override of an occurrence its master does not have: kept as given */
	assert_int_equal(ics_parse_import(ok, strlen(ok), "UTC", store_uid, &x, progress_of, &skipped, &err), 0);
	assert_string_equal(x.got.data, "one;two;three;");
	assert_int_equal(skipped, 1);
	assert_int_equal(x.calls, 3);
	buf_free(&x.got);
	const char *bad = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" IMPORT_EV("one", "") IMPORT_EV("two", "")
		IMPORT_EV("three", "DTEND:20251231T000000Z\r\n") "END:VCALENDAR\r\n";
	memset(&x, 0, sizeof x);
	x.last = 1;
	assert_int_equal(ics_parse_import(bad, strlen(bad), "UTC", store_uid, &x, NULL, &skipped, &err), E_INVALID);
	assert_null(x.got.data); /* no callback at all */
	assert_int_equal(err.line, 14);
	assert_string_equal(err.property, "DTEND");
}

static void build_update_override_cancel(void **state)
{
	(void)state;
	struct ics_attendee at = {.email = "bob@x.org", .name = "Bob \"B\"", .role = "REQ-PARTICIPANT"};
	struct ics_event ev = {.uid = "b1@convene",
			       .summary = "Review; phase 1",
			       .description = "line1\nline2",
			       .tzid = "Europe/Paris",
			       .rrule = "FREQ=WEEKLY;COUNT=10",
			       .organizer = "ann@x.org",
			       .attendees = &at,
			       .nattendees = 1};
	assert_int_equal(ics_local_to_utc("Europe/Paris", "2026-03-16T09:00:00", &ev.start), 0);
	ev.end = ev.start + 3600;
	struct ics_object *o = NULL, *u = NULL, *v = NULL, *w = NULL;
	struct ics_error err;
	assert_int_equal(ics_build(&ev, &o, &err), 0);
	assert_string_equal(o->master.summary, "Review; phase 1");
	assert_string_equal(o->master.description, "line1\nline2");
	assert_int_equal(o->master.sequence, 0);
	assert_true(o->master.dtstamp > 0);
	assert_string_equal(o->master.attendees[0].name, "Bob B");
	assert_string_equal(o->master.rrule, "FREQ=WEEKLY;COUNT=10");
	assert_non_null(strstr(o->text, "DTSTART;TZID=Europe/Paris:20260316T090000"));
	/* bad rule: refused with the property */
	struct ics_event bad = ev;
	bad.rrule = "FREQ=SECONDLY";
	assert_int_equal(ics_build(&bad, &u, &err), E_INVALID);
	assert_string_equal(err.property, "RRULE");
	assert_int_equal(err.line, 0);

	/* nothing changes: same text */
	assert_int_equal(ics_update(o->text, "UTC", &o->master, ICS_F_SUMMARY, &u, &err), 0);
	assert_string_equal(u->text, o->text);
	ics_object_free(u);
	/* summary: no new sequence; location: a new one */
	struct ics_event ch = o->master;
	ch.summary = "Renamed";
	ch.location = "Room 2";
	assert_int_equal(ics_update(o->text, "UTC", &ch, ICS_F_SUMMARY, &u, &err), 0);
	assert_string_equal(u->master.summary, "Renamed");
	assert_int_equal(u->master.sequence, 0);
	ics_object_free(u);
	assert_int_equal(ics_update(o->text, "UTC", &ch, ICS_F_LOCATION, &u, &err), 0);
	assert_string_equal(u->master.location, "Room 2");
	assert_int_equal(u->master.sequence, 1);
	assert_string_equal(u->master.summary, "Review; phase 1");
	ics_object_free(u);

	/* an override of the 3rd occurrence, then of a non-occurrence */
	int64_t third = o->master.start + 14 * 86400 - 3600; /* CEST by then */
	struct ics_event ov = o->master;
	ov.recurrence_id = third;
	ov.start = third + 7200;
	ov.end = ov.start + 1800;
	ov.summary = "Later";
	assert_int_equal(ics_override_set(o->text, "UTC", &ov, &v, &err), 0);
	assert_int_equal(v->noverrides, 1);
	assert_int_equal(v->overrides[0].recurrence_id, third);
	assert_string_equal(v->overrides[0].summary, "Later");
	assert_int_equal(v->overrides[0].nattendees, 1);
	ov.recurrence_id = third + 60;
	assert_int_equal(ics_override_set(o->text, "UTC", &ov, &w, &err), E_INVALID);
	assert_string_equal(err.property, "RECURRENCE-ID");
	/* cancel the overridden one: EXDATE, override gone */
	assert_int_equal(ics_occurrence_cancel(v->text, "UTC", third, &w, &err), 0);
	assert_int_equal(w->noverrides, 0);
	assert_int_equal(w->master.nexdates, 1);
	assert_string_equal(w->master.exdates[0], "20260330T090000");
	assert_int_equal(w->master.sequence, 1);
	struct occs c = {0};
	int tr;
	assert_int_equal(
		ics_expand(w->text, "UTC", o->master.start, o->master.start + 30 * 86400, 100, collect, &c, &tr), 0);
	assert_int_equal(c.n, 4); /* 16, 23, (30 cancelled), 6 April, 13 April */
	ics_object_free(w);
	/* changing the time drops overrides of occurrences that no longer exist */
	ch = v->master;
	ch.start += 1800;
	ch.end += 1800;
	assert_int_equal(ics_update(v->text, "UTC", &ch, ICS_F_TIME, &w, &err), 0);
	assert_int_equal(w->noverrides, 0);
	assert_int_equal(w->master.sequence, 1);
	ics_object_free(w);
	ics_object_free(v);
	ics_object_free(o);
}

static void zones(void **state)
{
	(void)state;
	assert_true(ics_tz_valid("Europe/Paris"));
	assert_true(ics_tz_valid("UTC"));
	assert_false(ics_tz_valid("Mars/Olympus"));
	assert_false(ics_tz_valid(""));
	struct buf b = {0};
	assert_int_equal(ics_vtimezone(&b, "Europe/Paris"), 0);
	assert_non_null(strstr(b.data, "TZID:Europe/Paris\r\n"));
	assert_non_null(strstr(b.data, "TZOFFSETFROM"));
	assert_int_equal(ics_vtimezone(&b, "Mars/Olympus"), E_NOTFOUND);
	buf_free(&b);
	int64_t t;
	/* 2026-03-29 02:30 does not exist in Paris: it moves on by the hour */
	assert_int_equal(ics_local_to_utc("Europe/Paris", "2026-03-29T02:30:00", &t), 0);
	assert_int_equal(t, utc("2026-03-29T01:30:00"));
	char s[32];
	ics_utc_to_local("Europe/Paris", t, s, sizeof s);
	assert_string_equal(s, "2026-03-29T03:30:00");
	/* 2026-10-25 02:30 happens twice: the first */
	assert_int_equal(ics_local_to_utc("Europe/Paris", "2026-10-25T02:30:00", &t), 0);
	assert_int_equal(t, utc("2026-10-25T00:30:00"));
	assert_int_equal(ics_local_to_utc("Europe/Paris", "2026-02-30T10:00:00", &t), E_INVALID);
	ics_format_time(t, NULL, 0, s, sizeof s);
	assert_string_equal(s, "2026-10-25T00:30:00Z");
	/* framing */
	assert_int_equal(ics_calendar_begin(&b, "Team, \"A\"; notes", "Europe/Paris"), 0);
	assert_non_null(strstr(b.data, "X-WR-CALNAME:Team\\, \"A\"\\; notes\r\n"));
	assert_non_null(strstr(b.data, "X-WR-TIMEZONE:Europe/Paris\r\n"));
	assert_int_equal(ics_calendar_end(&b), 0);
	buf_free(&b);
}

static void custom_vtimezone_is_kept(void **state)
{
	(void)state;
	const char *t = "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:My Zone\r\nBEGIN:STANDARD\r\n"
			"DTSTART:19700101T000000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0200\r\nEND:STANDARD\r\n"
			"END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:c\r\nDTSTART;TZID=My Zone:20260601T100000\r\n"
			"END:VEVENT\r\nEND:VCALENDAR\r\n";
	struct ics_object *o = parse_ok(t, "UTC");
	assert_int_equal(o->master.start, utc("2026-06-01T08:00:00"));
	/* the wall time stays with its zone, whose VTIMEZONE is stored first */
	assert_non_null(strstr(o->text, "DTSTART;TZID=My Zone:20260601T100000"));
	assert_int_equal(strncmp(o->text, "BEGIN:VTIMEZONE\r\nTZID:My Zone\r\n", 31), 0);
	assert_string_equal(o->master.tzid, "My Zone");
	assert_int_equal(o->ntzids, 0);
	ics_object_free(o);
	/* a prefixed TZID names the system zone */
	o = parse_ok(
		"BEGIN:VEVENT\r\nUID:p\r\nDTSTART;TZID=/freeassociation.sourceforge.net/Europe/Paris:20260601T100000\r\nEND:VEVENT\r\n",
		"UTC");
	assert_string_equal(o->master.tzid, "Europe/Paris");
	assert_non_null(strstr(o->text, "DTSTART;TZID=Europe/Paris:20260601T100000"));
	ics_object_free(o);
}

static int keep_first(void *ctx, struct ics_object *o)
{
	struct ics_object **k = ctx;
	if (!strcmp(o->master.uid, "z")) {
		/* the object's text is ours to read only during the call */
		assert_non_null(strstr(o->text, "DTSTART;TZID=Custom:20260601T100000"));
		assert_non_null(strstr(o->text, "TZID:Custom\r\n"));
		assert_int_equal(o->noverrides, 1);
		*k = (struct ics_object *)1;
	}
	return 0;
}

static void import_of_concatenated_calendars_with_their_zones(void **state)
{
	(void)state;
	const char *t = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" IMPORT_EV(
		"y",
		"") "END:VCALENDAR\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Custom\r\n"
		    "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0200\r\n"
		    "END:STANDARD\r\nEND:VTIMEZONE\r\n"
		    "BEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID=Custom:20260601T100000\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n"
		    "BEGIN:VEVENT\r\nUID:z\r\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Custom:20260602T100000\r\n"
		    "DTSTART;TZID=Custom:20260602T110000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	struct ics_object *seen = NULL;
	size_t skipped = 5;
	struct ics_error err;
	int rc = ics_parse_import(t, strlen(t), "UTC", keep_first, &seen, NULL, &skipped, &err);
	if (rc)
		fprintf(stderr, "%s\n", err.message);
	assert_int_equal(rc, 0);
	assert_non_null(seen);
	assert_int_equal(skipped, 0);
}

/* issue 13: what other apps write is kept exactly, and only real errors refuse */
static void other_apps_data_is_kept(void **state)
{
	(void)state;
	const char *t = EV("UID:k" CRLF "DTSTAMP:20260101T000000Z" CRLF "DTSTART:20260105T100000Z" CRLF
			   "DTEND:20260105T110000Z" CRLF "DESCRIPTION:" CRLF "LOCATION;LANGUAGE=en:" CRLF
			   "CATEGORIES:" CRLF "X-GOOGLE-CONFERENCE:" CRLF "SUMMARY:  two spaces each side  " CRLF
			   "LINK;LINKREL=latest-version;VALUE=URI:https://example.com/v2" CRLF
			   "VENDORPROP;FOO=bar:some value" CRLF
			   "ATTENDEE;X-NUM-GUESTS=0;EMAIL=b@x.org:mailto:b@x.org" CRLF "BEGIN:VALARM" CRLF
			   "ACTION:DISPLAY" CRLF "TRIGGER:-PT15M" CRLF "DESCRIPTION:" CRLF "END:VALARM" CRLF);
	struct ics_object *o = parse_ok(t, "UTC");
	assert_string_equal(o->master.summary, "  two spaces each side  ");
	assert_string_equal(o->master.description, "");
	assert_string_equal(o->master.location, "");
	const char *kept[] = {"\r\nDESCRIPTION:\r\n",
			      "\r\nLOCATION;LANGUAGE=en:\r\n",
			      "\r\nCATEGORIES:\r\n",
			      "\r\nX-GOOGLE-CONFERENCE:\r\n",
			      "\r\nSUMMARY:  two spaces each side  \r\n",
			      "LINKREL=latest-version",
			      ":https://example.com/v2\r\n",
			      "\r\nVENDORPROP;FOO=bar:some value\r\n",
			      "EMAIL=b@x.org"};
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		if (!strstr(o->text, kept[i]))
			fprintf(stderr, "missing %s in\n%s", kept[i], o->text);
		assert_non_null(strstr(o->text, kept[i]));
	}
	assert_null(strstr(o->text, "X-LIC"));
	assert_null(strstr(o->text, "CONVENE"));
	ics_object_free(o);
	/* what looks like our own masks comes back as it is too; a malformed
	 * parameter is one of libical's warnings: the property stays */
	o = parse_ok(EV("UID:k2" CRLF "DTSTART:20260105T100000Z" CRLF "SUMMARY:CONVENE-RAW-41" CRLF
			"X-CONVENE-IANA-FOO;X-CONVENE-IANA-P=1:v" CRLF
			"ATTENDEE;PARTSTAT=ACCEPTED;FOO:mailto:a@x.org" CRLF),
		     "UTC");
	assert_string_equal(o->master.summary, "CONVENE-RAW-41");
	assert_non_null(strstr(o->text, "\r\nSUMMARY:CONVENE-RAW-41\r\n"));
	assert_non_null(strstr(o->text, "\r\nX-CONVENE-IANA-FOO;X-CONVENE-IANA-P=1:v\r\n"));
	assert_int_equal(o->master.nattendees, 1);
	assert_string_equal(o->master.attendees[0].partstat, "ACCEPTED");
	assert_null(strstr(o->text, "X-LIC"));
	ics_object_free(o);
	o = parse_ok(t, "UTC");
	/* an edit through the JSON API keeps them too */
	struct ics_object *u = NULL;
	struct ics_error err;
	struct ics_event ch = o->master;
	ch.location = "Room 2";
	assert_int_equal(ics_update(o->text, "UTC", &ch, ICS_F_LOCATION, &u, &err), 0);
	assert_non_null(strstr(u->text, "\r\nVENDORPROP;FOO=bar:some value\r\n"));
	assert_non_null(strstr(u->text, "\r\nSUMMARY:  two spaces each side  \r\n"));
	assert_non_null(strstr(u->text, "\r\nDESCRIPTION:\r\n"));
	assert_non_null(strstr(u->text, "\r\nLOCATION:Room 2\r\n"));
	ics_object_free(u);
	ics_object_free(o);
	/* an empty value of a type that cannot be empty is a real error, named once */
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "URL:" CRLF), 6, "URL",
		"line 6: URL: the value is empty");
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "SEQUENCE:" CRLF), 6, "SEQUENCE", "empty");
	/* 99999999 weeks: too large, not "negative" (32-bit overflow) */
	refused(EV("UID:a" CRLF "DTSTART:20260101T100000Z" CRLF "DURATION:P99999999W" CRLF), 6, "DURATION",
		"too large");
}

static void series_edges(void **state)
{
	(void)state;
	struct occs c = {0};
	int tr;
	/* UNTIL before DTSTART: DTSTART is still the first instance (RFC 5545 3.8.5.3) */
	const char *u = EV("UID:u" CRLF "DTSTART:20260110T100000Z" CRLF "DTEND:20260110T110000Z" CRLF
			   "RRULE:FREQ=DAILY;UNTIL=20260101T000000Z" CRLF);
	struct ics_object *o = parse_ok(u, "UTC");
	assert_int_equal(o->master.range_end, utc("2026-01-10T11:00:00"));
	assert_int_equal(ics_expand(o->text, "UTC", utc("2026-01-01T00:00:00"), utc("2026-02-01T00:00:00"), 10, collect,
				    &c, &tr),
			 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.start[0], utc("2026-01-10T10:00:00"));
	ics_object_free(o);
	/* an occurrence moved before the series' first start: the window starts there */
	const char *e = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
			"BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20260110T100000Z\r\nDTEND:20260110T110000Z\r\n"
			"RRULE:FREQ=DAILY;COUNT=3\r\nRDATE:20260108T100000Z\r\nEND:VEVENT\r\n"
			"BEGIN:VEVENT\r\nUID:e\r\nRECURRENCE-ID:20260111T100000Z\r\nSUMMARY:Moved\r\n"
			"DTSTART:20260101T100000Z\r\nDTEND:20260101T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	o = parse_ok(e, "UTC");
	assert_int_equal(o->master.range_start, utc("2026-01-01T10:00:00"));
	memset(&c, 0, sizeof c);
	assert_int_equal(ics_expand(o->text, "UTC", utc("2026-01-01T00:00:00"), utc("2026-01-02T00:00:00"), 10, collect,
				    &c, &tr),
			 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.summary[0], "Moved");
	assert_int_equal(c.rid[0], utc("2026-01-11T10:00:00"));
	ics_object_free(o);
	/* only overrides, no master (RFC 6638: invited to two occurrences) */
	const char *m = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
			"BEGIN:VEVENT\r\nUID:m\r\nRECURRENCE-ID:20260112T100000Z\r\nSUMMARY:Second\r\n"
			"DTSTART:20260112T120000Z\r\nDTEND:20260112T130000Z\r\nEND:VEVENT\r\n"
			"BEGIN:VEVENT\r\nUID:m\r\nRECURRENCE-ID:20260111T100000Z\r\nSUMMARY:First\r\n"
			"DTSTART:20260111T100000Z\r\nDTEND:20260111T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	o = parse_ok(m, "UTC");
	assert_int_equal(o->master.recurrence_id, utc("2026-01-11T10:00:00"));
	assert_int_equal(o->noverrides, 1);
	assert_int_equal(o->master.range_start, utc("2026-01-11T10:00:00"));
	assert_int_equal(o->master.range_end, utc("2026-01-12T13:00:00"));
	memset(&c, 0, sizeof c);
	assert_int_equal(ics_expand(o->text, "UTC", utc("2026-01-01T00:00:00"), utc("2026-02-01T00:00:00"), 10, collect,
				    &c, &tr),
			 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.summary[0], "First");
	assert_string_equal(c.summary[1], "Second");
	assert_int_equal(c.rid[1], utc("2026-01-12T10:00:00"));
	struct buf b = {0};
	assert_int_equal(
		ics_instances(o->text, "UTC", utc("2026-01-12T00:00:00"), utc("2026-01-13T00:00:00"), 10, &b, &tr), 0);
	assert_non_null(strstr(b.data, "SUMMARY:Second"));
	assert_null(strstr(b.data, "SUMMARY:First"));
	buf_free(&b);
	struct ics_object *x = NULL;
	struct ics_error err;
	struct ics_event ch = o->master;
	ch.summary = "x";
	assert_int_equal(ics_update(o->text, "UTC", &ch, ICS_F_SUMMARY, &x, &err), E_INVALID);
	assert_non_null(strstr(err.message, "no master"));
	ics_object_free(o);
	/* RFC 7529 RSCALE: parsed, expanded, and its string freed (LeakSanitizer watches) */
	const char *r =
		EV("UID:r" CRLF "DTSTART:20260110T100000Z" CRLF "RRULE:RSCALE=GREGORIAN;FREQ=MONTHLY;COUNT=3" CRLF);
	o = parse_ok(r, "UTC");
	memset(&c, 0, sizeof c);
	assert_int_equal(ics_expand(o->text, "UTC", utc("2026-01-01T00:00:00"), utc("2027-01-01T00:00:00"), 10, collect,
				    &c, &tr),
			 0);
	assert_int_equal(c.n, 3);
	ics_object_free(o);
}

int main(void)
{
	if (ics_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_an_event),
		cmocka_unit_test(refusals_name_their_line),
		cmocka_unit_test(floating_and_all_day),
		cmocka_unit_test(weekly_meeting_keeps_its_wall_time_across_dst),
		cmocka_unit_test(overrides_exdates_rdates),
		cmocka_unit_test(windows_bound_the_answer),
		cmocka_unit_test(far_future_window_of_an_old_daily_rule),
		cmocka_unit_test(few_answers_over_a_wide_window_walk_little),
		cmocka_unit_test(far_until_is_read_without_walking_to_it),
		cmocka_unit_test(stored_text_is_read_past_max_instances),
		cmocka_unit_test(import_all_or_nothing),
		cmocka_unit_test(import_of_concatenated_calendars_with_their_zones),
		cmocka_unit_test(build_update_override_cancel),
		cmocka_unit_test(zones),
		cmocka_unit_test(other_apps_data_is_kept),
		cmocka_unit_test(series_edges),
		cmocka_unit_test(custom_vtimezone_is_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
