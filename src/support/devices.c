/* Devices: name, kind, serial, notes, and the companies (one or more, of the
 * same account) they belong to. Admins change them; technicians read. */
#include "support/devices.h"

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
#include "store/store.h"

#define MAX_COMPANIES 64
#define PAGE_MAX 200

static const char *const kinds[] = {"desktop", "laptop", "server", "phone", "tablet", "printer", "other", NULL};

/* companies: a JSON array of company ids, stolen */
static json_t *device_json_with(const struct device *d, json_t *companies)
{
	char created[32], updated[32];
	clock_iso(d->created_at, created, sizeof created);
	clock_iso(d->updated_at, updated, sizeof updated);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "id", d->id, "name", d->name, "kind", d->kind,
			 "serial", d->serial, "notes", d->notes, "company_ids", companies, "created_at", created,
			 "updated_at", updated);
}

static json_t *device_json(struct db *db, const struct device *d)
{
	char ids[MAX_COMPANIES][ID_MAX];
	int n = 0;
	store_ids_get(db, IDS_DEVICE_COMPANIES, d->account_id, d->id, ids, MAX_COMPANIES, &n);
	json_t *companies = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(companies, json_string(ids[i]));
	return device_json_with(d, companies);
}

/* a page's devices and their company arrays, filled from one query */
struct page_companies {
	const struct device *rows;
	json_t **companies;
	int n, at;
};

static void page_add_company(void *ctx, const char *device_id, const char *company_id)
{
	struct page_companies *p = ctx;
	/* rows come grouped by device in the page's order: usually the current
	 * device or the next; the search from 0 only guards against surprises */
	if (strcmp(p->rows[p->at].id, device_id)) {
		int i = p->at + 1 < p->n && !strcmp(p->rows[p->at + 1].id, device_id) ? p->at + 1 : 0;
		while (i < p->n && strcmp(p->rows[i].id, device_id))
			i++;
		if (i == p->n)
			return;
		p->at = i;
	}
	if (json_array_size(p->companies[p->at]) < MAX_COMPANIES) /* as device_json shows them */
		json_array_append_new(p->companies[p->at], json_string(company_id));
}

static int kind_valid(const char *k)
{
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], k))
			return 1;
	return 0;
}

/* reads and checks the fields; required = creating */
static int read_fields(struct req *r, struct device *d, int required, const char ***companies, size_t *ncompanies)
{
	static const char *const allowed[] = {"name", "kind", "serial", "notes", "company_ids", NULL};
	json_t *in;
	const char *name = NULL, *kind = NULL, *serial = NULL, *notes = NULL;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "name", required, 200, &name)) ||
	    (rc = jin_string(r, in, "kind", JIN_OPTIONAL, 16, &kind)) ||
	    (rc = jin_string(r, in, "serial", JIN_OPTIONAL, 100, &serial)) ||
	    (rc = jin_string(r, in, "notes", JIN_OPTIONAL, 2000, &notes)) ||
	    (rc = jin_string_array(r, in, "company_ids", required, MAX_COMPANIES, 40, companies, ncompanies)))
		return rc;
	if (name && !*name)
		return resp_field_error(r, "name", "the name must not be empty"), E_INVALID;
	if (kind && !kind_valid(kind))
		return resp_field_error(r, "kind",
					"kind must be one of desktop, laptop, server, phone, tablet, printer, other"),
		       E_INVALID;
	if (*companies && *ncompanies == 0)
		return resp_field_error(r, "company_ids", "a device belongs to at least one company"), E_INVALID;
	if (name)
		snprintf(d->name, sizeof d->name, "%s", name);
	if (kind)
		snprintf(d->kind, sizeof d->kind, "%s", kind);
	else if (required)
		snprintf(d->kind, sizeof d->kind, "other");
	if (serial)
		snprintf(d->serial, sizeof d->serial, "%s", serial);
	if (notes)
		snprintf(d->notes, sizeof d->notes, "%s", notes);
	return 0;
}

static int check_companies(struct req *r, struct db *db, const char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct company c;
		int rc = ids_valid(ids[i], "cmp") ? store_company_get(db, r->who.account_id, ids[i], &c) : E_NOTFOUND;
		if (rc == E_NOTFOUND)
			return resp_field_error(r, "company_ids", "no company '%.40s' in this account", ids[i]),
			       E_INVALID;
		if (rc)
			return rc;
	}
	return 0;
}

static int create(struct req *r)
{
	int rc;
	struct device d = {0};
	const char **companies = NULL;
	size_t n = 0;
	if ((rc = access_admin(r)) || (rc = read_fields(r, &d, JIN_REQUIRED, &companies, &n)))
		return rc;
	memcpy(d.account_id, r->who.account_id, sizeof d.account_id);
	ids_new("dev", d.id);
	d.created_at = d.updated_at = clock_now();
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = check_companies(r, db, companies, n)) || (rc = store_device_insert(db, &d)) ||
	    (rc = store_ids_set(db, IDS_DEVICE_COMPANIES, d.account_id, d.id, companies, n)))
		goto fail;
	json_t *out = device_json(db, &d);
	if ((rc = audit_record(r, db, "device.create", "device", d.id, d.name, NULL, json_deep_copy(out)))) {
		json_decref(out);
		goto fail;
	}
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/devices/%s", d.id), out);
fail:
	return api_abort(db, rc);
}

