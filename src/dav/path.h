/* The CalDAV namespace under /dav/: which resource a path names, and the
 * canonical, percent-encoded hrefs we answer with. The scheme:
 *   /dav/                                       the root
 *   /dav/principals/<user_id>/                  a user's principal
 *   /dav/calendars/<user_id>/                   their calendar home
 *   /dav/calendars/<user_id>/<calendar>/        a calendar they own or that is shared with them:
 *                                               its id, or the name its owner gave it (MKCALENDAR)
 *   /dav/calendars/<user_id>/<calendar>/<name>  one event (every VEVENT of a UID), at the name it
 *                                               was PUT to ("<uid>.ics" for events made elsewhere)
 *   /dav/calendars/<user_id>/<calendar>/<dir>/… a plain WebDAV collection and what it holds
 *                                               (RFC 4791 section 4.2; name: the path after the calendar)
 * Paths arrive percent-decoded once (by libmicrohttpd, or by
 * dav_path_from_href for hrefs in bodies and Destination): a stored name is
 * that decoded segment, encoded again (dav_href_segment) in every href. */
#ifndef DAV_PATH_H
#define DAV_PATH_H

#include "core/arena.h"
#include "core/buf.h"

enum dav_kind {
	DAV_NONE = 0, /* no resource of ours */
	DAV_ROOT,
	DAV_PRINCIPALS, /* /dav/principals/ */
	DAV_PRINCIPAL,
	DAV_HOMES, /* /dav/calendars/ */
	DAV_HOME,
	DAV_CALENDAR,
	DAV_OBJECT,
	DAV_FILE,  /* a plain collection ("<dir>/") or file under one, inside a calendar (files.c) */
	DAV_INBOX, /* /dav/scheduling/<user_id>/inbox/ and what is in it, and the outbox (schedule.h) */
	DAV_INBOX_ITEM,
	DAV_OUTBOX,
};

struct dav_path {
	enum dav_kind kind;
	const char *user_id;     /* arena strings, or NULL */
	const char *calendar_id; /* the calendar's segment: an id or a name */
	const char *name;        /* DAV_OBJECT: the decoded rest of the path (a valid name has no '/');
				  * DAV_FILE: the rest, with a '/' (a collection's ends with one) */
	int slash;               /* the path ended with '/' */
	const char *room_id;     /* /dav/principals/rooms/<room_id>/ and /dav/calendars/rooms/<room_id>/…
				  * (principals.c): user_id is then DAV_ROOMS, calendar_id the room id */
	int server_root;         /* DAV_ROOT asked at "/" or a well-known address (dav.c): its href is
				  * that address, its member "/dav/" */
};

/* the user-id segment of rooms' principals and calendars (no user id is "rooms") */
#define DAV_ROOMS "rooms"

/* rest: the part of a decoded path after "/dav/" (or a full href, which may
 * be percent-encoded and absolute: multiget's hrefs) */
void dav_path_parse(struct arena *a, const char *rest, struct dav_path *out);
/* an href from a client: "http://host/dav/..." or "/dav/...", percent-decoded */
int dav_path_from_href(struct arena *a, const char *href, struct dav_path *out);

/* a resource name a client may choose (event or calendar): 1 to 255 bytes,
 * no '/', no control character, not "." or ".." */
int dav_name_valid(const char *name);

/* appends s percent-encoded for a path segment (RFC 3986 unreserved kept) */
int dav_href_segment(struct buf *b, const char *s);
/* arena hrefs */
const char *dav_href_principal(struct arena *a, const char *user_id);
const char *dav_href_home(struct arena *a, const char *user_id);
/* segment: the calendar's id or name; name: the event's resource name */
const char *dav_href_calendar(struct arena *a, const char *user_id, const char *segment);
const char *dav_href_object(struct arena *a, const char *user_id, const char *segment, const char *name);
/* a plain resource's href: calendar_href + path, each segment encoded */
const char *dav_href_file(struct arena *a, const char *calendar_href, const char *path);

#endif
