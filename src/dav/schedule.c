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
