/* The <C:filter> of a calendar-query (RFC 4791 section 9.7) as report.c
 * reads it: the VEVENT comp-filter's time-range, a UID text-match (on the
 * column), other prop-filters (filters.c). Declared here so that the fuzzer
 * (fuzz/fuzz_dav_xml.c) reaches the reading that REPORT does. */
#ifndef DAV_QUERY_H
#define DAV_QUERY_H

#include <libxml/tree.h>
#include <stdint.h>

#include "dav/filters.h"
#include "http/request.h"

struct dav_query_filter {
	int64_t from, to; /* the time-range: INT64_MIN and INT64_MAX when there is none */
	char *uid_match;  /* text-match on UID (libxml2 string: xmlFree), or NULL */
	int uid_negate, uid_octet;
	struct dav_filters *pf; /* other prop-filters (arena), or NULL */
};

/* reads filter into q (from and to set by the caller, INT64_MIN/INT64_MAX);
 * *none when nothing can match. 0, or E_INVALID after answering 403 with the
 * precondition (valid-filter, supported-filter) */
int dav_query_filter_read(struct req *r, const xmlNode *filter, struct dav_query_filter *q, int *none);

#endif
