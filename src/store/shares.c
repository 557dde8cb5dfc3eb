/* shares and public_feeds tables. Share roles are compared by rank in SQL so
 * that a user's role on a calendar is one query whatever the number of teams
 * and companies they belong to. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define RANK_SQL                                                                       \
	"CASE s.role WHEN 'freebusy' THEN 1 WHEN 'viewer' THEN 2 WHEN 'editor' THEN 3" \
	" WHEN 'manager' THEN 4 ELSE 0 END"

/* shares reaching the user: to them, to one of their teams, to one of their companies */
#define REACHES_USER                                                                    \
	"(s.user_id = ? OR s.team_id IN (SELECT team_id FROM team_members m"            \
	" WHERE m.account_id = s.account_id AND m.user_id = ?) OR s.company_id IN"      \
	" (SELECT company_id FROM user_companies uc WHERE uc.account_id = s.account_id" \
	" AND uc.user_id = ?))"

#define SHARE_COLS                                                                           \
	"s.account_id, s.id, s.calendar_id, s.grantee_kind,"                                 \
	" coalesce(s.user_id, s.team_id, s.company_id), s.role, coalesce(s.created_by, '')," \
	" s.created_at, s.updated_at, coalesce(u.display_name, t.name, c.name, ''),"         \
	" coalesce(u.email, ''), CASE WHEN u.id IS NOT NULL AND u.role = 'guest'"            \
	" AND u.password_hash IS NULL THEN 1 ELSE 0 END"

#define SHARE_FROM                                                                             \
	" FROM shares s LEFT JOIN users u ON u.account_id = s.account_id AND u.id = s.user_id" \
	" LEFT JOIN teams t ON t.account_id = s.account_id AND t.id = s.team_id"               \
	" LEFT JOIN companies c ON c.account_id = s.account_id AND c.id = s.company_id"

static void row_share(struct db_rows *r, struct share *s)
{
	snprintf(s->account_id, sizeof s->account_id, "%s", db_text(r, 0));
	snprintf(s->id, sizeof s->id, "%s", db_text(r, 1));
	snprintf(s->calendar_id, sizeof s->calendar_id, "%s", db_text(r, 2));
	snprintf(s->kind, sizeof s->kind, "%s", db_text(r, 3));
	snprintf(s->grantee_id, sizeof s->grantee_id, "%s", db_text(r, 4));
	snprintf(s->role, sizeof s->role, "%s", db_text(r, 5));
	snprintf(s->created_by, sizeof s->created_by, "%s", db_text(r, 6));
	s->created_at = db_int(r, 7);
	s->updated_at = db_int(r, 8);
	snprintf(s->grantee_name, sizeof s->grantee_name, "%s", db_text(r, 9));
	snprintf(s->grantee_email, sizeof s->grantee_email, "%s", db_text(r, 10));
	s->pending = (int)db_int(r, 11);
}

static const char *col(const struct share *s, const char *kind)
{
	int user = !strcmp(s->kind, "user") || !strcmp(s->kind, "guest");
	if (!strcmp(kind, "user"))
		return user ? s->grantee_id : NULL;
	return !strcmp(s->kind, kind) ? s->grantee_id : NULL;
}

int store_share_insert(struct db *db, const struct share *s)
{
	int rc = db_exec(db,
			 "INSERT INTO shares (account_id, id, calendar_id, grantee_kind, user_id, team_id,"
			 " company_id, role, created_by, created_at, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 "sssssssssii", s->account_id, s->id, s->calendar_id, s->kind, col(s, "user"), col(s, "team"),
			 col(s, "company"), s->role, *s->created_by ? s->created_by : NULL, s->created_at,
			 s->updated_at);
	return rc < 0 ? rc : 0;
}

int store_share_get(struct db *db, const char *account_id, const char *calendar_id, const char *id, struct share *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " SHARE_COLS SHARE_FROM " WHERE s.account_id = ? AND s.calendar_id = ? AND s.id = ?",
			  "sss", account_id, calendar_id, id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		row_share(r, out);
	db_rows_free(r);
	return rc == 1 ? 0 : rc == 0 ? E_NOTFOUND : rc;
}

