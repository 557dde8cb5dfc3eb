/* Google Calendar's side of a room's meetings (sync/provider.h's changes,
 * watch and unwatch for Google): events.list with sync tokens, each event
 * normalised into struct sync_change, and the events.watch push channels
 * (developers.google.com/workspace/calendar/api/guides/sync and .../push). */
#ifndef SYNC_GOOGLE_EVENTS_H
#define SYNC_GOOGLE_EVENTS_H

#include <jansson.h>

#include "sync/provider.h"

/* a channel lives this long unless Google says less (params.ttl) */
#define GOOGLE_CHANNEL_TTL (7 * 86400)

int google_changes(struct sync_api *a, const struct sync_room *r, const char *token, sync_change_cb cb, void *ctx,
		   char **next, struct sync_failure *f);
/* the channel's id is r->channel_id when the caller set one (stored
 * beforehand, so that the first messages find it), else a new UUID */
int google_watch(struct sync_api *a, struct sync_room *r, const char *address, const char *token,
		 struct sync_failure *f);
int google_unwatch(struct sync_api *a, const struct sync_room *r, struct sync_failure *f);

/* one Google event (events#resource) of the room's calendar as a change;
 * the strings point into ev. For tests and for other Google code. */
void google_event_change(json_t *ev, const struct sync_room *r, struct sync_change *c);
/* RFC 3339 ("2030-01-07T10:00:00.000+01:00") or a date ("2030-01-07", 00:00
 * UTC) into UTC seconds: 0, or E_INVALID */
int google_time_parse(const char *s, int64_t *out);

#endif
