/* CalDAV's calendar-data options over stored text (RFC 4791 sections 9.6.5
 * and 9.6.6): a series expanded into one VEVENT per occurrence, in UTC with
 * its RECURRENCE-ID, or the series with only the overrides that touch a
 * window. Works on the text's VEVENT blocks, which the store keeps as the
 * master first, then the overrides by RECURRENCE-ID (ics_parse.c), so that
 * every property but the times is given back byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ical/ics_impl.h"
#include "core/buf.h"
#include "core/errors.h"

#define BLOCKS_MAX (ICS_MAX_OVERRIDES + 1)

struct block {
	const char *s;
	size_t n; /* from "BEGIN:VEVENT" to past "END:VEVENT\r\n" */
};

/* the VEVENT blocks of text, in order */
static int blocks(const char *text, struct block *v, int max, int *n)
{
	*n = 0;
	for (const char *p = strstr(text, "BEGIN:VEVENT\r\n"); p; p = strstr(p, "BEGIN:VEVENT\r\n")) {
		if (p != text && p[-1] != '\n') {
			p += 14;
			continue;
		}
		const char *e = strstr(p, "\r\nEND:VEVENT\r\n");
		if (!e || *n == max)
			return E_INVALID;
		v[(*n)++] = (struct block){p, (size_t)(e + 14 - p)};
		p = e + 14;
	}
	return *n ? 0 : E_INVALID;
}

static int is_time_prop(const char *s)
{
	static const char *const names[] = {"DTSTART", "DTEND",  "DURATION",      "RRULE", "RDATE",
					    "EXDATE",  "EXRULE", "RECURRENCE-ID", NULL};
	for (int i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);
		if (!strncmp(s, names[i], n) && (s[n] == ':' || s[n] == ';'))
			return 1;
	}
	return 0;
}

static void put_time(struct buf *b, const char *name, int64_t t, int all_day)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char v[32];
	gmtime_r(&tt, &tm);
	strftime(v, sizeof v, all_day ? "%Y%m%d" : "%Y%m%dT%H%M%SZ", &tm);
	buf_printf(b, "%s%s:%s\r\n", name, all_day ? ";VALUE=DATE" : "", v);
}

/* the block with its own times and rules replaced by [start, end) in UTC */
static int instance(struct buf *out, const struct block *bl, int64_t start, int64_t end, int64_t rid, int all_day)
{
	const char *s = bl->s, *stop = bl->s + bl->n;
	int depth = 0, skip = 0, rc = 0;
	while (!rc && s < stop) {
		const char *e = strstr(s, "\r\n");
		size_t n = e && e < stop ? (size_t)(e - s) + 2 : (size_t)(stop - s);
		if (*s != ' ' && *s != '\t') {
			if (!strncmp(s, "BEGIN:", 6))
				depth++;
			skip = depth == 1 && is_time_prop(s);
		}
		if (!skip)
			rc = buf_append(out, s, n);
		if (!strncmp(s, "BEGIN:VEVENT\r\n", 14)) {
			put_time(out, "DTSTART", start, all_day);
			put_time(out, "DTEND", end, all_day);
			if (rid)
				put_time(out, "RECURRENCE-ID", rid, all_day);
		}
		if (!strncmp(s, "END:", 4))
			depth--;
		s += n;
	}
	return rc;
}

struct inst {
	const struct ics_object *o;
	const struct block *v;
	int nv;
	int recurring;
	struct buf *out;
};

static int on_occurrence(void *p, const struct ics_occurrence *oc)
{
	struct inst *x = p;
	int k = 0; /* the block of the master or of this override */
	if (oc->ev != &x->o->master)
		for (size_t i = 0; i < x->o->noverrides; i++)
			if (oc->ev == &x->o->overrides[i])
				k = (int)i + 1;
	if (k >= x->nv)
		return E_INVALID;
	int64_t rid = x->recurring ? (oc->recurrence_id ? oc->recurrence_id : oc->start) : 0;
	return instance(x->out, &x->v[k], oc->start, oc->end, rid, oc->ev->all_day);
}

/* text's VEVENT blocks (*v, malloc'd, one per component) and its parse (*o),
 * which must agree: the master then each override. Both are set, perhaps
 * NULL, whatever the answer; the caller frees them */
static int open_text(const char *text, const char *default_tz, struct ics_object **o, struct block **v, int *nv)
{
	struct ics_error err;
	*o = NULL;
	*nv = 0;
	*v = malloc(sizeof **v * BLOCKS_MAX);
	int rc = *v ? blocks(text, *v, BLOCKS_MAX, nv) : E_NOMEM;
	if (!rc)
		rc = ics_parse_flags(text, strlen(text), default_tz, ICS_P_LIGHT, o, &err);
	if (!rc && (size_t)*nv != (*o)->noverrides + 1)
		rc = E_INVALID;
	return rc;
}

int ics_instances(const char *text, const char *default_tz, int64_t from, int64_t to, int max, struct buf *out,
		  int *truncated)
{
	struct ics_object *o;
	struct block *v;
	int nv;
	int rc = open_text(text, default_tz, &o, &v, &nv);
	if (!rc) {
		const struct ics_priv *pv = ICS_PRIV(o);
		struct inst x = {o, v, nv, o->master.rrule || pv->nrd || o->noverrides || o->master.recurrence_id, out};
		rc = ics_expand_obj(o, from, to, max, 1, on_occurrence, &x, truncated);
	}
	ics_object_free(o);
	free(v);
	return rc;
}

int ics_limit_overrides(const char *text, const char *default_tz, int64_t from, int64_t to, struct buf *out)
{
	struct ics_object *o;
	struct block *v;
	int nv;
	int rc = open_text(text, default_tz, &o, &v, &nv);
	if (!rc) /* the event's own VTIMEZONEs, then the master */
		rc = buf_append(out, text, ics_vtzs_prefix(text));
	if (!rc)
		rc = buf_append(out, v[0].s, v[0].n);
	for (size_t i = 0; !rc && o && i < o->noverrides; i++) {
		const struct ics_event *ov = &o->overrides[i];
		/* the override overlaps, or the occurrence it replaces did */
		int64_t len = o->master.end - o->master.start;
		if ((ov->start < to && (ov->end > from || (ov->end == ov->start && ov->start >= from))) ||
		    (ov->recurrence_id < to && ov->recurrence_id + len > from))
			rc = buf_append(out, v[i + 1].s, v[i + 1].n);
	}
	ics_object_free(o);
	free(v);
	return rc;
}
