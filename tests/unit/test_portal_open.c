/* Unit tests of the pure parts of portals: business hours at a local time
 * (support/portal_open.h: the interval edges, 24:00, closed days, the week's
 * wrap, when it next changes) and slugs (support/portal_slug.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/portal_open.h"
#include "support/portal_slug.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

static json_t *weekdays_9_to_17(void)
{
	json_t *h = json_loads(
		"{\"mon\":[{\"open\":\"09:00\",\"close\":\"17:00\"}],"
		"\"tue\":[{\"open\":\"09:00\",\"close\":\"12:00\"},{\"open\":\"13:00\",\"close\":\"17:00\"}],"
		"\"wed\":[],\"thu\":[],\"fri\":[{\"open\":\"09:00\",\"close\":\"17:00\"}],"
		"\"sat\":[],\"sun\":[{\"open\":\"22:00\",\"close\":\"24:00\"}]}",
		0, NULL);
	assert_non_null(h);
	return h;
}

static void open_within_an_interval_and_closed_at_its_end(void **state)
{
	(void)state;
	json_t *h = weekdays_9_to_17();
	int64_t next;
	assert_int_equal(portal_hours_open(h, MON, 8 * 60 + 59, 30, &next), 0);
	assert_int_equal(next, 30); /* opens at 09:00:00 */
	assert_int_equal(portal_hours_open(h, MON, 9 * 60, 0, &next), 1);
	assert_int_equal(next, 8 * 3600); /* closes at 17:00 */
	assert_int_equal(portal_hours_open(h, MON, 16 * 60 + 59, 59, &next), 1);
	assert_int_equal(next, 1);
	assert_int_equal(portal_hours_open(h, MON, 17 * 60, 0, &next), 0);
	assert_int_equal(next, 16 * 3600); /* Tuesday 09:00 */
	json_decref(h);
}

static void a_lunch_break_closes(void **state)
{
	(void)state;
	json_t *h = weekdays_9_to_17();
	int64_t next;
	assert_int_equal(portal_hours_open(h, TUE, 12 * 60 + 30, 0, &next), 0);
	assert_int_equal(next, 30 * 60);
	assert_int_equal(portal_hours_open(h, TUE, 11 * 60, 0, &next), 1);
	assert_int_equal(next, 3600);
	json_decref(h);
}

static void closed_days_and_the_weeks_wrap(void **state)
{
	(void)state;
	json_t *h = weekdays_9_to_17();
	int64_t next;
	/* Friday 17:00 -> Sunday 22:00 */
	assert_int_equal(portal_hours_open(h, FRI, 17 * 60, 0, &next), 0);
	assert_int_equal(next, (int64_t)(7 + 24 + 22) * 3600);
	/* Sunday 23:00, open until 24:00 then Monday 09:00 */
	assert_int_equal(portal_hours_open(h, SUN, 23 * 60, 0, &next), 1);
	assert_int_equal(next, 3600);
	assert_int_equal(portal_hours_open(h, WED, 10 * 60, 0, &next), 0);
	assert_int_equal(next, (int64_t)(14 + 24 + 9) * 3600); /* Friday 09:00 */
	json_decref(h);
}

static void always_and_never(void **state)
{
	(void)state;
	json_t *never =
		json_loads("{\"mon\":[],\"tue\":[],\"wed\":[],\"thu\":[],\"fri\":[],\"sat\":[],\"sun\":[]}", 0, NULL);
	json_t *always = json_object();
	const char *days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	for (int i = 0; i < 7; i++)
		json_object_set_new(always, days[i], json_loads("[{\"open\":\"00:00\",\"close\":\"24:00\"}]", 0, NULL));
	int64_t next;
	assert_int_equal(portal_hours_open(never, THU, 600, 0, &next), 0);
	assert_int_equal(next, 7 * 86400);
	assert_int_equal(portal_hours_open(always, SAT, 0, 0, &next), 1);
	assert_int_equal(next, 7 * 86400);
	/* an interval that ends at midnight and one that starts there join */
	json_t *night = json_loads("{\"mon\":[{\"open\":\"20:00\",\"close\":\"24:00\"}],"
				   "\"tue\":[{\"open\":\"00:00\",\"close\":\"06:00\"}]}",
				   0, NULL);
	assert_int_equal(portal_hours_open(night, MON, 21 * 60, 0, &next), 1);
	assert_int_equal(next, 9 * 3600);
	json_decref(never);
	json_decref(always);
	json_decref(night);
}

static void slugs(void **state)
{
	(void)state;
	char s[PORTAL_SLUG_MAX + 1];
	portal_slug_from_name("Acme Corp.", s);
	assert_string_equal(s, "acme-corp");
	portal_slug_from_name("  Élan & Vitalité  ", s);
	assert_string_equal(s, "elan-vitalite");
	portal_slug_from_name("Ромашка Ltd", s);
	assert_string_equal(s, "romashka-ltd");
	portal_slug_from_name("Łódź", s);
	assert_string_equal(s, "lodz");
	portal_slug_from_name("東京", s);
	assert_string_equal(s, "portal");
	char longname[200];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	portal_slug_from_name(longname, s);
	assert_int_equal(strlen(s), PORTAL_SLUG_MAX);
	assert_true(portal_slug_valid(s));
	char t[PORTAL_SLUG_MAX + 1];
	portal_slug_suffixed(s, 12, t);
	assert_int_equal(strlen(t), PORTAL_SLUG_MAX);
	assert_string_equal(t + PORTAL_SLUG_MAX - 3, "-12");
	assert_true(portal_slug_valid("a"));
	assert_true(portal_slug_valid("acme-2"));
	assert_false(portal_slug_valid(""));
	assert_false(portal_slug_valid("-acme"));
	assert_false(portal_slug_valid("acme-"));
	assert_false(portal_slug_valid("Acme"));
	assert_false(portal_slug_valid("ac_me"));
	assert_false(portal_slug_valid(longname));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_within_an_interval_and_closed_at_its_end),
		cmocka_unit_test(a_lunch_break_closes),
		cmocka_unit_test(closed_days_and_the_weeks_wrap),
		cmocka_unit_test(always_and_never),
		cmocka_unit_test(slugs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
