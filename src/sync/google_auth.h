/* Google Workspace's side of step 1 and of every later call: the service
 * account key and the administrator to impersonate checked and kept, the
 * access token obtained by the JWT bearer grant (RFC 7523; Google's
 * "Using OAuth 2.0 for Server to Server Applications", domain-wide
 * delegation) and cached in struct sync_api, and one authorised call to
 * Google's APIs with its failures mapped to provider.h's stable codes. */
#ifndef SYNC_GOOGLE_AUTH_H
#define SYNC_GOOGLE_AUTH_H

#include <jansson.h>

#include "http/client.h"
#include "sync/provider.h"

/* what Google Admin must grant the service account's client id (Security →
 * API controls → Domain-wide delegation), exactly */
#define GOOGLE_SCOPE_DIRECTORY "https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly"
#define GOOGLE_SCOPE_CALENDAR "https://www.googleapis.com/auth/calendar"
#define GOOGLE_SCOPES GOOGLE_SCOPE_DIRECTORY " " GOOGLE_SCOPE_CALENDAR

extern const struct sync_provider sync_google;

/* provider.h's step1: {service_account_key (Google's JSON key file, as an
 * object or as its text), admin_email}. *settings {admin_email,
 * client_email, client_id, project_id, private_key_id}; *secret the key
 * file's text. */
int google_step1(json_t *body, char **settings, char **secret, struct sync_failure *f);

/* a->token usable: the cached one while it has more than 5 minutes left,
 * else a new one (a->token_changed = 1: the caller stores it sealed).
 * 0; E_FORBIDDEN (key_invalid, admin_unknown, scopes_not_granted);
 * E_BUSY (provider_throttled); E_IO (provider_unreachable,
 * provider_error) */
int google_token(struct sync_api *a, struct sync_failure *f);

/* One call to google_api_url + path (path begins with '/', its query
 * escaped by the caller; body JSON or NULL) with the access token; a 401
 * gets a new token and one more try. *out holds the answer whatever
 * happens (hc_response_free it). 0 for a 2xx; otherwise f says why and:
 * E_NOTFOUND (404, or 410 "deleted"), E_CONFLICT (410 fullSyncRequired:
 * code sync_token_expired), E_FORBIDDEN (403 other than a rate limit:
 * scopes_not_granted or admin_unknown), E_BUSY (429, 403 rate limits),
 * E_IO (no answer, 5xx), E_INVALID (another 4xx: provider_error) */
int google_api(struct sync_api *a, const char *method, const char *path, const char *body, struct hc_response *out,
	       struct sync_failure *f);

/* the answer's JSON object, or NULL (f: provider_error) */
json_t *google_json(const struct hc_response *rs, struct sync_failure *f);

/* the Directory's rooms (sync/google_rooms.c) */
int google_check(struct sync_api *a, struct sync_failure *f);
int google_list_rooms(struct sync_api *a, sync_room_cb cb, void *ctx, struct sync_failure *f);

#endif
