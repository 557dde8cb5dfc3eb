/* The worker that sends outbound sync's jobs (sync/outbound.h) after their
 * transaction committed: one due job at a time, leased in the database so
 * that two nodes never send it together, retried with back-off (1 s, 2 s,
 * 4 s ... 10 min) up to SYNC_JOB_ATTEMPTS, then kept as failed with its error
 * shown on the room's sync status. Wakes at once when a commit queued a job
 * (sync_outbound_kick) and every CONVENE_SYNC_POLL_MS ms (default 2000). */
#ifndef SYNC_OUTBOUND_WORKER_H
#define SYNC_OUTBOUND_WORKER_H

#include <stdint.h>

#include "sync/provider.h"

struct db;

int sync_outbound_start(void);
void sync_outbound_stop(void);
void sync_outbound_kick(void);
/* heard after a commit (store_on_changed): SYNC_OUTBOUND_TOPIC or "*" kicks */
void sync_outbound_changed(const char *topic);
/* seconds before attempt `attempts` + 1: 1, 2, 4 ... at most 600 */
int64_t sync_outbound_backoff(int attempts);
/* one due job sent: 1, 0 when none was due, or an error. With none due,
 * the next batch of removals of an unlinked room's copies (more than its
 * unlink queued) is queued instead: 1 when it queued any */
int sync_outbound_run_once(struct db *db, int64_t now);
/* a meeting the race rule declines (sync/worker.c), not declined at the
 * first try: queued as a decline job (decline_later), retried with the
 * writes' back-off, then kept as failed and shown on the room; the room's
 * sync leaves one queued alone (decline_queued: 1 when it is, 0, or an
 * error), so that the next full check, which meets the meeting again, does
 * not decline it twice. Once declined the conflict is counted and audited
 * as the sync does. */
int sync_outbound_decline_queued(struct db *db, const struct sync_room *r, const char *provider_event_id);
int sync_outbound_decline_later(struct db *db, const struct sync_room *r, const char *provider_event_id,
				const char *comment, const struct sync_failure *f);
/* convene's copies of a room whose removals are queued at once: by an
 * unlink, then by each batch after (2,000; CONVENE_SYNC_COPIES_BATCH for
 * tests) */
int sync_outbound_copies_batch(void);

#endif
