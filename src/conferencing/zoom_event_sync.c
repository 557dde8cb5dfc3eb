/* Schedule events and their Zoom meetings in step
 * (conferencing/zoom_event_sync.h). The hooks only read and write rows (they
 * run inside event_write's transaction); Zoom is called by the worker, one
 * job at a time, each job leased so that two nodes never send it twice. */
#include "conferencing/zoom_event_sync.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/event_store.h"
#include "conferencing/zoom_event_meetings.h"
#include "conferencing/zoom_meeting_write.h"
#include "conferencing/zoom_worker.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/worker.h"
#include "store/queue_worker.h"
#include "store/store.h"

#define LEASE_SECONDS 120 /* longer than one Zoom call (15 s) with its token refresh */

/* A new event, or one without this link, that carries the join link of
 * another event's meeting (a CalDAV COPY, a duplicate made by a client):
 * the link is dropped from the copy, which would otherwise send people to a
 * meeting that changes or goes with another event. */
static int filter(struct db *db, const struct calendar *cal, const struct event_row *prev, const struct ics_object *o,
		  struct ics_object **out)
{
	char uri[ZOOM_JOIN_URL_MAX];
	struct event_meeting m;
	struct ics_error err;
	*out = NULL;
	if (!o->text || !strstr(o->text, "CONFERENCE") ||
	    ics_conference_uri(o->text, "LABEL=" ZOOM_CONFERENCE_LABEL, uri, sizeof uri))
		return 0;
	if (prev && !store_event_meeting_get(db, prev->account_id, prev->id, &m) && !strcmp(m.join_url, uri))
		return 0; /* its own */
	int rc = store_event_meeting_by_url(db, cal->account_id, uri, prev ? prev->id : NULL);
	if (rc == E_NOTFOUND) {
		/* a link of no event here: the client's own, unless its meeting is
		 * being deleted with the event that had it (a MOVE, a copy then a
		 * delete of the original) */
		if ((rc = store_zoom_job_deleting(db, cal->account_id, uri)) <= 0)
			return rc;
	} else if (rc) {
		return rc;
	}
	rc = ics_conference_set(o->text, cal->time_zone, uri, NULL, NULL, ZOOM_JOIN_LINE, out, &err);
	return rc == E_INVALID ? 0 : rc; /* a text we cannot edit is stored as sent */
}

int zoom_event_sync_queue(struct db *db, const struct event_meeting *m, const char *action, const char *body,
			  const char *status, const char *error)
{
	struct zoom_meeting_job j = {0};
	snprintf(j.zoom_user_id, sizeof j.zoom_user_id, "%s", m->zoom_user_id);
	j.meeting_id = m->meeting_id;
	snprintf(j.account_id, sizeof j.account_id, "%s", m->account_id);
	snprintf(j.conference_id, sizeof j.conference_id, "%s", m->conference_id);
	snprintf(j.event_id, sizeof j.event_id, "%s", m->event_id);
	snprintf(j.action, sizeof j.action, "%s", action);
	j.body = (char *)body;
	snprintf(j.join_url, sizeof j.join_url, "%s", m->join_url);
	return store_zoom_job_put(db, &j, status, error, clock_now());
}

/* the event's link gone: convene's own meeting leaves Zoom with it, unless
 * another event still uses it */
static int unlink_event(struct db *db, const struct event_meeting *m)
{
	int64_t uses = 0;
	int rc = store_event_meeting_delete(db, m->account_id, m->event_id);
	if (rc && rc != E_NOTFOUND)
		return rc;
	if ((rc = store_event_meeting_uses(db, m->zoom_user_id, m->meeting_id, &uses)))
		return rc;
	if (m->created_here && !uses)
		return zoom_event_sync_queue(db, m, "delete", NULL, "pending", NULL);
	/* an attached meeting stays the host's: nothing more is owed for this event */
	return store_zoom_job_drop_update(db, m->account_id, m->zoom_user_id, m->meeting_id, m->event_id);
}

int zoom_event_sync_body(const struct ics_object *o, const char *join_url, json_t **body, char *why, size_t n)
{
	char line[sizeof ZOOM_JOIN_LINE + ZOOM_JOIN_URL_MAX];
	struct zoom_meeting_spec spec;
	snprintf(line, sizeof line, "%s%s", ZOOM_JOIN_LINE, join_url);
	zoom_meeting_spec_of(o, &spec);
	spec.agenda_drop = line;
	return zoom_meeting_body(&spec, body, why, n);
}

