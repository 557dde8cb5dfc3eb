/* Unit tests of the Zoom tables (store/zoom.h) on a real SQLite file: the
 * refresh lease and the token save are compare-and-set on token_version (what
 * keeps two nodes from spending one rotating refresh token), a refusal turns
 * every connection of the Zoom user to needs_reconnect, a reload replaces
 * the meetings cache whole but keeps a known passcode, and a state is used
 * once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "store/store.h"
#include "fixture.h"

static void account(const char *uid, int64_t now)
{
	struct zoom_account a = {0};
	snprintf(a.zoom_user_id, sizeof a.zoom_user_id, "%s", uid);
	snprintf(a.zoom_account_id, sizeof a.zoom_account_id, "acc1");
	snprintf(a.email, sizeof a.email, "%s@zoom.test", uid);
	snprintf(a.display_name, sizeof a.display_name, "Zed");
	snprintf(a.plan, sizeof a.plan, "basic");
	snprintf(a.access_sealed, sizeof a.access_sealed, "sb1:access");
	snprintf(a.refresh_sealed, sizeof a.refresh_sealed, "sb1:refresh");
	a.expires_at = now + 3600;
	assert_int_equal(store_begin(fx.db, 1), 0);
	assert_int_equal(store_zoom_account_authorized(fx.db, &a, now), 0);
	assert_int_equal(store_commit(fx.db), 0);
}

static void the_lease_and_the_save_follow_the_token_version(void **state)
{
	struct zoom_account a;
	int64_t now = 1000000;
	account("lease1", now);
	assert_int_equal(store_zoom_account_get(fx.db, "lease1", &a), 0);
	int64_t v = a.token_version;
	assert_int_equal(store_zoom_lease_take(fx.db, "lease1", v, now, now + 30), 1);
	/* held: nobody else takes it, until it lapses */
	assert_int_equal(store_zoom_lease_take(fx.db, "lease1", v, now + 5, now + 35), 0);
	assert_int_equal(store_zoom_lease_take(fx.db, "lease1", v, now + 31, now + 61), 1);
	/* the holder saves against the version it read: the version moves, the lease goes */
	assert_int_equal(store_zoom_tokens_save(fx.db, "lease1", v, "sb1:a2", "sb1:r2", now + 3600, now), 0);
	assert_int_equal(store_zoom_account_get(fx.db, "lease1", &a), 0);
	assert_int_equal(a.token_version, v + 1);
	assert_int_equal(a.refresh_lease_until, 0);
	assert_string_equal(a.refresh_sealed, "sb1:r2");
	/* a late second writer with the old version changes nothing */
	assert_int_equal(store_zoom_tokens_save(fx.db, "lease1", v, "sb1:a3", "sb1:r3", now + 3600, now), E_CONFLICT);
	assert_int_equal(store_zoom_lease_take(fx.db, "lease1", v, now, now + 30), 0);
	assert_int_equal(store_zoom_account_get(fx.db, "lease1", &a), 0);
	assert_string_equal(a.refresh_sealed, "sb1:r2");
	assert_int_equal(a.created_at, now); /* a refresh is not an authorization */
	/* a new authorization bumps the version too (a refresh in flight loses),
	 * and is the account's latest authorization */
	account("lease1", now + 500);
	assert_int_equal(store_zoom_account_get(fx.db, "lease1", &a), 0);
	assert_int_equal(a.token_version, v + 2);
	assert_int_equal(a.created_at, now + 500);
}

static void conference(const char *id)
{
	struct conference c = {0};
	snprintf(c.account_id, sizeof c.account_id, "%s", fx.account_id);
	snprintf(c.id, sizeof c.id, "%s", id);
	snprintf(c.name, sizeof c.name, "Conf");
	snprintf(c.starts_on, sizeof c.starts_on, "2030-01-01");
	snprintf(c.ends_on, sizeof c.ends_on, "2030-01-02");
	snprintf(c.time_zone, sizeof c.time_zone, "UTC");
	snprintf(c.calendar_id, sizeof c.calendar_id, "cal_none");
	assert_int_equal(store_conference_insert(fx.db, &c), 0);
}

