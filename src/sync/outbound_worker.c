/* Sending outbound sync's jobs (sync/outbound_worker.h). The provider is
 * called with no transaction open; what it answered is written after in one
 * short transaction (the mapping of convene event to provider event, the job
 * done or retried, the room's error). */
#include "sync/outbound_worker.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/audit.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/worker.h"
#include "store/queue_worker.h"
#include "store/store.h"
#include "store/sync.h"
#include "sync/outbound.h"
#include "sync/provider.h"

#define LEASE_SECONDS 120 /* longer than a write: a look-up, an insert or patch and a token (15 s each) */
#define BACKOFF_MAX 600
#define COPIES_BATCH 2000 /* an unlinked room's copies queued for removal at a time */
#define FAILED_HOLD 10    /* removals given up that hold a room's next batch */

int64_t sync_outbound_backoff(int attempts)
{
	int64_t s = 1;
	for (int i = 1; i < attempts && s < BACKOFF_MAX; i++)
		s *= 2;
	return s > BACKOFF_MAX ? BACKOFF_MAX : s;
}

/* a decline job's key: jobs are one per (room, convene event), and a
 * declined meeting has no convene event, so its provider id's digest
 * stands for one (never a convene id: those have no "dcl-") */
static void decline_key(const char *provider_event_id, char out[ID_MAX])
{
	char h[HASH_HEX_MAX];
	ids_hash(provider_event_id, h);
	snprintf(out, ID_MAX, "dcl-%s", h);
}

int sync_outbound_decline_queued(struct db *db, const struct sync_room *r, const char *provider_event_id)
{
	char key[ID_MAX];
	decline_key(provider_event_id, key);
	return store_sync_job_exists(db, r->account_id, r->provider, r->provider_room_id, key);
}

int sync_outbound_decline_later(struct db *db, const struct sync_room *r, const char *provider_event_id,
				const char *comment, const struct sync_failure *f)
{
	struct sync_job j = {0};
	int64_t now = clock_now();
	if (strlen(provider_event_id) >= sizeof j.provider_event_id)
		return E_TOOLARGE;
	snprintf(j.account_id, sizeof j.account_id, "%s", r->account_id);
	snprintf(j.provider, sizeof j.provider, "%s", r->provider);
	snprintf(j.provider_room_id, sizeof j.provider_room_id, "%s", r->provider_room_id);
	decline_key(provider_event_id, j.event_id);
	snprintf(j.action, sizeof j.action, "decline");
	snprintf(j.provider_event_id, sizeof j.provider_event_id, "%s", provider_event_id);
	json_t *body = json_pack("{s:s}", "comment", comment ? comment : "");
	if (!body || !(j.body = json_dumps(body, JSON_COMPACT))) {
		json_decref(body);
		return E_NOMEM;
	}
	json_decref(body);
	/* the first retry as after any failed write (or when the provider says) */
	int64_t wait = f && f->retry_after > 1 ? f->retry_after : sync_outbound_backoff(1);
	int rc = store_begin(db, 1);
	if (!rc) {
		if ((rc = store_sync_job_put(db, &j, now + wait, now)) || (rc = store_commit(db)))
			store_rollback(db);
	}
	free(j.body);
	return rc;
}

struct mapping {
	const struct sync_job *j;
	char provider_event_id[1100];
};

static int find_mapping(void *ctx, const struct sync_event *e)
{
	struct mapping *m = ctx;
	if (!strcmp(e->origin, "convene") && !strcmp(e->provider, m->j->provider) &&
	    !strcmp(e->provider_room_id, m->j->provider_room_id))
		snprintf(m->provider_event_id, sizeof m->provider_event_id, "%s", e->provider_event_id);
	return 0;
}

/* in the result's transaction: *gone 0 when the job's room is not linked
 * any more, 1 when it is gone (its connection deleted), -1 when linked */
static int unlinked_since(struct db *db, const struct sync_job *j, int *gone)
{
	struct sync_room *r = malloc(sizeof *r);
	if (!r)
		return E_NOMEM;
	int rc = store_sync_room_get(db, j->account_id, j->provider, j->provider_room_id, r);
	*gone = rc == E_NOTFOUND ? 1 : !rc && strcmp(r->state, "linked") ? 0 : -1;
	free(r);
	return rc == E_NOTFOUND ? 0 : rc;
}

