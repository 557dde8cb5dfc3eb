/* Which resource a DAV path names for this caller, with the caller's role on
 * its calendar (calendar/access.h): homes are the caller's own (principals
 * of rooms and colleagues, and rooms' calendars: principals.c); a calendar
 * is one they own or that is shared with them (a share
 * revoked is gone at the next request, as roles are read every time); what
 * the caller may not see answers 404, as if it did not exist. */
#ifndef DAV_RESOURCE_H
#define DAV_RESOURCE_H

#include "dav/path.h"
#include "http/request.h"
#include "store/dav_props.h"
#include "store/store.h"

struct dav_res {
	enum dav_kind kind;
	const char *href;     /* canonical */
	struct calendar cal;  /* DAV_CALENDAR, DAV_OBJECT */
	int role;             /* CAL_ROLE_* on cal; CAL_ROLE_OWNER for one's home and principal */
	const char *name;     /* DAV_OBJECT: the resource name (decoded segment) */
	const char *uid;      /* DAV_OBJECT, when exists: the event's UID */
	const char *segment;  /* DAV_CALENDAR, DAV_OBJECT: the calendar's segment in the caller's home */
	struct event_row ev;  /* DAV_OBJECT, when exists (arena copy) */
	struct dav_file file; /* DAV_FILE, when exists */
	int exists;
	/* its dead properties, when the caller loaded them (dav_dead_load) */
	const struct dav_dead *dead;
	int ndead;
	/* principals.c: someone else's principal (a user of the account, a room); NULL: the caller's */
	const struct dav_principal *principal;
	const char *home_id;               /* the <user_id> segment of its hrefs when not the caller's: DAV_ROOMS */
	int busy_only;                     /* a room that hides its subjects: every event as a busy block */
	const struct dav_caldata *caldata; /* expand.c: the calendar-data a REPORT asked for, or NULL */
};

/* the key of res's dead properties in its calendar: '' for the calendar, the
 * event's or plain resource's name */
const char *dav_resource_prop_path(const struct dav_res *res);

/* 0 with res filled (an object may not exist: res->exists), or an error
 * after answering (404 when the path names nothing the caller may see) */
int dav_resource_load(struct req *r, struct db *db, const struct dav_path *p, struct dav_res *res);

/* the segment of c in the caller's home: the name its owner gave it over
 * CalDAV when the caller is that owner, else its id (arena string) */
int dav_calendar_segment(struct req *r, struct db *db, const struct calendar *c, const char **out);

/* answers 404 for the request's path; E_NOTFOUND */
int dav_resource_not_found(struct req *r);

/* the calendars of the caller's home: their own, then those shared with
 * them; cb gets each once with the caller's role; non-zero stops */
int dav_resource_calendars(struct req *r, struct db *db, int (*cb)(void *ctx, const struct calendar *c, int role),
			   void *ctx);

/* a resource for a member event row of res's calendar (copies into a) */
void dav_resource_member(struct arena *a, const struct dav_res *cal, const struct event_row *e, struct dav_res *out);

#endif
