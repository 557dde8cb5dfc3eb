/* Unit tests of http/jsonout: the same text as jansson's compact json_dumps,
 * for fixed cases and for random trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/jsonout.h"

static void same_as_jansson(json_t *v)
{
	size_t len = 0;
	char *mine = jsonout_dumps(v, &len);
	char *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_non_null(mine);
	assert_non_null(theirs);
	assert_int_equal(len, strlen(theirs));
	assert_memory_equal(mine, theirs, len);
	free(mine);
	free(theirs);
	json_decref(v);
}

static void fixed_cases(void **state)
{
	(void)state;
	same_as_jansson(json_object());
	same_as_jansson(json_array());
	same_as_jansson(json_null());
	same_as_jansson(json_true());
	same_as_jansson(json_integer(0));
	same_as_jansson(json_integer(INT64_MIN));
	same_as_jansson(json_integer(INT64_MAX));
	same_as_jansson(json_real(0.1));
	same_as_jansson(json_real(1e300));
	same_as_jansson(json_real(-3.0));
	same_as_jansson(json_string(""));
	same_as_jansson(json_string("quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f"));
	same_as_jansson(json_string("\x01\x1f\x7f caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80"));
	same_as_jansson(json_stringn("nul\0inside", 10));
	same_as_jansson(json_pack("{s:s, s:i, s:b, s:n, s:[i, s, {}], s:{s:{s:[]}}, s:f}", "a", "x", "b", -5, "c", 1,
				  "d", "e", 1, "two", "f", "g", "h", "k\"ey", 2.5));
}

static json_t *random_value(int depth)
{
	int kind = rand() % (depth > 4 ? 6 : 8);
	switch (kind) {
	case 0:
		return json_null();
	case 1:
		return json_boolean(rand() % 2);
	case 2:
		return json_integer(((json_int_t)rand() << 32 | (json_int_t)rand()) * (rand() % 2 ? 1 : -1));
	case 3:
		return json_real((double)rand() / (rand() + 1));
	case 4:
	case 5: {
		char s[64];
		size_t n = 0;
		int len = rand() % 20;
		for (int i = 0; i < len; i++) {
			unsigned cp = rand() % 4 ? (unsigned)(rand() % 0x80) : (unsigned)(rand() % 0x800);
			if (cp < 0x80) {
				s[n++] = (char)cp;
			} else {
				s[n++] = (char)(0xc0 | cp >> 6);
				s[n++] = (char)(0x80 | (cp & 0x3f));
			}
		}
		return json_stringn(s, n);
	}
	case 6: {
		json_t *a = json_array();
		for (int i = rand() % 5; i > 0; i--)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (int i = rand() % 5; i > 0; i--) {
			char key[16];
			snprintf(key, sizeof key, "k%d\"%c", rand() % 50, 'a' + rand() % 26);
			json_object_set_new(o, key, random_value(depth + 1));
		}
		return o;
	}
	}
}

static void random_trees(void **state)
{
	(void)state;
	srand(12345);
	for (int i = 0; i < 3000; i++)
		same_as_jansson(random_value(0));
}

static void too_deep_is_refused(void **state)
{
	(void)state;
	json_t *root = json_array(), *cur = root;
	for (int i = 0; i < JSONOUT_DEPTH_MAX + 5; i++) {
		json_t *next = json_array();
		json_array_append_new(cur, next);
		cur = next;
	}
	size_t len;
	assert_null(jsonout_dumps(root, &len));
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixed_cases),
		cmocka_unit_test(random_trees),
		cmocka_unit_test(too_deep_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
