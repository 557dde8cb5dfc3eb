/* The "user created" hook list (iam/user_hooks.h): a fixed array written
 * only at start-up, so reading it needs no lock. */
#include "iam/user_hooks.h"

#include "core/errors.h"

static user_created_fn created[USER_HOOKS_MAX];
static int ncreated;

int user_hooks_on_created(user_created_fn fn)
{
	if (ncreated >= USER_HOOKS_MAX)
		return E_TOOLARGE;
	created[ncreated++] = fn;
	return 0;
}

int user_hooks_created(struct db *db, const struct user *u)
{
	for (int i = 0; i < ncreated; i++) {
		int rc = created[i](db, u);
		if (rc)
			return rc;
	}
	return 0;
}
