/* The handler transaction's two ends (api/tx.h): one place that says what a
 * failed commit answers, instead of a copy of begin/rollback/commit in each
 * handler. */
#include "api/tx.h"

#include "core/errors.h"
#include "http/response.h"
#include "store/store.h"

int api_db(struct db **db)
{
	*db = store_db();
	return *db ? 0 : E_DB;
}

int api_begin(struct db **db, int write)
{
	int rc = api_db(db);
	return rc ? rc : store_begin(*db, write);
}

/* commit; when that fails the body is freed, as nothing will answer with it */
static int commit_or_free(struct db *db, json_t *body)
{
	int rc = store_commit(db);
	if (rc)
		json_decref(body);
	return rc;
}

int api_commit_json(struct req *r, struct db *db, int status, json_t *body)
{
	int rc = commit_or_free(db, body);
	return rc ? rc : resp_json(r, status, body);
}

int api_commit_empty(struct req *r, struct db *db, int status)
{
	int rc = store_commit(db);
	return rc ? rc : resp_empty(r, status);
}

int api_commit_created(struct req *r, struct db *db, const char *location, json_t *body)
{
	int rc = commit_or_free(db, body);
	if (rc)
		return rc;
	resp_header(r, "Location", location);
	return resp_json(r, 201, body);
}
