/* Paths are split on '/' after the libmicrohttpd decoding; a "%2F" arrives
 * decoded as well, so an object's name is everything after the calendar's
 * segment, and a name with a '/' is refused (dav_name_valid). Nothing is
 * decoded twice. */
#include "dav/path.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "dav/schedule.h"

static const char *segment(struct arena *a, const char **s)
{
	const char *e = strchr(*s, '/');
	size_t n = e ? (size_t)(e - *s) : strlen(*s);
	const char *out = n ? arena_strndup(a, *s, n) : NULL;
	*s += n + (e ? 1 : 0);
	return out;
}

void dav_path_parse(struct arena *a, const char *rest, struct dav_path *out)
{
	memset(out, 0, sizeof *out);
	size_t n = strlen(rest);
	out->slash = n == 0 || rest[n - 1] == '/';
	const char *s = rest;
	const char *top = segment(a, &s);
	if (!top) {
		out->kind = DAV_ROOT;
		return;
	}
	int principals = !strcmp(top, "principals"), calendars = !strcmp(top, "calendars");
	if (!strcmp(top, "scheduling")) {
		dav_schedule_parse(a, s, out);
		return;
	}
	if (!principals && !calendars)
		return;
	out->user_id = segment(a, &s);
	if (!out->user_id) {
		out->kind = principals ? DAV_PRINCIPALS : DAV_HOMES;
		return;
	}
	if (principals && !strcmp(out->user_id, DAV_ROOMS) && *s) {
		out->room_id = out->calendar_id = segment(a, &s);
		out->kind = *s || !out->room_id ? DAV_NONE : DAV_PRINCIPAL;
		return;
	}
	if (principals) {
		out->kind = *s ? DAV_NONE : DAV_PRINCIPAL;
		return;
	}
	out->calendar_id = segment(a, &s);
	if (!out->calendar_id) {
		out->kind = DAV_HOME;
		return;
	}
	if (!strcmp(out->user_id, DAV_ROOMS))
		out->room_id = out->calendar_id;
	if (!*s) {
		out->kind = DAV_CALENDAR;
		return;
	}
	out->name = arena_strdup(a, s);
	out->kind = strchr(s, '/') ? DAV_FILE : DAV_OBJECT;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

int dav_path_from_href(struct arena *a, const char *href, struct dav_path *out)
{
	memset(out, 0, sizeof *out);
	const char *p = href;
	if (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8)) {
		p = strchr(strstr(p, "//") + 2, '/');
		if (!p)
			return E_NOTFOUND;
	}
	char *dec = arena_alloc(a, strlen(p) + 1), *w = dec;
	for (; *p; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			int c = hi * 16 + lo;
			if (c < 0x20 || c == 0x7f)
				return E_NOTFOUND;
			*w++ = (char)c;
			p += 2;
		} else if (*p == '?' || *p == '#') {
			break;
		} else {
			*w++ = *p;
		}
	}
	*w = 0;
	if (strncmp(dec, "/dav/", 5))
		return E_NOTFOUND;
	dav_path_parse(a, dec + 5, out);
	return out->kind == DAV_NONE ? E_NOTFOUND : 0;
}

int dav_href_segment(struct buf *b, const char *s)
{
	int rc = 0;
	for (const unsigned char *p = (const unsigned char *)s; !rc && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~@", *p))
			rc = buf_append(b, p, 1);
		else
			rc = buf_printf(b, "%%%02X", *p);
	}
	return rc;
}

static const char *build(struct arena *a, const char *const parts[], int n, int dir, const char *suffix)
{
	struct buf b = {0};
	buf_puts(&b, "/dav");
	for (int i = 0; i < n; i++) {
		buf_puts(&b, "/");
		dav_href_segment(&b, parts[i]);
	}
	if (dir)
		buf_puts(&b, "/");
	if (suffix)
		buf_puts(&b, suffix);
	const char *out = arena_strdup(a, b.data ? b.data : "/dav/");
	buf_free(&b);
	return out;
}

const char *dav_href_principal(struct arena *a, const char *user_id)
{
	return build(a, (const char *const[]){"principals", user_id}, 2, 1, NULL);
}

const char *dav_href_home(struct arena *a, const char *user_id)
{
	return build(a, (const char *const[]){"calendars", user_id}, 2, 1, NULL);
}

const char *dav_href_calendar(struct arena *a, const char *user_id, const char *segment)
{
	return build(a, (const char *const[]){"calendars", user_id, segment}, 3, 1, NULL);
}

const char *dav_href_object(struct arena *a, const char *user_id, const char *segment, const char *name)
{
	return build(a, (const char *const[]){"calendars", user_id, segment, name}, 4, 0, NULL);
}

int dav_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (!n || n > 255 || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/')
			return 0;
	return 1;
}

const char *dav_href_file(struct arena *a, const char *calendar_href, const char *path)
{
	struct buf b = {0};
	buf_puts(&b, calendar_href);
	for (const char *s = path; *s;) {
		const char *e = strchr(s, '/');
		char *seg = arena_strndup(a, s, e ? (size_t)(e - s) : strlen(s));
		dav_href_segment(&b, seg);
		if (!e)
			break;
		buf_puts(&b, "/");
		s = e + 1;
	}
	const char *out = arena_strdup(a, b.data ? b.data : calendar_href);
	buf_free(&b);
	return out;
}
