/* PostgreSQL backend of the driver (libpq): `?` placeholders are rewritten to
 * $n, parameters are sent as text with explicit types (text / int8), and
 * SQLSTATE classes map to our error codes (23505/23503/23P01 -> E_CONFLICT). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"

#define MAX_PARAMS 32

struct pg {
	struct db base;
	PGconn *c;
};

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

static int map_err(struct pg *g, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(g->base.err, sizeof g->base.err, "%s",
		 res ? PQresultErrorMessage(res) : PQerrorMessage(g->c));
	size_t l = strlen(g->base.err);
	while (l && (g->base.err[l - 1] == '\n'))
		g->base.err[--l] = 0;
	if (!state)
		return E_DB;
	if (!strcmp(state, "23505") || !strcmp(state, "23503") || !strcmp(state, "23P01"))
		return E_CONFLICT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return E_BUSY;
	if (!strncmp(state, "22", 2))
		return E_INVALID;
	return E_DB;
}

static PGresult *run(struct pg *g, const char *sql, int n, const struct db_param *p)
{
	char *q = rewrite(sql);
	if (!q)
		return NULL;
	Oid types[MAX_PARAMS];
	const char *vals[MAX_PARAMS];
	char nums[MAX_PARAMS][24];
	for (int i = 0; i < n && i < MAX_PARAMS; i++) {
		if (p[i].type == 'i') {
			types[i] = 20; /* int8 */
			snprintf(nums[i], sizeof nums[i], "%lld", (long long)p[i].i);
			vals[i] = nums[i];
		} else {
			types[i] = 25; /* text */
			vals[i] = p[i].s;
		}
	}
	PGresult *res = PQexecParams(g->c, q, n, types, vals, NULL, NULL, 0);
	free(q);
	return res;
}

static int pg_exec(struct db *db, const char *sql, int n, const struct db_param *p, int64_t *changes)
{
	struct pg *g = (struct pg *)db;
	PGresult *res = run(g, sql, n, p);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;
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
	PGresult *res = run(g, sql, n, p);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = map_err(g, res);
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

static int pg_next(struct db_rows *r) { return ++r->row < r->nrows ? 1 : 0; }

static const char *pg_text(struct db_rows *r, int col)
{
	if (r->row < 0 || r->row >= r->nrows || PQgetisnull(r->res, r->row, col))
		return NULL;
	return PQgetvalue(r->res, r->row, col);
}

static int pg_is_null(struct db_rows *r, int col) { return PQgetisnull(r->res, r->row, col); }

static void pg_rows_free(struct db_rows *r)
{
	PQclear(r->res);
	free(r);
}

static int pg_script(struct db *db, const char *sql)
{
	struct pg *g = (struct pg *)db;
	PGresult *res = PQexec(g->c, sql);
	int rc = 0;
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = map_err(g, res);
	PQclear(res);
	return rc;
}

static void pg_close(struct db *db)
{
	struct pg *g = (struct pg *)db;
	PQfinish(g->c);
	free(g);
}

static const struct db_ops pg_ops = {pg_exec, pg_query, pg_next, pg_text, pg_is_null,
				     pg_rows_free, pg_script, pg_close,
				     NULL /* integers arrive as text anyway: db_int parses them */};

static void quiet(void *arg, const char *msg) { (void)arg, (void)msg; }

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
		size_t l = strlen(err);
		while (l && err[l - 1] == '\n')
			err[--l] = 0;
		PQfinish(g->c);
		free(g);
		return E_IO;
	}
	PQsetNoticeProcessor(g->c, quiet, NULL);
	pg_script(&g->base, "SET TIME ZONE 'UTC'");
	*out = &g->base;
	return 0;
}
