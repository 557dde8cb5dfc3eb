/* Scheduling messages (RFC 6638 section 4) into a user's schedule inbox:
 * the one delivery that scheduling (calendar/scheduling.c) and iMIP mail-in
 * (calendar/imip_in.c) share, so that an organizer's calendar app finds a
 * REPLY there whichever way the attendee answered. */
#ifndef CONVENE_CALENDAR_SCHED_INBOX_H
#define CONVENE_CALENDAR_SCHED_INBOX_H

#include "ical/ics.h"
#include "core/arena.h"
#include "core/buf.h"
#include "store/store.h"
#include "store/users.h"

/* a VCALENDAR with METHOD:method, the zones o uses, and VEVENT blocks (o's
 * own text, or vevents when not NULL), appended to b */
int sched_inbox_message(struct buf *b, const char *method, const struct ics_object *o, const char *vevents);

/* that message into to's inbox under name (NULL: a new name); a message of
 * the same name is replaced */
int sched_inbox_deliver(struct arena *a, struct db *db, const struct user *to, const char *method,
			const struct ics_object *o, const char *vevents, const char *name);

/* the inbox name of a REPLY: one per UID and attendee, the newer replacing the older */
const char *sched_inbox_reply_name(struct arena *a, const char *uid, const char *attendee);

#endif
