/* The outbox: messages written in the same transaction as the change that
 * causes them, delivered later by a worker (notify/mailer.c). */
#ifndef STORE_OUTBOX_H
#define STORE_OUTBOX_H

#include <stdint.h>

#include "core/ids.h"

struct outbox_msg {
	char account_id[ID_MAX];
	char id[ID_MAX];
	const char *kind;      /* mail */
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

#endif
