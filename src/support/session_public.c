/* The customer's side of a support session, on the portal without signing
 * in: asking a question makes the session and gives back its token, which
 * the customer shows afterwards as the `token` query parameter (EventSource
 * cannot set headers) or the X-Session-Token header. Only the token's hash is
 * stored; a missing or wrong token, another portal's session and no session
 * at all all answer the same 404, so that nothing tells a session exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/tx.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "support/chat.h"
#include "support/portal_customer.h"
#include "support/offline.h"
#include "support/portal_open.h"
#include "support/public_limit.h"

static int not_found(struct req *r)
{
	resp_problem(r, 404, "not-found", "no such session on this portal");
	return E_NOTFOUND;
}

static int no_portal(struct req *r)
{
	resp_problem(r, 404, "not-found", "no such portal");
	return E_NOTFOUND;
}

/* the portal of {slug} (an old address of it too), without its logo, which
 * the chat never shows: nothing of it is left to free */
static int portal_of(struct req *r, struct db *db, struct portal *p)
{
	int old;
	int rc = store_portal_by_slug(db, req_param(r, "slug"), p, &old);
	if (rc == E_NOTFOUND)
		return no_portal(r);
	if (!rc)
		store_portal_free(p);
	return rc;
}

/* the portal of {slug} and the session {id} whose token the request shows */
static int load(struct req *r, struct db *db, struct portal *p, struct support_session *s)
{
	int rc = portal_of(r, db, p);
	if (rc)
		return rc;
	const char *token = req_query(r, "token");
	if (!token || !*token)
		token = req_header(r, "X-Session-Token");
	const char *id = req_param(r, "id");
	if (!token || strlen(token) >= SECRET_MAX || !ids_valid(id, "sup"))
		return not_found(r);
	rc = store_support_session_get(db, p->account_id, id, s);
	if (rc == E_NOTFOUND)
		return not_found(r);
	if (rc)
		return rc;
	char hash[HASH_HEX_MAX];
	ids_hash(token, hash);
	if (!ids_equal_ct(hash, s->token_hash) || strcmp(s->portal_id, p->id))
		return not_found(r);
	return 0;
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"name", "email", "question", "language", NULL};
	struct portal p;
	struct support_session s = {0};
	const char *name = NULL, *email = NULL, *question = NULL, *language = NULL;
	json_t *in = NULL;
	struct db *db = NULL;
	int rc = api_db(&db);
	if (rc)
		return rc;
	if ((rc = portal_of(r, db, &p)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "name", JIN_OPTIONAL, 200, &name)) ||
	    (rc = jin_string(r, in, "email", JIN_OPTIONAL, 254, &email)) ||
	    (rc = jin_string(r, in, "question", JIN_REQUIRED, CHAT_TEXT_MAX * 4, &question)) ||
	    (rc = jin_string(r, in, "language", JIN_OPTIONAL, 8, &language)))
		return rc;
	if (language && strcmp(language, "en") && strcmp(language, "fr") && strcmp(language, "ru"))
		return resp_field_error(r, "language", "%s must be one of %s", "'language'", "en, fr, ru"), E_INVALID;
	struct portal_customer who;
	/* counted once the request is well-formed: a refused body writes nothing */
	if ((rc = portal_customer_identify(r, db, &p, name, email, &who)) ||
	    (rc = chat_text_ok(r, "question", question)) || (rc = support_public_limit(r, db, p.id)))
		return rc;
	int64_t now = clock_now();
	int open = 0;
	int64_t next;
	if ((rc = portal_open_now(db, &p, (time_t)now, &open, &next)))
		return rc;
	if (!open && !strcmp(p.offline_policy, "hide"))
		return resp_problem(r, 409, "support-closed", "support is closed on this portal now; try again later"),
		       E_CONFLICT;
	if ((rc = api_begin(&db, 1)))
		return rc;
	char token[SECRET_MAX];
	ids_secret(token);
	memcpy(s.account_id, p.account_id, sizeof s.account_id);
	ids_new("sup", s.id);
	memcpy(s.portal_id, p.id, sizeof s.portal_id);
	memcpy(s.company_id, p.company_id, sizeof s.company_id);
	/* closed with an offline form: an offline request, answered later */
	snprintf(s.state, sizeof s.state, "%s", open || !strcmp(p.offline_policy, "queue") ? "waiting" : "offline");
	memcpy(s.customer_name, who.name, sizeof s.customer_name);
	memcpy(s.customer_email, who.email, sizeof s.customer_email);
	memcpy(s.customer_user_id, who.user_id, sizeof s.customer_user_id);
	/* the mails' language: the page's, else the company's */
	json_t *lang = NULL;
	if (!language && !portal_setting(db, &p, "language", &lang) && json_is_string(lang))
		language = json_string_value(lang);
	snprintf(s.language, sizeof s.language, "%s",
		 language && (!strcmp(language, "fr") || !strcmp(language, "ru")) ? language : "en");
	json_decref(lang);
	if (!strcmp(s.state, "offline")) /* the technicians' turn to answer it */
		snprintf(s.awaiting, sizeof s.awaiting, "technician");
	ids_hash(token, s.token_hash);
	s.created_at = now;
	s.queued_us = clock_now_us();
	if ((rc = store_support_session_insert(db, &s, question)) || (rc = chat_recording_start(db, &s)) ||
	    (rc = chat_post(db, &s, "customer", NULL, "text", question, now)))
		return api_abort(db, rc);
	if (!strcmp(s.state, "waiting")) {
		if ((p.greeting[0] && (rc = chat_post(db, &s, "system", NULL, "text", p.greeting, now))) ||
		    (rc = chat_offer(db, &s, now)))
			return api_abort(db, rc);
	} else if (p.offline_message[0] && (rc = chat_post(db, &s, "system", NULL, "text", p.offline_message, now)))
		return api_abort(db, rc);
	if ((rc = chat_changed(db, &s, 1, 0)))
		return api_abort(db, rc);
	int64_t pos = 0, wait = -1;
	store_support_queue_position(db, &s, &pos);
	if (!strcmp(s.state, "waiting"))
		store_support_wait_estimate(db, s.account_id, s.portal_id, &wait);
	json_t *out = json_pack("{s:s, s:s, s:s}", "id", s.id, "token", token, "state", s.state);
	json_object_set_new(out, "position", pos ? json_integer(pos) : json_null());
	json_object_set_new(out, "estimated_wait_s", wait >= 0 ? json_integer(wait) : json_null());
	char loc[192];
	snprintf(loc, sizeof loc, "/api/v1/public/portals/%s/sessions/%s", p.slug, s.id);
	return api_commit_created(r, db, loc, out);
}

