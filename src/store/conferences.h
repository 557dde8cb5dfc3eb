/* Conferences (a gathering with its own schedule calendar, migration 028) and
 * their conference administrators: users of the account who change the
 * conference, its administrators, its schedule and its Zoom connections. */
#ifndef STORE_CONFERENCES_H
#define STORE_CONFERENCES_H

#include <stdint.h>

#include "core/ids.h"

#define CONFERENCE_NAME_MAX 200
#define CONFERENCE_DESCRIPTION_MAX 4000

struct conference {
	char account_id[ID_MAX];
	char id[ID_MAX]; /* "cnf_…" */
	char name[CONFERENCE_NAME_MAX + 1];
	char description[CONFERENCE_DESCRIPTION_MAX + 1];
	char starts_on[11];       /* YYYY-MM-DD */
	char ends_on[11];         /* YYYY-MM-DD, never before starts_on */
	char time_zone[64];       /* an IANA name */
	char calendar_id[ID_MAX]; /* its schedule: calendars.conference_id = id */
	int64_t created_at, updated_at;
	int admins_count; /* filled by get and the lists */
};

/* the conference row alone; its calendar is inserted by the caller in the same
 * transaction (calendars.conference_id references it) */
int store_conference_insert(struct db *db, const struct conference *c);
int store_conference_get(struct db *db, const char *account_id, const char *id, struct conference *out);
/* name, description, starts_on, ends_on, time_zone, updated_at */
int store_conference_update(struct db *db, const struct conference *c);
/* deletes the conference; its calendar (events, bookings, shares, feeds), its
 * administrators and every table that references it go with it (ON DELETE
 * CASCADE) */
int store_conference_delete(struct db *db, const char *account_id, const char *id);
/* Up to max conferences in (starts_on, id) order, after the cursor
 * (after_starts_on, after_id; NULL for the first page). admin_of: only those
 * this user administers (NULL: all of the account). */
int store_conference_list(struct db *db, const char *account_id, const char *admin_of, const char *after_starts_on,
			  const char *after_id, struct conference *out, int max, int *n);
/* the conference whose schedule this calendar is (E_NOTFOUND: none) */
int store_conference_of_calendar(struct db *db, const char *account_id, const char *calendar_id,
				 struct conference *out);

struct conference_admin {
	char user_id[ID_MAX];
	char email[256];
	char display_name[256];
	char role[16];    /* the user's account role */
	char language[8]; /* the user's own (en | fr | ru), "" when they follow the company's or account's */
	int64_t added_at;
};

/* 0 when added, E_CONFLICT when already an administrator (nothing changed) */
int store_conference_admin_add(struct db *db, const char *account_id, const char *conference_id, const char *user_id,
			       int64_t now);
/* 0 when removed, E_NOTFOUND when they were not one */
int store_conference_admin_remove(struct db *db, const char *account_id, const char *conference_id,
				  const char *user_id);
/* by e-mail address; *n written (at most max) */
int store_conference_admin_list(struct db *db, const char *account_id, const char *conference_id,
				struct conference_admin *out, int max, int *n);
/* one administrator; E_NOTFOUND when the user is not one (or no longer
 * holds the office: a guest or customer now) */
int store_conference_admin_get(struct db *db, const char *account_id, const char *conference_id, const char *user_id,
			       struct conference_admin *out);
/* 1 when the user is one of the conference's administrators, else 0 (or < 0
 * on a store error) */
int store_conference_admin_is(struct db *db, const char *account_id, const char *conference_id, const char *user_id);
/* 1 when the user administers the conference whose schedule this calendar is
 * (for calendar/access.c, which must not include conferencing), else 0 */
int store_conference_calendar_admin(struct db *db, const char *account_id, const char *calendar_id,
				    const char *user_id);
/* For mails about a conference (the Zoom deauthorization notice): cb once per
 * administrator who can still sign in (not suspended), or, when the
 * conference has none, per admin of the account (who manage every
 * conference: somebody must hear that its Zoom account left), with their address
 * and own language ("" = the company's or account's: iam/language.h decides);
 * cb returning non-zero stops. Returns 0 or a store error. */
int store_conference_admin_emails(struct db *db, const char *account_id, const char *conference_id,
				  int (*cb)(void *ctx, const char *user_id, const char *email, const char *language),
				  void *ctx);

#endif
