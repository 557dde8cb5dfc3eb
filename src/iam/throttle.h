/* Throttling of password guesses, by what the guesser controls rather than
 * by user: an e-mail address (whether or not a user has it), the pair of that
 * address and the client's network, and the client's network alone. Locks
 * fall on the attacker's pairs and network, so nobody can lock a user out
 * from elsewhere, and unknown addresses are throttled exactly like real ones. */
#ifndef IAM_THROTTLE_H
#define IAM_THROTTLE_H

#include <stdint.h>

#include "core/ids.h"
#include "http/request.h"
#include "store/store.h"

#define THROTTLE_PAIR_FREE 5        /* failures of one address from one network before it locks */
#define THROTTLE_EMAIL_HOT 20       /* failures of one address from anywhere that make it "under attack" */
#define THROTTLE_EMAIL_LEAK 180     /* ... of which one is forgotten every 3 minutes */
#define THROTTLE_ADDRESS_LIMIT 100  /* default failures per hour from one network (login_address_limit) */
#define THROTTLE_FORGET (24 * 3600) /* a pair's count is forgotten a day after its last failure */

struct throttle {
	char pair[HASH_HEX_MAX], email[HASH_HEX_MAX], net[HASH_HEX_MAX];
	struct throttle_row row[3]; /* pair, email, net */
	int64_t locked_until;       /* the latest lock of the three, 0 if none */
	char network[64];           /* the client's network as counted (for the audit) */
};

/* reads the state of the attempt of `email` (lower-cased) from r's client */
int throttle_check(struct req *r, struct db *db, const char *email, int64_t now, struct throttle *t);
/* counts one failure in a transaction of its own (so that it sticks); when
 * user is not NULL and the pair has reached its limit, audits it in the
 * user's account */
int throttle_failure(struct req *r, struct db *db, struct throttle *t, const struct user *user, int64_t now);
/* a right password from this network: its pair starts again (the e-mail and
 * network counts only drain with time, or an attacker could reset them) */
int throttle_success(struct db *db, struct throttle *t);
/* password_verify, with the same Argon2id work when there is no hash */
int throttle_verify(const char *password_hash, const char *pw);

/* Inside the caller's write transaction (a rollback gives it back): counts one
 * invitation mail sent by user_id, within config invitation_limit an hour (a
 * leaky bucket: that many at once, then one each 3600/limit seconds). 0, or
 * E_BUSY with *retry_after set when the bucket is full; a store error. */
int throttle_invitation(struct db *db, const char *user_id, int64_t now, int64_t *retry_after);

/* seconds a pair stays locked after `failures` failures, `free_failures` of them free */
int throttle_lock_seconds(int failures, int free_failures);

#endif
