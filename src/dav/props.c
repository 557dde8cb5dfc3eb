/* One table says which property exists on which kind of resource and which
 * allprop includes (the cheap ones: not calendar-data, privileges or
 * reports, as RFC 4918 section 9.1 and RFC 4791 section 9.6 suggest). */
#include "dav/props.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "calendar/access.h"
#include "ical/ics.h"
#include "core/errors.h"
#include "dav/expand.h"
#include "dav/principals.h"
#include "dav/render.h"
#include "dav/schedule.h"
#include "dav/xml.h"

#define K(kind) (1u << (kind))
#define COLLECTIONS (K(DAV_ROOT) | K(DAV_PRINCIPALS) | K(DAV_HOMES) | K(DAV_HOME))
#define SCHED (K(DAV_INBOX) | K(DAV_INBOX_ITEM) | K(DAV_OUTBOX)) /* schedule.c */
#define ALL (COLLECTIONS | K(DAV_PRINCIPAL) | K(DAV_CALENDAR) | K(DAV_OBJECT) | K(DAV_FILE) | SCHED)
#define RESOURCES (K(DAV_OBJECT) | K(DAV_FILE) | K(DAV_INBOX_ITEM))

enum {
	P_RESOURCETYPE,
	P_DISPLAYNAME,
	P_CUP,
	P_PRINCIPAL_URL,
	P_HOME_SET,
	P_ADDRESS_SET,
	P_CUTYPE,
	P_PRIVILEGES,
	P_OWNER,
	P_REPORTS,
	P_COMPONENTS,
	P_DATA_TYPES,
	P_MAX_SIZE,
	P_DESCRIPTION,
	P_TIMEZONE,
	P_COLOR,
	P_CTAG,
	P_SYNC_TOKEN,
	P_ETAG,
	P_CONTENTTYPE,
	P_LASTMODIFIED,
	P_CALDATA,
	P_CONTENTLENGTH,
	P_PCS,
	P_RECORD_TYPE,
	P_EMAIL_SET,
	P_INBOX_URL,
	P_OUTBOX_URL,
	P_DEFAULT_CAL,
	P_MAX_INSTANCES,
	P_MAX_ATTENDEES,
};

