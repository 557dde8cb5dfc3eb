/* What convene forgets of a provider room when it stops being synced
 * (unlinked, or its connection disconnected): the external bookings that
 * inbound sync made of the provider's meetings, deleted through the
 * calendar's own event delete so that bookings, feeds and streams follow. */
#ifndef SYNC_FORGET_H
#define SYNC_FORGET_H

/* every convene event named by the room's sync_events rows of origin
 * provider is deleted (nobody is told: they were made at the provider),
 * then those rows; in transactions of its own, a bounded batch each (call
 * outside any transaction). 0; a store error (what was done stays done:
 * calling again finishes it). */
int sync_room_forget(const char *account_id, const char *provider, const char *provider_room_id);

#endif
