/* Candidates for a login and the password check among them
 * (iam/credentials.h). Bounded: at most USERS_SAME_ADDRESS_MAX Argon2id
 * verifications for one attempt, which the sign-in throttling counts as one. */
#include "iam/credentials.h"

#include <string.h>

#include "core/errors.h"
#include "iam/throttle.h"

int credentials_candidates(struct db *db, const char *email, const char *account_id,
			   struct user *out, int *n)
{
	*n = 0;
	if (!account_id || !*account_id)
		return store_users_by_email(db, email, out, USERS_SAME_ADDRESS_MAX, n);
	int rc = store_user_by_account_email(db, account_id, email, &out[0]);
	if (rc == E_NOTFOUND)
		return 0;
	if (!rc)
		*n = 1;
	return rc;
}

void credentials_verify(const struct user *c, int n, const char *pw, int *match, int *nmatch)
{
	int tried = 0;
	*nmatch = 0;
	for (int i = 0; i < n; i++) {
		if (!c[i].password_hash[0])
			continue;
		tried++;
		if (throttle_verify(c[i].password_hash, pw))
			match[(*nmatch)++] = i;
	}
	if (!tried)
		throttle_verify(NULL, pw);
}

void credentials_prefer_active(const struct user *c, int *match, int *nmatch)
{
	int active = 0;
	for (int i = 0; i < *nmatch; i++)
		if (!strcmp(c[match[i]].status, "active"))
			match[active++] = match[i];
	if (active)
		*nmatch = active;
}
