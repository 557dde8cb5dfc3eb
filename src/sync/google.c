/* Google Workspace as a calendar provider: its table of operations
 * (sync/provider.h), each written in the google_*.c file of its concept.
 * One member per line, so that each operation is added on its own line. */
#include "sync/google_auth.h"
#include "sync/google_events.h"
#include "sync/google_write.h"

const struct sync_provider sync_google = {
	.name = "google",
	.step1 = google_step1,
	.check = google_check,
	.list_rooms = google_list_rooms,
	.changes = google_changes,
	.watch = google_watch,
	.unwatch = google_unwatch,
	.write = google_write,
	.remove = google_remove,
	.decline = google_decline,
	.find = google_find,
};
