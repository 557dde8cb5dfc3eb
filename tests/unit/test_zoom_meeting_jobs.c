/* Unit tests of the Zoom meeting write queue (store/event_meetings.h) on
 * SQLite (the API tests run it on PostgreSQL too): a change queued within the
 * second the worker claimed the earlier one is not deleted by that worker's
 * done; a job changed while in flight is not failed for the old version; a
 * failed job is seen with its reason, queued again with attempts reset, and
 * dismissed only when failed; the conference's list pages by meeting id;
 * an update owed for an event that lost its link is dropped, a delete stays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "fixture.h"

static void put(int64_t mid, const char *action, const char *body, const char *status, const char *error, int64_t now)
{
	struct zoom_meeting_job j = {0};
	snprintf(j.zoom_user_id, sizeof j.zoom_user_id, "zu-unit");
	j.meeting_id = mid;
	snprintf(j.account_id, sizeof j.account_id, "%s", fx.account_id);
	snprintf(j.conference_id, sizeof j.conference_id, "cnf_unit");
	snprintf(j.event_id, sizeof j.event_id, "evt_%lld", (long long)mid);
	snprintf(j.action, sizeof j.action, "%s", action);
	j.body = (char *)body;
	assert_int_equal(store_zoom_job_put(fx.db, &j, status, error, now), 0);
}

static int state(int64_t mid, struct zoom_job_state *out)
{
	return store_zoom_job_get(fx.db, fx.account_id, "zu-unit", mid, out);
}

/* claims the one due job at `now` (its body freed): 1, or 0 when none */
static int claim(int64_t now, struct zoom_meeting_job *j, char *body, size_t n)
{
	int rc = store_zoom_job_claim(fx.db, now, now + 120, j);
	assert_true(rc >= 0);
	if (rc == 1) {
		snprintf(body, n, "%s", j->body ? j->body : "");
		free(j->body);
		j->body = NULL;
	}
	return rc;
}

static void test_a_change_in_the_claimed_second_survives_done(void **st)
{
	(void)st;
	struct zoom_meeting_job j;
	char body[64];
	put(101, "update", "{\"v\":1}", "pending", NULL, 1000);
	assert_int_equal(claim(1000, &j, body, sizeof body), 1);
	assert_string_equal(body, "{\"v\":1}");
	put(101, "update", "{\"v\":2}", "pending", NULL, 1000); /* same second, while it is sent */
	assert_int_equal(store_zoom_job_done(fx.db, &j), 0);
	assert_int_equal(claim(1000, &j, body, sizeof body), 1);
	assert_string_equal(body, "{\"v\":2}");
	assert_int_equal(store_zoom_job_done(fx.db, &j), 0);
	struct zoom_job_state s;
	assert_int_equal(state(101, &s), E_NOTFOUND);
}

static void test_a_job_changed_in_flight_is_not_failed(void **st)
{
	(void)st;
	struct zoom_meeting_job j;
	struct zoom_job_state s;
	char body[64];
	put(102, "update", "{\"v\":1}", "pending", NULL, 2000);
	assert_int_equal(claim(2000, &j, body, sizeof body), 1);
	put(102, "update", "{\"v\":2}", "pending", NULL, 2001);
	assert_int_equal(store_zoom_job_retry(fx.db, &j, 9000, 1, "Zoom refused", 2002), 0);
	assert_int_equal(state(102, &s), 0);
	assert_string_equal(s.status, "pending");
	assert_int_equal(s.attempts, 0);
	assert_string_equal(s.error, "");
	assert_int_equal(claim(2002, &j, body, sizeof body), 1); /* due at once, the new version */
	assert_string_equal(body, "{\"v\":2}");
	/* the same failure without a change in between: failed, with its reason */
	assert_int_equal(store_zoom_job_retry(fx.db, &j, 9000, 1, "Zoom refused", 2003), 0);
	assert_int_equal(state(102, &s), 0);
	assert_string_equal(s.status, "failed");
	assert_int_equal(s.attempts, 1);
	assert_string_equal(s.error, "Zoom refused");
	assert_int_equal(claim(2004, &j, body, sizeof body), 0);
	assert_int_equal(store_zoom_job_dismiss(fx.db, fx.account_id, "zu-unit", 102), 0);
}

static void test_failed_requeued_and_dismissed(void **st)
{
	(void)st;
	struct zoom_job_state s;
	put(103, "update", NULL, "failed", "an all-day event has no time", 3000);
	assert_int_equal(state(103, &s), 0);
	assert_string_equal(s.status, "failed");
	assert_string_equal(s.error, "an all-day event has no time");
	assert_string_equal(s.conference_id, "cnf_unit");
	/* a pending job is not dismissed */
	put(104, "delete", NULL, "pending", NULL, 3000);
	assert_int_equal(store_zoom_job_dismiss(fx.db, fx.account_id, "zu-unit", 104), E_NOTFOUND);
	/* another account sees neither */
	assert_int_equal(store_zoom_job_get(fx.db, "acc_other", "zu-unit", 103, &s), E_NOTFOUND);
	assert_int_equal(store_zoom_job_dismiss(fx.db, "acc_other", "zu-unit", 103), E_NOTFOUND);
	/* retried: pending, attempts reset, no error */
	put(103, "update", "{\"v\":3}", "pending", NULL, 3001);
	assert_int_equal(state(103, &s), 0);
	assert_string_equal(s.status, "pending");
	assert_int_equal(s.attempts, 0);
	assert_string_equal(s.error, "");
	/* a delete owed stays a delete */
	put(104, "update", "{\"v\":1}", "pending", NULL, 3002);
	assert_int_equal(state(104, &s), 0);
	assert_string_equal(s.action, "delete");
}

struct seen {
	int n;
	int64_t mids[8];
	int gone[8];
};

static int collect(void *ctx, const struct zoom_job_state *j, const char *summary)
{
	struct seen *s = ctx;
	s->mids[s->n] = j->meeting_id;
	s->gone[s->n++] = summary == NULL;
	return 0;
}

static void test_list_pages_and_drop_update(void **st)
{
	(void)st;
	struct seen a = {0}, b = {0};
	/* 103 and 104 remain from the test before */
	assert_int_equal(store_zoom_job_list(fx.db, fx.account_id, "cnf_unit", 0, NULL, 1, collect, &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.mids[0], 103);
	assert_true(a.gone[0]); /* no such event */
	assert_int_equal(store_zoom_job_list(fx.db, fx.account_id, "cnf_unit", 103, "zu-unit", 10, collect, &b), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.mids[0], 104);
	struct seen none = {0};
	assert_int_equal(store_zoom_job_list(fx.db, fx.account_id, "cnf_other", 0, NULL, 10, collect, &none), 0);
	assert_int_equal(none.n, 0);
	/* the event lost its link: its update is not owed any more, a delete is */
	struct zoom_job_state s;
	assert_int_equal(store_zoom_job_drop_update(fx.db, fx.account_id, "zu-unit", 103, "evt_103"), 0);
	assert_int_equal(state(103, &s), E_NOTFOUND);
	assert_int_equal(store_zoom_job_drop_update(fx.db, fx.account_id, "zu-unit", 104, "evt_104"), 0);
	assert_int_equal(state(104, &s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_change_in_the_claimed_second_survives_done),
		cmocka_unit_test(test_a_job_changed_in_flight_is_not_failed),
		cmocka_unit_test(test_failed_requeued_and_dismissed),
		cmocka_unit_test(test_list_pages_and_drop_update),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
