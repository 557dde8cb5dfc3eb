/* Unit tests of conferencing/zoom_meeting_write.h's translation of an event
 * into Zoom's meeting body: a single meeting in its zone (wall-clock start
 * without "Z" plus timezone), UTC events with "Z", weekly/daily/monthly
 * rules as Zoom's recurrence (days numbered 1 = Sunday), and the rules Zoom
 * cannot say refused by name (never approximated). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conferencing/zoom_meeting_write.h"
#include "core/errors.h"

/* 2026-10-19T10:00:00 Europe/Paris (CEST, +02:00) = 08:00Z, a Monday */
#define MON_10_PARIS 1792396800LL

static json_t *body_of(const char *tz, const char *rrule, int exceptions, char *why)
{
	struct zoom_meeting_spec s = {.topic = "Keynote",
				      .agenda = "Opening talk",
				      .start = MON_10_PARIS,
				      .end = MON_10_PARIS + 5400,
				      .tzid = tz,
				      .rrule = rrule,
				      .exceptions = exceptions};
	json_t *o = NULL;
	why[0] = 0;
	int rc = zoom_meeting_body(&s, &o, why, 200);
	return rc ? NULL : o;
}

static void test_single_in_zone(void **state)
{
	(void)state;
	char why[200];
	json_t *o = body_of("Europe/Paris", NULL, 0, why);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "start_time")), "2026-10-19T10:00:00");
	assert_string_equal(json_string_value(json_object_get(o, "timezone")), "Europe/Paris");
	assert_int_equal(json_integer_value(json_object_get(o, "type")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "duration")), 90);
	assert_string_equal(json_string_value(json_object_get(o, "topic")), "Keynote");
	assert_string_equal(json_string_value(json_object_get(o, "agenda")), "Opening talk");
	assert_null(json_object_get(o, "recurrence"));
	json_decref(o);
}

static void test_utc(void **state)
{
	(void)state;
	char why[200];
	json_t *o = body_of(NULL, NULL, 0, why);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "start_time")), "2026-10-19T08:00:00Z");
	assert_string_equal(json_string_value(json_object_get(o, "timezone")), "UTC");
	json_decref(o);
}

static void test_weekly(void **state)
{
	(void)state;
	char why[200];
	json_t *o = body_of("Europe/Paris", "FREQ=WEEKLY;COUNT=4;BYDAY=MO,WE", 0, why);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "type")), 8);
	json_t *rec = json_object_get(o, "recurrence");
	assert_int_equal(json_integer_value(json_object_get(rec, "type")), 2);
	assert_string_equal(json_string_value(json_object_get(rec, "weekly_days")), "2,4");
	assert_int_equal(json_integer_value(json_object_get(rec, "end_times")), 4);
	assert_int_equal(json_integer_value(json_object_get(rec, "repeat_interval")), 1);
	json_decref(o);
}

static void test_daily_until_date(void **state)
{
	(void)state;
	char why[200];
	json_t *o = body_of("Europe/Paris", "FREQ=DAILY;INTERVAL=2;UNTIL=20261031", 0, why);
	assert_non_null(o);
	json_t *rec = json_object_get(o, "recurrence");
	assert_int_equal(json_integer_value(json_object_get(rec, "type")), 1);
	assert_int_equal(json_integer_value(json_object_get(rec, "repeat_interval")), 2);
	/* the end of 31 October in Paris (CET by then, +01:00) */
	assert_string_equal(json_string_value(json_object_get(rec, "end_date_time")), "2026-10-31T22:59:59Z");
	json_decref(o);
}

static void test_monthly(void **state)
{
	(void)state;
	char why[200];
	json_t *o = body_of("Europe/Paris", "FREQ=MONTHLY;COUNT=3;BYDAY=3MO", 0, why);
	assert_non_null(o);
	json_t *rec = json_object_get(o, "recurrence");
	assert_int_equal(json_integer_value(json_object_get(rec, "type")), 3);
	assert_int_equal(json_integer_value(json_object_get(rec, "monthly_week")), 3);
	assert_int_equal(json_integer_value(json_object_get(rec, "monthly_week_day")), 2);
	json_decref(o);
	o = body_of("Europe/Paris", "FREQ=MONTHLY;COUNT=3", 0, why);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "recurrence"), "monthly_day")), 19);
	json_decref(o);
}

static void test_refused(void **state)
{
	(void)state;
	char why[200];
	assert_null(body_of("Europe/Paris", "FREQ=WEEKLY", 0, why));
	assert_non_null(strstr(why, "forever"));
	assert_null(body_of("Europe/Paris", "FREQ=WEEKLY;COUNT=61", 0, why));
	assert_non_null(strstr(why, "60"));
	assert_null(body_of("Europe/Paris", "FREQ=YEARLY;COUNT=3", 0, why));
	assert_non_null(strstr(why, "YEARLY"));
	assert_null(body_of("Europe/Paris", "FREQ=DAILY;COUNT=3;BYHOUR=9,14", 0, why));
	assert_non_null(strstr(why, "BYHOUR"));
	assert_null(body_of("Europe/Paris", "FREQ=WEEKLY;COUNT=3;BYDAY=TU", 0, why));
	assert_non_null(strstr(why, "BYDAY"));
	assert_null(body_of("Europe/Paris", "FREQ=WEEKLY;COUNT=3", 1, why));
	assert_non_null(strstr(why, "EXDATE"));
	assert_null(body_of("Europe/Paris", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=SU,MO", 0, why));
	assert_non_null(strstr(why, "Sunday"));
	assert_null(body_of("Europe/Paris", "FREQ=MONTHLY;COUNT=3;BYDAY=5MO", 0, why));
}

static void test_long_topic_cut_on_characters(void **state)
{
	(void)state;
	char topic[1000] = "", why[200];
	for (int i = 0; i < 300; i++)
		strcat(topic, "é");
	struct zoom_meeting_spec s = {.topic = topic, .start = MON_10_PARIS, .end = MON_10_PARIS + 60};
	json_t *o = NULL;
	assert_int_equal(zoom_meeting_body(&s, &o, why, sizeof why), 0);
	const char *t = json_string_value(json_object_get(o, "topic"));
	assert_int_equal(strlen(t), 400); /* 200 characters of 2 bytes */
	json_decref(o);
	s.all_day = 1;
	assert_int_equal(zoom_meeting_body(&s, &o, why, sizeof why), E_INVALID);
}

int main(void)
{
	if (ics_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_in_zone),
		cmocka_unit_test(test_utc),
		cmocka_unit_test(test_weekly),
		cmocka_unit_test(test_daily_until_date),
		cmocka_unit_test(test_monthly),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_long_topic_cut_on_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
