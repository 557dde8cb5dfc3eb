/* Paths as logs may show them: the segments that are credentials (a door
 * display's token, a public feed's secret) become ***. Which segments are
 * credentials is declared where the paths are: ROUTE_SECRET_PARAMS in the route
 * table, and the web app's pages in redact.c. */
#ifndef HTTP_REDACT_H
#define HTTP_REDACT_H

#include "core/arena.h"

struct req;

#define REDACTED "***"

/* the request's path with every secret segment replaced, whatever the method
 * and whether a route matched (a 404 or 405 under a secret address hides it
 * too); r->path itself when nothing is secret. An arena string. */
const char *redact_path(struct req *r);
/* the same for any path: an arena string, or path itself */
const char *redact_path_text(struct arena *a, const char *path);
/* a free text (libmicrohttpd's messages quote the request's URL) with each
 * path in it redacted and each query string replaced by "?***": an arena string */
const char *redact_text(struct arena *a, const char *text);

#endif
