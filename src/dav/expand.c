/* Expansion works on the variant the caller may read (dav/render.c): the
 * stored text, or its busy form, with SUMMARY dropped for free/busy
 * grantees; so expanding never shows more than reading the whole series. An
 * expansion gives at most ICS_MAX_INSTANCES occurrences of one event (the
 * max-instances the calendar advertises, props.c), and one answer at most
 * report_max_instances in all: past either the REPORT is cut short
 * (dav/spool.h) instead of holding series with occurrences silently left out. */
#include "dav/expand.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ical/ics.h"
#include "core/budget.h"
#include "core/config.h"
#include "core/errors.h"
#include "dav/render.h"
#include "dav/reply.h"
#include "dav/xml.h"

int dav_utc_read(const char *s, int64_t *out)
{
	struct tm tm = {0};
	char z = 0;
	if (!s || strlen(s) != 16 ||
	    sscanf(s, "%4d%2d%2dT%2d%2d%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &z) != 7 ||
	    z != 'Z' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return E_INVALID;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

#define SEL_MAX 32 /* props or comps named in one <C:comp> */

struct dav_comp_sel {
	char name[32];
	int all_props, all_comps;
	const char *props[SEL_MAX];
	int nprops;
	struct dav_comp_sel *comps[SEL_MAX];
	int ncomps;
};

static char *attr_name(struct arena *a, const xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"name");
	char *out = NULL;
	if (v && *v && strlen((const char *)v) < 32) {
		out = arena_strdup(a, (const char *)v);
		for (char *p = out; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
	}
	xmlFree(v);
	return out;
}

/* a <C:comp> element: NULL when malformed or too deep */
static struct dav_comp_sel *read_sel(struct arena *a, const xmlNode *n, int depth)
{
	char *name = attr_name(a, n);
	if (!name || depth > 3)
		return NULL;
	struct dav_comp_sel *s = arena_alloc(a, sizeof *s);
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (dav_xml_is(c, CALDAV_NS, "allprop")) {
			s->all_props = 1;
		} else if (dav_xml_is(c, CALDAV_NS, "allcomp")) {
			s->all_comps = 1;
		} else if (dav_xml_is(c, CALDAV_NS, "prop")) {
			char *p = attr_name(a, c);
			if (!p || s->nprops == SEL_MAX)
				return NULL;
			s->props[s->nprops++] = p;
		} else if (dav_xml_is(c, CALDAV_NS, "comp")) {
			struct dav_comp_sel *k = read_sel(a, c, depth + 1);
			if (!k || s->ncomps == SEL_MAX)
				return NULL;
			s->comps[s->ncomps++] = k;
		}
	}
	return s;
}

static const struct dav_comp_sel ALL_OF = {.all_props = 1, .all_comps = 1};

static const struct dav_comp_sel *child_sel(const struct dav_comp_sel *s, const char *name, size_t n)
{
	if (s->all_comps)
		return &ALL_OF;
	for (int i = 0; i < s->ncomps; i++)
		if (strlen(s->comps[i]->name) == n && !strncasecmp(s->comps[i]->name, name, n))
			return s->comps[i];
	return NULL;
}

static int prop_wanted(const struct dav_comp_sel *s, const char *line)
{
	if (s->all_props)
		return 1;
	size_t n = strcspn(line, ":;");
	for (int i = 0; i < s->nprops; i++)
		if (strlen(s->props[i]) == n && !strncasecmp(s->props[i], line, n))
			return 1;
	return 0;
}

/* text (a VCALENDAR) with only what sel names; folded lines go with theirs */
static int select_parts(struct buf *b, const char *text, const struct dav_comp_sel *root)
{
	const struct dav_comp_sel *stack[8];
	int depth = 0, excluded = 0, keep = 0, rc = 0; /* excluded: levels inside a component left out */
	for (const char *s = text; !rc && *s;) {
		const char *e = strstr(s, "\r\n");
		size_t n = e ? (size_t)(e - s) + 2 : strlen(s);
		if (*s != ' ' && *s != '\t') {
			if (!strncmp(s, "BEGIN:", 6)) {
				const char *name = s + 6;
				size_t nl = e ? (size_t)(e - name) : strlen(name);
				const struct dav_comp_sel *k = NULL;
				if (!excluded && depth < 8)
					k = !depth ? (strlen(root->name) == nl && !strncasecmp(root->name, name, nl)
							      ? root
							      : NULL)
						   : child_sel(stack[depth - 1], name, nl);
				if (k)
					stack[depth++] = k;
				else
					excluded++;
				keep = k != NULL;
			} else if (!strncmp(s, "END:", 4)) {
				keep = !excluded;
				if (excluded)
					excluded--;
				else if (depth)
					depth--;
			} else {
				keep = !excluded && depth && prop_wanted(stack[depth - 1], s);
			}
		}
		if (keep)
			rc = buf_append(b, s, n);
		s += n;
	}
	return rc;
}

static int range(const xmlNode *n, int64_t *from, int64_t *to)
{
	xmlChar *s = xmlGetProp(n, (const xmlChar *)"start"), *e = xmlGetProp(n, (const xmlChar *)"end");
	*from = INT64_MIN;
	*to = INT64_MAX;
	int bad = (!s && !e) || (s && dav_utc_read((const char *)s, from)) ||
		  (e && dav_utc_read((const char *)e, to)) || *from >= *to;
	xmlFree(s);
	xmlFree(e);
	return bad ? E_INVALID : 0;
}

int dav_caldata_read(struct req *r, const xmlNode *prop, const char *tz, const struct dav_caldata **out)
{
	*out = NULL;
	const xmlNode *cd = prop ? dav_xml_child(prop, CALDAV_NS, "calendar-data") : NULL;
	if (!cd)
		return 0;
	struct dav_caldata x = {.tz = tz};
	const xmlNode *ex = dav_xml_child(cd, CALDAV_NS, "expand"),
		      *lim = dav_xml_child(cd, CALDAV_NS, "limit-recurrence-set");
	if (ex && range(ex, &x.expand_from, &x.expand_to))
		return dav_reply_error(r, 400, CALDAV_NS, "valid-filter",
				       "expand has start and end in UTC (20261203T100000Z), start before end"),
		       E_INVALID;
	if (lim && range(lim, &x.limit_from, &x.limit_to))
		return dav_reply_error(
			       r, 400, CALDAV_NS, "valid-filter",
			       "limit-recurrence-set has start and end in UTC (20261203T100000Z), start before end"),
		       E_INVALID;
	x.expand = ex != NULL;
	x.limit = lim != NULL && !ex;
	const xmlNode *comp = dav_xml_child(cd, CALDAV_NS, "comp");
	if (comp && !(x.sel = read_sel(r->arena, comp, 0)))
		return dav_reply_error(r, 400, CALDAV_NS, "supported-calendar-data",
				       "a comp or prop of calendar-data has no name, or too many are named"),
		       E_INVALID;
	if (!x.expand && !x.limit && !x.sel)
		return 0;
	struct dav_caldata *p = arena_alloc(r->arena, sizeof *p);
	x.instances = arena_alloc(r->arena, sizeof *x.instances);
	*x.instances = 0;
	x.over_object = arena_alloc(r->arena, sizeof *x.over_object);
	*x.over_object = 0;
	x.max_instances = config_current()->report_max_instances;
	*p = x;
	*out = p;
	return 0;
}

static int zones(struct buf *b, const char *tzids)
{
	int rc = 0;
	for (const char *t = tzids ? tzids : ""; !rc && *t;) {
		size_t n = strcspn(t, " ");
		char tz[128];
		if (n && n < sizeof tz) {
			memcpy(tz, t, n);
			tz[n] = 0;
			rc = ics_vtimezone(b, tz);
		}
		t += n;
		while (*t == ' ')
			t++;
	}
	return rc;
}

static int render(struct buf *b, int role, const struct event_row *e, const struct dav_caldata *cd)
{
	if (!cd->expand && !cd->limit)
		return dav_render_object(b, role, e);
	enum dav_detail d = dav_render_detail(role, e);
	const char *text = d == DAV_DETAIL_FULL ? e->ical : e->ical_busy;
	struct buf body = {0};
	int truncated = 0, rc;
	int64_t left = cd->max_instances - *cd->instances;
	int max = left < ICS_MAX_INSTANCES ? (int)left : ICS_MAX_INSTANCES;
	if (budget_spent())
		return E_TIMEOUT;
	if (cd->expand && max <= 0)
		return E_TOOLARGE;
	rc = cd->expand ? ics_instances(text, cd->tz, cd->expand_from, cd->expand_to, max, &body, &truncated)
			: ics_limit_overrides(text, cd->tz, cd->limit_from, cd->limit_to, &body);
	if (!rc && cd->expand) {
		/* more than fit: the answer ends before this event rather than
		 * giving a series that silently lacks occurrences */
		if (truncated) {
			rc = E_TOOLARGE;
			*cd->over_object = max == ICS_MAX_INSTANCES; /* this event's own limit, not the answer's */
		}
		for (const char *v = body.data; !rc && v && (v = strstr(v, "BEGIN:VEVENT")); v += 12)
			++*cd->instances;
	}
	if (rc == E_INVALID) { /* not a text we can take apart: the whole object */
		buf_free(&body);
		return dav_render_object(b, role, e);
	}
	if (!rc)
		rc = ics_calendar_begin(b, NULL, NULL);
	if (!rc && !cd->expand) /* expanded times are in UTC */
		rc = zones(b, e->tzids);
	if (!rc && body.len)
		rc = d == DAV_DETAIL_NO_SUMMARY ? dav_render_without_summary(b, body.data)
						: buf_append(b, body.data, body.len);
	if (!rc)
		rc = ics_calendar_end(b);
	buf_free(&body);
	return rc;
}

int dav_caldata_render(struct buf *b, int role, const struct event_row *e, const struct dav_caldata *cd)
{
	if (!cd->sel)
		return render(b, role, e, cd);
	struct buf all = {0};
	int rc = render(&all, role, e, cd);
	if (!rc && all.data)
		rc = select_parts(b, all.data, cd->sel);
	buf_free(&all);
	return rc;
}
