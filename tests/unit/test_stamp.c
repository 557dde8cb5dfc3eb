/* Unit tests of the store stamp (store_stamp in store/store.h) that the
 * bearer cache relies on: it must change after every committed write, of this
 * connection, another connection or a statement run outside a transaction,
 * and stay the same while only reads happen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

static char dir[] = "/tmp/convene-stamp-XXXXXX";
static struct db *a, *b; /* two connections to one file, as two threads or processes */

static int setup(void **state)
{
	(void)state;
	char path[128], err[512];
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "sqlite:%s/t.db", dir);
	if (db_open(path, &a, err, sizeof err) || db_open(path, &b, err, sizeof err))
		return -1;
	return db_exec(a, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)", NULL) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(a);
	db_close(b);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct store_stamp now_of(struct db *db)
{
	struct store_stamp s;
	assert_int_equal(store_stamp(db, &s), 0);
	return s;
}

static void reads_keep_it(void **state)
{
	(void)state;
	struct store_stamp s = now_of(a);
	int64_t n;
	assert_int_equal(db_query_int(a, &n, "SELECT COUNT(*) FROM t", NULL), 0);
	assert_int_equal(db_begin(b, 0), 0);
	assert_int_equal(db_query_int(b, &n, "SELECT COUNT(*) FROM t", NULL), 0);
	assert_int_equal(db_commit(b), 0);
	struct store_stamp t = now_of(a);
	assert_true(store_stamp_same(&s, &t));
}

static void own_autocommit_and_transaction_writes_change_it(void **state)
{
	(void)state;
	struct store_stamp s = now_of(a), t;
	assert_int_equal(db_exec(a, "INSERT INTO t (v) VALUES ('x')", NULL), 1);
	t = now_of(a);
	assert_false(store_stamp_same(&s, &t));
	s = t;
	assert_int_equal(db_begin(a, 1), 0);
	assert_int_equal(db_exec(a, "UPDATE t SET v = 'y'", NULL), 1);
	assert_int_equal(db_commit(a), 0);
	t = now_of(a);
	assert_false(store_stamp_same(&s, &t));
}

static void a_write_through_a_query_counts_once_its_rows_are_done(void **state)
{
	(void)state;
	struct store_stamp s = now_of(a), t;
	struct db_rows *r;
	assert_int_equal(db_query(a, &r, "INSERT INTO t (v) VALUES ('z') RETURNING k", NULL), 0);
	assert_int_equal(db_next(r), 1);
	db_rows_free(r);
	t = now_of(a);
	assert_false(store_stamp_same(&s, &t));
}

static void another_connection_changes_it(void **state)
{
	(void)state;
	struct store_stamp s = now_of(a), t;
	/* as another process would: data_version, not our counter, must see it */
	assert_int_equal(db_exec(b, "UPDATE t SET v = 'w'", NULL) > 0, 1);
	t = now_of(a);
	assert_true(s.external != t.external);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_keep_it),
		cmocka_unit_test(own_autocommit_and_transaction_writes_change_it),
		cmocka_unit_test(a_write_through_a_query_counts_once_its_rows_are_done),
		cmocka_unit_test(another_connection_changes_it),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
