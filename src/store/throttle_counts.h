/* The throttle_counts table: counts (failed passwords, invitations sent) by
 * key hash, the keys being iam/throttle.c's. Host-wide, as sign-in by e-mail
 * is. */
#ifndef STORE_THROTTLE_COUNTS_H
#define STORE_THROTTLE_COUNTS_H

#include <stdint.h>

struct db;

struct throttle_row {
	int failures;
	int64_t last_failure_at;
	int64_t locked_until;
};

/* the rows of up to 3 keys; a key without a row reads as zeros */
int store_throttle_get(struct db *db, const char *const keys[], int n, struct throttle_row *out);
int store_throttle_put(struct db *db, const char *key, const struct throttle_row *row);
int store_throttle_delete(struct db *db, const char *key);
/* forgets rows whose last failure is before `before` and that lock nothing at `now` */
int store_throttle_prune(struct db *db, int64_t before, int64_t now);

#endif
