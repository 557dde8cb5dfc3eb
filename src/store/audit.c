/* audit_log table: append-only. */
#include "core/clock.h"
#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

int store_audit_insert(struct db *db, struct audit_entry *e)
{
	if (!e->id[0])
		ids_new("aud", e->id);
	if (!e->at)
		e->at = clock_now_us();
	int rc = db_exec(db,
			 "INSERT INTO audit_log (account_id, id, at, actor_id, actor_label, via, action,"
			 " target_type, target_id, target_label, old_value, new_value)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 "ssisssssssss", e->account_id, e->id, e->at, e->actor_id,
			 e->actor_label ? e->actor_label : "system", e->via ? e->via : "system", e->action,
			 e->target_type, e->target_id, e->target_label, e->old_value, e->new_value);
	return rc < 0 ? rc : 0;
}