/* the copy just written deleted by a job of its own, like the unlink's */
static int queue_delete(struct db *db, const struct sync_job *j, const char *provider_event_id, int64_t now)
{
	struct sync_job d = {0};
	snprintf(d.account_id, sizeof d.account_id, "%s", j->account_id);
	snprintf(d.provider, sizeof d.provider, "%s", j->provider);
	snprintf(d.provider_room_id, sizeof d.provider_room_id, "%s", j->provider_room_id);
	snprintf(d.event_id, sizeof d.event_id, "%s", j->event_id);
	snprintf(d.action, sizeof d.action, "delete");
	snprintf(d.provider_event_id, sizeof d.provider_event_id, "%s", provider_event_id);
	int rc = store_sync_job_put(db, &d, now, now);
	return rc ? rc : store_changed(db, SYNC_OUTBOUND_TOPIC);
}

/* the provider's answer, written in one transaction */
struct outcome {
	int rc;
	char *new_id;      /* written: the provider's id (mapping kept) */
	int removed;       /* deleted: the mapping goes */
	char old_id[1100]; /* the mapping it replaces or removes */
	int drop;          /* nothing to send any more (room unlinked, connection gone) */
	int declined;      /* a decline job's meeting declined: the conflict counted and audited */
	char comment[300]; /* the decline's */
	/* a write that came back after its room was unlinked (0) or its
	 * connection deleted (1); -1: still linked */
	int gone;
	struct sync_api a; /* still open after a write (opened): the delete at once when gone */
	int opened;
	struct sync_room r;
	char *token_sealed; /* a new access token to keep */
	int64_t token_expires_at;
	struct sync_failure f;
};

/* a meeting declined by its job: counted and audited as sync/worker.c does
 * for one declined at once */
static int conflict_noted(struct db *db, const struct sync_job *j, const struct outcome *o)
{
	int rc = store_sync_connection_note(db, j->account_id, j->provider, 0, 1, 0, 0, clock_now());
	if (rc)
		return rc;
	return audit_record_system(db, j->account_id, "system", "calendar_integration.conflict", "room", o->r.room_id,
				   o->r.room_name, NULL,
				   json_pack("{s:s, s:s, s:s, s:s}", "kept_by", "convene", "provider", j->provider,
					     "declined_provider_event_id", j->provider_event_id, "comment",
					     o->comment));
}

static int record(struct db *db, const struct sync_job *j, struct outcome *o, int64_t now)
{
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	if (!o->rc && !o->drop) {
		if (o->new_id && *o->old_id && strcmp(o->old_id, o->new_id))
			rc = store_sync_event_delete(db, j->account_id, j->provider, j->provider_room_id, o->old_id);
		if (rc == E_NOTFOUND)
			rc = 0;
		if (!rc && o->new_id) {
			struct sync_event *e = calloc(1, sizeof *e);
			if (!e)
				rc = E_NOMEM;
			else {
				snprintf(e->account_id, sizeof e->account_id, "%s", j->account_id);
				snprintf(e->provider, sizeof e->provider, "%s", j->provider);
				snprintf(e->provider_room_id, sizeof e->provider_room_id, "%s", j->provider_room_id);
				snprintf(e->provider_event_id, sizeof e->provider_event_id, "%s", o->new_id);
				snprintf(e->event_id, sizeof e->event_id, "%s", j->event_id);
				snprintf(e->origin, sizeof e->origin, "convene");
				rc = unlinked_since(db, j, &o->gone);
				if (!rc && o->gone <= 0)
					rc = store_sync_event_put(db, e, now);
				free(e);
				/* the connection went meanwhile (disconnected): no row
				 * can say what was written; deleted at once instead */
				if (rc == E_CONFLICT || rc == E_INVALID)
					o->gone = 1, rc = 0;
			}
		}
		if (!rc && o->removed && *o->old_id) {
			rc = store_sync_event_delete(db, j->account_id, j->provider, j->provider_room_id, o->old_id);
			if (rc == E_NOTFOUND)
				rc = 0;
		}
	}
	if (!rc && o->declined && (rc = conflict_noted(db, j, o)) == E_NOTFOUND)
		rc = 0; /* the connection went meanwhile */
	if (!rc && (!o->rc || o->drop)) {
		rc = store_sync_job_done(db, j);
		/* unlinked meanwhile: the unlink found nothing to remove, the
		 * write had not come back yet. Its delete is queued as the
		 * unlink's were (after done: under this job's key) */
		if (!rc && !o->rc && o->new_id && !o->gone)
			rc = queue_delete(db, j, o->new_id, now);
	} else if (!rc) {
		/* a refused content is refused again: kept as failed at once */
		int failed = o->rc == E_INVALID || j->attempts + 1 >= SYNC_JOB_ATTEMPTS;
		int64_t wait = sync_outbound_backoff(j->attempts + 1);
		if (o->f.retry_after > wait)
			wait = o->f.retry_after;
		if (!o->f.detail[0])
			sync_fail(&o->f, "provider_error", NULL, "%s", error_name(o->rc));
		/* a failed one is shown with the room for as long as it stays so */
		rc = store_sync_job_retry(db, j, now + wait, failed, o->f.code, o->f.detail, now);
	}
	if (rc) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}

