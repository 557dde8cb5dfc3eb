/* Zoom's OAuth and REST API as convene uses them, through http/client.h with
 * the base URLs of the settings (zoom_oauth_url, zoom_api_url): code
 * exchange, token refresh (one at a time per Zoom user across all nodes),
 * /users/me, the meetings cache reload, a meeting's start_url, revocation.
 * Every function here calls Zoom: never call one inside a transaction. */
#ifndef CONFERENCING_ZOOM_API_H
#define CONFERENCING_ZOOM_API_H

#include <stddef.h>
#include <stdint.h>

#include "store/zoom.h"

#define ZOOM_MEETING_PAGES_MAX 20 /* pages of 300 read per reload: 6,000 meetings at most */

/* plain tokens from Zoom's token endpoint (malloc'd, wiped by _free) */
struct zoom_tokens {
	char *access, *refresh;
	int64_t expires_at;
};
void zoom_tokens_free(struct zoom_tokens *t);

/* Is the app configured? 1 when client id and secret are set; else 0 and
 * `missing` gets the names of the absent settings, ", "-separated. */
int zoom_configured(char *missing, size_t n);
/* public_url + "/oauth/zoom/callback" */
void zoom_redirect_url(char *out, size_t n);

/* authorization_code grant; verifier NULL for a Marketplace install (no
 * PKCE). 0; E_INVALID when Zoom refused the code (err says why, no secret);
 * E_IO when Zoom did not answer */
int zoom_api_exchange(const char *code, const char *verifier, struct zoom_tokens *out, char *err, size_t errlen);
/* GET /users/me with a fresh access token: fills the identity fields of out
 * (zoom_user_id, zoom_account_id, email, display_name, plan, time_zone) */
int zoom_api_me(const char *access_token, struct zoom_account *out, char *err, size_t errlen);
/* seals the tokens into a's access_sealed, refresh_sealed and expires_at,
 * ready for store_zoom_account_authorized in the caller's transaction;
 * E_INVALID when no secret key is loaded or a token is too long */
int zoom_account_seal(struct zoom_account *a, const struct zoom_tokens *t);

/* A live access token of the Zoom user (malloc'd; free with zoom_secret_free):
 * refreshed first when it has < 5 minutes left, or when force is set and
 * the version is still force_version (a 401 code 124 on that token). One
 * refresh at a time per Zoom user: an in-process mutex per user, then a
 * lease in the database (other nodes wait, bounded, for token_version to
 * move). The new refresh token is committed before it is used.
 * 0; E_UNAUTH (Zoom refused the refresh: every connection of the user is now
 * needs_reconnect); E_IO (Zoom did not answer: nothing changed); E_BUSY
 * (another node's refresh did not finish in time); E_NOTFOUND (no account
 * or no tokens). *version gets the token's version (may be NULL). */
int zoom_access_token(const char *zoom_user_id, int force, int64_t force_version, char **token, int64_t *version);
void zoom_secret_free(char *s); /* wipes and frees */

/* Reloads the meeting cache of a Zoom user from Zoom (all pages, up to
 * ZOOM_MEETING_PAGES_MAX), outside a transaction, replacing the cache in one
 * write with fetched_at, and notes the outcome on every connection using it
 * (refreshed_at, retry_at, error) with store_changed("zoom:<cid>").
 * 0; E_BUSY (429: cache kept, retry_at set); E_IO (outage, no answer: cache
 * kept, retry_at set); E_UNAUTH (needs_reconnect set); E_NOTFOUND.
 * Webhooks (H5) call this for the Zoom user a meeting.* event concerns. */
int zoom_meetings_refresh(const char *zoom_user_id);

/* GET /meetings/{id} for its start_url (malloc'd, free with
 * zoom_secret_free; never stored, never logged). E_NOTFOUND when Zoom says
 * 404/3001 (the cached meeting is marked gone); E_BUSY/E_IO transient (the
 * cache is untouched); E_UNAUTH as above. *retry_after in seconds for
 * E_BUSY/E_IO (may be NULL). */
int zoom_meeting_start_url(const char *zoom_user_id, int64_t meeting_id, char **start_url, long *retry_after);

/* One REST call as the Zoom user (path below zoom_api_url, json_body NULL or
 * a JSON text sent as application/json), with one refresh and retry on a
 * 401 code 124. 0 with any answer in res (free with hc_response_free), or
 * E_IO / E_UNAUTH / E_BUSY / E_NOTFOUND from the token. */
struct hc_response;
int zoom_api_request(const char *zoom_user_id, const char *method, const char *path, const char *json_body,
		     long timeout_ms, struct hc_response *res);

/* POST /oauth/revoke with the Zoom user's stored token (refresh token, else
 * the access token); a failure is logged and returned, nothing local changes */
int zoom_api_revoke(const char *zoom_user_id);

#endif
