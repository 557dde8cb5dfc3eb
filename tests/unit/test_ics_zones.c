/* Unit tests of time zone names and client VTIMEZONEs (ical/ics_zones.c
 * through ical/ics.h): which IANA zone a TZID means, that a series in a
 * zone of the event's own keeps its wall time across DST, that a
 * VTIMEZONE cannot make the expansion run for ever, and which Windows id an
 * IANA zone has. */
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

static int64_t utc(const char *s)
{
	int64_t t;
	assert_int_equal(ics_local_to_utc("UTC", s, &t), 0);
	return t;
}

static void resolves(const char *tzid, const char *want)
{
	const char *got = ics_tz_canonical(tzid);
	if (!want) {
		if (got)
			fprintf(stderr, "'%s' -> '%s', expected none\n", tzid, got);
		assert_null(got);
		return;
	}
	if (!got || strcmp(got, want))
		fprintf(stderr, "'%s' -> '%s', expected '%s'\n", tzid, got ? got : "(none)", want);
	assert_non_null(got);
	assert_string_equal(got, want);
}

static void names(void **state)
{
	(void)state;
	assert_int_equal(ics_init(), 0);
	resolves("Europe/Berlin", "Europe/Berlin");
	/* tzdata's backward links and ICU's old names */
	resolves("US/Eastern", "America/New_York");
	resolves("US/Pacific", "America/Los_Angeles");
	resolves("Asia/Calcutta", "Asia/Kolkata");
	resolves("Europe/Kiev", "Europe/Kyiv");
	resolves("GB", "Europe/London");
	/* prefixes of Thunderbird and libical */
	resolves("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin");
	resolves("/freeassociation.sourceforge.net/Tzfile/Europe/London", "Europe/London");
	resolves("/freeassociation.sourceforge.net/US/Eastern", "America/New_York");
	/* Windows names (CLDR's mapping in ICU) */
	resolves("W. Europe Standard Time", "Europe/Berlin");
	resolves("Eastern Standard Time", "America/New_York");
	resolves("India Standard Time", "Asia/Kolkata");
	resolves("FLE Standard Time", "Europe/Kyiv");
	resolves("Tokyo Standard Time", "Asia/Tokyo");
	resolves("UTC-11", "Etc/GMT+11");
	/* Outlook display names */
	resolves("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York");
	resolves("(UTC+09:00) Osaka, Sapporo, Tokyo", "Asia/Tokyo");
	resolves("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata");
	const char *ams = ics_tz_canonical("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna");
	assert_non_null(ams);
	assert_true(!strcmp(ams, "Europe/Amsterdam") || !strcmp(ams, "Europe/Brussels") ||
		    !strcmp(ams, "Europe/Berlin"));
	/* a city with the wrong offset is not that zone */
	resolves("(UTC+05:00) Berlin", NULL);
	resolves("GMT", "UTC");
	resolves("Etc/UTC", "UTC");
	resolves("Etc/GMT-3", "Etc/GMT-3");
	resolves("Customized Time Zone", NULL);
	resolves("Mars/Olympus", NULL);
	resolves("", NULL);
	resolves("../../etc/passwd", NULL);
}

struct occs {
	int64_t start[64], end[64];
	int n;
};

static int collect(void *ctx, const struct ics_occurrence *oc)
{
	struct occs *o = ctx;
	if (o->n < 64) {
		o->start[o->n] = oc->start;
		o->end[o->n] = oc->end;
		o->n++;
	}
	return 0;
}

static struct ics_object *parse_ok(const char *text)
{
	struct ics_object *o = NULL;
	struct ics_error err;
	int rc = ics_parse_object(text, strlen(text), "UTC", &o, &err);
	if (rc)
		fprintf(stderr, "unexpected: %s\n", err.message);
	assert_int_equal(rc, 0);
	return o;
}

/* Outlook's VTIMEZONE: rules from 1601 */
#define OUTLOOK_VTZ(tzid)                                                                                         \
	"BEGIN:VTIMEZONE\r\nTZID:" tzid "\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\n" \
	"TZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"              \
	"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"                 \
	"RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"

#define WEEKLY(tzid, extra)                                                                              \
	"BEGIN:VEVENT\r\nUID:w@example.com\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=" tzid            \
	":20260316T100000\r\nDTEND;TZID=" tzid ":20260316T110000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n" extra \
	"SUMMARY:Weekly\r\nEND:VEVENT\r\n"

