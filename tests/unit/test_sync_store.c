/* Unit tests of calendar sync's tables (store/sync.h, migration 035) on a
 * real SQLite file: a connection's step 1, status and counters; the
 * provider's rooms refreshed from a listing without losing their link, one
 * provider room per convene room, unlinked when the convene room goes; a push
 * that comes during a sync is not lost; the claims' leases; the event
 * mapping; and the outbound jobs' one-open-job rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "store/store.h"
#include "fixture.h"

#define NOW 1800000000

static const char *acc(void)
{
	return fx.account_id;
}

static void connections_keep_step1_status_and_counters(void **state)
{
	struct sync_connection c;
	assert_int_equal(store_sync_connection_get(fx.db, acc(), "google", &c), E_NOTFOUND);
	assert_int_equal(store_sync_connection_step1(fx.db, acc(), "microsoft", "{\"tenant_id\":\"t\"}", "sb1:ms",
						     fx.admin_id, NOW),
			 0);
	assert_int_equal(store_sync_connection_step1(fx.db, acc(), "google", "{\"admin_email\":\"a@b.c\"}", "sb1:key",
						     fx.admin_id, NOW),
			 0);
	/* the enumerations are the table's */
	assert_int_equal(store_sync_connection_step1(fx.db, acc(), "yahoo", "{}", "sb1:x", NULL, NOW), E_CONFLICT);
	assert_int_equal(store_sync_connection_status(fx.db, acc(), "google", "happy", NULL, NULL, NULL, NOW),
			 E_CONFLICT);
	/* another account sees nothing */
	assert_int_equal(store_sync_connection_get(fx.db, "acc_someoneelse", "google", &c), E_NOTFOUND);

	struct sync_connection list[SYNC_PROVIDERS];
	int n;
	assert_int_equal(store_sync_connections_list(fx.db, acc(), list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].provider, "google"); /* provider order, not insertion */
	assert_string_equal(list[1].provider, "microsoft");
	assert_string_equal(list[0].status, "step1_done");
	assert_string_equal(list[0].secret_sealed, "sb1:key");
	assert_null(list[0].token_sealed);
	assert_string_equal(list[0].created_by, fx.admin_id);
	for (int i = 0; i < n; i++)
		sync_connection_free(&list[i]);

	/* a failed check, then connected: connected_at is the first success */
	assert_int_equal(store_sync_connection_status(fx.db, acc(), "google", "step1_done", "Scopes not granted",
						      "scopes_not_granted", "{\"client_id\":\"1\"}", NOW + 1),
			 0);
	assert_int_equal(store_sync_connection_get(fx.db, acc(), "google", &c), 0);
	assert_string_equal(c.error_code, "scopes_not_granted");
	assert_string_equal(c.error_params, "{\"client_id\":\"1\"}");
	assert_int_equal(c.checked_at, NOW + 1);
	assert_int_equal(c.connected_at, 0);
	sync_connection_free(&c);
	assert_int_equal(store_sync_connection_status(fx.db, acc(), "google", "connected", NULL, NULL, NULL, NOW + 2),
			 0);
	assert_int_equal(store_sync_connection_status(fx.db, acc(), "google", "connected", NULL, NULL, NULL, NOW + 3),
			 0);
	assert_int_equal(store_sync_connection_token(fx.db, acc(), "google", "sb1:tok", NOW + 3600, NOW + 3), 0);
	assert_int_equal(store_sync_connection_note(fx.db, acc(), "google", 5, 1, NOW + 4, 0, NOW + 4), 0);
	assert_int_equal(store_sync_connection_note(fx.db, acc(), "google", 2, 0, 0, NOW + 5, NOW + 5), 0);
	assert_int_equal(store_sync_connection_get(fx.db, acc(), "google", &c), 0);
	assert_string_equal(c.status, "connected");
	assert_string_equal(c.error_code, "");
	assert_string_equal(c.detail, "");
	assert_int_equal(c.connected_at, NOW + 2);
	assert_string_equal(c.token_sealed, "sb1:tok");
	assert_int_equal(c.token_expires_at, NOW + 3600);
	assert_int_equal(c.events_synced, 7);
	assert_int_equal(c.conflicts_resolved, 1);
	assert_int_equal(c.last_push_at, NOW + 4);
	assert_int_equal(c.last_full_at, NOW + 5);
	sync_connection_free(&c);

	/* new credentials: status back to step1_done, the old token forgotten,
	 * counters and connected_at kept */
	assert_int_equal(store_sync_connection_step1(fx.db, acc(), "google", "{}", "sb1:key2", NULL, NOW + 6), 0);
	assert_int_equal(store_sync_connection_get(fx.db, acc(), "google", &c), 0);
	assert_string_equal(c.status, "step1_done");
	assert_string_equal(c.secret_sealed, "sb1:key2");
	assert_null(c.token_sealed);
	assert_int_equal(c.checked_at, 0);
	assert_int_equal(c.events_synced, 7);
	assert_int_equal(c.connected_at, NOW + 2);
	assert_int_equal(c.created_at, NOW);
	sync_connection_free(&c);

	assert_int_equal(store_sync_connection_delete(fx.db, acc(), "microsoft"), 0);
	assert_int_equal(store_sync_connection_delete(fx.db, acc(), "microsoft"), E_NOTFOUND);
	assert_int_equal(store_sync_connection_token(fx.db, acc(), "microsoft", NULL, 0, NOW), E_NOTFOUND);
}

