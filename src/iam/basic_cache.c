/* Verified-credentials cache for HTTP Basic: a small direct-mapped table per
 * thread (no lock), like iam/bearer_cache.c. Keys are keyed hashes, so the
 * table holds neither passwords nor anything to test guesses against
 * offline: the key lives only in this process's memory. */
#include "iam/basic_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

#define SLOTS 64

static unsigned char process_key[crypto_generichash_KEYBYTES];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t table_key;
static _Thread_local struct basic_cache_entry *table; /* SLOTS entries, freed at thread exit */

static void init_once(void)
{
	randombytes_buf(process_key, sizeof process_key);
	pthread_key_create(&table_key, free);
}

void basic_cache_key(const char *login, const char *password, unsigned char key[BASIC_CACHE_KEY_BYTES])
{
	pthread_once(&key_once, init_once);
	crypto_generichash_state st;
	uint64_t n = strlen(login);
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_init(&st, process_key, sizeof process_key, BASIC_CACHE_KEY_BYTES);
	crypto_generichash_update(&st, len, sizeof len);
	crypto_generichash_update(&st, (const unsigned char *)login, n);
	crypto_generichash_update(&st, (const unsigned char *)password, strlen(password));
	crypto_generichash_final(&st, key, BASIC_CACHE_KEY_BYTES);
}

void basic_cache_digest(const char *password_hash, unsigned char out[BASIC_CACHE_DIGEST_BYTES])
{
	crypto_generichash(out, BASIC_CACHE_DIGEST_BYTES, (const unsigned char *)password_hash, strlen(password_hash),
			   NULL, 0);
}

static struct basic_cache_entry *slot(const unsigned char *key)
{
	if (!table) {
		pthread_once(&key_once, init_once);
		if (!(table = calloc(SLOTS, sizeof *table)))
			return NULL;
		pthread_setspecific(table_key, table);
	}
	/* the key is a cryptographic digest: its first bytes spread evenly */
	return &table[(key[0] | (unsigned)key[1] << 8) % SLOTS];
}

int basic_cache_get(const unsigned char key[BASIC_CACHE_KEY_BYTES], int64_t now, struct basic_cache_entry *out)
{
	struct basic_cache_entry *e = slot(key);
	if (!e || !e->expires_at || e->expires_at <= now || sodium_memcmp(e->key, key, BASIC_CACHE_KEY_BYTES))
		return E_NOTFOUND;
	*out = *e;
	return 0;
}

void basic_cache_put(const unsigned char key[BASIC_CACHE_KEY_BYTES], const struct user *u, const char *app_password_id,
		     int64_t now)
{
	struct basic_cache_entry *e = slot(key);
	if (!e)
		return;
	memset(e, 0, sizeof *e);
	memcpy(e->key, key, BASIC_CACHE_KEY_BYTES);
	memcpy(e->account_id, u->account_id, sizeof e->account_id);
	memcpy(e->user_id, u->id, sizeof e->user_id);
	if (app_password_id && *app_password_id)
		snprintf(e->app_password_id, sizeof e->app_password_id, "%s", app_password_id);
	else
		basic_cache_digest(u->password_hash, e->digest);
	e->expires_at = now + BASIC_CACHE_TTL;
}

void basic_cache_drop(const unsigned char key[BASIC_CACHE_KEY_BYTES])
{
	struct basic_cache_entry *e = slot(key);
	if (e && !sodium_memcmp(e->key, key, BASIC_CACHE_KEY_BYTES))
		memset(e, 0, sizeof *e);
}

int basic_cache_matches(const struct basic_cache_entry *e, const struct user *u)
{
	if (strcmp(e->account_id, u->account_id) || strcmp(e->user_id, u->id) || strcmp(u->status, "active"))
		return 0;
	if (e->app_password_id[0])
		return 1;
	if (!u->password_hash[0])
		return 0;
	unsigned char d[BASIC_CACHE_DIGEST_BYTES];
	basic_cache_digest(u->password_hash, d);
	return sodium_memcmp(d, e->digest, sizeof d) == 0;
}
