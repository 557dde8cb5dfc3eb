/* Connections to calendar providers and their rooms (sync/connections.h).
 * Each function reads what it needs, calls the provider with no
 * transaction open, then writes and audits in a short transaction of its
 * own. Secrets are sealed before they are stored and wiped once used; audit
 * values hold only the non-secret settings. */
#include "sync/connections.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/audit.h"
#include "calendar/rooms.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "http/client.h"
#include "sync/forget.h"
#include "sync/outbound.h"
#include "sync/outbound_worker.h"
#include "sync/google_auth.h"

#define UPSERT_BATCH 100  /* rooms written per transaction while listing */
#define COPIES_MAX 2000   /* convene's copies a disconnect removes (an unlink: all, in batches) */
#define COPIES_SECONDS 60 /* a disconnect's removals stop after this (the rest are counted as left) */

static json_t *time_or_null(int64_t t)
{
	char s[32];
	if (!t)
		return json_null();
	clock_iso(t, s, sizeof s);
	return json_string(s);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *object_or(const char *text, json_t *fallback)
{
	json_t *o = text && *text ? json_loads(text, 0, NULL) : NULL;
	if (json_is_object(o) || json_is_array(o)) {
		json_decref(fallback);
		return o;
	}
	json_decref(o);
	return fallback;
}

static const char *label_of(const char *provider)
{
	return !strcmp(provider, "google")      ? "Google Workspace"
	       : !strcmp(provider, "microsoft") ? "Microsoft 365"
						: "Microsoft Exchange Server";
}

static json_t *setting(json_t *settings, const char *name)
{
	return str_or_null(json_string_value(json_object_get(settings, name)));
}

/* what step 1 shows: the non-secret settings and what to paste at the
 * provider (Google's client id and scopes, Microsoft's consent link) */
static json_t *step1_json(const char *provider, json_t *settings)
{
#define S(name) setting(settings, name)
	if (!strcmp(provider, "google"))
		return json_pack("{s:o, s:o, s:o, s:[s, s]}", "admin_email", S("admin_email"), "client_email",
				 S("client_email"), "client_id", S("client_id"), "scopes", GOOGLE_SCOPE_DIRECTORY,
				 GOOGLE_SCOPE_CALENDAR);
	if (!strcmp(provider, "microsoft")) {
		const char *tenant = json_string_value(json_object_get(settings, "tenant_id"));
		const char *client = json_string_value(json_object_get(settings, "client_id"));
		json_t *consent = json_null();
		if (tenant && client) {
			const char *base = config_current()->microsoft_login_url;
			size_t len = strlen(base);
			while (len && base[len - 1] == '/')
				len--;
			char url[1600], *t = hc_escape(tenant), *cid = hc_escape(client);
			if (t && cid) {
				snprintf(url, sizeof url, "%.*s/%s/adminconsent?client_id=%s", (int)len, base, t, cid);
				consent = json_string(url);
			}
			free(t);
			free(cid);
		}
		/* the credential kind; a certificate's thumbprint and expiry, never its key */
		const char *kind = json_string_value(json_object_get(settings, "credential"));
		int cert = kind && !strcmp(kind, "certificate");
		json_t *exp = json_object_get(settings, "certificate_expires_at");
		return json_pack("{s:o, s:o, s:[s, s], s:o, s:s, s:o, s:o}", "tenant_id", S("tenant_id"), "client_id",
				 S("client_id"), "permissions", "Calendars.ReadWrite", "Place.Read.All", "consent_url",
				 consent, "credential", cert ? "certificate" : "secret", "certificate_thumbprint",
				 cert ? S("certificate_thumbprint") : json_null(), "certificate_expires_at",
				 cert && json_is_integer(exp) ? time_or_null(json_integer_value(exp)) : json_null());
	}
	return json_pack("{s:o, s:o}", "ews_url", S("ews_url"), "username", S("username"));
#undef S
}

struct counts {
	int linked, total;
	int64_t listed_at;
};

static int count_room(void *ctx, const struct sync_room *r)
{
	struct counts *c = ctx;
	c->total++;
	if (!strcmp(r->state, "linked"))
		c->linked++;
	if (r->seen_at > c->listed_at)
		c->listed_at = r->seen_at;
	return 0;
}

json_t *sync_connection_json(struct db *db, const char *provider, const struct sync_connection *c)
{
	struct counts n = {0};
	json_t *settings = c ? json_loads(c->settings, 0, NULL) : NULL;
	if (c)
		store_sync_rooms_list(db, c->account_id, provider, SYNC_ROOMS_MAX, count_room, &n);
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "provider", provider, "status",
			      c ? c->status : "not_configured", "detail", str_or_null(c ? c->detail : NULL),
			      "error_code", str_or_null(c ? c->error_code : NULL), "error_params",
			      c && c->error_code[0] ? object_or(c->error_params, json_object()) : json_null(), "step1",
			      step1_json(provider, settings));
	json_decref(settings);
	if (!o)
		return NULL;
	json_object_set_new(o, "connected_at", time_or_null(c ? c->connected_at : 0));
	json_object_set_new(o, "checked_at", time_or_null(c ? c->checked_at : 0));
	json_object_set_new(o, "last_push_at", time_or_null(c ? c->last_push_at : 0));
	json_object_set_new(o, "last_full_at", time_or_null(c ? c->last_full_at : 0));
	json_object_set_new(o, "events_synced", json_integer(c ? c->events_synced : 0));
	json_object_set_new(o, "conflicts_resolved", json_integer(c ? c->conflicts_resolved : 0));
	json_object_set_new(o, "rooms_linked", json_integer(n.linked));
	json_object_set_new(o, "rooms_total", json_integer(n.total));
	return o;
}

