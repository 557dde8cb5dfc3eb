/* Conference access: the account's admins and the conference's own
 * administrators manage it; for everyone else (and every other account) it
 * does not exist. Read on every request, never cached, so that removing an
 * administrator takes effect on their very next request. */
#include "conferencing/access.h"

#include <string.h>

#include "calendar/access.h"
#include "core/errors.h"
#include "http/response.h"

int conference_may_manage(struct db *db, const struct principal *who, const struct conference *c)
{
	if (strcmp(who->account_id, c->account_id) || !*who->user_id)
		return 0;
	if (!strcmp(who->role, "admin"))
		return 1;
	if (!calendar_owner_role(who->role)) /* guests and customers hold no office */
		return 0;
	return store_conference_admin_is(db, c->account_id, c->id, who->user_id);
}

int conference_load(struct req *r, struct db *db, const char *id, struct conference *out)
{
	int rc = ids_valid(id, "cnf") ? store_conference_get(db, r->who.account_id, id, out) : E_NOTFOUND;
	if (!rc) {
		int may = conference_may_manage(db, &r->who, out);
		rc = may < 0 ? may : may ? 0 : E_NOTFOUND;
	}
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no conference '%.40s' that you may see", id);
	return rc;
}
