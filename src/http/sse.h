/* Server-Sent Events on the same daemon. A handler turns its request into a
 * stream of one topic ("room:<id>"); whenever the topic changes (sse_notify,
 * from any thread, or from another node through the store's notifications)
 * each stream of it renders its current state on its own connection thread
 * and sends it as one event, unless the event id is the one last sent (so a
 * client resuming with Last-Event-ID gets nothing it has). Between events a
 * stream is a suspended connection (no thread, no polling); a comment every
 * ping interval lets proxies keep it and makes dead clients notice. */
#ifndef HTTP_SSE_H
#define HTTP_SSE_H

#include "core/buf.h"
#include "http/request.h"

#define SSE_ID_MAX 64

/* Fills data (the event's data: one JSON document) and id (a version of the
 * state: equal ids mean equal data). Runs on a connection thread, may use
 * store_db(). Returns 0, or an error: the stream then ends with an `end`
 * event whose data says why: {"reason": "gone"} (E_NOTFOUND), "forbidden"
 * (E_FORBIDDEN, E_UNAUTH: e.g. the token that opened it was revoked) or
 * "error"; clients should not reconnect after it. */
typedef int (*sse_render_fn)(void *ctx, struct buf *data, char id[SSE_ID_MAX]);

/* Answers r with a stream of `topic` whose events are called `event`. ctx
 * (malloc'd) belongs to the stream from here on, freed by ctx_free when the
 * stream ends, also when sse_start fails. */
int sse_start(struct req *r, const char *topic, const char *event, sse_render_fn render, void *ctx,
	      void (*ctx_free)(void *ctx));

void sse_notify(const char *topic); /* every stream of the topic ("*": all) sends its new state */
int sse_open_streams(void);
/* starts the ping timer (interval from CONVENE_SSE_PING_MS, default 25 s) */
int sse_init(void);
/* ends every stream (they close cleanly) and stops the timer: before the
 * daemon stops, which cannot stop with suspended connections */
void sse_shutdown(void);

/* for http/server.c: the response for a request that became a stream */
struct MHD_Response;
struct MHD_Response *sse_response(struct req *r);
int sse_is_stream(const struct req *r);

#endif
