/* Portals: admins change everything; a manager assigned to a portal (or to
 * its parent) changes its presentation and address, its auto-responses only
 * with the right set_auto_responses, and adds or removes its sub-portals;
 * serving teams, customer sign-in and managers are the admins'. Technicians
 * and managers read the portals of their companies. Sub-portals are one level
 * deep: a sub-portal has no sub-portals of its own. */
#include "support/portals.h"

#include <ctype.h>
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
#include "support/portal_slug.h"

#define PAGE_MAX 100
#define SLUG_TRIES 50

static portals_right_fn right_fn;

void portals_rights_hook(portals_right_fn fn)
{
	right_fn = fn;
}

static json_t *ids_json(char (*ids)[ID_MAX], int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(ids[i]));
	return a;
}

static json_t *portal_json(struct db *db, const struct portal *p)
{
	char created[32], updated[32];
	char teams[PORTAL_TEAMS_MAX][ID_MAX], managers[PORTAL_MANAGERS_MAX][ID_MAX];
	int nt = 0, nm = 0;
	store_ids_get(db, IDS_PORTAL_TEAMS, p->account_id, p->id, teams, PORTAL_TEAMS_MAX, &nt);
	store_ids_get(db, IDS_PORTAL_MANAGERS, p->account_id, p->id, managers, PORTAL_MANAGERS_MAX, &nm);
	clock_iso(p->created_at, created, sizeof created);
	clock_iso(p->updated_at, updated, sizeof updated);
	json_t *o =
		json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id", p->id, "company_id",
			  p->company_id, "parent_id", p->parent_id[0] ? json_string(p->parent_id) : json_null(), "slug",
			  p->slug, "title", p->title, "welcome", p->welcome, "logo", p->logo ? p->logo : "", "accent",
			  p->accent, "customer_auth", p->customer_auth, "offline_policy", p->offline_policy, "team_ids",
			  ids_json(teams, nt), "manager_ids", ids_json(managers, nm));
	json_object_update_new(o, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "greeting", p->greeting, "wait_after_s",
					    (json_int_t)p->wait_after_s, "wait_message", p->wait_message,
					    "offline_message", p->offline_message, "created_at", created, "updated_at",
					    updated));
	char address[PORTAL_SLUG_MAX + 16];
	snprintf(address, sizeof address, "/portal/%s", p->slug);
	json_object_set_new(o, "address", json_string(address));
	return o;
}

/* the slug for a new portal: base, else base-2, base-3, ... */
static int free_slug(struct db *db, const char *base, char *out)
{
	for (int i = 1; i <= SLUG_TRIES; i++) {
		if (i == 1)
			snprintf(out, PORTAL_SLUG_MAX + 1, "%s", base);
		else
			portal_slug_suffixed(base, i, out);
		int taken = store_portal_slug_taken(db, out, "", "");
		if (taken <= 0)
			return taken;
	}
	/* that many namesakes: a number from the clock ends the search */
	portal_slug_suffixed(base, (int)(clock_now_us() % 1000000000), out);
	int taken = store_portal_slug_taken(db, out, "", "");
	return taken < 0 ? taken : taken ? E_CONFLICT : 0;
}

static void defaults(struct portal *p)
{
	snprintf(p->accent, sizeof p->accent, "#1f5fbf");
	snprintf(p->customer_auth, sizeof p->customer_auth, "contact");
	snprintf(p->offline_policy, sizeof p->offline_policy, "offline_form");
}

int portals_create_for_company(struct db *db, const struct company *c)
{
	struct portal p = {0};
	char base[PORTAL_SLUG_MAX + 1];
	memcpy(p.account_id, c->account_id, sizeof p.account_id);
	memcpy(p.company_id, c->id, sizeof p.company_id);
	ids_new("prt", p.id);
	snprintf(p.title, sizeof p.title, "%s", c->name);
	defaults(&p);
	p.created_at = p.updated_at = c->created_at;
	portal_slug_from_name(c->name, base);
	int rc = free_slug(db, base, p.slug);
	return rc ? rc : store_portal_insert(db, &p);
}

int portals_serving_teams(struct db *db, const struct portal *p, char (*out)[ID_MAX], int *n)
{
	/* the rule (its own, else its parent's) is the store's, which staff
	 * checks use with a session's portal id alone */
	return store_support_portal_teams(db, p->account_id, p->id, out, PORTAL_TEAMS_MAX, n);
}

/* may the caller see the portal? admins all; others those of their
 * companies and those they manage (E_NOTFOUND otherwise) */
