/* Team-level rights on requests: what a manager (or API manager) may do in
 * the teams they manage, beyond the read-only access their role gives.
 * Administrators may do everything; other roles nothing. */
#ifndef IAM_TEAM_ACCESS_H
#define IAM_TEAM_ACCESS_H

#include <jansson.h>

#include "http/request.h"
#include "store/store.h"

/* the caller is a manager or API manager (holds rights, manages teams) */
int team_access_is_manager(const struct req *r);
/* 0 when the caller may use right in the team; else answers 403 naming the
 * right and returns E_FORBIDDEN (or returns a database error) */
int team_access_require(struct req *r, struct db *db, const struct team *t, int right);
/* PATCH /api/v1/users/{id} by a manager: allowed only on a technician who is a
 * member of a team where the manager holds, effectively, the right for each
 * field sent (display_name/email: change_representative_name_login, password:
 * change_representative_password); nothing else may be sent. 0, or 403 as above. */
int team_access_user_change(struct req *r, struct db *db, const struct user *target, json_t *in);

#endif
