/* Background workers started by `convene serve` (outbox delivery, and later
 * provider sync, scheduled reports, room auto-release); each runs in its own
 * thread with its own database connection and stops when asked. */
#ifndef OPS_WORKERS_H
#define OPS_WORKERS_H

#include "core/config.h"

int workers_start(const struct config *cfg); /* 0, or prints why and returns non-zero */
void workers_stop(void);                     /* asks every worker to stop and joins it */
/* a committed change's topic (store_on_changed): wakes the workers it is for */
void workers_changed(const char *topic);

#endif
