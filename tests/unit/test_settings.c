/* Unit tests of setting validation: enums, booleans, time zones (including
 * names that try to leave the zoneinfo directory) and business hours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "settings/settings.h"

static const char *check(const char *name, const char *json)
{
	static char why[256];
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	const char *r = settings_check(settings_find(name), v, why, sizeof why);
	json_decref(v);
	return r;
}

static void defaults_are_valid(void **state)
{
	(void)state;
	for (int i = 0; i < settings_count; i++)
		assert_null(check(settings_catalogue[i].name, settings_catalogue[i].default_json));
}

static void language_is_one_of_three(void **state)
{
	(void)state;
	assert_null(check("language", "\"ru\""));
	assert_non_null(check("language", "\"r\""));
	assert_non_null(check("language", "\"en|fr\""));
	assert_non_null(check("language", "1"));
}

static void time_zones_stay_in_zoneinfo(void **state)
{
	(void)state;
	assert_null(check("time_zone", "\"Europe/Paris\""));
	assert_null(check("time_zone", "\"UTC\""));
	assert_non_null(check("time_zone", "\"../../etc/passwd\""));
	assert_non_null(check("time_zone", "\"/etc/passwd\""));
	assert_non_null(check("time_zone", "\"Europe\"")); /* a directory, not a zone */
	assert_non_null(check("time_zone", "\"zone.tab\"")); /* a file, not a TZif zone */
	assert_non_null(check("time_zone", "\"Europe/Paris \""));
}

static void business_hours_rules(void **state)
{
	(void)state;
	assert_null(check("business_hours", "{\"mon\":[{\"open\":\"00:00\",\"close\":\"24:00\"}]}"));
	assert_null(check("business_hours",
			  "{\"tue\":[{\"open\":\"08:00\",\"close\":\"12:00\"},{\"open\":\"12:00\",\"close\":\"13:00\"}]}"));
	assert_non_null(check("business_hours", "{\"tue\":[{\"open\":\"08:00\",\"close\":\"12:00\"},"
						"{\"open\":\"11:59\",\"close\":\"13:00\"}]}"));
	assert_non_null(check("business_hours", "{\"mon\":[{\"open\":\"10:00\",\"close\":\"10:00\"}]}"));
	assert_non_null(check("business_hours", "{\"mon\":[{\"open\":\"24:30\",\"close\":\"25:00\"}]}"));
	assert_non_null(check("business_hours", "{\"mon\":[{\"open\":\"10:00\",\"close\":\"11:00\",\"x\":1}]}"));
	assert_non_null(check("business_hours", "[]"));
	assert_non_null(check("business_hours",
			      "{\"mon\":[{\"open\":\"01:00\",\"close\":\"02:00\"},{\"open\":\"03:00\",\"close\":\"04:00\"},"
			      "{\"open\":\"05:00\",\"close\":\"06:00\"},{\"open\":\"07:00\",\"close\":\"08:00\"},"
			      "{\"open\":\"09:00\",\"close\":\"10:00\"}]}"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_valid),
		cmocka_unit_test(language_is_one_of_three),
		cmocka_unit_test(time_zones_stay_in_zoneinfo),
		cmocka_unit_test(business_hours_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
