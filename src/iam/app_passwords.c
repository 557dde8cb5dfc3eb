/* App passwords of the signed-in user: creation (the secret is shown once and
 * only its hash kept), listing with the last use, revocation; and what HTTP
 * Basic (iam/authn.c) needs to accept them. The secret has 82 bits of
 * entropy, generated here, so a fast unkeyed BLAKE2b (ids_hash) is as safe
 * as Argon2id for it and costs microseconds instead of 50-100 ms. */
#include "iam/app_passwords.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/audit.h"
#include "api/tx.h"

static const char ALPHABET[] = "abcdefghijklmnopqrstuvwxyz0123456789";

int app_passwords_normalise(const char *pw, char out[APP_PASSWORD_CHARS + 1])
{
	size_t n = 0;
	for (const char *c = pw; *c; c++) {
		if (*c == '-' || *c == ' ')
			continue;
		char ch = (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) || n == APP_PASSWORD_CHARS)
			return 0;
		out[n++] = ch;
	}
	out[n] = 0;
	return n == APP_PASSWORD_CHARS;
}

void app_passwords_generate(char out[APP_PASSWORD_CHARS + 4])
{
	size_t p = 0;
	for (int i = 0; i < APP_PASSWORD_CHARS; i++) {
		if (i && i % 4 == 0)
			out[p++] = '-';
		out[p++] = ALPHABET[randombytes_uniform(sizeof ALPHABET - 1)];
	}
	out[p] = 0;
}

static int prefix(const char *path, const char *p)
{
	size_t n = strlen(p);
	return !strncmp(path, p, n) && (path[n] == 0 || path[n] == '/');
}

int app_passwords_path_allowed(const char *path)
{
	/* "/" itself: the PROPFIND of CalDAV discovery from the server's address */
	return path && (!strcmp(path, "/") || prefix(path, "/dav") || prefix(path, "/feeds") ||
			prefix(path, "/.well-known/caldav"));
}

int app_passwords_find(struct db *db, const struct user *u, const char *pw, struct app_password *out)
{
	char canon[APP_PASSWORD_CHARS + 1], hash[HASH_HEX_MAX];
	if (!app_passwords_normalise(pw, canon))
		return E_NOTFOUND;
	ids_hash(canon, hash);
	sodium_memzero(canon, sizeof canon);
	return store_app_password_find(db, u->account_id, u->id, hash, out);
}

void app_passwords_note_use(struct req *r, struct db *db, const struct app_password *p, int64_t now)
{
	if (now - p->last_used_at < 60) /* at most one write a minute per app password */
		return;
	/* printable ASCII only: the value is shown back in JSON and in the web app */
	char ua[APP_PASSWORD_UA_MAX + 1];
	const char *h = req_header(r, "User-Agent");
	size_t n = 0;
	for (; h && h[n] && n < APP_PASSWORD_UA_MAX; n++)
		ua[n] = (h[n] >= 0x20 && h[n] < 0x7f) ? h[n] : '?';
	ua[n] = 0;
	int rc = store_app_password_touch(db, p->account_id, p->id, now, n ? ua : NULL);
	if (rc)
		log_error("cannot record the use of an app password: %s", error_name(rc));
}

int app_passwords_revoke_user(struct req *r, struct db *db, const struct user *u, const char *reason)
{
	int64_t n = 0;
	int rc = store_app_password_delete_user(db, u->account_id, u->id, &n);
	if (rc || !n)
		return rc;
	return audit_record(r, db, "app_password.revoke_all", "user", u->id, u->email, NULL,
			    json_pack("{s:I, s:s}", "revoked", (json_int_t)n, "reason", reason));
}

static json_t *time_or_null(int64_t t)
{
	char s[32];
	if (!t)
		return json_null();
	clock_iso(t, s, sizeof s);
	return json_string(s);
}

static json_t *ap_json(const struct app_password *p)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", p->id, "label", p->label, "created_at",
			 time_or_null(p->created_at), "last_used_at", time_or_null(p->last_used_at), "last_user_agent",
			 p->last_user_agent[0] ? json_string(p->last_user_agent) : json_null());
}

/* the caller's own app passwords; the app passwords themselves never reach
 * here (authn refuses them outside DAV and feeds) */
static int self(struct req *r, struct db **db)
{
	if (!(*db = store_db()))
		return E_DB;
	return 0;
}

