/* The pass of a worker draining a queue kept in the database
 * (store/queue_worker.h). */
#include "store/queue_worker.h"

#include <stdlib.h>

#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"

long queue_worker_pass(struct worker *w)
{
	struct queue_worker *q = (struct queue_worker *)w;
	if (!q->conn && !(q->conn = store_db()))
		return q->poll_ms;
	int rc = q->run_once(q->conn, clock_now());
	if (rc == 1) {
		q->failing = 0;
		return 0; /* another job may be due */
	}
	if (rc < 0) {
		if (!q->failing++) /* once per outage, not at every look */
			log_warn("%s: cannot read the queue: %s", w->name, store_error(q->conn));
		if (store_ping(q->conn)) {
			store_close_thread();
			q->conn = NULL;
		}
	} else {
		q->failing = 0;
	}
	return q->poll_ms;
}

void queue_worker_end(struct worker *w)
{
	struct queue_worker *q = (struct queue_worker *)w;
	store_close_thread();
	q->conn = NULL;
}

int queue_worker_start(struct queue_worker *q, const char *env)
{
	if (env)
		q->poll_ms = worker_env_ms(env, q->poll_ms, 50);
	return worker_start(&q->w);
}
