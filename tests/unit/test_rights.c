/* Unit tests of the rights catalogue and its dependency rules (iam/rights.c):
 * lookup, prerequisites, dependents, validation, replacing a set, effective
 * rights; and the team tree operations they rely on (store/teams.c, SQLite). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/ids.h"
#include "iam/rights.h"
#include "store/store.h"
#include "fixture.h"

#define B(name) RIGHT_BIT(RIGHT_##name)

static void catalogue_has_every_right_once_with_groups(void **state)
{
	(void)state;
	assert_int_equal(RIGHT_COUNT, 26);
	int groups[RIGHT_GROUP_COUNT] = {0};
	for (int i = 0; i < RIGHT_COUNT; i++) {
		const struct right_info *ri = rights_info(i);
		assert_non_null(ri);
		assert_int_equal(rights_lookup(ri->name), i);
		assert_true(strlen(ri->name) < 64);
		assert_true(ri->label[0] != 0);
		groups[ri->group]++;
	}
	assert_int_equal(groups[RIGHT_GROUP_team_level], 16);
	assert_int_equal(groups[RIGHT_GROUP_representative_controls], 10);
	assert_null(rights_info(RIGHT_COUNT));
	assert_null(rights_info(-1));
	assert_int_equal(rights_lookup("no_such_right"), -1);
	assert_int_equal(rights_lookup(NULL), -1);
	assert_int_equal(rights_lookup(""), -1);
	assert_string_equal(rights_group_name(rights_info(RIGHT_reports)->group), "representative_controls");
	assert_string_equal(rights_group_label(RIGHT_GROUP_team_level), "Team-level rights");
	assert_int_equal(__builtin_popcountll(rights_all()), RIGHT_COUNT);
}

static void prerequisites_are_the_documented_ones_and_acyclic(void **state)
{
	(void)state;
	assert_int_equal(rights_prerequisites(RIGHT_reports), B(admin_center_access));
	assert_int_equal(rights_prerequisites(RIGHT_session_replay), B(admin_center_access));
	assert_int_equal(rights_prerequisites(RIGHT_export_session_replay), B(session_replay));
	assert_int_equal(rights_requires(RIGHT_export_session_replay), B(session_replay) | B(admin_center_access));
	/* the representative controls list session replay and its export too, with the same prerequisites */
	assert_int_equal(rights_prerequisites(RIGHT_rep_session_replay), B(admin_center_access));
	assert_int_equal(rights_prerequisites(RIGHT_rep_export_session_replay), B(rep_session_replay));
	assert_string_equal(rights_info(RIGHT_rep_session_replay)->label, rights_info(RIGHT_session_replay)->label);
	assert_string_equal(rights_info(RIGHT_rep_export_session_replay)->label,
			    rights_info(RIGHT_export_session_replay)->label);
	assert_int_equal(rights_info(RIGHT_rep_session_replay)->group, RIGHT_GROUP_representative_controls);
	assert_int_equal(rights_info(RIGHT_rep_export_session_replay)->group, RIGHT_GROUP_representative_controls);
	int with = 0;
	for (int i = 0; i < RIGHT_COUNT; i++) {
		/* no right needs itself, however far round */
		assert_false(rights_requires(i) & RIGHT_BIT(i));
		with += rights_prerequisites(i) != 0;
	}
	assert_int_equal(with, 5);
}

static void dependents_are_transitive(void **state)
{
	(void)state;
	assert_int_equal(rights_dependents(B(admin_center_access)),
			 B(reports) | B(session_replay) | B(export_session_replay) | B(rep_session_replay) |
				 B(rep_export_session_replay));
	assert_int_equal(rights_dependents(B(rep_session_replay)), B(rep_export_session_replay));
	assert_int_equal(rights_dependents(B(session_replay)), B(export_session_replay));
	assert_int_equal(rights_dependents(B(export_session_replay)), 0);
	assert_int_equal(rights_dependents(B(supervisor_view)), 0);
}

