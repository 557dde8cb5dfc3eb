/* GET /api/v1/conferences/{id}/zoom-connections/{cid}/stream: Server-Sent
 * Events for a connection's page, so that what a refresh, a webhook or
 * another administrator changed shows at once. */
#ifndef CONFERENCING_ZOOM_STREAM_H
#define CONFERENCING_ZOOM_STREAM_H

#include "http/router.h"

extern const struct route zoom_stream_routes[];

#endif
