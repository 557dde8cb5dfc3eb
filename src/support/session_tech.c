/* The technicians' side of a support session: read it, follow its log, pick
 * it up, answer, write private notes, say they type or have read, close and
 * transfer it. A technician (or manager) reaches only sessions of portals
 * they serve, of companies they belong to; admins reach every session of the
 * account; anything else answers 404 as if it did not exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/tx.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "support/chat.h"
#include "support/offline.h"
#include "support/staff.h"

static int closed(struct req *r, struct db *db)
{
	return api_abort(db, resp_problem(r, 409, "session-closed", "this session is closed")), E_CONFLICT;
}

static int show(struct req *r)
{
	struct support_session s;
	struct db *db;
	int rc = chat_session_load(r, &db, &s, 0);
	if (rc)
		return rc;
	/* what the console may offer the caller: its buttons follow the rights */
	int send = chat_may(r, db, &s, "file_transfer_send"), receive = chat_may(r, db, &s, "file_transfer_receive");
	int replay = chat_replay_may(r, db, &s, 0), export = chat_replay_may(r, db, &s, 1);
	if (send < 0 || receive < 0 || replay < 0 || export < 0)
		return send < 0 ? send : receive < 0 ? receive : replay < 0 ? replay : export;
	json_t *o = chat_session_json(db, &s, 1);
	if (o)
		json_object_set_new(o, "may",
				    json_pack("{s:b, s:b, s:b, s:b}", "send_files", send, "receive_files", receive,
					      "replay", replay, "export", export));
	return resp_json(r, 200, o);
}

static int stream(struct req *r)
{
	struct support_session s;
	struct db *db;
	int rc = chat_session_load(r, &db, &s, 0);
	return rc ? rc : chat_stream(r, &s, 1);
}

