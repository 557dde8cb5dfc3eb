/* Argon2id with libsodium's interactive limits (64 MiB, 2 passes): about
 * 50-100 ms per check on one core, which is what makes guessing expensive.
 * Strength: libpwquality (cracklib's dictionary under it), on the password
 * and on its core without the digits and signs around it, since cracklib
 * takes "password123" but not "Password1234" for a dictionary word. */
#include "iam/password.h"

#include <ctype.h>
#include <pthread.h>
#include <pwquality.h>
#include <stdatomic.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/response.h"
#include "store/server_secrets.h"

_Static_assert(PASSWORD_HASH_MAX == crypto_pwhash_STRBYTES, "PASSWORD_HASH_MAX");

#define SALT_KEY_NAME "password-salt-key"
#define HASH_BYTES 32 /* what crypto_pwhash_str makes */

/* set once at startup, before the server's threads start */
static unsigned char salt_key[crypto_generichash_KEYBYTES];
static atomic_int have_key;

int password_key_init(struct db *db)
{
	unsigned char fresh[sizeof salt_key];
	char hex[sizeof salt_key * 2 + 1], got[sizeof hex + 16];
	randombytes_buf(fresh, sizeof fresh);
	sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
	sodium_memzero(fresh, sizeof fresh);
	int rc = store_server_secret(db, SALT_KEY_NAME, hex, clock_now(), got, sizeof got);
	sodium_memzero(hex, sizeof hex);
	if (rc)
		return rc;
	size_t len = 0;
	if (sodium_hex2bin(salt_key, sizeof salt_key, got, strlen(got), NULL, &len, NULL) || len != sizeof salt_key) {
		log_error("password: the stored %s is not %zu bytes of hex", SALT_KEY_NAME, sizeof salt_key);
		return E_INVALID;
	}
	sodium_memzero(got, sizeof got);
	atomic_store(&have_key, 1);
	return 0;
}

/* the salt of an address: keyed BLAKE2b of its lower-case form */
static int address_salt(const char *email, unsigned char salt[crypto_pwhash_SALTBYTES])
{
	if (!atomic_load(&have_key))
		return E_INVALID;
	char lower[512];
	size_t n = 0;
	for (; email[n] && n + 1 < sizeof lower; n++)
		lower[n] = (char)tolower((unsigned char)email[n]);
	crypto_generichash(salt, crypto_pwhash_SALTBYTES, (const unsigned char *)lower, n, salt_key, sizeof salt_key);
	return 0;
}

