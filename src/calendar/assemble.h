/* A calendar's events as one text/calendar document, assembled from stored
 * text (no parsing): header, a VTIMEZONE per zone used, the events of a
 * window, footer. Exports, feeds and the calendar page use it. */
#ifndef CALENDAR_ASSEMBLE_H
#define CALENDAR_ASSEMBLE_H

#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

enum assemble_detail {
	ASSEMBLE_FULL,        /* every event as stored */
	ASSEMBLE_BUSY,        /* every event as busy blocks */
	ASSEMBLE_PUBLIC_ONLY, /* details of PUBLIC events, busy blocks for the others */
};

/* events with an occurrence in [from, to) (INT64_MIN/INT64_MAX: all) */
int calendar_assemble(struct db *db, const struct calendar *c, int64_t from, int64_t to, enum assemble_detail detail,
		      struct buf *out);

#endif
