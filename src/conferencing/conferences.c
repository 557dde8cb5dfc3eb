/* Conferences and their administrators over the JSON API. The schedule is an
 * ordinary calendar owned by the conference: made with it (its name and time
 * zone), kept in step with the conference's name and time zone as long as
 * nobody gave it others through the calendar API, and deleted with it. */
#include "conferencing/conferences.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "calendar/access.h"
#include "calendar/calendars.h"
#include "calendar/stream.h"
#include "conferencing/access.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/cursor.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "iam/users.h"
#include "ical/ics.h"
#include "settings/settings.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 200
#define ADMINS_MAX 500 /* administrators listed; far more than a conference has */
#define SCHEDULE_COLOUR "#7c3aed"

json_t *conference_json(const struct conference *c, int can_manage)
{
	char created[32], updated[32];
	clock_iso(c->created_at, created, sizeof created);
	clock_iso(c->updated_at, updated, sizeof updated);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:s, s:s}", "id", c->id, "name", c->name,
			 "description", c->description, "starts_on", c->starts_on, "ends_on", c->ends_on, "time_zone",
			 c->time_zone, "calendar_id", c->calendar_id, "admins_count", c->admins_count, "can_manage",
			 can_manage, "created_at", created, "updated_at", updated);
}

/* a real calendar date written YYYY-MM-DD (years 1900-9999) */
static int date_valid(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* reads name, description, starts_on, ends_on, time_zone into c (creating:
 * name and the dates are required), then checks the dates' order on the
 * result, so that a PATCH of one date is checked against the other */
static int read_fields(struct req *r, struct conference *c, int creating)
{
	static const char *const allowed[] = {"name", "description", "starts_on", "ends_on", "time_zone", NULL};
	json_t *in;
	const char *name = NULL, *desc = NULL, *starts = NULL, *ends = NULL, *tz = NULL;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "name", creating, CONFERENCE_NAME_MAX, &name)) ||
	    (rc = jin_string(r, in, "description", JIN_OPTIONAL, CONFERENCE_DESCRIPTION_MAX, &desc)) ||
	    (rc = jin_string(r, in, "starts_on", creating, 10, &starts)) ||
	    (rc = jin_string(r, in, "ends_on", creating, 10, &ends)) ||
	    (rc = jin_string(r, in, "time_zone", JIN_OPTIONAL, 63, &tz)))
		return rc;
	if (name && !*name)
		return resp_field_error(r, "name", "the name must not be empty"), E_INVALID;
	if (starts && !date_valid(starts))
		return resp_field_error(r, "starts_on", "'%.10s' is not a date YYYY-MM-DD", starts), E_INVALID;
	if (ends && !date_valid(ends))
		return resp_field_error(r, "ends_on", "'%.10s' is not a date YYYY-MM-DD", ends), E_INVALID;
	if (tz && !ics_tz_valid(tz))
		return resp_field_error(r, "time_zone", "'%.63s' is not a known IANA time zone", tz), E_INVALID;
	if (name)
		snprintf(c->name, sizeof c->name, "%s", name);
	if (desc)
		snprintf(c->description, sizeof c->description, "%s", desc);
	if (starts)
		snprintf(c->starts_on, sizeof c->starts_on, "%s", starts);
	if (ends)
		snprintf(c->ends_on, sizeof c->ends_on, "%s", ends);
	if (tz)
		snprintf(c->time_zone, sizeof c->time_zone, "%s", tz);
	if (strcmp(c->ends_on, c->starts_on) < 0) /* YYYY-MM-DD compare as text */
		return resp_field_error(r, ends ? "ends_on" : "starts_on",
					"the conference ends (%.10s) before it starts (%.10s)", c->ends_on,
					c->starts_on),
		       E_INVALID;
	return 0;
}

