/* A hash table of entries on a doubly linked LRU list, under one mutex.
 * Bodies are reference-counted and immutable: a response sends the cached
 * bytes themselves (no copy of megabytes per request) and releases them when
 * sent, so an entry dropped meanwhile lives on until its last reader is done. */
#include "calendar/feed_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/ids.h"

#define BUCKETS 1024
#define VARIANT_MAX 32

struct feed_body {
	atomic_int refs;
	size_t len;
	char data[]; /* NUL-terminated */
};

struct entry {
	char calendar_id[ID_MAX];
	int64_t version;
	char variant[VARIANT_MAX];
	struct feed_body *body;
	size_t len;
	int64_t built_at;
	struct entry *next_hash;
	struct entry *prev, *next; /* LRU: head is the most recent */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *table[BUCKETS];
static struct entry *head, *tail;
static size_t used, limit = FEED_CACHE_DEFAULT_BYTES;
static int count;

static unsigned bucket(const char *calendar_id)
{
	unsigned h = 2166136261u;
	for (const char *p = calendar_id; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % BUCKETS;
}

static void lru_unlink(struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_front(struct entry *e)
{
	e->next = head;
	e->prev = NULL;
	if (head)
		head->prev = e;
	head = e;
	if (!tail)
		tail = e;
}

static void drop(struct entry *e)
{
	struct entry **pp = &table[bucket(e->calendar_id)];
	while (*pp && *pp != e)
		pp = &(*pp)->next_hash;
	if (*pp)
		*pp = e->next_hash;
	lru_unlink(e);
	used -= e->len + sizeof *e;
	count--;
	feed_cache_release(e->body);
	free(e);
}

static struct entry *find(const char *calendar_id, int64_t version, const char *variant)
{
	for (struct entry *e = table[bucket(calendar_id)]; e; e = e->next_hash)
		if (e->version == version && !strcmp(e->calendar_id, calendar_id) && !strcmp(e->variant, variant))
			return e;
	return NULL;
}

void feed_cache_limit(size_t max_bytes)
{
	pthread_mutex_lock(&lock);
	limit = max_bytes;
	while (tail && used > limit)
		drop(tail);
	pthread_mutex_unlock(&lock);
}

void feed_cache_release(void *body)
{
	struct feed_body *b = body;
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		free(b);
}

int feed_cache_acquire(const char *calendar_id, int64_t version, const char *variant, struct feed_body **body,
		       const char **data, size_t *len, int64_t *built_at)
{
	int found = 0;
	pthread_mutex_lock(&lock);
	struct entry *e = find(calendar_id, version, variant);
	if (e) {
		atomic_fetch_add(&e->body->refs, 1);
		*body = e->body;
		*data = e->body->data;
		*len = e->body->len;
		*built_at = e->built_at;
		lru_unlink(e);
		lru_front(e);
		found = 1;
	}
	pthread_mutex_unlock(&lock);
	return found;
}

int feed_cache_get(const char *calendar_id, int64_t version, const char *variant, struct arena *a, char **data,
		   size_t *len, int64_t *built_at)
{
	struct feed_body *b;
	const char *d;
	if (!feed_cache_acquire(calendar_id, version, variant, &b, &d, len, built_at))
		return 0;
	*data = arena_alloc(a, *len + 1);
	memcpy(*data, d, *len);
	(*data)[*len] = 0;
	feed_cache_release(b);
	return 1;
}

void feed_cache_put(const char *calendar_id, int64_t version, const char *variant, const char *data, size_t len,
		    int64_t built_at)
{
	if (strlen(calendar_id) >= ID_MAX || strlen(variant) >= VARIANT_MAX)
		return;
	struct entry *e = calloc(1, sizeof *e);
	struct feed_body *copy = malloc(sizeof *copy + len + 1);
	if (!e || !copy) {
		free(e);
		free(copy);
		return;
	}
	atomic_init(&copy->refs, 1); /* the entry's */
	copy->len = len;
	memcpy(copy->data, data, len);
	copy->data[len] = 0;
	strcpy(e->calendar_id, calendar_id);
	strcpy(e->variant, variant);
	e->version = version;
	e->body = copy;
	e->len = len;
	e->built_at = built_at;
	pthread_mutex_lock(&lock);
	if (len + sizeof *e > limit) {
		pthread_mutex_unlock(&lock);
		free(copy);
		free(e);
		return;
	}
	/* older versions of the calendar can never be asked for again; a
	 * concurrent build of the same key is replaced */
	unsigned b = bucket(calendar_id);
	for (struct entry *o = table[b], *next; o; o = next) {
		next = o->next_hash;
		if (!strcmp(o->calendar_id, calendar_id) &&
		    (o->version < version || (o->version == version && !strcmp(o->variant, variant))))
			drop(o);
	}
	while (tail && used + len + sizeof *e > limit)
		drop(tail);
	e->next_hash = table[b];
	table[b] = e;
	lru_front(e);
	used += len + sizeof *e;
	count++;
	pthread_mutex_unlock(&lock);
}

void feed_cache_usage(size_t *bytes, int *entries)
{
	pthread_mutex_lock(&lock);
	*bytes = used;
	*entries = count;
	pthread_mutex_unlock(&lock);
}

void feed_cache_clear(void)
{
	pthread_mutex_lock(&lock);
	while (tail)
		drop(tail);
	pthread_mutex_unlock(&lock);
}
