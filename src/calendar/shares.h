/* Shares of a calendar over the JSON API: listed, granted, changed and
 * revoked by its owner or a `manager` grantee. */
#ifndef CALENDAR_SHARES_H
#define CALENDAR_SHARES_H

#include <jansson.h>

#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

extern const struct route shares_routes[];

/* appends to items (calendar_json) the calendars shared with the caller,
 * each with their highest role, by name; not those they own */
int shares_append_calendars(struct req *r, struct db *db, json_t *items);

#endif
