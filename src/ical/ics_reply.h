/* iTIP REPLY (RFC 5546 section 3.2.3) over stored text, for scheduling
 * (RFC 6638 section 3.2.2 and iMIP, RFC 6047): what an attendee answers
 * in their own copy (their PARTSTAT, per occurrence), the REPLY message
 * that carries it, and its application to the organizer's copy. Texts are
 * VEVENT blocks as stored, or a whole VCALENDAR (a message). Addresses are
 * lower-cased, without "mailto:". Implemented in ics_reply.c. */
#ifndef CALENDAR_ICS_REPLY_H
#define CALENDAR_ICS_REPLY_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct ics_object;
struct ics_error;

#define ICS_REPLY_MAX 64 /* occurrences answered one by one, at most */

/* an attendee's answers in one text: the master's PARTSTAT (NULL: the
 * attendee is not on the master) and each override's that names them */
struct ics_reply {
	char *master;               /* PARTSTAT of the master's ATTENDEE, or NULL */
	int64_t rid[ICS_REPLY_MAX]; /* RECURRENCE-ID in UTC */
	char *partstat[ICS_REPLY_MAX];
	size_t n;
	int any;              /* the attendee is on some VEVENT */
	int organizer_client; /* ORGANIZER;SCHEDULE-AGENT=CLIENT or NONE (RFC 6638 section 7.1) */
	char *organizer;      /* the ORGANIZER's address, or NULL */
	char *uid;
	int method_reply; /* the VCALENDAR says METHOD:REPLY */
};
/* reads email's answers from text; 0, E_INVALID (not iCalendar) or E_NOMEM */
int ics_reply_read(const char *text, const char *email, struct ics_reply *out);
void ics_reply_free(struct ics_reply *r);
/* the one attendee a REPLY message names (RFC 5546 section 3.2.3: only the
 * one who replies), lower-cased, without "mailto:": 0, or E_INVALID when
 * the text is not iCalendar or names none or several */
int ics_reply_attendee(const char *text, char *out, size_t cap);
/* 1 when a and b answer differently (an absent PARTSTAT is NEEDS-ACTION) */
int ics_reply_differs(const struct ics_reply *a, const struct ics_reply *b);

/* The REPLY's VEVENT blocks, from the attendee's copy: every VEVENT that
 * names them, with that ATTENDEE as its only one and without the
 * SCHEDULE-STATUS parameters the organizer's server wrote; appended to out */
int ics_reply_build(const char *text, const char *email, struct buf *out);

/* The organizer's copy with the attendee's answers applied: their ATTENDEE
 * on each VEVENT gets the override's PARTSTAT when the reply answers that
 * occurrence, else the master's, and SCHEDULE-STATUS status (every other
 * parameter kept). Only an ATTENDEE already there changes: nobody is
 * added. *out is NULL when nothing changes (or the attendee is not there). */
int ics_reply_apply(const char *organizer_text, const char *default_tz, const struct ics_reply *reply,
		    const char *email, const char *status, struct ics_object **out, struct ics_error *err);

#endif
