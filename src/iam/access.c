/* Role checks. A technician sees the admin center read-only, so every
 * read route checks access_read_admin and every change access_admin. */
#include "iam/access.h"

#include <string.h>

#include "core/errors.h"
#include "http/response.h"

int access_is(const struct req *r, const char *role) { return !strcmp(r->who.role, role); }

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
