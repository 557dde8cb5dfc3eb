/* Room routes. Rules are given in people's units (minutes, days) and kept in
 * seconds. Each room owns a calendar (created and deleted with it). Bookings
 * are listed with subjects unless the room hides them or the event is not
 * public, except to administrators. */
#include "calendar/rooms.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/access.h"
#include "calendar/booking.h"
#include "calendar/event_json.h"
#include "ical/ics.h"
#include "calendar/stream.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/cursor.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "settings/settings.h"

#define PAGE_MAX 200
#define LIST_MAX 1000
#define SEARCH_MAX 400 /* candidates the search checks at most */

/* a room's JSON, given its equipment, company and delegate arrays (taken) */
/* Google Workspace's resourceCategory values, which GoTo Room reads */
static int rooms_category_valid(const char *c)
{
	return !strcmp(c, "conference_room") || !strcmp(c, "other");
}

static json_t *room_json_of(const struct room *o, json_t *eq, json_t *co, json_t *de)
{
	json_t *hours = *o->opening_hours ? json_loads(o->opening_hours, 0, NULL) : NULL;
	json_t *rules = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:o, s:b, s:o, s:o, s:i, s:i}", "max_duration_minutes",
		(json_int_t)(o->max_duration / 60), "min_notice_minutes", (json_int_t)(o->min_notice / 60),
		"max_ahead_days", (json_int_t)(o->max_ahead / 86400), "buffer_before_minutes",
		(json_int_t)(o->buffer_before / 60), "buffer_after_minutes", (json_int_t)(o->buffer_after / 60),
		"opening_hours", hours ? hours : json_null(), "approval", o->approval, "delegate_ids", de,
		"company_ids", co, "max_conflicts", o->max_conflicts, "checkin_minutes", o->checkin_minutes);
	json_object_set_new(rules, "on_conflict", json_string(o->decline_on_conflict ? "decline" : "refuse"));
	char created[32], updated[32];
	clock_iso(o->created_at, created, sizeof created);
	clock_iso(o->updated_at, updated, sizeof updated);
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:s, s:s}", "id", o->id,
			 "calendar_id", o->calendar_id, "name", o->name, "email", o->email, "capacity", o->capacity,
			 "building", o->building, "floor", o->floor, "category",
			 *o->category ? o->category : "conference_room", "description", o->description, "hide_subjects",
			 o->hide_subjects, "equipment", eq, "rules", rules, "created_at", created, "updated_at",
			 updated);
}

/* a page's tags, companies and delegates: one array each per room, at most
 * as many as a room can be given (32 tags, 64 ids) */
struct page_links {
	json_t **arrays;
	size_t max;
};

static void add_link(void *ctx, int i, const char *value)
{
	struct page_links *l = ctx;
	if (json_array_size(l->arrays[i]) < l->max)
		json_array_append_new(l->arrays[i], json_string(value));
}

/* the JSON of n rooms appended to items, with three queries for the whole
 * page instead of three a room */
static int rooms_json(struct db *db, const struct room *rooms, int n, json_t *items)
{
	static const char *const kinds[] = {"equipment", "companies", "delegates"};
	static const size_t max[] = {32, 64, 64};
	if (n <= 0)
		return 0;
	const char **ids = malloc(sizeof *ids * (size_t)n);
	json_t **arrays = calloc((size_t)n * 3, sizeof *arrays);
	int rc = 0;
	if (!ids || !arrays) {
		rc = E_NOMEM;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		ids[i] = rooms[i].id;
		for (int k = 0; k < 3; k++)
			arrays[k * n + i] = json_array();
	}
	for (int k = 0; !rc && k < 3; k++) {
		struct page_links l = {arrays + k * n, max[k]};
		rc = store_room_links_page(db, kinds[k], rooms[0].account_id, ids, n, add_link, &l);
	}
	if (!rc)
		for (int i = 0; i < n; i++) {
			json_array_append_new(items,
					      room_json_of(&rooms[i], arrays[i], arrays[n + i], arrays[2 * n + i]));
			arrays[i] = arrays[n + i] = arrays[2 * n + i] = NULL;
		}
out:
	if (arrays)
		for (int i = 0; i < n * 3; i++)
			json_decref(arrays[i]);
	free(arrays);
	free(ids);
	return rc;
}

