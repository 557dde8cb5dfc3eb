/* Settings: a fixed catalogue (catalogue.def) of account-wide values, each
 * overridable per company. The effective value for a company is its override,
 * else the account's value, else the default. */
#ifndef SETTINGS_SETTINGS_H
#define SETTINGS_SETTINGS_H

#include <jansson.h>
#include <stddef.h>

struct db;

enum setting_type { SETTING_ENUM, SETTING_BOOL, SETTING_TIME_ZONE, SETTING_HOURS };

struct setting_def {
	const char *name;
	enum setting_type type;
	const char *default_json;
	const char *allowed; /* enums: "a|b|c" */
	const char *description;
};

extern const struct setting_def settings_catalogue[];
extern const int settings_count;

const struct setting_def *settings_find(const char *name);
const char *settings_type_name(enum setting_type t);
/* NULL when value is acceptable for def, else why not (static or into why) */
const char *settings_check(const struct setting_def *def, json_t *value, char *why, size_t n);
/* the same, the reason in language lang (enum lang of core/i18n.h) */
const char *settings_check_in(const struct setting_def *def, json_t *value, int lang, char *why, size_t n);
/* the form a checked value is stored in (new reference; NULL without memory):
 * business hours get all seven days mon..sun in order (a day left out is
 * closed: []) and each day's intervals sorted by opening time */
json_t *settings_normalise(const struct setting_def *def, json_t *value);

/* The effective value for a company (NULL = the account level), as text:
 * enums and time zones bare (`fr`), booleans `true`/`false`, objects as JSON.
 * 0, E_NOTFOUND for an unknown name, or a store error. */
int settings_value(struct db *db, const char *account_id, const char *company_id, const char *name, char *out,
		   size_t outlen);
/* the effective value as JSON (new reference) and where it comes from:
 * "company", "account" or "default" */
int settings_effective(struct db *db, const char *account_id, const char *company_id, const struct setting_def *def,
		       json_t **value, const char **source);
/* the same by name, for domains given it as a hook (support/portal_open.h) */
int settings_effective_named(struct db *db, const char *account_id, const char *company_id, const char *name,
			     json_t **value);

#endif
