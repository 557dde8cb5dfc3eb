/* Recurrence expansion, always bounded: libical's iterator walks the RRULE in
 * the series' wall time (a 09:00 Europe/Paris meeting stays at 09:00 across
 * DST); a rule without COUNT jumps close to the window (icalrecur_iterator_set_start)
 * so a series started years ago costs no more than one started today; every
 * walk stops after ICS_ITER_MAX steps (a COUNT rule whose window lies past
 * that many occurrences shows nothing there) and ICS_EXPAND_MAX results.
 * RANGE=THISANDFUTURE on a RECURRENCE-ID is read as an override of that one
 * occurrence only. */
#include "ical/ics_impl.h"

#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

struct occ {
	int64_t s, e, rid;
	const struct ics_event *ev;
};

struct coll {
	const struct ics_object *o;
	icaltimezone *z;
	int64_t from, to, dur;
	int with_overrides, full;
	struct occ *v;
	size_t n, cap;
	/* the rule's starts come in order: once more than max of them are in
	 * hand, no later one can be among the first max, and the walk stops
	 * (a match asking for one occurrence over years 1-9999 walks one step) */
	size_t max, from_rule;
};

static icaltimezone *series_zone(const struct ics_event *m)
{
	if (m->zone) /* the object's own VTIMEZONE */
		return (icaltimezone *)m->zone;
	return m->tzid ? ics_zone(m->tzid) : NULL;
}

static int excluded(const struct coll *c, int64_t rid)
{
	const struct ics_priv *pv = ICS_PRIV(c->o);
	int64_t day = -1;
	for (size_t i = 0; i < pv->nex; i++) {
		if (!pv->ex_date[i] || c->o->master.all_day) {
			if (pv->ex[i] == rid)
				return 1;
			continue;
		}
		if (day < 0) { /* a DATE EXDATE on a timed series: the occurrence's local date */
			struct icaltimetype t;
			ics_zone_split(c->z, rid, &t);
			day = ics_days_from_civil(t.year, t.month, t.day) * 86400;
		}
		if (pv->ex[i] == day)
			return 1;
	}
	return 0;
}

