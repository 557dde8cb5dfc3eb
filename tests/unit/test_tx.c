/* Unit tests of the handler transaction's two ends (api/tx.h) and of the
 * membership tables (store/id_sets.h), on a real SQLite file: a commit that
 * fails answers nothing, frees the body and leaves nothing written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/errors.h"
#include "http/request.h"
#include "api/tx.h"
#include "store/db.h"
#include "store/store.h"
#include "fixture.h"

static void req_done(struct req *r)
{
	if (r->resp.body_malloced)
		free(r->resp.body);
	arena_free(r->arena);
}

static int admin_companies(char (*ids)[ID_MAX], int *n)
{
	return store_ids_get(fx.db, IDS_USER_COMPANIES, fx.account_id, fx.admin_id, ids, 8, n);
}

static void a_commit_answers_after_it(void **state)
{
	(void)state;
	struct req r = {.arena = arena_new()};
	struct db *db;
	struct company c = {0};
	memcpy(c.account_id, fx.account_id, sizeof c.account_id);
	ids_new("cmp", c.id);
	snprintf(c.name, sizeof c.name, "Second");
	assert_int_equal(api_begin(&db, 1), 0);
	assert_ptr_equal(db, fx.db);
	const char *both[] = {fx.company_id, c.id};
	assert_int_equal(store_company_insert(db, &c), 0);
	assert_int_equal(store_ids_set(db, IDS_USER_COMPANIES, fx.account_id, fx.admin_id, both, 2), 0);
	assert_int_equal(api_commit_created(&r, db, "/api/v1/companies/x", json_pack("{s:s}", "id", c.id)), 0);
	assert_int_equal(r.resp.status, 201);
	assert_int_equal(r.resp.nheaders, 1);
	assert_string_equal(r.resp.headers[0][0], "Location");
	assert_non_null(strstr(r.resp.body, c.id));
	char ids[8][ID_MAX];
	int n = 0;
	assert_int_equal(admin_companies(ids, &n), 0);
	assert_int_equal(n, 2);
	/* back to the default company alone, for the next tests */
	assert_int_equal(api_begin(&db, 1), 0);
	const char *one[] = {fx.company_id};
	assert_int_equal(store_ids_set(db, IDS_USER_COMPANIES, fx.account_id, fx.admin_id, one, 1), 0);
	req_done(&r);
	r = (struct req){.arena = arena_new()};
	assert_int_equal(api_commit_empty(&r, db, 204), 0);
	assert_int_equal(r.resp.status, 204);
	assert_int_equal(admin_companies(ids, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], fx.company_id);
	req_done(&r);
}

/* SQLite checks deferred foreign keys at COMMIT: a real commit that fails */
static void a_failed_commit_answers_nothing_and_frees_the_body(void **state)
{
	(void)state;
	struct req r = {.arena = arena_new()};
	struct db *db;
	assert_int_equal(api_begin(&db, 1), 0);
	assert_true(db_exec(db, "PRAGMA defer_foreign_keys = ON", NULL) >= 0);
	const char *gone[] = {"cmp_no_such_company"};
	assert_int_equal(store_ids_set(db, IDS_USER_COMPANIES, fx.account_id, fx.admin_id, gone, 1), 0);
	/* the body is freed: the sanitizers' leak check fails this test otherwise */
	int rc = api_commit_json(&r, db, 200, json_pack("{s:s}", "big", "body"));
	assert_true(rc < 0);
	assert_int_equal(r.resp.status, 0);
	assert_null(r.resp.body);
	rc = api_commit_created(&r, db, "/api/v1/x", json_array()); /* no transaction is open any more */
	assert_true(rc < 0);
	assert_int_equal(r.resp.nheaders, 0); /* no Location on an error */
	char ids[8][ID_MAX];
	int n = 0;
	assert_int_equal(admin_companies(ids, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], fx.company_id);
	/* the connection is usable: the failed commit ended the transaction */
	assert_int_equal(api_begin(&db, 1), 0);
	assert_int_equal(api_commit_empty(&r, db, 204), 0);
	req_done(&r);
}

