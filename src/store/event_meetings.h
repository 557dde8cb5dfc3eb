/* The Zoom meeting of an event of a conference's schedule (migration 031):
 * which meeting, of which Zoom user, with its join link, and whether convene
 * created it (then it deletes it with the event). */
#ifndef STORE_EVENT_MEETINGS_H
#define STORE_EVENT_MEETINGS_H

#include <stdint.h>

#include "core/ids.h"

struct db;

struct event_meeting {
	char account_id[ID_MAX];
	char conference_id[ID_MAX];
	char event_id[ID_MAX];
	char connection_id[ID_MAX]; /* "" when unknown */
	char zoom_user_id[80];
	int64_t meeting_id;
	char join_url[1024];
	char passcode[64]; /* "" when unknown */
	int created_here;
	int64_t created_at;
};

/* E_NOTFOUND when the event has none */
int store_event_meeting_get(struct db *db, const char *account_id, const char *event_id, struct event_meeting *out);
/* E_CONFLICT when the event has one already */
int store_event_meeting_insert(struct db *db, const struct event_meeting *m);
/* E_NOTFOUND when the event had none */
int store_event_meeting_delete(struct db *db, const char *account_id, const char *event_id);
/* how many events (of any account) use the meeting */
int store_event_meeting_uses(struct db *db, const char *zoom_user_id, int64_t meeting_id, int64_t *n);

#endif
