/* Parsing and checking one calendar object or an import file. We unfold the
 * caller's text ourselves, keeping each logical line's first physical line,
 * and check structure and date values on those lines (libical reads
 * "2026-13-01" as a date); then libical parses, and its X-LIC-ERRORs are
 * mapped back to a line by the text they quote. The normalised text is what
 * libical writes for each VEVENT (CRLF, folded at 75 octets). */
#include "ical/ics_impl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/errors.h"
#include "core/i18n.h"

/* E_INVALID, with the limit named for CalDAV's precondition element */
static int limit_err(struct ics_error *err, int limit)
{
	if (err)
		err->limit = limit;
	return E_INVALID;
}

/* one language's message: the format and, for a bare "%s", the text it
 * carries are looked up in the catalogue (core/messages.def) */
static void err_in(char *out, size_t n, enum lang l, int line, const char *prop, const char *fmt, va_list ap)
{
	char what[200];
	if (!strcmp(fmt, "%s")) {
		const char *s = va_arg(ap, const char *);
		snprintf(what, sizeof what, "%s", i18n_text(l, s ? s : ""));
	} else {
		vsnprintf(what, sizeof what, i18n_text(l, fmt), ap); /* same conversions as fmt */
	}
	if (line > 0 && prop && *prop)
		snprintf(out, n, i18n_text(l, "line %d: %s: %s"), line, prop, what);
	else if (line > 0)
		snprintf(out, n, i18n_text(l, "line %d: %s"), line, what);
	else if (prop && *prop)
		snprintf(out, n, "%s: %s", prop, what);
	else
		snprintf(out, n, "%s", what);
}

_Static_assert(sizeof((struct ics_error *)0)->text / sizeof((struct ics_error *)0)->text[0] == LANG_COUNT,
	       "one message per language");

void ics_err(struct ics_error *err, int line, const char *prop, const char *fmt, ...)
{
	if (!err)
		return;
	err->line = line;
	snprintf(err->property, sizeof err->property, "%s", prop ? prop : "");
	for (int l = 0; l < LANG_COUNT; l++) {
		va_list ap;
		va_start(ap, fmt);
		err_in(err->text[l], sizeof err->text[l], (enum lang)l, line, prop, fmt, ap);
		va_end(ap);
	}
	snprintf(err->message, sizeof err->message, "%s", err->text[LANG_EN]);
}

const char *ics_error_text(const struct ics_error *err, int lang)
{
	return lang > 0 && lang < LANG_COUNT && err->text[lang][0] ? err->text[lang] : err->message;
}

int ics_unfold(const char *text, size_t len, struct ics_lines *L, struct ics_error *err)
{
	size_t nphys = 1;
	for (size_t i = 0; i < len; i++)
		nphys += text[i] == '\n';
	L->buf = malloc(len + nphys + 1);
	L->v = malloc(sizeof *L->v * nphys);
	L->n = 0;
	if (!L->buf || !L->v)
		return E_NOMEM;
	size_t w = 0;
	int line = 0, open = 0;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		size_t e = j > i && text[j - 1] == '\r' ? j - 1 : j;
		line++;
		if (memchr(text + i, 0, e - i))
			return ics_err(err, line, NULL, "the text holds a NUL byte"), E_INVALID;
		if (e > i && (text[i] == ' ' || text[i] == '\t') && open) {
			memcpy(L->buf + w, text + i + 1, e - i - 1);
			w += e - i - 1;
			L->v[L->n - 1].end = j < len ? j + 1 : len;
		} else if (e > i) {
			if (open)
				L->buf[w++] = 0;
			L->v[L->n].off = w;
			L->v[L->n].line = line;
			L->v[L->n].end = j < len ? j + 1 : len;
			L->n++;
			memcpy(L->buf + w, text + i, e - i);
			w += e - i;
			open = 1;
		}
		i = j + 1;
	}
	L->buf[w] = 0;
	for (size_t k = 0; k < L->n; k++)
		L->v[k].s = L->buf + L->v[k].off;
	return 0;
}

/* ---- line helpers ---- */

size_t ics_name_len(const char *s)
{
	size_t n = 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '-')
		n++;
	return n;
}

int ics_name_is(const char *s, const char *name)
{
	size_t n = strlen(name);
	return !strncasecmp(s, name, n) && (s[n] == ':' || s[n] == ';');
}

/* the value after the first ':' outside a quoted parameter value */
const char *ics_value_of(const char *s)
{
	int q = 0;
	for (; *s; s++) {
		if (*s == '"')
			q = !q;
		else if (*s == ':' && !q)
			return s + 1;
	}
	return NULL;
}

static int is_begin(const char *s, const char *kind)
{
	return !strncasecmp(s, "BEGIN:", 6) && !strcasecmp(s + 6, kind);
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int valid_date_time(const char *s, size_t n)
{
	if (n != 8 && n != 15 && n != 16)
		return 0;
	if (!digits(s, 8) || (n > 8 && (s[8] != 'T' || !digits(s + 9, 6))) || (n == 16 && s[15] != 'Z'))
		return 0;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[4] - '0') * 10 + (s[5] - '0'), d = (s[6] - '0') * 10 + (s[7] - '0');
	if (m < 1 || m > 12 || d < 1 || d > icaltime_days_in_month(m, y))
		return 0;
	if (n > 8) {
		int h = (s[9] - '0') * 10 + (s[10] - '0'), mi = (s[11] - '0') * 10 + (s[12] - '0');
		int sec = (s[13] - '0') * 10 + (s[14] - '0');
		if (h > 23 || mi > 59 || sec > 60)
			return 0;
	}
	return 1;
}

