/* Posting to a session's transcript and streaming it. The transcript is a
 * log numbered by seq, which is also the SSE event id, so a client that
 * reconnects with Last-Event-ID gets exactly the messages after it. What is
 * not logged (state, queue position, typing, read marks) goes as a `status`
 * event without an id, sent whenever it differs from the last one sent on
 * that connection. */
#include "support/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/response.h"
#include "http/sse.h"

#define LOG_BATCH 32

int chat_text_ok(struct req *r, const char *field, const char *text)
{
	size_t chars = 0, visible = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p & 0xc0) != 0x80)
			chars++;
		if (*p > ' ')
			visible++;
	}
	if (!visible)
		return resp_field_error(r, field, "'%s' must not be empty", field), E_INVALID;
	if (chars > CHAT_TEXT_MAX)
		return resp_field_error(r, field, "'%s' is too long (at most %zu characters)", field,
					(size_t)CHAT_TEXT_MAX),
		       E_INVALID;
	return 0;
}

static int topic(struct db *db, const char *fmt, const char *id)
{
	char t[96];
	snprintf(t, sizeof t, fmt, id);
	return store_changed(db, t);
}

int chat_changed(struct db *db, const struct support_session *s, int queue, int staff)
{
	int rc = topic(db, "support_session:%s", s->id);
	if (!rc && queue)
		rc = topic(db, "support_queue:%s", s->account_id);
	if (!rc && queue) { /* the positions of the portal's waiting customers */
		char t[96];
		snprintf(t, sizeof t, "support_portal_queue:%s:%s", s->account_id, s->portal_id);
		rc = store_changed(db, t);
	}
	if (!rc && staff)
		rc = topic(db, "support_staff:%s", s->account_id);
	return rc;
}

int chat_post(struct db *db, const struct support_session *s, const char *author_kind, const char *author_id,
	      const char *kind, const char *body, int64_t now)
{
	int64_t seq;
	int rc = store_support_message_add(db, s->account_id, s->id, author_kind, author_id, kind, body, now, &seq);
	return rc ? rc : topic(db, "support_session:%s", s->id);
}

int chat_post_state(struct db *db, const struct support_session *s, const char *state, const char *by,
		    const char *technician_name, int64_t now)
{
	json_t *ev = json_pack("{s:s, s:s}", "type", "state", "state", state);
	if (!ev)
		return E_NOMEM;
	if (by)
		json_object_set_new(ev, "by", json_string(by));
	if (technician_name && *technician_name)
		json_object_set_new(ev, "technician", json_string(technician_name));
	char *body = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	if (!body)
		return E_NOMEM;
	int rc = chat_post(db, s, "system", NULL, "event", body, now);
	free(body);
	return rc;
}

int chat_offer(struct db *db, struct support_session *s, int64_t now)
{
	char tech[ID_MAX];
	int rc = store_support_least_busy(db, s->account_id, s->portal_id, now - CHAT_FRESH_S, tech);
	if (rc || !tech[0])
		return rc;
	if ((rc = store_support_session_offer(db, s->account_id, s->id, tech, now)))
		return rc;
	memcpy(s->offered_to, tech, sizeof s->offered_to);
	return 0;
}

int chat_staff(struct req *r)
{
	if (access_is(r, "technician") || access_is(r, "manager") || access_is(r, "admin"))
		return 0;
	resp_problem(r, 403, "forbidden", "only technicians, managers and admins take part in support sessions");
	return E_FORBIDDEN;
}

json_t *chat_presence_json(const struct support_presence *p, int64_t now)
{
	const char *effective = !strcmp(p->state, "online") && p->seen_at < now - CHAT_FRESH_S ? "offline"
				: !strcmp(p->state, "online") && p->active >= p->max_sessions  ? "busy"
											       : p->state;
	return json_pack("{s:s, s:s, s:I, s:I, s:I}", "state", p->state, "effective", effective, "max_sessions",
			 (json_int_t)p->max_sessions, "active_sessions", (json_int_t)p->active, "seen_at",
			 (json_int_t)p->seen_at);
}

