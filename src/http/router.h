/* The route table: method + path pattern -> handler. Patterns are literal
 * segments and {name} segments ("/api/v1/users/{id}"). Each domain exports a
 * table ending with a zeroed entry; src/routes.c lists the tables. */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H

struct req;

enum route_flags {
	ROUTE_PUBLIC = 1,        /* no authentication needed */
	ROUTE_ALLOW_PENDING = 2, /* allowed while a password change or e-mail validation is pending */
	ROUTE_NO_CSRF = 4,       /* unsafe method that does not need the CSRF token (sign-in, token) */
	ROUTE_RAW_BODY = 8,      /* body is not JSON (the handler reads r->body) */
	/* the path's {parameters} are credentials (a door display's token, a
	 * public feed's secret): logs show *** in their place (http/redact.h) */
	ROUTE_SECRET_PARAMS = 16,
	/* a file upload: its body may have up to ROUTE_UPLOAD_MAX bytes (more
	 * than the server's body_limit, when that is smaller) */
	ROUTE_UPLOAD = 32,
};

#define ROUTE_UPLOAD_MAX (10 * 1024 * 1024)

struct route {
	const char *method;
	const char *pattern;
	int (*handler)(struct req *r);
	unsigned flags;
};

/* NULL-terminated list of NULL-terminated tables */
extern const struct route *const app_route_tables[];

/* finds the route; 0, or E_NOTFOUND (no path matches) / E_FORBIDDEN used as
 * "405: path matches, method does not" with allow filled */
int router_match(const char *method, const char *path, struct req *r, char *allow, int allowlen);
/* the flags of the route method and path reach (0 when none): read before
 * the body is, to know how much of it to accept */
unsigned router_flags(const char *method, const char *path);
/* does path match pattern (the same rules as the route table's)? 1 or 0 */
int router_pattern_match(const char *pattern, const char *path);
/* calls fn for every route (openapi check, metrics) */
void router_each(void (*fn)(const struct route *rt, void *arg), void *arg);

#endif
