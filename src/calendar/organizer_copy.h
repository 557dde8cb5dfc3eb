/* The organizer's own copy of a meeting, found for an attendee's reply: the
 * one place that decides which stored event a REPLY (CalDAV or iMIP mail) may
 * change, so that both ways in check the same things. */
#ifndef CONVENE_CALENDAR_ORGANIZER_COPY_H
#define CONVENE_CALENDAR_ORGANIZER_COPY_H

#include "calendar/event_store.h"
#include "http/request.h"
#include "store/calendars.h"
#include "store/users.h"

/* the event with uid in one of org's own calendars whose ORGANIZER is org
 * (their meeting, not a copy they attend) and which invites attendee;
 * E_NOTFOUND for anything else, whatever the reason, so that a reply learns
 * nothing of what is stored */
int organizer_copy_find(struct req *r, struct db *db, const struct user *org, const char *uid,
			const char *attendee, struct calendar *cal, struct event_row *row);

#endif