json_t *sync_room_json(const struct sync_room *r, int64_t listed_at)
{
	json_t *o = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "provider_room_id", r->provider_room_id,
			      "email", str_or_null(r->email), "name", r->name, "capacity",
			      r->capacity >= 0 ? json_integer(r->capacity) : json_null(), "building",
			      str_or_null(r->building), "floor", str_or_null(r->floor), "features",
			      object_or(r->features, json_array()), "category", str_or_null(r->category), "state",
			      r->state);
	if (!o)
		return NULL;
	json_object_set_new(o, "room_id", str_or_null(r->room_id));
	json_object_set_new(o, "room_name", r->room_id[0] ? str_or_null(r->room_name) : json_null());
	json_object_set_new(o, "last_sync_at", time_or_null(r->last_sync_at));
	/* the read's failure first; else the latest write given up, which
	 * stays until that booking is written or gone */
	if (r->error_code[0] || r->last_error[0] || !r->write_error[0]) {
		json_object_set_new(o, "error_code", str_or_null(r->error_code));
		json_object_set_new(o, "last_error", str_or_null(r->last_error));
	} else {
		json_object_set_new(o, "error_code",
				    json_string(r->write_error_code[0] ? r->write_error_code : "provider_error"));
		json_object_set_new(
			o, "last_error",
			!strcmp(r->write_action, "decline")
				? json_sprintf("A meeting could not be declined for the room: %s", r->write_error)
				: json_sprintf("A booking could not be written to the room's calendar: %s",
					       r->write_error));
	}
	json_object_set_new(o, "seen_at", time_or_null(r->seen_at));
	json_object_set_new(o, "gone", json_boolean(listed_at && r->seen_at < listed_at));
	return o;
}

/* ---- step 1, connect ---- */

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* the connection's state after a check (status, and the failure or none) */
static int note_status(struct db *db, const char *account_id, const char *provider, const char *status,
		       const struct sync_failure *f)
{
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	rc = store_sync_connection_status(db, account_id, provider, status, f ? f->detail : NULL, f ? f->code : NULL,
					  f ? f->params : NULL, clock_now());
	if (rc || (rc = store_commit(db)))
		store_rollback(db);
	return rc;
}

/* the stored connection opened and checked at the provider (the token it
 * got kept sealed); a->p set. E_NOTFOUND when not configured */
static int open_checked(struct db *db, const struct sync_provider *p, const char *account_id, struct sync_api *a,
			struct sync_connection *c, struct sync_failure *f)
{
	int rc = store_sync_connection_get(db, account_id, p->name, c);
	if (rc)
		return rc;
	if ((rc = sync_api_open(c, a, f)))
		return rc;
	rc = p->check(a, f);
	if (sync_api_save_token(db, a))
		log_warn("sync: %s: the new access token of account %s could not be stored", p->name, account_id);
	return rc;
}

