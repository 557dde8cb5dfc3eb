/* Managers' controls (see support/staff.h): GET /api/v1/support/technicians,
 * POST .../technicians/{id}/log-out, PUT .../technicians/{id}/limit and
 * POST /api/v1/support/sessions/{id}/cancel. A log-out puts the technician
 * offline and withdraws the offers made to them (offered again to someone
 * else); their live chats stay theirs, to be closed or transferred. */
#include "support/staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "support/chat.h"

static portals_right_fn rights_fn;

void staff_rights_hook(portals_right_fn fn)
{
	rights_fn = fn;
}

static int may_teams(struct req *r, struct db *db, char (*teams)[ID_MAX], int n, const char *right)
{
	if (access_is(r, "admin"))
		return 1;
	if (!rights_fn || n == 0)
		return 0;
	const char *ids[SUPPORT_STAFF_TEAMS_MAX + 1];
	for (int i = 0; i < n; i++)
		ids[i] = teams[i];
	return rights_fn(db, r->who.account_id, r->who.user_id, r->who.role, ids, (size_t)n, right);
}

int staff_may_session(struct req *r, struct db *db, const struct support_session *s, const char *right)
{
	char teams[SUPPORT_STAFF_TEAMS_MAX + 1][ID_MAX];
	int n = 0, rc = store_support_portal_teams(db, s->account_id, s->portal_id, teams, SUPPORT_STAFF_TEAMS_MAX, &n);
	if (rc)
		return rc;
	if (s->team_id[0])
		memcpy(teams[n++], s->team_id, ID_MAX);
	return may_teams(r, db, teams, n, right);
}

/* over a technician: a right effective in one of the teams they are a member of */
static int may_user(struct req *r, struct db *db, const char *user_id, const char *right)
{
	char teams[SUPPORT_STAFF_TEAMS_MAX + 1][ID_MAX];
	int n = 0, rc;
	if (access_is(r, "admin"))
		return 1;
	if ((rc = store_ids_get(db, IDS_USER_TEAMS, r->who.account_id, user_id, teams, SUPPORT_STAFF_TEAMS_MAX, &n)))
		return rc;
	return may_teams(r, db, teams, n, right);
}

/* admins, managers and API managers */
static int manager(struct req *r)
{
	if (access_is(r, "admin") || access_is(r, "manager") || access_is(r, "api_manager"))
		return 0;
	resp_problem(r, 403, "forbidden", "only managers and admins manage technicians");
	return E_FORBIDDEN;
}

static int refused(struct req *r, const char *right)
{
	resp_problem_ext(r, 403, "right-required", "you do not hold this right over them",
			 json_pack("{s:s}", "right", right));
	return E_FORBIDDEN;
}

static json_t *tech_json(struct req *r, struct db *db, const struct support_technician *t, int64_t now, int *err)
{
	struct support_presence p = {0};
	snprintf(p.state, sizeof p.state, "%s", t->state);
	p.max_sessions = t->max_sessions;
	p.seen_at = t->seen_at;
	p.active = t->active;
	int out = may_user(r, db, t->id, "log_out_representatives");
	int lim = out < 0 ? 0 : may_user(r, db, t->id, "concurrent_sessions");
	if (out < 0 || lim < 0) {
		*err = out < 0 ? out : lim;
		return NULL;
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:b, s:b}", "id", t->id, "name", t->name, "email", t->email, "presence",
			 chat_presence_json(&p, now), "may_log_out", out, "may_set_limit", lim);
}

