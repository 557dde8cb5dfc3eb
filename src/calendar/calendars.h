/* Calendars over the JSON API: a user's own calendars (the default one made
 * on first use), create, change, delete. */
#ifndef CALENDAR_CALENDARS_H
#define CALENDAR_CALENDARS_H

#include <jansson.h>

#include "http/router.h"
#include "store/store.h"

extern const struct route calendars_routes[];

/* the user's default calendar, created (in the account's time zone) when
 * missing; call inside a write transaction */
int calendar_ensure_default(struct db *db, const char *account_id, const char *user_id, const char *display_name,
			    struct calendar *out);
/* the "user created" hook (iam/user_hooks.h, registered in routes.c): a
 * user whose role owns calendars gets their default calendar at once */
int calendar_user_created(struct db *db, const struct user *u);
json_t *calendar_json(const struct calendar *c, int role);
/* deletes c with its events, their room bookings and shares (the JSON API's
 * DELETE and CalDAV's), audited; the caller has checked it is not a default
 * or room calendar. Inside a write transaction. */
int calendar_delete(struct req *r, struct db *db, const struct calendar *c, int role);

#endif
