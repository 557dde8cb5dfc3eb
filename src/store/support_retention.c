/* SQL of session recording and erasing (see store/support_retention.h).
 * Erasing is one conditional UPDATE of erased_at first: when two nodes'
 * workers race for a session, the one whose UPDATE changed no row stops. */
#include "store/support_retention.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"

int store_support_record_get(struct db *db, const char *account_id, const char *session_id, struct support_record *out)
{
	struct db_rows *r;
	memset(out, 0, sizeof *out);
	int rc = db_query(db, &r,
			  "SELECT recorded, COALESCE(keep_until, 0), COALESCE(erased_at, 0), COALESCE(answered_at, 0),"
			  " question FROM support_sessions WHERE account_id = ? AND id = ?",
			  "ss", account_id, session_id);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		out->recorded = db_int(r, 0) != 0;
		out->keep_until = db_int(r, 1);
		out->erased_at = db_int(r, 2);
		out->answered_at = db_int(r, 3);
		const char *q = db_text(r, 4);
		snprintf(out->question, sizeof out->question, "%s", q ? q : "");
	}
	db_rows_free(r);
	return rc < 0 ? rc : rc == 0 ? E_NOTFOUND : 0;
}

int store_support_session_set_recorded(struct db *db, const char *account_id, const char *session_id, int recorded)
{
	int rc = db_exec(db, "UPDATE support_sessions SET recorded = ? WHERE account_id = ? AND id = ?", "dss",
			 recorded ? 1 : 0, account_id, session_id);
	return rc < 0 ? rc : 0;
}

int store_support_session_keep_until(struct db *db, const char *account_id, const char *session_id, int64_t keep_until)
{
	int rc = db_exec(db, "UPDATE support_sessions SET keep_until = ? WHERE account_id = ? AND id = ?", "iss",
			 keep_until, account_id, session_id);
	return rc < 0 ? rc : 0;
}

int store_support_session_erase(struct db *db, const char *account_id, const char *session_id, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE support_sessions SET erased_at = ?, question = NULL WHERE account_id = ? AND id = ?"
			 " AND erased_at IS NULL",
			 "iss", now, account_id, session_id);
	if (rc <= 0)
		return rc;
	/* state changes (kind 'event') are figures: they stay */
	if ((rc = db_exec(db,
			  "UPDATE support_messages SET body = NULL WHERE account_id = ? AND session_id = ?"
			  " AND kind <> 'event'",
			  "ss", account_id, session_id)) < 0 ||
	    (rc = db_exec(db, "UPDATE support_files SET data = NULL WHERE account_id = ? AND session_id = ?", "ss",
			  account_id, session_id)) < 0)
		return rc;
	return 1;
}

int store_support_erase_due(struct db *db, int64_t now, char (*accounts)[ID_MAX], char (*ids)[ID_MAX], int max, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT account_id, id FROM support_sessions WHERE state = 'closed' AND erased_at IS NULL"
			  " AND (recorded = 0 OR keep_until < ?) ORDER BY closed_at LIMIT ?",
			  "id", now, max);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1 && *n < max) {
		snprintf(accounts[*n], ID_MAX, "%s", db_text(r, 0));
		snprintf(ids[*n], ID_MAX, "%s", db_text(r, 1));
		(*n)++;
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}
