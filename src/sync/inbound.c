/* Provider meetings into the linked room's convene calendar. A meeting the
 * room accepted holds the room (booking confirmed); one it has not answered
 * yet (needs_action) or answered tentatively holds it too, as pending: the
 * provider's room calendar shows it busy, and holding the room until it
 * answers is what keeps two meetings out of one room (convene's own rooms
 * needing approval do the same). Declined, cancelled, free, or outside the
 * window [now - SYNC_WINDOW_PAST, now + SYNC_WINDOW_AHEAD): not a booking,
 * deleted if it was one. A meeting convene wrote itself (our private
 * property, or a mapping of origin convene) is an echo: its etag only.
 *
 * When a provider meeting overlaps a convene booking of the room, the one
 * made earlier keeps the room (sync/conflict.h): a convene booking made
 * later is released here, in the meeting's transaction; a provider meeting
 * made later is not written, and the worker declines it at the provider.
 * Echoes never get that far: convene's own copy is never its rival. One
 * stored without the room because another provider meeting held it is
 * looked at again after each sync of the room, so it ends holding the room
 * or declined, never neither. */
#include "sync/inbound.h"

#include "sync/conflict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar/booking.h"
#include "calendar/event_store.h"
#include "ical/ics.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"

#define SUMMARY_MAX 500 /* bytes of a provider's subject kept */

int inbound_open(struct inbound *in, struct db *db, const struct sync_room *r, int full)
{
	memset(in, 0, sizeof *in);
	in->db = db;
	in->r = *r;
	in->full = full;
	in->now = clock_now();
	if (!*r->room_id)
		return E_NOTFOUND;
	int rc = store_room_get(db, r->account_id, r->room_id, &in->room);
	if (!rc)
		rc = store_calendar_get(db, r->account_id, in->room.calendar_id, &in->cal);
	return rc;
}

void inbound_close(struct inbound *in)
{
	arena_free(in->batch_arena); /* changes not applied: read again next time */
	in->batch_arena = NULL;
	in->nbatch = 0;
	for (size_t i = 0; i < in->ndeclines; i++)
		free(in->declines[i].provider_event_id);
	free(in->declines);
	in->declines = NULL;
	in->ndeclines = 0;
	for (size_t i = 0; i < in->nseen; i++)
		free(in->seen[i]);
	free(in->seen);
	in->seen = NULL;
	in->nseen = in->cap = 0;
}

static int remember(struct inbound *in, const char *id)
{
	if (in->nseen == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 256;
		char **v = realloc(in->seen, cap * sizeof *v);
		if (!v)
			return E_NOMEM;
		in->seen = v, in->cap = cap;
	}
	if (!(in->seen[in->nseen] = strdup(id)))
		return E_NOMEM;
	in->nseen++;
	return 0;
}

/* ---- the iCalendar text of an external booking ---- */

/* a TEXT value (RFC 5545 3.3.11): \ ; , and line breaks escaped, other
 * control characters dropped, at most max bytes (not cutting a character) */
static void text_value(struct buf *b, const char *s, size_t max)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (n >= max && (*p & 0xc0) != 0x80)
			break;
		if (*p == '\\' || *p == ';' || *p == ',')
			buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p >= 0x20 && *p != 0x7f)
			buf_append(b, p, 1);
		n++;
	}
}

/* a quoted parameter value (RFC 5545 3.2): no DQUOTE or control character */
static void param_value(struct buf *b, const char *s)
{
	buf_puts(b, "\"");
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < 200; p++, n++)
		if (*p >= 0x20 && *p != '"' && *p != 0x7f)
			buf_append(b, p, 1);
	buf_puts(b, "\"");
}

/* an address we can write after mailto: as it is */
static int email_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 254 || !strchr(s, '@'))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\' || *p == ',' ||
		    *p == ';' || *p == ':')
			return 0;
	return 1;
}

static void utc_stamp(int64_t t, int date_only, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, date_only ? "%Y%m%d" : "%Y%m%dT%H%M%SZ", &tm);
}