static void listed(const char *provider, const char *id, const char *name, int capacity)
{
	struct sync_room r = {0};
	snprintf(r.account_id, sizeof r.account_id, "%s", acc());
	snprintf(r.provider, sizeof r.provider, "%s", provider);
	snprintf(r.provider_room_id, sizeof r.provider_room_id, "%s", id);
	snprintf(r.email, sizeof r.email, "%s@resource.test", id);
	snprintf(r.name, sizeof r.name, "%s", name);
	r.capacity = capacity;
	snprintf(r.building, sizeof r.building, "HQ");
	snprintf(r.features, sizeof r.features, "[\"Projector\"]");
	snprintf(r.category, sizeof r.category, "meeting");
	assert_int_equal(store_sync_room_upsert(fx.db, &r, NOW), 0);
}

struct names {
	char v[8][64];
	int n;
};

static int collect(void *ctx, const struct sync_room *r)
{
	struct names *x = ctx;
	snprintf(x->v[x->n++], sizeof x->v[0], "%s=%s:%s", r->name, r->state, r->room_name);
	return 0;
}

static void provider_rooms_link_once_and_unlink_with_the_room(void **state)
{
	struct room a, b;
	assert_int_equal(fixture_room(&fx, "Alpha", "alpha@unit.test", &a), 0);
	assert_int_equal(fixture_room(&fx, "Beta", "beta@unit.test", &b), 0);
	assert_int_equal(store_sync_connection_step1(fx.db, acc(), "google", "{}", "sb1:k", NULL, NOW), 0);
	listed("google", "r1", "Zeta room", 8);
	listed("google", "r2", "Eta room", -1);
	struct sync_room r;
	assert_int_equal(store_sync_room_get(fx.db, acc(), "google", "r2", &r), 0);
	assert_int_equal(r.capacity, -1);
	assert_string_equal(r.state, "available");
	assert_string_equal(r.features, "[\"Projector\"]");
	assert_int_equal(store_sync_room_get(fx.db, "acc_someoneelse", "google", "r2", &r), E_NOTFOUND);

	assert_int_equal(store_sync_room_link(fx.db, acc(), "google", "r1", a.id, NOW + 10), 0);
	/* one provider room per convene room; rooms of the account only */
	assert_int_equal(store_sync_room_link(fx.db, acc(), "google", "r2", a.id, NOW), E_CONFLICT);
	assert_int_equal(store_sync_room_link(fx.db, acc(), "google", "r2", "roo_nosuchroom", NOW), E_INVALID);
	assert_int_equal(store_sync_room_link(fx.db, acc(), "google", "r9", b.id, NOW), E_NOTFOUND);
	assert_int_equal(store_sync_room_ignore(fx.db, acc(), "google", "r2"), 0);
	/* a new listing refreshes the fields and keeps the link */
	listed("google", "r1", "Zeta room (2)", 10);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "google", "r1", &r), 0);
	assert_string_equal(r.state, "linked");
	assert_string_equal(r.room_id, a.id);
	assert_string_equal(r.room_name, "Alpha");
	assert_int_equal(r.capacity, 10);
	assert_int_equal(r.full_due_at, NOW + 10); /* a first full sync is due */
	struct names x = {0};
	assert_int_equal(store_sync_rooms_list(fx.db, acc(), "google", 100, collect, &x), 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.v[0], "Eta room=ignored:");
	assert_string_equal(x.v[1], "Zeta room (2)=linked:Alpha");
	memset(&x, 0, sizeof x);
	assert_int_equal(store_sync_rooms_list(fx.db, acc(), "google", 1, collect, &x), 0);
	assert_int_equal(x.n, 1);

	/* unlink, relink elsewhere */
	assert_int_equal(store_sync_room_unlink(fx.db, acc(), "google", "r1"), 0);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "google", "r1", &r), 0);
	assert_string_equal(r.state, "available");
	assert_string_equal(r.room_id, "");
	assert_int_equal(store_sync_room_link(fx.db, acc(), "google", "r2", a.id, NOW), 0);
	/* the convene room deleted: the provider room is no longer linked */
	assert_int_equal(store_begin(fx.db, 1), 0);
	assert_int_equal(store_room_delete(fx.db, acc(), a.id), 0);
	assert_int_equal(store_commit(fx.db), 0);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "google", "r2", &r), 0);
	assert_string_equal(r.state, "available");
	assert_string_equal(r.room_id, "");
	assert_int_equal(store_sync_connection_delete(fx.db, acc(), "google"), 0);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "google", "r1", &r), E_NOTFOUND); /* by cascade */
}