/* one room (a store failure gives it empty lists, as it always did) */
static json_t *room_json(struct db *db, const struct room *o)
{
	json_t *one = json_array();
	if (rooms_json(db, o, 1, one))
		return room_json_of(o, json_array(), json_array(), json_array());
	json_t *v = json_incref(json_array_get(one, 0));
	json_decref(one);
	return v;
}

static int tag_ok(const char *t)
{
	if (!*t || strlen(t) >= ROOM_TAG_MAX)
		return 0;
	for (const char *p = t; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
	return 1;
}

struct room_input {
	const char **tags, **companies, **delegates;
	size_t ntags, ncompanies, ndelegates;
	int has_tags, has_companies, has_delegates;
};

static int minutes(struct req *r, json_t *o, const char *key, long long max, int64_t *out)
{
	long long v = *out / 60;
	int rc = jin_int(r, o, key, JIN_OPTIONAL, 0, max, &v);
	if (!rc)
		*out = v * 60;
	return rc;
}

static int check_ids(struct req *r, struct db *db, const char *field, const char *prefix, const char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = E_NOTFOUND;
		if (ids_valid(ids[i], prefix)) {
			if (!strcmp(prefix, "cmp")) {
				struct company c;
				rc = store_company_get(db, r->who.account_id, ids[i], &c);
			} else {
				struct user u;
				rc = store_user_get(db, r->who.account_id, ids[i], &u);
			}
		}
		if (rc == E_NOTFOUND)
			return resp_field_error(r, field, "'%.40s' is not one of this account's", ids[i]), E_INVALID;
		if (rc)
			return rc;
	}
	return 0;
}

