/* Dead properties (RFC 4918 section 4.1): what PROPPATCH sets that convene
 * does not interpret, on calendars, events and plain resources, kept as the
 * property element's own XML (its namespaces declared, its xml:lang kept) in
 * store/dav_props.h, and loaded for PROPFIND. Bounded per property and per
 * resource; a PROPPATCH that would pass a bound fails with 507. */
#ifndef DAV_DEADPROPS_H
#define DAV_DEADPROPS_H

#include <libxml/tree.h>

#include "dav/resource.h"

#define DAV_DEAD_VALUE_MAX (16 * 1024)    /* bytes of one property's XML */
#define DAV_DEAD_RESOURCE_MAX (64 * 1024) /* bytes of one resource's properties */
#define DAV_DEAD_COUNT_MAX 64             /* properties of one resource */

/* the element p as stand-alone XML (arena string), or NULL when too large */
const char *dav_dead_xml(struct arena *a, const xmlNode *p);
/* fills res->dead / res->ndead */
int dav_dead_load(struct req *r, struct db *db, struct dav_res *res);

#endif
