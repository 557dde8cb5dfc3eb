/* Session recording: a session takes its company's session_recording when it
 * starts (support_sessions.recorded). At close, a recorded session is kept
 * until closed_at + session_retention_days (then the retention worker,
 * support/retention.c, erases it); one not recorded loses its message
 * bodies, question and files at once, in the closing transaction: only the
 * figures (times, counts, who) remain. */
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "support/chat.h"

#define DEFAULT_RETENTION_DAYS 30

static int setting(struct db *db, const struct support_session *s, const char *name, json_t **v)
{
	struct portal p;
	memset(&p, 0, sizeof p);
	memcpy(p.account_id, s->account_id, sizeof p.account_id);
	memcpy(p.company_id, s->company_id, sizeof p.company_id);
	return portal_setting(db, &p, name, v);
}

int chat_recording_start(struct db *db, const struct support_session *s)
{
	json_t *v = NULL;
	int rc = setting(db, s, "session_recording", &v);
	if (rc == E_NOTFOUND) /* no settings (a test without hooks): not recorded */
		rc = 0;
	int on = json_is_true(v);
	json_decref(v);
	return rc ? rc : store_support_session_set_recorded(db, s->account_id, s->id, on);
}

int chat_recording_close(struct db *db, const struct support_session *s, int64_t now)
{
	struct support_record rec;
	int rc = store_support_record_get(db, s->account_id, s->id, &rec);
	if (rc)
		return rc;
	if (!rec.recorded)
		return (rc = store_support_session_erase(db, s->account_id, s->id, now)) < 0 ? rc : 0;
	json_t *v = NULL;
	rc = setting(db, s, "session_retention_days", &v);
	if (rc && rc != E_NOTFOUND)
		return rc;
	/* an enum of day counts: "30" */
	long days = json_is_string(v) ? strtol(json_string_value(v), NULL, 10) : DEFAULT_RETENTION_DAYS;
	json_decref(v);
	if (days <= 0)
		days = DEFAULT_RETENTION_DAYS;
	return store_support_session_keep_until(db, s->account_id, s->id, now + (int64_t)days * 86400);
}

int chat_close(struct db *db, const struct support_session *s, const char *by, int64_t now)
{
	int rc;
	if ((rc = store_support_session_close(db, s->account_id, s->id, by, now)) ||
	    (rc = chat_post_state(db, s, "closed", by, NULL, now)))
		return rc;
	return chat_recording_close(db, s, now);
}
