/* Calendars: every user but guests and customers has a default calendar and
 * may create more (name, colour, time zone, description). The owner and
 * `manager` grantees change them; the default calendar cannot be deleted. */
#include "calendar/calendars.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "calendar/access.h"
#include "ical/ics.h"
#include "calendar/stream.h"
#include "calendar/shares.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/audit.h"
#include "api/tx.h"
#include "settings/settings.h"

#define MAX_CALENDARS 200
#define DEFAULT_COLOUR "#2563eb"

json_t *calendar_json(const struct calendar *c, int role)
{
	char created[32], updated[32];
	clock_iso(c->created_at, created, sizeof created);
	clock_iso(c->updated_at, updated, sizeof updated);
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I, s:s, s:s}", "id", c->id, "name", c->name,
			  "colour", c->colour, "time_zone", c->time_zone, "description", c->description, "is_default",
			  c->is_default, "role", cal_role_name(role), "public_detail", c->public_detail, "version",
			  (json_int_t)c->version, "created_at", created, "updated_at", updated);
	json_object_set_new(o, "owner_id", *c->owner_id ? json_string(c->owner_id) : json_null());
	json_object_set_new(o, "room_id", *c->room_id ? json_string(c->room_id) : json_null());
	json_object_set_new(o, "conference_id", *c->conference_id ? json_string(c->conference_id) : json_null());
	json_object_set_new(o, "feed_window",
			    json_pack("{s:i, s:i}", "days_back", c->feed_days_back, "days_ahead", c->feed_days_ahead));
	return o;
}

int calendar_ensure_default(struct db *db, const char *account_id, const char *user_id, const char *display_name,
			    struct calendar *out)
{
	int rc = store_calendar_default(db, account_id, user_id, out);
	if (rc != E_NOTFOUND)
		return rc;
	memset(out, 0, sizeof *out);
	snprintf(out->account_id, sizeof out->account_id, "%s", account_id);
	ids_new("cal", out->id);
	snprintf(out->owner_id, sizeof out->owner_id, "%s", user_id);
	snprintf(out->name, sizeof out->name, "%s", display_name && *display_name ? display_name : "Calendar");
	snprintf(out->colour, sizeof out->colour, DEFAULT_COLOUR);
	if (settings_value(db, account_id, NULL, "time_zone", out->time_zone, sizeof out->time_zone) ||
	    !ics_tz_valid(out->time_zone))
		snprintf(out->time_zone, sizeof out->time_zone, "UTC");
	out->is_default = 1;
	snprintf(out->public_detail, sizeof out->public_detail, "busy");
	out->feed_days_back = 90;
	out->feed_days_ahead = 730;
	out->version = 1;
	out->created_at = out->updated_at = clock_now();
	return store_calendar_insert(db, out);
}

int calendar_user_created(struct db *db, const struct user *u)
{
	struct calendar cal;
	if (!calendar_owner_role(u->role))
		return 0;
	return calendar_ensure_default(db, u->account_id, u->id, u->display_name, &cal);
}

static int colour_valid(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* reads name, colour, time_zone, description, public_detail, feed_window */
static int read_fields(struct req *r, struct calendar *c, int creating)
{
	static const char *const allowed[] = {"name",          "colour",      "time_zone", "description",
					      "public_detail", "feed_window", NULL};
	json_t *in;
	const char *name = NULL, *colour = NULL, *tz = NULL, *desc = NULL, *detail = NULL;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "name", creating, 200, &name)) ||
	    (rc = jin_string(r, in, "colour", JIN_OPTIONAL, 7, &colour)) ||
	    (rc = jin_string(r, in, "time_zone", JIN_OPTIONAL, 63, &tz)) ||
	    (rc = jin_string(r, in, "description", JIN_OPTIONAL, 2000, &desc)) ||
	    (rc = jin_string(r, in, "public_detail", JIN_OPTIONAL, 8, &detail)))
		return rc;
	if (name && !*name)
		return resp_field_error(r, "name", "the name must not be empty"), E_INVALID;
	if (colour && !colour_valid(colour))
		return resp_field_error(r, "colour", "colour is '#rrggbb' (e.g. '#2563eb')"), E_INVALID;
	if (tz && !ics_tz_valid(tz))
		return resp_field_error(r, "time_zone", "'%.63s' is not a known IANA time zone", tz), E_INVALID;
	if (detail && strcmp(detail, "full") && strcmp(detail, "busy"))
		return resp_field_error(r, "public_detail", "public_detail is 'full' or 'busy'"), E_INVALID;
	json_t *win = json_object_get(in, "feed_window");
	if (win) {
		long long back = c->feed_days_back, ahead = c->feed_days_ahead;
		static const char *const wkeys[] = {"days_back", "days_ahead", NULL};
		const char *k;
		json_t *v;
		if (!json_is_object(win))
			return resp_field_error(r, "feed_window", "feed_window is {days_back, days_ahead}"), E_INVALID;
		json_object_foreach(win, k, v)
		{
			int known = 0;
			for (int i = 0; wkeys[i]; i++)
				known |= !strcmp(k, wkeys[i]);
			if (!known)
				return resp_field_error(r, "feed_window", "unknown field '%.40s' in feed_window", k),
				       E_INVALID;
		}
		if ((rc = jin_int(r, win, "days_back", JIN_OPTIONAL, 0, 3660, &back)) ||
		    (rc = jin_int(r, win, "days_ahead", JIN_OPTIONAL, 1, 3660, &ahead)))
			return rc;
		c->feed_days_back = (int)back;
		c->feed_days_ahead = (int)ahead;
	}
	if (name)
		snprintf(c->name, sizeof c->name, "%s", name);
	if (colour)
		snprintf(c->colour, sizeof c->colour, "%s", colour);
	if (tz)
		snprintf(c->time_zone, sizeof c->time_zone, "%s", tz);
	if (desc)
		snprintf(c->description, sizeof c->description, "%s", desc);
	if (detail)
		snprintf(c->public_detail, sizeof c->public_detail, "%s", detail);
	return 0;
}

