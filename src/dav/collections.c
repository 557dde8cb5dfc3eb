/* Calendar collections: MKCALENDAR (RFC 4791 section 5.3.1) and extended
 * MKCOL (RFC 5689) create a calendar of the caller's at the request URI (an
 * unused calendar id becomes its id; another name, such as Apple's UUIDs, is
 * kept as its name in the home: store/dav_names.h), and
 * PROPPATCH (RFC 4918 section 9.2) changes the properties convene keeps for a
 * calendar: displayname, calendar-description, calendar-color and
 * calendar-timezone; the other live ones are protected (403); any other
 * property, there or on an event or a plain resource, is kept as a dead
 * property (deadprops.h). A PROPPATCH is all or nothing, live and dead
 * together in one transaction (failed dependency for the rest). */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "calendar/access.h"
#include "calendar/calendars.h"
#include "ical/ics.h"
#include "calendar/stream.h"
#include "core/clock.h"
#include "core/errors.h"
#include "dav/deadprops.h"
#include "dav/methods.h"
#include "dav/props.h"
#include "dav/reply.h"
#include "dav/resource.h"
#include "dav/xml.h"
#include "http/response.h"
#include "api/audit.h"
#include "settings/settings.h"
#include "store/dav_names.h"

#define DEFAULT_COLOUR "#2563eb"

