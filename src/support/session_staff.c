/* How the support staff reach a session (support/chat.h chat_session_load):
 * every technicians' route on a session (session_tech.c, files.c,
 * session_device.c) reaches it the same way, so that a supervisor who may
 * read it through one route may read it through all and writes through
 * none. */
#include "api/access.h"
#include "api/tx.h"
#include "core/errors.h"
#include "http/response.h"
#include "support/chat.h"
#include "support/staff.h"

/* technicians, managers and admins who serve the portal; a manager holding
 * supervisor_view over it (support/staff.h) watches: reads, never writes */
static int reach(struct req *r, struct db *db, const struct support_session *s, int write)
{
	int yes = 1, rc = 0;
	if (!access_is(r, "admin") &&
	    (rc = store_support_serves(db, s->account_id, s->portal_id, r->who.user_id, &yes)))
		return rc;
	if (!yes && access_is(r, "manager")) {
		if ((rc = staff_may_session(r, db, s, "supervisor_view")) < 0)
			return rc;
		if (rc == 1 && write) {
			resp_problem(r, 403, "watching-only",
				     "a supervisor watches this session but does not take part");
			return E_FORBIDDEN;
		}
		yes = rc;
	}
	if (!yes) {
		resp_problem(r, 404, "not-found", "no such session");
		return E_NOTFOUND;
	}
	return 0;
}

int chat_session_load(struct req *r, struct db **db, struct support_session *s, int write)
{
	int rc = chat_staff(r);
	if (rc || (rc = api_db(db)))
		return rc;
	if (write && (rc = api_begin(db, 1)))
		return rc;
	const char *id = req_param(r, "id");
	rc = ids_valid(id, "sup") ? store_support_session_get(*db, r->who.account_id, id, s) : E_NOTFOUND;
	if (rc == E_NOTFOUND) {
		resp_problem(r, 404, "not-found", "no such session");
		rc = E_NOTFOUND;
	}
	if (!rc)
		rc = reach(r, *db, s, write);
	if (rc && write)
		store_rollback(*db);
	return rc;
}
