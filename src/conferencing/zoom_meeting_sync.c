/* What a conference's Zoom meetings are still owed
 * (conferencing/zoom_meeting_sync.h). A job given up after its attempts, or
 * at once because the event cannot be a Zoom meeting any more, is kept with
 * its reason; until now nobody saw it and the schedule and Zoom disagreed in
 * silence. Zoom is never asked here: a retry only makes the job due again and
 * wakes the worker, after commit. */
#include "conferencing/zoom_meeting_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/audit.h"
#include "api/tx.h"
#include "conferencing/access.h"
#include "conferencing/zoom_event_sync.h"
#include "conferencing/zoom_meeting_write.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/cursor.h"
#include "http/response.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 200

static json_t *time_or_null(int64_t t)
{
	char s[32];
	if (!t)
		return json_null();
	clock_iso(t, s, sizeof s);
	return json_string(s);
}

json_t *zoom_sync_view(const struct zoom_job_state *j)
{
	if (!j)
		return json_null();
	int pending = !strcmp(j->status, "pending");
	return json_pack("{s:s, s:s, s:i, s:s?, s:o, s:o}", "status", j->status, "action", j->action, "attempts",
			 j->attempts, "error", j->error[0] ? j->error : NULL, "updated_at", time_or_null(j->updated_at),
			 "next_attempt_at", pending ? time_or_null(j->next_at) : json_null());
}

int zoom_sync_of(struct db *db, const char *account_id, const char *zoom_user_id, int64_t meeting_id, json_t **out)
{
	struct zoom_job_state j;
	int rc = store_zoom_job_get(db, account_id, zoom_user_id, meeting_id, &j);
	*out = NULL;
	if (rc == E_NOTFOUND) {
		*out = json_null();
		return 0;
	}
	if (rc)
		return rc;
	*out = zoom_sync_view(&j);
	return *out ? 0 : E_NOMEM;
}

int zoom_sync_body(const struct calendar *cal, const struct event_row *row, const char *join_url, char **body,
		   char *why, size_t n)
{
	struct ics_object *o = NULL;
	struct ics_error err;
	json_t *b = NULL;
	*body = NULL;
	int rc = ics_parse_stored(row->ical, strlen(row->ical), cal->time_zone, &o, &err);
	if (rc)
		return rc == E_INVALID ? E_IO : rc; /* stored text that no longer parses is ours to fix */
	if (row->status && !strcmp(row->status, "CANCELLED")) {
		snprintf(why, n, "the event is cancelled");
		rc = E_INVALID;
	} else if (!(rc = zoom_event_sync_body(o, join_url, &b, why, n))) {
		*body = json_dumps(b, JSON_COMPACT);
		rc = *body ? 0 : E_NOMEM;
	}
	json_decref(b);
	ics_object_free(o);
	return rc;
}

int zoom_sync_requeue(struct db *db, const struct event_meeting *m, const char *action, const char *body)
{
	return zoom_event_sync_queue(db, m, action, body, "pending", NULL);
}

/* one job as the conference's list shows it; summary NULL: the event is gone */
static json_t *item_view(const struct zoom_job_state *j, const char *summary)
{
	char mid[32];
	snprintf(mid, sizeof mid, "%lld", (long long)j->meeting_id);
	json_t *v = zoom_sync_view(j);
	json_t *more = json_pack("{s:s, s:s, s:s?}", "meeting_id", mid, "event_id", j->event_id, "summary", summary);
	if (!v || !more || json_object_update(v, more)) {
		json_decref(v);
		v = NULL;
	}
	json_decref(more);
	return v;
}

/* {meeting_id} of the path: Zoom's meeting ids are positive integers */
static int meeting_param(struct req *r, int64_t *out)
{
	const char *s = req_param(r, "meeting_id");
	char *end = NULL;
	long long v = s && *s && strlen(s) < 20 && strspn(s, "0123456789") == strlen(s) ? strtoll(s, &end, 10) : 0;
	if (v <= 0)
		return resp_problem(r, 404, "not-found",
				    "no Zoom meeting write of this conference has this meeting id"),
		       E_NOTFOUND;
	*out = v;
	return 0;
}