static int read_rules(struct req *r, struct db *db, json_t *rules, struct room *o, struct room_input *in)
{
	static const char *const keys[] = {"max_duration_minutes",
					   "min_notice_minutes",
					   "max_ahead_days",
					   "buffer_before_minutes",
					   "buffer_after_minutes",
					   "opening_hours",
					   "approval",
					   "delegate_ids",
					   "company_ids",
					   "max_conflicts",
					   "checkin_minutes",
					   "on_conflict",
					   NULL};
	const char *k;
	json_t *v;
	int rc;
	if (!json_is_object(rules))
		return resp_field_error(r, "rules", "rules is an object"), E_INVALID;
	json_object_foreach(rules, k, v)
	{
		int known = 0;
		for (int i = 0; keys[i]; i++)
			known |= !strcmp(k, keys[i]);
		if (!known)
			return resp_field_error(r, "rules", "unknown rule '%.40s'", k), E_INVALID;
	}
	long long ahead = o->max_ahead / 86400, conflicts = o->max_conflicts, checkin = o->checkin_minutes;
	if ((rc = minutes(r, rules, "max_duration_minutes", 60 * 24 * 31, &o->max_duration)) ||
	    (rc = minutes(r, rules, "min_notice_minutes", 60 * 24 * 366, &o->min_notice)) ||
	    (rc = minutes(r, rules, "buffer_before_minutes", 24 * 60, &o->buffer_before)) ||
	    (rc = minutes(r, rules, "buffer_after_minutes", 24 * 60, &o->buffer_after)) ||
	    (rc = jin_int(r, rules, "max_ahead_days", JIN_OPTIONAL, 1, 3660, &ahead)) ||
	    (rc = jin_int(r, rules, "max_conflicts", JIN_OPTIONAL, 0, 1000, &conflicts)) ||
	    (rc = jin_int(r, rules, "checkin_minutes", JIN_OPTIONAL, 0, 24 * 60, &checkin)) ||
	    (rc = jin_bool(r, rules, "approval", JIN_OPTIONAL, &o->approval)))
		return rc;
	const char *on_conflict = NULL;
	if ((rc = jin_string(r, rules, "on_conflict", JIN_OPTIONAL, 16, &on_conflict)))
		return rc;
	if (on_conflict && strcmp(on_conflict, "refuse") && strcmp(on_conflict, "decline"))
		return resp_field_error(r, "on_conflict", "on_conflict is 'refuse' or 'decline'"), E_INVALID;
	if (on_conflict)
		o->decline_on_conflict = !strcmp(on_conflict, "decline");
	o->max_ahead = ahead * 86400;
	o->max_conflicts = (int)conflicts;
	o->checkin_minutes = (int)checkin;
	json_t *hours = json_object_get(rules, "opening_hours");
	if (hours && json_is_null(hours)) {
		o->opening_hours[0] = 0;
	} else if (hours) {
		const struct setting_def *def = settings_find("business_hours");
		char why[256];
		const char *bad = settings_check_in(def, hours, resp_lang(r), why, sizeof why);
		if (bad)
			return resp_field_error(r, "opening_hours", "%s", bad), E_INVALID;
		json_t *norm = settings_normalise(def, hours);
		char *txt = norm ? json_dumps(norm, JSON_COMPACT) : NULL;
		json_decref(norm);
		if (!txt || strlen(txt) >= sizeof o->opening_hours) {
			free(txt);
			return resp_field_error(r, "opening_hours", "opening_hours is too long"), E_INVALID;
		}
		snprintf(o->opening_hours, sizeof o->opening_hours, "%s", txt);
		free(txt);
	}
	if ((in->has_delegates = jin_has(rules, "delegate_ids")) &&
	    ((rc = jin_string_array(r, rules, "delegate_ids", JIN_OPTIONAL, 64, 40, &in->delegates, &in->ndelegates)) ||
	     (rc = check_ids(r, db, "delegate_ids", "usr", in->delegates, in->ndelegates))))
		return rc;
	if ((in->has_companies = jin_has(rules, "company_ids")) &&
	    ((rc = jin_string_array(r, rules, "company_ids", JIN_OPTIONAL, 64, 40, &in->companies, &in->ncompanies)) ||
	     (rc = check_ids(r, db, "company_ids", "cmp", in->companies, in->ncompanies))))
		return rc;
	return 0;
}

