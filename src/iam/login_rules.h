/* The login rules that work by e-mail: self-service password reset and
 * e-mail validation at first sign-in, each through a single-use link whose
 * mail is queued in the same transaction as its token. */
#ifndef IAM_LOGIN_RULES_H
#define IAM_LOGIN_RULES_H

#include <stddef.h>

#include "http/router.h"
#include "store/store.h"

#define RESET_TTL (3600)
#define VALIDATE_TTL (24 * 3600)
#define RESET_MIN_INTERVAL 60
#define VALIDATE_MIN_INTERVAL 600 /* at sign-in */
#define RESEND_MIN_INTERVAL 60    /* when the user asks again */

extern const struct route login_rules_routes[];

/* inside the caller's write transaction: queues a validation mail unless one
 * was queued in the last VALIDATE_MIN_INTERVAL seconds; *queued says whether
 * it did (call outbox_kick() after commit) */
int login_rules_queue_validation(struct db *db, const struct user *u, int *queued);
/* inside the caller's write transaction: a reset link for u asked by an
 * administrator, usable even when u may not reset their password themselves
 * (call outbox_kick() after commit) */
int login_rules_queue_admin_reset(struct db *db, const struct user *u);
/* the language mail and the admin center use for u: u's own, else the first company's, else the account's */
void login_rules_language(struct db *db, const struct user *u, char *out, size_t n);

#endif
