/* The loop every background thread shares. It sits in core/ and not in ops/
 * because the workers live in their domains (notify, calendar, http, store),
 * which may only call downward; ops/workers.c decides which ones run. */
#include "core/worker.h"

#include <stdlib.h>
#include <time.h>

#include "core/errors.h"
#include "core/log.h"

/* the condition variable is statically initialised, so it waits on CLOCK_REALTIME */
static struct timespec deadline_in(long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return until;
}

int worker_nap(struct worker *w, long ms)
{
	struct timespec until = deadline_in(ms > 0 ? ms : 0);
	pthread_mutex_lock(&w->mu);
	/* a kick that came while the pass ran is not lost: the wait ends at once */
	while (!w->stopping && !w->kicked) {
		if (ms < 0)
			pthread_cond_wait(&w->cv, &w->mu);
		else if (pthread_cond_timedwait(&w->cv, &w->mu, &until))
			break;
	}
	w->kicked = 0;
	int s = w->stopping;
	pthread_mutex_unlock(&w->mu);
	return s;
}

int worker_stopping(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	int s = w->stopping;
	pthread_mutex_unlock(&w->mu);
	return s;
}

void worker_kick(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->kicked = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void *run(void *arg)
{
	struct worker *w = arg;
	int stop = w->first_ms ? worker_nap(w, w->first_ms) : worker_stopping(w);
	while (!stop) {
		long ms = w->pass(w);
		stop = ms ? worker_nap(w, ms) : worker_stopping(w);
	}
	if (w->end)
		w->end(w);
	return NULL;
}

int worker_start(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->stopping = 0;
	pthread_mutex_unlock(&w->mu);
	if (pthread_create(&w->thread, NULL, run, w)) {
		log_error("%s: cannot start its thread", w->name);
		return E_NOMEM;
	}
	w->running = 1;
	return 0;
}

void worker_stop(struct worker *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->running = 0;
}

long worker_env_ms(const char *var, long dflt, long min)
{
	const char *v = getenv(var);
	long ms = v ? atol(v) : 0;
	return v && ms >= min ? ms : dflt;
}
