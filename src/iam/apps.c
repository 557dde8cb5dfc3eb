/* API applications: registration by an API manager (the secret is shown once
 * and kept only as a hash), listing for the manager's page, revocation of
 * selected applications (secret and every token at once, in one transaction),
 * and resolving bearer tokens to the owner's identity. The token endpoint is
 * in iam/oauth.c. */
#include "iam/apps.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/authn.h"
#include "iam/bearer_cache.h"
#include "iam/oauth.h"
#include "store/store.h"

#define PAGE_MAX 200
#define REVOKE_MAX 200

int apps_owner_allowed(const char *role)
{
	return !strcmp(role, "api_manager") || !strcmp(role, "admin");
}

static json_t *time_or_null(int64_t t)
{
	char s[32];
	if (!t)
		return json_null();
	clock_iso(t, s, sizeof s);
	return json_string(s);
}

static json_t *app_json(const struct app *a)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:I}", "id", a->id, "client_id",
			 a->client_id, "name", a->name, "description", a->description, "owner_id", a->owner_id,
			 "owner_email", a->owner_email, "status", a->revoked_at ? "revoked" : "active", "created_at",
			 time_or_null(a->created_at), "revoked_at", time_or_null(a->revoked_at), "last_used_at",
			 time_or_null(a->last_used_at), "token_count", (json_int_t)a->token_count);
}

/* registering and revoking: API managers for themselves, admins for anyone */
static int may_manage(struct req *r)
{
	if (apps_owner_allowed(r->who.role))
		return 0;
	resp_problem(r, 403, "forbidden",
		     access_is(r, "technician")
			     ? "technicians may look but not change anything here"
			     : "only API managers and administrators may register or revoke applications");
	return E_FORBIDDEN;
}

/* reading: admins and technicians see every application, API managers their own */
static int may_read(struct req *r, int *all)
{
	*all = access_is(r, "admin") || access_is(r, "technician");
	if (*all || access_is(r, "api_manager"))
		return 0;
	resp_problem(r, 403, "forbidden", "your role may not see API applications");
	return E_FORBIDDEN;
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"name", "description", NULL};
	json_t *in;
	const char *name, *description = "";
	int rc;
	if ((rc = may_manage(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "name", JIN_REQUIRED, APP_NAME_MAX, &name)) ||
	    (rc = jin_string(r, in, "description", JIN_OPTIONAL, APP_DESCRIPTION_MAX, &description)))
		return rc;
	if (!name[strspn(name, " \t")])
		return resp_field_error(r, "name", "the name must not be empty");
	struct app a = {0};
	char secret[SECRET_MAX];
	memcpy(a.account_id, r->who.account_id, sizeof a.account_id);
	memcpy(a.owner_id, r->who.user_id, sizeof a.owner_id);
	snprintf(a.owner_email, sizeof a.owner_email, "%s", r->who.email);
	ids_new("app", a.id);
	ids_new("cli", a.client_id);
	snprintf(a.name, sizeof a.name, "%s", name);
	snprintf(a.description, sizeof a.description, "%s", description);
	ids_secret(secret);
	ids_hash(secret, a.secret_hash);
	a.created_at = clock_now();
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_app_insert(db, &a)) ||
	    (rc = audit_record(r, db, "app.create", "app", a.id, a.name, NULL, app_json(&a))))
		return api_abort(db, rc);
	json_t *out = app_json(&a);
	/* the only time the secret leaves the server */
	json_object_set_new(out, "client_secret", json_string(secret));
	json_object_set_new(out, "token_endpoint", json_string("/oauth/token"));
	sodium_memzero(secret, sizeof secret);
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/apps/%s", a.id), out);
}

/* cursor "<created_at>.<id>" of the last row of the previous page */
static int parse_cursor(const char *c, struct app_filter *f)
{
	char *end;
	long long t = strtoll(c, &end, 10);
	if (end == c || *end != '.' || t < 0 || !ids_valid(end + 1, "app"))
		return E_INVALID;
	f->after_created_at = t;
	f->after_id = end + 1;
	return 0;
}

