/* The list of workers: outbox delivery, room bookings released when nobody
 * checked in, Zoom's webhook events, calendar sync (more arrive with later features). Each is a pass over its job
 * run by core/worker.c's loop; this file only decides which run, in what order. */
#include "ops/workers.h"

#include <curl/curl.h>

#include "calendar/release_worker.h"
#include "conferencing/zoom_event_sync.h"
#include "conferencing/zoom_worker.h"
#include "notify/outbox_worker.h"
#include "sync/outbound_worker.h"
#include "support/chat.h"
#include "sync/worker.h"

int workers_start(const struct config *cfg)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = outbox_worker_start(cfg);
	if (!rc && (rc = release_worker_start()))
		outbox_worker_stop();
	if (!rc && (rc = zoom_worker_start())) {
		release_worker_stop();
		outbox_worker_stop();
	}
	if (!rc && (rc = zoom_event_sync_start())) {
		zoom_worker_stop();
		release_worker_stop();
		outbox_worker_stop();
	}
	if (!rc && (rc = sync_worker_start())) {
		zoom_event_sync_stop();
		zoom_worker_stop();
		release_worker_stop();
		outbox_worker_stop();
	}
	if (!rc && (rc = sync_outbound_start())) {
		sync_worker_stop();
		zoom_event_sync_stop();
		zoom_worker_stop();
		release_worker_stop();
		outbox_worker_stop();
	}
	if (!rc && (rc = support_wait_worker_start())) {
		sync_outbound_stop();
		sync_worker_stop();
		zoom_event_sync_stop();
		zoom_worker_stop();
		release_worker_stop();
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
	support_wait_worker_stop();
	sync_outbound_stop();
	sync_worker_stop();
	zoom_event_sync_stop();
	zoom_worker_stop();
	release_worker_stop();
	outbox_worker_stop();
	curl_global_cleanup();
}
