/* Unit tests of the store on a real SQLite file (tests/unit/fixture.c):
 * migrations, the driver's error mapping and statement cache, and the
 * users/one-time-token operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/ids.h"
#include "store/db.h"
#include "store/store.h"
#include "fixture.h"

static void make_user(struct user *u, const char *email)
{
	memset(u, 0, sizeof *u);
	memcpy(u->account_id, fx.account_id, sizeof fx.account_id);
	ids_new("usr", u->id);
	snprintf(u->email, sizeof u->email, "%s", email);
	snprintf(u->display_name, sizeof u->display_name, "User %s", email);
	snprintf(u->role, sizeof u->role, "member");
	snprintf(u->status, sizeof u->status, "active");
	u->created_at = u->updated_at = clock_now();
}

static void migrations_are_idempotent(void **state)
{
	(void)state;
	int applied = -1, v = 0;
	char err[256];
	assert_int_equal(store_migrate(fx.db, &applied, err, sizeof err), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(store_schema_version(fx.db, &v), 0);
	assert_int_equal(v, store_latest_version(fx.db));
}

static void duplicate_email_is_conflict_and_rollback_leaves_nothing(void **state)
{
	(void)state;
	struct user a, b, got;
	make_user(&a, "dup@example.test");
	make_user(&b, "dup@example.test");
	assert_int_equal(store_user_insert(fx.db, &a), 0);
	assert_int_equal(store_user_insert(fx.db, &b), E_CONFLICT);

	struct user c;
	make_user(&c, "rolled@example.test");
	assert_int_equal(store_begin(fx.db, 1), 0);
	assert_int_equal(store_user_insert(fx.db, &c), 0);
	store_rollback(fx.db);
	assert_int_equal(store_user_by_account_email(fx.db, fx.account_id, "rolled@example.test", &got), E_NOTFOUND);
}

/* migration 026: an address is unique within an account only, and the
 * lookup across accounts (sign-in, reset) is bounded */