static const struct {
	const char *ns, *prefix, *name;
	unsigned kinds;
	int allprop;
} props[] = {
	[P_RESOURCETYPE] = {DAV_NS, "D", "resourcetype", ALL, 1},
	[P_DISPLAYNAME] = {DAV_NS, "D", "displayname", ALL & ~RESOURCES, 1},
	[P_CUP] = {DAV_NS, "D", "current-user-principal", ALL, 0},
	[P_PRINCIPAL_URL] = {DAV_NS, "D", "principal-URL", K(DAV_PRINCIPAL), 1},
	[P_HOME_SET] = {CALDAV_NS, "C", "calendar-home-set", K(DAV_PRINCIPAL), 1},
	[P_ADDRESS_SET] = {CALDAV_NS, "C", "calendar-user-address-set", K(DAV_PRINCIPAL), 1},
	[P_CUTYPE] = {CALDAV_NS, "C", "calendar-user-type", K(DAV_PRINCIPAL), 1},
	[P_PRIVILEGES] = {DAV_NS, "D", "current-user-privilege-set", ALL, 0},
	[P_OWNER] = {DAV_NS, "D", "owner", K(DAV_HOME) | K(DAV_CALENDAR), 1},
	[P_REPORTS] = {DAV_NS, "D", "supported-report-set", K(DAV_CALENDAR) | K(DAV_PRINCIPALS) | K(DAV_PRINCIPAL), 0},
	[P_COMPONENTS] = {CALDAV_NS, "C", "supported-calendar-component-set", K(DAV_CALENDAR), 1},
	[P_DATA_TYPES] = {CALDAV_NS, "C", "supported-calendar-data", K(DAV_CALENDAR), 1},
	/* the limits a write is refused by (ics.h), with the precondition of
	 * the same name (objects.c); RFC 4791 5.2.5-5.2.9: not in allprop */
	[P_MAX_SIZE] = {CALDAV_NS, "C", "max-resource-size", K(DAV_CALENDAR), 0},
	[P_DESCRIPTION] = {CALDAV_NS, "C", "calendar-description", K(DAV_CALENDAR), 1},
	[P_TIMEZONE] = {CALDAV_NS, "C", "calendar-timezone", K(DAV_CALENDAR), 0},
	[P_COLOR] = {APPLE_NS, "A", "calendar-color", K(DAV_CALENDAR), 1},
	[P_CTAG] = {CS_NS, "CS", "getctag", K(DAV_CALENDAR), 1},
	[P_SYNC_TOKEN] = {DAV_NS, "D", "sync-token", K(DAV_CALENDAR), 1},
	[P_ETAG] = {DAV_NS, "D", "getetag", RESOURCES, 1},
	[P_CONTENTTYPE] = {DAV_NS, "D", "getcontenttype", RESOURCES, 1},
	[P_LASTMODIFIED] = {DAV_NS, "D", "getlastmodified", RESOURCES, 1},
	[P_CALDATA] = {CALDAV_NS, "C", "calendar-data", K(DAV_OBJECT) | K(DAV_INBOX_ITEM), 0},
	[P_CONTENTLENGTH] = {DAV_NS, "D", "getcontentlength", K(DAV_FILE), 1},
	[P_PCS] = {DAV_NS, "D", "principal-collection-set", ALL, 0},
	[P_RECORD_TYPE] = {CS_NS, "CS", "record-type", K(DAV_PRINCIPAL), 0},
	[P_EMAIL_SET] = {CS_NS, "CS", "email-address-set", K(DAV_PRINCIPAL), 0},
	[P_INBOX_URL] = {CALDAV_NS, "C", "schedule-inbox-URL", K(DAV_PRINCIPAL), 1},
	[P_OUTBOX_URL] = {CALDAV_NS, "C", "schedule-outbox-URL", K(DAV_PRINCIPAL), 1},
	[P_DEFAULT_CAL] = {CALDAV_NS, "C", "schedule-default-calendar-URL", K(DAV_PRINCIPAL) | K(DAV_INBOX), 0},
	[P_MAX_INSTANCES] = {CALDAV_NS, "C", "max-instances", K(DAV_CALENDAR), 0},
	[P_MAX_ATTENDEES] = {CALDAV_NS, "C", "max-attendees-per-instance", K(DAV_CALENDAR), 0},
};
#define NPROPS ((int)(sizeof props / sizeof props[0]))

void dav_props_from_xml(struct arena *a, const xmlNode *prop, struct dav_proplist *out)
{
	int n = 0;
	for (const xmlNode *c = prop ? prop->children : NULL; c; c = c->next)
		n += c->type == XML_ELEMENT_NODE;
	out->mode = DAV_PROPS_NAMED;
	out->v = arena_alloc(a, sizeof *out->v * (size_t)(n + 1));
	out->n = 0;
	for (const xmlNode *c = prop ? prop->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		out->v[out->n].ns = arena_strdup(a, c->ns && c->ns->href ? (const char *)c->ns->href : "");
		out->v[out->n].name = arena_strdup(a, (const char *)c->name);
		out->n++;
	}
}

static int find(const char *ns, const char *name)
{
	for (int i = 0; i < NPROPS; i++)
		if (!strcmp(props[i].ns, ns) && !strcmp(props[i].name, name))
			return i;
	return -1;
}

static void href(struct buf *b, const char *h)
{
	buf_puts(b, "<D:href>");
	dav_xml_escape(b, h);
	buf_puts(b, "</D:href>");
}

