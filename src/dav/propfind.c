/* PROPFIND (RFC 4918 section 9.1) at depth 0 or 1: the resource, then its
 * members (the root's two collections, one's own principal and home, the
 * home's calendars, a calendar's events). Depth infinity is refused with
 * propfind-finite-depth. */
#include <string.h>

#include "core/errors.h"
#include "dav/methods.h"
#include "dav/props.h"
#include "dav/reply.h"
#include "dav/xml.h"

struct walk {
	struct req *r;
	struct db *db;
	const struct dav_proplist *want;
	const struct dav_res *parent;
	struct buf *b;
};

static int one_calendar(void *ctx, const struct calendar *c, int role)
{
	struct walk *w = ctx;
	struct dav_res res = {.kind = DAV_CALENDAR, .cal = *c, .role = role};
	int rc = dav_calendar_segment(w->r, w->db, c, &res.segment);
	if (rc)
		return rc;
	res.href = dav_href_calendar(w->r->arena, w->r->who.user_id, res.segment);
	return dav_props_response(w->r, &res, w->want, w->b);
}

static int one_event(void *ctx, const struct event_row *e)
{
	struct walk *w = ctx;
	struct dav_res res;
	dav_resource_member(w->r->arena, w->parent, e, &res);
	return dav_props_response(w->r, &res, w->want, w->b);
}

static int members(struct req *r, struct db *db, const struct dav_res *res, struct walk *w)
{
	struct dav_res m = {.role = res->role};
	switch (res->kind) {
	case DAV_ROOT:
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
		return dav_resource_calendars(r, db, one_calendar, w);
	case DAV_CALENDAR:
		return store_event_window(db, res->cal.account_id, res->cal.id, INT64_MIN, INT64_MAX, one_event, w);
	default:
		return 0;
	}
}

int dav_bad_xml(struct req *r, const char *why)
{
	return dav_reply_error(r, 400, NULL, NULL, "%s", why);
}

/* the <D:propfind> body: prop, allprop (with an ignored include) or propname */
static int read_body(struct req *r, struct dav_proplist *want)
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
	if ((rc = read_body(r, &want)))
		return rc;
	if ((rc = store_begin(db, 0)))
		return rc;
	if ((rc = dav_resource_load(r, db, p, &res)))
		goto out;
	if (res.kind == DAV_OBJECT && !res.exists) {
		rc = dav_resource_not_found(r);
		goto out;
	}
	struct buf b = {0};
	struct walk w = {r, db, &want, &res, &b};
	dav_ms_begin(&b);
	rc = dav_props_response(r, &res, &want, &b);
	if (!rc && d == 1)
		rc = members(r, db, &res, &w);
	if (!rc && !dav_ms_end(&b)) {
		store_rollback(db);
		return dav_reply_multistatus(r, &b);
	}
	buf_free(&b);
out:
	store_rollback(db);
	return rc;
}
