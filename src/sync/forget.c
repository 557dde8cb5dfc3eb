/* Removing a provider room's external bookings (sync/forget.h), a batch per
 * transaction so that a room with thousands of meetings never holds the
 * writer's lock for long. */
#include "sync/forget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/event_store.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/log.h"
#include "store/store.h"
#include "store/sync.h"

#define BATCH 100
#define BATCHES_MAX 2000 /* 200,000 meetings: more than inbound keeps for one room */

/* one external booking and its mapping */
static int forget_one(struct db *db, struct arena *a, const struct sync_event *e)
{
	struct calendar cal;
	struct event_row row;
	int rc = store_calendar_by_event(db, e->account_id, e->event_id, &cal);
	if (!rc)
		rc = event_fetch(db, a, &cal, e->event_id, &row);
	if (!rc) {
		struct event_write w = {.cal = &cal, .prev = &row, .o = NULL, .deliver = EVENT_QUIET, .external_ok = 1};
		struct event_written wr;
		rc = event_write(db, a, &w, &wr);
		event_written_free(&wr);
	}
	if (rc == E_NOTFOUND) /* deleted meanwhile (the room, its calendar or the event) */
		rc = 0;
	if (!rc) {
		rc = store_sync_event_delete(db, e->account_id, e->provider, e->provider_room_id, e->provider_event_id);
		if (rc == E_NOTFOUND)
			rc = 0;
	}
	return rc;
}

int sync_room_forget(const char *account_id, const char *provider, const char *provider_room_id)
{
	struct db *db = store_db();
	struct sync_event *batch = malloc(sizeof *batch * BATCH);
	int rc = 0;
	if (!db || !batch) {
		free(batch);
		return db ? E_NOMEM : E_DB;
	}
	for (int round = 0; round < BATCHES_MAX; round++) {
		struct arena *a = arena_new();
		int n = 0;
		if (!a) {
			rc = E_NOMEM;
			break;
		}
		if ((rc = store_begin(db, 1))) {
			arena_free(a);
			break;
		}
		rc = store_sync_events_of_room(db, account_id, provider, provider_room_id, "provider", BATCH, batch,
					       &n);
		for (int i = 0; !rc && i < n; i++)
			rc = forget_one(db, a, &batch[i]);
		if (rc || (rc = store_commit(db)))
			store_rollback(db);
		arena_free(a);
		if (rc || n < BATCH)
			break;
	}
	if (rc)
		log_warn("sync: forgetting the external bookings of %s room %s of account %s failed (%s)", provider,
			 provider_room_id, account_id, error_name(rc));
	free(batch);
	return rc;
}
