/* Live chat between a portal's customer and technicians: what the customer's
 * routes (support/session_public.c), the technicians' (support/session_tech.c,
 * support/queue.c, support/presence.c) and the waiting-message worker share:
 * posting to a session's transcript, the session's JSON and its event log
 * stream. */
#ifndef SUPPORT_CHAT_H
#define SUPPORT_CHAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/request.h"
#include "http/router.h"
#include "store/store.h"
#include "support/portal_open.h"

#define CHAT_TEXT_MAX 4000 /* characters of one message */
/* an online technician not seen for longer counts as offline: the portals' rule */
#define CHAT_FRESH_S PORTAL_PRESENCE_FRESH_S
#define CHAT_TOUCH_S 30      /* at most one presence write per technician this often */
#define CHAT_TYPING_S 6      /* a typing indicator lasts this long */
#define CHAT_RATE_PER_MIN 30 /* messages a customer may send per minute */

/* 0 when text is 1..CHAT_TEXT_MAX characters of text; else answers 422 naming field */
int chat_text_ok(struct req *r, const char *field, const char *text);
/* appends a message and says the session changed (inside a write transaction) */
int chat_post(struct db *db, const struct support_session *s, const char *author_kind, const char *author_id,
	      const char *kind, const char *body, int64_t now);
/* a state change in the transcript: {"type": "state", "state": state, "by": by} (by may be NULL) */
int chat_post_state(struct db *db, const struct support_session *s, const char *state, const char *by,
		    const char *technician_name, int64_t now);
/* the session, its queue (the account's, for consoles, and the portal's,
 * for its waiting customers) and the account's staff changed (store_changed) */
int chat_changed(struct db *db, const struct support_session *s, int queue, int staff);
/* offers a waiting session to the least busy online technician who serves its portal */
int chat_offer(struct db *db, struct support_session *s, int64_t now);
/* 0 for technicians, managers and admins; else answers 403 */
int chat_staff(struct req *r);
/* the session {id} for the support staff (support/session_staff.c): those
 * who serve its portal and admins; a manager holding supervisor_view over it
 * reads it and gets 403 watching-only when write; anyone else 404, as if it
 * did not exist. write = 1: inside a write transaction (rolled back on error) */
int chat_session_load(struct req *r, struct db **db, struct support_session *s, int write);
/* a presence as the API shows it: the chosen state and the effective one
 * (offline when not seen for CHAT_FRESH_S, busy at the limit) */
json_t *chat_presence_json(const struct support_presence *p, int64_t now);
json_t *chat_session_json(struct db *db, const struct support_session *s, int technician);
/* a transcript message as the API shows it (author_id for technicians only) */
json_t *chat_message_json(const struct support_message *m, int technician);
/* answers r with the session's event log: messages (id = seq; no notes unless
 * technician) and a `status` event (no id) whenever state, position, typing or
 * read marks change */
int chat_stream(struct req *r, const struct support_session *s, int technician);

/* the rights are iam's (above support): routes.c gives the function saying
 * whether a user may use a right (by name) on something served by these
 * teams: 1, 0 or a negative error (iam/rights.h rights_support_allows) */
typedef int (*chat_right_fn)(struct db *db, const char *account_id, const char *user_id, const char *role,
			     const char *const *team_ids, size_t n, const char *right);
void chat_rights_hook(chat_right_fn fn);
/* may the caller use right on the session (the teams serving its portal):
 * 1, 0 or a negative error; admins always may (support/session_rights.c) */
int chat_may(struct req *r, struct db *db, const struct support_session *s, const char *right);
/* may the caller replay the session (export = 1: export it)? 1, 0 or < 0 (support/replay.c) */
int chat_replay_may(struct req *r, struct db *db, const struct support_session *s, int export);

/* closes the session, which `by` (customer | technician | system) did: the
 * store's state, the transcript's state event and the recording (kept for its
 * retention, or erased now); every close path goes through here (inside a
 * write transaction; E_CONFLICT when it was closed already) */
int chat_close(struct db *db, const struct support_session *s, const char *by, int64_t now);
/* session recording (support/recording.c): a new session takes its
 * company's session_recording; a closed one keeps its transcript for
 * session_retention_days when recorded, else loses it now (inside the
 * closing transaction) */
int chat_recording_start(struct db *db, const struct support_session *s);
int chat_recording_close(struct db *db, const struct support_session *s, int64_t now);

extern const struct route support_public_session_routes[];
extern const struct route support_tech_session_routes[];
extern const struct route support_queue_routes[];
extern const struct route support_presence_routes[];
extern const struct route support_file_routes[];
extern const struct route support_replay_routes[];
extern const struct route support_history_routes[];        /* support/history.c */
extern const struct route support_session_device_routes[]; /* support/session_device.c */

/* the worker that sends a portal's waiting message once a session has waited wait_after_s */
int support_wait_worker_start(void);
void support_wait_worker_stop(void);
/* the worker that erases closed sessions' transcripts when due (support/retention.c) */
int support_retention_worker_start(void);
void support_retention_worker_stop(void);

#endif
