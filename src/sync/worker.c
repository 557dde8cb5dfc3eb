/* One room's sync, end to end: claim (a lease), open the connection, read
 * the changes outside any transaction (each applied in its own short one by
 * sync/inbound.c), store the next token, renew push, mark clean. A token the
 * provider refuses (410) becomes a full listing, after which the external
 * bookings it no longer names are removed. A failure is kept on the room
 * with its code and detail, and the room is tried again after SYNC_RETRY
 * (or the provider's Retry-After); when the credentials themselves fail (no
 * token could be had) the connection is marked error, which stops its rooms
 * until an administrator mends step 1. */
#include "sync/worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/worker.h"
#include "store/store.h"
#include "sync/inbound.h"
#include "sync/outbound_worker.h"
#include "api/audit.h"

static long poll_ms = 2000;
static int64_t retry_s = SYNC_RETRY;
static int64_t renew_before_s = -1; /* test knob; -1: the provider's own margin */

void sync_push_address(const char *provider, char *out, size_t n)
{
	const char *base = config_current()->public_url;
	size_t len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	snprintf(out, n, "%.*s/webhooks/%s", (int)len, base, !strcmp(provider, "microsoft") ? "microsoft" : "google");
}

/* how long before its end a channel (Google, a week) or a subscription
 * (Graph, days) is renewed */
static int64_t renew_margin(const char *provider)
{
	if (renew_before_s >= 0)
		return renew_before_s;
	return !strcmp(provider, "microsoft") ? 12 * 3600 : 86400;
}

/* the room's failure kept, and the room left alone until `at` */
static void room_failed(struct db *db, const struct sync_room *r, const struct sync_failure *f, int64_t at)
{
	if (store_begin(db, 1))
		return;
	if (store_sync_room_error(db, r->account_id, r->provider, r->provider_room_id, f->code, f->detail) ||
	    store_sync_room_retry_at(db, r->account_id, r->provider, r->provider_room_id, at) || store_commit(db))
		store_rollback(db);
}

/* the credentials failed: the connection says so (its rooms wait for step 1) */
static void connection_failed(struct db *db, const struct sync_room *r, const struct sync_failure *f, int64_t now)
{
	if (store_begin(db, 1))
		return;
	if (store_sync_connection_status(db, r->account_id, r->provider, "error", f->detail, f->code,
					 *f->params ? f->params : NULL, now) ||
	    store_commit(db))
		store_rollback(db);
	log_warn("calendar sync: %s connection of account %s failed: %s (%s)", r->provider, r->account_id, f->code,
		 f->detail);
}

/* a channel or subscription opened, or renewed before it lapses: the new
 * one stored at once (its first push may come right away), then the old
 * one stopped (no gap in between) */
static int keep_push(struct db *db, struct sync_api *a, struct sync_room *r, int64_t now, struct sync_failure *f)
{
	const struct sync_provider *p = a->p;
	int graph = !strcmp(r->provider, "microsoft");
	int64_t expires = graph ? r->subscription_expires_at : r->channel_expires_at;
	int live = graph ? *r->subscription_id : *r->channel_id;
	if (p->poll)
		return 0; /* pull: the poll pass subscribes (poll_pulled) */
	if (!p->watch || (live && expires > now + renew_margin(r->provider)))
		return 0;
	char address[700], token[SECRET_MAX], hash[HASH_HEX_MAX];
	sync_push_address(r->provider, address, sizeof address);
	ids_secret(token);
	ids_hash(token, hash);
	struct sync_room old = *r, next = *r;
	int rc;
	if (!graph) {
		/* Google's channel id is ours to choose: stored (with the new
		 * secret) before the channel opens, so that its first messages,
		 * which may come before events.watch answers, are not refused
		 * as unknown (a 404 stops a channel) */
		ids_new("chn", next.channel_id);
		if ((rc = store_begin(db, 1)))
			return rc;
		if ((rc = store_sync_room_set_channel(db, r->account_id, r->provider, r->provider_room_id,
						      next.channel_id, NULL, hash, now)) ||
		    (rc = store_commit(db))) {
			store_rollback(db);
			return rc;
		}
	}
	if ((rc = p->watch(a, &next, address, token, f)))
		return rc;
	if ((rc = store_begin(db, 1)))
		return rc;
	rc = graph ? store_sync_room_set_subscription(db, r->account_id, r->provider, r->provider_room_id,
						      next.subscription_id, next.subscription_expires_at, hash)
		   : store_sync_room_set_channel(db, r->account_id, r->provider, r->provider_room_id, next.channel_id,
						 next.channel_resource_id, hash, next.channel_expires_at);
	/* what changed between the listing and the channel: read at once */
	if (!rc)
		rc = store_sync_room_dirty(db, r->account_id, r->provider, r->provider_room_id, now);
	if (rc || (rc = store_commit(db))) {
		store_rollback(db);
		return rc;
	}
	*r = next;
	int replaced = graph ? *old.subscription_id && strcmp(old.subscription_id, next.subscription_id)
			     : *old.channel_id && strcmp(old.channel_id, next.channel_id);
	struct sync_failure ignored = {0};
	if (replaced && p->unwatch && p->unwatch(a, &old, &ignored))
		log_info("calendar sync: the old push channel of room %s was not stopped: %s", r->provider_room_id,
			 ignored.detail);
	return 0;
}

