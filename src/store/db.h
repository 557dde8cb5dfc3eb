/* The SQL driver under store.h: one connection per thread, `?` placeholders,
 * typed parameters given as a type string ('s' const char * or NULL, 'i'
 * int64_t, 'd' int), and the same error codes from both backends (a unique or
 * exclusion violation is E_CONFLICT). Only store/ includes this file. */
#ifndef STORE_DB_H
#define STORE_DB_H

#include <stddef.h>
#include <stdint.h>

enum db_kind { DB_SQLITE, DB_PG };

struct db;
struct db_rows;

struct db_param {
	char type; /* 's' or 'i' */
	const char *s;
	int64_t i;
};

struct db_ops {
	int (*exec)(struct db *db, const char *sql, int n, const struct db_param *p, int64_t *changes);
	int (*query)(struct db *db, const char *sql, int n, const struct db_param *p, struct db_rows **out);
	int (*next)(struct db_rows *r);
	const char *(*text)(struct db_rows *r, int col);
	int (*is_null)(struct db_rows *r, int col);
	void (*rows_free)(struct db_rows *r);
	int (*script)(struct db *db, const char *sql);
	void (*close)(struct db *db);
	/* optional: an integer column without a detour through text (NULL: via text) */
	int64_t (*integer)(struct db_rows *r, int col);
	/* optional (PostgreSQL): the payload of the next notification of a channel
	 * this connection LISTENs to: 1 got one, 0 none within timeout_ms, < 0 the
	 * connection broke */
	int (*wait_notify)(struct db *db, int timeout_ms, char *out, size_t n);
	/* optional (SQLite): a write transaction begins (on = 1) or has ended (0);
	 * the backend may run it on another connection of its own */
	void (*write_side)(struct db *db, int on);
};

/* every backend's connection starts with this */
struct db {
	const struct db_ops *ops;
	enum db_kind kind;
	int in_tx, tx_write;
	int tx_dirty;             /* a statement that may write ran in the open transaction */
	int write_pending;        /* an autocommit statement that may write has rows open */
	struct db_topic *changed; /* SQLite: topics changed in the open transaction (store_changed) */
	char err[512];
};

int db_open(const char *url, struct db **out, char *err, size_t errlen);
/* how long a write transaction waits for the writer lock (SQLite: ours and
 * the file's; PostgreSQL: lock_timeout), and PostgreSQL's statement_timeout,
 * in ms for connections opened afterwards; 0 = no limit */
void db_set_limits(int lock_ms, int statement_ms);
int db_lock_timeout(void);
int db_statement_timeout(void);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
const char *db_errmsg(const struct db *db);

/* write = 1: serialised with every other writer (SQLite: process-wide lock +
 * BEGIN IMMEDIATE); write = 0: a read snapshot */
int db_begin(struct db *db, int write);
int db_commit(struct db *db);
/* see store_stamp() in store.h: local = writes committed in this process,
 * external = SQLite's data_version; E_INVALID on PostgreSQL and inside a
 * write transaction (whose connection's data_version is another count) */
int db_stamp(struct db *db, uint64_t *local, int64_t *external);
void db_rollback(struct db *db); /* safe to call when no transaction is open */

/* the end of a transaction for the topics it changed: delivered when
 * committed, dropped otherwise (store/changes.c) */
void db_changes_end(struct db *db, int committed);
/* PostgreSQL: the NOTIFYs of the topics the open transaction changed, sent
 * by db_commit just before COMMIT (one statement for all of them) */
int db_changes_send(struct db *db);

/* returns the number of rows changed (>= 0) or an error */
int db_exec(struct db *db, const char *sql, const char *types, ...);
int db_query(struct db *db, struct db_rows **out, const char *sql, const char *types, ...);
/* the same with a parameter list built at run time (at most 32) */
int db_query_params(struct db *db, struct db_rows **out, const char *sql, int n, const struct db_param *p);
int db_next(struct db_rows *r);                  /* 1 row, 0 done, < 0 error */
const char *db_text(struct db_rows *r, int col); /* NULL when NULL; valid until next db_next */
int64_t db_int(struct db_rows *r, int col);
int db_is_null(struct db_rows *r, int col);
void db_rows_free(struct db_rows *r);
int db_script(struct db *db, const char *sql); /* several statements, no parameters */
/* SQLite: PRAGMA foreign_keys on every connection of this struct db, outside
 * a transaction (inside one SQLite ignores it): for a migration that rebuilds
 * a table that others reference (store/migrate.c). PostgreSQL: nothing. */
int db_foreign_keys(struct db *db, int on);

/* a LIKE pattern (used with ESCAPE '\\') matching q anywhere (contains = 1) or
 * as a prefix, with q's own % _ and \\ taken literally; "" when q is empty */
void db_like_pattern(const char *q, int contains, char *out, size_t n);

/* one-value helpers: E_NOTFOUND when there is no row */
int db_query_int(struct db *db, int64_t *out, const char *sql, const char *types, ...);

/* backends */
int db_sqlite_open(const char *path, struct db **out, char *err, size_t errlen);
int db_pg_open(const char *url, struct db **out, char *err, size_t errlen);

#endif
