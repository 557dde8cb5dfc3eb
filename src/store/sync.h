/* Calendar sync's tables (migrations 035-036, issue 16): an account's connection
 * to each calendar provider, the provider's rooms and their link to convene
 * rooms, which provider event is which convene event, and the outbound writes
 * owed to the providers. Every row carries its account_id; only the push
 * look-ups (by channel, by subscription) and the worker's claims cross
 * accounts. Sealed values arrive sealed (core/secretbox.h). */
#ifndef STORE_SYNC_H
#define STORE_SYNC_H

#include <stdint.h>

#include "core/ids.h"

struct db;

#define SYNC_PROVIDERS 3 /* google, microsoft, exchange */
#define SYNC_PROVIDER_MAX 16

/* ---- sync_connections ---- */
struct sync_connection {
	char account_id[ID_MAX];
	char provider[SYNC_PROVIDER_MAX]; /* google, microsoft, exchange */
	char status[16];                  /* step1_done, connected, error */
	char detail[512];                 /* English; "" when none */
	char error_code[64];
	char error_params[512]; /* a JSON object's text; "" when none */
	char settings[2048];    /* the non-secret step 1 fields, a JSON object */
	char *secret_sealed;    /* malloc'd; NULL when none */
	char *token_sealed;     /* malloc'd; NULL when no token is cached */
	int64_t token_expires_at, checked_at, connected_at, last_push_at, last_full_at; /* 0: never */
	int64_t events_synced, conflicts_resolved;
	char created_by[ID_MAX];
	int64_t created_at, updated_at;
};
void sync_connection_free(struct sync_connection *c);

/* E_NOTFOUND when the provider is not configured */
int store_sync_connection_get(struct db *db, const char *account_id, const char *provider, struct sync_connection *out);
/* the account's connections in provider order (google, microsoft,
 * exchange); *n of at most SYNC_PROVIDERS; free each */
int store_sync_connections_list(struct db *db, const char *account_id, struct sync_connection out[SYNC_PROVIDERS],
				int *n);
/* step 1 saved: new or replaced credentials, status step1_done, the error,
 * the cached token and checked_at cleared (they belonged to the old ones);
 * counters, rooms and connected_at kept */
int store_sync_connection_step1(struct db *db, const char *account_id, const char *provider, const char *settings,
				const char *secret_sealed, const char *created_by, int64_t now);
/* status after a check: connected (connected_at set when it was not
 * connected before), error or step1_done, with detail, code and params
 * (NULL: none); checked_at = now. E_NOTFOUND */
int store_sync_connection_status(struct db *db, const char *account_id, const char *provider, const char *status,
				 const char *detail, const char *error_code, const char *error_params, int64_t now);
/* the cached access token (NULL: forget it). E_NOTFOUND */
int store_sync_connection_token(struct db *db, const char *account_id, const char *provider, const char *token_sealed,
				int64_t expires_at, int64_t now);
/* counters and times of the sync status: the deltas are added, a time of 0
 * is left as it was. E_NOTFOUND */
int store_sync_connection_note(struct db *db, const char *account_id, const char *provider, int64_t events_synced,
			       int64_t conflicts_resolved, int64_t push_at, int64_t full_at, int64_t now);
/* the connection and, by cascade, its rooms, events and jobs. E_NOTFOUND */
int store_sync_connection_delete(struct db *db, const char *account_id, const char *provider);

/* ---- sync_rooms ---- */
struct sync_room {
	char account_id[ID_MAX];
	char provider[SYNC_PROVIDER_MAX];
	char provider_room_id[256];
	char email[320];
	char name[256];
	int capacity; /* -1: unknown */
	char building[256];
	char floor[64];
	char features[1024]; /* a JSON array of strings */
	char category[64];
	int64_t seen_at;
	char room_id[ID_MAX];  /* "" when not linked */
	char room_name[256];   /* the convene room's name (lists only) */
	char state[12];        /* linked, ignored, available */
	char sync_token[4096]; /* a Graph deltaLink is a long URL */
	int64_t dirty_at, dirty_seq, full_due_at;
	char channel_id[128], channel_resource_id[256], channel_token_hash[128];
	int64_t channel_expires_at;
	char subscription_id[128];
	int64_t subscription_expires_at;
	char client_state_hash[128];
	int64_t lease_until, last_sync_at;
	char last_error[512], error_code[64]; /* the last read of the room's calendar failed */
	/* the latest write given up (a job kept failed) while it stays so: a
	 * later successful read does not clear it; read only, from sync_jobs */
	char write_error[512], write_error_code[64], write_action[8];
};

