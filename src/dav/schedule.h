/* CalDAV scheduling collections (RFC 6638 section 2): each user's schedule
 * inbox and outbox, at
 *   /dav/scheduling/<user_id>/inbox/   (DAV_INBOX; what is in it: DAV_INBOX_ITEM)
 *   /dav/scheduling/<user_id>/outbox/  (DAV_OUTBOX)
 * named by the principal's schedule-inbox-URL and schedule-outbox-URL, and
 * the outbox POST that answers free-busy requests for users and rooms of
 * the caller's account (section 5) with the busy time of calendar/busy.h.
 * What a write sends to the people a meeting invites is not here but in
 * calendar/scheduling.c, by way of event_write (calendar/event_store.h). */
#ifndef DAV_SCHEDULE_H
#define DAV_SCHEDULE_H

#include "core/buf.h"
#include "dav/path.h"
#include "dav/xml.h"
#include "http/request.h"
#include "store/store.h"

struct dav_res;
struct ics_object;

/* rest: the path after "/dav/scheduling/" */
void dav_schedule_parse(struct arena *a, const char *rest, struct dav_path *out);
const char *dav_href_inbox(struct arena *a, const char *user_id);
const char *dav_href_outbox(struct arena *a, const char *user_id);

/* dav_resource_load for the kinds above: the caller's own, else 404 */
int dav_schedule_load(struct req *r, struct db *db, const struct dav_path *p, struct dav_res *res);
/* the inside of DAV:resourcetype and the privileges (RFC 6638 section 6) of those kinds */
int dav_schedule_resourcetype(struct buf *b, int kind);
int dav_schedule_privileges(struct buf *b, int kind);
/* schedule-default-calendar-URL: the caller's default calendar (their home when they have none) */
const char *dav_schedule_default_calendar(struct req *r);

/* Schedule-Tag (RFC 6638 section 3.2.10) of events with an ORGANIZER:
 * If-Schedule-Tag-Match on PUT and DELETE (412 when it does not hold), and
 * the header on GET and PUT answers */
int dav_schedule_tag_check(struct req *r, const struct dav_res *res);
void dav_schedule_tag_header(struct req *r, const char *ical, const char *organizer);

/* the inbox's messages for a PROPFIND at Depth 1; GET and DELETE of one */
struct dav_proplist;
int dav_schedule_members(struct req *r, struct db *db, const struct dav_proplist *want, struct buf *b);
int dav_schedule_item_get(struct req *r, const struct dav_res *res);
/* inside the caller's write transaction, which it commits */
int dav_schedule_item_delete(struct req *r, struct db *db, const struct dav_res *res);

/* REPORT sync-collection (RFC 6578) on the caller's inbox: the messages
 * delivered since the token, 403 valid-sync-token when any left since */
int dav_schedule_sync(struct req *r, struct db *db, const xmlNode *root);

/* POST: the outbox's free-busy request; anywhere else 405 */
int dav_schedule_post(struct req *r, struct db *db, const struct dav_path *p);

#endif
