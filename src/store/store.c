/* The process-wide store: the database URL and one connection per thread,
 * opened on first use and closed when the thread exits. */
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "store/db.h"

static char store_url[1024];
static pthread_key_t conn_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void close_conn(void *p)
{
	db_close(p);
}
static void make_key(void)
{
	pthread_key_create(&conn_key, close_conn);
}

int store_init(const char *url, char *err, size_t errlen)
{
	pthread_once(&key_once, make_key);
	if (strlen(url) >= sizeof store_url) {
		snprintf(err, errlen, "database URL too long");
		return E_INVALID;
	}
	snprintf(store_url, sizeof store_url, "%s", url);
	struct db *db = NULL;
	int rc = db_open(store_url, &db, err, errlen);
	if (rc)
		return rc;
	pthread_setspecific(conn_key, db);
	return 0;
}

struct db *store_db(void)
{
	pthread_once(&key_once, make_key);
	struct db *db = pthread_getspecific(conn_key);
	if (db)
		return db;
	char err[512];
	if (db_open(store_url, &db, err, sizeof err)) {
		log_error("%s", err);
		return NULL;
	}
	pthread_setspecific(conn_key, db);
	return db;
}

void store_close_thread(void)
{
	pthread_once(&key_once, make_key);
	struct db *db = pthread_getspecific(conn_key);
	if (db) {
		db_close(db);
		pthread_setspecific(conn_key, NULL);
	}
}

void store_worker_end(struct worker *w)
{
	(void)w;
	store_close_thread();
}

void store_set_limits(int lock_ms, int statement_ms)
{
	db_set_limits(lock_ms, statement_ms);
}

int store_ping(struct db *db)
{
	int64_t one = 0;
	return db_query_int(db, &one, "SELECT 1", "");
}
