/* A worker that drains a queue kept in the database (Zoom meeting writes,
 * calendar sync writes) on a connection of its own: each pass runs one job,
 * runs again at once while jobs are due, sleeps poll_ms (or until kicked)
 * when none is, and opens its connection again when the database went away.
 * The queue's owner writes only run_once. */
#ifndef STORE_QUEUE_WORKER_H
#define STORE_QUEUE_WORKER_H

#include <stdint.h>

#include "core/worker.h"

struct db;

struct queue_worker {
	struct worker w; /* first: the pass finds its queue_worker from it */
	/* one due job: 1 when one was run (another may be due), 0 when none
	 * is due, < 0 on a database error */
	int (*run_once)(struct db *db, int64_t now);
	long poll_ms;    /* between looks when nothing is due */
	struct db *conn; /* the worker thread's own; NULL until the first pass */
	int failing;     /* passes failed in a row: logged once per outage */
};

long queue_worker_pass(struct worker *w);
void queue_worker_end(struct worker *w);

#define QUEUE_WORKER_INIT(name_, run_once_, poll_ms_)                                                  \
	{                                                                                              \
		.w = WORKER_INIT(name_, queue_worker_pass, queue_worker_end), .run_once = (run_once_), \
		.poll_ms = (poll_ms_)                                                                  \
	}

/* poll_ms from the environment variable env when it holds at least 50 (tests
 * shorten it), then the thread started: 0 or E_NOMEM */
int queue_worker_start(struct queue_worker *q, const char *env);

#endif
