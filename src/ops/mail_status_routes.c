/* GET /api/v1/mail-status: whether the caller's account's mail can leave, for
 * the administrators' banner (notify/mail_status.h). */
#include "ops/mail_status_routes.h"

#include "core/errors.h"
#include "http/response.h"
#include "api/access.h"
#include "notify/mail_status.h"

static int show(struct req *r)
{
	int rc = access_admin(r);
	if (rc)
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct mail_status m;
	if ((rc = mail_status_get(db, r->who.account_id, &m)))
		return rc;
	return resp_json(r, 200, mail_status_json(r, &m));
}

const struct route mail_status_routes[] = {
	{"GET", "/api/v1/mail-status", show, 0},
	{0},
};
