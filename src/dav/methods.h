/* The WebDAV/CalDAV method handlers that dav.c dispatches to, once the
 * caller is authenticated and the path parsed: one file per method family. */
#ifndef DAV_METHODS_H
#define DAV_METHODS_H

#include "dav/path.h"
#include "http/request.h"
#include "store/store.h"

int dav_propfind(struct req *r, struct db *db, const struct dav_path *p);   /* propfind.c */
int dav_report(struct req *r, struct db *db, const struct dav_path *p);     /* report.c */
int dav_object_get(struct req *r, struct db *db, const struct dav_path *p); /* objects.c */
int dav_object_put(struct req *r, struct db *db, const struct dav_path *p);
int dav_object_delete(struct req *r, struct db *db, const struct dav_path *p); /* events and calendars */
int dav_object_move(struct req *r, struct db *db, const struct dav_path *p);   /* MOVE and COPY */
int dav_mkcalendar(struct req *r, struct db *db, const struct dav_path *p);    /* collections.c */
int dav_proppatch(struct req *r, struct db *db, const struct dav_path *p);

/* the props a PROPFIND body asks for (propfind.c); answers 400 when it is not one */
struct dav_proplist;
int dav_propfind_body(struct req *r, struct dav_proplist *want);

/* a body that is not well-formed XML, or not the element expected: 400 */
int dav_bad_xml(struct req *r, const char *why);

#endif
