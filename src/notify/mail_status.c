/* "failing" is read from the outbox itself (a queued message that has been
 * tried and failed), so that every node of a cluster tells the same story
 * without sharing the worker's memory. */
#include "notify/mail_status.h"

#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "http/response.h"

int mail_status_get(struct db *db, const char *account_id, struct mail_status *out)
{
	memset(out, 0, sizeof *out);
	out->smtp_configured = config_current()->smtp_url[0] != 0;
	int rc = store_outbox_stats(db, account_id, &out->stats);
	if (rc)
		return rc;
	out->state = !out->smtp_configured ? "held" : out->stats.retrying ? "failing" : "ok";
	return 0;
}

#define HELD "no mail server is configured: the message waits in the outbox until an administrator sets one up"
#define FAILING "the mail server refuses or cannot be reached: the message waits in the outbox and is retried"
#define QUEUED "the message is on its way"

json_t *mail_status_delivery_json(struct req *r, struct db *db, const char *account_id)
{
	struct mail_status m;
	if (mail_status_get(db, account_id, &m))
		return json_null();
	const char *state = !strcmp(m.state, "ok") ? "queued" : m.state;
	const char *detail = !strcmp(m.state, "held") ? HELD : !strcmp(m.state, "failing") ? FAILING : QUEUED;
	return json_pack("{s:s, s:s}", "state", state, "detail", resp_text(r, detail));
}

json_t *mail_status_json(struct req *r, const struct mail_status *m)
{
	const struct outbox_stats *s = &m->stats;
	char oldest[32];
	json_t *o = json_pack("{s:s, s:b, s:I, s:I}", "state", m->state, "smtp_configured", m->smtp_configured,
			      "queued", (json_int_t)s->queued, "failed", (json_int_t)s->failed);
	if (s->queued && s->oldest_queued_at) {
		clock_iso(s->oldest_queued_at, oldest, sizeof oldest);
		int64_t age = clock_now() - s->oldest_queued_at;
		json_object_set_new(o, "oldest_queued_at", json_string(oldest));
		json_object_set_new(o, "oldest_queued_age_seconds", json_integer(age < 0 ? 0 : age));
	} else {
		json_object_set_new(o, "oldest_queued_at", json_null());
		json_object_set_new(o, "oldest_queued_age_seconds", json_null());
	}
	json_object_set_new(o, "last_error", *s->last_error ? json_string(s->last_error) : json_null());
	const char *detail =
		!strcmp(m->state, "held")
			? "No mail server is configured (--smtp): mail waits in the outbox and nobody receives it."
		: !strcmp(m->state, "failing")
			? "Mail cannot leave: the mail server refuses or cannot be reached; it is retried."
			: "Mail is delivered.";
	json_object_set_new(o, "detail", json_string(resp_text(r, detail)));
	return o;
}
