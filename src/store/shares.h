/* Shares of calendars (a role granted to a user, a guest, a team or a
 * company) and each calendar's public feed (the hash of its secret, what it
 * shows, and when and how often it was fetched). */
#ifndef STORE_SHARES_H
#define STORE_SHARES_H

#include <stdint.h>

#include "core/ids.h"

struct share {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char calendar_id[ID_MAX];
	char kind[12]; /* user | guest | team | company */
	char grantee_id[ID_MAX];
	char role[12]; /* freebusy | viewer | editor | manager */
	char created_by[ID_MAX];
	int64_t created_at, updated_at;
	/* filled by get and list: the grantee's name (and e-mail for users);
	 * pending: a guest who has not accepted the invitation yet */
	char grantee_name[256];
	char grantee_email[256];
	int pending;
};

/* E_CONFLICT when the grantee already has a share of the calendar */
int store_share_insert(struct db *db, const struct share *s);
int store_share_get(struct db *db, const char *account_id, const char *calendar_id, const char *id, struct share *out);
int store_share_set_role(struct db *db, const char *account_id, const char *id, const char *role, int64_t now);
int store_share_delete(struct db *db, const char *account_id, const char *id);
/* the calendar a share belongs to (E_NOTFOUND when not in the account) */
int store_share_calendar_of(struct db *db, const char *account_id, const char *id, char out[ID_MAX]);
/* the shares of one calendar, oldest first; *n written */
int store_share_list(struct db *db, const char *account_id, const char *calendar_id, struct share *out, int max,
		     int *n);
/* how many shares name this user directly */
int store_share_count_user(struct db *db, const char *account_id, const char *user_id, int64_t *out);
/* The highest rank (1 freebusy, 2 viewer, 3 editor, 4 manager; 0: none) a
 * user holds on a calendar through shares to them, to a team they are a
 * member of or to a company they belong to. */
int store_share_rank(struct db *db, const char *account_id, const char *calendar_id, const char *user_id, int *rank);
/* the calendars shared with a user (directly, by team or by company), and
 * the schedules of the conferences they administer (rank 4: conference
 * administrators manage them, calendar/access.c), each once with the highest
 * rank, by calendar name; cb returning non-zero stops */
int store_share_calendars_of(struct db *db, const char *account_id, const char *user_id,
			     int (*cb)(void *ctx, const char *calendar_id, int rank), void *ctx);

struct public_feed {
	char account_id[ID_MAX];
	char calendar_id[ID_MAX];
	char secret_hash[HASH_HEX_MAX];
	char detail[8]; /* full | busy */
	char created_by[ID_MAX];
	int64_t created_at;
	int64_t rotated_at;      /* 0: never */
	int64_t last_fetched_at; /* 0: never */
	int64_t fetch_count;
};

/* inserts or replaces the calendar's feed (a new secret, counters reset) */
int store_public_feed_put(struct db *db, const struct public_feed *f);
int store_public_feed_get(struct db *db, const char *account_id, const char *calendar_id, struct public_feed *out);
/* by the hash of the secret in the address, across accounts */
int store_public_feed_by_hash(struct db *db, const char *secret_hash, struct public_feed *out);
int store_public_feed_rotate(struct db *db, const char *account_id, const char *calendar_id, const char *secret_hash,
			     int64_t now);
int store_public_feed_detail(struct db *db, const char *account_id, const char *calendar_id, const char *detail);
int store_public_feed_delete(struct db *db, const char *account_id, const char *calendar_id);
/* adds count fetches, the last at `at` */
int store_public_feed_fetched(struct db *db, const char *account_id, const char *calendar_id, int64_t at,
			      int64_t count);

#endif
