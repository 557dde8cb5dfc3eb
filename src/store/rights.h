/* Rights a team enables and rights a manager holds, stored by catalogue name
 * (the catalogue itself is iam/rights.def; the store does not interpret names). */
#ifndef STORE_RIGHTS_H
#define STORE_RIGHTS_H

#include <stddef.h>

#define STORE_RIGHT_NAME_MAX 64

int store_team_rights(struct db *db, const char *account_id, const char *team_id, char (*out)[STORE_RIGHT_NAME_MAX],
		      int max, int *n);
int store_team_rights_set(struct db *db, const char *account_id, const char *team_id, const char *const *names,
			  size_t n); /* replaces them */
int store_manager_rights(struct db *db, const char *account_id, const char *user_id, char (*out)[STORE_RIGHT_NAME_MAX],
			 int max, int *n);
int store_manager_rights_set(struct db *db, const char *account_id, const char *user_id, const char *const *names,
			     size_t n); /* replaces them */

#endif