/* DTSTART, DTEND, RECURRENCE-ID, EXDATE, RDATE (and stamps): every item must be a real date */
static int check_dates(const struct ics_lline *l, struct ics_error *err)
{
	static const char *const props[] = {"DTSTART", "DTEND",   "RECURRENCE-ID", "EXDATE", "RDATE",
					    "DTSTAMP", "CREATED", "LAST-MODIFIED", NULL};
	const char *prop = NULL;
	for (int i = 0; props[i]; i++)
		if (ics_name_is(l->s, props[i]))
			prop = props[i];
	if (!prop)
		return 0;
	const char *v = ics_value_of(l->s);
	int rdate = !strcmp(prop, "RDATE");
	while (v) {
		const char *comma = strchr(v, ',');
		size_t n = comma ? (size_t)(comma - v) : strlen(v);
		const char *slash = rdate ? memchr(v, '/', n) : NULL;
		size_t a = slash ? (size_t)(slash - v) : n;
		int ok = valid_date_time(v, a);
		if (ok && slash) {
			const char *r = slash + 1;
			size_t rn = n - a - 1;
			ok = rn > 0 && (valid_date_time(r, rn) || r[0] == 'P' || ((r[0] == '+') && r[1] == 'P'));
		}
		if (!ok)
			return ics_err(err, l->line, prop, "invalid date-time '%.*s'", (int)(n > 60 ? 60 : n), v),
			       E_INVALID;
		v = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* ---- structure ---- */

/* RFC 5545 §3.6.1: these VEVENT properties MUST NOT occur more than once
 * (RRULE SHOULD NOT: refused too, a second rule would be silently dropped),
 * and DTEND and DURATION MUST NOT both occur. libical keeps the first or the
 * last of a pair without a word, so the stored event would not be the text. */
static const char *const once_props[] = {
	"DTSTAMP",       "UID",      "DTSTART",       "CLASS",    "CREATED",  "DESCRIPTION", "GEO",
	"LAST-MODIFIED", "LOCATION", "ORGANIZER",     "PRIORITY", "SEQUENCE", "STATUS",      "SUMMARY",
	"TRANSP",        "URL",      "RECURRENCE-ID", "RRULE",    "DTEND",    "DURATION",
};
#define ONCE_N (sizeof once_props / sizeof once_props[0])

/* seen: one bit per once_props entry of the current VEVENT */
static int check_once(const struct ics_lline *l, uint32_t *seen, struct ics_error *err)
{
	for (size_t k = 0; k < ONCE_N; k++) {
		if (!ics_name_is(l->s, once_props[k]))
			continue;
		if (*seen & (1u << k))
			return ics_err(err, l->line, once_props[k], "occurs more than once in a VEVENT"), E_INVALID;
		*seen |= 1u << k;
		const uint32_t both = 1u << (ONCE_N - 1) | 1u << (ONCE_N - 2);
		if ((*seen & both) == both)
			return ics_err(err, l->line, once_props[k], "DURATION and DTEND together"), E_INVALID;
		return 0;
	}
	return 0;
}

struct vev {
	size_t b, e; /* BEGIN:VEVENT and END:VEVENT line indices */
};

/* lines hold exactly one VCALENDAR with VEVENTs and VTIMEZONEs; records the VEVENTs */
static int scan_object(const struct ics_lline *v, size_t n, struct vev **out, size_t *nout, struct ics_error *err)
{
	struct {
		const char *kind;
		size_t at;
	} st[16];
	int depth = 0, cals = 0;
	uint32_t seen = 0; /* check_once() of the VEVENT being read */
	size_t cap = 8;
	struct vev *ev = malloc(sizeof *ev * cap);
	*out = ev;
	*nout = 0;
	if (!ev)
		return E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *s = v[i].s;
		size_t nl = ics_name_len(s);
		if (!nl || (s[nl] != ':' && s[nl] != ';') || !ics_value_of(s))
			return ics_err(err, v[i].line, NULL, "not an iCalendar content line ('%.40s')", s), E_INVALID;
		if (!strncasecmp(s, "BEGIN:", 6)) {
			const char *k = s + 6;
			if (depth == 0 && (strcasecmp(k, "VCALENDAR") || cals++))
				return ics_err(err, v[i].line, NULL, "expected one BEGIN:VCALENDAR, found BEGIN:%.40s",
					       k),
				       E_INVALID;
			if (depth == 1 && (!strcasecmp(k, "VTODO") || !strcasecmp(k, "VJOURNAL")))
				return ics_err(err, v[i].line, NULL, "a %.20s is not an event", k), E_INVALID;
			if (depth == 1 && strcasecmp(k, "VEVENT") && strcasecmp(k, "VTIMEZONE"))
				return ics_err(err, v[i].line, NULL, "BEGIN:%.40s is not allowed in a calendar object",
					       k),
				       E_INVALID;
			if (depth == (int)(sizeof st / sizeof st[0]))
				return ics_err(err, v[i].line, NULL, "components nested too deep"), E_INVALID;
			st[depth].kind = k;
			st[depth++].at = i;
			if (depth == 2 && !strcasecmp(k, "VEVENT")) {
				if (*nout == cap) {
					struct vev *g = realloc(ev, sizeof *ev * (cap *= 2));
					if (!g)
						return E_NOMEM;
					*out = ev = g;
				}
				ev[*nout].b = i;
				seen = 0;
			}
		} else if (!strncasecmp(s, "END:", 4)) {
			if (!depth)
				return ics_err(err, v[i].line, NULL, "%.40s without its BEGIN", s), E_INVALID;
			if (strcasecmp(s + 4, st[depth - 1].kind))
				return ics_err(err, v[st[depth - 1].at].line, NULL, "BEGIN:%.40s has no END:%.40s",
					       st[depth - 1].kind, st[depth - 1].kind),
				       E_INVALID;
			depth--;
			if (depth == 1 && !strcasecmp(s + 4, "VEVENT"))
				ev[(*nout)++].e = i;
		} else if (!depth) {
			return ics_err(err, v[i].line, NULL, "text outside BEGIN:VCALENDAR ... END:VCALENDAR"),
			       E_INVALID;
		} else if (depth == 2 && !strcasecmp(st[1].kind, "VEVENT") &&
			   (check_dates(&v[i], err) || check_once(&v[i], &seen, err))) {
			return E_INVALID;
		}
	}
	if (depth)
		return ics_err(err, v[st[depth - 1].at].line, NULL, "BEGIN:%.40s has no END:%.40s", st[depth - 1].kind,
			       st[depth - 1].kind),
		       E_INVALID;
	if (!*nout)
		return ics_err(err, 0, NULL, "no VEVENT in the text"), E_INVALID;
	return 0;
}

/* ---- libical ---- */

struct pctx {
	const struct ics_lline *v;
	size_t n;
	struct vev *ev;
	unsigned flags;
	icalcomponent *root;
	icaltimezone *defz;
	const char *default_tz;
	struct ics_error *err;
	char **tzids;
	size_t ntzids;
	struct ics_priv *pv; /* the object: its own zones go there */
	const void *zone;    /* the own zone prop_time last read, or NULL */
};

static int line_no(const struct pctx *x, size_t idx)
{
	return x->flags & ICS_P_NOLINES ? 0 : x->v[idx].line;
}

/* the line of a VEVENT's own property (not one of its VALARM), or its BEGIN */
static int prop_line(const struct pctx *x, size_t k, const char *name, size_t nth)
{
	int depth = 0;
	for (size_t i = x->ev[k].b + 1; i < x->ev[k].e; i++) {
		const char *s = x->v[i].s;
		if (!strncasecmp(s, "BEGIN:", 6))
			depth++;
		else if (!strncasecmp(s, "END:", 4))
			depth--;
		else if (!depth && ics_name_is(s, name) && !nth--)
			return line_no(x, i);
	}
	return line_no(x, x->ev[k].b);
}

static icalproperty *first_error(icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	for (icalcomponent *s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); !p && s;
	     s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		p = first_error(s);
	return p;
}

/* X-LIC-ERROR quotes what it could not read after its last ": " */
static int lic_error(struct pctx *x)
{
	icalproperty *p = first_error(x->root);
	const char *msg = p ? icalproperty_get_xlicerror(p) : NULL;
	if (!msg)
		return ics_err(x->err, 0, NULL, "the text cannot be read as iCalendar"), E_INVALID;
	const char *frag = NULL;
	for (const char *q = strstr(msg, ": "); q; q = strstr(q + 1, ": "))
		frag = q + 2;
	for (size_t i = 0; frag && *frag && i < x->n; i++) {
		if (!strstr(x->v[i].s, frag))
			continue;
		char name[64];
		size_t nl = ics_name_len(x->v[i].s);
		snprintf(name, sizeof name, "%.*s", (int)(nl < 63 ? nl : 63), x->v[i].s);
		for (char *c = name; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		const char *val = ics_value_of(x->v[i].s);
		return ics_err(x->err, line_no(x, i), name, "invalid value '%.80s'", val ? val : ""), E_INVALID;
	}
	return ics_err(x->err, 0, NULL, "the text cannot be read as iCalendar: %.150s", msg), E_INVALID;
}

static int add_tzid(struct pctx *x, const char *name)
{
	for (size_t i = 0; i < x->ntzids; i++)
		if (!strcmp(x->tzids[i], name))
			return 0;
	char **t = realloc(x->tzids, sizeof *t * (x->ntzids + 1));
	if (!t)
		return E_NOMEM;
	x->tzids = t;
	if (!(t[x->ntzids] = strdup(name)))
		return E_NOMEM;
	x->ntzids++;
	return 0;
}

/* the line of the VTIMEZONE defining tzid */
static int vtz_line(const struct pctx *x, const char *tzid)
{
	for (size_t i = 0; i < x->n; i++) {
		if (!is_begin(x->v[i].s, "VTIMEZONE"))
			continue;
		for (size_t j = i + 1; j < x->n && strncasecmp(x->v[j].s, "END:VTIMEZONE", 13); j++)
			if (ics_name_is(x->v[j].s, "TZID") && !strcmp(ics_value_of(x->v[j].s), tzid))
				return line_no(x, i);
	}
	return 0;
}

/* a time of property p in UTC seconds. Zones: a system zone by any of its
 * names (TZIDs are rewritten to the IANA name), else the text's VTIMEZONE
 * (kept, with the TZID as sent: the zone expands the series by its own
 * rules), floating in the default zone. *zone_name: the IANA name or the
 * text's TZID, NULL for UTC (Z or TZID=UTC) and dates. (rewrite is no longer
 * used: no time is rewritten to UTC.) */
static int prop_time(struct pctx *x, size_t k, icalproperty *p, const char *pname, struct icaltimetype t, int rewrite,
		     int64_t *out, const char **zone_name, int *floating)
{
	icalparameter *tp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	icaltimezone *z = NULL, *utc = icaltimezone_get_utc_timezone();
	const char *zn = NULL;
	if (floating)
		*floating = 0;
	if (t.is_date) {
		*out = ics_days_from_civil(t.year, t.month, t.day) * 86400;
		if (zone_name)
			*zone_name = NULL;
		return 0;
	}
	if (icaltime_is_utc(t)) {
		z = NULL;
	} else if (tp && icalparameter_get_tzid(tp)) {
		const char *name = icalparameter_get_tzid(tp);
		if ((z = ics_zone(name))) {
			zn = ics_zone_id(name);
			if (strcmp(name, zn))
				icalparameter_set_tzid(tp, zn);
			int rc = add_tzid(x, zn);
			if (rc)
				return rc;
			if (z == utc)
				zn = NULL; /* a zone of UTC reads as UTC times */
		} else {
			/* the text's own VTIMEZONE, bounded and kept with the event (ics_zones.h) */
			char why[200];
			int rc = ics_vtzs_get(&x->pv->vtz, x->root, name, &z, why, sizeof why);
			if (rc < 0)
				return rc == E_INVALID ? (ics_err(x->err, vtz_line(x, name), "VTIMEZONE", "%s",
								  strchr(why, ' ') + 1),
							  E_INVALID)
						       : rc;
			if (!rc)
				return ics_err(x->err, prop_line(x, k, pname, 0), pname,
					       "unknown time zone '%.60s': not an IANA or Windows name, and no VTIMEZONE "
					       "defines it",
					       name),
				       E_INVALID;
			*out = ics_zone_local(z, t.year, t.month, t.day, t.hour, t.minute, t.second);
			if (zone_name)
				*zone_name = name;
			x->zone = z;
			return 0;
		}
	} else {
		z = x->defz;
		zn = z && z != utc ? ics_zone_id(x->default_tz) : NULL;
		if (floating)
			*floating = 1;
	}
	*out = ics_zone_local(z, t.year, t.month, t.day, t.hour, t.minute, t.second);
	if (zone_name)
		*zone_name = zn;
	return 0;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *lower_mailto(const char *v)
{
	if (!v)
		return NULL;
	if (!strncasecmp(v, "mailto:", 7))
		v += 7;
	char *s = strdup(v);
	for (char *c = s; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return s;
}

static char *param_or(icalproperty *p, const char *name, const char *dflt)
{
	char *s = icalproperty_get_parameter_as_string_r(p, name);
	return s ? s : xstrdup(dflt);
}

static int push_str(char ***arr, size_t *n, char *s)
{
	char **t = realloc(*arr, sizeof *t * (*n + 1));
	if (!t || !s) {
		free(s);
		if (t)
			*arr = t;
		return E_NOMEM;
	}
	*arr = t;
	t[(*n)++] = s;
	return 0;
}

static int push_time(int64_t **a, size_t *n, int64_t v)
{
	int64_t *t = realloc(*a, sizeof *t * (*n + 1));
	if (!t)
		return E_NOMEM;
	*a = t;
	t[(*n)++] = v;
	return 0;
}

static int64_t stamp(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(c, kind);
	if (!p)
		return 0;
	struct icaltimetype t = icalvalue_get_datetime(icalproperty_get_value(p));
	return ics_days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

/* icaldurationtype_as_int adds in 32 bits: "P99999999W" came out negative */
static int64_t duration_secs(struct icaldurationtype d)
{
	int64_t s = (((int64_t)d.weeks * 7 + d.days) * 24 + d.hours) * 3600 + (int64_t)d.minutes * 60 + d.seconds;
	return d.is_neg ? -s : s;
}

/* fields of the k-th VEVENT; pv gets its RDATE/EXDATE in UTC */
static int extract(struct pctx *x, size_t k, icalcomponent *c, struct ics_event *e, struct ics_priv *pv)
{
	int rc, begin = line_no(x, x->ev[k].b);
	icalproperty *p;
	const char *uid = icalcomponent_get_uid(c);
	if (!uid || !*uid)
		return ics_err(x->err, begin, "UID", "the event has no UID"), E_INVALID;
	e->uid = strdup(uid);
	if ((p = icalcomponent_get_first_property(c, ICAL_SUMMARY_PROPERTY)))
		e->summary = xstrdup(icalproperty_get_summary(p));
	if ((p = icalcomponent_get_first_property(c, ICAL_DESCRIPTION_PROPERTY)))
		e->description = xstrdup(icalproperty_get_description(p));
	if ((p = icalcomponent_get_first_property(c, ICAL_LOCATION_PROPERTY)))
		e->location = xstrdup(icalproperty_get_location(p));
	icalproperty *ds = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
	if (!ds)
		return ics_err(x->err, begin, "DTSTART", "the event has no DTSTART"), E_INVALID;
	struct icaltimetype st = icalproperty_get_dtstart(ds);
	const char *zn = NULL;
	int floating = 0;
	x->zone = NULL;
	if ((rc = prop_time(x, k, ds, "DTSTART", st, 1, &e->start, &zn, &floating)))
		return rc;
	e->all_day = st.is_date;
	e->tzid = xstrdup(zn);
	e->zone = x->zone;
	pv->floating = floating;
	icalproperty *de = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
	icalproperty *du = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY);
	if (de && du)
		return ics_err(x->err, prop_line(x, k, "DURATION", 0), "DURATION", "DURATION and DTEND together"),
		       E_INVALID;
	if (de) {
		struct icaltimetype et = icalproperty_get_dtend(de);
		if (et.is_date != st.is_date)
			return ics_err(x->err, prop_line(x, k, "DTEND", 0), "DTEND",
				       et.is_date ? "DTEND is a date but DTSTART a date-time"
						  : "DTEND is a date-time but DTSTART a date"),
			       E_INVALID;
		if ((rc = prop_time(x, k, de, "DTEND", et, 1, &e->end, NULL, NULL)))
			return rc;
		if (e->end < e->start)
			return ics_err(x->err, prop_line(x, k, "DTEND", 0), "DTEND", "DTEND comes before DTSTART"),
			       E_INVALID;
	} else if (du) {
		int64_t secs = duration_secs(icalproperty_get_duration(du));
		if (secs < 0)
			return ics_err(x->err, prop_line(x, k, "DURATION", 0), "DURATION", "negative DURATION"),
			       E_INVALID;
		if (secs > ICS_LAST_SECOND - e->start)
			return ics_err(x->err, prop_line(x, k, "DURATION", 0), "DURATION",
				       "DURATION too large: the event would end after the year 9999"),
			       E_INVALID;
		e->end = e->start + secs;
	} else {
		e->end = e->start + (e->all_day ? 86400 : 0);
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY)))
		e->rrule = icalproperty_get_value_as_string_r(p);
	for (p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
		struct icaldatetimeperiodtype r = icalproperty_get_rdate(p);
		int64_t s, en;
		int period = icaltime_is_null_time(r.time);
		if ((rc = prop_time(x, k, p, "RDATE", period ? r.period.start : r.time, 1, &s, NULL, NULL)))
			return rc;
		en = s + (e->end - e->start);
		if (period && !icaltime_is_null_time(r.period.end)) {
			if ((rc = prop_time(x, k, p, "RDATE", r.period.end, 0, &en, NULL, NULL)))
				return rc;
		} else if (period) {
			int64_t secs = duration_secs(r.period.duration);
			if (secs < 0 || secs > ICS_LAST_SECOND - s)
				return ics_err(x->err, prop_line(x, k, "RDATE", 0), "RDATE",
					       secs < 0
						       ? "negative duration of a period"
						       : "duration of a period too large: it would end after the year 9999"),
				       E_INVALID;
			en = s + secs;
		}
		if ((rc = push_str(&e->rdates, &e->nrdates, icalproperty_get_value_as_string_r(p))))
			return rc;
		size_t n2 = pv->nrd;
		if ((rc = push_time(&pv->rd_start, &pv->nrd, s)) || (rc = push_time(&pv->rd_end, &n2, en)))
			return rc;
	}
	for (p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
		struct icaltimetype t = icalproperty_get_exdate(p);
		int64_t s;
		if ((rc = prop_time(x, k, p, "EXDATE", t, 1, &s, NULL, NULL)) ||
		    (rc = push_str(&e->exdates, &e->nexdates, icalproperty_get_value_as_string_r(p))))
			return rc;
		unsigned char *d = realloc(pv->ex_date, pv->nex + 1);
		if (!d)
			return E_NOMEM;
		pv->ex_date = d;
		d[pv->nex] = (unsigned char)t.is_date;
		if ((rc = push_time(&pv->ex, &pv->nex, s)))
			return rc;
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY))) {
		if ((rc = prop_time(x, k, p, "RECURRENCE-ID", icalproperty_get_recurrenceid(p), 1, &e->recurrence_id,
				    NULL, NULL)))
			return rc;
		if (!e->recurrence_id)
			e->recurrence_id = 1; /* 0 says "master": 1970-01-01 is not an occurrence we keep */
	}
	p = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY);
	e->status = p ? icalproperty_get_value_as_string_r(p) : strdup("CONFIRMED");
	p = icalcomponent_get_first_property(c, ICAL_TRANSP_PROPERTY);
	e->transp = p ? icalproperty_get_value_as_string_r(p) : strdup("OPAQUE");
	p = icalcomponent_get_first_property(c, ICAL_CLASS_PROPERTY);
	e->klass = p ? icalproperty_get_value_as_string_r(p) : strdup("PUBLIC");
	if ((p = icalcomponent_get_first_property(c, ICAL_ORGANIZER_PROPERTY))) {
		e->organizer = lower_mailto(icalproperty_get_organizer(p));
		e->organizer_name = icalproperty_get_parameter_as_string_r(p, "CN");
	}
	size_t na = (size_t)icalcomponent_count_properties(c, ICAL_ATTENDEE_PROPERTY);
	if (na > ICS_MAX_ATTENDEES)
		return ics_err(x->err, prop_line(x, k, "ATTENDEE", ICS_MAX_ATTENDEES), "ATTENDEE",
			       "more than %d attendees", ICS_MAX_ATTENDEES),
		       limit_err(x->err, ICS_LIMIT_ATTENDEES);
	if (na && !(e->attendees = calloc(na, sizeof *e->attendees)))
		return E_NOMEM;
	for (p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY)) {
		struct ics_attendee *a = &e->attendees[e->nattendees++];
		a->email = lower_mailto(icalproperty_get_attendee(p));
		a->name = icalproperty_get_parameter_as_string_r(p, "CN");
		a->role = param_or(p, "ROLE", "REQ-PARTICIPANT");
		a->partstat = param_or(p, "PARTSTAT", "NEEDS-ACTION");
		a->cutype = param_or(p, "CUTYPE", "INDIVIDUAL");
		char *r = icalproperty_get_parameter_as_string_r(p, "RSVP");
		a->rsvp = r && !strcasecmp(r, "TRUE");
		free(r);
		a->schedule_status = icalproperty_get_parameter_as_string_r(p, "SCHEDULE-STATUS");
		a->schedule_agent = icalproperty_get_parameter_as_string_r(p, "SCHEDULE-AGENT");
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY)))
		e->sequence = icalproperty_get_sequence(p);
	e->dtstamp = stamp(c, ICAL_DTSTAMP_PROPERTY);
	e->created = stamp(c, ICAL_CREATED_PROPERTY);
	e->last_modified = stamp(c, ICAL_LASTMODIFIED_PROPERTY);
	return 0;
}

