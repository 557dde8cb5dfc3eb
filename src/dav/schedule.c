/* The schedule inbox and outbox of a user, and the outbox's free-busy POST.
 * A free-busy request answers one C:response per ATTENDEE: a user of the
 * caller's account (their own calendars' busy time, as POST
 * /api/v1/freebusy gives it) or a room of the account (its bookings);
 * any other address is 3.7 (invalid calendar user). Tenants never see each
 * other: an address of another account's user is as unknown as any. */
#include "dav/schedule.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar/access.h"
#include "calendar/busy.h"
#include "calendar/event_store.h"
#include "ical/ics.h"
#include "ical/ics_reply.h"
#include "calendar/organizer_copy.h"
#include "calendar/sched_inbox.h"
#include "core/clock.h"
#include "core/errors.h"
#include "dav/props.h"
#include "dav/reply.h"
#include "dav/resource.h"
#include "dav/xml.h"
#include "http/response.h"
#include "store/schedule_inbox.h"

#define WINDOW_MAX (93 * 86400LL) /* as POST /api/v1/freebusy */

void dav_schedule_parse(struct arena *a, const char *rest, struct dav_path *out)
{
	const char *e = strchr(rest, '/');
	if (!e || e == rest)
		return; /* DAV_NONE: /dav/scheduling/ and /dav/scheduling/<user> are nothing */
	out->user_id = arena_strndup(a, rest, (size_t)(e - rest));
	const char *s = e + 1;
	if (!strcmp(s, "inbox") || !strcmp(s, "inbox/")) {
		out->kind = DAV_INBOX;
	} else if (!strcmp(s, "outbox") || !strcmp(s, "outbox/")) {
		out->kind = DAV_OUTBOX;
	} else if (!strncmp(s, "inbox/", 6) && s[6] && !strchr(s + 6, '/')) {
		out->kind = DAV_INBOX_ITEM;
		out->name = arena_strdup(a, s + 6);
	}
}

