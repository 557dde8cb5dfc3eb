/* The two ends of a JSON handler's transaction: take the thread's connection
 * and begin, then either roll back with the error or commit and answer. What
 * the handler writes and audits in between stays in the handler. */
#ifndef API_TX_H
#define API_TX_H

#include <jansson.h>

#include "http/request.h"
#include "store/store.h"

/* *db = the thread's connection (E_DB when there is none); api_begin opens a
 * transaction on it (write: the writer's), else gives the store's error.
 * api_db alone is for reads that need no snapshot, first in a chain:
 * `if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || ...)` */
int api_db(struct db **db);
int api_begin(struct db **db, int write);
/* rolls back, then evaluates and returns rc, so that `return api_abort(db,
 * rc);` ends an error path and `return api_abort(db, resp_problem(...));`
 * answers after the rollback. A macro for that order: a problem's language
 * may be read from the database (resp_lang), which PostgreSQL refuses inside
 * a transaction that a failed statement (a unique key: E_CONFLICT) aborted. */
#define api_abort(db, rc) (store_rollback(db), (rc))
/* commit, then answer status with body (stolen) or with no body; when the
 * commit fails nothing is answered, body is freed and the error returned */
int api_commit_json(struct req *r, struct db *db, int status, json_t *body);
int api_commit_empty(struct req *r, struct db *db, int status);
/* the same for a created object: 201 with its Location (a path), which is
 * not set when the commit fails */
int api_commit_created(struct req *r, struct db *db, const char *location, json_t *body);

#endif
