/* Signing in and out, and the signed-in user's own record and password:
 * POST/DELETE /api/v1/session, GET /api/v1/me, POST /api/v1/me/password. */
#ifndef IAM_SIGNIN_H
#define IAM_SIGNIN_H

#include "http/router.h"

extern const struct route signin_routes[];

#endif
