/* The live properties we serve, per kind of resource (RFC 4918, 3744, 4791,
 * 5397, CalendarServer's getctag, Apple's calendar-color), and the
 * <D:response> of one resource for a PROPFIND or REPORT: the properties found
 * under 200, unknown ones under 404, withheld ones under 403, each status in
 * its own propstat, and the resource's dead properties (res->dead) with them. */
#ifndef DAV_PROPS_H
#define DAV_PROPS_H

#include <libxml/tree.h>

#include "core/buf.h"
#include "dav/resource.h"

enum dav_props_mode { DAV_PROPS_NAMED, DAV_PROPS_ALL, DAV_PROPS_NAMES };

struct dav_propname {
	const char *ns, *name;
};

struct dav_proplist {
	enum dav_props_mode mode;
	struct dav_propname *v;
	int n;
};

/* the props named in a <D:prop> element (arena copies) */
void dav_props_from_xml(struct arena *a, const xmlNode *prop, struct dav_proplist *out);
/* appends <D:response> for res to b */
int dav_props_response(struct req *r, const struct dav_res *res, const struct dav_proplist *want, struct buf *b);
/* <ns:name/> of a property, whatever its namespace (none included) */
void dav_props_name(struct buf *b, const char *ns, const char *name);
/* is {ns}name a live property of this kind of resource */
int dav_props_live(const char *ns, const char *name, enum dav_kind kind);
/* may a client not set {ns}name here: a live property of ours (of any kind
 * of resource but displayname) or one of RFC 4918's protected ones */
int dav_props_protected(const char *ns, const char *name, enum dav_kind kind);
/* the value of a calendar-timezone property: the VCALENDAR of a zone */
int dav_props_timezone(struct buf *b, const char *tzid);
/* <D:privilege> elements of a role */
int dav_props_privileges(struct buf *b, int role, enum dav_kind kind);

#endif
