/* App passwords: secrets a user generates for each calendar app or device,
 * accepted by HTTP Basic (login = the user's e-mail) on /dav/, /feeds/ and
 * /.well-known/caldav only: never for web sign-in, the JSON API or changing
 * the password. GET/POST /api/v1/me/app-passwords, DELETE .../{id}; what
 * administrators see and revoke of them is served by iam/users.c. */
#ifndef IAM_APP_PASSWORDS_H
#define IAM_APP_PASSWORDS_H

#include <jansson.h>

#include "http/router.h"
#include "http/request.h"
#include "store/store.h"

#define APP_PASSWORDS_MAX 50  /* per user */
#define APP_PASSWORD_CHARS 16 /* without the dashes: 16 of 36 characters, 82 bits */

extern const struct route app_passwords_routes[];

/* 1 when pw has the shape of an app password ("abcd-efgh-ijkl-mnop", case,
 * dashes and spaces not minding); its canonical form into out */
int app_passwords_normalise(const char *pw, char out[APP_PASSWORD_CHARS + 1]);
/* a new secret as shown to the user: four groups of four, dash-separated */
void app_passwords_generate(char out[APP_PASSWORD_CHARS + 4]);
/* 1 when app passwords are accepted on this path */
int app_passwords_path_allowed(const char *path);
/* the app password of u that pw is; E_NOTFOUND when none (or pw is not shaped like one) */
int app_passwords_find(struct db *db, const struct user *u, const char *pw, struct app_password *out);
/* records the use (time, User-Agent) at most once a minute; errors are only logged */
void app_passwords_note_use(struct req *r, struct db *db, const struct app_password *p, int64_t now);
/* revokes every app password of u in the caller's transaction and audits it
 * (reason: why, e.g. "password_reset"); nothing is audited when there were none */
int app_passwords_revoke_user(struct req *r, struct db *db, const struct user *u, const char *reason);
/* {items, max}: the app passwords of the user, as GET /api/v1/me/app-passwords
 * shows them (never the secret nor its hash); *out is new */
int app_passwords_list_json(struct req *r, struct db *db, const char *account_id, const char *user_id, json_t **out);
/* revokes u's app password id in a transaction of its own and audits it, on
 * the app password when u is the caller, else on u (an administrator's act);
 * E_NOTFOUND when u has no such app password */
int app_passwords_revoke_one(struct req *r, struct db *db, const struct user *u, const char *id);

#endif
