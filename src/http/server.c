/* libmicrohttpd glue. A request is accumulated (body capped at the limit:
 * declared too-large bodies get 413 at once, others are drained and refused),
 * then dispatched once, on the final callback. */
#include "http/server.h"
#include "http/sse.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/budget.h"
#include "core/clock.h"
#include "core/netaddr.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/conn_limit.h"
#include "http/metrics.h"
#include "http/redact.h"
#include "http/response.h"
#include "http/router.h"
#include "http/static.h"

struct server {
	struct MHD_Daemon *d;
	struct config cfg;
	struct server_hooks hooks;
	atomic_int in_flight;
};

static struct server *the_server; /* for request.c helpers */

static int authorize(struct server *s, struct req *r)
{
	unsigned flags = r->route->flags;
	int rc = s->hooks.authenticate ? s->hooks.authenticate(r) : 0;
	if (flags & ROUTE_PUBLIC)
		return 0;
	if (rc && rc != E_UNAUTH) /* e.g. the database is restarting: retry later, still signed in */
		return resp_error(r, rc);
	if (rc == E_UNAUTH || !r->authenticated) {
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"convene\"");
		return resp_problem(r, 401, "unauthenticated",
				    rc == E_UNAUTH ? "the credentials are invalid, expired or revoked"
						   : "sign in first, or send a bearer token");
	}
	if (r->who.via == AUTH_COOKIE && req_is_unsafe(r) && !(flags & ROUTE_NO_CSRF)) {
		const char *tok = req_header(r, "X-CSRF-Token");
		if (!tok || !ids_equal_ct(tok, r->who.csrf))
			return resp_problem(r, 403, "csrf", "missing or wrong X-CSRF-Token header");
	}
	if (!(flags & ROUTE_ALLOW_PENDING)) {
		if (r->who.must_change_password)
			return resp_problem(r, 403, "password-change-required",
					    "change your password first (POST /api/v1/me/password)");
		if (r->who.email_validation_pending)
			return resp_problem(r, 403, "email-validation-required",
					    "confirm your e-mail address first: follow the link we sent you");
	}
	return 0;
}

/* valid UTF-8 without control characters: what a path or query value may hold
 * (invalid bytes would reach SQL, where PostgreSQL refuses them, and problem
 * details, which jansson cannot encode) */
static int text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (!len || end - p < len || c < 0x20 || c == 0x7f)
			return 0;
		unsigned cp = len == 1 ? c : c & (0x7f >> len);
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += len;
	}
	return 1;
}

static enum MHD_Result query_arg_ok(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	int *ok = cls;
	(void)kind;
	if (!text_ok(key, strlen(key)) || (value && !text_ok(value, strlen(value))))
		*ok = 0;
	return *ok ? MHD_YES : MHD_NO;
}

/* an arena copy for the access log, with bytes that are not clean text
 * percent-encoded, so that the text log stays one line per request and the
 * JSON log can encode it */
static const char *loggable(struct req *r, const char *s)
{
	if (text_ok(s, strlen(s)))
		return s;
	char *out = arena_alloc(r->arena, strlen(s) * 3 + 1), *w = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += *p < 0x20 || *p >= 0x7f ? sprintf(w, "%%%02X", *p) : (*w = (char)*p, 1);
	*w = 0;
	return out;
}

static void dispatch(struct server *s, struct req *r)
{
	char allow[256];
	if (r->body_too_large) {
		resp_problemf(r, 413, "too-large", "the request body is larger than %zu bytes", r->body_max);
		return;
	}
	if (!text_ok(r->path, strlen(r->path))) {
		resp_problem(r, 400, "invalid-path", "the path is not valid UTF-8 text");
		return;
	}
	int ok = 1;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_arg_ok, &ok);
	if (!ok) {
		resp_problem(r, 400, "invalid-query", "a query parameter is not valid UTF-8 text");
		return;
	}
	int rc = router_match(r->method, r->path, r, allow, sizeof allow);
	/* GET of a path that is no route is the web app's (its pages); so is GET
	 * of "/", which routes PROPFIND for CalDAV discovery. Any other route
	 * answers 405 to a method it does not take, as HTTP wants */
	if ((rc == E_NOTFOUND || (rc && !strcmp(r->path, "/"))) &&
	    (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) && strncmp(r->path, "/api/", 5) &&
	    static_serve(r, s->cfg.web_dir) == 0) {
		r->static_file = 1;
		return;
	}
	if (rc == E_NOTFOUND) {
		resp_problemf(r, 404, "not-found", "no route for %.200s", r->path);
		return;
	}
	if (rc) {
		resp_header(r, "Allow", allow);
		resp_problemf(r, 405, "method-not-allowed", "%s is not allowed here (allowed: %s)", r->method, allow);
		return;
	}
	budget_start(s->cfg.request_budget);
	authorize(s, r);
	if (!r->responded) {
		rc = r->route->handler(r);
		if (!r->responded)
			resp_error(r, rc ? rc : E_DB);
	}
	budget_stop();
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct req *r)
{
	if (r->stream) {
		struct MHD_Response *sr = sse_response(r);
		if (!sr)
			return MHD_NO;
		/* a stream is quiet between events by design (its pings keep
		 * proxies awake, not us): idle_timeout is for idle keep-alives.
		 * sse_response answered HEAD without opening the stream. */
		if (r->stream)
			MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)0);
		enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, sr);
		MHD_destroy_response(sr);
		return ret;
	}
	struct MHD_Response *mr;
	if (r->resp.has_fd) { /* MHD closes it with the response */
		mr = MHD_create_response_from_fd64(r->resp.len, r->resp.fd);
		if (mr)
			r->resp.has_fd = 0;
	} else if (r->resp.release) { /* shared bytes: MHD gives them back when sent */
		mr = MHD_create_response_from_buffer_with_free_callback_cls(r->resp.len, r->resp.body, r->resp.release,
									    r->resp.release_arg);
		if (mr)
			r->resp.release = NULL;
	} else {
		mr = MHD_create_response_from_buffer(r->resp.len, r->resp.body ? r->resp.body : "",
						     MHD_RESPMEM_MUST_COPY);
	}
	if (!mr)
		return MHD_NO;
	/* 204 and 304 have no body, hence no Content-Type */
	if (r->resp.len || (r->resp.status != 204 && r->resp.status != 304))
		MHD_add_response_header(mr, "Content-Type", r->resp.content_type);
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	int has_cache = 0;
	for (int i = 0; i < r->resp.nheaders; i++) {
		MHD_add_response_header(mr, r->resp.headers[i][0], r->resp.headers[i][1]);
		if (!strcasecmp(r->resp.headers[i][0], "Cache-Control"))
			has_cache = 1;
	}
	if (!has_cache)
		MHD_add_response_header(mr, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->resp.status, mr);
	MHD_destroy_response(mr);
	return ret;
}

