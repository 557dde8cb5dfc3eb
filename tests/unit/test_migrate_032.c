/* Unit test of migration 032 on SQLite: the Zoom meeting writes queued
 * before it take their conference from their event's link, else from the
 * schedule their event is in; a write whose event and link are both gone
 * stays without one (and is listed nowhere, as before). */
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

static void jobs_take_their_conference(void **state)
{
	(void)state;
	oldschema_migrate_to(31);
	static const char *const sql[] = {
		"INSERT INTO accounts (id, name, created_at) VALUES ('acc_1', 'One', 0)",
		"INSERT INTO conferences (account_id, id, name, starts_on, ends_on, time_zone, calendar_id,"
		" created_at, updated_at) VALUES ('acc_1', 'cnf_1', 'Conf', '2030-01-01', '2030-01-02', 'UTC',"
		" 'cal_1', 0, 0)",
		"INSERT INTO calendars (account_id, id, conference_id, name, colour, time_zone, created_at,"
		" updated_at) VALUES ('acc_1', 'cal_1', 'cnf_1', 'Conf', '#000000', 'UTC', 0, 0)",
		"INSERT INTO events (account_id, id, calendar_id, uid, ical, ical_busy, start_at, end_at,"
		" range_end, etag, modseq, created_at, updated_at) VALUES"
		" ('acc_1', 'evt_1', 'cal_1', 'u1', 'BEGIN:VEVENT', 'BEGIN:VEVENT', 10, 20, 20, 'e1', 1, 0, 0),"
		" ('acc_1', 'evt_2', 'cal_1', 'u2', 'BEGIN:VEVENT', 'BEGIN:VEVENT', 10, 20, 20, 'e2', 2, 0, 0)",
		"INSERT INTO conference_event_meetings (account_id, conference_id, event_id, zoom_user_id,"
		" meeting_id, join_url, created_here, created_at) VALUES ('acc_1', 'cnf_1', 'evt_1', 'zu', 1,"
		" 'https://zoom.example/j/1', 1, 0)",
		/* evt_1 linked; evt_2 in the schedule, its link gone; evt_3 gone altogether */
		"INSERT INTO zoom_meeting_jobs (zoom_user_id, meeting_id, account_id, event_id, action, body,"
		" status, attempts, next_at, created_at, updated_at) VALUES"
		" ('zu', 1, 'acc_1', 'evt_1', 'update', '{}', 'failed', 10, 0, 0, 0),"
		" ('zu', 2, 'acc_1', 'evt_2', 'update', '{}', 'pending', 0, 0, 0, 0),"
		" ('zu', 3, 'acc_1', 'evt_3', 'delete', NULL, 'failed', 10, 0, 0, 0)",
		NULL,
	};
	oldschema_exec_all(sql);
	int applied = 0;
	char err[512] = "";
	assert_int_equal(store_migrate(old.db, &applied, err, sizeof err), 0);
	assert_true(applied >= 1);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM zoom_meeting_jobs WHERE conference_id = 'cnf_1'"
					 " AND meeting_id IN (1, 2)"),
			 2);
	assert_int_equal(
		oldschema_count(
			"SELECT COUNT(*) FROM zoom_meeting_jobs WHERE meeting_id = 3 AND conference_id IS NULL"),
		1);
	assert_int_equal(oldschema_count("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index'"
					 " AND name = 'zoom_meeting_jobs_conference'"),
			 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jobs_take_their_conference),
	};
	return cmocka_run_group_tests(tests, oldschema_setup, oldschema_teardown);
}
