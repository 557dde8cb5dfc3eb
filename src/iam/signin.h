/* Signing in and out, and the signed-in user's own record and password:
 * POST/DELETE /api/v1/session, GET /api/v1/me, POST /api/v1/me/password. */
#ifndef IAM_SIGNIN_H
#define IAM_SIGNIN_H

#include <stdint.h>

#include "http/router.h"

#define SIGNIN_FREE_FAILURES 5 /* failures in a row before sign-in slows down */

extern const struct route signin_routes[];

/* seconds a login stays locked after `failures` failures in a row (0 below the threshold) */
int signin_lock_seconds(int failures);

struct db;
struct user;
/* counts one failed password for u (and locks it past the threshold), in a
 * transaction of its own so that it sticks: sign-in and HTTP Basic share it */
int signin_record_failure(struct req *r, struct db *db, struct user *u, int64_t now);

#endif
