/* Applies the pending migrations, each in its own transaction together with
 * its row in schema_migrations; on PostgreSQL an advisory lock keeps two nodes
 * starting at once from racing. */
#include <stdio.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/store.h"

static int current_version(struct db *db, int *out)
{
	int rc = db_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			       " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			       " applied_at BIGINT NOT NULL)");
	if (rc)
		return rc;
	int64_t v = 0;
	rc = db_query_int(db, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "");
	*out = (int)v;
	return rc;
}

int store_schema_version(struct db *db, int *out)
{
	int64_t v = 0;
	int rc = db_query_int(db, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "");
	*out = (int)v;
	return rc;
}

int store_latest_version(struct db *db)
{
	const struct migration *m = db_kind(db) == DB_PG ? migrations_pg : migrations_sqlite;
	int v = 0;
	for (; m->sql; m++)
		v = m->version;
	return v;
}

int store_migrate(struct db *db, int *applied, char *err, size_t errlen)
{
	const struct migration *m = db_kind(db) == DB_PG ? migrations_pg : migrations_sqlite;
	int rc, have = 0;
	*applied = 0;
	if (db_kind(db) == DB_PG && (rc = db_script(db, "SELECT pg_advisory_lock(727272)"))) {
		snprintf(err, errlen, "cannot lock for migration: %s", db_errmsg(db));
		return rc;
	}
	if ((rc = current_version(db, &have))) {
		snprintf(err, errlen, "cannot read schema version: %s", db_errmsg(db));
		goto out;
	}
	for (; m->sql; m++) {
		/* each version by itself, not "above the highest": a migration that
		 * arrived from a branch merged later is still applied */
		int64_t seen = 0;
		if (m->version <= have &&
		    db_query_int(db, &seen, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", "d",
				 m->version) == 0 &&
		    seen)
			continue;
		if ((rc = db_begin(db, 1)))
			goto fail;
		if ((rc = db_script(db, m->sql)) ||
		    (rc = db_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				  "dsi", m->version, m->name, clock_now())) < 0) {
			db_rollback(db);
			goto fail;
		}
		if ((rc = db_commit(db)))
			goto fail;
		log_info("migration %s applied", m->name);
		++*applied;
	}
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "migration %s failed: %s", m->name, db_errmsg(db));
out:
	if (db_kind(db) == DB_PG)
		db_script(db, "SELECT pg_advisory_unlock(727272)");
	return rc;
}
