/* API applications and their bearer tokens. Secrets and tokens are stored
 * only as hashes; revoking an application clears its secret hash and deletes
 * its tokens in the caller's transaction. */
#ifndef STORE_APPS_H
#define STORE_APPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"
#include "store/users.h"

#define APP_NAME_MAX 200
#define APP_DESCRIPTION_MAX 2000

struct app {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char owner_id[ID_MAX];
	char owner_email[256];       /* read only: joined from users */
	char name[APP_NAME_MAX + 1]; /* bytes, as jin_string counts them */
	char description[APP_DESCRIPTION_MAX + 1];
	char client_id[ID_MAX];
	char secret_hash[HASH_HEX_MAX]; /* empty once revoked */
	int64_t created_at;
	int64_t revoked_at;   /* 0: active */
	int64_t last_used_at; /* 0: never used */
	int64_t token_count;  /* read only: unexpired tokens */
};

struct app_token {
	char account_id[ID_MAX];
	char token_hash[HASH_HEX_MAX];
	char app_id[ID_MAX];
	char user_id[ID_MAX];
	int64_t created_at, expires_at;
};

/* what a bearer token resolves to: the token, its application and the owner */
struct app_token_auth {
	char app_id[ID_MAX];
	int64_t expires_at;
	int64_t revoked_at;
	int64_t last_used_at;
	struct user owner; /* the identity fields; password and counters are left empty */
};

struct app_filter {
	const char *owner_id;     /* NULL: every owner */
	const char *member_of;    /* only owners sharing a company with this user (NULL: all) */
	int64_t after_created_at; /* cursor: rows after (created_at, id) */
	const char *after_id;     /* NULL: from the start */
	int limit;
};

int store_app_insert(struct db *db, const struct app *a);
/* token counts are of tokens still valid at now */
int store_app_get(struct db *db, const char *account_id, const char *id, int64_t now, struct app *out);
/* across accounts (the token endpoint knows only the client id) */
int store_app_by_client(struct db *db, const char *client_id, struct app *out);
/* in (created_at, id) order; *n is how many were written */
int store_app_list(struct db *db, const char *account_id, const struct app_filter *f, int64_t now, struct app *out,
		   int max, int *n);
/* clears the secret, marks it revoked and deletes every token; E_NOTFOUND when absent */
int store_app_revoke(struct db *db, const char *account_id, const char *id, int64_t now);
int store_app_touch(struct db *db, const char *account_id, const char *id, int64_t now);

int store_app_token_insert(struct db *db, const struct app_token *t);
/* removes the application's tokens that expired before now */
int store_app_tokens_purge(struct db *db, const char *account_id, const char *app_id, int64_t now);
/* E_NOTFOUND when no token has this hash */
int store_app_token_auth(struct db *db, const char *token_hash, struct app_token_auth *out);

#endif
