/* At-least-once delivery with the duplicate window kept as small as it can
 * be: the message is marked sent right after the SMTP server accepted it, and
 * if that bookkeeping fails it is retried (never the sending). Messages
 * queued by other nodes are found by polling every few seconds. */
#include "notify/outbox_worker.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "notify/mailer.h"
#include "store/store.h"

#define LEASE_SECONDS 120
#define POLL_SECONDS 3

static pthread_t thread;
static int running;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping, kicked;
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
	pthread_mutex_lock(&lock);
	kicked = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* waits until kicked, stopped or the poll interval passed; returns 1 when stopping */
static int nap(int seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&lock);
	while (!stopping && !kicked)
		if (pthread_cond_timedwait(&wake, &lock, &until))
			break;
	kicked = 0;
	int s = stopping;
	pthread_mutex_unlock(&lock);
	return s;
}

static int is_stopping(void)
{
	pthread_mutex_lock(&lock);
	int s = stopping;
	pthread_mutex_unlock(&lock);
	return s;
}

/* the bookkeeping after a successful send must not be lost: retry it */
static void mark_sent(struct db *db, const struct outbox_claim *c)
{
	for (int i = 0; i < 50; i++) {
		if (store_outbox_mark_sent(db, c->account_id, c->id, clock_now()) == 0)
			return;
		log_warn("outbox: message %s was sent but could not be marked (%s); retrying", c->id,
			 store_error(db));
		usleep(200000);
	}
	log_error("outbox: message %s was sent but stays marked as sending", c->id);
}

static void deliver(struct db *db, struct outbox_claim *c)
{
	struct mail m = {.from = mail_from, .to = c->recipient, .subject = c->subject, .body = c->body,
			 .message_id = c->id, .domain = domain};
	char err[512] = "";
	if (mailer_send(smtp_url, &m, err, sizeof err) == 0) {
		mark_sent(db, c);
		log_info("outbox: %s delivered (attempt %d)", c->id, c->attempts);
		return;
	}
	int64_t delay = outbox_backoff(c->attempts);
	log_warn("outbox: %s not delivered (attempt %d): %s; next try in %llds", c->id, c->attempts, err,
		 (long long)delay);
	if (store_outbox_mark_retry(db, c->account_id, c->id, clock_now() + delay, err))
		log_warn("outbox: cannot record the failure of %s; its lease returns it", c->id);
}

static void *run(void *arg)
{
	(void)arg;
	struct db *db = store_db();
	while (!is_stopping()) {
		if (!db && !(db = store_db())) {
			nap(POLL_SECONDS);
			continue;
		}
		struct outbox_claim c = {0};
		int rc = store_outbox_claim(db, clock_now(), LEASE_SECONDS, &c);
		if (rc == 0) {
			deliver(db, &c);
			store_outbox_claim_free(&c);
			continue;
		}
		if (rc != E_NOTFOUND)
			log_warn("outbox: cannot read the queue: %s", store_error(db));
		nap(POLL_SECONDS);
	}
	store_close_thread();
	return NULL;
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
	snprintf(domain, sizeof domain, "%s", at ? at + 1 : "convene");
	stopping = 0;
	if (pthread_create(&thread, NULL, run, NULL)) {
		log_error("outbox: cannot start the delivery thread");
		return E_NOMEM;
	}
	running = 1;
	return 0;
}

void outbox_worker_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = 0;
}
