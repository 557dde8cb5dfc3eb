/* Unit tests of setting validation: enums, booleans, time zones (including
 * names that try to leave the zoneinfo directory) and business hours; and of
 * effective values (company, account, default) on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/ids.h"
#include "settings/settings.h"
#include "store/store.h"
#include "fixture.h"

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
	assert_non_null(check("time_zone", "\"Europe\""));   /* a directory, not a zone */
	assert_non_null(check("time_zone", "\"zone.tab\"")); /* a file, not a TZif zone */
	assert_non_null(check("time_zone", "\"Europe/Paris \""));
	assert_null(check("time_zone", "\"America/Argentina/Buenos_Aires\""));
	assert_null(check("time_zone", "\"Etc/GMT+5\""));
	assert_non_null(check("time_zone", "\"Europe/../../../etc/passwd\""));
	assert_non_null(check("time_zone", "\"Europe/./Paris\""));
	assert_non_null(check("time_zone", "\"Europe//Paris\""));
	assert_non_null(check("time_zone", "\"europe/paris\""));
	assert_non_null(check("time_zone", "\"posix/Europe/Paris\"")); /* an alias tree, not a name */
	assert_non_null(check("time_zone", "\"localtime\""));
	assert_non_null(check("time_zone", "\"\""));
	assert_non_null(check("time_zone", "null"));
}

static void business_hours_rules(void **state)
{
	(void)state;
	assert_null(check("business_hours", "{\"mon\":[{\"open\":\"00:00\",\"close\":\"24:00\"}]}"));
	assert_null(
		check("business_hours",
		      "{\"tue\":[{\"open\":\"08:00\",\"close\":\"12:00\"},{\"open\":\"12:00\",\"close\":\"13:00\"}]}"));
	assert_non_null(check("business_hours", "{\"tue\":[{\"open\":\"08:00\",\"close\":\"12:00\"},"
						"{\"open\":\"11:59\",\"close\":\"13:00\"}]}"));
	assert_non_null(check("business_hours", "{\"mon\":[{\"open\":\"10:00\",\"close\":\"10:00\"}]}"));
	assert_non_null(check("business_hours", "{\"mon\":[{\"open\":\"24:30\",\"close\":\"25:00\"}]}"));
	assert_non_null(check("business_hours", "{\"mon\":[{\"open\":\"10:00\",\"close\":\"11:00\",\"x\":1}]}"));
	assert_non_null(check("business_hours", "[]"));
	assert_non_null(
		check("business_hours",
		      "{\"mon\":[{\"open\":\"01:00\",\"close\":\"02:00\"},{\"open\":\"03:00\",\"close\":\"04:00\"},"
		      "{\"open\":\"05:00\",\"close\":\"06:00\"},{\"open\":\"07:00\",\"close\":\"08:00\"},"
		      "{\"open\":\"09:00\",\"close\":\"10:00\"}]}"));
}

static void business_hours_are_stored_whole_and_sorted(void **state)
{
	(void)state;
	json_t *in = json_loads("{\"tue\":[{\"open\":\"13:00\",\"close\":\"17:00\"},"
				"{\"open\":\"08:00\",\"close\":\"12:00\"}]}",
				0, NULL);
	assert_non_null(in);
	json_t *out = settings_normalise(settings_find("business_hours"), in);
	char *text = json_dumps(out, JSON_COMPACT);
	assert_string_equal(text, "{\"mon\":[],\"tue\":[{\"open\":\"08:00\",\"close\":\"12:00\"},"
				  "{\"open\":\"13:00\",\"close\":\"17:00\"}],\"wed\":[],\"thu\":[],"
				  "\"fri\":[],\"sat\":[],\"sun\":[]}");
	free(text);
	json_decref(out);
	json_decref(in);
	/* other types are stored as given */
	in = json_string("fr");
	out = settings_normalise(settings_find("language"), in);
	assert_ptr_equal(in, out);
	json_decref(out);
	json_decref(in);
}

static const char *value_at(const char *company, const char *name)
{
	static char out[2048];
	assert_int_equal(settings_value(fx.db, fx.account_id, company, name, out, sizeof out), 0);
	return out;
}

static const char *source_of(const char *company, const char *name)
{
	json_t *v;
	const char *source;
	assert_int_equal(settings_effective(fx.db, fx.account_id, company, settings_find(name), &v, &source), 0);
	json_decref(v);
	return source;
}

