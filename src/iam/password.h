/* Password hashing (Argon2id via libsodium) and the password rule: length,
 * not the user's own name or address, and libpwquality's checks (cracklib's
 * dictionary, palindromes, too simple). */
#ifndef IAM_PASSWORD_H
#define IAM_PASSWORD_H

#include <jansson.h>
#include <stddef.h>

#include "http/request.h"

#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

int password_hash(const char *pw, char *out, size_t outlen); /* 0 or E_NOMEM */
int password_verify(const char *hash, const char *pw);      /* 1 match, 0 not */
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