/* the conference (404 unless the caller manages it) and its open job for
 * the meeting of the path */
static int load(struct req *r, struct db *db, struct conference *conf, struct zoom_job_state *j)
{
	int64_t mid = 0;
	int rc = conference_load(r, db, req_param(r, "id"), conf);
	if (rc || (rc = meeting_param(r, &mid)))
		return rc;
	rc = store_zoom_job_of_conference(db, conf->account_id, conf->id, mid, j);
	if (rc == E_NOTFOUND)
		resp_problem(r, 404, "not-found", "Zoom owes this conference nothing for this meeting");
	return rc;
}

/* the cursor's key: "<meeting_id> <zoom_user_id>" of the last job of a page */
static int cursor_split(struct req *r, const char *key, int64_t *mid, const char **zuid)
{
	const char *sp = key ? strchr(key, ' ') : NULL;
	*zuid = NULL;
	*mid = 0;
	if (!key)
		return 0;
	char *end = NULL;
	long long v = sp ? strtoll(key, &end, 10) : 0;
	if (!sp || end != sp || v <= 0 || !sp[1] || strlen(sp + 1) >= sizeof((struct zoom_job_state *)0)->zoom_user_id)
		return resp_problem_ext(r, 400, "invalid-query", "the cursor is not one this server issued",
					json_pack("{s:s}", "field", "cursor")),
		       E_INVALID;
	*mid = v;
	*zuid = sp + 1;
	return 0;
}

struct page {
	json_t *items;
	int limit, n;
	struct zoom_job_state last;
};

static int add(void *ctx, const struct zoom_job_state *j, const char *summary)
{
	struct page *p = ctx;
	if (p->n++ >= p->limit)
		return 1; /* one more than the page: there is a next one */
	p->last = *j;
	json_t *v = item_view(j, summary);
	return v ? json_array_append_new(p->items, v), 0 : -1;
}

static int list(struct req *r)
{
	struct conference conf;
	struct db *db;
	int rc, limit = PAGE_DEFAULT;
	const char *limit_s = req_query(r, "limit"), *key, *after_zuid;
	int64_t after_mid;
	if (limit_s) {
		char *end;
		long l = strtol(limit_s, &end, 10);
		if (*end || !*limit_s || l < 1 || l > PAGE_MAX)
			return resp_problem_ext(r, 400, "invalid-query", "limit must be from 1 to 200",
						json_pack("{s:s}", "field", "limit"));
		limit = (int)l;
	}
	if ((rc = cursor_param(r, &key)) || (rc = cursor_split(r, key, &after_mid, &after_zuid)))
		return rc;
	if ((rc = api_db(&db)) || (rc = conference_load(r, db, req_param(r, "id"), &conf)))
		return rc;
	struct page p = {.items = json_array(), .limit = limit};
	if (!p.items)
		return E_NOMEM;
	if ((rc = store_zoom_job_list(db, conf.account_id, conf.id, after_mid, after_zuid, limit + 1, add, &p))) {
		json_decref(p.items);
		return rc;
	}
	json_t *next = json_null();
	if (p.n > limit)
		next = json_string(cursor_encode(
			r, arena_printf(r->arena, "%lld %s", (long long)p.last.meeting_id, p.last.zoom_user_id)));
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", p.items, "next_cursor", next));
}

