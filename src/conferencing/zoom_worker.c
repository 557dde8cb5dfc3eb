/* Processing Zoom's webhook events, one claimed event per pass, each user's
 * in order of arrival (the claim sees to it across nodes). Local changes are
 * one transaction each, with their mails (outbox) and audit entries; calls
 * to Zoom happen outside it. Every step can run again after a crash or a
 * retry: an uninstall whose connections are already gone only makes the
 * compliance call again, a meeting event only reloads the cache again.
 *
 * meeting.*: the cache is reloaded from Zoom's meetings list
 * (zoom_meetings_refresh) rather than patched from the payload, because
 * meeting.updated carries only the fields that changed, a recurring
 * meeting's occurrences move with its rule, and Zoom may deliver events late,
 * twice or out of order (its retries come 5, 20 and 60 minutes later): a
 * reload leaves the cache equal to Zoom whatever the order. The events of one
 * user that wait behind the one claimed are answered by the same reload, so
 * a burst costs one list. The payload still gives what the list never
 * carries: a meeting's passcode (`password`), set on the reloaded row. */
#include "conferencing/zoom_worker.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/audit.h"
#include "conferencing/zoom_api.h"
#include "conferencing/zoom_oauth.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/worker.h"
#include "http/client.h"
#include "iam/language.h"
#include "notify/outbox_worker.h"
#include "notify/templates.h"
#include "store/store.h"

#define LEASE_SECONDS 600 /* longer than a reload of 20 pages can take */
#define FOLLOW_MAX 100    /* meeting events read at a time to be answered by one reload */
#define FOLLOW_TOTAL 5000 /* meeting events answered by one reload: at most */
/* A burst of meeting events of one Zoom user (a host editing a series, a
 * script) is answered by at most one reload per RELOAD_FLOOR seconds: each
 * reload reads every page of the host's meetings, and Zoom counts those calls
 * against the account's rate limit (2 a second on its free plan). The event
 * that comes too soon waits for the floor; its reload then answers it and
 * those after it. Per process: another node keeps its own floor. */
#define RELOAD_FLOOR 2
#define RELOADS_KEPT 64 /* Zoom users whose last reload is remembered */

static struct {
	char user[ZOOM_WEBHOOK_ID_MAX];
	int64_t at_ms;
} reloads[RELOADS_KEPT]; /* the worker's own thread only */

/* ms since this user's last reload here, or -1 when none is remembered */
static int64_t since_reload(const char *user, int64_t now_ms)
{
	for (int i = 0; i < RELOADS_KEPT; i++)
		if (reloads[i].at_ms && !strcmp(reloads[i].user, user))
			return now_ms - reloads[i].at_ms;
	return -1;
}

static void note_reload(const char *user, int64_t now_ms)
{
	int slot = 0;
	for (int i = 0; i < RELOADS_KEPT; i++) {
		if (!strcmp(reloads[i].user, user)) {
			slot = i;
			break;
		}
		if (reloads[i].at_ms < reloads[slot].at_ms) /* else the oldest goes */
			slot = i;
	}
	snprintf(reloads[slot].user, sizeof reloads[slot].user, "%s", user);
	reloads[slot].at_ms = now_ms;
}
#define PURGE_EVERY 3600
#define SWEEP_MAX 20 /* of each, per sweep */
#define DONE_KEEP (7 * 86400)
#define FAILED_KEEP (30 * 86400)

static long poll_ms = 5000;
static long sweep_ms = 60000; /* between sweeps of lapsed installs and orphaned Zoom accounts */

