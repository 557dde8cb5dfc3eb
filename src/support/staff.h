/* Managers' controls over the technicians of their teams and the sessions of
 * the portals those teams serve: the technicians' list, logging one out,
 * their limit of concurrent sessions, cancelling a waiting session or an
 * offline request, and watching a live chat read-only (supervisor view).
 * A manager acts where the right is effective in a team they manage (the
 * technician's teams; the session's portal's serving teams or its team);
 * admins do everything. */
#ifndef SUPPORT_STAFF_H
#define SUPPORT_STAFF_H

#include "http/request.h"
#include "http/router.h"
#include "store/store.h"
#include "support/portals.h"

#define STAFF_LIMIT_MAX 20    /* concurrent sessions a technician may be given */
#define STAFF_LIST_MAX 200    /* technicians in one list */
#define QUEUE_WITHDRAW_MAX 50 /* offers withdrawn at one log-out */

/* routes.c gives iam's rights_effective_any (support is below iam) */
void staff_rights_hook(portals_right_fn fn);
/* 1 when the caller may use right over the session (0 when not, or a negative error) */
int staff_may_session(struct req *r, struct db *db, const struct support_session *s, const char *right);

extern const struct route support_staff_routes[];

#endif
