/* What the unit tests that need a database share: a temporary SQLite file
 * with every migration applied, an account with its default company and an
 * admin, and helpers that add users, calendars and rooms to that account. */
#ifndef TESTS_UNIT_FIXTURE_H
#define TESTS_UNIT_FIXTURE_H

#include "core/ids.h"
#include "store/store.h"

struct fixture {
	char dir[64];
	struct db *db; /* the calling thread's connection */
	char account_id[ID_MAX], company_id[ID_MAX];
	char admin_id[ID_MAX]; /* admin@unit.test, role admin */
};

extern struct fixture fx;

/* as cmocka group (or test) setup and teardown, on fx */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* the same on any fixture: 0, or -1 after printing what failed */
int fixture_open(struct fixture *f);
int fixture_close(struct fixture *f);

/* a user of the account, active, without a password */
int fixture_user(struct fixture *f, const char *email, const char *role, struct user *out);
/* a user's calendar in time zone tz */
int fixture_calendar(struct fixture *f, const char *owner_id, const char *tz, struct calendar *out);
/* a room with its own calendar, as the admin center makes one (bookable a
 * year ahead, no other rule: the caller changes *out and calls store_room_update) */
int fixture_room(struct fixture *f, const char *name, const char *email, struct room *out);

#endif
