/* Principals beyond the caller's own: the rooms of the account (calendar-user-
 * type ROOM, at /dav/principals/rooms/<room_id>/, their calendars read-only
 * at /dav/calendars/rooms/<room_id>/) and the other users of the account
 * (name and address only, for attendee autocomplete); and the RFC 3744
 * principal reports (principal-property-search, principal-search-property-
 * set) that find them. Another account's never resolve (404). */
#ifndef DAV_PRINCIPALS_H
#define DAV_PRINCIPALS_H

#include <libxml/tree.h>

#include "core/buf.h"
#include "dav/path.h"
#include "dav/props.h"
#include "dav/resource.h"

struct dav_principal {
	const char *href, *name, *email; /* arena strings; email without "mailto:" */
	const char *cutype;              /* INDIVIDUAL, ROOM */
	const char *home;                /* calendar-home-set, or NULL: not shown */
	const char *record_type;         /* CalendarServer's record-type: users, locations */
};

/* dav_resource_load's part for room paths and other users' principals */
int dav_principals_load(struct req *r, struct db *db, const struct dav_path *p, struct dav_res *res);
/* PROPFIND Depth 1 of /dav/calendars/rooms/: the calendars of the rooms one may book */
int dav_principals_room_calendars(struct req *r, struct db *db, const struct dav_proplist *want, struct buf *b);
/* room_calendar.c: a room calendar's resources, its bookings as events (one
 * "<booking_id>.ics" each) overlapping [from, to); and one by name (E_NOTFOUND) */
int dav_room_events(struct req *r, struct db *db, const struct dav_res *cal, int64_t from, int64_t to,
		    int (*cb)(void *ctx, const struct event_row *e), void *ctx);
int dav_room_event(struct req *r, struct db *db, const struct dav_res *cal, const char *name, struct event_row *out);

/* is root one of the principal reports */
int dav_principals_is_report(const xmlNode *root);
/* answers a principal report on p */
int dav_principals_report(struct req *r, struct db *db, const struct dav_path *p, const xmlNode *root);

#endif
