/* Redaction of credentials in logged paths. A secret pattern hides its
 * {parameter} segments in every path that lies at or under it, so that the
 * answer's status (200, 404 under the address, 405 for another method) never
 * decides whether a secret reaches the log. */
#include "http/redact.h"

#include <string.h>

#include "core/buf.h"
#include "http/request.h"
#include "http/router.h"

/* Pages of the web app (web/src/main.jsx) whose path holds a credential. They
 * are served by static.c, outside the route table, so they are declared here. */
static const char *const app_secret_pages[] = {
	"/display/{token}", /* a room's door screen: the display token */
	NULL,
};

/* length of the segment starting at s (up to '/' or the end) */
static size_t seglen(const char *s)
{
	size_t n = 0;
	while (s[n] && s[n] != '/')
		n++;
	return n;
}

/* index of the pattern's last {parameter} segment, or -1 */
static int last_param(const char *pat)
{
	int i = -1, seg = 0;
	for (const char *p = pat; *p; p++) {
		if (*p == '/')
			seg++;
		else if (*p == '{')
			i = seg;
	}
	return i;
}

/* when path lies at or under pat up to its last {parameter}, writes path into
 * out with the parameter segments replaced and returns 1; otherwise 0 */
static int apply(const char *pat, const char *path, char *out)
{
	int k = last_param(pat);
	if (k < 0)
		return 0;
	const char *p = pat, *s = path;
	/* both begin with '/': segment 0 is the empty one before it */
	for (int seg = 0; seg <= k; seg++) {
		size_t pl = seglen(p), sl = seglen(s);
		if (*p == '{' ? sl == 0 : pl != sl || memcmp(p, s, pl))
			return 0;
		p += pl, s += sl;
		if (seg < k) {
			if (*p != '/' || *s != '/')
				return 0;
			p++, s++;
		}
	}
	/* matched: copy again, replacing the parameter segments */
	char *w = out;
	p = pat, s = path;
	for (int seg = 0; seg <= k; seg++) {
		size_t pl = seglen(p), sl = seglen(s);
		if (*p == '{') {
			memcpy(w, REDACTED, strlen(REDACTED));
			w += strlen(REDACTED);
		} else {
			memcpy(w, s, sl);
			w += sl;
		}
		p += pl, s += sl;
		if (seg < k) {
			*w++ = '/';
			p++, s++;
		}
	}
	strcpy(w, s); /* the rest of the path, as it is */
	return 1;
}

struct walk {
	const char *path; /* current text: the original or buf */
	char *buf, *tmp;
	int changed;
};

static void one(const char *pattern, struct walk *w)
{
	if (apply(pattern, w->path, w->tmp)) {
		char *t = w->buf;
		w->buf = w->tmp;
		w->tmp = t;
		w->path = w->buf;
		w->changed = 1;
	}
}

static void each_route(const struct route *rt, void *arg)
{
	if (rt->flags & ROUTE_SECRET_PARAMS)
		one(rt->pattern, arg);
}

const char *redact_path_text(struct arena *a, const char *path)
{
	if (!path || *path != '/')
		return path;
	/* each replaced segment has at least one character and becomes three */
	size_t cap = strlen(path) * 3 + sizeof REDACTED;
	struct walk w = {path, arena_alloc(a, cap), arena_alloc(a, cap), 0};
	router_each(each_route, &w);
	for (int i = 0; app_secret_pages[i]; i++)
		one(app_secret_pages[i], &w);
	return w.changed ? w.path : path;
}

static int path_start(const char *text, const char *p)
{
	return *p == '/' && (p == text || strchr(" \t`'\"(<=", p[-1]));
}

const char *redact_text(struct arena *a, const char *text)
{
	struct buf out = {0};
	const char *p = text;
	while (*p) {
		if (!path_start(text, p)) {
			buf_append(&out, p++, 1);
			continue;
		}
		size_t n = strcspn(p, " \t`'\"<>?"), q = 0;
		if (p[n] == '?') /* the query, up to where the path would have ended */
			q = strcspn(p + n, " \t`'\"<>");
		const char *path = redact_path_text(a, arena_strndup(a, p, n));
		buf_append(&out, path, strlen(path));
		if (q)
			buf_append(&out, "?" REDACTED, strlen("?" REDACTED));
		p += n + q;
	}
	const char *s = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	return s;
}

const char *redact_path(struct req *r)
{
	return redact_path_text(r->arena, r->path);
}
