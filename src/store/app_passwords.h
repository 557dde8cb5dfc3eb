/* App passwords of users (HTTP Basic for calendar apps and feeds): only the
 * hash of each secret is stored; revoking deletes the row. */
#ifndef STORE_APP_PASSWORDS_H
#define STORE_APP_PASSWORDS_H

#include <stdint.h>

#include "core/ids.h"

#define APP_PASSWORD_LABEL_MAX 100
#define APP_PASSWORD_UA_MAX 200

struct app_password {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char user_id[ID_MAX];
	char label[APP_PASSWORD_LABEL_MAX + 1];
	char secret_hash[HASH_HEX_MAX];
	int64_t created_at;
	int64_t last_used_at; /* 0: never used */
	char last_user_agent[APP_PASSWORD_UA_MAX + 1];
};

int store_app_password_insert(struct db *db, const struct app_password *p);
/* the user's app passwords, newest first; *n is how many were written */
int store_app_password_list(struct db *db, const char *account_id, const char *user_id, struct app_password *out,
			    int max, int *n);
int store_app_password_count(struct db *db, const char *account_id, const char *user_id, int64_t *out);
/* E_NOTFOUND unless the row exists and belongs to user_id */
int store_app_password_get(struct db *db, const char *account_id, const char *user_id, const char *id,
			   struct app_password *out);
/* the user's app password with this secret hash; E_NOTFOUND when none */
int store_app_password_find(struct db *db, const char *account_id, const char *user_id, const char *secret_hash,
			    struct app_password *out);
/* E_NOTFOUND when the user has no such app password */
int store_app_password_delete(struct db *db, const char *account_id, const char *user_id, const char *id);
/* revokes all of the user's app passwords; *n how many there were (may be NULL) */
int store_app_password_delete_user(struct db *db, const char *account_id, const char *user_id, int64_t *n);
int store_app_password_touch(struct db *db, const char *account_id, const char *id, int64_t now,
			     const char *user_agent);

#endif
