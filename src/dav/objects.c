/* Event resources: GET/HEAD, PUT and DELETE (RFC 4791 sections 5.3.2-5.3.4),
 * at the names clients chose (events.href; the UID stays unique per
 * calendar: no-uid-conflict), MOVE and COPY between one's calendars, and
 * DELETE of one's own non-default calendars (calendar_delete, the JSON API's).
 * A PUT is parsed and checked under the libical rules (ical/ics.h), then
 * written by event_write (calendar/event_store.h), the path of the JSON API:
 * its room ATTENDEEs book rooms under their rules and the no-double-booking
 * guarantee, and the people it invites are scheduled, in the same
 * transaction, so a refused PUT changes nothing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "calendar/access.h"
#include "calendar/calendars.h"
#include "calendar/event_store.h"
#include "ical/ics.h"
#include "core/errors.h"
#include "dav/methods.h"
#include "dav/reply.h"
#include "dav/render.h"
#include "dav/resource.h"
#include "dav/schedule.h"
#include "dav/xml.h"
#include "http/response.h"

/* is etag in the header's list ("*" matches any) */
static int etag_listed(const char *h, const char *etag)
{
	if (!strcmp(h, "*") || !strcmp(h, " *"))
		return 1;
	size_t n = strlen(etag);
	for (const char *p = strstr(h, etag); p; p = strstr(p + 1, etag))
		if ((p == h || p[-1] == ' ' || p[-1] == ',') && (!p[n] || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

/* If-Match / If-None-Match against the resource (etag NULL: it does not exist) */
static int preconditions(struct req *r, const char *etag, int reading)
{
	const char *im = req_header(r, "If-Match"), *inm = req_header(r, "If-None-Match");
	if (im && (!etag || !etag_listed(im, etag))) {
		resp_problem(r, 412, "precondition-failed",
			     etag ? "the event changed since you read it (If-Match does not match its ETag)"
				  : "If-Match names an event that does not exist");
		return E_CONFLICT;
	}
	if (inm && etag && etag_listed(inm, etag)) {
		if (reading) {
			resp_header(r, "ETag", etag);
			resp_empty(r, 304);
		} else {
			resp_problem(r, 412, "precondition-failed",
				     "If-None-Match: the resource exists (an event with this UID is already here)");
		}
		return E_CONFLICT;
	}
	return 0;
}

int dav_object_get(struct req *r, struct db *db, const struct dav_path *p)
{
	struct dav_res res;
	int rc;
	if ((rc = store_begin(db, 0)))
		return rc;
	rc = dav_resource_load(r, db, p, &res);
	store_rollback(db);
	if (rc)
		return rc;
	if (res.kind == DAV_INBOX_ITEM)
		return dav_schedule_item_get(r, &res);
	if (res.kind != DAV_OBJECT)
		return resp_raw(r, 200, "text/plain; charset=utf-8",
				"A CalDAV collection of convene: open it in a calendar app.\n", 58);
	if (!res.exists)
		return dav_resource_not_found(r);
	if (res.role < CAL_ROLE_VIEWER)
		return dav_reply_need_privilege(r, res.href, DAV_NS, "read",
						"you may see free/busy time only on this calendar");
	const char *etag = dav_render_etag(r->arena, res.role, &res.ev);
	if (preconditions(r, etag, 1))
		return 0;
	struct buf b = {0};
	if ((rc = dav_render_object(&b, res.role, &res.ev))) {
		buf_free(&b);
		return rc;
	}
	resp_header(r, "ETag", etag);
	dav_schedule_tag_header(r, res.ev.ical, res.ev.organizer);
	rc = resp_raw(r, 200, "text/calendar; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}

/* VTODO and VJOURNAL are calendar data, but not components we keep */
static int other_component(const char *s, size_t n)
{
	return (memmem(s, n, "BEGIN:VTODO", 11) || memmem(s, n, "BEGIN:VJOURNAL", 14)) &&
	       !memmem(s, n, "BEGIN:VEVENT", 12);
}

static int may_write(struct req *r, const struct dav_res *res)
{
	if (res->role >= CAL_ROLE_EDITOR)
		return 0;
	dav_reply_need_privilege(r, res->href, DAV_NS, "write-content",
				 res->role == CAL_ROLE_VIEWER ? "this calendar is shared with you read-only"
							      : "you may see free/busy time only on this calendar");
	return E_FORBIDDEN;
}

static int no_uid_conflict(struct req *r, const char *href)
{
	struct buf b = {0};
	buf_puts(&b, "<C:no-uid-conflict><D:href>");
	dav_xml_escape(&b, href);
	buf_puts(&b, "</D:href></C:no-uid-conflict>");
	dav_reply_error_xml(r, 409, b.data ? b.data : "",
			    "the UID is already used by another resource of this calendar");
	buf_free(&b);
	return E_CONFLICT;
}

/* RFC 4791 5.3.2.1: a limit the calendar advertises (props.c) is refused with
 * the precondition of its name; anything else is not valid calendar data.
 * The message already names the line and the property. */
static int refused(struct req *r, const struct ics_error *err)
{
	const char *pre = err->limit == ICS_LIMIT_SIZE        ? "max-resource-size"
			  : err->limit == ICS_LIMIT_ATTENDEES ? "max-attendees-per-instance"
			  : err->limit == ICS_LIMIT_INSTANCES ? "max-instances"
							      : "valid-calendar-data";
	return dav_reply_error(r, 403, CALDAV_NS, pre, "%s", err->message), E_INVALID;
}

/* a room refuses the event: 409 with the first refusal's words */
static int booking_refused(struct req *r, const struct booking_result *booked)
{
	const char *detail = booked->nrefusals ? booked->refusals[0].detail : "a room refuses the booking";
	return dav_reply_error(r, 409, CONVENE_NS, "booking-conflict", "%s", detail), E_CONFLICT;
}

/* a meeting made at a calendar provider (calendar sync keeps it): read-only
 * here, with our precondition saying where to change it */
static int external_refused(struct req *r, const char *provider)
{
	return dav_reply_error(r, 403, CONVENE_NS, "external-event", "%s", resp_text(r, event_external_text(provider))),
	       E_FORBIDDEN;
}

/* the provider of the existing resource's meeting, or NULL. A room's
 * calendar shows bookings (dav/room_calendar.c): the booking's event is the
 * one to ask, and an external meeting lives in the room's own calendar. */
static const char *external_of(struct req *r, struct db *db, const struct dav_res *res)
{
	if (!res->exists)
		return NULL;
	const char *ext = event_external(res->ev.ical);
	struct event_row row;
	if (!ext && *res->cal.room_id && res->ev.id && !event_fetch(db, r->arena, &res->cal, res->ev.id, &row))
		ext = event_external(row.ical);
	return ext;
}

int dav_object_put(struct req *r, struct db *db, const struct dav_path *p)
{
	struct dav_res res;
	struct ics_object *o = NULL;
	struct ics_error err;
	struct booking_actor actor = {r->who.user_id, r->who.role};
	struct sched_actor who = event_caller(r);
	struct event_written wr = {0};
	int rc;
	const char *ctype = req_header(r, "Content-Type");
	if (p->kind != DAV_OBJECT)
		return dav_reply_error(r, 405, NULL, NULL, "PUT stores events: aim it at <name>.ics in a calendar");
	if (!dav_name_valid(p->name))
		return dav_reply_error(r, 403, CONVENE_NS, "valid-resource-name",
				       "an event's name is 1 to 255 bytes, without '/' or control characters");
	/* checked and parsed in a read snapshot, then written in a write
	 * transaction: parsing (time zones, recurrences) must not hold the
	 * writer lock that every other account's writes wait for */
	if ((rc = store_begin(db, 0)))
		return rc;
	if ((rc = dav_resource_load(r, db, p, &res)) || (rc = may_write(r, &res)))
		goto fail;
	if (ctype && strncasecmp(ctype, "text/calendar", 13)) {
		rc = (dav_reply_error(r, 403, CALDAV_NS, "supported-calendar-data",
				      "the body must be text/calendar (iCalendar 2.0)"),
		      E_INVALID);
		goto fail;
	}
	if (other_component(r->body.data ? r->body.data : "", r->body.len)) {
		rc = (dav_reply_error(r, 403, CALDAV_NS, "supported-calendar-component",
				      "this calendar holds events (VEVENT) only"),
		      E_INVALID);
		goto fail;
	}
	if (ics_parse_object(r->body.data ? r->body.data : "", r->body.len, res.cal.time_zone, &o, &err)) {
		rc = refused(r, &err);
		goto fail;
	}
	char *parsed_tz = arena_strdup(r->arena, res.cal.time_zone);
	store_rollback(db);
	if ((rc = store_begin(db, 1)))
		goto out;
	if ((rc = dav_resource_load(r, db, p, &res)) || (rc = may_write(r, &res)))
		goto fail;
	if (strcmp(parsed_tz, res.cal.time_zone)) { /* the calendar's zone changed meanwhile */
		ics_object_free(o);
		o = NULL;
		if (ics_parse_object(r->body.data ? r->body.data : "", r->body.len, res.cal.time_zone, &o, &err)) {
			rc = refused(r, &err);
			goto fail;
		}
	}
	if (!res.exists || strcmp(o->master.uid, res.ev.uid)) {
		struct event_row other;
		if (!event_fetch_uid(db, r->arena, &res.cal, o->master.uid, &other)) {
			/* RFC 4791 5.3.2.1: the element names the resource that has the UID */
			rc = no_uid_conflict(r, dav_href_object(r->arena, r->who.user_id, res.segment, other.href));
			goto fail;
		}
	}
	if (external_of(r, db, &res)) {
		rc = external_refused(r, external_of(r, db, &res));
		goto fail;
	}
	if ((rc = preconditions(r, res.exists ? res.ev.etag : NULL, 0)) || (rc = dav_schedule_tag_check(r, &res)))
		goto fail;
	struct event_write w = {&res.cal, res.exists ? &res.ev : NULL, res.name, o, &actor, &who, EVENT_DELIVER, 0};
	rc = event_write(db, r->arena, &w, &wr);
	if (rc == E_CONFLICT && wr.booked.refused) {
		rc = booking_refused(r, &wr.booked);
		goto fail;
	}
	if (rc == E_FORBIDDEN && wr.external) {
		rc = external_refused(r, wr.external);
		goto fail;
	}
	if (rc || (rc = event_written_audit(r, db, &wr)) || (rc = store_commit(db)))
		goto fail;
	/* RFC 4791 5.3.4: no ETag when what is stored is not what was sent
	 * (the attendees' SCHEDULE-STATUS, a room's PARTSTAT) */
	if (!wr.rewritten)
		resp_header(r, "ETag", wr.saved.etag);
	dav_schedule_tag_header(r, wr.stored->text, wr.stored->master.organizer);
	rc = resp_empty(r, res.exists ? 204 : 201);
	goto out;
fail:
	store_rollback(db);
out:
	event_written_free(&wr);
	ics_object_free(o);
	return rc;
}

/* may the caller delete this calendar collection: their own, not the default */
static int calendar_unbind(struct req *r, const struct dav_res *res)
{
	if (res->role != CAL_ROLE_OWNER || strcmp(res->cal.owner_id, r->who.user_id))
		return dav_reply_need_privilege(r, res->href, DAV_NS, "unbind",
						"only the owner deletes a calendar; a shared one leaves your home "
						"when its share is revoked"),
		       E_FORBIDDEN;
	if (res->cal.is_default)
		return dav_reply_error(r, 403, CONVENE_NS, "default-calendar",
				       "your default calendar cannot be deleted"),
		       E_FORBIDDEN;
	return 0;
}

int dav_object_delete(struct req *r, struct db *db, const struct dav_path *p)
{
	struct dav_res res;
	int rc;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = dav_resource_load(r, db, p, &res)))
		goto fail;
	if (res.kind == DAV_CALENDAR) {
		if ((rc = calendar_unbind(r, &res)) || (rc = calendar_delete(r, db, &res.cal, res.role)) ||
		    (rc = store_commit(db)))
			goto fail;
		return resp_empty(r, 204);
	}
	if (res.kind == DAV_INBOX_ITEM) {
		if ((rc = dav_schedule_item_delete(r, db, &res)))
			goto fail;
		return 0;
	}
	if (res.kind != DAV_OBJECT) {
		rc = (dav_reply_error(r, 403, NULL, NULL, "only calendars and events can be deleted"), E_FORBIDDEN);
		goto fail;
	}
	if (!res.exists) {
		rc = dav_resource_not_found(r);
		goto fail;
	}
	if (external_of(r, db, &res)) {
		rc = external_refused(r, external_of(r, db, &res));
		goto fail;
	}
	if ((rc = may_write(r, &res)) || (rc = preconditions(r, res.ev.etag, 0)) ||
	    (rc = dav_schedule_tag_check(r, &res)))
		goto fail;
	struct booking_actor actor = {r->who.user_id, r->who.role};
	struct sched_actor who = event_caller(r);
	struct event_write w = {&res.cal, &res.ev, NULL, NULL, &actor, &who, EVENT_DELIVER, 0};
	struct event_written wr;
	rc = event_write(db, r->arena, &w, &wr);
	if (rc == E_FORBIDDEN && wr.external)
		rc = external_refused(r, wr.external);
	if (!rc && !(rc = store_dav_props_delete(db, res.cal.account_id, res.cal.id, res.name, 0)))
		rc = event_written_audit(r, db, &wr);
	event_written_free(&wr);
	if (rc || (rc = store_commit(db)))
		goto fail;
	return resp_empty(r, 204);
fail:
	store_rollback(db);
	return rc;
}

/* MOVE and COPY of an event (RFC 4918 sections 9.8, 9.9) to a name in one of
 * the caller's calendars, in one transaction: the source's text (as the
 * caller may read it) is stored at the destination through event_write, so
 * its rooms are booked again under the destination calendar's rules; a MOVE
 * first deletes the source (freeing its rooms), so moving a meeting does not
 * conflict with itself. Nobody is scheduled: the meeting is the same, only
 * where its organizer keeps it changed. Overwrite: F and an existing
 * destination -> 412. */
int dav_object_move(struct req *r, struct db *db, const struct dav_path *p)
{
	int copy = !strcmp(r->method, "COPY"), rc;
	const char *dest = req_header(r, "Destination"), *ow = req_header(r, "Overwrite");
	int overwrite = !ow || strcasecmp(ow, "F");
	struct dav_path dp;
	struct dav_res src, dst;
	struct ics_object *o = NULL;
	struct ics_error err;
	struct booking_actor actor = {r->who.user_id, r->who.role};
	struct event_written gone = {0}, wr = {0};
	struct buf text = {0};
	if (p->kind != DAV_OBJECT)
		return dav_reply_error(r, 403, NULL, NULL, "only events are moved or copied");
	if (!dest)
		return resp_problem(r, 400, "destination-required", "MOVE and COPY need a Destination header"),
		       E_INVALID;
	if ((rc = store_begin(db, 1)))
		return rc;
	/* what the caller may not see answers 404 before the Destination is judged */
	if ((rc = dav_resource_load(r, db, p, &src)))
		goto fail;
	if (!src.exists) {
		rc = dav_resource_not_found(r);
		goto fail;
	}
	if (dav_path_from_href(r->arena, dest, &dp) || dp.kind != DAV_OBJECT || strcmp(dp.user_id, r->who.user_id)) {
		rc = (dav_reply_error(r, 403, CONVENE_NS, "destination",
				      "the Destination is an event's address in one of your calendars"),
		      E_FORBIDDEN);
		goto fail;
	}
	if (!dav_name_valid(dp.name)) {
		rc = (dav_reply_error(r, 403, CONVENE_NS, "valid-resource-name",
				      "an event's name is 1 to 255 bytes, without '/' or control characters"),
		      E_FORBIDDEN);
		goto fail;
	}
	if ((rc = copy ? (src.role >= CAL_ROLE_VIEWER ? 0 : may_write(r, &src)) : may_write(r, &src)) ||
	    (rc = preconditions(r, src.ev.etag, 0)))
		goto fail;
	if ((rc = dav_resource_load(r, db, &dp, &dst)) || (rc = may_write(r, &dst)))
		goto fail;
	/* the source leaves its place (MOVE), or an external meeting would be
	 * overwritten: both are writes to it */
	const char *ext = !copy ? external_of(r, db, &src) : NULL;
	if (!ext)
		ext = external_of(r, db, &dst);
	if (ext) {
		rc = external_refused(r, ext);
		goto fail;
	}
	if (!strcmp(src.href, dst.href)) {
		rc = (dav_reply_error(r, 403, NULL, NULL, "the source and the destination are the same"), E_FORBIDDEN);
		goto fail;
	}
	if (dst.exists && !overwrite) {
		rc = (resp_problem(r, 412, "precondition-failed", "Overwrite: F and the destination exists"),
		      E_CONFLICT);
		goto fail;
	}
	if ((rc = dav_render_object(&text, src.role, &src.ev)))
		goto fail;
	if (ics_parse_object(text.data ? text.data : "", text.len, dst.cal.time_zone, &o, &err)) {
		rc = err.limit ? refused(r, &err) /* stored before the limit was */
			       : (dav_reply_error(r, 409, NULL, NULL, "the event cannot be stored there: %s",
						  err.message),
				  E_CONFLICT);
		goto fail;
	}
	struct event_write del = {&src.cal, &src.ev, NULL, NULL, &actor, NULL, EVENT_QUIET, 0};
	if (!copy && ((rc = event_write(db, r->arena, &del, &gone)) || (rc = event_written_audit(r, db, &gone))))
		goto fail;
	if (dst.exists && ((rc = event_delete(db, &dst.cal, dst.ev.id)) ||
			   (rc = store_dav_props_delete(db, dst.cal.account_id, dst.cal.id, dst.name, 0))))
		goto fail;
	/* the dead properties go (MOVE) or are copied with it */
	if ((rc = store_dav_props_copy(db, src.cal.account_id, src.cal.id, src.name, dst.cal.id, dst.name, 0, !copy)))
		goto fail;
	struct event_row other;
	if (!event_fetch_uid(db, r->arena, &dst.cal, o->master.uid, &other)) {
		rc = no_uid_conflict(r, dav_href_object(r->arena, r->who.user_id, dst.segment, other.href));
		goto fail;
	}
	struct event_write put = {&dst.cal, NULL, dst.name, o, &actor, NULL, EVENT_QUIET, 0};
	rc = event_write(db, r->arena, &put, &wr);
	if (rc == E_CONFLICT && wr.booked.refused) {
		rc = booking_refused(r, &wr.booked);
		goto fail;
	}
	if (rc == E_FORBIDDEN && wr.external) { /* a COPY of an external meeting */
		rc = external_refused(r, wr.external);
		goto fail;
	}
	if (rc || (rc = event_written_audit(r, db, &wr)) || (rc = store_commit(db)))
		goto fail;
	if (!dst.exists)
		resp_header(r, "Location", dst.href);
	rc = resp_empty(r, dst.exists ? 204 : 201);
	goto out;
fail:
	store_rollback(db);
out:
	buf_free(&text);
	event_written_free(&gone);
	event_written_free(&wr);
	ics_object_free(o);
	return rc;
}
