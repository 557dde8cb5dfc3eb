/* Open connections per client address, for the per_address_connections
 * setting: one address cannot take every connection of the server. Trusted
 * proxies are not counted (their clients are many; the proxy limits them). */
#ifndef HTTP_CONN_LIMIT_H
#define HTTP_CONN_LIMIT_H

#include "core/netaddr.h"

/* counts one more connection of a and answers 1, or 0 (nothing counted) when
 * a already holds limit of them */
int conn_limit_admit(const struct netaddr *a, int limit);
void conn_limit_release(const struct netaddr *a);
int conn_limit_count(const struct netaddr *a); /* for tests and metrics */

#endif
