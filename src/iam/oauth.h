/* The OAuth 2.0 token endpoint of API applications (RFC 6749 section 4.4,
 * client credentials), private to iam/: apps.c lists its route. */
#ifndef IAM_OAUTH_H
#define IAM_OAUTH_H

#include "http/request.h"

#define OAUTH_TOKEN_SECONDS 3600

/* POST /oauth/token */
int oauth_token(struct req *r);
/* who may own an application (and so whose tokens keep working) */
int apps_owner_allowed(const char *role);

#endif
