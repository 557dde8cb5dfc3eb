/* The language and time zone chosen for a user's texts: server errors,
 * e-mails, the web app. Looked up only when a text is needed (a problem
 * answered, a mail written), not on every request. */
#include "iam/language.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/i18n.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/audit.h"
#include "api/tx.h"
#include "iam/users.h"
#include "settings/settings.h"

/* the setting name for u's company, or the account (company_id NULL) */
static int company_value(struct db *db, const struct user *u, const char *name, char *out, size_t n,
			 const char **source)
{
	char first[1][ID_MAX];
	int k = 0;
	json_t *v = NULL;
	const char *src = "account";
	if (store_ids_get(db, IDS_USER_COMPANIES, u->account_id, u->id, first, 1, &k))
		k = 0;
	const struct setting_def *def = settings_find(name);
	if (def && !settings_effective(db, u->account_id, k ? first[0] : NULL, def, &v, &src) && json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
	json_decref(v);
	if (source)
		*source = !strcmp(src, "company") ? "company" : "account";
	return 0;
}

int language_of_user(struct db *db, const struct user *u, const char **source)
{
	int l = i18n_parse(u->language);
	if (*u->language && l >= 0) {
		if (source)
			*source = "user";
		return l;
	}
	char code[16] = "en";
	company_value(db, u, "language", code, sizeof code, source);
	l = i18n_parse(code);
	return l < 0 ? LANG_EN : l;
}

void time_zone_of_user(struct db *db, const struct user *u, char *out, size_t n, const char **source)
{
	if (*u->time_zone) {
		snprintf(out, n, "%s", u->time_zone);
		if (source)
			*source = "user";
		return;
	}
	snprintf(out, n, "UTC");
	company_value(db, u, "time_zone", out, n, source);
}

int language_of_request(struct req *r)
{
	struct db *db = store_db();
	struct user u;
	if (!db || store_user_get(db, r->who.account_id, r->who.user_id, &u))
		return -1;
	return language_of_user(db, &u, NULL);
}

void language_effective_json(struct db *db, const struct user *u, json_t *into)
{
	const char *ls = "account", *ts = "account";
	char tz[64];
	int l = language_of_user(db, u, &ls);
	time_zone_of_user(db, u, tz, sizeof tz, &ts);
	json_object_set_new(into, "language", json_string(i18n_code(l)));
	json_object_set_new(into, "language_source", json_string(ls));
	json_object_set_new(into, "time_zone", json_string(tz));
	json_object_set_new(into, "time_zone_source", json_string(ts));
}

int language_read(struct req *r, json_t *body, struct user *u)
{
	json_t *lang = json_object_get(body, "language"), *tz = json_object_get(body, "time_zone");
	if (lang && !json_is_null(lang)) {
		const char *s = json_string_value(lang);
		if (!s || (*s && (strlen(s) != 2 || i18n_parse(s) < 0)))
			return resp_field_error(r, "language", "language is en, fr or ru (or null: the company's)"),
			       E_INVALID;
		snprintf(u->language, sizeof u->language, "%s", s);
	} else if (lang) {
		u->language[0] = 0;
	}
	if (tz && !json_is_null(tz)) {
		const char *s = json_string_value(tz);
		char why[256];
		const struct setting_def *def = settings_find("time_zone");
		if (!s || strlen(s) >= sizeof u->time_zone || (*s && def && settings_check(def, tz, why, sizeof why)))
			return resp_field_error(
				       r, "time_zone",
				       "time_zone is an IANA time zone such as Europe/Paris (or null: the company's)"),
			       E_INVALID;
		snprintf(u->time_zone, sizeof u->time_zone, "%s", s);
	} else if (tz) {
		u->time_zone[0] = 0;
	}
	return 0;
}

/* PATCH /api/v1/me: the user's own language and time zone */
static int me_change(struct req *r)
{
	static const char *const allowed[] = {"language", "time_zone", NULL};
	json_t *in;
	int rc;
	if ((rc = jin_object(r, &in, allowed)))
		return rc;
	struct user u;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_user_get(db, r->who.account_id, r->who.user_id, &u)))
		goto fail;
	struct user was = u;
	if ((rc = language_read(r, in, &u)))
		goto fail;
	u.updated_at = clock_now();
	if ((rc = store_user_update(db, &u)) ||
	    (rc = audit_record(r, db, "user.preferences", "user", u.id, u.email,
			       json_pack("{s:s?, s:s?}", "language", *was.language ? was.language : NULL, "time_zone",
					 *was.time_zone ? was.time_zone : NULL),
			       json_pack("{s:s?, s:s?}", "language", *u.language ? u.language : NULL, "time_zone",
					 *u.time_zone ? u.time_zone : NULL))) ||
	    (rc = store_commit(db)))
		goto fail;
	r->lang = 0; /* the answer speaks the new language */
	json_t *out = json_pack("{s:o}", "user", users_json(db, &u));
	language_effective_json(db, &u, out);
	return resp_json(r, 200, out);
fail:
	return api_abort(db, rc);
}

const struct route language_routes[] = {
	{"PATCH", "/api/v1/me", me_change, ROUTE_ALLOW_PENDING},
	{0},
};
