/* Who asks on a portal (support/portal_customer.h). A sign_in portal trusts
 * only the web app's session cookie, and since public routes skip the
 * server's CSRF check, the check is made here: a page of another site must
 * not open sessions in a signed-in customer's name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "store/id_sets.h"
#include "store/users.h"
#include "support/portal_customer.h"

#define MAX_COMPANIES 256 /* a customer's companies looked through */

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

static int belongs(struct db *db, const struct portal *p, const char *user_id, int *yes)
{
	int n = 0;
	*yes = 0;
	char(*companies)[ID_MAX] = calloc(MAX_COMPANIES, ID_MAX);
	if (!companies)
		return E_NOMEM;
	int rc = store_ids_get(db, IDS_USER_COMPANIES, p->account_id, user_id, companies, MAX_COMPANIES, &n);
	for (int i = 0; !rc && i < n; i++)
		*yes |= !strcmp(companies[i], p->company_id);
	free(companies);
	return rc;
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
	int yes = 0;
	if (strcmp(u.role, "customer") || strcmp(u.status, "active") || r->who.must_change_password)
		return not_a_customer(r);
	if ((rc = belongs(db, p, u.id, &yes)))
		return rc;
	if (!yes)
		return not_a_customer(r);
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
