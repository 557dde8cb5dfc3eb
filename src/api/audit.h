/* Recording changes in the audit log, inside the caller's transaction, with
 * the acting principal taken from the request. Values are JSON objects that
 * must never contain secrets. */
#ifndef IAM_AUDIT_H
#define IAM_AUDIT_H

#include <jansson.h>

#include "http/request.h"

struct db;

/* old_value and new_value are stolen (may be NULL) */
int audit_record(struct req *r, struct db *db, const char *action, const char *target_type, const char *target_id,
		 const char *target_label, json_t *old_value, json_t *new_value);
/* for changes made outside a request (CLI, workers): via is "cli" or "system" */
int audit_record_system(struct db *db, const char *account_id, const char *via, const char *action,
			const char *target_type, const char *target_id, const char *target_label, json_t *old_value,
			json_t *new_value);

#endif
