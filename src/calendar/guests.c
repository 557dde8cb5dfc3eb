/* Guest invitations. The guest user exists from the invitation on, without a
 * password (so that it cannot sign in) and with its share already in place:
 * revoking the share before the guest accepts leaves nothing to see, and
 * accepting only sets the name and the password. The link's token is an
 * `invite` one-time token (store/sessions.h); a new invitation replaces the
 * previous link. GET on the accept address tells the sign-up page who shared
 * what, without using the link up. */
#include "calendar/guests.h"

#include "calendar/access.h"

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
#include "iam/password.h"
#include "iam/throttle.h"
#include "iam/users.h"
#include "notify/templates.h"
#include "settings/settings.h"

int guests_pending(const struct user *u)
{
	return !strcmp(u->role, "guest") && !*u->password_hash;
}

/* the mail in the recipient's language (a guest has no company: the account's) */
static int queue_mail(struct req *r, struct db *db, const struct calendar *c, const struct user *u, const char *role,
		      enum template_kind kind, const char *link)
{
	const char *lang = i18n_code(language_of_user(db, u, NULL));
	struct buf subject = {0}, body = {0};
	const char *inviter = *r->who.display_name ? r->who.display_name : r->who.email;
	char *feed = arena_printf(r->arena, "%s/feeds/calendars/%s.ics", config_current()->public_url, c->id);
	int rc = templates_render_share(kind, lang, inviter, c->name, role, link, feed, &subject, &body);
	if (!rc) {
		struct outbox_msg m = {
			.kind = "mail", .recipient = u->email, .subject = subject.data, .body = body.data};
		memcpy(m.account_id, u->account_id, sizeof m.account_id);
		rc = store_outbox_insert(db, &m);
	}
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

static int invite(struct req *r, struct db *db, const struct calendar *c, const struct user *u, const char *role)
{
	int64_t now = clock_now();
	struct one_time_token t = {0};
	char secret[SECRET_MAX];
	ids_secret(secret);
	ids_hash(secret, t.token_hash);
	memcpy(t.account_id, u->account_id, sizeof t.account_id);
	memcpy(t.user_id, u->id, sizeof t.user_id);
	snprintf(t.purpose, sizeof t.purpose, "invite");
	t.created_at = now;
	t.expires_at = now + GUEST_INVITE_TTL;
	int rc = store_ott_revoke_user(db, u->account_id, u->id, "invite", now);
	if (rc || (rc = store_ott_insert(db, &t)))
		return rc;
	char *link = arena_printf(r->arena, "%s/guest/accept?token=%s", config_current()->public_url, secret);
	return queue_mail(r, db, c, u, role, TEMPLATE_GUEST_INVITE, link);
}

int guests_resolve(struct req *r, struct db *db, const struct calendar *c, const char *email, const char *role,
		   struct user *out, int *mailed)
{
	*mailed = 0;
	/* every sharing mail counts against its sender's hourly allowance */
	int64_t retry;
	int rc = throttle_invitation(db, r->who.user_id, clock_now(), &retry);
	if (rc == E_BUSY) {
		resp_header(r, "Retry-After", arena_printf(r->arena, "%lld", (long long)retry));
		return resp_problemf(r, 429, "too-many-invitations",
				     "you have sent %d invitations in the last hour; try again in %lld seconds",
				     config_current()->invitation_limit, (long long)retry),
		       E_BUSY;
	}
	if (rc)
		return rc;
	/* only this account's users: an address of another account's user is
	 * invited as any outside address is (a pending guest may share it), so
	 * that nothing tells whether it exists elsewhere */
	rc = store_user_by_account_email(db, r->who.account_id, email, out);
	if (rc && rc != E_NOTFOUND)
		return rc;
	if (!rc) {
		if (guests_pending(out))
			rc = invite(r, db, c, out, role);
		else /* the web app's calendar page (web/src/main.jsx) */
			rc = queue_mail(r, db, c, out, role, TEMPLATE_SHARED,
					arena_printf(r->arena, "%s/calendar", config_current()->public_url));
		*mailed = rc == 0;
		return rc;
	}
	struct user *u = out;
	memset(u, 0, sizeof *u);
	memcpy(u->account_id, r->who.account_id, sizeof u->account_id);
	ids_new("usr", u->id);
	snprintf(u->email, sizeof u->email, "%s", email);
	snprintf(u->display_name, sizeof u->display_name, "%s", email);
	char *at = strchr(u->display_name, '@');
	if (at && at != u->display_name)
		*at = 0;
	snprintf(u->role, sizeof u->role, "guest");
	snprintf(u->status, sizeof u->status, "active");
	u->allow_password_reset = 1;
	u->created_at = u->updated_at = clock_now();
	if ((rc = store_user_insert(db, u)) ||
	    (rc = audit_record(
		     r, db, "user.invite", "user", u->id, u->email, NULL,
		     json_pack("{s:s, s:s, s:s}", "role", "guest", "email", u->email, "calendar_id", c->id))) ||
	    (rc = invite(r, db, c, u, role)))
		return rc;
	*mailed = 1;
	return 0;
}

/* ------------------------------------------------ what the link is for, before accepting */

#define LOOKUP_MAX 50   /* calendars named on the welcome page */
#define SHARES_MAX 1000 /* of one calendar, as calendar/shares.c lists them */

struct shared_list {
	char (*ids)[ID_MAX];
	int *ranks;
	int n;
};

static int collect(void *ctx, const char *calendar_id, int rank)
{
	struct shared_list *s = ctx;
	if (s->n >= LOOKUP_MAX)
		return 1;
	snprintf(s->ids[s->n], ID_MAX, "%s", calendar_id);
	s->ranks[s->n++] = rank;
	return 0;
}

/* the calendars shared with the pending guest, and who shared the newest one
 * (the one the last mail was about) */
static int describe(struct req *r, struct db *db, const struct user *u, json_t *out)
{
	struct shared_list s = {arena_alloc(r->arena, sizeof *s.ids * LOOKUP_MAX),
				arena_alloc(r->arena, sizeof *s.ranks * LOOKUP_MAX), 0};
	struct share *shares = arena_alloc(r->arena, sizeof *shares * SHARES_MAX);
	char inviter[ID_MAX] = "";
	int64_t newest = -1;
	int rc = store_share_calendars_of(db, u->account_id, u->id, collect, &s);
	if (rc < 0)
		return rc;
	json_t *cals = json_array();
	json_object_set_new(out, "calendars", cals);
	for (int i = 0; i < s.n; i++) {
		struct calendar c;
		int n = 0;
		rc = store_calendar_get(db, u->account_id, s.ids[i], &c);
		if (rc == E_NOTFOUND)
			continue;
		if (rc || (rc = store_share_list(db, u->account_id, c.id, shares, SHARES_MAX, &n)))
			return rc;
		json_array_append_new(cals, json_pack("{s:s, s:s, s:s}", "id", c.id, "name", c.name, "role",
						      cal_role_name(s.ranks[i])));
		for (int k = 0; k < n; k++)
			if (!strcmp(shares[k].grantee_id, u->id) && shares[k].created_at > newest) {
				newest = shares[k].created_at;
				snprintf(inviter, sizeof inviter, "%s", shares[k].created_by);
			}
	}
	struct user by;
	rc = *inviter ? store_user_get(db, u->account_id, inviter, &by) : E_NOTFOUND;
	if (rc && rc != E_NOTFOUND)
		return rc;
	json_object_set_new(out, "invited_by",
			    rc ? json_null() : json_string(*by.display_name ? by.display_name : by.email));
	return 0;
}

/* the shape of ids_secret(): anything else is a broken link, not an old one */
static int token_shaped(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n != SECRET_MAX - 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", s[i]))
			return 0;
	return 1;
}

/* inside the caller's transaction: the invitation of token (used up when
 * consume) and its guest, who must be active and not signed up yet; else
 * the 410 is answered and 1 returned (the caller rolls back) */
static int invitation(struct req *r, struct db *db, const char *token, int consume, struct one_time_token *t,
		      struct user *u)
{
	char hash[HASH_HEX_MAX];
	ids_hash(token, hash);
	int rc = consume ? store_ott_consume(db, hash, "invite", clock_now(), t)
			 : store_ott_peek(db, hash, "invite", clock_now(), t);
	if (!rc)
		rc = store_user_get(db, t->account_id, t->user_id, u);
	if (rc == E_NOTFOUND || (!rc && (strcmp(u->status, "active") || !guests_pending(u)))) {
		rc = resp_problem(r, 410, "link-expired",
				  "this invitation is unknown, already used or expired; ask for a new one");
		return rc ? rc : 1;
	}
	return rc;
}

static int lookup(struct req *r)
{
	const char *token = req_query(r, "token");
	if (!token_shaped(token))
		return resp_problem_ext(r, 400, "invalid-query",
					"token must be the 43 characters of the mailed link's token",
					json_pack("{s:s}", "field", "token"));
	struct db *db = store_db();
	if (!db)
		return E_DB;
	char expires[32], lang[16] = "en";
	struct one_time_token t;
	struct user u;
	int rc = store_begin(db, 0);
	if (rc)
		return rc;
	json_t *o = NULL;
	if ((rc = invitation(r, db, token, 0, &t, &u)) > 0)
		return api_abort(db, 0);
	if (rc)
		goto out;
	/* the page speaks the mail's language (guests have no company) */
	settings_value(db, u.account_id, NULL, "language", lang, sizeof lang);
	clock_iso(t.expires_at, expires, sizeof expires);
	o = json_pack("{s:s, s:s, s:s, s:s}", "email", u.email, "display_name", u.display_name, "expires_at", expires,
		      "language", lang);
	rc = describe(r, db, &u, o);
out:
	store_rollback(db);
	if (rc) {
		json_decref(o);
		return rc;
	}
	return resp_json(r, 200, o);
}

static int accept(struct req *r)
{
	static const char *const allowed[] = {"token", "display_name", "password", NULL};
	json_t *in;
	const char *token, *name, *pw;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "token", JIN_REQUIRED, 100, &token)) ||
	    (rc = jin_string(r, in, "display_name", JIN_REQUIRED, 200, &name)) ||
	    (rc = jin_string(r, in, "password", JIN_REQUIRED, 1024, &pw)))
		return rc;
	if (!*name)
		return resp_field_error(r, "display_name", "the display name must not be empty");
	struct one_time_token t;
	struct user u;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = invitation(r, db, token, 1, &t, &u)) > 0)
		return api_abort(db, 0);
	if (rc)
		goto fail;
	if (password_refused(r, "password", pw, u.email, name)) {
		store_rollback(db); /* the link stays usable for a better password */
		return 0;
	}
	if ((rc = password_hash(pw, u.email, u.password_hash, sizeof u.password_hash)))
		goto fail;
	snprintf(u.display_name, sizeof u.display_name, "%s", name);
	u.email_validated = 1; /* the link came to the address */
	u.must_change_password = 0;
	u.updated_at = clock_now();
	/* the audit log names the guest as the actor */
	memset(&r->who, 0, sizeof r->who);
	memcpy(r->who.account_id, u.account_id, sizeof r->who.account_id);
	memcpy(r->who.user_id, u.id, sizeof r->who.user_id);
	snprintf(r->who.email, sizeof r->who.email, "%s", u.email);
	rc = store_user_update(db, &u);
	if (rc == E_CONFLICT) { /* another user of the same account signs in with it (addresses are per account) */
		store_rollback(db);
		return resp_problem_ext(r, 409, "email-taken",
					"this address already signs in to this organisation;"
					" sign in with it, or ask to be invited with another address",
					json_pack("{s:s}", "field", "token"));
	}
	if (rc || (rc = audit_record(r, db, "user.invitation_accepted", "user", u.id, u.email, NULL,
				     json_pack("{s:s}", "display_name", u.display_name))))
		goto fail;
	return api_commit_json(r, db, 200,
			       json_pack("{s:s, s:s, s:s, s:s}", "id", u.id, "email", u.email, "display_name",
					 u.display_name, "role", u.role));
fail:
	return api_abort(db, rc);
}

const struct route guests_routes[] = {
	{"GET", "/api/v1/guest-invitations/accept", lookup, ROUTE_PUBLIC},
	{"POST", "/api/v1/guest-invitations/accept", accept, ROUTE_PUBLIC | ROUTE_NO_CSRF},
	{0},
};
