/* The retention worker: on every node, every few seconds, erases closed
 * sessions whose transcript is due to go (recorded ones past keep_until,
 * and any unrecorded one a closing path left whole), a bounded batch a
 * pass. The erase is a conditional UPDATE: two nodes racing for the same
 * session erase it once. */
#include <stdlib.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/worker.h"
#include "support/chat.h"

#define ERASE_BATCH 50

static long poll_ms = 5000;

static int erase_one(struct db *db, const char *account_id, const char *id, int64_t now)
{
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	if ((rc = store_support_session_erase(db, account_id, id, now)) < 0) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}

static long pass(struct worker *w)
{
	(void)w;
	struct db *db = store_db();
	char(*accounts)[ID_MAX] = malloc(ERASE_BATCH * sizeof *accounts);
	char(*ids)[ID_MAX] = malloc(ERASE_BATCH * sizeof *ids);
	int n = 0, rc = db && accounts && ids ? store_support_erase_due(db, clock_now(), accounts, ids, ERASE_BATCH, &n)
					      : E_NOMEM;
	for (int i = 0; !rc && i < n; i++)
		rc = erase_one(db, accounts[i], ids[i], clock_now());
	if (rc && rc != E_BUSY)
		log_warn("support retention: %s", error_name(rc));
	free(accounts);
	free(ids);
	return rc ? poll_ms * 2 : n == ERASE_BATCH ? 0 : poll_ms;
}

static struct worker retention = WORKER_INIT("support retention", pass, store_worker_end);

int support_retention_worker_start(void)
{
	poll_ms = worker_env_ms("CONVENE_SUPPORT_RETENTION_POLL_MS", poll_ms, 50);
	retention.first_ms = poll_ms;
	return worker_start(&retention);
}

void support_retention_worker_stop(void)
{
	worker_stop(&retention);
}