/* the changes since token (NULL: a full listing) applied; *next the new token */
static int read_changes(struct db *db, struct sync_api *a, const struct sync_room *r, int full, char **next,
			struct inbound *in, struct sync_failure *f)
{
	int rc = inbound_open(in, db, r, full);
	if (rc) {
		sync_fail(f, "not_found", NULL, "The convene room linked to this room is gone; link it again.");
		return rc;
	}
	rc = a->p->changes(a, r, full ? NULL : r->sync_token, inbound_apply, in, next, f);
	if (!rc)
		rc = inbound_finish(in);
	else if (rc != E_CONFLICT) /* what was read before the failure is kept (not past an expired token) */
		inbound_flush(in);
	return rc;
}

/* each provider meeting declined by the race rule, audited (its id and the
 * comment, which names only the convene booking's time) */
static int audit_declines(struct db *db, const struct sync_room *r, const struct inbound *in)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < in->ndeclines; i++)
		if (in->declines[i].done)
			rc = audit_record_system(db, r->account_id, "system", "calendar_integration.conflict", "room",
						 in->room.id, in->room.name, NULL,
						 json_pack("{s:s, s:s, s:s, s:s}", "kept_by", "convene", "provider",
							   r->provider, "declined_provider_event_id",
							   in->declines[i].provider_event_id, "comment",
							   in->declines[i].comment));
	return rc;
}

static int sync_room(struct db *db, struct sync_room *r, int64_t now)
{
	struct sync_connection c = {0};
	struct sync_api a = {0};
	struct sync_failure f = {0};
	struct inbound in = {0};
	char *next = NULL;
	int rc = store_sync_connection_get(db, r->account_id, r->provider, &c);
	if (rc) {
		sync_fail(&f, "not_found", NULL, "This room's connection is gone.");
		room_failed(db, r, &f, now + retry_s);
		return rc == E_NOTFOUND ? 0 : rc;
	}
	if (sync_api_open(&c, &a, &f)) {
		connection_failed(db, r, &f, now);
		room_failed(db, r, &f, now + retry_s);
		goto out;
	}
	if (!a.p || !a.p->changes) {
		sync_fail(&f, "provider_error", NULL, "This server cannot read %s calendars yet.", r->provider);
		room_failed(db, r, &f, now + 3600);
		goto out;
	}
	int64_t seen_seq = r->dirty_seq;
	int full = !*r->sync_token || r->full_due_at <= now;
	rc = read_changes(db, &a, r, full, &next, &in, &f);
	if (rc == E_CONFLICT && !full) { /* the token is gone: a full listing, then what it lacks removed */
		inbound_close(&in);
		memset(&f, 0, sizeof f);
		full = 1;
		rc = read_changes(db, &a, r, full, &next, &in, &f);
	}
	if (a.token_changed)
		sync_api_save_token(db, &a);
	if (rc) {
		if (!*f.code) /* ours, not the provider's: the database */
			sync_fail(&f, "provider_error", NULL, "convene could not store the room's meetings (%s).",
				  error_name(rc));
		/* no token could be had: the credentials, not this room */
		if (!a.token && (rc == E_FORBIDDEN || rc == E_INVALID))
			connection_failed(db, r, &f, now);
		room_failed(db, r, &f, now + (f.retry_after > 0 ? f.retry_after : retry_s));
		log_warn("calendar sync: room %s (%s) of account %s: %s", r->provider_room_id, r->provider,
			 r->account_id, f.detail);
		rc = 0;
		goto out;
	}
	/* the race rule's later provider meetings, declined where they were
	 * made (after the transactions: a provider call); one that fails is
	 * queued for the writes worker to retry with back-off, and one queued
	 * already (a full check meets it again) is left to it */
	int64_t declined = 0;
	for (size_t i = 0; i < in.ndeclines; i++) {
		struct sync_failure df = {0};
		if (!a.p->decline) {
			log_warn("calendar sync: %s meetings cannot be declined by this server", r->provider);
			break;
		}
		if (sync_outbound_decline_queued(db, r, in.declines[i].provider_event_id))
			continue;
		if (a.p->decline(&a, r, in.declines[i].provider_event_id, in.declines[i].comment, &df)) {
			log_warn("calendar sync: meeting %.200s of room %s (%s) not declined: %s",
				 in.declines[i].provider_event_id, r->provider_room_id, r->provider, df.detail);
			if (sync_outbound_decline_later(db, r, in.declines[i].provider_event_id, in.declines[i].comment,
							&df))
				log_warn("calendar sync: the decline could not be queued either");
			continue;
		}
		in.declines[i].done = 1;
		declined++;
	}
	struct sync_failure pf = {0};
	int push_rc = keep_push(db, &a, r, now, &pf);
	if (a.token_changed)
		sync_api_save_token(db, &a);
	/* the next full check: in SYNC_FULL_EVERY, or sooner when the channel
	 * must be renewed before then */
	int64_t due = full || r->full_due_at <= now ? now + SYNC_FULL_EVERY : r->full_due_at;
	int64_t exp = a.p->poll                           ? 0
		      : !strcmp(r->provider, "microsoft") ? r->subscription_expires_at
							  : r->channel_expires_at;
	if (exp && exp - renew_margin(r->provider) < due)
		due = exp - renew_margin(r->provider) > now + 1 ? exp - renew_margin(r->provider) : now + 1;
	if ((rc = store_begin(db, 1)))
		goto out;
	if ((rc = store_sync_room_set_token(db, r->account_id, r->provider, r->provider_room_id, next, due)) ||
	    (rc = store_sync_connection_note(db, r->account_id, r->provider, in.synced, in.conflicts + declined, 0,
					     full ? now : 0, now)) ||
	    (rc = audit_declines(db, r, &in)) ||
	    (rc = store_sync_room_clean(db, r->account_id, r->provider, r->provider_room_id, seen_seq, now)) ||
	    (rc = store_commit(db))) {
		store_rollback(db);
		goto out;
	}
	if (push_rc) { /* the meetings are in; push is not: said on the room, and tried again soon */
		room_failed(db, r, &pf, now + (pf.retry_after > 0 ? pf.retry_after : retry_s));
		if (!store_begin(db, 1)) {
			if (store_sync_room_set_token(db, r->account_id, r->provider, r->provider_room_id, next,
						      now + retry_s) ||
			    store_commit(db))
				store_rollback(db);
		}
	}
out:
	free(next);
	inbound_close(&in);
	sync_api_close(&a);
	sync_connection_free(&c);
	return rc;
}

