/* Google's step 1 and access token (sync/google_auth.h): the key file is
 * checked by sync/jwt.c, the assertion signed there with libcrypto; Google's
 * answers are turned into provider.h's codes here, once, for every Google
 * operation. Neither the key nor a token is ever logged or put in a
 * failure's text. */
#include "sync/google_auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "sync/jwt.h"

#define ADMIN_EMAIL_MAX 320
#define TOKEN_MAX 4096 /* Google's access tokens are a few hundred bytes */

static int invalid_field(struct sync_failure *f, const char *field, const char *why)
{
	char params[128];
	snprintf(params, sizeof params, "{\"field\": \"%s\"}", field);
	sync_fail(f, "invalid_field", params, "%s: %s", field, why);
	return E_INVALID;
}

int google_step1(json_t *body, char **settings, char **secret, struct sync_failure *f)
{
	*settings = *secret = NULL;
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (strcmp(key, "service_account_key") && strcmp(key, "admin_email"))
			return invalid_field(f, key,
					     "unknown field (step 1 of Google takes service_account_key and "
					     "admin_email)");
	}
	json_t *admin = json_object_get(body, "admin_email");
	if (!admin)
		return invalid_field(f, "admin_email", "missing: the Google Workspace administrator convene acts as");
	if (!json_is_string(admin))
		return invalid_field(f, "admin_email", "not a string");
	const char *email = json_string_value(admin);
	if (json_string_length(admin) > ADMIN_EMAIL_MAX || strlen(email) != json_string_length(admin) ||
	    !jin_valid_email(email))
		return invalid_field(f, "admin_email", "not an e-mail address");
	json_t *k = json_object_get(body, "service_account_key");
	if (!k)
		return invalid_field(f, "service_account_key", "missing: the JSON key file of the service account");
	char *text = NULL;
	if (json_is_object(k))
		text = json_dumps(k, JSON_COMPACT);
	else if (json_is_string(k) && json_string_length(k) <= SYNC_KEY_FILE_MAX &&
		 strlen(json_string_value(k)) == json_string_length(k))
		text = strdup(json_string_value(k));
	else if (json_is_string(k))
		return invalid_field(f, "service_account_key", "larger than a Google key file");
	else
		return invalid_field(f, "service_account_key", "neither Google's JSON key file nor its text");
	if (!text)
		return E_NOMEM;
	struct sync_sa_key sa;
	char err[200];
	size_t len = strlen(text);
	int rc = sync_sa_key_parse(text, len, &sa, err, sizeof err);
	if (rc == E_NOMEM)
		goto out;
	if (rc) {
		rc = invalid_field(f, "service_account_key", err);
		goto out;
	}
	json_t *s =
		json_pack("{s:s, s:s, s:s, s:s, s:s}", "admin_email", email, "client_email", sa.client_email,
			  "client_id", sa.client_id, "project_id", sa.project_id, "private_key_id", sa.private_key_id);
	sync_sa_key_free(&sa);
	*settings = s ? json_dumps(s, JSON_COMPACT) : NULL;
	json_decref(s);
	if (!*settings) {
		rc = E_NOMEM;
		goto out;
	}
	*secret = text;
	return 0;
out:
	sodium_memzero(text, len);
	free(text);
	return rc;
}

static const char *setting(const struct sync_api *a, const char *name)
{
	const char *s = json_string_value(json_object_get(a->settings, name));
	return s ? s : "";
}

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* Google's OAuth error answer {error, error_description} */
static void oauth_error(const struct hc_response *rs, char *error, size_t en, char *desc, size_t dn)
{
	json_t *o = json_loadb(rs->body, rs->len, 0, NULL);
	snprintf(error, en, "%s", json_is_object(o) ? (json_string_value(json_object_get(o, "error")) ?: "") : "");
	snprintf(desc, dn, "%s",
		 json_is_object(o) ? (json_string_value(json_object_get(o, "error_description")) ?: "") : "");
	json_decref(o);
}

/* the scopes and the client id to paste in Google Admin, as params */
static void scopes_params(const struct sync_api *a, char *out, size_t n)
{
	json_t *p = json_pack("{s:s, s:s}", "client_id", setting(a, "client_id"), "scopes", GOOGLE_SCOPES);
	char *s = p ? json_dumps(p, JSON_COMPACT) : NULL;
	snprintf(out, n, "%s", s ? s : "{}");
	free(s);
	json_decref(p);
}

