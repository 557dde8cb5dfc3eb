/* Busy spans from calendars: every calendar a user owns counts (a calendar
 * shared with them does not: it is someone else's time). Series are expanded
 * within the window only, by the same code as the event lists. */
#include "calendar/busy.h"

#include <stdlib.h>
#include <string.h>

#include "ical/ics.h"
#include "core/errors.h"

#define CALENDARS_MAX 200
#define SPANS_MAX 200000

int busy_add(struct busy_list *b, int64_t start, int64_t end)
{
	if (end <= start)
		return 0;
	if (b->n == b->cap) {
		if (b->cap >= SPANS_MAX)
			return E_TOOLARGE;
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct busy_span *v = realloc(b->v, cap * sizeof *v);
		if (!v)
			return E_NOMEM;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = (struct busy_span){start, end};
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct busy_span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

void busy_merge(struct busy_list *b)
{
	if (b->n < 2)
		return;
	qsort(b->v, b->n, sizeof *b->v, by_start);
	size_t w = 0;
	for (size_t i = 1; i < b->n; i++) {
		if (b->v[i].start <= b->v[w].end) {
			if (b->v[i].end > b->v[w].end)
				b->v[w].end = b->v[i].end;
		} else {
			b->v[++w] = b->v[i];
		}
	}
	b->n = w + 1;
}

void busy_free(struct busy_list *b)
{
	free(b->v);
	memset(b, 0, sizeof *b);
}

int busy_is_free(const struct busy_list *b, int64_t start, int64_t end)
{
	/* the first span ending after start decides */
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (b->v[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == b->n || b->v[lo].start >= end;
}

struct expand_ctx {
	const char *tz;
	int64_t from, to;
	struct busy_list *out;
	int rc;
};

static int add_occurrence(void *p, const struct ics_occurrence *oc)
{
	struct expand_ctx *x = p;
	const struct ics_event *e = oc->ev;
	if ((e->status && !strcmp(e->status, "CANCELLED")) || (e->transp && !strcmp(e->transp, "TRANSPARENT")))
		return 0;
	int64_t s = oc->start < x->from ? x->from : oc->start, t = oc->end > x->to ? x->to : oc->end;
	if (oc->end == oc->start) /* a moment: busy for nothing */
		return 0;
	return (x->rc = busy_add(x->out, s, t)) ? 1 : 0;
}

static int add_event(void *p, const struct event_row *e)
{
	struct expand_ctx *x = p;
	int truncated = 0;
	if (!strcmp(e->status, "CANCELLED") || !strcmp(e->transp, "TRANSPARENT"))
		return 0;
	int rc = ics_expand(e->ical, x->tz, x->from, x->to, ICS_EXPAND_MAX, add_occurrence, x, &truncated);
	if (x->rc)
		return x->rc;
	return rc < 0 ? rc : 0;
}

int busy_of_calendar(struct db *db, const struct calendar *c, int64_t from, int64_t to, struct busy_list *out)
{
	struct expand_ctx x = {c->time_zone, from, to, out, 0};
	return store_event_window(db, c->account_id, c->id, from, to, add_event, &x);
}

int busy_of_user(struct db *db, const char *account_id, const char *user_id, int64_t from, int64_t to,
		 struct busy_list *out)
{
	struct calendar *cals = malloc(sizeof(struct calendar) * CALENDARS_MAX);
	int n = 0, rc;
	if (!cals)
		return E_NOMEM;
	rc = store_calendar_list_owned(db, account_id, user_id, cals, CALENDARS_MAX, &n);
	for (int i = 0; !rc && i < n; i++)
		rc = busy_of_calendar(db, &cals[i], from, to, out);
	free(cals);
	return rc;
}

int busy_of_room(struct db *db, const struct room *room, int64_t from, int64_t to, struct busy_list *out)
{
	struct booking *v = malloc(sizeof *v * 4000);
	int n = 0, rc;
	if (!v)
		return E_NOMEM;
	rc = store_booking_window(db, room->account_id, room->id, from, to, room->max_booking_len, v, 4000, &n);
	for (int i = 0; !rc && i < n; i++)
		rc = busy_add(out, v[i].start_at < from ? from : v[i].start_at, v[i].end_at > to ? to : v[i].end_at);
	free(v);
	return rc;
}
