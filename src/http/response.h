/* Building responses. JSON bodies are compact; errors are RFC 9457
 * application/problem+json with a stable `type` (/problems/<slug>, listed in
 * docs/problems.md), a `title`, the `status`, a human `detail` and, for input
 * errors, the `field` they concern. */
#ifndef HTTP_RESPONSE_H
#define HTTP_RESPONSE_H

#include <jansson.h>

#include "http/request.h"

/* these return 0 so that handlers can `return resp_json(...)` */
int resp_json(struct req *r, int status, json_t *body); /* steals body */
int resp_raw(struct req *r, int status, const char *content_type, const char *data, size_t len);
int resp_empty(struct req *r, int status);
/* a body owned elsewhere (e.g. a cached feed): sent as it is, without a copy;
 * release(arg) runs once when the server is done with it, whatever happens */
int resp_shared(struct req *r, int status, const char *content_type, const char *data, size_t len,
		void (*release)(void *arg), void *arg);
void resp_release(struct req *r); /* for http/: gives a shared body back now */
/* the body is the first len bytes of the open file fd, sent from there
 * without being read into memory; the server closes fd */
int resp_file(struct req *r, int status, const char *content_type, int fd, size_t len);
int resp_problem(struct req *r, int status, const char *slug, const char *detail);
int resp_problemf(struct req *r, int status, const char *slug, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* a 422 naming the field */
int resp_field_error(struct req *r, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* a problem with extra members (steals extra, may be NULL) */
int resp_problem_ext(struct req *r, int status, const char *slug, const char *detail, json_t *extra);
void resp_header(struct req *r, const char *name, const char *value); /* value copied */
/* The language of the texts of this response (enum lang, core/i18n.h): the
 * hook's answer for a signed-in caller (their effective language), else the
 * Accept-Language header's best match, else English. Chosen once. */
int resp_lang(struct req *r);
/* the hook that knows a signed-in caller's language (-1: none); set once at start */
void resp_language_hook(int (*fn)(struct req *r));
/* en translated into the request's language (core/messages.def) */
const char *resp_text(struct req *r, const char *en);
/* the default problem for an error code (E_NOTFOUND -> 404 ...) */
int resp_error(struct req *r, int err);

#endif
