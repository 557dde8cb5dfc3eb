/* Outside guests of shared calendars: sharing with an e-mail address that is
 * not a user yet creates a `guest` user without a password (no company) and
 * mails a single-use sign-up link; POST /api/v1/guest-invitations/accept
 * sets the guest's name and password. A guest sees only what is shared with
 * them (they own no calendar). */
#ifndef CALENDAR_GUESTS_H
#define CALENDAR_GUESTS_H

#include "http/router.h"
#include "http/request.h"
#include "store/store.h"

#define GUEST_INVITE_TTL (7 * 24 * 3600)

extern const struct route guests_routes[];

/* Inside the caller's write transaction: the user `email` (lower-cased) of
 * the caller's account, or a new guest user invited by mail. *mailed: a mail
 * was queued (an invitation, again while the guest has not accepted, or a
 * notice to an existing user); call outbox_kick() after commit. An address
 * of another account's user is invited like any outside address, so that
 * the caller never learns that it exists elsewhere. role (freebusy ...
 * manager) is named and explained in the mail. */
int guests_resolve(struct req *r, struct db *db, const struct calendar *c, const char *email, const char *role,
		   struct user *out, int *mailed);

/* a guest who has not accepted the invitation yet */
int guests_pending(const struct user *u);

#endif
