/* Resolution reads through store.h only. Object names are the names events
 * were PUT to (events.href, "<uid>.ics" for events made elsewhere); a
 * calendar's segment is its id, or in its owner's home the name the owner
 * gave it with MKCALENDAR (store/dav_names.h). */
#include "dav/resource.h"

#include <stdio.h>
#include <string.h>

#include "calendar/access.h"
#include "calendar/event_store.h"
#include "core/errors.h"
#include "dav/schedule.h"
#include "http/response.h"
#include "dav/principals.h"
#include "store/dav_names.h"

#define MAX_OWNED 200

int dav_resource_not_found(struct req *r)
{
	resp_problemf(r, 404, "not-found", "nothing at %.200s that you may see", r->path);
	return E_NOTFOUND;
}

int dav_calendar_segment(struct req *r, struct db *db, const struct calendar *c, const char **out)
{
	char name[DAV_NAME_MAX];
	*out = c->id;
	if (strcmp(c->owner_id, r->who.user_id))
		return 0;
	int rc = store_dav_calendar_name(db, c->account_id, c->id, name, sizeof name);
	if (!rc)
		*out = arena_strdup(r->arena, name);
	return rc == E_NOTFOUND ? 0 : rc;
}

int dav_resource_load(struct req *r, struct db *db, const struct dav_path *p, struct dav_res *res)
{
	memset(res, 0, sizeof *res);
	res->kind = p->kind;
	res->role = CAL_ROLE_OWNER;
	switch (p->kind) {
	case DAV_ROOT:
		res->href = p->server_root ? arena_strdup(r->arena, r->path) : "/dav/";
		return 0;
	case DAV_PRINCIPALS:
		res->href = "/dav/principals/";
		return 0;
	case DAV_HOMES:
		res->href = "/dav/calendars/";
		return 0;
	case DAV_INBOX:
	case DAV_INBOX_ITEM:
	case DAV_OUTBOX:
		return dav_schedule_load(r, db, p, res);
	case DAV_PRINCIPAL:
	case DAV_HOME:
	case DAV_CALENDAR:
	case DAV_OBJECT:
	case DAV_FILE:
		break;
	default:
		return dav_resource_not_found(r);
	}
	if (p->room_id || !strcmp(p->user_id, DAV_ROOMS) ||
	    (p->kind == DAV_PRINCIPAL && strcmp(p->user_id, r->who.user_id)))
		return dav_principals_load(r, db, p, res); /* rooms, and other users' principals */
	if (strcmp(p->user_id, r->who.user_id))
		return dav_resource_not_found(r);
	if (p->kind == DAV_PRINCIPAL) {
		res->href = dav_href_principal(r->arena, p->user_id);
		return 0;
	}
	if (p->kind == DAV_HOME) {
		res->href = dav_href_home(r->arena, p->user_id);
		res->role = calendar_owner_role(r->who.role) ? CAL_ROLE_OWNER : CAL_ROLE_VIEWER;
		return 0;
	}
	int rc;
	if (ids_valid(p->calendar_id, "cal")) {
		rc = store_calendar_get(db, r->who.account_id, p->calendar_id, &res->cal);
	} else {
		char id[ID_MAX];
		rc = store_dav_calendar_named(db, r->who.account_id, r->who.user_id, p->calendar_id, id);
		if (!rc)
			rc = store_calendar_get(db, r->who.account_id, id, &res->cal);
	}
	if (!rc)
		rc = calendar_role(db, &r->who, &res->cal, &res->role);
	if (rc == E_NOTFOUND || (!rc && res->role == CAL_ROLE_NONE))
		return dav_resource_not_found(r);
	if (rc)
		return rc;
	if ((rc = dav_calendar_segment(r, db, &res->cal, &res->segment)))
		return rc;
	if (p->kind == DAV_CALENDAR) {
		res->href = dav_href_calendar(r->arena, p->user_id, res->segment);
		return 0;
	}
	if (p->kind == DAV_FILE) {
		res->name = p->name;
		res->href = dav_href_file(r->arena, dav_href_calendar(r->arena, p->user_id, res->segment), p->name);
		rc = store_dav_file_get(db, r->arena, r->who.account_id, res->cal.id, p->name, &res->file);
		res->exists = !rc;
		return rc == E_NOTFOUND ? 0 : rc;
	}
	if (!dav_name_valid(p->name))
		return dav_resource_not_found(r);
	res->name = p->name;
	res->href = dav_href_object(r->arena, p->user_id, res->segment, res->name);
	rc = event_fetch_href(db, r->arena, &res->cal, res->name, &res->ev);
	if (rc == E_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	res->uid = res->ev.uid;
	res->exists = 1;
	return 0;
}

struct shared {
	char (*ids)[ID_MAX];
	int n, cap;
};

static int add_shared(void *ctx, const char *calendar_id, int rank)
{
	struct shared *s = ctx;
	(void)rank; /* the role is computed again below, with ownership and rooms */
	if (s->n < s->cap)
		snprintf(s->ids[s->n++], ID_MAX, "%s", calendar_id);
	return 0;
}

int dav_resource_calendars(struct req *r, struct db *db, int (*cb)(void *ctx, const struct calendar *c, int role),
			   void *ctx)
{
	struct calendar *own = arena_alloc(r->arena, sizeof *own * MAX_OWNED);
	int n = 0, rc;
	if ((rc = store_calendar_list_owned(db, r->who.account_id, r->who.user_id, own, MAX_OWNED, &n)))
		return rc;
	for (int i = 0; i < n; i++)
		if ((rc = cb(ctx, &own[i], CAL_ROLE_OWNER)))
			return rc;
	struct shared s = {arena_alloc(r->arena, ID_MAX * MAX_OWNED), 0, MAX_OWNED};
	if ((rc = store_share_calendars_of(db, r->who.account_id, r->who.user_id, add_shared, &s)))
		return rc;
	for (int i = 0; i < s.n; i++) {
		struct calendar c;
		int role;
		rc = store_calendar_get(db, r->who.account_id, s.ids[i], &c);
		if (rc == E_NOTFOUND)
			continue;
		if (rc || (rc = calendar_role(db, &r->who, &c, &role)))
			return rc;
		if (role == CAL_ROLE_NONE || role == CAL_ROLE_OWNER)
			continue;
		if ((rc = cb(ctx, &c, role)))
			return rc;
	}
	return 0;
}

const char *dav_resource_prop_path(const struct dav_res *res)
{
	return res->kind == DAV_CALENDAR ? "" : res->name ? res->name : "";
}

static const char *dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

void dav_resource_member(struct arena *a, const struct dav_res *cal, const struct event_row *e, struct dav_res *out)
{
	*out = *cal;
	out->kind = DAV_OBJECT;
	out->exists = 1;
	out->uid = dup(a, e->uid);
	out->ev = *e;
	out->ev.uid = out->uid;
	out->ev.id = dup(a, e->id);
	out->ev.etag = dup(a, e->etag);
	out->ev.klass = dup(a, e->klass);
	out->ev.tzids = dup(a, e->tzids);
	out->ev.href = out->name = dup(a, e->href);
	if (cal->busy_only)
		out->ev.klass = "PRIVATE"; /* a room hiding its subjects: busy blocks */
	/* the texts stay the driver's: valid during the row callback, where members are written */
	struct buf b = {0};
	buf_puts(&b, cal->href); /* "/dav/calendars/<user>/<calendar>/" */
	dav_href_segment(&b, e->href);
	out->href = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
}
