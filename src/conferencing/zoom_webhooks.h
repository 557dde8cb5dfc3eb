/* POST /webhooks/zoom: Zoom's event notifications (issue 15 section 4). The
 * signature is checked on the raw body, endpoint.url_validation is answered at
 * once, any other event is stored durably (its own short transaction) and
 * acknowledged; the worker (conferencing/zoom_worker.h) does the rest. A
 * replayed delivery is refused, and nothing slow happens in the request. */
#ifndef CONFERENCING_ZOOM_WEBHOOKS_H
#define CONFERENCING_ZOOM_WEBHOOKS_H

#include "http/router.h"

/* what one delivery's body may weigh: Zoom's meeting events are a few KiB
 * (a recurring meeting with 60 occurrences stays under 16 KiB) */
#define ZOOM_WEBHOOK_BODY_MAX (64 * 1024)

extern const struct route zoom_webhook_routes[];

#endif
