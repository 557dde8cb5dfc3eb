/* Calendars: owned by a user, a room or a conference, with the feed settings and the
 * version counter every change to the calendar or its events bumps (feed
 * cache key, CalDAV ctag, sync token). */
#ifndef STORE_CALENDARS_H
#define STORE_CALENDARS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

struct calendar {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char owner_id[ID_MAX];      /* "" for a room's calendar */
	char room_id[ID_MAX];       /* "" for a user's calendar */
	char conference_id[ID_MAX]; /* the conference whose schedule it is, else "" (migration 028) */
	char name[256];
	char colour[16]; /* "#rrggbb" */
	char time_zone[64];
	char description[2048];
	int is_default;
	char public_detail[8]; /* full | busy */
	int feed_days_back, feed_days_ahead;
	int64_t version;
	int64_t created_at, updated_at;
};

int store_calendar_insert(struct db *db, const struct calendar *c);
int store_calendar_get(struct db *db, const char *account_id, const char *id, struct calendar *out);
/* by id alone, across accounts: for operators' tools (convene import), never requests */
int store_calendar_find(struct db *db, const char *id, struct calendar *out);
/* name, colour, time_zone, description, public_detail, feed window, updated_at; bumps version */
int store_calendar_update(struct db *db, const struct calendar *c);
int store_calendar_delete(struct db *db, const char *account_id, const char *id);
/* the user's own calendars, default first, then by name */
int store_calendar_list_owned(struct db *db, const char *account_id, const char *owner_id, struct calendar *out,
			      int max, int *n);
int store_calendar_default(struct db *db, const char *account_id, const char *owner_id, struct calendar *out);
/* the calendar holding an event */
int store_calendar_by_event(struct db *db, const char *account_id, const char *event_id, struct calendar *out);
/* version + 1, returned in *out: call inside the write transaction of the change */
int store_calendar_bump(struct db *db, const char *account_id, const char *id, int64_t *out);

#endif