static int list(struct req *r)
{
	int rc, all;
	if ((rc = may_read(r, &all)))
		return rc;
	struct app_filter f = {.limit = PAGE_MAX};
	const char *owner = req_query(r, "owner"), *cursor = req_query(r, "cursor"), *limit = req_query(r, "limit");
	if (owner && *owner) {
		if (!ids_valid(owner, "usr"))
			return resp_problem(r, 400, "invalid-query", "owner must be a user id (usr_...)");
		if (!all && strcmp(owner, r->who.user_id))
			return resp_problem(r, 403, "forbidden", "API managers see only their own applications");
		f.owner_id = owner;
	}
	if (!all)
		f.owner_id = r->who.user_id;
	/* technicians: only the applications of API managers of their companies (api/access.h) */
	f.member_of = access_company_scope(r);
	if (cursor && *cursor && parse_cursor(cursor, &f))
		return resp_problem(r, 400, "invalid-query", "the cursor is not one this server issued");
	if (limit) { /* present but empty is an error too */
		char *end;
		long v = strtol(limit, &end, 10);
		if (*end || v < 1 || v > PAGE_MAX)
			return resp_problemf(r, 400, "invalid-query", "limit must be between 1 and %d", PAGE_MAX);
		f.limit = (int)v;
	}
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct app *rows = arena_alloc(r->arena, sizeof(struct app) * (PAGE_MAX + 1));
	int n = 0, want = f.limit;
	f.limit = want + 1; /* one more tells whether there is a next page */
	if ((rc = store_app_list(db, r->who.account_id, &f, clock_now(), rows, PAGE_MAX + 1, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < want; i++)
		json_array_append_new(items, app_json(&rows[i]));
	json_t *next = json_null();
	if (n > want)
		next = json_string(
			arena_printf(r->arena, "%lld.%s", (long long)rows[want - 1].created_at, rows[want - 1].id));
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

static int not_found(struct req *r, const char *id)
{
	resp_problemf(r, 404, "not-found", "no application '%.40s' in this account", id);
	return E_NOTFOUND;
}

static int show(struct req *r)
{
	int rc, all;
	if ((rc = may_read(r, &all)))
		return rc;
	const char *id = req_param(r, "id");
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct app a;
	rc = ids_valid(id, "app") ? store_app_get(db, r->who.account_id, id, clock_now(), &a) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return not_found(r, id);
	if (rc)
		return rc;
	if (!all && strcmp(a.owner_id, r->who.user_id))
		return resp_problem(r, 403, "forbidden", "this application belongs to another API manager");
	/* an API manager of none of the caller's companies: as if there were no such application */
	if ((rc = access_user_sees(r, db, a.owner_id)) == E_NOTFOUND)
		return not_found(r, id);
	if (rc)
		return rc;
	return resp_json(r, 200, app_json(&a));
}

static int revoke(struct req *r)
{
	static const char *const allowed[] = {"ids", NULL};
	json_t *in;
	const char **ids;
	size_t n;
	int rc;
	if ((rc = may_manage(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string_array(r, in, "ids", JIN_REQUIRED, REVOKE_MAX, ID_MAX, &ids, &n)))
		return rc;
	if (!n)
		return resp_field_error(r, "ids", "select at least one application");
	int admin = access_is(r, "admin");
	int64_t now = clock_now();
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct app *apps = arena_alloc(r->arena, sizeof(struct app) * n);
	size_t m = 0;
	int revoked = 0;
	if ((rc = store_begin(db, 1)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		int dup = 0;
		for (size_t j = 0; j < m && !dup; j++)
			dup = !strcmp(apps[j].id, ids[i]);
		if (dup)
			continue;
		struct app *a = &apps[m];
		rc = ids_valid(ids[i], "app") ? store_app_get(db, r->who.account_id, ids[i], now, a) : E_NOTFOUND;
		if (rc == E_NOTFOUND)
			return api_abort(db, not_found(r, ids[i]));
		if (rc)
			goto fail;
		if (!admin && strcmp(a->owner_id, r->who.user_id)) {
			store_rollback(db);
			return resp_problemf(r, 403, "forbidden",
					     "application '%s' belongs to another API manager; nothing was revoked",
					     a->id);
		}
		m++;
		if (a->revoked_at) /* already revoked: nothing to do, and nothing to audit */
			continue;
		json_t *before = app_json(a);
		if ((rc = store_app_revoke(db, a->account_id, a->id, now))) {
			json_decref(before);
			goto fail;
		}
		a->revoked_at = now;
		a->token_count = 0;
		if ((rc = audit_record(r, db, "app.revoke", "app", a->id, a->name, before, app_json(a))))
			goto fail;
		revoked++;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < m; i++)
		json_array_append_new(items, app_json(&apps[i]));
	return api_commit_json(r, db, 200, json_pack("{s:o, s:i}", "items", items, "revoked", revoked));
fail:
	return api_abort(db, rc);
}

int apps_authenticate_bearer(struct req *r, struct db *db, const char *token)
{
	size_t len = strlen(token);
	if (len < 20 || len >= SECRET_MAX) /* not one of ours: no lookup */
		return E_UNAUTH;
	char hash[HASH_HEX_MAX];
	struct app_token_auth t;
	int64_t now = clock_now();
	ids_hash(token, hash);
	/* the stamp before the lookup, so that the cached result is never newer than it */
	struct store_stamp stamp;
	int cacheable = store_stamp(db, &stamp) == 0;
	if (cacheable && !bearer_cache_get(r, hash, &stamp, now))
		return 0;
	int rc = store_app_token_auth(db, hash, &t);
	if (rc == E_NOTFOUND)
		return E_UNAUTH;
	if (rc)
		return rc;
	/* revocation deletes the tokens; the other checks catch what happened since issue:
	 * expiry, the owner suspended or no longer allowed to own applications */
	if (t.expires_at <= now || t.revoked_at || !apps_owner_allowed(t.owner.role))
		return E_UNAUTH;
	if ((rc = authn_principal_from_user(r, &t.owner, AUTH_BEARER)))
		return rc;
	memcpy(r->who.app_id, t.app_id, sizeof r->who.app_id);
	if (now - t.last_used_at >= 60) /* at most one write a minute per application */
		store_app_touch(db, t.owner.account_id, t.app_id, now);
	else if (cacheable) /* a touch changes the stamp anyway: cache the request after it */
		bearer_cache_put(r, hash, &stamp, t.expires_at, t.last_used_at);
	return 0;
}

const struct route apps_routes[] = {
	{"POST", "/api/v1/apps", create, 0},
	{"GET", "/api/v1/apps", list, 0},
	{"POST", "/api/v1/apps/revoke", revoke, 0},
	{"GET", "/api/v1/apps/{id}", show, 0},
	{"POST", "/oauth/token", oauth_token, ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_RAW_BODY},
	{0},
};