static int list_filtered(struct req *r, const char *company_id)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	const char *q = req_query(r, "q"), *cursor = req_query(r, "cursor"), *limit_s = req_query(r, "limit");
	int limit = 50;
	if (limit_s) {
		char *end;
		long l = strtol(limit_s, &end, 10);
		if (*end || l < 1 || l > PAGE_MAX)
			return resp_problem_ext(r, 400, "invalid-query", "limit must be from 1 to 200",
						json_pack("{s:s}", "field", "limit"));
		limit = (int)l;
	}
	if ((q && strlen(q) > 200) || (cursor && *cursor && !ids_valid(cursor, "dev")))
		return resp_problem(r, 400, "invalid-query",
				    "q is at most 200 characters; cursor must be one this server issued");
	struct device *rows = arena_alloc(r->arena, sizeof(struct device) * (size_t)(limit + 1));
	/* only the devices of the caller's companies, unless an admin (api/access.h) */
	struct device_filter f = {.q = q,
				  .company_id = company_id,
				  .after_id = cursor,
				  .limit = limit + 1,
				  .member_of = access_company_scope(r)};
	int n = 0;
	/* one snapshot: the companies' query sees the same page as the list */
	struct db *db;
	if ((rc = api_begin(&db, 0)))
		return rc;
	if ((rc = store_device_list(db, r->who.account_id, &f, rows, limit + 1, &n)))
		return api_abort(db, rc);
	int shown = n < limit ? n : limit;
	struct page_companies pc = {
		.rows = rows, .n = shown, .companies = arena_alloc(r->arena, sizeof(json_t *) * (size_t)(shown + 1))};
	for (int i = 0; i < shown; i++)
		pc.companies[i] = json_array();
	f.limit = shown;
	if (shown && (rc = store_device_list_companies(db, r->who.account_id, &f, page_add_company, &pc))) {
		for (int i = 0; i < shown; i++)
			json_decref(pc.companies[i]);
		return api_abort(db, rc);
	}
	store_rollback(db); /* read only: nothing to keep */
	json_t *items = json_array();
	for (int i = 0; i < shown; i++)
		json_array_append_new(items, device_json_with(&rows[i], pc.companies[i]));
	return resp_json(r, 200,
			 json_pack("{s:o, s:o}", "items", items, "next_cursor",
				   n > limit ? json_string(rows[limit - 1].id) : json_null()));
}

static int list(struct req *r)
{
	const char *company = req_query(r, "company");
	if (company && *company && !ids_valid(company, "cmp"))
		return resp_problem_ext(r, 400, "invalid-query", "company must be a company id",
					json_pack("{s:s}", "field", "company"));
	return list_filtered(r, company);
}

static int list_company(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	const char *id = req_param(r, "id");
	struct company c;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	rc = ids_valid(id, "cmp") ? store_company_get(db, r->who.account_id, id, &c) : E_NOTFOUND;
	if (!rc)
		rc = access_company_sees(r, db, (const char(*)[ID_MAX]) & c.id, 1);
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "no company '%.40s' in this account", id);
	if (rc)
		return rc;
	return list_filtered(r, c.id);
}

static int load(struct req *r, struct db *db, struct device *d)
{
	const char *id = req_param(r, "id");
	int rc = ids_valid(id, "dev") ? store_device_get(db, r->who.account_id, id, d) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no device '%.40s' in this account", id);
	return rc;
}

static int show(struct req *r)
{
	int rc;
	struct device d;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = access_read_admin(r)) || (rc = load(r, db, &d)))
		return rc;
	/* another company's device is not there for a non-admin (api/access.h) */
	char ids[MAX_COMPANIES][ID_MAX];
	int n = 0;
	if ((rc = store_ids_get(db, IDS_DEVICE_COMPANIES, d.account_id, d.id, ids, MAX_COMPANIES, &n)))
		return rc;
	rc = access_company_sees(r, db, (const char(*)[ID_MAX])ids, n);
	if (rc == E_NOTFOUND)
		return resp_problemf(r, 404, "not-found", "no device '%.40s' in this account", d.id);
	if (rc)
		return rc;
	return resp_json(r, 200, device_json(db, &d));
}

static int change(struct req *r)
{
	int rc;
	struct device d;
	const char **companies = NULL;
	size_t n = 0;
	if ((rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &d)))
		goto fail;
	json_t *before = device_json(db, &d);
	if ((rc = read_fields(r, &d, JIN_OPTIONAL, &companies, &n)) ||
	    (companies && (rc = check_companies(r, db, companies, n)))) {
		json_decref(before);
		goto fail;
	}
	d.updated_at = clock_now();
	if ((rc = store_device_update(db, &d)) ||
	    (companies && (rc = store_ids_set(db, IDS_DEVICE_COMPANIES, d.account_id, d.id, companies, n)))) {
		json_decref(before);
		goto fail;
	}
	json_t *after = device_json(db, &d);
	if ((rc = audit_record(r, db, "device.update", "device", d.id, d.name, before, json_deep_copy(after)))) {
		json_decref(after);
		goto fail;
	}
	return api_commit_json(r, db, 200, after);
fail:
	return api_abort(db, rc);
}

static int delete (struct req *r)
{
	int rc;
	struct device d;
	if ((rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &d)))
		goto fail;
	if ((rc = audit_record(r, db, "device.delete", "device", d.id, d.name, device_json(db, &d), NULL)) ||
	    (rc = store_device_delete(db, d.account_id, d.id)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

const struct route devices_routes[] = {
	{"POST", "/api/v1/devices", create, 0},
	{"GET", "/api/v1/devices", list, 0},
	{"GET", "/api/v1/devices/{id}", show, 0},
	{"PATCH", "/api/v1/devices/{id}", change, 0},
	{"DELETE", "/api/v1/devices/{id}", delete, 0},
	{"GET", "/api/v1/companies/{id}/devices", list_company, 0},
	{0},
};
