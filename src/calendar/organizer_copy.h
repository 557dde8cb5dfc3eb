/* The organizer's own copy of a meeting, found for an attendee's reply: the
 * one place that decides which stored event a REPLY (CalDAV or iMIP mail) may
 * change, so that both ways in check the same things. */
#ifndef CONVENE_CALENDAR_ORGANIZER_COPY_H
#define CONVENE_CALENDAR_ORGANIZER_COPY_H

#include "calendar/event_store.h"
#include "core/arena.h"
#include "store/calendars.h"
#include "store/users.h"

/* the event with uid in one of org's own calendars whose ORGANIZER is org
 * (their meeting, not a copy they attend) and which invites attendee;
 * E_NOTFOUND for anything else, whatever the reason, so that a reply learns
 * nothing of what is stored */
int organizer_copy_find(struct arena *a, struct db *db, const struct user *org, const char *uid, const char *attendee,
			struct calendar *cal, struct event_row *row);

/* An attendee's answers reach the organizer org (a colleague's CalDAV reply
 * or an outside attendee's iMIP mail): org's copy found as above takes them
 * per occurrence with SCHEDULE-STATUS 2.0, stored as org's own write (their
 * rooms' rules hold), and org's schedule inbox gets the METHOD:REPLY (RFC 6638
 * sections 3.2.2 and 4.1), one per UID and attendee. The REPLY holds vevents
 * with the zones of from (the attendee's copy) or, when they are NULL, the
 * copy's VEVENTs as answered, with that attendee only. row: the copy;
 * *changed: whether it changed. E_NOTFOUND as organizer_copy_find. */
struct ics_reply;
int organizer_copy_reply(struct arena *a, struct db *db, const struct user *org, const char *uid, const char *attendee,
			 const struct ics_reply *rep, const struct ics_object *from, const char *vevents,
			 struct event_row *row, int *changed);

#endif
