/* Unit tests of migrations that rebuild a table on SQLite (store/migrate.c):
 * a database at version 27 with calendars, events, shares and a tombstone
 * keeps every row through migration 028's rebuild of calendars (with foreign
 * keys on, DROP TABLE would have cascaded them away), foreign keys are on
 * again afterwards on both of the connection's sides, and the new CHECK
 * admits exactly one owner kind. */
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

/* rows as convene 027 wrote them */
static void rows_of_027(void)
{
	static const char *const sql[] = {
		"INSERT INTO accounts (id, name, created_at) VALUES ('acc_1', 'One', 0)",
		"INSERT INTO users (account_id, id, email, display_name, role, created_at, updated_at)"
		" VALUES ('acc_1', 'usr_1', 'a@x.test', 'A', 'member', 0, 0),"
		" ('acc_1', 'usr_2', 'b@x.test', 'B', 'member', 0, 0)",
		"INSERT INTO calendars (account_id, id, owner_id, room_id, name, colour, time_zone, is_default,"
		" version, created_at, updated_at) VALUES ('acc_1', 'cal_1', 'usr_1', NULL, 'Mine', '#000000',"
		" 'UTC', 1, 7, 0, 0), ('acc_1', 'cal_2', NULL, 'rom_1', 'Room', '#000000', 'Europe/Paris', 0,"
		" 3, 0, 0)",
		"INSERT INTO events (account_id, id, calendar_id, uid, ical, ical_busy, start_at, end_at,"
		" range_end, etag, modseq, created_at, updated_at) VALUES ('acc_1', 'evt_1', 'cal_1', 'u1',"
		" 'BEGIN:VEVENT', 'BEGIN:VEVENT', 10, 20, 20, 'e1', 7, 0, 0)",
		"INSERT INTO event_tombstones (account_id, calendar_id, uid, event_id, modseq, deleted_at, href)"
		" VALUES ('acc_1', 'cal_1', 'u0', 'evt_0', 6, 0, 'u0.ics')",
		"INSERT INTO shares (account_id, id, calendar_id, grantee_kind, user_id, role, created_at,"
		" updated_at) VALUES ('acc_1', 'shr_1', 'cal_1', 'user', 'usr_2', 'viewer', 0, 0)",
		NULL,
	};
	oldschema_exec_all(sql);
}

static void the_calendars_rebuild_keeps_every_row(void **state)
{
	(void)state;
	oldschema_migrate_to(27);
	rows_of_027();
	int applied = 0;
	char err[512] = "";
	assert_int_equal(store_migrate(old.db, &applied, err, sizeof err), 0);
	assert_true(applied >= 1);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM calendars"), 2);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM events"), 1);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM event_tombstones"), 1);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM shares"), 1);
	assert_int_equal(oldschema_count("SELECT version FROM calendars WHERE id = 'cal_1'"), 7);
	assert_int_equal(
		oldschema_count("SELECT COUNT(*) FROM calendars WHERE id = 'cal_2' AND room_id = 'rom_1'"
				" AND owner_id IS NULL AND conference_id IS NULL AND time_zone = 'Europe/Paris'"),
		1);
	/* the indexes of 005 and the new one are there */
	assert_int_equal(
		oldschema_count("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'calendars'"
				" AND name IN ('calendars_owner', 'calendars_room', 'calendars_conference')"),
		3);
}

static void foreign_keys_are_on_again(void **state)
{
	(void)state;
	assert_int_equal(oldschema_count("PRAGMA foreign_keys"), 1);
	/* and in a write transaction (the connection's other side): a cascade */
	assert_int_equal(db_begin(old.db, 1), 0);
	assert_int_equal(oldschema_count("PRAGMA foreign_keys"), 1);
	assert_int_equal(db_exec(old.db, "DELETE FROM calendars WHERE id = 'cal_1'", ""), 1);
	assert_int_equal(db_commit(old.db), 0);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM events"), 0);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM shares"), 0);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM event_tombstones"), 0);
}

static void a_calendar_has_exactly_one_owner(void **state)
{
	(void)state;
	assert_true(db_exec(old.db,
			    "INSERT INTO conferences (account_id, id, name, starts_on, ends_on, time_zone,"
			    " calendar_id, created_at, updated_at) VALUES ('acc_1', 'cnf_1', 'Conf',"
			    " '2030-01-01', '2030-01-02', 'UTC', 'cal_3', 0, 0)",
			    "") == 1);
	static const char *const owners[][3] = {
		{NULL, NULL, NULL}, {"usr_1", NULL, "cnf_1"}, {NULL, "rom_1", "cnf_1"}, {"usr_1", "rom_1", NULL}};
	for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++)
		assert_true(db_exec(old.db,
				    "INSERT INTO calendars (account_id, id, owner_id, room_id, conference_id, name,"
				    " colour, time_zone, created_at, updated_at) VALUES ('acc_1', 'cal_x', ?, ?, ?,"
				    " 'X', '#000000', 'UTC', 0, 0)",
				    "sss", owners[i][0], owners[i][1], owners[i][2]) < 0);
	assert_int_equal(db_exec(old.db,
				 "INSERT INTO calendars (account_id, id, conference_id, name, colour, time_zone,"
				 " created_at, updated_at) VALUES ('acc_1', 'cal_3', 'cnf_1', 'Conf', '#000000', 'UTC',"
				 " 0, 0)",
				 ""),
			 1);
	/* one schedule per conference */
	assert_true(
		db_exec(old.db,
			"INSERT INTO calendars (account_id, id, conference_id, name, colour, time_zone,"
			" created_at, updated_at) VALUES ('acc_1', 'cal_4', 'cnf_1', 'Two', '#000000', 'UTC', 0, 0)",
			"") < 0);
	/* the conference takes its schedule with it */
	assert_int_equal(db_exec(old.db, "DELETE FROM conferences WHERE id = 'cnf_1'", ""), 1);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM calendars WHERE id = 'cal_3'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_calendars_rebuild_keeps_every_row),
		cmocka_unit_test(foreign_keys_are_on_again),
		cmocka_unit_test(a_calendar_has_exactly_one_owner),
	};
	return cmocka_run_group_tests(tests, oldschema_setup, oldschema_teardown);
}
