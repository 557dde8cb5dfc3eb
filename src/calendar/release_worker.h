/* The check-in rule's worker: a booking of a room that requires check-in,
 * nobody checked in to within its minutes from the start, is released (the
 * room is free again and its display shows it). */
#ifndef CALENDAR_RELEASE_WORKER_H
#define CALENDAR_RELEASE_WORKER_H

struct db;

int release_worker_start(void); /* interval from CONVENE_RELEASE_INTERVAL_MS, default 30 s */
void release_worker_stop(void);
/* one pass, for the worker and tests: bookings released, or an error */
int release_unchecked(struct db *db, long long now);

#endif
