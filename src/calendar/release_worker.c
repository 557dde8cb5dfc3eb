/* Releasing bookings nobody checked in to. Each release is its own write
 * transaction that deletes the booking only if it is still unchecked, so
 * two nodes doing the same pass release it once; it is audited as done by
 * the system. */
#include "calendar/release_worker.h"

#include <stdint.h>
#include <stdlib.h>

#include "calendar/booking.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/worker.h"
#include "api/audit.h"
#include "store/store.h"

#define BATCH 100

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

static long pass(struct worker *w)
{
	(void)w;
	struct db *db = store_db();
	int rc = db ? release_unchecked(db, clock_now()) : E_BUSY;
	if (rc > 0)
		log_info("released %d room booking%s nobody checked in to", rc, rc == 1 ? "" : "s");
	else if (rc < 0 && rc != E_BUSY)
		log_warn("releasing unchecked bookings failed: %s", error_name(rc));
	return interval_ms;
}

static struct worker releaser = WORKER_INIT("room release", pass, store_worker_end);

int release_worker_start(void)
{
	interval_ms = worker_env_ms("CONVENE_RELEASE_INTERVAL_MS", interval_ms, 100);
	releaser.first_ms = interval_ms; /* the first pass one interval after the start, as every later one */
	return worker_start(&releaser);
}

void release_worker_stop(void)
{
	worker_stop(&releaser);
}
