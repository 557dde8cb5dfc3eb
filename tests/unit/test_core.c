/* Unit tests of core/: ids, config precedence, arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/ids.h"

static void ids_have_prefix_and_are_unique(void **state)
{
	(void)state;
	char a[ID_MAX], b[ID_MAX];
	ids_new("usr", a);
	ids_new("usr", b);
	assert_true(ids_valid(a, "usr"));
	assert_false(ids_valid(a, "cmp"));
	assert_string_not_equal(a, b);
	assert_false(ids_valid("usr_../../etc/passwd", "usr"));
}

static void secrets_hash_deterministically(void **state)
{
	(void)state;
	char s[SECRET_MAX], h1[HASH_HEX_MAX], h2[HASH_HEX_MAX];
	ids_secret(s);
	assert_int_equal(strlen(s), 43);
	ids_hash(s, h1);
	ids_hash(s, h2);
	assert_string_equal(h1, h2);
	assert_true(ids_equal_ct(h1, h2));
}

static void config_flags_override_environment(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	config_defaults(&c);
	setenv("CONVENE_LISTEN", "127.0.0.1:9000", 1);
	assert_int_equal(config_load_env(&c, err, sizeof err), 0);
	assert_string_equal(c.listen, "127.0.0.1:9000");
	assert_int_equal(config_set(&c, "listen", "127.0.0.1:9001", err, sizeof err), 0);
	assert_string_equal(c.listen, "127.0.0.1:9001");
	unsetenv("CONVENE_LISTEN");
	assert_int_equal(config_set(&c, "db", "mysql://x", err, sizeof err), E_INVALID);
	assert_non_null(strstr(err, "sqlite:PATH"));
	assert_int_equal(config_set(&c, "nonsense", "1", err, sizeof err), E_INVALID);
	config_finish(&c);
	assert_string_equal(c.db_url, "sqlite:./var/convene.db");
}

static void arena_allocations_are_usable(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *big = arena_alloc(a, 100000);
	memset(big, 1, 100000);
	assert_string_equal(arena_printf(a, "%s-%d", "x", 42), "x-42");
	arena_free(a);
}

int main(void)
{
	ids_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_have_prefix_and_are_unique),
		cmocka_unit_test(secrets_hash_deterministically),
		cmocka_unit_test(config_flags_override_environment),
		cmocka_unit_test(arena_allocations_are_usable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