static int pick_up(struct req *r)
{
	struct support_session s;
	struct db *db;
	int rc = chat_session_load(r, &db, &s, 1);
	if (rc)
		return rc;
	int64_t now = clock_now();
	if (!strcmp(s.state, "closed"))
		return closed(r, db);
	if (!strcmp(s.state, "offline"))
		return api_abort(db, resp_problem(r, 409, "session-not-live",
						  "an offline request is answered, not picked up")),
		       E_CONFLICT;
	/* the UPDATE's row count decides a race: one technician wins */
	rc = store_support_session_pick_up(db, s.account_id, s.id, r->who.user_id, now);
	if (rc == E_CONFLICT)
		return api_abort(db, resp_problem(r, 409, "already-picked-up",
						  "this session is not waiting: another technician has it")),
		       E_CONFLICT;
	if (rc || (rc = chat_post_state(db, &s, "active", "technician", r->who.display_name, now)) ||
	    (rc = chat_changed(db, &s, 1, 1)) || (rc = store_support_session_get(db, s.account_id, s.id, &s)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 200, chat_session_json(db, &s, 1));
}

/* a message or a note, from the technician */
static int post(struct req *r, const char *kind)
{
	static const char *const allowed[] = {"text", NULL};
	struct support_session s;
	const char *text = NULL;
	json_t *in = NULL;
	struct db *db;
	int rc = chat_staff(r);
	if (rc || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "text", JIN_REQUIRED, CHAT_TEXT_MAX * 4, &text)) ||
	    (rc = chat_text_ok(r, "text", text)) || (rc = chat_session_load(r, &db, &s, 1)))
		return rc;
	if (!strcmp(s.state, "closed"))
		return closed(r, db);
	/* answering is for the one who has it (or the request when offline); notes are for any of them */
	if (!strcmp(kind, "text") && strcmp(s.state, "offline") && strcmp(s.technician_id, r->who.user_id))
		return api_abort(db,
				 resp_problem(r, 409, "not-your-session", "pick the session up before answering it")),
		       E_CONFLICT;
	int64_t now = clock_now();
	if ((rc = chat_post(db, &s, "technician", r->who.user_id, kind, text, now)) ||
	    (!strcmp(kind, "text") && (rc = store_support_session_answered(db, s.account_id, s.id, now))))
		return api_abort(db, rc);
	/* an offline request's answer goes to the customer by mail, with a link back */
	if (!strcmp(kind, "text") && !strcmp(s.state, "offline") &&
	    (rc = offline_answered(db, &s, r->who.display_name, text, now)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

static int post_message(struct req *r)
{
	return post(r, "text");
}

static int post_note(struct req *r)
{
	return post(r, "note");
}

static int typing(struct req *r)
{
	struct support_session s;
	struct db *db;
	int rc = chat_session_load(r, &db, &s, 1);
	if (rc)
		return rc;
	if ((rc = store_support_session_typing(db, s.account_id, s.id, "technician", clock_now())) ||
	    (rc = chat_changed(db, &s, 0, 0)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

static int read_mark(struct req *r)
{
	static const char *const allowed[] = {"seq", NULL};
	struct support_session s;
	long long seq = 0;
	json_t *in = NULL;
	struct db *db;
	int rc = chat_staff(r);
	if (rc || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_int(r, in, "seq", JIN_REQUIRED, 1, 1LL << 40, &seq)) || (rc = chat_session_load(r, &db, &s, 1)))
		return rc;
	if ((rc = store_support_session_read(db, s.account_id, s.id, "technician", seq)) ||
	    (rc = chat_changed(db, &s, 0, 0)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

static int close_session(struct req *r)
{
	struct support_session s;
	struct db *db;
	int rc = chat_session_load(r, &db, &s, 1);
	if (rc)
		return rc;
	if (!strcmp(s.state, "closed"))
		return closed(r, db);
	int64_t now = clock_now();
	if ((rc = chat_close(db, &s, "technician", now)) || (rc = chat_changed(db, &s, 1, 1)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

/* to a technician who serves the portal (they have it at once), or to a
 * team: back in the queue, recorded as that team's, and offered again */
static int transfer(struct req *r)
{
	static const char *const allowed[] = {"technician_id", "team_id", NULL};
	struct support_session s;
	const char *tech = NULL, *team = NULL;
	json_t *in = NULL;
	struct db *db;
	int rc = chat_staff(r);
	if (rc || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "technician_id", JIN_OPTIONAL, ID_MAX - 1, &tech)) ||
	    (rc = jin_string(r, in, "team_id", JIN_OPTIONAL, ID_MAX - 1, &team)))
		return rc;
	/* which session first: another account's (or another portal's) answers
	 * 404 whatever the body says, as for no session */
	if ((rc = chat_session_load(r, &db, &s, 1)))
		return rc;
	if (!tech == !team)
		return api_abort(db, resp_field_error(r, "technician_id", "give either 'technician_id' or 'team_id'")),
		       E_INVALID;
	if (!strcmp(s.state, "closed") || !strcmp(s.state, "offline"))
		return api_abort(db, resp_problem(r, 409, "session-not-live", "only a waiting or live session moves")),
		       E_CONFLICT;
	int yes = 0;
	rc = tech ? store_support_serves(db, s.account_id, s.portal_id, tech, &yes)
		  : store_support_team_exists(db, s.account_id, team, &yes);
	if (rc)
		return api_abort(db, rc);
	if (!yes)
		return api_abort(db, tech ? resp_field_error(r, "technician_id",
							     "'technician_id' is not a technician serving this portal")
					  : resp_field_error(r, "team_id", "'team_id' is not a team of this account")),
		       E_INVALID;
	int64_t now = clock_now();
	if ((rc = store_support_session_transfer(db, s.account_id, s.id, tech, team, now)) ||
	    (rc = store_support_session_get(db, s.account_id, s.id, &s)) ||
	    (rc = chat_post_state(db, &s, s.state, "technician", s.technician_name, now)) ||
	    (team && (rc = chat_offer(db, &s, now))) || (rc = chat_changed(db, &s, 1, 1)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 200, chat_session_json(db, &s, 1));
}

const struct route support_tech_session_routes[] = {
	{"GET", "/api/v1/support/sessions/{id}", show, 0},
	{"GET", "/api/v1/support/sessions/{id}/stream", stream, 0},
	{"POST", "/api/v1/support/sessions/{id}/pick-up", pick_up, 0},
	{"POST", "/api/v1/support/sessions/{id}/messages", post_message, 0},
	{"POST", "/api/v1/support/sessions/{id}/notes", post_note, 0},
	{"POST", "/api/v1/support/sessions/{id}/typing", typing, 0},
	{"POST", "/api/v1/support/sessions/{id}/read", read_mark, 0},
	{"POST", "/api/v1/support/sessions/{id}/close", close_session, 0},
	{"POST", "/api/v1/support/sessions/{id}/transfer", transfer, 0},
	{0},
};
