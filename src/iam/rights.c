/* The rights catalogue built from iam/rights.def, and the dependency rules
 * on sets of rights: prerequisites, dependents, validation, replacement and
 * the effective set of a manager in a team. Pure functions, no storage. */
#include "iam/rights.h"

#include <string.h>

#include "core/errors.h"

_Static_assert(RIGHT_COUNT <= 64, "rights are held in a 64-bit mask");

static const struct right_info catalogue[RIGHT_COUNT] = {
#define RIGHT_USE_in_use 1
#define RIGHT_USE_not_yet 0
#define RIGHT(name, group, label, p1, p2, use) \
	{#name, label, RIGHT_GROUP_##group, {RIGHT_##p1, RIGHT_##p2}, RIGHT_USE_##use},
#include "iam/rights.def"
#undef RIGHT
};

const struct right_info *rights_info(int id)
{
	return id >= 0 && id < RIGHT_COUNT ? &catalogue[id] : NULL;
}

int rights_lookup(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < RIGHT_COUNT; i++)
		if (!strcmp(catalogue[i].name, name))
			return i;
	return -1;
}

const char *rights_group_name(enum right_group g)
{
	return g == RIGHT_GROUP_team_level ? "team_level" : "representative_controls";
}

const char *rights_group_label(enum right_group g)
{
	return g == RIGHT_GROUP_team_level ? "Team-level rights" : "Representative controls";
}

uint64_t rights_all(void)
{
	return RIGHT_COUNT == 64 ? ~(uint64_t)0 : RIGHT_BIT(RIGHT_COUNT) - 1;
}

uint64_t rights_prerequisites(int id)
{
	uint64_t out = 0;
	if (id < 0 || id >= RIGHT_COUNT)
		return 0;
	for (int k = 0; k < RIGHTS_PREREQ_MAX; k++)
		if (catalogue[id].prereq[k] != RIGHT_none)
			out |= RIGHT_BIT(catalogue[id].prereq[k]);
	return out;
}

uint64_t rights_requires(int id)
{
	uint64_t out = rights_prerequisites(id), seen = 0;
	/* widen until nothing new: at most RIGHT_COUNT rounds, even on a (forbidden) cycle */
	while (out != seen) {
		seen = out;
		for (int i = 0; i < RIGHT_COUNT; i++)
			if (seen & RIGHT_BIT(i))
				out |= rights_prerequisites(i);
	}
	return out;
}

uint64_t rights_dependents(uint64_t set)
{
	uint64_t out = 0;
	for (int i = 0; i < RIGHT_COUNT; i++)
		if (!(set & RIGHT_BIT(i)) && (rights_requires(i) & set))
			out |= RIGHT_BIT(i);
	return out;
}

/* the first direct prerequisite of id missing from set, or RIGHT_none */
static int first_missing(uint64_t set, int id)
{
	for (int k = 0; k < RIGHTS_PREREQ_MAX; k++) {
		int p = catalogue[id].prereq[k];
		if (p != RIGHT_none && !(set & RIGHT_BIT(p)))
			return p;
	}
	return RIGHT_none;
}

int rights_validate(uint64_t set, int *right, int *missing)
{
	for (int i = 0; i < RIGHT_COUNT; i++) {
		if (!(set & RIGHT_BIT(i)))
			continue;
		int p = first_missing(set, i);
		if (p != RIGHT_none) {
			*right = i;
			*missing = p;
			return E_INVALID;
		}
	}
	return 0;
}

int rights_apply(uint64_t old, uint64_t wanted, uint64_t *result, uint64_t *removed_dependents, int *right,
		 int *missing)
{
	uint64_t set = wanted & rights_all(), gone = 0;
	/* a new grant must bring its prerequisites along: say which one it lacks */
	for (int i = 0; i < RIGHT_COUNT; i++) {
		int p;
		if ((set & RIGHT_BIT(i)) && !(old & RIGHT_BIT(i)) && (p = first_missing(set, i)) != RIGHT_none) {
			*right = i;
			*missing = p;
			return E_INVALID;
		}
	}
	/* rights kept from before lose their footing when a prerequisite goes:
	 * drop them until the set is whole again */
	for (int changed = 1; changed;) {
		changed = 0;
		for (int i = 0; i < RIGHT_COUNT; i++) {
			if (!(set & RIGHT_BIT(i)))
				continue;
			int p = first_missing(set, i);
			if (p == RIGHT_none)
				continue;
			if (!(old & RIGHT_BIT(i))) { /* new, and its prerequisite fell with another */
				*right = i;
				*missing = p;
				return E_INVALID;
			}
			set &= ~RIGHT_BIT(i);
			gone |= RIGHT_BIT(i);
			changed = 1;
		}
	}
	*result = set;
	*removed_dependents = gone;
	return 0;
}

int rights_from_names(const char *const *names, size_t n, uint64_t *out, const char **unknown)
{
	uint64_t set = 0;
	for (size_t i = 0; i < n; i++) {
		int id = rights_lookup(names[i]);
		if (id < 0) {
			*unknown = names[i];
			return E_INVALID;
		}
		set |= RIGHT_BIT(id);
	}
	*out = set;
	return 0;
}

uint64_t rights_effective_set(uint64_t held, uint64_t enabled)
{
	uint64_t set = held & enabled & rights_all();
	for (int changed = 1; changed;) {
		changed = 0;
		for (int i = 0; i < RIGHT_COUNT; i++)
			if ((set & RIGHT_BIT(i)) && first_missing(set, i) != RIGHT_none) {
				set &= ~RIGHT_BIT(i);
				changed = 1;
			}
	}
	return set;
}

enum right_status rights_explain(uint64_t held, uint64_t enabled, int id, int *prereq)
{
	*prereq = RIGHT_none;
	if (!(held & RIGHT_BIT(id)))
		return RIGHT_MISSING_FROM_MANAGER;
	if (!(enabled & RIGHT_BIT(id)))
		return RIGHT_NOT_ENABLED_BY_TEAM;
	uint64_t eff = rights_effective_set(held, enabled);
	if (eff & RIGHT_BIT(id))
		return RIGHT_GRANTED;
	*prereq = first_missing(eff, id);
	return RIGHT_MISSING_PREREQUISITE;
}

const char *rights_status_name(enum right_status s)
{
	switch (s) {
	case RIGHT_GRANTED:
		return "granted";
	case RIGHT_MISSING_FROM_MANAGER:
		return "missing_from_manager";
	case RIGHT_NOT_ENABLED_BY_TEAM:
		return "not_enabled_by_team";
	case RIGHT_MISSING_PREREQUISITE:
		return "missing_prerequisite";
	}
	return "unknown";
}

int rights_role_holds_rights(const char *role)
{
	return !strcmp(role, "manager") || !strcmp(role, "api_manager");
}
