/* Password reset and e-mail validation. The reset request answers the same
 * whatever the address (a user in no account, one or several: each gets a
 * link of their own, naming their account), so that it cannot be used to learn who has an
 * account; links are 256-bit secrets kept only as hashes, single use, and a
 * new link revokes the older ones of the same purpose. */
#include "iam/login_rules.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "core/i18n.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/language.h"
#include "iam/app_passwords.h"
#include "iam/password.h"
#include "iam/throttle.h"
#include "iam/users.h"
#include "notify/outbox_worker.h"
#include "notify/templates.h"
#include "settings/settings.h"

void login_rules_language(struct db *db, const struct user *u, char *out, size_t n)
{
	snprintf(out, n, "%s", i18n_code(language_of_user(db, u, NULL)));
}

/* a new single-use token of this purpose and its mail, in the caller's transaction */
static int queue_link(struct db *db, const struct user *u, const char *purpose, int64_t ttl, enum template_kind kind,
		      const char *page)
{
	int64_t now = clock_now();
	struct one_time_token t = {0};
	char secret[SECRET_MAX], lang[16];
	ids_secret(secret);
	ids_hash(secret, t.token_hash);
	memcpy(t.account_id, u->account_id, sizeof t.account_id);
	memcpy(t.user_id, u->id, sizeof t.user_id);
	snprintf(t.purpose, sizeof t.purpose, "%s", purpose);
	t.created_at = now;
	t.expires_at = now + ttl;
	int rc = store_ott_revoke_user(db, u->account_id, u->id, purpose, now);
	if (rc || (rc = store_ott_insert(db, &t)))
		return rc;
	struct buf link = {0}, subject = {0}, body = {0};
	struct account a;
	login_rules_language(db, u, lang, sizeof lang);
	rc = store_account_get(db, u->account_id, &a);
	if (!rc)
		rc = buf_printf(&link, "%s/%s?token=%s", config_current()->public_url, page, secret);
	if (!rc)
		rc = templates_render(kind, lang, u->display_name, a.name, link.data, &subject, &body);
	if (!rc) {
		struct outbox_msg m = {
			.kind = "mail", .recipient = u->email, .subject = subject.data, .body = body.data};
		memcpy(m.account_id, u->account_id, sizeof m.account_id);
		rc = store_outbox_insert(db, &m);
	}
	buf_free(&link);
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

static int recently(struct db *db, const struct user *u, const char *purpose, int64_t interval, int *yes)
{
	int64_t last = 0;
	int rc = store_ott_last_created(db, u->account_id, u->id, purpose, &last);
	*yes = rc == 0 && last > clock_now() - interval;
	return rc == E_NOTFOUND ? 0 : rc;
}

int login_rules_queue_validation(struct db *db, const struct user *u, int *queued)
{
	int recent, rc = recently(db, u, "validate", VALIDATE_MIN_INTERVAL, &recent);
	*queued = 0;
	if (rc || recent)
		return rc;
	rc = queue_link(db, u, "validate", VALIDATE_TTL, TEMPLATE_VALIDATE, "validate");
	*queued = rc == 0;
	return rc;
}

int login_rules_queue_admin_reset(struct db *db, const struct user *u)
{
	return queue_link(db, u, "reset-admin", RESET_TTL, TEMPLATE_RESET, "reset");
}

/* the caller acts as the user the link belongs to, for the audit log */
static void act_as(struct req *r, const struct user *u)
{
	memset(&r->who, 0, sizeof r->who);
	memcpy(r->who.account_id, u->account_id, sizeof r->who.account_id);
	memcpy(r->who.user_id, u->id, sizeof r->who.user_id);
	snprintf(r->who.email, sizeof r->who.email, "%s", u->email);
}

static int reset_request(struct req *r)
{
	static const char *const allowed[] = {"email", NULL};
	json_t *in;
	const char *email;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "email", JIN_REQUIRED, 254, &email)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	char lower[256];
	snprintf(lower, sizeof lower, "%s", email);
	users_lower_email(lower);
	/* one mail for each account's user with the address, each naming its
	 * account: the answer is the same whoever has it */
	struct user c[USERS_SAME_ADDRESS_MAX];
	int n, queued = 0;
	if ((rc = store_users_by_email(db, lower, c, USERS_SAME_ADDRESS_MAX, &n)))
		return rc;
	if ((rc = store_begin(db, 1)))
		return rc;
	for (int i = 0; i < n; i++) {
		int recent;
		if (strcmp(c[i].status, "active") || !c[i].allow_password_reset)
			continue;
		if ((rc = recently(db, &c[i], "reset", RESET_MIN_INTERVAL, &recent)) ||
		    (!recent && (rc = queue_link(db, &c[i], "reset", RESET_TTL, TEMPLATE_RESET, "reset"))))
			return api_abort(db, rc);
		queued += !recent;
	}
	if ((rc = store_commit(db)))
		return rc;
	if (queued)
		outbox_kick();
	return resp_json(r, 202,
			 json_pack("{s:s, s:s}", "status", "accepted", "detail",
				   "If this address belongs to a user who may reset their password, "
				   "a link valid for one hour is on its way."));
}

static int gone(struct req *r)
{
	return resp_problem(r, 410, "link-expired", "this link is unknown, already used or expired; ask for a new one");
}

