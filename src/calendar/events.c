/* Event routes. Writes go through event_write (calendar/event_store.h), as
 * CalDAV's do: rooms are booked and the people a meeting invites are
 * scheduled (inbox or iMIP) when the caller organizes it; reads parse the
 * stored text (one event) or expand it (a window). A window is at most 366
 * days and 5,000 occurrences (the answer says when it was cut). If-Match on
 * changes compares the event's ETag. */
#include "calendar/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar/access.h"
#include "calendar/booking.h"
#include "calendar/event_json.h"
#include "calendar/event_store.h"
#include "ical/ics.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"

#define WINDOW_MAX (366 * 86400LL)
#define OCCURRENCES_MAX 5000

static const char *const event_fields[] = {"uid",          "summary", "description", "location", "start",  "end",
					   "tzid",         "all_day", "rrule",       "exdates",  "rdates", "status",
					   "transparency", "class",   "attendees",   "room_ids", NULL};

static int parse_window(struct req *r, const struct calendar *c, int64_t *from, int64_t *to)
{
	const char *f = req_query(r, "start"), *t = req_query(r, "end"), *why = NULL;
	const char *fname = "start", *tname = "end";
	int64_t now = clock_now();
	*from = now - now % 86400;
	*to = *from + 31 * 86400;
	if (f && event_parse_time(f, c->time_zone, strlen(f) == 10, from, &why))
		return resp_problem_ext(r, 400, "invalid-query", why, json_pack("{s:s}", "field", fname)), E_INVALID;
	if (t && event_parse_time(t, c->time_zone, strlen(t) == 10, to, &why))
		return resp_problem_ext(r, 400, "invalid-query", why, json_pack("{s:s}", "field", tname)), E_INVALID;
	if (f && !t)
		*to = *from + 31 * 86400;
	if (*to <= *from || *to - *from > WINDOW_MAX)
		return resp_problem_ext(r, 400, "invalid-query",
					"the window [start, end) must be non-empty and at most 366 days",
					json_pack("{s:s}", "field", tname)),
		       E_INVALID;
	return 0;
}

struct window_ctx {
	const char *tz;
	int64_t from, to;
	int role;
	json_t *items;
	int count, truncated;
	const struct event_row *row;
};

static int add_occurrence(void *ctx, const struct ics_occurrence *oc)
{
	struct window_ctx *w = ctx;
	json_t *j = occurrence_json(oc, w->row, w->role);
	if (!j)
		return 0;
	if (w->count >= OCCURRENCES_MAX) {
		json_decref(j);
		w->truncated = 1;
		return 1;
	}
	json_object_set_new(j, "_t", json_integer(oc->start)); /* sort key, removed before answering */
	json_array_append_new(w->items, j);
	w->count++;
	return 0;
}

static int expand_row(void *ctx, const struct event_row *e)
{
	struct window_ctx *w = ctx;
	int truncated = 0;
	w->row = e;
	int rc = ics_expand(e->ical, w->tz, w->from, w->to, OCCURRENCES_MAX, add_occurrence, w, &truncated);
	if (truncated)
		w->truncated = 1;
	if (rc == 1)
		return 1; /* the answer is full */
	return rc < 0 ? rc : 0;
}

static int by_start(const void *a, const void *b)
{
	int64_t ta = json_integer_value(json_object_get(*(json_t *const *)a, "_t"));
	int64_t tb = json_integer_value(json_object_get(*(json_t *const *)b, "_t"));
	return ta < tb ? -1 : ta > tb;
}

static int list(struct req *r)
{
	int rc, role;
	struct calendar c;
	int64_t from, to;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_FREEBUSY, &c, &role)) ||
	    (rc = parse_window(r, &c, &from, &to)))
		return rc;
	struct window_ctx w = {.tz = c.time_zone, .from = from, .to = to, .role = role, .items = json_array()};
	rc = store_event_window(db, c.account_id, c.id, from, to, expand_row, &w);
	if (rc < 0) {
		json_decref(w.items);
		return rc;
	}
	/* rows come in master start order; occurrences of series interleave */
	size_t n = json_array_size(w.items);
	json_t **v = malloc(sizeof(json_t *) * (n ? n : 1));
	if (!v) {
		json_decref(w.items);
		return E_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(w.items, i);
	qsort(v, n, sizeof *v, by_start);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_object_del(v[i], "_t");
		json_array_append(items, v[i]);
	}
	free(v);
	json_decref(w.items);
	char f[32], t[32];
	clock_iso(from, f, sizeof f);
	clock_iso(to, t, sizeof t);
	return resp_json(r, 200,
			 json_pack("{s:o, s:s, s:s, s:b, s:s}", "items", items, "start", f, "end", t, "truncated",
				   w.truncated, "role", cal_role_name(role)));
}

