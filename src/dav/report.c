/* REPORTs on a calendar (RFC 4791 section 7): calendar-multiget (the named
 * events, 404 inside the 207 for those that are not there) and
 * calendar-query with a VEVENT comp-filter and an optional time-range;
 * recurring events match when an occurrence overlaps the range (ics_expand,
 * bounded). A prop-filter on UID with a text-match is matched on the
 * column (clients find an event by UID so); other prop-filters and their
 * param-filters in filters.c. calendar-data holds the whole object unless
 * it asks for expand or limit-recurrence-set (expand.c).
 * sync-collection (RFC 6578) reports what changed since a token that is the
 * calendar's version: events written after it, and tombstones (404) of those
 * deleted after it; the version is read before the changes, so a change
 * racing the report is reported again next time, never lost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar/event_store.h"
#include "ical/ics.h"
#include "core/budget.h"
#include "core/errors.h"
#include "dav/expand.h"
#include "dav/filters.h"
#include "dav/freebusy.h"
#include "dav/methods.h"
#include "dav/principals.h"
#include "dav/props.h"
#include "dav/query.h"
#include "dav/reply.h"
#include "dav/resource.h"
#include "dav/schedule.h"
#include "dav/spool.h"
#include "dav/xml.h"

#define MULTIGET_MAX 1000

struct query {
	struct req *r;
	const struct dav_res *cal;
	const struct dav_proplist *want;
	struct dav_spool *sp;
	struct dav_query_filter f; /* query.h */
};

static int one_occurrence(void *ctx, const struct ics_occurrence *o)
{
	(void)ctx, (void)o;
	return 1; /* one is enough */
}

static int uid_matches(const struct dav_query_filter *q, const char *uid)
{
	int found = q->uid_octet ? strstr(uid, q->uid_match) != NULL : strcasestr(uid, q->uid_match) != NULL;
	return found != q->uid_negate;
}

static int matches(const struct query *q, const struct event_row *e)
{
	const struct dav_query_filter *f = &q->f;
	if (f->uid_match && !uid_matches(f, e->uid))
		return 0;
	if (f->pf && !dav_filter_match(f->pf, q->cal->role, e))
		return 0;
	int recurring = e->rrule || strstr(e->ical, "\r\nRDATE") || strstr(e->ical, "\r\nRECURRENCE-ID");
	if (!recurring || (f->from == INT64_MIN && f->to == INT64_MAX))
		return 1;
	int truncated = 0;
	return ics_expand(e->ical, q->cal->cal.time_zone, f->from, f->to, 1, one_occurrence, NULL, &truncated) == 1;
}

static int query_row(void *ctx, const struct event_row *e)
{
	struct query *q = ctx;
	if (budget_spent())
		return E_TIMEOUT;
	if (!matches(q, e))
		return 0;
	struct dav_res res;
	dav_resource_member(q->r->arena, q->cal, e, &res);
	dav_spool_mark(q->sp);
	return dav_spool_added(q->sp, dav_props_response(q->r, &res, q->want, &q->sp->b));
}

/* <C:prop-filter name="UID"><C:text-match>…</C:text-match></C:prop-filter> */
static int read_uid_filter(const xmlNode *f, struct dav_query_filter *q)
{
	xmlChar *name = xmlGetProp(f, (const xmlChar *)"name");
	int uid = name && !strcmp((const char *)name, "UID");
	xmlFree(name);
	const xmlNode *tm = dav_xml_child(f, CALDAV_NS, "text-match");
	int n = 0;
	for (const xmlNode *c = f->children; c; c = c->next)
		n += c->type == XML_ELEMENT_NODE;
	if (!uid || !tm || n != 1)
		return E_INVALID;
	xmlChar *coll = xmlGetProp(tm, (const xmlChar *)"collation"),
		*neg = xmlGetProp(tm, (const xmlChar *)"negate-condition");
	int ok = !coll || !strcmp((const char *)coll, "i;ascii-casemap") || !strcmp((const char *)coll, "i;octet");
	q->uid_octet = coll && !strcmp((const char *)coll, "i;octet");
	q->uid_negate = neg && !strcmp((const char *)neg, "yes");
	xmlFree(coll);
	xmlFree(neg);
	if (!ok)
		return E_INVALID;
	q->uid_match = dav_xml_text(tm);
	return q->uid_match ? 0 : E_NOMEM;
}

