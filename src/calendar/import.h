/* Importing an .ics file into a calendar: every event or none, idempotent by
 * UID (an event already there with the same UID is replaced, or left alone
 * when its text is the same). The API route and `convene import` share it. */
#ifndef CALENDAR_IMPORT_H
#define CALENDAR_IMPORT_H

#include <stddef.h>

#include "calendar/booking.h"
#include "calendar/scheduling.h"
#include "ical/ics.h"
#include "store/store.h"

struct import_result {
	int created, updated, unchanged;
	size_t skipped;    /* VTODO, VJOURNAL */
	char external[16]; /* E_FORBIDDEN: the provider of the meeting the file would change (event_write's external) */
};

/* runs its own write transaction; on any error nothing is written (a room
 * that refuses an imported meeting is E_CONFLICT, with `booking` filled when
 * not NULL; a meeting made at a calendar provider, read-only, is E_FORBIDDEN
 * with res->external). actor: who imports (NULL: an operator's tool). notify: schedule
 * the people each event invites as this calendar user (calendar/scheduling.h:
 * invitations, updates, cancellations), as any write of theirs would; NULL:
 * nobody is told. progress (may be
 * NULL) sees bytes parsed, then (total, total) when stored */
int calendar_import(struct db *db, const struct calendar *c, const char *text, size_t len,
		    const struct booking_actor *actor, const struct sched_actor *notify,
		    void (*progress)(void *ctx, size_t done, size_t total), void *pctx, struct import_result *res,
		    struct ics_error *err, struct booking_result *booking);

#endif
