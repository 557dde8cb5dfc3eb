/* What a conference's Zoom meetings are still owed (issue 15): the meeting
 * writes that event changes queued (zoom_event_sync.h) and Zoom has not taken
 * yet, pending or given up, shown to the conference's administrators, sent
 * again (an update rebuilt from the event as it is now) or dismissed:
 * GET /api/v1/conferences/{id}/zoom-sync, POST …/zoom-sync/{meeting_id}/retry,
 * DELETE …/zoom-sync/{meeting_id}. Same access as every conference route. */
#ifndef CONFERENCING_ZOOM_MEETING_SYNC_H
#define CONFERENCING_ZOOM_MEETING_SYNC_H

#include <jansson.h>
#include <stddef.h>

#include "calendar/event_store.h"
#include "http/router.h"
#include "store/store.h"

/* {status, action, attempts, error, updated_at, next_attempt_at} of a job */
json_t *zoom_sync_view(const struct zoom_job_state *j);
/* the view of what the meeting still owes Zoom in the account, or JSON null
 * when nothing (*out new reference); 0 or a store error */
int zoom_sync_of(struct db *db, const char *account_id, const char *zoom_user_id, int64_t meeting_id, json_t **out);
/* the PATCH body that makes the meeting (join link join_url) match the event
 * as stored now: 0 with *body (free()), or E_INVALID with why
 * (zoom_meeting_body's reason) */
int zoom_sync_body(const struct calendar *cal, const struct event_row *row, const char *join_url, char **body,
		   char *why, size_t n);
/* queues it again, due at once, attempts reset (a delete already owed stays a
 * delete): the caller commits, then calls zoom_event_sync_kick() */
int zoom_sync_requeue(struct db *db, const struct event_meeting *m, const char *action, const char *body);

extern const struct route zoom_meeting_sync_routes[];

#endif