int sync_connection_step1(struct req *r, const struct sync_provider *p, json_t *body, struct sync_failure *f)
{
	struct db *db = store_db();
	char *settings = NULL, *secret = NULL, *sealed = NULL;
	struct sync_connection *c = calloc(1, sizeof *c);
	struct sync_api a = {0};
	int rc;
	if (!db || !c) {
		free(c);
		return db ? E_NOMEM : E_DB;
	}
	if ((rc = p->step1(body, &settings, &secret, f)))
		goto out;
	if (!secretbox_ready()) {
		rc = E_CONFLICT;
		goto out;
	}
	if ((rc = secretbox_seal(secret, strlen(secret), &sealed)))
		goto out;
	wipe_free(secret);
	secret = NULL;
	if ((rc = store_begin(db, 1)))
		goto out;
	if ((rc = store_sync_connection_step1(db, r->who.account_id, p->name, settings, sealed, r->who.user_id,
					      clock_now())) ||
	    (rc = audit_record(
		     r, db, "calendar_integration.step1", "calendar_integration", p->name, label_of(p->name), NULL,
		     json_pack("{s:s, s:o}", "provider", p->name, "settings", json_loads(settings, 0, NULL)))) ||
	    (rc = store_commit(db))) {
		store_rollback(db);
		goto out;
	}
	/* checked at once, outside the transaction: the row keeps step1_done
	 * either way, with the failure when there is one */
	rc = open_checked(db, p, r->who.account_id, &a, c, f);
	if (rc == E_NOMEM || rc == E_DB)
		goto out;
	int noted = note_status(db, r->who.account_id, p->name, "step1_done", rc ? f : NULL);
	if (!rc)
		rc = noted;
out:
	sync_api_close(&a);
	sync_connection_free(c);
	free(c);
	free(settings);
	wipe_free(secret);
	free(sealed);
	return rc;
}

/* rooms written as the listing goes, a batch per transaction */
struct listing {
	struct db *db;
	struct sync_room *batch;
	int n, total;
	int64_t now;
	const char *account_id, *provider;
};

static int flush(struct listing *l)
{
	int rc = 0;
	if (!l->n)
		return 0;
	if ((rc = store_begin(l->db, 1)))
		return rc;
	for (int i = 0; !rc && i < l->n; i++)
		rc = store_sync_room_upsert(l->db, &l->batch[i], l->now);
	if (rc || (rc = store_commit(l->db)))
		store_rollback(l->db);
	l->n = 0;
	return rc;
}

static int listed(void *ctx, const struct sync_room *r)
{
	struct listing *l = ctx;
	struct sync_room *to = &l->batch[l->n++];
	*to = *r;
	snprintf(to->account_id, sizeof to->account_id, "%s", l->account_id);
	snprintf(to->provider, sizeof to->provider, "%s", l->provider);
	l->total++;
	return l->n == UPSERT_BATCH ? flush(l) : 0;
}

int sync_connection_connect(struct req *r, const struct sync_provider *p, struct sync_failure *f)
{
	struct db *db = store_db();
	struct sync_connection *c = calloc(1, sizeof *c);
	struct listing l = {.db = db, .now = clock_now(), .account_id = r->who.account_id, .provider = p->name};
	struct sync_api a = {0};
	int rc;
	l.batch = malloc(sizeof *l.batch * UPSERT_BATCH);
	if (!db || !c || !l.batch) {
		rc = db ? E_NOMEM : E_DB;
		goto out;
	}
	rc = open_checked(db, p, r->who.account_id, &a, c, f);
	if (!rc)
		rc = p->list_rooms(&a, listed, &l, f);
	if (!rc)
		rc = flush(&l);
	if (sync_api_save_token(db, &a))
		log_warn("sync: %s: the new access token of account %s could not be stored", p->name,
			 r->who.account_id);
	if (rc == E_NOTFOUND && !c->provider[0])
		goto out; /* step 1 missing */
	if (rc == E_NOMEM || rc == E_DB)
		goto out;
	if (rc) {
		if (!f->code[0])
			sync_fail(f, "provider_error", NULL, "The rooms could not be listed (%s).", error_name(rc));
		/* a connection that worked stays listed as broken, one that never
		 * did keeps step 1 done with the reason */
		note_status(db, r->who.account_id, p->name,
			    !strcmp(c->status, "connected") || !strcmp(c->status, "error") ? "error" : "step1_done", f);
		goto out;
	}
	if ((rc = store_begin(db, 1)))
		goto out;
	if ((rc = store_sync_connection_status(db, r->who.account_id, p->name, "connected", NULL, NULL, NULL,
					       clock_now())) ||
	    /* what was given up while it did not work is sent now */
	    (rc = store_sync_jobs_revive(db, r->who.account_id, p->name, clock_now())) ||
	    (rc = store_changed(db, SYNC_OUTBOUND_TOPIC)) ||
	    (rc = audit_record(r, db, "calendar_integration.connect", "calendar_integration", p->name,
			       label_of(p->name), json_pack("{s:s}", "status", c->status),
			       json_pack("{s:s, s:i}", "status", "connected", "rooms_listed", l.total))) ||
	    (rc = store_commit(db)))
		store_rollback(db);
out:
	sync_api_close(&a);
	if (c)
		sync_connection_free(c);
	free(c);
	free(l.batch);
	return rc;
}

