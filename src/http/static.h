/* Serving the built web app (web/dist): files by path, index.html for the
 * app's own routes, ETag / If-None-Match, long caching for hashed assets and
 * gzip when the client accepts it. */
#ifndef HTTP_STATIC_H
#define HTTP_STATIC_H

#include "http/request.h"

/* 0 when answered, E_NOTFOUND when there is nothing to serve (always, when
 * web_dir is empty: the web app is not served) */
int static_serve(struct req *r, const char *web_dir);
/* A higher layer may answer a page request (a path that is no file, such as
 * /portal/{slug}) before the page is served: fn returns 0 when it answered
 * (a redirect), E_NOTFOUND to let the page be served. Set once at start-up. */
void static_page_hook(int (*fn)(struct req *r));
/* is the web app in web_dir there (its index.html)? 1 or 0; 1 when web_dir is
 * empty (nothing to serve, nothing missing). /readyz and `convene serve` ask. */
int static_app_present(const char *web_dir);

#endif
