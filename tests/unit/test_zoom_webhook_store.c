/* Unit tests of store/zoom_webhooks.h on SQLite (the API tests run the same
 * store on PostgreSQL): a replayed delivery is refused, events are claimed in
 * order of arrival and one Zoom user's wait behind its older open one (also
 * while it backs off), events naming no user never wait, a lapsed lease gives
 * an event back, the meeting events that follow a claimed one are found up to
 * another kind of event, and done/failed events are purged by age. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "fixture.h"

static int64_t us = 1700000000000000;

static void put(const char *event, const char *user, const char *key, char id[ID_MAX])
{
	struct zoom_webhook_event e = {0};
	snprintf(e.event, sizeof e.event, "%s", event);
	snprintf(e.zoom_user_id, sizeof e.zoom_user_id, "%s", user ? user : "");
	e.body = "{}";
	e.received_us = us += 1000;
	e.received_at = e.received_us / 1000000;
	assert_int_equal(store_zoom_webhook_insert(fx.db, &e, key), 0);
	if (id)
		memcpy(id, e.id, ID_MAX);
}

/* claims at time `now`: the id claimed, or "" when none is due */
static const char *claim(int64_t now, struct zoom_webhook_event *e)
{
	int rc = store_zoom_webhook_claim(fx.db, now, 600, e);
	if (rc == E_NOTFOUND)
		return "";
	assert_int_equal(rc, 0);
	store_zoom_webhook_free(e);
	return e->id;
}

static void test_replay_refused(void **state)
{
	(void)state;
	put("meeting.created", "zr", "key-replay", NULL);
	struct zoom_webhook_event e = {.body = "{}"};
	snprintf(e.event, sizeof e.event, "meeting.created");
	assert_int_equal(store_zoom_webhook_insert(fx.db, &e, "key-replay"), E_CONFLICT);
	int64_t n;
	assert_int_equal(store_zoom_webhook_count(fx.db, NULL, &n), 0);
	assert_int_equal(n, 1);
	/* clear the queue for the next tests */
	struct zoom_webhook_event c;
	assert_string_not_equal(claim(us / 1000000, &c), "");
	assert_int_equal(store_zoom_webhook_done(fx.db, c.id, us / 1000000, NULL), 0);
}

static void test_order_per_user(void **state)
{
	(void)state;
	char a1[ID_MAX], b1[ID_MAX], a2[ID_MAX], n1[ID_MAX], a3[ID_MAX];
	put("meeting.created", "za", "k-a1", a1);
	put("meeting.created", "zb", "k-b1", b1);
	put("meeting.updated", "za", "k-a2", a2);
	put("recording.completed", NULL, "k-n1", n1);
	put("app_deauthorized", "za", "k-a3", a3);
	int64_t now = us / 1000000 + 10;
	struct zoom_webhook_event e, f;
	assert_string_equal(claim(now, &e), a1);
	assert_int_equal(e.attempts, 1);
	/* za's a2 waits behind a1: zb's and the user-less one go first */
	assert_string_equal(claim(now, &f), b1);
	assert_string_equal(claim(now, &f), n1);
	assert_string_equal(claim(now, &f), "");
	/* the meeting events that follow a1, up to the uninstall */
	struct zoom_webhook_event more[4];
	int n = 0;
	assert_int_equal(store_zoom_webhook_following(fx.db, &e, "meeting.", more, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(more[0].id, a2);
	store_zoom_webhook_free(&more[0]);
	/* a1 backs off: za's later events still wait, until it is due again */
	assert_int_equal(store_zoom_webhook_retry(fx.db, a1, now + 30, "Zoom answered 429"), 0);
	assert_string_equal(claim(now + 29, &f), "");
	int64_t at;
	assert_int_equal(store_zoom_webhook_next_due(fx.db, &at), 0);
	assert_true(at <= now + 30);
	assert_string_equal(claim(now + 30, &f), a1);
	assert_int_equal(f.attempts, 2);
	/* done together with the one that followed it: then the uninstall */
	assert_int_equal(store_zoom_webhook_done(fx.db, a1, now + 31, NULL), 0);
	assert_int_equal(store_zoom_webhook_done(fx.db, a2, now + 31, "answered by the reload of an earlier event"), 0);
	assert_string_equal(claim(now + 31, &f), a3);
	assert_int_equal(store_zoom_webhook_done(fx.db, b1, now, NULL), 0);
	assert_int_equal(store_zoom_webhook_done(fx.db, n1, now, NULL), 0);
	/* its lease lapses (the node died): it is claimed again */
	assert_string_equal(claim(now + 32, &e), "");
	assert_string_equal(claim(now + 31 + 601, &e), a3);
	assert_int_equal(e.attempts, 2);
	assert_int_equal(store_zoom_webhook_fail(fx.db, a3, now + 700, "refused"), 0);
	struct zoom_webhook_event got;
	assert_int_equal(store_zoom_webhook_get(fx.db, a3, &got), 0);
	assert_string_equal(got.status, "failed");
	assert_string_equal(got.error, "refused");
	store_zoom_webhook_free(&got);
	assert_int_equal(store_zoom_webhook_next_due(fx.db, &at), E_NOTFOUND);
	/* purge: done ones older than a day, failed ones kept longer */
	int64_t purged = 0, left;
	assert_int_equal(store_zoom_webhook_purge(fx.db, now + 1000, now - 1000, &purged), 0);
	assert_int_equal(purged, 5); /* a1, a2, b1, n1 and the first test's */
	assert_int_equal(store_zoom_webhook_count(fx.db, NULL, &left), 0);
	assert_int_equal(left, 1);
	assert_int_equal(store_zoom_webhook_purge(fx.db, now + 1000, now + 1000, &purged), 0);
	assert_int_equal(purged, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_refused),
		cmocka_unit_test(test_order_per_user),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
