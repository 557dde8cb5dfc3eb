/* GET /api/v1/calendars/{id}/stream: Server-Sent Events saying that a
 * calendar changed (its version), so that open views refetch at once. */
#ifndef CALENDAR_STREAM_H
#define CALENDAR_STREAM_H

#include "http/router.h"
#include "store/store.h"

extern const struct route calendar_stream_routes[];

/* the topic of a calendar's changes; say it inside the changing transaction */
int calendar_changed(struct db *db, const struct calendar *c);

#endif
