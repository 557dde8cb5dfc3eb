/* The calendar sync worker (SYNC_THREADS threads, started by ops/workers.c): it claims
 * linked rooms that a push marked dirty or whose full check is due (leases
 * in the database, so several nodes share the rooms), reads their changes
 * from the provider (incremental from the stored token; a full listing every
 * SYNC_FULL_EVERY, when the token is refused, or when none is stored),
 * applies them (sync/inbound.h), keeps push channels and subscriptions alive,
 * and notes errors on the room, or on the connection when its credentials
 * fail. Provider calls never happen inside a transaction. */
#ifndef SYNC_WORKER_H
#define SYNC_WORKER_H

#include <stdint.h>

#include "sync/provider.h"

struct db;

#define SYNC_FULL_EVERY (6 * 3600) /* a full check of each room repairs what push missed */
#define SYNC_LEASE 900             /* a room's sync (20,000 changes at most) ends well before */
#define SYNC_RETRY 30              /* seconds before a failed room is tried again (no Retry-After) */
#define SYNC_THREADS 4             /* rooms synced side by side on a node (each mostly waits for the provider) */

int sync_worker_start(void); /* polls every CONVENE_SYNC_POLL_MS (default 2000) */
void sync_worker_stop(void);
void sync_worker_kick(void); /* a push marked a room dirty: sync it now */

/* the push address of a provider: public_url + "/webhooks/google" (or
 * /webhooks/microsoft) into out */
void sync_push_address(const char *provider, char *out, size_t n);

/* one due room synced: 1, 0 when none was due, or a store error */
int sync_worker_run_once(struct db *db, int64_t now);

#endif
