/* Assembling documents from stored VEVENT text. The zones are gathered in
 * the same pass as the events (the body goes to a second buffer) so that the
 * store is read once. */
#include "calendar/assemble.h"

#include <stdlib.h>
#include <string.h>

#include "ical/ics.h"
#include "core/errors.h"

#define ZONES_MAX 64

struct acc {
	enum assemble_detail detail;
	struct buf body;
	struct buf own; /* the events' own VTIMEZONEs (ics_feed_append) */
	char *zones[ZONES_MAX];
	int nzones;
};

static void add_zones(struct acc *a, const char *tzids)
{
	const char *p = tzids;
	while (p && *p) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		int seen = 0;
		for (int i = 0; i < a->nzones && !seen; i++)
			seen = strlen(a->zones[i]) == n && !strncmp(a->zones[i], p, n);
		if (!seen && a->nzones < ZONES_MAX && n)
			a->zones[a->nzones++] = strndup(p, n);
		p = sp ? sp + 1 : NULL;
	}
}

static int add_event(void *ctx, const struct event_row *e)
{
	struct acc *a = ctx;
	int busy = a->detail == ASSEMBLE_BUSY ||
		   (a->detail == ASSEMBLE_PUBLIC_ONLY && e->klass && strcmp(e->klass, "PUBLIC"));
	add_zones(a, e->tzids);
	return ics_feed_append(&a->own, &a->body, busy ? e->ical_busy : e->ical);
}

int calendar_assemble(struct db *db, const struct calendar *c, int64_t from, int64_t to, enum assemble_detail detail,
		      struct buf *out)
{
	struct acc a = {.detail = detail};
	int rc = store_event_window(db, c->account_id, c->id, from, to, add_event, &a);
	if (!rc)
		rc = ics_calendar_begin(out, c->name, c->time_zone);
	for (int i = 0; !rc && i < a.nzones; i++)
		rc = ics_vtimezone(out, a.zones[i]);
	if (!rc && a.own.len)
		rc = buf_append(out, a.own.data, a.own.len);
	if (!rc && a.body.len)
		rc = buf_append(out, a.body.data, a.body.len);
	if (!rc)
		rc = ics_calendar_end(out);
	for (int i = 0; i < a.nzones; i++)
		free(a.zones[i]);
	buf_free(&a.body);
	buf_free(&a.own);
	return rc;
}
