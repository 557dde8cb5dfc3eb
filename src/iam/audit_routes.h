/* GET /api/v1/audit: the account's audit log, searchable, newest first. */
#ifndef IAM_AUDIT_ROUTES_H
#define IAM_AUDIT_ROUTES_H

#include "http/router.h"

extern const struct route audit_routes[];

#endif
