/* Role checks. A technician sees the admin center read-only, so every
 * read route checks access_read_admin and every change access_admin; and
 * every role but admin only the companies it belongs to (company scope). */
#include "api/access.h"

#include <string.h>

#include "core/errors.h"
#include "http/response.h"
#include "store/store.h"

int access_is(const struct req *r, const char *role)
{
	return !strcmp(r->who.role, role);
}

int access_admin(struct req *r)
{
	if (access_is(r, "admin"))
		return 0;
	resp_problem(r, 403, "forbidden",
		     access_is(r, "technician") ? "technicians may look but not change anything here"
						: "only administrators may do this");
	return E_FORBIDDEN;
}

int access_read_admin(struct req *r)
{
	if (access_is(r, "admin") || access_is(r, "technician") || access_is(r, "manager") ||
	    access_is(r, "api_manager"))
		return 0;
	resp_problem(r, 403, "forbidden", "your role may not see the account's administration data");
	return E_FORBIDDEN;
}

const char *access_company_scope(const struct req *r)
{
	return access_is(r, "admin") ? NULL : r->who.user_id;
}

int access_company_sees(struct req *r, struct db *db, const char (*ids)[ID_MAX], int n)
{
	const char *me = access_company_scope(r);
	if (!me)
		return 0;
	char mine[64][ID_MAX];
	int m = 0;
	int rc = store_ids_get(db, IDS_USER_COMPANIES, r->who.account_id, me, mine, 64, &m);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++)
			if (!strcmp(ids[i], mine[j]))
				return 0;
	return E_NOTFOUND;
}

int access_user_sees(struct req *r, struct db *db, const char *user_id)
{
	if (!access_company_scope(r) || !strcmp(user_id, r->who.user_id))
		return 0;
	char ids[64][ID_MAX];
	int n = 0;
	int rc = store_ids_get(db, IDS_USER_COMPANIES, r->who.account_id, user_id, ids, 64, &n);
	return rc ? rc : access_company_sees(r, db, (const char(*)[ID_MAX])ids, n);
}
