/* PROPFIND (RFC 4918 section 9.1) at depth 0 or 1: the resource, then its
 * members (the root's two collections, one's own principal and home, the
 * home's calendars, a calendar's events). Depth infinity is refused with
 * propfind-finite-depth. */
#include <string.h>

#include "core/budget.h"
#include "core/errors.h"
#include "dav/deadprops.h"
#include "dav/methods.h"
#include "dav/principals.h"
#include "dav/props.h"
#include "dav/reply.h"
#include "dav/schedule.h"
#include "dav/spool.h"
#include "dav/xml.h"

struct walk {
	struct req *r;
	struct db *db;
	const struct dav_proplist *want;
	const struct dav_res *parent;
	struct buf *b;
	int dead;                   /* members need their dead properties */
	const struct dav_dead *all; /* every dead property of the calendar, by path */
	int nall;
	struct dav_spool *sp; /* the answer (b is its buffer): a calendar's events are many */
};

/* does answering want need dead properties of resources of this kind */
static int wants_dead(const struct dav_proplist *want, enum dav_kind kind)
{
	if (want->mode != DAV_PROPS_NAMED)
		return 1;
	for (int i = 0; i < want->n; i++)
		if (!dav_props_live(want->v[i].ns, want->v[i].name, kind))
			return 1;
	return 0;
}

static int one_calendar(void *ctx, const struct calendar *c, int role)
{
	struct walk *w = ctx;
	struct dav_res res = {.kind = DAV_CALENDAR, .cal = *c, .role = role};
	int rc = dav_calendar_segment(w->r, w->db, c, &res.segment);
	if (rc)
		return rc;
	res.href = dav_href_calendar(w->r->arena, w->r->who.user_id, res.segment);
	if (w->dead && (rc = dav_dead_load(w->r, w->db, &res)))
		return rc;
	return dav_props_response(w->r, &res, w->want, w->b);
}

