/* Writing events: the one path by which the JSON API, imports and (later)
 * CalDAV store, replace and delete calendar objects. Each write bumps the
 * calendar's version (the modseq of the change) and gives the event a
 * content ETag; room bookings follow the event from here. Call inside a write
 * transaction. */
#ifndef CALENDAR_EVENT_STORE_H
#define CALENDAR_EVENT_STORE_H

#include "calendar/booking.h"
#include "ical/ics.h"
#include "core/arena.h"
#include "store/store.h"

#define ETAG_MAX 32

struct event_saved {
	char id[ID_MAX];
	char etag[ETAG_MAX]; /* quoted, as sent in the ETag header */
	int created;         /* a new event */
	int unchanged;       /* the same text was already stored: nothing written */
	int64_t modseq;
};

/* id NULL: insert (E_CONFLICT when the UID is taken in the calendar);
 * otherwise replace that event's text. The rooms it invites are booked
 * (calendar/booking.h): a refusal is E_CONFLICT with res->refused set (res
 * may be NULL when the caller does not report it). When booking changed a
 * room's PARTSTAT, the text stored is a new object, given in *final (may be
 * NULL; free it with ics_object_free), else *final is NULL and o is it. */
int event_store(struct db *db, const struct calendar *cal, const struct ics_object *o, const char *id,
		const struct booking_actor *actor, struct booking_result *res, struct event_saved *out,
		struct ics_object **final);
/* the same, with the CalDAV resource name of a new event (name NULL: "<uid>.ics",
 * or "<event id>.ics" when the UID is not a plain path segment or that name
 * is taken); an update keeps the name */
int event_store_named(struct db *db, const struct calendar *cal, const struct ics_object *o, const char *id,
		      const char *name, const struct booking_actor *actor, struct booking_result *res,
		      struct event_saved *out, struct ics_object **final);
/* a UID that is its own resource name with ".ics": 1 to 200 bytes, no '/' or control character */
int event_name_plain(const char *uid);
int event_delete(struct db *db, const struct calendar *cal, const char *id);

/* a copy of one row in the arena (E_NOTFOUND when not in that calendar) */
int event_fetch(struct db *db, struct arena *a, const struct calendar *cal, const char *id, struct event_row *out);
int event_fetch_uid(struct db *db, struct arena *a, const struct calendar *cal, const char *uid, struct event_row *out);
int event_fetch_href(struct db *db, struct arena *a, const struct calendar *cal, const char *href,
		     struct event_row *out);

#endif
