/* Google's outbound operations (sync/provider.h write, remove, decline): a
 * convene booking written to the room's calendar as its own event (the room's
 * calendar is the organizer's), found again by our private extended property
 * convene_event_id and inserted under an id derived from the convene event's
 * (base32hex), so that a retried insert whose answer was lost is answered
 * 409 duplicate and taken as "already there". */
#ifndef SYNC_GOOGLE_WRITE_H
#define SYNC_GOOGLE_WRITE_H

#include <stddef.h>

#include "sync/provider.h"

/* the Google event id convene inserts for a convene event: its id in
 * base32hex, lower case ([a-v0-9], as Google allows) */
void google_event_id_of(const char *convene_event_id, char *out, size_t n);

int google_write(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		 const struct sync_booking *b, char **out_id, struct sync_failure *f);
int google_remove(struct sync_api *a, const struct sync_room *r, const char *provider_event_id, struct sync_failure *f);
int google_find(struct sync_api *a, const struct sync_room *r, const char *convene_event_id, char **out_id,
		struct sync_failure *f);
int google_decline(struct sync_api *a, const struct sync_room *r, const char *provider_event_id, const char *comment,
		   struct sync_failure *f);

#endif
