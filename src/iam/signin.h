/* Signing in and out, and the signed-in user's own record and password:
 * POST/DELETE /api/v1/session, GET /api/v1/me, POST /api/v1/me/password. */
#ifndef IAM_SIGNIN_H
#define IAM_SIGNIN_H

#include "http/router.h"

#define SIGNIN_FREE_FAILURES 5 /* failures in a row before sign-in slows down */

extern const struct route signin_routes[];

/* seconds a login stays locked after `failures` failures in a row (0 below the threshold) */
int signin_lock_seconds(int failures);

#endif
