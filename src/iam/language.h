/* A user's effective language and time zone: their own choice, else their
 * (first) company's setting, else the account's. */
#ifndef IAM_LANGUAGE_H
#define IAM_LANGUAGE_H

#include <stddef.h>

#include "http/request.h"
#include "store/store.h"

/* enum lang (core/i18n.h) of u; *source (may be NULL): "user" | "company" | "account" */
int language_of_user(struct db *db, const struct user *u, const char **source);
/* the signed-in caller's language, for resp_language_hook(); -1 when unknown */
int language_of_request(struct req *r);

#endif