static void an_address_is_unique_per_account(void **state)
{
	(void)state;
	struct account other = {0};
	ids_new("acc", other.id);
	snprintf(other.name, sizeof other.name, "Other");
	other.created_at = clock_now();
	assert_int_equal(store_account_insert(fx.db, &other), 0);
	struct user a, b, c, out[2];
	int n = -1;
	make_user(&a, "both@example.test");
	snprintf(a.password_hash, sizeof a.password_hash, "x");
	make_user(&b, "both@example.test");
	memcpy(b.account_id, other.id, sizeof other.id);
	snprintf(b.password_hash, sizeof b.password_hash, "y");
	assert_int_equal(store_user_insert(fx.db, &a), 0);
	assert_int_equal(store_user_insert(fx.db, &b), 0);
	make_user(&c, "both@example.test"); /* the same account twice: refused */
	memcpy(c.account_id, other.id, sizeof other.id);
	assert_int_equal(store_user_insert(fx.db, &c), E_CONFLICT);
	assert_int_equal(store_users_by_email(fx.db, "both@example.test", out, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_string_not_equal(out[0].account_id, out[1].account_id);
	assert_int_equal(store_users_by_email(fx.db, "both@example.test", out, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_users_by_email(fx.db, "nobody@example.test", out, 2, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_user_by_account_email(fx.db, other.id, "both@example.test", &out[0]), 0);
	assert_string_equal(out[0].id, b.id);
}

static void user_round_trip_and_account_scoping(void **state)
{
	(void)state;
	struct user u, got;
	make_user(&u, "round@example.test");
	u.must_change_password = 1;
	assert_int_equal(store_user_insert(fx.db, &u), 0);
	assert_int_equal(store_user_get(fx.db, fx.account_id, u.id, &got), 0);
	assert_string_equal(got.email, "round@example.test");
	assert_int_equal(got.must_change_password, 1);
	assert_int_equal(store_user_get(fx.db, "acc_otheraccount0000000", u.id, &got), E_NOTFOUND);
	snprintf(got.display_name, sizeof got.display_name, "Renamed");
	assert_int_equal(store_user_update(fx.db, &got), 0);
	assert_int_equal(store_user_get(fx.db, fx.account_id, u.id, &got), 0);
	assert_string_equal(got.display_name, "Renamed");
}

static void search_escapes_like_wildcards(void **state)
{
	(void)state;
	struct user u1, u2, out[10];
	int n = 0;
	make_user(&u1, "under_score@example.test");
	make_user(&u2, "underXscore@example.test");
	assert_int_equal(store_user_insert(fx.db, &u1), 0);
	assert_int_equal(store_user_insert(fx.db, &u2), 0);
	const char *cid = fx.company_id;
	assert_int_equal(store_ids_set(fx.db, IDS_USER_COMPANIES, fx.account_id, u1.id, &cid, 1), 0);
	struct user_filter f = {.q = "R_S"};
	assert_int_equal(store_user_list(fx.db, fx.account_id, &f, out, 10, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].id, u1.id);
	struct user_filter byc = {.company_id = fx.company_id};
	assert_int_equal(store_user_list(fx.db, fx.account_id, &byc, out, 10, &n), 0);
	assert_int_equal(n, 1);
}

static void one_time_tokens_are_single_use_and_expire(void **state)
{
	(void)state;
	struct user u;
	make_user(&u, "ott@example.test");
	assert_int_equal(store_user_insert(fx.db, &u), 0);
	int64_t now = clock_now();
	struct one_time_token t = {0}, got;
	memcpy(t.account_id, fx.account_id, sizeof fx.account_id);
	memcpy(t.user_id, u.id, sizeof u.id);
	snprintf(t.token_hash, sizeof t.token_hash, "h1");
	snprintf(t.purpose, sizeof t.purpose, "reset");
	t.expires_at = now + 3600;
	t.created_at = now;
	assert_int_equal(store_ott_insert(fx.db, &t), 0);
	assert_int_equal(store_ott_consume(fx.db, "h1", "validate", now, &got), E_NOTFOUND);
	/* peeking (the page behind a link) leaves it usable, and sees what consuming would */
	assert_int_equal(store_ott_peek(fx.db, "h1", "validate", now, &got), E_NOTFOUND);
	assert_int_equal(store_ott_peek(fx.db, "h1", "reset", now + 3600, &got), E_NOTFOUND);
	assert_int_equal(store_ott_peek(fx.db, "h1", "reset", now, &got), 0);
	assert_string_equal(got.user_id, u.id);
	assert_true(got.expires_at == now + 3600 && got.used_at == 0);
	assert_int_equal(store_ott_consume(fx.db, "h1", "reset", now, &got), 0);
	assert_string_equal(got.user_id, u.id);
	assert_int_equal(store_ott_consume(fx.db, "h1", "reset", now, &got), E_NOTFOUND);
	assert_int_equal(store_ott_peek(fx.db, "h1", "reset", now, &got), E_NOTFOUND);
	snprintf(t.token_hash, sizeof t.token_hash, "h2");
	assert_int_equal(store_ott_insert(fx.db, &t), 0);
	assert_int_equal(store_ott_consume(fx.db, "h2", "reset", now + 3600, &got), E_NOTFOUND);
}

static void nested_queries_with_the_same_sql_do_not_share_a_statement(void **state)
{
	(void)state;
	struct db_rows *a, *b;
	const char *sql = "SELECT id FROM companies WHERE account_id = ?";
	assert_int_equal(db_query(fx.db, &a, sql, "s", fx.account_id), 0);
	assert_int_equal(db_query(fx.db, &b, sql, "s", fx.account_id), 0);
	assert_int_equal(db_next(a), 1);
	assert_int_equal(db_next(b), 1);
	assert_string_equal(db_text(a, 0), db_text(b, 0));
	db_rows_free(b);
	db_rows_free(a);
	/* a wrong parameter count is an error, not a crash */
	assert_int_equal(db_exec(fx.db, sql, ""), E_DB);
}

/* commits hand checkpoints to a thread (store/sqlite/checkpoint.c): pages
 * written reach the database file by themselves, not only at close */
static void the_wal_is_checkpointed_off_the_commit_path(void **state)
{
	(void)state;
	char path[128];
	struct stat st;
	snprintf(path, sizeof path, "%s/t.db", fx.dir);
	assert_true(db_exec(fx.db, "CREATE TABLE ckpt (b BLOB)", "") >= 0);
	assert_int_equal(stat(path, &st), 0);
	off_t before = st.st_size;
	for (int i = 0; i < 600; i++) { /* ~6 MB in 600 commits: past 1,000 WAL pages */
		assert_int_equal(db_begin(fx.db, 1), 0);
		assert_int_equal(db_exec(fx.db, "INSERT INTO ckpt VALUES (randomblob(10000))", ""), 1);
		assert_int_equal(db_commit(fx.db), 0);
	}
	/* the thread copies them into the file; wait for it, up to 30 s */
	for (int tries = 0; tries < 600; tries++) {
		assert_int_equal(stat(path, &st), 0);
		if (st.st_size > before + 3 * 1024 * 1024)
			break;
		usleep(50 * 1000);
	}
	assert_true(st.st_size > before + 3 * 1024 * 1024);
	assert_true(db_exec(fx.db, "DROP TABLE ckpt", "") >= 0);
}

int main(void)
{
	ids_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations_are_idempotent),
		cmocka_unit_test(duplicate_email_is_conflict_and_rollback_leaves_nothing),
		cmocka_unit_test(an_address_is_unique_per_account),
		cmocka_unit_test(user_round_trip_and_account_scoping),
		cmocka_unit_test(search_escapes_like_wildcards),
		cmocka_unit_test(one_time_tokens_are_single_use_and_expire),
		cmocka_unit_test(nested_queries_with_the_same_sql_do_not_share_a_statement),
		cmocka_unit_test(the_wal_is_checkpointed_off_the_commit_path),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
