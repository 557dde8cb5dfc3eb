/* teams, team_members and team_managers. The tree is walked with recursive
 * queries (portable between SQLite and PostgreSQL), each bounded in depth so
 * that even a corrupted tree cannot make them run away. */
#include <stdio.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

#define TEAM_COLS                                                                                   \
	"t.account_id, t.id, COALESCE(t.parent_id, ''), t.name, t.created_at,"                      \
	" (SELECT COUNT(*) FROM teams c WHERE c.account_id = t.account_id AND c.parent_id = t.id)," \
	" (SELECT COUNT(*) FROM team_members m WHERE m.account_id = t.account_id AND m.team_id = t.id)"

static void row_team(struct db_rows *r, struct team *t)
{
	snprintf(t->account_id, sizeof t->account_id, "%s", db_text(r, 0));
	snprintf(t->id, sizeof t->id, "%s", db_text(r, 1));
	snprintf(t->parent_id, sizeof t->parent_id, "%s", db_text(r, 2));
	snprintf(t->name, sizeof t->name, "%s", db_text(r, 3));
	t->created_at = db_int(r, 4);
	t->child_count = db_int(r, 5);
	t->member_count = db_int(r, 6);
	t->direct = 0;
}

static int ids(struct db_rows *r, char (*out)[ID_MAX], int max, int *n)
{
	int rc;
	*n = 0;
	while ((rc = db_next(r)) == 1)
		if (*n < max)
			snprintf(out[(*n)++], ID_MAX, "%s", db_text(r, 0));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

static int changed(int rc)
{
	return rc < 0 ? rc : rc > 0;
}

int store_team_tree_lock(struct db *db, const char *account_id)
{
	struct db_rows *r;
	if (db_kind(db) != DB_PG)
		return 0;
	/* two-key form: its key space is apart from the migrations' single-key lock */
	int rc = db_query(db, &r, "SELECT 1 FROM (SELECT pg_advisory_xact_lock(727273, hashtext(?))) l", "s",
			  account_id);
	if (rc)
		return rc;
	rc = db_next(r);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_team_insert(struct db *db, const struct team *t)
{
	int rc = db_exec(db,
			 "INSERT INTO teams (account_id, id, parent_id, name, created_at)"
			 " VALUES (?, ?, ?, ?, ?)",
			 "ssssi", t->account_id, t->id, t->parent_id[0] ? t->parent_id : NULL, t->name, t->created_at);
	return rc < 0 ? rc : 0;
}

int store_team_get(struct db *db, const char *account_id, const char *id, struct team *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " TEAM_COLS " FROM teams t WHERE t.account_id = ? AND t.id = ?", "ss",
			  account_id, id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		row_team(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_team_update(struct db *db, const struct team *t)
{
	int rc = db_exec(db, "UPDATE teams SET name = ?, parent_id = ? WHERE account_id = ? AND id = ?", "ssss",
			 t->name, t->parent_id[0] ? t->parent_id : NULL, t->account_id, t->id);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_team_delete(struct db *db, const char *account_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM teams WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_team_list(struct db *db, const char *account_id, const struct team_filter *f, struct team *out, int max,
		    int *n)
{
	const char *mode = !f->parent ? "all" : "one";
	const char *parent = f->parent ? f->parent : "";
	const char *after_name = f->after_name ? f->after_name : "";
	const char *after_id = f->after_id ? f->after_id : "";
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " TEAM_COLS " FROM teams t WHERE t.account_id = ?"
			  " AND (? = 'all' OR COALESCE(t.parent_id, '') = ?)"
			  " AND (lower(t.name) > lower(?) OR (lower(t.name) = lower(?) AND t.id > ?))"
			  " ORDER BY lower(t.name), t.id LIMIT ?",
			  "ssssssd", account_id, mode, parent, after_name, after_name, after_id, max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_team(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_team_path(struct db *db, const char *account_id, const char *id, char (*out)[ID_MAX], int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "WITH RECURSIVE path(id, parent_id, depth) AS ("
			  " SELECT id, parent_id, 0 FROM teams WHERE account_id = ? AND id = ?"
			  " UNION ALL"
			  " SELECT t.id, t.parent_id, p.depth + 1 FROM teams t"
			  " JOIN path p ON t.id = p.parent_id"
			  " WHERE t.account_id = ? AND p.depth < ?)"
			  " SELECT id FROM path ORDER BY depth",
			  "sssd", account_id, id, account_id, TEAM_DEPTH_MAX * 2);
	return rc ? rc : ids(r, out, max, n);
}

int store_team_height(struct db *db, const char *account_id, const char *id, int *out)
{
	int64_t h = 0;
	int rc = db_query_int(db, &h,
			      "WITH RECURSIVE sub(id, depth) AS ("
			      " SELECT id, 0 FROM teams WHERE account_id = ? AND id = ?"
			      " UNION ALL"
			      " SELECT t.id, s.depth + 1 FROM teams t JOIN sub s ON t.parent_id = s.id"
			      " WHERE t.account_id = ? AND s.depth < ?)"
			      " SELECT COALESCE(MAX(depth), 0) FROM sub",
			      "sssd", account_id, id, account_id, TEAM_DEPTH_MAX * 2);
	*out = (int)h;
	return rc;
}

int store_team_member_add(struct db *db, const char *account_id, const char *team_id, const char *user_id)
{
	return changed(db_exec(db,
			       "INSERT INTO team_members (account_id, team_id, user_id) VALUES (?, ?, ?)"
			       " ON CONFLICT DO NOTHING",
			       "sss", account_id, team_id, user_id));
}

int store_team_member_remove(struct db *db, const char *account_id, const char *team_id, const char *user_id)
{
	return changed(db_exec(db, "DELETE FROM team_members WHERE account_id = ? AND team_id = ? AND user_id = ?",
			       "sss", account_id, team_id, user_id));
}

int store_team_members(struct db *db, const char *account_id, const char *team_id, const char *after_email,
		       char (*out)[ID_MAX], int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT m.user_id FROM team_members m JOIN users u"
			  " ON u.account_id = m.account_id AND u.id = m.user_id"
			  " WHERE m.account_id = ? AND m.team_id = ? AND u.email > ?"
			  " ORDER BY u.email LIMIT ?",
			  "sssd", account_id, team_id, after_email ? after_email : "", max);
	return rc ? rc : ids(r, out, max, n);
}

int store_team_managed_list(struct db *db, const char *account_id, const char *user_id, struct team *out, int max,
			    int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "WITH RECURSIVE managed(id, depth) AS ("
			  " SELECT team_id, 0 FROM team_managers WHERE account_id = ? AND user_id = ?"
			  " UNION ALL"
			  " SELECT t.id, m.depth + 1 FROM teams t JOIN managed m ON t.parent_id = m.id"
			  " WHERE t.account_id = ? AND m.depth < ?)"
			  " SELECT " TEAM_COLS ", CASE WHEN EXISTS (SELECT 1 FROM team_managers d"
			  "  WHERE d.account_id = t.account_id AND d.team_id = t.id AND d.user_id = ?)"
			  " THEN 1 ELSE 0 END"
			  " FROM teams t WHERE t.account_id = ? AND t.id IN (SELECT id FROM managed)"
			  " ORDER BY lower(t.name), t.id LIMIT ?",
			  "sssdssd", account_id, user_id, account_id, TEAM_DEPTH_MAX * 2, user_id, account_id, max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max) {
		row_team(r, &out[*n]);
		out[(*n)++].direct = (int)db_int(r, 7);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}
