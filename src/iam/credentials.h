/* Which users a login names. An address is unique within an account only
 * (migration 026), so a login without an account may name a user in each of
 * several accounts: the password (or app password) decides which, and when it
 * fits more than one the caller must say which account it means. */
#ifndef IAM_CREDENTIALS_H
#define IAM_CREDENTIALS_H

#include "store/store.h"

/* the users with this address (lower-case): in account_id when it is given
 * (NULL or ""), else in any account, at most USERS_SAME_ADDRESS_MAX */
int credentials_candidates(struct db *db, const char *email, const char *account_id, struct user *out, int *n);
/* verifies pw against each candidate's account password and writes the
 * indexes of those it fits to match (*nmatch of them). The candidates share
 * the address email, hence the salt (iam/password.h): Argon2id runs once for
 * all whose hash has it, and once too when none has a password, so that the
 * time taken tells neither whether the address exists nor in how many
 * accounts. A hash with another salt (made before, or before the address
 * changed) is verified on its own and, when it fits, replaced in the
 * database (and in c) by the address-salted one. */
void credentials_verify(struct db *db, struct user *c, int n, const char *email, const char *pw, int *match,
			int *nmatch);
/* keeps only the active users among several matches when there are any: a
 * suspended user of one account does not stand in the way of the others */
void credentials_prefer_active(const struct user *c, int *match, int *nmatch);

#endif
