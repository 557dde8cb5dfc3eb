/* The outbox: messages written in the same transaction as the change that
 * causes them, delivered later by a worker (notify/mailer.c). */
#ifndef STORE_OUTBOX_H
#define STORE_OUTBOX_H

#include <stdint.h>

#include "core/ids.h"

struct outbox_msg {
	char account_id[ID_MAX];
	char id[ID_MAX];
	const char *kind; /* mail */
	const char *recipient;
	const char *subject;
	const char *body;
	int64_t next_attempt_at;
	int64_t created_at;
};

/* fills id and times when empty */
int store_outbox_insert(struct db *db, struct outbox_msg *m);
/* messages not yet delivered (pending or being sent), all accounts */
int store_outbox_depth(struct db *db, int64_t *out);

/* a message claimed for delivery (strings owned by the struct) */
struct outbox_claim {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char kind[16];
	char recipient[256];
	char subject[512];
	char *body;   /* malloc'ed; outbox_claim_free */
	int attempts; /* including this one */
};

/* takes the oldest due message (pending and due, or a "sending" one whose
 * lease ran out), marks it "sending" until now + lease; E_NOTFOUND when
 * there is none. On PostgreSQL concurrent nodes skip each other's rows. */
int store_outbox_claim(struct db *db, int64_t now, int lease, struct outbox_claim *out);
void store_outbox_claim_free(struct outbox_claim *c);
int store_outbox_mark_sent(struct db *db, const char *account_id, const char *id, int64_t now);
int store_outbox_mark_retry(struct db *db, const char *account_id, const char *id, int64_t next_attempt_at,
			    const char *error);
/* sets a message aside that the SMTP server keeps refusing; it no longer counts as queued */
int store_outbox_mark_failed(struct db *db, const char *account_id, const char *id, const char *error);
/* one account's mail queue, for its administrators (notify/mail_status.h) */
struct outbox_stats {
	int64_t queued;           /* pending or being sent */
	int64_t oldest_queued_at; /* created_at of the oldest of them; 0 when none */
	int64_t failed;           /* set aside after repeated refusals */
	int64_t retrying;         /* queued after a failed attempt */
	char last_error[512];     /* of the queued message tried last, else of the newest failed one; "" */
};
int store_outbox_stats(struct db *db, const char *account_id, struct outbox_stats *out);
/* the message's delivery state, for the operator and the tests */
int store_outbox_status(struct db *db, const char *account_id, const char *id, char *status, size_t n,
			int64_t *attempts);

#endif