/* What we refuse ourselves, as problem+json. Longer ones still reach
 * libmicrohttpd's own limit (CONN_MEMORY, its buffer for a request's head),
 * which answers in HTML: it has no hook for its error bodies. */
#define URL_MAX 8192
#define HEADERS_MAX 32768
#define CONN_MEMORY (128 * 1024)

static enum MHD_Result header_bytes(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *n = cls;
	(void)kind;
	*n += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	(void)version;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->arena = arena_new();
		r->conn = c;
		r->method = arena_strdup(r->arena, method);
		r->path = arena_strdup(r->arena, url);
		r->started_us = clock_mono_us();
		*con_cls = r;
		atomic_fetch_add(&s->in_flight, 1);
		size_t hbytes = 0, ubytes = strlen(url);
		MHD_get_connection_values(c, MHD_HEADER_KIND, header_bytes, &hbytes);
		/* url is the path: the query comes back as its arguments */
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, header_bytes, &ubytes);
		if (ubytes > URL_MAX) {
			r->body_too_large = 1; /* its body, if any, is not read */
			resp_problemf(r, 414, "uri-too-long", "the request's path and query are longer than %d bytes",
				      URL_MAX);
			return send_response(c, r);
		}
		if (hbytes > HEADERS_MAX) {
			r->body_too_large = 1; /* its body, if any, is not read */
			resp_problemf(r, 431, "headers-too-large",
				      "the request's header fields are larger than %d bytes", HEADERS_MAX);
			return send_response(c, r);
		}
		r->body_max = s->cfg.body_limit;
		if (r->body_max < ROUTE_UPLOAD_MAX && (router_flags(method, url) & ROUTE_UPLOAD))
			r->body_max = ROUTE_UPLOAD_MAX;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > r->body_max) {
			r->body_too_large = 1;
			resp_problemf(r, 413, "too-large", "the request body is larger than %zu bytes", r->body_max);
			return send_response(c, r);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->body_too_large) {
			if (r->body.len + *upload_size > r->body_max) {
				r->body_too_large = 1;
				buf_free(&r->body);
			} else if (buf_append(&r->body, upload, *upload_size)) {
				return MHD_NO;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->responded) /* 413 already queued */
		return MHD_YES;
	dispatch(s, r);
	return send_response(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	(void)c, (void)toe;
	if (!r)
		return;
	int64_t us = clock_mono_us() - r->started_us;
	int status = r->resp.status ? r->resp.status : 499;
	struct log_access a = {loggable(r, r->method),
			       loggable(r, redact_path(r)),
			       status,
			       r->resp.len,
			       us,
			       r->authenticated ? r->who.account_id : NULL,
			       r->authenticated && *r->who.user_id ? r->who.user_id : NULL,
			       req_client_addr(r)};
	log_request(&a);
	/* an event stream lasts as long as its client watches: not a latency */
	metrics_request(r->route         ? r->route->pattern
			: r->static_file ? "static"
					 : "unmatched",
			r->method, status, us, !r->stream);
	if (r->resp.body_malloced)
		free(r->resp.body);
	resp_release(r); /* a shared body never handed to MHD */
	buf_free(&r->body);
	json_decref(r->json);
	arena_free(r->arena);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decoding of the path and of query arguments, in place (libmicrohttpd's
 * unescape callback). Control characters (%00-%1F, %7F) stay encoded: a decoded
 * NUL would cut "/api/v1/users%00/x" short into another route, and a decoded
 * line break would forge lines in the text access log. No id, name or search
 * term of ours needs them. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s;
	int hi, lo;
	(void)cls, (void)c;
	for (const char *p = s; *p; p++) {
		if (*p == '%' && (hi = hex_value(p[1])) >= 0 && (lo = hex_value(p[2])) >= 0 && hi * 16 + lo >= 0x20 &&
		    hi * 16 + lo != 0x7f) {
			*w++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t l = strlen(msg);
	while (l && msg[l - 1] == '\n')
		msg[--l] = 0;
	/* its messages quote the request's URL, credentials included */
	struct arena *a = arena_new();
	log_warn("http: %s", a ? redact_text(a, msg) : "(a message not logged: out of memory)");
	arena_free(a);
}

/* per_address_connections: a connection is counted when accepted (refused,
 * it is closed at once, before a byte is read) and uncounted when it
 * closes; the connection's context holds the address that was counted */
static int counted(const struct server *s, const struct netaddr *a)
{
	return s->cfg.per_address_connections > 0 && !netaddr_in_list(s->cfg.trusted_proxies, a);
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct server *s = cls;
	struct netaddr a;
	(void)addrlen;
	if (netaddr_from_sockaddr(addr, &a) || !counted(s, &a))
		return MHD_YES;
	if (conn_limit_admit(&a, s->cfg.per_address_connections))
		return MHD_YES;
	char text[NETADDR_TEXT_MAX];
	netaddr_text(&a, text, sizeof text);
	log_warn("http: refused a connection from %s: it holds %d already (per_address_connections)", text,
		 s->cfg.per_address_connections);
	return MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		struct netaddr a;
		*socket_context = NULL;
		if (ci && !netaddr_from_sockaddr(ci->client_addr, &a) && counted(s, &a) &&
		    (*socket_context = malloc(sizeof a)))
			memcpy(*socket_context, &a, sizeof a);
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		conn_limit_release(*socket_context);
		free(*socket_context);
		*socket_context = NULL;
	}
}

int server_start(const struct config *cfg, const struct server_hooks *hooks, struct server **out, char *err,
		 size_t errlen)
{
	char host[128], *port;
	snprintf(host, sizeof host, "%s", cfg->listen);
	port = strrchr(host, ':');
	if (!port) {
		snprintf(err, errlen, "listen: expected HOST:PORT, got '%s'", cfg->listen);
		return E_INVALID;
	}
	*port++ = 0;
	char *h = host;
	if (h[0] == '[') { /* [::1]:8080 */
		h++;
		h[strlen(h) - 1] = 0;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
			*ai;
	int gai = getaddrinfo(*h ? h : NULL, port, &hints, &ai);
	if (gai) {
		snprintf(err, errlen, "listen %s: %s", cfg->listen, gai_strerror(gai));
		return E_INVALID;
	}
	struct server *s = calloc(1, sizeof *s);
	s->cfg = *cfg;
	s->hooks = *hooks;
	/* two per core, at least four: a thread waits on fsync and on the writer
	 * lock, and every connection it holds (streams too) waits with it;
	 * bench/support.sh on 2 cores: delivery p99 163 ms with 2 threads, 15 ms
	 * with 4, 12 ms with 8 (docs/architecture.md) */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : cores > 2 ? (unsigned)cores * 2 : 4;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* no MHD_OPTION_LISTENING_ADDRESS_REUSE: with it (SO_REUSEPORT) a
	 * second server on a busy port started and took half the connections */
	s->d = MHD_start_daemon(flags, 0, on_accept, s, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE, threads,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_UNESCAPE_CALLBACK, unescape,
				NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)cfg->idle_timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!s->d) {
		snprintf(err, errlen, "cannot listen on %s (address in use or not available)", cfg->listen);
		free(s);
		return E_IO;
	}
	if (sse_init()) {
		MHD_stop_daemon(s->d);
		free(s);
		snprintf(err, errlen, "cannot start the event-stream timer");
		return E_NOMEM;
	}
	the_server = s;
	*out = s;
	return 0;
}

int server_in_flight(struct server *s)
{
	return atomic_load(&s->in_flight);
}

void server_stop(struct server *s, int grace)
{
	if (!s)
		return;
	/* the listening socket is ours once quiesced: closing it makes new clients
	 * fail at once (a load balancer then tries another node) instead of
	 * waiting in the kernel's backlog until the drain is over */
	MHD_socket lfd = MHD_quiesce_daemon(s->d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	sse_shutdown(); /* streams end now: they would hold the drain to its limit */
	int64_t until = clock_mono_us() + (int64_t)grace * 1000000;
	while (atomic_load(&s->in_flight) > 0 && clock_mono_us() < until)
		usleep(20000);
	if (atomic_load(&s->in_flight) > 0)
		log_warn("stopping with %d requests still in flight", atomic_load(&s->in_flight));
	MHD_stop_daemon(s->d);
	the_server = NULL;
	free(s);
}
