/* Unit tests of the address-salted password hashes (iam/password.h): the
 * string we encode is libsodium's own (crypto_pwhash_str_verify reads it, no
 * rehash wanted), one address and password give one string whatever the
 * user, other addresses other salts, the server key is made once and kept,
 * and a sign-in with an old random-salt hash works and is rehashed
 * (iam/credentials.h) against a real SQLite store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "fixture.h"
#include "iam/credentials.h"
#include "iam/password.h"
#include "store/db.h"

#define PW "correct horse battery staple"

static int setup(void **state)
{
	if (sodium_init() < 0 || fixture_setup(state))
		return -1;
	return password_key_init(fx.db);
}

static void round_trip(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_MAX], prefix[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash_address(PW, "ann@unit.test", h, sizeof h), 0);
	assert_int_equal(password_address_prefix("ann@unit.test", prefix, sizeof prefix), 0);
	assert_int_equal(strncmp(h, "$argon2id$v=19$m=65536,t=2,p=1$", 31), 0);
	assert_int_equal(strncmp(h, prefix, strlen(prefix)), 0);
	assert_int_equal(strlen(h), strlen(prefix) + 43); /* 32 bytes, base64 without padding */
	assert_int_equal(crypto_pwhash_str_verify(h, PW, strlen(PW)), 0);
	assert_int_not_equal(crypto_pwhash_str_verify(h, PW "!", strlen(PW) + 1), 0);
	assert_int_equal(crypto_pwhash_str_needs_rehash(h, crypto_pwhash_OPSLIMIT_INTERACTIVE,
							crypto_pwhash_MEMLIMIT_INTERACTIVE),
			 0);
	assert_true(password_verify(h, PW));
	/* password_hash, which every place that sets a password calls, is the same */
	char h2[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash(PW, "ann@unit.test", h2, sizeof h2), 0);
	assert_string_equal(h, h2);
}

static void same_address_same_string(void **state)
{
	(void)state;
	char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX], c[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash(PW, "bob@unit.test", a, sizeof a), 0);
	assert_int_equal(password_hash(PW, "Bob@Unit.TEST", b, sizeof b), 0); /* case does not matter */
	assert_string_equal(a, b);
	assert_true(password_same(a, b));
	assert_int_equal(password_hash(PW, "bob2@unit.test", c, sizeof c), 0);
	/* another address: another salt (the 4th '$'-field), so another string */
	char pa[PASSWORD_HASH_MAX], pc[PASSWORD_HASH_MAX];
	assert_int_equal(password_address_prefix("bob@unit.test", pa, sizeof pa), 0);
	assert_int_equal(password_address_prefix("bob2@unit.test", pc, sizeof pc), 0);
	assert_string_not_equal(pa, pc);
	assert_false(password_same(a, c));
	assert_true(password_verify(c, PW));
}

static void key_made_once(void **state)
{
	(void)state;
	char before[PASSWORD_HASH_MAX], after[PASSWORD_HASH_MAX];
	assert_int_equal(password_address_prefix("carl@unit.test", before, sizeof before), 0);
	/* a second start reads the key the first one stored */
	assert_int_equal(password_key_init(fx.db), 0);
	assert_int_equal(password_address_prefix("carl@unit.test", after, sizeof after), 0);
	assert_string_equal(before, after);
	int64_t n = 0;
	assert_int_equal(db_query_int(fx.db, &n, "SELECT COUNT(*) FROM server_secrets", ""), 0);
	assert_int_equal(n, 1);
}

static void legacy_hash_rehashed(void **state)
{
	(void)state;
	struct user u;
	assert_int_equal(fixture_user(&fx, "dora@unit.test", "member", &u), 0);
	/* a hash made before: random salt */
	assert_int_equal(crypto_pwhash_str(u.password_hash, PW, strlen(PW), crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE),
			 0);
	assert_int_equal(store_user_update(fx.db, &u), 0);
	char prefix[PASSWORD_HASH_MAX], want[PASSWORD_HASH_MAX];
	assert_int_equal(password_address_prefix(u.email, prefix, sizeof prefix), 0);
	assert_int_not_equal(strncmp(u.password_hash, prefix, strlen(prefix)), 0);

	struct user c[1] = {u};
	int match[1], nmatch = -1;
	credentials_verify(fx.db, c, 1, u.email, "wrong password here", match, &nmatch);
	assert_int_equal(nmatch, 0);
	struct user back;
	assert_int_equal(store_user_get(fx.db, u.account_id, u.id, &back), 0);
	assert_string_equal(back.password_hash, u.password_hash); /* a wrong password changes nothing */

	credentials_verify(fx.db, c, 1, u.email, PW, match, &nmatch);
	assert_int_equal(nmatch, 1);
	assert_int_equal(match[0], 0);
	assert_int_equal(password_hash(PW, u.email, want, sizeof want), 0);
	assert_string_equal(c[0].password_hash, want);
	assert_int_equal(store_user_get(fx.db, u.account_id, u.id, &back), 0);
	assert_string_equal(back.password_hash, want);

	/* now address-salted: the right password fits, a wrong one does not */
	c[0] = back;
	credentials_verify(fx.db, c, 1, u.email, PW, match, &nmatch);
	assert_int_equal(nmatch, 1);
	credentials_verify(fx.db, c, 1, u.email, PW "x", match, &nmatch);
	assert_int_equal(nmatch, 0);
	/* no candidate: nothing fits (the dummy work is done) */
	credentials_verify(fx.db, c, 0, "nobody@unit.test", PW, match, &nmatch);
	assert_int_equal(nmatch, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(same_address_same_string),
		cmocka_unit_test(key_made_once),
		cmocka_unit_test(legacy_hash_rehashed),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