/* four Mondays 10:00 in Berlin's rules: 09:00Z twice, then 08:00Z after 29 March */
static void weekly_keeps_wall_time(const char *text)
{
	struct occs got = {0};
	int trunc = 0;
	assert_int_equal(ics_expand(text, "UTC", utc("2026-03-01T00:00:00"), utc("2026-05-01T00:00:00"), 64, collect,
				    &got, &trunc),
			 0);
	assert_int_equal(got.n, 4);
	assert_int_equal(got.start[0], utc("2026-03-16T09:00:00"));
	assert_int_equal(got.start[1], utc("2026-03-23T09:00:00"));
	assert_int_equal(got.start[2], utc("2026-03-30T08:00:00"));
	assert_int_equal(got.start[3], utc("2026-04-06T08:00:00"));
	assert_int_equal(got.end[3] - got.start[3], 3600);
}

static void windows_name_becomes_iana(void **state)
{
	(void)state;
	const char *t = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" OUTLOOK_VTZ("W. Europe Standard Time")
		WEEKLY("W. Europe Standard Time", "") "END:VCALENDAR\r\n";
	struct ics_object *o = parse_ok(t);
	assert_string_equal(o->master.tzid, "Europe/Berlin");
	assert_null(o->master.zone);
	assert_non_null(strstr(o->text, "DTSTART;TZID=Europe/Berlin:20260316T100000"));
	assert_null(strstr(o->text, "VTIMEZONE")); /* the system's zone is served instead */
	assert_int_equal(o->ntzids, 1);
	weekly_keeps_wall_time(o->text);
	ics_object_free(o);
	/* an old name without any VTIMEZONE */
	o = parse_ok("BEGIN:VEVENT\r\nUID:e\r\nDTSTART;TZID=US/Eastern:20260308T100000\r\nEND:VEVENT\r\n");
	assert_string_equal(o->master.tzid, "America/New_York");
	assert_int_equal(o->master.start, utc("2026-03-08T14:00:00"));
	ics_object_free(o);
}

static void windows_id(const char *iana, const char *want)
{
	char w[128] = "x";
	int got = ics_tz_windows(iana, w, sizeof w);
	if (want ? !got || strcmp(w, want) : got)
		fprintf(stderr, "'%s' -> '%s', expected '%s'\n", iana, got ? w : "(none)", want ? want : "(none)");
	assert_int_equal(got, want != NULL);
	assert_string_equal(w, want ? want : "");
}

/* the Windows ids the Exchange adapter writes as a series' StartTimeZone:
 * zones its former table of common ones already had, zones it lacked (then
 * written in UTC), and a zone CLDR maps to none (still written in UTC) */
static void iana_becomes_windows(void **state)
{
	(void)state;
	windows_id("UTC", "UTC");
	windows_id("Etc/UTC", "UTC");
	windows_id("Europe/Berlin", "W. Europe Standard Time");
	windows_id("Europe/Paris", "Romance Standard Time");
	windows_id("Europe/Warsaw", "Central European Standard Time");
	windows_id("Europe/Kiev", "FLE Standard Time");
	windows_id("Europe/Kyiv", "FLE Standard Time");
	windows_id("America/New_York", "Eastern Standard Time");
	windows_id("Australia/Sydney", "AUS Eastern Standard Time");
	windows_id("Asia/Kathmandu", "Nepal Standard Time");
	windows_id("America/St_Johns", "Newfoundland Standard Time");
	windows_id("Australia/Lord_Howe", "Lord Howe Standard Time");
	windows_id("Asia/Calcutta", "India Standard Time"); /* an old name */
	windows_id("Antarctica/Troll", NULL);
	windows_id("Mars/Olympus_Mons", NULL);
	windows_id("", NULL);
	windows_id(NULL, NULL);
	char tiny[4];
	assert_int_equal(ics_tz_windows("Europe/Berlin", tiny, sizeof tiny), 0); /* never cut short */
}

