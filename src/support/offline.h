/* Offline requests answered by e-mail. A technician's answer to an offline
 * request mails the customer the answer and a single-use link back to the
 * conversation (valid OFFLINE_LINK_DAYS; a newer answer's link replaces it);
 * the portal exchanges the link for the session's customer token
 * (POST /api/v1/public/portals/{slug}/links), after which the customer
 * replies as in a live chat. The transcript by mail, on the customer's
 * request, is here too. States: docs/support.md. */
#ifndef SUPPORT_OFFLINE_H
#define SUPPORT_OFFLINE_H

#include <stdint.h>

#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

#define OFFLINE_LINK_DAYS 14
#define TRANSCRIPT_EVERY_S 300    /* at most one transcript mail per session this often */
#define TRANSCRIPT_MAX_LINES 2000 /* messages a transcript mail holds at most */

/* inside the technician's write transaction, after their text was posted to
 * the offline request s: the customer's turn, a new link, the mail queued */
int offline_answered(struct db *db, const struct support_session *s, const char *technician, const char *text,
		     int64_t now);
/* inside the customer's write transaction, after their message on an
 * offline request: the technicians' turn again, their consoles told */
int offline_replied(struct db *db, const struct support_session *s, int64_t now);
/* inside a write transaction: mails the customer-visible transcript of s
 * (rendered now; never notes) to the customer; 429 with Retry-After when one
 * was sent less than TRANSCRIPT_EVERY_S ago (returns E_BUSY) */
int offline_transcript_mail(struct req *r, struct db *db, const struct portal *p, const struct support_session *s,
			    int64_t now);

extern const struct route support_offline_routes[];

#endif
