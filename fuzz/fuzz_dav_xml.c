/* libFuzzer target: a WebDAV request body as PROPFIND and REPORT read it —
 * dav_xml_parse's limits, the propfind element, DAV:prop names,
 * calendar-data options (expand, limit-recurrence-set, comp/prop), hrefs
 * (multiget), prop-filters and time-range values, a calendar-query's whole
 * <C:filter> as REPORT reads it (dav_query_filter_read) — and the options
 * applied to a stored recurring event (dav_caldata_render, dav_filter_match,
 * the filter's time-range through ics_expand as report.c matches it). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/access.h"
#include "ical/ics.h"
#include "core/arena.h"
#include "core/buf.h"
#include "dav/expand.h"
#include "dav/filters.h"
#include "dav/methods.h"
#include "dav/path.h"
#include "dav/principals.h"
#include "dav/props.h"
#include "dav/query.h"
#include "dav/xml.h"
#include "http/response.h"

/* a series with an override, an EXDATE, an RDATE, attendees and a client zone */
static const char EVENT[] =
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\n"
	"BEGIN:VTIMEZONE\r\nTZID:Fuzz Time\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
	"BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
	"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
	"BEGIN:VEVENT\r\nUID:fuzz-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Fuzz Time:20260105T100000\r\n"
	"DTEND;TZID=Fuzz Time:20260105T110000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n"
	"EXDATE;TZID=Fuzz Time:20260107T100000\r\nRDATE;TZID=Fuzz Time:20260110T090000\r\n"
	"SUMMARY:Weekly\r\nLOCATION:Room 1\r\nCLASS:PRIVATE\r\nORGANIZER;CN=Ann:mailto:ann@example.com\r\n"
	"ATTENDEE;PARTSTAT=ACCEPTED;CN=Bob:mailto:bob@example.com\r\nCATEGORIES:a,b\r\nEND:VEVENT\r\n"
	"BEGIN:VEVENT\r\nUID:fuzz-1\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Fuzz Time:20260112T100000\r\n"
	"DTSTART;TZID=Fuzz Time:20260112T150000\r\nDTEND;TZID=Fuzz Time:20260112T160000\r\n"
	"SUMMARY:Moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

static struct ics_object *obj;
static struct event_row row;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ics_error err;
	if (ics_init() || ics_parse_object(EVENT, sizeof EVENT - 1, "Europe/Paris", &obj, &err))
		abort();
	row = (struct event_row){.account_id = "a",
				 .id = "e",
				 .calendar_id = "c",
				 .uid = obj->master.uid,
				 .ical = obj->text,
				 .ical_busy = obj->busy_text,
				 .tzids = "",
				 .summary = obj->master.summary,
				 .location = obj->master.location,
				 .start_at = obj->master.start,
				 .end_at = obj->master.end,
				 .tzid = obj->master.tzid,
				 .rrule = obj->master.rrule,
				 .range_end = obj->master.range_end,
				 .range_start = obj->master.range_start,
				 .status = "CONFIRMED",
				 .transp = "OPAQUE",
				 .klass = "PRIVATE",
				 .organizer = "ann@example.com",
				 .etag = "\"1\"",
				 .href = "fuzz-1.ics"};
	return 0;
}

static void walk(struct req *r, xmlNode *n, struct dav_filters *fs, int depth)
{
	for (n = dav_xml_elem(n); n; n = dav_xml_elem(n->next)) {
		if (dav_xml_is(n, CALDAV_NS, "prop-filter"))
			dav_filter_read(n, fs);
		if (dav_xml_is(n, DAV_NS, "href")) {
			char *href = dav_xml_text(n);
			struct dav_path p;
			if (href)
				dav_path_from_href(r->arena, href, &p);
			xmlFree(href);
		}
		if (dav_xml_is(n, CALDAV_NS, "time-range")) {
			int64_t t;
			xmlChar *s = xmlGetProp(n, (const xmlChar *)"start"),
				*e = xmlGetProp(n, (const xmlChar *)"end");
			if (s)
				dav_utc_read((const char *)s, &t);
			if (e)
				dav_utc_read((const char *)e, &t);
			xmlFree(s);
			xmlFree(e);
		}
		if (depth < 64)
			walk(r, n->children, fs, depth + 1);
	}
}

static int one(void *ctx, const struct ics_occurrence *o)
{
	(void)ctx, (void)o;
	return 1; /* report.c's match: one occurrence in the range is enough */
}

/* what the server does with a response once sent */
static void done(struct req *r)
{
	if (r->resp.body_malloced)
		free(r->resp.body);
	resp_release(r);
}

static void request(struct arena *a, struct req *r, const uint8_t *data, size_t size)
{
	memset(r, 0, sizeof *r);
	r->arena = a;
	r->method = "REPORT";
	r->path = "/dav/calendars/u/c/";
	r->body.data = (char *)data;
	r->body.len = size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct req r;
	/* PROPFIND */
	request(a, &r, data, size);
	struct dav_proplist want = {0};
	dav_propfind_body(&r, &want);
	done(&r);
	/* REPORT */
	request(a, &r, data, size);
	xmlDocPtr doc = NULL;
	char why[256];
	if (dav_xml_parse((const char *)data, size, &doc, why, sizeof why) || !doc)
		goto out;
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root)
		goto out;
	dav_principals_is_report(root);
	xmlNode *prop = dav_xml_child(root, DAV_NS, "prop");
	struct dav_proplist rw = {0};
	if (prop)
		dav_props_from_xml(a, prop, &rw);
	const struct dav_caldata *cd = NULL;
	if (!dav_caldata_read(&r, prop, "Europe/Paris", &cd) && cd) {
		for (int role = CAL_ROLE_FREEBUSY; role <= CAL_ROLE_OWNER; role++) {
			struct buf b = {0};
			dav_caldata_render(&b, role, &row, cd);
			buf_free(&b);
		}
	}
	struct dav_filters fs = {0};
	walk(&r, root, &fs, 0);
	for (int role = CAL_ROLE_FREEBUSY; role <= CAL_ROLE_OWNER; role++)
		dav_filter_match(&fs, role, &row);
	const xmlNode *filter = dav_xml_child(root, CALDAV_NS, "filter");
	if (filter) { /* a new request: the filter may answer an error of its own */
		done(&r);
		request(a, &r, data, size);
		struct dav_query_filter q = {INT64_MIN, INT64_MAX, NULL, 0, 0, NULL};
		int none = 0, truncated = 0;
		if (!dav_query_filter_read(&r, filter, &q, &none) && !none) {
			for (int role = CAL_ROLE_FREEBUSY; q.pf && role <= CAL_ROLE_OWNER; role++)
				dav_filter_match(q.pf, role, &row);
			ics_expand(row.ical, "Europe/Paris", q.from, q.to, 1, one, NULL, &truncated);
		}
		xmlFree(q.uid_match);
	}
out:
	done(&r);
	xmlFreeDoc(doc);
	arena_free(a);
	return 0;
}