static int if_match(struct req *r, const struct event_row *row)
{
	const char *m = req_header(r, "If-Match");
	if (!m || !strcmp(m, "*") || !strcmp(m, row->etag))
		return 0;
	resp_problem(r, 412, "precondition-failed",
		     "the event changed since you read it (If-Match does not match its ETag)");
	return E_CONFLICT;
}

static int load_event(struct req *r, struct db *db, const struct calendar *c, struct event_row *row,
		      struct ics_object **obj)
{
	const char *id = req_param(r, "event_id");
	int rc = event_fetch(db, r->arena, c, id, row);
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "no event '%.40s' in this calendar", id), rc;
	if (rc || !obj)
		return rc;
	struct ics_error err;
	if ((rc = ics_parse_stored(row->ical, strlen(row->ical), c->time_zone, obj, &err)))
		return E_DB; /* stored text that no longer parses is our fault, not the caller's */
	return 0;
}

static int answer_event(struct req *r, int status, const struct ics_object *o, const struct event_row *row, int role)
{
	resp_header(r, "ETag", row->etag);
	return resp_json(r, status, event_json(o, row, role));
}

/* room_ids: rooms of the account, invited as ATTENDEE;CUTYPE=ROOM in place
 * of the rooms invited before; without a location in the request, the
 * location names them */
static int apply_rooms(struct req *r, struct db *db, json_t *in, struct ics_event *ev, unsigned *mask)
{
	const char **ids;
	size_t n, keep = 0;
	int rc;
	if (!jin_has(in, "room_ids"))
		return 0;
	if ((rc = jin_string_array(r, in, "room_ids", JIN_REQUIRED, 16, 40, &ids, &n)))
		return rc;
	struct ics_attendee *a = arena_alloc(r->arena, sizeof *a * (ev->nattendees + n + 1));
	for (size_t i = 0; i < ev->nattendees; i++)
		if (!ev->attendees[i].cutype || strcmp(ev->attendees[i].cutype, "ROOM"))
			a[keep++] = ev->attendees[i];
	struct buf names = {0};
	for (size_t i = 0; i < n; i++) {
		struct room room;
		rc = ids_valid(ids[i], "room") ? store_room_get(db, r->who.account_id, ids[i], &room) : E_NOTFOUND;
		if (rc == E_NOTFOUND) {
			buf_free(&names);
			return resp_field_error(r, "room_ids", "no room '%.40s' in this account", ids[i]), E_INVALID;
		}
		if (rc) {
			buf_free(&names);
			return rc;
		}
		a[keep++] = (struct ics_attendee){.email = arena_strdup(r->arena, room.email),
						  .name = arena_strdup(r->arena, room.name),
						  .role = "REQ-PARTICIPANT",
						  .partstat = "NEEDS-ACTION",
						  .cutype = "ROOM"};
		buf_printf(&names, "%s%s", i ? ", " : "", room.name);
	}
	ev->attendees = a;
	ev->nattendees = keep;
	*mask |= ICS_F_ATTENDEES;
	if (n && !jin_has(in, "location")) {
		ev->location = arena_strdup(r->arena, names.data);
		*mask |= ICS_F_LOCATION;
	}
	buf_free(&names);
	if (n && !ev->organizer) {
		ev->organizer = r->who.email;
		ev->organizer_name = r->who.display_name;
		*mask |= ICS_F_ORGANIZER;
	}
	return 0;
}

/* 409 with each refused occurrence, its rule and other rooms that fit */
static int refused(struct req *r, const struct booking_result *res, const struct calendar *c)
{
	json_t *conflicts = booking_conflicts_json(res, c->time_zone, resp_lang(r));
	json_t *first = json_array_get(conflicts, 0);
	json_t *alt = first ? json_incref(json_object_get(first, "alternatives")) : json_array();
	char detail[sizeof res->refusals[0].detail] = "a room refuses the booking";
	if (res->nrefusals)
		booking_refusal_text(&res->refusals[0], resp_lang(r), detail, sizeof detail);
	return resp_problem_ext(r, 409, "booking-conflict", detail,
				json_pack("{s:o, s:o}", "conflicts", conflicts, "alternatives", alt));
}

