/* The event hook of outbound sync (sync/outbound.h). It runs inside
 * event_write's transaction, after the rooms were booked: it reads which
 * linked rooms the event holds now and held before, and queues for each what
 * the provider's calendar owes (insert, patch, delete). Only rows are read
 * and written here; the provider is called by the worker after commit. */
#include "sync/outbound.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar/event_store.h"
#include "core/clock.h"
#include "core/errors.h"
#include "store/store.h"
#include "store/sync.h"

#define ROOMS_MAX 32 /* room attendees looked at per write (booking.c books at most 16) */
#define MOVED_MAX 200

static int external(const char *text)
{
	return text && strstr(text, "X-CONVENE-EXTERNAL");
}

static int cancelled(const struct ics_event *e)
{
	return e->status && !strcmp(e->status, "CANCELLED");
}

/* an EXDATE value as the text has it, in the series' zone */
static int exdate_utc(const char *v, const char *tzid, int64_t *out)
{
	char local[24];
	size_t n = strlen(v);
	if (n == 8) { /* a date: the all-day occurrence's 00:00 UTC */
		snprintf(local, sizeof local, "%.4s-%.2s-%.2sT00:00:00", v, v + 4, v + 6);
		return ics_local_to_utc("UTC", local, out);
	}
	if (n < 15)
		return E_INVALID;
	snprintf(local, sizeof local, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", v, v + 4, v + 6, v + 9, v + 11, v + 13);
	return ics_local_to_utc(n > 15 && v[15] == 'Z' ? "UTC" : tzid && *tzid ? tzid : "UTC", local, out);
}

/* 1 when override x says the room (email) gave its occurrence back: its
 * ATTENDEE there DECLINED (sync/conflict.c releases one occurrence so) */
static int room_declined(const struct ics_event *x, const char *email)
{
	for (size_t i = 0; email && i < x->nattendees; i++) {
		const struct ics_attendee *a = &x->attendees[i];
		if (a->email && !strcasecmp(a->email, email))
			return a->partstat && !strcmp(a->partstat, "DECLINED");
	}
	return 0;
}

json_t *sync_outbound_body(const struct ics_object *o)
{
	return sync_outbound_room_body(o, NULL);
}

json_t *sync_outbound_room_body(const struct ics_object *o, const char *room_email)
{
	const struct ics_event *m = &o->master;
	/* a private meeting is only busy time in a calendar the whole
	 * organisation reads */
	int hidden = m->klass && (!strcmp(m->klass, "PRIVATE") || !strcmp(m->klass, "CONFIDENTIAL"));
	json_t *b = json_pack("{ss ss ss ss sI sI sb ss}", "summary",
			      hidden       ? "Busy"
			      : m->summary ? m->summary
					   : "",
			      "description", hidden || !m->description ? "" : m->description, "organizer_email",
			      m->organizer ? m->organizer : "", "organizer_name",
			      m->organizer_name ? m->organizer_name : "", "start", (json_int_t)m->start, "end",
			      (json_int_t)m->end, "all_day", m->all_day, "tzid", m->tzid ? m->tzid : "");
	if (!b || !m->rrule)
		return b;
	json_t *ex = json_array(), *moved = json_array();
	for (size_t i = 0; i < m->nexdates && json_array_size(ex) < SYNC_OUTBOUND_EXDATES; i++) {
		int64_t t;
		if (!exdate_utc(m->exdates[i], m->tzid, &t))
			json_array_append_new(ex, json_integer(t));
	}
	for (size_t i = 0; i < o->noverrides; i++) {
		const struct ics_event *x = &o->overrides[i];
		if (cancelled(x) || room_declined(x, room_email)) {
			if (json_array_size(ex) < SYNC_OUTBOUND_EXDATES)
				json_array_append_new(ex, json_integer(x->recurrence_id));
		} else if ((x->start != x->recurrence_id || x->end - x->start != m->end - m->start) &&
			   json_array_size(moved) < MOVED_MAX) {
			json_array_append_new(moved, json_pack("[III]", (json_int_t)x->recurrence_id,
							       (json_int_t)x->start, (json_int_t)x->end));
		}
	}
	json_object_set_new(b, "rrule", json_string(m->rrule));
	json_object_set_new(b, "exdates", ex);
	json_object_set_new(b, "moved", moved);
	return b;
}

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

int sync_outbound_booking(json_t *body, const char *convene_event_id, struct sync_booking *b, int64_t **exdates)
{
	memset(b, 0, sizeof *b);
	*exdates = NULL;
	if (!json_is_object(body) || !json_is_integer(json_object_get(body, "start")) ||
	    !json_is_integer(json_object_get(body, "end")))
		return E_INVALID;
	b->convene_event_id = convene_event_id;
	b->summary = str(body, "summary");
	b->description = str(body, "description");
	b->organizer_email = str(body, "organizer_email");
	b->organizer_name = str(body, "organizer_name");
	b->start = json_integer_value(json_object_get(body, "start"));
	b->end = json_integer_value(json_object_get(body, "end"));
	b->all_day = json_is_true(json_object_get(body, "all_day"));
	b->tzid = str(body, "tzid");
	const char *rr = str(body, "rrule");
	if (!*rr)
		return 0;
	b->rrule = rr;
	json_t *ex = json_object_get(body, "exdates"), *mv = json_object_get(body, "moved");
	size_t ne = json_array_size(ex), nm = json_array_size(mv);
	int64_t *v = malloc(sizeof *v * (ne + 3 * nm + 1));
	if (!v)
		return E_NOMEM;
	for (size_t i = 0; i < ne; i++)
		v[i] = json_integer_value(json_array_get(ex, i));
	/* the moved occurrences follow the exdates, three numbers each, which
	 * struct sync_moved is */
	struct sync_moved *m = (struct sync_moved *)(v + ne);
	for (size_t i = 0; i < nm; i++) {
		json_t *x = json_array_get(mv, i);
		m[i] = (struct sync_moved){json_integer_value(json_array_get(x, 0)),
					   json_integer_value(json_array_get(x, 1)),
					   json_integer_value(json_array_get(x, 2))};
	}
	b->exdates = v;
	b->nexdates = ne;
	b->moved = m;
	b->nmoved = nm;
	*exdates = v;
	return 0;
}

/* the room attendees of an event (not declined by a person), as booking.c
 * reads them */
static void room_emails(const struct ics_object *o, const char **out, int *n)
{
	if (!o || cancelled(&o->master))
		return;
	for (size_t i = 0; i < o->master.nattendees && *n < ROOMS_MAX; i++) {
		const struct ics_attendee *a = &o->master.attendees[i];
		if (!a->cutype || strcmp(a->cutype, "ROOM") || !a->email)
			continue;
		int seen = 0;
		for (int k = 0; k < *n && !seen; k++)
			seen = !strcmp(out[k], a->email);
		if (!seen)
			out[(*n)++] = a->email;
	}
}

/* 1 when o held the room: invited and not declined */
static int held(const struct ics_object *o, const char *email)
{
	if (!o || cancelled(&o->master))
		return 0;
	for (size_t i = 0; i < o->master.nattendees; i++) {
		const struct ics_attendee *a = &o->master.attendees[i];
		if (a->cutype && !strcmp(a->cutype, "ROOM") && a->email && !strcmp(a->email, email))
			return !(a->partstat && !strcmp(a->partstat, "DECLINED"));
	}
	return 0;
}

struct mapping {
	const struct sync_room *r;
	char provider_event_id[1100];
};

static int find_mapping(void *ctx, const struct sync_event *e)
{
	struct mapping *m = ctx;
	if (!strcmp(e->origin, "convene") && !strcmp(e->provider, m->r->provider) &&
	    !strcmp(e->provider_room_id, m->r->provider_room_id))
		snprintf(m->provider_event_id, sizeof m->provider_event_id, "%s", e->provider_event_id);
	return 0;
}

static int queue(struct db *db, const struct sync_room *r, const char *event_id, const char *action, const char *body,
		 const char *provider_event_id)
{
	struct sync_job j = {0};
	snprintf(j.account_id, sizeof j.account_id, "%s", r->account_id);
	snprintf(j.provider, sizeof j.provider, "%s", r->provider);
	snprintf(j.provider_room_id, sizeof j.provider_room_id, "%s", r->provider_room_id);
	snprintf(j.event_id, sizeof j.event_id, "%s", event_id);
	snprintf(j.action, sizeof j.action, "%s", action);
	snprintf(j.provider_event_id, sizeof j.provider_event_id, "%s", provider_event_id);
	j.body = (char *)body;
	int64_t now = clock_now();
	int rc = store_sync_job_put(db, &j, now, now);
	return rc ? rc : store_changed(db, SYNC_OUTBOUND_TOPIC);
}

/* what one linked room is owed for this write */
static int room_owed(struct db *db, const struct calendar *cal, const char *id, const struct ics_object *old,
		     const struct ics_object *now, const char *email, const char *room_id, const char *body_now,
		     const char *body_old)
{
	struct sync_room *r = malloc(sizeof *r);
	struct booking b;
	int n = 0;
	if (!r)
		return E_NOMEM;
	int rc = store_sync_room_of_room(db, cal->account_id, room_id, r);
	if (rc) {
		free(r);
		return rc == E_NOTFOUND ? 0 : rc;
	}
	int before = held(old, email);
	if (now && !cancelled(&now->master) &&
	    (rc = store_booking_of_event(db, cal->account_id, id, room_id, &b, 1, &n)))
		goto out;
	struct mapping m = {r, ""};
	if ((rc = store_sync_events_of_event(db, cal->account_id, id, find_mapping, &m)))
		goto out;
	if (n > 0) {
		if (before && body_old && !strcmp(body_old, body_now))
			goto out; /* nothing the provider shows changed */
		rc = queue(db, r, id, *m.provider_event_id ? "patch" : "insert", body_now, m.provider_event_id);
	} else if (before || *m.provider_event_id) {
		rc = queue(db, r, id, "delete", NULL, m.provider_event_id);
	}
out:
	free(r);
	return rc;
}

static char *body_text(const struct ics_object *o, const char *room_email)
{
	if (!o)
		return NULL;
	json_t *j = sync_outbound_room_body(o, room_email);
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	return s;
}

static int changed(struct db *db, const struct calendar *cal, const struct event_row *prev, const char *id,
		   const struct ics_object *stored)
{
	struct ics_object *old = NULL;
	struct ics_error err;
	const char *emails[ROOMS_MAX];
	char *body_now = NULL, *body_old = NULL;
	int n = 0, rc = 0;
	if (*cal->room_id)
		return 0; /* a room's own calendar books nothing */
	/* inbound's external bookings came from the provider */
	if (external(stored ? stored->text : NULL) || (prev && external(prev->ical)))
		return 0;
	int rooms_now = stored && stored->text && strstr(stored->text, "CUTYPE=ROOM");
	int rooms_before = prev && prev->ical && strstr(prev->ical, "CUTYPE=ROOM");
	if (!rooms_now && !rooms_before)
		return 0; /* the common case: no query at all */
	if ((rc = store_sync_rooms_linked(db, cal->account_id)) <= 0)
		return rc; /* no calendar connected: nothing is parsed */
	rc = 0;
	if (rooms_before && ics_parse_stored(prev->ical, strlen(prev->ical), cal->time_zone, &old, &err))
		old = NULL; /* unreadable: every room is treated as new */
	room_emails(stored, emails, &n);
	room_emails(old, emails, &n);
	for (int i = 0; !rc && i < n; i++) {
		struct room room;
		rc = store_room_by_email(db, cal->account_id, emails[i], &room);
		if (rc == E_NOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc)
			break;
		/* each room's own: an occurrence it gave back is left out of its copy */
		if (stored && !(body_now = body_text(stored, emails[i]))) {
			rc = E_NOMEM;
			break;
		}
		body_old = body_text(old, emails[i]);
		rc = room_owed(db, cal, id, old, stored, emails[i], room.id, body_now, body_old);
		free(body_now);
		free(body_old);
		body_now = body_old = NULL;
	}
	ics_object_free(old);
	return rc;
}

struct backfill {
	struct db *db;
	const struct sync_room *r;
	const char *room_email;
	int rc;
};

static int backfill_event(void *ctx, const struct event_row *e)
{
	struct backfill *b = ctx;
	struct calendar cal;
	struct ics_object *o = NULL;
	struct ics_error err;
	if (external(e->ical) || (e->status && !strcmp(e->status, "CANCELLED")))
		return 0;
	int rc = store_calendar_get(b->db, e->account_id, e->calendar_id, &cal);
	if (rc)
		return b->rc = rc;
	if (ics_parse_stored(e->ical, strlen(e->ical), cal.time_zone, &o, &err))
		return 0; /* unreadable: it was never written anywhere either */
	char *body = body_text(o, b->room_email);
	ics_object_free(o);
	if (!body)
		return b->rc = E_NOMEM;
	rc = queue(b->db, b->r, e->id, "insert", body, "");
	free(body);
	return b->rc = rc;
}

int sync_outbound_room_linked(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			      const char *room_id)
{
	struct room room;
	struct sync_room *r = malloc(sizeof *r);
	struct booking *page = malloc(sizeof *page * 100);
	char last[ID_MAX] = "", after_id[ID_MAX] = "";
	int64_t now = clock_now(), after = 0;
	int rc, n, queued = 0;
	if (!r || !page) {
		rc = E_NOMEM;
		goto out;
	}
	if ((rc = store_room_get(db, account_id, room_id, &room)) ||
	    (rc = store_sync_room_get(db, account_id, provider, provider_room_id, r)))
		goto out;
	/* in start order, a page at a time; a series met again further on is
	 * queued again, which store_sync_job_put folds into its one job */
	do {
		rc = after ? store_booking_window_after(db, account_id, room_id, now, now + SYNC_WINDOW_AHEAD,
							room.max_booking_len, after, after_id, page, 100, &n)
			   : store_booking_window(db, account_id, room_id, now, now + SYNC_WINDOW_AHEAD,
						  room.max_booking_len, page, 100, &n);
		for (int i = 0; !rc && i < n && queued < SYNC_OUTBOUND_BACKFILL; i++) {
			if (!strcmp(page[i].event_id, last))
				continue;
			snprintf(last, sizeof last, "%s", page[i].event_id);
			struct backfill b = {db, r, room.email, 0};
			rc = store_event_get(db, account_id, page[i].event_id, backfill_event, &b);
			if (rc == E_NOTFOUND)
				rc = 0;
			if (!rc)
				rc = b.rc;
			queued++;
		}
		if (n > 0) {
			after = page[n - 1].start_at;
			snprintf(after_id, sizeof after_id, "%s", page[n - 1].id);
		}
	} while (!rc && n == 100 && queued < SYNC_OUTBOUND_BACKFILL);
out:
	free(page);
	free(r);
	return rc;
}

int sync_outbound_register(void)
{
	static const struct event_hooks h = {NULL, changed};
	return event_hooks_add(&h);
}
