/* SQL of what managers see and change of technicians (see
 * store/support_staff.h). */
#include "store/support_staff.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/id_sets.h"

static void cp(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

#define TECH_COLS                                                                                             \
	"SELECT u.id, u.display_name, u.email, COALESCE(p.state, 'offline'), COALESCE(p.max_sessions, 3),"    \
	" COALESCE(p.seen_at, 0), (SELECT COUNT(*) FROM support_sessions x WHERE x.account_id = u.account_id" \
	" AND x.technician_id = u.id AND x.state = 'active') FROM users u LEFT JOIN support_presence p ON"    \
	" p.account_id = u.account_id AND p.user_id = u.id WHERE u.account_id = ? AND EXISTS (SELECT 1 FROM"  \
	" user_modules m WHERE m.account_id = u.account_id AND m.user_id = u.id AND m.module = 'remote_support')"

int store_support_technicians(struct db *db, const char *account_id, const char *manager_id,
			      struct support_technician *out, int max, int *n)
{
	struct db_rows *r;
	int rc;
	*n = 0;
	if (!manager_id)
		rc = db_query(db, &r, TECH_COLS " ORDER BY u.display_name, u.id LIMIT ?", "si", account_id,
			      (int64_t)max);
	else
		/* the teams assigned to the manager, then down their sub-teams */
		rc = db_query(db, &r,
			      "WITH RECURSIVE down(id) AS (SELECT team_id FROM team_managers WHERE account_id = ?"
			      " AND user_id = ? UNION SELECT t.id FROM teams t JOIN down ON t.parent_id = down.id"
			      " WHERE t.account_id = ?) " TECH_COLS " AND EXISTS (SELECT 1 FROM team_members tm"
			      " WHERE tm.account_id = u.account_id AND tm.user_id = u.id AND tm.team_id IN"
			      " (SELECT id FROM down)) ORDER BY u.display_name, u.id LIMIT ?",
			      "ssssi", account_id, manager_id, account_id, account_id, (int64_t)max);
	if (rc)
		return rc;
	while (*n < max && (rc = db_next(r)) == 1) {
		struct support_technician *t = &out[(*n)++];
		cp(t->id, sizeof t->id, db_text(r, 0));
		cp(t->name, sizeof t->name, db_text(r, 1));
		cp(t->email, sizeof t->email, db_text(r, 2));
		cp(t->state, sizeof t->state, db_text(r, 3));
		t->max_sessions = db_int(r, 4);
		t->seen_at = db_int(r, 5);
		t->active = db_int(r, 6);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_support_presence_offline(struct db *db, const char *account_id, const char *user_id, int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO support_presence (account_id, user_id, state, updated_at) VALUES (?, ?,"
			 " 'offline', ?) ON CONFLICT (account_id, user_id) DO UPDATE SET state = 'offline',"
			 " updated_at = excluded.updated_at",
			 "ssi", account_id, user_id, now);
	return rc < 0 ? rc : 0;
}

int store_support_presence_limit(struct db *db, const char *account_id, const char *user_id, int64_t max_sessions,
				 int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO support_presence (account_id, user_id, state, max_sessions, updated_at) VALUES"
			 " (?, ?, 'offline', ?, ?) ON CONFLICT (account_id, user_id) DO UPDATE SET max_sessions ="
			 " excluded.max_sessions, updated_at = excluded.updated_at",
			 "ssii", account_id, user_id, max_sessions, now);
	return rc < 0 ? rc : 0;
}

int store_support_offers_withdraw(struct db *db, const char *account_id, const char *user_id, char (*ids)[ID_MAX],
				  char (*portals)[ID_MAX], int max, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT id, portal_id FROM support_sessions WHERE account_id = ? AND offered_to = ?"
			  " AND state = 'waiting' ORDER BY queued_us, id LIMIT ?",
			  "ssi", account_id, user_id, (int64_t)max);
	if (rc)
		return rc;
	while (*n < max && (rc = db_next(r)) == 1) {
		cp(ids[*n], ID_MAX, db_text(r, 0));
		cp(portals[*n], ID_MAX, db_text(r, 1));
		(*n)++;
	}
	db_rows_free(r);
	if (rc < 0)
		return rc;
	for (int i = 0; i < *n; i++)
		if ((rc = db_exec(
			     db,
			     "UPDATE support_sessions SET offered_to = NULL, offered_at = NULL WHERE account_id = ?"
			     " AND id = ? AND offered_to = ?",
			     "sss", account_id, ids[i], user_id)) < 0)
			return rc;
	return 0;
}

int store_support_portal_teams(struct db *db, const char *account_id, const char *portal_id, char (*out)[ID_MAX],
			       int max, int *n)
{
	int rc = store_ids_get(db, IDS_PORTAL_TEAMS, account_id, portal_id, out, max, n);
	if (rc || *n)
		return rc;
	char parent[ID_MAX] = "";
	struct db_rows *r;
	if ((rc = db_query(db, &r, "SELECT parent_id FROM portals WHERE account_id = ? AND id = ?", "ss", account_id,
			   portal_id)))
		return rc;
	if ((rc = db_next(r)) == 1)
		cp(parent, sizeof parent, db_text(r, 0));
	db_rows_free(r);
	if (rc < 0)
		return rc;
	return parent[0] ? store_ids_get(db, IDS_PORTAL_TEAMS, account_id, parent, out, max, n) : 0;
}
