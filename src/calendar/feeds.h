/* ICS feeds of calendars: private ones (HTTP Basic with the user's e-mail and
 * password, or a session; the caller's role decides what they show) and
 * public ones (a 256-bit secret in the path, rotatable), with the routes that
 * create, rotate, revoke and describe a calendar's public feed. */
#ifndef CALENDAR_FEEDS_H
#define CALENDAR_FEEDS_H

#include <jansson.h>

#include "core/ids.h"
#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

extern const struct route feeds_routes[];

/* A calendar's public feed is also addressed as a share (issue 3 section 7):
 * "pub_" and the calendar id's 20 characters. The handlers below read the
 * calendar from the route parameter `id` and answer the feed as a share
 * (`feed_url` shown only when a secret is made). */
void feeds_public_share_id(const char *calendar_id, char out[ID_MAX]);
json_t *feeds_public_json(const struct public_feed *f);
int feeds_public_put(struct req *r); /* body {detail} */
/* creates the public feed (or, unless only_new, changes its detail; NULL keeps it) */
int feeds_public_set(struct req *r, const char *detail, int only_new);
int feeds_public_rotate(struct req *r);
int feeds_public_delete(struct req *r);

#endif
