/* An open-addressed table of (calendar, count, last fetch) under one mutex;
 * the writer swaps it out under the lock and writes outside it, in one
 * transaction. A full table is written at once. */
#include "calendar/feed_counts.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"

#define SLOTS 1024 /* a power of two */

struct slot {
	char account_id[ID_MAX];
	char calendar_id[ID_MAX];
	int64_t count, last;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot table[SLOTS];
static int used;
static int64_t last_flush;

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void feed_counts_hit(const char *account_id, const char *calendar_id, int64_t now)
{
	pthread_mutex_lock(&mu);
	if (!last_flush)
		last_flush = now;
	unsigned i = hash(calendar_id) & (SLOTS - 1);
	for (int probes = 0; probes < SLOTS; probes++, i = (i + 1) & (SLOTS - 1)) {
		struct slot *s = &table[i];
		if (!s->count) {
			if (used >= SLOTS * 3 / 4)
				break; /* too full: this hit waits for the next flush to make room */
			snprintf(s->account_id, sizeof s->account_id, "%s", account_id);
			snprintf(s->calendar_id, sizeof s->calendar_id, "%s", calendar_id);
			used++;
		} else if (strcmp(s->calendar_id, calendar_id)) {
			continue;
		}
		s->count++;
		if (now > s->last)
			s->last = now;
		break;
	}
	pthread_mutex_unlock(&mu);
}

int feed_counts_flush(struct db *db, int64_t now, int force)
{
	static struct slot out[SLOTS];
	static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&mu);
	if (!used || (!force && now - last_flush < FEED_COUNTS_DELAY && used < SLOTS / 2)) {
		pthread_mutex_unlock(&mu);
		return 0;
	}
	pthread_mutex_lock(&writer); /* one writer at a time owns `out` */
	int n = 0;
	for (int i = 0; i < SLOTS; i++)
		if (table[i].count)
			out[n++] = table[i];
	memset(table, 0, sizeof table);
	used = 0;
	last_flush = now;
	pthread_mutex_unlock(&mu);
	int rc = store_begin(db, 1);
	for (int i = 0; !rc && i < n; i++)
		rc = store_public_feed_fetched(db, out[i].account_id, out[i].calendar_id, out[i].last, out[i].count);
	if (!rc)
		rc = store_commit(db);
	if (rc) {
		store_rollback(db);
		log_warn("public feed fetch counts not written (%d feeds): %s", n, error_name(rc));
	}
	pthread_mutex_unlock(&writer);
	return rc;
}