static void a_push_during_a_sync_is_not_lost_and_leases_hold(void **state)
{
	struct room c;
	assert_int_equal(fixture_room(&fx, "Gamma", "gamma@unit.test", &c), 0);
	assert_int_equal(store_sync_connection_step1(fx.db, acc(), "microsoft", "{}", "sb1:s", NULL, NOW), 0);
	listed("microsoft", "m1", "Gamma at Graph", 4);
	assert_int_equal(store_sync_room_link(fx.db, acc(), "microsoft", "m1", c.id, NOW), 0);
	struct sync_room r;
	/* not connected yet: nothing to claim */
	assert_int_equal(store_sync_room_claim(fx.db, NOW, NOW + 30, &r), 0);
	assert_int_equal(store_sync_connection_status(fx.db, acc(), "microsoft", "connected", NULL, NULL, NULL, NOW),
			 0);
	assert_int_equal(store_sync_room_claim(fx.db, NOW, NOW + 30, &r), 1); /* the first full sync */
	assert_string_equal(r.provider_room_id, "m1");
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 1, NOW + 31, &r), 0); /* leased */
	assert_int_equal(
		store_sync_room_set_token(fx.db, acc(), "microsoft", "m1", "https://graph/delta?x=1", NOW + 6 * 3600),
		0);
	assert_int_equal(store_sync_room_clean(fx.db, acc(), "microsoft", "m1", r.dirty_seq, NOW + 2), 0);
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 3, NOW + 33, &r), 0); /* nothing due */
	char *huge = calloc(1, sizeof r.sync_token + 1);
	memset(huge, 'x', sizeof r.sync_token);
	assert_int_equal(store_sync_room_set_token(fx.db, acc(), "microsoft", "m1", huge, NOW), E_TOOLARGE);
	free(huge);

	/* a push, claimed; a second push while it syncs keeps it dirty */
	assert_int_equal(store_sync_room_dirty(fx.db, acc(), "microsoft", "m1", NOW + 10), 0);
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 10, NOW + 40, &r), 1);
	assert_string_equal(r.sync_token, "https://graph/delta?x=1");
	assert_int_equal(r.dirty_at, NOW + 10);
	assert_int_equal(store_sync_room_dirty(fx.db, acc(), "microsoft", "m1", NOW + 10), 0);
	assert_int_equal(store_sync_room_clean(fx.db, acc(), "microsoft", "m1", r.dirty_seq, NOW + 11), 0);
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 11, NOW + 41, &r), 1); /* still dirty */
	assert_int_equal(store_sync_room_error(fx.db, acc(), "microsoft", "m1", "provider_unavailable", "Graph 503"),
			 0);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "microsoft", "m1", &r), 0);
	assert_string_equal(r.error_code, "provider_unavailable");
	assert_int_equal(r.lease_until, 0);
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 12, NOW + 42, &r), 1);
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 12, NOW + 42, &r), 0); /* leased */
	assert_int_equal(store_sync_room_get(fx.db, acc(), "microsoft", "m1", &r), 0);
	assert_int_equal(store_sync_room_clean(fx.db, acc(), "microsoft", "m1", r.dirty_seq, NOW + 13), 0);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "microsoft", "m1", &r), 0);
	assert_int_equal(r.dirty_at, 0);
	assert_string_equal(r.error_code, "");
	assert_int_equal(r.last_sync_at, NOW + 13);
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 14, NOW + 44, &r), 0);
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 6 * 3600, NOW + 6 * 3600 + 30, &r), 1); /* full check */
	assert_int_equal(store_sync_room_dirty(fx.db, acc(), "microsoft", "nosuch", NOW), E_NOTFOUND);

	/* push look-ups, by Graph subscription and Google channel */
	assert_int_equal(store_sync_room_set_subscription(fx.db, acc(), "microsoft", "m1", "sub-1", NOW + 4000, "h1"),
			 0);
	assert_int_equal(store_sync_room_by_subscription(fx.db, "sub-1", &r), 0);
	assert_string_equal(r.account_id, acc());
	assert_string_equal(r.client_state_hash, "h1");
	assert_int_equal(r.subscription_expires_at, NOW + 4000);
	assert_int_equal(store_sync_room_by_subscription(fx.db, "sub-2", &r), E_NOTFOUND);
	assert_int_equal(store_sync_room_set_channel(fx.db, acc(), "microsoft", "m1", "ch-1", "res-1", "h2", NOW + 9),
			 0);
	assert_int_equal(store_sync_room_by_channel(fx.db, "ch-1", &r), 0);
	assert_string_equal(r.channel_resource_id, "res-1");
	assert_int_equal(store_sync_room_set_channel(fx.db, acc(), "microsoft", "m1", NULL, "x", "y", NOW), 0);
	assert_int_equal(store_sync_room_by_channel(fx.db, "ch-1", &r), E_NOTFOUND);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "microsoft", "m1", &r), 0);
	assert_string_equal(r.channel_resource_id, "");
	assert_int_equal(store_sync_room_set_subscription(fx.db, acc(), "microsoft", "m1", NULL, 5, "z"), 0);
	assert_int_equal(store_sync_room_by_subscription(fx.db, "sub-1", &r), E_NOTFOUND);
	/* unlinked: never claimed */
	assert_int_equal(store_sync_room_dirty(fx.db, acc(), "microsoft", "m1", NOW + 20), 0);
	assert_int_equal(store_sync_room_unlink(fx.db, acc(), "microsoft", "m1"), 0);
	assert_int_equal(store_sync_room_dirty(fx.db, acc(), "microsoft", "m1", NOW + 21), 0);
	assert_int_equal(store_sync_room_claim(fx.db, NOW + 7 * 3600, NOW + 7 * 3600 + 30, &r), 0);
}

