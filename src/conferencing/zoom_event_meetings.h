/* The Zoom meeting of an event of a conference's schedule, over the JSON
 * API: GET/PUT/POST/DELETE /api/v1/conferences/{id}/events/{event_id}/zoom
 * (conference administrators and account admins; anyone else 404). */
#ifndef CONFERENCING_ZOOM_EVENT_MEETINGS_H
#define CONFERENCING_ZOOM_EVENT_MEETINGS_H

#include "http/router.h"

/* the label and description line the event carries with the join link */
#define ZOOM_CONFERENCE_LABEL "Zoom"
#define ZOOM_JOIN_LINE "Join Zoom meeting: "

extern const struct route zoom_event_meeting_routes[];

#endif