static int may_own(struct req *r)
{
	if (calendar_owner_role(r->who.role))
		return 0;
	resp_problem(r, 403, "forbidden", "guests and customers have no calendars of their own");
	return E_FORBIDDEN;
}

static int list(struct req *r)
{
	int rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	json_t *items = json_array();
	if (calendar_owner_role(r->who.role)) {
		struct calendar def;
		if ((rc = store_begin(db, 1)))
			goto fail;
		if ((rc = calendar_ensure_default(db, r->who.account_id, r->who.user_id, r->who.display_name, &def)) ||
		    (rc = store_commit(db))) {
			store_rollback(db);
			goto fail;
		}
		struct calendar *cals = arena_alloc(r->arena, sizeof(struct calendar) * MAX_CALENDARS);
		int n = 0;
		if ((rc = store_calendar_list_owned(db, r->who.account_id, r->who.user_id, cals, MAX_CALENDARS, &n)))
			goto fail;
		for (int i = 0; i < n; i++)
			json_array_append_new(items, calendar_json(&cals[i], CAL_ROLE_OWNER));
	}
	/* then those shared with the caller (guests have only these) */
	if ((rc = shares_append_calendars(r, db, items)))
		goto fail;
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
fail:
	json_decref(items);
	return rc;
}

static int create(struct req *r)
{
	int rc;
	if ((rc = may_own(r)))
		return rc;
	struct calendar c = {.feed_days_back = 90, .feed_days_ahead = 730};
	snprintf(c.colour, sizeof c.colour, DEFAULT_COLOUR);
	snprintf(c.public_detail, sizeof c.public_detail, "busy");
	if ((rc = read_fields(r, &c, JIN_REQUIRED)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	snprintf(c.account_id, sizeof c.account_id, "%s", r->who.account_id);
	snprintf(c.owner_id, sizeof c.owner_id, "%s", r->who.user_id);
	ids_new("cal", c.id);
	if (!*c.time_zone && (settings_value(db, c.account_id, NULL, "time_zone", c.time_zone, sizeof c.time_zone) ||
			      !ics_tz_valid(c.time_zone)))
		snprintf(c.time_zone, sizeof c.time_zone, "UTC");
	c.version = 1;
	c.created_at = c.updated_at = clock_now();
	if ((rc = store_begin(db, 1)))
		return rc;
	struct calendar def;
	if ((rc = calendar_ensure_default(db, c.account_id, c.owner_id, r->who.display_name, &def)) ||
	    (rc = store_calendar_insert(db, &c)) ||
	    (rc = audit_record(r, db, "calendar.create", "calendar", c.id, c.name, NULL,
			       calendar_json(&c, CAL_ROLE_OWNER))))
		return api_abort(db, rc);
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/calendars/%s", c.id),
				  calendar_json(&c, CAL_ROLE_OWNER));
}

static int show(struct req *r)
{
	int rc, role;
	struct calendar c;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_FREEBUSY, &c, &role)))
		return rc;
	return resp_json(r, 200, calendar_json(&c, role));
}

static int change(struct req *r)
{
	int rc, role;
	struct calendar c;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_MANAGER, &c, &role)))
		goto fail;
	json_t *before = calendar_json(&c, role);
	if ((rc = read_fields(r, &c, JIN_OPTIONAL))) {
		json_decref(before);
		goto fail;
	}
	c.updated_at = clock_now();
	c.version++;
	if ((rc = store_calendar_update(db, &c)) || (rc = calendar_changed(db, &c)) ||
	    (rc = audit_record(r, db, "calendar.update", "calendar", c.id, c.name, before, calendar_json(&c, role))))
		goto fail;
	return api_commit_json(r, db, 200, calendar_json(&c, role));
fail:
	return api_abort(db, rc);
}

int calendar_delete(struct req *r, struct db *db, const struct calendar *c, int role)
{
	int rc = audit_record(r, db, "calendar.delete", "calendar", c->id, c->name, calendar_json(c, role), NULL);
	if (!rc)
		rc = store_calendar_delete(db, c->account_id, c->id);
	return rc ? rc : calendar_changed(db, c);
}

static int delete (struct req *r)
{
	int rc, role;
	struct calendar c;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_OWNER, &c, &role)))
		goto fail;
	if (c.is_default) {
		rc = resp_problem(r, 409, "default-calendar", "a user's default calendar cannot be deleted");
		rc = E_CONFLICT;
		goto fail;
	}
	if (*c.room_id) {
		rc = resp_problem(r, 409, "room-calendar", "a room's calendar goes with the room: delete the room");
		rc = E_CONFLICT;
		goto fail;
	}
	if ((rc = calendar_delete(r, db, &c, role)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

const struct route calendars_routes[] = {
	{"GET", "/api/v1/calendars", list, 0},           {"POST", "/api/v1/calendars", create, 0},
	{"GET", "/api/v1/calendars/{id}", show, 0},      {"PATCH", "/api/v1/calendars/{id}", change, 0},
	{"DELETE", "/api/v1/calendars/{id}", delete, 0}, {0},
};
