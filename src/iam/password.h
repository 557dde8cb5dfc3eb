/* Password hashing (Argon2id via libsodium) and the password rule. */
#ifndef IAM_PASSWORD_H
#define IAM_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

int password_hash(const char *pw, char *out, size_t outlen); /* 0 or E_NOMEM */
int password_verify(const char *hash, const char *pw);      /* 1 match, 0 not */
/* burns the time of one verification, so that unknown e-mails take as long as known ones */
void password_dummy_verify(const char *pw);
/* NULL when acceptable, else why not (for the `detail` of a 422) */
const char *password_problem(const char *pw, const char *email);
/* a readable random password for first sign-in (at least 16 characters) */
void password_generate(char *out, size_t n);

#endif