static void effective_value_company_then_account_then_default(void **state)
{
	(void)state;
	char out[16];
	assert_string_equal(value_at(NULL, "language"), "en");
	assert_string_equal(value_at(fx.company_id, "language"), "en");
	assert_string_equal(source_of(fx.company_id, "language"), "default");
	assert_int_equal(store_setting_put(fx.db, fx.account_id, NULL, "language", "\"fr\"", NULL), 0);
	assert_string_equal(value_at(fx.company_id, "language"), "fr");
	assert_string_equal(source_of(fx.company_id, "language"), "account");
	assert_int_equal(store_setting_put(fx.db, fx.account_id, fx.company_id, "language", "\"ru\"", NULL), 0);
	assert_string_equal(value_at(fx.company_id, "language"), "ru");
	assert_string_equal(source_of(fx.company_id, "language"), "company");
	assert_string_equal(value_at(NULL, "language"), "fr"); /* the account level ignores overrides */
	assert_string_equal(value_at("", "language"), "fr");
	assert_int_equal(store_setting_delete(fx.db, fx.account_id, fx.company_id, "language"), 0);
	assert_string_equal(value_at(fx.company_id, "language"), "fr");
	assert_int_equal(store_setting_delete(fx.db, fx.account_id, fx.company_id, "language"), E_NOTFOUND);
	assert_int_equal(store_setting_delete(fx.db, fx.account_id, NULL, "language"), 0);
	assert_int_equal(settings_value(fx.db, fx.account_id, NULL, "nope", out, sizeof out), E_NOTFOUND);
	/* another account sees none of it */
	assert_int_equal(store_setting_put(fx.db, fx.account_id, NULL, "time_zone", "\"Asia/Tokyo\"", NULL), 0);
	assert_int_equal(settings_value(fx.db, "acc_aaaaaaaaaaaaaaaaaaaa", NULL, "time_zone", out, sizeof out), 0);
	assert_string_equal(out, "UTC");
}

static void values_as_text(void **state)
{
	(void)state;
	assert_string_equal(value_at(NULL, "session_recording"), "false");
	assert_int_equal(store_setting_put(fx.db, fx.account_id, NULL, "session_recording", "true", NULL), 0);
	assert_string_equal(value_at(NULL, "session_recording"), "true");
	assert_string_equal(value_at(NULL, "time_zone"), "Asia/Tokyo");
	const char *hours = value_at(NULL, "business_hours");
	assert_non_null(strstr(hours, "\"mon\":[{\"open\":\"09:00\",\"close\":\"17:00\"}]"));
	assert_non_null(strstr(hours, "\"sun\":[]"));
}

static void bad_stored_values_fall_back_to_the_default(void **state)
{
	(void)state;
	/* rows written by hand or before a rule tightened are not trusted */
	assert_int_equal(store_setting_put(fx.db, fx.account_id, NULL, "language", "\"de\"", NULL), 0);
	assert_string_equal(value_at(fx.company_id, "language"), "en");
	assert_string_equal(source_of(fx.company_id, "language"), "default");
	assert_int_equal(store_setting_put(fx.db, fx.account_id, fx.company_id, "language", "{oops", NULL), 0);
	assert_string_equal(value_at(fx.company_id, "language"), "en");
	assert_int_equal(store_setting_put(fx.db, fx.account_id, NULL, "business_hours",
					   "{\"tue\":[{\"open\":\"14:00\",\"close\":\"15:00\"},"
					   "{\"open\":\"10:00\",\"close\":\"11:00\"}]}",
					   NULL),
			 0);
	/* an old partial row is answered whole and sorted */
	assert_string_equal(value_at(NULL, "business_hours"),
			    "{\"mon\":[],\"tue\":[{\"open\":\"10:00\",\"close\":\"11:00\"},"
			    "{\"open\":\"14:00\",\"close\":\"15:00\"}],\"wed\":[],\"thu\":[],\"fri\":[],"
			    "\"sat\":[],\"sun\":[]}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_valid),
		cmocka_unit_test(language_is_one_of_three),
		cmocka_unit_test(time_zones_stay_in_zoneinfo),
		cmocka_unit_test(business_hours_rules),
		cmocka_unit_test(business_hours_are_stored_whole_and_sorted),
		cmocka_unit_test(effective_value_company_then_account_then_default),
		cmocka_unit_test(values_as_text),
		cmocka_unit_test(bad_stored_values_fall_back_to_the_default),
	};
	/* one group, so that the suite's summary counts every test */
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
