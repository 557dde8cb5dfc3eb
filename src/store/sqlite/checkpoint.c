/* WAL checkpoints off the commit path. SQLite's own checkpoint runs inside
 * the COMMIT that grows the WAL past 1,000 pages, while that writer holds
 * our writer lock (store/db.c): every other writer then waits for the
 * database file to be written and fsynced (bench/rooms.sh: a booking's p99
 * near 900 ms on SQLite). Here a commit only signals a thread, which runs a
 * PASSIVE checkpoint (it never blocks writers or readers) on a connection of
 * its own. If the WAL still grows far beyond (the thread cannot keep up),
 * the committer checkpoints itself, as SQLite would have. */
#include "store/sqlite/checkpoint.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/worker.h"

#define SIGNAL_PAGES 1000  /* SQLite's default autocheckpoint */
#define INLINE_PAGES 20000 /* ~80 MB of WAL at 4 KiB pages: do it now */
/* at most one pass per PASS_GAP_MS: past 1,000 pages every commit kicks the
 * thread, and passes back to back (each fsyncs the WAL and the database file)
 * doubled the flushes the committing requests wait for (bench/zoom.sh, 200
 * webhooks/s: ~500 checkpoint fsyncs a second) */
#define PASS_GAP_MS 100
#define PATH_MAX_LEN 4096

struct checkpointer {
	char path[PATH_MAX_LEN];
	sqlite3 *h;      /* its own connection, kept: opening one reads the whole schema again */
	int64_t last_ms; /* when its last pass ended (monotonic) */
	struct worker w; /* kicked by a commit that grew the WAL; never stopped */
	struct checkpointer *next;
};

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct checkpointer *list; /* one per database file, for the process's life */

static void run(struct checkpointer *c)
{
	int rc = SQLITE_OK;
	if (!c->h) {
		rc = sqlite3_open_v2(c->path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_busy_timeout(c->h, 1000);
			/* a new connection knows the file is in WAL mode once it has read it */
			rc = sqlite3_exec(c->h, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL, NULL);
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		log_warn("sqlite checkpoint of %s: %s", c->path, c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		sqlite3_close_v2(c->h); /* opened again next time */
		c->h = NULL;
	}
}

static long pass(struct worker *w)
{
	struct checkpointer *c = w->arg;
	int64_t since = clock_mono_us() / 1000 - c->last_ms;
	if (c->last_ms && since < PASS_GAP_MS) {
		struct timespec gap = {0, (PASS_GAP_MS - since) * 1000000L};
		nanosleep(&gap, NULL);
	}
	run(c);
	c->last_ms = clock_mono_us() / 1000;
	return WORKER_FOREVER;
}

static struct checkpointer *checkpointer_for(const char *path)
{
	struct checkpointer *c;
	if (strlen(path) >= PATH_MAX_LEN)
		return NULL;
	pthread_mutex_lock(&list_mu);
	for (c = list; c && strcmp(c->path, path); c = c->next)
		;
	if (!c && (c = calloc(1, sizeof *c))) {
		snprintf(c->path, sizeof c->path, "%s", path);
		c->w = (struct worker)WORKER_INIT("sqlite checkpoints", pass, NULL);
		c->w.first_ms = WORKER_FOREVER; /* nothing to do before a commit asks */
		c->w.arg = c;
		if (worker_start(&c->w)) {
			free(c);
			c = NULL;
		} else {
			c->next = list;
			list = c;
		}
	}
	pthread_mutex_unlock(&list_mu);
	return c;
}

static int on_commit(void *arg, sqlite3 *h, const char *db_name, int pages)
{
	struct checkpointer *c = arg;
	if (pages >= INLINE_PAGES) {
		sqlite3_wal_checkpoint_v2(h, db_name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	} else if (pages >= SIGNAL_PAGES) {
		worker_kick(&c->w);
	}
	return SQLITE_OK;
}

void sqlite_checkpoint_attach(sqlite3 *h, const char *path)
{
	/* an in-memory or temporary database has no WAL to checkpoint */
	if (!path || !*path || !strcmp(path, ":memory:"))
		return;
	struct checkpointer *c = checkpointer_for(path);
	if (c) /* replaces SQLite's automatic checkpoint, which is itself a WAL hook */
		sqlite3_wal_hook(h, on_commit, c);
}
