/* The throttle_counts table: one row per key hash, read together for the keys
 * of one attempt, written back by the caller's transaction. */
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_throttle_get(struct db *db, const char *const keys[], int n, struct throttle_row *out)
{
	if (n < 1 || n > 3)
		return E_INVALID;
	memset(out, 0, sizeof *out * (size_t)n);
	struct db_param p[3];
	for (int i = 0; i < n; i++)
		p[i] = (struct db_param){.type = 's', .s = keys[i]};
	static const char *const sql[] = {
		"SELECT key_hash, failures, last_failure_at, locked_until FROM throttle_counts WHERE key_hash IN (?)",
		"SELECT key_hash, failures, last_failure_at, locked_until FROM throttle_counts WHERE key_hash IN (?, ?)",
		"SELECT key_hash, failures, last_failure_at, locked_until FROM throttle_counts"
		" WHERE key_hash IN (?, ?, ?)",
	};
	struct db_rows *r;
	int rc = db_query_params(db, &r, sql[n - 1], n, p);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1) {
		const char *k = db_text(r, 0);
		for (int i = 0; i < n; i++)
			if (k && !strcmp(k, keys[i])) {
				out[i].failures = (int)db_int(r, 1);
				out[i].last_failure_at = db_int(r, 2);
				out[i].locked_until = db_int(r, 3);
			}
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_throttle_put(struct db *db, const char *key, const struct throttle_row *row)
{
	int rc = db_exec(db,
			 "INSERT INTO throttle_counts (key_hash, failures, last_failure_at, locked_until)"
			 " VALUES (?, ?, ?, ?) ON CONFLICT (key_hash) DO UPDATE SET failures = excluded.failures,"
			 " last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
			 "sdii", key, row->failures, row->last_failure_at, row->locked_until);
	return rc < 0 ? rc : 0;
}

int store_throttle_delete(struct db *db, const char *key)
{
	int rc = db_exec(db, "DELETE FROM throttle_counts WHERE key_hash = ?", "s", key);
	return rc < 0 ? rc : 0;
}

int store_throttle_prune(struct db *db, int64_t before, int64_t now)
{
	int rc = db_exec(db, "DELETE FROM throttle_counts WHERE last_failure_at < ? AND locked_until <= ?", "ii",
			 before, now);
	return rc < 0 ? rc : 0;
}

int store_throttle_drain(struct throttle_row *b, int leak, int64_t now)
{
	if (b->failures <= 0 || leak <= 0) {
		b->last_failure_at = now;
		return b->failures = 0;
	}
	int64_t gone = (now - b->last_failure_at) / leak;
	if (gone >= b->failures) {
		b->failures = 0;
		b->last_failure_at = now;
	} else if (gone > 0) {
		b->failures -= (int)gone;
		b->last_failure_at += gone * leak;
	}
	return b->failures;
}

int64_t store_throttle_full_until(struct throttle_row *b, int capacity, int leak, int64_t now)
{
	if (capacity <= 0 || store_throttle_drain(b, leak, now) < capacity)
		return 0;
	return b->last_failure_at + (int64_t)leak * (b->failures - capacity + 1);
}
