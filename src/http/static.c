/* Static files. Paths with ".." or NUL are refused before touching the disk. */
#include "http/static.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/errors.h"
#include "http/response.h"

static const char *mime(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "application/octet-stream";
	static const char *map[][2] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"}, {".json", "application/json"},
		{".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"},
		{".woff2", "font/woff2"}, {".txt", "text/plain; charset=utf-8"}, {".map", "application/json"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(dot, map[i][0]))
			return map[i][1];
	return "application/octet-stream";
}

static int read_file(struct req *r, const char *path, char **data, size_t *len, struct stat *st)
{
	if (stat(path, st) || !S_ISREG(st->st_mode))
		return E_NOTFOUND;
	FILE *f = fopen(path, "rb");
	if (!f)
		return E_NOTFOUND;
	*data = arena_alloc(r->arena, (size_t)st->st_size + 1);
	*len = fread(*data, 1, (size_t)st->st_size, f);
	fclose(f);
	return 0;
}

int static_serve(struct req *r, const char *web_dir)
{
	const char *p = r->path;
	if (strstr(p, "..") || strchr(p, '\\'))
		return E_NOTFOUND;
	int is_asset = !strncmp(p, "/assets/", 8);
	char path[1024];
	if (!strcmp(p, "/") || !strchr(strrchr(p, '/'), '.'))
		snprintf(path, sizeof path, "%s/index.html", web_dir); /* the app's own routes */
	else
		snprintf(path, sizeof path, "%s%s", web_dir, p);
	char *data;
	size_t len;
	struct stat st;
	if (read_file(r, path, &data, &len, &st))
		return E_NOTFOUND;
	char etag[64];
	snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_mtime,
		 (unsigned long long)st.st_size);
	resp_header(r, "ETag", etag);
	resp_header(r, "Cache-Control", is_asset ? "public, max-age=31536000, immutable" : "no-cache");
	const char *inm = req_header(r, "If-None-Match");
	if (inm && !strcmp(inm, etag))
		return resp_empty(r, 304);
	const char *ae = req_header(r, "Accept-Encoding");
	if (ae && strstr(ae, "gzip")) {
		char gz[1040];
		char *gdata;
		size_t glen;
		struct stat gst;
		snprintf(gz, sizeof gz, "%s.gz", path);
		if (!read_file(r, gz, &gdata, &glen, &gst)) {
			resp_header(r, "Content-Encoding", "gzip");
			resp_header(r, "Vary", "Accept-Encoding");
			return resp_raw(r, 200, mime(path), gdata, glen);
		}
	}
	return resp_raw(r, 200, mime(path), data, len);
}
