/* PostgreSQL backend of the driver (libpq): `?` placeholders are rewritten to
 * $n, parameters are sent as text with explicit types (text / int8), and
 * SQLSTATE classes map to our error codes (23505/23503/23P01/23514 -> E_CONFLICT).
 * Statements are prepared once per connection and kept in a bounded cache
 * keyed by their SQL text and parameter types (see struct stmt). A connection
 * the server dropped is replaced before the next statement run outside a
 * transaction (see pg_ready), so a node outlives a PostgreSQL restart. */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "store/db.h"

#define MAX_PARAMS 128 /* the free-room search with 16 tags binds 55; a page of 100 rooms' links 101 */
#define CACHE 256      /* prepared statements a connection keeps (the least recently used goes) */

/* A statement prepared on this connection's server session. Sending each
 * statement unprepared cost a parse and a plan every time: most statements
 * are small and run thousands of times. The name is unique for the life of
 * the connection object (a counter), so forgetting a statement without
 * deallocating it can never make a later PREPARE collide: the cache is
 * simply emptied when the session is replaced (PQreset: a new session has
 * none) and after a script (a migration may have changed the tables). */
struct stmt {
	char *sql;              /* as given, with `?` */
	unsigned h;             /* of sql */
	int n;                  /* parameters */
	char types[MAX_PARAMS]; /* 'i' or 's' each */
	unsigned long name, used;
};

struct pg {
	struct db base;
	PGconn *c;
	int lost; /* the connection broke and could not be replaced yet (logged once) */
	struct stmt cache[CACHE];
	int ncache;
	unsigned long names, clock;
};

static void cache_forget(struct pg *g);

struct db_rows {
	struct db *db; /* must stay first (see db.c) */
	PGresult *res;
	int row, nrows;
};

/* "?" -> "$n", leaving quoted strings and identifiers alone */
static char *rewrite(const char *sql)
{
	size_t n = strlen(sql);
	char *out = malloc(n * 4 + 1);
	if (!out)
		return NULL;
	char *o = out;
	int k = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			*o++ = *p;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			*o++ = *p;
		} else if (*p == '?') {
			o += sprintf(o, "$%d", ++k);
		} else {
			*o++ = *p;
		}
	}
	*o = 0;
	return out;
}

/* libpq's messages end with a newline (and may hold several lines) */
static void trim(char *s)
{
	size_t l = strlen(s);
	while (l && s[l - 1] == '\n')
		s[--l] = 0;
	for (char *c = s; *c; c++)
		if (*c == '\n')
			*c = ' ';
}

