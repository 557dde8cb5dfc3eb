/* The outbox delivery worker: one thread that takes due messages, sends them
 * over SMTP and records the outcome, retrying with back-off while the SMTP
 * server is unreachable. Started and stopped by ops/workers.c. */
#ifndef NOTIFY_OUTBOX_WORKER_H
#define NOTIFY_OUTBOX_WORKER_H

#include <stdint.h>

#include "core/config.h"

int outbox_worker_start(const struct config *cfg);
void outbox_worker_stop(void);
/* wakes the worker after a transaction that queued mail has committed */
void outbox_kick(void);
/* seconds to wait before attempt number `attempts` + 1: 15 s doubling up to 1 h */
int64_t outbox_backoff(int attempts);

#endif
