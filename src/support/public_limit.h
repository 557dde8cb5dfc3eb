/* Rate limits of a portal's public support routes that write (asking a
 * question, messages, exchanging an e-mailed link, the transcript): per
 * client address and portal, and per portal from all clients together
 * (config support_public_limit). */
#ifndef SUPPORT_PUBLIC_LIMIT_H
#define SUPPORT_PUBLIC_LIMIT_H

#include "http/request.h"
#include "store/store.h"

#define SUPPORT_PORTAL_FACTOR 10 /* a portal takes this many times one client's limit */

/* counts one request from r's client to the portal in a transaction of its
 * own (so that it sticks whatever the request does afterwards; call it
 * outside the caller's transaction, after the body's checks); 0, or answers
 * 429 with Retry-After and returns E_BUSY */
int support_public_limit(struct req *r, struct db *db, const char *portal_id);

#endif
