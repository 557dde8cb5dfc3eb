/* The throttle_counts table: counts (failed passwords, invitations sent,
 * public support requests) by key hash, the keys being their callers'
 * (iam/throttle.c, support/public_limit.c), and the leaky-bucket arithmetic
 * they share over its rows. Host-wide, as sign-in by e-mail is. */
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

/* A row as a leaky bucket: failures is its level, last_failure_at the time
 * it was last drained from. Drains the whole leaks (one every `leak`
 * seconds) up to now and returns the level; an empty bucket, or one that
 * does not leak (leak <= 0), starts from now at 0. */
int store_throttle_drain(struct throttle_row *b, int leak, int64_t now);
/* until when a bucket of capacity refuses: the moment one unit has drained
 * (0 when it is not full, or capacity <= 0: no limit) */
int64_t store_throttle_full_until(struct throttle_row *b, int capacity, int leak, int64_t now);

#endif
