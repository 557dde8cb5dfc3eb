/* Outbound HTTP for provider APIs (Zoom today, Google and Microsoft next):
 * one call with bounded time and answer size, http(s) only, no redirects
 * followed. Never inside a database transaction. */
#ifndef HTTP_CLIENT_H
#define HTTP_CLIENT_H

#include <stddef.h>

struct hc_request {
	const char *method;                      /* "GET", "POST", "PATCH", "DELETE" */
	const char *url;                         /* http:// or https:// */
	const char *const *headers;              /* "Name: value", NULL-terminated; or NULL */
	const char *body;                        /* or NULL */
	size_t body_len;                         /* bytes of body */
	const char *basic_user, *basic_password; /* HTTP Basic, or NULL */
	const char *bearer;                      /* Authorization: Bearer, or NULL */
	long timeout_ms;                         /* whole call; 0 = 15000 */
	size_t max_answer;                       /* bytes; 0 = 8 MiB; more = E_TOOLARGE */
};

struct hc_response {
	long status;            /* HTTP status */
	char *body;             /* malloc'd, NUL-terminated (also when empty) */
	size_t len;             /* bytes of body, without the NUL */
	long retry_after;       /* seconds from Retry-After (delta or date), -1 when absent */
	char content_type[128]; /* the answer's Content-Type, or "" */
};

/* 0 when an answer came (whatever its status); E_IO when none (refused,
 * timeout, TLS failure: logged without the URL's query); E_TOOLARGE; E_INVALID
 * for a URL that is not http(s). out is zeroed first and must be freed with
 * hc_response_free whatever the result. */
int hc_do(const struct hc_request *rq, struct hc_response *out);
void hc_response_free(struct hc_response *r);
/* application/x-www-form-urlencoded escaping into a malloc'd string (NULL
 * when out of memory) */
char *hc_escape(const char *s);

#endif
