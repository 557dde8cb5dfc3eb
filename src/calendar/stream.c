/* Calendar change streams. Each event is {calendar_id, version} with the
 * version as its id; the caller's role is checked again at every event, so
 * a revoked share or a deleted calendar ends the stream. */
#include "calendar/stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/access.h"
#include "core/errors.h"
#include "http/response.h"
#include "http/sse.h"

struct watch {
	struct principal who;
	char calendar_id[ID_MAX];
};

int calendar_changed(struct db *db, const struct calendar *c)
{
	char topic[64];
	snprintf(topic, sizeof topic, "calendar:%s", c->id);
	return store_changed(db, topic);
}

static int render(void *ctx, struct buf *data, char id[SSE_ID_MAX])
{
	struct watch *w = ctx;
	struct db *db = store_db();
	struct calendar c;
	int role = CAL_ROLE_NONE, rc;
	if (!db)
		return E_BUSY;
	if ((rc = store_calendar_get(db, w->who.account_id, w->calendar_id, &c)) ||
	    (rc = calendar_role(db, &w->who, &c, &role)))
		return rc;
	if (role == CAL_ROLE_NONE)
		return E_FORBIDDEN;
	snprintf(id, SSE_ID_MAX, "%lld", (long long)c.version);
	return buf_printf(data, "{\"calendar_id\":\"%s\",\"version\":%lld}", c.id, (long long)c.version);
}

static int stream(struct req *r)
{
	int rc, role;
	struct calendar c;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_FREEBUSY, &c, &role)))
		return rc;
	struct watch *w = calloc(1, sizeof *w);
	if (!w)
		return E_NOMEM;
	w->who = r->who;
	memcpy(w->calendar_id, c.id, sizeof w->calendar_id);
	char topic[64];
	snprintf(topic, sizeof topic, "calendar:%s", c.id);
	return sse_start(r, topic, "calendar", render, w, free);
}

const struct route calendar_stream_routes[] = {
	{"GET", "/api/v1/calendars/{id}/stream", stream, 0},
	{0},
};
