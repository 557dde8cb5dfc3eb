/* Bearer cache: a small direct-mapped table per thread, so no lock. Entries
 * carry the stamp taken before their rows were read; a lookup compares it
 * with the stamp of the current request, so a write committed in between
 * (revocation, suspension, a changed name) is seen at the next request. */
#include "iam/bearer_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

#define SLOTS 32
#define ME_MAX 2048

struct entry {
	char hash[HASH_HEX_MAX]; /* "" = free */
	struct store_stamp stamp;
	int64_t expires_at, last_used_at;
	struct principal who;
	size_t me_len; /* 0 = no /me body yet */
	char me[ME_MAX];
};

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static _Thread_local struct entry *table;   /* SLOTS entries, freed at thread exit */
static _Thread_local struct entry *current; /* the entry of this thread's request */

static void make_key(void)
{
	pthread_key_create(&key, free);
}

static struct entry *slot(const char *hash)
{
	if (!table) {
		pthread_once(&once, make_key);
		if (!(table = calloc(SLOTS, sizeof *table)))
			return NULL;
		pthread_setspecific(key, table);
	}
	/* the hash is hex of a cryptographic digest: its first bytes spread evenly */
	unsigned h = 0;
	for (int i = 0; i < 4 && hash[i]; i++)
		h = h * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return &table[h % SLOTS];
}

void bearer_cache_begin(void)
{
	current = NULL;
}

int bearer_cache_get(struct req *r, const char *hash, const struct store_stamp *stamp, int64_t now)
{
	struct entry *e = slot(hash);
	if (!e || strcmp(e->hash, hash) || !store_stamp_same(&e->stamp, stamp) || e->expires_at <= now ||
	    now - e->last_used_at >= 60)
		return E_NOTFOUND;
	r->who = e->who;
	r->authenticated = 1;
	current = e;
	return 0;
}

void bearer_cache_put(const struct req *r, const char *hash, const struct store_stamp *stamp, int64_t expires_at,
		      int64_t last_used_at)
{
	struct entry *e = slot(hash);
	if (!e)
		return;
	memcpy(e->hash, hash, sizeof e->hash);
	e->stamp = *stamp;
	e->expires_at = expires_at;
	e->last_used_at = last_used_at;
	e->who = r->who;
	e->me_len = 0;
	current = e;
}

const char *bearer_cache_me(const struct req *r, size_t *len)
{
	if (!current || r->who.via != AUTH_BEARER || !current->me_len || strcmp(current->who.user_id, r->who.user_id))
		return NULL;
	*len = current->me_len;
	return current->me;
}

void bearer_cache_put_me(const struct req *r, const char *body, size_t len)
{
	if (!current || r->who.via != AUTH_BEARER || !len || len > ME_MAX ||
	    strcmp(current->who.user_id, r->who.user_id))
		return;
	memcpy(current->me, body, len);
	current->me_len = len;
}