void ics_event_free(struct ics_event *e)
{
	if (!e)
		return;
	free(e->uid);
	free(e->summary);
	free(e->description);
	free(e->location);
	free(e->tzid);
	free(e->rrule);
	for (size_t i = 0; i < e->nrdates; i++)
		free(e->rdates[i]);
	free(e->rdates);
	for (size_t i = 0; i < e->nexdates; i++)
		free(e->exdates[i]);
	free(e->exdates);
	free(e->status);
	free(e->transp);
	free(e->klass);
	free(e->organizer);
	free(e->organizer_name);
	for (size_t i = 0; i < e->nattendees; i++) {
		free(e->attendees[i].email);
		free(e->attendees[i].name);
		free(e->attendees[i].role);
		free(e->attendees[i].partstat);
		free(e->attendees[i].cutype);
		free(e->attendees[i].schedule_status);
		free(e->attendees[i].schedule_agent);
	}
	free(e->attendees);
	memset(e, 0, sizeof *e);
}

void ics_object_free(struct ics_object *o)
{
	if (!o)
		return;
	struct ics_priv *pv = ICS_PRIV(o);
	ics_event_free(&o->master);
	for (size_t i = 0; i < o->noverrides; i++)
		ics_event_free(&o->overrides[i]);
	free(o->overrides);
	free(o->text);
	free(o->busy_text);
	for (size_t i = 0; i < o->ntzids; i++)
		free(o->tzids[i]);
	free(o->tzids);
	free(pv->rd_start);
	free(pv->rd_end);
	free(pv->ex);
	free(pv->ex_date);
	ics_vtzs_free(&pv->vtz);
	free(pv);
}

