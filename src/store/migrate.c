/* Applies the pending migrations, each in its own transaction together with
 * its row in schema_migrations; on PostgreSQL an advisory lock keeps two nodes
 * starting at once from racing. */
#include <stdio.h>
#include <string.h>

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

/* A SQLite migration that rebuilds a table other tables reference starts
 * with this line: foreign keys are off around its transaction (else DROP TABLE
 * would cascade into the referencing rows) and PRAGMA foreign_key_check must
 * find nothing before it commits, as SQLite's documented procedure says. */
#define FOREIGN_KEYS_OFF "-- migrate: foreign keys off\n"

/* 0 when no row breaks a foreign key, E_CONFLICT (message in err) when one does */
static int foreign_key_check(struct db *db, char *err, size_t errlen)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "PRAGMA foreign_key_check", "");
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		snprintf(err, errlen, "a row of %s breaks its foreign key to %s", db_text(r, 0), db_text(r, 2));
		rc = E_CONFLICT;
	}
	db_rows_free(r);
	return rc;
}

static int apply(struct db *db, const struct migration *m, char *err, size_t errlen)
{
	int fk_off = db_kind(db) == DB_SQLITE && !strncmp(m->sql, FOREIGN_KEYS_OFF, strlen(FOREIGN_KEYS_OFF));
	int rc;
	*err = 0;
	if (fk_off && (rc = db_foreign_keys(db, 0)))
		return rc;
	if ((rc = db_begin(db, 1)))
		goto out;
	if ((rc = db_script(db, m->sql)) || (fk_off && (rc = foreign_key_check(db, err, errlen))) ||
	    (rc = db_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", "dsi",
			  m->version, m->name, clock_now())) < 0) {
		if (!*err)
			snprintf(err, errlen, "%s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db);
out:
	if (rc && !*err)
		snprintf(err, errlen, "%s", db_errmsg(db));
	if (fk_off) {
		int back = db_foreign_keys(db, 1);
		if (!rc && back) {
			snprintf(err, errlen, "cannot turn foreign keys back on: %s", db_errmsg(db));
			rc = back;
		}
	}
	return rc;
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
		char why[400];
		if ((rc = apply(db, m, why, sizeof why))) {
			snprintf(err, errlen, "migration %s failed: %s", m->name, why);
			goto out;
		}
		log_info("migration %s applied", m->name);
		++*applied;
	}
	rc = 0;
out:
	if (db_kind(db) == DB_PG)
		db_script(db, "SELECT pg_advisory_unlock(727272)");
	return rc;
}