static void email_params(const struct sync_api *a, char *out, size_t n)
{
	json_t *p = json_pack("{s:s}", "admin_email", setting(a, "admin_email"));
	char *s = p ? json_dumps(p, JSON_COMPACT) : NULL;
	snprintf(out, n, "%s", s ? s : "{}");
	free(s);
	json_decref(p);
}

/* no answer (status 0), unavailable (5xx) or a rate limit (throttled) */
static int unreachable(struct sync_failure *f, long status, long retry_after, int throttled, const char *what)
{
	if (throttled || (status == 503 && retry_after > 0)) {
		if (retry_after > 0)
			sync_fail(f, "provider_throttled", NULL, "Google asks to wait %ld seconds before %s.",
				  retry_after, what);
		else
			sync_fail(f, "provider_throttled", NULL, "Google asks to slow down (rate limit) while %s.",
				  what);
		if (f)
			f->retry_after = retry_after > 0 ? retry_after : 0;
		return E_BUSY;
	}
	if (status)
		sync_fail(f, "provider_unreachable", NULL,
			  "Google answered %ld (unavailable) while %s; try again later.", status, what);
	else
		sync_fail(f, "provider_unreachable", NULL, "Google did not answer while %s; try again later.", what);
	return E_IO;
}

/* the token answer: its meaning for the person who set step 1 up */
static int token_failure(const struct sync_api *a, const struct hc_response *rs, struct sync_failure *f)
{
	char error[64], desc[300], params[512];
	if (rs->status >= 500 || rs->status == 429)
		return unreachable(f, rs->status, rs->retry_after, rs->status == 429, "issuing an access token");
	oauth_error(rs, error, sizeof error, desc, sizeof desc);
	if (!strcmp(error, "unauthorized_client")) {
		scopes_params(a, params, sizeof params);
		sync_fail(f, "scopes_not_granted", params,
			  "Google Workspace has not granted the service account's client id %s the scopes it needs: in "
			  "Google Admin, Security > API controls > Domain-wide delegation, add client id %s with the "
			  "scopes %s",
			  setting(a, "client_id"), setting(a, "client_id"), GOOGLE_SCOPES);
		return E_FORBIDDEN;
	}
	if (!strcmp(error, "invalid_grant") && (strstr(desc, "email") || strstr(desc, "User ID"))) {
		email_params(a, params, sizeof params);
		sync_fail(f, "admin_unknown", params,
			  "Google Workspace knows no user %s to act as: give the e-mail address of an administrator of "
			  "the domain.",
			  setting(a, "admin_email"));
		return E_FORBIDDEN;
	}
	if (!strcmp(error, "invalid_grant") && (strstr(desc, "timeframe") || strstr(desc, "iat"))) {
		sync_fail(f, "provider_error", NULL,
			  "Google refused the token request's times: check this server's clock (NTP).");
		return E_IO;
	}
	if (!strcmp(error, "invalid_grant") || !strcmp(error, "invalid_client")) {
		sync_fail(f, "key_invalid", NULL,
			  "Google does not accept the service account key (deleted or disabled key, or unknown service "
			  "account %s): create a new key and save step 1 again.",
			  setting(a, "client_email"));
		return E_FORBIDDEN;
	}
	sync_fail(f, "provider_error", NULL, "Google refused the token request (%ld %.60s).", rs->status,
		  error[0] ? error : "without a reason");
	return E_IO;
}

