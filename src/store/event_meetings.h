/* The Zoom meeting of an event of a conference's schedule (migration 031):
 * which meeting, of which Zoom user, with its join link, and whether convene
 * created it (then it deletes it with the event). */
#ifndef STORE_EVENT_MEETINGS_H
#define STORE_EVENT_MEETINGS_H

#include <stdint.h>

#include "core/ids.h"

struct db;

struct event_meeting {
	char account_id[ID_MAX];
	char conference_id[ID_MAX];
	char event_id[ID_MAX];
	char connection_id[ID_MAX]; /* "" when unknown */
	char zoom_user_id[80];
	int64_t meeting_id;
	char join_url[1024];
	char passcode[64]; /* "" when unknown */
	int created_here;
	int64_t created_at;
};

/* E_NOTFOUND when the event has none */
int store_event_meeting_get(struct db *db, const char *account_id, const char *event_id, struct event_meeting *out);
/* E_CONFLICT when the event has one already */
int store_event_meeting_insert(struct db *db, const struct event_meeting *m);
/* E_NOTFOUND when the event had none */
int store_event_meeting_delete(struct db *db, const char *account_id, const char *event_id);
/* how many events (of any account) use the meeting */
int store_event_meeting_uses(struct db *db, const char *zoom_user_id, int64_t meeting_id, int64_t *n);

/* the event (other than not_event_id) whose link has this join URL in the
 * account: E_NOTFOUND when none */
int store_event_meeting_by_url(struct db *db, const char *account_id, const char *join_url, const char *not_event_id);

/* ---- zoom_meeting_jobs: what event changes owe Zoom ---- */
struct zoom_meeting_job {
	char zoom_user_id[80];
	int64_t meeting_id;
	char account_id[ID_MAX];
	char conference_id[ID_MAX]; /* whose administrators see it (migration 032) */
	char event_id[ID_MAX];
	char action[8];      /* "update" or "delete" */
	char *body;          /* malloc'd (update), or NULL */
	char join_url[1024]; /* the meeting's join link ("" when unknown) */
	int attempts;
	int64_t updated_at;
};
/* one open job per meeting: a later change replaces an earlier one not yet
 * done (a delete wins over an update), due at once with its attempts reset
 * (also what a retry does); status "pending" or "failed" (error says why:
 * nothing will be sent). updated_at moves forward at every put, even within
 * one second, so that a worker sending the earlier version leaves the later
 * one due (store_zoom_job_done). */
int store_zoom_job_put(struct db *db, const struct zoom_meeting_job *j, const char *status, const char *error,
		       int64_t now);
/* 1 when a delete of the meeting with this join link is queued in the
 * account (the link's event is gone: its meeting goes), else 0 */
int store_zoom_job_deleting(struct db *db, const char *account_id, const char *join_url);
/* a conference is being deleted (its links go by cascade): a delete job for
 * every meeting convene created for its events that no event outside it
 * uses, written before the conference row goes */
int store_zoom_jobs_conference_gone(struct db *db, const char *account_id, const char *conference_id, int64_t now);
/* a due pending job, leased until `until`: 1 (out filled; free out->body),
 * 0 none */
int store_zoom_job_claim(struct db *db, int64_t now, int64_t until, struct zoom_meeting_job *out);
/* done: deleted unless it changed since it was claimed (then it stays due) */
int store_zoom_job_done(struct db *db, const struct zoom_meeting_job *j);
/* try again at next_at (or give up: status failed); a job changed since it
 * was claimed was not what failed: it stays pending, due at once */
int store_zoom_job_retry(struct db *db, const struct zoom_meeting_job *j, int64_t next_at, int failed,
			 const char *error, int64_t now);

/* what a job owes Zoom, as a conference's administrators see it */
struct zoom_job_state {
	char zoom_user_id[80];
	int64_t meeting_id;
	char conference_id[ID_MAX]; /* "" when unknown (a job older than migration 032 whose event went) */
	char event_id[ID_MAX];
	char action[8]; /* "update" or "delete" */
	char status[8]; /* "pending" or "failed" */
	int attempts;
	char error[400]; /* "" when none */
	int64_t next_at, updated_at;
};
/* the open job of a meeting in the account: E_NOTFOUND when none */
int store_zoom_job_get(struct db *db, const char *account_id, const char *zoom_user_id, int64_t meeting_id,
		       struct zoom_job_state *out);
/* the open job of a meeting (of whichever Zoom user) owed for the conference:
 * E_NOTFOUND when none */
int store_zoom_job_of_conference(struct db *db, const char *account_id, const char *conference_id, int64_t meeting_id,
				 struct zoom_job_state *out);
/* the conference's open jobs by (meeting_id, zoom_user_id) after the cursor
 * (after_zoom_user_id NULL: from the first), at most max; cb gets the event's
 * summary, or NULL when the event is gone; non-zero from cb stops */
int store_zoom_job_list(struct db *db, const char *account_id, const char *conference_id, int64_t after_meeting_id,
			const char *after_zoom_user_id, int max,
			int (*cb)(void *ctx, const struct zoom_job_state *j, const char *summary), void *ctx);
/* a failed job dismissed (an administrator set Zoom right by hand): 0, or
 * E_NOTFOUND when the meeting has no failed job */
int store_zoom_job_dismiss(struct db *db, const char *account_id, const char *zoom_user_id, int64_t meeting_id);
/* the event no longer has the meeting: an update owed for that event is not
 * owed any more (a delete stays) */
int store_zoom_job_drop_update(struct db *db, const char *account_id, const char *zoom_user_id, int64_t meeting_id,
			       const char *event_id);

#endif
