/* Settings routes. A PATCH of several account settings is all-or-nothing:
 * every value is checked before anything is written. */
#include "settings/routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "settings/settings.h"
#include "store/store.h"

static json_t *item(const struct setting_def *def, json_t *value, const char *source)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:O, s:s}", "name", def->name, "type",
			      settings_type_name(def->type), "description", def->description, "default",
			      json_loads(def->default_json, JSON_DECODE_ANY, NULL), "value", value, "source", source);
	if (def->allowed) {
		json_t *a = json_array();
		char buf[128];
		snprintf(buf, sizeof buf, "%s", def->allowed);
		for (char *save, *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save))
			json_array_append_new(a, json_string(t));
		json_object_set_new(o, "allowed", a);
	}
	return o;
}

/* every setting's effective value at a level (company_id NULL = account) */
static int list_at(struct req *r, struct db *db, const char *company_id, json_t **out)
{
	json_t *items = json_array();
	for (int i = 0; i < settings_count; i++) {
		json_t *v;
		const char *source;
		int rc = settings_effective(db, r->who.account_id, company_id, &settings_catalogue[i], &v, &source);
		if (rc) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, item(&settings_catalogue[i], v, source));
		json_decref(v);
	}
	*out = items;
	return 0;
}

static int account_get(struct req *r)
{
	int rc;
	json_t *items;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = list_at(r, db, NULL, &items)))
		return rc;
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

static int account_patch(struct req *r)
{
	int rc;
	if ((rc = access_admin(r)))
		return rc;
	json_t *in;
	if ((rc = jin_object_any(r, &in)))
		return rc;
	if (json_object_size(in) == 0)
		return resp_problem(r, 422, "invalid-field", "name at least one setting to change");
	const char *k;
	json_t *v;
	char why[256];
	json_object_foreach(in, k, v)
	{
		const struct setting_def *def = settings_find(k);
		if (!def)
			return resp_problem_ext(r, 422, "unknown-field",
						arena_printf(r->arena, resp_text(r, "unknown setting '%.60s'"), k),
						json_pack("{s:s}", "field", k));
		/* null puts the account back on the default */
		const char *bad = json_is_null(v) ? NULL : settings_check_in(def, v, resp_lang(r), why, sizeof why);
		if (bad)
			return resp_problem_ext(r, 422, "invalid-field", bad, json_pack("{s:s}", "field", k));
	}
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	json_object_foreach(in, k, v)
	{
		const struct setting_def *def = settings_find(k);
		json_t *old, *now = NULL;
		const char *source;
		if ((rc = settings_effective(db, r->who.account_id, NULL, def, &old, &source)))
			goto fail;
		if (json_is_null(v)) {
			rc = store_setting_delete(db, r->who.account_id, NULL, k);
			if (rc == E_NOTFOUND) { /* already the default: nothing to record */
				json_decref(old);
				continue;
			}
			if (!rc)
				now = json_loads(def->default_json, JSON_DECODE_ANY, NULL);
		} else if (!(now = settings_normalise(def, v))) {
			rc = E_NOMEM;
		} else {
			char *text = json_dumps(now, JSON_COMPACT | JSON_ENCODE_ANY);
			rc = text ? store_setting_put(db, r->who.account_id, NULL, k, text, r->who.user_id) : E_NOMEM;
			free(text);
		}
		if (rc) {
			json_decref(old);
			json_decref(now);
			goto fail;
		}
		if ((rc = audit_record(r, db, json_is_null(v) ? "setting.reset" : "setting.update", "account",
				       r->who.account_id, k, json_pack("{s:o}", k, old), json_pack("{s:o}", k, now))))
			goto fail;
	}
	if ((rc = store_commit(db)))
		return rc;
	json_t *items;
	if ((rc = list_at(r, db, NULL, &items)))
		return rc;
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
fail:
	return api_abort(db, rc);
}

/* a company the caller may see: another company's settings are not there
 * for a non-admin (api/access.h) */
static int load_company(struct req *r, struct db *db, struct company *c)
{
	const char *id = req_param(r, "id");
	int rc = ids_valid(id, "cmp") ? store_company_get(db, r->who.account_id, id, c) : E_NOTFOUND;
	if (!rc)
		rc = access_company_sees(r, db, (const char(*)[ID_MAX]) & c->id, 1);
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no company '%.40s' in this account", id);
	return rc;
}

static settings_company_may_fn company_may;

void settings_company_hook(settings_company_may_fn may)
{
	company_may = may;
}

/* admins change every company's settings; others what iam says they may
 * (a manager holding manage_business_hours: the hours of the companies their
 * teams serve); the rest get access_admin's 403 */
static int may_change(struct req *r, struct db *db, const struct company *c, const struct setting_def *def)
{
	if (access_is(r, "admin"))
		return 0;
	int yes = company_may ? company_may(db, r->who.account_id, r->who.user_id, r->who.role, c->id, def->name) : 0;
	if (yes < 0)
		return yes;
	return yes ? 0 : access_admin(r);
}

/* before the company is looked up: may the caller change this setting of
 * some company at all? Everyone else gets the 403 of every admin route
 * first, whatever the company */
static int may_change_some(struct req *r, struct db *db)
{
	if (access_is(r, "admin"))
		return 0;
	int yes = company_may
			  ? company_may(db, r->who.account_id, r->who.user_id, r->who.role, NULL, req_param(r, "name"))
			  : 0;
	if (yes < 0)
		return yes;
	return yes ? 0 : access_admin(r);
}

