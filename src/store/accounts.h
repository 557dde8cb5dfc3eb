/* Accounts (tenants). */
#ifndef STORE_ACCOUNTS_H
#define STORE_ACCOUNTS_H

#include <stdint.h>

#include "core/ids.h"

struct account {
	char id[ID_MAX];
	char name[256];
	int64_t created_at;
};

int store_account_insert(struct db *db, const struct account *a);
int store_account_get(struct db *db, const char *id, struct account *out);
int store_account_count(struct db *db, int64_t *out);

#endif
