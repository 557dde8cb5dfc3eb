/* An account's connections to calendar providers, as its administrators
 * manage them (issue 16 §1-2): step 1 saved and checked at once, step 2's
 * connect (the rooms listed as the proof), disconnect, and the provider's
 * rooms linked to convene rooms, imported as new ones, left out or
 * unlinked. Provider calls happen between transactions, never inside one;
 * every change is audited without a secret. */
#ifndef SYNC_CONNECTIONS_H
#define SYNC_CONNECTIONS_H

#include <jansson.h>

#include "http/request.h"
#include "store/store.h"
#include "sync/provider.h"

/* GET /api/v1/calendar-integrations's entry for one provider; c NULL: not
 * configured */
json_t *sync_connection_json(struct db *db, const char *provider, const struct sync_connection *c);
/* a provider room as GET …/rooms lists it; listed_at: the latest listing's
 * time (rooms seen before it are gone at the provider) */
json_t *sync_room_json(const struct sync_room *r, int64_t listed_at);

/* step 1's body checked by the provider (E_INVALID, f names the field:
 * nothing stored), sealed and stored (status step1_done), then checked at
 * the provider: 0, or the check's error with f (the row keeps step1_done
 * and the error). E_CONFLICT: no secret.key to seal with. */
int sync_connection_step1(struct req *r, const struct sync_provider *p, json_t *body, struct sync_failure *f);
/* step 2: checked again and the rooms listed and stored: status connected.
 * E_NOTFOUND: step 1 missing; the check's or listing's error with f */
int sync_connection_connect(struct req *r, const struct sync_provider *p, struct sync_failure *f);
/* push stopped (best effort), the external bookings of every room
 * forgotten, the connection and its rows deleted. E_NOTFOUND */
int sync_connection_disconnect(struct req *r, const struct sync_provider *p);

/* the provider room prid linked to the convene room room_id (a link to
 * another room is replaced, its external bookings forgotten first).
 * E_NOTFOUND (no provider room), E_INVALID (no such convene room),
 * E_CONFLICT (that convene room is linked to another provider room) */
int sync_room_link_to(struct req *r, const struct sync_provider *p, const char *prid, const char *room_id);
/* a new convene room from what the provider knows (name, capacity,
 * building, floor, features as equipment, category), then linked to it.
 * E_NOTFOUND, E_CONFLICT (already linked) */
int sync_room_import(struct req *r, const struct sync_provider *p, const char *prid);
/* left out (unlinked first when linked). E_NOTFOUND */
int sync_room_leave_out(struct req *r, const struct sync_provider *p, const char *prid);
/* not linked any more: push stopped, external bookings forgotten.
 * E_NOTFOUND */
int sync_room_unlink_from(struct req *r, const struct sync_provider *p, const char *prid);

#endif
