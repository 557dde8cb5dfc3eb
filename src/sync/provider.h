/* The contract between calendar sync and each calendar provider's API
 * (Google Workspace, Microsoft 365, Exchange Server): one table of operations
 * per provider (sync/google_*.c, sync/microsoft_*.c, sync/exchange_*.c), all
 * bounded in time and size, all speaking normalised rooms and meetings so that
 * routes, inbound sync, outbound jobs and the worker are written once.
 * Every operation calls the provider over HTTP: never inside a transaction. */
#ifndef SYNC_PROVIDER_H
#define SYNC_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "store/sync.h"

typedef struct json_t json_t;

#define SYNC_ROOMS_MAX 5000           /* rooms read from one listing */
#define SYNC_CHANGES_MAX 20000        /* changes read in one sync of one room */
#define SYNC_WINDOW_PAST (30 * 86400) /* meetings older than this are not synced */
#define SYNC_WINDOW_AHEAD (365 * 86400)
#define SYNC_HTTP_TIMEOUT_MS 15000

/* Why a call failed, for the person who can mend it. code is stable (the web
 * app translates it; docs/calendar-sync.md lists every one), params a JSON
 * object's text with what the message names (a scope, a mailbox, a link),
 * detail the English sentence. Never holds a secret. Codes:
 *   key_invalid, admin_unknown, scopes_not_granted        (Google step 1)
 *   tenant_unknown, app_unknown, secret_invalid, certificate_invalid,
 *   consent_missing                                       (Microsoft step 1)
 *   ews_unreachable, login_failed, impersonation_denied,
 *   mailbox_unreachable                                   (Exchange step 1)
 *   secret_unreadable (secret.key changed since step 1),
 *   provider_unreachable (no answer), provider_throttled (429/503 with
 *   Retry-After), provider_error (an answer we cannot use), not_found
 *   (the room or event is gone at the provider), sync_token_expired */
