/* Reports of the portals: GET /api/v1/support/reports (JSON or CSV) and
 * POST /api/v1/portals/{id}/reports/reset. */
#ifndef SUPPORT_REPORTS_H
#define SUPPORT_REPORTS_H

#include "http/router.h"

extern const struct route support_reports_routes[];

#endif
