/* Events over the JSON API: occurrences in a window, create, show, change,
 * delete, per-occurrence changes and the raw iCalendar form. */
#ifndef CALENDAR_EVENTS_H
#define CALENDAR_EVENTS_H

#include "http/router.h"

extern const struct route events_routes[];

#endif
