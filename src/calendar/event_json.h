/* Events as the JSON API shows and takes them: times as local wall time in
 * the event's zone ("2026-11-23T10:00:00" + tzid), UTC ("…Z") or dates
 * for all-day events; enumerations lower-case; what a role may see. */
#ifndef CALENDAR_EVENT_JSON_H
#define CALENDAR_EVENT_JSON_H

#include <jansson.h>

#include "ical/ics.h"
#include "http/request.h"
#include "store/store.h"

/* Fills ev from a JSON body (strings in the request arena). On update, ev
 * holds the current master and only the fields present change; *mask gets the
 * ICS_F_* fields present. 0, or E_INVALID after answering 422 naming the
 * field. */
int event_read(struct req *r, json_t *in, const struct calendar *cal, int creating, struct ics_event *ev,
	       unsigned *mask);
/* an ics error as a 422 naming the JSON field it concerns */
int event_ics_error(struct req *r, const struct ics_error *err);

/* the whole event (master fields and its overrides) as its calendar's role
 * lets the caller see it */
json_t *event_json(const struct ics_object *o, const struct event_row *row, int role);
/* one occurrence; NULL when the role may not see it at all */
json_t *occurrence_json(const struct ics_occurrence *oc, const struct event_row *row, int role);

/* "2026-11-23T10:00:00", "…Z" or "2026-11-23" -> UTC seconds; tz is the zone
 * for local times. 0, or E_INVALID with why filled. */
int event_parse_time(const char *s, const char *tz, int all_day, int64_t *out, const char **why);

#endif
