/* Unit tests of iCalendar errors in each language (ical/ics.h): an error
 * is formatted in English, French and Russian when it is made, with the
 * line, property and value in each language's own sentence; a fault carried
 * as text (a rule's) is translated too; the English stays in message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ical/ics.h"
#include "core/i18n.h"

static int parse(const char *text, struct ics_error *err)
{
	struct ics_object *o = NULL;
	memset(err, 0, sizeof *err);
	int rc = ics_parse_object(text, strlen(text), "UTC", &o, err);
	ics_object_free(o);
	return rc;
}

static void bad_date_names_line_property_and_value_in_each_language(void **state)
{
	(void)state;
	struct ics_error err;
	assert_int_not_equal(parse("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
				   "UID:a@x\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20301340T100000Z\r\n"
				   "END:VEVENT\r\nEND:VCALENDAR\r\n",
				   &err),
			     0);
	assert_int_equal(err.line, 7);
	assert_string_equal(err.message, "line 7: DTSTART: invalid date-time '20301340T100000Z'");
	assert_string_equal(ics_error_text(&err, LANG_EN), err.message);
	assert_string_equal(ics_error_text(&err, LANG_FR),
			    "ligne 7 : DTSTART : date-heure invalide « 20301340T100000Z »");
	assert_string_equal(ics_error_text(&err, LANG_RU),
			    "строка 7: DTSTART: недопустимые дата и время «20301340T100000Z»");
	/* out of range: the English */
	assert_string_equal(ics_error_text(&err, 7), err.message);
}

static void a_rules_fault_is_translated(void **state)
{
	(void)state;
	struct ics_error err;
	assert_int_not_equal(parse("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
				   "UID:b@x\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300101T100000Z\r\n"
				   "RRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
				   &err),
			     0);
	assert_string_equal(err.property, "RRULE");
	assert_non_null(strstr(ics_error_text(&err, LANG_FR), "une règle MINUTELY ou SECONDLY exige COUNT ou UNTIL"));
	assert_non_null(strstr(ics_error_text(&err, LANG_RU), "правилу MINUTELY или SECONDLY нужен COUNT или UNTIL"));
}

static void an_error_without_a_line(void **state)
{
	(void)state;
	struct ics_error err;
	assert_int_not_equal(parse("", &err), 0);
	assert_string_equal(err.message, "the text is empty");
	assert_string_equal(ics_error_text(&err, LANG_FR), "le texte est vide");
	assert_string_equal(ics_error_text(&err, LANG_RU), "текст пуст");
}

int main(void)
{
	if (ics_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_date_names_line_property_and_value_in_each_language),
		cmocka_unit_test(a_rules_fault_is_translated),
		cmocka_unit_test(an_error_without_a_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
