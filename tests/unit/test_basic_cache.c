/* Unit tests of the verified-credentials cache of HTTP Basic
 * (iam/basic_cache.h): keys separate logins and passwords, entries expire
 * after the TTL, and a hit holds only while the user row is still the one
 * verified (same user, active, same stored password hash). Also the shape
 * of app passwords (iam/app_passwords.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "core/ids.h"
#include "iam/app_passwords.h"
#include "iam/basic_cache.h"

static struct user alice(void)
{
	struct user u = {0};
	snprintf(u.account_id, sizeof u.account_id, "acc_aaaaaaaaaaaaaaaaaaaa");
	snprintf(u.id, sizeof u.id, "usr_aaaaaaaaaaaaaaaaaaaa");
	snprintf(u.email, sizeof u.email, "alice@example.test");
	snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$v=19$m=65536,t=2,p=1$one");
	snprintf(u.status, sizeof u.status, "active");
	return u;
}

static void keys_separate_login_and_password(void **state)
{
	(void)state;
	unsigned char a[BASIC_CACHE_KEY_BYTES], b[BASIC_CACHE_KEY_BYTES], c[BASIC_CACHE_KEY_BYTES];
	basic_cache_key("ab", "c", a);
	basic_cache_key("a", "bc", b);
	assert_memory_not_equal(a, b, sizeof a);
	basic_cache_key("ab", "c", c);
	assert_memory_equal(a, c, sizeof a);
	basic_cache_key("ab", "d", c);
	assert_memory_not_equal(a, c, sizeof a);
}

static void a_hit_until_the_ttl(void **state)
{
	(void)state;
	struct user u = alice();
	unsigned char k[BASIC_CACHE_KEY_BYTES], other[BASIC_CACHE_KEY_BYTES];
	struct basic_cache_entry e;
	basic_cache_key(u.email, "correct horse battery", k);
	basic_cache_key(u.email, "wrong horse battery", other);
	assert_int_equal(basic_cache_get(k, 1000, &e), E_NOTFOUND);
	basic_cache_put(k, &u, NULL, 1000);
	assert_int_equal(basic_cache_get(k, 1000, &e), 0);
	assert_string_equal(e.user_id, u.id);
	assert_string_equal(e.app_password_id, "");
	assert_int_equal(basic_cache_get(k, 1000 + BASIC_CACHE_TTL - 1, &e), 0);
	assert_int_equal(basic_cache_get(k, 1000 + BASIC_CACHE_TTL, &e), E_NOTFOUND);
	assert_int_equal(basic_cache_get(other, 1000, &e), E_NOTFOUND);
	basic_cache_drop(k);
	assert_int_equal(basic_cache_get(k, 1000, &e), E_NOTFOUND);
}

static void a_hit_holds_only_for_the_state_verified(void **state)
{
	(void)state;
	struct user u = alice(), now;
	unsigned char k[BASIC_CACHE_KEY_BYTES];
	struct basic_cache_entry e;
	basic_cache_key(u.email, "correct horse battery", k);
	basic_cache_put(k, &u, NULL, 5000);
	assert_int_equal(basic_cache_get(k, 5001, &e), 0);
	now = u;
	assert_true(basic_cache_matches(&e, &now));
	/* the password changed: a new Argon2id string */
	snprintf(now.password_hash, sizeof now.password_hash, "$argon2id$v=19$m=65536,t=2,p=1$two");
	assert_false(basic_cache_matches(&e, &now));
	now = u;
	now.password_hash[0] = 0; /* the password removed */
	assert_false(basic_cache_matches(&e, &now));
	now = u;
	snprintf(now.status, sizeof now.status, "suspended");
	assert_false(basic_cache_matches(&e, &now));
	/* the address now belongs to another user (deleted, then made again) */
	now = u;
	snprintf(now.id, sizeof now.id, "usr_bbbbbbbbbbbbbbbbbbbb");
	assert_false(basic_cache_matches(&e, &now));
}

static void app_password_entries_name_their_row(void **state)
{
	(void)state;
	struct user u = alice(), now = alice();
	unsigned char k[BASIC_CACHE_KEY_BYTES];
	struct basic_cache_entry e;
	basic_cache_key(u.email, "abcd-efgh-ijkl-mnop", k);
	basic_cache_put(k, &u, "apw_aaaaaaaaaaaaaaaaaaaa", 100);
	assert_int_equal(basic_cache_get(k, 100, &e), 0);
	assert_string_equal(e.app_password_id, "apw_aaaaaaaaaaaaaaaaaaaa");
	/* independent of the account password (the caller checks the row) */
	snprintf(now.password_hash, sizeof now.password_hash, "$argon2id$v=19$m=65536,t=2,p=1$two");
	assert_true(basic_cache_matches(&e, &now));
	snprintf(now.status, sizeof now.status, "suspended");
	assert_false(basic_cache_matches(&e, &now));
}

static void app_password_shape(void **state)
{
	(void)state;
	char s[APP_PASSWORD_CHARS + 4], canon[APP_PASSWORD_CHARS + 1], again[APP_PASSWORD_CHARS + 1];
	for (int i = 0; i < 100; i++) {
		app_passwords_generate(s);
		assert_int_equal(strlen(s), 19);
		assert_true(s[4] == '-' && s[9] == '-' && s[14] == '-');
		assert_true(app_passwords_normalise(s, canon));
		assert_int_equal(strlen(canon), APP_PASSWORD_CHARS);
	}
	assert_true(app_passwords_normalise("ABCD efgh-IJKL mnop", canon));
	assert_true(app_passwords_normalise("abcdefghijklmnop", again));
	assert_string_equal(canon, again);
	assert_false(app_passwords_normalise("abcd-efgh-ijkl-mno", canon));
	assert_false(app_passwords_normalise("abcd-efgh-ijkl-mnopq", canon));
	assert_false(app_passwords_normalise("abcd-efgh-ijkl-mn_p", canon));
	assert_false(app_passwords_normalise("correct horse battery", canon));
	assert_true(app_passwords_path_allowed("/dav/"));
	assert_true(app_passwords_path_allowed("/dav"));
	assert_true(app_passwords_path_allowed("/feeds/private/cal_x.ics"));
	assert_true(app_passwords_path_allowed("/.well-known/caldav"));
	assert_false(app_passwords_path_allowed("/davx"));
	assert_false(app_passwords_path_allowed("/api/v1/me"));
	assert_false(app_passwords_path_allowed("/api/v1/session"));
}

int main(void)
{
	if (ids_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_separate_login_and_password),
		cmocka_unit_test(a_hit_until_the_ttl),
		cmocka_unit_test(a_hit_holds_only_for_the_state_verified),
		cmocka_unit_test(app_password_entries_name_their_row),
		cmocka_unit_test(app_password_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
