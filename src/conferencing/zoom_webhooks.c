/* The webhook endpoint. Order of checks: a secret configured (else 503: Zoom
 * retries later), the body's size, the signature over the raw bytes (before
 * any parsing of what a stranger sent), then the JSON; a delivery is stored
 * under a replay key (a hash of its timestamp and canonical signature), so
 * the same request sent twice within the five minutes is refused as a 401
 * like any other bad signature. The Zoom user an event concerns is noted
 * for the worker, which keeps each user's events in order. */
#include "conferencing/zoom_webhooks.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "conferencing/zoom_signature.h"
#include "conferencing/zoom_worker.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/response.h"
#include "store/store.h"

/* Zoom's plainToken is 22 base64url characters; room to spare, no more */
#define PLAIN_TOKEN_MAX 256

static int unsigned_problem(struct req *r, enum zoom_sig_result why)
{
	switch (why) {
	case ZOOM_SIG_MISSING:
		return resp_problem(r, 401, "zoom-signature",
				    "the x-zm-signature or x-zm-request-timestamp header is missing");
	case ZOOM_SIG_MALFORMED:
		return resp_problem(
			r, 401, "zoom-signature",
			"the x-zm-signature is not v0= and 64 hex digits, or the timestamp is not Unix seconds");
	case ZOOM_SIG_STALE:
		return resp_problem(r, 401, "zoom-signature",
				    "the x-zm-request-timestamp is more than 5 minutes from the server's clock");
	default:
		return resp_problem(r, 401, "zoom-signature", "the x-zm-signature does not match the body");
	}
}

/* a string member, or NULL; Zoom's ids are strings, a meeting's id a number */
static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* the Zoom user an event concerns: app_deauthorized names it (user_id), a
 * meeting event by its host (object.host_id; meeting.updated's object holds
 * only what changed, so old_object's too); others say what they say */
static const char *user_of(json_t *payload)
{
	const char *u = str(payload, "user_id");
	if (!u)
		u = str(json_object_get(payload, "object"), "host_id");
	if (!u)
		u = str(json_object_get(payload, "old_object"), "host_id");
	return u;
}

static int url_validation(struct req *r, const char *secret, json_t *payload)
{
	const char *plain = str(payload, "plainToken");
	if (!plain || !*plain || strlen(plain) > PLAIN_TOKEN_MAX)
		return resp_problem(r, 422, "invalid-field",
				    "payload.plainToken must be a string of 1 to 256 characters");
	char enc[ZOOM_HMAC_HEX_MAX];
	zoom_signature_hmac_hex(secret, plain, strlen(plain), enc);
	return resp_json(r, 200, json_pack("{s:s, s:s}", "plainToken", plain, "encryptedToken", enc));
}

static int receive(struct req *r)
{
	const char *secret = config_current()->zoom_webhook_secret;
	if (!secret || !*secret)
		return resp_problem(r, 503, "zoom-webhooks-not-configured",
				    "this server has no Zoom webhook secret (setting zoom_webhook_secret)");
	if (r->body.len > ZOOM_WEBHOOK_BODY_MAX)
		return resp_problemf(r, 413, "too-large", "the request body is larger than %zu bytes",
				     (size_t)ZOOM_WEBHOOK_BODY_MAX);
	const char *body = r->body.data ? r->body.data : "";
	int64_t now = clock_now();
	char canon[ZOOM_HMAC_HEX_MAX];
	enum zoom_sig_result sig =
		zoom_signature_verify(secret, req_header(r, "x-zm-signature"), req_header(r, "x-zm-request-timestamp"),
				      body, r->body.len, now, canon);
	if (sig != ZOOM_SIG_OK) {
		log_warn("zoom webhook refused from %s: %s", req_client_addr(r), zoom_signature_reason(sig));
		return unsigned_problem(r, sig);
	}
	json_error_t jerr;
	json_t *doc = json_loadb(body, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	int rc;
	const char *event = doc ? str(doc, "event") : NULL;
	json_t *payload = doc ? json_object_get(doc, "payload") : NULL;
	if (!doc) {
		rc = resp_problemf(r, 400, "malformed-json", "the body is not valid JSON: %s (line %d, column %d)",
				   jerr.text, jerr.line, jerr.column);
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = resp_problem(r, 400, "malformed-json", "the body must be a JSON object");
		goto out;
	}
	if (!event || !*event || strlen(event) >= ZOOM_WEBHOOK_EVENT_MAX) {
		rc = resp_problem(r, 422, "invalid-field", "event must be the event's name");
		goto out;
	}
	if (payload && !json_is_object(payload)) {
		rc = resp_problem(r, 422, "invalid-field", "payload must be an object");
		goto out;
	}
	if (!strcmp(event, "endpoint.url_validation")) {
		rc = url_validation(r, secret, payload);
		goto out;
	}
	struct zoom_webhook_event e = {0};
	snprintf(e.event, sizeof e.event, "%s", event);
	const char *user = user_of(payload), *account = str(payload, "account_id");
	if (user && strlen(user) < sizeof e.zoom_user_id)
		snprintf(e.zoom_user_id, sizeof e.zoom_user_id, "%s", user);
	if (account && strlen(account) < sizeof e.zoom_account_id)
		snprintf(e.zoom_account_id, sizeof e.zoom_account_id, "%s", account);
	e.body = (char *)body;
	/* the key of this delivery: the same timestamp and signature are the
	 * same request (Zoom's own retries are signed anew) */
	char key_src[32 + ZOOM_HMAC_HEX_MAX], key[HASH_HEX_MAX];
	snprintf(key_src, sizeof key_src, "%s:%s", req_header(r, "x-zm-request-timestamp"), canon);
	ids_hash(key_src, key);
	struct db *db = store_db();
	if (!db) {
		rc = E_DB;
		goto out;
	}
	if ((rc = store_begin(db, 1)))
		goto out;
	if ((rc = store_zoom_webhook_insert(db, &e, key)) || (rc = store_commit(db))) {
		store_rollback(db);
		if (rc == E_CONFLICT) {
			log_warn("zoom webhook refused from %s: a replay of an earlier delivery", req_client_addr(r));
			rc = resp_problem(r, 401, "zoom-webhook-replayed",
					  "this delivery (its timestamp and signature) was received before");
		}
		goto out;
	}
	zoom_worker_kick();
	rc = resp_json(r, 200, json_pack("{s:s}", "id", e.id));
out:
	json_decref(doc);
	return rc;
}

const struct route zoom_webhook_routes[] = {
	{"POST", "/webhooks/zoom", receive, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_RAW_BODY},
	{0},
};