int sync_worker_run_once(struct db *db, int64_t now)
{
	struct sync_room *r = malloc(sizeof *r);
	if (!r)
		return E_NOMEM;
	int rc = store_sync_room_claim(db, now, now + SYNC_LEASE, r);
	if (rc == 1) {
		rc = sync_room(db, r, now);
		rc = rc ? rc : 1;
	}
	free(r);
	return rc;
}

/* Pull providers (Exchange): every poll_ms, the events of at most
 * POLL_ROOMS linked rooms read, taking the rooms in turns; a room whose
 * calendar changed is marked dirty and synced by the pass that follows. */
#define POLL_ROOMS 50

struct polled {
	struct sync_room *v;
	int n;
};

static int take_room(void *ctx, const struct sync_room *r)
{
	struct polled *p = ctx;
	p->v[p->n++] = *r;
	return 0;
}

/* one room's subscription polled (or made), its watermark stored; E_IO or
 * E_BUSY when the provider did not answer or asked to wait */
static int poll_room(struct db *db, struct sync_room *r, int64_t now)
{
	int failed = 0;
	struct sync_connection c = {0};
	struct sync_api a = {0};
	struct sync_failure f = {0};
	int changed = 0;
	if (store_sync_connection_get(db, r->account_id, r->provider, &c) || sync_api_open(&c, &a, &f) || !a.p ||
	    !a.p->poll)
		goto out;
	struct sync_room next = *r;
	int rc = a.p->poll(&a, &next, &changed, &f);
	if (rc && !changed) {
		log_info("calendar sync: polling room %s (%s) failed: %s", r->provider_room_id, r->provider, f.detail);
		failed = rc == E_IO || rc == E_BUSY ? rc : 0;
		goto out;
	}
	if (store_begin(db, 1))
		goto out;
	if (strcmp(next.channel_id, r->channel_id) || strcmp(next.channel_resource_id, r->channel_resource_id) ||
	    next.channel_expires_at != r->channel_expires_at)
		rc = store_sync_room_set_channel(db, r->account_id, r->provider, r->provider_room_id, next.channel_id,
						 next.channel_resource_id, NULL, next.channel_expires_at);
	else
		rc = 0;
	if (!rc && changed)
		rc = store_sync_room_dirty(db, r->account_id, r->provider, r->provider_room_id, now);
	if (rc || store_commit(db))
		store_rollback(db);
out:
	sync_api_close(&a);
	sync_connection_free(&c);
	return failed;
}

