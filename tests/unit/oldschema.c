/* The data-migration tests' database (tests/unit/oldschema.h), written once:
 * it was copied into each test of a migration. Every test gets its own
 * directory, so tests of several files may run side by side. */
#include "oldschema.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/migrations.h"

struct oldschema old;

int oldschema_setup(void **state)
{
	(void)state;
	char url[128], err[256];
	snprintf(old.dir, sizeof old.dir, "/tmp/convene-unit-oldschema-XXXXXX");
	if (!mkdtemp(old.dir))
		return -1;
	snprintf(url, sizeof url, "sqlite:%s/convene.db", old.dir);
	if (db_open(url, &old.db, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

int oldschema_teardown(void **state)
{
	(void)state;
	db_close(old.db);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", old.dir);
	return system(cmd) == 0 ? 0 : -1;
}

void oldschema_migrate_to(int last)
{
	assert_int_equal(db_script(old.db, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
					   " name TEXT NOT NULL, applied_at BIGINT NOT NULL)"),
			 0);
	for (const struct migration *m = migrations_sqlite; m->sql && m->version <= last; m++) {
		assert_int_equal(db_begin(old.db, 1), 0);
		assert_int_equal(db_script(old.db, m->sql), 0);
		assert_true(db_exec(old.db, "INSERT INTO schema_migrations VALUES (?, ?, 0)", "ds", m->version,
				    m->name) == 1);
		assert_int_equal(db_commit(old.db), 0);
	}
}

void oldschema_exec_all(const char *const *sql)
{
	for (int i = 0; sql[i]; i++) {
		int rc = db_exec(old.db, sql[i], "");
		if (rc < 1)
			fprintf(stderr, "%d: %d %s\n", i, rc, db_errmsg(old.db));
		assert_true(rc >= 1);
	}
}

int64_t oldschema_count(const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(old.db, &n, sql, ""), 0);
	return n;
}