static int sees(struct req *r, struct db *db, const struct portal *p)
{
	int rc = access_company_sees(r, db, (const char(*)[ID_MAX])p->company_id, 1);
	if (rc != E_NOTFOUND)
		return rc;
	int managed = 0;
	if ((rc = store_portal_managed_by(db, p->account_id, p->id, r->who.user_id, &managed)))
		return rc;
	return managed ? 0 : E_NOTFOUND;
}

/* loads {id} as the caller may see it; answers 404 otherwise */
static int load(struct req *r, struct db *db, struct portal *p)
{
	const char *id = req_param(r, "id");
	int rc = ids_valid(id, "prt") ? store_portal_get(db, r->who.account_id, id, p) : E_NOTFOUND;
	if (!rc && (rc = sees(r, db, p)))
		store_portal_free(p);
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no portal '%.40s' in this account", id);
	return rc;
}

static int is_manager_role(const struct req *r)
{
	return !strcmp(r->who.role, "manager") || !strcmp(r->who.role, "api_manager");
}

/* may the caller change the portal (admins; managers assigned to it or its parent)? 0 or 403 */
static int may_manage(struct req *r, struct db *db, const struct portal *p)
{
	if (access_is(r, "admin"))
		return 0;
	int managed = 0, rc;
	if (is_manager_role(r) && (rc = store_portal_managed_by(db, p->account_id, p->id, r->who.user_id, &managed)))
		return rc;
	if (managed)
		return 0;
	resp_problem(r, 403, "forbidden", "only admins and the managers assigned to this portal may change it");
	return E_FORBIDDEN;
}

/* may the caller use right on the portal (0), or 403 naming it */
static int require_right(struct req *r, struct db *db, const struct portal *p, const char *right)
{
	if (access_is(r, "admin"))
		return 0;
	char teams[PORTAL_TEAMS_MAX][ID_MAX];
	const char *ptr[PORTAL_TEAMS_MAX];
	int n = 0, rc;
	if ((rc = portals_serving_teams(db, p, teams, &n)))
		return rc;
	for (int i = 0; i < n; i++)
		ptr[i] = teams[i];
	rc = right_fn ? right_fn(db, p->account_id, r->who.user_id, r->who.role, ptr, (size_t)n, right) : 0;
	if (rc < 0)
		return rc;
	if (rc == 1)
		return 0;
	resp_problemf(r, 403, "forbidden",
		      "you need the right '%s' on this portal (held by you, enabled by one of its serving teams)",
		      right);
	return E_FORBIDDEN;
}

static int logo_valid(const char *s)
{
	if (!*s)
		return 1;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '"' || *c == '<' || *c == '>' || *c == '\\')
			return 0;
	if (!strncmp(s, "https://", 8))
		return strlen(s) > 8 && strlen(s) <= 2048;
	static const char *const types[] = {"data:image/png;base64,", "data:image/jpeg;base64,",
					    "data:image/svg+xml;base64,", "data:image/webp;base64,", NULL};
	for (int i = 0; types[i]; i++) {
		size_t tl = strlen(types[i]);
		if (strncmp(s, types[i], tl))
			continue;
		const char *b = s + tl;
		size_t n = strlen(b), pad = 0;
		if (!n || n % 4)
			return 0;
		for (size_t k = 0; k < n; k++) {
			char c = b[k];
			if (c == '=' && k >= n - 2) {
				pad++;
				continue;
			}
			if (pad || !(isalnum((unsigned char)c) || c == '+' || c == '/'))
				return 0;
		}
		return n / 4 * 3 - pad <= PORTAL_LOGO_MAX;
	}
	return 0;
}

static int accent_valid(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int one_of(const char *v, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(v, list[i]))
			return 1;
	return 0;
}

static int check_teams(struct req *r, struct db *db, const char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct team t;
		int rc = ids_valid(ids[i], "team") ? store_team_get(db, r->who.account_id, ids[i], &t) : E_NOTFOUND;
		if (rc == E_NOTFOUND)
			return resp_field_error(r, "team_ids", "no team '%.40s' in this account", ids[i]), E_INVALID;
		if (rc)
			return rc;
	}
	return 0;
}

/* 409 that says nothing of who has the address */
static int slug_taken(struct req *r)
{
	return resp_problem_ext(r, 409, "slug-taken", "this address is taken", json_pack("{s:s}", "field", "slug"));
}