static void connection(const char *conf, const char *id, const char *uid)
{
	struct zoom_connection c = {0};
	snprintf(c.account_id, sizeof c.account_id, "%s", fx.account_id);
	snprintf(c.id, sizeof c.id, "%s", id);
	snprintf(c.conference_id, sizeof c.conference_id, "%s", conf);
	snprintf(c.name, sizeof c.name, "%s", id);
	snprintf(c.status, sizeof c.status, ZOOM_CONNECTED);
	snprintf(c.zoom_user_id, sizeof c.zoom_user_id, "%s", uid);
	c.created_at = c.updated_at = 1;
	assert_int_equal(store_zoom_connection_insert(fx.db, &c), 0);
}

static void a_refusal_reaches_every_connection_of_the_zoom_user(void **state)
{
	struct zoom_connection c;
	struct zoom_account a;
	int64_t n = 0;
	account("refused", 1000);
	account("other", 1000);
	assert_int_equal(store_begin(fx.db, 1), 0);
	conference("cnf_unit1");
	conference("cnf_unit2");
	connection("cnf_unit1", "zcn_unit1", "refused");
	connection("cnf_unit2", "zcn_unit2", "refused");
	connection("cnf_unit2", "zcn_unit3", "other");
	assert_int_equal(
		store_zoom_account_needs_reconnect(fx.db, "refused", "grant_refused", "reconnect please", 2000), 0);
	assert_int_equal(store_commit(fx.db), 0);
	assert_int_equal(store_zoom_connection_get(fx.db, fx.account_id, "cnf_unit1", "zcn_unit1", &c), 0);
	assert_string_equal(c.status, ZOOM_NEEDS_RECONNECT);
	assert_string_equal(c.error, "reconnect please");
	assert_string_equal(c.error_code, "grant_refused");
	assert_string_equal(c.error_params, "");
	assert_int_equal(store_zoom_connection_get(fx.db, fx.account_id, "cnf_unit2", "zcn_unit2", &c), 0);
	assert_string_equal(c.status, ZOOM_NEEDS_RECONNECT);
	assert_int_equal(store_zoom_connection_get(fx.db, fx.account_id, "cnf_unit2", "zcn_unit3", &c), 0);
	assert_string_equal(c.status, ZOOM_CONNECTED);
	assert_int_equal(store_zoom_account_get(fx.db, "refused", &a), 0);
	assert_string_equal(a.refresh_sealed, "");
	assert_int_equal(store_zoom_account_refs(fx.db, "refused", &n), 0);
	assert_int_equal(n, 2);
	/* a new authorization connects them all again */
	account("refused", 3000);
	assert_int_equal(store_zoom_connection_get(fx.db, fx.account_id, "cnf_unit1", "zcn_unit1", &c), 0);
	assert_string_equal(c.status, ZOOM_CONNECTED);
	assert_string_equal(c.error, "");
	assert_string_equal(c.error_code, "");
	/* a reload's error keeps its code and parameters; the next good reload clears them */
	assert_int_equal(store_begin(fx.db, 1), 0);
	assert_int_equal(store_zoom_fetch_state(fx.db, "refused", 0, 4000, "zoom_http_error", "{\"status\":502}",
						"Zoom answered HTTP 502", 3000),
			 0);
	assert_int_equal(store_commit(fx.db), 0);
	assert_int_equal(store_zoom_connection_get(fx.db, fx.account_id, "cnf_unit1", "zcn_unit1", &c), 0);
	assert_string_equal(c.error_code, "zoom_http_error");
	assert_string_equal(c.error_params, "{\"status\":502}");
	assert_string_equal(c.error, "Zoom answered HTTP 502");
	assert_int_equal(c.retry_at, 4000);
	assert_int_equal(store_begin(fx.db, 1), 0);
	assert_int_equal(store_zoom_fetch_state(fx.db, "refused", 3100, 0, NULL, NULL, NULL, 3100), 0);
	assert_int_equal(store_commit(fx.db), 0);
	assert_int_equal(store_zoom_connection_get(fx.db, fx.account_id, "cnf_unit1", "zcn_unit1", &c), 0);
	assert_string_equal(c.error_code, "");
	assert_string_equal(c.error_params, "");
	assert_string_equal(c.error, "");
	assert_int_equal(c.retry_at, 0);
}

