/* GET /api/v1/rooms/{id}/stream: Server-Sent Events telling the calendar
 * page that a room's schedule changed, so that a room shown beside one's
 * calendars is as live as the calendars (members may not read the room's own
 * calendar, whose stream this is not). Every event means "fetch the schedule
 * again": one at once (what changed before the stream opened, or while a
 * client was away), then one after each change to the room's bookings or to
 * the room, made on any node. Its id is the time it was sent, so a client
 * that resumes with Last-Event-ID always fetches once. The room is read at
 * every event: a deleted room ends the stream. */
#include "calendar/room_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/rooms.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/sse.h"

struct watch {
	char account_id[ID_MAX];
	char room_id[ID_MAX];
};

static int render(void *ctx, struct buf *data, char id[SSE_ID_MAX])
{
	struct watch *w = ctx;
	struct db *db = store_db();
	struct room o;
	if (!db)
		return E_BUSY;
	int rc = store_room_get(db, w->account_id, w->room_id, &o);
	if (rc)
		return rc;
	snprintf(id, SSE_ID_MAX, "%lld", (long long)clock_now_us());
	return buf_printf(data, "{\"room_id\":\"%s\"}", o.id);
}

static int stream(struct req *r)
{
	struct room o;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	int rc = rooms_load_bookable(r, db, &o);
	if (rc)
		return rc;
	struct watch *w = calloc(1, sizeof *w);
	if (!w)
		return E_NOMEM;
	memcpy(w->account_id, o.account_id, sizeof w->account_id);
	memcpy(w->room_id, o.id, sizeof w->room_id);
	char topic[64];
	snprintf(topic, sizeof topic, "room:%s", o.id);
	return sse_start(r, topic, "room", render, w, free);
}

const struct route room_stream_routes[] = {
	{"GET", "/api/v1/rooms/{id}/stream", stream, 0},
	{0},
};