/* busy blocks: when, and nothing of what */
static icalcomponent *busy_of(icalcomponent *c)
{
	static const icalproperty_kind keep[] = {
		ICAL_UID_PROPERTY,          ICAL_DTSTAMP_PROPERTY, ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY,
		ICAL_DURATION_PROPERTY,     ICAL_RRULE_PROPERTY,   ICAL_RDATE_PROPERTY,   ICAL_EXDATE_PROPERTY,
		ICAL_RECURRENCEID_PROPERTY, ICAL_TRANSP_PROPERTY,  ICAL_STATUS_PROPERTY,
	};
	icalcomponent *b = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		for (icalproperty *p = icalcomponent_get_first_property(c, keep[i]); p;
		     p = icalcomponent_get_next_property(c, keep[i]))
			icalcomponent_add_property(b, icalproperty_new_clone(p));
	icalcomponent_add_property(b, icalproperty_new_summary("Busy"));
	return b;
}

static int append_comp(struct buf *b, icalcomponent *c)
{
	char *s = icalcomponent_as_ical_string_r(c);
	int rc = s ? buf_puts(b, s) : E_NOMEM;
	free(s);
	return rc;
}

struct piece {
	icalcomponent *c;
	size_t k; /* VEVENT index in the scan */
	struct ics_event e;
	struct ics_priv s; /* its RDATE/EXDATE in UTC: kept for the master */
};

