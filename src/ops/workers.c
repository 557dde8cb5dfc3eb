/* The list of workers: outbox delivery (more arrive with later features). */
#include "ops/workers.h"

#include <curl/curl.h>

#include "notify/outbox_worker.h"

int workers_start(const struct config *cfg)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return outbox_worker_start(cfg);
}

void workers_stop(void)
{
	outbox_worker_stop();
	curl_global_cleanup();
}
