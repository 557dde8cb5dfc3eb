/* Unit tests of the CSV writer (core/csv.h, over libcsv): fields quoted with
 * inner quotes doubled, commas and line breaks kept inside a field, CRLF row
 * ends, and the apostrophe that keeps a typed name from being a formula. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"

static void quoting(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_int_equal(csv_field(&b, "key", 1), 0);
	assert_int_equal(csv_field(&b, "say \"hi\", twice\r\nok", 0), 0);
	assert_int_equal(csv_field(&b, "", 0), 0);
	assert_int_equal(csv_row_end(&b), 0);
	assert_string_equal(b.data, "\"key\",\"say \"\"hi\"\", twice\r\nok\",\"\"\r\n");
	buf_free(&b);
}

static void formulas(void **state)
{
	(void)state;
	static const char *const in[] = {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "Plain", "a=b", ""};
	static const char *const out[] = {"\"'=1+1\"", "\"'+1\"",   "\"'-1\"", "\"'@SUM(A1)\"",
					  "\"'\tx\"",  "\"Plain\"", "\"a=b\"", "\"\""};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		struct buf b = {0};
		assert_int_equal(csv_text_field(&b, in[i], 1), 0);
		assert_string_equal(b.data, out[i]);
		buf_free(&b);
	}
	/* a long field goes through the heap */
	char big[1000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	struct buf b = {0};
	assert_int_equal(csv_text_field(&b, big, 1), 0);
	assert_int_equal(b.len, sizeof big - 1 + 2);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoting),
		cmocka_unit_test(formulas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