static int map_err(struct pg *g, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(g->base.err, sizeof g->base.err, "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(g->c));
	trim(g->base.err);
	/* the connection is gone (PostgreSQL restarted, or an admin ended the
	 * backend): a 503 "busy" tells the client to try again; pg_ready replaces
	 * the connection before this thread's next transaction */
	if (PQstatus(g->c) != CONNECTION_OK)
		return E_BUSY;
	if (!state)
		return E_DB;
	if (!strncmp(state, "08", 2) || !strcmp(state, "57P01") || !strcmp(state, "57P02") || !strcmp(state, "57P03"))
		return E_BUSY;
	/* a CHECK constraint too, as SQLite's SQLITE_CONSTRAINT does: one
	 * answer for a row the table refuses, whichever the backend */
	if (!strcmp(state, "23505") || !strcmp(state, "23503") || !strcmp(state, "23P01") || !strcmp(state, "23514"))
		return E_CONFLICT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return E_BUSY;
	if (!strcmp(state, "57014")) /* statement_timeout: the request's budget is spent */
		return E_TIMEOUT;
	if (!strncmp(state, "22", 2))
		return E_INVALID;
	return E_DB;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg, (void)msg;
}

/* what every new or replaced connection starts with */
static int pg_setup(struct pg *g)
{
	PQsetNoticeProcessor(g->c, quiet, NULL);
	/* prepared statements follow PostgreSQL's own plan_cache_mode (auto):
	 * custom plans for the first five runs, then the generic one when it
	 * costs no more. Forcing custom plans re-planned every run: 1.5 to 8 ms
	 * for the free-room search alone (its two walks and their probes), more
	 * than it takes to run; with auto the bench's search went from p50 5.4-6.8
	 * to 3.5-3.9 ms and booking did not get slower (bench/rooms.sh, 1M
	 * bookings). The search's filters are written so that a generic plan
	 * still walks the rooms' index to the limit (store/rooms.c free_walk). */
	char sql[160];
	/* a row lock another transaction holds is waited for as long as our own
	 * writer lock on SQLite, then 55P03 (503 busy); a statement runs at most
	 * for a request's budget, then 57014 */
	snprintf(sql, sizeof sql, "SET TIME ZONE 'UTC'; SET lock_timeout = %d; SET statement_timeout = %d",
		 db_lock_timeout(), db_statement_timeout());
	PGresult *res = PQexec(g->c, sql);
	int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok ? 0 : E_DB;
}

/* An idle connection has nothing to read: if its socket is readable, the
 * server sent something on its own, usually a FATAL (57P01) followed by the
 * end of the stream. Reading it lets libpq see the end, which turns the
 * status to CONNECTION_BAD. A poll with no wait: no round trip per statement. */
static void pg_notice_close(struct pg *g)
{
	struct pollfd p = {.fd = PQsocket(g->c), .events = POLLIN};
	for (int i = 0; i < 4 && PQstatus(g->c) == CONNECTION_OK; i++) {
		if (p.fd < 0 || poll(&p, 1, 0) <= 0)
			return;
		if (!PQconsumeInput(g->c))
			return;
	}
}

/* Before a statement outside a transaction (which includes the BEGIN of the
 * next one): a broken connection is replaced, with nothing lost since nothing
 * was open on it. Inside a transaction nothing is retried or replaced: the
 * statement fails, the caller rolls back, and the next BEGIN lands here. */
static int pg_ready(struct pg *g)
{
	if (g->base.in_tx)
		return 0;
	pg_notice_close(g);
	if (PQstatus(g->c) == CONNECTION_OK)
		return 0;
	PQreset(g->c);
	cache_forget(g); /* the new session has none of them */
	if (PQstatus(g->c) != CONNECTION_OK || pg_setup(g)) {
		snprintf(g->base.err, sizeof g->base.err, "no connection to PostgreSQL: %s", PQerrorMessage(g->c));
		trim(g->base.err);
		if (!g->lost) /* once per outage and thread, not once per request */
			log_warn("%s; reconnecting before each transaction", g->base.err);
		g->lost = 1;
		return E_BUSY;
	}
	log_info("PostgreSQL connection %s", g->lost ? "restored" : "lost and replaced");
	g->lost = 0;
	return 0;
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void cache_forget(struct pg *g)
{
	for (int i = 0; i < g->ncache; i++)
		free(g->cache[i].sql);
	g->ncache = 0;
}

/* the error of a statement that another session's change made stale: its
 * prepared form is gone (26000: DISCARD ALL, a pooler) or its result columns
 * changed (0A000 "cached plan must not change result type": a migration of
 * another node); preparing it again makes it run */
static int stale(PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return state && (!strcmp(state, "26000") || !strcmp(state, "0A000"));
}

static void drop(struct pg *g, struct stmt *st)
{
	char sql[48];
	snprintf(sql, sizeof sql, "DEALLOCATE cv%lu", st->name);
	/* outside an aborted transaction; when it fails, the name is only left
	 * unused on the server (names are never reused) */
	if (PQtransactionStatus(g->c) != PQTRANS_INERROR)
		PQclear(PQexec(g->c, sql));
	free(st->sql);
	*st = g->cache[--g->ncache];
}

/* the cached statement for sql with these parameter types, prepared now if
 * it was not; NULL with *err set when preparing failed, NULL with *err NULL
 * when the statement is to be sent unprepared */
static struct stmt *prepared(struct pg *g, const char *sql, int n, const struct db_param *p, PGresult **err)
{
	unsigned h = hash(sql);
	*err = NULL;
	for (int i = 0; i < g->ncache; i++) {
		struct stmt *st = &g->cache[i];
		if (st->h != h || st->n != n || strcmp(st->sql, sql))
			continue;
		int same = 1;
		for (int k = 0; k < n && same; k++)
			same = st->types[k] == (p[k].type == 'i' ? 'i' : 's');
		if (!same)
			continue;
		st->used = ++g->clock;
		return st;
	}
	/* in an aborted transaction the server refuses PREPARE as it refuses
	 * the statement: sent as is, it fails with the usual error */
	if (PQtransactionStatus(g->c) == PQTRANS_INERROR)
		return NULL;
	if (g->ncache == CACHE) {
		int lru = 0;
		for (int i = 1; i < g->ncache; i++)
			if (g->cache[i].used < g->cache[lru].used)
				lru = i;
		drop(g, &g->cache[lru]);
	}
	char *q = rewrite(sql), *copy = strdup(sql);
	if (!q || !copy) {
		free(q);
		free(copy);
		return NULL;
	}
	struct stmt *st = &g->cache[g->ncache];
	Oid types[MAX_PARAMS];
	for (int k = 0; k < n; k++) {
		st->types[k] = p[k].type == 'i' ? 'i' : 's';
		types[k] = p[k].type == 'i' ? 20 /* int8 */ : 25 /* text */;
	}
	char name[32];
	st->name = ++g->names;
	snprintf(name, sizeof name, "cv%lu", st->name);
	PGresult *res = PQprepare(g->c, name, q, n, types);
	free(q);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		free(copy);
		*err = res;
		return NULL;
	}
	PQclear(res);
	st->sql = copy;
	st->h = h;
	st->n = n;
	st->used = ++g->clock;
	g->ncache++;
	return st;
}

static PGresult *run(struct pg *g, const char *sql, int n, const struct db_param *p)
{
	if (n > MAX_PARAMS)
		return NULL;
	const char *vals[MAX_PARAMS];
	char nums[MAX_PARAMS][24];
	for (int i = 0; i < n; i++) {
		if (p[i].type == 'i') {
			snprintf(nums[i], sizeof nums[i], "%lld", (long long)p[i].i);
			vals[i] = nums[i];
		} else {
			vals[i] = p[i].s;
		}
	}
	for (int attempt = 0;; attempt++) {
		PGresult *err;
		struct stmt *st = prepared(g, sql, n, p, &err);
		if (err)
			return err;
		if (!st) {
			char *q = rewrite(sql);
			if (!q)
				return NULL;
			Oid types[MAX_PARAMS];
			for (int i = 0; i < n; i++)
				types[i] = p[i].type == 'i' ? 20 : 25;
			PGresult *res = PQexecParams(g->c, q, n, types, vals, NULL, NULL, 0);
			free(q);
			return res;
		}
		char name[32];
		snprintf(name, sizeof name, "cv%lu", st->name);
		PGresult *res = PQexecPrepared(g->c, name, n, vals, NULL, NULL, 0);
		if (res && (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK))
			return res;
		if (!stale(res))
			return res;
		/* prepared again, once: outside a transaction nothing ran; inside
		 * one, the transaction is aborted and the caller rolls back */
		drop(g, st);
		if (attempt || g->base.in_tx)
			return res;
		PQclear(res);
	}
}

static int pg_exec(struct db *db, const char *sql, int n, const struct db_param *p, int64_t *changes)
{
	struct pg *g = (struct pg *)db;
	int rc = pg_ready(g);
	if (rc)
		return rc;
	PGresult *res = run(g, sql, n, p);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = map_err(g, res);
	else
		*changes = atoll(PQcmdTuples(res));
	PQclear(res);
	return rc;
}

static int pg_query(struct db *db, const char *sql, int n, const struct db_param *p, struct db_rows **out)
{
	struct pg *g = (struct pg *)db;
	int rc = pg_ready(g);
	if (rc)
		return rc;
	PGresult *res = run(g, sql, n, p);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = map_err(g, res);
		PQclear(res);
		return rc;
	}
	struct db_rows *r = calloc(1, sizeof *r);
	if (!r) {
		PQclear(res);
		return E_NOMEM;
	}
	r->db = db;
	r->res = res;
	r->row = -1;
	r->nrows = PQntuples(res);
	*out = r;
	return 0;
}

