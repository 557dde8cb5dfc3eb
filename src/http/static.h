/* Serving the built web app (web/dist): files by path, index.html for the
 * app's own routes, ETag / If-None-Match, long caching for hashed assets and
 * gzip when the client accepts it. */
#ifndef HTTP_STATIC_H
#define HTTP_STATIC_H

#include "http/request.h"

/* 0 when answered, E_NOTFOUND when there is nothing to serve */
int static_serve(struct req *r, const char *web_dir);

#endif
