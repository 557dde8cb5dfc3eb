/* GET /api/v1/rooms/{id}/stream: Server-Sent Events saying "this room's
 * schedule changed", for the room schedules of the calendar page. The topic
 * is the room's ("room:<id>", booking_room_changed), as for door displays. */
#ifndef CALENDAR_ROOM_STREAM_H
#define CALENDAR_ROOM_STREAM_H

#include "http/router.h"

extern const struct route room_stream_routes[];

#endif
