/* Companies: the sub-divisions of an account. */
#ifndef STORE_COMPANIES_H
#define STORE_COMPANIES_H

#include <stdint.h>

#include "core/ids.h"

struct company {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char name[256];
	int is_default;
	int64_t created_at;
};

int store_company_insert(struct db *db, const struct company *c);
int store_company_get(struct db *db, const char *account_id, const char *id, struct company *out);
int store_company_rename(struct db *db, const char *account_id, const char *id, const char *name);
int store_company_delete(struct db *db, const char *account_id, const char *id);
/* in name order, after the cursor name (exclusive; "" for the first page);
 * member_of: only the companies of this user (NULL: all) */
int store_company_list(struct db *db, const char *account_id, const char *after_name, const char *member_of,
		       struct company *out, int max, int *n);
/* what still refers to the company (delete is refused while any is > 0) */
int store_company_usage(struct db *db, const char *account_id, const char *id, int64_t *users, int64_t *devices);

#endif
