/* Backend-independent part of the driver: parameter marshalling, transactions
 * and the SQLite writer lock (SQLite allows one writer; taking our own lock
 * first avoids SQLITE_BUSY storms between our threads). */
#include "store/db.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/errors.h"
#include "core/log.h"

#define MAX_PARAMS 32

static pthread_mutex_t sqlite_writer = PTHREAD_MUTEX_INITIALIZER;

/* 0: wait as long as it takes (the command-line tools); the server sets
 * both, so that one stuck writer cannot hold every request thread */
static _Atomic int lock_timeout_ms, statement_timeout_ms;

void db_set_limits(int lock_ms, int statement_ms)
{
	lock_timeout_ms = lock_ms > 0 ? lock_ms : 0;
	statement_timeout_ms = statement_ms > 0 ? statement_ms : 0;
}

int db_lock_timeout(void)
{
	return lock_timeout_ms;
}
int db_statement_timeout(void)
{
	return statement_timeout_ms;
}

/* the in-process writer lock, waited for at most lock_timeout_ms */
static int writer_lock(struct db *db)
{
	int ms = lock_timeout_ms;
	if (!ms) {
		pthread_mutex_lock(&sqlite_writer);
		return 0;
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (pthread_mutex_timedlock(&sqlite_writer, &until)) {
		snprintf(db->err, sizeof db->err, "another write held the database for more than %d ms", ms);
		return E_BUSY;
	}
	return 0;
}

/* writes committed by this process, for db_stamp(); bumped AFTER the commit,
 * so that a stamp taken before a read is never newer than what it read */
static _Atomic uint64_t local_writes;

/* a statement that may change rows: anything but a SELECT (an INSERT ...
 * RETURNING through db_query writes). Inside a transaction the commit counts
 * it. Outside, it has committed once it ran to the end: at once for db_exec
 * (done = 1), when its rows are freed for a query (SQLite runs it while
 * stepping). */
static void note_write(struct db *db, const char *sql, int done)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	if (!strncasecmp(sql, "SELECT", 6))
		return;
	if (db->in_tx)
		db->tx_dirty = 1;
	else if (done)
		atomic_fetch_add(&local_writes, 1);
	else
		db->write_pending = 1;
}

int db_stamp(struct db *db, uint64_t *local, int64_t *external)
{
	if (db->kind != DB_SQLITE || (db->in_tx && db->tx_write))
		return E_INVALID;
	*local = atomic_load(&local_writes);
	struct db_rows *r;
	int rc = db->ops->query(db, "PRAGMA data_version", 0, NULL, &r);
	if (rc)
		return rc;
	rc = db_next(r);
	*external = rc == 1 ? db_int(r, 0) : 0;
	db_rows_free(r);
	return rc == 1 ? 0 : E_DB;
}

