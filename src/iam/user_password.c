/* Recovery is an administrator's act on someone else: their own password an
 * administrator changes like everyone (POST /api/v1/me/password), with the
 * current one. A password set or generated here ends the user's sessions and
 * app passwords, as whoever had the account may have made them. */
#include "iam/user_password.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/access.h"
#include "iam/app_passwords.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/login_rules.h"
#include "iam/password.h"
#include "iam/users.h"
#include "notify/mail_status.h"
#include "notify/outbox_worker.h"

int user_password_set(struct req *r, struct db *db, struct user *u, const char *pw, int must_change, const char *method)
{
	int rc = password_hash(pw, u->email, u->password_hash, sizeof u->password_hash);
	if (rc)
		return rc;
	int was = u->must_change_password;
	u->must_change_password = must_change;
	u->updated_at = clock_now();
	if ((rc = store_user_update(db, u)) || (rc = store_session_delete_user(db, u->account_id, u->id, NULL)) ||
	    (rc = app_passwords_revoke_user(r, db, u, "password_set_by_admin")))
		return rc;
	return audit_record(r, db, "user.password_set", "user", u->id, u->email,
			    json_pack("{s:b}", "must_change_password", was),
			    json_pack("{s:s, s:b}", "method", method, "must_change_password", must_change));
}

static int set_password(struct req *r)
{
	static const char *const allowed[] = {"action", "password", "must_change_password", NULL};
	json_t *in;
	const char *action, *pw = NULL, *id = req_param(r, "id");
	int must_change = 1, rc;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "action", JIN_REQUIRED, 16, &action)) ||
	    (rc = jin_string(r, in, "password", JIN_OPTIONAL, PASSWORD_MAX + 1, &pw)) ||
	    (rc = jin_bool(r, in, "must_change_password", JIN_OPTIONAL, &must_change)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct user u;
	/* another account's user, or none, is not found whatever the body says */
	rc = ids_valid(id, "usr") ? store_user_get(db, r->who.account_id, id, &u) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "no user '%.40s' in this account", id);
	if (rc)
		return rc;
	int set = !strcmp(action, "set"), generate = !strcmp(action, "generate"), link = !strcmp(action, "send_link");
	if (!set && !generate && !link)
		return resp_field_error(r, "action", "action is set, generate or send_link");
	if (set && !pw)
		return resp_field_error(r, "password", "'%s' is required", "password");
	if (!set && (pw || jin_has(in, "must_change_password")))
		return resp_field_error(r, pw ? "password" : "must_change_password",
					"only the action 'set' takes a password and must_change_password");
	if (!strcmp(id, r->who.user_id))
		return resp_problem(r, 409, "self",
				    "change your own password on your account page, with your current one");
	if ((rc = store_begin(db, 1)))
		return rc;
	rc = ids_valid(id, "usr") ? store_user_get(db, r->who.account_id, id, &u) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return api_abort(db, resp_problemf(r, 404, "not-found", "no user '%.40s' in this account", id));
	if (rc)
		goto fail;
	if (link) {
		if (strcmp(u.status, "active"))
			return api_abort(db, resp_problem(r, 409, "user-suspended",
							  "this user is suspended; make them active first"));
		if ((rc = login_rules_queue_admin_reset(db, &u)) ||
		    (rc = audit_record(r, db, "user.password_reset_link", "user", u.id, u.email, NULL,
				       json_pack("{s:s}", "email", u.email))) ||
		    (rc = store_commit(db)))
			goto fail;
		outbox_kick();
		return resp_json(r, 202,
				 json_pack("{s:s, s:s, s:o}", "status", "accepted", "email", u.email, "mail",
					   mail_status_delivery_json(r, db, u.account_id)));
	}
	char generated[32];
	if (generate) {
		password_generate(generated, sizeof generated);
		pw = generated;
		must_change = 1;
	} else if (password_refused(r, "password", pw, u.email, u.display_name))
		return api_abort(db, 0);
	if ((rc = user_password_set(r, db, &u, pw, must_change, generate ? "generate" : "set")) ||
	    (rc = store_commit(db)))
		goto fail;
	json_t *out = json_pack("{s:o, s:b}", "user", users_json(db, &u), "must_change_password", must_change);
	if (generate)
		json_object_set_new(out, "password", json_string(generated));
	return resp_json(r, 200, out);
fail:
	return api_abort(db, rc);
}

const struct route user_password_routes[] = {
	{"POST", "/api/v1/users/{id}/password", set_password, 0},
	{0},
};
