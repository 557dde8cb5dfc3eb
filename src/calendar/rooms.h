/* Rooms over the JSON API: administrators create and change them with their
 * booking rules; everyone who may own calendars lists them, searches for a
 * free one and sees their bookings. */
#ifndef CALENDAR_ROOMS_H
#define CALENDAR_ROOMS_H

#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

extern const struct route rooms_routes[];

/* the room {id} of the request's path, for a caller who books rooms: 403
 * problem for guests and customers, 404 when the account has no such room
 * (the response is set on either) */
int rooms_load_bookable(struct req *r, struct db *db, struct room *o);

/* a new room o of o->account_id (name, capacity, building, floor, category,
 * email or "" for <id>@rooms.invalid, rules set by the caller) and its
 * calendar: o->id, calendar_id and times filled. Inside a write
 * transaction; E_CONFLICT when the e-mail address is taken. */
int rooms_insert(struct db *db, struct room *o);

#endif