int dav_props_privileges(struct buf *b, int role, enum dav_kind kind)
{
	static const char *const names[] = {"C:read-free-busy",
					    "D:read",
					    "D:read-current-user-privilege-set",
					    "D:write-content",
					    "D:bind",
					    "D:unbind",
					    "D:write",
					    "D:write-properties"};
	int from = 1, to = 3; /* read, read-current-user-privilege-set */
	if (kind == DAV_CALENDAR || kind == DAV_OBJECT || kind == DAV_FILE) {
		from = 0;
		to = role == CAL_ROLE_FREEBUSY ? 1 : role == CAL_ROLE_VIEWER ? 3 : role == CAL_ROLE_EDITOR ? 6 : 8;
	}
	for (int i = from; i < to; i++)
		buf_printf(b, "<D:privilege><%s/></D:privilege>", names[i]);
	if (kind == DAV_INBOX || kind == DAV_OUTBOX)
		return dav_schedule_privileges(b, kind);
	if (kind == DAV_HOME && role == CAL_ROLE_OWNER)
		buf_puts(b, "<D:privilege><D:bind/></D:privilege>");
	return 0;
}

int dav_props_timezone(struct buf *b, const char *tzid)
{
	struct buf t = {0};
	int rc = ics_calendar_begin(&t, NULL, NULL);
	if (!rc && strcmp(tzid, "UTC"))
		rc = ics_vtimezone(&t, tzid);
	if (!rc)
		rc = ics_calendar_end(&t);
	if (!rc)
		rc = dav_xml_escape(b, t.data);
	buf_free(&t);
	return rc;
}