static void an_abort_rolls_back_and_returns_its_code(void **state)
{
	(void)state;
	struct db *db;
	assert_int_equal(api_begin(&db, 1), 0);
	assert_int_equal(store_ids_set(db, IDS_USER_COMPANIES, fx.account_id, fx.admin_id, NULL, 0), 0);
	assert_int_equal(api_abort(db, E_CONFLICT), E_CONFLICT);
	char ids[8][ID_MAX];
	int n = 0;
	assert_int_equal(admin_companies(ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(api_abort(db, 0), 0); /* nothing open: a no-op */
}

/* the answer is made after the rollback (a problem's language is read from
 * the database, which an aborted PostgreSQL transaction refuses) */
static int answer_after_rollback(void)
{
	char ids[8][ID_MAX];
	int n = -1;
	return admin_companies(ids, &n) ? -1 : n;
}

static void an_abort_answers_after_the_rollback(void **state)
{
	(void)state;
	struct db *db;
	assert_int_equal(api_begin(&db, 1), 0);
	assert_int_equal(store_ids_set(db, IDS_USER_COMPANIES, fx.account_id, fx.admin_id, NULL, 0), 0);
	assert_int_equal(answer_after_rollback(), 0); /* inside: the write is seen */
	assert_int_equal(api_abort(db, answer_after_rollback()), 1);
}

static void an_id_set_is_replaced_whole_in_id_order(void **state)
{
	(void)state;
	struct db *db;
	struct company c[3] = {0};
	const char *names[] = {"C", "B", "A"};
	for (int i = 0; i < 3; i++) {
		memcpy(c[i].account_id, fx.account_id, sizeof c[i].account_id);
		ids_new("cmp", c[i].id);
		snprintf(c[i].name, sizeof c[i].name, "Set %s", names[i]);
		assert_int_equal(store_company_insert(fx.db, &c[i]), 0);
	}
	struct user u;
	assert_int_equal(fixture_user(&fx, "ids@unit.test", "member", &u), 0);
	const char *set[] = {c[2].id, c[0].id, c[2].id, c[1].id};
	assert_int_equal(api_begin(&db, 1), 0);
	assert_int_equal(store_ids_set(db, IDS_USER_COMPANIES, fx.account_id, u.id, set, 4), 0);
	assert_int_equal(store_commit(db), 0);
	char ids[8][ID_MAX];
	int n = 0;
	assert_int_equal(store_ids_get(fx.db, IDS_USER_COMPANIES, fx.account_id, u.id, ids, 8, &n), 0);
	assert_int_equal(n, 3); /* the duplicate kept once */
	for (int i = 1; i < n; i++)
		assert_true(strcmp(ids[i - 1], ids[i]) < 0);
	assert_int_equal(store_ids_get(fx.db, IDS_USER_COMPANIES, fx.account_id, u.id, ids, 2, &n), 0);
	assert_int_equal(n, 2); /* the first max of them */
	assert_int_equal(store_ids_set(fx.db, IDS_USER_COMPANIES, fx.account_id, u.id, set + 3, 1), 0);
	assert_int_equal(store_ids_get(fx.db, IDS_USER_COMPANIES, fx.account_id, u.id, ids, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], c[1].id);
	/* another account's owner of the same id sees nothing */
	assert_int_equal(store_ids_get(fx.db, IDS_USER_COMPANIES, "acc_other", u.id, ids, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_ids_set(fx.db, (enum store_id_set)99, fx.account_id, u.id, NULL, 0), E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_commit_answers_after_it),
		cmocka_unit_test(a_failed_commit_answers_nothing_and_frees_the_body),
		cmocka_unit_test(an_abort_rolls_back_and_returns_its_code),
		cmocka_unit_test(an_abort_answers_after_the_rollback),
		cmocka_unit_test(an_id_set_is_replaced_whole_in_id_order),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
