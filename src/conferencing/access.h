/* Who may see and change a conference: account admins, and its conference
 * administrators; anyone else gets 404, as if it did not exist (ids leak
 * nothing). Another account's ids are 404 too. */
#ifndef CONFERENCING_ACCESS_H
#define CONFERENCING_ACCESS_H

#include "http/request.h"
#include "store/store.h"

/* loads conference `id` of the caller's account when the caller may manage it
 * (conference_may_manage); 0, or an error after answering (404 when it does
 * not exist or the caller may not see it; a store error is returned as is) */
int conference_load(struct req *r, struct db *db, const char *id, struct conference *out);
/* 1 when `who` may change the conference (an admin of its account, or one of
 * its conference administrators whose role may still hold one: not a guest or
 * customer), 0 when not, < 0 on a store error */
int conference_may_manage(struct db *db, const struct principal *who, const struct conference *c);

#endif
