/* Whether an account's mail can leave: no SMTP server configured (held),
 * deliveries failing (failing), or working (ok). Told to whoever just caused
 * a mail (a share, a reset link) and to administrators (GET /api/v1/mail-status). */
#ifndef NOTIFY_MAIL_STATUS_H
#define NOTIFY_MAIL_STATUS_H

#include <jansson.h>

#include "http/request.h"
#include "store/store.h"

struct mail_status {
	const char *state; /* "ok" | "held" | "failing" */
	int smtp_configured;
	struct outbox_stats stats;
};

int mail_status_get(struct db *db, const char *account_id, struct mail_status *out);
/* the fate of a mail just queued, {state: queued|held|failing, detail}, in r's language */
json_t *mail_status_delivery_json(struct req *r, struct db *db, const char *account_id);
/* the administrators' view: state, smtp_configured, queued, oldest_queued_at, ... */
json_t *mail_status_json(struct req *r, const struct mail_status *m);

#endif
