/* Releasing bookings nobody checked in to. Each release is its own write
 * transaction that deletes the booking only if it is still unchecked, so
 * two nodes doing the same pass release it once; it is audited as done by
 * the system. */
#include "calendar/release_worker.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "calendar/booking.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "iam/audit.h"
#include "store/store.h"

#define BATCH 100

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping, running;
static long interval_ms = 30000;

int release_unchecked(struct db *db, long long now)
{
	struct booking v[BATCH];
	int n = 0, released = 0;
	int rc = store_booking_unchecked(db, now, v, BATCH, &n);
	for (int i = 0; !rc && i < n; i++) {
		struct booking cur;
		if ((rc = store_begin(db, 1)))
			break;
		rc = store_booking_get(db, v[i].account_id, v[i].id, &cur);
		if (rc == E_NOTFOUND || (!rc && cur.checked_in_at)) { /* checked in or gone meanwhile */
			store_rollback(db);
			rc = 0;
			continue;
		}
		if (rc || (rc = store_booking_delete(db, cur.account_id, cur.id)) ||
		    (rc = booking_room_changed(db, cur.room_id)) ||
		    (rc = audit_record_system(db, cur.account_id, "system", "booking.release", "room", cur.room_id,
					      NULL,
					      json_pack("{s:s, s:s, s:I}", "booking_id", cur.id, "event_id",
							cur.event_id, "start", (json_int_t)cur.start_at),
					      NULL)) ||
		    (rc = store_commit(db))) {
			store_rollback(db);
			break;
		}
		released++;
	}
	return rc ? rc : released;
}

static void *run(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += interval_ms / 1000;
		until.tv_nsec += (interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wake, &lock, &until);
		if (stopping)
			break;
		pthread_mutex_unlock(&lock);
		struct db *db = store_db();
		int rc = db ? release_unchecked(db, clock_now()) : E_BUSY;
		if (rc > 0)
			log_info("released %d room booking%s nobody checked in to", rc, rc == 1 ? "" : "s");
		else if (rc < 0 && rc != E_BUSY)
			log_warn("releasing unchecked bookings failed: %s", error_name(rc));
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	store_close_thread();
	return NULL;
}

int release_worker_start(void)
{
	const char *env = getenv("CONVENE_RELEASE_INTERVAL_MS");
	if (env && atol(env) >= 100)
		interval_ms = atol(env);
	stopping = 0;
	if (pthread_create(&thread, NULL, run, NULL))
		return E_NOMEM;
	running = 1;
	return 0;
}

void release_worker_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = 0;
}
