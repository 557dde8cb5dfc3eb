/* Who asks on a portal: anyone giving a name and an e-mail address (the
 * portal's customer_auth `contact`), or only the company's customers signed
 * in to convene (`sign_in`), whose name and address come from their user. */
#ifndef SUPPORT_PORTAL_CUSTOMER_H
#define SUPPORT_PORTAL_CUSTOMER_H

#include "core/ids.h"
#include "http/request.h"
#include "store/portals.h"
#include "store/store.h"

struct portal_customer {
	char user_id[ID_MAX]; /* "": not signed in (a contact portal) */
	char name[256];
	char email[256];
};

/* fills who for a request to p: on a sign_in portal from the signed-in
 * user (401 when nobody of p's account is signed in through the web app,
 * 403 for a user who is not an active customer of p's company), else from
 * name and email, the body's fields (checked here: 422 naming the field) */
int portal_customer_identify(struct req *r, struct db *db, const struct portal *p, const char *name, const char *email,
			     struct portal_customer *who);

#endif