static void own_vtimezone_keeps_wall_time(void **state)
{
	(void)state;
	const char *t = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" OUTLOOK_VTZ("Customized Time Zone")
		WEEKLY("Customized Time Zone",
		       "RDATE;VALUE=PERIOD;TZID=Customized Time Zone:20260501T140000/PT3H\r\n") "END:VCALENDAR\r\n";
	struct ics_object *o = parse_ok(t);
	assert_string_equal(o->master.tzid, "Customized Time Zone");
	assert_non_null(o->master.zone);
	assert_non_null(strstr(o->text, "DTSTART;TZID=Customized Time Zone:20260316T100000"));
	/* stored first, its rules restarted at their first onset from 1900 on */
	assert_int_equal(strncmp(o->text, "BEGIN:VTIMEZONE\r\n", 17), 0);
	assert_null(strstr(o->text, "16010101"));
	assert_non_null(strstr(o->busy_text, "BEGIN:VTIMEZONE\r\n"));
	assert_int_equal(o->ntzids, 0);
	char s[32];
	ics_format_event_time(&o->master, o->master.start, s, sizeof s);
	assert_string_equal(s, "2026-03-16T10:00:00");
	weekly_keeps_wall_time(o->text);
	/* the period RDATE keeps its three hours, at 14:00 summer time */
	struct occs got = {0};
	int trunc = 0;
	assert_int_equal(ics_expand(o->text, "UTC", utc("2026-04-30T00:00:00"), utc("2026-05-02T00:00:00"), 64, collect,
				    &got, &trunc),
			 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.start[0], utc("2026-05-01T12:00:00"));
	assert_int_equal(got.end[0], utc("2026-05-01T15:00:00"));
	/* the stored text reads back the same, and a change keeps the zone */
	struct ics_object *again = parse_ok(o->text);
	assert_string_equal(again->text, o->text);
	ics_object_free(again);
	struct ics_event ev = {.summary = "Renamed"};
	struct ics_object *u = NULL;
	struct ics_error err;
	assert_int_equal(ics_update(o->text, "UTC", &ev, ICS_F_SUMMARY, &u, &err), 0);
	assert_non_null(strstr(u->text, "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\n"));
	assert_non_null(strstr(u->text, "SUMMARY:Renamed"));
	weekly_keeps_wall_time(u->text);
	/* an occurrence cancelled keeps the zone too */
	struct ics_object *c = NULL;
	assert_int_equal(ics_occurrence_cancel(u->text, "UTC", utc("2026-03-30T08:00:00"), &c, &err), 0);
	assert_non_null(strstr(c->text, "BEGIN:VTIMEZONE\r\n"));
	ics_object_free(c);
	ics_object_free(u);
	/* CalDAV's limit-recurrence-set keeps it as well */
	struct buf b = {0};
	assert_int_equal(
		ics_limit_overrides(o->text, "UTC", utc("2026-01-01T00:00:00"), utc("2027-01-01T00:00:00"), &b), 0);
	assert_int_equal(strncmp(b.data, "BEGIN:VTIMEZONE\r\n", 17), 0);
	buf_free(&b);
	ics_object_free(o);
}

static void refused(const char *vtz, const char *needle)
{
	struct buf t = {0};
	buf_printf(&t, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%s" WEEKLY("Bad", "") "END:VCALENDAR\r\n", vtz);
	struct ics_object *o = NULL;
	struct ics_error err;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int rc = ics_parse_object(t.data, t.len, "UTC", &o, &err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	if (rc != E_INVALID || !strstr(err.message, needle))
		fprintf(stderr, "rc %d: %s (expected '%s')\n", rc, rc ? err.message : "", needle);
	assert_int_equal(rc, E_INVALID);
	assert_null(o);
	assert_string_equal(err.property, "VTIMEZONE");
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, needle));
	assert_true(secs < 1.0);
	buf_free(&t);
}

#define VTZ(rule, start)                                                                               \
	"BEGIN:VTIMEZONE\r\nTZID:Bad\r\nBEGIN:STANDARD\r\nDTSTART:" start "\r\nTZOFFSETFROM:+0200\r\n" \
	"TZOFFSETTO:+0100\r\n" rule "END:STANDARD\r\nEND:VTIMEZONE\r\n"

