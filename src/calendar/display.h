/* The screen at a room's door: device tokens (administrators create and
 * revoke them), the room's state now (JSON and a live SSE stream), and what
 * people do at the door: check in, end early, book now. */
#ifndef CALENDAR_DISPLAY_H
#define CALENDAR_DISPLAY_H

#include "http/router.h"

extern const struct route display_routes[];

#endif
