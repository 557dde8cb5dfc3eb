/* Calendar collections: MKCALENDAR (RFC 4791 section 5.3.1) and extended
 * MKCOL (RFC 5689) create a calendar of the caller's at the request URI (an
 * unused calendar id becomes its id; another name, such as Apple's UUIDs, is
 * kept as its name in the home: store/dav_names.h), and
 * PROPPATCH (RFC 4918 section 9.2) changes the properties convene keeps for a
 * calendar: displayname, calendar-description, calendar-color and
 * calendar-timezone. Any other property is refused (403): we keep no dead
 * properties. A PROPPATCH is all or nothing (failed dependency for the rest). */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "calendar/access.h"
#include "calendar/calendars.h"
#include "calendar/ics.h"
#include "calendar/stream.h"
#include "core/clock.h"
#include "core/errors.h"
#include "dav/methods.h"
#include "dav/props.h"
#include "dav/reply.h"
#include "dav/resource.h"
#include "dav/xml.h"
#include "http/response.h"
#include "iam/audit.h"
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

/* applies one property to c: 0, or 403 / 409 with why */
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
		st = 403, *why = "convene keeps no other properties";
	}
	xmlFree(v);
	return st;
}

struct outcome {
	const xmlNode *prop;
	int status;
};

/* the properties of every <D:set>/<D:remove> under root, applied to c in
 * document order; answers 207 naming each and returns E_INVALID when any
 * fails */
static int apply_all(struct req *r, const xmlNode *root, int creating, struct calendar *c, const char *href,
		     int reply_207)
{
	struct outcome out[64];
	int n = 0, failed = 0;
	const char *why = NULL;
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
				if (n == 64)
					return dav_bad_xml(r, "at most 64 properties at once"), E_INVALID;
				out[n].prop = p;
				out[n].status = apply(p, remove, creating, c, &why);
				failed |= out[n].status != 0;
				n++;
			}
		}
	}
	if (!failed && !reply_207)
		return 0;
	struct buf b = {0};
	dav_ms_begin(&b);
	buf_puts(&b, "<D:response><D:href>");
	dav_xml_escape(&b, href);
	buf_puts(&b, "</D:href>");
	for (int i = 0; i < n; i++) {
		int st = out[i].status ? out[i].status : failed ? 424 : 200;
		const xmlNode *p = out[i].prop;
		buf_printf(&b, "<D:propstat><D:prop><x:%s xmlns:x=\"", (const char *)p->name);
		dav_xml_escape(&b, p->ns && p->ns->href ? (const char *)p->ns->href : "");
		buf_printf(&b, "\"/></D:prop><D:status>HTTP/1.1 %d %s</D:status>", st,
			   st == 200 ? "OK" : st == 424 ? "Failed Dependency" : st == 403 ? "Forbidden" : "Conflict");
		if (out[i].status && why) {
			buf_puts(&b, "<D:responsedescription>");
			dav_xml_escape(&b, why);
			buf_puts(&b, "</D:responsedescription>");
		}
		buf_puts(&b, "</D:propstat>");
	}
	buf_puts(&b, "</D:response>");
	dav_ms_end(&b);
	dav_reply_multistatus(r, &b);
	return failed ? E_INVALID : 0;
}

int dav_proppatch(struct req *r, struct db *db, const struct dav_path *p)
{
	xmlDocPtr doc = NULL;
	char why[256];
	struct dav_res res;
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
	if (res.kind != DAV_CALENDAR) {
		rc = (dav_reply_need_privilege(r, res.href, DAV_NS, "write-properties",
					      "only a calendar's properties can be changed"), E_FORBIDDEN);
		goto fail;
	}
	if (res.role < CAL_ROLE_MANAGER) {
		rc = (dav_reply_need_privilege(r, res.href, DAV_NS, "write-properties",
					      "changing the calendar needs the manager role"), E_FORBIDDEN);
		goto fail;
	}
	struct calendar c = res.cal;
	json_t *before = calendar_json(&c, res.role);
	if ((rc = apply_all(r, root, 0, &c, res.href, 0))) {
		json_decref(before);
		goto fail;
	}
	c.updated_at = clock_now();
	c.version++;
	if ((rc = store_calendar_update(db, &c)) || (rc = calendar_changed(db, &c)) ||
	    (rc = audit_record(r, db, "calendar.update", "calendar", c.id, c.name, before,
			       calendar_json(&c, res.role))) ||
	    (rc = store_commit(db)))
		goto fail;
	rc = apply_all(r, root, 0, &c, res.href, 1);
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
					     "a calendar with this name exists already"), E_CONFLICT);
		goto fail;
	}
	const char *href = dav_href_calendar(r->arena, r->who.user_id, p->calendar_id);
	if (root && (rc = apply_all(r, root, 1, &c, href, 0)))
		goto fail;
	if ((rc = calendar_ensure_default(db, c.account_id, c.owner_id, r->who.display_name, &def)) ||
	    (rc = store_calendar_insert(db, &c)) ||
	    (!by_id && (rc = store_dav_calendar_name_insert(db, c.account_id, c.owner_id, p->calendar_id, c.id))) ||
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
