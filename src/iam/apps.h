/* API applications registered by API managers: client id + secret, the
 * client-credentials token endpoint, bearer tokens that act with the API
 * manager's rights, and revocation that kills every token at once. */
#ifndef IAM_APPS_H
#define IAM_APPS_H

#include "http/request.h"
#include "http/router.h"

struct db;

/* resolves "Authorization: Bearer TOKEN": 0 and the principal filled, or E_UNAUTH */
int apps_authenticate_bearer(struct req *r, struct db *db, const char *token);

extern const struct route apps_routes[];

#endif