static int one_event(void *ctx, const struct event_row *e)
{
	struct walk *w = ctx;
	struct dav_res res;
	dav_resource_member(w->r->arena, w->parent, e, &res);
	res.dead = NULL, res.ndead = 0;
	if (w->nall) { /* the first of its path, then those that follow */
		int lo = 0, hi = w->nall;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (strcmp(w->all[mid].path, res.name) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		res.dead = w->all + lo;
		while (lo + res.ndead < w->nall && !strcmp(w->all[lo + res.ndead].path, res.name))
			res.ndead++;
	}
	if (budget_spent())
		return E_TIMEOUT;
	dav_spool_mark(w->sp);
	return dav_spool_added(w->sp, dav_props_response(w->r, &res, w->want, w->b));
}

static int members(struct req *r, struct db *db, const struct dav_res *res, struct walk *w)
{
	struct dav_res m = {.role = res->role};
	switch (res->kind) {
	case DAV_ROOT:
		if (strcmp(res->href, "/dav/")) { /* asked at "/" or a well-known address: /dav/ is its member */
			m.kind = DAV_ROOT, m.href = "/dav/";
			return dav_props_response(r, &m, w->want, w->b);
		}
		m.kind = DAV_PRINCIPALS, m.href = "/dav/principals/";
		if (dav_props_response(r, &m, w->want, w->b))
			return E_NOMEM;
		m.kind = DAV_HOMES, m.href = "/dav/calendars/";
		return dav_props_response(r, &m, w->want, w->b);
	case DAV_PRINCIPALS:
		m.kind = DAV_PRINCIPAL, m.href = dav_href_principal(r->arena, r->who.user_id);
		return dav_props_response(r, &m, w->want, w->b);
	case DAV_HOMES:
		m.kind = DAV_HOME, m.href = dav_href_home(r->arena, r->who.user_id);
		return dav_props_response(r, &m, w->want, w->b);
	case DAV_HOME:
		if (res->home_id) /* /dav/calendars/rooms/ */
			return dav_principals_room_calendars(r, db, w->want, w->b);
		return dav_resource_calendars(r, db, one_calendar, w);
	case DAV_CALENDAR:
		if (wants_dead(w->want, DAV_OBJECT)) {
			struct dav_dead *all;
			int rc = store_dav_props_list(db, r->arena, res->cal.account_id, res->cal.id, NULL, &all,
						      &w->nall);
			if (rc)
				return rc;
			w->all = all;
		}
		if (res->home_id) /* a room's: its bookings */
			return dav_room_events(r, db, res, INT64_MIN, INT64_MAX, one_event, w);
		return store_event_window(db, res->cal.account_id, res->cal.id, INT64_MIN, INT64_MAX, one_event, w);
	case DAV_INBOX:
		return dav_schedule_members(r, db, w->want, w->b);
	default:
		return 0;
	}
}

int dav_bad_xml(struct req *r, const char *why)
{
	return dav_reply_error(r, 400, NULL, NULL, "%s", why);
}

/* the <D:propfind> body: prop, allprop (with an ignored include) or propname */
int dav_propfind_body(struct req *r, struct dav_proplist *want)
{
	xmlDocPtr doc;
	char why[256];
	want->mode = DAV_PROPS_ALL;
	if (dav_xml_parse(r->body.data, r->body.len, &doc, why, sizeof why))
		return dav_bad_xml(r, why), E_INVALID;
	if (!doc)
		return 0;
	int rc = 0;
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *prop = dav_xml_child(root, DAV_NS, "prop");
	if (!dav_xml_is(root, DAV_NS, "propfind"))
		rc = E_INVALID, dav_bad_xml(r, "the body of a PROPFIND is a DAV:propfind element");
	else if (prop)
		dav_props_from_xml(r->arena, prop, want);
	else if (dav_xml_child(root, DAV_NS, "propname"))
		want->mode = DAV_PROPS_NAMES;
	else if (!dav_xml_child(root, DAV_NS, "allprop"))
		rc = E_INVALID, dav_bad_xml(r, "DAV:propfind holds DAV:prop, DAV:allprop or DAV:propname");
	xmlFreeDoc(doc);
	return rc;
}

int dav_propfind(struct req *r, struct db *db, const struct dav_path *p)
{
	const char *depth = req_header(r, "Depth");
	int d = !depth ? -1 : !strcmp(depth, "0") ? 0 : !strcmp(depth, "1") ? 1 : -1;
	if (d < 0)
		return dav_reply_error(r, 403, DAV_NS, "propfind-finite-depth",
				       "Depth is 0 or 1 here (infinity is not served)");
	struct dav_proplist want;
	struct dav_res res;
	int rc;
	if ((rc = dav_propfind_body(r, &want)))
		return rc;
	if ((rc = store_begin(db, 0)))
		return rc;
	if ((rc = dav_resource_load(r, db, p, &res)))
		goto out;
	if (res.kind == DAV_OBJECT && !res.exists) {
		rc = dav_resource_not_found(r);
		goto out;
	}
	if ((rc = dav_dead_load(r, db, &res)))
		goto out;
	struct dav_spool sp = {.fd = -1};
	struct walk w = {r, db, &want, &res, &sp.b, wants_dead(&want, DAV_CALENDAR), NULL, 0, &sp};
	dav_ms_begin(&sp.b);
	dav_spool_begin(&sp);
	rc = dav_props_response(r, &res, &want, &sp.b);
	if (!rc && d == 1)
		rc = members(r, db, &res, &w);
	if (sp.over && rc == 1) /* one_event stopped the walk at the budget */
		rc = 0;
	if (!rc) {
		store_rollback(db);
		rc = dav_spool_reply(r, &sp, res.href,
				     "the answer was cut short at the server's limit (report_max_bytes): "
				     "ask for fewer properties, or use a REPORT with a time range");
		dav_spool_free(&sp);
		return rc;
	}
	dav_spool_free(&sp);
out:
	store_rollback(db);
	return rc;
}