/* 1 when the event before the change made the same meeting body (or the
 * same refusal): whatever changed, Zoom shows none of it. Comparing the
 * bodies rather than a list of fields keeps this true for every field the
 * body carries (topic, agenda, time, zone, duration, repetition). */
static int same_at_zoom(const struct calendar *cal, const struct event_row *prev, const char *join_url,
			const json_t *now, const char *now_why)
{
	struct ics_object *o = NULL;
	struct ics_error err;
	json_t *before = NULL;
	char why[300] = "";
	if (!prev->ical || ics_parse_stored(prev->ical, strlen(prev->ical), cal->time_zone, &o, &err))
		return 0; /* unreadable: send the change */
	int rc = zoom_event_sync_body(o, join_url, &before, why, sizeof why);
	ics_object_free(o);
	int same = (!rc && now && json_equal(before, now)) || (rc == E_INVALID && !now && !strcmp(why, now_why));
	json_decref(before);
	return same;
}

static int changed(struct db *db, const struct calendar *cal, const struct event_row *prev, const char *id,
		   const struct ics_object *stored)
{
	struct event_meeting m;
	if (!prev)
		return 0; /* a new event has no link yet */
	int rc = store_event_meeting_get(db, prev->account_id, id, &m);
	if (rc)
		return rc == E_NOTFOUND ? 0 : rc;
	const struct ics_event *e = stored ? &stored->master : NULL;
	if (!e || (e->status && !strcmp(e->status, "CANCELLED")))
		return unlink_event(db, &m);
	json_t *body = NULL;
	char why[300] = "";
	rc = zoom_event_sync_body(stored, m.join_url, &body, why, sizeof why);
	if (rc && rc != E_INVALID)
		return rc;
	if (same_at_zoom(cal, prev, m.join_url, body, why)) {
		json_decref(body);
		return 0;
	}
	if (rc == E_INVALID) /* kept as failed, with why: the meeting no longer matches the event */
		return zoom_event_sync_queue(db, &m, "update", NULL, "failed", why);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return E_NOMEM;
	rc = zoom_event_sync_queue(db, &m, "update", text, "pending", NULL);
	free(text);
	return rc;
}

int zoom_event_sync_register(void)
{
	static const struct event_hooks h = {filter, changed};
	return event_hooks_add(&h);
}

int zoom_event_sync_run_once(struct db *db, int64_t now)
{
	struct zoom_meeting_job j;
	int rc = store_zoom_job_claim(db, now, now + LEASE_SECONDS, &j);
	if (rc <= 0)
		return rc;
	char why[300] = "";
	long ra = 0;
	if (!strcmp(j.action, "delete"))
		rc = zoom_meeting_delete(j.zoom_user_id, j.meeting_id, &ra);
	else
		rc = j.body ? zoom_meeting_patch(j.zoom_user_id, j.meeting_id, j.body, why, sizeof why, &ra)
			    : E_INVALID;
	if (rc == E_NOTFOUND) /* gone at Zoom: nothing left to change or delete */
		rc = 0;
	int src;
	if (!rc) {
		src = store_zoom_job_done(db, &j);
	} else {
		int failed = rc == E_INVALID || j.attempts + 1 >= ZOOM_JOB_ATTEMPTS;
		int64_t wait = zoom_worker_backoff(j.attempts + 1);
		if (ra > wait)
			wait = ra;
		/* read by the conference's administrators (GET …/zoom-sync) */
		if (!why[0])
			snprintf(why, sizeof why, "%s",
				 rc == E_BUSY ? "Zoom asked to wait (rate limit)"
				 : rc == E_UNAUTH
					 ? "Zoom no longer accepts the connection's authorization; reconnect it"
				 : rc == E_IO ? "Zoom did not answer, or answered with an error"
					      : error_name(rc));
		src = store_zoom_job_retry(db, &j, now + wait, failed, why, now);
		if (failed)
			log_warn("zoom: %s of meeting %lld (event %s) given up: %s", j.action, (long long)j.meeting_id,
				 j.event_id, why);
	}
	free(j.body);
	return src ? src : 1;
}

static struct queue_worker meeting_writes = QUEUE_WORKER_INIT("zoom meetings", zoom_event_sync_run_once, 2000);

int zoom_event_sync_start(void)
{
	return queue_worker_start(&meeting_writes, "CONVENE_ZOOM_MEETING_POLL_MS");
}

void zoom_event_sync_kick(void)
{
	worker_kick(&meeting_writes.w);
}

void zoom_event_sync_stop(void)
{
	worker_stop(&meeting_writes.w);
}
