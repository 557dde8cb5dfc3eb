/* POST /api/v1/rooms/{id}/bookings/{booking_id}/approve|decline, by the
 * room's delegates and administrators. The decision covers every occurrence
 * the event books in the room, and is written into the event's text (the
 * room's PARTSTAT), so calendar apps see it and a later change of the event
 * keeps it. */
#include "calendar/approval.h"

#include <stdlib.h>
#include <string.h>

#include "calendar/booking.h"
#include "calendar/event_store.h"
#include "core/errors.h"
#include "http/response.h"
#include "api/access.h"
#include "api/audit.h"

static int decide(struct req *r, int approve)
{
	struct db *db = store_db();
	if (!db)
		return E_DB;
	const char *room_id = req_param(r, "id"), *booking_id = req_param(r, "booking_id");
	struct room room;
	struct booking b;
	struct calendar cal;
	struct event_row row;
	struct ics_object *cur = NULL, *o = NULL;
	struct ics_error err;
	int rc, delegate = 0;
	if ((rc = store_begin(db, 1)))
		return rc;
	rc = ids_valid(room_id, "room") ? store_room_get(db, r->who.account_id, room_id, &room) : E_NOTFOUND;
	if (!rc)
		rc = ids_valid(booking_id, "bkg") ? store_booking_get(db, r->who.account_id, booking_id, &b)
						  : E_NOTFOUND;
	if (!rc && strcmp(b.room_id, room.id))
		rc = E_NOTFOUND;
	if (rc == E_NOTFOUND) {
		resp_problem(r, 404, "not-found", "no such booking of this room");
		goto fail;
	}
	if (rc || (rc = store_room_is_delegate(db, room.account_id, room.id, r->who.user_id, &delegate)))
		goto fail;
	if (!delegate && !access_is(r, "admin")) {
		rc = resp_problem(r, 403, "forbidden", "only the room's delegates and administrators decide");
		rc = E_FORBIDDEN;
		goto fail;
	}
	/* the event, in whichever calendar holds it */
	if ((rc = store_calendar_by_event(db, room.account_id, b.event_id, &cal)) ||
	    (rc = event_fetch(db, r->arena, &cal, b.event_id, &row)) ||
	    (rc = ics_parse_stored(row.ical, strlen(row.ical), cal.time_zone, &cur, &err)))
		goto fail;
	if (approve && (rc = store_booking_approve(db, room.account_id, b.event_id, room.id)))
		goto fail;
	/* the room's reply (RFC 6638 section 3.2.9: SCHEDULE-STATUS 2.0, the
	 * request was answered), with every other parameter of its ATTENDEE kept */
	struct ics_answer answer = {room.email, approve ? "ACCEPTED" : "DECLINED", "2.0", NULL};
	/* the event is re-synced as its organizer's: the decision must not lift
	 * the rules of the event's other rooms */
	struct event_saved saved;
	struct user organizer;
	struct booking_actor actor = {NULL, NULL}, *who = NULL;
	if (row.created_by && !store_user_get(db, room.account_id, row.created_by, &organizer)) {
		actor.user_id = organizer.id;
		actor.role = organizer.role;
		who = &actor;
	}
	if ((rc = ics_set_answers(row.ical, cal.time_zone, &answer, 1, &o, &err)))
		goto fail;
	if ((o && (rc = event_store(db, &cal, o, row.id, who, NULL, &saved, NULL))) ||
	    (rc = booking_room_changed(db, room.id)) ||
	    (rc = audit_record(r, db, approve ? "booking.approve" : "booking.decline", "room", room.id, room.name, NULL,
			       json_pack("{s:s, s:s}", "event_id", b.event_id, "booking_id", b.id))) ||
	    (rc = store_commit(db)))
		goto fail;
	ics_object_free(cur);
	ics_object_free(o);
	return resp_json(r, 200,
			 json_pack("{s:s, s:s, s:s}", "event_id", b.event_id, "room_id", room.id, "status",
				   approve ? "confirmed" : "declined"));
fail:
	store_rollback(db);
	ics_object_free(cur);
	ics_object_free(o);
	return rc;
}

static int approve(struct req *r)
{
	return decide(r, 1);
}

static int decline(struct req *r)
{
	return decide(r, 0);
}

const struct route approval_routes[] = {
	{"POST", "/api/v1/rooms/{id}/bookings/{booking_id}/approve", approve, 0},
	{"POST", "/api/v1/rooms/{id}/bookings/{booking_id}/decline", decline, 0},
	{0},
};