/* may_change on each item: whether the caller may PUT/DELETE it, so a page
 * (the managers' business hours) offers only what the server will take */
static int mark_may_change(struct req *r, struct db *db, const struct company *c, json_t *items)
{
	for (int i = 0; i < settings_count; i++) {
		int yes = access_is(r, "admin");
		if (!yes && company_may)
			yes = company_may(db, r->who.account_id, r->who.user_id, r->who.role, c->id,
					  settings_catalogue[i].name);
		if (yes < 0)
			return yes;
		json_object_set_new(json_array_get(items, (size_t)i), "may_change", json_boolean(yes));
	}
	return 0;
}

static int company_get(struct req *r)
{
	int rc;
	struct company c;
	json_t *items;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load_company(r, db, &c)) ||
	    (rc = list_at(r, db, c.id, &items)))
		return rc;
	if ((rc = mark_may_change(r, db, &c, items))) {
		json_decref(items);
		return rc;
	}
	return resp_json(r, 200, json_pack("{s:s, s:o}", "company_id", c.id, "items", items));
}

static int load_def(struct req *r, const struct setting_def **def)
{
	*def = settings_find(req_param(r, "name"));
	if (!*def) {
		resp_problemf(r, 404, "not-found", "no setting '%.60s'", req_param(r, "name"));
		return E_NOTFOUND;
	}
	return 0;
}

static int company_put(struct req *r)
{
	static const char *const allowed[] = {"value", NULL};
	int rc;
	json_t *in, *old, *now;
	const char *source;
	struct company c;
	const struct setting_def *def;
	char why[256];
	struct db *db = store_db();
	if (!db)
		return E_DB;
	/* an unknown company or setting is a 404 whatever the body says */
	if ((rc = access_read_admin(r)) || (rc = may_change_some(r, db)) || (rc = load_company(r, db, &c)) ||
	    (rc = load_def(r, &def)) || (rc = may_change(r, db, &c, def)) || (rc = jin_object(r, &in, allowed)))
		return rc;
	json_t *v = json_object_get(in, "value");
	if (!v)
		return resp_field_error(r, "value", "'value' is required");
	const char *bad = settings_check_in(def, v, resp_lang(r), why, sizeof why);
	if (bad)
		return resp_problem_ext(r, 422, "invalid-field", bad, json_pack("{s:s}", "field", "value"));
	if (!(v = settings_normalise(def, v)))
		return E_NOMEM;
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text) {
		json_decref(v);
		return E_NOMEM;
	}
	if ((rc = store_begin(db, 1)))
		goto out;
	/* again inside the transaction: the company may have gone meanwhile */
	if ((rc = load_company(r, db, &c)) ||
	    (rc = settings_effective(db, r->who.account_id, c.id, def, &old, &source)))
		goto fail;
	rc = store_setting_put(db, r->who.account_id, c.id, def->name, text, r->who.user_id);
	if (rc) {
		json_decref(old);
		goto fail;
	}
	if ((rc = audit_record(
		     r, db, "setting.override", "company", c.id, arena_printf(r->arena, "%s: %s", c.name, def->name),
		     json_pack("{s:o, s:s}", def->name, old, "source", source), json_pack("{s:O}", def->name, v))))
		goto fail;
	if ((rc = store_commit(db)) || (rc = settings_effective(db, r->who.account_id, c.id, def, &now, &source)))
		goto out;
	json_t *body = item(def, now, source);
	json_decref(now);
	rc = resp_json(r, 200, body);
	goto out;
fail:
	store_rollback(db);
out:
	free(text);
	json_decref(v);
	return rc;
}

static int company_delete(struct req *r)
{
	int rc;
	struct company c;
	const struct setting_def *def;
	json_t *old, *now;
	const char *source, *fallback;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = may_change_some(r, db)) ||
	    (rc = load_company(r, db, &c)) || (rc = load_def(r, &def)) || (rc = may_change(r, db, &c, def)))
		return rc;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = load_company(r, db, &c)) ||
	    (rc = settings_effective(db, r->who.account_id, c.id, def, &old, &source)))
		goto fail;
	rc = store_setting_delete(db, r->who.account_id, c.id, def->name);
	if (rc == E_NOTFOUND) { /* nothing overridden: already as asked */
		json_decref(old);
		return api_abort(db, resp_empty(r, 204));
	}
	/* the audit's new value is what the company falls back to */
	if (rc || (rc = settings_effective(db, r->who.account_id, c.id, def, &now, &fallback))) {
		json_decref(old);
		goto fail;
	}
	if ((rc = audit_record(r, db, "setting.override_remove", "company", c.id,
			       arena_printf(r->arena, "%s: %s", c.name, def->name),
			       json_pack("{s:o, s:s}", def->name, old, "source", source),
			       json_pack("{s:o, s:s}", def->name, now, "source", fallback))))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

const struct route settings_routes[] = {
	{"GET", "/api/v1/settings", account_get, 0},
	{"PATCH", "/api/v1/settings", account_patch, 0},
	{"GET", "/api/v1/companies/{id}/settings", company_get, 0},
	{"PUT", "/api/v1/companies/{id}/settings/{name}", company_put, 0},
	{"DELETE", "/api/v1/companies/{id}/settings/{name}", company_delete, 0},
	{0},
};
