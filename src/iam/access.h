/* Who may do what, by role, for routes that are not governed by a named
 * right: admins change everything; technicians and managers may read the
 * account's administration data; everyone else only their own. Each check
 * returns 0, or answers 403 and returns E_FORBIDDEN. */
#ifndef IAM_ACCESS_H
#define IAM_ACCESS_H

#include "http/request.h"

int access_admin(struct req *r);       /* change account administration data */
int access_read_admin(struct req *r);  /* read it (admin, manager, technician, api_manager) */
int access_is(const struct req *r, const char *role);

#endif
