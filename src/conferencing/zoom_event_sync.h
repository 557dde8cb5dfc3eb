/* Schedule events and their Zoom meetings kept in step, whatever protocol
 * changes the event (JSON, CalDAV, import): the calendar's event hooks queue
 * a PATCH when anything its meeting shows changes (topic, agenda, time, zone,
 * duration, repetition) and a DELETE
 * when it is cancelled or deleted (convene's own meetings only), inside the
 * event's transaction; a worker sends them after commit, with back-off. A
 * new or copied event never keeps a join link another event owns. */
#ifndef CONFERENCING_ZOOM_EVENT_SYNC_H
#define CONFERENCING_ZOOM_EVENT_SYNC_H

#include <jansson.h>
#include <stdint.h>

#include "ical/ics.h"
#include "store/event_meetings.h"

struct db;

#define ZOOM_JOB_ATTEMPTS 10 /* then the job is kept as failed, with its error */

int zoom_event_sync_register(void); /* the event hooks, from app_hooks_register: 0 or E_TOOLARGE */
int zoom_event_sync_start(void);    /* the worker; polls every CONVENE_ZOOM_MEETING_POLL_MS (default 2 s) */
void zoom_event_sync_stop(void);
void zoom_event_sync_kick(void); /* a job was committed: send it now */
/* Zoom's meeting body for an event whose meeting has this join link (the
 * join line convene wrote in the description left out of the agenda): 0, or
 * E_INVALID with why (the event cannot be a Zoom meeting), or an error */
int zoom_event_sync_body(const struct ics_object *o, const char *join_url, json_t **body, char *why, size_t n);
/* the write a linked meeting owes Zoom ("update" with body, or "delete"),
 * queued in the caller's transaction as job of that meeting (status
 * "pending", or "failed" with error: nothing will be sent) */
int zoom_event_sync_queue(struct db *db, const struct event_meeting *m, const char *action, const char *body,
			  const char *status, const char *error);
/* one due job sent: 1, 0 when none was due, or an error */
int zoom_event_sync_run_once(struct db *db, int64_t now);

#endif
