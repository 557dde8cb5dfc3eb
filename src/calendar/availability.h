/* Availability: free/busy of users (and rooms) for a window, like Google's
 * freeBusy without its 50-calendar cap. */
#ifndef CALENDAR_AVAILABILITY_H
#define CALENDAR_AVAILABILITY_H

#include "http/router.h"

extern const struct route availability_routes[];

#endif