int store_share_set_role(struct db *db, const char *account_id, const char *id, const char *role, int64_t now)
{
	int rc = db_exec(db, "UPDATE shares SET role = ?, updated_at = ? WHERE account_id = ? AND id = ?", "siss", role,
			 now, account_id, id);
	return rc < 0 ? rc : rc ? 0 : E_NOTFOUND;
}

int store_share_delete(struct db *db, const char *account_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM shares WHERE account_id = ? AND id = ?", "ss", account_id, id);
	return rc < 0 ? rc : rc ? 0 : E_NOTFOUND;
}

int store_share_list(struct db *db, const char *account_id, const char *calendar_id, struct share *out, int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " SHARE_COLS SHARE_FROM
			  " WHERE s.account_id = ? AND s.calendar_id = ? ORDER BY s.created_at, s.id",
			  "ss", account_id, calendar_id);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_share(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_share_count_user(struct db *db, const char *account_id, const char *user_id, int64_t *out)
{
	return db_query_int(db, out, "SELECT count(*) FROM shares WHERE account_id = ? AND user_id = ?", "ss",
			    account_id, user_id);
}

int store_share_rank(struct db *db, const char *account_id, const char *calendar_id, const char *user_id, int *rank)
{
	int64_t v = 0;
	int rc = db_query_int(db, &v,
			      "SELECT coalesce(max(" RANK_SQL "), 0) FROM shares s"
			      " WHERE s.account_id = ? AND s.calendar_id = ? AND " REACHES_USER,
			      "sssss", account_id, calendar_id, user_id, user_id, user_id);
	*rank = rc ? 0 : (int)v;
	return rc == E_NOTFOUND ? 0 : rc;
}

int store_share_calendars_of(struct db *db, const char *account_id, const char *user_id,
			     int (*cb)(void *ctx, const char *calendar_id, int rank), void *ctx)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT x.calendar_id, max(x.rk) FROM (SELECT s.calendar_id, " RANK_SQL " AS rk"
			  " FROM shares s WHERE s.account_id = ? AND " REACHES_USER
			  " UNION ALL SELECT k.id, 4 FROM conference_admins a JOIN users u"
			  " ON u.account_id = a.account_id AND u.id = a.user_id JOIN calendars k"
			  " ON k.account_id = a.account_id AND k.conference_id = a.conference_id"
			  " WHERE a.account_id = ? AND a.user_id = ? AND u.role NOT IN ('guest', 'customer')) x"
			  " JOIN calendars k ON k.account_id = ? AND k.id = x.calendar_id"
			  " GROUP BY x.calendar_id, k.name ORDER BY lower(k.name), x.calendar_id",
			  "sssssss", account_id, user_id, user_id, user_id, account_id, user_id, account_id);
	if (rc)
		return rc;
	int stop = 0;
	while (!stop && (rc = db_next(r)) == 1)
		stop = cb(ctx, db_text(r, 0), (int)db_int(r, 1));
	db_rows_free(r);
	return rc < 0 ? rc : stop;
}

/* ---------------------------------------------------------------- public feeds */

#define FEED_COLS                                                                             \
	"account_id, calendar_id, secret_hash, detail, coalesce(created_by, ''), created_at," \
	" coalesce(rotated_at, 0), coalesce(last_fetched_at, 0), fetch_count"

static void row_feed(struct db_rows *r, struct public_feed *f)
{
	snprintf(f->account_id, sizeof f->account_id, "%s", db_text(r, 0));
	snprintf(f->calendar_id, sizeof f->calendar_id, "%s", db_text(r, 1));
	snprintf(f->secret_hash, sizeof f->secret_hash, "%s", db_text(r, 2));
	snprintf(f->detail, sizeof f->detail, "%s", db_text(r, 3));
	snprintf(f->created_by, sizeof f->created_by, "%s", db_text(r, 4));
	f->created_at = db_int(r, 5);
	f->rotated_at = db_int(r, 6);
	f->last_fetched_at = db_int(r, 7);
	f->fetch_count = db_int(r, 8);
}