static const char *href_of(struct arena *a, const char *user_id, const char *box)
{
	struct buf b = {0};
	buf_puts(&b, "/dav/scheduling/");
	dav_href_segment(&b, user_id);
	buf_printf(&b, "/%s/", box);
	const char *out = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

const char *dav_href_inbox(struct arena *a, const char *user_id)
{
	return href_of(a, user_id, "inbox");
}

const char *dav_href_outbox(struct arena *a, const char *user_id)
{
	return href_of(a, user_id, "outbox");
}

/* an inbox message as a resource: its text and ETag where props.c and
 * objects.c read an event's */
static void item_res(struct arena *a, const struct inbox_item *it, struct dav_res *res)
{
	struct buf b = {0};
	res->kind = DAV_INBOX_ITEM;
	res->role = CAL_ROLE_OWNER;
	res->exists = 1;
	res->name = arena_strdup(a, it->name);
	buf_puts(&b, dav_href_inbox(a, it->user_id));
	dav_href_segment(&b, it->name);
	res->href = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	res->uid = res->ev.uid = arena_strdup(a, it->uid);
	res->ev.ical = arena_strdup(a, it->ical);
	res->ev.etag = arena_strdup(a, it->etag);
	res->ev.klass = "PUBLIC";
	res->ev.href = res->name;
	res->ev.updated_at = res->ev.created_at = it->created_at;
}

int dav_schedule_load(struct req *r, struct db *db, const struct dav_path *p, struct dav_res *res)
{
	if (!p->user_id || strcmp(p->user_id, r->who.user_id))
		return dav_resource_not_found(r);
	if (p->kind == DAV_INBOX_ITEM) {
		struct inbox_item it;
		int rc = store_inbox_get(db, r->arena, r->who.account_id, r->who.user_id, p->name, &it);
		if (rc == E_NOTFOUND)
			return dav_resource_not_found(r);
		if (!rc)
			item_res(r->arena, &it, res);
		return rc;
	}
	res->kind = p->kind;
	res->role = CAL_ROLE_OWNER;
	res->href = p->kind == DAV_INBOX ? dav_href_inbox(r->arena, p->user_id) : dav_href_outbox(r->arena, p->user_id);
	res->exists = 1;
	return 0;
}

struct members {
	struct req *r;
	const struct dav_proplist *want;
	struct buf *b;
};

static int one_item(void *ctx, const struct inbox_item *it)
{
	struct members *m = ctx;
	struct dav_res res;
	memset(&res, 0, sizeof res);
	item_res(m->r->arena, it, &res);
	return dav_props_response(m->r, &res, m->want, m->b);
}

int dav_schedule_members(struct req *r, struct db *db, const struct dav_proplist *want, struct buf *b)
{
	struct members m = {r, want, b};
	return store_inbox_list(db, r->who.account_id, r->who.user_id, one_item, &m);
}

int dav_schedule_item_get(struct req *r, const struct dav_res *res)
{
	resp_header(r, "ETag", res->ev.etag);
	return resp_raw(r, 200, "text/calendar; charset=utf-8", res->ev.ical, strlen(res->ev.ical));
}

int dav_schedule_item_delete(struct req *r, struct db *db, const struct dav_res *res)
{
	int rc = store_inbox_delete(db, r->who.account_id, r->who.user_id, res->name);
	if (rc == E_NOTFOUND)
		return dav_resource_not_found(r);
	return rc ? rc : (rc = store_commit(db)) ? rc : resp_empty(r, 204);
}

const char *dav_schedule_default_calendar(struct req *r)
{
	struct db *db = store_db();
	struct calendar def;
	const char *segment;
	if (!db || store_calendar_default(db, r->who.account_id, r->who.user_id, &def) ||
	    dav_calendar_segment(r, db, &def, &segment))
		return dav_href_home(r->arena, r->who.user_id);
	return dav_href_calendar(r->arena, r->who.user_id, segment);
}

int dav_schedule_resourcetype(struct buf *b, int kind)
{
	return buf_puts(b, kind == DAV_INBOX ? "<D:collection/><C:schedule-inbox/>"
					     : "<D:collection/><C:schedule-outbox/>");
}

int dav_schedule_privileges(struct buf *b, int kind)
{
	/* RFC 6638 section 6.1: schedule-deliver on the inbox (what the server
	 * delivers there), schedule-send on the outbox (what its owner sends);
	 * read and read-current-user-privilege-set come from props.c */
	if (kind == DAV_INBOX)
		return buf_puts(b, "<D:privilege><D:unbind/></D:privilege>"
				   "<D:privilege><C:schedule-deliver/></D:privilege>"
				   "<D:privilege><C:schedule-deliver-invite/></D:privilege>"
				   "<D:privilege><C:schedule-deliver-reply/></D:privilege>"
				   "<D:privilege><C:schedule-query-freebusy/></D:privilege>");
	return buf_puts(b, "<D:privilege><C:schedule-send/></D:privilege>"
			   "<D:privilege><C:schedule-send-invite/></D:privilege>"
			   "<D:privilege><C:schedule-send-reply/></D:privilege>"
			   "<D:privilege><C:schedule-send-freebusy/></D:privilege>");
}

static int bad_message(struct req *r, const char *detail)
{
	return dav_reply_error(r, 400, CALDAV_NS, "valid-scheduling-message", "%s", detail), E_INVALID;
}

/* one C:response: the recipient, its status and, when known, its VFREEBUSY */
static void response(struct buf *b, const char *addr, const char *status, const char *caldata)
{
	buf_puts(b, "<C:response><C:recipient><D:href>mailto:");
	dav_xml_escape(b, addr);
	buf_puts(b, "</D:href></C:recipient><C:request-status>");
	dav_xml_escape(b, status);
	buf_puts(b, "</C:request-status>");
	if (caldata) {
		buf_puts(b, "<C:calendar-data>");
		dav_xml_escape(b, caldata);
		buf_puts(b, "</C:calendar-data>");
	}
	buf_puts(b, "</C:response>");
}

/* the busy spans of one address of the caller's account: 0, E_NOTFOUND, or an error */
static int busy_of(struct req *r, struct db *db, const char *addr, int64_t from, int64_t to, struct busy_list *out)
{
	struct user u;
	int rc = store_user_by_account_email(db, r->who.account_id, addr, &u);
	if (!rc)
		return busy_of_user(db, u.account_id, u.id, from, to, out);
	if (rc && rc != E_NOTFOUND)
		return rc;
	struct room room;
	rc = store_room_by_email(db, r->who.account_id, addr, &room);
	return rc ? rc : busy_of_room(db, &room, from, to, out);
}

static int freebusy(struct req *r, struct db *db, const struct ics_fb_request *q)
{
	struct buf b = {0}, cal = {0};
	int rc = 0;
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<C:schedule-response xmlns:D=\"" DAV_NS
		     "\" xmlns:C=\"" CALDAV_NS "\">");
	for (size_t i = 0; !rc && i < q->nattendees; i++) {
		struct busy_list bl = {0};
		rc = busy_of(r, db, q->attendees[i], q->start, q->end, &bl);
		if (rc == E_NOTFOUND) {
			response(&b, q->attendees[i], "3.7;Invalid calendar user", NULL);
			rc = 0;
		} else if (!rc) {
			busy_merge(&bl);
			int64_t *spans = malloc(sizeof *spans * 2 * (bl.n ? bl.n : 1));
			if (!spans) {
				rc = E_NOMEM;
			} else {
				for (size_t k = 0; k < bl.n; k++)
					spans[2 * k] = bl.v[k].start, spans[2 * k + 1] = bl.v[k].end;
				cal.len = 0;
				rc = ics_fb_reply(&cal, q, q->attendees[i], spans, bl.n, clock_now());
				free(spans);
				if (!rc)
					response(&b, q->attendees[i], "2.0;Success", cal.data);
			}
		}
		busy_free(&bl);
	}
	buf_puts(&b, "</C:schedule-response>\n");
	if (!rc)
		rc = b.data ? resp_raw(r, 200, "application/xml; charset=utf-8", b.data, b.len) : E_NOMEM;
	buf_free(&b);
	buf_free(&cal);
	return rc;
}

