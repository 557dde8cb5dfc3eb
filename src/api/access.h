/* Who may do what, by role, for routes that are not governed by a named
 * right: admins change everything; technicians and managers may read the
 * account's administration data; everyone else only their own. Each check
 * returns 0, or answers 403 and returns E_FORBIDDEN. */
#ifndef IAM_ACCESS_H
#define IAM_ACCESS_H

#include "core/ids.h"
#include "http/request.h"

int access_admin(struct req *r);      /* change account administration data */
int access_read_admin(struct req *r); /* read it (admin, manager, technician, api_manager) */
int access_is(const struct req *r, const char *role);

/* Company scope: every role but admin sees only the companies it belongs to,
 * and the users (managers, team members), devices, API managers' applications
 * and audit entries of those companies. NULL for admins (everything),
 * else the caller's user id, for the store's member_of filters. */
const char *access_company_scope(const struct req *r);
struct db;
/* 0 when the caller may see something that belongs to these companies (one
 * of them is theirs, or they are an admin); E_NOTFOUND when not, which the
 * caller answers as 404, as if it did not exist, so that another company's
 * objects do not show by a 403; a store error as it is */
int access_company_sees(struct req *r, struct db *db, const char (*ids)[ID_MAX], int n);
/* the same for a user of the account: 0 when the caller is an admin, is
 * that user or shares a company with them; E_NOTFOUND when not (nothing
 * answered: the caller says what is not found) */
int access_user_sees(struct req *r, struct db *db, const char *user_id);

#endif