/* the event as answered after a write: with what each room did */
static int answer_booked(struct req *r, int status, const struct ics_object *o, const struct event_row *row, int role,
			 const struct booking_result *res, const struct calendar *c)
{
	resp_header(r, "ETag", row->etag);
	json_t *j = event_json(o, row, role);
	json_object_set_new(j, "bookings", booking_outcome_json(res));
	json_object_set_new(j, "declined", booking_conflicts_json(res, c->time_zone, resp_lang(r)));
	return resp_json(r, status, j);
}

static int create(struct req *r)
{
	int rc, role;
	struct calendar c;
	json_t *in;
	struct ics_event ev = {0};
	unsigned mask;
	struct ics_object *o = NULL;
	struct ics_error err;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_EDITOR, &c, &role)) ||
	    (rc = jin_object(r, &in, event_fields)) || (rc = event_read(r, in, &c, 1, &ev, &mask)) ||
	    (rc = apply_rooms(r, db, in, &ev, &mask)))
		return rc;
	char uid[80];
	if (!ev.uid) {
		char rnd[ID_MAX];
		ids_new("evt", rnd);
		snprintf(uid, sizeof uid, "%s@convene", rnd + 4);
		ev.uid = uid;
	}
	if (ev.nattendees) {
		ev.organizer = r->who.email;
		ev.organizer_name = r->who.display_name;
	}
	if ((rc = ics_build(&ev, &o, &err)))
		return event_ics_error(r, &err);
	struct booking_actor actor = {r->who.user_id, r->who.role};
	struct sched_actor who = event_caller(r);
	struct event_write w = {&c, NULL, NULL, o, &actor, &who, EVENT_DELIVER, 0};
	struct event_written wr = {0};
	if ((rc = store_begin(db, 1)))
		goto out;
	rc = event_write(db, r->arena, &w, &wr);
	if (rc == E_CONFLICT && wr.booked.refused) {
		rc = refused(r, &wr.booked, &c);
		goto fail;
	}
	if (rc == E_CONFLICT) {
		resp_problemf(r, 409, "uid-conflict", "an event with UID '%.200s' is already in this calendar", ev.uid);
		goto fail;
	}
	if (rc || (rc = event_written_audit(r, db, &wr)) || (rc = store_commit(db)))
		goto fail;
	const struct ics_object *stored = wr.stored;
	struct event_row row = {.id = wr.saved.id,
				.calendar_id = c.id,
				.etag = wr.saved.etag,
				.created_at = clock_now(),
				.updated_at = clock_now(),
				.tzid = stored->master.tzid,
				.all_day = stored->master.all_day};
	resp_header(r, "Location", arena_printf(r->arena, "/api/v1/calendars/%s/events/%s", c.id, wr.saved.id));
	rc = answer_booked(r, 201, stored, &row, role, &wr.booked, &c);
	goto out;
fail:
	store_rollback(db);
out:
	event_written_free(&wr);
	ics_object_free(o);
	return rc;
}

static int show(struct req *r)
{
	int rc, role;
	struct calendar c;
	struct event_row row;
	struct ics_object *o = NULL;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_VIEWER, &c, &role)) ||
	    (rc = load_event(r, db, &c, &row, &o)))
		return rc;
	const char *inm = req_header(r, "If-None-Match");
	if (inm && !strcmp(inm, row.etag)) {
		ics_object_free(o);
		resp_header(r, "ETag", row.etag);
		return resp_empty(r, 304);
	}
	rc = answer_event(r, 200, o, &row, role);
	ics_object_free(o);
	return rc;
}

