/* Modules (remote_support, service_desk): the seats the operator gives an
 * account per module and the modules each user holds, one seat each. The
 * store does not know the module names; iam/modules.c checks them. */
#ifndef STORE_MODULES_H
#define STORE_MODULES_H

#include <stddef.h>
#include <stdint.h>

#define STORE_MODULE_NAME_MAX 32

struct db;

/* The account's seats of a module (0 when never set) and how many users
 * hold it. lock = 1 inside a write transaction: on PostgreSQL the seats row
 * stays locked to the end of it, so two grants (or a grant and a smaller
 * count) cannot both pass their check; SQLite has one writer anyway. */
int store_module_seats(struct db *db, const char *account_id, const char *module, int lock, int64_t *seats,
		       int64_t *used);
/* set the count (inserted or replaced) */
int store_module_seats_set(struct db *db, const char *account_id, const char *module, int64_t seats, int64_t now);
/* the modules a user holds, in name order */
int store_user_modules(struct db *db, const char *account_id, const char *user_id, char (*out)[STORE_MODULE_NAME_MAX],
		       int max, int *n);
/* replaces them: modules kept keep the time they were granted */
int store_user_modules_set(struct db *db, const char *account_id, const char *user_id, const char *const *names,
			   size_t n, int64_t now);

#endif
