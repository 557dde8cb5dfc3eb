/* Connection streams on topic "zoom:<connection id>" (said by whatever
 * changes the connection or its Zoom account's meetings). Each `connection`
 * event is the connection as GET shows it, without its meetings but with
 * meetings_version, a digest of the cached meetings that changes whenever
 * one of them does; the event id is a digest of the data, so that a client
 * never gets the same state twice. Whether the caller may still manage the
 * conference is asked again at every event: an administrator removed from it
 * (or demoted) sees the stream end, and so does everyone once the connection
 * or the conference is gone. */
#include "conferencing/zoom_stream.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conferencing/access.h"
#include "conferencing/zoom_connections.h"
#include "core/errors.h"
#include "http/response.h"
#include "http/sse.h"
#include "store/store.h"

struct watch {
	struct principal who;
	char conference_id[ID_MAX];
	char connection_id[ID_MAX];
};

static void hash_str(crypto_generichash_state *st, const char *s)
{
	/* with its length, so that ("ab","c") and ("a","bc") differ; NULL apart from "" */
	int64_t n = s ? (int64_t)strlen(s) : -1;
	crypto_generichash_update(st, (const unsigned char *)&n, sizeof n);
	if (s)
		crypto_generichash_update(st, (const unsigned char *)s, (size_t)n);
}

static int hash_meeting(void *ctx, const struct zoom_meeting *m)
{
	crypto_generichash_state *st = ctx;
	int64_t nums[] = {m->meeting_id, m->type, m->has_start, m->has_start ? m->start_at : 0,
			  m->duration,   m->gone, m->fetched_at};
	crypto_generichash_update(st, (const unsigned char *)nums, sizeof nums);
	hash_str(st, m->uuid);
	hash_str(st, m->topic);
	hash_str(st, m->timezone);
	hash_str(st, m->join_url);
	hash_str(st, m->passcode);
	hash_str(st, m->agenda);
	return 0;
}

/* hex digest of the Zoom user's cached meetings ("" user: none) */
static int meetings_version(struct db *db, const char *zoom_user_id, char out[33])
{
	crypto_generichash_state st;
	unsigned char d[16];
	crypto_generichash_init(&st, NULL, 0, sizeof d);
	int rc = *zoom_user_id ? store_zoom_meetings_each(db, zoom_user_id, hash_meeting, &st) : 0;
	crypto_generichash_final(&st, d, sizeof d);
	sodium_bin2hex(out, 33, d, sizeof d);
	return rc;
}

static int render(void *ctx, struct buf *data, char id[SSE_ID_MAX])
{
	struct watch *w = ctx;
	struct db *db = store_db();
	struct conference *c = malloc(sizeof *c);
	struct zoom_connection *zc = malloc(sizeof *zc);
	json_t *o = NULL;
	char *text = NULL, version[33];
	int rc;
	if (!db || !c || !zc) {
		rc = !db ? E_BUSY : E_NOMEM;
		goto out;
	}
	if ((rc = store_conference_get(db, w->who.account_id, w->conference_id, c)))
		goto out;
	if ((rc = conference_may_manage(db, &w->who, c)) <= 0) {
		rc = rc < 0 ? rc : E_FORBIDDEN;
		goto out;
	}
	if ((rc = store_zoom_connection_get(db, c->account_id, c->id, w->connection_id, zc)) ||
	    (rc = meetings_version(db, zc->zoom_user_id, version)))
		goto out;
	if (!(o = zoom_connection_json(db, zc, 0)) ||
	    json_object_set_new(o, "meetings_version", json_string(version)) || !(text = json_dumps(o, JSON_COMPACT))) {
		rc = E_NOMEM;
		goto out;
	}
	unsigned char d[16];
	crypto_generichash(d, sizeof d, (const unsigned char *)text, strlen(text), NULL, 0);
	sodium_bin2hex(id, SSE_ID_MAX, d, sizeof d);
	rc = buf_puts(data, text);
out:
	free(text);
	json_decref(o);
	free(zc);
	free(c);
	return rc;
}

static int stream(struct req *r)
{
	struct conference *c = arena_alloc(r->arena, sizeof *c);
	struct zoom_connection *zc = arena_alloc(r->arena, sizeof *zc);
	struct db *db = store_db();
	int rc;
	if (!c || !zc)
		return E_NOMEM;
	if (!db)
		return E_DB;
	if ((rc = conference_load(r, db, req_param(r, "id"), c)))
		return rc;
	const char *cid = req_param(r, "cid");
	rc = ids_valid(cid, "zcn") ? store_zoom_connection_get(db, c->account_id, c->id, cid, zc) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "no Zoom connection '%.40s' in this conference",
				     cid ? cid : "");
	if (rc)
		return rc;
	struct watch *w = calloc(1, sizeof *w);
	if (!w)
		return E_NOMEM;
	w->who = r->who;
	memcpy(w->conference_id, c->id, sizeof w->conference_id);
	memcpy(w->connection_id, zc->id, sizeof w->connection_id);
	char topic[64];
	snprintf(topic, sizeof topic, "zoom:%s", zc->id);
	return sse_start(r, topic, "connection", render, w, free);
}

const struct route zoom_stream_routes[] = {
	{"GET", "/api/v1/conferences/{id}/zoom-connections/{cid}/stream", stream, 0},
	{0},
};
