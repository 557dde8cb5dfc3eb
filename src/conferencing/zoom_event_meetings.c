/* The Zoom meeting of a schedule event (conferencing/zoom_event_meetings.h).
 * Zoom is asked outside any transaction: a meeting is created (or read, to
 * attach an existing one) first, then the link, the event's CONFERENCE
 * property and its description line are written in one transaction through
 * event_write; when that write fails, a meeting created for it is deleted
 * again so that nothing is left behind at Zoom. */
#include "conferencing/zoom_event_meetings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/audit.h"
#include "api/tx.h"
#include "calendar/event_json.h"
#include "calendar/event_store.h"
#include "conferencing/access.h"
#include "conferencing/zoom_event_sync.h"
#include "conferencing/zoom_meeting_sync.h"
#include "conferencing/zoom_meeting_write.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/jsonin.h"
#include "http/response.h"

struct ctx {
	struct conference conf;
	struct calendar cal;
	struct event_row row;
	struct zoom_connection conn;
	struct event_meeting link;
};

/* the conference (404 unless the caller manages it) and the event, which
 * must be one of its schedule's */
static int load(struct req *r, struct db *db, struct ctx *x)
{
	int rc = conference_load(r, db, req_param(r, "id"), &x->conf);
	if (rc)
		return rc;
	const char *eid = req_param(r, "event_id");
	if ((rc = store_calendar_get(db, x->conf.account_id, x->conf.calendar_id, &x->cal)) ||
	    (rc = ids_valid(eid, "evt") ? event_fetch(db, r->arena, &x->cal, eid, &x->row) : E_NOTFOUND)) {
		if (rc == E_NOTFOUND)
			resp_problemf(r, 404, "not-found", "no event '%.40s' in this conference's schedule",
				      eid ? eid : "");
		return rc;
	}
	return 0;
}

/* the link, with what its meeting still owes Zoom (sync: null when Zoom
 * matches the event) */
static int link_view(struct db *db, const struct event_meeting *m, json_t **out)
{
	char id[32];
	json_t *sync = NULL;
	int rc = zoom_sync_of(db, m->account_id, m->zoom_user_id, m->meeting_id, &sync);
	if (rc)
		return rc;
	snprintf(id, sizeof id, "%lld", (long long)m->meeting_id);
	*out = json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:b, s:I, s:o}", "event_id", m->event_id, "connection_id",
			 m->connection_id[0] ? m->connection_id : NULL, "meeting_id", id, "join_url", m->join_url,
			 "passcode", m->passcode[0] ? m->passcode : NULL, "created_here", m->created_here, "created_at",
			 (json_int_t)m->created_at, "sync", sync);
	return *out ? 0 : E_NOMEM;
}

/* answers the link as it is after a committed write */
static int answer(struct req *r, int status, const struct event_meeting *m)
{
	struct db *db;
	json_t *v;
	int rc;
	if ((rc = api_db(&db)) || (rc = link_view(db, m, &v)))
		return rc;
	return resp_json(r, status, v);
}

static int unavailable(struct req *r, int rc, long retry_after)
{
	if (rc == E_UNAUTH)
		return resp_problem(r, 409, "zoom-needs-reconnect",
				    "Zoom no longer accepts this connection's authorization; reconnect it");
	resp_header(r, "Retry-After", arena_printf(r->arena, "%ld", retry_after > 0 ? retry_after : 60));
	return resp_problem(r, 503, "zoom-unavailable",
			    rc == E_BUSY ? "Zoom asks to wait (rate limit); try again later"
					 : "Zoom did not answer; try again later");
}

static int show(struct req *r)
{
	struct ctx *x = arena_alloc(r->arena, sizeof *x);
	struct db *db;
	int rc;
	if (!x)
		return E_NOMEM;
	if ((rc = api_db(&db)) || (rc = load(r, db, x)))
		return rc;
	rc = store_event_meeting_get(db, x->conf.account_id, x->row.id, &x->link);
	if (rc == E_NOTFOUND)
		return resp_problem(r, 404, "not-found", "this event has no Zoom meeting");
	json_t *v;
	if (rc || (rc = link_view(db, &x->link, &v)))
		return rc;
	return resp_json(r, 200, v);
}