/* "#rrggbb" or Apple's "#rrggbbaa" -> "#rrggbb" */
static int colour_read(const char *s, char out[8])
{
	size_t n = strlen(s);
	if ((n != 7 && n != 9) || s[0] != '#')
		return E_INVALID;
	for (size_t i = 1; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return E_INVALID;
	for (int i = 0; i < 7; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[7] = 0;
	return 0;
}

/* the TZID of the VTIMEZONE in a calendar-timezone value */
static int timezone_read(const char *s, char *out, size_t n)
{
	const char *t = strstr(s, "TZID:");
	if (!t)
		return E_INVALID;
	t += 5;
	size_t len = strcspn(t, "\r\n");
	if (!len || len >= n)
		return E_INVALID;
	memcpy(out, t, len);
	out[len] = 0;
	return ics_tz_valid(out) ? 0 : E_INVALID;
}

/* applies one of a calendar's own properties to c: 0, or 403 / 409 with
 * why; -1 when it is not one of them */
static int apply(const xmlNode *p, int remove, int creating, struct calendar *c, const char **why)
{
	char *v = remove ? NULL : dav_xml_text(p);
	const char *s = v ? v : "";
	int st = 0;
	if (dav_xml_is(p, DAV_NS, "displayname")) {
		if (remove || !*s || strlen(s) > 200)
			st = 409, *why = "displayname is 1 to 200 characters";
		else
			snprintf(c->name, sizeof c->name, "%s", s);
	} else if (dav_xml_is(p, CALDAV_NS, "calendar-description")) {
		if (strlen(s) > 2000)
			st = 409, *why = "calendar-description is at most 2000 characters";
		else
			snprintf(c->description, sizeof c->description, "%s", s);
	} else if (dav_xml_is(p, APPLE_NS, "calendar-color")) {
		char col[8];
		if (remove)
			snprintf(c->colour, sizeof c->colour, DEFAULT_COLOUR);
		else if (colour_read(s, col))
			st = 409, *why = "calendar-color is #rrggbb or #rrggbbaa";
		else
			snprintf(c->colour, sizeof c->colour, "%s", col);
	} else if (dav_xml_is(p, CALDAV_NS, "calendar-timezone")) {
		char tz[64];
		if (remove)
			st = 409, *why = "a calendar always has a time zone";
		else if (timezone_read(s, tz, sizeof tz))
			st = 409, *why = "calendar-timezone is a VCALENDAR with the VTIMEZONE of a known IANA zone";
		else
			snprintf(c->time_zone, sizeof c->time_zone, "%s", tz);
	} else if (creating && dav_xml_is(p, CALDAV_NS, "supported-calendar-component-set")) {
		for (const xmlNode *k = p->children; k && !st; k = k->next) {
			if (!dav_xml_is(k, CALDAV_NS, "comp"))
				continue;
			xmlChar *name = xmlGetProp(k, (const xmlChar *)"name");
			if (!name || strcmp((const char *)name, "VEVENT"))
				st = 403, *why = "calendars hold events (VEVENT) only";
			xmlFree(name);
		}
	} else if (creating && dav_xml_is(p, DAV_NS, "resourcetype")) {
		if (!dav_xml_child(p, CALDAV_NS, "calendar") || !dav_xml_child(p, DAV_NS, "collection"))
			st = 403, *why = "only calendar collections can be made here";
	} else {
		st = -1; /* not one of the calendar's own */
	}
	xmlFree(v);
	return st;
}

struct outcome {
	const xmlNode *prop;
	int status, remove, live;
	const char *why, *xml; /* xml: a dead property's value to store */
};

struct patch {
	struct outcome v[64];
	int n, failed, live;
};

/* evaluates every property of the <D:set>/<D:remove>s under root in
 * document order: a calendar's own ones are applied to c, a protected live
 * one fails with 403, any other is a dead property (size-checked here, stored
 * by dead_write). E_INVALID (answered) when there are too many. */
static int evaluate(struct req *r, const xmlNode *root, int creating, enum dav_kind kind, struct calendar *c,
		    struct patch *pt)
{
	pt->n = pt->failed = pt->live = 0;
	for (const xmlNode *op = root->children; op; op = op->next) {
		int remove = dav_xml_is(op, DAV_NS, "remove");
		if (!remove && !dav_xml_is(op, DAV_NS, "set"))
			continue;
		for (const xmlNode *pr = op->children; pr; pr = pr->next) {
			if (!dav_xml_is(pr, DAV_NS, "prop"))
				continue;
			for (const xmlNode *p = pr->children; p; p = p->next) {
				if (p->type != XML_ELEMENT_NODE)
					continue;
				if (pt->n == 64)
					return dav_bad_xml(r, "at most 64 properties at once"), E_INVALID;
				struct outcome *o = &pt->v[pt->n++];
				*o = (struct outcome){.prop = p, .remove = remove};
				const char *ns = p->ns && p->ns->href ? (const char *)p->ns->href : "";
				o->status = kind == DAV_CALENDAR ? apply(p, remove, creating, c, &o->why) : -1;
				if (o->status >= 0) {
					o->live = 1, pt->live = 1;
				} else if (dav_props_protected(ns, (const char *)p->name, kind)) {
					o->status = 403, o->why = "a protected property: the server computes it";
				} else if (!remove && !(o->xml = dav_dead_xml(r->arena, p))) {
					o->status = 507,
					o->why = arena_printf(r->arena, "a property's value is at most %d bytes",
							      DAV_DEAD_VALUE_MAX);
				} else {
					o->status = 0;
				}
				pt->failed |= o->status != 0;
			}
		}
	}
	return 0;
}

/* stores the dead properties in order, then checks the resource's bounds
 * (507 on each set when passed) */
static int dead_write(struct db *db, const struct calendar *c, const char *path, struct patch *pt)
{
	int rc = 0, sets = 0;
	for (int i = 0; i < pt->n && !rc; i++) {
		struct outcome *o = &pt->v[i];
		if (o->live)
			continue;
		const char *ns = o->prop->ns && o->prop->ns->href ? (const char *)o->prop->ns->href : "";
		sets += !o->remove;
		rc = o->remove ? store_dav_prop_remove(db, c->account_id, c->id, path, ns, (const char *)o->prop->name)
			       : store_dav_prop_set(db, c->account_id, c->id, path, ns, (const char *)o->prop->name,
						    o->xml);
	}
	int64_t bytes, count;
	if (rc || !sets || (rc = store_dav_props_size(db, c->account_id, c->id, path, &bytes, &count)))
		return rc;
	if (bytes <= DAV_DEAD_RESOURCE_MAX && count <= DAV_DEAD_COUNT_MAX)
		return 0;
	for (int i = 0; i < pt->n; i++)
		if (!pt->v[i].live && !pt->v[i].remove)
			pt->v[i].status = 507,
			pt->v[i].why = "this resource's properties would pass their bound (64 properties, 64 KiB)";
	pt->failed = 1;
	return E_TOOLARGE;
}

static const char *reason(int st)
{
	return st == 200   ? "OK"
	       : st == 424 ? "Failed Dependency"
	       : st == 403 ? "Forbidden"
	       : st == 507 ? "Insufficient Storage"
			   : "Conflict";
}

/* the 207 of a PROPPATCH or a failed MKCALENDAR: each property with its
 * status, 424 for the sound ones when any failed */
static int reply_patch(struct req *r, const char *href, const struct patch *pt)
{
	struct buf b = {0};
	dav_ms_begin(&b);
	buf_puts(&b, "<D:response><D:href>");
	dav_xml_escape(&b, href);
	buf_puts(&b, "</D:href>");
	for (int i = 0; i < pt->n; i++) {
		const struct outcome *o = &pt->v[i];
		int st = o->status ? o->status : pt->failed ? 424 : 200;
		buf_puts(&b, "<D:propstat><D:prop>");
		dav_props_name(&b, o->prop->ns && o->prop->ns->href ? (const char *)o->prop->ns->href : "",
			       (const char *)o->prop->name);
		buf_printf(&b, "</D:prop><D:status>HTTP/1.1 %d %s</D:status>", st, reason(st));
		if (st == 403 && !o->live)
			buf_puts(&b, "<D:error><D:cannot-modify-protected-property/></D:error>");
		if (o->status && o->why) {
			buf_puts(&b, "<D:responsedescription>");
			dav_xml_escape(&b, o->why);
			buf_puts(&b, "</D:responsedescription>");
		}
		buf_puts(&b, "</D:propstat>");
	}
	buf_puts(&b, "</D:response>");
	dav_ms_end(&b);
	return dav_reply_multistatus(r, &b);
}

int dav_proppatch(struct req *r, struct db *db, const struct dav_path *p)
{
	xmlDocPtr doc = NULL;
	char why[256];
	struct dav_res res;
	struct patch *pt = arena_alloc(r->arena, sizeof *pt);
	int rc;
	if (dav_xml_parse(r->body.data, r->body.len, &doc, why, sizeof why))
		return dav_bad_xml(r, why);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!dav_xml_is(root, DAV_NS, "propertyupdate")) {
		xmlFreeDoc(doc);
		return dav_bad_xml(r, "the body of a PROPPATCH is a DAV:propertyupdate element");
	}
	if ((rc = store_begin(db, 1)))
		goto done;
	if ((rc = dav_resource_load(r, db, p, &res)))
		goto fail;
	if ((res.kind == DAV_OBJECT || res.kind == DAV_FILE) && !res.exists) {
		rc = dav_resource_not_found(r);
		goto fail;
	}
	if (res.kind != DAV_CALENDAR && res.kind != DAV_OBJECT && res.kind != DAV_FILE) {
		rc = (dav_reply_need_privilege(r, res.href, DAV_NS, "write-properties",
					       "only the properties of calendars and what they hold can be changed"),
		      E_FORBIDDEN);
		goto fail;
	}
	int need = res.kind == DAV_CALENDAR ? CAL_ROLE_MANAGER : CAL_ROLE_EDITOR;
	if (res.role < need) {
		rc = (dav_reply_need_privilege(r, res.href, DAV_NS, "write-properties",
					       need == CAL_ROLE_MANAGER ? "changing the calendar needs the manager role"
									: "changing this needs the editor role"),
		      E_FORBIDDEN);
		goto fail;
	}
	struct calendar c = res.cal;
	if ((rc = evaluate(r, root, 0, res.kind, &c, pt)))
		goto fail;
	if (pt->failed || (rc = dead_write(db, &c, dav_resource_prop_path(&res), pt)) == E_TOOLARGE) {
		store_rollback(db);
		rc = reply_patch(r, res.href, pt);
		goto done;
	}
	if (rc)
		goto fail;
	if (pt->live) {
		json_t *before = calendar_json(&res.cal, res.role);
		c.updated_at = clock_now();
		c.version++;
		if ((rc = store_calendar_update(db, &c)) || (rc = calendar_changed(db, &c)) ||
		    (rc = audit_record(r, db, "calendar.update", "calendar", c.id, c.name, before,
				       calendar_json(&c, res.role))))
			goto fail;
	}
	if ((rc = store_commit(db)))
		goto fail;
	rc = reply_patch(r, res.href, pt);
	goto done;
fail:
	store_rollback(db);
done:
	xmlFreeDoc(doc);
	return rc;
}

/* does an extended MKCOL's set give resourcetype calendar (apply() checks its shape) */
static int names_calendar(const xmlNode *root)
{
	for (const xmlNode *op = root->children; op; op = op->next)
		for (const xmlNode *pr = dav_xml_is(op, DAV_NS, "set") ? op->children : NULL; pr; pr = pr->next)
			if (dav_xml_is(pr, DAV_NS, "prop") && dav_xml_child(pr, DAV_NS, "resourcetype"))
				return 1;
	return 0;
}

int dav_mkcalendar(struct req *r, struct db *db, const struct dav_path *p)
{
	xmlDocPtr doc = NULL;
	char why[256];
	int rc, mkcol = !strcmp(r->method, "MKCOL");
	if (dav_xml_parse(r->body.data, r->body.len, &doc, why, sizeof why))
		return dav_bad_xml(r, why);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (mkcol ? !dav_xml_is(root, DAV_NS, "mkcol") : root && !dav_xml_is(root, CALDAV_NS, "mkcalendar")) {
		xmlFreeDoc(doc);
		if (mkcol && !root)
			return dav_reply_error(r, 403, DAV_NS, "valid-resourcetype",
					       "only calendars can be made here: send an extended MKCOL (RFC 5689) "
					       "or MKCALENDAR");
		return dav_bad_xml(r, mkcol ? "the body of an extended MKCOL is a DAV:mkcol element"
					    : "the body of a MKCALENDAR is a CALDAV:mkcalendar element");
	}
	if (mkcol && !names_calendar(root)) {
		xmlFreeDoc(doc);
		return dav_reply_error(r, 403, DAV_NS, "valid-resourcetype", "only calendars can be made here");
	}
	if (p->kind != DAV_CALENDAR || strcmp(p->user_id, r->who.user_id)) {
		xmlFreeDoc(doc);
		if (p->kind == DAV_CALENDAR || p->kind == DAV_HOME)
			return dav_resource_not_found(r);
		return dav_reply_error(r, 403, DAV_NS, "resource-must-be-null",
				       "calendars are made in your home: /dav/calendars/%s/<calendar id>/",
				       r->who.user_id);
	}
	if (!calendar_owner_role(r->who.role)) {
		xmlFreeDoc(doc);
		return dav_reply_need_privilege(r, dav_href_home(r->arena, r->who.user_id), DAV_NS, "bind",
						"your role owns no calendars");
	}
	/* an unused calendar id becomes the calendar's id; any other name is kept
	 * as the calendar's name in this home (never one that looks like an id) */
	int by_id = ids_valid(p->calendar_id, "cal");
	if (!by_id && (!dav_name_valid(p->calendar_id) || !strncmp(p->calendar_id, "cal_", 4))) {
		xmlFreeDoc(doc);
		return dav_reply_error(r, 403, CONVENE_NS, "calendar-name",
				       "a new calendar's name is 1 to 255 bytes without '/' or control characters, "
				       "not starting with cal_ (unless it is an unused calendar id)");
	}
	struct calendar c = {.feed_days_back = 90, .feed_days_ahead = 730, .version = 1};
	snprintf(c.account_id, sizeof c.account_id, "%s", r->who.account_id);
	snprintf(c.owner_id, sizeof c.owner_id, "%s", r->who.user_id);
	if (by_id)
		snprintf(c.id, sizeof c.id, "%s", p->calendar_id);
	else
		ids_new("cal", c.id);
	snprintf(c.name, sizeof c.name, "%s", p->calendar_id);
	snprintf(c.colour, sizeof c.colour, DEFAULT_COLOUR);
	snprintf(c.public_detail, sizeof c.public_detail, "busy");
	c.created_at = c.updated_at = clock_now();
	if ((rc = store_begin(db, 1)))
		goto done;
	if (settings_value(db, c.account_id, NULL, "time_zone", c.time_zone, sizeof c.time_zone) ||
	    !ics_tz_valid(c.time_zone))
		snprintf(c.time_zone, sizeof c.time_zone, "UTC");
	struct calendar existing, def;
	char taken[ID_MAX];
	/* ids are unique in an installation (operators' tools find calendars by id alone) */
	rc = by_id ? store_calendar_find(db, c.id, &existing)
		   : store_dav_calendar_named(db, c.account_id, c.owner_id, p->calendar_id, taken);
	if (rc != E_NOTFOUND) {
		if (!rc)
			rc = (dav_reply_error(r, 403, DAV_NS, "resource-must-be-null",
					      "a calendar with this name exists already"),
			      E_CONFLICT);
		goto fail;
	}
	const char *href = dav_href_calendar(r->arena, r->who.user_id, p->calendar_id);
	struct patch *pt = arena_alloc(r->arena, sizeof *pt);
	if (root && (rc = evaluate(r, root, 1, DAV_CALENDAR, &c, pt)))
		goto fail;
	if (root && pt->failed) {
		store_rollback(db);
		rc = (reply_patch(r, href, pt), E_INVALID);
		goto done;
	}
	if ((rc = calendar_ensure_default(db, c.account_id, c.owner_id, r->who.display_name, &def)) ||
	    (rc = store_calendar_insert(db, &c)) ||
	    (!by_id && (rc = store_dav_calendar_name_insert(db, c.account_id, c.owner_id, p->calendar_id, c.id))) ||
	    (root && (rc = dead_write(db, &c, "", pt))) ||
	    (rc = audit_record(r, db, "calendar.create", "calendar", c.id, c.name, NULL,
			       calendar_json(&c, CAL_ROLE_OWNER))) ||
	    (rc = store_commit(db)))
		goto fail;
	resp_header(r, "Location", href);
	rc = resp_empty(r, 201);
	goto done;
fail:
	store_rollback(db);
done:
	xmlFreeDoc(doc);
	return rc;
}
