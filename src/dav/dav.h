/* CalDAV over the calendars, events and shares of calendar/: the routes of
 * /dav/ (one per method, each taking the rest of the path) and
 * /.well-known/caldav (RFC 6764). URLs are described in docs/caldav.md. */
#ifndef DAV_DAV_H
#define DAV_DAV_H

#include "http/router.h"

extern const struct route dav_routes[];

#endif
