/* The calendar-data element of a REPORT's prop (RFC 4791 section 9.6): with
 * <C:expand start end/> each occurrence in the window comes as its own
 * VEVENT in UTC with its RECURRENCE-ID; with <C:limit-recurrence-set/> the
 * series keeps only the overrides touching the window; with <C:comp> and
 * <C:prop> (section 9.6.1 to 9.6.4) only the components and properties
 * named are given (allcomp, allprop; novalue is not served). */
#ifndef DAV_EXPAND_H
#define DAV_EXPAND_H

#include <libxml/tree.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/request.h"
#include "store/store.h"

struct dav_comp_sel; /* a <C:comp> selection (expand.c) */

struct dav_caldata {
	int expand, limit;
	const struct dav_comp_sel *sel; /* or NULL: everything */
	int64_t expand_from, expand_to, limit_from, limit_to;
	const char *tz; /* the calendar's zone, for floating times */
	/* occurrences expanded so far for this answer (arena), and how many it
	 * may hold: report_max_instances */
	int64_t *instances, max_instances;
	int *over_object; /* set when one event alone had more than ICS_MAX_INSTANCES */
};

/* "20261203T100000Z" -> UTC seconds; E_INVALID otherwise */
int dav_utc_read(const char *s, int64_t *out);

/* the options of <C:calendar-data> in prop (a DAV:prop element, or NULL):
 * 0 with *out NULL when there are none to apply, or an error after answering */
int dav_caldata_read(struct req *r, const xmlNode *prop, const char *tz, const struct dav_caldata **out);

/* the event as dav_render_object gives it (the caller's variant), with cd
 * applied; E_TOOLARGE when its expansion would pass the answer's budget of
 * occurrences (or ICS_MAX_INSTANCES for one event: *over_object), E_TIMEOUT past the request's */
int dav_caldata_render(struct buf *b, int role, const struct event_row *e, const struct dav_caldata *cd);

#endif