json_t *chat_session_json(struct db *db, const struct support_session *s, int technician)
{
	int64_t pos = 0, wait = -1;
	store_support_queue_position(db, s, &pos);
	if (!strcmp(s->state, "waiting"))
		store_support_wait_estimate(db, s->account_id, s->portal_id, &wait);
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "id", s->id, "state", s->state, "portal_id",
			      s->portal_id, "last_seq", (json_int_t)s->last_seq, "customer_read_seq",
			      (json_int_t)s->customer_read_seq, "technician_read_seq",
			      (json_int_t)s->technician_read_seq, "created_at", (json_int_t)s->created_at);
	if (!o)
		return NULL;
	json_object_set_new(o, "position", pos ? json_integer(pos) : json_null());
	json_object_set_new(o, "estimated_wait_s", wait >= 0 ? json_integer(wait) : json_null());
	json_object_set_new(o, "technician",
			    s->technician_id[0] ? json_pack("{s:s}", "display_name", s->technician_name) : json_null());
	json_object_set_new(o, "closed_by", s->closed_by[0] ? json_string(s->closed_by) : json_null());
	/* an offline request: whose turn it is (technician: to answer; customer: answered) */
	json_object_set_new(o, "awaiting",
			    !strcmp(s->state, "offline") && s->awaiting[0] ? json_string(s->awaiting) : json_null());
	if (technician) {
		json_object_set_new(o, "company_id", json_string(s->company_id));
		json_object_set_new(o, "customer",
				    json_pack("{s:s, s:s}", "name", s->customer_name, "email", s->customer_email));
		json_object_set_new(o, "technician_id",
				    s->technician_id[0] ? json_string(s->technician_id) : json_null());
		json_object_set_new(o, "offered_to", s->offered_to[0] ? json_string(s->offered_to) : json_null());
		json_object_set_new(o, "team_id", s->team_id[0] ? json_string(s->team_id) : json_null());
	}
	return o;
}

struct chat_watch {
	char account_id[ID_MAX];
	char id[ID_MAX];
	int technician;
	char *last_status; /* the status event last sent on this connection */
};

static void watch_free(void *ctx)
{
	struct chat_watch *w = ctx;
	free(w->last_status);
	free(w);
}

json_t *chat_message_json(const struct support_message *m, int technician)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:I}", "seq", (json_int_t)m->seq, "author_kind", m->author_kind, "kind",
			      m->kind, "created_at", (json_int_t)m->created_at);
	if (!o)
		return NULL;
	if (!strcmp(m->kind, "event") || !strcmp(m->kind, "file")) { /* the body is JSON: the event, the file */
		json_t *ev = json_loads(m->body, 0, NULL);
		json_object_set_new(o, m->kind, ev ? ev : json_null());
	} else
		json_object_set_new(o, "text", json_string(m->body));
	if (technician && m->author_id[0])
		json_object_set_new(o, "author_id", json_string(m->author_id));
	return o;
}

static int emit(struct buf *out, const char *id, const char *event, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		return E_NOMEM;
	int rc = sse_frame(out, id, event, s, strlen(s));
	free(s);
	return rc;
}

static int render(void *ctx, int ping, struct buf *out, char last[SSE_ID_MAX])
{
	struct chat_watch *w = ctx;
	struct db *db = store_db();
	struct support_session s;
	struct support_message *m = NULL;
	int n = 0, rc;
	(void)ping;
	if (!db)
		return E_BUSY;
	if ((rc = store_support_session_get(db, w->account_id, w->id, &s)))
		goto out;
	char *end;
	long long after = strtoll(last, &end, 10);
	if (*end || after < 0) /* no id yet, or not one of ours: from the start */
		after = 0;
	if (!(m = malloc(LOG_BATCH * sizeof *m))) {
		rc = E_NOMEM;
		goto out;
	}
	if ((rc = store_support_messages_after(db, s.account_id, s.id, after, w->technician, m, LOG_BATCH, &n)))
		goto out;
	for (int i = 0; i < n && !rc; i++) {
		char id[SSE_ID_MAX];
		snprintf(id, sizeof id, "%lld", (long long)m[i].seq);
		if (!(rc = emit(out, id, "message", chat_message_json(&m[i], w->technician))))
			memcpy(last, id, SSE_ID_MAX);
	}
	if (rc)
		goto out;
	if (n == LOG_BATCH) { /* the status once the log has caught up */
		rc = 1;
		goto out;
	}
	int64_t now = clock_now();
	json_t *st = chat_session_json(db, &s, w->technician);
	if (!st) {
		rc = E_NOMEM;
		goto out;
	}
	json_object_set_new(st, "typing",
			    json_pack("{s:b, s:b}", "customer", s.customer_typing_at > now - CHAT_TYPING_S,
				      "technician", s.technician_typing_at > now - CHAT_TYPING_S));
	char *text = json_dumps(st, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(st);
	if (!text) {
		rc = E_NOMEM;
		goto out;
	}
	if (!w->last_status || strcmp(text, w->last_status)) {
		rc = sse_frame(out, NULL, "status", text, strlen(text));
		free(w->last_status);
		w->last_status = text;
	} else
		free(text);
out:
	free(m);
	return rc;
}

int chat_stream(struct req *r, const struct support_session *s, int technician)
{
	struct chat_watch *w = calloc(1, sizeof *w);
	if (!w)
		return E_NOMEM;
	memcpy(w->account_id, s->account_id, sizeof w->account_id);
	memcpy(w->id, s->id, sizeof w->id);
	w->technician = technician;
	char t1[96], t2[96];
	snprintf(t1, sizeof t1, "support_session:%s", s->id);
	/* the queue position: only changes in the same portal's queue move it */
	snprintf(t2, sizeof t2, "support_portal_queue:%s:%s", s->account_id, s->portal_id);
	return sse_start_log(r, t1, t2, render, w, watch_free);
}
