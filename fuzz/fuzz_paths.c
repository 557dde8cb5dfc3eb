/* libFuzzer target: request paths as the router and the CalDAV namespace read
 * them — router_match over the whole route table (every method), the
 * /dav/ path and href parsers, resource-name checks and href encoding. The
 * input is "METHOD path" (split at the first space). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "dav/path.h"
#include "http/request.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	char *path = strchr(s, ' ');
	const char *method = "GET";
	if (path)
		*path++ = 0, method = s;
	else
		path = s;
	struct arena *a = arena_new();
	struct req r;
	memset(&r, 0, sizeof r);
	r.arena = a;
	r.method = method;
	r.path = path;
	char allow[256];
	router_match(method, path, &r, allow, sizeof allow);
	struct dav_path p;
	dav_path_parse(a, path, &p);
	dav_path_from_href(a, path, &p);
	dav_name_valid(path);
	struct buf b = {0};
	dav_href_segment(&b, path);
	buf_free(&b);
	if (p.kind != DAV_NONE && p.user_id && p.calendar_id)
		dav_href_file(a, dav_href_calendar(a, p.user_id, p.calendar_id), p.name ? p.name : "x/");
	arena_free(a);
	free(s);
	return 0;
}
