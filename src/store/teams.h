/* Teams and sub-teams (a tree by parent_id), their members (technicians) and
 * their managers (who manage the sub-teams too). */
#ifndef STORE_TEAMS_H
#define STORE_TEAMS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

#define TEAM_DEPTH_MAX 32 /* levels of a tree; deeper chains are refused when made */

struct team {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char parent_id[ID_MAX]; /* "" for a top-level team */
	char name[256];
	int64_t created_at;
	int64_t child_count;  /* filled by get and list */
	int64_t member_count; /* filled by get and list */
	int direct;           /* store_team_managed_list: assigned to the team itself */
};

struct team_filter {
	const char *parent;     /* NULL: every team; "": top-level teams; else that team's children */
	const char *after_name; /* cursor: teams after (name, id) in name order */
	const char *after_id;
};

/* serialises changes to an account's tree until the transaction ends, so that
 * two concurrent moves cannot make a cycle (SQLite writers are serialised already) */
int store_team_tree_lock(struct db *db, const char *account_id);
int store_team_insert(struct db *db, const struct team *t);
int store_team_get(struct db *db, const char *account_id, const char *id, struct team *out);
int store_team_update(struct db *db, const struct team *t); /* name and parent */
int store_team_delete(struct db *db, const char *account_id, const char *id);
int store_team_list(struct db *db, const char *account_id, const struct team_filter *f, struct team *out, int max,
		    int *n);
/* the team and its ancestors, nearest first (out[0] is the team itself) */
int store_team_path(struct db *db, const char *account_id, const char *id, char (*out)[ID_MAX], int max, int *n);
/* levels of sub-teams below the team (0 when it has none) */
int store_team_height(struct db *db, const char *account_id, const char *id, int *out);

/* members: add and remove answer 1 when something changed, 0 when not */
int store_team_member_add(struct db *db, const char *account_id, const char *team_id, const char *user_id);
int store_team_member_remove(struct db *db, const char *account_id, const char *team_id, const char *user_id);
/* member ids in e-mail order, after that e-mail address */
int store_team_members(struct db *db, const char *account_id, const char *team_id, const char *after_email,
		       char (*out)[ID_MAX], int max, int *n);
/* the teams a user is a member of: store_ids_get(IDS_USER_TEAMS) */

/* managers: the teams a user is assigned to (IDS_MANAGER_TEAMS, replaced
 * whole) and who is assigned to a team (IDS_TEAM_MANAGERS), in store/id_sets.h */
/* every team a user manages: those assigned and their sub-teams, in name order */
int store_team_managed_list(struct db *db, const char *account_id, const char *user_id, struct team *out, int max,
			    int *n);

#endif