/* text/calendar of one event, with the VTIMEZONEs it uses */
static int show_ics(struct req *r)
{
	int rc, role;
	struct calendar c;
	struct event_row row;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_VIEWER, &c, &role)) ||
	    (rc = load_event(r, db, &c, &row, NULL)))
		return rc;
	int busy = role < CAL_ROLE_EDITOR && strcmp(row.klass, "PUBLIC");
	struct buf b = {0};
	rc = ics_calendar_begin(&b, c.name, c.time_zone);
	char *tz = arena_strdup(r->arena, row.tzids), *save = NULL;
	for (char *t = strtok_r(tz, " ", &save); !rc && t; t = strtok_r(NULL, " ", &save))
		rc = ics_vtimezone(&b, t);
	if (!rc)
		rc = buf_puts(&b, busy ? row.ical_busy : row.ical);
	if (!rc)
		rc = ics_calendar_end(&b);
	if (rc) {
		buf_free(&b);
		return rc;
	}
	resp_header(r, "ETag", row.etag);
	rc = resp_raw(r, 200, "text/calendar; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}

static int change(struct req *r)
{
	int rc, role;
	struct calendar c;
	struct event_row row;
	struct ics_object *cur = NULL, *o = NULL;
	struct ics_error err;
	json_t *in;
	unsigned mask;
	struct booking_actor actor = {r->who.user_id, r->who.role};
	struct sched_actor who = event_caller(r);
	struct event_written wr = {0};
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_EDITOR, &c, &role)) ||
	    (rc = load_event(r, db, &c, &row, &cur)) || (rc = if_match(r, &row)))
		goto fail;
	if (event_external(row.ical)) {
		rc = event_external_problem(r, event_external(row.ical));
		goto fail;
	}
	static const char *const allowed[] = {"summary", "description", "location", "start",  "end",    "tzid",
					      "all_day", "rrule",       "exdates",  "rdates", "status", "transparency",
					      "class",   "attendees",   "room_ids", NULL};
	struct ics_event ev = cur->master;
	if ((rc = jin_object(r, &in, allowed)) || (rc = event_read(r, in, &c, 0, &ev, &mask)) ||
	    (rc = apply_rooms(r, db, in, &ev, &mask)))
		goto fail;
	if ((mask & ICS_F_ATTENDEES) && ev.nattendees && !ev.organizer) {
		ev.organizer = r->who.email;
		ev.organizer_name = r->who.display_name;
		mask |= ICS_F_ORGANIZER;
	}
	if ((rc = ics_update(row.ical, c.time_zone, &ev, mask, &o, &err))) {
		rc = event_ics_error(r, &err);
		goto fail;
	}
	struct event_write w = {&c, &row, NULL, o, &actor, &who, EVENT_DELIVER, 0};
	rc = event_write(db, r->arena, &w, &wr);
	if (rc == E_CONFLICT && wr.booked.refused) {
		rc = refused(r, &wr.booked, &c);
		goto fail;
	}
	if (rc == E_FORBIDDEN && wr.external) {
		rc = event_external_problem(r, wr.external);
		goto fail;
	}
	if (rc || (rc = event_written_audit(r, db, &wr)) || (rc = store_commit(db)))
		goto fail;
	row.etag = wr.saved.etag;
	row.updated_at = clock_now();
	rc = answer_booked(r, 200, wr.stored, &row, role, &wr.booked, &c);
	goto out;
fail:
	store_rollback(db);
out:
	event_written_free(&wr);
	ics_object_free(cur);
	ics_object_free(o);
	return rc;
}

static int delete (struct req *r)
{
	int rc, role;
	struct calendar c;
	struct event_row row;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_EDITOR, &c, &role)) ||
	    (rc = load_event(r, db, &c, &row, NULL)) || (rc = if_match(r, &row)))
		goto fail;
	struct booking_actor actor = {r->who.user_id, r->who.role};
	struct sched_actor who = event_caller(r);
	struct event_write w = {&c, &row, NULL, NULL, &actor, &who, EVENT_DELIVER, 0};
	struct event_written wr;
	if (!(rc = event_write(db, r->arena, &w, &wr)))
		rc = event_written_audit(r, db, &wr);
	else if (rc == E_FORBIDDEN && wr.external)
		rc = event_external_problem(r, wr.external);
	event_written_free(&wr);
	if (rc || (rc = store_commit(db)))
		goto fail;
	return resp_empty(r, 204);
fail:
	store_rollback(db);
	return rc;
}

/* the occurrence named in the path, in the event's own zone */
static int occurrence_param(struct req *r, const struct event_row *row, int64_t *rid)
{
	const char *s = req_param(r, "recurrence_id"), *why = NULL;
	if (event_parse_time(s, row->tzid ? row->tzid : "UTC", row->all_day, rid, &why))
		return resp_problemf(r, 404, "not-found", "'%.40s' names no occurrence: %s", s, why), E_NOTFOUND;
	return 0;
}

