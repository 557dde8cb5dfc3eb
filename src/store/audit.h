/* The audit log: who changed what, when, old -> new (JSON, never secrets). */
#ifndef STORE_AUDIT_H
#define STORE_AUDIT_H

#include <stdint.h>

#include "core/ids.h"

struct audit_entry {
	char account_id[ID_MAX];
	char id[ID_MAX];
	int64_t at;           /* microseconds */
	const char *actor_id; /* NULL for the system */
	const char *actor_label;
	const char *via;    /* cookie | bearer | basic | cli | system */
	const char *action; /* user.create ... */
	const char *target_type;
	const char *target_id;
	const char *target_label;
	const char *old_value; /* JSON text or NULL */
	const char *new_value;
};

/* fills id and at when empty */
int store_audit_insert(struct db *db, struct audit_entry *e);

struct audit_filter {
	const char *q;      /* substring of action, actor label or target label */
	const char *action; /* exact action, or a prefix ending in '.' ("user.") */
	const char *actor_id;
	const char *target_id;
	/* only entries this user may see: those about users, devices, companies and
	 * applications (by their owner) of a company of theirs, and about things that
	 * belong to no company (NULL: all) */
	const char *member_of;
	int64_t since_us, until_us; /* 0 = open */
	int64_t before_at;          /* cursor: entries strictly before (before_at, before_id) */
	const char *before_id;
	int limit;
};

/* newest first; fn is called for each row (strings valid during the call) */
int store_audit_list(struct db *db, const char *account_id, const struct audit_filter *f,
		     void (*fn)(void *arg, const struct audit_entry *e), void *arg);

#endif
