/* Stored setting values: one row per (account, company or '' for the
 * account level, name), the value as JSON text. Validation and defaults live
 * in settings/. */
#ifndef STORE_SETTINGS_H
#define STORE_SETTINGS_H

#include <stddef.h>

/* the stored JSON text into out; E_NOTFOUND when not set at that level */
int store_setting_get(struct db *db, const char *account_id, const char *company_id, const char *name, char *out,
		      size_t outlen);
int store_setting_put(struct db *db, const char *account_id, const char *company_id, const char *name, const char *json,
		      const char *updated_by);
/* E_NOTFOUND when there was nothing to remove */
int store_setting_delete(struct db *db, const char *account_id, const char *company_id, const char *name);
/* removes every override of a company (when the company goes) */
int store_setting_delete_company(struct db *db, const char *account_id, const char *company_id);

#endif
