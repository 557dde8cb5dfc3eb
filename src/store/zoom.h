/* The Zoom tables: Zoom accounts (one per Zoom user for the whole server,
 * with its sealed tokens and the refresh lease), the connections of
 * conferences that reference them, OAuth states, Marketplace installs waiting
 * for a conference, and the cache of each Zoom account's meetings. */
#ifndef STORE_ZOOM_H
#define STORE_ZOOM_H

#include <stdint.h>

#include "core/ids.h"

struct db;

#define ZOOM_ID_MAX 80            /* buffer for a Zoom user or account id */
#define ZOOM_SEALED_MAX 4096      /* buffer for a sealed token (Zoom's are ~700 characters) */
#define ZOOM_NAME_MAX 200         /* a connection's name, in characters */
#define ZOOM_ERROR_MAX 300        /* buffer for a connection's error text */
#define ZOOM_ERROR_CODE_MAX 40    /* its stable code ("zoom_rate_limited") */
#define ZOOM_ERROR_PARAMS_MAX 200 /* its parameters, a JSON object's text */
#define ZOOM_CONNECTIONS_MAX 50   /* per conference */

/* connection statuses */
#define ZOOM_NOT_CONNECTED "not_connected"
#define ZOOM_CONNECTED "connected"
#define ZOOM_NEEDS_RECONNECT "needs_reconnect"

/* A Zoom user whose tokens the server holds. token_version counts token
 * changes: a refresh is taken and saved against the version it read. */
struct zoom_account {
	char zoom_user_id[ZOOM_ID_MAX];
	char zoom_account_id[ZOOM_ID_MAX];
	char email[256];
	char display_name[256];
	char plan[16]; /* "basic", "licensed", "other" */
	char time_zone[64];
	char access_sealed[ZOOM_SEALED_MAX]; /* secretbox text, never plain */
	char refresh_sealed[ZOOM_SEALED_MAX];
	int64_t expires_at; /* of the access token */
	int64_t token_version;
	int64_t refresh_lease_until; /* 0: nobody is refreshing */
	/* the latest authorization (a refresh keeps it): an app_deauthorized
	 * older than it no longer concerns the tokens held */
	int64_t created_at;
	int64_t updated_at;
};

struct zoom_connection {
	char account_id[ID_MAX];
	char id[ID_MAX]; /* "zcn_…" */
	char conference_id[ID_MAX];
	char name[ZOOM_NAME_MAX * 4 + 1];
	char status[20];
	char zoom_user_id[ZOOM_ID_MAX]; /* "" when none */
	char created_by[ID_MAX];
	int64_t refreshed_at, retry_at; /* 0: never / no wait */
	char error[ZOOM_ERROR_MAX];     /* English text, "" when none */
	/* the error's stable code (docs/zoom.md) and its parameters as a JSON
	 * object's text ({"status":502}): "" when none, or for an error written
	 * before codes existed */
	char error_code[ZOOM_ERROR_CODE_MAX];
	char error_params[ZOOM_ERROR_PARAMS_MAX];
	int64_t created_at, updated_at;
};

/* One cached meeting. The strings point into the caller's data (a JSON
 * answer) or, in store_zoom_meetings_each, into the row: valid only during
 * the callback. NULL = absent. */
struct zoom_meeting {
	const char *zoom_user_id;
	int64_t meeting_id;
	const char *uuid, *topic;
	int type;
	int has_start;
	int64_t start_at; /* UTC seconds when has_start (not for type 3) */
	int duration;     /* minutes */
	const char *timezone, *join_url, *passcode, *agenda;
	int gone; /* Zoom said 404/3001 on a read of it */
	int64_t fetched_at;
};

struct zoom_oauth_state {
	char state_hash[HASH_HEX_MAX];
	char account_id[ID_MAX];
	char connection_id[ID_MAX];
	char user_id[ID_MAX];
	char verifier_sealed[512];
	int64_t expires_at, used_at;
};

/* ---- Zoom accounts (server-wide) ---- */
int store_zoom_account_get(struct db *db, const char *zoom_user_id, struct zoom_account *out);
/* a new authorization: inserts or replaces identity and tokens, bumps
 * token_version, frees the lease, and every connection that references the
 * Zoom user becomes connected with no error */
int store_zoom_account_authorized(struct db *db, const struct zoom_account *a, int64_t now);
/* takes the refresh lease until `until` when it is free (or lapsed) and the
 * version is still `version`: 1 taken, 0 not (someone else refreshes, or
 * already did) */
int store_zoom_lease_take(struct db *db, const char *zoom_user_id, int64_t version, int64_t now, int64_t until);
/* the refreshed tokens, saved only while the version is still `version`
 * (bumped, lease freed): 0, or E_CONFLICT when it moved */
int store_zoom_tokens_save(struct db *db, const char *zoom_user_id, int64_t version, const char *access_sealed,
			   const char *refresh_sealed, int64_t expires_at, int64_t now);
int store_zoom_lease_release(struct db *db, const char *zoom_user_id, int64_t version);
/* Zoom refused the tokens (invalid_grant, revoked): every connection of the
 * Zoom user becomes needs_reconnect with this error code and English text,
 * tokens cleared */
int store_zoom_account_needs_reconnect(struct db *db, const char *zoom_user_id, const char *code, const char *error,
				       int64_t now);
