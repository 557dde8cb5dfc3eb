/* POST /api/v1/freebusy {start, end, users}: for each user of the account,
 * the merged busy spans in [start, end) (at most 93 days, 1,000 users); an id
 * that is not a user of the account comes back in `errors`, not as a
 * failure of the whole request. Anyone who may own calendars may ask: in an
 * organisation, when colleagues are busy is not a secret, what they do is. */
#include "calendar/availability.h"

#include <stdio.h>
#include <string.h>

#include "calendar/access.h"
#include "calendar/busy.h"
#include "calendar/event_json.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"

#define WINDOW_MAX (93 * 86400LL)
#define USERS_MAX 1000

static int read_time(struct req *r, json_t *in, const char *key, int64_t *out)
{
	const char *s, *why = NULL;
	int rc = jin_string(r, in, key, JIN_REQUIRED, 25, &s);
	if (rc)
		return rc;
	if (event_parse_time(s, "UTC", strlen(s) == 10, out, &why))
		return resp_field_error(r, key, "%s is a UTC time (2030-01-07T10:00:00Z) or a date: %s", key, why),
		       E_INVALID;
	return 0;
}

static json_t *spans_json(const struct busy_list *b)
{
	json_t *a = json_array();
	for (size_t i = 0; i < b->n; i++) {
		char s[32], e[32];
		clock_iso(b->v[i].start, s, sizeof s);
		clock_iso(b->v[i].end, e, sizeof e);
		json_array_append_new(a, json_pack("{s:s, s:s}", "start", s, "end", e));
	}
	return a;
}

static int freebusy(struct req *r)
{
	static const char *const allowed[] = {"start", "end", "users", NULL};
	json_t *in;
	int64_t from, to;
	const char **ids = NULL;
	size_t nids = 0;
	int rc;
	if (!calendar_owner_role(r->who.role))
		return resp_problem(r, 403, "forbidden", "guests and customers may not look up colleagues' time"),
		       E_FORBIDDEN;
	if ((rc = jin_object(r, &in, allowed)) || (rc = read_time(r, in, "start", &from)) ||
	    (rc = read_time(r, in, "end", &to)) ||
	    (rc = jin_string_array(r, in, "users", JIN_REQUIRED, USERS_MAX, 40, &ids, &nids)))
		return rc;
	if (to <= from || to - from > WINDOW_MAX)
		return resp_field_error(r, "end", "the window [start, end) must be non-empty and at most 93 days"),
		       E_INVALID;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	json_t *users = json_array(), *errors = json_array();
	if ((rc = store_begin(db, 0)))
		goto fail;
	for (size_t i = 0; i < nids; i++) {
		struct user u;
		rc = ids_valid(ids[i], "usr") ? store_user_get(db, r->who.account_id, ids[i], &u) : E_NOTFOUND;
		if (rc == E_NOTFOUND) {
			json_array_append_new(errors, json_pack("{s:s, s:s}", "id", ids[i], "reason", "not-found"));
			continue;
		}
		struct busy_list b = {0};
		if (rc || (rc = busy_of_user(db, u.account_id, u.id, from, to, &b))) {
			busy_free(&b);
			store_rollback(db);
			goto fail;
		}
		busy_merge(&b);
		json_array_append_new(users, json_pack("{s:s, s:o}", "id", u.id, "busy", spans_json(&b)));
		busy_free(&b);
	}
	store_rollback(db);
	char f[32], t[32];
	clock_iso(from, f, sizeof f);
	clock_iso(to, t, sizeof t);
	return resp_json(r, 200, json_pack("{s:s, s:s, s:o, s:o}", "start", f, "end", t, "users", users, "errors",
					   errors));
fail:
	json_decref(users);
	json_decref(errors);
	return rc;
}

const struct route availability_routes[] = {
	{"POST", "/api/v1/freebusy", freebusy, 0},
	{0},
};
