/* Scheduling people (iTIP, RFC 5546, as RFC 6638 section 3.2 and RFC 6047
 * run it): what an organizer's write sends to the attendees it invites or
 * drops, and what an attendee's change of answer sends to the organizer.
 * Colleagues (users of the organizer's account) get the message in their
 * schedule inbox; anyone else gets iMIP mail through the outbox. Every
 * front end (CalDAV, the JSON API, import) reaches it through event_write
 * (calendar/event_store.h); it knows no HTTP request. */
#ifndef CALENDAR_SCHEDULING_H
#define CALENDAR_SCHEDULING_H

#include "core/arena.h"
#include "ical/ics.h"
#include "store/store.h"

/* the calendar user who writes: their account, user id, address and name
 * (the name signs the iMIP mail) */
struct sched_actor {
	const char *account_id;
	const char *user_id;
	const char *email;
	const char *name;
};

/* Before storing o: when who organizes it (its ORGANIZER is their address),
 * each person it invites gets their delivery status (RFC 6638 section
 * 3.2.9) in the text, SCHEDULE-STATUS 1.2 (a colleague's inbox) or 1.1
 * (iMIP); *out NULL when o already says so (or there is nobody). */
int sched_mark(struct arena *a, struct db *db, const struct sched_actor *who, const struct ics_object *o,
	       const char *tz, struct ics_object **out);

/* After storing: before is the text stored until now (NULL: a new event),
 * now what is stored (NULL: the event is deleted). When who organizes it,
 * each person invited gets METHOD:REQUEST and each one no longer invited
 * METHOD:CANCEL; when who is an attendee of someone else's meeting whose
 * answer changed (or who deleted their copy), the organizer gets a REPLY.
 * In the caller's write transaction. */
int sched_deliver(struct arena *a, struct db *db, const struct sched_actor *who, const char *before,
		  const struct ics_object *now);

#endif