int app_passwords_list_json(struct req *r, struct db *db, const char *account_id, const char *user_id, json_t **out)
{
	int rc, n = 0;
	struct app_password *rows = arena_alloc(r->arena, sizeof *rows * APP_PASSWORDS_MAX);
	if (!rows)
		return E_NOMEM;
	if ((rc = store_app_password_list(db, account_id, user_id, rows, APP_PASSWORDS_MAX, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, ap_json(&rows[i]));
	*out = json_pack("{s:o, s:i}", "items", items, "max", APP_PASSWORDS_MAX);
	return 0;
}

static int list(struct req *r)
{
	struct db *db;
	json_t *out;
	int rc;
	if ((rc = self(r, &db)) || (rc = app_passwords_list_json(r, db, r->who.account_id, r->who.user_id, &out)))
		return rc;
	return resp_json(r, 200, out);
}

static int create(struct req *r)
{
	static const char *const allowed[] = {"label", NULL};
	json_t *in;
	const char *label;
	struct db *db;
	int rc;
	/* a bearer token would turn an application's short-lived, revocable
	 * access into a lasting credential that survives the application */
	if (r->who.via == AUTH_BEARER)
		return resp_problem(
			r, 403, "forbidden",
			"app passwords are made by the user (web app or their own password), not by an API application");
	if ((rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "label", JIN_REQUIRED, APP_PASSWORD_LABEL_MAX, &label)))
		return rc;
	if (!label[strspn(label, " \t")])
		return resp_field_error(r, "label", "the label must not be empty");
	for (const char *c = label; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return resp_field_error(r, "label", "the label must not hold control characters");
	if ((rc = self(r, &db)))
		return rc;
	struct app_password p = {0};
	char secret[APP_PASSWORD_CHARS + 4], canon[APP_PASSWORD_CHARS + 1];
	memcpy(p.account_id, r->who.account_id, sizeof p.account_id);
	memcpy(p.user_id, r->who.user_id, sizeof p.user_id);
	ids_new("apw", p.id);
	snprintf(p.label, sizeof p.label, "%s", label);
	app_passwords_generate(secret);
	app_passwords_normalise(secret, canon);
	ids_hash(canon, p.secret_hash);
	sodium_memzero(canon, sizeof canon);
	p.created_at = clock_now();
	int64_t count = 0;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = store_app_password_count(db, p.account_id, p.user_id, &count)))
		goto fail;
	if (count >= APP_PASSWORDS_MAX) {
		store_rollback(db);
		return resp_problemf(r, 409, "app-password-limit",
				     "you have %d app passwords, the most there may be; revoke one first",
				     APP_PASSWORDS_MAX);
	}
	if ((rc = store_app_password_insert(db, &p)) ||
	    (rc = audit_record(r, db, "app_password.create", "app_password", p.id, p.label, NULL, ap_json(&p))))
		goto fail;
	json_t *out = ap_json(&p);
	/* the only time the secret leaves the server */
	json_object_set_new(out, "password", json_string(secret));
	json_object_set_new(out, "username", json_string(r->who.email));
	json_object_set_new(out, "dav_path", json_string("/dav/"));
	sodium_memzero(secret, sizeof secret);
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/me/app-passwords/%s", p.id), out);
fail:
	return api_abort(db, rc);
}

int app_passwords_revoke_one(struct req *r, struct db *db, const struct user *u, const char *id)
{
	struct app_password p;
	int rc;
	if (!ids_valid(id, "apw"))
		return E_NOTFOUND;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = store_app_password_get(db, u->account_id, u->id, id, &p)) ||
	    (rc = store_app_password_delete(db, p.account_id, p.user_id, p.id)))
		goto fail;
	/* the user's own revocation is audited on the app password; an
	 * administrator's on the user, whose app passwords they were */
	if (!strcmp(u->id, r->who.user_id))
		rc = audit_record(r, db, "app_password.revoke", "app_password", p.id, p.label, ap_json(&p), NULL);
	else
		rc = audit_record(r, db, "app_password.revoke", "user", u->id, u->email, ap_json(&p),
				  json_pack("{s:s, s:s}", "app_password_id", p.id, "status", "revoked"));
	if (rc)
		goto fail;
	return store_commit(db);
fail:
	return api_abort(db, rc);
}

static int revoke(struct req *r)
{
	const char *id = req_param(r, "id");
	struct db *db;
	struct user me = {0};
	int rc;
	if ((rc = self(r, &db)))
		return rc;
	memcpy(me.account_id, r->who.account_id, sizeof me.account_id);
	memcpy(me.id, r->who.user_id, sizeof me.id);
	rc = app_passwords_revoke_one(r, db, &me, id);
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "you have no app password '%.40s'", id ? id : "");
	return rc ? rc : resp_empty(r, 204);
}

const struct route app_passwords_routes[] = {
	{"GET", "/api/v1/me/app-passwords", list, 0},
	{"POST", "/api/v1/me/app-passwords", create, 0},
	{"DELETE", "/api/v1/me/app-passwords/{id}", revoke, 0},
	{0},
};
