/* Zoom's webhook deliveries waiting to be processed, and processed ones kept
 * for a while (migration 030): stored durably by POST /webhooks/zoom before it
 * answers, claimed by the worker of any node in order of arrival per Zoom
 * user, retried with back-off, given up after a number of attempts. */
#ifndef STORE_ZOOM_WEBHOOKS_H
#define STORE_ZOOM_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

struct db;

#define ZOOM_WEBHOOK_EVENT_MAX 64 /* buffer for an event's name */
#define ZOOM_WEBHOOK_ID_MAX 80    /* buffer for a Zoom user or account id */

struct zoom_webhook_event {
	char id[ID_MAX]; /* "zwe_…" */
	char event[ZOOM_WEBHOOK_EVENT_MAX];
	char zoom_user_id[ZOOM_WEBHOOK_ID_MAX];    /* "" when the payload names none */
	char zoom_account_id[ZOOM_WEBHOOK_ID_MAX]; /* "" when none */
	char *body;                                /* the JSON as received; malloc'd when claimed */
	int64_t received_at;                       /* seconds */
	int64_t received_us;                       /* microseconds: the order of arrival */
	int attempts;                              /* including the one being made */
	char status[12];                           /* pending | working | done | failed */
	char error[300];                           /* "" when none */
	int64_t processed_at;                      /* 0 while open */
};

/* stores a verified delivery as pending (id and times filled when empty);
 * E_CONFLICT when a delivery with the same replay_key was stored before */
int store_zoom_webhook_insert(struct db *db, struct zoom_webhook_event *e, const char *replay_key);
/* Takes the oldest due open event whose Zoom user has no older open event
 * (so that one user's events are processed in order, whatever node takes
 * them; events naming no user never wait), marks it working until now +
 * lease and counts the attempt. A working event whose lease ran out counts
 * as open. E_NOTFOUND when none is due. out->body is malloc'd:
 * store_zoom_webhook_free. */
int store_zoom_webhook_claim(struct db *db, int64_t now, int lease, struct zoom_webhook_event *out);
/* The open events of the same Zoom user that follow `after` (a claimed
 * event of that user) while their name starts with prefix, in order, up to
 * max: what one reload answers for at once. They stay pending (no other node
 * can take them while the claimed one is open); bodies malloc'd. */
int store_zoom_webhook_following(struct db *db, const struct zoom_webhook_event *after, const char *prefix,
				 struct zoom_webhook_event *out, int max, int *n);
void store_zoom_webhook_free(struct zoom_webhook_event *e);
/* done (error NULL or a note), whether it was claimed or followed the claimed one */
int store_zoom_webhook_done(struct db *db, const char *id, int64_t now, const char *note);
/* back to pending until next_at, the error kept */
int store_zoom_webhook_retry(struct db *db, const char *id, int64_t next_at, const char *error);
/* back to pending until next_at without counting the claim as an attempt
 * (nothing failed: the worker chose to wait) */
int store_zoom_webhook_defer(struct db *db, const char *id, int64_t next_at);
/* given up after repeated failures: kept as failed with its error */
int store_zoom_webhook_fail(struct db *db, const char *id, int64_t now, const char *error);
/* deletes done events processed before done_before and failed ones before
 * failed_before; *n the number deleted (may be NULL) */
int store_zoom_webhook_purge(struct db *db, int64_t done_before, int64_t failed_before, int64_t *n);
/* when the next open event is due: 0 and *at, or E_NOTFOUND when none is open */
int store_zoom_webhook_next_due(struct db *db, int64_t *at);
/* for the operator and the tests: one event by id (body malloc'd) */
int store_zoom_webhook_get(struct db *db, const char *id, struct zoom_webhook_event *out);
/* how many events there are in a status (NULL: all) */
int store_zoom_webhook_count(struct db *db, const char *status, int64_t *n);
/* a passcode a webhook told (meeting.created/updated carry `password`, the
 * meetings list does not): set on the cached meeting if it is cached */
int store_zoom_webhook_passcode(struct db *db, const char *zoom_user_id, int64_t meeting_id, const char *passcode);
/* the Zoom user whose cached meeting this is (a meeting event that names no
 * host): E_NOTFOUND when no cache holds it */
int store_zoom_webhook_meeting_owner(struct db *db, int64_t meeting_id, char *out, size_t n);

#endif
