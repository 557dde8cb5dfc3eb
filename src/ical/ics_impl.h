/* Internals shared by the ics_*.c files (zones, the parsed-object wrapper,
 * expansion); only those files include it, so <libical/ical.h> stays behind
 * ical/ics.h for everyone else. */
#ifndef CALENDAR_ICS_IMPL_H
#define CALENDAR_ICS_IMPL_H

#include <libical/ical.h>
#include <stdint.h>

#include "ical/ics.h"
#include "ical/ics_zones.h"

/* the public object plus what expansion needs, already in UTC */
struct ics_priv {
	struct ics_object pub;
	int floating;               /* master DTSTART had no zone: read in the default zone */
	int64_t *rd_start, *rd_end; /* RDATEs */
	size_t nrd;
	int64_t *ex;            /* EXDATE starts */
	unsigned char *ex_date; /* 1: a DATE EXDATE, matches the occurrence's local date */
	size_t nex;
	struct ics_vtzs vtz; /* the zones of its own VTIMEZONEs (ics_zones.h) */
};
#define ICS_PRIV(o) ((struct ics_priv *)(o))
#define ICS_LAST_SECOND INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

/* zones (ics.c) */
icaltimezone *ics_zone(const char *tzid);  /* builtin zone for an IANA name (or a known prefix form) */
const char *ics_zone_id(const char *tzid); /* its IANA name ("UTC" for UTC), NULL when unknown */
int64_t ics_zone_local(icaltimezone *z, int y, int mo, int d, int h, int mi, int s); /* z NULL: UTC */
void ics_zone_split(icaltimezone *z, int64_t t, struct icaltimetype *out);           /* UTC -> wall fields */
int64_t ics_days_from_civil(int y, int m, int d);
/* *out = the instant of property p's time t in UTC seconds, by its TZID (a
 * DATE: its day at 00:00 UTC; a floating time as UTC when floating_as_utc);
 * -1 for no time, an unknown zone, or a floating time otherwise */
int ics_prop_instant(icalproperty *p, struct icaltimetype t, int floating_as_utc, int64_t *out);

/* parsing (ics_parse.c): logical lines keep the caller's line numbers */
struct ics_lline {
	const char *s; /* unfolded, NUL-terminated */
	int line;      /* first physical line, 1-based; 0 for lines we add */
	size_t end;    /* offset in the caller's text just past it */
	size_t off;    /* in lines.buf, while unfolding */
};

struct ics_lines {
	struct ics_lline *v;
	size_t n;
	char *buf;
};
int ics_unfold(const char *text, size_t len, struct ics_lines *L, struct ics_error *err);
size_t ics_name_len(const char *s);
int ics_name_is(const char *s, const char *name);
const char *ics_value_of(const char *s);
int ics_parse_lines(const struct ics_lline *v, size_t n, const char *default_tz, unsigned flags,
		    struct ics_object **out, struct ics_error *err);
enum { ICS_P_LIGHT = 1, ICS_P_NOLINES = 2, ICS_P_STORED = 4 };
int ics_parse_flags(const char *text, size_t len, const char *default_tz, unsigned flags, struct ics_object **out,
		    struct ics_error *err);
void ics_err(struct ics_error *err, int line, const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* what libical would lose, kept (ics_raw.c): ics_raw_line writes one
 * unfolded content line for libical with unknown names and edge-spaced or
 * empty TEXT values masked (an empty value of another type is an error);
 * ics_raw_restore unmasks a parsed tree and drops libical's warnings;
 * ics_raw_parse does both for (stored or generated) text */
struct buf;
int ics_raw_line(struct buf *b, const char *s, int line, struct ics_error *err);
void ics_raw_restore(icalcomponent *c);
icalcomponent *ics_raw_parse(const char *text);

/* expansion (ics_expand.c) */
#define ICS_ITER_MAX 1000000 /* iterator steps of one expansion, at most */
int ics_expand_obj(const struct ics_object *o, int64_t from, int64_t to, int max, int with_overrides,
		   int (*cb)(void *ctx, const struct ics_occurrence *oc), void *ctx, int *truncated);
int ics_rrule_check(const struct ics_event *m, const char **why);
int64_t ics_range_end(const struct ics_object *o);
int ics_is_occurrence(const struct ics_object *o, int64_t rid);

#endif