/* the remote-control rights convene does not do stay, marked as such; every other is used */
static void remote_control_rights_are_marked_not_used_yet(void **state)
{
	(void)state;
	uint64_t not_yet = 0;
	for (int i = 0; i < RIGHT_COUNT; i++)
		if (!rights_info(i)->used)
			not_yet |= RIGHT_BIT(i);
	assert_int_equal(not_yet, B(reboot_reconnect) | B(representative_screen_sharing) | B(customer_screen_sharing) |
					  B(multi_session) | B(download_preinstall_package));
}

static void validation_names_the_missing_prerequisite(void **state)
{
	(void)state;
	int right = -1, missing = -1;
	assert_int_equal(rights_validate(0, &right, &missing), 0);
	assert_int_equal(rights_validate(rights_all(), &right, &missing), 0);
	assert_int_equal(rights_validate(B(reports), &right, &missing), E_INVALID);
	assert_int_equal(right, RIGHT_reports);
	assert_int_equal(missing, RIGHT_admin_center_access);
	assert_int_equal(rights_validate(B(admin_center_access) | B(export_session_replay), &right, &missing),
			 E_INVALID);
	assert_int_equal(right, RIGHT_export_session_replay);
	assert_int_equal(missing, RIGHT_session_replay);
}

static void granting_without_prerequisite_is_refused(void **state)
{
	(void)state;
	uint64_t result = 0, dropped = 0;
	int right = -1, missing = -1;
	assert_int_equal(rights_apply(0, B(reports), &result, &dropped, &right, &missing), E_INVALID);
	assert_int_equal(right, RIGHT_reports);
	assert_int_equal(missing, RIGHT_admin_center_access);
	/* with it, fine */
	assert_int_equal(rights_apply(0, B(reports) | B(admin_center_access), &result, &dropped, &right, &missing), 0);
	assert_int_equal(result, B(reports) | B(admin_center_access));
	assert_int_equal(dropped, 0);
	/* a new grant whose prerequisite falls in the same change is refused too */
	uint64_t old = B(admin_center_access) | B(session_replay);
	assert_int_equal(
		rights_apply(old, B(session_replay) | B(export_session_replay), &result, &dropped, &right, &missing),
		E_INVALID);
	assert_int_equal(right, RIGHT_export_session_replay);
	assert_int_equal(missing, RIGHT_session_replay);
	/* unknown bits are ignored */
	assert_int_equal(rights_apply(0, ~rights_all(), &result, &dropped, &right, &missing), 0);
	assert_int_equal(result, 0);
}

static void removing_a_prerequisite_removes_its_dependents(void **state)
{
	(void)state;
	uint64_t old =
		B(admin_center_access) | B(session_replay) | B(export_session_replay) | B(reports) | B(supervisor_view);
	uint64_t wanted = old & ~B(admin_center_access);
	uint64_t result = 0, dropped = 0;
	int right = -1, missing = -1;
	assert_int_equal(rights_apply(old, wanted, &result, &dropped, &right, &missing), 0);
	assert_int_equal(result, B(supervisor_view));
	assert_int_equal(dropped, B(session_replay) | B(export_session_replay) | B(reports));
	/* removing only the middle of the chain keeps what is above it */
	assert_int_equal(rights_apply(old, old & ~B(session_replay), &result, &dropped, &right, &missing), 0);
	assert_int_equal(dropped, B(export_session_replay));
	assert_int_equal(result, B(admin_center_access) | B(reports) | B(supervisor_view));
	/* a dependent the caller dropped too is not reported as removed by the rule */
	assert_int_equal(rights_apply(old, B(supervisor_view), &result, &dropped, &right, &missing), 0);
	assert_int_equal(dropped, 0);
	assert_int_equal(result, B(supervisor_view));
}