static void abusive_vtimezones(void **state)
{
	(void)state;
	/* every second since year 1: libical would walk it for ever */
	refused(VTZ("RRULE:FREQ=SECONDLY\r\n", "00010101T000000"), "FREQ=YEARLY");
	refused(VTZ("RRULE:FREQ=DAILY\r\n", "19700101T000000"), "FREQ=YEARLY");
	refused(VTZ("RRULE:FREQ=YEARLY;BYHOUR=1,2,3\r\n", "19700101T000000"), "only BYMONTH, BYDAY and BYMONTHDAY");
	refused(VTZ("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SU\r\n", "19700101T000000"), "more than 2 times in 1970");
	refused(VTZ("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n", "19700101T000000"), "BYMONTHDAY=30");
	refused(VTZ("RRULE:FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU\r\n", "19700101T000000"), "more than one month");
	refused("BEGIN:VTIMEZONE\r\nTZID:Bad\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
		"TZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
		"TZOFFSETFROM and TZOFFSETTO");
	refused("BEGIN:VTIMEZONE\r\nTZID:Bad\r\nEND:VTIMEZONE\r\n", "no STANDARD or DAYLIGHT");
	struct buf many = {0};
	buf_puts(&many, "BEGIN:VTIMEZONE\r\nTZID:Bad\r\n");
	for (int i = 0; i < 101; i++)
		buf_printf(&many,
			   "BEGIN:STANDARD\r\nDTSTART:19%02d0101T000000\r\nTZOFFSETFROM:+0100\r\n"
			   "TZOFFSETTO:+0100\r\nEND:STANDARD\r\n",
			   i % 100);
	buf_puts(&many, "END:VTIMEZONE\r\n");
	refused(many.data, "more than 100 STANDARD and DAYLIGHT");
	buf_free(&many);
	/* a yearly rule since year 1 is bounded, not refused: it starts at its first onset from 1900 */
	struct ics_object *o = parse_ok(
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" VTZ("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n",
							 "00011028T030000") WEEKLY("Bad", "") "END:VCALENDAR\r\n");
	assert_non_null(strstr(o->text, "DTSTART:19001028T030000\r\n"));
	assert_int_equal(o->master.start, utc("2026-03-16T09:00:00"));
	ics_object_free(o);
	/* a rule with COUNT that ended before 1900 leaves its last onset */
	o = parse_ok("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" VTZ("RRULE:FREQ=YEARLY;COUNT=3\r\n", "18000101T000000")
			     WEEKLY("Bad", "") "END:VCALENDAR\r\n");
	assert_non_null(strstr(o->text, "DTSTART:18020101T000000\r\n"));
	assert_null(strstr(o->text, "COUNT=3\r\nEND:STANDARD"));
	ics_object_free(o);
}

/* feeds: one definition per TZID under one VCALENDAR */
#define OTHER_VTZ(tzid)                                                                                           \
	"BEGIN:VTIMEZONE\r\nTZID:" tzid "\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\n" \
	"TZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"

static void feed_zones_once(void **state)
{
	(void)state;
	const char *a = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" OUTLOOK_VTZ("Customized Time Zone")
		WEEKLY("Customized Time Zone", "") "END:VCALENDAR\r\n";
	const char *b = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" OTHER_VTZ("Customized Time Zone")
		WEEKLY("Customized Time Zone", "") "END:VCALENDAR\r\n";
	struct ics_object *o1 = parse_ok(a), *o2 = parse_ok(a), *o3 = parse_ok(b), *o4 = parse_ok(b);
	struct buf zones = {0}, body = {0};
	assert_int_equal(ics_feed_append(&zones, &body, o1->text), 0);
	assert_int_equal(ics_feed_append(&zones, &body, o2->text), 0);
	assert_int_equal(ics_feed_append(&zones, &body, o3->text), 0);
	assert_int_equal(ics_feed_append(&zones, &body, o4->text), 0);
	/* each definition once; the second under a new name, which its events use */
	const char *first = strstr(zones.data, "TZID:Customized Time Zone\r\n");
	assert_non_null(first);
	assert_null(strstr(first + 1, "TZID:Customized Time Zone\r\n"));
	const char *second = strstr(zones.data, "TZID:Customized Time Zone (2)\r\nBEGIN:STANDARD\r\nDTSTART:19700101");
	assert_non_null(second);
	assert_null(strstr(zones.data, "(3)"));
	assert_null(strstr(body.data, "VTIMEZONE"));
	const char *e3 = strstr(body.data, "DTSTART;TZID=\"Customized Time Zone (2)\":20260316T100000");
	assert_non_null(e3);
	assert_non_null(strstr(e3 + 1, "DTSTART;TZID=\"Customized Time Zone (2)\":20260316T100000"));
	assert_int_equal(strncmp(body.data, "BEGIN:VEVENT\r\n", 14), 0);
	assert_non_null(strstr(body.data, "DTSTART;TZID=Customized Time Zone:20260316T100000"));
	buf_free(&zones);
	buf_free(&body);
	ics_object_free(o1);
	ics_object_free(o2);
	ics_object_free(o3);
	ics_object_free(o4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(windows_name_becomes_iana),
		cmocka_unit_test(iana_becomes_windows),
		cmocka_unit_test(own_vtimezone_keeps_wall_time),
		cmocka_unit_test(abusive_vtimezones),
		cmocka_unit_test(feed_zones_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