static int reset_confirm(struct req *r)
{
	static const char *const allowed[] = {"token", "new_password", NULL};
	json_t *in;
	const char *token, *pw;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "token", JIN_REQUIRED, 100, &token)) ||
	    (rc = jin_string(r, in, "new_password", JIN_REQUIRED, 1024, &pw)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	char hash[HASH_HEX_MAX];
	struct one_time_token t;
	struct user u;
	ids_hash(token, hash);
	if ((rc = store_begin(db, 1)))
		return rc;
	rc = store_ott_consume(db, hash, "reset", clock_now(), &t);
	int by_admin = 0; /* an administrator's link holds without self-service reset */
	if (rc == E_NOTFOUND && !(rc = store_ott_consume(db, hash, "reset-admin", clock_now(), &t)))
		by_admin = 1;
	if (!rc)
		rc = store_user_get(db, t.account_id, t.user_id, &u);
	if (rc == E_NOTFOUND || (!rc && (strcmp(u.status, "active") || (!u.allow_password_reset && !by_admin))))
		return api_abort(db, gone(r));
	if (rc)
		goto fail;
	if (password_refused(r, "new_password", pw, u.email, u.display_name)) {
		store_rollback(db); /* the link stays usable for a better password */
		return 0;
	}
	if ((rc = password_hash(pw, u.email, u.password_hash, sizeof u.password_hash)))
		goto fail;
	/* following a link sent to the address proves it, as a validation link would */
	int was_forced = u.must_change_password, was_validated = u.email_validated;
	u.must_change_password = 0;
	u.email_validated = 1;
	u.updated_at = clock_now();
	act_as(r, &u);
	/* the address is proven from this network, as a right password would be:
	 * its sign-in pair starts again (the address's own count only drains) */
	struct throttle th;
	if ((rc = throttle_check(r, db, u.email, clock_now(), &th)) || (rc = throttle_success(db, &th)))
		goto fail;
	/* a reset is made without the current password: app passwords go with it */
	if ((rc = store_user_update(db, &u)) || (rc = store_session_delete_user(db, u.account_id, u.id, NULL)) ||
	    (rc = app_passwords_revoke_user(r, db, &u, "password_reset")) ||
	    (rc = audit_record(
		     r, db, "user.password_reset", "user", u.id, u.email,
		     json_pack("{s:b, s:b}", "must_change_password", was_forced, "email_validated", was_validated),
		     json_pack("{s:b, s:b}", "must_change_password", 0, "email_validated", 1))))
		goto fail;
	return api_commit_json(r, db, 200, json_pack("{s:s}", "status", "password changed; sign in with the new one"));
fail:
	return api_abort(db, rc);
}

static int validate_confirm(struct req *r)
{
	static const char *const allowed[] = {"token", NULL};
	json_t *in;
	const char *token;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "token", JIN_REQUIRED, 100, &token)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	char hash[HASH_HEX_MAX];
	struct one_time_token t;
	struct user u;
	ids_hash(token, hash);
	if ((rc = store_begin(db, 1)))
		return rc;
	rc = store_ott_consume(db, hash, "validate", clock_now(), &t);
	if (!rc)
		rc = store_user_get(db, t.account_id, t.user_id, &u);
	if (rc == E_NOTFOUND)
		return api_abort(db, gone(r));
	if (rc)
		goto fail;
	if (!u.email_validated) { /* a link followed twice in a row changes nothing more */
		u.email_validated = 1;
		u.updated_at = clock_now();
		act_as(r, &u);
		if ((rc = store_user_update(db, &u)) ||
		    (rc = audit_record(r, db, "user.email_validated", "user", u.id, u.email,
				       json_pack("{s:b}", "email_validated", 0),
				       json_pack("{s:b}", "email_validated", 1))))
			goto fail;
	}
	return api_commit_json(r, db, 200, json_pack("{s:s, s:b}", "email", u.email, "email_validated", 1));
fail:
	return api_abort(db, rc);
}

static int validate_resend(struct req *r)
{
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct user u;
	int rc = store_user_get(db, r->who.account_id, r->who.user_id, &u), recent;
	if (rc)
		return rc;
	if (u.email_validated)
		return resp_problem(r, 409, "already-validated", "your e-mail address is already confirmed");
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = recently(db, &u, "validate", RESEND_MIN_INTERVAL, &recent)))
		goto fail;
	if (recent) {
		store_rollback(db);
		resp_header(r, "Retry-After", "60");
		return resp_problem(r, 429, "too-soon", "a link was sent less than a minute ago; check your mail");
	}
	if ((rc = queue_link(db, &u, "validate", VALIDATE_TTL, TEMPLATE_VALIDATE, "validate")))
		goto fail;
	if ((rc = store_commit(db)))
		return rc;
	outbox_kick();
	return resp_json(r, 202, json_pack("{s:s, s:s}", "status", "accepted", "email", u.email));
fail:
	return api_abort(db, rc);
}

const struct route login_rules_routes[] = {
	{"POST", "/api/v1/password-reset", reset_request, ROUTE_PUBLIC | ROUTE_NO_CSRF},
	{"POST", "/api/v1/password-reset/confirm", reset_confirm, ROUTE_PUBLIC | ROUTE_NO_CSRF},
	{"POST", "/api/v1/email-validation/confirm", validate_confirm, ROUTE_PUBLIC | ROUTE_NO_CSRF},
	{"POST", "/api/v1/me/email-validation", validate_resend, ROUTE_ALLOW_PENDING},
	{0},
};