static int pg_next(struct db_rows *r)
{
	return ++r->row < r->nrows ? 1 : 0;
}

static const char *pg_text(struct db_rows *r, int col)
{
	if (r->row < 0 || r->row >= r->nrows || PQgetisnull(r->res, r->row, col))
		return NULL;
	return PQgetvalue(r->res, r->row, col);
}

static int pg_is_null(struct db_rows *r, int col)
{
	return PQgetisnull(r->res, r->row, col);
}

static void pg_rows_free(struct db_rows *r)
{
	PQclear(r->res);
	free(r);
}

static int pg_script(struct db *db, const char *sql)
{
	struct pg *g = (struct pg *)db;
	int rc = pg_ready(g);
	if (rc)
		return rc;
	PGresult *res = PQexec(g->c, sql);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = map_err(g, res);
	PQclear(res);
	/* scripts are migrations (and LISTEN, locks: rare): tables may have
	 * changed under the prepared statements, whose result columns must not */
	if (g->ncache) {
		if (PQtransactionStatus(g->c) != PQTRANS_INERROR)
			PQclear(PQexec(g->c, "DEALLOCATE ALL"));
		cache_forget(g);
	}
	return rc;
}

static void pg_close(struct db *db)
{
	struct pg *g = (struct pg *)db;
	cache_forget(g);
	PQfinish(g->c);
	free(g);
}

