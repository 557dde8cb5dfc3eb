/* Support sessions (live chats and offline requests), their transcript,
 * technicians' presence and the queue, for src/support/ (the portals
 * themselves: store/portals.h). */
#ifndef STORE_SUPPORT_SESSIONS_H
#define STORE_SUPPORT_SESSIONS_H

#include <stdint.h>

#include "core/ids.h"

struct db;

#define SUPPORT_TEXT_MAX 4096

struct support_session {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char portal_id[ID_MAX];
	char company_id[ID_MAX];
	char state[12];
	char customer_name[256];
	char customer_email[256];
	char token_hash[HASH_HEX_MAX];
	char team_id[ID_MAX];       /* "" when none */
	char technician_id[ID_MAX]; /* "" when none */
	char technician_name[256];  /* the technician's display name, "" when none */
	char offered_to[ID_MAX];    /* "" when none */
	char closed_by[16];
	int64_t last_seq, customer_read_seq, technician_read_seq;
	int64_t customer_typing_at, technician_typing_at;
	int64_t created_at, picked_up_at, closed_at, updated_at;
	int64_t queued_us;             /* arrival in the queue, microseconds: its order */
	char customer_user_id[ID_MAX]; /* a customer signed in on the portal; "" when none (written, not read back) */
	char language[8];              /* of the customer's mails: en | fr | ru */
	char awaiting[12];             /* an offline request's turn: technician | customer ("" when live) */
};

struct support_message {
	int64_t seq;
	char author_kind[16];
	char author_id[ID_MAX];
	char kind[8];
	char body[SUPPORT_TEXT_MAX * 2]; /* "" once erased */
	int64_t created_at;
};

/* question may be NULL */
int store_support_session_insert(struct db *db, const struct support_session *s, const char *question);
int store_support_session_get(struct db *db, const char *account_id, const char *id, struct support_session *out);
/* appends to the transcript: the session's next seq, in *seq (write transaction) */
int store_support_message_add(struct db *db, const char *account_id, const char *session_id, const char *author_kind,
			      const char *author_id, const char *kind, const char *body, int64_t now, int64_t *seq);
/* the messages after seq, oldest first, at most max; notes = 0 leaves the private ones out */
int store_support_messages_after(struct db *db, const char *account_id, const char *session_id, int64_t after,
				 int notes, struct support_message *out, int max, int *n);
/* messages the customer wrote since `since` (the rate limit) */
int store_support_customer_messages_since(struct db *db, const char *account_id, const char *session_id, int64_t since,
					  int64_t *n);

/* waiting -> active for tech: E_CONFLICT when it is not waiting (someone else has it, or closed) */
int store_support_session_pick_up(struct db *db, const char *account_id, const char *id, const char *tech_id,
				  int64_t now);
/* any open state -> closed; E_CONFLICT when already closed */
int store_support_session_close(struct db *db, const char *account_id, const char *id, const char *by, int64_t now);
/* to a technician (active, theirs) or to a team (waiting again, for that team) */
int store_support_session_transfer(struct db *db, const char *account_id, const char *id, const char *tech_id,
				   const char *team_id, int64_t now);
int store_support_session_offer(struct db *db, const char *account_id, const char *id, const char *tech_id,
				int64_t now);
/* side "customer" or "technician"; a read mark never goes back */
int store_support_session_read(struct db *db, const char *account_id, const char *id, const char *side, int64_t seq);
int store_support_session_typing(struct db *db, const char *account_id, const char *id, const char *side, int64_t now);
/* first answer of a technician */
int store_support_session_answered(struct db *db, const char *account_id, const char *id, int64_t now);

/* 1-based place among the portal's waiting sessions (0 when not waiting) */
int store_support_queue_position(struct db *db, const struct support_session *s, int64_t *pos);
/* mean wait of the portal's last 20 picked-up sessions, in seconds (-1: none yet) */
int store_support_wait_estimate(struct db *db, const char *account_id, const char *portal_id, int64_t *secs);

/* Who serves: members (and managers) of a serving team or of one of its
 * sub-teams, who belong to the portal's company. A portal without teams is
 * served by its parent's. *yes = 1 or 0. */
int store_support_serves(struct db *db, const char *account_id, const char *portal_id, const char *user_id, int *yes);
/* the queue (waiting) and open offline requests of the portals user_id
 * serves (NULL: every portal of the account), oldest first */
int store_support_queue_list(struct db *db, const char *account_id, const char *user_id, struct support_session *out,
			     int max, int *n);
/* the live sessions user_id has, oldest first (their console's chats) */
int store_support_sessions_of(struct db *db, const char *account_id, const char *user_id, struct support_session *out,
			      int max, int *n);
/* the least busy technician serving the portal (store/support_serving.h,
 * the same ones store_portal_available counts), under their limit: "" when none */
int store_support_least_busy(struct db *db, const char *account_id, const char *portal_id, int64_t fresh_after,
			     char out[ID_MAX]);
/* sessions waiting for their waiting message (portal wait_after_s elapsed), any account */
int store_support_wait_due(struct db *db, int64_t now, struct support_session *out, int max, int *n);
/* marks it sent: 1 when this call did (so only one node writes the message) */
int store_support_wait_mark(struct db *db, const char *account_id, const char *id, int64_t now);

struct support_presence {
	char state[12]; /* online | away | offline */
	int64_t max_sessions, seen_at, updated_at, active;
};
int store_support_presence_get(struct db *db, const char *account_id, const char *user_id,
			       struct support_presence *out);
int store_support_presence_put(struct db *db, const char *account_id, const char *user_id, const char *state,
			       int64_t now);
/* seen_at = now when older than older_than: 1 when written */
int store_support_presence_touch(struct db *db, const char *account_id, const char *user_id, int64_t now,
				 int64_t older_than);
int store_user_has_module(struct db *db, const char *account_id, const char *user_id, const char *module, int *yes);
/* is the team one of the account's? */
int store_support_team_exists(struct db *db, const char *account_id, const char *team_id, int *yes);

#endif
