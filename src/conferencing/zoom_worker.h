/* The worker that processes Zoom's webhook deliveries stored by
 * POST /webhooks/zoom: app_deauthorized (the Zoom account leaves every
 * conference of every account, administrators mailed, audit, Data Compliance
 * call when the payload asks for it), meeting.* (the cache of the Zoom user's
 * meetings reloaded, open connection pages told). Started by ops/workers.c. */
#ifndef CONFERENCING_ZOOM_WORKER_H
#define CONFERENCING_ZOOM_WORKER_H

#include <stdint.h>

struct db;

/* attempts before an event is given up (kept as failed, logged) */
#define ZOOM_WEBHOOK_ATTEMPTS 10

int zoom_worker_start(void); /* polling interval from CONVENE_ZOOM_WORKER_POLL_MS, default 5 s */
void zoom_worker_stop(void);
void zoom_worker_kick(void); /* an event was stored: process it now */
/* seconds to wait after the attempts-th failed attempt: 30 s doubling, at most an hour */
int64_t zoom_worker_backoff(int attempts);
/* one claimed event processed (and the meeting events of the same user that
 * follow it): 1, 0 when none was due (or the one claimed waits for its
 * user's reload floor), or an error */
int zoom_worker_run_once(struct db *db, int64_t now);

#endif
