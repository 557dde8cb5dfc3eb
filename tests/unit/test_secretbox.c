/* Unit tests of core/secretbox.h, what keeps OAuth tokens unreadable in the
 * database: a round trip, and every text that is not ours (another key, one
 * changed character, another prefix, garbage) refused; no key, nothing sealed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/errors.h"
#include "core/secretbox.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/convene-sb-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	secretbox_forget();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static void key_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void load_new(const char *name)
{
	char p[128], err[256];
	key_path(p, sizeof p, name);
	assert_int_equal(secretbox_create(p, err, sizeof err), 0);
	assert_int_equal(secretbox_load(p, err, sizeof err), 0);
	assert_true(secretbox_ready());
}

static void round_trip(void **state)
{
	(void)state;
	load_new("a.key");
	const char *token = "eyJhbGciOiJIUzUxMiJ9.refresh-token";
	char *sealed = NULL, *plain = NULL, *again = NULL;
	size_t n = 0;
	assert_int_equal(secretbox_seal(token, strlen(token), &sealed), 0);
	assert_memory_equal(sealed, "sb1:", 4);
	assert_null(strstr(sealed, "refresh"));  /* the secret is not in the text */
	assert_null(strpbrk(sealed + 4, "+/=")); /* base64url without padding */
	assert_int_equal(secretbox_open(sealed, &plain, &n), 0);
	assert_int_equal(n, strlen(token));
	assert_string_equal(plain, token);
	/* a fresh nonce each time: the same secret never gives the same text */
	assert_int_equal(secretbox_seal(token, strlen(token), &again), 0);
	assert_string_not_equal(sealed, again);
	free(plain);
	free(again);
	free(sealed);
	/* empty and binary values survive too */
	assert_int_equal(secretbox_seal("", 0, &sealed), 0);
	assert_int_equal(secretbox_open(sealed, &plain, &n), 0);
	assert_int_equal(n, 0);
	assert_string_equal(plain, "");
	free(plain);
	free(sealed);
	const unsigned char bin[4] = {0, 255, 0, 7};
	assert_int_equal(secretbox_seal(bin, sizeof bin, &sealed), 0);
	assert_int_equal(secretbox_open(sealed, &plain, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(plain, bin, 4);
	free(plain);
	free(sealed);
	secretbox_forget();
}

static void other_key_refused(void **state)
{
	(void)state;
	char *sealed = NULL, *plain = NULL;
	load_new("one.key");
	assert_int_equal(secretbox_seal("secret", 6, &sealed), 0);
	secretbox_forget();
	load_new("two.key");
	assert_int_equal(secretbox_open(sealed, &plain, NULL), E_INVALID);
	assert_null(plain);
	free(sealed);
	secretbox_forget();
}

static void damage_refused(void **state)
{
	(void)state;
	char *sealed = NULL, *plain = NULL;
	load_new("d.key");
	assert_int_equal(secretbox_seal("secret value", 12, &sealed), 0);
	size_t len = strlen(sealed);
	/* every single changed character of the text is noticed */
	for (size_t i = 0; i < len; i++) {
		char *t = strdup(sealed);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		assert_int_equal(secretbox_open(t, &plain, NULL), E_INVALID);
		assert_null(plain);
		free(t);
	}
	char *t = strdup(sealed);
	t[len - 3] = 0; /* cut short */
	assert_int_equal(secretbox_open(t, &plain, NULL), E_INVALID);
	memcpy(t, "sb2:", 4); /* another version */
	assert_int_equal(secretbox_open(t, &plain, NULL), E_INVALID);
	free(t);
	assert_int_equal(secretbox_open(sealed + 4, &plain, NULL), E_INVALID); /* no prefix */
	assert_int_equal(secretbox_open("sb1:", &plain, NULL), E_INVALID);
	assert_int_equal(secretbox_open("sb1:!!!!", &plain, NULL), E_INVALID);
	assert_int_equal(secretbox_open("", &plain, NULL), E_INVALID);
	assert_int_equal(secretbox_open("plain token", &plain, NULL), E_INVALID);
	free(sealed);
	secretbox_forget();
}

static void no_key(void **state)
{
	(void)state;
	char *sealed = (char *)"x", *plain = (char *)"x";
	secretbox_forget();
	assert_false(secretbox_ready());
	assert_int_equal(secretbox_seal("secret", 6, &sealed), E_INVALID);
	assert_null(sealed);
	assert_int_equal(secretbox_open("sb1:AAAA", &plain, NULL), E_INVALID);
	assert_null(plain);
}

static void key_files(void **state)
{
	(void)state;
	char p[128], err[256];
	key_path(p, sizeof p, "missing.key");
	assert_int_equal(secretbox_load(p, err, sizeof err), E_NOTFOUND);
	assert_false(secretbox_ready());
	/* created 0600, and never over an existing key */
	key_path(p, sizeof p, "new.key");
	assert_int_equal(secretbox_create(p, err, sizeof err), 0);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	assert_int_equal(secretbox_create(p, err, sizeof err), E_IO);
	/* a key file of the wrong length is refused, not cut or padded */
	const char *sizes[] = {"short.key", "long.key"};
	size_t lens[] = {31, 33};
	for (int i = 0; i < 2; i++) {
		key_path(p, sizeof p, sizes[i]);
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		for (size_t j = 0; j < lens[i]; j++)
			fputc('k', f);
		fclose(f);
		assert_int_equal(secretbox_load(p, err, sizeof err), E_INVALID);
		assert_non_null(strstr(err, "32"));
		assert_false(secretbox_ready());
	}
	assert_int_equal(secretbox_load(dir, err, sizeof err), E_IO); /* a directory */
	assert_false(secretbox_ready());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip), cmocka_unit_test(other_key_refused), cmocka_unit_test(damage_refused),
		cmocka_unit_test(no_key),     cmocka_unit_test(key_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
