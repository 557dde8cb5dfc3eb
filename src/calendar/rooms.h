/* Rooms over the JSON API: administrators create and change them with their
 * booking rules; everyone who may own calendars lists them, searches for a
 * free one and sees their bookings. */
#ifndef CALENDAR_ROOMS_H
#define CALENDAR_ROOMS_H

#include "http/router.h"

extern const struct route rooms_routes[];

#endif
