/* ICS feeds of calendars: private ones (HTTP Basic with the user's e-mail and
 * password, or a session; the caller's role decides what they show) and
 * public ones (a 256-bit secret in the path, rotatable), with the routes that
 * create, rotate, revoke and describe a calendar's public feed. */
#ifndef CALENDAR_FEEDS_H
#define CALENDAR_FEEDS_H

#include "http/router.h"

extern const struct route feeds_routes[];

#endif
