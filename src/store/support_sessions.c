/* SQL of support sessions, their transcript, presence and the queue (see
 * store/support_sessions.h). Every state change is one conditional UPDATE
 * whose row count says whether it happened, so that two technicians (or two
 * nodes' workers) racing for the same session get exactly one winner on
 * both backends. */
#include "store/support_sessions.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/support_serving.h"

static void cp(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

#define SESSION_COLS                                                                                               \
	"s.account_id, s.id, s.portal_id, s.company_id, s.state, s.customer_name, s.customer_email, s.token_hash," \
	" s.team_id, s.technician_id, u.display_name, s.offered_to, s.closed_by, s.last_seq, s.customer_read_seq," \
	" s.technician_read_seq, s.customer_typing_at, s.technician_typing_at, s.created_at,"                      \
	" COALESCE(s.picked_up_at, 0), COALESCE(s.closed_at, 0), s.updated_at, s.queued_us,"                       \
	" s.language, s.awaiting"
#define SESSION_FROM               \
	" FROM support_sessions s" \
	" LEFT JOIN users u ON u.account_id = s.account_id AND u.id = s.technician_id"

static void session_row(struct db_rows *r, struct support_session *s)
{
	cp(s->account_id, sizeof s->account_id, db_text(r, 0));
	cp(s->id, sizeof s->id, db_text(r, 1));
	cp(s->portal_id, sizeof s->portal_id, db_text(r, 2));
	cp(s->company_id, sizeof s->company_id, db_text(r, 3));
	cp(s->state, sizeof s->state, db_text(r, 4));
	cp(s->customer_name, sizeof s->customer_name, db_text(r, 5));
	cp(s->customer_email, sizeof s->customer_email, db_text(r, 6));
	cp(s->token_hash, sizeof s->token_hash, db_text(r, 7));
	cp(s->team_id, sizeof s->team_id, db_text(r, 8));
	cp(s->technician_id, sizeof s->technician_id, db_text(r, 9));
	cp(s->technician_name, sizeof s->technician_name, db_text(r, 10));
	cp(s->offered_to, sizeof s->offered_to, db_text(r, 11));
	cp(s->closed_by, sizeof s->closed_by, db_text(r, 12));
	s->last_seq = db_int(r, 13);
	s->customer_read_seq = db_int(r, 14);
	s->technician_read_seq = db_int(r, 15);
	s->customer_typing_at = db_int(r, 16);
	s->technician_typing_at = db_int(r, 17);
	s->created_at = db_int(r, 18);
	s->picked_up_at = db_int(r, 19);
	s->closed_at = db_int(r, 20);
	s->updated_at = db_int(r, 21);
	s->queued_us = db_int(r, 22);
	cp(s->language, sizeof s->language, db_text(r, 23));
	cp(s->awaiting, sizeof s->awaiting, db_text(r, 24));
}

static int sessions(struct db_rows *r, struct support_session *out, int max, int *n)
{
	int rc;
	*n = 0;
	while ((rc = db_next(r)) == 1)
		if (*n < max)
			session_row(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_support_session_insert(struct db *db, const struct support_session *s, const char *question)
{
	int rc = db_exec(db,
			 "INSERT INTO support_sessions (account_id, id, portal_id, company_id, state, customer_name,"
			 " customer_email, token_hash, question, team_id, offered_to, offered_at, created_at,"
			 " updated_at, queued_us, customer_user_id, offline_request, language, awaiting)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULLIF(?, ''), ?, ?, ?, ?, NULLIF(?, ''), ?, ?,"
			 " NULLIF(?, ''))",
			 "ssssssssssiiiisiss", s->account_id, s->id, s->portal_id, s->company_id, s->state,
			 s->customer_name, s->customer_email, s->token_hash, question, s->offered_to,
			 (int64_t)(s->offered_to[0] ? s->created_at : 0), s->created_at, s->created_at, s->queued_us,
			 s->customer_user_id, (int64_t)!strcmp(s->state, "offline"),
			 s->language[0] ? s->language : "en", s->awaiting);
	return rc < 0 ? rc : 0;
}

int store_support_session_get(struct db *db, const char *account_id, const char *id, struct support_session *out)
{
	struct db_rows *r;
	int n, rc = db_query(db, &r, "SELECT " SESSION_COLS SESSION_FROM " WHERE s.account_id = ? AND s.id = ?", "ss",
			     account_id, id);
	if (rc || (rc = sessions(r, out, 1, &n)))
		return rc;
	return n ? 0 : E_NOTFOUND;
}

int store_support_message_add(struct db *db, const char *account_id, const char *session_id, const char *author_kind,
			      const char *author_id, const char *kind, const char *body, int64_t now, int64_t *seq)
{
	/* the UPDATE takes the session's row lock: seqs are handed out one at a time */
	int rc = db_exec(db,
			 "UPDATE support_sessions SET last_seq = last_seq + 1, updated_at = ? WHERE account_id = ?"
			 " AND id = ?",
			 "iss", now, account_id, session_id);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return E_NOTFOUND;
	if ((rc = db_query_int(db, seq, "SELECT last_seq FROM support_sessions WHERE account_id = ? AND id = ?", "ss",
			       account_id, session_id)))
		return rc;
	rc = db_exec(db,
		     "INSERT INTO support_messages (account_id, session_id, seq, author_kind, author_id, kind, body,"
		     " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		     "ssissssi", account_id, session_id, *seq, author_kind, author_id, kind, body, now);
	return rc < 0 ? rc : 0;
}

int store_support_messages_after(struct db *db, const char *account_id, const char *session_id, int64_t after,
				 int notes, struct support_message *out, int max, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT seq, author_kind, author_id, kind, body, created_at FROM support_messages"
			  " WHERE account_id = ? AND session_id = ? AND seq > ? AND (? = 1 OR kind <> 'note')"
			  " ORDER BY seq LIMIT ?",
			  "ssiii", account_id, session_id, after, (int64_t)notes, (int64_t)max);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1 && *n < max) {
		struct support_message *m = &out[(*n)++];
		m->seq = db_int(r, 0);
		cp(m->author_kind, sizeof m->author_kind, db_text(r, 1));
		cp(m->author_id, sizeof m->author_id, db_text(r, 2));
		cp(m->kind, sizeof m->kind, db_text(r, 3));
		cp(m->body, sizeof m->body, db_text(r, 4));
		m->created_at = db_int(r, 5);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_support_customer_messages_since(struct db *db, const char *account_id, const char *session_id, int64_t since,
					  int64_t *n)
{
	return db_query_int(db, n,
			    "SELECT COUNT(*) FROM support_messages WHERE account_id = ? AND session_id = ?"
			    " AND author_kind = 'customer' AND created_at >= ?",
			    "ssi", account_id, session_id, since);
}

static int one_row(int rc)
{
	return rc < 0 ? rc : rc == 1 ? 0 : E_CONFLICT;
}

int store_support_session_pick_up(struct db *db, const char *account_id, const char *id, const char *tech_id,
				  int64_t now)
{
	return one_row(db_exec(db,
			       "UPDATE support_sessions SET state = 'active', technician_id = ?, offered_to = NULL,"
			       " picked_up_at = COALESCE(picked_up_at, ?), updated_at = ?"
			       " WHERE account_id = ? AND id = ? AND state = 'waiting'",
			       "siiss", tech_id, now, now, account_id, id));
}

int store_support_session_close(struct db *db, const char *account_id, const char *id, const char *by, int64_t now)
{
	return one_row(
		db_exec(db,
			"UPDATE support_sessions SET state = 'closed', closed_by = ?, closed_at = ?,"
			" offered_to = NULL, updated_at = ? WHERE account_id = ? AND id = ? AND state <> 'closed'",
			"siiss", by, now, now, account_id, id));
}

int store_support_session_transfer(struct db *db, const char *account_id, const char *id, const char *tech_id,
				   const char *team_id, int64_t now)
{
	if (tech_id)
		return one_row(
			db_exec(db,
				"UPDATE support_sessions SET state = 'active', technician_id = ?, offered_to = NULL,"
				" picked_up_at = COALESCE(picked_up_at, ?), updated_at = ?"
				" WHERE account_id = ? AND id = ? AND state IN ('waiting', 'active')",
				"siiss", tech_id, now, now, account_id, id));
	return one_row(db_exec(db,
			       "UPDATE support_sessions SET state = 'waiting', team_id = ?, technician_id = NULL,"
			       " offered_to = NULL, updated_at = ?"
			       " WHERE account_id = ? AND id = ? AND state IN ('waiting', 'active')",
			       "siss", team_id, now, account_id, id));
}

int store_support_session_offer(struct db *db, const char *account_id, const char *id, const char *tech_id, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE support_sessions SET offered_to = ?, offered_at = ? WHERE account_id = ? AND id = ?"
			 " AND state = 'waiting'",
			 "siss", tech_id, now, account_id, id);
	return rc < 0 ? rc : 0;
}

int store_support_session_read(struct db *db, const char *account_id, const char *id, const char *side, int64_t seq)
{
	int rc = db_exec(db,
			 !strcmp(side, "customer")
				 ? "UPDATE support_sessions SET customer_read_seq = ? WHERE account_id = ? AND id = ?"
				   " AND customer_read_seq < ? AND last_seq >= ?"
				 : "UPDATE support_sessions SET technician_read_seq = ? WHERE account_id = ? AND id = ?"
				   " AND technician_read_seq < ? AND last_seq >= ?",
			 "issii", seq, account_id, id, seq, seq);
	return rc < 0 ? rc : 0;
}

int store_support_session_typing(struct db *db, const char *account_id, const char *id, const char *side, int64_t now)
{
	int rc = db_exec(
		db,
		!strcmp(side, "customer")
			? "UPDATE support_sessions SET customer_typing_at = ? WHERE account_id = ? AND id = ?"
			: "UPDATE support_sessions SET technician_typing_at = ? WHERE account_id = ? AND id = ?",
		"iss", now, account_id, id);
	return rc < 0 ? rc : 0;
}

int store_support_session_answered(struct db *db, const char *account_id, const char *id, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE support_sessions SET answered_at = ? WHERE account_id = ? AND id = ?"
			 " AND answered_at IS NULL",
			 "iss", now, account_id, id);
	return rc < 0 ? rc : 0;
}

int store_support_queue_position(struct db *db, const struct support_session *s, int64_t *pos)
{
	*pos = 0;
	if (strcmp(s->state, "waiting"))
		return 0;
	int rc = db_query_int(db, pos,
			      "SELECT COUNT(*) FROM support_sessions WHERE account_id = ? AND portal_id = ?"
			      " AND state = 'waiting' AND (queued_us < ? OR (queued_us = ? AND id < ?))",
			      "ssiis", s->account_id, s->portal_id, s->queued_us, s->queued_us, s->id);
	if (!rc)
		(*pos)++;
	return rc;
}

int store_support_wait_estimate(struct db *db, const char *account_id, const char *portal_id, int64_t *secs)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT COUNT(*), COALESCE(SUM(w), 0) FROM (SELECT picked_up_at - created_at AS w"
			  " FROM support_sessions WHERE account_id = ? AND portal_id = ? AND picked_up_at IS NOT NULL"
			  " ORDER BY picked_up_at DESC LIMIT 20) recent",
			  "ss", account_id, portal_id);
	if (rc)
		return rc;
	*secs = -1;
	if ((rc = db_next(r)) == 1) {
		int64_t n = db_int(r, 0);
		if (n > 0)
			*secs = db_int(r, 1) / n;
		rc = 0;
	}
	db_rows_free(r);
	return rc;
}

/* The portals served by one user: their teams (member or manager) and those
 * teams' ancestors serve directly where named in portal_teams; a sub-portal
 * without teams of its own is served by its parent's. Parameters: account,
 * user, account, account, account, account. */
#define SERVED_CTE                                                                                        \
	"WITH RECURSIVE up(id) AS ("                                                                      \
	" SELECT team_id FROM team_members WHERE account_id = ?1x AND user_id = ?2x"                      \
	" UNION SELECT team_id FROM team_managers WHERE account_id = ?1x AND user_id = ?2x"               \
	" UNION SELECT t.parent_id FROM teams t JOIN up ON t.id = up.id"                                  \
	" WHERE t.account_id = ?1x AND t.parent_id IS NOT NULL),"                                         \
	" direct(id) AS (SELECT DISTINCT portal_id FROM portal_teams WHERE account_id = ?1x"              \
	" AND team_id IN (SELECT id FROM up)),"                                                           \
	" served(id) AS (SELECT id FROM direct UNION SELECT p.id FROM portals p WHERE p.account_id = ?1x" \
	" AND p.parent_id IN (SELECT id FROM direct) AND NOT EXISTS (SELECT 1 FROM portal_teams pt"       \
	" WHERE pt.account_id = p.account_id AND pt.portal_id = p.id)) "

/* our driver takes plain "?" only: the ?1x / ?2x markers above are rewritten
 * into "?" and the parameters repeated in order */
static void unmark(const char *in, char *out, size_t n, char *order, size_t *norder)
{
	size_t o = 0;
	*norder = 0;
	for (const char *p = in; *p && o + 1 < n; p++) {
		if (p[0] == '?' && (p[1] == '1' || p[1] == '2') && p[2] == 'x') {
			order[(*norder)++] = p[1];
			out[o++] = '?';
			p += 2;
		} else
			out[o++] = *p;
	}
	out[o] = 0;
}

/* runs SERVED_CTE + tail; the tail's own parameters follow (at most 8 's'/'i') */
static int served_query(struct db *db, struct db_rows **out, const char *account_id, const char *user_id,
			const char *tail, int ntail, const struct db_param *tailp)
{
	char sql[4096], order[32];
	size_t norder;
	char full[4096];
	snprintf(full, sizeof full, "%s%s", SERVED_CTE, tail);
	unmark(full, sql, sizeof sql, order, &norder);
	struct db_param p[32];
	int n = 0;
	for (size_t i = 0; i < norder; i++)
		p[n++] = (struct db_param){'s', order[i] == '1' ? account_id : user_id, 0};
	for (int i = 0; i < ntail && n < 32; i++)
		p[n++] = tailp[i];
	return db_query_params(db, out, sql, n, p);
}

int store_support_serves(struct db *db, const char *account_id, const char *portal_id, const char *user_id, int *yes)
{
	struct db_rows *r;
	struct db_param t[] = {{'s', portal_id, 0},
			       {'s', account_id, 0},
			       {'s', user_id, 0},
			       {'s', account_id, 0},
			       {'s', portal_id, 0}};
	int rc = served_query(db, &r, account_id, user_id,
			      "SELECT 1 FROM served WHERE id = ? AND EXISTS (SELECT 1 FROM user_companies uc"
			      " WHERE uc.account_id = ? AND uc.user_id = ? AND uc.company_id = (SELECT company_id"
			      " FROM portals WHERE account_id = ? AND id = ?))",
			      5, t);
	if (rc)
		return rc;
	rc = db_next(r);
	*yes = rc == 1;
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_support_queue_list(struct db *db, const char *account_id, const char *user_id, struct support_session *out,
			     int max, int *n)
{
	struct db_rows *r;
	int rc;
	if (!user_id)
		rc = db_query(db, &r,
			      "SELECT " SESSION_COLS SESSION_FROM " WHERE s.account_id = ? AND s.state IN ('waiting',"
			      " 'offline') ORDER BY s.queued_us, s.id LIMIT ?",
			      "si", account_id, (int64_t)max);
	else {
		struct db_param t[] = {{'s', account_id, 0}, {'s', account_id, 0}, {'s', user_id, 0}, {'i', NULL, max}};
		rc = served_query(
			db, &r, account_id, user_id,
			"SELECT " SESSION_COLS SESSION_FROM " WHERE s.account_id = ? AND s.state IN"
			" ('waiting', 'offline') AND s.portal_id IN (SELECT id FROM served) AND s.company_id IN"
			" (SELECT company_id FROM user_companies WHERE account_id = ? AND user_id = ?)"
			" ORDER BY s.queued_us, s.id LIMIT ?",
			4, t);
	}
	return rc ? rc : sessions(r, out, max, n);
}

int store_support_sessions_of(struct db *db, const char *account_id, const char *user_id, struct support_session *out,
			      int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " SESSION_COLS SESSION_FROM " WHERE s.account_id = ? AND s.technician_id = ? AND"
			  " s.state = 'active' ORDER BY s.queued_us, s.id LIMIT ?",
			  "ssi", account_id, user_id, (int64_t)max);
	return rc ? rc : sessions(r, out, max, n);
}

int store_support_least_busy(struct db *db, const char *account_id, const char *portal_id, int64_t fresh_after,
			     char out[ID_MAX])
{
	struct db_rows *r;
	out[0] = 0;
	int rc = db_query(db, &r,
			  SUPPORT_SERVING_CTE " SELECT user_id FROM eligible WHERE nload < max_sessions"
					      " ORDER BY nload, user_id LIMIT 1",
			  "ssi", account_id, portal_id, fresh_after);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1)
		cp(out, ID_MAX, db_text(r, 0));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_support_wait_due(struct db *db, int64_t now, struct support_session *out, int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " SESSION_COLS SESSION_FROM " JOIN portals p ON p.account_id = s.account_id"
			  " AND p.id = s.portal_id WHERE s.state = 'waiting' AND s.wait_notice_at IS NULL"
			  " AND p.wait_after_s > 0 AND p.wait_message <> '' AND s.created_at + p.wait_after_s <= ?"
			  " ORDER BY s.created_at LIMIT ?",
			  "ii", now, (int64_t)max);
	return rc ? rc : sessions(r, out, max, n);
}

