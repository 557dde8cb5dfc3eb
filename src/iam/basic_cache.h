/* Verified-credentials cache for HTTP Basic: what spares calendar apps and
 * feed readers an Argon2id verification on every request. A per-thread table
 * keyed by a keyed BLAKE2b of (login, password) under a random per-process
 * key remembers, for 60 s, which user those credentials proved and against
 * what: a digest of the stored password hash, or the id of an app password.
 * A hit is only a hint: the caller re-reads the user and accepts it only if
 * basic_cache_matches() says the stored state is still the one verified, so
 * a password change, suspension, deletion or revocation acts at the next
 * request. Failures are never cached. */
#ifndef IAM_BASIC_CACHE_H
#define IAM_BASIC_CACHE_H

#include <stdint.h>

#include "core/ids.h"
#include "store/store.h"

#define BASIC_CACHE_TTL 60
#define BASIC_CACHE_KEY_BYTES 32
#define BASIC_CACHE_DIGEST_BYTES 32

struct basic_cache_entry {
	unsigned char key[BASIC_CACHE_KEY_BYTES];
	char account_id[ID_MAX];
	char user_id[ID_MAX];
	char app_password_id[ID_MAX];                   /* "" = the account password */
	unsigned char digest[BASIC_CACHE_DIGEST_BYTES]; /* of the password hash verified against */
	int64_t expires_at;
};

/* the lookup key of login + password (the length of the login is hashed
 * first, so that "ab"+"c" and "a"+"bc" differ) */
void basic_cache_key(const char *login, const char *password, unsigned char key[BASIC_CACHE_KEY_BYTES]);
/* a digest of a stored password hash, to notice that it changed */
void basic_cache_digest(const char *password_hash, unsigned char out[BASIC_CACHE_DIGEST_BYTES]);
/* 0 and *out filled when key is in this thread's table and unexpired at now; E_NOTFOUND else */
int basic_cache_get(const unsigned char key[BASIC_CACHE_KEY_BYTES], int64_t now, struct basic_cache_entry *out);
/* remembers a successful verification of key for u, made at now (app_password_id NULL
 * or "" for the account password) */
void basic_cache_put(const unsigned char key[BASIC_CACHE_KEY_BYTES], const struct user *u, const char *app_password_id,
		     int64_t now);
void basic_cache_drop(const unsigned char key[BASIC_CACHE_KEY_BYTES]);
/* 1 when the entry still holds for the user row just read: same user, active,
 * and (account password) the same stored hash; app passwords are checked
 * by the caller against their row */
int basic_cache_matches(const struct basic_cache_entry *e, const struct user *u);

#endif