/* how many connections (of any account) reference the Zoom user */
int store_zoom_account_refs(struct db *db, const char *zoom_user_id, int64_t *n);
/* a Zoom account that no connection and no waiting install references any
 * more (its conference or account was deleted), and that owes Zoom no
 * pending meeting write (its token is needed for that): E_NOTFOUND when none */
int store_zoom_account_orphan(struct db *db, char zoom_user_id[ZOOM_ID_MAX]);
/* deletes the Zoom account (tokens) and its cached meetings; connections
 * still referencing it get zoom_user_id NULL (FK SET NULL) */
int store_zoom_account_delete(struct db *db, const char *zoom_user_id);

/* ---- connections ---- */
int store_zoom_connection_insert(struct db *db, const struct zoom_connection *c);
/* E_NOTFOUND unless it is a connection of that conference of that account */
int store_zoom_connection_get(struct db *db, const char *account_id, const char *conference_id, const char *id,
			      struct zoom_connection *out);
/* by id alone within the account (the OAuth callback knows no conference) */
int store_zoom_connection_get_any(struct db *db, const char *account_id, const char *id, struct zoom_connection *out);
/* the conference's connections by name (at most max) */
int store_zoom_connection_list(struct db *db, const char *account_id, const char *conference_id,
			       struct zoom_connection *out, int max, int *n);
int store_zoom_connection_count(struct db *db, const char *account_id, const char *conference_id, int64_t *n);
int store_zoom_connection_rename(struct db *db, const char *account_id, const char *id, const char *name, int64_t now);
/* the connection now uses the Zoom user, status connected, no error */
int store_zoom_connection_attach(struct db *db, const char *account_id, const char *id, const char *zoom_user_id,
				 int64_t now);
int store_zoom_connection_delete(struct db *db, const char *account_id, const char *id);
/* what the last reload of a Zoom user's meetings said, on every connection
 * that uses it: refreshed_at (0 keeps the old one), retry_at (0 = none), and
 * the error's code, parameters (a JSON object's text) and English text (""
 * or NULL = none) */
int store_zoom_fetch_state(struct db *db, const char *zoom_user_id, int64_t refreshed_at, int64_t retry_at,
			   const char *code, const char *params, const char *error, int64_t now);
/* every connection (of any account) that references the Zoom user: for
 * webhooks and for store_changed topics; cb's non-zero answer stops */
int store_zoom_connections_of_user(struct db *db, const char *zoom_user_id,
				   int (*cb)(void *ctx, const char *account_id, const char *id,
					     const char *conference_id),
				   void *ctx);
/* app_deauthorized: every connection of the Zoom user leaves its conference */
int store_zoom_connections_delete_of_user(struct db *db, const char *zoom_user_id, int64_t *n);
/* store_changed("zoom:<cid>") for every connection that uses the Zoom user,
 * inside the caller's write transaction */
int store_zoom_changed_user(struct db *db, const char *zoom_user_id);

/* ---- meetings cache ---- */
/* in start order (meetings without a start last), gone ones included */
int store_zoom_meetings_each(struct db *db, const char *zoom_user_id,
			     int (*cb)(void *ctx, const struct zoom_meeting *m), void *ctx);
int store_zoom_meetings_count(struct db *db, const char *zoom_user_id, int64_t *n);
/* one reload replacing the cache, in the caller's write transaction:
 * _begin marks the cached rows, _upsert writes each fetched meeting (keeping
 * a known passcode when the list has none), _end deletes the rows not seen */
int store_zoom_meetings_replace_begin(struct db *db, const char *zoom_user_id);
int store_zoom_meeting_upsert(struct db *db, const struct zoom_meeting *m);
int store_zoom_meetings_replace_end(struct db *db, const char *zoom_user_id);
int store_zoom_meeting_mark_gone(struct db *db, const char *zoom_user_id, int64_t meeting_id);
int store_zoom_meeting_delete(struct db *db, const char *zoom_user_id, int64_t meeting_id);
/* E_NOTFOUND when the Zoom user has no such cached meeting */
int store_zoom_meeting_exists(struct db *db, const char *zoom_user_id, int64_t meeting_id);

/* ---- OAuth states (single use, 10 minutes) ---- */
int store_zoom_state_insert(struct db *db, const struct zoom_oauth_state *s);
/* reads the state and marks it used in one statement: 0 (it was unused; out
 * filled), E_NOTFOUND (unknown), E_CONFLICT (used before; out filled);
 * expiry is the caller's check */
int store_zoom_state_use(struct db *db, const char *state_hash, int64_t now, struct zoom_oauth_state *out);
int store_zoom_states_purge(struct db *db, int64_t before);

/* ---- Marketplace installs waiting for a conference (1 hour) ---- */
int store_zoom_install_insert(struct db *db, const char *token_hash, const char *zoom_user_id, int64_t expires_at);
/* the Zoom user of an unused, unexpired install: E_NOTFOUND otherwise */
int store_zoom_install_get(struct db *db, const char *token_hash, int64_t now, char zoom_user_id[ZOOM_ID_MAX]);
int store_zoom_install_use(struct db *db, const char *token_hash, int64_t now);
/* the Zoom user of one install that lapsed unused (E_NOTFOUND: none),
 * deleting that install row */
int store_zoom_install_take_expired(struct db *db, int64_t now, char zoom_user_id[ZOOM_ID_MAX]);

#endif
