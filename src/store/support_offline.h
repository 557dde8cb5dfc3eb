/* Offline requests answered by e-mail and the transcript by mail: whose turn
 * an offline request is, the single-use link back to it that an answer mails
 * (only its hash is kept) and when the transcript was last mailed. */
#ifndef STORE_SUPPORT_OFFLINE_H
#define STORE_SUPPORT_OFFLINE_H

#include <stdint.h>

#include "core/ids.h"

struct db;

/* an offline request's turn: "technician" or "customer"; E_CONFLICT when it is not offline */
int store_support_offline_turn(struct db *db, const char *account_id, const char *id, const char *awaiting,
			       int64_t now);
/* a technician answered: the customer's turn, and the link the answer mails
 * replaces any earlier one (which then no longer works) */
int store_support_offline_answered(struct db *db, const char *account_id, const char *id, const char *link_hash,
				   int64_t expires_at, int64_t now);

struct support_link {
	char id[ID_MAX]; /* the session */
	char portal_id[ID_MAX];
	int64_t expires_at;
	int64_t used_at; /* 0 when not yet exchanged */
};
/* the account's session whose current link has this hash; E_NOTFOUND when none */
int store_support_link_find(struct db *db, const char *account_id, const char *link_hash, struct support_link *out);
/* exchanges the link once: it is marked used and the session's customer
 * token becomes token_hash; E_CONFLICT when it was used (or replaced) meanwhile */
int store_support_link_use(struct db *db, const char *account_id, const char *id, const char *link_hash,
			   const char *token_hash, int64_t now);

/* takes the session's transcript mail turn when the last one was sent at or
 * before `since`: 0 (and sent_at = now), or E_BUSY with *last set */
int store_support_transcript_mark(struct db *db, const char *account_id, const char *id, int64_t since, int64_t now,
				  int64_t *last);

#endif
