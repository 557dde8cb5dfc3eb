/* At-least-once delivery with the duplicate window kept as small as it can
 * be: the message is marked sent right after the SMTP server accepted it, and
 * if that bookkeeping fails it is retried (never the sending). Messages
 * queued by other nodes are found by polling every few seconds; the claim's
 * lease keeps two nodes from sending the same message at once. */
#include "notify/outbox_worker.h"

#include <jansson.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/worker.h"
#include "notify/mailer.h"
#include "store/store.h"

/* longer than one SMTP attempt can take (10 s connect + 30 s total) with room to mark it */
#define LEASE_SECONDS 120
#define POLL_SECONDS 3
/* a message the server keeps refusing (5xx) this many times is set aside as 'failed' */
#define PERMANENT_ATTEMPTS 8

static long pass(struct worker *w);
static void end(struct worker *w);
static struct worker outbox = WORKER_INIT("outbox", pass, end);
static struct db *conn; /* the worker thread's connection */
static char smtp_url[512], mail_from[256], domain[256];

int64_t outbox_backoff(int attempts)
{
	if (attempts < 1)
		attempts = 1;
	int64_t s = 15;
	for (int i = 1; i < attempts && s < 3600; i++)
		s *= 2;
	return s > 3600 ? 3600 : s;
}

void outbox_kick(void)
{
	worker_kick(&outbox);
}

/* the mailer's "give up now" question */
static int is_stopping(void)
{
	return worker_stopping(&outbox);
}

/* a connection that failed may be broken for good (PostgreSQL restarted):
 * drop it so that the next store_db() opens a fresh one */
static struct db *reconnect(struct db *db)
{
	if (db && store_ping(db) == 0)
		return db;
	store_close_thread();
	return store_db();
}

/* The bookkeeping after a successful send must not be lost, or the lease
 * would run out and the message be sent again: retry it, reconnecting, for
 * as long as the worker runs (a stop still gets a few more tries). */
static struct db *mark_sent(struct db *db, const struct outbox_claim *c)
{
	long wait = 100;
	int after_stop = 0;
	for (;;) {
		if (db && store_outbox_mark_sent(db, c->account_id, c->id, clock_now()) == 0)
			return db;
		log_warn("outbox: message %s was sent but could not be marked (%s); retrying", c->id,
			 db ? store_error(db) : "no database connection");
		if (is_stopping() && ++after_stop > 10) {
			log_error("outbox: message %s was sent but stays marked as sending; it may be sent"
				  " again when its lease runs out (same Message-ID)",
				  c->id);
			return db;
		}
		if (after_stop) { /* a nap would return at once now */
			struct timespec ts = {wait / 1000, wait % 1000 * 1000000L};
			nanosleep(&ts, NULL);
		} else {
			worker_nap(&outbox, wait);
		}
		wait = wait < 1000 ? wait * 2 : 1000;
		db = reconnect(db);
	}
}

static struct db *deliver(struct db *db, const struct outbox_claim *c)
{
	struct mail m = {.from = mail_from,
			 .to = c->recipient,
			 .subject = c->subject,
			 .body = c->body,
			 .message_id = c->id,
			 .domain = domain};
	struct mail_result res;
	/* an iMIP message (dav/schedule.c) keeps its parts as JSON in the body */
	json_t *imip = !strcmp(c->kind, "imip") ? json_loads(c->body, 0, NULL) : NULL;
	if (imip) {
		m.body = json_string_value(json_object_get(imip, "text"));
		m.calendar = json_string_value(json_object_get(imip, "calendar"));
		m.method = json_string_value(json_object_get(imip, "method"));
		m.reply_to = json_string_value(json_object_get(imip, "reply_to"));
		if (!m.body)
			m.body = "";
	}
	int sent = mailer_send(smtp_url, &m, is_stopping, &res);
	json_decref(imip);
	if (sent == 0) {
		db = mark_sent(db, c);
		log_info("outbox: %s delivered (attempt %d)", c->id, c->attempts);
		return db;
	}
	int rc;
	if (res.permanent && c->attempts >= PERMANENT_ATTEMPTS) {
		log_error("outbox: %s refused %d times by the SMTP server (%s); set aside as failed", c->id,
			  c->attempts, res.error);
		rc = store_outbox_mark_failed(db, c->account_id, c->id, res.error);
	} else {
		int64_t delay = outbox_backoff(c->attempts);
		log_warn("outbox: %s not delivered (attempt %d): %s; next try in %llds", c->id, c->attempts, res.error,
			 (long long)delay);
		rc = store_outbox_mark_retry(db, c->account_id, c->id, clock_now() + delay, res.error);
	}
	if (rc) {
		log_warn("outbox: cannot record the failure of %s (%s); its lease returns it", c->id, store_error(db));
		db = reconnect(db);
	}
	return db;
}

/* one claimed message per pass; when the queue is empty or unreadable, poll
 * again in a few seconds unless a commit kicks us first */
static long pass(struct worker *w)
{
	(void)w;
	static int failing;
	if (!conn && !(conn = store_db()))
		return POLL_SECONDS * 1000;
	struct outbox_claim c = {0};
	int rc = store_outbox_claim(conn, clock_now(), LEASE_SECONDS, &c);
	if (rc == 0) {
		failing = 0;
		conn = deliver(conn, &c);
		store_outbox_claim_free(&c);
		return 0;
	}
	if (rc != E_NOTFOUND) {
		if (!failing++) /* once per outage, not every few seconds */
			log_warn("outbox: cannot read the queue: %s", store_error(conn));
		conn = reconnect(conn);
	} else {
		failing = 0;
	}
	return POLL_SECONDS * 1000;
}

static void end(struct worker *w)
{
	(void)w;
	store_close_thread();
	conn = NULL;
}

int outbox_worker_start(const struct config *cfg)
{
	if (!cfg->smtp_url[0]) {
		log_warn("outbox: no SMTP server configured (--smtp); mail stays queued until one is");
		return 0;
	}
	snprintf(smtp_url, sizeof smtp_url, "%s", cfg->smtp_url);
	snprintf(mail_from, sizeof mail_from, "%s", cfg->mail_from);
	const char *at = strchr(mail_from, '@');
	snprintf(domain, sizeof domain, "%s", at && at[1] ? at + 1 : "convene");
	return worker_start(&outbox);
}

void outbox_worker_stop(void)
{
	worker_stop(&outbox);
}
