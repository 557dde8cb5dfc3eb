/* Response construction; bodies live in the request arena or are malloc'ed
 * by jansson and freed by the server after sending. */
#include "http/response.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/budget.h"
#include "core/errors.h"
#include "core/i18n.h"
#include "core/log.h"
#include "http/jsonout.h"
#include "http/redact.h"

static const char *reason(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	}
	return "Error";
}

static void set_body(struct req *r, int status, const char *ctype, char *body, size_t len, int malloced)
{
	if (r->resp.body_malloced)
		free(r->resp.body);
	resp_release(r);
	r->resp.status = status;
	r->resp.content_type = arena_strdup(r->arena, ctype);
	r->resp.body = body;
	r->resp.len = len;
	r->resp.body_malloced = malloced;
	r->responded = 1;
}

int resp_json(struct req *r, int status, json_t *body)
{
	size_t len = 0;
	char *s = jsonout_dumps(body, &len);
	json_decref(body);
	if (!s)
		return resp_problem(r, 500, "internal", "could not encode the response");
	set_body(r, status, "application/json", s, len, 1);
	return 0;
}

void resp_release(struct req *r)
{
	if (r->resp.has_fd) {
		r->resp.has_fd = 0;
		close(r->resp.fd);
	}
	if (r->resp.release) {
		void (*fn)(void *) = r->resp.release;
		r->resp.release = NULL;
		fn(r->resp.release_arg);
	}
}

int resp_shared(struct req *r, int status, const char *ctype, const char *data, size_t len, void (*release)(void *arg),
		void *arg)
{
	set_body(r, status, ctype, (char *)data, len, 0);
	r->resp.release = release;
	r->resp.release_arg = arg;
	return 0;
}

int resp_file(struct req *r, int status, const char *ctype, int fd, size_t len)
{
	set_body(r, status, ctype, NULL, len, 0);
	r->resp.has_fd = 1;
	r->resp.fd = fd;
	return 0;
}

int resp_raw(struct req *r, int status, const char *ctype, const char *data, size_t len)
{
	char *copy = arena_alloc(r->arena, len + 1);
	memcpy(copy, data, len);
	set_body(r, status, ctype, copy, len, 0);
	return 0;
}

int resp_empty(struct req *r, int status)
{
	set_body(r, status, "text/plain", NULL, 0, 0);
	return 0;
}

static int (*language_hook)(struct req *r);

void resp_language_hook(int (*fn)(struct req *r))
{
	language_hook = fn;
}

int resp_lang(struct req *r)
{
	if (r->lang)
		return r->lang - 1;
	int l = -1;
	if (r->authenticated && *r->who.user_id && language_hook)
		l = language_hook(r);
	if (l < 0)
		l = i18n_accept_language(req_header(r, "Accept-Language"));
	if (l < 0 || l >= LANG_COUNT)
		l = LANG_EN;
	r->lang = l + 1;
	return l;
}

const char *resp_text(struct req *r, const char *en)
{
	return i18n_text(resp_lang(r), en);
}

int resp_problem_ext(struct req *r, int status, const char *slug, const char *detail, json_t *extra)
{
	json_t *p = extra && json_is_object(extra) ? extra : json_object();
	if (extra && p != extra)
		json_decref(extra);
	int lang = resp_lang(r);
	json_object_set_new(p, "type", json_string(arena_printf(r->arena, "/problems/%s", slug)));
	json_object_set_new(p, "title", json_string(i18n_text(lang, reason(status))));
	json_object_set_new(p, "status", json_integer(status));
	json_object_set_new(p, "detail", json_string(i18n_text(lang, detail ? detail : reason(status))));
	resp_header(r, "Content-Language", i18n_code(lang));
	size_t len = 0;
	char *s = jsonout_dumps(p, &len);
	json_decref(p);
	if (!s)
		s = strdup("{\"type\":\"/problems/internal\",\"status\":500}");
	set_body(r, status, "application/problem+json", s, strlen(s), 1);
	return 0;
}

int resp_problem(struct req *r, int status, const char *slug, const char *detail)
{
	return resp_problem_ext(r, status, slug, detail, NULL);
}

int resp_problemf(struct req *r, int status, const char *slug, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, resp_text(r, fmt), ap); /* the translation has fmt's conversions */
	va_end(ap);
	return resp_problem(r, status, slug, msg);
}

int resp_field_error(struct req *r, const char *field, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, resp_text(r, fmt), ap); /* the translation has fmt's conversions */
	va_end(ap);
	return resp_problem_ext(r, 422, "invalid-field", msg, json_pack("{s:s}", "field", field));
}

void resp_header(struct req *r, const char *name, const char *value)
{
	if (r->resp.nheaders >= 16)
		return;
	r->resp.headers[r->resp.nheaders][0] = arena_strdup(r->arena, name);
	r->resp.headers[r->resp.nheaders][1] = arena_strdup(r->arena, value);
	r->resp.nheaders++;
}

int resp_error(struct req *r, int err)
{
	switch (err) {
	case E_INVALID:
		return resp_problem(r, 400, "bad-request", "the request is not valid");
	case E_NOTFOUND:
		return resp_problem(r, 404, "not-found", "no such resource in this account");
	case E_CONFLICT:
		return resp_problem(r, 409, "conflict", "the change conflicts with existing data");
	case E_FORBIDDEN:
		return resp_problem(r, 403, "forbidden", "you are not allowed to do this");
	case E_UNAUTH:
		return resp_problem(r, 401, "unauthenticated", "sign in first");
	case E_TOOLARGE:
		return resp_problem(r, 413, "too-large", "the request body is too large");
	case E_BUSY: /* a writer held the lock, or the database is restarting: seconds, not minutes */
		resp_header(r, "Retry-After", "2");
		return resp_problem(r, 503, "busy", "the server is busy; try again");
	case E_TIMEOUT:
		return resp_problemf(r, 503, "time-budget",
				     "this request needed more than its %d ms of work; ask for less "
				     "(a shorter time range, fewer events, a smaller file)",
				     budget_ms());
	}
	log_error("%s %s failed: %s", r->method, redact_path(r), error_name(err));
	return resp_problem(r, 500, "internal", "an internal error occurred; it has been logged");
}
