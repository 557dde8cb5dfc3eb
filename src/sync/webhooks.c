/* Push from Google and Microsoft. Google (developers.google.com/workspace/
 * calendar/api/guides/push): an empty POST per change with X-Goog-Channel-ID,
 * X-Goog-Channel-Token (ours) and X-Goog-Resource-State; `sync` opens a
 * channel and is only acknowledged (it may come before events.watch has
 * answered us, so before the channel is stored); an unknown channel is a 404,
 * which tells Google to stop it. Microsoft (learn.microsoft.com/graph/
 * change-notifications-delivery-webhooks): ?validationToken= is echoed as
 * text/plain; a notification batch is answered 202 whatever it holds, and
 * each value acts only when its subscription is ours and its clientState
 * matches; lifecycle events renew, resubscribe or resync the room. */
#include "sync/webhooks.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"
#include "http/response.h"
#include "store/store.h"
#include "sync/worker.h"

/* the secret presented matches the stored hash: compared in constant time */
static int secret_matches(const char *given, const char *stored_hash)
{
	char h[HASH_HEX_MAX];
	if (!given || !*given || !stored_hash || strlen(stored_hash) != HASH_HEX_MAX - 1)
		return 0;
	ids_hash(given, h);
	return sodium_memcmp(h, stored_hash, HASH_HEX_MAX - 1) == 0;
}

/* the room marked dirty, the push noted on its connection: one short transaction */
static int mark(const struct sync_room *r, int64_t now, int (*more)(struct db *db, const struct sync_room *r))
{
	struct db *db = store_db();
	int rc;
	if (!db)
		return E_DB;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((more && (rc = more(db, r))) ||
	    (rc = store_sync_room_dirty(db, r->account_id, r->provider, r->provider_room_id, now)) ||
	    (rc = store_sync_connection_note(db, r->account_id, r->provider, 0, 0, now, 0, now)) ||
	    (rc = store_commit(db))) {
		store_rollback(db);
		return rc;
	}
	sync_worker_kick();
	return 0;
}

static int google(struct req *r)
{
	const char *id = req_header(r, "X-Goog-Channel-ID"), *state = req_header(r, "X-Goog-Resource-State");
	if (!id || !*id || strlen(id) >= sizeof((struct sync_room *)0)->channel_id || !state)
		return resp_problem(r, 400, "bad-request",
				    "a Calendar push notification has X-Goog-Channel-ID and X-Goog-Resource-State");
	if (!strcmp(state, "sync"))
		return resp_empty(r, 200);
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct sync_room *room = malloc(sizeof *room);
	if (!room)
		return E_NOMEM;
	int rc = store_sync_room_by_channel(db, id, room);
	if (rc == E_NOTFOUND) {
		rc = resp_problem(r, 404, "not-found", "no such push channel");
		goto out;
	}
	if (rc)
		goto out;
	if (!secret_matches(req_header(r, "X-Goog-Channel-Token"), room->channel_token_hash)) {
		log_warn("google push refused from %s: a wrong channel token", req_client_addr(r));
		rc = resp_problem(r, 403, "forbidden", "the channel token does not match this channel");
		goto out;
	}
	/* exists (and not_exists, for single resources): something changed */
	if (!strcmp(state, "exists") || !strcmp(state, "not_exists"))
		rc = mark(room, clock_now(), NULL);
	if (!rc)
		rc = resp_empty(r, 200);
out:
	free(room);
	return rc;
}

/* lifecycle: the subscription's expiry forgotten, so that the worker renews it now */
static int renew_now(struct db *db, const struct sync_room *r)
{
	return store_sync_room_set_subscription(db, r->account_id, r->provider, r->provider_room_id, r->subscription_id,
						1, r->client_state_hash);
}

/* lifecycle: the subscription is gone at Graph: a new one */
static int resubscribe(struct db *db, const struct sync_room *r)
{
	return store_sync_room_set_subscription(db, r->account_id, r->provider, r->provider_room_id, NULL, 0, NULL);
}

/* lifecycle: notifications were missed: a full listing of the room */
static int full_sync(struct db *db, const struct sync_room *r)
{
	return store_sync_room_set_token(db, r->account_id, r->provider, r->provider_room_id, NULL, clock_now());
}