static void poll_pulled(struct db *db, int64_t now)
{
	static char after_account[ID_MAX], after_room[256];
	struct polled p = {calloc(POLL_ROOMS, sizeof(struct sync_room)), 0};
	if (!p.v)
		return;
	/* copied out first: no provider call while the rows are read */
	for (size_t i = 0; i < sizeof sync_provider_names / sizeof *sync_provider_names; i++) {
		const struct sync_provider *prov = sync_provider_find(sync_provider_names[i]);
		if (!prov || !prov->poll)
			continue;
		p.n = 0;
		if (store_sync_rooms_linked_of(db, prov->name, after_account, after_room, POLL_ROOMS, take_room, &p))
			continue;
		/* a server that does not answer is not asked again for the
		 * account's other rooms in this pass (each call may wait 15 s) */
		char skip[ID_MAX] = "";
		for (int k = 0; k < p.n; k++)
			if (strcmp(skip, p.v[k].account_id) && poll_room(db, &p.v[k], now))
				snprintf(skip, sizeof skip, "%s", p.v[k].account_id);
		if (p.n == POLL_ROOMS) {
			snprintf(after_account, sizeof after_account, "%s", p.v[p.n - 1].account_id);
			snprintf(after_room, sizeof after_room, "%s", p.v[p.n - 1].provider_room_id);
		} else {
			after_account[0] = after_room[0] = 0; /* the end: from the first again */
		}
	}
	free(p.v);
}

/* Several threads per node, each with its own database connection: a
 * room's sync spends most of its time waiting for the provider (a listing
 * page, a watch), so rooms are synced side by side; the lease keeps each
 * room to one thread (and one node) at a time. The first thread also polls
 * the pull providers' rooms. */
struct sync_thread {
	struct db *conn;
	int failing;
	int64_t polled_ms;
	int polls; /* the thread that polls the pull providers */
};

static long pass(struct worker *w);
static void end(struct worker *w);
static struct sync_thread threads[SYNC_THREADS] = {{.polls = 1}};
static struct worker sync_workers[SYNC_THREADS] = {
	WORKER_INIT("calendar sync", pass, end), WORKER_INIT("calendar sync", pass, end),
	WORKER_INIT("calendar sync", pass, end), WORKER_INIT("calendar sync", pass, end)};
_Static_assert(SYNC_THREADS == 4, "one WORKER_INIT per thread above");

static long pass(struct worker *w)
{
	struct sync_thread *t = w->arg;
	if (!t->conn && !(t->conn = store_db()))
		return poll_ms;
	int64_t ms = clock_mono_us() / 1000;
	if (t->polls && ms - t->polled_ms >= poll_ms) {
		t->polled_ms = ms;
		poll_pulled(t->conn, clock_now());
	}
	int rc = sync_worker_run_once(t->conn, clock_now());
	if (rc == 1) {
		t->failing = 0;
		return 0; /* another room may be due */
	}
	if (rc < 0) {
		if (!t->failing++)
			log_warn("calendar sync: cannot claim rooms: %s", store_error(t->conn));
		if (store_ping(t->conn)) {
			store_close_thread();
			t->conn = NULL;
		}
	} else {
		t->failing = 0;
	}
	return poll_ms;
}

static void end(struct worker *w)
{
	struct sync_thread *t = w->arg;
	store_close_thread();
	t->conn = NULL;
}

void sync_worker_kick(void)
{
	for (int i = 0; i < SYNC_THREADS; i++)
		worker_kick(&sync_workers[i]);
}

int sync_worker_start(void)
{
	poll_ms = worker_env_ms("CONVENE_SYNC_POLL_MS", poll_ms, 50);
	const char *env;
	if ((env = getenv("CONVENE_SYNC_RETRY_S")) && atol(env) >= 1) /* tests */
		retry_s = atol(env);
	if ((env = getenv("CONVENE_SYNC_RENEW_BEFORE_S")) && atol(env) >= 0) /* tests */
		renew_before_s = atol(env);
	for (int i = 0; i < SYNC_THREADS; i++) {
		sync_workers[i].arg = &threads[i];
		int rc = worker_start(&sync_workers[i]);
		if (rc) {
			while (i--)
				worker_stop(&sync_workers[i]);
			return rc;
		}
	}
	return 0;
}

void sync_worker_stop(void)
{
	for (int i = 0; i < SYNC_THREADS; i++)
		worker_stop(&sync_workers[i]);
}
