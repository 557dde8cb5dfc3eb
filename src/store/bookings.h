/* Bookings: one per occurrence of an event in a room, with its busy span
 * (the occurrence widened by the room's buffers). */
#ifndef STORE_BOOKINGS_H
#define STORE_BOOKINGS_H

#include <stdint.h>

#include "core/ids.h"

struct booking {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char room_id[ID_MAX];
	char event_id[ID_MAX];
	int64_t recurrence_id;
	int64_t start_at, end_at, busy_from, busy_to;
	char status[12]; /* confirmed | pending */
	int64_t checked_in_at;
	int64_t created_at;
	/* from the event, when listed for a room */
	char summary[256];
	char organizer[256];
	char klass[16];
};

/* E_CONFLICT when it overlaps another booking of the room (PostgreSQL: the
 * exclusion constraint; SQLite: the caller's write transaction checked) */
int store_booking_insert(struct db *db, const struct booking *b);
/* the same, given the room's max_booking_len as read in this transaction
 * (kept up to date here): the room is written only when the booking is
 * longer, since that length never shrinks */
int store_booking_insert_known(struct db *db, const struct booking *b, int64_t *known_len);
int store_booking_delete(struct db *db, const char *account_id, const char *id);
int store_booking_set_status(struct db *db, const char *account_id, const char *id, const char *status);
/* every booking of the event in the room becomes confirmed */
int store_booking_approve(struct db *db, const char *account_id, const char *event_id, const char *room_id);
int store_booking_check_in(struct db *db, const char *account_id, const char *id, int64_t at);
int store_booking_set_end(struct db *db, const char *account_id, const char *id, int64_t end, int64_t busy_to);
int store_booking_get(struct db *db, const char *account_id, const char *id, struct booking *out);
/* a booking of the room overlapping [busy_from, busy_to), not of except_event;
 * 0 (out filled) or E_NOTFOUND; max_len is the room's max_booking_len */
int store_booking_overlap(struct db *db, const char *account_id, const char *room_id, int64_t busy_from,
			  int64_t busy_to, int64_t max_len, const char *except_event, struct booking *out);
/* the event's bookings (of one room, or every room when room_id is NULL) */
int store_booking_of_event(struct db *db, const char *account_id, const char *event_id, const char *room_id,
			   struct booking *out, int max, int *n);
/* the room's bookings overlapping [from, to) in (start, id) order, with the
 * event's summary, organizer and class */
int store_booking_window(struct db *db, const char *account_id, const char *room_id, int64_t from, int64_t to,
			 int64_t max_len, struct booking *out, int max, int *n);
/* the same after (after_start, after_id) in that order: the next page */
int store_booking_window_after(struct db *db, const char *account_id, const char *room_id, int64_t from, int64_t to,
			       int64_t max_len, int64_t after_start, const char *after_id, struct booking *out, int max,
			       int *n);

#endif