/* a slug asked for: valid and free (409 else); 0 */
static int check_slug(struct req *r, struct db *db, const struct portal *p, const char *slug)
{
	if (!portal_slug_valid(slug))
		return resp_field_error(r, "slug",
					"the address must be 1 to 63 lower-case letters, digits and hyphens, "
					"not starting or ending with a hyphen"),
		       E_INVALID;
	int taken = store_portal_slug_taken(db, slug, p->account_id, p->id);
	if (taken < 0)
		return taken;
	if (taken)
		return slug_taken(r), E_CONFLICT;
	return 0;
}

/* moves the portal to slug, keeping the old one as a redirect */
static int move_slug(struct db *db, struct portal *p, const char *slug)
{
	if (!strcmp(p->slug, slug))
		return 0;
	int rc;
	if ((rc = store_portal_old_slug_drop(db, slug)) ||
	    (rc = store_portal_old_slug_add(db, p->account_id, p->id, p->slug, clock_now())))
		return rc;
	snprintf(p->slug, sizeof p->slug, "%s", slug);
	return 0;
}

static int staff_changed(struct db *db, const char *account_id)
{
	char topic[64];
	snprintf(topic, sizeof topic, "support_staff:%s", account_id);
	return store_changed(db, topic);
}

static int list(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	const char *company = req_query(r, "company_id"), *cursor = req_query(r, "cursor"),
		   *limit_s = req_query(r, "limit");
	int limit = 50;
	if (limit_s) {
		char *end;
		long l = strtol(limit_s, &end, 10);
		if (*end || l < 1 || l > PAGE_MAX)
			return resp_problem_ext(r, 400, "invalid-query", "limit must be from 1 to 100",
						json_pack("{s:s}", "field", "limit"));
		limit = (int)l;
	}
	if (company && *company && !ids_valid(company, "cmp"))
		return resp_problem_ext(r, 400, "invalid-query", "company_id must be a company id",
					json_pack("{s:s}", "field", "company_id"));
	if (cursor && *cursor && !ids_valid(cursor, "prt"))
		return resp_problem_ext(r, 400, "invalid-query", "cursor must be one this server issued",
					json_pack("{s:s}", "field", "cursor"));
	struct portal *rows = arena_alloc(r->arena, sizeof(struct portal) * (size_t)(limit + 1));
	struct portal_filter f = {.company_id = company && *company ? company : NULL,
				  .after_id = cursor,
				  .seen_by = access_company_scope(r),
				  .limit = limit + 1};
	int n = 0;
	struct db *db;
	if ((rc = api_begin(&db, 0)))
		return rc;
	if ((rc = store_portal_list(db, r->who.account_id, &f, rows, limit + 1, &n)))
		return api_abort(db, rc);
	json_t *items = json_array();
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(items, portal_json(db, &rows[i]));
	store_rollback(db);
	json_t *next = n > limit ? json_string(rows[limit - 1].id) : json_null();
	for (int i = 0; i < n; i++)
		store_portal_free(&rows[i]);
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

static int show(struct req *r)
{
	int rc;
	struct portal p;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load(r, db, &p)))
		return rc;
	json_t *out = portal_json(db, &p);
	store_portal_free(&p);
	return resp_json(r, 200, out);
}

struct fields {
	const char *title, *welcome, *logo, *accent, *customer_auth, *offline_policy, *slug, *greeting, *wait_message,
		*offline_message;
	long long wait_after_s;
	int has_wait_after;
	const char **team_ids;
	size_t nteams;
};