/* the VEVENT comp-filter (query.h): *none when nothing can match, the range in q */
int dav_query_filter_read(struct req *r, const xmlNode *filter, struct dav_query_filter *q, int *none)
{
	const xmlNode *cal = dav_xml_child(filter, CALDAV_NS, "comp-filter");
	xmlChar *name = cal ? xmlGetProp(cal, (const xmlChar *)"name") : NULL;
	int ok = name && !strcmp((const char *)name, "VCALENDAR");
	xmlFree(name);
	if (!ok)
		return dav_reply_error(r, 403, CALDAV_NS, "valid-filter",
				       "the filter is a comp-filter named VCALENDAR"),
		       E_INVALID;
	*none = 0;
	if (dav_xml_child(cal, CALDAV_NS, "is-not-defined")) {
		*none = 1;
		return 0;
	}
	for (const xmlNode *c = cal->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		/* a UID prop-filter right under VCALENDAR (python-caldav's
		 * object_by_uid): the UID every component of a calendar object
		 * resource shares (RFC 4791 section 4.1) is the object's */
		if (dav_xml_is(c, CALDAV_NS, "prop-filter") && !q->uid_match && !read_uid_filter(c, q))
			continue;
		if (!dav_xml_is(c, CALDAV_NS, "comp-filter"))
			return dav_reply_error(r, 403, CALDAV_NS, "supported-filter",
					       "only comp-filter and time-range filters are served"),
			       E_INVALID;
		xmlChar *n = xmlGetProp(c, (const xmlChar *)"name");
		int vevent = n && !strcmp((const char *)n, "VEVENT");
		xmlFree(n);
		if (!vevent) {
			*none = 1; /* we hold no VTODO, VJOURNAL, VFREEBUSY */
			continue;
		}
		for (const xmlNode *f = c->children; f; f = f->next) {
			if (f->type != XML_ELEMENT_NODE)
				continue;
			if (dav_xml_is(f, CALDAV_NS, "is-not-defined")) {
				*none = 1;
			} else if (dav_xml_is(f, CALDAV_NS, "time-range")) {
				xmlChar *s = xmlGetProp(f, (const xmlChar *)"start"),
					*e = xmlGetProp(f, (const xmlChar *)"end");
				int bad = (!s && !e) || (s && dav_utc_read((const char *)s, &q->from)) ||
					  (e && dav_utc_read((const char *)e, &q->to)) || q->from >= q->to;
				xmlFree(s);
				xmlFree(e);
				if (bad)
					return dav_reply_error(r, 403, CALDAV_NS, "valid-filter",
							       "time-range has start and/or end in UTC "
							       "(20261203T100000Z), start before end"),
					       E_INVALID;
			} else if (dav_xml_is(f, CALDAV_NS, "prop-filter")) {
				if (!q->pf) {
					q->pf = arena_alloc(r->arena, sizeof *q->pf);
					memset(q->pf, 0, sizeof *q->pf);
				}
				if ((q->uid_match || read_uid_filter(f, q)) && dav_filter_read(f, q->pf))
					return dav_reply_error(r, 403, CALDAV_NS, "supported-filter",
							       "a prop-filter holds is-not-defined, or a text-match "
							       "(collation i;ascii-casemap or i;octet) and at most one "
							       "param-filter; at most %d of them",
							       DAV_FILTERS_MAX),
					       E_INVALID;
			} else {
				return dav_reply_error(r, 403, CALDAV_NS, "supported-filter",
						       "only comp-filter, time-range and prop-filter are served"),
				       E_INVALID;
			}
		}
	}
	return 0;
}

struct sync {
	struct req *r;
	const struct dav_res *cal;
	const struct dav_proplist *want;
	struct dav_spool *sp;
};

static int sync_changed(void *ctx, const struct event_row *e)
{
	struct sync *s = ctx;
	struct dav_res res;
	if (budget_spent())
		return E_TIMEOUT;
	dav_resource_member(s->r->arena, s->cal, e, &res);
	dav_spool_mark(s->sp);
	return dav_spool_added(s->sp, dav_props_response(s->r, &res, s->want, &s->sp->b));
}

static int sync_deleted(void *ctx, const char *name, int64_t modseq)
{
	struct sync *s = ctx;
	(void)modseq;
	dav_spool_mark(s->sp);
	buf_puts(&s->sp->b, "<D:response><D:href>");
	dav_xml_escape(&s->sp->b, dav_href_object(s->r->arena, s->cal->home_id ? s->cal->home_id : s->r->who.user_id,
						  s->cal->segment, name));
	return dav_spool_added(
		s->sp, buf_puts(&s->sp->b, "</D:href><D:status>HTTP/1.1 404 Not Found</D:status></D:response>"));
}

