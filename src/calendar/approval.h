/* Delegates decide on bookings of rooms that need approval: approving
 * confirms the event's bookings of the room and its PARTSTAT becomes
 * ACCEPTED; declining sets DECLINED, which frees the room. */
#ifndef CALENDAR_APPROVAL_H
#define CALENDAR_APPROVAL_H

#include "http/router.h"

extern const struct route approval_routes[];

#endif
