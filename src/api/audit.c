/* Thin layer over store_audit_insert that knows the principal. */
#include "api/audit.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static const char *via_name(enum auth_via v)
{
	switch (v) {
	case AUTH_COOKIE:
		return "cookie";
	case AUTH_BEARER:
		return "bearer";
	case AUTH_BASIC:
		return "basic";
	default:
		return "system";
	}
}

static int insert(struct db *db, struct audit_entry *e, json_t *o, json_t *n)
{
	char *os = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *ns = n ? json_dumps(n, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	e->old_value = os;
	e->new_value = ns;
	int rc = store_audit_insert(db, e);
	free(os);
	free(ns);
	json_decref(o);
	json_decref(n);
	return rc;
}

int audit_record(struct req *r, struct db *db, const char *action, const char *target_type, const char *target_id,
		 const char *target_label, json_t *o, json_t *n)
{
	struct audit_entry e = {0};
	memcpy(e.account_id, r->who.account_id, sizeof e.account_id);
	e.actor_id = r->who.user_id[0] ? r->who.user_id : NULL;
	e.actor_label = r->who.email[0] ? r->who.email : "anonymous";
	e.via = via_name(r->who.via);
	e.action = action;
	e.target_type = target_type;
	e.target_id = target_id;
	e.target_label = target_label;
	return insert(db, &e, o, n);
}

int audit_record_system(struct db *db, const char *account_id, const char *via, const char *action,
			const char *target_type, const char *target_id, const char *target_label, json_t *o, json_t *n)
{
	struct audit_entry e = {0};
	strncpy(e.account_id, account_id, sizeof e.account_id - 1);
	e.actor_label = via;
	e.via = via;
	e.action = action;
	e.target_type = target_type;
	e.target_id = target_id;
	e.target_label = target_label;
	return insert(db, &e, o, n);
}