/* the version a token names: 0 for an empty token (everything), or E_INVALID */
static int token_read(const char *tok, const struct calendar *c, int64_t *out)
{
	const char *prefix = "urn:convene:sync:";
	size_t n = strlen(prefix), idl = strlen(c->id);
	char *end;
	*out = 0;
	if (!tok || !*tok)
		return 0;
	if (strncmp(tok, prefix, n) || strncmp(tok + n, c->id, idl) || tok[n + idl] != ':')
		return E_INVALID;
	long long v = strtoll(tok + n + idl + 1, &end, 10);
	if (*end || v < 0 || v > c->version || end == tok + n + idl + 1)
		return E_INVALID;
	*out = v;
	return 0;
}

static int sync_collection(struct req *r, struct db *db, const xmlNode *root, const struct dav_res *cal,
			   const struct dav_proplist *want, struct dav_spool *sp)
{
	char *tok = dav_xml_text(dav_xml_child(root, DAV_NS, "sync-token"));
	char *level = dav_xml_text(dav_xml_child(root, DAV_NS, "sync-level"));
	int64_t since;
	int rc = 0;
	if (level && strcmp(level, "1"))
		rc = (dav_reply_error(r, 403, DAV_NS, "number-of-matches-within-limits",
				      "sync-level is 1 here (calendars hold no collections)"),
		      E_INVALID);
	else if (token_read(tok, &cal->cal, &since))
		rc = (dav_reply_error(r, 403, DAV_NS, "valid-sync-token",
				      "this sync-token is not one of this calendar's: sync again without one"),
		      E_INVALID);
	xmlFree(tok);
	xmlFree(level);
	if (rc)
		return rc;
	struct sync s = {r, cal, want, sp};
	if ((rc = store_event_changed_since(db, cal->cal.account_id, cal->cal.id, since, sync_changed, &s)) &&
	    !sp->over)
		return rc;
	if (!sp->over && since &&
	    (rc = store_event_deleted_since(db, cal->cal.account_id, cal->cal.id, since, sync_deleted, &s)) &&
	    !sp->over)
		return rc;
	/* cut short (RFC 6578 section 3.6), the token stays the one asked with:
	 * what was not reported is reported again, never lost */
	buf_printf(&sp->b, "<D:sync-token>urn:convene:sync:%s:%lld</D:sync-token>", cal->cal.id,
		   (long long)(sp->over ? since : cal->cal.version));
	return 0;
}

static int multiget(struct req *r, struct db *db, const xmlNode *root, const struct dav_res *cal,
		    const struct dav_proplist *want, struct dav_spool *sp)
{
	int n = 0, rc = 0;
	struct buf *b = &sp->b;
	for (const xmlNode *h = root->children; h && !rc && !sp->over; h = h->next) {
		if (!dav_xml_is(h, DAV_NS, "href"))
			continue;
		if (++n > MULTIGET_MAX)
			return dav_reply_error(r, 403, CONVENE_NS, "too-many-hrefs",
					       "at most %d hrefs in one "
					       "calendar-multiget",
					       MULTIGET_MAX),
			       E_INVALID;
		char *text = dav_xml_text(h);
		struct dav_path p;
		struct dav_res res = *cal;
		const char *home = cal->home_id ? cal->home_id : r->who.user_id;
		int found = text && !dav_path_from_href(r->arena, text, &p) && p.kind == DAV_OBJECT &&
			    !strcmp(p.user_id, home) &&
			    (!strcmp(p.calendar_id, cal->segment) || !strcmp(p.calendar_id, cal->cal.id)) &&
			    dav_name_valid(p.name);
		if (found) {
			res.kind = DAV_OBJECT;
			res.name = p.name;
			res.href = dav_href_object(r->arena, home, cal->segment, res.name);
			rc = cal->home_id ? dav_room_event(r, db, cal, res.name, &res.ev)
					  : event_fetch_href(db, r->arena, &cal->cal, res.name, &res.ev);
			found = !rc;
			rc = rc == E_NOTFOUND ? 0 : rc;
			res.uid = found ? res.ev.uid : NULL;
		}
		dav_spool_mark(sp);
		if (!rc && found) {
			res.exists = 1;
			rc = dav_spool_added(sp, dav_props_response(r, &res, want, b));
		} else if (!rc) {
			buf_puts(b, "<D:response><D:href>");
			dav_xml_escape(b, text ? text : "");
			rc = dav_spool_added(
				sp, buf_puts(b, "</D:href><D:status>HTTP/1.1 404 Not Found</D:status></D:response>"));
		}
		xmlFree(text);
		if (!rc && budget_spent())
			rc = E_TIMEOUT;
	}
	return rc;
}

