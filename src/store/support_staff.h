/* What managers see and change of the technicians of their teams: the list
 * with presence, load and limit, their limit of concurrent sessions, a
 * log-out (presence offline, offers withdrawn), and the teams a session or a
 * technician is "of" (where a manager's rights over it are evaluated). */
#ifndef STORE_SUPPORT_STAFF_H
#define STORE_SUPPORT_STAFF_H

#include <stdint.h>

#include "core/ids.h"

struct db;

#define SUPPORT_STAFF_TEAMS_MAX 64 /* teams looked at for one technician or session */

struct support_technician {
	char id[ID_MAX];
	char name[256];
	char email[256];
	char state[12]; /* chosen presence; "offline" without a row */
	int64_t max_sessions, seen_at, active;
};

/* technicians (users holding remote_support) of the account (manager_id
 * NULL) or members of the teams manager_id is assigned to and their
 * sub-teams; by name, at most max */
int store_support_technicians(struct db *db, const char *account_id, const char *manager_id,
			      struct support_technician *out, int max, int *n);
/* presence offline (a row is made when there is none) */
int store_support_presence_offline(struct db *db, const char *account_id, const char *user_id, int64_t now);
/* max_sessions (a row, offline, is made when there is none) */
int store_support_presence_limit(struct db *db, const char *account_id, const char *user_id, int64_t max_sessions,
				 int64_t now);
/* withdraws the offers made to user_id: the waiting sessions they were
 * offered, ids and portals in out (at most max), no longer offered */
int store_support_offers_withdraw(struct db *db, const char *account_id, const char *user_id, char (*ids)[ID_MAX],
				  char (*portals)[ID_MAX], int max, int *n);
/* the teams serving a portal (its parent's when it has none) */
int store_support_portal_teams(struct db *db, const char *account_id, const char *portal_id, char (*out)[ID_MAX],
			       int max, int *n);

#endif