static void priv_free(struct ics_priv *s)
{
	free(s->rd_start);
	free(s->rd_end);
	free(s->ex);
	free(s->ex_date);
	memset(s, 0, sizeof *s);
}

static int by_rid(const void *a, const void *b)
{
	int64_t x = ((const struct piece *)a)->e.recurrence_id, y = ((const struct piece *)b)->e.recurrence_id;
	return x < y ? -1 : x > y;
}

static int count_none(void *ctx, const struct ics_occurrence *o)
{
	(void)ctx, (void)o;
	return 0;
}

/* RFC 4791 section 5.2.8: a series that states how many occurrences it has
 * (COUNT, RDATEs) may not give more than ICS_MAX_INSTANCES. One that ends at
 * a date (UNTIL) or never is bounded where it is expanded, as clients write a
 * far UNTIL (year 9999) for "no end": refusing it and not the same rule
 * without UNTIL would only refuse some apps. The walk stops one past the
 * limit. */
static int instances_check(const struct ics_object *o, struct pctx *x, int line)
{
	const struct ics_event *m = &o->master;
	if (m->rrule) {
		struct icalrecurrencetype rule = icalrecurrencetype_from_string(m->rrule);
		free(rule.rscale);
		if (!rule.count)
			return 0;
	} else if (!ICS_PRIV(o)->nrd) {
		return 0;
	}
	int truncated = 0;
	int rc = ics_expand_obj(o, INT64_MIN, INT64_MAX, ICS_MAX_INSTANCES, 1, count_none, NULL, &truncated);
	if (rc < 0)
		return rc;
	if (truncated)
		return ics_err(x->err, line, m->rrule ? "RRULE" : "RDATE",
			       "the series has more than %d occurrences (the server's max-instances)",
			       ICS_MAX_INSTANCES),
		       limit_err(x->err, ICS_LIMIT_INSTANCES);
	return 0;
}

