/* Unit tests of store/conferences.h on a real SQLite file: who counts as a
 * conference administrator (not a guest or customer, whatever the rows say),
 * the addresses and languages mails about a conference go to (active users
 * only), the schedule's administrators as calendar/access.c asks, and what a
 * deleted user or conference takes with it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "core/ids.h"
#include "store/db.h"
#include "store/store.h"
#include "fixture.h"

static struct conference conf;
static struct user ann, bob, gus, sue;

struct seen {
	char text[512];
};

static int collect(void *ctx, const char *user_id, const char *email, const char *language)
{
	struct seen *s = ctx;
	(void)user_id;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof s->text - n, "%s/%s ", email, *language ? language : "-");
	return 0;
}

static void setup_conference(void **state)
{
	(void)state;
	memset(&conf, 0, sizeof conf);
	memcpy(conf.account_id, fx.account_id, sizeof conf.account_id);
	ids_new("cnf", conf.id);
	ids_new("cal", conf.calendar_id);
	snprintf(conf.name, sizeof conf.name, "Physics");
	snprintf(conf.starts_on, sizeof conf.starts_on, "2030-05-04");
	snprintf(conf.ends_on, sizeof conf.ends_on, "2030-05-06");
	snprintf(conf.time_zone, sizeof conf.time_zone, "UTC");
	struct calendar cal = {0};
	memcpy(cal.account_id, fx.account_id, sizeof cal.account_id);
	memcpy(cal.id, conf.calendar_id, sizeof cal.id);
	memcpy(cal.conference_id, conf.id, sizeof cal.conference_id);
	snprintf(cal.name, sizeof cal.name, "Physics");
	snprintf(cal.colour, sizeof cal.colour, "#000000");
	snprintf(cal.time_zone, sizeof cal.time_zone, "UTC");
	assert_int_equal(store_conference_insert(fx.db, &conf), 0);
	assert_int_equal(store_calendar_insert(fx.db, &cal), 0);
	assert_int_equal(fixture_user(&fx, "ann@unit.test", "member", &ann), 0);
	assert_int_equal(fixture_user(&fx, "bob@unit.test", "manager", &bob), 0);
	assert_int_equal(fixture_user(&fx, "gus@unit.test", "member", &gus), 0);
	assert_int_equal(fixture_user(&fx, "sue@unit.test", "technician", &sue), 0);
	snprintf(bob.language, sizeof bob.language, "fr");
	assert_int_equal(store_user_update(fx.db, &bob), 0);
	const struct user *all[] = {&ann, &bob, &gus, &sue};
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_conference_admin_add(fx.db, fx.account_id, conf.id, all[i]->id, 100 + i), 0);
	assert_int_equal(store_conference_admin_add(fx.db, fx.account_id, conf.id, ann.id, 200), E_CONFLICT);
}

static void administrators_and_their_mail(void **state)
{
	(void)state;
	struct conference got;
	assert_int_equal(store_conference_get(fx.db, fx.account_id, conf.id, &got), 0);
	assert_int_equal(got.admins_count, 4);
	assert_string_equal(got.calendar_id, conf.calendar_id);
	assert_int_equal(store_conference_of_calendar(fx.db, fx.account_id, conf.calendar_id, &got), 0);
	assert_string_equal(got.id, conf.id);
	/* gus becomes a guest, sue is suspended */
	snprintf(gus.role, sizeof gus.role, "guest");
	assert_int_equal(store_user_update(fx.db, &gus), 0);
	snprintf(sue.status, sizeof sue.status, "suspended");
	assert_int_equal(store_user_update(fx.db, &sue), 0);
	assert_int_equal(store_conference_admin_is(fx.db, fx.account_id, conf.id, ann.id), 1);
	assert_int_equal(store_conference_admin_is(fx.db, fx.account_id, conf.id, gus.id), 0);
	assert_int_equal(store_conference_admin_is(fx.db, fx.account_id, conf.id, fx.admin_id), 0);
	assert_int_equal(store_conference_admin_is(fx.db, "acc_other", conf.id, ann.id), 0);
	assert_int_equal(store_conference_calendar_admin(fx.db, fx.account_id, conf.calendar_id, bob.id), 1);
	assert_int_equal(store_conference_calendar_admin(fx.db, fx.account_id, conf.calendar_id, gus.id), 0);
	assert_int_equal(store_conference_get(fx.db, fx.account_id, conf.id, &got), 0);
	assert_int_equal(got.admins_count, 3); /* ann, bob, sue (suspended, still in office) */
	struct conference_admin list[8];
	int n = 0;
	assert_int_equal(store_conference_admin_list(fx.db, fx.account_id, conf.id, list, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].email, "ann@unit.test");
	assert_string_equal(list[1].language, "fr");
	assert_int_equal(list[0].added_at, 100);
	/* mail goes to those who can read it: not the guest, not the suspended */
	struct seen s = {""};
	assert_int_equal(store_conference_admin_emails(fx.db, fx.account_id, conf.id, collect, &s), 0);
	assert_string_equal(s.text, "ann@unit.test/- bob@unit.test/fr ");
	/* the list of those ann administers, and none for the guest */
	struct conference rows[4];
	assert_int_equal(store_conference_list(fx.db, fx.account_id, ann.id, NULL, NULL, rows, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_conference_list(fx.db, fx.account_id, gus.id, NULL, NULL, rows, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_conference_list(fx.db, fx.account_id, ann.id, "2030-05-04", conf.id, rows, 4, &n), 0);
	assert_int_equal(n, 0);
}

static void deletes_cascade(void **state)
{
	(void)state;
	assert_int_equal(store_user_delete(fx.db, fx.account_id, ann.id), 0);
	assert_int_equal(store_conference_admin_is(fx.db, fx.account_id, conf.id, ann.id), 0);
	assert_int_equal(store_conference_admin_remove(fx.db, fx.account_id, conf.id, ann.id), E_NOTFOUND);
	assert_int_equal(store_conference_admin_remove(fx.db, fx.account_id, conf.id, bob.id), 0);
	assert_int_equal(store_conference_delete(fx.db, fx.account_id, conf.id), 0);
	struct calendar cal;
	assert_int_equal(store_calendar_get(fx.db, fx.account_id, conf.calendar_id, &cal), E_NOTFOUND);
	int64_t left = -1;
	assert_int_equal(db_query_int(fx.db, &left, "SELECT COUNT(*) FROM conference_admins", ""), 0);
	assert_int_equal(left, 0);
	assert_int_equal(store_conference_delete(fx.db, fx.account_id, conf.id), E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(setup_conference),
		cmocka_unit_test(administrators_and_their_mail),
		cmocka_unit_test(deletes_cascade),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
