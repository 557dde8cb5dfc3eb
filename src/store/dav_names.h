/* dav_calendar_names: the name a client gave a calendar it made over CalDAV
 * (MKCALENDAR at /dav/calendars/<owner>/<name>/), the last segment of its
 * address in the owner's home. Calendars without a row are at their id. */
#ifndef STORE_DAV_NAMES_H
#define STORE_DAV_NAMES_H

#include <stddef.h>

#include "core/ids.h"

struct db;

#define DAV_NAME_MAX 256

/* the name of a calendar (E_NOTFOUND: it has none, its id is its name) */
int store_dav_calendar_name(struct db *db, const char *account_id, const char *calendar_id, char *out, size_t n);
/* the calendar an owner named so (E_NOTFOUND when none) */
int store_dav_calendar_named(struct db *db, const char *account_id, const char *owner_id, const char *name,
			     char out[ID_MAX]);
int store_dav_calendar_name_insert(struct db *db, const char *account_id, const char *owner_id, const char *name,
				   const char *calendar_id);

#endif