struct seen {
	int n;
	int64_t ids[8];
	char pass[8][16];
};

static int collect(void *ctx, const struct zoom_meeting *m)
{
	struct seen *s = ctx;
	s->ids[s->n] = m->meeting_id;
	snprintf(s->pass[s->n], sizeof s->pass[0], "%s", m->passcode ? m->passcode : "-");
	s->n++;
	return 0;
}

static void upsert(int64_t id, int has_start, int64_t start, const char *passcode, int64_t now)
{
	struct zoom_meeting m = {.zoom_user_id = "meet",
				 .meeting_id = id,
				 .topic = "t",
				 .type = has_start ? 2 : 3,
				 .has_start = has_start,
				 .start_at = start,
				 .duration = 30,
				 .passcode = passcode,
				 .fetched_at = now};
	assert_int_equal(store_zoom_meeting_upsert(fx.db, &m), 0);
}

static void a_reload_replaces_the_cache_and_keeps_a_known_passcode(void **state)
{
	struct seen s = {0};
	account("meet", 1000);
	assert_int_equal(store_begin(fx.db, 1), 0);
	assert_int_equal(store_zoom_meetings_replace_begin(fx.db, "meet"), 0);
	upsert(11, 1, 5000, "pw11", 100);
	upsert(12, 0, 0, NULL, 100);
	upsert(13, 1, 4000, NULL, 100);
	assert_int_equal(store_zoom_meetings_replace_end(fx.db, "meet"), 0);
	assert_int_equal(store_commit(fx.db), 0);
	assert_int_equal(store_zoom_meetings_each(fx.db, "meet", collect, &s), 0);
	assert_int_equal(s.n, 3);
	assert_true(s.ids[0] == 13 && s.ids[1] == 11 && s.ids[2] == 12); /* by start, none last */
	/* the next list has no passcodes (Zoom's lists never do) and no 13 */
	assert_int_equal(store_begin(fx.db, 1), 0);
	assert_int_equal(store_zoom_meetings_replace_begin(fx.db, "meet"), 0);
	upsert(11, 1, 5000, NULL, 200);
	upsert(12, 0, 0, NULL, 200);
	assert_int_equal(store_zoom_meetings_replace_end(fx.db, "meet"), 0);
	assert_int_equal(store_commit(fx.db), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_zoom_meetings_each(fx.db, "meet", collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_true(s.ids[0] == 11 && s.ids[1] == 12);
	assert_string_equal(s.pass[0], "pw11");
	assert_int_equal(store_zoom_meeting_exists(fx.db, "meet", 13), E_NOTFOUND);
}

static void a_state_is_used_once(void **state)
{
	struct zoom_oauth_state s = {0}, out;
	snprintf(s.state_hash, sizeof s.state_hash, "hash-once");
	snprintf(s.account_id, sizeof s.account_id, "%s", fx.account_id);
	snprintf(s.connection_id, sizeof s.connection_id, "zcn_x");
	snprintf(s.user_id, sizeof s.user_id, "%s", fx.admin_id);
	snprintf(s.verifier_sealed, sizeof s.verifier_sealed, "sb1:v");
	s.expires_at = 5000;
	assert_int_equal(store_zoom_state_insert(fx.db, &s), 0);
	assert_int_equal(store_zoom_state_use(fx.db, "hash-once", 100, &out), 0);
	assert_string_equal(out.connection_id, "zcn_x");
	assert_int_equal(out.expires_at, 5000);
	assert_int_equal(store_zoom_state_use(fx.db, "hash-once", 101, &out), E_CONFLICT);
	assert_int_equal(store_zoom_state_use(fx.db, "hash-unknown", 101, &out), E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_lease_and_the_save_follow_the_token_version),
		cmocka_unit_test(a_refusal_reaches_every_connection_of_the_zoom_user),
		cmocka_unit_test(a_reload_replaces_the_cache_and_keeps_a_known_passcode),
		cmocka_unit_test(a_state_is_used_once),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