/* the connection named in the body, connected */
static int connection(struct req *r, struct db *db, json_t *in, struct ctx *x)
{
	const char *cid = NULL;
	int rc = jin_string(r, in, "connection_id", JIN_REQUIRED, 64, &cid);
	if (rc)
		return rc;
	rc = ids_valid(cid, "zcn") ? store_zoom_connection_get(db, x->conf.account_id, x->conf.id, cid, &x->conn)
				   : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_field_error(r, "connection_id", "no Zoom connection of this conference has this id"),
		       E_INVALID;
	if (rc)
		return rc;
	if (strcmp(x->conn.status, ZOOM_CONNECTED) || !x->conn.zoom_user_id[0])
		return resp_field_error(r, "connection_id", "this Zoom connection is not connected"), E_INVALID;
	return 0;
}

/* the event's stored text with the link, through event_write, and the link
 * row, in the caller's write transaction */
static int write_link(struct req *r, struct db *db, struct ctx *x, const char *remove_uri, const char *add_uri)
{
	struct ics_object *o = NULL;
	struct ics_error err;
	struct event_written wr = {0};
	int rc = ics_conference_set(x->row.ical, x->cal.time_zone, remove_uri, add_uri, ZOOM_CONFERENCE_LABEL,
				    ZOOM_JOIN_LINE, &o, &err);
	if (rc) {
		rc = rc == E_INVALID ? event_ics_error(r, &err) : rc;
		goto out;
	}
	struct booking_actor actor = {r->who.user_id, r->who.role};
	struct sched_actor who = event_caller(r);
	struct event_write w = {&x->cal, &x->row, NULL, o, &actor, &who, EVENT_DELIVER, 0};
	rc = event_write(db, r->arena, &w, &wr);
	if (rc == E_CONFLICT && wr.booked.refused)
		rc = resp_problem(r, 409, "conflict", "a room of the event refused the change");
	else if (rc == E_FORBIDDEN && wr.external)
		rc = event_external_problem(r, wr.external);
	if (!rc)
		rc = event_written_audit(r, db, &wr);
out:
	event_written_free(&wr);
	ics_object_free(o);
	return rc;
}

/* attaches (created or existing) meeting info to the event: one transaction */
static int attach(struct req *r, struct ctx *x, const struct zoom_meeting_info *mi, int created_here)
{
	struct db *db;
	int rc;
	if ((rc = api_begin(&db, 1)))
		return rc;
	/* again under the writer: the event may have changed or gone meanwhile */
	if ((rc = load(r, db, x)))
		return api_abort(db, rc);
	if (!store_event_meeting_get(db, x->conf.account_id, x->row.id, &x->link))
		return api_abort(db, resp_problem(r, 409, "zoom-meeting-exists",
						  "this event has a Zoom meeting already; remove it first"));
	struct event_meeting *m = &x->link;
	memset(m, 0, sizeof *m);
	snprintf(m->account_id, sizeof m->account_id, "%s", x->conf.account_id);
	snprintf(m->conference_id, sizeof m->conference_id, "%s", x->conf.id);
	snprintf(m->event_id, sizeof m->event_id, "%s", x->row.id);
	snprintf(m->connection_id, sizeof m->connection_id, "%s", x->conn.id);
	snprintf(m->zoom_user_id, sizeof m->zoom_user_id, "%s", x->conn.zoom_user_id);
	m->meeting_id = mi->meeting_id;
	snprintf(m->join_url, sizeof m->join_url, "%s", mi->join_url);
	snprintf(m->passcode, sizeof m->passcode, "%s", mi->passcode);
	m->created_here = created_here;
	m->created_at = clock_now();
	char mid[32];
	snprintf(mid, sizeof mid, "%lld", (long long)m->meeting_id);
	/* the row first: the event hooks then see the link as this event's own */
	if ((rc = store_event_meeting_insert(db, m)) || (rc = write_link(r, db, x, NULL, m->join_url)) ||
	    (rc = created_here ? audit_record(r, db, "zoom_meeting.create", "event", x->row.id, x->row.summary, NULL,
					      json_pack("{s:s, s:s, s:s}", "conference_id", x->conf.id, "connection_id",
							x->conn.id, "meeting_id", mid))
			       : audit_record(r, db, "zoom_meeting.attach", "event", x->row.id, x->row.summary, NULL,
					      json_pack("{s:s, s:s, s:s}", "conference_id", x->conf.id, "connection_id",
							x->conn.id, "meeting_id", mid))) ||
	    (rc = store_commit(db)))
		return api_abort(db, rc);
	return 0;
}