static int read_room(struct req *r, struct db *db, struct room *o, int creating, struct room_input *in)
{
	static const char *const allowed[] = {"name",          "capacity",    "building",  "floor",
					      "category",      "description", "equipment", "email",
					      "hide_subjects", "rules",       NULL};
	json_t *body;
	const char *name = NULL, *building = NULL, *floor = NULL, *desc = NULL, *email = NULL, *category = NULL;
	long long capacity = o->capacity;
	int rc;
	if ((rc = jin_object(r, &body, allowed)) || (rc = jin_string(r, body, "name", creating, 200, &name)) ||
	    (rc = jin_int(r, body, "capacity", JIN_OPTIONAL, 0, 100000, &capacity)) ||
	    (rc = jin_string(r, body, "building", JIN_OPTIONAL, 120, &building)) ||
	    (rc = jin_string(r, body, "floor", JIN_OPTIONAL, 60, &floor)) ||
	    (rc = jin_string(r, body, "category", JIN_OPTIONAL, 20, &category)) ||
	    (rc = jin_string(r, body, "description", JIN_OPTIONAL, 2000, &desc)) ||
	    (rc = jin_string(r, body, "email", JIN_OPTIONAL, 254, &email)) ||
	    (rc = jin_bool(r, body, "hide_subjects", JIN_OPTIONAL, &o->hide_subjects)))
		return rc;
	if (name && !*name)
		return resp_field_error(r, "name", "the name must not be empty"), E_INVALID;
	if (category && !rooms_category_valid(category))
		return resp_field_error(r, "category", "category is conference_room or other"), E_INVALID;
	if (email && !jin_valid_email(email))
		return resp_field_error(r, "email", "'%.60s' is not an e-mail address", email), E_INVALID;
	if ((in->has_tags = jin_has(body, "equipment"))) {
		if ((rc = jin_string_array(r, body, "equipment", JIN_OPTIONAL, 32, ROOM_TAG_MAX - 1, &in->tags,
					   &in->ntags)))
			return rc;
		for (size_t i = 0; i < in->ntags; i++)
			if (!tag_ok(in->tags[i]))
				return resp_field_error(
					       r, "equipment",
					       "equipment tags are lower-case words (a-z, 0-9, - and _): '%.40s'",
					       in->tags[i]),
				       E_INVALID;
	}
	json_t *rules = json_object_get(body, "rules");
	if (rules && (rc = read_rules(r, db, rules, o, in)))
		return rc;
	if (name)
		snprintf(o->name, sizeof o->name, "%s", name);
	if (building)
		snprintf(o->building, sizeof o->building, "%s", building);
	if (floor)
		snprintf(o->floor, sizeof o->floor, "%s", floor);
	if (category)
		snprintf(o->category, sizeof o->category, "%s", category);
	if (desc)
		snprintf(o->description, sizeof o->description, "%s", desc);
	if (email) {
		snprintf(o->email, sizeof o->email, "%s", email);
		for (char *p = o->email; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	o->capacity = (int)capacity;
	return 0;
}

static int save_links(struct db *db, const struct room *o, const struct room_input *in)
{
	int rc = 0;
	if (in->has_tags)
		rc = store_room_tags_set(db, o->account_id, o->id, in->tags, in->ntags);
	if (!rc && in->has_companies)
		rc = store_ids_set(db, IDS_ROOM_COMPANIES, o->account_id, o->id, in->companies, in->ncompanies);
	if (!rc && in->has_delegates)
		rc = store_ids_set(db, IDS_ROOM_DELEGATES, o->account_id, o->id, in->delegates, in->ndelegates);
	return rc;
}

static int email_taken(struct req *r)
{
	return resp_problem_ext(r, 409, "email-taken", "another room of this account has this address",
				json_pack("{s:s}", "field", "email")),
	       E_CONFLICT;
}

int rooms_insert(struct db *db, struct room *o)
{
	ids_new("room", o->id);
	if (!*o->email)
		snprintf(o->email, sizeof o->email, "%s@rooms.invalid", o->id);
	o->created_at = o->updated_at = clock_now();
	struct calendar c = {.is_default = 0, .feed_days_back = 90, .feed_days_ahead = 730, .version = 1};
	snprintf(c.account_id, sizeof c.account_id, "%s", o->account_id);
	ids_new("cal", c.id);
	snprintf(c.room_id, sizeof c.room_id, "%s", o->id);
	snprintf(c.name, sizeof c.name, "%s", o->name);
	snprintf(c.colour, sizeof c.colour, "#6b7280");
	snprintf(c.public_detail, sizeof c.public_detail, "busy");
	if (settings_value(db, o->account_id, NULL, "time_zone", c.time_zone, sizeof c.time_zone) ||
	    !ics_tz_valid(c.time_zone))
		snprintf(c.time_zone, sizeof c.time_zone, "UTC");
	c.created_at = c.updated_at = o->created_at;
	memcpy(o->calendar_id, c.id, sizeof o->calendar_id);
	int rc = store_calendar_insert(db, &c);
	return rc ? rc : store_room_insert(db, o);
}

static int create(struct req *r)
{
	int rc;
	if ((rc = access_admin(r)))
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct room o = {.max_ahead = 365 * 86400LL};
	struct room_input in = {0};
	if ((rc = read_room(r, db, &o, 1, &in)))
		return rc;
	snprintf(o.account_id, sizeof o.account_id, "%s", r->who.account_id);
	if ((rc = store_begin(db, 1)))
		return rc;
	rc = rooms_insert(db, &o);
	if (rc == E_CONFLICT) {
		rc = email_taken(r);
		goto fail;
	}
	json_t *out;
	if (rc || (rc = save_links(db, &o, &in)))
		goto fail;
	out = room_json(db, &o);
	if ((rc = audit_record(r, db, "room.create", "room", o.id, o.name, NULL, json_deep_copy(out)))) {
		json_decref(out);
		goto fail;
	}
	return api_commit_created(r, db, arena_printf(r->arena, "/api/v1/rooms/%s", o.id), out);
fail:
	return api_abort(db, rc);
}

static int may_see_rooms(struct req *r)
{
	if (calendar_owner_role(r->who.role))
		return 0;
	resp_problem(r, 403, "forbidden", "guests and customers do not book rooms");
	return E_FORBIDDEN;
}

static int load(struct req *r, struct db *db, struct room *o)
{
	const char *id = req_param(r, "id");
	int rc = ids_valid(id, "room") ? store_room_get(db, r->who.account_id, id, o) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		resp_problemf(r, 404, "not-found", "no room '%.40s' in this account", id);
	return rc;
}

int rooms_load_bookable(struct req *r, struct db *db, struct room *o)
{
	int rc = may_see_rooms(r);
	return rc ? rc : load(r, db, o);
}

static int list(struct req *r)
{
	int rc, n = 0;
	if ((rc = may_see_rooms(r)))
		return rc;
	const char *q = req_query(r, "q"), *category = req_query(r, "category");
	if (q && strlen(q) > 200)
		return resp_problem_ext(r, 400, "invalid-query", "q is at most 200 characters",
					json_pack("{s:s}", "field", "q")),
		       E_INVALID;
	if (category && *category && !rooms_category_valid(category))
		return resp_problem_ext(r, 400, "invalid-query", "category is conference_room or other",
					json_pack("{s:s}", "field", "category")),
		       E_INVALID;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct room *rooms = malloc(sizeof *rooms * LIST_MAX);
	if (!rooms)
		return E_NOMEM;
	if ((rc = store_room_list(db, r->who.account_id, q, category, NULL, rooms, LIST_MAX, &n))) {
		free(rooms);
		return rc;
	}
	json_t *items = json_array();
	rc = rooms_json(db, rooms, n, items);
	free(rooms);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

static int show(struct req *r)
{
	int rc;
	struct room o;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = rooms_load_bookable(r, db, &o)))
		return rc;
	return resp_json(r, 200, room_json(db, &o));
}

static int change(struct req *r)
{
	int rc;
	struct room o;
	struct room_input in = {0};
	if ((rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &o)))
		goto fail;
	json_t *before = room_json(db, &o);
	char email_was[sizeof o.email];
	memcpy(email_was, o.email, sizeof email_was);
	if ((rc = read_room(r, db, &o, 0, &in))) {
		json_decref(before);
		goto fail;
	}
	if (strcmp(email_was, o.email)) {
		json_decref(before);
		rc = resp_field_error(r, "email", "a room's address cannot change: calendar apps know it");
		rc = E_INVALID;
		goto fail;
	}
	o.updated_at = clock_now();
	struct calendar c;
	if ((rc = store_room_update(db, &o)) || (rc = save_links(db, &o, &in)) ||
	    (rc = store_calendar_get(db, o.account_id, o.calendar_id, &c))) {
		json_decref(before);
		goto fail;
	}
	snprintf(c.name, sizeof c.name, "%s", o.name);
	c.updated_at = o.updated_at;
	json_t *after = room_json(db, &o);
	/* the door display and the room's schedules show its name and whether it hides subjects */
	if ((rc = store_calendar_update(db, &c)) || (rc = calendar_changed(db, &c)) ||
	    (rc = booking_room_changed(db, o.id)) ||
	    (rc = audit_record(r, db, "room.update", "room", o.id, o.name, before, json_deep_copy(after)))) {
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
	struct room o;
	if ((rc = access_admin(r)))
		return rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load(r, db, &o)) ||
	    (rc = audit_record(r, db, "room.delete", "room", o.id, o.name, room_json(db, &o), NULL)) ||
	    (rc = store_room_delete(db, o.account_id, o.id)) ||
	    (rc = store_calendar_delete(db, o.account_id, o.calendar_id)) ||
	    (rc = booking_room_changed(db, o.id))) /* its displays and schedules end */
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