static int show(struct req *r)
{
	struct portal p;
	struct support_session s;
	struct db *db;
	int rc = api_db(&db);
	if (rc || (rc = load(r, db, &p, &s)))
		return rc;
	return resp_json(r, 200, chat_session_json(db, &s, 0));
}

static int stream(struct req *r)
{
	struct portal p;
	struct support_session s;
	struct db *db;
	int rc = api_db(&db);
	if (rc || (rc = load(r, db, &p, &s)))
		return rc;
	return chat_stream(r, &s, 0);
}

/* loads the session inside a write transaction, refusing a closed one */
static int begin_open(struct req *r, struct db **db, struct portal *p, struct support_session *s)
{
	int rc = api_db(db);
	if (rc || (rc = load(r, *db, p, s)))
		return rc;
	if ((rc = api_begin(db, 1)))
		return rc;
	if ((rc = store_support_session_get(*db, s->account_id, s->id, s)))
		return api_abort(*db, rc);
	if (!strcmp(s->state, "closed"))
		return api_abort(*db, resp_problem(r, 409, "session-closed", "this session is closed")), E_CONFLICT;
	return 0;
}

static int post_message(struct req *r)
{
	static const char *const allowed[] = {"text", NULL};
	struct portal p;
	struct support_session s;
	const char *text = NULL;
	json_t *in = NULL;
	struct db *db;
	int rc = api_db(&db);
	if (rc || (rc = load(r, db, &p, &s)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "text", JIN_REQUIRED, CHAT_TEXT_MAX * 4, &text)) ||
	    (rc = chat_text_ok(r, "text", text)) || (rc = support_public_limit(r, db, p.id)) ||
	    (rc = begin_open(r, &db, &p, &s)))
		return rc;
	int64_t now = clock_now(), recent = 0;
	if ((rc = store_support_customer_messages_since(db, s.account_id, s.id, now - 60, &recent)))
		return api_abort(db, rc);
	if (recent >= CHAT_RATE_PER_MIN) {
		resp_header(r, "Retry-After", "60");
		return api_abort(db, resp_problem(r, 429, "too-many-messages",
						  "too many messages in a minute; wait a little")),
		       E_BUSY;
	}
	if ((rc = chat_post(db, &s, "customer", NULL, "text", text, now)) ||
	    (!strcmp(s.state, "offline") && (rc = offline_replied(db, &s, now))))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

