/* Booking rooms by inviting them: an event's ATTENDEEs with CUTYPE=ROOM and
 * a room's address claim that room for every occurrence within its horizon,
 * under its rules (who may book, longest meeting, notice, horizon, opening
 * hours, buffers, approval) and never overlapping another booking. A
 * refusal names each refused occurrence, the rule, and other rooms that fit. */
#ifndef CALENDAR_BOOKING_H
#define CALENDAR_BOOKING_H

#include <jansson.h>

#include "ical/ics.h"
#include "store/store.h"

#define BOOKING_ALTERNATIVES 5

struct booking_refusal {
	char room_id[ID_MAX];
	char room_name[256];
	int64_t start, end, recurrence_id;
	const char *rule;               /* conflict, max_duration, min_notice, max_ahead, opening_hours, not_allowed */
	char detail[256];               /* in English; booking_refusal_text() in another language */
	int64_t amount;                 /* the rule's number in detail: minutes or days (0: none) */
	int64_t other_start, other_end; /* the booking it conflicts with */
	int nalt;
	struct room alt[BOOKING_ALTERNATIVES];
};

struct booking_room_outcome {
	char room_id[ID_MAX];
	char room_name[256];
	char email[256];
	const char *status; /* confirmed, pending, declined (the whole series) */
	int booked, declined;
	/* the room's answer in its ATTENDEE (RFC 6638 section 3.2.9): PARTSTAT
	 * ACCEPTED with SCHEDULE-STATUS 2.0, NEEDS-ACTION with 1.2 (delivered, a
	 * delegate decides), or DECLINED (on_conflict 'decline') with 4.0 (busy,
	 * or another of its rules) or 3.8 (the organizer may not book it) and
	 * the reason as a comment */
	const char *partstat, *schedule_status;
	char comment[512];
};

struct booking_result {
	struct booking_refusal *refusals; /* malloc'd */
	size_t nrefusals, cap;
	struct booking_room_outcome rooms[16];
	int nrooms;
	int refused; /* the change as a whole cannot be made */
};
void booking_result_free(struct booking_result *res);
json_t *booking_conflicts_json(const struct booking_result *res, const char *tz, int lang);
/* a refusal's sentence in language lang (enum lang of core/i18n.h), the room's
 * name and the rule's number filled in */
void booking_refusal_text(const struct booking_refusal *f, int lang, char *out, size_t n);
json_t *booking_outcome_json(const struct booking_result *res);

struct booking_actor {
	const char *user_id; /* NULL: an operator's tool (convene import): no per-user rules */
	const char *role;
};

/* Inside the caller's write transaction, after the event row is written:
 * makes the event's bookings match its room attendees. E_CONFLICT with res
 * filled (res->refused) when a room refuses (on_conflict 'refuse'): the
 * caller rolls back. A room with on_conflict 'decline' that cannot take the
 * meeting holds nothing of it and answers DECLINED. On success each room's
 * answer is in res->rooms (the caller writes them into the text with
 * booking_answers). A room attendee DECLINED by a delegate (any other
 * SCHEDULE-STATUS than the automatic 4.0 and 3.8) holds nothing and is left
 * as it is; one declined automatically is asked again. */
int booking_sync(struct db *db, const struct calendar *cal, const char *event_id, const struct ics_object *o,
		 const struct booking_actor *actor, struct booking_result *res);
/* the rooms' answers of res in o's text: *out NULL when it already says them */
int booking_answers(const struct ics_object *o, const char *tz, const struct booking_result *res,
		    struct ics_object **out);

/* A meeting made at a calendar provider (sync/inbound.c) holds its room as
 * the provider's room answered, not under convene's rules (who may book,
 * notice, horizon, hours: the provider applied its own): the event's
 * bookings of the room become one, [start, end) widened by the room's
 * buffers, with status confirmed or pending. E_CONFLICT when another
 * booking of the room overlaps: then the event holds nothing (its text still
 * shows it in the room's calendar). */
int booking_hold(struct db *db, const struct room *room, const char *event_id, int64_t start, int64_t end,
		 const char *status);

/* other rooms that fit instead of room for [start, end) (the room search's
 * rule of a refusal: as many seats, the same equipment, its building first,
 * free, open): at most BOOKING_ALTERNATIVES in out, *n of them */
int booking_alternatives(struct db *db, const struct room *room, const char *tz, int64_t start, int64_t end,
			 struct room *out, int *n);

/* says that a room or its bookings changed: its door displays and the room
 * schedules open on calendar pages (calendar/room_stream.h) render again */
int booking_room_changed(struct db *db, const char *room_id);
/* before an event is deleted: the rooms it booked hear of it */
int booking_event_gone(struct db *db, const char *account_id, const char *event_id);

/* occurrence [start, end) within the room's opening hours (in tz) */
int booking_within_hours(const struct room *room, const char *tz, int64_t start, int64_t end);

#endif