static int pg_wait_notify(struct db *db, int timeout_ms, char *out, size_t n)
{
	struct pg *g = (struct pg *)db;
	PGnotify *nt = PQnotifies(g->c);
	if (!nt) {
		if (PQstatus(g->c) != CONNECTION_OK)
			return E_IO;
		struct pollfd p = {.fd = PQsocket(g->c), .events = POLLIN};
		int pr = poll(&p, 1, timeout_ms);
		if (pr < 0)
			return errno == EINTR ? 0 : E_IO;
		if (pr == 0)
			return 0;
		if (!PQconsumeInput(g->c))
			return E_IO;
		if (!(nt = PQnotifies(g->c)))
			return PQstatus(g->c) == CONNECTION_OK ? 0 : E_IO;
	}
	snprintf(out, n, "%s", nt->extra);
	PQfreemem(nt);
	return 1;
}

static const struct db_ops pg_ops = {
	pg_exec,        pg_query,   pg_next,
	pg_text,        pg_is_null, pg_rows_free,
	pg_script,      pg_close,   NULL /* integers arrive as text anyway: db_int parses them */,
	pg_wait_notify, NULL /* one connection does all: rows are locked, not files */};

int db_pg_open(const char *url, struct db **out, char *err, size_t errlen)
{
	struct pg *g = calloc(1, sizeof *g);
	if (!g)
		return E_NOMEM;
	g->base.ops = &pg_ops;
	g->base.kind = DB_PG;
	g->c = PQconnectdb(url);
	if (PQstatus(g->c) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(g->c));
		trim(err);
		PQfinish(g->c);
		free(g);
		return E_IO;
	}
	pg_setup(g);
	*out = &g->base;
	return 0;
}