static int is_my_address(struct req *r, const char *addr)
{
	return !strcasecmp(addr, r->who.email);
}

int dav_schedule_post(struct req *r, struct db *db, const struct dav_path *p)
{
	struct dav_res res;
	struct ics_fb_request q;
	struct ics_error err;
	const char *ctype = req_header(r, "Content-Type");
	int rc;
	if (p->kind != DAV_OUTBOX) {
		resp_header(r, "Allow",
			    "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR, "
			    "MKCOL, MOVE, COPY");
		return dav_reply_error(r, 405, NULL, NULL, "POST is for free-busy requests to your schedule outbox");
	}
	memset(&res, 0, sizeof res);
	if ((rc = dav_schedule_load(r, db, p, &res)))
		return rc;
	if (!calendar_owner_role(r->who.role))
		return dav_reply_need_privilege(r, res.href, CALDAV_NS, "schedule-send-freebusy",
						"guests and customers may not look up colleagues' time");
	if (!ctype || strncasecmp(ctype, "text/calendar", 13))
		return dav_reply_error(r, 400, CALDAV_NS, "supported-calendar-data",
				       "a scheduling message is text/calendar"),
		       E_INVALID;
	if (ics_parse_fb_request(r->body.data ? r->body.data : "", r->body.len, &q, &err)) {
		rc = bad_message(r, arena_printf(r->arena, "%s", err.message)); /* it names the property */
		goto out;
	}
	if (!is_my_address(r, q.organizer)) {
		rc = dav_reply_error(r, 403, CALDAV_NS, "organizer-allowed",
				     "the ORGANIZER is one of your calendar-user-address-set (mailto:%s)",
				     r->who.email);
		rc = E_FORBIDDEN;
		goto out;
	}
	if (q.end - q.start > WINDOW_MAX) {
		rc = bad_message(r, "a free-busy request spans at most 93 days");
		goto out;
	}
	if ((rc = store_begin(db, 0)))
		goto out;
	rc = freebusy(r, db, &q);
	store_rollback(db);
out:
	ics_fb_request_free(&q);
	return rc;
}

