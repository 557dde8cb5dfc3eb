/* SSE streams as suspended libmicrohttpd connections. The content reader
 * runs on the connection's thread: with nothing to send it suspends the
 * connection and returns 0 (microhttpd.h's pattern); sse_notify and the ping
 * timer mark streams and resume them. A stream's lock orders "nothing to
 * send, suspend" against "mark, resume", so no wake-up is lost; the hub's lock
 * keeps a stream alive while it is being marked (the free callback takes it
 * before unlinking). */
#include "http/sse.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/worker.h"
#include "http/metrics.h"
#include "http/response.h"

struct sse_stream {
	struct MHD_Connection *conn;
	char topic[128];
	char topic2[128]; /* log streams: a second topic, "" for none */
	char event[32];
	sse_render_fn render;
	sse_log_fn log_render; /* set: a log stream (render unused) */
	void *ctx;
	void (*ctx_free)(void *ctx);
	pthread_mutex_t mu;
	int dirty, ping, closing, suspended;
	int slot; /* which of the PING_SLICES pings this stream */
	struct buf out;
	size_t out_off;
	char last_id[SSE_ID_MAX];
	struct sse_stream *prev, *next;
};

static pthread_mutex_t hub_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sse_stream *hub;
static int nstreams;

static long ping_ms;
/* Each ping pass marks one slice of the streams, so that every stream gets
 * its ping once per ping_ms but their renders (a log stream renders at each
 * ping) spread over the interval instead of all landing at once. */
#define PING_SLICES 16
static int ping_phase, next_slot;

/* marks under the stream's lock and resumes it if it sleeps; call with hub_mu held */
static void mark(struct sse_stream *s, int dirty, int ping, int closing)
{
	pthread_mutex_lock(&s->mu);
	s->dirty |= dirty;
	s->ping |= ping;
	s->closing |= closing;
	if (s->suspended) {
		s->suspended = 0;
		MHD_resume_connection(s->conn);
	}
	pthread_mutex_unlock(&s->mu);
}

void sse_notify(const char *topic)
{
	pthread_mutex_lock(&hub_mu);
	for (struct sse_stream *s = hub; s; s = s->next)
		if (!strcmp(topic, "*") || !strcmp(s->topic, topic) || (s->topic2[0] && !strcmp(s->topic2, topic)))
			mark(s, 1, 0, 0);
	pthread_mutex_unlock(&hub_mu);
}

int sse_open_streams(void)
{
	pthread_mutex_lock(&hub_mu);
	int n = nstreams;
	pthread_mutex_unlock(&hub_mu);
	return n;
}

/* "id: …\nevent: …\ndata: …\n\n"; data is one line of JSON (no newlines) */
int sse_frame(struct buf *out, const char *id, const char *event, const char *data, size_t len)
{
	int rc = id ? buf_printf(out, "id: %s\nevent: %s\ndata: ", id, event)
		    : buf_printf(out, "event: %s\ndata: ", event);
	for (size_t i = 0; !rc && i < len; i++) /* a newline would end the data early */
		rc = buf_append(out, data[i] == '\n' ? " " : &data[i], 1);
	return rc ? rc : buf_puts(out, "\n\n");
}

static const char *end_reason(int rc)
{
	return rc == E_NOTFOUND ? "gone" : rc == E_FORBIDDEN || rc == E_UNAUTH ? "forbidden" : "error";
}

/* a log stream's turn, with s->mu not held: what render appends goes out as it is */
static void log_turn(struct sse_stream *s, int ping)
{
	struct buf data = {0};
	char last[SSE_ID_MAX];
	memcpy(last, s->last_id, sizeof last); /* only this thread changes last_id */
	int rc = s->log_render(s->ctx, ping, &data, last);
	pthread_mutex_lock(&s->mu);
	if (rc < 0) {
		buf_printf(&s->out, "event: end\ndata: {\"reason\":\"%s\"}\n\n", end_reason(rc));
		s->closing = 1;
	} else {
		s->dirty |= rc == 1; /* more to send: another turn once this is out */
		if (data.len)
			buf_append(&s->out, data.data, data.len);
		if (ping)
			buf_puts(&s->out, ": ping\n\n");
		memcpy(s->last_id, last, sizeof s->last_id);
	}
	buf_free(&data);
}