int store_support_wait_mark(struct db *db, const char *account_id, const char *id, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE support_sessions SET wait_notice_at = ? WHERE account_id = ? AND id = ?"
			 " AND wait_notice_at IS NULL AND state = 'waiting'",
			 "iss", now, account_id, id);
	return rc < 0 ? rc : rc == 1;
}

int store_support_presence_get(struct db *db, const char *account_id, const char *user_id, struct support_presence *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT p.state, p.max_sessions, p.seen_at, p.updated_at, (SELECT COUNT(*) FROM"
			  " support_sessions x WHERE x.account_id = p.account_id AND x.technician_id = p.user_id"
			  " AND x.state = 'active') FROM support_presence p WHERE p.account_id = ? AND p.user_id = ?",
			  "ss", account_id, user_id);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	strcpy(out->state, "offline");
	out->max_sessions = 3;
	if ((rc = db_next(r)) == 1) {
		cp(out->state, sizeof out->state, db_text(r, 0));
		out->max_sessions = db_int(r, 1);
		out->seen_at = db_int(r, 2);
		out->updated_at = db_int(r, 3);
		out->active = db_int(r, 4);
		rc = 0;
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_support_presence_put(struct db *db, const char *account_id, const char *user_id, const char *state,
			       int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO support_presence (account_id, user_id, state, seen_at, active_at, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, user_id) DO UPDATE SET"
			 " state = excluded.state, seen_at = excluded.seen_at, active_at = excluded.active_at,"
			 " updated_at = excluded.updated_at",
			 "sssiii", account_id, user_id, state, now, now, now);
	return rc < 0 ? rc : 0;
}

int store_support_presence_touch(struct db *db, const char *account_id, const char *user_id, int64_t now,
				 int64_t older_than)
{
	int rc = db_exec(db,
			 "UPDATE support_presence SET seen_at = ? WHERE account_id = ? AND user_id = ? AND seen_at < ?",
			 "issi", now, account_id, user_id, older_than);
	return rc < 0 ? rc : rc > 0;
}

int store_user_has_module(struct db *db, const char *account_id, const char *user_id, const char *module, int *yes)
{
	int64_t n = 0;
	int rc = db_query_int(db, &n,
			      "SELECT COUNT(*) FROM user_modules WHERE account_id = ? AND user_id = ? AND module = ?",
			      "sss", account_id, user_id, module);
	*yes = n > 0;
	return rc;
}

int store_support_team_exists(struct db *db, const char *account_id, const char *team_id, int *yes)
{
	int64_t n = 0;
	int rc = db_query_int(db, &n, "SELECT COUNT(*) FROM teams WHERE account_id = ? AND id = ?", "ss", account_id,
			      team_id);
	*yes = n > 0;
	return rc;
}