/* the customer-visible transcript, mailed to the session's customer address */
static int transcript(struct req *r)
{
	struct portal p;
	struct support_session s;
	struct db *db;
	int rc = api_db(&db);
	if (rc || (rc = load(r, db, &p, &s)) || (rc = support_public_limit(r, db, p.id)) || (rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_support_session_get(db, s.account_id, s.id, &s)) ||
	    (rc = offline_transcript_mail(r, db, &p, &s, clock_now())))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 202);
}

static int typing(struct req *r)
{
	struct portal p;
	struct support_session s;
	struct db *db;
	int rc = begin_open(r, &db, &p, &s);
	if (rc)
		return rc;
	if ((rc = store_support_session_typing(db, s.account_id, s.id, "customer", clock_now())) ||
	    (rc = chat_changed(db, &s, 0, 0)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

static int read_mark(struct req *r)
{
	static const char *const allowed[] = {"seq", NULL};
	struct portal p;
	struct support_session s;
	long long seq = 0;
	json_t *in = NULL;
	struct db *db;
	int rc = api_db(&db);
	if (rc || (rc = load(r, db, &p, &s)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_int(r, in, "seq", JIN_REQUIRED, 1, 1LL << 40, &seq)) || (rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_support_session_read(db, s.account_id, s.id, "customer", seq)) ||
	    (rc = chat_changed(db, &s, 0, 0)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

static int close_session(struct req *r)
{
	struct portal p;
	struct support_session s;
	struct db *db;
	int rc = begin_open(r, &db, &p, &s);
	if (rc)
		return rc;
	int64_t now = clock_now();
	int had_technician = s.technician_id[0] != 0;
	if ((rc = chat_close(db, &s, "customer", now)) || (rc = chat_changed(db, &s, 1, had_technician)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

#define PUB ROUTE_PUBLIC | ROUTE_NO_CSRF
const struct route support_public_session_routes[] = {
	{"POST", "/api/v1/public/portals/{slug}/sessions", create, PUB},
	{"GET", "/api/v1/public/portals/{slug}/sessions/{id}", show, PUB},
	{"GET", "/api/v1/public/portals/{slug}/sessions/{id}/stream", stream, PUB},
	{"POST", "/api/v1/public/portals/{slug}/sessions/{id}/messages", post_message, PUB},
	{"POST", "/api/v1/public/portals/{slug}/sessions/{id}/typing", typing, PUB},
	{"POST", "/api/v1/public/portals/{slug}/sessions/{id}/read", read_mark, PUB},
	{"POST", "/api/v1/public/portals/{slug}/sessions/{id}/close", close_session, PUB},
	{"POST", "/api/v1/public/portals/{slug}/sessions/{id}/transcript", transcript, PUB},
	{0},
};
