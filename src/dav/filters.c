/* Matching reads the VEVENT blocks of the text line by line (unfolded),
 * without a parse: a property's value is what follows the first ':' outside
 * quotes, its parameters what comes before. */
#include "dav/filters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/errors.h"
#include "dav/render.h"
#include "dav/xml.h"

static int read_text_match(const xmlNode *tm, struct dav_text_match *out)
{
	xmlChar *coll = xmlGetProp(tm, (const xmlChar *)"collation"),
		*neg = xmlGetProp(tm, (const xmlChar *)"negate-condition");
	int ok = !coll || !strcmp((const char *)coll, "i;ascii-casemap") || !strcmp((const char *)coll, "i;octet");
	out->octet = coll && !strcmp((const char *)coll, "i;octet");
	out->negate = neg && !strcmp((const char *)neg, "yes");
	xmlFree(coll);
	xmlFree(neg);
	char *t = dav_xml_text(tm);
	if (!t || strlen(t) >= sizeof out->text)
		ok = 0;
	else
		snprintf(out->text, sizeof out->text, "%s", t);
	xmlFree(t);
	return ok ? 0 : E_INVALID;
}

static int read_name(const xmlNode *n, char *out, size_t len)
{
	xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
	int ok = name && *name && strlen((const char *)name) < len;
	for (const xmlChar *p = name; ok && *p; p++)
		ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
	if (ok) {
		size_t i = 0;
		for (; name[i]; i++)
			out[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		out[i] = 0;
	}
	xmlFree(name);
	return ok ? 0 : E_INVALID;
}

int dav_filter_read(const xmlNode *f, struct dav_filters *out)
{
	if (out->n == DAV_FILTERS_MAX)
		return E_INVALID;
	struct dav_pfilter x;
	memset(&x, 0, sizeof x);
	if (read_name(f, x.name, sizeof x.name))
		return E_INVALID;
	int elems = 0;
	for (const xmlNode *c = f->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		elems++;
		if (dav_xml_is(c, CALDAV_NS, "is-not-defined") && elems == 1) {
			x.not_defined = 1;
		} else if (dav_xml_is(c, CALDAV_NS, "text-match") && !x.has_text && !x.not_defined) {
			if (read_text_match(c, &x.tm))
				return E_INVALID;
			x.has_text = 1;
		} else if (dav_xml_is(c, CALDAV_NS, "param-filter") && !*x.param && !x.not_defined) {
			if (read_name(c, x.param, sizeof x.param))
				return E_INVALID;
			int k = 0;
			for (const xmlNode *p = c->children; p; p = p->next) {
				if (p->type != XML_ELEMENT_NODE)
					continue;
				if (k++)
					return E_INVALID;
				if (dav_xml_is(p, CALDAV_NS, "is-not-defined"))
					x.param_not_defined = 1;
				else if (dav_xml_is(p, CALDAV_NS, "text-match") && !read_text_match(p, &x.ptm))
					x.param_has_text = 1;
				else
					return E_INVALID;
			}
		} else {
			return E_INVALID;
		}
	}
	out->v[out->n++] = x;
	return 0;
}

static int text_ok(const struct dav_text_match *tm, const char *s, size_t n)
{
	char *v = strndup(s, n);
	if (!v)
		return 0;
	int found = tm->octet ? strstr(v, tm->text) != NULL : strcasestr(v, tm->text) != NULL;
	free(v);
	return found != tm->negate;
}

/* the parameter's value in "NAME;A=1;B="x":value" (params: after NAME, up to
 * the value's ':'), or NULL */
static const char *param_of(const char *params, size_t n, const char *name, size_t *len)
{
	size_t k = strlen(name);
	int quoted = 0;
	for (size_t i = 0; i < n; i++) {
		if (params[i] == '"')
			quoted = !quoted;
		if (quoted || params[i] != ';' || i + k + 1 >= n || strncasecmp(params + i + 1, name, k) ||
		    params[i + 1 + k] != '=')
			continue;
		const char *v = params + i + k + 2, *e = v;
		int q = 0;
		while (e < params + n && (q || (*e != ';' && *e != ':'))) {
			if (*e == '"')
				q = !q;
			e++;
		}
		if (*v == '"' && e > v + 1 && e[-1] == '"')
			v++, e--;
		*len = (size_t)(e - v);
		return v;
	}
	return NULL;
}

/* does the one property line (unfolded) pass f */
static int line_ok(const struct dav_pfilter *f, const char *s)
{
	size_t nl = strlen(f->name), len = strlen(s);
	const char *colon = s + nl;
	for (int q = 0; *colon && (q || *colon != ':'); colon++)
		if (*colon == '"')
			q = !q;
	if (!*colon)
		return 0;
	if (f->has_text && !text_ok(&f->tm, colon + 1, len - (size_t)(colon + 1 - s)))
		return 0;
	if (*f->param) {
		size_t pl = 0;
		const char *pv = param_of(s + nl, (size_t)(colon - s - nl) + 1, f->param, &pl);
		if (f->param_not_defined)
			return !pv;
		if (!pv)
			return 0;
		if (f->param_has_text && !text_ok(&f->ptm, pv, pl))
			return 0;
	}
	return 1;
}

/* unfolded lines of one VEVENT block (depth 1 properties only) to each filter */
static int block_ok(const struct dav_filters *fs, const char *s, const char *end, int no_summary)
{
	int hit[DAV_FILTERS_MAX] = {0}, seen[DAV_FILTERS_MAX] = {0}, depth = 0;
	struct buf line = {0};
	while (s < end) {
		line.len = 0;
		int first = 1;
		do { /* one logical line: a continuation's leading space is not text */
			const char *e = strstr(s, "\r\n");
			size_t n = e && e < end ? (size_t)(e - s) : (size_t)(end - s), skip = first ? 0 : 1;
			if (n >= skip && buf_append(&line, s + skip, n - skip))
				break;
			s += n + (e && e < end ? 2 : 0);
			first = 0;
		} while (s < end && (*s == ' ' || *s == '\t'));
		if (!line.data && buf_append(&line, "", 0))
			break;
		const char *l = line.data;
		if (!strncmp(l, "BEGIN:", 6)) {
			depth++;
			continue;
		}
		if (!strncmp(l, "END:", 4)) {
			depth--;
			continue;
		}
		if (depth != 1)
			continue;
		for (int i = 0; i < fs->n; i++) {
			size_t nl = strlen(fs->v[i].name);
			if (strncasecmp(l, fs->v[i].name, nl) || (l[nl] != ':' && l[nl] != ';'))
				continue;
			if (no_summary && !strcmp(fs->v[i].name, "SUMMARY"))
				continue;
			seen[i] = 1;
			if (line_ok(&fs->v[i], l))
				hit[i] = 1;
		}
	}
	buf_free(&line);
	for (int i = 0; i < fs->n; i++) {
		const struct dav_pfilter *f = &fs->v[i];
		if (f->not_defined ? seen[i] : !(f->has_text || *f->param ? hit[i] : seen[i]))
			return 0;
	}
	return 1;
}

int dav_filter_match(const struct dav_filters *fs, int role, const struct event_row *e)
{
	if (!fs->n)
		return 1;
	enum dav_detail d = dav_render_detail(role, e);
	const char *text = d == DAV_DETAIL_FULL ? e->ical : e->ical_busy;
	for (const char *p = strstr(text, "BEGIN:VEVENT\r\n"); p; p = strstr(p, "BEGIN:VEVENT\r\n")) {
		const char *end = strstr(p, "\r\nEND:VEVENT\r\n");
		if (!end)
			break;
		end += 14;
		if (block_ok(fs, p, end, d == DAV_DETAIL_NO_SUMMARY))
			return 1;
		p = end;
	}
	return 0;
}