static int assemble(struct pctx *x, struct piece *pc, size_t np, struct ics_priv *pv)
{
	struct ics_object *o = &pv->pub;
	size_t master = np;
	for (size_t i = 0; i < np; i++) {
		if (strcmp(pc[i].e.uid, pc[0].e.uid))
			return ics_err(x->err, prop_line(x, pc[i].k, "UID", 0), "UID",
				       "one object holds the events of one UID ('%.60s' is not '%.60s')", pc[i].e.uid,
				       pc[0].e.uid),
			       E_INVALID;
		if (pc[i].e.recurrence_id)
			continue;
		if (master != np)
			return ics_err(x->err, line_no(x, x->ev[pc[i].k].b), "RECURRENCE-ID",
				       "two events of UID '%.60s' without RECURRENCE-ID", pc[i].e.uid),
			       E_INVALID;
		master = i;
	}
	if (np - 1 > ICS_MAX_OVERRIDES)
		return ics_err(x->err, line_no(x, x->ev[pc[ICS_MAX_OVERRIDES + 1].k].b), "RECURRENCE-ID",
			       "more than %d overrides", ICS_MAX_OVERRIDES),
		       E_INVALID;
	/* only overrides (RFC 6638 section 3.2.6: someone invited to some
	 * occurrences of a series gets those): the earliest stands in the master's
	 * place, with its recurrence_id, and the object is those occurrences */
	int masterless = master == np;
	if (!masterless) {
		struct piece t = pc[0];
		pc[0] = pc[master];
		pc[master] = t;
	}
	qsort(pc + !masterless, np - !masterless, sizeof *pc, by_rid);
	for (size_t i = 1 + !masterless; i < np; i++)
		if (pc[i].e.recurrence_id == pc[i - 1].e.recurrence_id)
			return ics_err(x->err, prop_line(x, pc[i].k, "RECURRENCE-ID", 0), "RECURRENCE-ID",
				       "two overrides of one occurrence"),
			       E_INVALID;
	o->master = pc[0].e;
	memset(&pc[0].e, 0, sizeof pc[0].e);
	pv->floating = pc[0].s.floating;
	pv->rd_start = pc[0].s.rd_start;
	pv->rd_end = pc[0].s.rd_end;
	pv->nrd = pc[0].s.nrd;
	pv->ex = pc[0].s.ex;
	pv->ex_date = pc[0].s.ex_date;
	pv->nex = pc[0].s.nex;
	memset(&pc[0].s, 0, sizeof pc[0].s);
	if (np > 1 && !(o->overrides = calloc(np - 1, sizeof *o->overrides)))
		return E_NOMEM;
	for (size_t i = 1; i < np; i++) {
		o->overrides[o->noverrides++] = pc[i].e;
		memset(&pc[i].e, 0, sizeof pc[i].e);
	}
	if (x->flags & ICS_P_LIGHT)
		return 0;
	const char *why = NULL;
	if (o->master.rrule && ics_rrule_check(&o->master, &why))
		return ics_err(x->err, prop_line(x, pc[0].k, "RRULE", 0), "RRULE", "%s", why), E_INVALID;
	o->master.range_end = ics_range_end(o);
	int rc = x->flags & ICS_P_STORED
			 ? 0
			 : instances_check(o, x, prop_line(x, pc[0].k, o->master.rrule ? "RRULE" : "RDATE", 0));
	if (rc)
		return rc;
	/* an occurrence may be moved (or an RDATE put) before DTSTART: the
	 * indexed window starts at the earliest of them */
	o->master.range_start = o->master.start;
	for (size_t i = 0; i < pv->nrd; i++)
		if (pv->rd_start[i] < o->master.range_start)
			o->master.range_start = pv->rd_start[i];
	for (size_t i = 0; i < o->noverrides; i++)
		if (o->overrides[i].start < o->master.range_start)
			o->master.range_start = o->overrides[i].start;
	struct buf text = {0}, busy = {0};
	rc = ics_vtzs_write(&pv->vtz, &text); /* the zones of its own, first */
	if (!rc)
		rc = ics_vtzs_write(&pv->vtz, &busy);
	for (size_t i = 0; !rc && i < np; i++) {
		icalcomponent *b = busy_of(pc[i].c);
		if (!(rc = append_comp(&text, pc[i].c)))
			rc = append_comp(&busy, b);
		icalcomponent_free(b);
	}
	if (rc) {
		buf_free(&text);
		buf_free(&busy);
		return rc;
	}
	o->text = text.data;
	o->busy_text = busy.data;
	o->tzids = x->tzids;
	o->ntzids = x->ntzids;
	x->tzids = NULL;
	x->ntzids = 0;
	return 0;
}