/* a scheduling object resource (RFC 6638 section 3.1): one with an ORGANIZER */
static int scheduling_object(const char *organizer)
{
	return organizer && *organizer;
}

int dav_schedule_tag_check(struct req *r, const struct dav_res *res)
{
	const char *want = req_header(r, "If-Schedule-Tag-Match");
	if (!want)
		return 0;
	char tag[ICS_TAG_MAX];
	if (res->exists && scheduling_object(res->ev.organizer)) {
		ics_schedule_tag(res->ev.ical, tag);
		if (!strcmp(want, tag))
			return 0;
	}
	resp_problem(r, 412, "precondition-failed",
		     res->exists ? "the organizer changed the event since you read it (If-Schedule-Tag-Match)"
				 : "If-Schedule-Tag-Match names an event that does not exist");
	return E_CONFLICT;
}

void dav_schedule_tag_header(struct req *r, const char *ical, const char *organizer)
{
	char tag[ICS_TAG_MAX];
	if (!ical || !scheduling_object(organizer))
		return;
	ics_schedule_tag(ical, tag);
	resp_header(r, "Schedule-Tag", tag);
}

/* ---- delivery to the inboxes of the organizer's colleagues ---- */

/* a person the server schedules for: no room or resource (rooms answer in
 * booking.c), not SCHEDULE-AGENT=CLIENT or NONE (RFC 6638 section 7.1) */
static int is_person(const struct ics_attendee *a)
{
	return (!a->cutype || (strcmp(a->cutype, "ROOM") && strcmp(a->cutype, "RESOURCE"))) &&
	       (!a->schedule_agent || !strcasecmp(a->schedule_agent, "SERVER"));
}

static int invites(const struct ics_object *o, const char *email)
{
	for (size_t i = 0; o && i < o->master.nattendees; i++)
		if (is_person(&o->master.attendees[i]) && o->master.attendees[i].email &&
		    !strcmp(o->master.attendees[i].email, email))
			return 1;
	return 0;
}

static int deliver(struct req *r, struct db *db, const struct user *to, const char *method, const struct ics_object *o)
{
	return sched_inbox_deliver(r->arena, db, to, method, o, NULL, NULL);
}

/* an iMIP message (RFC 6047) to someone outside the account, through the
 * outbox: the worker sends it as text and text/calendar with its METHOD */
static int mail_out_text(struct req *r, struct db *db, const char *to, const char *method, const struct ics_object *o,
			 const char *vevents, const char *partstat)
{
	struct buf cal = {0}, text = {0};
	const struct ics_event *m = &o->master;
	char when[40];
	int cancel = !strcmp(method, "CANCEL"), reply = !strcmp(method, "REPLY");
	const char *answer = !partstat                            ? "answered"
			     : !strcasecmp(partstat, "ACCEPTED")  ? "accepted"
			     : !strcasecmp(partstat, "DECLINED")  ? "declined"
			     : !strcasecmp(partstat, "TENTATIVE") ? "tentatively accepted"
								  : "answered";
	ics_format_time(m->start, m->all_day ? NULL : m->tzid, m->all_day, when, sizeof when);
	int rc = sched_inbox_message(&cal, method, o, vevents);
	buf_printf(&text, "%s %s:\n\n%s\nWhen: %s%s%s\n", r->who.display_name,
		   reply    ? arena_printf(r->arena, "%s your invitation", answer)
		   : cancel ? "cancelled this meeting"
			    : "invites you to a meeting",
		   m->summary ? m->summary : "", when, m->tzid && !m->all_day ? " " : "",
		   m->tzid && !m->all_day ? m->tzid : "");
	if (m->location && *m->location)
		buf_printf(&text, "Where: %s\n", m->location);
	buf_puts(&text, cancel || reply ? "" : "\nAnswer from your calendar app: the invitation is attached.\n");
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "text", text.data ? text.data : "", "calendar",
				 cal.data ? cal.data : "", "method", method, "reply_to", r->who.email);
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!rc && !s)
		rc = E_NOMEM;
	if (!rc) {
		const char *what = cancel   ? "Cancelled"
				   : !reply ? "Invitation"
					    : arena_printf(r->arena, "%c%s", answer[0] - 32, answer + 1);
		struct outbox_msg msg = {
			.kind = "imip",
			.recipient = to,
			.body = s,
			.subject = arena_printf(r->arena, "%s: %.200s", what, m->summary ? m->summary : "a meeting")};
		snprintf(msg.account_id, sizeof msg.account_id, "%s", r->who.account_id);
		rc = store_outbox_insert(db, &msg);
	}
	free(s);
	buf_free(&cal);
	buf_free(&text);
	return rc;
}