/* "$argon2id$v=19$m=<KiB>,t=<ops>,p=1$<salt>$", as crypto_pwhash_str writes it */
static int encode_prefix(const unsigned char *salt, char *out, size_t outlen)
{
	char b64[sodium_base64_ENCODED_LEN(crypto_pwhash_SALTBYTES, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	sodium_bin2base64(b64, sizeof b64, salt, crypto_pwhash_SALTBYTES, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	int len = snprintf(out, outlen, "%sv=19$m=%zu,t=%llu,p=1$%s$", crypto_pwhash_argon2id_STRPREFIX,
			   (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024,
			   (unsigned long long)crypto_pwhash_OPSLIMIT_INTERACTIVE, b64);
	return len > 0 && (size_t)len < outlen ? 0 : E_INVALID;
}

int password_address_prefix(const char *email, char *out, size_t outlen)
{
	unsigned char salt[crypto_pwhash_SALTBYTES];
	int rc = address_salt(email, salt);
	return rc ? rc : encode_prefix(salt, out, outlen);
}

int password_hash_address(const char *pw, const char *email, char *out, size_t outlen)
{
	unsigned char salt[crypto_pwhash_SALTBYTES], hash[HASH_BYTES];
	char b64[sodium_base64_ENCODED_LEN(HASH_BYTES, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	int rc;
	if (outlen < crypto_pwhash_STRBYTES)
		return E_INVALID;
	if ((rc = address_salt(email, salt)) || (rc = encode_prefix(salt, out, outlen)))
		return rc;
	if (crypto_pwhash(hash, sizeof hash, pw, strlen(pw), salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
		return E_NOMEM;
	sodium_bin2base64(b64, sizeof b64, hash, sizeof hash, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	sodium_memzero(hash, sizeof hash);
	size_t used = strlen(out);
	if (used + strlen(b64) + 1 > outlen)
		return E_INVALID;
	memcpy(out + used, b64, strlen(b64) + 1);
	return 0;
}

int password_same(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

int password_hash(const char *pw, const char *email, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return E_INVALID;
	int rc = email && *email ? password_hash_address(pw, email, out, outlen) : E_INVALID;
	if (rc != E_INVALID)
		return rc;
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return E_NOMEM;
	return 0;
}

int password_verify(const char *hash, const char *pw)
{
	if (!hash || !*hash)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void password_dummy_verify(const char *pw)
{
	static char dummy[crypto_pwhash_STRBYTES];
	static int ready;
	if (!ready) { /* benign race: both writers produce a valid hash */
		password_hash("convene-dummy-password", NULL, dummy, sizeof dummy);
		ready = 1;
	}
	password_verify(dummy, pw);
}

/* cracklib keeps state in static buffers while it mangles words */
static pthread_mutex_t quality_lock = PTHREAD_MUTEX_INITIALIZER;

#define WHY_DICTIONARY "the password is based on a dictionary word"
#define WHY_SIMPLE "the password is too simplistic or systematic"
#define WHY_DIFFERENT "the password does not contain enough different characters"
#define WHY_PALINDROME "the password is a palindrome"
#define WHY_REPEATS "the password repeats the same characters or sequences too often"
#define WHY_WEAK "the password is too weak; a few unrelated words make a strong one"

/* libpwquality's verdict on pw (minimum length min): NULL when it passes */
static const char *quality(const char *pw, int min, const char **reason)
{
	const char *why = NULL;
	char msg[PWQ_MAX_ERROR_MESSAGE_LEN];
	void *aux = NULL;
	pthread_mutex_lock(&quality_lock);
	pwquality_settings_t *s = pwquality_default_settings();
	if (!s) {
		pthread_mutex_unlock(&quality_lock);
		return NULL; /* out of memory: the length rule still held */
	}
	pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, min);
	pwquality_set_int_value(s, PWQ_SETTING_USER_CHECK, 0); /* ours, below: by e-mail and name */
	int rc = pwquality_check(s, pw, NULL, NULL, &aux);
	const char *crack = rc == PWQ_ERROR_CRACKLIB_CHECK && aux ? (const char *)aux : "";
	if (rc == PWQ_ERROR_CRACKLIB_CHECK && strstr(crack, "error loading dictionary")) {
		log_warn("password: cracklib's dictionary cannot be read (%s); install cracklib-runtime", crack);
		rc = 0;
	} else if (rc == PWQ_ERROR_CRACKLIB_CHECK) {
		if (strstr(crack, "dictionary word"))
			why = WHY_DICTIONARY, *reason = "dictionary";
		else if (strstr(crack, "DIFFERENT"))
			why = WHY_DIFFERENT, *reason = "repetitive";
		else if (strstr(crack, "simplistic"))
			why = WHY_SIMPLE, *reason = "too-simple";
		else
			why = WHY_WEAK, *reason = "too-simple";
	} else if (rc == PWQ_ERROR_PALINDROME) {
		why = WHY_PALINDROME, *reason = "repetitive";
	} else if (rc == PWQ_ERROR_MAX_CONSECUTIVE || rc == PWQ_ERROR_MAX_CLASS_REPEAT ||
		   rc == PWQ_ERROR_MAX_SEQUENCE) {
		why = WHY_REPEATS, *reason = "repetitive";
	} else if (rc < 0 && rc != PWQ_ERROR_MIN_LENGTH && rc != PWQ_ERROR_MEM_ALLOC && rc != PWQ_ERROR_FATAL_FAILURE) {
		why = WHY_WEAK, *reason = "too-simple";
	}
	if (rc < 0)
		pwquality_strerror(msg, sizeof msg, rc, aux); /* releases aux when it was allocated */
	pwquality_free_settings(s);
	pthread_mutex_unlock(&quality_lock);
	return why;
}

/* the letters of s, lower-case ASCII (other bytes kept as they are) */
static void letters(const char *s, size_t len, char *out, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < len && k + 1 < n; i++)
		if (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
			out[k++] = (char)tolower((unsigned char)s[i]);
	out[k] = 0;
}

/* is pw only the name or the address again, give or take digits and signs? */
static int personal(const char *pw, const char *email, const char *name)
{
	char p[PASSWORD_MAX + 1], other[PASSWORD_MAX + 1];
	if (email && *email && strcasestr(pw, email))
		return 1;
	letters(pw, strlen(pw), p, sizeof p);
	if (!*p)
		return 0;
	if (email && *email) {
		const char *at = strchr(email, '@');
		letters(email, at ? (size_t)(at - email) : strlen(email), other, sizeof other);
		if (!strcmp(p, other))
			return 1;
		letters(email, strlen(email), other, sizeof other);
		if (!strcmp(p, other))
			return 1;
	}
	if (name && *name) {
		letters(name, strlen(name), other, sizeof other);
		if (!strcmp(p, other))
			return 1;
	}
	return 0;
}

const char *password_problem(const char *pw, const char *email, const char *name, const char **reason)
{
	const char *dummy;
	if (!reason)
		reason = &dummy;
	size_t n = strlen(pw);
	if (n < PASSWORD_MIN)
		return *reason = "too-short", "the password must have at least 10 characters";
	if (n > PASSWORD_MAX)
		return *reason = "too-long", "the password must have at most 256 characters";
	if (personal(pw, email, name))
		return *reason = "personal", "the password must not be your name or e-mail address";
	int same = 1;
	for (size_t i = 1; i < n; i++)
		if (pw[i] != pw[0])
			same = 0;
	if (same)
		return *reason = "repetitive", "the password must not repeat one character";
	const char *why = quality(pw, PASSWORD_MIN, reason);
	if (why)
		return why;
	/* the core: without the digits, signs and spaces at either end */
	size_t b = 0, e = n;
	while (b < e && !isalpha((unsigned char)pw[b]) && (unsigned char)pw[b] < 0x80)
		b++;
	while (e > b && !isalpha((unsigned char)pw[e - 1]) && (unsigned char)pw[e - 1] < 0x80)
		e--;
	if ((b > 0 || e < n) && e - b >= 4) {
		char core[PASSWORD_MAX + 1];
		for (size_t i = b; i < e; i++)
			core[i - b] = (char)tolower((unsigned char)pw[i]);
		core[e - b] = 0;
		const char *core_reason = NULL;
		why = quality(core, 4, &core_reason);
		if (why && !strcmp(why, WHY_DICTIONARY))
			return *reason = "dictionary",
			       "the password is a dictionary word with digits or signs around it";
	}
	return NULL;
}

json_t *password_policy_json(void)
{
	/* the settings quality() starts from: libpwquality's defaults, with our minimum */
	int v[5] = {0};
	static const int which[5] = {PWQ_SETTING_MIN_CLASS, PWQ_SETTING_MAX_REPEAT, PWQ_SETTING_MAX_CLASS_REPEAT,
				     PWQ_SETTING_MAX_SEQUENCE, PWQ_SETTING_DICT_CHECK};
	pthread_mutex_lock(&quality_lock);
	pwquality_settings_t *s = pwquality_default_settings();
	for (int i = 0; s && i < 5; i++)
		pwquality_get_int_value(s, which[i], &v[i]);
	if (s)
		pwquality_free_settings(s);
	pthread_mutex_unlock(&quality_lock);
	return json_pack("{s:i, s:i, s:[s, s, s, s, s, s], s:{s:i, s:i, s:i, s:i, s:b, s:b, s:b}}", "min_length",
			 PASSWORD_MIN, "max_length", PASSWORD_MAX, "checks", "too-short", "too-long", "personal",
			 "repetitive", "dictionary", "too-simple", "pwquality", "min_classes", v[0], "max_repeat", v[1],
			 "max_class_repeat", v[2], "max_sequence", v[3], "dictionary_check", v[4] != 0,
			 "palindrome_check", 1,
			 /* the core without digits and signs around it is checked too */
			 "dictionary_core_check", v[4] != 0);
}

int password_refuse(struct req *r, const char *field, const char *why, const char *reason)
{
	return resp_problem_ext(r, 422, "weak-password", why,
				json_pack("{s:s, s:s}", "field", field, "reason", reason ? reason : "too-simple"));
}

int password_refused(struct req *r, const char *field, const char *pw, const char *email, const char *name)
{
	const char *reason = NULL, *why = password_problem(pw, email, name, &reason);
	if (!why)
		return 0;
	password_refuse(r, field, why, reason);
	return 1;
}

void password_generate(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t len = n - 1 < 23 ? n - 1 : 23;
	/* 18 random characters carry 104 bits; a draw that cracklib would call
	 * systematic is vanishingly rare, but drawn again all the same */
	for (int attempt = 0; attempt < 20; attempt++) {
		for (size_t i = 0; i < len; i++) {
			if (i % 6 == 5) {
				out[i] = '-';
				continue;
			}
			out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
		}
		out[len] = 0;
		if (!password_problem(out, NULL, NULL, NULL))
			return;
	}
}
