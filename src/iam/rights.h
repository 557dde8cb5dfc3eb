/* The rights catalogue (iam/rights.def) and its dependency rules, on sets of
 * rights held as bit masks; plus what a manager may actually do in a team:
 * the manager's rights ∩ the rights the team enables, with prerequisites. */
#ifndef IAM_RIGHTS_H
#define IAM_RIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

struct db;

enum right_group {
	RIGHT_GROUP_team_level,
	RIGHT_GROUP_representative_controls,
	RIGHT_GROUP_COUNT,
};

enum right_id {
#define RIGHT(name, group, label, p1, p2, use) RIGHT_##name,
#include "iam/rights.def"
#undef RIGHT
	RIGHT_COUNT,
	RIGHT_none = -1,
};

#define RIGHTS_PREREQ_MAX 2
#define RIGHT_BIT(id) ((uint64_t)1 << (id))

struct right_info {
	const char *name;  /* snake_case, as stored and sent */
	const char *label; /* for people */
	enum right_group group;
	int prereq[RIGHTS_PREREQ_MAX]; /* direct prerequisites, RIGHT_none when unused */
	int used;                      /* 0: convene does no such thing yet (remote control) */
};

/* the catalogue */
const struct right_info *rights_info(int id);       /* NULL when out of range */
int rights_lookup(const char *name);                /* the id, or -1 */
const char *rights_group_name(enum right_group g);  /* "team_level" */
const char *rights_group_label(enum right_group g); /* "Team-level rights" */
uint64_t rights_all(void);

/* dependencies */
uint64_t rights_prerequisites(int id); /* direct */
uint64_t rights_requires(int id);      /* every prerequisite, transitively */
/* every right that needs one of set, directly or transitively (set itself excluded) */
uint64_t rights_dependents(uint64_t set);
/* 0 when every right of set has its prerequisites in set; else E_INVALID with
 * the first offending right and the prerequisite it lacks */
int rights_validate(uint64_t set, int *right, int *missing);

/* Replacing a set (a manager's rights, a team's enabled rights) by wanted:
 * a right granted now (not in old) whose prerequisite is not kept is refused
 * (E_INVALID, *right needs *missing); a right kept from old whose
 * prerequisite is removed goes too, transitively, and is reported in
 * *removed_dependents. *result is the set to store. */
int rights_apply(uint64_t old, uint64_t wanted, uint64_t *result, uint64_t *removed_dependents, int *right,
		 int *missing);

/* names -> set; E_INVALID with *unknown set to the first unknown name */
int rights_from_names(const char *const *names, size_t n, uint64_t *out, const char **unknown);

/* what a manager may do in a team: held ∩ enabled, less every right whose
 * prerequisites are not effective themselves */
uint64_t rights_effective_set(uint64_t held, uint64_t enabled);

enum right_status {
	RIGHT_GRANTED,
	RIGHT_MISSING_FROM_MANAGER,
	RIGHT_NOT_ENABLED_BY_TEAM,
	RIGHT_MISSING_PREREQUISITE,
};
/* why a right is or is not effective; *prereq names the first missing
 * prerequisite for RIGHT_MISSING_PREREQUISITE (else RIGHT_none) */
enum right_status rights_explain(uint64_t held, uint64_t enabled, int id, int *prereq);
const char *rights_status_name(enum right_status s); /* "granted", "missing_from_manager", ... */

/* --- from the database (iam/rights_effective.c) --- */

/* the rights a manager or API manager holds, and a team enables */
int rights_held(struct db *db, const char *account_id, const char *user_id, uint64_t *out);
int rights_enabled(struct db *db, const char *account_id, const char *team_id, uint64_t *out);
/* whether the user manages the team, being assigned to it or to one of its
 * ancestors (via: that team; "" when not managed) */
int rights_manages(struct db *db, const char *account_id, const char *user_id, const char *team_id, int *yes,
		   char via[ID_MAX]);
/* 1 when the user may use right in the team (administrators: always; managers
 * and API managers: when they manage it and the right is effective there),
 * 0 when not, or a negative error */
int rights_effective(struct db *db, const char *account_id, const char *manager_id, const char *team_id,
		     const char *right);
/* the same with the right's id, for a user already loaded */
int rights_effective_id(struct db *db, const char *account_id, const char *user_id, const char *role,
			const char *team_id, int right);
/* for something managers are assigned to directly and teams serve (a portal):
 * 1 when the user may use right (by name) there: administrators always;
 * managers and API managers when they hold it and one of the teams enables
 * it, prerequisites effective too (every team's rights count when there is
 * none); 0 when not, or a negative error */
int rights_effective_serving(struct db *db, const char *account_id, const char *user_id, const char *role,
			     const char *const *team_ids, size_t n, const char *right);
/* the same for a support session served by these teams: a team-level right
 * (session_replay) for a manager of one of the teams holding it there; a
 * representative control as rights_effective_serving for managers, and for
 * technicians, who hold no rights of their own, whether one of the teams
 * enables it (prerequisites enabled too; every one when there is no team) */
int rights_support_allows(struct db *db, const char *account_id, const char *user_id, const char *role,
			  const char *const *team_ids, size_t n, const char *right);
/* for something of teams (a technician: their teams; a support session: its
 * portal's): 1 when the user may use right (by name) in one of team_ids,
 * managing it (or an ancestor) with the right effective there; admins always */
int rights_effective_any(struct db *db, const char *account_id, const char *user_id, const char *role,
			 const char *const *team_ids, size_t n, const char *right);
/* settings/routes.h's hook: a manager changes a company's business_hours
 * when manage_business_hours is effective for them in a team serving one of
 * the company's portals (or a sub-team of one they manage); nothing else.
 * company_id NULL: 1 for a manager and business_hours (some company may be theirs) */
int rights_may_change_company_setting(struct db *db, const char *account_id, const char *user_id, const char *role,
				      const char *company_id, const char *setting);
/* managers and API managers hold rights and manage teams; admins hold every right */
int rights_role_holds_rights(const char *role);

#endif