struct sync_failure {
	char code[64];
	char params[512]; /* "{}" or "" when none */
	char detail[512];
	long retry_after; /* seconds the provider asked us to wait; 0 */
};
void sync_fail(struct sync_failure *f, const char *code, const char *params, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A connection opened for calls: its settings, its secret unsealed, and its
 * access token (fetched when first needed, cached sealed in the connection
 * row by sync_api_save_token, refreshed when it has < 5 minutes left or the
 * provider answered 401). Not shared between threads. */
struct sync_api {
	const struct sync_provider *p;
	char account_id[ID_MAX];
	char provider[SYNC_PROVIDER_MAX];
	json_t *settings; /* the connection's non-secret step 1 fields */
	char *secret;     /* unsealed (wiped and freed by sync_api_close) */
	char *token;      /* the access token or NULL (wiped and freed) */
	int64_t token_expires_at;
	int token_changed; /* a new token to store in the connection row */
};
/* From the stored row: E_INVALID when the secret cannot be unsealed (the
 * key file changed: f says so), E_NOMEM. */
int sync_api_open(const struct sync_connection *c, struct sync_api *a, struct sync_failure *f);
void sync_api_close(struct sync_api *a);
struct db;
/* when a->token_changed: the new token sealed into the connection row
 * (outside the caller's transaction: it begins its own). 0 when there was
 * nothing to store; a store or secretbox error otherwise (the token is then
 * only fetched again next time). */
int sync_api_save_token(struct db *db, struct sync_api *a);

/* A provider's room as listed (fills provider_room_id, email, name,
 * capacity, building, floor, features, category of struct sync_room). */
typedef int (*sync_room_cb)(void *ctx, const struct sync_room *r);

/* One meeting of a room's calendar as the provider sees it, normalised.
 * Recurring meetings arrive as their instances (Google singleEvents, Graph
 * calendarView/delta): each occurrence or exception is one change, with
 * series_id naming its series (the room is booked instance by instance). */
struct sync_change {
	const char *provider_event_id; /* the instance's id at the provider */
	const char *etag;              /* Google etag / Graph changeKey; "" */
	int removed;                   /* cancelled or deleted at the provider, or gone from the window */
	const char *ical_uid;          /* "" when unknown */
	const char *series_id;         /* the series' id for an instance; "" */
	const char *summary;           /* "" when the provider hides it */
	const char *organizer_email, *organizer_name; /* "" when unknown */
	int64_t start, end;                           /* UTC seconds; for all-day: 00:00 UTC of the dates */
	int all_day;
	const char *tzid;             /* IANA zone of the start when given; "" */
	const char *room_response;    /* the room's answer: accepted, declined, tentative, needs_action */
	const char *convene_event_id; /* our private property when convene wrote it; "" */
	int64_t created;              /* when it was made at the provider (UTC seconds); 0 */
};
typedef int (*sync_change_cb)(void *ctx, const struct sync_change *c);

/* an occurrence of a series that is at another time than its rule says */
struct sync_moved {
	int64_t recurrence_id; /* its start by the rule (UTC) */
	int64_t start, end;
};

/* A convene booking as written to a room's provider calendar. */
struct sync_booking {
	const char *convene_event_id; /* stored as the private extended property convene_event_id */
	const char *summary, *description, *organizer_email, *organizer_name;
	int64_t start, end; /* UTC seconds */
	int all_day;
	const char *tzid; /* "" = UTC */
	/* a series: its RFC 5545 RRULE value (NULL: one meeting) and the
	 * starts (UTC) of occurrences it leaves out (EXDATE, cancelled ones) */
	const char *rrule;
	const int64_t *exdates;
	size_t nexdates;
	const struct sync_moved *moved; /* written as the series' exceptions */
	size_t nmoved;
};

struct sync_provider {
	const char *name; /* google, microsoft, exchange */
	/* step 1's body (issue 16 §4) checked for shape and sizes: *settings
	 * (the non-secret fields, a JSON object's text, malloc'd) and *secret
	 * (malloc'd, the caller seals it then wipes it). E_INVALID with f
	 * naming the field (code invalid_field, params {"field": ...}). */
	int (*step1)(json_t *body, char **settings, char **secret, struct sync_failure *f);
	/* step 1 proven: a token obtained and one read of the rooms allowed.
	 * 0; E_FORBIDDEN (f names what is missing); E_IO (no answer) */
	int (*check)(struct sync_api *a, struct sync_failure *f);
	/* every room of the organisation (pages followed, at most
	 * SYNC_ROOMS_MAX); cb's non-zero result stops the listing and is
	 * returned */
	int (*list_rooms)(struct sync_api *a, sync_room_cb cb, void *ctx, struct sync_failure *f);
	/* the changes of one room's calendar since token (NULL or "": a full
	 * listing of the window); *next (malloc'd) is the token for the next
	 * incremental sync. E_CONFLICT when the provider refused the token
	 * (Google 410, Graph 410 syncStateNotFound): the caller starts a full
	 * sync. At most SYNC_CHANGES_MAX changes (then E_TOOLARGE). */
	int (*changes)(struct sync_api *a, const struct sync_room *r, const char *token, sync_change_cb cb, void *ctx,
		       char **next, struct sync_failure *f);
	/* push: a Google channel / Graph subscription to address (our
	 * /webhooks/... URL) with the secret token; fills channel or
	 * subscription fields and their expiry in *r. unwatch stops it (a gone
	 * one is not an error). */
	int (*watch)(struct sync_api *a, struct sync_room *r, const char *address, const char *token,
		     struct sync_failure *f);
	int (*unwatch)(struct sync_api *a, const struct sync_room *r, struct sync_failure *f);
	/* outbound: the booking inserted (found first by its private property,
	 * so that a retry after a lost answer does not insert twice) or, with
	 * provider_event_id, patched; *out_id (malloc'd) the provider's id.
	 * remove deletes it (already gone: 0). */
	int (*write)(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		     const struct sync_booking *b, char **out_id, struct sync_failure *f);
	int (*remove)(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		      struct sync_failure *f);
	/* the room declines a meeting made at the provider, with a comment */
	int (*decline)(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		       const char *comment, struct sync_failure *f);
	/* outbound, optional (NULL: none): the provider's id of what convene
	 * wrote for this convene event on the room's calendar, found by the
	 * private property (a delete whose insert's answer was lost): 1 with
	 * *out_id (malloc'd), 0 when there is none */
	int (*find)(struct sync_api *a, const struct sync_room *r, const char *convene_event_id, char **out_id,
		    struct sync_failure *f);
	/* pull (Exchange: EWS's push needs a long-lived request of ours), NULL
	 * for push providers: the events since the subscription's watermark
	 * (watch made it; kept in r's channel fields) read, *changed set when
	 * any item changed, r's watermark and expiry advanced (the caller stores
	 * them). A lapsed subscription is made again, with *changed set so that
	 * a sync catches up. */
	int (*poll)(struct sync_api *a, struct sync_room *r, int *changed, struct sync_failure *f);
};

/* by name: NULL when unknown or not built yet */
const struct sync_provider *sync_provider_find(const char *name);
/* the three names in order, for listings */
extern const char *const sync_provider_names[SYNC_PROVIDERS];

#endif
