/* "This topic changed", said inside a transaction and heard after its commit
 * by every node: on PostgreSQL through NOTIFY (delivered at commit, to every
 * LISTENing node, this one included, by the listener thread below); on
 * SQLite, one process, from a list kept with the transaction and delivered
 * by db_commit. Both keep the list: PostgreSQL's is sent in one statement
 * just before COMMIT (db_changes_send), not one round trip a topic. A
 * rollback drops what it said. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/worker.h"
#include "store/db.h"
#include "store/store.h"

#define CHANNEL "convene_changed"
#define TOPIC_MAX 128

struct db_topic {
	char topic[TOPIC_MAX];
	struct db_topic *next;
};

static void (*on_changed)(const char *topic);

void store_on_changed(void (*fn)(const char *topic))
{
	on_changed = fn;
}

static void deliver(const char *topic)
{
	if (on_changed)
		on_changed(topic);
}

int store_changed(struct db *db, const char *topic)
{
	if (strlen(topic) >= TOPIC_MAX)
		return E_INVALID;
	if (db_kind(db) == DB_PG && !db->in_tx) {
		int rc = db_exec(db, "SELECT pg_notify('" CHANNEL "', ?)", "s", topic);
		return rc < 0 ? rc : 0;
	}
	if (!db->in_tx) {
		deliver(topic);
		return 0;
	}
	for (struct db_topic *t = db->changed; t; t = t->next)
		if (!strcmp(t->topic, topic))
			return 0; /* once per transaction is enough */
	struct db_topic *t = calloc(1, sizeof *t);
	if (!t)
		return E_NOMEM;
	snprintf(t->topic, sizeof t->topic, "%s", topic);
	t->next = db->changed;
	db->changed = t;
	return 0;
}

#define NOTIFY_BATCH 32

int db_changes_send(struct db *db)
{
	if (db_kind(db) != DB_PG || !db->changed)
		return 0;
	/* oldest first (the list is newest first), up to NOTIFY_BATCH a statement */
	const char *topics[256];
	int n = 0;
	for (struct db_topic *t = db->changed; t && n < 256; t = t->next)
		topics[n++] = t->topic;
	for (int i = 0, j = n - 1; i < j; i++, j--) {
		const char *x = topics[i];
		topics[i] = topics[j];
		topics[j] = x;
	}
	int rc = 0;
	struct db_topic *rest = db->changed;
	for (int i = 0; i < 256 && rest; i++)
		rest = rest->next;
	for (int at = 0; !rc && at < n; at += NOTIFY_BATCH) {
		int k = n - at < NOTIFY_BATCH ? n - at : NOTIFY_BATCH;
		char sql[64 + NOTIFY_BATCH * 24];
		struct db_param p[NOTIFY_BATCH];
		int len = snprintf(sql, sizeof sql, "SELECT pg_notify('" CHANNEL "', t) FROM (VALUES ");
		for (int i = 0; i < k; i++) {
			len += snprintf(sql + len, sizeof sql - len, i ? ", (?)" : "(?)");
			p[i] = (struct db_param){'s', topics[at + i], 0};
		}
		snprintf(sql + len, sizeof sql - len, ") v(t)");
		struct db_rows *r;
		if (!(rc = db_query_params(db, &r, sql, k, p)))
			db_rows_free(r);
	}
	/* more than 256 topics in one transaction: the rest one by one */
	for (; !rc && rest; rest = rest->next) {
		int x = db_exec(db, "SELECT pg_notify('" CHANNEL "', ?)", "s", rest->topic);
		rc = x < 0 ? x : 0;
	}
	return rc;
}

void db_changes_end(struct db *db, int committed)
{
	struct db_topic *t = db->changed;
	db->changed = NULL;
	while (t) {
		struct db_topic *next = t->next;
		if (committed && db_kind(db) != DB_PG) /* PostgreSQL's listener hears them */
			deliver(t->topic);
		free(t);
		t = next;
	}
}

/* ---- the PostgreSQL listener: one connection per node, its own thread */

static char listen_url[1024];
static struct db *listen_db; /* the listener thread's own connection */
static int backoff = 1;      /* seconds before connecting again, doubling up to 30 */

/* connects (or waits before trying again), then hears for up to half a second */
static long listen_pass(struct worker *w)
{
	(void)w;
	if (!listen_db) {
		char err[256];
		if (db_open(listen_url, &listen_db, err, sizeof err) || db_script(listen_db, "LISTEN " CHANNEL) < 0) {
			if (listen_db) {
				db_close(listen_db);
				listen_db = NULL;
			}
			long ms = backoff * 1000L;
			backoff = backoff < 30 ? backoff * 2 : 30;
			return ms;
		}
		backoff = 1;
		/* what changed while nobody listened is unknown: everything did */
		deliver("*");
	}
	char topic[TOPIC_MAX];
	int rc = listen_db->ops->wait_notify(listen_db, 500, topic, sizeof topic);
	if (rc == 1)
		deliver(topic);
	else if (rc < 0) {
		log_warn("change notifications from PostgreSQL lost; listening again");
		db_close(listen_db);
		listen_db = NULL;
	}
	return 0;
}

static void listen_end(struct worker *w)
{
	(void)w;
	if (listen_db)
		db_close(listen_db);
	listen_db = NULL;
}

static struct worker listener = WORKER_INIT("change listener", listen_pass, listen_end);

int store_listen_start(const char *url)
{
	if (strncmp(url, "postgres", 8))
		return 0; /* SQLite: one process, commits deliver */
	snprintf(listen_url, sizeof listen_url, "%s", url);
	backoff = 1;
	return worker_start(&listener);
}

void store_listen_stop(void)
{
	worker_stop(&listener);
}
