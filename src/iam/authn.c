/* Credential resolution. Invalid credentials make the request anonymous and
 * return E_UNAUTH, so that a revoked token gets 401 even where a route would
 * otherwise accept an anonymous caller with less. A store failure is returned
 * as it is (503 while the database is away), never taken for bad
 * credentials: clients must not think they were signed out. */
#include "iam/authn.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "iam/app_passwords.h"
#include "iam/apps.h"
#include "iam/basic_cache.h"
#include "iam/bearer_cache.h"
#include "iam/credentials.h"
#include "iam/password.h"
#include "iam/throttle.h"

int authn_principal_from_user(struct req *r, const struct user *u, enum auth_via via)
{
	if (strcmp(u->status, "active"))
		return E_UNAUTH;
	struct principal *p = &r->who;
	p->via = via;
	memcpy(p->account_id, u->account_id, sizeof p->account_id);
	memcpy(p->user_id, u->id, sizeof p->user_id);
	snprintf(p->role, sizeof p->role, "%s", u->role);
	snprintf(p->email, sizeof p->email, "%s", u->email);
	snprintf(p->display_name, sizeof p->display_name, "%s", u->display_name);
	p->must_change_password = u->must_change_password;
	p->email_validation_pending = u->force_email_validation && !u->email_validated;
	r->authenticated = 1;
	return 0;
}

static int by_cookie(struct req *r, struct db *db, const char *secret)
{
	char hash[HASH_HEX_MAX];
	struct session_row s;
	struct user u;
	int64_t now = clock_now();
	ids_hash(secret, hash);
	int rc = store_session_get(db, hash, &s);
	if (rc == E_NOTFOUND || (!rc && s.expires_at <= now))
		return E_UNAUTH;
	if (rc)
		return rc;
	rc = store_user_get(db, s.account_id, s.user_id, &u);
	if (rc == E_NOTFOUND)
		return E_UNAUTH;
	if (rc || (rc = authn_principal_from_user(r, &u, AUTH_COOKIE)))
		return rc;
	memcpy(r->who.session_hash, hash, sizeof hash);
	memcpy(r->who.csrf, s.csrf, sizeof s.csrf);
	if (now - s.last_seen_at >= 60) /* sliding expiry, written at most once a minute */
		store_session_touch(db, hash, now, now + SESSION_IDLE_SECONDS);
	return 0;
}

/* the account password was right: a success clears this network's count */
static int basic_success(struct req *r, struct db *db, struct user *u, struct throttle *t)
{
	if (!strcmp(u->status, "active")) {
		int rc = throttle_success(db, t);
		if (rc)
			return rc;
	}
	return authn_principal_from_user(r, u, AUTH_BASIC);
}

/* The login is an address, or "ACCOUNT\\address" (the account's id) when the
 * address and password fit users of several accounts (iam/credentials.h):
 * a backslash cannot stand unquoted in an address (RFC 5322 atext). */