static int create(struct req *r)
{
	struct ctx *x = arena_alloc(r->arena, sizeof *x);
	struct zoom_meeting_info *mi = arena_alloc(r->arena, sizeof *mi);
	static const char *const allowed[] = {"connection_id", NULL};
	struct ics_object *o = NULL;
	struct ics_error err;
	struct db *db;
	json_t *in, *body = NULL;
	char why[300] = "";
	long ra = 0;
	int rc;
	if (!x || !mi)
		return E_NOMEM;
	if ((rc = api_db(&db)) || (rc = load(r, db, x)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = connection(r, db, in, x)))
		return rc;
	if (!store_event_meeting_get(db, x->conf.account_id, x->row.id, &x->link))
		return resp_problem(r, 409, "zoom-meeting-exists",
				    "this event has a Zoom meeting already; remove it first");
	if ((rc = ics_parse_stored(x->row.ical, strlen(x->row.ical), x->cal.time_zone, &o, &err)))
		return rc == E_INVALID ? event_ics_error(r, &err) : rc;
	struct zoom_meeting_spec spec;
	zoom_meeting_spec_of(o, &spec);
	if (x->row.status && !strcmp(x->row.status, "CANCELLED")) {
		rc = resp_problem(r, 422, "zoom-meeting-refused", "the event is cancelled");
		goto out;
	}
	/* refused before Zoom is asked: nothing is made for an event Zoom
	 * cannot repeat as it does */
	if ((rc = zoom_meeting_body(&spec, &body, why, sizeof why))) {
		if (rc == E_INVALID)
			rc = resp_problem(r, 422, "zoom-meeting-refused", why);
		goto out;
	}
	rc = zoom_meeting_create(x->conn.zoom_user_id, &spec, mi, why, sizeof why, &ra);
	if (rc == E_INVALID) {
		rc = resp_problem(r, 422, "zoom-meeting-refused", why);
		goto out;
	}
	if (rc == E_BUSY || rc == E_IO || rc == E_UNAUTH || rc == E_NOTFOUND) {
		rc = unavailable(r, rc == E_NOTFOUND ? E_UNAUTH : rc, ra);
		goto out;
	}
	if (rc)
		goto out;
	if ((rc = attach(r, x, mi, 1))) {
		/* nothing refers to it: take it back */
		if (zoom_meeting_delete(x->conn.zoom_user_id, mi->meeting_id, NULL))
			log_warn("zoom: meeting %lld made for event %s could not be deleted after a failed write",
				 (long long)mi->meeting_id, x->row.id);
		goto out;
	}
	rc = answer(r, 201, &x->link);
out:
	json_decref(body);
	ics_object_free(o);
	return rc;
}

static int attach_existing(struct req *r)
{
	struct ctx *x = arena_alloc(r->arena, sizeof *x);
	struct zoom_meeting_info *mi = arena_alloc(r->arena, sizeof *mi);
	static const char *const allowed[] = {"connection_id", "meeting_id", NULL};
	struct db *db;
	json_t *in;
	long ra = 0;
	int rc;
	if (!x || !mi)
		return E_NOMEM;
	if ((rc = api_db(&db)) || (rc = load(r, db, x)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = connection(r, db, in, x)))
		return rc;
	/* Zoom's meeting ids are integers of up to 11 digits; a string is taken
	 * too (JavaScript cannot hold every int64) */
	json_t *v = json_object_get(in, "meeting_id");
	long long id = 0;
	char *end = NULL;
	if (json_is_integer(v))
		id = json_integer_value(v);
	else if (json_is_string(v) && json_string_length(v) < 21 && json_string_value(v)[0])
		id = strtoll(json_string_value(v), &end, 10);
	if (id <= 0 || (end && *end))
		return resp_field_error(r, "meeting_id", "a Zoom meeting id is a positive whole number"), E_INVALID;
	if (!store_event_meeting_get(db, x->conf.account_id, x->row.id, &x->link))
		return resp_problem(r, 409, "zoom-meeting-exists",
				    "this event has a Zoom meeting already; remove it first");
	rc = zoom_meeting_read(x->conn.zoom_user_id, (int64_t)id, mi, &ra);
	if (rc == E_NOTFOUND)
		return resp_field_error(r, "meeting_id", "Zoom has no such meeting for this connection's account"),
		       E_INVALID;
	if (rc == E_BUSY || rc == E_IO || rc == E_UNAUTH)
		return unavailable(r, rc, ra);
	if (rc)
		return rc;
	if ((rc = attach(r, x, mi, 0)))
		return rc;
	return answer(r, 200, &x->link);
}

/* convene's own meeting goes at Zoom when nothing else uses it (an attached
 * one is the host's, and stays): queued in the transaction, sent by the
 * worker after commit, again after an outage, 404 counting as done */