/* ---- rooms ---- */

struct room_ids {
	char (*ids)[256];
	int n, max;
};

static int collect_room(void *ctx, const struct sync_room *r)
{
	struct room_ids *s = ctx;
	if (s->n < s->max)
		snprintf(s->ids[s->n++], 256, "%s", r->provider_room_id);
	return 0;
}

/* in the unlink's transaction: the room's pending writes dropped and a
 * delete queued for each copy convene wrote on its provider calendar, the
 * first batch of them (the request stays bounded; the writes worker queues
 * the rest a batch at a time from the mappings left, see
 * sync_outbound_run_once). Jobs, not calls in the request: a provider that
 * is down now gets them once it answers, and given-up ones come back at the
 * next connect; nobody else would ever remove them. *n: how many copies
 * there are to remove */
static int queue_removals(struct db *db, const char *account_id, const char *provider, const char *prid, int *n)
{
	int max = sync_outbound_copies_batch();
	struct sync_event *rows = malloc(sizeof *rows * (size_t)max);
	int count = 0, rc;
	int64_t total = 0;
	*n = 0;
	if (!rows)
		return E_NOMEM;
	if ((rc = store_sync_jobs_drop(db, account_id, provider, prid)) ||
	    (rc = store_sync_events_count(db, account_id, provider, prid, "convene", &total)) ||
	    (rc = store_sync_events_of_room(db, account_id, provider, prid, "convene", max, rows, &count)))
		goto out;
	int64_t now = clock_now();
	for (int i = 0; !rc && i < count; i++) {
		struct sync_job j = {0};
		snprintf(j.account_id, sizeof j.account_id, "%s", account_id);
		snprintf(j.provider, sizeof j.provider, "%s", provider);
		snprintf(j.provider_room_id, sizeof j.provider_room_id, "%s", prid);
		snprintf(j.event_id, sizeof j.event_id, "%s", rows[i].event_id);
		snprintf(j.action, sizeof j.action, "delete");
		snprintf(j.provider_event_id, sizeof j.provider_event_id, "%s", rows[i].provider_event_id);
		rc = store_sync_job_put(db, &j, now, now);
	}
	if (!rc && count)
		rc = store_changed(db, SYNC_OUTBOUND_TOPIC);
	if (!rc)
		*n = (int)total;
out:
	free(rows);
	return rc;
}

/* a disconnect: convene's copies on the room's provider calendar removed
 * now, while the credentials still exist (the connection's jobs go with
 * it). Best effort and bounded: COPIES_MAX in all, COPIES_SECONDS; the rest
 * are counted in *left */
static void remove_copies(struct db *db, const struct sync_provider *p, struct sync_api *a, int *opened,
			  const char *account_id, const struct sync_room *room, int64_t deadline, int *removed,
			  int *left)
{
	struct sync_failure f = {0};
	struct sync_event *rows = malloc(sizeof *rows * COPIES_MAX);
	int count = 0;
	if (!rows || store_sync_events_of_room(db, account_id, p->name, room->provider_room_id, "convene", COPIES_MAX,
					       rows, &count))
		goto out;
	if (count && !*opened) {
		struct sync_connection c;
		if (!store_sync_connection_get(db, account_id, p->name, &c)) {
			*opened = sync_api_open(&c, a, &f) ? -1 : 1;
			sync_connection_free(&c);
		} else
			*opened = -1;
	}
	for (int i = 0; i < count; i++) {
		if (*opened < 0 || !p->remove || *removed + *left >= COPIES_MAX || clock_now() >= deadline ||
		    p->remove(a, room, rows[i].provider_event_id, &f)) {
			(*left)++;
			continue;
		}
		(*removed)++;
	}
	/* those past the bound are left too, and counted */
	int64_t total = 0;
	if (!store_sync_events_count(db, account_id, p->name, room->provider_room_id, "convene", &total) &&
	    total > count)
		*left += (int)(total - count);
	if (*left)
		log_warn("sync: %s: %d copies of convene bookings stay on provider calendars of account %s", p->name,
			 *left, account_id);
out:
	free(rows);
}

