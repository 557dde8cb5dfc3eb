/* Users and their companies. An address names at most one user who can sign
 * in per account, not per host (migration 026). */
#ifndef STORE_USERS_H
#define STORE_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

struct user {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char email[256]; /* lower-case */
	char display_name[256];
	char role[16];
	char password_hash[256]; /* empty: no password set */
	char status[12];         /* active | suspended */
	int must_change_password;
	int allow_password_reset;
	int force_email_validation;
	int email_validated;
	int64_t created_at, updated_at;
	char language[8];   /* en | fr | ru; "": the company's, else the account's (migration 025) */
	char time_zone[64]; /* an IANA name; "": the company's, else the account's */
};

struct user_filter {
	const char *q; /* substring of e-mail or display name, case-insensitive */
	const char *role;
	const char *company_id;
	const char *after_email; /* cursor: users after this e-mail */
	const char *member_of;   /* only users sharing a company with this user (NULL: all) */
	int limit;
};

int store_user_insert(struct db *db, const struct user *u);
int store_user_get(struct db *db, const char *account_id, const char *id, struct user *out);
/* Across accounts, for sign-in and password reset only (which start before
 * an account is known): an address is unique within an account (migration
 * 026), so several accounts may each have a user with it. Up to max of them,
 * those with a password first, then by account; *n is how many. */
#define USERS_SAME_ADDRESS_MAX 8
int store_users_by_email(struct db *db, const char *email, struct user *out, int max, int *n);
/* the user of this account with this address (one who can sign in first) */
int store_user_by_account_email(struct db *db, const char *account_id, const char *email, struct user *out);
int store_user_update(struct db *db, const struct user *u); /* every mutable column */
/* the password hash alone, only while it is still `old` (a rehash after
 * sign-in must not undo a password change made meanwhile): E_NOTFOUND when
 * it is not */
int store_user_rehash(struct db *db, const char *account_id, const char *id, const char *old, const char *hash);
int store_user_delete(struct db *db, const char *account_id, const char *id);
/* up to max users in e-mail order; *n is how many were written */
int store_user_list(struct db *db, const char *account_id, const struct user_filter *f, struct user *out, int max,
		    int *n);
int store_user_count_role(struct db *db, const char *account_id, const char *role, int64_t *out);
/* a user's companies: IDS_USER_COMPANIES in store/id_sets.h */

#endif
