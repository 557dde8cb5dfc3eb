/* What an event resource looks like to a caller, by their role on its
 * calendar: owners and editors get the stored text; viewers the same, but
 * private and confidential events as busy blocks; freebusy grantees busy
 * blocks without even a SUMMARY. Each variant has its own strong ETag. */
#ifndef DAV_RENDER_H
#define DAV_RENDER_H

#include "core/arena.h"
#include "core/buf.h"
#include "store/store.h"

enum dav_detail { DAV_DETAIL_FULL, DAV_DETAIL_BUSY, DAV_DETAIL_NO_SUMMARY };

enum dav_detail dav_render_detail(int role, const struct event_row *e);
/* the ETag of that variant (arena string, quoted) */
const char *dav_render_etag(struct arena *a, int role, const struct event_row *e);
/* the VCALENDAR (with the VTIMEZONEs the text uses) appended to b */
int dav_render_object(struct buf *b, int role, const struct event_row *e);
/* s appended to b without its SUMMARY lines (and their folded continuations):
 * what a freebusy grantee gets of busy text */
int dav_render_without_summary(struct buf *b, const char *s);

#endif
