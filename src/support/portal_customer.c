/* Who asks on a portal (support/portal_customer.h). A sign_in portal trusts
 * only the web app's session cookie, and since public routes skip the
 * server's CSRF check, the check is made here: a page of another site must
 * not open sessions in a signed-in customer's name. */
#include <stdio.h>
#include <string.h>

#include "api/access.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "store/users.h"
#include "support/portal_customer.h"

static int sign_in_first(struct req *r)
{
	resp_problem(r, 401, "customer-sign-in-required",
		     "sign in with your customer account of this company to ask for help here");
	return E_UNAUTH;
}

static int not_a_customer(struct req *r)
{
	resp_problem(r, 403, "not-a-customer", "only customers of this company can ask for help on its portal");
	return E_FORBIDDEN;
}

static int signed_in(struct req *r, struct db *db, const struct portal *p, struct portal_customer *who)
{
	/* app passwords and API tokens are not a person at a browser */
	if (!r->authenticated || r->who.via != AUTH_COOKIE || strcmp(r->who.account_id, p->account_id))
		return sign_in_first(r);
	const char *csrf = req_header(r, "X-CSRF-Token");
	if (!csrf || !ids_equal_ct(csrf, r->who.csrf))
		return resp_problem(r, 403, "csrf", "missing or wrong X-CSRF-Token header"), E_FORBIDDEN;
	struct user u;
	int rc = store_user_get(db, p->account_id, r->who.user_id, &u);
	if (rc == E_NOTFOUND)
		return sign_in_first(r);
	if (rc)
		return rc;
	if (strcmp(u.role, "customer") || strcmp(u.status, "active") || r->who.must_change_password)
		return not_a_customer(r);
	/* the caller is u, of p's account: one of their companies must be p's */
	rc = access_company_sees(r, db, (const char(*)[ID_MAX]) & p->company_id, 1);
	if (rc == E_NOTFOUND)
		return not_a_customer(r);
	if (rc)
		return rc;
	snprintf(who->user_id, sizeof who->user_id, "%s", u.id);
	snprintf(who->name, sizeof who->name, "%s", u.display_name[0] ? u.display_name : u.email);
	snprintf(who->email, sizeof who->email, "%s", u.email);
	return 0;
}

int portal_customer_identify(struct req *r, struct db *db, const struct portal *p, const char *name, const char *email,
			     struct portal_customer *who)
{
	memset(who, 0, sizeof *who);
	if (!strcmp(p->customer_auth, "sign_in"))
		return signed_in(r, db, p, who);
	if (!name)
		return resp_field_error(r, "name", "'%s' is required", "name"), E_INVALID;
	if (!*name)
		return resp_field_error(r, "name", "'%s' must not be empty", "name"), E_INVALID;
	if (!email)
		return resp_field_error(r, "email", "'%s' is required", "email"), E_INVALID;
	if (!jin_valid_email(email))
		return resp_field_error(r, "email", "'email' is not a valid e-mail address"), E_INVALID;
	snprintf(who->name, sizeof who->name, "%s", name);
	snprintf(who->email, sizeof who->email, "%s", email);
	return 0;
}
