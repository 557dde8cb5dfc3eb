/* A room's calendar over CalDAV is its bookings, as the door display and the
 * JSON room schedule show them: one read-only resource "<booking_id>.ics"
 * per booked occurrence, a VEVENT with the meeting's times, organizer and
 * subject, the subject "Booked" when the room hides subjects or the meeting
 * is not public (administrators see subjects), pending bookings TENTATIVE.
 * The meetings' own texts (descriptions, attendees) stay in their calendars. */
#include "dav/principals.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "calendar/access.h"
#include "ical/ics.h"
#include "core/clock.h"
#include "core/errors.h"

#define BOOKINGS_MAX 2000       /* resources listed from one room calendar */
#define WINDOW_END 4102444800LL /* 2100-01-01: later than any booking horizon */
#define PAST_DEFAULT (31 * 86400LL)

static void utc(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
}

/* an iCalendar TEXT value: \ ; , and newlines escaped */
static void text_value(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else if (*s != '\r')
			buf_append(b, s, 1);
	}
}

static void row_of(struct req *r, const struct dav_res *cal, const struct booking *bk, struct event_row *e)
{
	int hide = cal->busy_only || (strcmp(r->who.role, "admin") && strcmp(bk->klass, "PUBLIC"));
	char s[32], t[32], st[32];
	struct buf b = {0};
	utc(s, sizeof s, bk->start_at);
	utc(t, sizeof t, bk->end_at);
	utc(st, sizeof st, bk->created_at);
	buf_printf(&b, "BEGIN:VEVENT\r\nUID:%s@convene\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:", bk->id, st,
		   s, t);
	text_value(&b, hide || !*bk->summary ? "Booked" : bk->summary);
	buf_puts(&b, "\r\n");
	if (*bk->organizer)
		buf_printf(&b, "ORGANIZER:mailto:%s\r\n", bk->organizer);
	buf_printf(&b, "STATUS:%s\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\n",
		   !strcmp(bk->status, "pending") ? "TENTATIVE" : "CONFIRMED");
	const char *text = arena_strdup(r->arena, b.data ? b.data : "");
	buf_free(&b);
	uint64_t h = 1469598103934665603ull; /* FNV-1a: the ETag follows the text */
	for (const char *p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	memset(e, 0, sizeof *e);
	e->account_id = cal->cal.account_id;
	e->calendar_id = cal->cal.id;
	e->id = arena_strdup(r->arena, bk->event_id);
	e->uid = arena_printf(r->arena, "%s@convene", bk->id);
	e->ical = e->ical_busy = text;
	e->tzids = "";
	e->start_at = bk->start_at;
	e->end_at = bk->end_at;
	e->range_end = bk->end_at;
	e->status = !strcmp(bk->status, "pending") ? "TENTATIVE" : "CONFIRMED";
	e->transp = "OPAQUE";
	e->klass = cal->busy_only ? "PRIVATE" : "PUBLIC";
	e->etag = arena_printf(r->arena, "\"r%016llx\"", (unsigned long long)h);
	e->created_at = e->updated_at = bk->created_at;
	e->href = arena_printf(r->arena, "%s.ics", bk->id);
}

int dav_room_events(struct req *r, struct db *db, const struct dav_res *cal, int64_t from, int64_t to,
		    int (*cb)(void *ctx, const struct event_row *e), void *ctx)
{
	struct room o;
	int rc = store_room_get(db, cal->cal.account_id, cal->cal.room_id, &o), n = 0;
	if (rc)
		return rc == E_NOTFOUND ? 0 : rc;
	if (from == INT64_MIN) /* no start asked: the recent past and the future, not years of history */
		from = clock_now() - PAST_DEFAULT;
	if (from < 0)
		from = 0;
	if (to > WINDOW_END)
		to = WINDOW_END;
	if (from >= to)
		return 0;
	struct booking *v = arena_alloc(r->arena, sizeof *v * BOOKINGS_MAX);
	if ((rc = store_booking_window(db, o.account_id, o.id, from, to, o.max_booking_len, v, BOOKINGS_MAX, &n)))
		return rc;
	for (int i = 0; !rc && i < n; i++) {
		struct event_row e;
		row_of(r, cal, &v[i], &e);
		rc = cb(ctx, &e);
	}
	return rc;
}

int dav_room_event(struct req *r, struct db *db, const struct dav_res *cal, const char *name, struct event_row *out)
{
	size_t n = strlen(name);
	if (n < 5 || n >= ID_MAX + 4 || strcmp(name + n - 4, ".ics"))
		return E_NOTFOUND;
	char id[ID_MAX];
	snprintf(id, sizeof id, "%.*s", (int)(n - 4), name);
	struct booking bk;
	struct room o;
	int rc = ids_valid(id, "bkg") ? store_booking_get(db, cal->cal.account_id, id, &bk) : E_NOTFOUND;
	if (!rc && strcmp(bk.room_id, cal->cal.room_id))
		rc = E_NOTFOUND;
	if (!rc)
		rc = store_room_get(db, cal->cal.account_id, cal->cal.room_id, &o);
	if (rc)
		return rc;
	/* the listing's row, with the meeting's subject, organizer and class */
	struct booking v[64];
	int k = 0;
	if ((rc = store_booking_window(db, o.account_id, o.id, bk.start_at,
				       bk.end_at > bk.start_at ? bk.end_at : bk.start_at + 1, o.max_booking_len, v, 64,
				       &k)))
		return rc;
	for (int i = 0; i < k; i++)
		if (!strcmp(v[i].id, id)) {
			row_of(r, cal, &v[i], out);
			return 0;
		}
	return E_NOTFOUND;
}
