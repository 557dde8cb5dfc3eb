/* schedule_inbox table: a delivery replaces the message of the same UID, so
 * that an inbox holds what the organizer last said; a REPLY replaces the
 * one of its name (one per UID and attendee), so that an organizer keeps
 * each attendee's last answer. */
#include "store/schedule_inbox.h"

#include <string.h>

#include "core/errors.h"
#include "store/db.h"

#define COLS "account_id, user_id, name, uid, method, ical, etag, created_at"

int store_inbox_put(struct db *db, const struct inbox_item *it)
{
	int reply = !strcmp(it->method, "REPLY");
	int rc = reply ? db_exec(db, "DELETE FROM schedule_inbox WHERE account_id = ? AND user_id = ? AND name = ?",
				 "sss", it->account_id, it->user_id, it->name)
		       : db_exec(db,
				 "DELETE FROM schedule_inbox WHERE account_id = ? AND user_id = ? AND uid = ? "
				 "AND method <> 'REPLY'",
				 "sss", it->account_id, it->user_id, it->uid);
	if (rc >= 0)
		rc = db_exec(db, "INSERT INTO schedule_inbox (" COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "sssssssi",
			     it->account_id, it->user_id, it->name, it->uid, it->method, it->ical, it->etag,
			     it->created_at);
	return rc < 0 ? rc : 0;
}

static void row(struct db_rows *r, struct inbox_item *it)
{
	it->account_id = db_text(r, 0);
	it->user_id = db_text(r, 1);
	it->name = db_text(r, 2);
	it->uid = db_text(r, 3);
	it->method = db_text(r, 4);
	it->ical = db_text(r, 5);
	it->etag = db_text(r, 6);
	it->created_at = db_int(r, 7);
}

int store_inbox_list(struct db *db, const char *account_id, const char *user_id,
		     int (*cb)(void *ctx, const struct inbox_item *it), void *ctx)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " COLS " FROM schedule_inbox WHERE account_id = ? AND user_id = ?"
			  " ORDER BY created_at, name",
			  "ss", account_id, user_id);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1) {
		struct inbox_item it;
		row(r, &it);
		if ((rc = cb(ctx, &it)))
			break;
	}
	db_rows_free(r);
	return rc < 0 ? rc : rc == 1 ? 0 : rc;
}

int store_inbox_get(struct db *db, struct arena *a, const char *account_id, const char *user_id, const char *name,
		    struct inbox_item *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " COLS " FROM schedule_inbox WHERE account_id = ? AND user_id = ? AND name = ?",
			  "sss", account_id, user_id, name);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		struct inbox_item it;
		row(r, &it);
		*out = (struct inbox_item){arena_strdup(a, it.account_id), arena_strdup(a, it.user_id),
					   arena_strdup(a, it.name),       arena_strdup(a, it.uid),
					   arena_strdup(a, it.method),     arena_strdup(a, it.ical),
					   arena_strdup(a, it.etag),       it.created_at};
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_inbox_delete(struct db *db, const char *account_id, const char *user_id, const char *name)
{
	int rc = db_exec(db, "DELETE FROM schedule_inbox WHERE account_id = ? AND user_id = ? AND name = ?", "sss",
			 account_id, user_id, name);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}