static int retry(struct req *r)
{
	struct conference conf;
	struct zoom_job_state j;
	struct calendar cal;
	struct event_row row;
	struct event_meeting m;
	struct db *db;
	char *body = NULL, why[300] = "";
	const char *summary = NULL;
	int rc;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &conf, &j)) || (rc = store_calendar_get(db, conf.account_id, conf.calendar_id, &cal)))
		return api_abort(db, rc);
	rc = event_fetch(db, r->arena, &cal, j.event_id, &row);
	if (rc && rc != E_NOTFOUND)
		return api_abort(db, rc);
	summary = rc ? NULL : row.summary ? row.summary : "";
	if (!strcmp(j.action, "update")) {
		/* an update is the event's, as it is now: it needs the event, still
		 * linked to this meeting */
		if (!summary || store_event_meeting_get(db, conf.account_id, j.event_id, &m) ||
		    m.meeting_id != j.meeting_id || strcmp(m.zoom_user_id, j.zoom_user_id))
			return api_abort(db, resp_problem(r, 409, "zoom-sync-obsolete",
							  "no event of this conference uses this meeting any more; "
							  "dismiss this change"));
		rc = zoom_sync_body(&cal, &row, m.join_url, &body, why, sizeof why);
		if (rc == E_INVALID)
			return api_abort(db, resp_problem(r, 422, "zoom-meeting-refused", why));
		if (rc)
			return api_abort(db, rc);
	} else {
		memset(&m, 0, sizeof m);
		snprintf(m.account_id, sizeof m.account_id, "%s", conf.account_id);
		snprintf(m.zoom_user_id, sizeof m.zoom_user_id, "%s", j.zoom_user_id);
		m.meeting_id = j.meeting_id;
		snprintf(m.event_id, sizeof m.event_id, "%s", j.event_id);
	}
	snprintf(m.conference_id, sizeof m.conference_id, "%s", conf.id);
	char mid[32];
	snprintf(mid, sizeof mid, "%lld", (long long)j.meeting_id);
	json_t *before = zoom_sync_view(&j);
	rc = zoom_sync_requeue(db, &m, j.action, body);
	free(body);
	if (rc)
		json_decref(before);
	if (rc ||
	    (rc = audit_record(
		     r, db, "zoom_meeting.retry", "event", j.event_id, summary,
		     json_pack("{s:s, s:s, s:o}", "conference_id", conf.id, "meeting_id", mid, "sync", before),
		     NULL)) ||
	    (rc = store_zoom_job_get(db, conf.account_id, j.zoom_user_id, j.meeting_id, &j)))
		return api_abort(db, rc);
	json_t *out = item_view(&j, summary);
	if (!out)
		return api_abort(db, E_NOMEM);
	if ((rc = store_commit(db))) {
		json_decref(out);
		return api_abort(db, rc);
	}
	zoom_event_sync_kick();
	return resp_json(r, 200, out);
}

static int dismiss(struct req *r)
{
	struct conference conf;
	struct zoom_job_state j;
	struct db *db;
	int rc;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &conf, &j)))
		return api_abort(db, rc);
	if (strcmp(j.status, "failed"))
		return api_abort(db, resp_problem(r, 409, "zoom-sync-pending",
						  "this change is still being sent to Zoom; only a failed one can be "
						  "dismissed"));
	char mid[32];
	snprintf(mid, sizeof mid, "%lld", (long long)j.meeting_id);
	if ((rc = store_zoom_job_dismiss(db, conf.account_id, j.zoom_user_id, j.meeting_id)) ||
	    (rc = audit_record(r, db, "zoom_meeting.dismiss", "event", j.event_id, NULL,
			       json_pack("{s:s, s:s, s:o}", "conference_id", conf.id, "meeting_id", mid, "sync",
					 zoom_sync_view(&j)),
			       NULL)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

const struct route zoom_meeting_sync_routes[] = {
	{"GET", "/api/v1/conferences/{id}/zoom-sync", list, 0},
	{"POST", "/api/v1/conferences/{id}/zoom-sync/{meeting_id}/retry", retry, 0},
	{"DELETE", "/api/v1/conferences/{id}/zoom-sync/{meeting_id}", dismiss, 0},
	{NULL, NULL, NULL, 0},
};