static int notification(struct db *db, json_t *v, int64_t now)
{
	const char *sub = json_string_value(json_object_get(v, "subscriptionId"));
	const char *state = json_string_value(json_object_get(v, "clientState"));
	const char *life = json_string_value(json_object_get(v, "lifecycleEvent"));
	struct sync_room *room;
	if (!sub || !*sub || strlen(sub) >= sizeof room->subscription_id || !(room = malloc(sizeof *room)))
		return 0;
	int rc = store_sync_room_by_subscription(db, sub, room);
	if (!rc && secret_matches(state, room->client_state_hash)) {
		int (*more)(struct db *, const struct sync_room *) = NULL;
		if (life && !strcmp(life, "reauthorizationRequired"))
			more = renew_now;
		else if (life && !strcmp(life, "subscriptionRemoved"))
			more = resubscribe;
		else if (life && !strcmp(life, "missed"))
			more = full_sync;
		rc = mark(room, now, more);
	} else if (!rc) {
		log_warn("microsoft push: subscription %.60s with a wrong clientState ignored", sub);
	}
	free(room);
	return rc == E_NOTFOUND ? 0 : rc;
}

static int microsoft(struct req *r)
{
	const char *vt = req_query(r, "validationToken");
	if (vt) { /* the handshake: the token back as it came, at once */
		size_t n = strlen(vt);
		if (!n || n > SYNC_VALIDATION_TOKEN_MAX)
			return resp_problem_ext(r, 400, "invalid-query", "validationToken is 1 to 1024 characters",
						json_pack("{s:s}", "field", "validationToken"));
		return resp_raw(r, 200, "text/plain; charset=utf-8", vt, n);
	}
	if (r->body.len > SYNC_WEBHOOK_BODY_MAX)
		return resp_problemf(r, 413, "too-large", "the request body is larger than %zu bytes",
				     (size_t)SYNC_WEBHOOK_BODY_MAX);
	const char *ct = req_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) || (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return resp_problem(r, 415, "unsupported-media-type", "send the body as application/json");
	json_error_t je;
	json_t *doc = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return resp_problem(r, 400, "malformed-json", "the body is not a JSON object of notifications");
	}
	/* Graph's batch: value, and validationTokens with rich notifications */
	const char *k;
	json_t *x;
	json_object_foreach(doc, k, x)
	{
		if (strcmp(k, "value") && strcmp(k, "validationTokens")) {
			char msg[160];
			snprintf(msg, sizeof msg, resp_text(r, "unknown field '%.40s' in the notifications"), k);
			resp_problem_ext(r, 422, "unknown-field", msg, json_pack("{s:s}", "field", k));
			json_decref(doc);
			return E_INVALID;
		}
	}
	json_t *tokens = json_object_get(doc, "validationTokens"), *t;
	size_t i;
	int tokens_ok = !tokens || json_is_array(tokens);
	json_array_foreach(tokens, i, t)
	{
		if (!json_is_string(t) || json_string_length(t) > 8 * SYNC_VALIDATION_TOKEN_MAX)
			tokens_ok = 0;
	}
	if (!tokens_ok) {
		json_decref(doc);
		return resp_problem_ext(r, 422, "invalid-field",
					resp_text(r, "validationTokens must be an array of tokens"),
					json_pack("{s:s}", "field", "validationTokens")),
		       E_INVALID;
	}
	json_t *values = json_object_get(doc, "value");
	if (!json_is_array(values)) {
		json_decref(doc);
		return resp_problem_ext(r, 422, "invalid-field",
					resp_text(r, "value must be an array of notifications"),
					json_pack("{s:s}", "field", "value")),
		       E_INVALID;
	}
	json_t *v;
	int rc = 0;
	struct db *db = store_db();
	int64_t now = clock_now();
	if (!db)
		rc = E_DB;
	json_array_foreach(values, i, v)
	{
		if (rc || i >= 1000)
			break;
		if (json_is_object(v))
			rc = notification(db, v, now);
	}
	json_decref(doc);
	return rc ? rc : resp_empty(r, 202);
}

const struct route sync_webhook_routes[] = {
	{"POST", "/webhooks/google", google, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_RAW_BODY},
	{"POST", "/webhooks/microsoft", microsoft, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_RAW_BODY},
	{0},
};
