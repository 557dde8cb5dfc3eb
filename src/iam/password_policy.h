/* GET /api/v1/password-policy: the password rule (length, libpwquality's
 * strength settings, a sentence in the caller's language), readable by
 * anyone who may have to choose a password, signed in or not. */
#ifndef IAM_PASSWORD_POLICY_H
#define IAM_PASSWORD_POLICY_H

#include "http/router.h"

extern const struct route password_policy_routes[];

#endif