static int occurrence_write(struct req *r, int cancel)
{
	int rc, role;
	struct calendar c;
	struct event_row row;
	struct ics_object *cur = NULL, *o = NULL;
	struct ics_error err;
	struct booking_actor actor = {r->who.user_id, r->who.role};
	struct sched_actor who = event_caller(r);
	struct event_written wr = {0};
	int64_t rid;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_EDITOR, &c, &role)) ||
	    (rc = load_event(r, db, &c, &row, &cur)) || (rc = if_match(r, &row)) ||
	    (rc = occurrence_param(r, &row, &rid)))
		goto fail;
	if (event_external(row.ical)) {
		rc = event_external_problem(r, event_external(row.ical));
		goto fail;
	}
	if (cancel) {
		rc = ics_occurrence_cancel(row.ical, c.time_zone, rid, &o, &err);
	} else {
		static const char *const allowed[] = {"summary", "description", "location",     "start",
						      "end",     "status",      "transparency", NULL};
		json_t *in;
		unsigned mask;
		struct ics_event ev = cur->master;
		ev.recurrence_id = rid;
		/* an override starts as the occurrence it replaces */
		ev.start = rid;
		ev.end = rid + (cur->master.end - cur->master.start);
		ev.rrule = NULL;
		ev.nrdates = ev.nexdates = 0;
		for (size_t i = 0; i < cur->noverrides; i++)
			if (cur->overrides[i].recurrence_id == rid)
				ev = cur->overrides[i];
		if ((rc = jin_object(r, &in, allowed)) || (rc = event_read(r, in, &c, 0, &ev, &mask)))
			goto fail;
		rc = ics_override_set(row.ical, c.time_zone, &ev, &o, &err);
	}
	if (rc) {
		rc = event_ics_error(r, &err);
		goto fail;
	}
	struct event_write w = {&c, &row, NULL, o, &actor, &who, EVENT_DELIVER, 0};
	rc = event_write(db, r->arena, &w, &wr);
	if (rc == E_CONFLICT && wr.booked.refused) {
		rc = refused(r, &wr.booked, &c);
		goto fail;
	}
	if (rc)
		goto fail;
	/* recorded even when the text came out the same, as before; the
	 * occurrence is named beside the event */
	if (!wr.after)
		wr.after = event_audit_view(&wr.stored->master, row.id);
	wr.label = wr.stored->master.summary;
	json_object_set_new(wr.after, "recurrence_id", json_string(req_param(r, "recurrence_id")));
	if (!wr.before)
		wr.before = event_audit_view(&cur->master, row.id);
	wr.change = cancel ? EVENT_OCCURRENCE_CANCELLED : EVENT_OCCURRENCE_UPDATED;
	if ((rc = event_written_audit(r, db, &wr)) || (rc = store_commit(db)))
		goto fail;
	row.etag = wr.saved.etag;
	rc = answer_booked(r, 200, wr.stored, &row, role, &wr.booked, &c);
	goto out;
fail:
	store_rollback(db);
out:
	event_written_free(&wr);
	ics_object_free(cur);
	ics_object_free(o);
	return rc;
}

static int occurrence_change(struct req *r)
{
	return occurrence_write(r, 0);
}

static int occurrence_cancel(struct req *r)
{
	return occurrence_write(r, 1);
}

const struct route events_routes[] = {
	{"GET", "/api/v1/calendars/{id}/events", list, 0},
	{"POST", "/api/v1/calendars/{id}/events", create, 0},
	{"GET", "/api/v1/calendars/{id}/events/{event_id}", show, 0},
	{"PATCH", "/api/v1/calendars/{id}/events/{event_id}", change, 0},
	{"DELETE", "/api/v1/calendars/{id}/events/{event_id}", delete, 0},
	{"GET", "/api/v1/calendars/{id}/events/{event_id}/ics", show_ics, 0},
	{"PUT", "/api/v1/calendars/{id}/events/{event_id}/occurrences/{recurrence_id}", occurrence_change, 0},
	{"DELETE", "/api/v1/calendars/{id}/events/{event_id}/occurrences/{recurrence_id}", occurrence_cancel, 0},
	{0},
};
