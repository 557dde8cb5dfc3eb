/* POST /api/v1/imip (calendar/imip_in.h): the REPLY's calendar from the
 * mail, its one attendee (who must be the mail's sender), and the organizer's
 * copy in the caller's account that invites them, which takes their PARTSTAT
 * per occurrence and SCHEDULE-STATUS 2.0, and the organizer's schedule inbox
 * the METHOD:REPLY, as a CalDAV reply would (calendar/organizer_copy.h). */
#include "calendar/imip_in.h"

#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "calendar/event_store.h"
#include "ical/ics.h"
#include "ical/ics_reply.h"
#include "calendar/mime.h"
#include "calendar/organizer_copy.h"
#include "core/errors.h"
#include "http/response.h"
#include "api/audit.h"
#include "store/calendars.h"
#include "store/users.h"

/* RFC 5546 section 3.2.3: what an attendee may answer */
static int answer_ok(const char *p)
{
	static const char *const ok[] = {"ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED", "NEEDS-ACTION"};
	for (size_t i = 0; p && i < sizeof ok / sizeof *ok; i++)
		if (!strcasecmp(p, ok[i]))
			return 1;
	return !p;
}

static int answers_ok(const struct ics_reply *rep)
{
	int ok = answer_ok(rep->master);
	for (size_t i = 0; ok && i < rep->n; i++)
		ok = rep->partstat[i] && answer_ok(rep->partstat[i]);
	return ok;
}

static int unknown(struct req *r)
{
	/* the same answer for a UID nobody has, another account's, or a meeting
	 * that does not invite this attendee: nothing about them is told */
	return resp_problem(r, 422, "imip-unknown-event",
			    "no meeting organized in this account has this UID and invites this attendee");
}

static int imip_in(struct req *r)
{
	if (r->who.via != AUTH_BEARER)
		return resp_problem(r, 403, "forbidden",
				    "iMIP mail-in takes an API application's bearer token (docs/operations.md)");
	const char *ct = req_header(r, "Content-Type");
	int bare = ct && !strncasecmp(ct, "text/calendar", 13);
	if (!ct || (!bare && strncasecmp(ct, "message/rfc822", 14)))
		return resp_problem(r, 415, "unsupported-media-type",
				    "send the mail as Content-Type: message/rfc822, or its calendar as text/calendar");
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct mime_calendar m = {0};
	struct ics_reply rep = {0};
	char email[320];
	int rc;
	if (bare) {
		if (memchr(r->body.data ? r->body.data : "", 0, r->body.len)) {
			rc = resp_problem(r, 422, "imip-not-a-reply", "the calendar holds a NUL byte");
			goto out;
		}
		if ((rc = buf_append(&m.text, r->body.data ? r->body.data : "", r->body.len)))
			goto out;
	} else if ((rc = mime_find_calendar(r->body.data ? r->body.data : "", r->body.len, &m))) {
		if (rc == E_INVALID)
			rc = resp_problem(r, 422, "imip-not-a-reply", m.error);
		goto out;
	}
	if (!m.text.data) {
		rc = resp_problem(r, 422, "imip-not-a-reply", "the mail holds no text/calendar part");
		goto out;
	}
	if (ics_reply_attendee(m.text.data, email, sizeof email)) {
		rc = resp_problem(r, 422, "imip-not-a-reply",
				  "the calendar is not an iTIP REPLY with one attendee (RFC 5546 section 3.2.3)");
		goto out;
	}
	if ((rc = ics_reply_read(m.text.data, email, &rep)) || !rep.method_reply || !rep.any || !rep.uid ||
	    !rep.organizer) {
		rc = rc && rc != E_INVALID
			     ? rc
			     : resp_problem(
				       r, 422, "imip-not-a-reply",
				       "the calendar is not an iTIP REPLY with one attendee (RFC 5546 section 3.2.3)");
		goto out;
	}
	if (!answers_ok(&rep)) {
		rc = resp_problem(
			r, 422, "imip-not-a-reply",
			"the reply's PARTSTAT is not ACCEPTED, DECLINED, TENTATIVE, DELEGATED or NEEDS-ACTION");
		goto out;
	}
	if (!bare && strcmp(m.from, email)) { /* RFC 6047 section 3.2: the attendee sends their reply */
		rc = resp_problem(r, 422, "imip-sender-mismatch", "the mail's From is not the attendee who replies");
		goto out;
	}
	struct user org;
	struct event_row row;
	int changed = 0;
	if ((rc = store_begin(db, 1)))
		goto out;
	/* the organizer of the account the mail-in request authenticates to */
	rc = store_user_by_account_email(db, r->who.account_id, rep.organizer, &org);
	/* their copy takes the answer and their inbox the REPLY, as for a
	 * colleague's CalDAV reply; the REPLY is made from the copy as answered,
	 * not the outside sender's text */
	if (!rc)
		rc = organizer_copy_reply(r->arena, db, &org, rep.uid, email, &rep, NULL, NULL, &row, &changed);
	if (!rc && changed)
		rc = audit_record(r, db, "event.imip_reply", "event", row.id, rep.uid, NULL,
				  json_pack("{s:s, s:s?}", "attendee", email, "partstat", rep.master));
	if (!rc)
		rc = store_commit(db);
	if (rc) {
		store_rollback(db);
		if (rc == E_NOTFOUND || rc == E_INVALID)
			rc = unknown(r);
		goto out;
	}
	rc = resp_json(r, 200, json_pack("{s:s, s:s, s:b}", "uid", rep.uid, "attendee", email, "changed", changed));
out:
	mime_calendar_free(&m);
	ics_reply_free(&rep);
	return rc;
}

const struct route imip_in_routes[] = {
	{"POST", "/api/v1/imip", imip_in, ROUTE_RAW_BODY | ROUTE_NO_CSRF},
	{0},
};
