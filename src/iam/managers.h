/* Managers of an account: /api/v1/managers (administrators, team managers,
 * API managers), their login settings, teams, rights and effective rights. */
#ifndef IAM_MANAGERS_H
#define IAM_MANAGERS_H

#include "http/router.h"

extern const struct route managers_routes[];

#endif
