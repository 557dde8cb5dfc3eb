/* SQLite backend of the driver: WAL (checkpointed by a thread of its own,
 * checkpoint.c), synchronous=FULL, foreign keys on, and a per-connection
 * cache of prepared statements keyed by their SQL text. Each struct db is two
 * SQLite connections to the file: one that reads it through a memory map,
 * for everything but write transactions, and one without, for those (see
 * sq_write_side for why). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/sqlite/checkpoint.h"

#define CACHE 128

struct cached {
	char *sql;
	sqlite3_stmt *st;
	int busy; /* a result cursor is open on it */
};

struct side {
	sqlite3 *h;
	struct cached cache[CACHE];
};

struct sq {
	struct db base;
	struct side rd;   /* memory-mapped: reads, read transactions, autocommit statements */
	struct side wr;   /* no map: write transactions */
	struct side *cur; /* the one statements go to now */
};

struct db_rows {
	struct db *db; /* must stay first (see db.c) */
	struct side *side;
	sqlite3_stmt *st;
	struct cached *slot; /* NULL when the statement is not cached */
	int rc;              /* last step result */
	int first;
};

static int map_err_on(struct sq *s, struct side *d, int rc)
{
	snprintf(s->base.err, sizeof s->base.err, "%s", sqlite3_errmsg(d->h));
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		return E_CONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return E_BUSY;
	case SQLITE_NOMEM:
		return E_NOMEM;
	case SQLITE_TOOBIG:
		return E_TOOLARGE;
	}
	return E_DB;
}

static int map_err(struct sq *s, int rc)
{
	return map_err_on(s, s->cur, rc);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* a prepared statement for sql, from the cache when free */
static int prepare(struct sq *s, const char *sql, sqlite3_stmt **st, struct cached **slot)
{
	struct cached *c = &s->cur->cache[hash(sql) % CACHE];
	*slot = NULL;
	if (c->st && !c->busy && !strcmp(c->sql, sql)) {
		*st = c->st;
		*slot = c;
		c->busy = 1;
		return 0;
	}
	int rc = sqlite3_prepare_v3(s->cur->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc != SQLITE_OK)
		return map_err(s, rc);
	if (!c->busy) {
		if (c->st)
			sqlite3_finalize(c->st);
		free(c->sql);
		c->sql = strdup(sql);
		c->st = *st;
		c->busy = 1;
		*slot = c;
	}
	return 0;
}

static void release(sqlite3_stmt *st, struct cached *slot)
{
	if (slot) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		slot->busy = 0;
	} else {
		sqlite3_finalize(st);
	}
}

static int bind(struct sq *s, sqlite3_stmt *st, int n, const struct db_param *p)
{
	if (sqlite3_bind_parameter_count(st) != n) {
		snprintf(s->base.err, sizeof s->base.err, "statement wants %d parameters, got %d",
			 sqlite3_bind_parameter_count(st), n);
		return E_DB;
	}
	for (int i = 0; i < n; i++) {
		int rc;
		if (p[i].type == 'i')
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
		else if (p[i].s)
			rc = sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_TRANSIENT);
		else
			rc = sqlite3_bind_null(st, i + 1);
		if (rc != SQLITE_OK)
			return map_err(s, rc);
	}
	return 0;
}