static const struct ics_event *override_of(const struct ics_object *o, int64_t rid)
{
	size_t lo = 0, hi = o->noverrides;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int64_t r = o->overrides[mid].recurrence_id;
		if (r == rid)
			return &o->overrides[mid];
		if (r < rid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int overlaps(const struct coll *c, int64_t s, int64_t e)
{
	return s < c->to && (e > c->from || (e == s && s >= c->from));
}

static int push(struct coll *c, int64_t s, int64_t e, int64_t rid, const struct ics_event *ev)
{
	if (c->n > ICS_EXPAND_MAX) {
		c->full = 1;
		return 1;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct occ *v = realloc(c->v, sizeof *v * cap);
		if (!v)
			return E_NOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (struct occ){s, e, rid, ev};
	return 0;
}

static int instance(struct coll *c, int64_t s, int64_t e)
{
	if (!overlaps(c, s, e) || excluded(c, s) || (c->with_overrides && override_of(c->o, s)))
		return 0;
	return push(c, s, e, s, &c->o->master);
}

static struct icaltimetype wall(const struct ics_event *m, icaltimezone *z, int64_t t)
{
	struct icaltimetype w;
	ics_zone_split(m->all_day ? NULL : z, t, &w);
	if (m->all_day) {
		w.is_date = 1;
		w.hour = w.minute = w.second = 0;
		w.zone = NULL;
	} else if (!z) {
		w.zone = icaltimezone_get_utc_timezone();
	}
	return w;
}

/* calls fn with each RRULE start (UTC) from about `from` on, until fn says stop */
static int walk(const struct ics_event *m, int64_t from, int (*fn)(void *ctx, int64_t s), void *ctx, int *capped)
{
	struct icalrecurrencetype rule = icalrecurrencetype_from_string(m->rrule);
	if (rule.freq == ICAL_NO_RECURRENCE) {
		free(rule.rscale);
		return 0;
	}
	icaltimezone *z = series_zone(m);
	struct icaltimetype start = wall(m, z, m->start);
	icalrecur_iterator *it = icalrecur_iterator_new(rule, start);
	if (!it) {
		free(rule.rscale);
		return 0;
	}
	int64_t dur = m->end - m->start, margin = dur + 2 * 86400;
	if (!rule.count && from > m->start + margin && from != INT64_MIN &&
	    !icalrecur_iterator_set_start(it, wall(m, z, from - margin))) {
		icalrecur_iterator_free(it); /* the rule refused the jump: walk from the start */
		if (!(it = icalrecur_iterator_new(rule, start))) {
			free(rule.rscale);
			return 0;
		}
	}
	int rc = 0;
	for (long steps = 0;; steps++) {
		if (steps == ICS_ITER_MAX) {
			if (capped)
				*capped = 1;
			break;
		}
		struct icaltimetype t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		int64_t s = m->all_day ? ics_days_from_civil(t.year, t.month, t.day) * 86400
				       : ics_zone_local(z, t.year, t.month, t.day, t.hour, t.minute, t.second);
		if ((rc = fn(ctx, s)))
			break;
	}
	icalrecur_iterator_free(it);
	free(rule.rscale); /* RFC 7529's RSCALE: libical 3.0 strdups it and never frees it */
	return rc < 0 ? rc : 0;
}

static int on_rule(void *p, int64_t s)
{
	struct coll *c = p;
	if (s >= c->to)
		return 1;
	if (s == c->o->master.start)
		return 0;
	size_t n = c->n;
	int rc = instance(c, s, s + c->dur);
	if (!rc && c->n > n && ++c->from_rule > c->max)
		return 1;
	return rc;
}

static int by_start(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->rid < y->rid ? -1 : x->rid > y->rid;
}

int ics_expand_obj(const struct ics_object *o, int64_t from, int64_t to, int max, int with_overrides,
		   int (*cb)(void *ctx, const struct ics_occurrence *oc), void *ctx, int *truncated)
{
	const struct ics_event *m = &o->master;
	const struct ics_priv *pv = ICS_PRIV(o);
	struct coll c = {.o = o,
			 .z = series_zone(m),
			 .from = from,
			 .to = to,
			 .dur = m->end - m->start,
			 .with_overrides = with_overrides,
			 .max = max > 0 ? (size_t)max : 0};
	int rc = 0;
	if (truncated)
		*truncated = 0;
	if (max > ICS_EXPAND_MAX)
		max = ICS_EXPAND_MAX;
	if (m->recurrence_id) { /* only overrides (ics_parse.c): the first stands as master */
		if ((!m->status || strcmp(m->status, "CANCELLED")) && overlaps(&c, m->start, m->end))
			rc = push(&c, m->start, m->end, m->recurrence_id, m);
	} else if (!m->rrule && !pv->nrd) {
		if (overlaps(&c, m->start, m->end))
			rc = push(&c, m->start, m->end, 0, m);
	} else {
		rc = instance(&c, m->start, m->end);
		if (!rc && m->rrule)
			rc = walk(m, from, on_rule, &c, NULL);
		for (size_t i = 0; rc >= 0 && !c.full && i < pv->nrd; i++)
			if (pv->rd_start[i] != m->start)
				rc = instance(&c, pv->rd_start[i], pv->rd_end[i]);
	}
	if (m->recurrence_id || m->rrule || pv->nrd) {
		for (size_t i = 0; rc >= 0 && !c.full && with_overrides && i < o->noverrides; i++) {
			const struct ics_event *ov = &o->overrides[i];
			if ((!ov->status || strcmp(ov->status, "CANCELLED")) && !excluded(&c, ov->recurrence_id) &&
			    overlaps(&c, ov->start, ov->end))
				rc = push(&c, ov->start, ov->end, ov->recurrence_id, ov);
		}
	}
	if (rc < 0) {
		free(c.v);
		return rc;
	}
	if (c.n)
		qsort(c.v, c.n, sizeof *c.v, by_start);
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) /* an RDATE repeating a rule's start counts once */
		if (!k || c.v[i].s != c.v[k - 1].s || c.v[i].rid != c.v[k - 1].rid)
			c.v[k++] = c.v[i];
	if (truncated && (c.full || k > (size_t)(max > 0 ? max : 0)))
		*truncated = 1;
	rc = 0;
	for (size_t i = 0; !rc && i < k && (int)i < max; i++) {
		struct ics_occurrence oc = {c.v[i].s, c.v[i].e, c.v[i].rid, c.v[i].ev};
		rc = cb(ctx, &oc);
	}
	free(c.v);
	return rc;
}

int ics_expand(const char *text, const char *default_tz, int64_t from, int64_t to, int max,
	       int (*cb)(void *ctx, const struct ics_occurrence *o), void *ctx, int *truncated)
{
	struct ics_object *o;
	struct ics_error err;
	if (truncated)
		*truncated = 0;
	int rc = ics_parse_flags(text, strlen(text), default_tz, ICS_P_LIGHT, &o, &err);
	if (rc)
		return rc;
	rc = ics_expand_obj(o, from, to, max, 1, cb, ctx, truncated);
	ics_object_free(o);
	return rc;
}

/* A rule that yields nothing (UNTIL before DTSTART) is no error: DTSTART is
 * the first instance whatever the rule says (RFC 5545 section 3.8.5.3), as
 * Radicale and khal read it */
int ics_rrule_check(const struct ics_event *m, const char **why)
{
	struct icalrecurrencetype rule = icalrecurrencetype_from_string(m->rrule);
	int rc = 0;
	if (rule.freq == ICAL_NO_RECURRENCE)
		rc = (*why = "the rule has no FREQ", E_INVALID);
	else if ((rule.freq == ICAL_MINUTELY_RECURRENCE || rule.freq == ICAL_SECONDLY_RECURRENCE) && !rule.count &&
		 icaltime_is_null_time(rule.until))
		rc = (*why = "a MINUTELY or SECONDLY rule needs COUNT or UNTIL", E_INVALID);
	free(rule.rscale);
	return rc;
}

struct last {
	int64_t s;
	long n;
};

/* range_end walks a series at most this far; a longer one gets an upper
 * bound instead (UNTIL, or ICS_FOREVER for COUNT), so that parsing a PUT costs
 * the same whether its UNTIL is next month or in the year 9999 */
#define RANGE_END_STEPS 4096

static int on_last(void *p, int64_t s)
{
	struct last *l = p;
	l->s = s;
	return ++l->n > RANGE_END_STEPS;
}

/* no occurrence starts after this: UNTIL as if it were the latest local time
 * that its value can mean (a DATE's whole day, a floating time at UTC+14) */
static int64_t until_bound(struct icaltimetype u)
{
	return ics_days_from_civil(u.year, u.month, u.day) * 86400 + u.hour * 3600 + u.minute * 60 + u.second + 86400 +
	       14 * 3600;
}

int64_t ics_range_end(const struct ics_object *o)
{
	const struct ics_event *m = &o->master;
	const struct ics_priv *pv = ICS_PRIV(o);
	int64_t end = m->end;
	if (m->rrule) {
		struct icalrecurrencetype rule = icalrecurrencetype_from_string(m->rrule);
		free(rule.rscale);
		if (!rule.count && icaltime_is_null_time(rule.until))
			return ICS_FOREVER;
		struct last l = {m->start, 0};
		int capped = 0;
		walk(m, INT64_MIN, on_last, &l, &capped);
		if (capped || l.n > RANGE_END_STEPS) {
			if (rule.count)
				return ICS_FOREVER;
			l.s = until_bound(rule.until);
		}
		if (l.s + (m->end - m->start) > end)
			end = l.s + (m->end - m->start);
	}
	for (size_t i = 0; i < pv->nrd; i++)
		if (pv->rd_end[i] > end)
			end = pv->rd_end[i];
	for (size_t i = 0; i < o->noverrides; i++)
		if (o->overrides[i].end > end)
			end = o->overrides[i].end;
	return end;
}

struct find {
	int64_t rid;
	int found;
};

static int on_find(void *p, const struct ics_occurrence *oc)
{
	struct find *f = p;
	if (oc->recurrence_id == f->rid)
		f->found = 1;
	return f->found;
}

/* rid is a start of the series (RRULE, RDATE or DTSTART) not taken away by an EXDATE */
int ics_is_occurrence(const struct ics_object *o, int64_t rid)
{
	const struct ics_event *m = &o->master;
	if (!m->rrule && !ICS_PRIV(o)->nrd)
		return 0;
	struct find f = {rid, 0};
	int64_t span = m->end - m->start;
	for (size_t i = 0; i < ICS_PRIV(o)->nrd; i++)
		if (ICS_PRIV(o)->rd_end[i] - ICS_PRIV(o)->rd_start[i] > span)
			span = ICS_PRIV(o)->rd_end[i] - ICS_PRIV(o)->rd_start[i];
	ics_expand_obj(o, rid - span - 1, rid + 1, ICS_EXPAND_MAX, 0, on_find, &f, NULL);
	return f.found;
}
