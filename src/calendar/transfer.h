/* Moving whole calendars in and out over the API: import of an .ics file,
 * export as one .ics document. */
#ifndef CALENDAR_TRANSFER_H
#define CALENDAR_TRANSFER_H

#include "http/router.h"

extern const struct route transfer_routes[];

#endif
