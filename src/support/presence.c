/* A technician's presence: online, away or offline as they choose it (busy
 * is derived: at their limit of concurrent sessions). Going online needs the
 * module remote_support (user_modules); every change tells the portals
 * (topic support_staff:<account>), whose openness depends on it. */
#include <stdio.h>
#include <string.h>

#include "api/access.h"
#include "api/tx.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "support/chat.h"

static int show(struct req *r)
{
	struct support_presence p;
	struct db *db;
	int rc = chat_staff(r);
	if (rc || (rc = api_db(&db)) || (rc = store_support_presence_get(db, r->who.account_id, r->who.user_id, &p)))
		return rc;
	return resp_json(r, 200, chat_presence_json(&p, clock_now()));
}

static int put(struct req *r)
{
	static const char *const allowed[] = {"state", NULL};
	const char *state = NULL;
	json_t *in = NULL;
	struct db *db;
	int rc = chat_staff(r);
	if (rc || (rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "state", JIN_REQUIRED, 16, &state)))
		return rc;
	if (strcmp(state, "online") && strcmp(state, "away") && strcmp(state, "offline"))
		return resp_field_error(r, "state", "'state' must be one of online, away, offline"), E_INVALID;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if (!strcmp(state, "online")) {
		int yes = 0;
		if ((rc = store_user_has_module(db, r->who.account_id, r->who.user_id, "remote_support", &yes)))
			return api_abort(db, rc);
		if (!yes)
			return api_abort(db, resp_problem_ext(r, 403, "module-required",
							      "going online needs the module remote_support",
							      json_pack("{s:s}", "module", "remote_support"))),
			       E_FORBIDDEN;
	}
	char t[96];
	snprintf(t, sizeof t, "support_staff:%s", r->who.account_id);
	struct support_presence p;
	if ((rc = store_support_presence_put(db, r->who.account_id, r->who.user_id, state, clock_now())) ||
	    (rc = store_changed(db, t)) || (rc = store_support_presence_get(db, r->who.account_id, r->who.user_id, &p)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 200, chat_presence_json(&p, clock_now()));
}

const struct route support_presence_routes[] = {
	{"GET", "/api/v1/support/presence", show, 0},
	{"PUT", "/api/v1/support/presence", put, 0},
	{0},
};
