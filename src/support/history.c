/* GET /api/v1/support/sessions: the support history, closed and open
 * sessions newest first, searched by customer name, e-mail and question and
 * filtered by state, company, portal and technician, of the companies the
 * caller may see: technicians their companies; managers theirs and those
 * whose portals their teams serve; admins all of the account's. Rows link
 * to the transcript page (/support/history/{id}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/tx.h"
#include "core/errors.h"
#include "http/cursor.h"
#include "http/response.h"
#include "support/chat.h"

#define HISTORY_PAGE_MAX 100
#define HISTORY_Q_MAX 200

static int bad(struct req *r, const char *field, const char *detail)
{
	resp_problem_ext(r, 400, "invalid-query", detail, json_pack("{s:s}", "field", field));
	return E_INVALID;
}

/* a stored question cut at a byte limit: back to a whole UTF-8 character */
static void utf8_trim(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xC0) {
		unsigned char lead = (unsigned char)s[i - 1];
		size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (n - (i - 1) < want)
			s[i - 1] = 0;
	}
}

static int id_param(struct req *r, const char *name, const char *prefix, const char **out)
{
	*out = req_query(r, name);
	if (*out && !**out)
		*out = NULL;
	if (*out && !ids_valid(*out, prefix))
		return bad(r, name, "not an id of this kind");
	return 0;
}

static int list(struct req *r)
{
	struct support_history_filter f = {.q = req_query(r, "q"), .state = req_query(r, "state")};
	const char *limit_s = req_query(r, "limit"), *key = NULL;
	int rc = chat_staff(r), limit = 50, n = 0;
	struct db *db;
	if (rc)
		return rc;
	if (limit_s) {
		char *end;
		long l = strtol(limit_s, &end, 10);
		if (!*limit_s || *end || l < 1 || l > HISTORY_PAGE_MAX)
			return bad(r, "limit", "limit must be from 1 to 100");
		limit = (int)l;
	}
	if (f.q && strlen(f.q) > HISTORY_Q_MAX)
		return bad(r, "q", "q is too long (at most 200 characters)");
	if (f.state && !*f.state)
		f.state = NULL;
	if (f.state && strcmp(f.state, "waiting") && strcmp(f.state, "active") && strcmp(f.state, "offline") &&
	    strcmp(f.state, "closed"))
		return bad(r, "state", "state must be one of waiting, active, offline, closed");
	if ((rc = id_param(r, "company_id", "cmp", &f.company_id)) ||
	    (rc = id_param(r, "portal_id", "prt", &f.portal_id)) ||
	    (rc = id_param(r, "technician_id", "usr", &f.technician_id)) || (rc = cursor_param(r, &key)))
		return rc;
	char before_id[ID_MAX] = "";
	if (key) {
		long long at = 0;
		int used = 0;
		if (sscanf(key, "%lld:%n", &at, &used) != 1 || used <= 0 || !ids_valid(key + used, "sup"))
			return bad(r, "cursor", "cursor must be one this server issued");
		snprintf(before_id, sizeof before_id, "%s", key + used);
		f.before_created = at;
		f.before_id = before_id;
	}
	if (!access_is(r, "admin")) {
		f.user_id = r->who.user_id;
		f.managed = access_is(r, "manager");
	}
	f.limit = limit + 1; /* one more tells whether there is a next page */
	struct support_history_row *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(limit + 1));
	if (!rows)
		return E_NOMEM;
	if ((rc = api_db(&db)) || (rc = store_support_history(db, r->who.account_id, &f, rows, limit + 1, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < limit; i++) {
		struct support_history_row *h = &rows[i];
		utf8_trim(h->question);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", h->id, "portal_id",
				      h->portal_id, "company_id", h->company_id, "state", h->state, "customer_name",
				      h->customer_name, "customer_email", h->customer_email, "question", h->question,
				      "created_at", (json_int_t)h->created_at);
		if (!o)
			continue;
		json_object_set_new(o, "technician_id",
				    h->technician_id[0] ? json_string(h->technician_id) : json_null());
		json_object_set_new(o, "technician_name",
				    h->technician_name[0] ? json_string(h->technician_name) : json_null());
		json_object_set_new(o, "closed_by", h->closed_by[0] ? json_string(h->closed_by) : json_null());
		json_object_set_new(o, "closed_at", h->closed_at ? json_integer(h->closed_at) : json_null());
		json_array_append_new(items, o);
	}
	json_t *next = json_null();
	if (n > limit) {
		char k[64];
		snprintf(k, sizeof k, "%lld:%s", (long long)rows[limit - 1].created_at, rows[limit - 1].id);
		next = json_string(cursor_encode(r, k));
	}
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

const struct route support_history_routes[] = {
	{"GET", "/api/v1/support/sessions", list, 0},
	{0},
};
