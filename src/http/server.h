/* The HTTP server: libmicrohttpd with its epoll thread pool, the request body
 * limit, authentication, CSRF and login-rule gates, dispatch through the route
 * table, one access-log line and metrics per request, and a bounded drain on
 * stop. The authenticator is given by the caller (iam), so http/ knows no
 * domain. */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include "core/config.h"
#include "http/request.h"

struct server;

struct server_hooks {
	/* fills r->who and sets r->authenticated when the request carries valid
	 * credentials; returns 0 (also when there are none), E_UNAUTH when the
	 * credentials given are invalid, expired or revoked, or another error
	 * when they could not be checked (answered as that error, e.g. 503) */
	int (*authenticate)(struct req *r);
};

int server_start(const struct config *cfg, const struct server_hooks *hooks, struct server **out, char *err,
		 size_t errlen);
/* stops accepting, waits up to grace seconds for requests in flight, stops */
void server_stop(struct server *s, int grace_seconds);
int server_in_flight(struct server *s);

#endif
