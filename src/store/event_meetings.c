/* conference_event_meetings (migration 031): the Zoom meeting of a schedule
 * event, one per event. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_event_meeting_get(struct db *db, const char *account_id, const char *event_id, struct event_meeting *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT account_id, conference_id, event_id, connection_id, zoom_user_id, meeting_id,"
			  " join_url, passcode, created_here, created_at FROM conference_event_meetings"
			  " WHERE account_id = ? AND event_id = ?",
			  "ss", account_id, event_id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		memset(out, 0, sizeof *out);
		snprintf(out->account_id, sizeof out->account_id, "%s", db_text(r, 0));
		snprintf(out->conference_id, sizeof out->conference_id, "%s", db_text(r, 1));
		snprintf(out->event_id, sizeof out->event_id, "%s", db_text(r, 2));
		snprintf(out->connection_id, sizeof out->connection_id, "%s", db_text(r, 3));
		snprintf(out->zoom_user_id, sizeof out->zoom_user_id, "%s", db_text(r, 4));
		out->meeting_id = db_int(r, 5);
		snprintf(out->join_url, sizeof out->join_url, "%s", db_text(r, 6));
		snprintf(out->passcode, sizeof out->passcode, "%s", db_text(r, 7));
		out->created_here = (int)db_int(r, 8);
		out->created_at = db_int(r, 9);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_event_meeting_insert(struct db *db, const struct event_meeting *m)
{
	int rc = db_exec(db,
			 "INSERT INTO conference_event_meetings (account_id, conference_id, event_id, connection_id,"
			 " zoom_user_id, meeting_id, join_url, passcode, created_here, created_at)"
			 " VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, NULLIF(?, ''), ?, ?)",
			 "sssssissii", m->account_id, m->conference_id, m->event_id, m->connection_id, m->zoom_user_id,
			 m->meeting_id, m->join_url, m->passcode, (int64_t)m->created_here, m->created_at);
	return rc < 0 ? rc : 0;
}

int store_event_meeting_delete(struct db *db, const char *account_id, const char *event_id)
{
	int rc = db_exec(db, "DELETE FROM conference_event_meetings WHERE account_id = ? AND event_id = ?", "ss",
			 account_id, event_id);
	return rc < 0 ? rc : rc == 0 ? E_NOTFOUND : 0;
}

int store_event_meeting_uses(struct db *db, const char *zoom_user_id, int64_t meeting_id, int64_t *n)
{
	return db_query_int(db, n,
			    "SELECT COUNT(*) FROM conference_event_meetings WHERE zoom_user_id = ? AND meeting_id = ?",
			    "si", zoom_user_id, meeting_id);
}