static int sq_exec(struct db *db, const char *sql, int n, const struct db_param *p, int64_t *changes)
{
	struct sq *s = (struct sq *)db;
	sqlite3_stmt *st;
	struct cached *slot;
	int rc = prepare(s, sql, &st, &slot);
	if (rc)
		return rc;
	rc = bind(s, st, n, p);
	if (!rc) {
		int r;
		while ((r = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (r != SQLITE_DONE)
			rc = map_err(s, r);
		else
			*changes = sqlite3_changes64(s->cur->h);
	}
	release(st, slot);
	return rc;
}

static const struct db_ops sq_ops;

static int sq_query(struct db *db, const char *sql, int n, const struct db_param *p, struct db_rows **out)
{
	struct sq *s = (struct sq *)db;
	sqlite3_stmt *st;
	struct cached *slot;
	int rc = prepare(s, sql, &st, &slot);
	if (rc)
		return rc;
	rc = bind(s, st, n, p);
	if (rc) {
		release(st, slot);
		return rc;
	}
	struct db_rows *r = calloc(1, sizeof *r);
	if (!r) {
		release(st, slot);
		return E_NOMEM;
	}
	r->db = db;
	r->side = s->cur;
	r->st = st;
	r->slot = slot;
	*out = r;
	return 0;
}

static int sq_next(struct db_rows *r)
{
	r->rc = sqlite3_step(r->st);
	if (r->rc == SQLITE_ROW)
		return 1;
	if (r->rc == SQLITE_DONE)
		return 0;
	return map_err_on((struct sq *)r->db, r->side, r->rc);
}

static const char *sq_text(struct db_rows *r, int col)
{
	return (const char *)sqlite3_column_text(r->st, col);
}

/* reading integers as text made SQLite format each one into a fresh buffer */
static int64_t sq_integer(struct db_rows *r, int col)
{
	return sqlite3_column_int64(r->st, col);
}

static int sq_is_null(struct db_rows *r, int col)
{
	return sqlite3_column_type(r->st, col) == SQLITE_NULL;
}

static void sq_rows_free(struct db_rows *r)
{
	release(r->st, r->slot);
	free(r);
}

static int sq_script(struct db *db, const char *sql)
{
	struct sq *s = (struct sq *)db;
	char *msg = NULL;
	int rc = sqlite3_exec(s->cur->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return E_DB;
	}
	return 0;
}

static void side_close(struct side *d)
{
	for (int i = 0; i < CACHE; i++) {
		if (d->cache[i].st)
			sqlite3_finalize(d->cache[i].st);
		free(d->cache[i].sql);
	}
	sqlite3_close_v2(d->h);
}

static void sq_close(struct db *db)
{
	struct sq *s = (struct sq *)db;
	side_close(&s->rd);
	side_close(&s->wr);
	free(s);
}

/* A connection that begins a transaction after another connection wrote
 * unmaps the whole file (pager.c, pagerBeginReadTransaction) and maps it
 * again at its next read: with bookings committed every few milliseconds,
 * each of them paid that munmap/mmap of the file, and the page faults after
 * it, while holding the writer lock (bench/rooms.sh, 8 clients booking:
 * 260-266 bookings/s mapped, 441-530 without a map). Reads keep the map,
 * which halves a PROPFIND of 10,000 events (see db_sqlite_open). */
static void sq_write_side(struct db *db, int on)
{
	struct sq *s = (struct sq *)db;
	s->cur = on ? &s->wr : &s->rd;
}

static const struct db_ops sq_ops = {sq_exec,      sq_query,
				     sq_next,      sq_text,
				     sq_is_null,   sq_rows_free,
				     sq_script,    sq_close,
				     sq_integer,   NULL /* one process: commits deliver changes (store/changes.c) */,
				     sq_write_side};

/* Memory statistics take a process-wide mutex on every SQLite allocation, which
 * the request threads then contend for; we never read them. Must precede
 * SQLite's initialisation, hence once, before the first connection. */
static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* convene_unhex(text): the bytes a hex text spells, as a BLOB (NULL for
 * NULL or text that is not hex): parameters are text, and SQLite before
 * 3.41 has no unhex() for storing binary data such as chat files */
static void unhex_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *t = sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	if (!t || n % 2) {
		sqlite3_result_null(ctx);
		return;
	}
	unsigned char *out = sqlite3_malloc(n / 2 + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (int i = 0; i < n / 2; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			unsigned char c = t[2 * i + k];
			int d = c >= '0' && c <= '9'   ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
				: c >= 'A' && c <= 'F' ? c - 'A' + 10
						       : -1;
			if (d < 0) {
				sqlite3_free(out);
				sqlite3_result_null(ctx);
				return;
			}
			v = v * 16 + d;
		}
		out[i] = (unsigned char)v;
	}
	sqlite3_result_blob(ctx, out, n / 2, sqlite3_free);
}

static int side_open(struct sq *s, struct side *d, const char *path, const char *pragmas, char *err, size_t errlen)
{
	int rc = sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open SQLite database %s: %s", path,
			 d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
		return E_IO;
	}
	/* another process's writer (convene import): as long as our own lock */
	sqlite3_busy_timeout(d->h, db_lock_timeout() ? db_lock_timeout() : 10000);
	sqlite3_create_function(d->h, "convene_unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, unhex_fn, NULL,
				NULL);
	s->cur = d;
	if (sq_script(&s->base, pragmas)) {
		snprintf(err, errlen, "cannot set up SQLite database %s: %s", path, s->base.err);
		return E_IO;
	}
	sqlite_checkpoint_attach(d->h, path);
	return 0;
}

int db_sqlite_open(const char *path, struct db **out, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_configure);
	struct sq *s = calloc(1, sizeof *s);
	if (!s)
		return E_NOMEM;
	s->base.ops = &sq_ops;
	s->base.kind = DB_SQLITE;
	/* mmap: reads of the database file come from the kernel's page cache,
	 * shared by every connection, instead of a pread into each connection's
	 * own small page cache: a PROPFIND Depth 1 of 10,000 events re-read the
	 * events table that way, 135 -> 63 ms (bench/caldav.sh). Writes still go
	 * through the WAL, and write transactions through the unmapped side. */
	int rc = side_open(s, &s->rd, path,
			   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			   "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824;",
			   err, errlen);
	if (!rc)
		rc = side_open(s, &s->wr, path,
			       "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
			       "PRAGMA mmap_size=0;",
			       err, errlen);
	s->cur = &s->rd;
	if (rc) {
		sq_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}