int ics_parse_lines(const struct ics_lline *v, size_t n, const char *default_tz, unsigned flags,
		    struct ics_object **out, struct ics_error *err)
{
	struct pctx x = {.v = v, .n = n, .flags = flags, .default_tz = default_tz, .err = err};
	struct piece *pc = NULL;
	size_t nev = 0, np = 0;
	struct buf b = {0};
	struct ics_priv *pv = calloc(1, sizeof *pv);
	x.pv = pv;
	int rc = pv ? scan_object(v, n, &x.ev, &nev, err) : E_NOMEM;
	if (rc)
		goto out;
	x.defz = default_tz ? ics_zone(default_tz) : NULL;
	for (size_t i = 0; !rc && i < n; i++)
		if (!(rc = ics_raw_line(&b, v[i].s, line_no(&x, i), err)))
			rc = buf_append(&b, "\r\n", 2);
	if (rc || !(x.root = icalparser_parse_string(b.data))) {
		rc = rc ? rc : (ics_err(err, 0, NULL, "the text cannot be read as iCalendar"), E_INVALID);
		goto out;
	}
	ics_raw_restore(x.root);
	if (icalcomponent_isa(x.root) != ICAL_VCALENDAR_COMPONENT) {
		rc = (ics_err(err, 0, NULL, "the text cannot be read as one VCALENDAR"), E_INVALID);
		goto out;
	}
	if (icalcomponent_count_errors(x.root) || first_error(x.root)) {
		rc = lic_error(&x);
		goto out;
	}
	if (!(pc = calloc(nev, sizeof *pc))) {
		rc = E_NOMEM;
		goto out;
	}
	for (icalcomponent *c = icalcomponent_get_first_component(x.root, ICAL_VEVENT_COMPONENT); c && np < nev;
	     c = icalcomponent_get_next_component(x.root, ICAL_VEVENT_COMPONENT)) {
		pc[np].c = c;
		pc[np].k = np;
		np++;
		if ((rc = extract(&x, np - 1, c, &pc[np - 1].e, &pc[np - 1].s)))
			goto out;
	}
	if (np != nev) {
		rc = (ics_err(err, 0, NULL, "the text cannot be read as iCalendar"), E_INVALID);
		goto out;
	}
	rc = assemble(&x, pc, np, pv);
out:
	if (pc)
		for (size_t i = 0; i < np; i++) {
			ics_event_free(&pc[i].e);
			priv_free(&pc[i].s);
		}
	free(pc);
	for (size_t i = 0; i < x.ntzids; i++)
		free(x.tzids[i]);
	free(x.tzids);
	free(x.ev);
	buf_free(&b);
	if (x.root)
		icalcomponent_free(x.root);
	if (rc) {
		ics_object_free(pv ? &pv->pub : NULL);
		pv = NULL;
	}
	*out = pv ? &pv->pub : NULL;
	return rc;
}

