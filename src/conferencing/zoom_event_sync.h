/* Schedule events and their Zoom meetings kept in step, whatever protocol
 * changes the event (JSON, CalDAV, import): the calendar's event hooks queue
 * a PATCH when anything its meeting shows changes (topic, agenda, time, zone,
 * duration, repetition) and a DELETE
 * when it is cancelled or deleted (convene's own meetings only), inside the
 * event's transaction; a worker sends them after commit, with back-off. A
 * new or copied event never keeps a join link another event owns. */
#ifndef CONFERENCING_ZOOM_EVENT_SYNC_H
#define CONFERENCING_ZOOM_EVENT_SYNC_H

#include <stdint.h>

struct db;

#define ZOOM_JOB_ATTEMPTS 10 /* then the job is kept as failed, with its error */

int zoom_event_sync_register(void); /* the event hooks, from app_hooks_register: 0 or E_TOOLARGE */
int zoom_event_sync_start(void);    /* the worker; polls every CONVENE_ZOOM_MEETING_POLL_MS (default 2 s) */
void zoom_event_sync_stop(void);
void zoom_event_sync_kick(void); /* a job was committed: send it now */
/* one due job sent: 1, 0 when none was due, or an error */
int zoom_event_sync_run_once(struct db *db, int64_t now);

#endif
