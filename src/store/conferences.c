/* conferences and conference_admins tables (migration 028). Administrators
 * count only while their role may hold the office (not guest or customer):
 * a role changed after the appointment takes the office away at once. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define CNF_COLS                                                                                         \
	"c.account_id, c.id, c.name, c.description, c.starts_on, c.ends_on, c.time_zone, c.calendar_id," \
	" c.created_at, c.updated_at,"                                                                   \
	" (SELECT COUNT(*) FROM conference_admins a JOIN users u ON u.account_id = a.account_id"         \
	" AND u.id = a.user_id WHERE a.account_id = c.account_id AND a.conference_id = c.id"             \
	" AND " HOLDS_OFFICE ")"

/* the roles that may be conference administrators (calendar_owner_role's) */
#define HOLDS_OFFICE "u.role NOT IN ('guest', 'customer')"

static void row_conference(struct db_rows *r, struct conference *c)
{
	snprintf(c->account_id, sizeof c->account_id, "%s", db_text(r, 0));
	snprintf(c->id, sizeof c->id, "%s", db_text(r, 1));
	snprintf(c->name, sizeof c->name, "%s", db_text(r, 2));
	snprintf(c->description, sizeof c->description, "%s", db_text(r, 3));
	snprintf(c->starts_on, sizeof c->starts_on, "%s", db_text(r, 4));
	snprintf(c->ends_on, sizeof c->ends_on, "%s", db_text(r, 5));
	snprintf(c->time_zone, sizeof c->time_zone, "%s", db_text(r, 6));
	snprintf(c->calendar_id, sizeof c->calendar_id, "%s", db_text(r, 7));
	c->created_at = db_int(r, 8);
	c->updated_at = db_int(r, 9);
	c->admins_count = (int)db_int(r, 10);
}

int store_conference_insert(struct db *db, const struct conference *c)
{
	int rc = db_exec(db,
			 "INSERT INTO conferences (account_id, id, name, description, starts_on, ends_on, time_zone,"
			 " calendar_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 "ssssssssii", c->account_id, c->id, c->name, c->description, c->starts_on, c->ends_on,
			 c->time_zone, c->calendar_id, c->created_at, c->updated_at);
	return rc < 0 ? rc : 0;
}