/* push stopped for one room (best effort: a failure is logged, the
 * worker's renewal never renews an unlinked room's channel) */
static void stop_push(struct db *db, const struct sync_provider *p, struct sync_api *a, int *opened,
		      const char *account_id, const struct sync_room *room)
{
	struct sync_failure f = {0};
	if (!p->unwatch || (!room->channel_id[0] && !room->subscription_id[0]))
		return;
	if (!*opened) {
		struct sync_connection c;
		if (store_sync_connection_get(db, account_id, p->name, &c))
			return;
		*opened = sync_api_open(&c, a, &f) ? -1 : 1;
		sync_connection_free(&c);
	}
	if (*opened < 0)
		return;
	if (p->unwatch(a, room, &f))
		log_warn("sync: %s: stopping push of room %s of account %s failed (%s)", p->name,
			 room->provider_room_id, account_id, f.code);
	if (!store_begin(db, 1)) {
		int rc = room->channel_id[0] ? store_sync_room_set_channel(db, account_id, p->name,
									   room->provider_room_id, NULL, NULL, NULL, 0)
					     : store_sync_room_set_subscription(db, account_id, p->name,
										room->provider_room_id, NULL, 0, NULL);
		if (rc || store_commit(db))
			store_rollback(db);
	}
}

int sync_connection_disconnect(struct req *r, const struct sync_provider *p)
{
	struct db *db = store_db();
	struct sync_connection *c = calloc(1, sizeof *c);
	struct sync_room *room = malloc(sizeof *room);
	struct room_ids ids = {.ids = malloc(256 * SYNC_ROOMS_MAX), .max = SYNC_ROOMS_MAX};
	struct sync_api a = {0};
	int rc, opened = 0, removed = 0, left = 0;
	int64_t deadline = clock_now() + COPIES_SECONDS;
	if (!db || !c || !room || !ids.ids) {
		rc = db ? E_NOMEM : E_DB;
		goto out;
	}
	if ((rc = store_sync_connection_get(db, r->who.account_id, p->name, c)) ||
	    (rc = store_sync_rooms_list(db, r->who.account_id, p->name, SYNC_ROOMS_MAX, collect_room, &ids)))
		goto out;
	/* not connected any more first: no room is synced, and the writes
	 * worker queues no removals of its own (an unlinked room's copies)
	 * while these are removed and counted here */
	if ((rc = note_status(db, r->who.account_id, p->name, "step1_done", NULL)))
		goto out;
	/* unlinked first, so that no sync brings meetings back meanwhile */
	for (int i = 0; i < ids.n; i++) {
		if (store_sync_room_get(db, r->who.account_id, p->name, ids.ids[i], room))
			continue;
		if (!strcmp(room->state, "linked") && !store_begin(db, 1)) {
			/* nothing more written for it while its copies go */
			if (store_sync_room_unlink(db, r->who.account_id, p->name, ids.ids[i]) ||
			    store_sync_jobs_drop(db, r->who.account_id, p->name, ids.ids[i]) || store_commit(db))
				store_rollback(db);
		}
		stop_push(db, p, &a, &opened, r->who.account_id, room);
		remove_copies(db, p, &a, &opened, r->who.account_id, room, deadline, &removed, &left);
		if ((rc = sync_room_forget(r->who.account_id, p->name, ids.ids[i])))
			goto out;
	}
	if ((rc = store_begin(db, 1)))
		goto out;
	if ((rc = store_sync_connection_delete(db, r->who.account_id, p->name)) ||
	    (rc = audit_record(r, db, "calendar_integration.disconnect", "calendar_integration", p->name,
			       label_of(p->name),
			       json_pack("{s:s, s:s, s:o, s:i, s:i, s:i}", "provider", p->name, "status", c->status,
					 "settings", object_or(c->settings, json_object()), "rooms", ids.n,
					 "copies_removed", removed, "copies_left", left),
			       NULL)) ||
	    (rc = store_commit(db)))
		store_rollback(db);
out:
	sync_api_close(&a);
	if (c)
		sync_connection_free(c);
	free(c);
	free(room);
	free(ids.ids);
	return rc;
}