/* a bearer token goes into a header: printable ASCII only */
static int token_ok(const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (!n || n > TOKEN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return 0;
	return 1;
}

int google_token(struct sync_api *a, struct sync_failure *f)
{
	if (a->token && a->token_expires_at > clock_now() + 300)
		return 0;
	wipe_free(a->token);
	a->token = NULL;
	if (!a->secret) {
		sync_fail(f, "key_invalid", NULL, "No service account key is stored: save step 1 again.");
		return E_FORBIDDEN;
	}
	const struct config *cfg = config_current();
	struct sync_sa_key sa;
	struct hc_response rs = {0};
	char err[200], *jwt = NULL, *assertion = NULL, *form = NULL;
	json_t *o = NULL;
	int rc = sync_sa_key_parse(a->secret, strlen(a->secret), &sa, err, sizeof err);
	if (rc) {
		sync_fail(f, "key_invalid", NULL,
			  "The stored service account key is no longer usable: save step 1 again.");
		return rc == E_NOMEM ? rc : E_FORBIDDEN;
	}
	int64_t now = clock_now();
	const char *admin = setting(a, "admin_email");
	struct jwt_claims c = {.iss = sa.client_email,
			       .scope = GOOGLE_SCOPES,
			       .aud = cfg->google_token_url,
			       .sub = *admin ? admin : NULL,
			       .iat = now,
			       .exp = now + JWT_LIFETIME_MAX};
	if ((rc = jwt_sign_rs256(sa.private_key, sa.private_key_id, &c, &jwt, err, sizeof err))) {
		sync_fail(f, "key_invalid", NULL,
			  "The service account key cannot sign: save step 1 again with a new key.");
		rc = rc == E_NOMEM ? rc : E_FORBIDDEN;
		goto out;
	}
	if (!(assertion = hc_escape(jwt)) || !(form = malloc(strlen(assertion) + 80))) {
		rc = E_NOMEM;
		goto out;
	}
	sprintf(form, "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Ajwt-bearer&assertion=%s", assertion);
	static const char *const headers[] = {"Content-Type: application/x-www-form-urlencoded",
					      "Accept: application/json", NULL};
	struct hc_request rq = {.method = "POST",
				.url = cfg->google_token_url,
				.headers = headers,
				.body = form,
				.body_len = strlen(form),
				.timeout_ms = SYNC_HTTP_TIMEOUT_MS,
				.max_answer = 65536};
	rc = hc_do(&rq, &rs);
	if (rc == E_IO || rc == E_TOOLARGE || rc == E_INVALID) {
		rc = unreachable(f, 0, 0, 0, "issuing an access token");
		goto out;
	}
	if (rc)
		goto out;
	if (rs.status != 200) {
		rc = token_failure(a, &rs, f);
		goto out;
	}
	o = json_loadb(rs.body, rs.len, 0, NULL);
	const char *tok = json_string_value(json_object_get(o, "access_token"));
	json_int_t ttl = json_integer_value(json_object_get(o, "expires_in"));
	if (!token_ok(tok)) {
		sync_fail(f, "provider_error", NULL, "Google's token answer holds no usable access token.");
		rc = E_IO;
		goto out;
	}
	if (!(a->token = strdup(tok))) {
		rc = E_NOMEM;
		goto out;
	}
	a->token_expires_at = now + (ttl > 0 && ttl <= 86400 ? ttl : 3600);
	a->token_changed = 1;
	rc = 0;
out:
	if (o) {
		json_t *t = json_object_get(o, "access_token");
		if (json_is_string(t))
			sodium_memzero((char *)json_string_value(t), json_string_length(t));
	}
	json_decref(o);
	if (rs.body)
		sodium_memzero(rs.body, rs.len);
	hc_response_free(&rs);
	wipe_free(jwt);
	wipe_free(assertion);
	wipe_free(form);
	sync_sa_key_free(&sa);
	return rc;
}

/* Google's error answer {error: {errors: [{reason}], code, message}} */
static void api_reason(const struct hc_response *rs, char *reason, size_t rn, char *msg, size_t mn)
{
	json_t *o = json_loadb(rs->body, rs->len, 0, NULL);
	json_t *e = json_object_get(o, "error");
	json_t *first = json_array_get(json_object_get(e, "errors"), 0);
	snprintf(reason, rn, "%s", json_string_value(json_object_get(first, "reason")) ?: "");
	snprintf(msg, mn, "%s", json_string_value(json_object_get(e, "message")) ?: "");
	json_decref(o);
}

static int api_failure(const struct sync_api *a, const struct hc_response *rs, struct sync_failure *f)
{
	char reason[64], msg[200], params[512];
	api_reason(rs, reason, sizeof reason, msg, sizeof msg);
	int limited = rs->status == 429 ||
		      (rs->status == 403 && (strstr(reason, "RateLimit") || strstr(reason, "rateLimit") ||
					     !strcmp(reason, "quotaExceeded")));
	if (rs->status >= 500 || limited)
		return unreachable(f, rs->status, rs->retry_after, limited, "calling its API");
	if (rs->status == 404) {
		sync_fail(f, "not_found", NULL, "Google says this calendar, room or event does not exist (any more).");
		return E_NOTFOUND;
	}
	if (rs->status == 410 && !strcmp(reason, "fullSyncRequired")) {
		sync_fail(f, "sync_token_expired", NULL, "Google asks for a full sync of this calendar.");
		return E_CONFLICT;
	}
	if (rs->status == 410) {
		sync_fail(f, "not_found", NULL, "Google says this event was already deleted.");
		return E_NOTFOUND;
	}
	if (rs->status == 403 && !strcmp(reason, "insufficientPermissions")) {
		scopes_params(a, params, sizeof params);
		sync_fail(f, "scopes_not_granted", params,
			  "Google refused a call for want of a scope: in Google Admin, Security > API controls > "
			  "Domain-wide delegation, give client id %s the scopes %s",
			  setting(a, "client_id"), GOOGLE_SCOPES);
		return E_FORBIDDEN;
	}
	if (rs->status == 401) {
		sync_fail(
			f, "provider_error", NULL,
			"Google refused a new access token (401 Invalid Credentials); save step 1 again if this lasts.");
		return E_INVALID;
	}
	if (rs->status == 403) {
		email_params(a, params, sizeof params);
		sync_fail(f, "admin_unknown", params,
			  "Google refused %s access to the rooms: give the e-mail address of a Google Workspace "
			  "administrator who may read calendar resources.",
			  setting(a, "admin_email"));
		return E_FORBIDDEN;
	}
	sync_fail(f, "provider_error", NULL, "Google refused a call (%ld %.60s).", rs->status,
		  reason[0] ? reason : "without a reason");
	return E_INVALID;
}

int google_api(struct sync_api *a, const char *method, const char *path, const char *body, struct hc_response *out,
	       struct sync_failure *f)
{
	const struct config *cfg = config_current();
	size_t blen = strlen(cfg->google_api_url);
	while (blen && cfg->google_api_url[blen - 1] == '/')
		blen--;
	size_t n = blen + strlen(path) + 1;
	char *url = malloc(n);
	int rc;
	memset(out, 0, sizeof *out);
	if (!url)
		return E_NOMEM;
	snprintf(url, n, "%.*s%s", (int)blen, cfg->google_api_url, path);
	static const char *const json_headers[] = {"Content-Type: application/json", "Accept: application/json", NULL};
	static const char *const plain_headers[] = {"Accept: application/json", NULL};
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = google_token(a, f)))
			break;
		hc_response_free(out);
		struct hc_request rq = {.method = method,
					.url = url,
					.headers = body ? json_headers : plain_headers,
					.body = body,
					.body_len = body ? strlen(body) : 0,
					.bearer = a->token,
					.timeout_ms = SYNC_HTTP_TIMEOUT_MS};
		rc = hc_do(&rq, out);
		if (rc == E_IO || rc == E_TOOLARGE) {
			rc = rc == E_IO ? unreachable(f, 0, 0, 0, "calling its API") : E_TOOLARGE;
			if (rc == E_TOOLARGE)
				sync_fail(f, "provider_error", NULL, "Google's answer is larger than convene reads.");
			break;
		}
		if (rc)
			break;
		if (out->status >= 200 && out->status < 300)
			break;
		if (out->status == 401 && attempt == 0) {
			/* the token was revoked or expired early: one new one */
			wipe_free(a->token);
			a->token = NULL;
			a->token_expires_at = 0;
			continue;
		}
		rc = api_failure(a, out, f);
		break;
	}
	free(url);
	return rc;
}

json_t *google_json(const struct hc_response *rs, struct sync_failure *f)
{
	json_t *o = rs->body ? json_loadb(rs->body, rs->len, 0, NULL) : NULL;
	if (!json_is_object(o)) {
		json_decref(o);
		sync_fail(f, "provider_error", NULL, "Google's answer is not the JSON object its API documents.");
		return NULL;
	}
	return o;
}