static int get_one(struct db *db, struct conference *out, const char *sql, const char *a, const char *b)
{
	struct db_rows *r;
	int rc = db_query(db, &r, sql, "ss", a, b);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		row_conference(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_conference_get(struct db *db, const char *account_id, const char *id, struct conference *out)
{
	return get_one(db, out, "SELECT " CNF_COLS " FROM conferences c WHERE c.account_id = ? AND c.id = ?",
		       account_id, id);
}

int store_conference_of_calendar(struct db *db, const char *account_id, const char *calendar_id, struct conference *out)
{
	return get_one(db, out,
		       "SELECT " CNF_COLS " FROM conferences c WHERE c.account_id = ? AND c.id ="
		       " (SELECT k.conference_id FROM calendars k WHERE k.account_id = c.account_id AND k.id = ?)",
		       account_id, calendar_id);
}

int store_conference_update(struct db *db, const struct conference *c)
{
	int rc = db_exec(db,
			 "UPDATE conferences SET name = ?, description = ?, starts_on = ?, ends_on = ?, time_zone = ?,"
			 " updated_at = ? WHERE account_id = ? AND id = ?",
			 "sssssiss", c->name, c->description, c->starts_on, c->ends_on, c->time_zone, c->updated_at,
			 c->account_id, c->id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_conference_delete(struct db *db, const char *account_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM conferences WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_conference_list(struct db *db, const char *account_id, const char *admin_of, const char *after_starts_on,
			  const char *after_id, struct conference *out, int max, int *n)
{
	struct db_rows *r;
	const char *admin = admin_of ? admin_of : "";
	const char *after_s = after_starts_on ? after_starts_on : "";
	const char *after_i = after_id ? after_id : "";
	/* (starts_on, id) > cursor, written out: row values are not in every SQLite */
	int rc = db_query(db, &r,
			  "SELECT " CNF_COLS " FROM conferences c WHERE c.account_id = ?"
			  " AND (c.starts_on > ? OR (c.starts_on = ? AND c.id > ?))"
			  " AND (? = '' OR EXISTS (SELECT 1 FROM conference_admins a JOIN users u"
			  "      ON u.account_id = a.account_id AND u.id = a.user_id WHERE a.account_id = c.account_id"
			  "      AND a.conference_id = c.id AND a.user_id = ? AND " HOLDS_OFFICE "))"
			  " ORDER BY c.starts_on, c.id LIMIT ?",
			  "ssssssd", account_id, after_s, after_s, after_i, admin, admin, max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_conference(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_conference_admin_add(struct db *db, const char *account_id, const char *conference_id, const char *user_id,
			       int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO conference_admins (account_id, conference_id, user_id, added_at)"
			 " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			 "sssi", account_id, conference_id, user_id, now);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_CONFLICT;
}

int store_conference_admin_remove(struct db *db, const char *account_id, const char *conference_id, const char *user_id)
{
	int rc = db_exec(db, "DELETE FROM conference_admins WHERE account_id = ? AND conference_id = ? AND user_id = ?",
			 "sss", account_id, conference_id, user_id);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

#define ADMIN_SELECT                                                                                 \
	"SELECT u.id, u.email, u.display_name, u.role, coalesce(u.language, ''), a.added_at"         \
	" FROM conference_admins a JOIN users u ON u.account_id = a.account_id AND u.id = a.user_id" \
	" WHERE a.account_id = ? AND a.conference_id = ? AND " HOLDS_OFFICE

static void row_admin(struct db_rows *r, struct conference_admin *a)
{
	snprintf(a->user_id, sizeof a->user_id, "%s", db_text(r, 0));
	snprintf(a->email, sizeof a->email, "%s", db_text(r, 1));
	snprintf(a->display_name, sizeof a->display_name, "%s", db_text(r, 2));
	snprintf(a->role, sizeof a->role, "%s", db_text(r, 3));
	snprintf(a->language, sizeof a->language, "%s", db_text(r, 4));
	a->added_at = db_int(r, 5);
}

int store_conference_admin_list(struct db *db, const char *account_id, const char *conference_id,
				struct conference_admin *out, int max, int *n)
{
	struct db_rows *r;
	int rc =
		db_query(db, &r, ADMIN_SELECT " ORDER BY u.email, u.id LIMIT ?", "ssd", account_id, conference_id, max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_admin(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_conference_admin_get(struct db *db, const char *account_id, const char *conference_id, const char *user_id,
			       struct conference_admin *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, ADMIN_SELECT " AND a.user_id = ?", "sss", account_id, conference_id, user_id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		row_admin(r, out);
	db_rows_free(r);
	return rc == 1 ? 0 : rc == 0 ? E_NOTFOUND : rc;
}

int store_conference_admin_is(struct db *db, const char *account_id, const char *conference_id, const char *user_id)
{
	int64_t v = 0;
	int rc = db_query_int(db, &v,
			      "SELECT COUNT(*) FROM conference_admins a JOIN users u ON u.account_id = a.account_id"
			      " AND u.id = a.user_id WHERE a.account_id = ? AND a.conference_id = ? AND a.user_id = ?"
			      " AND " HOLDS_OFFICE,
			      "sss", account_id, conference_id, user_id);
	return rc ? rc : v > 0;
}

int store_conference_calendar_admin(struct db *db, const char *account_id, const char *calendar_id, const char *user_id)
{
	int64_t v = 0;
	int rc = db_query_int(db, &v,
			      "SELECT COUNT(*) FROM calendars k JOIN conference_admins a ON a.account_id = k.account_id"
			      " AND a.conference_id = k.conference_id JOIN users u ON u.account_id = a.account_id"
			      " AND u.id = a.user_id WHERE k.account_id = ? AND k.id = ? AND a.user_id = ?"
			      " AND " HOLDS_OFFICE,
			      "sss", account_id, calendar_id, user_id);
	return rc ? rc : v > 0;
}

struct counted {
	int (*cb)(void *ctx, const char *user_id, const char *email, const char *language);
	void *ctx;
	int n;
};

static int each_admin(struct db *db, const char *sql, const char *account_id, const char *conference_id,
		      struct counted *c)
{
	struct db_rows *r;
	int rc = conference_id ? db_query(db, &r, sql, "ss", account_id, conference_id)
			       : db_query(db, &r, sql, "s", account_id);
	if (rc)
		return rc;
	int stop = 0;
	while (!stop && (rc = db_next(r)) == 1) {
		c->n++;
		stop = c->cb(c->ctx, db_text(r, 0), db_text(r, 1), db_text(r, 2));
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_conference_admin_emails(struct db *db, const char *account_id, const char *conference_id,
				  int (*cb)(void *ctx, const char *user_id, const char *email, const char *language),
				  void *ctx)
{
	struct counted c = {cb, ctx, 0};
	int rc = each_admin(db,
			    "SELECT u.id, u.email, coalesce(u.language, '') FROM conference_admins a JOIN users u"
			    " ON u.account_id = a.account_id AND u.id = a.user_id WHERE a.account_id = ?"
			    " AND a.conference_id = ? AND u.status = 'active' AND " HOLDS_OFFICE " ORDER BY u.email",
			    account_id, conference_id, &c);
	if (rc || c.n)
		return rc;
	/* nobody administers it but the account's admins, who manage every conference */
	return each_admin(db,
			  "SELECT u.id, u.email, coalesce(u.language, '') FROM users u WHERE u.account_id = ?"
			  " AND u.role = 'admin' AND u.status = 'active' ORDER BY u.email",
			  account_id, NULL, &c);
}
