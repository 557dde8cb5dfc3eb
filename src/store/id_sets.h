/* Membership tables (an object's companies, teams, managers, delegates):
 * each is (account_id, owner, member id), read as the owner's members in id
 * order and replaced whole, so one pair of functions serves them all. */
#ifndef STORE_ID_SETS_H
#define STORE_ID_SETS_H

#include <stddef.h>

#include "core/ids.h"

struct db;

/* the tables, named here and never from input; "owner: its members" */
enum store_id_set {
	IDS_USER_COMPANIES,   /* a user: the companies they belong to */
	IDS_DEVICE_COMPANIES, /* a device: its companies */
	IDS_ROOM_COMPANIES,   /* a room: the companies whose people may book it */
	IDS_ROOM_DELEGATES,   /* a room: the users who approve its bookings */
	IDS_MANAGER_TEAMS,    /* a manager: the teams assigned to them (not their sub-teams) */
	IDS_TEAM_MANAGERS,    /* a team: the managers assigned to it */
	IDS_USER_TEAMS,       /* a user: the teams they are a member of */
	IDS_PORTAL_TEAMS,     /* a portal: the teams that serve it */
	IDS_PORTAL_MANAGERS,  /* a portal: the managers assigned to it */
};

/* replaces the owner's members by ids[0..n) (a duplicate is kept once) */
int store_ids_set(struct db *db, enum store_id_set set, const char *account_id, const char *owner,
		  const char *const *ids, size_t n);
/* the owner's members in id order: the first max of them */
int store_ids_get(struct db *db, enum store_id_set set, const char *account_id, const char *owner, char (*out)[ID_MAX],
		  int max, int *n);

#endif
