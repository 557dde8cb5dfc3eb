/* free-busy-query (RFC 4791 section 7.10) on a calendar: a VFREEBUSY of the
 * busy time in a window, for everyone with read-free-busy on it (free/busy
 * grantees included). The spans come from calendar/busy.h, as for POST
 * /api/v1/freebusy: a calendar's opaque, not cancelled occurrences, and for a
 * room's calendar the room's bookings. */
#ifndef DAV_FREEBUSY_H
#define DAV_FREEBUSY_H

#include <libxml/tree.h>

#include "dav/resource.h"

/* answers the report on cal (a DAV_CALENDAR resource) */
int dav_freebusy_report(struct req *r, struct db *db, const xmlNode *root, const struct dav_res *cal);

#endif
