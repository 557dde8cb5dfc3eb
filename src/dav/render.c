/* The body does not name the calendar (no X-WR-CALNAME): renaming a calendar
 * must not change its events' bodies under unchanged ETags. */
#include "dav/render.h"

#include <string.h>

#include "calendar/access.h"
#include "ical/ics.h"
#include "core/errors.h"

enum dav_detail dav_render_detail(int role, const struct event_row *e)
{
	if (role >= CAL_ROLE_EDITOR)
		return DAV_DETAIL_FULL;
	if (role == CAL_ROLE_VIEWER)
		return e->klass && strcmp(e->klass, "PUBLIC") ? DAV_DETAIL_BUSY : DAV_DETAIL_FULL;
	return DAV_DETAIL_NO_SUMMARY;
}

const char *dav_render_etag(struct arena *a, int role, const struct event_row *e)
{
	enum dav_detail d = dav_render_detail(role, e);
	size_t n = strlen(e->etag);
	if (d == DAV_DETAIL_FULL || n < 2)
		return e->etag;
	return arena_printf(a, "%.*s-%c\"", (int)(n - 1), e->etag, d == DAV_DETAIL_BUSY ? 'b' : 'f');
}

int dav_render_without_summary(struct buf *b, const char *s)
{
	int skip = 0, rc = 0;
	while (!rc && *s) {
		const char *e = strstr(s, "\r\n");
		size_t n = e ? (size_t)(e - s) + 2 : strlen(s);
		if (*s != ' ' && *s != '\t')
			skip = !strncmp(s, "SUMMARY", 7) && (s[7] == ':' || s[7] == ';');
		if (!skip)
			rc = buf_append(b, s, n);
		s += n;
	}
	return rc;
}

int dav_render_object(struct buf *b, int role, const struct event_row *e)
{
	enum dav_detail d = dav_render_detail(role, e);
	int rc = ics_calendar_begin(b, NULL, NULL);
	const char *t = e->tzids ? e->tzids : "";
	while (!rc && *t) {
		size_t n = strcspn(t, " ");
		char tz[128];
		if (n && n < sizeof tz) {
			memcpy(tz, t, n);
			tz[n] = 0;
			rc = ics_vtimezone(b, tz);
		}
		t += n;
		while (*t == ' ')
			t++;
	}
	if (!rc)
		rc = d == DAV_DETAIL_FULL   ? buf_puts(b, e->ical)
		     : d == DAV_DETAIL_BUSY ? buf_puts(b, e->ical_busy)
					    : dav_render_without_summary(b, e->ical_busy);
	return rc ? rc : ics_calendar_end(b);
}
