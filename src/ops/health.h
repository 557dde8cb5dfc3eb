/* Operational endpoints: /healthz (the process answers), /readyz (the
 * database answers; schema version) and /metrics (Prometheus text). */
#ifndef OPS_HEALTH_H
#define OPS_HEALTH_H

#include "http/router.h"

extern const struct route health_routes[];
void health_register_gauges(void);

#endif
