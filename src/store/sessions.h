/* Browser sessions (cookie secret -> hash) and single-use tokens (links in
 * e-mails). */
#ifndef STORE_SESSIONS_H
#define STORE_SESSIONS_H

#include <stdint.h>

#include "core/ids.h"

struct session_row {
	char account_id[ID_MAX];
	char token_hash[HASH_HEX_MAX];
	char user_id[ID_MAX];
	char csrf[SECRET_MAX];
	int64_t created_at, expires_at, last_seen_at;
};

int store_session_insert(struct db *db, const struct session_row *s);
int store_session_get(struct db *db, const char *token_hash, struct session_row *out);
int store_session_touch(struct db *db, const char *token_hash, int64_t now, int64_t expires_at);
int store_session_delete(struct db *db, const char *token_hash);
/* signs the user out everywhere, except keep_hash when not NULL */
int store_session_delete_user(struct db *db, const char *account_id, const char *user_id, const char *keep_hash);

struct one_time_token {
	char account_id[ID_MAX];
	char token_hash[HASH_HEX_MAX];
	char user_id[ID_MAX];
	char purpose[24]; /* reset | validate | invite */
	int64_t expires_at, used_at, created_at;
};

int store_ott_insert(struct db *db, const struct one_time_token *t);
/* marks it used and returns it; E_NOTFOUND when unknown, used, expired or of another purpose */
int store_ott_consume(struct db *db, const char *token_hash, const char *purpose, int64_t now,
		      struct one_time_token *out);
/* as consume, without using it up (the page behind a link says what it is for) */
int store_ott_peek(struct db *db, const char *token_hash, const char *purpose, int64_t now, struct one_time_token *out);
/* invalidates the user's unused tokens of a purpose (a new link replaces the old) */
int store_ott_revoke_user(struct db *db, const char *account_id, const char *user_id, const char *purpose, int64_t now);

/* forgets the user's unused tokens of a purpose, as if never sent (their
 * address changed: the rate limits of the old one do not apply to the new) */
int store_ott_forget_unused(struct db *db, const char *account_id, const char *user_id, const char *purpose);

/* when the user's newest token of a purpose was made (rate limits); E_NOTFOUND if never */
int store_ott_last_created(struct db *db, const char *account_id, const char *user_id, const char *purpose,
			   int64_t *out);

#endif
