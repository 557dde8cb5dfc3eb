/* audit_log table: append-only. */
#include <stdio.h>
#include <string.h>

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

int store_audit_list(struct db *db, const char *account_id, const struct audit_filter *f,
		     void (*fn)(void *arg, const struct audit_entry *e), void *arg)
{
	char q[600], action_prefix[200] = "";
	const char *action_exact = "";
	db_like_pattern(f->q, 1, q, sizeof q);
	if (f->action && *f->action) {
		size_t n = strlen(f->action);
		if (f->action[n - 1] == '.')
			db_like_pattern(f->action, 0, action_prefix, sizeof action_prefix);
		else
			action_exact = f->action;
	}
	const char *member = f->member_of ? f->member_of : "";
	struct db_rows *r;
	int rc = db_query(
		db, &r,
		"SELECT id, at, actor_id, actor_label, via, action, target_type, target_id, target_label,"
		" old_value, new_value FROM audit_log WHERE account_id = ?"
		" AND (? = '' OR lower(action) LIKE lower(?) ESCAPE '\\' OR lower(actor_label) LIKE lower(?) ESCAPE '\\'"
		"      OR lower(COALESCE(target_label, '')) LIKE lower(?) ESCAPE '\\')"
		" AND (? = '' OR action = ?)"
		" AND (? = '' OR action LIKE ? ESCAPE '\\')"
		" AND (? = '' OR actor_id = ?)"
		" AND (? = '' OR target_id = ?)"
		" AND (? = '' OR COALESCE(target_type, '') NOT IN ('user', 'company', 'device', 'app')"
		"      OR (target_type = 'user' AND (target_id = ? OR EXISTS (SELECT 1 FROM user_companies c"
		"          JOIN user_companies m ON m.account_id = c.account_id AND m.company_id = c.company_id"
		"          WHERE c.account_id = audit_log.account_id AND c.user_id = audit_log.target_id"
		"          AND m.user_id = ?)))"
		"      OR (target_type = 'company' AND EXISTS (SELECT 1 FROM user_companies m"
		"          WHERE m.account_id = audit_log.account_id AND m.company_id = audit_log.target_id"
		"          AND m.user_id = ?))"
		"      OR (target_type = 'device' AND EXISTS (SELECT 1 FROM device_companies d"
		"          JOIN user_companies m ON m.account_id = d.account_id AND m.company_id = d.company_id"
		"          WHERE d.account_id = audit_log.account_id AND d.device_id = audit_log.target_id"
		"          AND m.user_id = ?))"
		"      OR (target_type = 'app' AND EXISTS (SELECT 1 FROM apps a JOIN user_companies c"
		"          ON c.account_id = a.account_id AND c.user_id = a.owner_id"
		"          JOIN user_companies m ON m.account_id = c.account_id AND m.company_id = c.company_id"
		"          WHERE a.account_id = audit_log.account_id AND a.id = audit_log.target_id"
		"          AND m.user_id = ?)))"
		" AND (? = 0 OR at >= ?) AND (? = 0 OR at < ?)"
		" AND (? = 0 OR at < ? OR (at = ? AND id < ?))"
		" ORDER BY at DESC, id DESC LIMIT ?",
		"sssssssssssssssssssiiiiiiisd", account_id, q, q, q, q, action_exact, action_exact, action_prefix,
		action_prefix, f->actor_id ? f->actor_id : "", f->actor_id ? f->actor_id : "",
		f->target_id ? f->target_id : "", f->target_id ? f->target_id : "", member, member, member, member,
		member, member, f->since_us, f->since_us, f->until_us, f->until_us, f->before_at, f->before_at,
		f->before_at, f->before_id ? f->before_id : "", f->limit);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1) {
		struct audit_entry e = {0};
		snprintf(e.account_id, sizeof e.account_id, "%s", account_id);
		snprintf(e.id, sizeof e.id, "%s", db_text(r, 0));
		e.at = db_int(r, 1);
		e.actor_id = db_text(r, 2);
		e.actor_label = db_text(r, 3);
		e.via = db_text(r, 4);
		e.action = db_text(r, 5);
		e.target_type = db_text(r, 6);
		e.target_id = db_text(r, 7);
		e.target_label = db_text(r, 8);
		e.old_value = db_text(r, 9);
		e.new_value = db_text(r, 10);
		fn(arg, &e);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}
