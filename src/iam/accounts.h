/* Creating accounts (tenants) with their default company and first admin:
 * used by `convene init` and `convene account add`. */
#ifndef IAM_ACCOUNTS_H
#define IAM_ACCOUNTS_H

#include <stddef.h>

#include "core/ids.h"

struct db;

struct account_created {
	char account_id[ID_MAX];
	char company_id[ID_MAX];
	char admin_id[ID_MAX];
	char password[64]; /* the generated password, when none was given */
	int generated;
};

/* password may be NULL: one is generated and must be changed at first sign-in.
 * On error, err says why (e.g. the e-mail is taken). */
int accounts_create(struct db *db, const char *name, const char *admin_email, const char *password,
		    struct account_created *out, char *err, size_t errlen);

#endif
