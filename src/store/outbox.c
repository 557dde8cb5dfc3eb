/* outbox table: insertion and depth; claiming and marking live with the worker's operations. */
#include "core/clock.h"
#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_outbox_insert(struct db *db, struct outbox_msg *m)
{
	if (!m->id[0])
		ids_new("msg", m->id);
	int64_t now = clock_now();
	if (!m->created_at)
		m->created_at = now;
	if (!m->next_attempt_at)
		m->next_attempt_at = now;
	int rc = db_exec(db,
			 "INSERT INTO outbox (account_id, id, kind, recipient, subject, body, status,"
			 " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
			 "ssssssii", m->account_id, m->id, m->kind, m->recipient, m->subject, m->body,
			 m->next_attempt_at, m->created_at);
	return rc < 0 ? rc : 0;
}

int store_outbox_depth(struct db *db, int64_t *out)
{
	return db_query_int(db, out, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending','sending')", "");
}
