/* The technicians' queue: the waiting sessions and open offline requests of
 * the portals they serve (GET /api/v1/support/queue), and their console's
 * stream of it and of their presence (GET /api/v1/support/stream). The
 * stream also keeps the technician's presence fresh: at each of its pings it
 * writes seen_at (at most every CHAT_TOUCH_S), so that a console that went
 * away (closed laptop) lets its technician count as offline once seen_at is
 * older than CHAT_FRESH_S, with no request needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/tx.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/response.h"
#include "http/sse.h"
#include "support/chat.h"

#define QUEUE_MAX 200

/* sessions as the console lists them: the queue (mine = 0) or one's own live chats (mine = 1) */
static json_t *queue_json(struct db *db, const char *account_id, const char *user_id, int admin, int mine, int *err)
{
	struct support_session *rows = malloc(QUEUE_MAX * sizeof *rows);
	json_t *items = json_array();
	int n = 0;
	*err = !rows || !items ? E_NOMEM
	       : mine          ? store_support_sessions_of(db, account_id, user_id, rows, QUEUE_MAX, &n)
			       : store_support_queue_list(db, account_id, admin ? NULL : user_id, rows, QUEUE_MAX, &n);
	for (int i = 0; !*err && i < n; i++)
		json_array_append_new(items, chat_session_json(db, &rows[i], 1));
	free(rows);
	if (*err) {
		json_decref(items);
		return NULL;
	}
	return items;
}

static int list(struct req *r)
{
	struct db *db;
	int rc = chat_staff(r);
	if (rc || (rc = api_db(&db)))
		return rc;
	json_t *items = queue_json(db, r->who.account_id, r->who.user_id, access_is(r, "admin"), 0, &rc);
	if (!items)
		return rc;
	json_t *mine = queue_json(db, r->who.account_id, r->who.user_id, 0, 1, &rc);
	if (!mine) {
		json_decref(items);
		return rc;
	}
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", items, "mine", mine));
}

struct console {
	char account_id[ID_MAX];
	char user_id[ID_MAX];
	int admin;
	char *last; /* the state event last sent */
};

static void console_free(void *ctx)
{
	struct console *c = ctx;
	free(c->last);
	free(c);
}

/* seen_at kept fresh while the console is open; a technician coming back
 * from stale tells the portals (their openness may change) */
static int console_touch(struct db *db, const struct console *c, int64_t now)
{
	struct support_presence p;
	int rc = store_support_presence_get(db, c->account_id, c->user_id, &p);
	if (rc || !strcmp(p.state, "offline") || p.seen_at >= now - CHAT_TOUCH_S)
		return rc;
	if ((rc = store_begin(db, 1)))
		return rc;
	rc = store_support_presence_touch(db, c->account_id, c->user_id, now, now - CHAT_TOUCH_S);
	if (rc == 1 && p.seen_at < now - CHAT_FRESH_S) {
		char t[96];
		snprintf(t, sizeof t, "support_staff:%s", c->account_id);
		rc = store_changed(db, t);
	}
	if (rc < 0) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}

static int console_render(void *ctx, int ping, struct buf *out, char last[SSE_ID_MAX])
{
	struct console *c = ctx;
	struct db *db = store_db();
	struct support_presence p;
	int64_t now = clock_now();
	int rc;
	(void)last;
	if (!db)
		return E_BUSY;
	if ((rc = console_touch(db, c, now)))
		return rc;
	if ((rc = store_support_presence_get(db, c->account_id, c->user_id, &p)))
		return rc;
	(void)ping;
	json_t *items = queue_json(db, c->account_id, c->user_id, c->admin, 0, &rc);
	if (!items)
		return rc;
	json_t *mine = queue_json(db, c->account_id, c->user_id, 0, 1, &rc);
	if (!mine) {
		json_decref(items);
		return rc;
	}
	json_t *o = json_pack("{s:o, s:o, s:o}", "queue", items, "mine", mine, "presence", chat_presence_json(&p, now));
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (!text)
		return E_NOMEM;
	rc = 0;
	if (!c->last || strcmp(text, c->last)) {
		rc = sse_frame(out, NULL, "console", text, strlen(text));
		free(c->last);
		c->last = text;
	} else
		free(text);
	return rc;
}

static int console_stream(struct req *r)
{
	int rc = chat_staff(r);
	if (rc)
		return rc;
	struct console *c = calloc(1, sizeof *c);
	if (!c)
		return E_NOMEM;
	memcpy(c->account_id, r->who.account_id, sizeof c->account_id);
	memcpy(c->user_id, r->who.user_id, sizeof c->user_id);
	c->admin = access_is(r, "admin");
	char t1[96], t2[96];
	snprintf(t1, sizeof t1, "support_queue:%s", r->who.account_id);
	snprintf(t2, sizeof t2, "support_staff:%s", r->who.account_id);
	return sse_start_log(r, t1, t2, console_render, c, console_free);
}

const struct route support_queue_routes[] = {
	{"GET", "/api/v1/support/queue", list, 0},
	{"GET", "/api/v1/support/stream", console_stream, 0},
	{0},
};