static int read_fields(struct req *r, json_t *in, struct fields *f)
{
	static const char *const policies[] = {"offline_form", "queue", "hide", NULL};
	static const char *const auths[] = {"contact", "sign_in", NULL};
	int rc;
	if ((rc = jin_string(r, in, "title", JIN_OPTIONAL, 200, &f->title)) ||
	    (rc = jin_string(r, in, "welcome", JIN_OPTIONAL, 2000, &f->welcome)) ||
	    (rc = jin_string(r, in, "logo", JIN_OPTIONAL, PORTAL_LOGO_MAX * 4 / 3 + 64, &f->logo)) ||
	    (rc = jin_string(r, in, "accent", JIN_OPTIONAL, 7, &f->accent)) ||
	    (rc = jin_string(r, in, "customer_auth", JIN_OPTIONAL, 16, &f->customer_auth)) ||
	    (rc = jin_string(r, in, "offline_policy", JIN_OPTIONAL, 16, &f->offline_policy)) ||
	    (rc = jin_string(r, in, "slug", JIN_OPTIONAL, 100, &f->slug)) ||
	    (rc = jin_string(r, in, "greeting", JIN_OPTIONAL, 1000, &f->greeting)) ||
	    (rc = jin_string(r, in, "wait_message", JIN_OPTIONAL, 1000, &f->wait_message)) ||
	    (rc = jin_string(r, in, "offline_message", JIN_OPTIONAL, 1000, &f->offline_message)) ||
	    (rc = jin_int(r, in, "wait_after_s", JIN_OPTIONAL, 0, 3600, &f->wait_after_s)) ||
	    (rc = jin_string_array(r, in, "team_ids", JIN_OPTIONAL, PORTAL_TEAMS_MAX, 40, &f->team_ids, &f->nteams)))
		return rc;
	f->has_wait_after = jin_has(in, "wait_after_s");
	if (f->title && !*f->title)
		return resp_field_error(r, "title", "the title must not be empty"), E_INVALID;
	if (f->logo && !logo_valid(f->logo))
		return resp_field_error(r, "logo",
					"the logo must be an https URL or a data:image/png, jpeg, svg+xml or webp "
					"URL of at most 64 KB"),
		       E_INVALID;
	if (f->accent && !accent_valid(f->accent))
		return resp_field_error(r, "accent", "the accent colour must be written #rrggbb"), E_INVALID;
	if (f->customer_auth && !one_of(f->customer_auth, auths))
		return resp_field_error(r, "customer_auth", "customer_auth must be contact or sign_in"), E_INVALID;
	if (f->offline_policy && !one_of(f->offline_policy, policies))
		return resp_field_error(r, "offline_policy", "offline_policy must be offline_form, queue or hide"),
		       E_INVALID;
	return 0;
}

