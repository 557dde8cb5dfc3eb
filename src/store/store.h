/* The storage interface every domain uses: connection and transaction
 * handling here, the operations of each domain in store/<domain>.h (included
 * below). Functions take the connection of the calling thread (store_db())
 * and an account id; no operation crosses accounts. Errors are core/errors.h
 * codes: E_NOTFOUND when the row is not in that account, E_CONFLICT on a
 * unique key. */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

struct db;

int store_init(const char *url, char *err, size_t errlen); /* opens the caller thread's connection */
struct db *store_db(void); /* this thread's connection, opened on first use; NULL on failure */
void store_close_thread(void);
struct worker;
/* a worker's end (core/worker.h) that only closes its thread's connection */
void store_worker_end(struct worker *w);
int store_ping(struct db *db);
int store_migrate(struct db *db, int *applied, char *err, size_t errlen);
int store_schema_version(struct db *db, int *out);
int store_latest_version(struct db *db);
const char *store_backend(struct db *db); /* "sqlite" or "postgres" */
const char *store_error(struct db *db);   /* the last driver message, for logs */

/* the server's waits (see db_set_limits): a write transaction that cannot
 * get the writer lock within lock_ms fails with E_BUSY; call before threads
 * open their connections */
void store_set_limits(int lock_ms, int statement_ms);
int store_begin(struct db *db, int write);
int store_commit(struct db *db);
void store_rollback(struct db *db);

/* A stamp that changes whenever a write may have been committed since it was
 * taken: by any connection of this process (a counter bumped after every
 * write commit and autocommit write) or, on SQLite, by another process
 * (PRAGMA data_version). A cache keeps what it read under the stamp taken
 * BEFORE reading, and uses it only while store_stamp() still gives the same.
 * E_INVALID on PostgreSQL: other nodes write there unseen, so no caching. */
struct store_stamp {
	uint64_t local;
	int64_t external;
};
int store_stamp(struct db *db, struct store_stamp *out);
static inline int store_stamp_same(const struct store_stamp *a, const struct store_stamp *b)
{
	return a->local == b->local && a->external == b->external;
}

/* Saying that a topic ("room:<id>") changed, inside the write transaction
 * of the change: it is heard after the commit, on every node, by the
 * function given to store_on_changed ("*" means everything may have changed,
 * after notifications were lost); a rollback drops it. */
int store_changed(struct db *db, const char *topic);
void store_on_changed(void (*fn)(const char *topic));
/* PostgreSQL: a thread of its own LISTENs for other nodes' changes */
int store_listen_start(const char *url);
void store_listen_stop(void);

#include "store/accounts.h"
#include "store/apps.h"
#include "store/app_passwords.h"
#include "store/audit.h"
#include "store/bookings.h"
#include "store/calendars.h"
#include "store/companies.h"
#include "store/conferences.h"
#include "store/zoom.h"
#include "store/support_files.h"
#include "store/support_retention.h"
#include "store/support_sessions.h"
#include "store/support_offline.h"
#include "store/support_devices.h"
#include "store/support_history.h"
#include "store/support_staff.h"
#include "store/event_meetings.h"
#include "store/devices.h"
#include "store/displays.h"
#include "store/events.h"
#include "store/id_sets.h"
#include "store/modules.h"
#include "store/throttle_counts.h"
#include "store/outbox.h"
#include "store/portals.h"
#include "store/principals.h"
#include "store/rights.h"
#include "store/rooms.h"
#include "store/sessions.h"
#include "store/settings.h"
#include "store/shares.h"
#include "store/sync.h"
#include "store/teams.h"
#include "store/users.h"
#include "store/zoom_webhooks.h"

#endif