int store_public_feed_put(struct db *db, const struct public_feed *f)
{
	int rc = db_exec(db, "DELETE FROM public_feeds WHERE account_id = ? AND calendar_id = ?", "ss", f->account_id,
			 f->calendar_id);
	if (rc >= 0)
		rc = db_exec(db,
			     "INSERT INTO public_feeds (account_id, calendar_id, secret_hash, detail,"
			     " created_by, created_at, fetch_count) VALUES (?, ?, ?, ?, ?, ?, 0)",
			     "sssssi", f->account_id, f->calendar_id, f->secret_hash, f->detail,
			     *f->created_by ? f->created_by : NULL, f->created_at);
	return rc < 0 ? rc : 0;
}

/* b NULL: the query has one parameter */
static int feed_one(struct db *db, struct public_feed *out, const char *sql, const char *a, const char *b)
{
	struct db_rows *r;
	int rc = b ? db_query(db, &r, sql, "ss", a, b) : db_query(db, &r, sql, "s", a);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		row_feed(r, out);
	db_rows_free(r);
	return rc == 1 ? 0 : rc == 0 ? E_NOTFOUND : rc;
}

int store_public_feed_get(struct db *db, const char *account_id, const char *calendar_id, struct public_feed *out)
{
	return feed_one(db, out, "SELECT " FEED_COLS " FROM public_feeds WHERE account_id = ? AND calendar_id = ?",
			account_id, calendar_id);
}

int store_public_feed_by_hash(struct db *db, const char *secret_hash, struct public_feed *out)
{
	return feed_one(db, out, "SELECT " FEED_COLS " FROM public_feeds WHERE secret_hash = ?", secret_hash, NULL);
}

int store_public_feed_rotate(struct db *db, const char *account_id, const char *calendar_id, const char *secret_hash,
			     int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE public_feeds SET secret_hash = ?, rotated_at = ?"
			 " WHERE account_id = ? AND calendar_id = ?",
			 "siss", secret_hash, now, account_id, calendar_id);
	return rc < 0 ? rc : rc ? 0 : E_NOTFOUND;
}

int store_public_feed_detail(struct db *db, const char *account_id, const char *calendar_id, const char *detail)
{
	int rc = db_exec(db, "UPDATE public_feeds SET detail = ? WHERE account_id = ? AND calendar_id = ?", "sss",
			 detail, account_id, calendar_id);
	return rc < 0 ? rc : rc ? 0 : E_NOTFOUND;
}

int store_public_feed_delete(struct db *db, const char *account_id, const char *calendar_id)
{
	int rc = db_exec(db, "DELETE FROM public_feeds WHERE account_id = ? AND calendar_id = ?", "ss", account_id,
			 calendar_id);
	return rc < 0 ? rc : rc ? 0 : E_NOTFOUND;
}

int store_public_feed_fetched(struct db *db, const char *account_id, const char *calendar_id, int64_t at, int64_t count)
{
	int rc = db_exec(db,
			 "UPDATE public_feeds SET last_fetched_at = ?, fetch_count = fetch_count + ?"
			 " WHERE account_id = ? AND calendar_id = ?",
			 "iiss", at, count, account_id, calendar_id);
	return rc < 0 ? rc : 0;
}

int store_share_calendar_of(struct db *db, const char *account_id, const char *id, char out[ID_MAX])
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT calendar_id FROM shares WHERE account_id = ? AND id = ?", "ss", account_id,
			  id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		snprintf(out, ID_MAX, "%s", db_text(r, 0));
	db_rows_free(r);
	return rc == 1 ? 0 : rc == 0 ? E_NOTFOUND : rc;
}