static void apply(struct portal *p, const struct fields *f, int *logo_changed)
{
#define SET(field)    \
	if (f->field) \
		snprintf(p->field, sizeof p->field, "%s", f->field);
	SET(title)
	SET(welcome)
	SET(customer_auth)
	SET(offline_policy)
	SET(greeting)
	SET(wait_message)
	SET(offline_message)
#undef SET
	if (f->accent) {
		snprintf(p->accent, sizeof p->accent, "%s", f->accent);
		for (char *c = p->accent; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	if (f->has_wait_after)
		p->wait_after_s = f->wait_after_s;
	*logo_changed = f->logo != NULL;
}

static int change(struct req *r)
{
	static const char *const allowed[] = {"title",          "welcome",         "logo", "accent",   "customer_auth",
					      "offline_policy", "team_ids",        "slug", "greeting", "wait_after_s",
					      "wait_message",   "offline_message", NULL};
	json_t *in;
	struct fields f = {0};
	int rc;
	if ((rc = access_read_admin(r)) || (rc = jin_object(r, &in, allowed)) || (rc = read_fields(r, in, &f)))
		return rc;
	struct db *db;
	struct portal p = {0};
	if ((rc = portals_begin_managed(r, &db, &p)))
		return rc;
	json_t *before = NULL;
	if (!access_is(r, "admin") && (f.team_ids || f.customer_auth)) {
		resp_problem(r, 403, "forbidden",
			     "only admins choose the teams that serve a portal and how customers sign in");
		rc = E_FORBIDDEN;
		goto fail;
	}
	if ((f.greeting || f.wait_message || f.offline_message || f.has_wait_after) &&
	    (rc = require_right(r, db, &p, "set_auto_responses")))
		goto fail;
	if ((f.slug && (rc = check_slug(r, db, &p, f.slug))) ||
	    (f.team_ids && (rc = check_teams(r, db, f.team_ids, f.nteams))))
		goto fail;
	before = portal_json(db, &p);
	int logo_changed;
	apply(&p, &f, &logo_changed);
	if (logo_changed) {
		free(p.logo);
		if (!(p.logo = strdup(f.logo))) {
			rc = E_NOMEM;
			goto fail;
		}
	}
	p.updated_at = clock_now();
	if ((f.slug && (rc = move_slug(db, &p, f.slug))))
		goto fail;
	rc = store_portal_update(db, &p);
	if (rc == E_CONFLICT) { /* taken by another transaction since check_slug */
		json_decref(before);
		store_portal_free(&p);
		return api_abort(db, slug_taken(r));
	}
	if (rc ||
	    (f.team_ids && (rc = store_ids_set(db, IDS_PORTAL_TEAMS, p.account_id, p.id, f.team_ids, f.nteams))) ||
	    (rc = staff_changed(db, p.account_id)))
		goto fail;
	json_t *after = portal_json(db, &p);
	rc = audit_record(r, db, "portal.update", "portal", p.id, p.title, before, json_deep_copy(after));
	before = NULL;
	store_portal_free(&p);
	if (rc) {
		json_decref(after);
		return api_abort(db, rc);
	}
	return api_commit_json(r, db, 200, after);
fail:
	json_decref(before);
	store_portal_free(&p);
	return api_abort(db, rc);
}

static int create_sub(struct req *r)
{
	static const char *const allowed[] = {"title", "slug", "welcome", "team_ids", NULL};
	json_t *in;
	const char *title = NULL, *slug = NULL, *welcome = NULL, **teams = NULL;
	size_t nteams = 0;
	int rc;
	if ((rc = access_read_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "title", JIN_REQUIRED, 200, &title)) ||
	    (rc = jin_string(r, in, "slug", JIN_OPTIONAL, 100, &slug)) ||
	    (rc = jin_string(r, in, "welcome", JIN_OPTIONAL, 2000, &welcome)) ||
	    (rc = jin_string_array(r, in, "team_ids", JIN_OPTIONAL, PORTAL_TEAMS_MAX, 40, &teams, &nteams)))
		return rc;
	if (!*title)
		return resp_field_error(r, "title", "the title must not be empty");
	struct db *db;
	struct portal parent = {0}, s = {0};
	if ((rc = portals_begin_managed(r, &db, &parent)))
		return rc;
	if (parent.parent_id[0]) {
		resp_problem(r, 409, "sub-portal-depth", "a sub-portal cannot have sub-portals of its own");
		rc = E_CONFLICT;
		goto fail;
	}
	if (teams && !access_is(r, "admin")) {
		resp_problem(r, 403, "forbidden",
			     "only admins choose the teams that serve a portal and how customers sign in");
		rc = E_FORBIDDEN;
		goto fail;
	}
	int64_t count = 0;
	if ((rc = store_portal_child_count(db, parent.account_id, parent.id, &count)))
		goto fail;
	if (count >= PORTAL_CHILDREN_MAX) {
		resp_problemf(r, 409, "too-many-sub-portals", "a portal has at most %d sub-portals",
			      PORTAL_CHILDREN_MAX);
		rc = E_CONFLICT;
		goto fail;
	}
	memcpy(s.account_id, parent.account_id, sizeof s.account_id);
	memcpy(s.company_id, parent.company_id, sizeof s.company_id);
	memcpy(s.parent_id, parent.id, sizeof s.parent_id);
	ids_new("prt", s.id);
	snprintf(s.title, sizeof s.title, "%s", title);
	snprintf(s.welcome, sizeof s.welcome, "%s", welcome ? welcome : "");
	defaults(&s);
	memcpy(s.customer_auth, parent.customer_auth, sizeof s.customer_auth);
	memcpy(s.offline_policy, parent.offline_policy, sizeof s.offline_policy);
	memcpy(s.accent, parent.accent, sizeof s.accent);
	s.created_at = s.updated_at = clock_now();
	if (slug) {
		if ((rc = check_slug(r, db, &s, slug)))
			goto fail;
		snprintf(s.slug, sizeof s.slug, "%s", slug);
	} else {
		char base[PORTAL_SLUG_MAX + 1], sub[PORTAL_SLUG_MAX + 1];
		portal_slug_from_name(title, sub);
		snprintf(base, sizeof base, "%.*s-%s", PORTAL_SLUG_MAX / 2, parent.slug, sub);
		if ((rc = free_slug(db, base, s.slug)))
			goto fail;
	}
	if ((teams && (rc = check_teams(r, db, teams, nteams))))
		goto fail;
	rc = store_portal_insert(db, &s);
	if (rc == E_CONFLICT) {
		store_portal_free(&parent);
		return api_abort(db, slug_taken(r));
	}
	if (rc || (teams && (rc = store_ids_set(db, IDS_PORTAL_TEAMS, s.account_id, s.id, teams, nteams))) ||
	    (rc = staff_changed(db, s.account_id)))
		goto fail;
	json_t *out = portal_json(db, &s);
	if ((rc = audit_record(r, db, "portal.create", "portal", s.id, s.title, NULL, json_deep_copy(out)))) {
		json_decref(out);
		goto fail;
	}
	store_portal_free(&parent);
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/portals/%s", s.id), out);
fail:
	store_portal_free(&parent);
	return api_abort(db, rc);
}

static int delete (struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	struct db *db;
	struct portal p = {0};
	if ((rc = portals_begin_managed(r, &db, &p)))
		return rc;
	if (!p.parent_id[0]) {
		resp_problem(r, 409, "company-portal", "a company's portal goes only with its company");
		rc = E_CONFLICT;
		goto fail;
	}
	if ((rc = audit_record(r, db, "portal.delete", "portal", p.id, p.title, portal_json(db, &p), NULL)) ||
	    (rc = store_portal_delete(db, p.account_id, p.id)) || (rc = staff_changed(db, p.account_id)))
		goto fail;
	store_portal_free(&p);
	return api_commit_empty(r, db, 204);
fail:
	store_portal_free(&p);
	return api_abort(db, rc);
}

static int set_managers(struct req *r)
{
	static const char *const allowed[] = {"user_ids", NULL};
	json_t *in;
	const char **ids = NULL;
	size_t n = 0;
	int rc;
	if ((rc = access_admin(r)) || (rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string_array(r, in, "user_ids", JIN_REQUIRED, PORTAL_MANAGERS_MAX, 40, &ids, &n)))
		return rc;
	struct db *db;
	struct portal p = {0};
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &p)))
		return api_abort(db, rc);
	for (size_t i = 0; i < n; i++) {
		struct user u;
		rc = ids_valid(ids[i], "usr") ? store_user_get(db, p.account_id, ids[i], &u) : E_NOTFOUND;
		if (rc == E_NOTFOUND) {
			resp_field_error(r, "user_ids", "no user '%.40s' in this account", ids[i]);
			rc = E_INVALID;
		} else if (!rc && strcmp(u.role, "manager") && strcmp(u.role, "api_manager")) {
			resp_field_error(r, "user_ids", "'%.40s' is not a manager", ids[i]);
			rc = E_INVALID;
		}
		if (rc)
			goto fail;
	}
	char(*old)[ID_MAX] = arena_alloc(r->arena, sizeof(*old) * PORTAL_MANAGERS_MAX);
	int nold = 0;
	if ((rc = store_ids_get(db, IDS_PORTAL_MANAGERS, p.account_id, p.id, old, PORTAL_MANAGERS_MAX, &nold)) ||
	    (rc = store_ids_set(db, IDS_PORTAL_MANAGERS, p.account_id, p.id, ids, n)))
		goto fail;
	json_t *out = portal_json(db, &p);
	json_t *before = json_pack("{s:o}", "manager_ids", ids_json(old, nold));
	json_t *after = json_pack("{s:O}", "manager_ids", json_object_get(out, "manager_ids"));
	if ((rc = audit_record(r, db, "portal.managers", "portal", p.id, p.title, before, after))) {
		json_decref(out);
		goto fail;
	}
	store_portal_free(&p);
	return api_commit_json(r, db, 200, out);
