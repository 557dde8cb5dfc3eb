/* Import files: the whole file is checked, one UID at a time (each UID's
 * VEVENTs with the VTIMEZONEs they name, as one calendar object), before the
 * first object goes to the caller; VTODO and VJOURNAL are counted and left. */
#include "ical/ics_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"

struct blk {
	size_t b, e;     /* line indices */
	size_t cal;      /* index of its VCALENDAR's BEGIN line */
	const char *key; /* VEVENT: UID value; VTIMEZONE: TZID value */
	size_t klen;
	size_t group;
};

struct group {
	size_t first; /* first VEVENT block */
	size_t *ev;
	size_t nev;
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* the value of a block's own property (depth 1 inside it) */
static void block_value(const struct ics_lline *v, struct blk *b, const char *name)
{
	int depth = 0;
	for (size_t i = b->b + 1; i < b->e; i++) {
		if (!strncasecmp(v[i].s, "BEGIN:", 6))
			depth++;
		else if (!strncasecmp(v[i].s, "END:", 4))
			depth--;
		else if (!depth && ics_name_is(v[i].s, name)) {
			b->key = ics_value_of(v[i].s);
			b->klen = strlen(b->key);
			return;
		}
	}
}

static int uses_tzid(const struct ics_lline *v, const struct blk *ev, const struct blk *tz)
{
	for (size_t i = ev->b; i <= ev->e; i++) {
		const char *p = strstr(v[i].s, "TZID=");
		if (!p)
			continue;
		p += 5;
		if (*p == '"')
			p++;
		if (!strncmp(p, tz->key, tz->klen) && strchr(":;\"", p[tz->klen]))
			return 1;
	}
	return 0;
}

struct import {
	struct ics_lines L;
	struct blk *ev, *tz;
	size_t nev, ntz;
	struct group *g;
	size_t ng;
	size_t *slots; /* hash of UID -> group + 1 */
	size_t nslots;
	struct ics_object **objs;
};

static int add_blk(struct blk **a, size_t *n, struct blk b)
{
	struct blk *t = realloc(*a, sizeof *t * (*n + 1));
	if (!t)
		return E_NOMEM;
	*a = t;
	t[(*n)++] = b;
	return 0;
}

/* top level: VCALENDARs (or bare VEVENTs); inside, VEVENT/VTIMEZONE blocks; tasks counted */
static int import_scan(struct import *im, size_t *skipped, struct ics_error *err)
{
	const struct ics_lline *v = im->L.v;
	size_t n = im->L.n, cal = 0;
	int depth = 0;
	struct {
		const char *kind;
		size_t at;
	} st[16];
	for (size_t i = 0; i < n; i++) {
		const char *s = v[i].s;
		size_t nl = ics_name_len(s);
		if (!nl || (s[nl] != ':' && s[nl] != ';') || !ics_value_of(s))
			return ics_err(err, v[i].line, NULL, "not an iCalendar content line ('%.40s')", s), E_INVALID;
		if (!strncasecmp(s, "BEGIN:", 6)) {
			if (depth == (int)(sizeof st / sizeof st[0]))
				return ics_err(err, v[i].line, NULL, "components nested too deep"), E_INVALID;
			if (!depth && strcasecmp(s + 6, "VCALENDAR") && strcasecmp(s + 6, "VEVENT"))
				return ics_err(err, v[i].line, NULL, "expected BEGIN:VCALENDAR, found %.40s", s),
				       E_INVALID;
			if (!depth)
				cal = i;
			st[depth].kind = s + 6;
			st[depth++].at = i;
		} else if (!strncasecmp(s, "END:", 4)) {
			if (!depth)
				return ics_err(err, v[i].line, NULL, "%.40s without its BEGIN", s), E_INVALID;
			if (strcasecmp(s + 4, st[depth - 1].kind))
				return ics_err(err, v[st[depth - 1].at].line, NULL, "BEGIN:%.40s has no END:%.40s",
					       st[depth - 1].kind, st[depth - 1].kind),
				       E_INVALID;
			depth--;
			int top = !strcasecmp(st[0].kind, "VEVENT"); /* a bare VEVENT at depth 0 */
			if (depth == (top ? 0 : 1)) {
				const char *k = st[depth].kind;
				struct blk b = {.b = st[depth].at, .e = i, .cal = top ? SIZE_MAX : cal};
				int rc = 0;
				if (!strcasecmp(k, "VEVENT")) {
					block_value(v, &b, "UID");
					if (!b.key || !*b.key)
						return ics_err(err, v[b.b].line, "UID", "the event has no UID"),
						       E_INVALID;
					rc = add_blk(&im->ev, &im->nev, b);
				} else if (!strcasecmp(k, "VTIMEZONE")) {
					block_value(v, &b, "TZID");
					if (b.key)
						rc = add_blk(&im->tz, &im->ntz, b);
				} else if (!strcasecmp(k, "VTODO") || !strcasecmp(k, "VJOURNAL")) {
					(*skipped)++;
				}
				if (rc)
					return rc;
			}
		} else if (!depth) {
			return ics_err(err, v[i].line, NULL, "text outside BEGIN:VCALENDAR ... END:VCALENDAR"),
			       E_INVALID;
		}
	}
	if (depth)
		return ics_err(err, v[st[depth - 1].at].line, NULL, "BEGIN:%.40s has no END:%.40s", st[depth - 1].kind,
			       st[depth - 1].kind),
		       E_INVALID;
	return 0;
}

static int import_group(struct import *im)
{
	im->nslots = 16;
	while (im->nslots < im->nev * 2)
		im->nslots *= 2;
	if (!(im->slots = calloc(im->nslots, sizeof *im->slots)) || !(im->g = calloc(im->nev + 1, sizeof *im->g)))
		return E_NOMEM;
	for (size_t i = 0; i < im->nev; i++) {
		struct blk *b = &im->ev[i];
		size_t h = hash(b->key, b->klen) & (im->nslots - 1);
		while (im->slots[h]) {
			struct blk *f = &im->ev[im->g[im->slots[h] - 1].first];
			if (f->klen == b->klen && !memcmp(f->key, b->key, b->klen))
				break;
			h = (h + 1) & (im->nslots - 1);
		}
		if (!im->slots[h]) {
			im->g[im->ng].first = i;
			im->slots[h] = ++im->ng;
		}
		struct group *g = &im->g[im->slots[h] - 1];
		size_t *t = realloc(g->ev, sizeof *t * (g->nev + 1));
		if (!t)
			return E_NOMEM;
		g->ev = t;
		t[g->nev++] = i;
	}
	return 0;
}

/* one UID's lines: a VCALENDAR with the VTIMEZONEs it names (from its own calendars) and its VEVENTs */
static int import_one(struct import *im, struct group *g, const char *default_tz, struct ics_object **out, size_t *done,
		      struct ics_error *err)
{
	const struct ics_lline *v = im->L.v;
	size_t cap = 4, n = 0, bytes = 0;
	for (size_t j = 0; j < g->nev; j++)
		cap += im->ev[g->ev[j]].e - im->ev[g->ev[j]].b + 1;
	struct ics_lline *w = NULL;
	size_t *tzs = calloc(im->ntz + 1, sizeof *tzs), ntzs = 0;
	int rc = tzs ? 0 : E_NOMEM;
	for (size_t t = 0; !rc && t < im->ntz; t++) {
		struct blk *tz = &im->tz[t];
		char name[128];
		snprintf(name, sizeof name, "%.*s", (int)(tz->klen < 127 ? tz->klen : 127), tz->key);
		if (ics_zone(name))
			continue; /* the system's zone wins over a copy */
		int used = 0;
		for (size_t j = 0; !used && j < g->nev; j++)
			used = im->ev[g->ev[j]].cal == tz->cal && uses_tzid(v, &im->ev[g->ev[j]], tz);
		for (size_t q = 0; used && q < ntzs; q++)
			used = im->tz[tzs[q]].klen != tz->klen || memcmp(im->tz[tzs[q]].key, tz->key, tz->klen);
		if (used) {
			tzs[ntzs++] = t;
			cap += tz->e - tz->b + 1;
		}
	}
	if (!rc && !(w = malloc(sizeof *w * cap)))
		rc = E_NOMEM;
	if (!rc) {
		struct blk *f = &im->ev[g->first];
		int l0 = f->cal == SIZE_MAX ? v[f->b].line : v[f->cal].line;
		w[n++] = (struct ics_lline){.s = "BEGIN:VCALENDAR", .line = l0};
		w[n++] = (struct ics_lline){.s = "VERSION:2.0", .line = l0};
		for (size_t q = 0; q < ntzs; q++)
			for (size_t i = im->tz[tzs[q]].b; i <= im->tz[tzs[q]].e; i++)
				w[n++] = v[i];
		for (size_t j = 0; j < g->nev; j++)
			for (size_t i = im->ev[g->ev[j]].b; i <= im->ev[g->ev[j]].e; i++) {
				w[n++] = v[i];
				bytes += strlen(v[i].s) + 2;
				if (v[i].end > *done)
					*done = v[i].end;
			}
		w[n++] = (struct ics_lline){.s = "END:VCALENDAR", .line = v[im->ev[g->ev[g->nev - 1]].e].line};
		if (bytes > ICS_MAX_TEXT)
			rc = (ics_err(err, v[f->b].line, NULL, "the events of UID '%.60s' are longer than %d bytes",
				      f->key, ICS_MAX_TEXT),
			      E_INVALID);
		else
			rc = ics_parse_lines(w, n, default_tz, 0, out, err);
	}
	free(w);
	free(tzs);
	return rc;
}

int ics_parse_import(const char *text, size_t len, const char *default_tz, int (*cb)(void *ctx, struct ics_object *o),
		     void *ctx, void (*progress)(void *ctx, size_t done, size_t total), size_t *skipped,
		     struct ics_error *err)
{
	struct import im = {0};
	size_t skip = 0, done = 0, i;
	if (err)
		memset(err, 0, sizeof *err);
	int rc = ics_unfold(text, len, &im.L, err);
	if (!rc)
		rc = import_scan(&im, &skip, err);
	if (!rc)
		rc = import_group(&im);
	if (!rc && !(im.objs = calloc(im.ng + 1, sizeof *im.objs)))
		rc = E_NOMEM;
	for (i = 0; !rc && i < im.ng; i++) {
		rc = import_one(&im, &im.g[i], default_tz, &im.objs[i], &done, err);
		if (!rc && progress)
			progress(ctx, done, len);
	}
	/* everything checked: now hand over, in order of first appearance */
	for (i = 0; !rc && i < im.ng; i++) {
		rc = cb ? cb(ctx, im.objs[i]) : 0;
		ics_object_free(im.objs[i]);
		im.objs[i] = NULL;
	}
	for (i = 0; im.objs && i < im.ng; i++)
		ics_object_free(im.objs[i]);
	free(im.objs);
	for (i = 0; im.g && i < im.ng; i++)
		free(im.g[i].ev);
	free(im.g);
	free(im.slots);
	free(im.ev);
	free(im.tz);
	free(im.L.v);
	free(im.L.buf);
	if (skipped)
		*skipped = rc ? 0 : skip;
	return rc;
}
