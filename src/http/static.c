/* Static files of the built web app: index.html for the app's own routes and
 * portal.html for a company's support portal (/portal/...), ETag and 304, long
 * immutable caching of hashed assets (/assets/...), precompressed .gz twins for
 * clients that take gzip. Paths with ".." are refused before touching the disk. */
#include "http/static.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/errors.h"
#include "http/response.h"

static const char *mime(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "application/octet-stream";
	static const char *map[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
		{".map", "application/json"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(dot, map[i][0]))
			return map[i][1];
	return "application/octet-stream";
}

static int read_file(struct req *r, const char *path, const struct stat *st, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return E_NOTFOUND;
	*data = arena_alloc(r->arena, (size_t)st->st_size + 1);
	*len = fread(*data, 1, (size_t)st->st_size, f);
	fclose(f);
	return 0;
}

static int is_file(const char *path, struct stat *st)
{
	return !stat(path, st) && S_ISREG(st->st_mode);
}

/* does If-None-Match name this entity tag? A list, weak tags (W/) and * count
 * (RFC 9110 13.1.2 uses the weak comparison) */
static int etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	for (const char *p = inm; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (!strncmp(p, etag, n) && (!p[n] || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return 1;
		while (*p && *p != ',')
			p++;
	}
	return 0;
}

/* does Accept-Encoding take gzip? "gzip" and "gzip;q=0.5" do, "gzip;q=0" does not */
static int accepts_gzip(const char *ae)
{
	for (const char *p = ae; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *end = p;
		while (*end && *end != ',')
			end++;
		if (!strncasecmp(p, "gzip", 4) && (p + 4 == end || p[4] == ';' || p[4] == ' ')) {
			const char *q = strstr(p, "q=");
			return !q || q > end || strtod(q + 2, NULL) > 0;
		}
		p = end;
	}
	return 0;
}

static int (*page_hook)(struct req *r);

void static_page_hook(int (*fn)(struct req *r))
{
	page_hook = fn;
}

int static_serve(struct req *r, const char *web_dir)
{
	const char *p = r->path;
	if (!*web_dir || strstr(p, "..") || strchr(p, '\\'))
		return E_NOTFOUND;
	int is_asset = !strncmp(p, "/assets/", 8);
	char path[1024], gz[1040];
	/* the app's own routes: a company's support portal (/portal/...) is a page of its own,
	 * for customers, that never loads the admin center's code; every other route is
	 * index.html */
	int portal = !strncmp(p, "/portal/", 8) || !strcmp(p, "/portal");
	int page = !strcmp(p, "/") || !strchr(strrchr(p, '/'), '.');
	if (page && page_hook && page_hook(r) == 0)
		return 0;
	if (page)
		snprintf(path, sizeof path, "%s/%s", web_dir, portal ? "portal.html" : "index.html");
	else
		snprintf(path, sizeof path, "%s%s", web_dir, p);
	struct stat st, gst;
	if (!is_file(path, &st))
		return E_NOTFOUND;
	/* a precompressed twin (name.gz) is sent to clients that take gzip; the two
	 * representations get different entity tags and Vary tells caches why */
	snprintf(gz, sizeof gz, "%s.gz", path);
	int has_gz = is_file(gz, &gst);
	int use_gz = has_gz && accepts_gzip(req_header(r, "Accept-Encoding"));
	const struct stat *chosen = use_gz ? &gst : &st;
	char etag[64];
	snprintf(etag, sizeof etag, "\"%llx-%llx%s\"", (unsigned long long)chosen->st_mtime,
		 (unsigned long long)chosen->st_size, use_gz ? "-gz" : "");
	resp_header(r, "ETag", etag);
	resp_header(r, "Cache-Control", is_asset ? "public, max-age=31536000, immutable" : "no-cache");
	if (has_gz)
		resp_header(r, "Vary", "Accept-Encoding");
	if (etag_matches(req_header(r, "If-None-Match"), etag))
		return resp_empty(r, 304);
	char *data;
	size_t len;
	if (read_file(r, use_gz ? gz : path, chosen, &data, &len))
		return E_NOTFOUND;
	if (use_gz)
		resp_header(r, "Content-Encoding", "gzip");
	return resp_raw(r, 200, mime(path), data, len);
}

int static_app_present(const char *web_dir)
{
	char path[1024];
	struct stat st;
	if (!*web_dir)
		return 1;
	snprintf(path, sizeof path, "%s/index.html", web_dir);
	return is_file(path, &st);
}
