/* The Microsoft 365 adapter's shared parts (sync/microsoft_*.c): the client
 * credentials token from Entra ID (microsoft_login_url) and calls to Microsoft
 * Graph (microsoft_graph_url) with it, failures named for the administrator
 * who can mend them. The adapter's table is sync_microsoft. */
#ifndef SYNC_MICROSOFT_H
#define SYNC_MICROSOFT_H

#include <stddef.h>

#include "http/client.h"
#include "sync/provider.h"

extern const struct sync_provider sync_microsoft;

/* the application permissions convene asks the tenant's administrator for */
#define MS_PERMISSIONS_JSON "[\"Calendars.ReadWrite\",\"Place.Read.All\"]"
/* our private property on events convene writes (a named MAPI property in
 * the PS_PUBLIC_STRINGS-like set of our own GUID) */
#define MS_EXT_ID "String {66f5a359-4659-4638-81f9-3bc2a3b8d1c4} Name convene_event_id"
#define MS_TENANT_MAX 253 /* a domain name at most */
#define MS_SECRET_MAX 1024

/* microsoft_login_url + "/{tenant}/adminconsent?client_id={client_id}": where
 * the tenant's administrator grants the permissions (the step 1 object's
 * consent_url and consent_missing's params) */
void ms_consent_url(const char *tenant, const char *client_id, char *out, size_t n);

/* step 1's body {tenant_id, client_id, client_secret} (provider.h's step1) */
int ms_step1(json_t *body, char **settings, char **secret, struct sync_failure *f);

/* a->token valid for 5 minutes more (fresh: always a new one, as check
 * does: roles consented since the cached token was issued appear only in a
 * new token). 0; E_FORBIDDEN (tenant_unknown, app_unknown, secret_invalid, certificate_invalid,
 * provider_error); E_IO (provider_unreachable); E_BUSY (provider_throttled) */
int ms_token(struct sync_api *a, int fresh, struct sync_failure *f);

/* a Graph URL: microsoft_graph_url + path (path starts with "/v1.0/");
 * malloc'd, NULL when out of memory */
char *ms_graph_url(const char *path);
/* link (a nextLink or deltaLink) points into microsoft_graph_url: the
 * bearer token is never sent elsewhere */
int ms_link_ok(const char *link);

/* one Graph call with the token (a 401 fetches a new token and tries once
 * more). body JSON or NULL; extra headers NULL-terminated or NULL. 0 when an
 * answer came (any status: res to free); otherwise the token's failure or
 * E_IO (provider_unreachable). */
int ms_call(struct sync_api *a, const char *method, const char *url, const char *body, const char *const *headers,
	    size_t max_answer, struct hc_response *res, struct sync_failure *f);
/* a failed Graph answer as a failure: 429/503/504 provider_throttled
 * (E_BUSY), other 5xx provider_unreachable (E_IO), 404 not_found
 * (E_NOTFOUND), 403 consent_missing (E_FORBIDDEN), anything else
 * provider_error (E_INVALID). what names the call in the detail. */
int ms_failed(struct sync_api *a, const struct hc_response *res, const char *what, struct sync_failure *f);
/* consent_missing naming the permissions (a JSON array's text) */
void ms_consent_missing(struct sync_api *a, const char *permissions_json, struct sync_failure *f);

json_t *ms_json(const struct hc_response *res);
/* a Graph DateTimeOffset or a dateTimeTimeZone's dateTime read as UTC
 * ("2030-01-07T09:00:00.0000000Z", "2030-01-07T09:00:00.0000000"): 0 with
 * *out, E_INVALID */
int ms_parse_utc(const char *s, int64_t *out);
/* "2030-01-07T09:00:00Z" */
void ms_format_utc(int64_t t, char *out, size_t n);

int sync_microsoft_check(struct sync_api *a, struct sync_failure *f);
int sync_microsoft_list_rooms(struct sync_api *a, sync_room_cb cb, void *ctx, struct sync_failure *f);
int sync_microsoft_changes(struct sync_api *a, const struct sync_room *r, const char *token, sync_change_cb cb,
			   void *ctx, char **next, struct sync_failure *f);
int sync_microsoft_watch(struct sync_api *a, struct sync_room *r, const char *address, const char *token,
			 struct sync_failure *f);
int sync_microsoft_unwatch(struct sync_api *a, const struct sync_room *r, struct sync_failure *f);
int sync_microsoft_write(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
			 const struct sync_booking *b, char **out_id, struct sync_failure *f);
int sync_microsoft_find(struct sync_api *a, const struct sync_room *r, const char *convene_event_id, char **out_id,
			struct sync_failure *f);
int sync_microsoft_remove(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
			  struct sync_failure *f);
int sync_microsoft_decline(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
			   const char *comment, struct sync_failure *f);

#endif
