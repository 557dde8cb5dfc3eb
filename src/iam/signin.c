/* Sign-in with e-mail, password and, when the address and password fit users
 * of several accounts, the account (iam/credentials.h). Failed passwords are throttled by
 * iam/throttle.h (by address, by address and client network, by network),
 * before the user is looked up: an unknown address gets the same answers and
 * the same Argon2id work as a real one, and nobody can lock a user out of
 * their own network from another. */
#include "iam/signin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/jsonout.h"
#include "http/response.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/authn.h"
#include "iam/bearer_cache.h"
#include "iam/credentials.h"
#include "iam/password.h"
#include "iam/throttle.h"
#include "iam/users.h"
#include "iam/language.h"
#include "iam/login_rules.h"
#include "notify/outbox_worker.h"
#include "store/store.h"

/* Secure whenever browsers reach us over https: public_url says so even
 * when the proxy in front sends no X-Forwarded-Proto */
static int secure_cookie(struct req *r)
{
	if (!strncasecmp(config_current()->public_url, "https://", 8))
		return 1;
	const char *proto = req_header(r, "X-Forwarded-Proto");
	return proto && !strcasecmp(proto, "https");
}

static void set_cookie(struct req *r, const char *secret, int max_age)
{
	resp_header(r, "Set-Cookie",
		    arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", SESSION_COOKIE,
				 secret, max_age, secure_cookie(r) ? "; Secure" : ""));
}

static int locked(struct req *r, int64_t until, int64_t now)
{
	resp_header(r, "Retry-After", arena_printf(r->arena, "%lld", (long long)(until - now)));
	return resp_problemf(r, 429, "login-throttled", "too many failed sign-ins; try again in %lld seconds",
			     (long long)(until - now));
}

/* 409 account-required: the password fits a user in each of these accounts.
 * Naming them tells nothing new: whoever sent the password can sign in to
 * each of them already. */
static int account_required(struct req *r, struct db *db, const struct user *c, const int *match, int n)
{
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		struct account a;
		const struct user *u = &c[match[i]];
		int rc = store_account_get(db, u->account_id, &a);
		if (rc) {
			json_decref(list);
			return rc;
		}
		json_array_append_new(list, json_pack("{s:s, s:s}", "id", a.id, "name", a.name));
	}
	return resp_problem_ext(r, 409, "account-required",
				"this address and password fit more than one account; say which one (account)",
				json_pack("{s:s, s:o}", "field", "account", "accounts", list));
}

static int sign_in(struct req *r)
{
	static const char *const allowed[] = {"email", "password", "account", NULL};
	json_t *in;
	const char *email, *pw, *account = NULL;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "email", JIN_REQUIRED, 254, &email)) ||
	    (rc = jin_string(r, in, "password", JIN_REQUIRED, 1024, &pw)) ||
	    (rc = jin_string(r, in, "account", JIN_OPTIONAL, ID_MAX - 1, &account)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	char lower[256];
	snprintf(lower, sizeof lower, "%s", email);
	users_lower_email(lower);
	int64_t now = clock_now();
	struct throttle t;
	if ((rc = throttle_check(r, db, lower, now, &t)))
		return rc;
	if (t.locked_until) /* before the lookup: the same answer whether the address exists or not */
		return locked(r, t.locked_until, now);
	/* the address may be a user in several accounts: the password decides */
	struct user c[USERS_SAME_ADDRESS_MAX];
	int n, match[USERS_SAME_ADDRESS_MAX], nmatch;
	if ((rc = credentials_candidates(db, lower, account, c, &n)))
		return rc;
	credentials_verify(db, c, n, lower, pw, match, &nmatch);
	credentials_prefer_active(c, match, &nmatch);
	if (!nmatch) {
		if ((rc = throttle_failure(r, db, &t, n ? &c[0] : NULL, now)))
			return rc;
		return resp_problem(r, 401, "invalid-credentials", "wrong e-mail address or password");
	}
	if (nmatch > 1)
		return account_required(r, db, c, match, nmatch);
	struct user u = c[match[0]];
	if (strcmp(u.status, "active"))
		return resp_problem(r, 403, "suspended", "this account is suspended; ask an administrator");

	struct session_row s = {0};
	char secret[SECRET_MAX];
	ids_secret(secret);
	ids_hash(secret, s.token_hash);
	ids_secret(s.csrf);
	memcpy(s.account_id, u.account_id, sizeof s.account_id);
	memcpy(s.user_id, u.id, sizeof s.user_id);
	s.created_at = s.last_seen_at = now;
	s.expires_at = now + SESSION_IDLE_SECONDS;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = throttle_success(db, &t)))
		goto fail;
	if ((rc = store_session_insert(db, &s)))
		goto fail;
	/* e-mail validation at first sign-in: the link goes out with the session */
	int queued = 0;
	if (u.force_email_validation && !u.email_validated && (rc = login_rules_queue_validation(db, &u, &queued)))
		goto fail;
	if ((rc = store_commit(db)))
		return rc;
	if (queued)
		outbox_kick();
	set_cookie(r, secret, SESSION_IDLE_SECONDS);
	json_t *out = json_pack("{s:o, s:s, s:b, s:b}", "user", users_json(db, &u), "csrf_token", s.csrf,
				"must_change_password", u.must_change_password, "email_validation_pending",
				u.force_email_validation && !u.email_validated);
	return resp_json(r, 200, out);