int64_t zoom_worker_backoff(int attempts)
{
	int64_t s = 30;
	for (int i = 1; i < attempts && s < 3600; i++)
		s *= 2;
	return s > 3600 ? 3600 : s;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* a failed attempt: again later, or given up after ZOOM_WEBHOOK_ATTEMPTS */
static int setback(struct db *db, const struct zoom_webhook_event *e, int64_t now, const char *error)
{
	if (e->attempts >= ZOOM_WEBHOOK_ATTEMPTS) {
		log_error("zoom webhook %s (%s) given up after %d attempts: %s", e->id, e->event, e->attempts, error);
		return store_zoom_webhook_fail(db, e->id, now, error);
	}
	int64_t delay = zoom_worker_backoff(e->attempts);
	log_warn("zoom webhook %s (%s) attempt %d failed: %s; next in %llds", e->id, e->event, e->attempts, error,
		 (long long)delay);
	return store_zoom_webhook_retry(db, e->id, now + delay, error);
}

/* ---- app_deauthorized ---- */

/* deauthorization_time, "2030-01-01T00:00:00.000Z" (ISO 8601 UTC, fraction
 * optional): Unix seconds, or 0 when absent or unreadable */
static int64_t deauth_time(json_t *payload)
{
	const char *s = str(payload, "deauthorization_time");
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
	time_t t = timegm(&tm);
	return t > 0 ? (int64_t)t : 0;
}

struct conn_ref {
	char account_id[ID_MAX], id[ID_MAX], conference_id[ID_MAX];
	char name[ZOOM_NAME_MAX * 4 + 1];
};

struct refs {
	struct conn_ref *v;
	int n, cap;
};

static int collect(void *ctx, const char *account_id, const char *id, const char *conference_id)
{
	struct refs *x = ctx;
	if (x->n == x->cap) {
		int cap = x->cap ? x->cap * 2 : 8;
		struct conn_ref *v = realloc(x->v, (size_t)cap * sizeof *v);
		if (!v)
			return E_NOMEM;
		x->v = v, x->cap = cap;
	}
	struct conn_ref *c = &x->v[x->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->account_id, sizeof c->account_id, "%s", account_id);
	snprintf(c->id, sizeof c->id, "%s", id);
	snprintf(c->conference_id, sizeof c->conference_id, "%s", conference_id);
	return 0;
}

struct admin {
	char account_id[ID_MAX], user_id[ID_MAX], email[256], language[8];
};

struct admins {
	struct admin *v;
	int n, cap;
	const char *account_id;
};

static int collect_admin(void *ctx, const char *user_id, const char *email, const char *language)
{
	struct admins *x = ctx;
	if (x->n == x->cap) {
		int cap = x->cap ? x->cap * 2 : 8;
		struct admin *v = realloc(x->v, (size_t)cap * sizeof *v);
		if (!v)
			return E_NOMEM;
		x->v = v, x->cap = cap;
	}
	struct admin *a = &x->v[x->n++];
	snprintf(a->account_id, sizeof a->account_id, "%s", x->account_id);
	snprintf(a->user_id, sizeof a->user_id, "%s", user_id);
	snprintf(a->email, sizeof a->email, "%s", email ? email : "");
	snprintf(a->language, sizeof a->language, "%s", language ? language : "");
	return 0;
}

/* the mail to one administrator, in their language */
static int mail_admin(struct db *db, const struct admin *a, const char *zoom_label, const struct conference *c,
		      const char *names)
{
	const char *lang = a->language;
	struct user u;
	if (!*lang && store_user_get(db, a->account_id, a->user_id, &u) == 0)
		lang = i18n_code(language_of_user(db, &u, NULL));
	char link[1024];
	snprintf(link, sizeof link, "%s/conferences/%s/zoom", config_current()->public_url, c->id);
	struct buf subject = {0}, body = {0};
	int rc = templates_render_zoom_deauthorized(lang, zoom_label, c->name, names, link, &subject, &body);
	if (!rc) {
		struct outbox_msg m = {
			.kind = "mail", .recipient = a->email, .subject = subject.data, .body = body.data};
		snprintf(m.account_id, sizeof m.account_id, "%s", a->account_id);
		rc = store_outbox_insert(db, &m);
	}
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

/* the administrators of the conference of refs[i], told once about all of
 * its connections that used the Zoom account (refs[j], j >= i, same conference) */
static int tell_conference(struct db *db, struct refs *refs, int i, const char *zoom_label)
{
	const struct conn_ref *r0 = &refs->v[i];
	for (int j = 0; j < i; j++) /* told already with an earlier connection */
		if (!strcmp(refs->v[j].account_id, r0->account_id) &&
		    !strcmp(refs->v[j].conference_id, r0->conference_id))
			return 0;
	struct conference c;
	int rc = store_conference_get(db, r0->account_id, r0->conference_id, &c);
	if (rc)
		return rc == E_NOTFOUND ? 0 : rc;
	struct buf names = {0};
	for (int j = i; j < refs->n && !rc; j++)
		if (!strcmp(refs->v[j].account_id, r0->account_id) &&
		    !strcmp(refs->v[j].conference_id, r0->conference_id))
			rc = buf_printf(&names, "%s\"%s\"", names.len ? ", " : "", refs->v[j].name);
	struct admins ad = {.account_id = r0->account_id};
	if (!rc)
		rc = store_conference_admin_emails(db, r0->account_id, r0->conference_id, collect_admin, &ad);
	for (int k = 0; !rc && k < ad.n; k++)
		if (ad.v[k].email[0])
			rc = mail_admin(db, &ad.v[k], zoom_label, &c, names.data ? names.data : "");
	free(ad.v);
	buf_free(&names);
	return rc;
}

/* the local part of an uninstall, in the caller's transaction: *removed gets
 * the number of connections that left their conference */
static int deauthorize_local(struct db *db, const char *user, int64_t since, int *removed)
{
	struct zoom_account *za = calloc(1, sizeof *za);
	struct refs refs = {0};
	char label[600];
	int rc = za ? store_zoom_account_get(db, user, za) : E_NOMEM;
	*removed = 0;
	if (rc == E_NOTFOUND) { /* nothing of this Zoom user is kept (any more) */
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	/* The Zoom account was authorized anew after this uninstall (the row is
	 * made when the first connection authorizes and deleted when the last one
	 * goes): a late delivery, such as Zoom's retry an hour on, concerns tokens
	 * that are dead already, not the live ones; nothing to remove. A minute
	 * of margin for the clocks of Zoom and of this server */
	if (since && za->created_at > since + 60) {
		log_info("zoom: an uninstall of user %s from before its latest authorization; nothing removed", user);
		goto out;
	}
	if ((rc = store_zoom_connections_of_user(db, user, collect, &refs)))
		goto out;
	if (za->display_name[0] && za->email[0])
		snprintf(label, sizeof label, "%s <%s>", za->display_name, za->email);
	else
		snprintf(label, sizeof label, "%s",
			 za->email[0]          ? za->email
			 : za->display_name[0] ? za->display_name
					       : user);
	for (int i = 0; !rc && i < refs.n; i++) {
		struct zoom_connection zc;
		struct conn_ref *c = &refs.v[i];
		if ((rc = store_zoom_connection_get(db, c->account_id, c->conference_id, c->id, &zc)))
			break;
		snprintf(c->name, sizeof c->name, "%s", zc.name);
		rc = audit_record_system(db, c->account_id, "system", "zoom_connection.deauthorized", "zoom_connection",
					 c->id, zc.name,
					 json_pack("{s:s, s:s, s:s, s:s}", "conference_id", c->conference_id, "name",
						   zc.name, "zoom_user_id", user, "zoom_email", za->email),
					 NULL);
	}
	for (int i = 0; !rc && i < refs.n; i++)
		rc = tell_conference(db, &refs, i, label);
	/* the open connection pages hear it (and end: the connection is gone) */
	int64_t n = 0;
	if (!rc && !(rc = store_zoom_changed_user(db, user)) &&
	    !(rc = store_zoom_connections_delete_of_user(db, user, &n)))
		rc = store_zoom_account_delete(db, user);
	*removed = (int)n;
out:
	free(refs.v);
	free(za);
	return rc;
}

/* Zoom's Data Compliance call (marketplace.zoom.us/docs/guides/publishing/
 * data-compliance): after deleting the data of a user who did not let the
 * app keep it, POST {client_id, user_id, account_id,
 * deauthorization_event_received: the event's payload, compliance_completed}
 * with the app's Basic credentials. 0 done; E_BUSY/E_IO to retry;
 * E_INVALID refused for good (err says why) */
static int compliance_call(json_t *payload, const char *user, char *err, size_t errlen)
{
	const struct config *cfg = config_current();
	if (!cfg->zoom_client_id[0] || !cfg->zoom_client_secret[0]) {
		snprintf(err, errlen, "the Zoom app is not configured (zoom_client_id, zoom_client_secret)");
		return E_INVALID;
	}
	json_t *body = json_pack("{s:s, s:s, s:s?, s:O, s:b}", "client_id", cfg->zoom_client_id, "user_id", user,
				 "account_id", str(payload, "account_id"), "deauthorization_event_received", payload,
				 "compliance_completed", 1);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return E_NOMEM;
	char url[1024];
	snprintf(url, sizeof url, "%s/oauth/data/compliance", cfg->zoom_oauth_url);
	static const char *const headers[] = {"Content-Type: application/json", "Accept: application/json", NULL};
	struct hc_request rq = {.method = "POST",
				.url = url,
				.headers = headers,
				.body = text,
				.body_len = strlen(text),
				.basic_user = cfg->zoom_client_id,
				.basic_password = cfg->zoom_client_secret,
				.max_answer = 64 * 1024};
	struct hc_response res;
	int rc = hc_do(&rq, &res);
	free(text);
	if (rc) {
		snprintf(err, errlen, "the Data Compliance call got no answer (%s)", error_name(rc));
		rc = rc == E_INVALID ? E_INVALID : E_IO;
	} else if (res.status >= 200 && res.status < 300) {
		rc = 0;
	} else {
		snprintf(err, errlen, "the Data Compliance call was answered %ld: %.200s", res.status,
			 res.body ? res.body : "");
		rc = res.status == 429 || res.status >= 500 ? E_BUSY : E_INVALID;
	}
	hc_response_free(&res);
	return rc;
}

/* user_data_retention "false" (the documented payload carries it as a
 * string; a JSON false means the same): the user wants the data deleted and
 * Zoom told. Absent (Zoom's current payload), or "true": no call (docs/zoom.md) */
static int wants_compliance(json_t *payload)
{
	json_t *v = json_object_get(payload, "user_data_retention");
	return json_is_false(v) || (json_is_string(v) && !strcasecmp(json_string_value(v), "false"));
}

static int deauthorized(struct db *db, const struct zoom_webhook_event *e, json_t *payload, int64_t now)
{
	const char *user = str(payload, "user_id");
	if (!user || !*user)
		return store_zoom_webhook_done(db, e->id, now, "the payload names no user_id");
	int call = wants_compliance(payload), removed = 0, rc;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = deauthorize_local(db, user, deauth_time(payload), &removed)) ||
	    (!call && (rc = store_zoom_webhook_done(db, e->id, now, NULL))) || (rc = store_commit(db))) {
		store_rollback(db);
		return rc;
	}
	if (removed) {
		log_info("zoom: user %s removed the app at Zoom; %d connection%s left their conference%s", user,
			 removed, removed == 1 ? "" : "s", removed == 1 ? "" : "s");
		outbox_kick();
	}
	if (!call)
		return 0;
	char err[300] = "";
	rc = compliance_call(payload, user, err, sizeof err);
	if (!rc) {
		log_info("zoom: Data Compliance call made for user %s", user);
		return store_zoom_webhook_done(db, e->id, now, NULL);
	}
	if (rc == E_INVALID) {
		log_error("zoom webhook %s: %s", e->id, err);
		return store_zoom_webhook_fail(db, e->id, now, err);
	}
	return setback(db, e, now, err);
}

/* ---- meeting.created / updated / deleted ---- */

/* a meeting's id: Zoom sends a number, some tools a string of digits */
static int meeting_id_of(json_t *object, int64_t *out)
{
	json_t *v = json_object_get(object, "id");
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = json_integer_value(v);
		return 0;
	}
	const char *s = json_string_value(v);
	if (!s || !*s || strlen(s) > 18)
		return E_INVALID;
	int64_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return E_INVALID;
		n = n * 10 + (*p - '0');
	}
	*out = n;
	return n > 0 ? 0 : E_INVALID;
}

