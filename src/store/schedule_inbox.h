/* Schedule inboxes (migration 015): scheduling messages delivered to a user,
 * one per recipient and UID. */
#ifndef STORE_SCHEDULE_INBOX_H
#define STORE_SCHEDULE_INBOX_H

#include <stdint.h>

#include "core/arena.h"
#include "core/ids.h"

struct db;

struct inbox_item {
	const char *account_id, *user_id, *name, *uid, *method, *ical, *etag;
	int64_t created_at;
};

/* replaces the recipient's message of the same UID, if any (a REPLY: the
 * message of the same name) */
int store_inbox_put(struct db *db, const struct inbox_item *it);
/* each message of the user, oldest first; strings valid during the callback */
int store_inbox_list(struct db *db, const char *account_id, const char *user_id,
		     int (*cb)(void *ctx, const struct inbox_item *it), void *ctx);
/* one message, copied into the arena; E_NOTFOUND */
int store_inbox_get(struct db *db, struct arena *a, const char *account_id, const char *user_id, const char *name,
		    struct inbox_item *out);
int store_inbox_delete(struct db *db, const char *account_id, const char *user_id, const char *name);

#endif