static int mail_out(struct req *r, struct db *db, const char *to, const char *method, const struct ics_object *o)
{
	return mail_out_text(r, db, to, method, o, NULL, NULL);
}

/* a colleague of the caller's account with this address, not the caller */
static int colleague(struct req *r, struct db *db, const char *email, struct user *out)
{
	int rc = store_user_by_account_email(db, r->who.account_id, email, out);
	if (!rc && !strcmp(out->id, r->who.user_id))
		rc = E_NOTFOUND;
	return rc;
}

int dav_schedule_mark(struct req *r, struct db *db, const struct ics_object *o, const char *tz, struct ics_object **out)
{
	const struct ics_event *m = &o->master;
	struct ics_error err;
	*out = NULL;
	if (!m->organizer || strcasecmp(m->organizer, r->who.email) || !m->nattendees)
		return 0;
	struct ics_answer *a = arena_alloc(r->arena, sizeof *a * m->nattendees);
	size_t n = 0;
	for (size_t i = 0; i < m->nattendees; i++) {
		const struct ics_attendee *at = &m->attendees[i];
		struct user u;
		if (!is_person(at) || !at->email || !strcasecmp(at->email, r->who.email))
			continue;
		int rc = colleague(r, db, at->email, &u);
		if (rc && rc != E_NOTFOUND)
			return rc;
		a[n++] = (struct ics_answer){at->email, NULL, rc ? "1.1" : "1.2", NULL};
	}
	int rc = n ? ics_set_answers(o->text, tz, a, n, out, &err) : 0;
	return rc == E_INVALID ? 0 : rc;
}

/* ---- attendees' replies (RFC 6638 section 3.2.2) ---- */

/* The caller changed their answer (PARTSTAT, per occurrence) in their copy
 * of someone else's meeting, or deleted their copy, which declines it
 * unless it was declined already. A colleague organizer's copy takes the answer
 * (SCHEDULE-STATUS 2.0) and their inbox a METHOD:REPLY; an organizer
 * outside the account gets an iMIP REPLY mail. Nothing when the caller is
 * no attendee, or their copy says ORGANIZER;SCHEDULE-AGENT=CLIENT or NONE. */
