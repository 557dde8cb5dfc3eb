/* iMIP replies coming in by mail (RFC 6047 section 2.3): POST /api/v1/imip
 * takes a mail (message/rfc822) or a bare text/calendar METHOD:REPLY that an
 * outside attendee sent, and applies their answer to the organizer's copy,
 * the organizer being a user of the caller's account. For an MTA's pipe
 * transport, with an API application's bearer token (docs/operations.md). */
#ifndef CALENDAR_IMIP_IN_H
#define CALENDAR_IMIP_IN_H

#include "http/router.h"

extern const struct route imip_in_routes[];

#endif
