/* /api/v1/settings (account values) and /api/v1/companies/{id}/settings
 * (effective values with their source, company overrides). */
#ifndef SETTINGS_ROUTES_H
#define SETTINGS_ROUTES_H

#include "http/router.h"

extern const struct route settings_routes[];

#endif