fail:
	return api_abort(db, rc);
}

static int sign_out(struct req *r)
{
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if (r->who.via == AUTH_COOKIE) {
		int rc = store_session_delete(db, r->who.session_hash);
		if (rc)
			return rc;
	}
	set_cookie(r, "", 0);
	return resp_empty(r, 204);
}

static int me(struct req *r)
{
	size_t len;
	const char *cached = bearer_cache_me(r, &len);
	if (cached) /* the body of an earlier request with this token, no write since */
		return resp_raw(r, 200, "application/json", cached, len);
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct user u;
	int rc = store_user_get(db, r->who.account_id, r->who.user_id, &u);
	if (rc)
		return rc;
	struct account a;
	if ((rc = store_account_get(db, u.account_id, &a)))
		return rc;
	json_t *out = json_pack("{s:o, s:{s:s, s:s}, s:b, s:b, s:s}", "user", users_json(db, &u), "account", "id", a.id,
				"name", a.name, "must_change_password", u.must_change_password,
				"email_validation_pending", u.force_email_validation && !u.email_validated, "auth",
				r->who.via == AUTH_COOKIE   ? "cookie"
				: r->who.via == AUTH_BEARER ? "bearer"
							    : "basic");
	if (r->who.via == AUTH_COOKIE)
		json_object_set_new(out, "csrf_token", json_string(r->who.csrf));
	/* the effective language and time zone, and where each comes from */
	language_effective_json(db, &u, out);
	char *body = jsonout_dumps(out, &len);
	json_decref(out);
	if (!body)
		return E_NOMEM;
	bearer_cache_put_me(r, body, len);
	resp_raw(r, 200, "application/json", body, len);
	free(body);
	return 0;
}

static int change_password(struct req *r)
{
	static const char *const allowed[] = {"current_password", "new_password", NULL};
	json_t *in;
	const char *cur, *next;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "current_password", JIN_REQUIRED, 1024, &cur)) ||
	    (rc = jin_string(r, in, "new_password", JIN_REQUIRED, 1024, &next)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct user u;
	if ((rc = store_user_get(db, r->who.account_id, r->who.user_id, &u)))
		return rc;
	/* the current password is a password guess like a sign-in's (a session
	 * left open must not be a way to try passwords at full speed) */
	int64_t now = clock_now();
	struct throttle t;
	if ((rc = throttle_check(r, db, u.email, now, &t)))
		return rc;
	if (t.locked_until)
		return locked(r, t.locked_until, now);
	if (!throttle_verify(u.password_hash, cur)) {
		if ((rc = throttle_failure(r, db, &t, &u, now)))
			return rc;
		return resp_problem_ext(r, 403, "wrong-password", "the current password is wrong",
					json_pack("{s:s}", "field", "current_password"));
	}
	if (password_refused(r, "new_password", next, u.email, u.display_name))
		return 0;
	if (!strcmp(cur, next))
		return resp_field_error(r, "new_password", "choose a password different from the current one");
	if ((rc = password_hash(next, u.email, u.password_hash, sizeof u.password_hash)))
		return rc;
	u.must_change_password = 0;
	u.updated_at = now;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = throttle_success(db, &t)) || (rc = store_user_update(db, &u)) ||
	    (rc = store_session_delete_user(db, u.account_id, u.id,
					    r->who.via == AUTH_COOKIE ? r->who.session_hash : NULL)) ||
	    (rc = audit_record(r, db, "user.password_change", "user", u.id, u.email, NULL, NULL)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 200,
			       json_pack("{s:o, s:b}", "user", users_json(db, &u), "must_change_password", 0));
}

const struct route signin_routes[] = {
	{"POST", "/api/v1/session", sign_in, ROUTE_PUBLIC | ROUTE_NO_CSRF},
	{"DELETE", "/api/v1/session", sign_out, ROUTE_ALLOW_PENDING},
	{"GET", "/api/v1/me", me, ROUTE_ALLOW_PENDING},
	{"POST", "/api/v1/me/password", change_password, ROUTE_ALLOW_PENDING},
	{0},
};
