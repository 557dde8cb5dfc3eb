/* Writing Zoom meetings for schedule events (issue 15 section 5): what a
 * calendar event becomes at Zoom (topic, start in its zone, duration, one
 * recurring meeting of type 8 for a repeating event), and the create, update,
 * read and delete calls. Every call asks Zoom: never inside a transaction. */
#ifndef CONFERENCING_ZOOM_MEETING_WRITE_H
#define CONFERENCING_ZOOM_MEETING_WRITE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ical/ics.h"

#define ZOOM_TOPIC_MAX 200   /* characters */
#define ZOOM_AGENDA_MAX 2000 /* characters */
#define ZOOM_OCCURRENCES_MAX 60
#define ZOOM_JOIN_URL_MAX 1024

/* what a Zoom meeting is made of; strings point into the caller's event */
struct zoom_meeting_spec {
	const char *topic;  /* SUMMARY ("" or NULL: "Meeting") */
	const char *agenda; /* DESCRIPTION or NULL */
	/* a line of the description left out of the agenda: the join line
	 * convene wrote there for clients that ignore CONFERENCE (NULL: none) */
	const char *agenda_drop;
	int64_t start, end; /* UTC seconds */
	const char *tzid;   /* DTSTART's zone (IANA or one ICU maps to it); NULL: UTC */
	int all_day;
	const char *rrule; /* NULL: a single meeting */
	/* RDATE, EXDATE or moved occurrences: Zoom's recurrence cannot say them */
	int exceptions;
	/* the stored text (NULL: unknown), to count the occurrences of an UNTIL
	 * rule: Zoom makes at most 60 and would drop the rest silently */
	const char *text;
};

/* the spec of an event's master (pointers into o) */
void zoom_meeting_spec_of(const struct ics_object *o, struct zoom_meeting_spec *out);

/* Zoom's JSON body for POST /users/me/meetings (PATCH takes the same):
 * topic and agenda cut to Zoom's limits on character boundaries, type 2, or
 * type 8 with the recurrence the RRULE translates to (DAILY/WEEKLY/MONTHLY
 * with INTERVAL within Zoom's limits and COUNT <= 60 or UNTIL),
 * start_time as wall-clock time WITHOUT "Z" with timezone = the zone (UTC
 * "…Z" when the event has none), duration in minutes. E_INVALID with why
 * (an English sentence naming what Zoom cannot repeat) otherwise. */
int zoom_meeting_body(const struct zoom_meeting_spec *s, json_t **out, char *why, size_t n);

/* what Zoom says of a meeting */
struct zoom_meeting_info {
	int64_t meeting_id;
	char join_url[ZOOM_JOIN_URL_MAX];
	char passcode[64];
	char topic[ZOOM_TOPIC_MAX * 4 + 1];
};

/* Results of the calls: 0; E_INVALID (the event cannot be a Zoom meeting, or
 * Zoom refused a field: why says which); E_NOTFOUND (Zoom says 404/3001: the
 * meeting is gone); E_BUSY (429) or E_IO (no answer, 5xx) with *retry_after
 * in seconds; E_UNAUTH (the authorization is gone: needs_reconnect). */
int zoom_meeting_create(const char *zoom_user_id, const struct zoom_meeting_spec *s, struct zoom_meeting_info *out,
			char *why, size_t n, long *retry_after);
/* PATCH /meetings/{id} (Zoom answers 204) */
int zoom_meeting_update(const char *zoom_user_id, int64_t meeting_id, const struct zoom_meeting_spec *s, char *why,
			size_t n, long *retry_after);
/* PATCH /meetings/{id} with a body zoom_meeting_body made earlier (the
 * queued change of an event) */
int zoom_meeting_patch(const char *zoom_user_id, int64_t meeting_id, const char *body, char *why, size_t n,
		       long *retry_after);
/* GET /meetings/{id} */
int zoom_meeting_read(const char *zoom_user_id, int64_t meeting_id, struct zoom_meeting_info *out, long *retry_after);
/* DELETE /meetings/{id}: 0 also when Zoom says it was gone already */
int zoom_meeting_delete(const char *zoom_user_id, int64_t meeting_id, long *retry_after);

#endif