/* the passcode a meeting event tells, set on the reloaded row */
static int passcode_from(struct db *db, const char *user, const char *body)
{
	json_t *doc = json_loads(body, 0, NULL);
	json_t *object = json_object_get(json_object_get(doc, "payload"), "object");
	const char *pw = str(object, "password");
	int64_t mid;
	int rc = 0;
	if (pw && meeting_id_of(object, &mid) == 0)
		rc = store_zoom_webhook_passcode(db, user, mid, pw);
	json_decref(doc);
	return rc;
}

/* *deferred set when the event waits for the user's reload floor */
static int meeting(struct db *db, struct zoom_webhook_event *e, json_t *payload, int64_t now, int *deferred)
{
	char user[ZOOM_WEBHOOK_ID_MAX];
	snprintf(user, sizeof user, "%s", e->zoom_user_id);
	int64_t mid;
	/* no host named: the cache knows whose meeting it is, if anyone's here */
	if (!*user && meeting_id_of(json_object_get(payload, "object"), &mid) == 0)
		store_zoom_webhook_meeting_owner(db, mid, user, sizeof user);
	if (!*user)
		return store_zoom_webhook_done(db, e->id, now, "the meeting's host is not a connected Zoom user");
	struct zoom_account *za = calloc(1, sizeof *za);
	int rc = za ? store_zoom_account_get(db, user, za) : E_NOMEM;
	free(za);
	if (rc == E_NOTFOUND)
		return store_zoom_webhook_done(db, e->id, now, "no connection uses this Zoom user");
	if (rc)
		return rc;
	int64_t since = since_reload(user, clock_mono_us() / 1000);
	if (since >= 0 && since < RELOAD_FLOOR * 1000) {
		/* due in the first whole second after the floor ends: a claim's
		 * `now` is whole seconds, and an event due before the floor ended
		 * would be claimed and deferred again and again until it did */
		*deferred = 1;
		return store_zoom_webhook_defer(db, e->id,
						(clock_now_us() / 1000 + RELOAD_FLOOR * 1000 - since + 999) / 1000);
	}
	struct zoom_webhook_event *more = calloc(FOLLOW_MAX, sizeof *more);
	int n = 0;
	if (!more)
		return E_NOMEM;
	/* what arrived before the reload began is answered by it; what comes
	 * during it may say more than the reload read, and waits for the next */
	int64_t started_us = clock_now_us();
	rc = zoom_meetings_refresh(user);
	note_reload(user, clock_mono_us() / 1000);
	const char *note = rc == E_UNAUTH     ? "Zoom refused the tokens: the connections need a reconnect"
			   : rc == E_NOTFOUND ? "no tokens are kept for this Zoom user"
					      : NULL;
	if (rc && rc != E_UNAUTH && rc != E_NOTFOUND) { /* 429, outage: the cache is kept, try again */
		rc = setback(db, e, now, rc == E_BUSY ? "Zoom answered 429 (rate limit)" : "Zoom did not answer");
		goto out;
	}
	if ((rc = store_begin(db, 1)))
		goto out;
	rc = passcode_from(db, user, e->body);
	if (!rc)
		rc = store_zoom_webhook_done(db, e->id, now, note);
	/* every one of this user's meeting events that waited for this reload,
	 * FOLLOW_MAX at a time (bodies in memory), at most FOLLOW_TOTAL: a burst
	 * leaves no backlog for the next claims to walk over */
	struct zoom_webhook_event cursor = *e;
	cursor.body = NULL;
	for (int total = 0, more_due = *e->zoom_user_id != 0; !rc && more_due && total < FOLLOW_TOTAL;) {
		if ((rc = store_zoom_webhook_following(db, &cursor, "meeting.", more, FOLLOW_MAX, &n)))
			break;
		more_due = n == FOLLOW_MAX;
		for (int i = 0; !rc && i < n; i++) {
			if (more[i].received_us > started_us) {
				more_due = 0;
				break;
			}
			rc = passcode_from(db, user, more[i].body);
			if (!rc)
				rc = store_zoom_webhook_done(db, more[i].id, now,
							     "answered by the reload of an earlier event");
			cursor.received_us = more[i].received_us;
			snprintf(cursor.id, sizeof cursor.id, "%s", more[i].id);
			total++;
		}
		for (int i = 0; i < n; i++)
			store_zoom_webhook_free(&more[i]);
		n = 0;
	}
	if (!rc)
		rc = store_zoom_changed_user(db, user);
	if (rc || (rc = store_commit(db)))
		store_rollback(db);
out:
	for (int i = 0; i < n; i++)
		store_zoom_webhook_free(&more[i]);
	free(more);
	return rc;
}

