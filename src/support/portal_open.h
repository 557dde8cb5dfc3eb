/* Whether a portal is open now: within its company's business hours (the
 * effective business_hours setting, in its time_zone) and with at least one
 * serving technician available (store_portal_available). */
#ifndef SUPPORT_PORTAL_OPEN_H
#define SUPPORT_PORTAL_OPEN_H

#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

/* a technician whose console has not been heard of for this long is offline,
 * whatever their presence row says */
#define PORTAL_PRESENCE_FRESH_S 90

/* settings are a sibling domain: routes.c gives the function that reads a
 * company's effective setting by name (settings_effective_named); without
 * it every setting reads as E_NOTFOUND */
typedef int (*portal_setting_fn)(struct db *db, const char *account_id, const char *company_id, const char *name,
				 json_t **value);
void portal_settings_hook(portal_setting_fn fn);
/* the portal's company's effective setting (a new reference) */
int portal_setting(struct db *db, const struct portal *p, const char *name, json_t **value);

/* Pure: within hours ({"mon": [{"open": "HH:MM", "close": "HH:MM"}], ...}, as
 * settings_normalise stores it) at local weekday wday (0 = Monday) and minute
 * of the day? *next_s: seconds until that changes (at most 7 days; 7 days
 * when it never does). */
int portal_hours_open(const json_t *hours, int wday, int minute, int second, int64_t *next_s);

/* the portal's company's business hours at now: *within, and *next_change
 * (unix seconds) when that flips */
int portal_hours_now(struct db *db, const struct portal *p, time_t now, int *within, int64_t *next_change);

/* open = within hours and a technician available; *next_change as above */
int portal_open_now(struct db *db, const struct portal *p, time_t now, int *open, int64_t *next_change);

#endif
