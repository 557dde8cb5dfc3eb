/* Events: the stored iCalendar text of one calendar object (one UID) and the
 * columns extracted from it. Rows are read through callbacks whose strings
 * point into the driver's row (valid during the callback only), so that a
 * feed of thousands of events copies nothing. Deleting leaves a tombstone
 * (UID and modseq) for sync. */
#ifndef STORE_EVENTS_H
#define STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

struct event_row {
	const char *account_id, *id, *calendar_id, *uid;
	const char *ical, *ical_busy, *tzids;
	const char *summary, *location;
	int64_t start_at, end_at;
	int all_day;
	const char *tzid, *rrule; /* NULL when absent */
	int64_t range_end;
	/* start of the first occurrence, overrides and RDATEs included (an
	 * occurrence moved before DTSTART); 0 or later than start_at: start_at */
	int64_t range_start;
	const char *status, *transp, *klass, *organizer;
	int sequence;
	const char *etag;
	int64_t modseq;
	const char *created_by;
	int64_t created_at, updated_at;
	const char *href; /* the CalDAV resource name (decoded last segment); set on insert, read always */
};

int store_event_insert(struct db *db, const struct event_row *e);
/* every column but account_id, id, calendar_id, href, created_* (by id) */
int store_event_update(struct db *db, const struct event_row *e);
/* also writes the tombstone (uid, modseq) */
int store_event_delete(struct db *db, const char *account_id, const char *id, int64_t modseq);

typedef int (*store_event_cb)(void *ctx, const struct event_row *e);
/* cb is called once (E_NOTFOUND when no row) */
int store_event_get(struct db *db, const char *account_id, const char *id, store_event_cb cb, void *ctx);
int store_event_by_uid(struct db *db, const char *account_id, const char *calendar_id, const char *uid,
		       store_event_cb cb, void *ctx);
/* by CalDAV resource name in a calendar (E_NOTFOUND when none) */
int store_event_by_href(struct db *db, const char *account_id, const char *calendar_id, const char *href,
			store_event_cb cb, void *ctx);
/* events with an occurrence that may overlap [from, to): range_start < to and
 * range_end > from, in start order; cb returning non-zero stops with it */
int store_event_window(struct db *db, const char *account_id, const char *calendar_id, int64_t from, int64_t to,
		       store_event_cb cb, void *ctx);
/* sync-collection (RFC 6578): the calendar's events written after modseq,
 * in modseq order, and the resource names deleted after it (tombstones) */
int store_event_changed_since(struct db *db, const char *account_id, const char *calendar_id, int64_t modseq,
			      store_event_cb cb, void *ctx);
int store_event_deleted_since(struct db *db, const char *account_id, const char *calendar_id, int64_t modseq,
			      int (*cb)(void *ctx, const char *uid, int64_t modseq), void *ctx);
int store_event_count(struct db *db, const char *account_id, const char *calendar_id, int64_t *out);

#endif
