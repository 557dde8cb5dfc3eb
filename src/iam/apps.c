/* API applications: to be completed (registration, /oauth/token, revocation). */
#include "iam/apps.h"

#include "core/errors.h"

int apps_authenticate_bearer(struct req *r, struct db *db, const char *token)
{
	(void)r, (void)db, (void)token;
	return E_UNAUTH;
}

const struct route apps_routes[] = {{0}};
