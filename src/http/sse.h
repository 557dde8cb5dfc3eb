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

/* The second kind of stream: a log. Where a state stream sends one event
 * standing for everything, a log stream appends the events that came after
 * the last one the client has, each with its own id (e.g. a chat message's
 * seq), so a reconnect with Last-Event-ID loses and repeats nothing. render
 * gets the last id sent ("" at first, or the client's Last-Event-ID) and
 * appends zero or more complete events to out (sse_frame; an event without
 * an id, for what is not logged such as a typing indicator, leaves the
 * client's last id as it was); it writes the id of the last logged event it
 * appended into last (left as it is when none). It also runs at every ping
 * (with ping = 1), so that it can keep a presence fresh or send what changed
 * without a notification. Returns 0, 1 when it stopped early with more to
 * send (it runs again once this is sent: each turn stays bounded), or an
 * error, which ends the stream as sse_render_fn's do. */
typedef int (*sse_log_fn)(void *ctx, int ping, struct buf *out, char last[SSE_ID_MAX]);
/* a stream of up to two topics (topic2 may be NULL), as sse_start */
int sse_start_log(struct req *r, const char *topic, const char *topic2, sse_log_fn render, void *ctx,
		  void (*ctx_free)(void *ctx));
/* appends one event; id NULL: an event without an id line. data is one JSON
 * document (a newline in it becomes a space) */
int sse_frame(struct buf *out, const char *id, const char *event, const char *data, size_t len);

void sse_notify(const char *topic); /* every stream of the topic ("*": all) sends its new state */
int sse_open_streams(void);
/* starts the ping timer (interval from CONVENE_SSE_PING_MS, default 25 s) */
int sse_init(void);
/* ends every stream (they close cleanly) and stops the timer: before the
 * daemon stops, which cannot stop with suspended connections */
void sse_shutdown(void);

/* for http/server.c: the response for a request that became a stream (to
 * HEAD: the stream's header fields and no body) */
struct MHD_Response;
struct MHD_Response *sse_response(struct req *r);
int sse_is_stream(const struct req *r);

#endif
