/* Users, their companies and their sign-in counters. */
#ifndef STORE_USERS_H
#define STORE_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

struct user {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char email[256];        /* lower-case */
	char display_name[256];
	char role[16];
	char password_hash[256]; /* empty: no password set */
	char status[12];         /* active | suspended */
	int must_change_password;
	int allow_password_reset;
	int force_email_validation;
	int email_validated;
	int failed_logins;
	int64_t locked_until;
	int64_t created_at, updated_at;
	char language[8];   /* en | fr | ru; "": the company's, else the account's (migration 025) */
	char time_zone[64]; /* an IANA name; "": the company's, else the account's */
};

struct user_filter {
	const char *q;          /* substring of e-mail or display name, case-insensitive */
	const char *role;
	const char *company_id;
	const char *after_email; /* cursor: users after this e-mail */
	const char *member_of;   /* only users sharing a company with this user (NULL: all) */
	int limit;
};

int store_user_insert(struct db *db, const struct user *u);
int store_user_get(struct db *db, const char *account_id, const char *id, struct user *out);
/* across accounts: e-mail addresses are unique on the host among users who
 * can sign in (sign-in); pending guests of other accounts may share one, and
 * come after the user who signs in with it */
int store_user_by_email(struct db *db, const char *email, struct user *out);
/* the user of this account with this address */
int store_user_by_account_email(struct db *db, const char *account_id, const char *email, struct user *out);
int store_user_update(struct db *db, const struct user *u); /* every mutable column */
int store_user_delete(struct db *db, const char *account_id, const char *id);
/* up to max users in e-mail order; *n is how many were written */
int store_user_list(struct db *db, const char *account_id, const struct user_filter *f,
		    struct user *out, int max, int *n);
int store_user_count_role(struct db *db, const char *account_id, const char *role, int64_t *out);
/* replaces the user's companies */
int store_user_companies_set(struct db *db, const char *account_id, const char *user_id,
			     const char *const *company_ids, size_t n);
int store_user_companies(struct db *db, const char *account_id, const char *user_id,
			 char (*out)[ID_MAX], int max, int *n);

#endif
