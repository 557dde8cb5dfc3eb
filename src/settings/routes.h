/* /api/v1/settings (account values) and /api/v1/companies/{id}/settings
 * (effective values with their source, company overrides). */
#ifndef SETTINGS_ROUTES_H
#define SETTINGS_ROUTES_H

#include "http/router.h"

struct db;

extern const struct route settings_routes[];

/* who besides admins may change (or stop overriding) a company's setting:
 * iam answers (iam/rights.h rights_may_change_company_setting) 1, 0, or a
 * negative error; company_id NULL asks whether the user's role may change
 * the setting of some company at all. Without the hook, only admins */
typedef int (*settings_company_may_fn)(struct db *db, const char *account_id, const char *user_id, const char *role,
				       const char *company_id, const char *setting);
void settings_company_hook(settings_company_may_fn may);

#endif
