/* The audit log for administrators and technicians (who see account
 * information read-only); managers and API managers see the parts of the
 * admin center their rights name, and the log is not one of them. */
#define _XOPEN_SOURCE 700
#include "iam/audit_routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "http/cursor.h"
#include "http/response.h"
#include "api/access.h"
#include "store/store.h"

#define PAGE_MAX 200

static json_t *parsed(const char *text)
{
	json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	return j ? j : json_null();
}

struct collect {
	json_t *items;
	int want;         /* entries to show; one more tells that a next page exists */
	int64_t shown_at; /* the last entry shown: the cursor */
	char shown_id[ID_MAX];
	int n;
};

static void add(void *arg, const struct audit_entry *e)
{
	struct collect *c = arg;
	char when[40], iso[32];
	time_t s = (time_t)(e->at / 1000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when, sizeof when, "%s.%03dZ", iso, (int)(e->at % 1000000 / 1000));
	json_array_append_new(c->items, json_pack("{s:s, s:s, s:{s:s?, s:s}, s:s, s:s, s:{s:s, s:s?, s:s?}, s:o, s:o}",
						  "id", e->id, "at", when, "actor", "id", e->actor_id, "label",
						  e->actor_label, "via", e->via, "action", e->action, "target", "type",
						  e->target_type, "id", e->target_id, "label", e->target_label, "old",
						  parsed(e->old_value), "new", parsed(e->new_value)));
	if (++c->n <= c->want) {
		c->shown_at = e->at;
		snprintf(c->shown_id, sizeof c->shown_id, "%s", e->id);
	}
}

/* ISO 8601 UTC date or date-time, with fractional seconds as the log shows
 * them (…T10:00:00.123Z), into microseconds; -1 when not one */
static int64_t parse_time(const char *s)
{
	struct tm tm = {0};
	int64_t frac = 0;
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end) {
		memset(&tm, 0, sizeof tm);
		end = strptime(s, "%Y-%m-%d", &tm);
	} else if (*end == '.') {
		int digits = 0;
		for (end++; *end >= '0' && *end <= '9'; end++, digits++)
			if (digits < 6)
				frac = frac * 10 + (*end - '0');
		if (!digits)
			return -1;
		for (; digits < 6; digits++)
			frac *= 10;
	}
	if (!end || (*end && strcmp(end, "Z")))
		return -1;
	return (int64_t)timegm(&tm) * 1000000 + frac;
}

static int bad_query(struct req *r, const char *field, const char *detail)
{
	return resp_problem_ext(r, 400, "invalid-query", detail, json_pack("{s:s}", "field", field));
}

static int list(struct req *r)
{
	if (!access_is(r, "admin") && !access_is(r, "technician"))
		return resp_problem(r, 403, "forbidden", "only administrators and technicians may read the audit log");
	struct audit_filter f = {.q = req_query(r, "q"),
				 .action = req_query(r, "action"),
				 .actor_id = req_query(r, "actor"),
				 .target_id = req_query(r, "target"),
				 .member_of = access_company_scope(r),
				 .limit = 50};
	const char *since = req_query(r, "since"), *until = req_query(r, "until"), *limit = req_query(r, "limit"),
		   *cursor;
	if ((f.q && strlen(f.q) > 200) || (f.action && strlen(f.action) > 100) ||
	    (f.actor_id && strlen(f.actor_id) > 40) || (f.target_id && strlen(f.target_id) > 100))
		return bad_query(r, "q", "search terms are at most 200 characters (ids 40)");
	if (since && *since && (f.since_us = parse_time(since)) < 0)
		return bad_query(r, "since", "since must be an ISO 8601 date or UTC date-time (2026-11-22T10:00:00Z)");
	if (until && *until && (f.until_us = parse_time(until)) < 0)
		return bad_query(r, "until", "until must be an ISO 8601 date or UTC date-time");
	if (limit) {
		char *end;
		long l = strtol(limit, &end, 10);
		if (*end || l < 1 || l > PAGE_MAX)
			return bad_query(r, "limit", "limit must be from 1 to 200");
		f.limit = (int)l;
	}
	/* the cursor is the (at, id) of the last entry shown, made opaque */
	char cursor_id[ID_MAX] = "";
	int rc = cursor_param(r, &cursor);
	if (rc)
		return rc;
	if (cursor) {
		char *colon = strchr(cursor, ':'), *end;
		long long at = strtoll(cursor, &end, 10);
		if (!colon || end != colon || at <= 0 || !ids_valid(colon + 1, "aud"))
			return bad_query(r, "cursor", "the cursor is not one this server issued");
		f.before_at = at;
		snprintf(cursor_id, sizeof cursor_id, "%s", colon + 1);
		f.before_id = cursor_id;
	}
	struct db *db = store_db();
	if (!db)
		return E_DB;
	int want = f.limit;
	struct collect c = {.items = json_array(), .want = want};
	f.limit = want + 1;
	rc = store_audit_list(db, r->who.account_id, &f, add, &c);
	if (rc) {
		json_decref(c.items);
		return rc;
	}
	json_t *next = json_null();
	if (c.n > want) {
		json_array_remove(c.items, (size_t)want);
		next = json_string(
			cursor_encode(r, arena_printf(r->arena, "%lld:%s", (long long)c.shown_at, c.shown_id)));
	}
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", c.items, "next_cursor", next));
}

const struct route audit_routes[] = {
	{"GET", "/api/v1/audit", list, 0},
	{0},
};