/* from a provider's listing: its fields (provider_room_id to category; a
 * capacity < 0 is stored as unknown) inserted or refreshed, seen_at = now;
 * the link, sync and push state are kept. The connection must exist. */
int store_sync_room_upsert(struct db *db, const struct sync_room *r, int64_t now);
int store_sync_room_get(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			struct sync_room *out);
/* the provider room linked to the convene room room_id (outbound sync of
 * its bookings). E_NOTFOUND when it is linked to none */
int store_sync_room_of_room(struct db *db, const char *account_id, const char *room_id, struct sync_room *out);
/* 1 when any provider room of the account is linked to a convene room, 0
 * when none (one index probe: every event write with a room asks) */
int store_sync_rooms_linked(struct db *db, const char *account_id);
typedef int (*store_sync_room_cb)(void *ctx, const struct sync_room *r);
/* the provider's rooms of the account by name, with the linked convene
 * room's name; at most max (a listing keeps at most what it was given) */
int store_sync_rooms_list(struct db *db, const char *account_id, const char *provider, int max, store_sync_room_cb cb,
			  void *ctx);
/* the linked rooms of provider's connected connections, after (account,
 * provider room) in that order, at most max: a pass over them in turns
 * (Exchange's pull subscriptions polled) */
int store_sync_rooms_linked_of(struct db *db, const char *provider, const char *after_account, const char *after_room,
			       int max, store_sync_room_cb cb, void *ctx);
/* linked to the convene room room_id of the same account: a full sync due
 * now, the old token and dirt forgotten. E_NOTFOUND (no such provider
 * room), E_INVALID (no such convene room in the account), E_CONFLICT (that
 * convene room is linked to another provider room) */
int store_sync_room_link(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			 const char *room_id, int64_t now);
/* not linked any more (state available) or left out (state ignored): no
 * sync due; the channel or subscription fields stay for the worker to stop.
 * E_NOTFOUND */
int store_sync_room_unlink(struct db *db, const char *account_id, const char *provider, const char *provider_room_id);
int store_sync_room_ignore(struct db *db, const char *account_id, const char *provider, const char *provider_room_id);
/* a push said "changed": dirty_at kept if already set, dirty_seq bumped.
 * E_NOTFOUND */
int store_sync_room_dirty(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			  int64_t now);
/* the sync that started when dirty_seq was seen_seq is done: dirty_at
 * cleared unless another push came since, the lease released, the error
 * cleared, last_sync_at = now */
int store_sync_room_clean(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			  int64_t seen_seq, int64_t now);
/* the token for the next incremental sync (NULL: a full sync is due at
 * full_due_at); E_TOOLARGE when it would not fit struct sync_room */
int store_sync_room_set_token(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			      const char *sync_token, int64_t full_due_at);
/* a sync failed: error kept (shown with the room), the lease released */
int store_sync_room_error(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			  const char *error_code, const char *error);
/* a failed sync is tried again at `at`, not before: the room is leased
 * until then (pushes still mark it dirty) */
int store_sync_room_retry_at(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			     int64_t at);
/* one linked room of a connected connection that is dirty or whose full
 * check is due, leased until `until` (another node cannot take it): 1 with
 * *out, 0 when none is due */
int store_sync_room_claim(struct db *db, int64_t now, int64_t until, struct sync_room *out);
/* Google's watch channel (channel_id NULL: none) */
int store_sync_room_set_channel(struct db *db, const char *account_id, const char *provider,
				const char *provider_room_id, const char *channel_id, const char *resource_id,
				const char *token_hash, int64_t expires_at);
/* Graph's subscription (subscription_id NULL: none) */
int store_sync_room_set_subscription(struct db *db, const char *account_id, const char *provider,
				     const char *provider_room_id, const char *subscription_id, int64_t expires_at,
				     const char *client_state_hash);
/* push look-ups, across accounts (the ids are unique). E_NOTFOUND */
int store_sync_room_by_channel(struct db *db, const char *channel_id, struct sync_room *out);
int store_sync_room_by_subscription(struct db *db, const char *subscription_id, struct sync_room *out);

