/* Portals for administrators and managers: /api/v1/portals (list, show,
 * change, sub-portals, managers), and the portal every company is made with. */
#ifndef SUPPORT_PORTALS_H
#define SUPPORT_PORTALS_H

#include <jansson.h>
#include <stddef.h>

#include "http/router.h"
#include "store/store.h"

extern const struct route portals_routes[];

#define PORTAL_TEAMS_MAX 50
#define PORTAL_MANAGERS_MAX 100
#define PORTAL_CHILDREN_MAX 50

/* makes the company's portal (slug from its name, made unique with a "-N"
 * suffix; title its name) in the caller's write transaction */
int portals_create_for_company(struct db *db, const struct company *c);

/* the rights are iam's (above support): routes.c gives the function saying
 * whether a user may use a right (by name) on something served by these
 * teams: 1, 0 or a negative error (iam/rights.h rights_effective_serving) */
typedef int (*portals_right_fn)(struct db *db, const char *account_id, const char *user_id, const char *role,
				const char *const *team_ids, size_t n, const char *right);
void portals_rights_hook(portals_right_fn fn);

/* the teams that serve the portal: its own, or its parent's for a sub-portal
 * without teams; out holds PORTAL_TEAMS_MAX */
int portals_serving_teams(struct db *db, const struct portal *p, char (*out)[ID_MAX], int *n);

/* what a route that changes portal {id} begins with, here and elsewhere in
 * support (reports): a write transaction, the portal as the caller sees it
 * (404 answered otherwise), which they may change (admins, its managers; 403
 * answered otherwise). 0 with the transaction open and *p to free with
 * store_portal_free, or an error with both given back */
int portals_begin_managed(struct req *r, struct db **db, struct portal *p);
/* may the caller use right on the portal (0, else 403 answered) */
int portals_require_right(struct req *r, struct db *db, const struct portal *p, const char *right);
/* 1 when the user may use right on the portal (0 not, or an error); p NULL:
 * whether they may use it anywhere (held, prerequisites included) */
int portals_holds_right(struct db *db, const char *account_id, const struct portal *p, const char *user_id,
			const char *role, const char *right);

#endif