fail:
	store_portal_free(&p);
	return api_abort(db, rc);
}

int portals_begin_managed(struct req *r, struct db **db, struct portal *p)
{
	int rc = api_begin(db, 1);
	if (rc)
		return rc;
	if ((rc = load(r, *db, p)))
		return api_abort(*db, rc);
	if ((rc = may_manage(r, *db, p))) {
		store_portal_free(p);
		return api_abort(*db, rc);
	}
	return 0;
}

int portals_require_right(struct req *r, struct db *db, const struct portal *p, const char *right)
{
	return require_right(r, db, p, right);
}

int portals_holds_right(struct db *db, const char *account_id, const struct portal *p, const char *user_id,
			const char *role, const char *right)
{
	if (!strcmp(role, "admin"))
		return 1;
	char teams[PORTAL_TEAMS_MAX][ID_MAX];
	const char *ptr[PORTAL_TEAMS_MAX];
	int n = 0, rc = 0;
	if (p && (rc = portals_serving_teams(db, p, teams, &n)))
		return rc;
	for (int i = 0; i < n; i++)
		ptr[i] = teams[i];
	return right_fn ? right_fn(db, account_id, user_id, role, ptr, (size_t)n, right) : 0;
}

const struct route portals_routes[] = {
	{"GET", "/api/v1/portals", list, 0},
	{"GET", "/api/v1/portals/{id}", show, 0},
	{"PATCH", "/api/v1/portals/{id}", change, 0},
	{"DELETE", "/api/v1/portals/{id}", delete, 0},
	{"POST", "/api/v1/portals/{id}/sub-portals", create_sub, 0},
	{"PUT", "/api/v1/portals/{id}/managers", set_managers, 0},
	{0},
};