/* ---- sync_events ---- */
struct sync_event {
	char account_id[ID_MAX];
	char provider[SYNC_PROVIDER_MAX];
	char provider_room_id[256];
	char provider_event_id[1100]; /* Google allows 1024 characters */
	char event_id[ID_MAX];
	char origin[12]; /* provider, convene */
	char provider_etag[256];
	int64_t provider_created_at;
	char ical_uid[1024];
	int64_t updated_at;
};
int store_sync_event_get(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			 const char *provider_event_id, struct sync_event *out);
typedef int (*store_sync_event_cb)(void *ctx, const struct sync_event *e);
/* every provider room's mapping of the convene event (one per room it books) */
int store_sync_events_of_event(struct db *db, const char *account_id, const char *event_id, store_sync_event_cb cb,
			       void *ctx);
/* each of the room's mappings of one origin (provider, convene), by
 * provider_event_id, without a bound (a full sync compares them all with
 * what the provider listed); cb must not write (collect, then act) */
int store_sync_events_each(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			   const char *origin, store_sync_event_cb cb, void *ctx);
/* the first max provider meetings of one provider room stored without
 * holding the room (no booking of their event: another meeting held it when
 * they came), earliest made first, into out; *n of them */
int store_sync_events_unheld(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			     int max, struct sync_event *out, int *n);
/* the first max mappings of one provider room made by origin (provider,
 * convene), by provider_event_id, into out; *n of them */
int store_sync_events_of_room(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			      const char *origin, int max, struct sync_event *out, int *n);
/* how many mappings of one origin the provider room has */
int store_sync_events_count(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			    const char *origin, int64_t *n);
/* convene's copies still owed a removal: a provider room that is not
 * linked (unlinked, left out, its convene room deleted) with mappings of
 * origin convene that have no job. Only a room of a connected connection
 * with no job pending and fewer than failed_max given up (the batch before
 * is sent first; removals the provider refuses hold the rest until a
 * connect revives them): 1 with its account_id, provider and
 * provider_room_id in *room, 0 when no room is owed any */
int store_sync_copies_owed(struct db *db, int failed_max, struct sync_event *room);
/* the first max of those mappings of the room, into out; *n of them */
int store_sync_copies_unqueued(struct db *db, const char *account_id, const char *provider,
			       const char *provider_room_id, int max, struct sync_event *out, int *n);
/* inserted or replaced (updated_at = now) */
int store_sync_event_put(struct db *db, const struct sync_event *e, int64_t now);
/* E_NOTFOUND */
int store_sync_event_delete(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			    const char *provider_event_id);

/* ---- sync_jobs: the writes convene's bookings owe a provider room ---- */
#define SYNC_JOB_ATTEMPTS 10 /* then the job is kept as failed, with its error */
struct sync_job {
	char account_id[ID_MAX];
	char provider[SYNC_PROVIDER_MAX];
	char provider_room_id[256];
	char event_id[ID_MAX];
	char action[8]; /* insert, patch, delete, decline */
	char *body;     /* malloc'd JSON, or NULL */
	char provider_event_id[1100];
	int attempts;
	int64_t version; /* of the job as claimed */
};
void sync_job_free(struct sync_job *j);
/* one open job per (provider room, event): a later change replaces what an
 * earlier one had not sent (an unsent insert stays an insert with the new
 * body; otherwise the latest action wins), pending again at next_at with no
 * attempts; provider_event_id kept when the new one is "" */
int store_sync_job_put(struct db *db, const struct sync_job *j, int64_t next_at, int64_t now);
/* one due pending job, leased until `until`: 1 with *out (sync_job_free), 0 */
int store_sync_job_claim(struct db *db, int64_t now, int64_t until, struct sync_job *out);
/* sent: removed, unless it was replaced meanwhile (then due at once) */
int store_sync_job_done(struct db *db, const struct sync_job *j);
/* not sent: another attempt at next_at, or kept as failed with the
 * failure's code and text (the room shows the latest failed one); a job
 * replaced meanwhile is only released */
int store_sync_job_retry(struct db *db, const struct sync_job *j, int64_t next_at, int failed, const char *error_code,
			 const char *error, int64_t now);
/* 1 when the provider room has a job (pending or failed) for event_id, 0 */
int store_sync_job_exists(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			  const char *event_id);
/* the connection's failed jobs pending again, due at `now` with no
 * attempts (it works again: what was given up while it did not is sent) */
int store_sync_jobs_revive(struct db *db, const char *account_id, const char *provider, int64_t now);
/* every job of the provider room removed (it is not linked any more) */
int store_sync_jobs_drop(struct db *db, const char *account_id, const char *provider, const char *provider_room_id);

#endif