/* a bare VEVENT (or the stored VEVENT blocks) is read inside a VCALENDAR we add */
static int wrap(struct ics_lines *L, struct ics_lline **out, size_t *n)
{
	int bare = !is_begin(L->v[0].s, "VCALENDAR");
	struct ics_lline *v = malloc(sizeof *v * (L->n + 3));
	if (!v)
		return E_NOMEM;
	size_t k = 0;
	if (bare) {
		v[k++] = (struct ics_lline){.s = "BEGIN:VCALENDAR", .line = 0};
		v[k++] = (struct ics_lline){.s = "VERSION:2.0", .line = 0};
	}
	memcpy(v + k, L->v, sizeof *v * L->n);
	k += L->n;
	if (bare)
		v[k++] = (struct ics_lline){.s = "END:VCALENDAR", .line = 0};
	*out = v;
	*n = k;
	return 0;
}

int ics_parse_flags(const char *text, size_t len, const char *default_tz, unsigned flags, struct ics_object **out,
		    struct ics_error *err)
{
	struct ics_lines L = {0};
	struct ics_lline *v = NULL;
	size_t n = 0;
	int rc;
	*out = NULL;
	if (err)
		memset(err, 0, sizeof *err);
	if (len > ICS_MAX_TEXT)
		return ics_err(err, 0, NULL, "the calendar object is longer than %d bytes", ICS_MAX_TEXT),
		       limit_err(err, ICS_LIMIT_SIZE);
	if (!(rc = ics_unfold(text, len, &L, err))) {
		if (!L.n)
			rc = (ics_err(err, 0, NULL, "the text is empty"), E_INVALID);
		else if (!(rc = wrap(&L, &v, &n)))
			rc = ics_parse_lines(v, n, default_tz, flags, out, err);
	}
	free(v);
	free(L.v);
	free(L.buf);
	return rc;
}

int ics_parse_object(const char *text, size_t len, const char *default_tz, struct ics_object **out,
		     struct ics_error *err)
{
	return ics_parse_flags(text, len, default_tz, 0, out, err);
}

int ics_parse_stored(const char *text, size_t len, const char *default_tz, struct ics_object **out,
		     struct ics_error *err)
{
	return ics_parse_flags(text, len, default_tz, ICS_P_STORED, out, err);
}
