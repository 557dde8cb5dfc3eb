/* calendar-query prop-filters beyond UID (RFC 4791 section 9.7.2): on any
 * property of the VEVENT (SUMMARY, LOCATION, DESCRIPTION, ATTENDEE,
 * ORGANIZER, STATUS, CATEGORIES, …), with a text-match (i;ascii-casemap or
 * i;octet, negate-condition) or is-not-defined, and param-filters on one
 * parameter of it (is-not-defined or text-match). They are matched against
 * what the caller may read (dav/render.c's variant), so a filter never
 * reveals a hidden SUMMARY. */
#ifndef DAV_FILTERS_H
#define DAV_FILTERS_H

#include <libxml/tree.h>

#include "store/store.h"

#define DAV_FILTERS_MAX 8

struct dav_text_match {
	char text[256];
	int negate, octet;
};

struct dav_pfilter {
	char name[64];   /* the property, upper-case */
	int not_defined; /* is-not-defined */
	int has_text;
	struct dav_text_match tm;
	char param[64]; /* a param-filter's parameter, or "" */
	int param_not_defined, param_has_text;
	struct dav_text_match ptm;
};

struct dav_filters {
	struct dav_pfilter v[DAV_FILTERS_MAX];
	int n;
};

/* adds the <C:prop-filter> f: 0, or E_INVALID when it is not one we serve */
int dav_filter_read(const xmlNode *f, struct dav_filters *out);
/* 1 when one VEVENT of the event (master or override) passes every filter */
int dav_filter_match(const struct dav_filters *fs, int role, const struct event_row *e);

#endif
