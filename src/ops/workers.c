/* The list of workers. */
#include "ops/workers.h"

int workers_start(const struct config *cfg)
{
	(void)cfg;
	return 0;
}

void workers_stop(void) {}
