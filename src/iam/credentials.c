/* Candidates for a login and the password check among them
 * (iam/credentials.h). Bounded: at most USERS_SAME_ADDRESS_MAX Argon2id
 * verifications for one attempt (legacy hashes; one once all candidates are
 * address-salted), which the sign-in throttling counts as one. */
#include "iam/credentials.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "iam/password.h"
#include "iam/throttle.h"

int credentials_candidates(struct db *db, const char *email, const char *account_id, struct user *out, int *n)
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

void credentials_verify(struct db *db, struct user *c, int n, const char *email, const char *pw, int *match,
			int *nmatch)
{
	char prefix[PASSWORD_HASH_MAX], mine[PASSWORD_HASH_MAX] = "";
	int keyed = !password_address_prefix(email, prefix, sizeof prefix);
	size_t plen = keyed ? strlen(prefix) : 0;
	int tried = 0, salted = 0, legacy[USERS_SAME_ADDRESS_MAX] = {0};
	*nmatch = 0;
	if (n > USERS_SAME_ADDRESS_MAX)
		n = USERS_SAME_ADDRESS_MAX;
	for (int i = 0; i < n; i++) {
		if (!c[i].password_hash[0])
			continue;
		tried++;
		if (keyed && !strncmp(c[i].password_hash, prefix, plen))
			salted++;
		else
			legacy[i] = 1;
	}
	/* one Argon2id for every address-salted candidate, and for none at all
	 * (the same work whether the address exists); a legacy-only address
	 * costs its own verifications, as before, and no more */
	if (keyed && (salted || !tried)) {
		if (password_hash_address(pw, email, mine, sizeof mine))
			mine[0] = 0;
	} else if (!tried) {
		throttle_verify(NULL, pw);
	}
	int rehash[USERS_SAME_ADDRESS_MAX] = {0};
	for (int i = 0; i < n; i++) {
		if (!c[i].password_hash[0])
			continue;
		if (!legacy[i]) {
			if (mine[0] && password_same(c[i].password_hash, mine))
				match[(*nmatch)++] = i;
		} else if (throttle_verify(c[i].password_hash, pw)) {
			match[(*nmatch)++] = i;
			rehash[i] = keyed;
		}
	}
	/* the right password with an old salt: store the address-salted hash so
	 * that the next sign-in costs one Argon2id whatever the accounts; this
	 * costs one more now, after the password was found right */
	for (int i = 0; i < n; i++) {
		if (!rehash[i])
			continue;
		if (!mine[0] && password_hash_address(pw, email, mine, sizeof mine)) {
			mine[0] = 0;
			log_warn("password: cannot rehash a sign-in's password with its address salt");
			return;
		}
		int rc = store_user_rehash(db, c[i].account_id, c[i].id, c[i].password_hash, mine);
		if (rc && rc != E_NOTFOUND)
			log_warn("password: cannot store the rehashed password of user %s: %s", c[i].id,
				 error_name(rc));
		else if (!rc)
			snprintf(c[i].password_hash, sizeof c[i].password_hash, "%s", mine);
	}
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
