/* Users of an account: the /api/v1/users routes and the user's JSON shape. */
#ifndef IAM_USERS_H
#define IAM_USERS_H

#include <jansson.h>

#include "http/router.h"
#include "store/store.h"

extern const struct route users_routes[];

/* {id, email, display_name, role, status, company_ids, login rules, times} */
json_t *users_json(struct db *db, const struct user *u);
int users_role_valid(const char *role);
void users_lower_email(char *email);

#endif
