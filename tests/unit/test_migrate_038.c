/* Unit test of migration 038 on SQLite: every company that existed before
 * gets its portal (title its name, a valid slug from its id, no parent), so
 * that no company is left without one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "oldschema.h"

#include "core/errors.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/store.h"
#include "support/portal_slug.h"

static void every_company_gets_its_portal(void **state)
{
	(void)state;
	oldschema_migrate_to(37);
	static const char *const sql[] = {
		"INSERT INTO accounts (id, name, created_at) VALUES ('acc_1', 'One', 0), ('acc_2', 'Two', 0)",
		"INSERT INTO companies (account_id, id, name, is_default, created_at) VALUES"
		" ('acc_1', 'cmp_abc123def456', 'Acme', 1, 5), ('acc_1', 'cmp_zzz999', 'Zeta', 0, 6),"
		" ('acc_2', 'cmp_qqq111', 'Other', 1, 7)",
		NULL,
	};
	oldschema_exec_all(sql);
	int applied = 0;
	char err[512] = "";
	assert_int_equal(store_migrate(old.db, &applied, err, sizeof err), 0);
	assert_true(applied >= 1);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM portals WHERE parent_id IS NULL"), 3);
	assert_int_equal(
		oldschema_count("SELECT COUNT(*) FROM portals p JOIN companies c ON c.account_id = p.account_id"
				" AND c.id = p.company_id AND c.name = p.title AND c.created_at = p.created_at"),
		3);
	struct portal p = {0};
	int renamed = 1;
	assert_int_equal(store_portal_by_slug(old.db, "abc123def456", &p, &renamed), 0);
	assert_int_equal(renamed, 0);
	assert_string_equal(p.company_id, "cmp_abc123def456");
	assert_string_equal(p.offline_policy, "offline_form");
	assert_true(portal_slug_valid(p.slug));
	store_portal_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_company_gets_its_portal),
	};
	return cmocka_run_group_tests(tests, oldschema_setup, oldschema_teardown);
}
