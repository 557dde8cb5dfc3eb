/* Room displays: the device tokens that open a room's door screen. */
#ifndef STORE_DISPLAYS_H
#define STORE_DISPLAYS_H

#include <stdint.h>

#include "core/ids.h"
#include "store/bookings.h"

struct room_display {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char room_id[ID_MAX];
	char name[128];
	char token_hash[HASH_HEX_MAX];
	char created_by[ID_MAX];
	int64_t created_at, last_seen_at;
};

int store_display_insert(struct db *db, const struct room_display *d);
int store_display_delete(struct db *db, const char *account_id, const char *room_id, const char *id);
int store_display_list(struct db *db, const char *account_id, const char *room_id, struct room_display *out, int max,
		       int *n);
/* across accounts: the token names its account */
int store_display_by_hash(struct db *db, const char *token_hash, struct room_display *out);
int store_display_seen(struct db *db, const char *account_id, const char *id, int64_t at);

/* confirmed bookings nobody checked in to whose check-in time ended before
 * `now` (and that have not ended), never an external booking (a meeting made
 * at a calendar provider, which would still hold the room there): for the
 * release worker */
int store_booking_unchecked(struct db *db, int64_t now, struct booking *out, int max, int *n);

#endif
