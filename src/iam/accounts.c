/* One transaction: account, default company, admin user and audit entries. */
#include "iam/accounts.h"
#include "iam/user_hooks.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "api/audit.h"
#include "iam/password.h"
#include "iam/users.h"
#include "store/store.h"
#include "support/portals.h"

int accounts_create(struct db *db, const char *name, const char *admin_email, const char *password,
		    struct account_created *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!name || !*name || strlen(name) > 200) {
		snprintf(err, errlen, "the account name must have 1 to 200 characters");
		return E_INVALID;
	}
	if (!admin_email || !jin_valid_email(admin_email)) {
		snprintf(err, errlen, "'%s' is not an e-mail address", admin_email ? admin_email : "");
		return E_INVALID;
	}
	if (!password) {
		password_generate(out->password, sizeof out->password);
		out->generated = 1;
		password = out->password;
	}
	const char *why = password_problem(password, admin_email, NULL, NULL);
	if (why) {
		snprintf(err, errlen, "%s", why);
		return E_INVALID;
	}
	struct account a = {0};
	struct company c = {0};
	struct user u = {0};
	int64_t now = clock_now();
	ids_new("acc", a.id);
	snprintf(a.name, sizeof a.name, "%s", name);
	a.created_at = now;
	memcpy(c.account_id, a.id, sizeof c.account_id);
	ids_new("cmp", c.id);
	snprintf(c.name, sizeof c.name, "%s", name);
	c.is_default = 1;
	c.created_at = now;
	memcpy(u.account_id, a.id, sizeof u.account_id);
	ids_new("usr", u.id);
	snprintf(u.email, sizeof u.email, "%s", admin_email);
	users_lower_email(u.email);
	snprintf(u.display_name, sizeof u.display_name, "Administrator");
	snprintf(u.role, sizeof u.role, "admin");
	snprintf(u.status, sizeof u.status, "active");
	u.must_change_password = out->generated;
	u.allow_password_reset = 1;
	u.created_at = u.updated_at = now;
	int rc = password_hash(password, u.email, u.password_hash, sizeof u.password_hash);
	if (rc)
		return rc;
	const char *cid = c.id;
	if ((rc = store_begin(db, 1)))
		goto dberr;
	if ((rc = store_account_insert(db, &a)) || (rc = store_company_insert(db, &c)) ||
	    (rc = portals_create_for_company(db, &c)))
		goto fail;
	rc = store_user_insert(db, &u);
	if (rc == E_CONFLICT) {
		store_rollback(db);
		snprintf(err, errlen, "a user with the e-mail address %s already exists", u.email);
		return rc;
	}
	if (rc || (rc = store_ids_set(db, IDS_USER_COMPANIES, a.id, u.id, &cid, 1)) ||
	    (rc = user_hooks_created(db, &u)) ||
	    (rc = audit_record_system(db, a.id, "cli", "account.create", "account", a.id, a.name, NULL,
				      json_pack("{s:s, s:s}", "name", a.name, "admin_email", u.email))))
		goto fail;
	if ((rc = store_commit(db)))
		goto dberr;
	memcpy(out->account_id, a.id, sizeof a.id);
	memcpy(out->company_id, c.id, sizeof c.id);
	memcpy(out->admin_id, u.id, sizeof u.id);
	return 0;
fail:
	store_rollback(db);
dberr:
	snprintf(err, errlen, "database error: %s", store_error(db));
	return rc;
}