static int reply(struct req *r, struct db *db, const char *before, const struct ics_object *now,
		 const struct ics_object *any)
{
	const char *me = r->who.email;
	struct ics_reply was = {0}, is = {0};
	struct ics_object *declined = NULL;
	struct ics_error err;
	struct buf text = {0};
	int rc = 0;
	if (before && ics_reply_read(before, me, &was))
		memset(&was, 0, sizeof was);
	if (now && (rc = ics_reply_read(now->text, me, &is)))
		goto out;
	if (!now) { /* deleted: the whole meeting declined */
		if (!was.any || (was.master && !strcasecmp(was.master, "DECLINED")))
			goto out;
		struct ics_reply no = {.master = "DECLINED", .any = 1};
		if ((rc = ics_reply_apply(before, "UTC", &no, me, NULL, &declined, &err)) || !declined)
			goto out;
		if ((rc = ics_reply_read(declined->text, me, &is)))
			goto out;
	}
	if (!is.any || is.organizer_client || (was.any && was.organizer_client) || !ics_reply_differs(&was, &is))
		goto out;
	const struct ics_object *src = declined ? declined : now;
	if ((rc = ics_reply_build(src->text, me, &text)) || !text.data)
		goto out;
	struct user org;
	rc = colleague(r, db, any->master.organizer, &org);
	if (rc == E_NOTFOUND) { /* someone outside the account: by e-mail (RFC 6047) */
		rc = mail_out_text(r, db, any->master.organizer, "REPLY", src, text.data, is.master);
		goto out;
	}
	struct event_row row;
	int changed;
	if (!rc) /* the colleague's copy takes the answer, their inbox the REPLY */
		rc = organizer_copy_reply(r, db, &org, any->master.uid, me, &is, src, text.data, &row, &changed);
out:
	if (rc == E_NOTFOUND || rc == E_INVALID)
		rc = 0; /* no meeting of a colleague's to answer, or a text we cannot read: nothing to send */
	ics_reply_free(&was);
	ics_reply_free(&is);
	ics_object_free(declined);
	buf_free(&text);
	return rc;
}

int dav_schedule_deliver(struct req *r, struct db *db, const char *before, const struct ics_object *now)
{
	struct ics_object *old = NULL, *cancelled = NULL;
	struct ics_error err;
	int rc = 0;
	const char *tz = "UTC";
	if (before && ics_parse_stored(before, strlen(before), tz, &old, &err))
		old = NULL; /* what was stored is ours and parses; if not, there is nothing to cancel */
	const struct ics_object *any = now ? now : old;
	if (!any || !any->master.organizer)
		goto out;                                      /* nobody organizes it */
	if (strcasecmp(any->master.organizer, r->who.email)) { /* someone else's meeting: the caller may answer */
		rc = reply(r, db, before, now, any);
		goto out;
	}
	for (size_t i = 0; !rc && now && i < now->master.nattendees; i++) {
		const struct ics_attendee *a = &now->master.attendees[i];
		struct user u;
		if (!is_person(a) || !a->email)
			continue;
		if (!(rc = colleague(r, db, a->email, &u)))
			rc = deliver(r, db, &u, "REQUEST", now);
		else if (rc == E_NOTFOUND) /* someone outside the account: by e-mail */
			rc = strcasecmp(a->email, r->who.email) ? mail_out(r, db, a->email, "REQUEST", now) : 0;
	}
	for (size_t i = 0; !rc && old && i < old->master.nattendees; i++) {
		const struct ics_attendee *a = &old->master.attendees[i];
		struct user u;
		if (!is_person(a) || !a->email || invites(now, a->email))
			continue;
		int inside = !(rc = colleague(r, db, a->email, &u));
		if (rc && rc != E_NOTFOUND)
			break;
		rc = 0;
		if (!inside && !strcasecmp(a->email, r->who.email))
			continue;
		if (!cancelled) {
			struct ics_event ev = old->master;
			ev.status = "CANCELLED";
			if ((rc = ics_update(old->text, tz, &ev, ICS_F_STATUS, &cancelled, &err)))
				break;
		}
		rc = inside ? deliver(r, db, &u, "CANCEL", cancelled) : mail_out(r, db, a->email, "CANCEL", cancelled);
	}
out:
	ics_object_free(old);
	ics_object_free(cancelled);
	return rc == E_INVALID ? 0 : rc;
}