static int create(struct req *r)
{
	int rc;
	struct conference c = {0};
	if ((rc = access_admin(r)) || (rc = read_fields(r, &c, JIN_REQUIRED)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	snprintf(c.account_id, sizeof c.account_id, "%s", r->who.account_id);
	ids_new("cnf", c.id);
	if (!*c.time_zone && (settings_value(db, c.account_id, NULL, "time_zone", c.time_zone, sizeof c.time_zone) ||
			      !ics_tz_valid(c.time_zone)))
		snprintf(c.time_zone, sizeof c.time_zone, "UTC");
	c.created_at = c.updated_at = clock_now();
	/* the schedule: the conference's name and zone, owned by the conference */
	struct calendar cal = {.is_default = 0, .feed_days_back = 90, .feed_days_ahead = 730, .version = 1};
	snprintf(cal.account_id, sizeof cal.account_id, "%s", c.account_id);
	ids_new("cal", cal.id);
	snprintf(cal.conference_id, sizeof cal.conference_id, "%s", c.id);
	snprintf(cal.name, sizeof cal.name, "%s", c.name);
	snprintf(cal.colour, sizeof cal.colour, SCHEDULE_COLOUR);
	snprintf(cal.time_zone, sizeof cal.time_zone, "%s", c.time_zone);
	snprintf(cal.public_detail, sizeof cal.public_detail, "busy");
	cal.created_at = cal.updated_at = c.created_at;
	snprintf(c.calendar_id, sizeof c.calendar_id, "%s", cal.id);
	if ((rc = store_conference_insert(db, &c)) || (rc = store_calendar_insert(db, &cal)) ||
	    (rc = audit_record(r, db, "conference.create", "conference", c.id, c.name, NULL, conference_json(&c, 1))))
		return api_abort(db, rc);
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/conferences/%s", c.id),
				  conference_json(&c, 1));
}

/* the cursor's key: "<starts_on> <id>" of the last conference of a page */
static int cursor_split(struct req *r, const char *key, const char **starts, const char **id)
{
	const char *sp = key ? strchr(key, ' ') : NULL;
	if (!key) {
		*starts = *id = NULL;
		return 0;
	}
	char *date = sp ? arena_strndup(r->arena, key, (size_t)(sp - key)) : NULL;
	if (!date || !date_valid(date) || !ids_valid(sp + 1, "cnf"))
		return resp_problem_ext(r, 400, "invalid-query", "the cursor is not one this server issued",
					json_pack("{s:s}", "field", "cursor")),
		       E_INVALID;
	*starts = date;
	*id = sp + 1;
	return 0;
}

static int list(struct req *r)
{
	int rc, limit = PAGE_DEFAULT;
	const char *limit_s = req_query(r, "limit"), *key, *after_starts, *after_id;
	if (limit_s) {
		char *end;
		long l = strtol(limit_s, &end, 10);
		if (*end || !*limit_s || l < 1 || l > PAGE_MAX)
			return resp_problem_ext(r, 400, "invalid-query", "limit must be from 1 to 200",
						json_pack("{s:s}", "field", "limit"));
		limit = (int)l;
	}
	if ((rc = cursor_param(r, &key)) || (rc = cursor_split(r, key, &after_starts, &after_id)))
		return rc;
	struct db *db;
	if ((rc = api_db(&db)))
		return rc;
	/* account admins see every conference of the account, others those they administer */
	const char *admin_of = access_is(r, "admin") ? NULL : r->who.user_id;
	struct conference *rows = arena_alloc(r->arena, sizeof *rows * (size_t)(limit + 1));
	int n = 0;
	if ((rc = store_conference_list(db, r->who.account_id, admin_of, after_starts, after_id, rows, limit + 1, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n && i < limit; i++)
		json_array_append_new(items, conference_json(&rows[i], 1));
	json_t *next = json_null();
	if (n > limit)
		next = json_string(cursor_encode(
			r, arena_printf(r->arena, "%s %s", rows[limit - 1].starts_on, rows[limit - 1].id)));
	return resp_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

static int show(struct req *r)
{
	int rc;
	struct conference c;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = conference_load(r, db, req_param(r, "id"), &c)))
		return rc;
	return resp_json(r, 200, conference_json(&c, 1));
}

/* The schedule follows the conference's name and time zone while it still
 * has the conference's old ones: a name or zone given to the calendar itself
 * (PATCH /api/v1/calendars/{id}) is the administrators' choice and stays. */
static int schedule_follow(struct db *db, const struct conference *before, const struct conference *after)
{
	struct calendar cal;
	int rc = store_calendar_get(db, after->account_id, after->calendar_id, &cal);
	if (rc)
		return rc;
	int changed = 0;
	if (strcmp(before->name, after->name) && !strcmp(cal.name, before->name)) {
		snprintf(cal.name, sizeof cal.name, "%s", after->name);
		changed = 1;
	}
	if (strcmp(before->time_zone, after->time_zone) && !strcmp(cal.time_zone, before->time_zone)) {
		snprintf(cal.time_zone, sizeof cal.time_zone, "%s", after->time_zone);
		changed = 1;
	}
	if (!changed)
		return 0;
	cal.updated_at = after->updated_at;
	if ((rc = store_calendar_update(db, &cal)))
		return rc;
	return calendar_changed(db, &cal);
}

static int change(struct req *r)
{
	int rc;
	struct conference c, before;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = conference_load(r, db, req_param(r, "id"), &c)))
		goto fail;
	before = c;
	if ((rc = read_fields(r, &c, JIN_OPTIONAL)))
		goto fail;
	c.updated_at = clock_now();
	if ((rc = store_conference_update(db, &c)) || (rc = schedule_follow(db, &before, &c)) ||
	    (rc = audit_record(r, db, "conference.update", "conference", c.id, c.name, conference_json(&before, 1),
			       conference_json(&c, 1))))
		goto fail;
	return api_commit_json(r, db, 200, conference_json(&c, 1));
fail:
	return api_abort(db, rc);
}

