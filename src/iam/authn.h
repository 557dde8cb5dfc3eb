/* Authentication of requests: the session cookie, bearer tokens of API
 * applications (iam/apps.h) and HTTP Basic with a user's e-mail and password.
 * Installed into the server as its authenticate hook. */
#ifndef IAM_AUTHN_H
#define IAM_AUTHN_H

#include "http/request.h"
#include "store/store.h"

#define SESSION_COOKIE "convene_session"
#define SESSION_IDLE_SECONDS (12 * 3600)

int authn_request(struct req *r);
/* fills the principal from a user row (used by every credential kind) */
int authn_principal_from_user(struct req *r, const struct user *u, enum auth_via via);

#endif
