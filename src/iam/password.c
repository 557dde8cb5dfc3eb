/* Argon2id with libsodium's interactive limits (64 MiB, 2 passes): about
 * 50-100 ms per check on one core, which is what makes guessing expensive. */
#include "iam/password.h"

#include <sodium.h>
#include <string.h>

#include "core/errors.h"

int password_hash(const char *pw, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return E_INVALID;
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
		password_hash("convene-dummy-password", dummy, sizeof dummy);
		ready = 1;
	}
	password_verify(dummy, pw);
}

const char *password_problem(const char *pw, const char *email)
{
	size_t n = strlen(pw);
	if (n < PASSWORD_MIN)
		return "the password must have at least 10 characters";
	if (n > PASSWORD_MAX)
		return "the password must have at most 256 characters";
	if (email && !strcasecmp(pw, email))
		return "the password must not be the e-mail address";
	int same = 1;
	for (size_t i = 1; i < n; i++)
		if (pw[i] != pw[0])
			same = 0;
	if (same)
		return "the password must not repeat one character";
	return NULL;
}

void password_generate(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t len = n - 1 < 20 ? n - 1 : 20;
	for (size_t i = 0; i < len; i++) {
		if (i && i % 5 == 0) {
			out[i] = '-';
			continue;
		}
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	}
	out[len] = 0;
}