static void from_names_refuses_unknown(void **state)
{
	(void)state;
	const char *good[] = {"reports", "admin_center_access", "reports"};
	const char *bad[] = {"reports", "Reports"};
	const char *unknown = NULL;
	uint64_t set = 0;
	assert_int_equal(rights_from_names(good, 3, &set, &unknown), 0);
	assert_int_equal(set, B(reports) | B(admin_center_access));
	assert_int_equal(rights_from_names(bad, 2, &set, &unknown), E_INVALID);
	assert_string_equal(unknown, "Reports");
	assert_int_equal(rights_from_names(NULL, 0, &set, &unknown), 0);
	assert_int_equal(set, 0);
}

static void effective_is_intersection_with_prerequisites(void **state)
{
	(void)state;
	uint64_t held = B(admin_center_access) | B(reports) | B(session_replay) | B(add_remove_subteams);
	uint64_t enabled = B(reports) | B(session_replay) | B(add_remove_subteams) | B(supervisor_view);
	/* admin_center_access is not enabled by the team, so reports and session replay are not effective */
	assert_int_equal(rights_effective_set(held, enabled), B(add_remove_subteams));
	int pre = 0;
	assert_int_equal(rights_explain(held, enabled, RIGHT_add_remove_subteams, &pre), RIGHT_GRANTED);
	assert_int_equal(pre, RIGHT_none);
	assert_int_equal(rights_explain(held, enabled, RIGHT_supervisor_view, &pre), RIGHT_MISSING_FROM_MANAGER);
	assert_int_equal(rights_explain(held, enabled, RIGHT_admin_center_access, &pre), RIGHT_NOT_ENABLED_BY_TEAM);
	assert_int_equal(rights_explain(held, enabled, RIGHT_reports, &pre), RIGHT_MISSING_PREREQUISITE);
	assert_int_equal(pre, RIGHT_admin_center_access);
	/* transitively: export needs session replay, which is itself not effective */
	held |= B(export_session_replay);
	enabled |= B(export_session_replay);
	assert_int_equal(rights_explain(held, enabled, RIGHT_export_session_replay, &pre), RIGHT_MISSING_PREREQUISITE);
	assert_int_equal(pre, RIGHT_session_replay);
	enabled |= B(admin_center_access);
	assert_int_equal(rights_explain(held, enabled, RIGHT_export_session_replay, &pre), RIGHT_GRANTED);
	assert_string_equal(rights_status_name(RIGHT_MISSING_PREREQUISITE), "missing_prerequisite");
	assert_string_equal(rights_status_name(RIGHT_NOT_ENABLED_BY_TEAM), "not_enabled_by_team");
}

/* ---------------------------------------------------------------- the tree, on SQLite */
static char account_id[ID_MAX], manager_id[ID_MAX];

static void make_team(struct db *db, const char *parent, const char *name, char id[ID_MAX])
{
	struct team t = {0};
	snprintf(t.account_id, sizeof t.account_id, "%s", account_id);
	ids_new("team", t.id);
	snprintf(t.parent_id, sizeof t.parent_id, "%s", parent ? parent : "");
	snprintf(t.name, sizeof t.name, "%s", name);
	t.created_at = clock_now();
	assert_int_equal(store_team_insert(db, &t), 0);
	memcpy(id, t.id, ID_MAX);
}

static int setup_db(void **state)
{
	struct user u;
	if (fixture_setup(state) || fixture_user(&fx, "manager@unit.test", "manager", &u))
		return -1;
	memcpy(account_id, fx.account_id, sizeof account_id);
	memcpy(manager_id, u.id, sizeof u.id);
	return 0;
}

