/* The list of workers: outbox delivery, room bookings released when nobody
 * checked in, Zoom's webhook events, calendar sync, support's waiting
 * messages. Each is a pass over its job run by core/worker.c's loop; this
 * file only decides which run, in what order. */
#include "ops/workers.h"

#include <curl/curl.h>

#include "calendar/release_worker.h"
#include "conferencing/zoom_event_sync.h"
#include "conferencing/zoom_worker.h"
#include "notify/outbox_worker.h"
#include "sync/outbound_worker.h"
#include "support/chat.h"
#include "sync/worker.h"

/* the workers that take no configuration, in starting order (stopped in the
 * reverse one); the outbox's goes first, before this list */
static const struct {
	int (*start)(void);
	void (*stop)(void);
} WORKERS[] = {
	{release_worker_start, release_worker_stop},
	{zoom_worker_start, zoom_worker_stop},
	{zoom_event_sync_start, zoom_event_sync_stop},
	{sync_worker_start, sync_worker_stop},
	{sync_outbound_start, sync_outbound_stop},
	{support_wait_worker_start, support_wait_worker_stop},
	{support_retention_worker_start, support_retention_worker_stop},
};
#define NWORKERS (sizeof WORKERS / sizeof WORKERS[0])

/* stops the first n of the list, last first */
static void stop_first(size_t n)
{
	while (n-- > 0)
		WORKERS[n].stop();
}

int workers_start(const struct config *cfg)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = outbox_worker_start(cfg);
	for (size_t i = 0; !rc && i < NWORKERS; i++)
		if ((rc = WORKERS[i].start())) {
			stop_first(i);
			outbox_worker_stop();
		}
	return rc;
}

void workers_changed(const char *topic)
{
	sync_outbound_changed(topic);
}

void workers_stop(void)
{
	stop_first(NWORKERS);
	outbox_worker_stop();
	curl_global_cleanup();
}