/* ---- the loop ---- */

int zoom_worker_run_once(struct db *db, int64_t now)
{
	struct zoom_webhook_event e;
	int rc = store_zoom_webhook_claim(db, now, LEASE_SECONDS, &e);
	if (rc == E_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	int deferred = 0;
	json_t *doc = json_loads(e.body, 0, NULL);
	json_t *payload = json_object_get(doc, "payload");
	if (!json_is_object(payload))
		payload = NULL;
	if (!strcmp(e.event, "app_deauthorized"))
		rc = deauthorized(db, &e, payload, now);
	else if (!strncmp(e.event, "meeting.", 8) &&
		 (!strcmp(e.event + 8, "created") || !strcmp(e.event + 8, "updated") ||
		  !strcmp(e.event + 8, "deleted")))
		rc = meeting(db, &e, payload, now, &deferred);
	else /* kept for the record: convene does not act on it */
		rc = store_zoom_webhook_done(db, e.id, now, "not an event convene acts on");
	if (rc) { /* the database failed us (busy, a lost connection): again after a back-off, or
		   * when that cannot be written either, when the lease runs out */
		char why[300];
		snprintf(why, sizeof why, "%s: %.200s", error_name(rc), store_error(db));
		if (setback(db, &e, now, why))
			log_warn("zoom webhook %s (%s): %s; its lease returns it", e.id, e.event, why);
	}
	json_decref(doc);
	store_zoom_webhook_free(&e);
	return rc ? rc : !deferred; /* a deferred event is nothing done: the pass waits for it */
}

static long pass(struct worker *w);
static void end(struct worker *w);
static struct worker zoom_worker = WORKER_INIT("zoom webhooks", pass, end);
static struct db *conn;

static long pass(struct worker *w)
{
	(void)w;
	static int64_t last_purge;
	static int failing;
	if (!conn && !(conn = store_db()))
		return poll_ms;
	int64_t now = clock_now(), purged = 0, at;
	if (now - last_purge >= PURGE_EVERY &&
	    store_zoom_webhook_purge(conn, now - DONE_KEEP, now - FAILED_KEEP, &purged) == 0) {
		last_purge = now;
		if (purged)
			log_info("zoom webhooks: %lld processed event%s purged", (long long)purged,
				 purged == 1 ? "" : "s");
	}
	/* Marketplace installs nobody attached within their hour, and Zoom
	 * accounts a deleted conference left without connections, are revoked
	 * and deleted here, whether or not anyone opens a Zoom page */
	static int64_t last_sweep_ms;
	int64_t now_ms = clock_mono_us() / 1000;
	if (now_ms - last_sweep_ms >= sweep_ms) {
		last_sweep_ms = now_ms;
		zoom_installs_sweep(conn, SWEEP_MAX);
	}
	int rc = zoom_worker_run_once(conn, now);
	if (rc == 1) {
		failing = 0;
		return 0;
	}
	if (rc < 0) {
		if (!failing++)
			log_warn("zoom webhooks: cannot process the queue: %s", store_error(conn));
		if (store_ping(conn)) { /* a broken connection: a fresh one next time */
			store_close_thread();
			conn = NULL;
		}
		return poll_ms;
	}
	failing = 0;
	if (store_zoom_webhook_next_due(conn, &at) == 0 && at > now && (at - now) * 1000 < poll_ms)
		return (long)(at - now) * 1000;
	return poll_ms;
}

static void end(struct worker *w)
{
	(void)w;
	store_close_thread();
	conn = NULL;
}

void zoom_worker_kick(void)
{
	worker_kick(&zoom_worker);
}

int zoom_worker_start(void)
{
	poll_ms = worker_env_ms("CONVENE_ZOOM_WORKER_POLL_MS", poll_ms, 50);
	sweep_ms = worker_env_ms("CONVENE_ZOOM_SWEEP_MS", sweep_ms, 100); /* tests */
	return worker_start(&zoom_worker);
}

void zoom_worker_stop(void)
{
	worker_stop(&zoom_worker);
}