static int count_events(void *ctx, const struct sync_event *e)
{
	(*(int *)ctx)++;
	return 0;
}

static void events_map_both_ways(void **state)
{
	listed("microsoft", "m2", "Delta", 4);
	struct sync_event e = {0};
	snprintf(e.account_id, sizeof e.account_id, "%s", acc());
	snprintf(e.provider, sizeof e.provider, "microsoft");
	snprintf(e.provider_room_id, sizeof e.provider_room_id, "m2");
	snprintf(e.provider_event_id, sizeof e.provider_event_id, "AAMkAD=");
	snprintf(e.event_id, sizeof e.event_id, "evt_one");
	snprintf(e.origin, sizeof e.origin, "provider");
	snprintf(e.provider_etag, sizeof e.provider_etag, "ck1");
	e.provider_created_at = NOW - 60;
	assert_int_equal(store_sync_event_put(fx.db, &e, NOW), 0);
	snprintf(e.provider_etag, sizeof e.provider_etag, "ck2");
	snprintf(e.ical_uid, sizeof e.ical_uid, "uid-1");
	assert_int_equal(store_sync_event_put(fx.db, &e, NOW + 1), 0);
	struct sync_event got;
	assert_int_equal(store_sync_event_get(fx.db, acc(), "microsoft", "m2", "AAMkAD=", &got), 0);
	assert_string_equal(got.provider_etag, "ck2");
	assert_string_equal(got.ical_uid, "uid-1");
	assert_int_equal(got.updated_at, NOW + 1);
	assert_int_equal(got.provider_created_at, NOW - 60);
	snprintf(e.origin, sizeof e.origin, "elsewhere");
	assert_int_equal(store_sync_event_put(fx.db, &e, NOW), E_CONFLICT);
	int n = 0;
	assert_int_equal(store_sync_events_of_event(fx.db, acc(), "evt_one", count_events, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_sync_events_of_event(fx.db, "acc_someoneelse", "evt_one", count_events, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_sync_event_delete(fx.db, acc(), "microsoft", "m2", "AAMkAD="), 0);
	assert_int_equal(store_sync_event_delete(fx.db, acc(), "microsoft", "m2", "AAMkAD="), E_NOTFOUND);
	assert_int_equal(store_sync_event_get(fx.db, acc(), "microsoft", "m2", "AAMkAD=", &got), E_NOTFOUND);
}

static struct sync_job job(const char *event_id, const char *action, const char *body)
{
	struct sync_job j = {0};
	snprintf(j.account_id, sizeof j.account_id, "%s", acc());
	snprintf(j.provider, sizeof j.provider, "microsoft");
	snprintf(j.provider_room_id, sizeof j.provider_room_id, "m2");
	snprintf(j.event_id, sizeof j.event_id, "%s", event_id);
	snprintf(j.action, sizeof j.action, "%s", action);
	j.body = (char *)body;
	return j;
}

static void jobs_keep_one_open_write_per_room_and_event(void **state)
{
	struct sync_job j = job("evt_a", "insert", "{\"v\":1}"), got;
	assert_int_equal(store_sync_job_put(fx.db, &j, NOW, NOW), 0);
	/* not sent yet: a patch keeps it an insert, with the new body */
	j = job("evt_a", "patch", "{\"v\":2}");
	assert_int_equal(store_sync_job_put(fx.db, &j, NOW, NOW), 0);
	j = job("evt_a", "upsert", NULL);
	assert_int_equal(store_sync_job_put(fx.db, &j, NOW, NOW), E_CONFLICT);
	assert_int_equal(store_sync_job_claim(fx.db, NOW - 1, NOW + 30, &got), 0); /* not due */
	assert_int_equal(store_sync_job_claim(fx.db, NOW, NOW + 30, &got), 1);
	assert_string_equal(got.action, "insert");
	assert_string_equal(got.body, "{\"v\":2}");
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 1, NOW + 31, &j), 0); /* leased */
	/* sent, but a move came meanwhile: kept, due at once */
	struct sync_job move = job("evt_a", "patch", "{\"v\":3}");
	snprintf(move.provider_event_id, sizeof move.provider_event_id, "AAMk-a");
	assert_int_equal(store_sync_job_put(fx.db, &move, NOW + 1, NOW + 1), 0);
	assert_int_equal(store_sync_job_done(fx.db, &got), 0);
	sync_job_free(&got);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 2, NOW + 32, &got), 1);
	assert_string_equal(got.action, "insert"); /* the first was sent, but this one still says insert */
	assert_string_equal(got.body, "{\"v\":3}");
	assert_string_equal(got.provider_event_id, "AAMk-a");
	/* the provider is down: retried, then failed with the error */
	assert_int_equal(store_sync_job_retry(fx.db, &got, NOW + 100, 0, "provider_error", "Graph 503", NOW + 2), 0);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 50, NOW + 80, &j), 0);
	sync_job_free(&got);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 100, NOW + 130, &got), 1);
	assert_int_equal(got.attempts, 1);
	struct sync_room *room = calloc(1, sizeof *room);
	assert_non_null(room);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "microsoft", "m2", room), 0);
	assert_string_equal(room->write_error, ""); /* a retry to come is no failure yet */
	assert_int_equal(store_sync_job_retry(fx.db, &got, NOW + 200, 1, "access_denied", "Graph 403", NOW + 100), 0);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 9999, NOW + 9999, &j), 0); /* failed: not claimed */
	/* shown with the room, whatever a read of its calendar does */
	assert_int_equal(store_sync_room_clean(fx.db, acc(), "microsoft", "m2", 0, NOW + 101), 0);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "microsoft", "m2", room), 0);
	assert_string_equal(room->write_error, "Graph 403");
	assert_string_equal(room->write_error_code, "access_denied");
	assert_string_equal(room->error_code, "");
	/* the connection works again: the failed job is due at once, afresh */
	assert_int_equal(store_sync_jobs_revive(fx.db, acc(), "microsoft", NOW + 150), 0);
	sync_job_free(&got);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 150, NOW + 180, &got), 1);
	assert_int_equal(got.attempts, 0);
	assert_int_equal(store_sync_job_retry(fx.db, &got, NOW + 200, 1, "provider_error", "Graph 400", NOW + 150), 0);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 9999, NOW + 9999, &j), 0);
	/* a later change (the cancellation) opens it again */
	struct sync_job del = job("evt_a", "delete", NULL);
	assert_int_equal(store_sync_job_put(fx.db, &del, NOW + 300, NOW + 300), 0);
	sync_job_free(&got);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 300, NOW + 330, &got), 1);
	assert_string_equal(got.action, "delete");
	assert_null(got.body);
	assert_string_equal(got.provider_event_id, "AAMk-a"); /* kept from before */
	assert_int_equal(got.attempts, 0);
	assert_int_equal(store_sync_room_get(fx.db, acc(), "microsoft", "m2", room), 0);
	assert_string_equal(room->write_error, ""); /* pending again: no longer shown */
	free(room);
	/* replaced while it was sent: a retry only releases it */
	struct sync_job again = job("evt_a", "insert", "{\"v\":4}");
	assert_int_equal(store_sync_job_put(fx.db, &again, NOW + 301, NOW + 301), 0);
	assert_int_equal(store_sync_job_retry(fx.db, &got, NOW + 999, 1, "provider_error", "lost", NOW + 302), 0);
	sync_job_free(&got);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 302, NOW + 332, &got), 1);
	assert_string_equal(got.action, "insert");
	assert_int_equal(got.attempts, 0);
	assert_int_equal(store_sync_job_done(fx.db, &got), 0);
	sync_job_free(&got);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 9999, NOW + 9999, &got), 0); /* gone */
	/* the provider room's removal takes its jobs */
	j = job("evt_b", "insert", "{}");
	assert_int_equal(store_sync_job_put(fx.db, &j, NOW, NOW), 0);
	assert_int_equal(store_sync_connection_delete(fx.db, acc(), "microsoft"), 0);
	assert_int_equal(store_sync_job_claim(fx.db, NOW + 9999, NOW + 9999, &got), 0);
}

int main(void)
{
	/* in this order: later tests use the connections earlier ones leave */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(connections_keep_step1_status_and_counters),
		cmocka_unit_test(provider_rooms_link_once_and_unlink_with_the_room),
		cmocka_unit_test(a_push_during_a_sync_is_not_lost_and_leases_hold),
		cmocka_unit_test(events_map_both_ways),
		cmocka_unit_test(jobs_keep_one_open_write_per_room_and_event),
	};
	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