static int delete (struct req *r)
{
	int rc;
	struct conference c;
	struct calendar cal;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	/* 404 before 403: a conference the caller may not see is not there */
	if ((rc = conference_load(r, db, req_param(r, "id"), &c)))
		goto fail;
	if (!access_is(r, "admin"))
		return api_abort(db, resp_problem(r, 403, "forbidden",
						  "only the account's administrators may delete a conference"));
	/* the calendar first, as the calendar API deletes one (audited, its
	 * watchers told); the rest goes with the conference row (ON DELETE
	 * CASCADE: administrators, Zoom connections, anything later) */
	/* the Zoom meetings convene made for the schedule's events leave Zoom
	 * with it (a worker, after commit); their links go by cascade */
	if ((rc = store_zoom_jobs_conference_gone(db, c.account_id, c.id, clock_now())))
		goto fail;
	rc = store_calendar_get(db, c.account_id, c.calendar_id, &cal);
	if (!rc)
		rc = calendar_delete(r, db, &cal, CAL_ROLE_MANAGER);
	if ((rc && rc != E_NOTFOUND) || (rc = store_conference_delete(db, c.account_id, c.id)) ||
	    (rc = audit_record(r, db, "conference.delete", "conference", c.id, c.name, conference_json(&c, 1), NULL)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

static json_t *admin_json(const struct conference_admin *a)
{
	char added[32];
	clock_iso(a->added_at, added, sizeof added);
	return json_pack("{s:s, s:s, s:s, s:s}", "user_id", a->user_id, "email", a->email, "display_name",
			 a->display_name, "added_at", added);
}

static int admins(struct req *r)
{
	int rc, n = 0;
	struct conference c;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = conference_load(r, db, req_param(r, "id"), &c)))
		return rc;
	struct conference_admin *rows = arena_alloc(r->arena, sizeof *rows * ADMINS_MAX);
	if ((rc = store_conference_admin_list(db, c.account_id, c.id, rows, ADMINS_MAX, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, admin_json(&rows[i]));
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

/* the conference of the path (which the caller manages) and the user {user_id}
 * of its account, inside the caller's write transaction */
static int load_pair(struct req *r, struct db *db, struct conference *c, struct user *u)
{
	int rc = conference_load(r, db, req_param(r, "id"), c);
	if (rc)
		return rc;
	const char *uid = req_param(r, "user_id");
	rc = ids_valid(uid, "usr") ? store_user_get(db, c->account_id, uid, u) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no user '%.40s' in this account", uid);
	return rc;
}

/* PUT: appoints the user (idempotent: 204 either way, audited once) */
static int admin_add(struct req *r)
{
	int rc;
	struct conference c;
	struct user u;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load_pair(r, db, &c, &u)))
		goto fail;
	if (!calendar_owner_role(u.role))
		return api_abort(
			db, resp_field_error(r, "user_id", "guests and customers cannot be conference administrators"));
	rc = store_conference_admin_add(db, c.account_id, c.id, u.id, clock_now());
	if (rc == E_CONFLICT)
		return api_abort(db, resp_empty(r, 204));
	if (rc || (rc = audit_record(r, db, "conference.admin_add", "conference", c.id, c.name, NULL,
				     json_pack("{s:s, s:s}", "user_id", u.id, "email", u.email))))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

/* POST {email}: appoints the account's user with that address. Conference
 * administrators who may not list the account's users (members) name a
 * colleague by address, as they do when they share a calendar; the address is
 * looked up in the caller's account only, so another account's users stay
 * unseen. 201 with the administrator, 200 when they already were one. */
static int admin_add_by_email(struct req *r)
{
	static const char *const allowed[] = {"email", NULL};
	int rc;
	json_t *in;
	const char *email;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "email", JIN_REQUIRED, 254, &email)))
		return rc;
	if (!jin_valid_email(email))
		return resp_field_error(r, "email", "'%.80s' is not an e-mail address", email), E_INVALID;
	char lower[256];
	snprintf(lower, sizeof lower, "%s", email);
	users_lower_email(lower);
	struct conference c;
	struct user u;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = conference_load(r, db, req_param(r, "id"), &c)))
		goto fail;
	rc = store_user_by_account_email(db, c.account_id, lower, &u);
	if (rc == E_NOTFOUND)
		return api_abort(
			db, resp_field_error(r, "email", "no user of this account has the address '%.80s'", lower));
	if (rc)
		goto fail;
	if (!calendar_owner_role(u.role))
		return api_abort(
			db, resp_field_error(r, "email", "guests and customers cannot be conference administrators"));
	int64_t now = clock_now();
	struct conference_admin a = {.added_at = now};
	snprintf(a.user_id, sizeof a.user_id, "%s", u.id);
	snprintf(a.email, sizeof a.email, "%s", u.email);
	snprintf(a.display_name, sizeof a.display_name, "%s", u.display_name);
	rc = store_conference_admin_add(db, c.account_id, c.id, u.id, now);
	if (rc == E_CONFLICT) {
		store_rollback(db);
		a.added_at = 0;
		/* already one: their row says since when */
		if ((rc = store_conference_admin_get(db, c.account_id, c.id, u.id, &a)) && rc != E_NOTFOUND)
			return rc;
		return resp_json(r, 200, admin_json(&a));
	}
	if (rc || (rc = audit_record(r, db, "conference.admin_add", "conference", c.id, c.name, NULL,
				     json_pack("{s:s, s:s}", "user_id", u.id, "email", u.email))))
		goto fail;
	return api_commit_json(r, db, 201, admin_json(&a));
