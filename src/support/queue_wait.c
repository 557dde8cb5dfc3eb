/* The waiting message: once a session has waited its portal's wait_after_s
 * without a technician, the portal's wait_message goes into its transcript,
 * once. A worker on every node looks every few seconds (no request needed);
 * a conditional UPDATE of wait_notice_at lets exactly one node write it. */
#include <stdlib.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/worker.h"
#include "support/chat.h"

#define DUE_BATCH 50

static long poll_ms = 5000;

static int send_one(struct db *db, const struct support_session *s, int64_t now)
{
	struct portal p;
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	if ((rc = store_portal_get(db, s->account_id, s->portal_id, &p)))
		goto out;
	store_portal_free(&p); /* its logo: not needed here */
	if ((rc = store_support_wait_mark(db, s->account_id, s->id, now)) < 0)
		goto out;
	if (rc == 1)
		rc = chat_post(db, s, "system", NULL, "text", p.wait_message, now);
out:
	if (rc < 0) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}

static long pass(struct worker *w)
{
	(void)w;
	struct db *db = store_db();
	struct support_session *due = malloc(DUE_BATCH * sizeof *due);
	int n = 0, rc = db && due ? store_support_wait_due(db, clock_now(), due, DUE_BATCH, &n) : E_NOMEM;
	for (int i = 0; !rc && i < n; i++)
		rc = send_one(db, &due[i], clock_now());
	if (rc && rc != E_BUSY)
		log_warn("support waits: %s", error_name(rc));
	free(due);
	return rc ? poll_ms * 2 : n == DUE_BATCH ? 0 : poll_ms;
}

static struct worker waits = WORKER_INIT("support waits", pass, store_worker_end);

int support_wait_worker_start(void)
{
	poll_ms = worker_env_ms("CONVENE_SUPPORT_WAIT_POLL_MS", poll_ms, 50);
	waits.first_ms = poll_ms;
	return worker_start(&waits);
}

void support_wait_worker_stop(void)
{
	worker_stop(&waits);
}