static int bad_query(struct req *r, const char *field, const char *detail)
{
	return resp_problem_ext(r, 400, "invalid-query", detail, json_pack("{s:s}", "field", field)), E_INVALID;
}

/* GET /api/v1/rooms/search?capacity=&equipment=a,b&building=&floor=&category=&start=&end= */
static int search(struct req *r)
{
	int rc;
	if ((rc = may_see_rooms(r)))
		return rc;
	const char *cap = req_query(r, "capacity"), *eq = req_query(r, "equipment");
	const char *building = req_query(r, "building"), *floor = req_query(r, "floor");
	const char *s = req_query(r, "start"), *e = req_query(r, "end"), *why = NULL, *lim = req_query(r, "limit");
	struct room_query q = {.building = building, .floor = floor, .category = req_query(r, "category")};
	if (q.category && *q.category && !rooms_category_valid(q.category))
		return bad_query(r, "category", "category is conference_room or other");
	int limit = 20;
	if (cap) {
		char *end;
		long v = strtol(cap, &end, 10);
		if (*end || v < 0 || v > 100000)
			return bad_query(r, "capacity", "capacity is a number of people");
		q.capacity = (int)v;
	}
	if (lim) {
		char *end;
		long v = strtol(lim, &end, 10);
		if (*end || v < 1 || v > 100)
			return bad_query(r, "limit", "limit is from 1 to 100");
		limit = (int)v;
	}
	if (!s || !e || event_parse_time(s, "UTC", strlen(s) == 10, &q.start, &why) ||
	    event_parse_time(e, "UTC", strlen(e) == 10, &q.end, &why) || q.end <= q.start ||
	    q.end - q.start > 31 * 86400LL)
		return bad_query(
			r, s ? "end" : "start",
			"start and end are UTC times (2030-01-07T10:00:00Z), end after start, at most 31 days");
	if ((building && strlen(building) > 120) || (floor && strlen(floor) > 60) || (eq && strlen(eq) > 1000))
		return bad_query(r, "building", "building, floor or equipment is too long");
	const char *tags[16];
	char *eqcopy = eq ? arena_strdup(r->arena, eq) : NULL, *save = NULL;
	for (char *t = eqcopy ? strtok_r(eqcopy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
		if (q.ntags == 16)
			return bad_query(r, "equipment", "at most 16 equipment tags");
		tags[q.ntags++] = t;
	}
	q.tags = tags;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	/* who may book is part of the search; candidates beyond the limit are
	 * for those that the opening hours leave out (closed then); when too
	 * many are, ask for more */
	if (strcmp(r->who.role, "admin"))
		q.bookable_by = r->who.user_id;
	json_t *items = NULL;
	for (int want = limit + 10;; want = want * 4 < SEARCH_MAX ? want * 4 : SEARCH_MAX) {
		struct room *cand = malloc(sizeof *cand * want);
		char(*tz)[64] = malloc(sizeof *tz * want);
		int n = 0, shown = 0;
		if (!cand || !tz) {
			free(cand);
			free(tz);
			return E_NOMEM;
		}
		if ((rc = store_room_free(db, r->who.account_id, &q, cand, want, &n)) ||
		    (rc = store_room_time_zones(db, r->who.account_id, cand, n, tz))) {
			free(cand);
			free(tz);
			return rc;
		}
		/* the rooms shown, in place at the front of cand */
		for (int i = 0; i < n && shown < limit; i++) {
			if (!*tz[i] || !booking_within_hours(&cand[i], tz[i], q.start, q.end))
				continue; /* no calendar (being deleted), or closed then */
			if (shown != i)
				cand[shown] = cand[i];
			shown++;
		}
		free(tz);
		items = json_array();
		rc = rooms_json(db, cand, shown, items);
		free(cand);
		if (rc) {
			json_decref(items);
			return rc;
		}
		if (shown == limit || n < want || want == SEARCH_MAX)
			break;
		json_decref(items);
	}
	return resp_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/v1/rooms/{id}/bookings?start=&end=&limit=&cursor=: pages of at
 * most `limit` (LIST_MAX) bookings, in (start, id) order */
static int bookings(struct req *r)
{
	int rc, n = 0, limit = LIST_MAX;
	struct room o;
	struct calendar c;
	struct db *db;
	if ((rc = api_db(&db)) || (rc = rooms_load_bookable(r, db, &o)) ||
	    (rc = store_calendar_get(db, o.account_id, o.calendar_id, &c)))
		return rc;
	const char *s = req_query(r, "start"), *e = req_query(r, "end"), *why = NULL;
	int64_t from = clock_now() - clock_now() % 86400, to;
	if (s && event_parse_time(s, c.time_zone, strlen(s) == 10, &from, &why))
		return bad_query(r, "start", why);
	to = from + 7 * 86400;
	if (e && event_parse_time(e, c.time_zone, strlen(e) == 10, &to, &why))
		return bad_query(r, "end", why);
	if (to <= from || to - from > 93 * 86400LL)
		return bad_query(r, "end", "the window [start, end) must be non-empty and at most 93 days");
	const char *l = req_query(r, "limit"), *cursor;
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (!*l || *end || v < 1 || v > LIST_MAX)
			return bad_query(r, "limit", "limit must be from 1 to 1000");
		limit = (int)v;
	}
	/* the cursor is the last booking shown: its start and id */
	long long after_start = 0;
	char after_id[ID_MAX] = "";
	if ((rc = cursor_param(r, &cursor)))
		return rc;
	if (cursor && (sscanf(cursor, "%lld/%31s", &after_start, after_id) != 2 || !ids_valid(after_id, "bkg")))
		return bad_query(r, "cursor", "the cursor is not one this server issued");
	struct booking *v = malloc(sizeof *v * (size_t)(limit + 1));
	if (!v)
		return E_NOMEM;
	if ((rc = store_booking_window_after(db, o.account_id, o.id, from, to, o.max_booking_len, after_start,
					     cursor ? after_id : NULL, v, limit + 1, &n))) {
		free(v);
		return rc;
	}
	int more = n > limit;
	if (more)
		n = limit;
	int admin = access_is(r, "admin");
	const char *tz = strcmp(c.time_zone, "UTC") ? c.time_zone : NULL; /* UTC times say so (Z) */
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char st[32], en[32];
		ics_format_time(v[i].start_at, tz, 0, st, sizeof st);
		ics_format_time(v[i].end_at, tz, 0, en, sizeof en);
		int hide = !admin && (o.hide_subjects || strcmp(v[i].klass, "PUBLIC"));
		json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", v[i].id, "event_id", v[i].event_id,
				      "start", st, "end", en, "status", v[i].status, "summary",
				      hide ? "Booked" : v[i].summary, "checked_in", v[i].checked_in_at != 0);
		json_object_set_new(b, "organizer", *v[i].organizer ? json_string(v[i].organizer) : json_null());
		json_array_append_new(items, b);
	}
	json_t *out = json_pack("{s:o}", "items", items);
	json_object_set_new(out, "tzid", tz ? json_string(tz) : json_null());
	json_object_set_new(
		out, "next_cursor",
		more ? json_string(cursor_encode(
			       r, arena_printf(r->arena, "%lld/%s", (long long)v[n - 1].start_at, v[n - 1].id)))
		     : json_null());
	free(v);
	return resp_json(r, 200, out);
}

const struct route rooms_routes[] = {
	{"POST", "/api/v1/rooms", create, 0},
	{"GET", "/api/v1/rooms", list, 0},
	{"GET", "/api/v1/rooms/search", search, 0},
	{"GET", "/api/v1/rooms/{id}", show, 0},
	{"PATCH", "/api/v1/rooms/{id}", change, 0},
	{"DELETE", "/api/v1/rooms/{id}", delete, 0},
	{"GET", "/api/v1/rooms/{id}/bookings", bookings, 0},
	{0},
};
