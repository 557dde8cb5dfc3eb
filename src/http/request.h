/* One HTTP request as handlers see it: method, path, route parameters, query,
 * headers, body, the authenticated principal and a request arena. A handler
 * answers with exactly one resp_* call (http/response.h) or returns a negative
 * error code, which the server turns into a problem+json response. */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/ids.h"

#define REQ_MAX_PARAMS 6

enum auth_via { AUTH_NONE, AUTH_COOKIE, AUTH_BEARER, AUTH_BASIC };

/* who is asking; filled by the authenticator before the handler runs */
struct principal {
	enum auth_via via;
	char account_id[ID_MAX];
	char user_id[ID_MAX];
	char role[16];
	char email[256];
	char display_name[256];
	char app_id[ID_MAX];             /* bearer tokens: the application */
	char session_hash[HASH_HEX_MAX]; /* cookie sessions: for sign-out */
	char csrf[SECRET_MAX];           /* cookie sessions: the expected X-CSRF-Token */
	int must_change_password;
	int email_validation_pending;
};

struct response {
	int status;
	char *content_type;
	char *body; /* arena or malloc, see owned */
	size_t len;
	int body_malloced;
	void (*release)(void *arg); /* resp_shared: who gets body back, and when */
	void *release_arg;
	int has_fd, fd;             /* resp_file: the body is this file's first len bytes */
	const char *headers[16][2]; /* extra headers, arena strings */
	int nheaders;
};

struct req {
	void *conn; /* struct MHD_Connection *, for http/ only */
	struct arena *arena;
	const char *method;
	const char *path;
	const struct route *route;
	const char *param_names[REQ_MAX_PARAMS];
	const char *param_values[REQ_MAX_PARAMS];
	int nparams;
	struct buf body;
	int body_too_large;
	size_t body_max; /* bytes of body accepted: body_limit, more for an upload route */
	int static_file; /* answered from the web app's files (metrics label) */
	json_t *json;    /* parsed body, owned by the request */
	struct principal who;
	int authenticated;
	struct response resp;
	int responded;
	void *stream; /* set by sse_start: the response is an event stream (http/sse.h) */
	int64_t started_us;
	int lang; /* the language of texts for this request, as enum lang + 1; 0 until chosen (resp_lang) */
	const char *client_addr; /* req_client_addr's answer, once asked */
};

const char *req_param(struct req *r, const char *name); /* {name} in the route pattern */
const char *req_query(struct req *r, const char *name); /* ?name=..., decoded */
const char *req_header(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_client_ip(struct req *r); /* the socket's peer (arena string) */
/* the client's address: the peer, or when the peer is one of the
 * trusted_proxies, the right-most address of X-Forwarded-For that is not a
 * trusted proxy itself (addresses to its left can be forged by the client).
 * What logs, throttles and per-address limits should use. */
const char *req_client_addr(struct req *r);
int req_is_unsafe(const struct req *r); /* POST, PUT, PATCH, DELETE, ... */

#endif
