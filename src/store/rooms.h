/* Rooms: where they are, what they hold, their booking rules, equipment,
 * the companies that may book them and the delegates who approve. */
#ifndef STORE_ROOMS_H
#define STORE_ROOMS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

#define ROOM_TAG_MAX 64

struct room {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char calendar_id[ID_MAX];
	char name[256];
	char email[256];
	int capacity;
	char building[128];
	char floor[64];
	char category[20]; /* conference_room | other (migration 025) */
	char description[2048];
	int hide_subjects;
	int64_t max_duration, min_notice, max_ahead, buffer_before, buffer_after; /* seconds */
	char opening_hours[2048]; /* business_hours JSON; "" = always open */
	int approval;
	int max_conflicts;
	int decline_on_conflict; /* on_conflict 'decline': a meeting it cannot take is stored with it DECLINED */
	int checkin_minutes;
	int64_t max_booking_len;
	int64_t created_at, updated_at;
};

int store_room_insert(struct db *db, const struct room *r);
int store_room_get(struct db *db, const char *account_id, const char *id, struct room *out);
int store_room_by_email(struct db *db, const char *account_id, const char *email, struct room *out);
int store_room_by_calendar(struct db *db, const char *account_id, const char *calendar_id, struct room *out);
int store_room_update(struct db *db, const struct room *r); /* every mutable column */
int store_room_delete(struct db *db, const char *account_id, const char *id);
/* by name; q matches name, building or floor (case-insensitive); category NULL or "": any */
int store_room_list(struct db *db, const char *account_id, const char *q, const char *category, const char *after_name,
		    struct room *out, int max, int *n);
/* the longest busy span of the room grows to at least len */
int store_room_grow_len(struct db *db, const char *account_id, const char *id, int64_t len);

int store_room_tags_set(struct db *db, const char *account_id, const char *room_id, const char *const *tags, size_t n);
int store_room_tags(struct db *db, const char *account_id, const char *room_id, char (*out)[ROOM_TAG_MAX], int max,
		    int *n);
/* may this user book the room: no companies listed, or one of theirs is */
int store_room_may_book(struct db *db, const char *account_id, const char *room_id, const char *user_id, int *yes);
/* both of the above in one query */
int store_room_rights(struct db *db, const char *account_id, const char *room_id, const char *user_id, int *may_book,
		      int *delegate);
/* for a page of rooms, in one query a hundred rooms: each value of the kind
 * ("equipment": tags, "companies", "delegates") of room_ids[i], as (i,
 * value), in the order of store_room_tags / store_ids_get for each room */
int store_room_links_page(struct db *db, const char *kind, const char *account_id, const char *const *room_ids, int n,
			  void (*each)(void *ctx, int i, const char *value), void *ctx);
/* the time zone of each room's calendar ("" when it has none) */
int store_room_time_zones(struct db *db, const char *account_id, const struct room *rooms, int n, char (*tz)[64]);
int store_room_is_delegate(struct db *db, const char *account_id, const char *room_id, const char *user_id, int *yes);

/* Rooms free for [start, end) (each widened by its own buffers), with at
 * least `capacity` seats and every tag, those in `building` first, then the
 * smallest that fits, then by name; except_room and rooms whose longest
 * meeting is shorter are left out, and with bookable_by those that user may
 * not book. Opening hours are the caller's to check. */
struct room_query {
	int capacity;
	const char *const *tags;
	size_t ntags;
	const char *building; /* NULL or "": any, no preference */
	const char *floor;    /* NULL or "": any */
	const char *category; /* NULL or "": any */
	int64_t start, end;
	const char *except_room;
	const char *bookable_by; /* NULL: any room; a user id: only those store_room_may_book allows */
};
int store_room_free(struct db *db, const char *account_id, const struct room_query *q, struct room *out, int max,
		    int *n);

#endif
