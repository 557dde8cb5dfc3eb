/* A portal as customers see it, without signing in: GET
 * /api/v1/public/portals/{slug} and its stream, and the redirect of an old
 * address of the page /portal/{slug}. Nothing of the account beyond the
 * portal shows. */
#ifndef SUPPORT_PORTAL_PUBLIC_H
#define SUPPORT_PORTAL_PUBLIC_H

#include "http/router.h"

extern const struct route portal_public_routes[];

/* for http/static.h's page hook: /portal/{old slug} answers 308 to the
 * portal's address; 0 when it answered, E_NOTFOUND to serve the page */
int portal_public_page(struct req *r);

#endif
