/* Outbound sync: convene's bookings of linked rooms written to the rooms'
 * provider calendars, whatever protocol made them (JSON API, CalDAV, import).
 * The calendar's event hook queues a sync_job per linked room an event books
 * or stops booking, inside the event's own transaction (nothing is sent
 * there: booking latency is unchanged); sync/outbound_worker.c sends them
 * after commit. External bookings (X-CONVENE-EXTERNAL, written by inbound
 * sync) are never written back. */
#ifndef SYNC_OUTBOUND_H
#define SYNC_OUTBOUND_H

#include <jansson.h>
#include <stdint.h>

#include "ical/ics.h"
#include "sync/provider.h"

/* said (store_changed) by a transaction that queued a job: heard after its
 * commit, on every node, it wakes the worker */
#define SYNC_OUTBOUND_TOPIC "sync:outbound"
#define SYNC_OUTBOUND_EXDATES 1000 /* occurrences left out of one series, at most */

#define SYNC_OUTBOUND_BACKFILL 2000 /* bookings of a room written when it is linked, at most */

int sync_outbound_register(void); /* the event hook, from app_hooks_register: 0 or E_LIMIT */

/* a provider room was just linked to the convene room room_id, in the
 * caller's transaction: the room's bookings from now to SYNC_WINDOW_AHEAD
 * are queued for the provider (the earliest SYNC_OUTBOUND_BACKFILL), so that
 * people at the provider see it busy as convene does */
int sync_outbound_room_linked(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			      const char *room_id);

/* the job body of an event as the provider shows it (summary, description,
 * organizer, start, end, all-day, zone, repetition): a JSON object */
json_t *sync_outbound_body(const struct ics_object *o);
/* the same as one room's copy: the occurrences it gave back (its ATTENDEE
 * DECLINED in their override) left out like cancelled ones */
json_t *sync_outbound_room_body(const struct ics_object *o, const char *room_email);

/* a job body read back: b's strings and exdates point into body (keep it
 * alive while b is used) and *exdates (malloc'd; free it). E_INVALID */
int sync_outbound_booking(json_t *body, const char *convene_event_id, struct sync_booking *b, int64_t **exdates);

#endif