static void http_date(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* the element with its value, or a status when the caller cannot have it */
static int value(struct req *r, const struct dav_res *res, int p, struct buf *b)
{
	const struct calendar *c = &res->cal;
	const char *me = r->who.user_id;
	char date[40];
	int file = res->kind == DAV_FILE, dir = file && !res->file.body;
	if (dir && (p == P_CONTENTTYPE || p == P_CONTENTLENGTH))
		return 404;                              /* a collection has no body */
	const struct dav_principal *pr = res->principal; /* someone else's (principals.c), or NULL */
	if (pr && p == P_HOME_SET && !pr->home)
		return 404;
	if (res->home_id && (p == P_CTAG || p == P_SYNC_TOKEN))
		return 404; /* a room's calendar is its bookings: no version of its own */
	if (pr && (p == P_INBOX_URL || p == P_OUTBOX_URL || p == P_DEFAULT_CAL))
		return 404; /* only one's own inbox and outbox (schedule.c) */
	buf_printf(b, "<%s:%s>", props[p].prefix, props[p].name);
	switch (p) {
	case P_RESOURCETYPE:
		if (res->kind == DAV_INBOX || res->kind == DAV_OUTBOX)
			dav_schedule_resourcetype(b, res->kind);
		else if (res->kind == DAV_PRINCIPAL)
			buf_puts(b, "<D:collection/><D:principal/>");
		else if (res->kind == DAV_CALENDAR)
			buf_puts(b, "<D:collection/><C:calendar/>");
		else if (res->kind != DAV_OBJECT && res->kind != DAV_INBOX_ITEM && (!file || dir))
			buf_puts(b, "<D:collection/>");
		break;
	case P_DISPLAYNAME:
		dav_xml_escape(b, res->kind == DAV_CALENDAR                             ? c->name
				  : pr                                                  ? pr->name
				  : res->home_id                                        ? "Rooms"
				  : res->kind == DAV_PRINCIPAL || res->kind == DAV_HOME ? r->who.display_name
											: "convene");
		break;
	case P_CUP:
		href(b, dav_href_principal(r->arena, me));
		break;
	case P_PRINCIPAL_URL:
		href(b, pr ? pr->href : dav_href_principal(r->arena, me));
		break;
	case P_HOME_SET:
		href(b, pr ? pr->home : dav_href_home(r->arena, me));
		break;
	case P_ADDRESS_SET:
		href(b, arena_printf(r->arena, "mailto:%s", pr ? pr->email : r->who.email));
		href(b, pr ? pr->href : dav_href_principal(r->arena, me));
		break;
	case P_CUTYPE:
		buf_puts(b, pr ? pr->cutype : "INDIVIDUAL");
		break;
	case P_PCS:
		href(b, "/dav/principals/");
		break;
	case P_RECORD_TYPE:
		buf_puts(b, pr ? pr->record_type : "users");
		break;
	case P_INBOX_URL:
		href(b, dav_href_inbox(r->arena, me));
		break;
	case P_OUTBOX_URL:
		href(b, dav_href_outbox(r->arena, me));
		break;
	case P_DEFAULT_CAL:
		href(b, dav_schedule_default_calendar(r));
		break;
	case P_EMAIL_SET:
		buf_puts(b, "<CS:email-address>");
		dav_xml_escape(b, pr ? pr->email : r->who.email);
		buf_puts(b, "</CS:email-address>");
		break;
	case P_PRIVILEGES:
		dav_props_privileges(b, res->role, res->kind);
		break;
	case P_OWNER:
		if (res->kind == DAV_HOME && !res->home_id)
			href(b, dav_href_principal(r->arena, me));
		else if (*c->owner_id)
			href(b, dav_href_principal(r->arena, c->owner_id));
		break;
	case P_REPORTS:
		if (res->kind != DAV_CALENDAR)
			buf_puts(b, "<D:supported-report><D:report><D:principal-property-search/></D:report>"
				    "</D:supported-report><D:supported-report><D:report>"
				    "<D:principal-search-property-set/></D:report></D:supported-report>");
		else
			buf_printf(
				b,
				"<D:supported-report><D:report><C:calendar-multiget/></D:report></D:supported-report>"
				"<D:supported-report><D:report><C:calendar-query/></D:report></D:supported-report>"
				"<D:supported-report><D:report><C:free-busy-query/></D:report></D:supported-report>%s",
				res->home_id ? ""
					     : "<D:supported-report><D:report><D:sync-collection/></D:report>"
					       "</D:supported-report>");
		break;
	case P_COMPONENTS:
		buf_puts(b, "<C:comp name=\"VEVENT\"/>");
		break;
	case P_DATA_TYPES:
		buf_puts(b, "<C:calendar-data content-type=\"text/calendar\" version=\"2.0\"/>");
		break;
	case P_MAX_SIZE:
		buf_printf(b, "%d", ICS_MAX_TEXT);
		break;
	case P_MAX_INSTANCES:
		buf_printf(b, "%d", ICS_MAX_INSTANCES);
		break;
	case P_MAX_ATTENDEES:
		buf_printf(b, "%d", ICS_MAX_ATTENDEES);
		break;
	case P_DESCRIPTION:
		dav_xml_escape(b, c->description);
		break;
	case P_TIMEZONE:
		dav_props_timezone(b, c->time_zone);
		break;
	case P_COLOR:
		dav_xml_escape(b, c->colour);
		break;
	case P_CTAG:
		buf_printf(b, "%lld", (long long)c->version);
		break;
	case P_SYNC_TOKEN: /* report.c reads it back */
		buf_printf(b, "urn:convene:sync:%s:%lld", c->id, (long long)c->version);
		break;
	case P_ETAG:
		dav_xml_escape(b, file ? arena_printf(r->arena, "\"%s\"", res->file.etag)
				       : dav_render_etag(r->arena, res->role, &res->ev));
		break;
	case P_CONTENTTYPE:
		dav_xml_escape(b, file ? res->file.content_type : "text/calendar; charset=utf-8; component=VEVENT");
		break;
	case P_CONTENTLENGTH:
		buf_printf(b, "%zu", res->file.len);
		break;
	case P_LASTMODIFIED:
		http_date(file ? res->file.updated_at : res->ev.updated_at, date, sizeof date);
		buf_puts(b, date);
		break;
	case P_CALDATA: {
		if (res->kind == DAV_INBOX_ITEM) { /* a scheduling message, METHOD and all (schedule.c) */
			dav_xml_escape(b, res->ev.ical);
			break;
		}
		struct buf t = {0};
		int rc = res->caldata ? dav_caldata_render(&t, res->role, &res->ev, res->caldata)
				      : dav_render_object(&t, res->role, &res->ev);
		if (!rc)
			rc = dav_xml_escape(b, t.data);
		buf_free(&t);
		if (rc)
			return rc;
		break;
	}
	}
	buf_printf(b, "</%s:%s>", props[p].prefix, props[p].name);
	return 200;
}

void dav_props_name(struct buf *b, const char *ns, const char *name)
{
	int p = find(ns, name);
	if (p >= 0)
		buf_printf(b, "<%s:%s/>", props[p].prefix, name);
	else if (*ns) {
		buf_printf(b, "<x:%s xmlns:x=\"", name);
		dav_xml_escape(b, ns);
		buf_puts(b, "\"/>");
	} else {
		buf_printf(b, "<%s xmlns=\"\"/>", name);
	}
}

static int dead_find(const struct dav_res *res, const char *ns, const char *name)
{
	for (int i = 0; i < res->ndead; i++)
		if (!strcmp(res->dead[i].ns, ns) && !strcmp(res->dead[i].name, name))
			return i;
	return -1;
}

int dav_props_live(const char *ns, const char *name, enum dav_kind kind)
{
	int p = find(ns, name);
	return p >= 0 && (props[p].kinds & K(kind));
}

int dav_props_protected(const char *ns, const char *name, enum dav_kind kind)
{
	static const char *const dav[] = {"creationdate",     "lockdiscovery",         "supportedlock",
					  "quota-used-bytes", "quota-available-bytes", NULL};
	int p = find(ns, name);
	if (p >= 0)
		return p != P_DISPLAYNAME || (props[p].kinds & K(kind));
	for (int i = 0; dav[i]; i++)
		if (!strcmp(ns, DAV_NS) && !strcmp(name, dav[i]))
			return 1;
	return 0;
}

static void propstat(struct buf *b, const struct buf *props_of, const char *status)
{
	if (!props_of->len)
		return;
	buf_puts(b, "<D:propstat><D:prop>");
	buf_append(b, props_of->data, props_of->len);
	buf_printf(b, "</D:prop><D:status>HTTP/1.1 %s</D:status></D:propstat>", status);
}

int dav_props_response(struct req *r, const struct dav_res *res, const struct dav_proplist *want, struct buf *b)
{
	struct buf ok = {0}, missing = {0};
	int rc = 0;
	unsigned kind = K(res->kind);
	if (want->mode != DAV_PROPS_NAMED) {
		for (int p = 0; p < NPROPS && !rc; p++) {
			if (!(props[p].kinds & kind))
				continue;
			if (want->mode == DAV_PROPS_NAMES)
				dav_props_name(&ok, props[p].ns, props[p].name);
			else if (props[p].allprop && (rc = value(r, res, p, &ok)) > 0)
				rc = 0;
		}
		for (int i = 0; i < res->ndead && !rc; i++) {
			if (want->mode == DAV_PROPS_NAMES)
				dav_props_name(&ok, res->dead[i].ns, res->dead[i].name);
			else
				buf_puts(&ok, res->dead[i].value);
		}
	} else {
		for (int i = 0; i < want->n && !rc; i++) {
			int p = find(want->v[i].ns, want->v[i].name), st = 404;
			if (p >= 0 && (props[p].kinds & kind))
				st = value(r, res, p, &ok);
			else if ((p = dead_find(res, want->v[i].ns, want->v[i].name)) >= 0)
				st = 200, buf_puts(&ok, res->dead[p].value);
			if (st == 404)
				dav_props_name(&missing, want->v[i].ns, want->v[i].name);
			else if (st < 0)
				rc = st;
		}
	}
	if (!rc) {
		buf_puts(b, "<D:response>");
		href(b, res->href);
		propstat(b, &ok, "200 OK");
		propstat(b, &missing, "404 Not Found");
		if (!ok.len && !missing.len) /* nothing asked: an empty 200 propstat */
			buf_puts(b, "<D:propstat><D:prop/><D:status>HTTP/1.1 200 OK</D:status></D:propstat>");
		rc = buf_puts(b, "</D:response>");
	}
	buf_free(&ok);
	buf_free(&missing);
	return rc;
}