/* the call to the provider, outside any transaction; o->a is left open
 * for the caller to close (o->opened) */
static void send_job(struct db *db, const struct sync_job *j, struct outcome *o)
{
	struct sync_connection c = {0};
	struct sync_room *r = &o->r;
	json_t *body = NULL;
	int64_t *exdates = NULL;
	struct mapping m = {j, ""};
	int rc = store_sync_connection_get(db, j->account_id, j->provider, &c);
	if (!rc)
		rc = store_sync_room_get(db, j->account_id, j->provider, j->provider_room_id, r);
	/* disconnected, or unlinked (only the removal of convene's copies,
	 * queued by the unlink, is still owed) */
	if (rc == E_NOTFOUND || (!rc && strcmp(r->state, "linked") && strcmp(j->action, "delete"))) {
		o->drop = 1;
		goto out;
	}
	if (!rc)
		rc = store_sync_events_of_event(db, j->account_id, j->event_id, find_mapping, &m);
	if (rc) {
		o->rc = rc;
		goto out;
	}
	snprintf(o->old_id, sizeof o->old_id, "%s", *m.provider_event_id ? m.provider_event_id : j->provider_event_id);
	if (strcmp(c.status, "connected")) {
		sync_fail(&o->f, "provider_error", NULL, "The calendar connection is not connected (%s).", c.status);
		o->rc = E_FORBIDDEN;
		goto out;
	}
	if ((rc = sync_api_open(&c, &o->a, &o->f))) {
		o->rc = rc;
		goto out;
	}
	o->opened = 1;
	if (!o->a.p || !o->a.p->write || !o->a.p->remove) {
		sync_fail(&o->f, "provider_error", NULL, "Writing to %s calendars is not available in this version.",
			  j->provider);
		o->rc = E_IO;
		goto out;
	}
	if (!strcmp(j->action, "decline")) {
		json_t *cm = json_object_get(body = j->body ? json_loads(j->body, 0, NULL) : NULL, "comment");
		snprintf(o->comment, sizeof o->comment, "%s", json_is_string(cm) ? json_string_value(cm) : "");
		struct sync_event *held = malloc(sizeof *held);
		/* convene took the meeting in since (the booking it lost to
		 * went): declining it now would be wrong */
		rc = held ? store_sync_event_get(db, j->account_id, j->provider, j->provider_room_id,
						 j->provider_event_id, held)
			  : E_NOMEM;
		free(held);
		if (!rc) {
			o->drop = 1;
			goto out;
		}
		if (rc != E_NOTFOUND) {
			o->rc = rc;
			goto out;
		}
		if (!o->a.p->decline) {
			sync_fail(&o->f, "provider_error", NULL,
				  "Declining %s meetings is not available in this version.", j->provider);
			o->rc = E_IO;
			goto out;
		}
		o->rc = o->a.p->decline(&o->a, r, j->provider_event_id, o->comment, &o->f);
		if (o->rc == E_NOTFOUND) /* gone at the provider: nothing left to decline */
			o->rc = 0;
		else
			o->declined = !o->rc;
	} else if (!strcmp(j->action, "delete")) {
		char *found = NULL;
		/* never heard of: an insert whose answer was lost may be there */
		if (!*o->old_id && o->a.p->find && (rc = o->a.p->find(&o->a, r, j->event_id, &found, &o->f)) < 0) {
			o->rc = rc;
			goto out;
		}
		o->rc = o->a.p->remove(&o->a, r, found ? found : o->old_id, &o->f);
		free(found);
		o->removed = 1;
	} else {
		struct sync_booking b;
		json_error_t je;
		body = j->body ? json_loads(j->body, 0, &je) : NULL;
		if ((rc = sync_outbound_booking(body, j->event_id, &b, &exdates))) {
			sync_fail(&o->f, "provider_error", NULL, "The queued booking is unreadable.");
			o->rc = E_INVALID;
			goto out;
		}
		o->rc = o->a.p->write(&o->a, r, o->old_id, &b, &o->new_id, &o->f);
	}
	if (sync_api_save_token(db, &o->a)) /* fetched again next time */
		log_warn("calendar sync: the new access token of %s could not be kept", j->provider);
out:
	free(exdates);
	json_decref(body);
	sync_connection_free(&c);
}