void inbound_uid(const struct sync_change *c, const char *provider, char *out, size_t n)
{
	char base[1100];
	if (*c->ical_uid)
		snprintf(base, sizeof base, "%s", c->ical_uid);
	else
		snprintf(base, sizeof base, "%s@%s", c->provider_event_id, provider);
	if (!*c->series_id) {
		snprintf(out, n, "%s", base);
		return;
	}
	/* Google names an instance {seriesId}_{start}: the start is enough */
	const char *inst = c->provider_event_id;
	size_t sn = strlen(c->series_id);
	if (!strncmp(inst, c->series_id, sn) && inst[sn] == '_' && inst[sn + 1])
		inst += sn + 1;
	snprintf(out, n, "%s-%s", base, inst);
}

static const char *partstat_of(const char *response)
{
	if (!strcmp(response, "tentative"))
		return "TENTATIVE";
	if (!strcmp(response, "needs_action"))
		return "NEEDS-ACTION";
	return "ACCEPTED";
}

/* the event's text: UTC times (all-day as dates), the provider's subject
 * ("Busy" when it hides it), organizer, the room as its attendee with the
 * room's answer, and X-CONVENE-EXTERNAL naming the provider */
static int build(struct inbound *in, const struct sync_change *c, const char *uid, struct buf *b)
{
	char s[32], e[32], now[32];
	utc_stamp(c->start, c->all_day, s, sizeof s);
	utc_stamp(c->end > c->start ? c->end : c->start + (c->all_day ? 86400 : 0), c->all_day, e, sizeof e);
	utc_stamp(in->now, 0, now, sizeof now);
	buf_puts(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//calendar sync//EN\r\nBEGIN:VEVENT\r\nUID:");
	text_value(b, uid, 1024);
	buf_printf(b, "\r\nDTSTAMP:%s\r\n", now);
	if (c->all_day)
		buf_printf(b, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", s, e);
	else
		buf_printf(b, "DTSTART:%s\r\nDTEND:%s\r\n", s, e);
	buf_puts(b, "SUMMARY:");
	text_value(b, *c->summary ? c->summary : "Busy", SUMMARY_MAX);
	buf_puts(b, "\r\n");
	if (email_ok(c->organizer_email)) {
		buf_puts(b, "ORGANIZER");
		if (*c->organizer_name) {
			buf_puts(b, ";CN=");
			param_value(b, c->organizer_name);
		}
		buf_printf(b, ":mailto:%s\r\n", c->organizer_email);
	}
	buf_puts(b, "ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;PARTSTAT=");
	buf_puts(b, partstat_of(c->room_response));
	buf_puts(b, ";CN=");
	param_value(b, in->room.name);
	buf_printf(b, ":mailto:%s\r\n", in->room.email);
	buf_printf(b, "STATUS:%s\r\nTRANSP:OPAQUE\r\n",
		   strcmp(c->room_response, "accepted") ? "TENTATIVE" : "CONFIRMED");
	if (c->created > 0) {
		char cr[32];
		utc_stamp(c->created, 0, cr, sizeof cr);
		buf_printf(b, "CREATED:%s\r\n", cr);
	}
	buf_printf(b, "X-CONVENE-EXTERNAL:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", in->r.provider);
	return b->data ? 0 : E_NOMEM;
}

/* the booking's span: an all-day meeting holds the room from the local
 * midnight of its first date to that of the day after its last, in the
 * room calendar's zone */
static void span_of(const struct inbound *in, const struct sync_change *c, int64_t *start, int64_t *end)
{
	*start = c->start;
	*end = c->end > c->start ? c->end : c->start;
	if (!c->all_day)
		return;
	char d[32];
	int64_t t;
	time_t tt = (time_t)c->start;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(d, sizeof d, "%Y-%m-%dT00:00:00", &tm);
	if (!ics_local_to_utc(in->cal.time_zone, d, &t))
		*start = t;
	tt = (time_t)(c->end > c->start ? c->end : c->start + 86400);
	gmtime_r(&tt, &tm);
	strftime(d, sizeof d, "%Y-%m-%dT00:00:00", &tm);
	if (!ics_local_to_utc(in->cal.time_zone, d, &t))
		*end = t;
}

/* ---- one change ---- */

/* the external booking of mapping m deleted, and the mapping */
static int forget(struct inbound *in, struct arena *a, const struct sync_event *m)
{
	struct event_row row;
	int rc = event_fetch(in->db, a, &in->cal, m->event_id, &row);
	if (!rc) {
		struct event_write w = {&in->cal, &row, NULL, NULL, NULL, NULL, EVENT_QUIET, 1};
		struct event_written wr;
		rc = event_write(in->db, a, &w, &wr);
		event_written_free(&wr);
	} else if (rc == E_NOTFOUND) {
		rc = 0; /* deleted meanwhile (the room was deleted, the calendar emptied) */
	}
	if (!rc)
		rc = store_sync_event_delete(in->db, m->account_id, m->provider, m->provider_room_id,
					     m->provider_event_id);
	return rc == E_NOTFOUND ? 0 : rc;
}

/* event_id (provider meeting provider_event_id, made at created) holds the
 * room for [start, end) under the race rule, rival by rival (a long meeting
 * may overlap several): a convene booking made later is released; one made
 * earlier keeps the room and in->declining is set (the caller rolls back and
 * the worker declines the meeting); another provider meeting holding it
 * (the provider let both in): 0, shown without the room, looked at again
 * after every sync of the room (retry_unheld) */
static int claim(struct inbound *in, struct arena *a, const char *event_id, const char *provider_event_id,
		 int64_t created, int64_t start, int64_t end, const char *status)
{
	int rc = booking_hold(in->db, &in->room, event_id, start, end, status);
	for (int tries = 0; rc == E_CONFLICT && tries < 8; tries++) {
		struct booking other;
		int r2 = store_booking_overlap(in->db, in->room.account_id, in->room.id, start - in->room.buffer_before,
					       end + in->room.buffer_after, in->room.max_booking_len, event_id, &other);
		if (r2) {
			rc = r2 == E_NOTFOUND ? E_CONFLICT : r2;
			break;
		}
		int convene = conflict_is_convene(in->db, a, &other);
		if (convene < 0)
			return convene;
		if (!convene)
			break; /* another provider meeting: the provider let both in */
		r2 = conflict_provider_first(created, &other)
			     ? conflict_release(in->db, a, &in->room, &other, in->r.provider)
			     : E_CONFLICT;
		if (r2 == E_CONFLICT) { /* the convene booking came first: this meeting is declined */
			conflict_decline_comment(&other, in->cal.time_zone, in->decline_comment,
						 sizeof in->decline_comment);
			in->declining = 1;
			log_info("calendar sync: %s meeting %.200s of room %s came after convene event %s: declined",
				 in->r.provider, provider_event_id, in->room.id, other.event_id);
			return E_CONFLICT;
		}
		if (r2)
			return r2;
		in->conflicts++;
		rc = booking_hold(in->db, &in->room, event_id, start, end, status);
	}
	if (rc == E_CONFLICT) {
		log_info(
			"calendar sync: %s meeting %.200s overlaps another provider meeting of room %s: shown, not held",
			in->r.provider, provider_event_id, in->room.id);
		rc = 0;
	}
	return rc;
}

/* the meeting written (created or replaced) and the room held */
static int hold(struct inbound *in, struct arena *a, const struct sync_change *c, const struct sync_event *m)
{
	char uid[1200];
	struct buf text = {0};
	struct ics_object *o = NULL;
	struct ics_error err;
	struct event_row row, *prev = NULL;
	struct event_written wr = {0};
	int rc;
	inbound_uid(c, in->r.provider, uid, sizeof uid);
	if ((rc = build(in, c, uid, &text)))
		goto out;
	if ((rc = ics_parse_object(text.data, text.len, in->cal.time_zone, &o, &err))) {
		log_warn("calendar sync: %s meeting %.200s of room %s not stored: %s", in->r.provider,
			 c->provider_event_id, in->room.id, err.message);
		rc = E_INVALID;
		goto out;
	}
	if (m && !event_fetch(in->db, a, &in->cal, m->event_id, &row))
		prev = &row;
	else if (!event_fetch_uid(in->db, a, &in->cal, o->master.uid, &row)) {
		if (!event_external(row.ical)) { /* a convene event has that UID: not ours to replace */
			log_warn("calendar sync: %s meeting %.200s: UID taken by event %s of room %s", in->r.provider,
				 c->provider_event_id, row.id, in->room.id);
			rc = E_CONFLICT;
			goto out;
		}
		prev = &row;
	}
	struct event_write w = {&in->cal, prev, NULL, o, NULL, NULL, EVENT_QUIET, 1};
	if ((rc = event_write(in->db, a, &w, &wr)))
		goto out;
	int64_t start, end;
	span_of(in, c, &start, &end);
	rc = claim(in, a, wr.saved.id, c->provider_event_id, c->created, start, end,
		   strcmp(c->room_response, "accepted") ? "pending" : "confirmed");
	if (rc)
		goto out;
	struct sync_event e = {0};
	snprintf(e.account_id, sizeof e.account_id, "%s", in->r.account_id);
	snprintf(e.provider, sizeof e.provider, "%s", in->r.provider);
	snprintf(e.provider_room_id, sizeof e.provider_room_id, "%s", in->r.provider_room_id);
	snprintf(e.provider_event_id, sizeof e.provider_event_id, "%s", c->provider_event_id);
	snprintf(e.event_id, sizeof e.event_id, "%s", wr.saved.id);
	snprintf(e.origin, sizeof e.origin, "provider");
	snprintf(e.provider_etag, sizeof e.provider_etag, "%s", c->etag);
	e.provider_created_at = c->created;
	snprintf(e.ical_uid, sizeof e.ical_uid, "%s", c->ical_uid);
	rc = store_sync_event_put(in->db, &e, in->now);
out:
	event_written_free(&wr);
	ics_object_free(o);
	buf_free(&text);
	return rc;
}

static int apply(struct inbound *in, struct arena *a, const struct sync_change *c)
{
	struct sync_event m;
	int rc = store_sync_event_get(in->db, in->r.account_id, in->r.provider, in->r.provider_room_id,
				      c->provider_event_id, &m);
	if (rc && rc != E_NOTFOUND)
		return rc;
	int known = !rc;
	/* an echo of convene's own booking (sync/outbound.c wrote it): the etag
	 * is all that is ours to keep; never an external booking */
	if ((known && !strcmp(m.origin, "convene")) || (!known && *c->convene_event_id)) {
		if (!known || !strcmp(m.provider_etag, c->etag))
			return 0;
		snprintf(m.provider_etag, sizeof m.provider_etag, "%s", c->etag);
		return store_sync_event_put(in->db, &m, in->now);
	}
	int within = c->end > in->now - SYNC_WINDOW_PAST && c->start < in->now + SYNC_WINDOW_AHEAD;
	if (c->removed || !strcmp(c->room_response, "declined") || !within) {
		if (!known)
			return 0;
		if ((rc = forget(in, a, &m)))
			return rc;
		in->synced++;
		return 0;
	}
	if (known && *c->etag && !strcmp(m.provider_etag, c->etag))
		return 0; /* the same version (a full listing names every meeting again) */
	if ((rc = hold(in, a, c, known ? &m : NULL)))
		return rc;
	in->synced++;
	return 0;
}

/* the meeting that lost its race (in->declining) for the worker to decline */
static int add_decline(struct inbound *in, const char *provider_event_id)
{
	in->declining = 0;
	struct inbound_decline *v = realloc(in->declines, (in->ndeclines + 1) * sizeof *v);
	if (!v)
		return E_NOMEM;
	in->declines = v;
	struct inbound_decline *d = &v[in->ndeclines];
	memset(d, 0, sizeof *d);
	snprintf(d->comment, sizeof d->comment, "%s", in->decline_comment);
	if (!(d->provider_event_id = strdup(provider_event_id)))
		return E_NOMEM;
	in->ndeclines++;
	return 0;
}

/* one change alone in its own transaction: what it cannot store is logged
 * and skipped, and a meeting that lost its race joins the declines */
static int apply_alone(struct inbound *in, const struct sync_change *c)
{
	struct arena *a = arena_new();
	if (!a)
		return E_NOMEM;
	int rc = store_begin(in->db, 1);
	if (rc)
		goto out;
	rc = apply(in, a, c);
	if (!rc)
		rc = store_commit(in->db);
	if (rc) {
		store_rollback(in->db);
		if (rc == E_INVALID || rc == E_CONFLICT)
			rc = 0; /* logged: one meeting convene cannot store must not stop the room's sync */
	}
	if (in->declining && !rc) /* rolled back: nothing of it kept; the worker declines it */
		rc = add_decline(in, c->provider_event_id);
	in->declining = 0;
out:
	arena_free(a);
	return rc;
}

/* the changes [from, *at) applied in one transaction, ended when it has held
 * the writer lock for INBOUND_TX_US: 0 and *at past them when committed; 1
 * when change *at could not be applied with the others (a text convene
 * cannot store, a lost race): all rolled back, counters as before */
static int apply_together(struct inbound *in, size_t from, size_t *at)
{
	int64_t synced = in->synced, conflicts = in->conflicts, t0 = clock_mono_us();
	struct arena *a = arena_new();
	if (!a)
		return E_NOMEM;
	int rc = store_begin(in->db, 1);
	size_t i = from;
	for (; !rc && i < in->nbatch; i++) {
		if ((rc = apply(in, a, &in->batch[i])) || in->declining)
			break;
		if (clock_mono_us() - t0 >= INBOUND_TX_US) {
			i++;
			break;
		}
	}
	*at = i;
	if (!rc && !in->declining) {
		rc = store_commit(in->db);
		if (rc)
			store_rollback(in->db);
		arena_free(a);
		return rc;
	}
	store_rollback(in->db);
	arena_free(a);
	in->synced = synced, in->conflicts = conflicts, in->declining = 0;
	return rc == E_INVALID || rc == E_CONFLICT || !rc ? 1 : rc;
}

int inbound_flush(struct inbound *in)
{
	int rc = 0;
	size_t i = 0;
	while (!rc && i < in->nbatch) {
		size_t at;
		rc = apply_together(in, i, &at);
		if (rc != 1) {
			i = at;
			continue;
		}
		/* the ones before it were fine but went with the rollback: each
		 * again alone (rare: a refused text or a race), then that one */
		rc = 0;
		for (; !rc && i <= at; i++)
			rc = apply_alone(in, &in->batch[i]);
	}
	arena_free(in->batch_arena);
	in->batch_arena = NULL;
	in->nbatch = 0;
	return rc;
}

static const char *keep(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

int inbound_apply(void *ctx, const struct sync_change *c)
{
	struct inbound *in = ctx;
	int rc;
	if (++in->count > SYNC_CHANGES_MAX)
		return E_TOOLARGE;
	if (!c->provider_event_id || !*c->provider_event_id)
		return 0;
	if (in->full && (rc = remember(in, c->provider_event_id)))
		return rc;
	/* the same version as stored (a full listing names every meeting
	 * again): nothing to write, and no writer lock taken for it */
	struct sync_event seen;
	if (c->etag && *c->etag && !c->removed &&
	    !store_sync_event_get(in->db, in->r.account_id, in->r.provider, in->r.provider_room_id,
				  c->provider_event_id, &seen) &&
	    !strcmp(seen.provider_etag, c->etag))
		return 0;
	if (!in->batch_arena && !(in->batch_arena = arena_new()))
		return E_NOMEM;
	struct sync_change *k = &in->batch[in->nbatch++];
	struct arena *a = in->batch_arena;
	*k = *c;
	k->provider_event_id = keep(a, c->provider_event_id);
	k->etag = keep(a, c->etag);
	k->ical_uid = keep(a, c->ical_uid);
	k->series_id = keep(a, c->series_id);
	k->summary = keep(a, c->summary);
	k->organizer_email = keep(a, c->organizer_email);
	k->organizer_name = keep(a, c->organizer_name);
	k->tzid = keep(a, c->tzid);
	k->room_response = keep(a, c->room_response);
	k->convene_event_id = keep(a, c->convene_event_id);
	return in->nbatch == INBOUND_BATCH ? inbound_flush(in) : 0;
}

static int by_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

struct gone {
	struct sync_event *v;
	size_t n, cap;
	struct inbound *in;
};

static int collect_gone(void *ctx, const struct sync_event *e)
{
	struct gone *g = ctx;
	const char *key = e->provider_event_id;
	if (g->in->nseen && bsearch(&key, g->in->seen, g->in->nseen, sizeof *g->in->seen, by_str))
		return 0;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct sync_event *v = realloc(g->v, cap * sizeof *v);
		if (!v)
			return E_NOMEM;
		g->v = v, g->cap = cap;
	}
	g->v[g->n++] = *e;
	return 0;
}

#define UNHELD_MAX 64 /* meetings looked at again per sync of a room */

/* A provider meeting stored without the room (another provider meeting held
 * it when it came) is looked at again after every sync of its room: that
 * other meeting may have moved, gone, or been declined since, and a convene
 * booking may have taken the freed room meanwhile. Without this the meeting
 * would hold neither the room nor a decline for ever (its version unchanged,
 * nothing lists it again): the room held now, or the race rule against the
 * convene booking there (released, or the meeting forgotten and declined),
 * or still another provider meeting's (left as it is). */
static int retry_unheld(struct inbound *in)
{
	struct sync_event *v = calloc(UNHELD_MAX, sizeof *v);
	int n = 0;
	if (!v)
		return E_NOMEM;
	int rc = store_sync_events_unheld(in->db, in->r.account_id, in->r.provider, in->r.provider_room_id, UNHELD_MAX,
					  v, &n);
	for (int i = 0; !rc && i < n; i++) {
		struct arena *a = arena_new();
		if (!a) {
			rc = E_NOMEM;
			break;
		}
		struct event_row row;
		if ((rc = store_begin(in->db, 1)))
			goto next;
		rc = event_fetch(in->db, a, &in->cal, v[i].event_id, &row);
		if (!rc && row.end_at > in->now - SYNC_WINDOW_PAST)
			rc = claim(in, a, row.id, v[i].provider_event_id, v[i].provider_created_at, row.start_at,
				   row.end_at > row.start_at ? row.end_at : row.start_at,
				   row.status && !strcmp(row.status, "TENTATIVE") ? "pending" : "confirmed");
		if (!rc)
			rc = store_commit(in->db);
		if (rc)
			store_rollback(in->db);
		if (rc == E_NOTFOUND) /* its event gone meanwhile: the next full check forgets it */
			rc = 0;
		if (in->declining) { /* a convene booking made earlier has the room: forgotten and declined */
			rc = store_begin(in->db, 1);
			if (!rc)
				rc = forget(in, a, &v[i]);
			if (!rc)
				rc = store_commit(in->db);
			if (rc) {
				store_rollback(in->db);
				in->declining = 0;
			} else {
				in->synced++;
				rc = add_decline(in, v[i].provider_event_id);
			}
		}
		if (rc == E_INVALID || rc == E_CONFLICT)
			rc = 0; /* as inbound_apply: one meeting must not stop the room's sync */
next:
		arena_free(a);
	}
	free(v);
	return rc;
}

int inbound_finish(struct inbound *in)
{
	int rc = inbound_flush(in);
	if (rc)
		return rc;
	if (!in->full)
		return retry_unheld(in);
	if (in->nseen)
		qsort(in->seen, in->nseen, sizeof *in->seen, by_str);
	struct gone g = {NULL, 0, 0, in};
	rc = store_sync_events_each(in->db, in->r.account_id, in->r.provider, in->r.provider_room_id, "provider",
				    collect_gone, &g);
	/* several to a transaction, as the changes: each ends after
	 * INBOUND_TX_US; an error is the store's and ends the sync */
	for (size_t i = 0; !rc && i < g.n;) {
		struct arena *a = arena_new();
		if (!a) {
			rc = E_NOMEM;
			break;
		}
		int64_t t0 = clock_mono_us(), forgotten = 0;
		if (!(rc = store_begin(in->db, 1))) {
			do
				rc = forget(in, a, &g.v[i++]), forgotten++;
			while (!rc && i < g.n && clock_mono_us() - t0 < INBOUND_TX_US);
			if (!rc)
				rc = store_commit(in->db);
			if (rc)
				store_rollback(in->db);
			else
				in->synced += forgotten;
		}
		arena_free(a);
	}
	free(g.v);
	return rc ? rc : retry_unheld(in);
}
