/* A user's effective language and time zone: their own choice, else their
 * (first) company's setting, else the account's; and PATCH /api/v1/me, where
 * users choose them. */
#ifndef IAM_LANGUAGE_H
#define IAM_LANGUAGE_H

#include <jansson.h>
#include <stddef.h>

#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

extern const struct route language_routes[];

/* enum lang (core/i18n.h) of u; *source (may be NULL): "user" | "company" | "account" */
int language_of_user(struct db *db, const struct user *u, const char **source);
/* u's time zone into out (an IANA name; "UTC" when nothing is set); *source as above */
void time_zone_of_user(struct db *db, const struct user *u, char *out, size_t n, const char **source);
/* the signed-in caller's language, for resp_language_hook(); -1 when unknown */
int language_of_request(struct req *r);
/* {language, language_source, time_zone, time_zone_source}: what GET /api/v1/me adds */
void language_effective_json(struct db *db, const struct user *u, json_t *into);
/* reads "language" and "time_zone" of body into u (null or "": inherit);
 * answers the 422 and returns E_INVALID on a bad value */
int language_read(struct req *r, json_t *body, struct user *u);

#endif