int dav_report(struct req *r, struct db *db, const struct dav_path *p)
{
	xmlDocPtr doc = NULL;
	char why[256];
	struct dav_res cal;
	struct dav_proplist want = {.mode = DAV_PROPS_ALL};
	struct dav_spool sp = {.fd = -1};
	int rc;
	if (dav_xml_parse(r->body.data, r->body.len, &doc, why, sizeof why))
		return dav_bad_xml(r, why);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		rc = dav_bad_xml(r, "a REPORT needs a body naming the report");
		goto done;
	}
	if (dav_principals_is_report(root)) {
		rc = dav_principals_report(r, db, p, root);
		goto done;
	}
	int is_multiget = dav_xml_is(root, CALDAV_NS, "calendar-multiget"),
	    is_query = dav_xml_is(root, CALDAV_NS, "calendar-query"),
	    is_sync = dav_xml_is(root, DAV_NS, "sync-collection"),
	    is_freebusy = dav_xml_is(root, CALDAV_NS, "free-busy-query");
	if (!is_multiget && !is_query && !is_sync && !is_freebusy) {
		rc = dav_reply_error(r, 403, DAV_NS, "supported-report",
				     "the reports served are calendar-multiget, calendar-query, free-busy-query, "
				     "sync-collection, principal-property-search and principal-search-property-set");
		goto done;
	}
	if ((rc = store_begin(db, 0)))
		goto done;
	if ((rc = dav_resource_load(r, db, p, &cal)))
		goto out;
	if (is_sync && cal.kind == DAV_INBOX) { /* the schedule inbox (schedule.c) */
		rc = dav_schedule_sync(r, db, root);
		goto out;
	}
	if (cal.kind != DAV_CALENDAR) {
		rc = dav_reply_error(r, 403, DAV_NS, "supported-report", "calendar reports are made on a calendar");
		goto out;
	}
	if (is_sync && cal.home_id) {
		rc = dav_reply_error(r, 403, DAV_NS, "supported-report",
				     "a room's calendar has no sync-collection: compare the ETags of a PROPFIND");
		goto out;
	}
	if (is_freebusy) {
		rc = dav_freebusy_report(r, db, root, &cal);
		goto out;
	}
	xmlNode *prop = dav_xml_child(root, DAV_NS, "prop");
	if (prop)
		dav_props_from_xml(r->arena, prop, &want);
	if ((rc = dav_caldata_read(r, prop, cal.cal.time_zone, &cal.caldata)))
		goto out;
	dav_ms_begin(&sp.b);
	dav_spool_begin(&sp);
	if (is_multiget) {
		rc = multiget(r, db, root, &cal, &want, &sp);
	} else if (is_sync) {
		rc = sync_collection(r, db, root, &cal, &want, &sp);
	} else {
		struct query q = {r, &cal, &want, &sp, {INT64_MIN, INT64_MAX, NULL, 0, 0, NULL}};
		xmlNode *filter = dav_xml_child(root, CALDAV_NS, "filter");
		int none = 0;
		if (!filter)
			rc = (dav_reply_error(r, 403, CALDAV_NS, "valid-filter", "calendar-query needs a filter"),
			      E_INVALID);
		else
			rc = dav_query_filter_read(r, filter, &q.f, &none);
		if (!rc && !none && cal.home_id) /* a room's calendar: its bookings */
			rc = dav_room_events(r, db, &cal, q.f.from, q.f.to, query_row, &q);
		else if (!rc && !none)
			rc = store_event_window(db, cal.cal.account_id, cal.cal.id, q.f.from, q.f.to, query_row, &q);
		xmlFree(q.f.uid_match);
	}
	if (sp.over && rc == 1) /* a callback stopped the walk there */
		rc = 0;
	if (!rc) {
		store_rollback(db);
		int one = sp.over && cal.caldata && *cal.caldata->over_object;
		sp.over_error = one ? "C:max-instances" : NULL;
		rc = dav_spool_reply(r, &sp, cal.href,
				     one ? "the answer was cut short at an event with more occurrences in the "
					   "expand range than the calendar's max-instances: ask for a shorter "
					   "time range"
					 : "the answer was cut short at the server's limit (report_max_bytes of "
					   "XML, report_max_instances expanded occurrences): ask for a shorter "
					   "time range or fewer events");
		goto done;
	}
out:
	store_rollback(db);
done:
	dav_spool_free(&sp);
	xmlFreeDoc(doc);
	return rc;
}