static int by_basic(struct req *r, struct db *db, const char *b64)
{
	unsigned char raw[600];
	size_t len;
	if (sodium_base642bin(raw, sizeof raw - 1, b64, strlen(b64), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL))
		return E_UNAUTH;
	raw[len] = 0;
	char *colon = strchr((char *)raw, ':');
	if (!colon)
		return E_UNAUTH;
	*colon = 0;
	char login[256];
	snprintf(login, sizeof login, "%s", (char *)raw);
	for (char *c = login; *c; c++)
		*c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
	const char *email = login, *account = NULL;
	char account_buf[256];
	char *bs = strchr(login, '\\');
	if (bs) { /* account ids are matched as given, not lower-cased */
		snprintf(account_buf, sizeof account_buf, "%.*s", (int)(bs - login), (char *)raw);
		account = account_buf;
		email = bs + 1;
	}
	/* not an e-mail address, so no user: an API client's id on /oauth/token.
	 * Refused without the dummy Argon2id work, which only hides which
	 * addresses exist and would make every token request cost a password hash. */
	if (!strchr(email, '@') || (account && !*account))
		return E_UNAUTH;
	int64_t now = clock_now();
	const char *pw = colon + 1;
	int app_scope = app_passwords_path_allowed(r->path);
	unsigned char key[BASIC_CACHE_KEY_BYTES];
	struct basic_cache_entry hit;
	struct app_password ap;
	struct throttle t;
	struct user u;
	int rc;
	basic_cache_key(login, pw, key);
	/* a hit spares the Argon2id work, not the checks: the row just read must
	 * still be the verified state (iam/basic_cache.h), and the lock holds */
	if (!basic_cache_get(key, now, &hit)) {
		rc = store_user_get(db, hit.account_id, hit.user_id, &u);
		if (rc && rc != E_NOTFOUND)
			return rc;
		if (!rc && !strcmp(u.email, email) && basic_cache_matches(&hit, &u)) {
			if (hit.app_password_id[0] && app_scope) {
				rc = store_app_password_get(db, u.account_id, u.id, hit.app_password_id, &ap);
				if (!rc) {
					app_passwords_note_use(r, db, &ap, now);
					return authn_principal_from_user(r, &u, AUTH_BASIC);
				}
				if (rc != E_NOTFOUND)
					return rc;
			} else if (!hit.app_password_id[0]) {
				if ((rc = throttle_check(r, db, email, now, &t)))
					return rc;
				if (!t.locked_until)
					return basic_success(r, db, &u, &t);
			}
		}
		basic_cache_drop(key);
	}
	struct user c[USERS_SAME_ADDRESS_MAX];
	int n, match[USERS_SAME_ADDRESS_MAX], nmatch;
	if ((rc = credentials_candidates(db, email, account, c, &n)))
		return rc;
	/* app passwords first: a cheap lookup, and unique (82 random bits), so
	 * the first that fits names the user. One that matches outside DAV and
	 * feeds is refused without counting a failure (a misconfigured client
	 * must not lock its user out); it is no credential for the JSON API.
	 * The sign-in lock is about guessing the account password, so it does
	 * not stop app passwords, which cannot be guessed. */
	for (int i = 0; i < n; i++) {
		rc = app_passwords_find(db, &c[i], pw, &ap);
		if (!rc) {
			if (!app_scope || (rc = authn_principal_from_user(r, &c[i], AUTH_BASIC)))
				return E_UNAUTH;
			basic_cache_put(key, &c[i], ap.id, now);
			app_passwords_note_use(r, db, &ap, now);
			return 0;
		}
		if (rc != E_NOTFOUND)
			return rc;
	}
	/* failures count and lock as sign-in's do, unknown addresses too: Basic
	 * must not be a way around the throttling (calendar apps send it on
	 * every fetch) */
	if ((rc = throttle_check(r, db, email, now, &t)))
		return rc;
	if (t.locked_until)
		return E_UNAUTH;
	credentials_verify(db, c, n, email, pw, match, &nmatch);
	credentials_prefer_active(c, match, &nmatch);
	if (!nmatch) {
		if ((rc = throttle_failure(r, db, &t, n ? &c[0] : NULL, now)))
			log_error("cannot count a failed Basic login: %s", error_name(rc));
		return E_UNAUTH;
	}
	if (nmatch > 1) /* a right password, no failure: the login must name the account */
		return E_UNAUTH;
	u = c[match[0]];
	if (!strcmp(u.status, "active")) /* never a failure, nor a suspended user */
		basic_cache_put(key, &u, NULL, now);
	return basic_success(r, db, &u, &t);
}

int authn_request(struct req *r)
{
	struct db *db = store_db();
	if (!db)
		return E_BUSY; /* no database connection: a 503 to retry, not a sign-out */
	const char *authz = req_header(r, "Authorization");
	int rc = 0;
	bearer_cache_begin();
	if (authz && !strncasecmp(authz, "Bearer ", 7))
		rc = apps_authenticate_bearer(r, db, authz + 7);
	else if (authz && !strncasecmp(authz, "Basic ", 6))
		rc = by_basic(r, db, authz + 6);
	else if (authz)
		rc = E_UNAUTH;
	else {
		const char *cookie = req_cookie(r, SESSION_COOKIE);
		if (cookie && *cookie)
			rc = by_cookie(r, db, cookie);
	}
	if (rc) {
		memset(&r->who, 0, sizeof r->who);
		r->authenticated = 0;
		if (rc != E_UNAUTH) /* the store failed: not the caller's credentials (503/500, not 401) */
			log_error("authentication failed: %s (%s)", error_name(rc), store_error(db));
		return rc;
	}
	return 0;
}