int db_open(const char *url, struct db **out, char *err, size_t errlen)
{
	if (!strncmp(url, "sqlite:", 7))
		return db_sqlite_open(url + 7, out, err, errlen);
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
		return db_pg_open(url, out, err, errlen);
	snprintf(err, errlen, "unknown database URL (expected sqlite:PATH or postgres://...)");
	return E_INVALID;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db_rollback(db);
	db->ops->close(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}
const char *db_errmsg(const struct db *db)
{
	return db->err;
}

static int collect(const char *types, va_list ap, struct db_param *p)
{
	int n = 0;
	for (const char *t = types ? types : ""; *t; t++, n++) {
		if (n >= MAX_PARAMS)
			return E_INVALID;
		switch (*t) {
		case 's':
			p[n] = (struct db_param){'s', va_arg(ap, const char *), 0};
			break;
		case 'i':
			p[n] = (struct db_param){'i', NULL, va_arg(ap, int64_t)};
			break;
		case 'd':
			p[n] = (struct db_param){'i', NULL, va_arg(ap, int)};
			break;
		default:
			return E_INVALID;
		}
	}
	return n;
}

int db_exec(struct db *db, const char *sql, const char *types, ...)
{
	struct db_param p[MAX_PARAMS];
	va_list ap;
	va_start(ap, types);
	int n = collect(types, ap, p);
	va_end(ap);
	if (n < 0)
		return n;
	int64_t changes = 0;
	int rc = db->ops->exec(db, sql, n, p, &changes);
	note_write(db, "", 1);
	if (rc == E_DB)
		log_error("sql failed: %s [%.120s]", db->err, sql);
	return rc ? rc : (int)changes;
}

int db_query(struct db *db, struct db_rows **out, const char *sql, const char *types, ...)
{
	struct db_param p[MAX_PARAMS];
	va_list ap;
	va_start(ap, types);
	int n = collect(types, ap, p);
	va_end(ap);
	if (n < 0)
		return n;
	int rc = db->ops->query(db, sql, n, p, out);
	note_write(db, sql, rc != 0);
	if (rc == E_DB)
		log_error("sql failed: %s [%.120s]", db->err, sql);
	return rc;
}

int db_query_params(struct db *db, struct db_rows **out, const char *sql, int n, const struct db_param *p)
{
	int rc = db->ops->query(db, sql, n, p, out);
	note_write(db, sql, rc != 0);
	if (rc == E_DB)
		log_error("sql failed: %s [%.120s]", db->err, sql);
	return rc;
}

int db_query_int(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
	struct db_param p[MAX_PARAMS];
	va_list ap;
	va_start(ap, types);
	int n = collect(types, ap, p);
	va_end(ap);
	if (n < 0)
		return n;
	struct db_rows *r;
	int rc = db->ops->query(db, sql, n, p, &r);
	note_write(db, sql, rc != 0);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		*out = db_int(r, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

struct db_rows_head {
	struct db *db;
};

/* every backend's rows start with a pointer to their connection */
static struct db *rows_db(struct db_rows *r)
{
	return ((struct db_rows_head *)r)->db;
}

int db_next(struct db_rows *r)
{
	return rows_db(r)->ops->next(r);
}
const char *db_text(struct db_rows *r, int col)
{
	return rows_db(r)->ops->text(r, col);
}
int db_is_null(struct db_rows *r, int col)
{
	return rows_db(r)->ops->is_null(r, col);
}

int64_t db_int(struct db_rows *r, int col)
{
	if (rows_db(r)->ops->integer)
		return rows_db(r)->ops->integer(r, col);
	const char *s = db_text(r, col);
	return s ? strtoll(s, NULL, 10) : 0;
}

void db_rows_free(struct db_rows *r)
{
	if (!r)
		return;
	struct db *db = rows_db(r);
	db->ops->rows_free(r);
	if (db->write_pending) { /* an autocommit statement that writes is done now */
		db->write_pending = 0;
		atomic_fetch_add(&local_writes, 1);
	}
}

int db_script(struct db *db, const char *sql)
{
	int rc = db->ops->script(db, sql);
	note_write(db, "", 1);
	return rc;
}

int db_foreign_keys(struct db *db, int on)
{
	if (db->kind != DB_SQLITE)
		return 0;
	if (db->in_tx)
		return E_INVALID;
	const char *sql = on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF";
	int rc = db->ops->script(db, sql);
	if (!rc && db->ops->write_side) { /* the write transactions' own connection */
		db->ops->write_side(db, 1);
		rc = db->ops->script(db, sql);
		db->ops->write_side(db, 0);
	}
	return rc;
}

int db_begin(struct db *db, int write)
{
	if (db->in_tx) {
		log_error("db_begin inside an open transaction");
		return E_DB;
	}
	if (db->kind == DB_SQLITE && write && writer_lock(db))
		return E_BUSY;
	if (write && db->ops->write_side)
		db->ops->write_side(db, 1);
	int64_t ch;
	const char *sql =
		db->kind == DB_SQLITE ? (write ? "BEGIN IMMEDIATE" : "BEGIN") : (write ? "BEGIN" : "BEGIN READ ONLY");
	int rc = db->ops->exec(db, sql, 0, NULL, &ch);
	if (rc) {
		if (write && db->ops->write_side)
			db->ops->write_side(db, 0);
		if (db->kind == DB_SQLITE && write)
			pthread_mutex_unlock(&sqlite_writer);
		return rc;
	}
	db->in_tx = 1;
	db->tx_write = write;
	return 0;
}

static void end_tx(struct db *db)
{
	if (db->tx_write && db->ops->write_side)
		db->ops->write_side(db, 0);
	if (db->kind == DB_SQLITE && db->tx_write)
		pthread_mutex_unlock(&sqlite_writer);
	db->in_tx = 0;
	db->tx_write = 0;
	db->tx_dirty = 0;
}

int db_commit(struct db *db)
{
	if (!db->in_tx)
		return E_DB;
	int64_t ch;
	int rc = db_changes_send(db);
	if (!rc)
		rc = db->ops->exec(db, "COMMIT", 0, NULL, &ch);
	if (rc) {
		db->ops->exec(db, "ROLLBACK", 0, NULL, &ch);
	}
	int wrote = db->tx_write || db->tx_dirty;
	end_tx(db);
	db_changes_end(db, rc == 0);
	if (wrote) /* also after a failed COMMIT: a stamp that changes for nothing only costs a miss */
		atomic_fetch_add(&local_writes, 1);
	return rc;
}

void db_rollback(struct db *db)
{
	if (!db->in_tx)
		return;
	int64_t ch;
	db->ops->exec(db, "ROLLBACK", 0, NULL, &ch);
	end_tx(db);
	db_changes_end(db, 0);
}

void db_like_pattern(const char *q, int contains, char *out, size_t n)
{
	size_t j = 0;
	if (!q || !*q || n < 8) {
		if (n)
			out[0] = 0;
		return;
	}
	if (contains)
		out[j++] = '%';
	for (const char *c = q; *c && j < n - 4; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			out[j++] = '\\';
		out[j++] = *c;
	}
	out[j++] = '%';
	out[j] = 0;
}