static int queue_delete(struct db *db, const struct event_meeting *m)
{
	return zoom_event_sync_queue(db, m, "delete", NULL, "pending", NULL);
}

static int detach(struct req *r)
{
	struct ctx *x = arena_alloc(r->arena, sizeof *x);
	struct db *db;
	int64_t uses = 0;
	int rc;
	if (!x)
		return E_NOMEM;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, x)))
		return api_abort(db, rc);
	rc = store_event_meeting_get(db, x->conf.account_id, x->row.id, &x->link);
	if (rc == E_NOTFOUND)
		return api_abort(db, resp_problem(r, 404, "not-found", "this event has no Zoom meeting"));
	char mid[32];
	snprintf(mid, sizeof mid, "%lld", (long long)x->link.meeting_id);
	if (rc || (rc = write_link(r, db, x, x->link.join_url, NULL)) ||
	    (rc = store_event_meeting_delete(db, x->conf.account_id, x->row.id)) ||
	    (rc = store_event_meeting_uses(db, x->link.zoom_user_id, x->link.meeting_id, &uses)) ||
	    (rc = x->link.created_here && !uses
			  ? queue_delete(db, &x->link)
			  : store_zoom_job_drop_update(db, x->conf.account_id, x->link.zoom_user_id, x->link.meeting_id,
						       x->row.id)) ||
	    (rc = audit_record(r, db, "zoom_meeting.detach", "event", x->row.id, x->row.summary,
			       json_pack("{s:s, s:s, s:b}", "conference_id", x->conf.id, "meeting_id", mid,
					 "created_here", x->link.created_here),
			       NULL)) ||
	    (rc = store_commit(db)))
		return api_abort(db, rc);
	zoom_event_sync_kick();
	return resp_empty(r, 204);
}

/* Zoom made to match the event as it is now: what the meeting owes is
 * rebuilt and sent again at once, attempts reset, whether it had failed, is
 * waiting for its next attempt, or was done (then it is sent again, for an
 * administrator who doubts what Zoom holds). An event Zoom cannot hold is
 * refused with the reason, and nothing changes. */
static int retry(struct req *r)
{
	struct ctx *x = arena_alloc(r->arena, sizeof *x);
	struct db *db;
	char *body = NULL, why[300] = "";
	json_t *before = NULL, *v = NULL;
	int rc;
	if (!x)
		return E_NOMEM;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, x)))
		return api_abort(db, rc);
	rc = store_event_meeting_get(db, x->conf.account_id, x->row.id, &x->link);
	if (rc == E_NOTFOUND)
		return api_abort(db, resp_problem(r, 404, "not-found", "this event has no Zoom meeting"));
	if (rc || (rc = zoom_sync_of(db, x->conf.account_id, x->link.zoom_user_id, x->link.meeting_id, &before)))
		return api_abort(db, rc);
	rc = zoom_sync_body(&x->cal, &x->row, x->link.join_url, &body, why, sizeof why);
	if (rc) {
		json_decref(before);
		return api_abort(db, rc == E_INVALID ? resp_problem(r, 422, "zoom-meeting-refused", why) : rc);
	}
	char mid[32];
	snprintf(mid, sizeof mid, "%lld", (long long)x->link.meeting_id);
	rc = zoom_sync_requeue(db, &x->link, "update", body);
	free(body);
	if (rc)
		json_decref(before);
	if (rc ||
	    (rc = audit_record(
		     r, db, "zoom_meeting.retry", "event", x->row.id, x->row.summary,
		     json_pack("{s:s, s:s, s:o}", "conference_id", x->conf.id, "meeting_id", mid, "sync", before),
		     NULL)) ||
	    (rc = link_view(db, &x->link, &v)))
		return api_abort(db, rc);
	if ((rc = store_commit(db))) {
		json_decref(v);
		return api_abort(db, rc);
	}
	zoom_event_sync_kick();
	return resp_json(r, 200, v);
}

const struct route zoom_event_meeting_routes[] = {
	{"POST", "/api/v1/conferences/{id}/events/{event_id}/zoom/retry", retry, 0},
	{"GET", "/api/v1/conferences/{id}/events/{event_id}/zoom", show, 0},
	{"POST", "/api/v1/conferences/{id}/events/{event_id}/zoom", create, 0},
	{"PUT", "/api/v1/conferences/{id}/events/{event_id}/zoom", attach_existing, 0},
	{"DELETE", "/api/v1/conferences/{id}/events/{event_id}/zoom", detach, 0},
	{NULL, NULL, NULL, 0},
};
