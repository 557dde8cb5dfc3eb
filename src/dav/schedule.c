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
#include "calendar/ics.h"
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
	int rc = store_user_by_email(db, addr, &u);
	if (!rc && !strcmp(u.account_id, r->who.account_id))
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
		resp_header(r, "Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR, "
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
				     "the ORGANIZER is one of your calendar-user-address-set (mailto:%s)", r->who.email);
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

/* the message around o's VEVENTs, with the zones they use */
static int message(struct buf *b, const char *method, const struct ics_object *o)
{
	buf_printf(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//CalDAV scheduling//EN\r\nMETHOD:%s\r\n",
		   method);
	for (size_t i = 0; i < o->ntzids; i++)
		if (strcmp(o->tzids[i], "UTC"))
			ics_vtimezone(b, o->tzids[i]);
	buf_puts(b, o->text);
	return buf_puts(b, "END:VCALENDAR\r\n");
}

static int deliver(struct req *r, struct db *db, const struct user *to, const char *method,
		   const struct ics_object *o)
{
	struct buf b = {0};
	char id[ID_MAX], h[HASH_HEX_MAX], etag[40];
	int rc = message(&b, method, o);
	if (!rc && !b.data)
		rc = E_NOMEM;
	if (!rc) {
		ids_new("itm", id);
		ids_hash(b.data, h);
		snprintf(etag, sizeof etag, "\"%.24s\"", h);
		struct inbox_item it = {to->account_id, to->id, arena_printf(r->arena, "%s.ics", id), o->master.uid,
					method, b.data, etag, clock_now()};
		rc = store_inbox_put(db, &it);
	}
	buf_free(&b);
	return rc;
}

/* an iMIP message (RFC 6047) to someone outside the account, through the
 * outbox: the worker sends it as text and text/calendar with its METHOD */
static int mail_out(struct req *r, struct db *db, const char *to, const char *method, const struct ics_object *o)
{
	struct buf cal = {0}, text = {0};
	const struct ics_event *m = &o->master;
	char when[40];
	int cancel = !strcmp(method, "CANCEL");
	ics_format_time(m->start, m->all_day ? NULL : m->tzid, m->all_day, when, sizeof when);
	int rc = message(&cal, method, o);
	buf_printf(&text, "%s %s:\n\n%s\nWhen: %s%s%s\n", r->who.display_name,
		   cancel ? "cancelled this meeting" : "invites you to a meeting", m->summary ? m->summary : "",
		   when, m->tzid && !m->all_day ? " " : "", m->tzid && !m->all_day ? m->tzid : "");
	if (m->location && *m->location)
		buf_printf(&text, "Where: %s\n", m->location);
	buf_puts(&text, cancel ? "" : "\nAnswer from your calendar app: the invitation is attached.\n");
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "text", text.data ? text.data : "", "calendar",
				 cal.data ? cal.data : "", "method", method, "reply_to", r->who.email);
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!rc && !s)
		rc = E_NOMEM;
	if (!rc) {
		struct outbox_msg msg = {.kind = "imip", .recipient = to, .body = s,
					 .subject = arena_printf(r->arena, "%s: %.200s", cancel ? "Cancelled" : "Invitation",
								 m->summary ? m->summary : "a meeting")};
		snprintf(msg.account_id, sizeof msg.account_id, "%s", r->who.account_id);
		rc = store_outbox_insert(db, &msg);
	}
	free(s);
	buf_free(&cal);
	buf_free(&text);
	return rc;
}

/* a colleague of the caller's account with this address, not the caller */
static int colleague(struct req *r, struct db *db, const char *email, struct user *out)
{
	int rc = store_user_by_email(db, email, out);
	if (!rc && (strcmp(out->account_id, r->who.account_id) || !strcmp(out->id, r->who.user_id)))
		rc = E_NOTFOUND;
	return rc;
}

int dav_schedule_mark(struct req *r, struct db *db, const struct ics_object *o, const char *tz,
		      struct ics_object **out)
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

int dav_schedule_deliver(struct req *r, struct db *db, const char *before, const struct ics_object *now)
{
	struct ics_object *old = NULL, *cancelled = NULL;
	struct ics_error err;
	int rc = 0;
	const char *tz = "UTC";
	if (before && ics_parse_object(before, strlen(before), tz, &old, &err))
		old = NULL; /* what was stored is ours and parses; if not, there is nothing to cancel */
	const struct ics_object *any = now ? now : old;
	if (!any || !any->master.organizer || strcasecmp(any->master.organizer, r->who.email))
		goto out; /* not the caller's meeting: they are an attendee, or nobody organizes it */
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