static json_t *link_view(const struct sync_room *room)
{
	return json_pack("{s:s, s:s, s:o}", "state", room->state, "name", room->name, "room_id",
			 str_or_null(room->room_id));
}

/* the provider room's external bookings forgotten and push stopped, when
 * it is linked (before it is linked elsewhere, left out or unlinked) */
static int let_go(struct db *db, const struct sync_provider *p, const char *account_id, const struct sync_room *room)
{
	struct sync_api a = {0};
	int opened = 0;
	if (strcmp(room->state, "linked") && !room->channel_id[0] && !room->subscription_id[0])
		return 0;
	stop_push(db, p, &a, &opened, account_id, room);
	sync_api_close(&a);
	return sync_room_forget(account_id, p->name, room->provider_room_id);
}

int sync_room_link_to(struct req *r, const struct sync_provider *p, const char *prid, const char *room_id)
{
	struct db *db = store_db();
	struct sync_room *room = malloc(sizeof *room);
	int rc;
	if (!db || !room) {
		free(room);
		return db ? E_NOMEM : E_DB;
	}
	if ((rc = store_sync_room_get(db, r->who.account_id, p->name, prid, room)))
		goto out;
	if (!strcmp(room->state, "linked") && !strcmp(room->room_id, room_id))
		goto out; /* already so */
	/* another convene room's external bookings go before the new link */
	if (room->room_id[0] && (rc = let_go(db, p, r->who.account_id, room)))
		goto out;
	json_t *before = link_view(room);
	if ((rc = store_begin(db, 1))) {
		json_decref(before);
		goto out;
	}
	int queued = 0;
	/* the copies of the convene room it was linked to are removed */
	rc = room->room_id[0] ? queue_removals(db, r->who.account_id, p->name, prid, &queued) : 0;
	if (!rc)
		rc = store_sync_room_link(db, r->who.account_id, p->name, prid, room_id, clock_now());
	/* what the room holds already is written to the provider's calendar */
	if (!rc)
		rc = sync_outbound_room_linked(db, r->who.account_id, p->name, prid, room_id);
	if (rc) {
		json_decref(before);
		store_rollback(db);
		goto out;
	}
	if ((rc = audit_record(r, db, "calendar_integration.room_link", "calendar_integration", p->name, room->name,
			       before,
			       json_pack("{s:s, s:s, s:s, s:s}", "provider_room_id", prid, "state", "linked", "name",
					 room->name, "room_id", room_id))) ||
	    (rc = store_commit(db)))
		store_rollback(db);
out:
	free(room);
	return rc;
}

/* "Projector", "Video conferencing" → "projector", "video-conferencing": the
 * tags convene's room search takes */
static int tag_of(const char *name, char *out, size_t n)
{
	size_t j = 0;
	for (const char *s = name; *s && j + 1 < n; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) && ch < 0x80)
			out[j++] = (char)tolower(ch);
		else if ((ch == ' ' || ch == '-' || ch == '_') && j && out[j - 1] != '-')
			out[j++] = '-';
	}
	while (j && out[j - 1] == '-')
		j--;
	out[j] = 0;
	return j > 0;
}

