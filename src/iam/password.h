/* Password hashing (Argon2id via libsodium) and the password rule: length,
 * not the user's own name or address, and libpwquality's checks (cracklib's
 * dictionary, palindromes, too simple). */
#ifndef IAM_PASSWORD_H
#define IAM_PASSWORD_H

#include <jansson.h>
#include <stddef.h>

#include "http/request.h"

struct db;

#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

/* Salts. A user's hash is salted by their address, not at random: the salt
 * is a keyed BLAKE2b of the lower-cased address under a random key of the
 * server (table server_secrets). Users of several accounts who share an
 * address and a password then share one hash string, and a sign-in without an
 * account computes Argon2id once, not once per account (the time would tell
 * an account's admin that the address exists in other accounts too). Hashes
 * made before (random salt), or whose address changed since (the salt no
 * longer fits), are still verified on their own and rehashed at sign-in.
 * The stored form is libsodium's: "$argon2id$v=19$m=..,t=..,p=1$salt$hash". */
#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
/* reads the server's salt key, making it when the database has none (its own
 * write transaction); at startup, after the migrations. Until it is loaded,
 * hashes get random salts as before. */
int password_key_init(struct db *db);
/* a hash of pw salted by the address email: 0, E_NOMEM, or E_INVALID
 * without the key (password_key_init) */
int password_hash_address(const char *pw, const char *email, char *out, size_t outlen);
/* what every hash salted by email begins with (params and salt, up to the
 * last '$'); E_INVALID without the key */
int password_address_prefix(const char *email, char *out, size_t outlen);
/* two hash strings equal, in time that does not depend on where they differ */
int password_same(const char *a, const char *b);
/* the hash of a new password for the user with address email: salted by the
 * address (a random salt while there is no key); 0 or E_NOMEM */
int password_hash(const char *pw, const char *email, char *out, size_t outlen);
int password_verify(const char *hash, const char *pw); /* 1 match, 0 not */
/* burns the time of one verification, so that unknown e-mails take as long as known ones */
void password_dummy_verify(const char *pw);
/* NULL when acceptable, else why not: an English sentence of the message
 * catalogue (core/messages.def), and in *reason (may be NULL) a stable code:
 * too-short, too-long, too-simple, dictionary, personal, repetitive. email
 * and name (either may be NULL) are the user's own, which the password must
 * not merely repeat. */
const char *password_problem(const char *pw, const char *email, const char *name, const char **reason);
/* answers the 422 weak-password problem for field; returns 0 */
int password_refuse(struct req *r, const char *field, const char *why, const char *reason);
/* password_problem(), answered as password_refuse() when the password is
 * weak: returns 1 then (the caller stops), else 0 */
int password_refused(struct req *r, const char *field, const char *pw, const char *email, const char *name);
/* the rule in numbers, for GET /api/v1/password-policy: {min_length,
 * max_length, checks: [the reason codes a refusal may name], pwquality:
 * {the strength settings in use}} (a new reference) */
json_t *password_policy_json(void);
/* a readable random password that passes password_problem() (at least 16 characters) */
void password_generate(char *out, size_t n);

#endif