int sync_outbound_copies_batch(void)
{
	static int batch;
	if (!batch) {
		const char *env = getenv("CONVENE_SYNC_COPIES_BATCH"); /* tests */
		batch = env && atoi(env) >= 1 && atoi(env) <= COPIES_BATCH ? atoi(env) : COPIES_BATCH;
	}
	return batch;
}

/* the next batch of an unlinked room's copies queued for removal, once the
 * batch before is through (sync_events keeps what is still owed, so a
 * restart or an outage loses nothing): 1 when some were queued */
static int queue_more_removals(struct db *db, int64_t now)
{
	int max = sync_outbound_copies_batch(), n = 0;
	struct sync_event room, *rows = NULL;
	/* a look first, no writer lock: nothing is owed, nearly always */
	int rc = store_sync_copies_owed(db, FAILED_HOLD, &room);
	if (rc <= 0)
		return rc;
	if (!(rows = malloc(sizeof *rows * (size_t)max)))
		return E_NOMEM;
	if ((rc = store_begin(db, 1)))
		goto out;
	/* again in the transaction: another node may have queued them */
	rc = store_sync_copies_owed(db, FAILED_HOLD, &room);
	if (rc == 1)
		rc = store_sync_copies_unqueued(db, room.account_id, room.provider, room.provider_room_id, max, rows,
						&n);
	for (int i = 0; !rc && i < n; i++) {
		struct sync_job d = {0};
		snprintf(d.account_id, sizeof d.account_id, "%s", rows[i].account_id);
		snprintf(d.provider, sizeof d.provider, "%s", rows[i].provider);
		snprintf(d.provider_room_id, sizeof d.provider_room_id, "%s", rows[i].provider_room_id);
		snprintf(d.event_id, sizeof d.event_id, "%s", rows[i].event_id);
		snprintf(d.action, sizeof d.action, "delete");
		snprintf(d.provider_event_id, sizeof d.provider_event_id, "%s", rows[i].provider_event_id);
		rc = store_sync_job_put(db, &d, now, now);
	}
	if (rc || (rc = store_commit(db)))
		store_rollback(db);
	else if (n)
		log_info("calendar sync: %d more copies of %s room %s of account %s queued for removal", n,
			 rows[0].provider, rows[0].provider_room_id, rows[0].account_id);
out:
	free(rows);
	return rc ? rc : n > 0;
}

int sync_outbound_run_once(struct db *db, int64_t now)
{
	struct sync_job j;
	int rc = store_sync_job_claim(db, now, now + LEASE_SECONDS, &j);
	if (!rc)
		return queue_more_removals(db, now);
	if (rc < 0)
		return rc;
	struct outcome *o = calloc(1, sizeof *o);
	if (!o) {
		sync_job_free(&j);
		return E_NOMEM;
	}
	o->gone = -1;
	send_job(db, &j, o);
	if (o->rc && !o->drop)
		log_warn("calendar sync: %s of event %s on %s room %s (attempt %d): %s", j.action, j.event_id,
			 j.provider, j.provider_room_id, j.attempts + 1, o->f.detail[0] ? o->f.detail : "failed");
	rc = record(db, &j, o, clock_now());
	if (!rc && o->gone > 0 && o->new_id) {
		/* disconnected while it was written: nothing is left to queue
		 * a delete on, so it is deleted now, best effort, with the
		 * credentials the write used */
		struct sync_failure f = {0};
		if (o->a.p->remove(&o->a, &o->r, o->new_id, &f))
			log_warn(
				"calendar sync: a copy of event %s written as %s room %s was disconnected stays there: %s",
				j.event_id, j.provider, j.provider_room_id, f.detail);
	}
	if (o->opened)
		sync_api_close(&o->a);
	free(o->new_id);
	free(o);
	sync_job_free(&j);
	return rc ? rc : 1;
}

static struct queue_worker outbound = QUEUE_WORKER_INIT("calendar sync writes", sync_outbound_run_once, 2000);

int sync_outbound_start(void)
{
	return queue_worker_start(&outbound, "CONVENE_SYNC_POLL_MS");
}

void sync_outbound_kick(void)
{
	worker_kick(&outbound.w);
}

void sync_outbound_changed(const char *topic)
{
	if (!strcmp(topic, SYNC_OUTBOUND_TOPIC) || !strcmp(topic, "*"))
		sync_outbound_kick();
}

void sync_outbound_stop(void)
{
	worker_stop(&outbound.w);
}
