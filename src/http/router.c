/* Linear match over the tables: a few hundred routes at most, compared
 * segment by segment without allocation until a match fills the parameters.
 * A last segment "{name*}" takes the rest of the path, slashes included and
 * possibly empty: a domain with its own namespace of paths (WebDAV) routes
 * under one prefix. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "http/request.h"

/* is p "{name*}", the pattern's last segment? */
static int rest_param(const char *p)
{
	const char *pe = *p == '{' ? strchr(p, '}') : NULL;
	return pe && pe > p + 2 && pe[-1] == '*' && !pe[1];
}

/* does pattern match path? fills params into r when r is not NULL */
static int match(const char *pat, const char *path, struct req *r)
{
	int np = 0;
	const char *p = pat, *s = path;
	while (*p && *s) {
		if (rest_param(p)) {
			const char *pe = strchr(p, '}') - 1;
			if (r) {
				if (np >= REQ_MAX_PARAMS)
					return 0;
				r->param_names[np] = arena_strndup(r->arena, p + 1, (size_t)(pe - p - 1));
				r->param_values[np] = arena_strdup(r->arena, s);
			}
			np++;
			p = pe + 2;
			s += strlen(s);
		} else if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = s;
			while (*se && *se != '/')
				se++;
			if (!pe || se == s)
				return 0;
			if (r) {
				if (np >= REQ_MAX_PARAMS)
					return 0;
				r->param_names[np] = arena_strndup(r->arena, p + 1, (size_t)(pe - p - 1));
				r->param_values[np] = arena_strndup(r->arena, s, (size_t)(se - s));
			}
			np++;
			p = pe + 1;
			s = se;
		} else if (*p == *s) {
			p++, s++;
		} else {
			return 0;
		}
	}
	if (*s)
		return 0;
	if (*p) { /* an empty rest: "/dav/" matches "/dav/{path*}" */
		if (!rest_param(p))
			return 0;
		const char *pe = strchr(p, '}') - 1;
		if (r) {
			if (np >= REQ_MAX_PARAMS)
				return 0;
			r->param_names[np] = arena_strndup(r->arena, p + 1, (size_t)(pe - p - 1));
			r->param_values[np] = "";
		}
		np++;
	}
	if (r)
		r->nparams = np;
	return 1;
}

int router_match(const char *method, const char *path, struct req *r, char *allow, int allowlen)
{
	int path_seen = 0;
	allow[0] = 0;
	for (int t = 0; app_route_tables[t]; t++) {
		for (const struct route *rt = app_route_tables[t]; rt->method; rt++) {
			if (!match(rt->pattern, path, NULL))
				continue;
			if (!strcmp(rt->method, method) || (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET"))) {
				match(rt->pattern, path, r);
				r->route = rt;
				return 0;
			}
			path_seen = 1;
			size_t l = strlen(allow);
			if (!strstr(allow, rt->method))
				snprintf(allow + l, (size_t)allowlen - l, "%s%s", l ? ", " : "", rt->method);
		}
	}
	if (!path_seen)
		return E_NOTFOUND;
	/* HEAD is answered wherever GET is (RFC 9110 9.3.2), so Allow says so */
	size_t l = strlen(allow);
	if (strstr(allow, "GET") && !strstr(allow, "HEAD"))
		snprintf(allow + l, (size_t)allowlen - l, ", HEAD");
	return E_FORBIDDEN;
}

unsigned router_flags(const char *method, const char *path)
{
	for (int t = 0; app_route_tables[t]; t++)
		for (const struct route *rt = app_route_tables[t]; rt->method; rt++)
			if (!strcmp(rt->method, method) && match(rt->pattern, path, NULL))
				return rt->flags;
	return 0;
}

int router_pattern_match(const char *pattern, const char *path)
{
	return match(pattern, path, NULL);
}

void router_each(void (*fn)(const struct route *rt, void *arg), void *arg)
{
	for (int t = 0; app_route_tables[t]; t++)
		for (const struct route *rt = app_route_tables[t]; rt->method; rt++)
			fn(rt, arg);
}