int sync_room_import(struct req *r, const struct sync_provider *p, const char *prid)
{
	struct db *db = store_db();
	struct sync_room *room = malloc(sizeof *room);
	struct room *o = calloc(1, sizeof *o), *other = malloc(sizeof *other);
	char tags[32][ROOM_TAG_MAX];
	const char *tagp[32];
	size_t ntags = 0;
	int rc;
	if (!db || !room || !o || !other) {
		rc = db ? E_NOMEM : E_DB;
		goto out;
	}
	if ((rc = store_sync_room_get(db, r->who.account_id, p->name, prid, room)))
		goto out;
	if (!strcmp(room->state, "linked")) {
		rc = E_CONFLICT;
		goto out;
	}
	json_t *features = json_loads(room->features, 0, NULL), *fv;
	size_t i;
	json_array_foreach(features, i, fv)
	{
		const char *name = json_string_value(fv);
		if (ntags < 32 && name && tag_of(name, tags[ntags], ROOM_TAG_MAX)) {
			int dup = 0;
			for (size_t k = 0; k < ntags; k++)
				dup |= !strcmp(tags[k], tags[ntags]);
			if (!dup) {
				tagp[ntags] = tags[ntags];
				ntags++;
			}
		}
	}
	json_decref(features);
	snprintf(o->account_id, sizeof o->account_id, "%s", r->who.account_id);
	snprintf(o->name, sizeof o->name, "%s", room->name);
	o->capacity = room->capacity > 0 ? room->capacity : 0;
	snprintf(o->building, sizeof o->building, "%s", room->building);
	snprintf(o->floor, sizeof o->floor, "%s", room->floor);
	snprintf(o->category, sizeof o->category, "%s",
		 !strcmp(room->category, "conference_room") ? "conference_room" : "other");
	o->max_ahead = 365 * 86400LL;
	if ((rc = store_begin(db, 1)))
		goto out;
	/* the provider's address is the room's own when no room of the account
	 * has it already */
	if (room->email[0] && strlen(room->email) < sizeof o->email &&
	    store_room_by_email(db, r->who.account_id, room->email, other) == E_NOTFOUND) {
		snprintf(o->email, sizeof o->email, "%s", room->email);
		for (char *s = o->email; *s; s++)
			*s = (char)tolower((unsigned char)*s);
	}
	json_t *before = link_view(room);
	if ((rc = rooms_insert(db, o)) || (rc = store_room_tags_set(db, o->account_id, o->id, tagp, ntags)) ||
	    (rc = audit_record(r, db, "room.create", "room", o->id, o->name, NULL,
			       json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "name", o->name, "capacity",
					 o->capacity, "building", o->building, "floor", o->floor, "category",
					 o->category, "email", o->email, "imported_from", p->name))) ||
	    (rc = store_sync_room_link(db, r->who.account_id, p->name, prid, o->id, clock_now()))) {
		json_decref(before);
		store_rollback(db);
		goto out;
	}
	if ((rc = audit_record(r, db, "calendar_integration.room_import", "calendar_integration", p->name, room->name,
			       before,
			       json_pack("{s:s, s:s, s:s, s:s}", "provider_room_id", prid, "state", "linked", "name",
					 room->name, "room_id", o->id))) ||
	    (rc = store_commit(db)))
		store_rollback(db);
out:
	free(room);
	free(o);
	free(other);
	return rc;
}

static int stop_syncing(struct req *r, const struct sync_provider *p, const char *prid, int ignore)
{
	struct db *db = store_db();
	struct sync_room *room = malloc(sizeof *room);
	int rc;
	if (!db || !room) {
		free(room);
		return db ? E_NOMEM : E_DB;
	}
	if ((rc = store_sync_room_get(db, r->who.account_id, p->name, prid, room)))
		goto out;
	/* unlinked first (no sync starts), then push stopped and bookings
	 * forgotten, outside any transaction */
	json_t *before = link_view(room);
	if ((rc = store_begin(db, 1))) {
		json_decref(before);
		goto out;
	}
	rc = ignore ? store_sync_room_ignore(db, r->who.account_id, p->name, prid)
		    : store_sync_room_unlink(db, r->who.account_id, p->name, prid);
	int queued = 0;
	if (!rc)
		rc = queue_removals(db, r->who.account_id, p->name, prid, &queued);
	if (rc) {
		json_decref(before);
		store_rollback(db);
		goto out;
	}
	if ((rc = audit_record(r, db, ignore ? "calendar_integration.room_ignore" : "calendar_integration.room_unlink",
			       "calendar_integration", p->name, room->name, before,
			       json_pack("{s:s, s:s, s:s, s:i}", "provider_room_id", prid, "state",
					 ignore ? "ignored" : "available", "name", room->name, "copies_removing",
					 queued))) ||
	    (rc = store_commit(db))) {
		store_rollback(db);
		goto out;
	}
	rc = let_go(db, p, r->who.account_id, room);
out:
	free(room);
	return rc;
}

int sync_room_leave_out(struct req *r, const struct sync_provider *p, const char *prid)
{
	return stop_syncing(r, p, prid, 1);
}

int sync_room_unlink_from(struct req *r, const struct sync_provider *p, const char *prid)
{
	return stop_syncing(r, p, prid, 0);
}
