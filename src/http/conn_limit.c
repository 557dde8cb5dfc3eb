/* A hash table of the addresses that hold connections now, under one mutex:
 * taken once when a connection is accepted and once when it closes, never
 * per request. An address leaves the table with its last connection, so the
 * table holds at most as many entries as there are connections. */
#include "http/conn_limit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024

struct entry {
	struct netaddr a;
	int n;
	struct entry *next;
};

static struct entry *table[BUCKETS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static unsigned bucket(const struct netaddr *a)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (int i = 0; i < 16; i++)
		h = (h ^ a->b[i]) * 16777619u;
	return (h ^ (unsigned)a->family) % BUCKETS;
}

static struct entry **find(const struct netaddr *a)
{
	struct entry **e = &table[bucket(a)];
	while (*e && ((*e)->a.family != a->family || memcmp((*e)->a.b, a->b, 16)))
		e = &(*e)->next;
	return e;
}

int conn_limit_admit(const struct netaddr *a, int limit)
{
	int ok = 1;
	pthread_mutex_lock(&mu);
	struct entry **e = find(a);
	if (*e && (*e)->n >= limit) {
		ok = 0;
	} else if (*e) {
		(*e)->n++;
	} else if ((*e = calloc(1, sizeof **e))) {
		(*e)->a = *a;
		(*e)->n = 1;
	} /* out of memory: admitted uncounted, rather than refused */
	pthread_mutex_unlock(&mu);
	return ok;
}

void conn_limit_release(const struct netaddr *a)
{
	pthread_mutex_lock(&mu);
	struct entry **e = find(a);
	if (*e && --(*e)->n <= 0) {
		struct entry *gone = *e;
		*e = gone->next;
		free(gone);
	}
	pthread_mutex_unlock(&mu);
}

int conn_limit_count(const struct netaddr *a)
{
	pthread_mutex_lock(&mu);
	struct entry **e = find(a);
	int n = *e ? (*e)->n : 0;
	pthread_mutex_unlock(&mu);
	return n;
}