static ssize_t reader(void *cls, uint64_t pos, char *dst, size_t max)
{
	struct sse_stream *s = cls;
	(void)pos;
	pthread_mutex_lock(&s->mu);
again:
	if (s->out_off == s->out.len) {
		s->out.len = s->out_off = 0;
		if (s->closing) {
			pthread_mutex_unlock(&s->mu);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (s->log_render && (s->dirty || s->ping)) {
			int ping = s->ping && !s->dirty;
			s->dirty = s->ping = 0;
			pthread_mutex_unlock(&s->mu);
			log_turn(s, ping);
		} else if (s->dirty) {
			s->dirty = s->ping = 0;
			pthread_mutex_unlock(&s->mu);
			struct buf data = {0};
			char id[SSE_ID_MAX] = "";
			int rc = s->render(s->ctx, &data, id);
			pthread_mutex_lock(&s->mu);
			if (rc) {
				/* tell the client why it ends, so it need not reconnect */
				buf_printf(&s->out, "event: end\ndata: {\"reason\":\"%s\"}\n\n", end_reason(rc));
				s->closing = 1;
			} else if (strcmp(id, s->last_id)) {
				sse_frame(&s->out, id, s->event, data.data, data.len);
				memcpy(s->last_id, id, sizeof s->last_id);
			}
			buf_free(&data);
		} else if (s->ping) {
			s->ping = 0;
			buf_puts(&s->out, ": ping\n\n");
		}
	}
	if (s->out_off < s->out.len) {
		size_t n = s->out.len - s->out_off;
		if (n > max)
			n = max;
		memcpy(dst, s->out.data + s->out_off, n);
		s->out_off += n;
		pthread_mutex_unlock(&s->mu);
		return (ssize_t)n;
	}
	if (s->closing) {
		pthread_mutex_unlock(&s->mu);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	/* a change said while this thread rendered (and rendered nothing new,
	 * having perhaps read before it): render again rather than sleep on it */
	if (s->dirty)
		goto again;
	s->suspended = 1;
	MHD_suspend_connection(s->conn);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static void stream_free(void *cls)
{
	struct sse_stream *s = cls;
	pthread_mutex_lock(&hub_mu);
	if (s->prev)
		s->prev->next = s->next;
	else if (hub == s)
		hub = s->next;
	if (s->next)
		s->next->prev = s->prev;
	nstreams--;
	pthread_mutex_unlock(&hub_mu);
	metrics_sse_open(-1);
	if (s->ctx_free)
		s->ctx_free(s->ctx);
	buf_free(&s->out);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int sse_start(struct req *r, const char *topic, const char *event, sse_render_fn render, void *ctx,
	      void (*ctx_free)(void *ctx))
{
	struct sse_stream *s = calloc(1, sizeof *s);
	if (!s) {
		if (ctx_free)
			ctx_free(ctx);
		return E_NOMEM;
	}
	s->conn = r->conn;
	snprintf(s->topic, sizeof s->topic, "%s", topic);
	snprintf(s->event, sizeof s->event, "%s", event);
	s->render = render;
	s->ctx = ctx;
	s->ctx_free = ctx_free;
	s->dirty = 1; /* the first read sends the current state */
	pthread_mutex_init(&s->mu, NULL);
	const char *last = req_header(r, "Last-Event-ID");
	if (last)
		snprintf(s->last_id, sizeof s->last_id, "%s", last);
	r->stream = s;
	r->responded = 1;
	r->resp.status = 200;
	return 0;
}

int sse_start_log(struct req *r, const char *topic, const char *topic2, sse_log_fn render, void *ctx,
		  void (*ctx_free)(void *ctx))
{
	int rc = sse_start(r, topic, "log", NULL, ctx, ctx_free);
	if (rc)
		return rc;
	struct sse_stream *s = r->stream;
	s->log_render = render;
	snprintf(s->topic2, sizeof s->topic2, "%s", topic2 ? topic2 : "");
	return 0;
}

int sse_is_stream(const struct req *r)
{
	return r->stream != NULL;
}

static void stream_discard(struct req *r)
{
	struct sse_stream *s = r->stream;
	if (s->ctx_free)
		s->ctx_free(s->ctx);
	pthread_mutex_destroy(&s->mu);
	free(s);
	r->stream = NULL;
}

static void stream_headers(struct MHD_Response *mr)
{
	MHD_add_response_header(mr, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(mr, "Cache-Control", "no-store");
	MHD_add_response_header(mr, "X-Accel-Buffering", "no"); /* nginx: do not hold events back */
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
}

struct MHD_Response *sse_response(struct req *r)
{
	if (!strcmp(r->method, "HEAD")) {
		/* HEAD gets the stream's header fields and nothing more: as a
		 * chunked response libmicrohttpd would still send the last chunk
		 * ("0\r\n\r\n"), which a keep-alive client then reads as the
		 * start of its next response */
		stream_discard(r);
		struct MHD_Response *mr = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
		if (mr)
			stream_headers(mr);
		return mr;
	}
	struct sse_stream *s = r->stream;
	struct MHD_Response *mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, stream_free);
	if (!mr) {
		stream_discard(r);
		return NULL;
	}
	stream_headers(mr);
	pthread_mutex_lock(&hub_mu);
	s->slot = next_slot;
	next_slot = (next_slot + 1) % PING_SLICES;
	s->next = hub;
	if (hub)
		hub->prev = s;
	hub = s;
	nstreams++;
	pthread_mutex_unlock(&hub_mu);
	metrics_sse_open(1);
	return mr;
}

/* a comment line on every stream now and then, so that proxies keep idle ones open */
static long ping_pass(struct worker *w)
{
	(void)w;
	pthread_mutex_lock(&hub_mu);
	for (struct sse_stream *s = hub; s; s = s->next)
		if (s->slot == ping_phase)
			mark(s, 0, 1, 0);
	ping_phase = (ping_phase + 1) % PING_SLICES;
	pthread_mutex_unlock(&hub_mu);
	return ping_ms / PING_SLICES;
}

static struct worker pinger = WORKER_INIT("sse pings", ping_pass, NULL);

int sse_init(void)
{
	const char *env = getenv("CONVENE_SSE_PING_MS");
	long ms = env ? strtol(env, NULL, 10) : 25000;
	if (ms < 100)
		ms = 100;
	ping_ms = ms;
	pinger.first_ms = ms / PING_SLICES;
	return worker_start(&pinger);
}

void sse_shutdown(void)
{
	worker_stop(&pinger);
	pthread_mutex_lock(&hub_mu);
	for (struct sse_stream *s = hub; s; s = s->next)
		mark(s, 0, 0, 1);
	pthread_mutex_unlock(&hub_mu);
}
