/* Modules and seats: the operator sets how many seats of each module
 * (remote_support, service_desk) an account has (`convene account seats`);
 * an administrator gives technicians, managers and administrators modules,
 * each holder taking one seat; GET /api/v1/account/seats shows both figures. */
#ifndef IAM_MODULES_H
#define IAM_MODULES_H

#include <jansson.h>
#include <stddef.h>

#include "http/router.h"
#include "store/store.h"

extern const struct route modules_routes[];

extern const char *const modules_names[]; /* NULL-terminated */
int modules_valid(const char *name);
/* technicians, managers and administrators may hold modules */
int modules_role_may_hold(const char *role);
/* the user's modules as a JSON array of names */
json_t *modules_user_json(struct db *db, const char *account_id, const char *user_id);

/* Gives u exactly these modules (a duplicate counts once), inside the
 * caller's write transaction: a 422 for an unknown module or a role that may
 * hold none, a 409 naming the module when it has no seat left; the change is
 * audited (reason may be NULL). Answers the problem itself; returns 0 or the
 * error. */
int modules_user_set(struct req *r, struct db *db, const struct user *u, const char *const *names, size_t n,
		     const char *reason);

/* The operator's count for a module (the CLI): its own transaction,
 * audited as done from the command line. E_CONFLICT when fewer than the
 * seats in use (*used says how many), E_NOTFOUND without that account,
 * E_INVALID for an unknown module. */
int modules_seats_set(struct db *db, const char *account_id, const char *module, int64_t seats, int64_t *used);

#endif
