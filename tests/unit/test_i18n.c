/* Unit tests of the message catalogue (core/i18n.h) and of the password
 * rule (iam/password.h): every entry has a French and a Russian text with
 * the English key's printf conversions; Accept-Language is read with its
 * q-values; weak passwords are refused with a reason, passphrases pass, and
 * every refusal's sentence is in the catalogue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "iam/password.h"

static void catalogue_complete(void **state)
{
	(void)state;
	char why[8192];
	int bad = i18n_check(why, sizeof why);
	if (bad)
		fprintf(stderr, "%s", why);
	assert_int_equal(bad, 0);
	assert_true(i18n_count() > 50);
}

static void lookup(void **state)
{
	(void)state;
	assert_string_equal(i18n_text(LANG_FR, "sign in first"), "connectez-vous d'abord");
	assert_string_equal(i18n_text(LANG_RU, "sign in first"), "сначала войдите");
	assert_string_equal(i18n_text(LANG_EN, "sign in first"), "sign in first");
	/* unknown texts stay as they are */
	assert_string_equal(i18n_text(LANG_FR, "no such text here"), "no such text here");
	/* a format keeps its conversions */
	assert_string_equal(i18n_text(LANG_FR, "no user '%.40s' in this account"),
			    "aucun utilisateur « %.40s » dans ce compte");
}

static void accept_language(void **state)
{
	(void)state;
	assert_int_equal(i18n_accept_language(NULL), -1);
	assert_int_equal(i18n_accept_language(""), -1);
	assert_int_equal(i18n_accept_language("de-DE, de;q=0.9"), -1);
	assert_int_equal(i18n_accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), LANG_FR);
	assert_int_equal(i18n_accept_language("en;q=0.5, ru;q=0.8"), LANG_RU);
	assert_int_equal(i18n_accept_language("ru;q=0, fr;q=0.1"), LANG_FR);
	assert_int_equal(i18n_accept_language("RU"), LANG_RU);
	assert_int_equal(i18n_accept_language("ru;q=abc"), -1);
	assert_int_equal(i18n_accept_language(",,; ;q=,fr"), LANG_FR);
	assert_int_equal(i18n_parse("fr_FR"), LANG_FR);
	assert_int_equal(i18n_parse("french"), -1);
	assert_int_equal(i18n_parse("f"), -1);
}

static void weak_passwords(void **state)
{
	(void)state;
	static const struct {
		const char *pw, *reason;
	} weak[] = {
		{"password123", "dictionary"},
		{"Password1234", "dictionary"},
		{"Summer2024!!", "dictionary"},
		{"12345678", "too-short"},
		{"short", "too-short"},
		{"aaaaaaaaaaaa", "repetitive"},
		{"qwerty123456", "too-simple"},
		{"alice@example.test", "personal"},
		{"Alice.Liddell-2024", "personal"},
		{"abcdefghijkl", "too-simple"},
	};
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		const char *reason = NULL;
		const char *why = password_problem(weak[i].pw, "alice@example.test", "Alice Liddell", &reason);
		if (!why || strcmp(reason, weak[i].reason))
			fprintf(stderr, "%s: %s (%s)\n", weak[i].pw, why ? why : "accepted", reason ? reason : "");
		assert_non_null(why);
		assert_string_equal(reason, weak[i].reason);
		/* every refusal is explained in French and Russian too */
		assert_true(strcmp(i18n_text(LANG_FR, why), why) != 0);
		assert_true(strcmp(i18n_text(LANG_RU, why), why) != 0);
	}
	static const char *const strong[] = {"correct horse battery", "brand new secret 1",       "Tech-password-99",
					     "Alice-password-2024",   "set by the administrator", "x7Kp9mQ2wL"};
	for (size_t i = 0; i < sizeof strong / sizeof strong[0]; i++) {
		const char *why = password_problem(strong[i], "alice@example.test", "Alice Liddell", NULL);
		if (why)
			fprintf(stderr, "%s: %s\n", strong[i], why);
		assert_null(why);
	}
	/* generated passwords pass the rule they are given under */
	for (int i = 0; i < 20; i++) {
		char pw[32];
		password_generate(pw, sizeof pw);
		assert_true(strlen(pw) >= 16);
		assert_null(password_problem(pw, "alice@example.test", "Alice Liddell", NULL));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue_complete),
		cmocka_unit_test(lookup),
		cmocka_unit_test(accept_language),
		cmocka_unit_test(weak_passwords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
