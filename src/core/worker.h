/* One background thread's life: start, a pass of its job, a wait that a kick
 * or a stop cuts short, and a clean stop that joins it. Each worker (outbox,
 * room release, SSE pings, change listener, checkpoints) writes only its pass. */
#ifndef CORE_WORKER_H
#define CORE_WORKER_H

#include <pthread.h>

#define WORKER_FOREVER (-1L) /* a pass's answer: sleep until kicked or stopped */

struct worker;
/* one pass of the job; answers how many ms to wait before the next one:
 * 0 runs again at once (more work waiting), WORKER_FOREVER waits for a kick */
typedef long (*worker_pass_fn)(struct worker *w);

struct worker {
	const char *name; /* for logs */
	worker_pass_fn pass;
	void (*end)(struct worker *w); /* in the thread after the last pass, or NULL */
	long first_ms;                 /* wait before the first pass (0: at once) */
	void *arg;                     /* the worker's own state */
	/* the rest belongs to worker.c */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int stopping, kicked, running;
};

/* statically initialised, so that a kick before the start (or with the
 * worker never started) is harmless */
#define WORKER_INIT(name_, pass_, end_)                                                           \
	{                                                                                         \
		.name = (name_), .pass = (pass_), .end = (end_), .mu = PTHREAD_MUTEX_INITIALIZER, \
		.cv = PTHREAD_COND_INITIALIZER                                                    \
	}

int worker_start(struct worker *w); /* 0, or E_NOMEM (logged) when no thread could be made */
void worker_stop(struct worker *w); /* asks it to stop, wakes it, joins it; nothing if not running */
void worker_kick(struct worker *w); /* cuts its current (or next) wait short */
/* for a pass that has to wait inside itself: 1 when stopping (at once if so) */
int worker_nap(struct worker *w, long ms);
int worker_stopping(struct worker *w);
/* a wait in ms from the environment variable var (tests shorten them), or dflt
 * when it is unset or below min */
long worker_env_ms(const char *var, long dflt, long min);

#endif