fail:
	return api_abort(db, rc);
}

/* DELETE: removes the user from the administrators (204 also when they were not one) */
static int admin_remove(struct req *r)
{
	int rc;
	struct conference c;
	struct user u;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load_pair(r, db, &c, &u)))
		goto fail;
	rc = store_conference_admin_remove(db, c.account_id, c.id, u.id);
	if (rc == E_NOTFOUND)
		return api_abort(db, resp_empty(r, 204));
	if (rc || (rc = audit_record(r, db, "conference.admin_remove", "conference", c.id, c.name,
				     json_pack("{s:s, s:s}", "user_id", u.id, "email", u.email), NULL)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

const struct route conferences_routes[] = {
	{"POST", "/api/v1/conferences", create, 0},
	{"GET", "/api/v1/conferences", list, 0},
	{"GET", "/api/v1/conferences/{id}", show, 0},
	{"PATCH", "/api/v1/conferences/{id}", change, 0},
	{"DELETE", "/api/v1/conferences/{id}", delete, 0},
	{"GET", "/api/v1/conferences/{id}/admins", admins, 0},
	{"POST", "/api/v1/conferences/{id}/admins", admin_add_by_email, 0},
	{"PUT", "/api/v1/conferences/{id}/admins/{user_id}", admin_add, 0},
	{"DELETE", "/api/v1/conferences/{id}/admins/{user_id}", admin_remove, 0},
	{0},
};
