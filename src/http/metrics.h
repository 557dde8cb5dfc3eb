/* Prometheus metrics: requests by route, method and status, a latency
 * histogram by route and method, open SSE streams, and gauges read on scrape
 * (outbox depth). */
#ifndef HTTP_METRICS_H
#define HTTP_METRICS_H

#include <stdint.h>

#include "core/buf.h"

/* one answered request. route: a static string with few values (a route
 * pattern, "static", "unmatched"); timed 0 leaves it out of the latency
 * histogram (event streams: their duration is how long a client watched) */
void metrics_request(const char *route, const char *method, int status, int64_t micros, int timed);
void metrics_sse_open(int delta);
/* a gauge whose value is read at scrape time; fn returns < 0 when unknown */
void metrics_gauge(const char *name, const char *help, int64_t (*fn)(void));
int metrics_render(struct buf *out);

#endif