static int list(struct req *r)
{
	struct db *db;
	int rc = manager(r), n = 0;
	if (rc || (rc = api_db(&db)))
		return rc;
	struct support_technician *rows = malloc(STAFF_LIST_MAX * sizeof *rows);
	json_t *items = json_array();
	if (!rows || !items)
		rc = E_NOMEM;
	else
		rc = store_support_technicians(db, r->who.account_id, access_is(r, "admin") ? NULL : r->who.user_id,
					       rows, STAFF_LIST_MAX, &n);
	int64_t now = clock_now();
	for (int i = 0; !rc && i < n; i++) {
		json_t *o = tech_json(r, db, &rows[i], now, &rc);
		if (o)
			json_array_append_new(items, o);
	}
	free(rows);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

/* the technician {id} of the account (else 404), in a write transaction, when the caller holds right */
static int load_tech(struct req *r, struct db **db, struct user *u, const char *right)
{
	int rc = manager(r);
	if (rc || (rc = api_begin(db, 1)))
		return rc;
	const char *id = req_param(r, "id");
	rc = ids_valid(id, "usr") ? store_user_get(*db, r->who.account_id, id, u) : E_NOTFOUND;
	if (rc == E_NOTFOUND) {
		resp_problem(r, 404, "not-found", "no such technician");
		rc = E_NOTFOUND;
	}
	if (!rc && (rc = may_user(r, *db, u->id, right)) == 0)
		rc = refused(r, right);
	if (rc == 1)
		rc = 0;
	if (rc)
		store_rollback(*db);
	return rc;
}

static int staff_changed(struct db *db, const char *account_id)
{
	char t[96];
	snprintf(t, sizeof t, "support_staff:%s", account_id);
	int rc = store_changed(db, t);
	if (!rc) {
		snprintf(t, sizeof t, "support_queue:%s", account_id);
		rc = store_changed(db, t);
	}
	return rc;
}

static int log_out(struct req *r)
{
	struct user u;
	struct db *db;
	int rc = load_tech(r, &db, &u, "log_out_representatives");
	if (rc)
		return rc;
	int64_t now = clock_now();
	char ids[QUEUE_WITHDRAW_MAX][ID_MAX], portals[QUEUE_WITHDRAW_MAX][ID_MAX];
	int n = 0;
	if ((rc = store_support_presence_offline(db, u.account_id, u.id, now)) ||
	    (rc = store_support_offers_withdraw(db, u.account_id, u.id, ids, portals, QUEUE_WITHDRAW_MAX, &n)))
		return api_abort(db, rc);
	/* each withdrawn offer goes to the next least busy technician, if any */
	for (int i = 0; i < n; i++) {
		struct support_session s;
		if ((rc = store_support_session_get(db, u.account_id, ids[i], &s)) || (rc = chat_offer(db, &s, now)) ||
		    (rc = chat_changed(db, &s, 1, 0)))
			return api_abort(db, rc);
	}
	struct support_presence p;
	if ((rc = staff_changed(db, u.account_id)) ||
	    (rc = audit_record(r, db, "technician.log_out", "user", u.id, u.display_name, NULL,
			       json_pack("{s:i}", "offers_withdrawn", n))) ||
	    (rc = store_support_presence_get(db, u.account_id, u.id, &p)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 200, chat_presence_json(&p, now));
}

static int set_limit(struct req *r)
{
	static const char *const allowed[] = {"max_sessions", NULL};
	struct user u;
	struct db *db;
	json_t *in = NULL;
	long long max = 0;
	/* whose first: another account's technician answers 404 whatever the body */
	int rc = load_tech(r, &db, &u, "concurrent_sessions");
	if (rc)
		return rc;
	if ((rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_int(r, in, "max_sessions", JIN_REQUIRED, 1, STAFF_LIMIT_MAX, &max)))
		return api_abort(db, rc);
	int64_t now = clock_now();
	struct support_presence before, p;
	if ((rc = store_support_presence_get(db, u.account_id, u.id, &before)) ||
	    (rc = store_support_presence_limit(db, u.account_id, u.id, max, now)) ||
	    (rc = staff_changed(db, u.account_id)) ||
	    (rc = audit_record(r, db, "technician.limit", "user", u.id, u.display_name,
			       json_pack("{s:I}", "max_sessions", (json_int_t)before.max_sessions),
			       json_pack("{s:I}", "max_sessions", (json_int_t)max))) ||
	    (rc = store_support_presence_get(db, u.account_id, u.id, &p)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 200, chat_presence_json(&p, now));
}

/* a waiting session or an offline request, closed by the system: the customer's page learns it from its stream */
static int cancel(struct req *r)
{
	struct support_session s;
	struct db *db;
	int rc = manager(r);
	if (rc || (rc = api_begin(&db, 1)))
		return rc;
	const char *id = req_param(r, "id");
	rc = ids_valid(id, "sup") ? store_support_session_get(db, r->who.account_id, id, &s) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return api_abort(db, resp_problem(r, 404, "not-found", "no such session")), E_NOTFOUND;
	if (rc)
		return api_abort(db, rc);
	if ((rc = staff_may_session(r, db, &s, "cancel_requests")) <= 0)
		return api_abort(db, rc < 0 ? rc : refused(r, "cancel_requests"));
	if (strcmp(s.state, "waiting") && strcmp(s.state, "offline"))
		return api_abort(db, resp_problem(r, 409, "session-not-cancellable",
						  "only a waiting session or an offline request is cancelled")),
		       E_CONFLICT;
	int64_t now = clock_now();
	if ((rc = chat_close(db, &s, "system", now)) || (rc = chat_changed(db, &s, 1, 1)) ||
	    (rc = audit_record(r, db, "support_session.cancel", "support_session", s.id, s.customer_name, NULL, NULL)))
		return api_abort(db, rc);
	return api_commit_empty(r, db, 204);
}

const struct route support_staff_routes[] = {
	{"GET", "/api/v1/support/technicians", list, 0},
	{"POST", "/api/v1/support/technicians/{id}/log-out", log_out, 0},
	{"PUT", "/api/v1/support/technicians/{id}/limit", set_limit, 0},
	{"POST", "/api/v1/support/sessions/{id}/cancel", cancel, 0},
	{0},
};
