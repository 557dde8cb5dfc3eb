/* What a principal may do with a calendar: its role, from owning it, from a
 * room's rules, or from shares (the highest wins). Callers that cannot see a
 * calendar at all get 404 as if it did not exist, so that ids leak nothing. */
#ifndef CALENDAR_ACCESS_H
#define CALENDAR_ACCESS_H

#include "http/request.h"
#include "store/store.h"

enum cal_role {
	CAL_ROLE_NONE = 0,
	CAL_ROLE_FREEBUSY, /* busy blocks only */
	CAL_ROLE_VIEWER,   /* read everything but private and confidential details */
	CAL_ROLE_EDITOR,   /* read all, change events */
	CAL_ROLE_MANAGER,  /* and share further, change the calendar */
	CAL_ROLE_OWNER,
};

const char *cal_role_name(int role); /* "owner", "manager", ... */
int cal_role_parse(const char *s);   /* CAL_ROLE_NONE when unknown; never OWNER */

/* may this role own calendars (every user but guests and customers) */
int calendar_owner_role(const char *user_role);

int calendar_role(struct db *db, const struct principal *who, const struct calendar *c, int *role);

/* loads calendar `id` and checks the caller holds at least `need`: 0, or an
 * error after answering (404 when the caller may not see it, 403 when the
 * role is too low, naming what is needed) */
int calendar_load(struct req *r, struct db *db, const char *id, int need, struct calendar *out, int *role);

#endif