/* ---- sync-collection on the inbox (RFC 6578) ----
 * A token says when it was given and how many messages the inbox held:
 * "urn:convene:inbox:<user>:<time>:<count>". Messages are only ever added
 * (with the time of their delivery) or removed, so when the messages
 * delivered up to that time still number count, none was removed and the
 * changes are those delivered since; otherwise (a message removed or
 * replaced, or one delivered within the token's second) the token is
 * refused with valid-sync-token and the client syncs again from nothing. */
struct inbox_sync {
	struct req *r;
	const struct dav_proplist *want;
	struct buf *b;
	int64_t since, last;
	long long old, all;
	int report; /* second pass: answer */
};

static int sync_item(void *ctx, const struct inbox_item *it)
{
	struct inbox_sync *s = ctx;
	if (!s->report) {
		s->all++;
		s->old += it->created_at <= s->since;
		if (it->created_at > s->last)
			s->last = it->created_at;
		return 0;
	}
	if (s->since >= 0 && it->created_at <= s->since)
		return 0;
	struct dav_res res;
	memset(&res, 0, sizeof res);
	item_res(s->r->arena, it, &res);
	return dav_props_response(s->r, &res, s->want, s->b);
}

int dav_schedule_sync(struct req *r, struct db *db, const xmlNode *root)
{
	struct dav_proplist want = {.mode = DAV_PROPS_ALL};
	struct buf b = {0};
	char *tok = dav_xml_text(dav_xml_child(root, DAV_NS, "sync-token"));
	char *level = dav_xml_text(dav_xml_child(root, DAV_NS, "sync-level"));
	const xmlNode *prop = dav_xml_child(root, DAV_NS, "prop");
	struct inbox_sync s = {r, &want, &b, -1, 0, 0, 0, 0};
	long long t = -1, n = -1;
	int rc = 0, used = 0;
	const char *prefix = arena_printf(r->arena, "urn:convene:inbox:%s:", r->who.user_id);
	if (prop)
		dav_props_from_xml(r->arena, prop, &want);
	if (level && strcmp(level, "1"))
		rc = (dav_reply_error(r, 403, DAV_NS, "number-of-matches-within-limits",
				      "sync-level is 1 here (an inbox holds no collections)"),
		      E_INVALID);
	else if (tok && *tok &&
		 (strncmp(tok, prefix, strlen(prefix)) ||
		  sscanf(tok + strlen(prefix), "%lld:%lld%n", &t, &n, &used) != 2 ||
		  tok[strlen(prefix) + (size_t)used] || t < 0 || n < 0))
		rc = (dav_reply_error(r, 403, DAV_NS, "valid-sync-token",
				      "this sync-token is not one of your inbox's: sync again without one"),
		      E_INVALID);
	xmlFree(tok);
	xmlFree(level);
	if (rc)
		return rc;
	s.since = t;
	if ((rc = store_inbox_list(db, r->who.account_id, r->who.user_id, sync_item, &s)))
		goto out;
	if (t >= 0 && s.old != n) {
		rc = (dav_reply_error(r, 403, DAV_NS, "valid-sync-token",
				      "messages left your inbox since this sync-token: sync again without one"),
		      E_INVALID);
		goto out;
	}
	s.report = 1;
	dav_ms_begin(&b);
	if ((rc = store_inbox_list(db, r->who.account_id, r->who.user_id, sync_item, &s)))
		goto out;
	/* the token's time is now (or the newest message's, if later): what
	 * arrives after this answer is newer than it, or in its second and
	 * counted against it */
	int64_t at = clock_now();
	if (s.last > at)
		at = s.last;
	long long held = 0;
	struct inbox_sync count = {r, &want, NULL, at, 0, 0, 0, 0};
	if ((rc = store_inbox_list(db, r->who.account_id, r->who.user_id, sync_item, &count)))
		goto out;
	held = count.old;
	buf_printf(&b, "<D:sync-token>%s%lld:%lld</D:sync-token>", prefix, (long long)at, held);
	if (dav_ms_end(&b)) {
		rc = E_NOMEM;
		goto out;
	}
	return dav_reply_multistatus(r, &b);
out:
	buf_free(&b);
	return rc;
}