static void tree_paths_names_and_managed_sub_teams(void **state)
{
	(void)state;
	struct db *db = store_db();
	char top[ID_MAX], mid[ID_MAX], leaf[ID_MAX], other[ID_MAX], path[8][ID_MAX];
	int n = 0, h = -1;
	make_team(db, NULL, "Support", top);
	make_team(db, top, "Level 2", mid);
	make_team(db, mid, "Night", leaf);
	make_team(db, NULL, "Sales", other);
	/* the same name among siblings is a conflict, elsewhere in the tree it is not */
	struct team dup = {0};
	snprintf(dup.account_id, sizeof dup.account_id, "%s", account_id);
	ids_new("team", dup.id);
	snprintf(dup.parent_id, sizeof dup.parent_id, "%s", top);
	snprintf(dup.name, sizeof dup.name, "LEVEL 2");
	assert_int_equal(store_team_insert(db, &dup), E_CONFLICT);
	dup.parent_id[0] = 0;
	snprintf(dup.name, sizeof dup.name, "support");
	assert_int_equal(store_team_insert(db, &dup), E_CONFLICT);
	snprintf(dup.name, sizeof dup.name, "Night");
	assert_int_equal(store_team_insert(db, &dup), 0);

	assert_int_equal(store_team_path(db, account_id, leaf, path, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(path[0], leaf);
	assert_string_equal(path[2], top);
	assert_int_equal(store_team_height(db, account_id, top, &h), 0);
	assert_int_equal(h, 2);
	assert_int_equal(store_team_height(db, account_id, leaf, &h), 0);
	assert_int_equal(h, 0);
	struct team t;
	assert_int_equal(store_team_get(db, account_id, top, &t), 0);
	assert_int_equal(t.child_count, 1);

	/* assigned to the middle team: manages it and the leaf, not the top nor Sales */
	const char *assign[] = {mid};
	assert_int_equal(store_ids_set(db, IDS_MANAGER_TEAMS, account_id, manager_id, assign, 1), 0);
	int yes = 0;
	char via[ID_MAX];
	assert_int_equal(rights_manages(db, account_id, manager_id, leaf, &yes, via), 0);
	assert_true(yes);
	assert_string_equal(via, mid);
	assert_int_equal(rights_manages(db, account_id, manager_id, top, &yes, via), 0);
	assert_false(yes);
	struct team managed[8];
	assert_int_equal(store_team_managed_list(db, account_id, manager_id, managed, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_true(managed[0].direct != managed[1].direct);

	/* effective in the leaf: held ∩ what the leaf enables */
	const char *held[] = {"add_remove_subteams", "add_remove_representatives"};
	const char *enabled[] = {"add_remove_representatives"};
	assert_int_equal(store_manager_rights_set(db, account_id, manager_id, held, 2), 0);
	assert_int_equal(store_team_rights_set(db, account_id, leaf, enabled, 1), 0);
	assert_int_equal(rights_effective(db, account_id, manager_id, leaf, "add_remove_representatives"), 1);
	assert_int_equal(rights_effective(db, account_id, manager_id, leaf, "add_remove_subteams"), 0);
	assert_int_equal(rights_effective(db, account_id, manager_id, other, "add_remove_representatives"), 0);
	assert_int_equal(rights_effective(db, account_id, manager_id, leaf, "no_such_right"), 0);
	/* deleting a team takes its rights and assignments with it */
	assert_int_equal(store_team_delete(db, account_id, leaf), 0);
	assert_int_equal(store_team_rights(db, account_id, leaf, NULL, 0, &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	/* one group, so that the runner's "[  PASSED  ] N test(s)" line counts them all */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue_has_every_right_once_with_groups),
		cmocka_unit_test(prerequisites_are_the_documented_ones_and_acyclic),
		cmocka_unit_test(dependents_are_transitive),
		cmocka_unit_test(remote_control_rights_are_marked_not_used_yet),
		cmocka_unit_test(validation_names_the_missing_prerequisite),
		cmocka_unit_test(granting_without_prerequisite_is_refused),
		cmocka_unit_test(removing_a_prerequisite_removes_its_dependents),
		cmocka_unit_test(from_names_refuses_unknown),
		cmocka_unit_test(effective_is_intersection_with_prerequisites),
		cmocka_unit_test_setup_teardown(tree_paths_names_and_managed_sub_teams, setup_db, fixture_teardown),
	};
	ids_init();
	return cmocka_run_group_tests_name("rights", tests, NULL, NULL);
}
