/* Unit test of migration 038 on SQLite: every company that existed before
 * gets its portal (title its name, a valid slug from its id, no parent), so
 * that no company is left without one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/store.h"
#include "support/portal_slug.h"

static char dir[64];
static struct db *db;

static int64_t count(const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, sql, ""), 0);
	return n;
}

/* the schema as an earlier convene left it, by the same migrations */
static void migrate_to(int last)
{
	assert_int_equal(db_script(db, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
				       " name TEXT NOT NULL, applied_at BIGINT NOT NULL)"),
			 0);
	for (const struct migration *m = migrations_sqlite; m->sql && m->version <= last; m++) {
		assert_int_equal(db_begin(db, 1), 0);
		assert_int_equal(db_script(db, m->sql), 0);
		assert_true(db_exec(db, "INSERT INTO schema_migrations VALUES (?, ?, 0)", "ds", m->version, m->name) ==
			    1);
		assert_int_equal(db_commit(db), 0);
	}
}

static void exec_all(const char *const *sql)
{
	for (int i = 0; sql[i]; i++) {
		int rc = db_exec(db, sql[i], "");
		if (rc < 1)
			fprintf(stderr, "%d: %d %s\n", i, rc, db_errmsg(db));
		assert_true(rc >= 1);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/convene-unit-migrate038-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char url[128], err[256];
	snprintf(url, sizeof url, "sqlite:%s/convene.db", dir);
	if (db_open(url, &db, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void every_company_gets_its_portal(void **state)
{
	(void)state;
	migrate_to(37);
	static const char *const sql[] = {
		"INSERT INTO accounts (id, name, created_at) VALUES ('acc_1', 'One', 0), ('acc_2', 'Two', 0)",
		"INSERT INTO companies (account_id, id, name, is_default, created_at) VALUES"
		" ('acc_1', 'cmp_abc123def456', 'Acme', 1, 5), ('acc_1', 'cmp_zzz999', 'Zeta', 0, 6),"
		" ('acc_2', 'cmp_qqq111', 'Other', 1, 7)",
		NULL,
	};
	exec_all(sql);
	int applied = 0;
	char err[512] = "";
	assert_int_equal(store_migrate(db, &applied, err, sizeof err), 0);
	assert_true(applied >= 1);
	assert_int_equal(count("SELECT COUNT(*) FROM portals WHERE parent_id IS NULL"), 3);
	assert_int_equal(count("SELECT COUNT(*) FROM portals p JOIN companies c ON c.account_id = p.account_id"
			       " AND c.id = p.company_id AND c.name = p.title AND c.created_at = p.created_at"),
			 3);
	struct portal p = {0};
	int old = 1;
	assert_int_equal(store_portal_by_slug(db, "abc123def456", &p, &old), 0);
	assert_int_equal(old, 0);
	assert_string_equal(p.company_id, "cmp_abc123def456");
	assert_string_equal(p.offline_policy, "offline_form");
	assert_true(portal_slug_valid(p.slug));
	store_portal_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_company_gets_its_portal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
