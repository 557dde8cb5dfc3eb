/* JSON <-> event fields for the API. A viewer sees private and confidential
 * events as busy blocks; a freebusy grantee sees only busy blocks of opaque,
 * not cancelled events. */
#include "calendar/event_json.h"

#include "calendar/event_store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar/access.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"

#define MAX_DATES 1000

static char *lower(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	char *o = arena_strdup(a, s);
	for (char *p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

static char *upper(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s);
	for (char *p = o; *p; p++)
		*p = *p == '_' ? '-' : (char)toupper((unsigned char)*p);
	return o;
}

static int one_of(const char *s, const char *const list[])
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int event_parse_time(const char *s, const char *tz, int all_day, int64_t *out, const char **why)
{
	size_t n = strlen(s);
	struct tm tm = {0};
	if (n < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		goto bad;
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	if (tm.tm_year < 0 || tm.tm_year > 8099 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31)
		goto bad;
	if (all_day) {
		if (n != 10) {
			*why = "an all-day event's times are dates: YYYY-MM-DD";
			return E_INVALID;
		}
		struct tm chk = tm;
		time_t t = timegm(&chk);
		if (chk.tm_mday != tm.tm_mday)
			goto bad;
		*out = t;
		return 0;
	}
	/* YYYY-MM-DDTHH:MM[:SS][Z] */
	if (n < 16 || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
		goto bad;
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	size_t i = 16;
	if (n >= 19 && s[16] == ':' && digits(s + 17, 2)) {
		tm.tm_sec = atoi(s + 17);
		i = 19;
	}
	int utc = 0;
	if (i < n && s[i] == 'Z' && i + 1 == n)
		utc = 1;
	else if (i != n)
		goto bad;
	if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		goto bad;
	struct tm chk = tm;
	time_t t = timegm(&chk);
	if (chk.tm_mday != tm.tm_mday)
		goto bad;
	if (utc) {
		*out = t;
		return 0;
	}
	char local[20];
	snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (ics_local_to_utc(tz, local, out)) {
		*why = "the time cannot be read in the event's time zone";
		return E_INVALID;
	}
	return 0;
bad:
	*why = all_day ? "expected a date YYYY-MM-DD"
		       : "expected YYYY-MM-DDTHH:MM:SS (wall time in tzid) or YYYY-MM-DDTHH:MM:SSZ (UTC)";
	return E_INVALID;
}

/* "2026-12-03T10:00:00" in the event's zone -> the iCalendar value the
 * EXDATE/RDATE of that event uses ("20261203T100000", "…Z" in UTC, or a date) */
static int date_value(struct req *r, const char *field, const char *s, const struct ics_event *ev, char **out)
{
	int64_t t;
	const char *why = NULL;
	if (event_parse_time(s, ev->tzid ? ev->tzid : "UTC", ev->all_day, &t, &why))
		return resp_field_error(r, field, "'%.40s': %s", s, why), E_INVALID;
	char buf[32];
	if (ev->all_day) {
		struct tm tm;
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(buf, sizeof buf, "%Y%m%d", &tm);
	} else if (!ev->tzid) {
		struct tm tm;
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
	} else {
		char local[24];
		ics_utc_to_local(ev->tzid, t, local, sizeof local);
		/* YYYY-MM-DDTHH:MM:SS -> YYYYMMDDTHHMMSS */
		int j = 0;
		for (int i = 0; local[i] && j < (int)sizeof buf - 1; i++)
			if (local[i] != '-' && local[i] != ':')
				buf[j++] = local[i];
		buf[j] = 0;
	}
	*out = arena_strdup(r->arena, buf);
	return 0;
}

static int read_dates(struct req *r, json_t *in, const char *field, const struct ics_event *ev, char ***out, size_t *n)
{
	const char **vals;
	size_t nv;
	int rc = jin_string_array(r, in, field, JIN_OPTIONAL, MAX_DATES, 25, &vals, &nv);
	if (rc)
		return rc;
	char **o = arena_alloc(r->arena, sizeof(char *) * (nv + 1));
	for (size_t i = 0; i < nv; i++)
		if ((rc = date_value(r, field, vals[i], ev, &o[i])))
			return rc;
	*out = o;
	*n = nv;
	return 0;
}

static int read_attendees(struct req *r, json_t *arr, struct ics_event *ev)
{
	static const char *const keys[] = {"email", "name", "role", "partstat", "type", "rsvp", NULL};
	static const char *const roles[] = {"required", "optional", "chair", "non-participant", NULL};
	static const char *const stats[] = {"needs-action", "accepted", "declined", "tentative", "delegated", NULL};
	static const char *const types[] = {"individual", "room", "resource", "group", "unknown", NULL};
	if (!json_is_array(arr))
		return resp_field_error(r, "attendees", "attendees is an array of {email, name, role, partstat, type}"),
		       E_INVALID;
	size_t n = json_array_size(arr);
	if (n > ICS_MAX_ATTENDEES)
		return resp_field_error(r, "attendees", "at most %d attendees", ICS_MAX_ATTENDEES), E_INVALID;
	ev->attendees = arena_alloc(r->arena, sizeof(struct ics_attendee) * (n + 1));
	ev->nattendees = n;
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(arr, i), *v;
		const char *k;
		struct ics_attendee *at = &ev->attendees[i];
		if (!json_is_object(a))
			return resp_field_error(r, "attendees", "attendee %zu is not an object", i), E_INVALID;
		json_object_foreach(a, k, v)
		{
			if (!one_of(k, keys))
				return resp_field_error(r, "attendees", "unknown field '%.40s' in attendee %zu", k, i),
				       E_INVALID;
		}
		const char *email = NULL, *name = NULL, *role = NULL, *ps = NULL, *type = NULL;
		int rsvp = 0, rc;
		if ((rc = jin_string(r, a, "email", JIN_REQUIRED, 254, &email)) ||
		    (rc = jin_string(r, a, "name", JIN_OPTIONAL, 200, &name)) ||
		    (rc = jin_string(r, a, "role", JIN_OPTIONAL, 20, &role)) ||
		    (rc = jin_string(r, a, "partstat", JIN_OPTIONAL, 20, &ps)) ||
		    (rc = jin_string(r, a, "type", JIN_OPTIONAL, 20, &type)) ||
		    (rc = jin_bool(r, a, "rsvp", JIN_OPTIONAL, &rsvp)))
			return rc;
		if (!jin_valid_email(email))
			return resp_field_error(r, "attendees", "'%.60s' is not an e-mail address", email), E_INVALID;
		if ((role && !one_of(role, roles)) || (ps && !one_of(ps, stats)) || (type && !one_of(type, types)))
			return resp_field_error(r, "attendees",
						"role is required|optional|chair|non-participant, partstat "
						"needs-action|accepted|declined|tentative|delegated, type "
						"individual|room|resource|group|unknown"),
			       E_INVALID;
		at->email = lower(r->arena, email);
		at->name = name && *name ? arena_strdup(r->arena, name) : NULL;
		at->role = !role                       ? NULL
			   : !strcmp(role, "required") ? "REQ-PARTICIPANT"
			   : !strcmp(role, "optional") ? "OPT-PARTICIPANT"
						       : upper(r->arena, role);
		at->partstat = ps ? upper(r->arena, ps) : NULL;
		at->cutype = type ? upper(r->arena, type) : NULL;
		at->rsvp = rsvp;
	}
	return 0;
}

int event_read(struct req *r, json_t *in, const struct calendar *cal, int creating, struct ics_event *ev,
	       unsigned *mask)
{
	static const char *const statuses[] = {"tentative", "confirmed", "cancelled", NULL};
	static const char *const transps[] = {"opaque", "transparent", NULL};
	static const char *const classes[] = {"public", "private", "confidential", NULL};
	const char *uid = NULL, *summary = NULL, *desc = NULL, *loc = NULL, *start = NULL, *end = NULL, *tz = NULL,
		   *rrule = NULL, *status = NULL, *transp = NULL, *klass = NULL;
	int all_day = ev->all_day, rc;
	*mask = 0;
	if ((creating && (rc = jin_string(r, in, "uid", JIN_OPTIONAL, 255, &uid))) ||
	    (rc = jin_string(r, in, "summary", JIN_OPTIONAL, 1000, &summary)) ||
	    (rc = jin_string(r, in, "description", JIN_OPTIONAL, 20000, &desc)) ||
	    (rc = jin_string(r, in, "location", JIN_OPTIONAL, 1000, &loc)) ||
	    (rc = jin_string(r, in, "start", creating, 25, &start)) ||
	    (rc = jin_string(r, in, "end", JIN_OPTIONAL, 25, &end)) ||
	    (rc = jin_bool(r, in, "all_day", JIN_OPTIONAL, &all_day)) ||
	    (rc = jin_string(r, in, "status", JIN_OPTIONAL, 20, &status)) ||
	    (rc = jin_string(r, in, "transparency", JIN_OPTIONAL, 20, &transp)) ||
	    (rc = jin_string(r, in, "class", JIN_OPTIONAL, 20, &klass)))
		return rc;
	/* tzid and rrule may be null: UTC times, no recurrence */
	json_t *tzv = json_object_get(in, "tzid"), *rrv = json_object_get(in, "rrule");
	if (tzv && !json_is_null(tzv) && (rc = jin_string(r, in, "tzid", JIN_OPTIONAL, 63, &tz)))
		return rc;
	if (rrv && !json_is_null(rrv) && (rc = jin_string(r, in, "rrule", JIN_OPTIONAL, 500, &rrule)))
		return rc;
	if (uid && (!*uid || strpbrk(uid, "\r\n")))
		return resp_field_error(r, "uid", "uid must be one non-empty line"), E_INVALID;
	if (tz && !ics_tz_canonical(tz))
		return resp_field_error(r, "tzid", "'%.63s' is not a known IANA or Windows time zone", tz), E_INVALID;
	if (tz)
		tz = ics_tz_canonical(tz); /* "US/Eastern", "Eastern Standard Time": America/New_York */
	if (status && !one_of(status, statuses))
		return resp_field_error(r, "status", "status is tentative, confirmed or cancelled"), E_INVALID;
	if (transp && !one_of(transp, transps))
		return resp_field_error(r, "transparency", "transparency is opaque or transparent"), E_INVALID;
	if (klass && !one_of(klass, classes))
		return resp_field_error(r, "class", "class is public, private or confidential"), E_INVALID;
	if (uid)
		ev->uid = arena_strdup(r->arena, uid);
	if (summary) {
		ev->summary = arena_strdup(r->arena, summary);
		*mask |= ICS_F_SUMMARY;
	}
	if (desc) {
		ev->description = *desc ? arena_strdup(r->arena, desc) : NULL;
		*mask |= ICS_F_DESCRIPTION;
	}
	if (loc) {
		ev->location = *loc ? arena_strdup(r->arena, loc) : NULL;
		*mask |= ICS_F_LOCATION;
	}
	if (status) {
		ev->status = upper(r->arena, status);
		*mask |= ICS_F_STATUS;
	}
	if (transp) {
		ev->transp = upper(r->arena, transp);
		*mask |= ICS_F_TRANSP;
	}
	if (klass) {
		ev->klass = upper(r->arena, klass);
		*mask |= ICS_F_CLASS;
	}
	/* time: any of start, end, tzid, all_day re-reads them together */
	if (creating || start || end || tzv || jin_has(in, "all_day")) {
		const char *zone = tzv ? tz : ev->tzid ? ev->tzid : creating ? cal->time_zone : NULL;
		int64_t s = ev->start, e = ev->end, len = ev->end - ev->start;
		const char *why = NULL;
		if (all_day != ev->all_day && !start && !creating)
			return resp_field_error(r, "start", "give start (and end) when all_day changes"), E_INVALID;
		if (start && event_parse_time(start, zone ? zone : "UTC", all_day, &s, &why))
			return resp_field_error(r, "start", "%s", resp_text(r, why)), E_INVALID;
		if (start && start[strlen(start) - 1] == 'Z')
			zone = NULL; /* a UTC time says the event has no zone */
		if (end) {
			if (event_parse_time(end, zone ? zone : "UTC", all_day, &e, &why))
				return resp_field_error(r, "end", "%s", resp_text(r, why)), E_INVALID;
		} else if (creating || all_day != ev->all_day) {
			e = s + (all_day ? 86400 : 3600);
		} else {
			e = s + len;
		}
		if (e < s || (all_day && e == s))
			return resp_field_error(r, "end", "the end comes before the start"), E_INVALID;
		ev->start = s;
		ev->end = e;
		ev->all_day = all_day;
		ev->tzid = all_day || !zone ? NULL : arena_strdup(r->arena, zone);
		*mask |= ICS_F_TIME;
	}
	if (rrv) {
		ev->rrule = rrule && *rrule ? arena_strdup(r->arena, rrule) : NULL;
		*mask |= ICS_F_RRULE;
	}
	if (jin_has(in, "exdates")) {
		if ((rc = read_dates(r, in, "exdates", ev, &ev->exdates, &ev->nexdates)))
			return rc;
		*mask |= ICS_F_EXDATES;
	}
	if (jin_has(in, "rdates")) {
		if ((rc = read_dates(r, in, "rdates", ev, &ev->rdates, &ev->nrdates)))
			return rc;
		*mask |= ICS_F_RDATES;
	}
	if (jin_has(in, "attendees")) {
		if ((rc = read_attendees(r, json_object_get(in, "attendees"), ev)))
			return rc;
		*mask |= ICS_F_ATTENDEES;
	}
	return 0;
}

static const char *field_of(const char *prop)
{
	static const char *const map[][2] = {
		{"SUMMARY", "summary"},
		{"DESCRIPTION", "description"},
		{"LOCATION", "location"},
		{"DTSTART", "start"},
		{"DTEND", "end"},
		{"DURATION", "end"},
		{"RRULE", "rrule"},
		{"EXDATE", "exdates"},
		{"RDATE", "rdates"},
		{"ATTENDEE", "attendees"},
		{"ORGANIZER", "organizer"},
		{"STATUS", "status"},
		{"TRANSP", "transparency"},
		{"CLASS", "class"},
		{"UID", "uid"},
		{"RECURRENCE-ID", "recurrence_id"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(prop, map[i][0]))
			return map[i][1];
	return NULL;
}

int event_ics_error(struct req *r, const struct ics_error *err)
{
	const char *field = field_of(err->property);
	if (field)
		resp_field_error(r, field, "%s", ics_error_text(err, resp_lang(r)));
	else
		resp_problem(r, 422, "invalid-event", ics_error_text(err, resp_lang(r)));
	return E_INVALID;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *lower_or(const char *s, const char *dflt)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%s", s ? s : dflt);
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return json_string(buf);
}

/* "20261203T100000" / "…Z" / "20261203" -> the API's form */
static json_t *date_json(const char *v)
{
	char out[24];
	size_t n = strlen(v);
	if (n == 8)
		snprintf(out, sizeof out, "%.4s-%.2s-%.2s", v, v + 4, v + 6);
	else if (n >= 15)
		snprintf(out, sizeof out, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s", v, v + 4, v + 6, v + 9, v + 11, v + 13,
			 n > 15 && v[15] == 'Z' ? "Z" : "");
	else
		snprintf(out, sizeof out, "%s", v);
	return json_string(out);
}

static json_t *times_json(json_t *o, const struct ics_event *e)
{
	char s[32], t[32];
	ics_format_event_time(e, e->start, s, sizeof s);
	ics_format_event_time(e, e->end, t, sizeof t);
	json_object_set_new(o, "start", json_string(s));
	json_object_set_new(o, "end", json_string(t));
	json_object_set_new(o, "tzid", str_or_null(e->tzid));
	json_object_set_new(o, "all_day", json_boolean(e->all_day));
	return o;
}

static json_t *attendees_json(const struct ics_event *e)
{
	json_t *a = json_array();
	for (size_t i = 0; i < e->nattendees; i++) {
		const struct ics_attendee *at = &e->attendees[i];
		const char *role = at->role ? at->role : "REQ-PARTICIPANT";
		json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:o, s:o, s:b}", "email", at->email, "name",
						   str_or_null(at->name), "role",
						   !strcmp(role, "REQ-PARTICIPANT")   ? json_string("required")
						   : !strcmp(role, "OPT-PARTICIPANT") ? json_string("optional")
										      : lower_or(role, ""),
						   "partstat", lower_or(at->partstat, "NEEDS-ACTION"), "type",
						   lower_or(at->cutype, "INDIVIDUAL"), "rsvp", at->rsvp));
	}
	return a;
}

/* may the role see this event's details (not only that it is busy) */
static int sees_details(int role, const char *klass)
{
	if (role >= CAL_ROLE_EDITOR)
		return 1;
	if (role == CAL_ROLE_VIEWER)
		return !klass || !strcmp(klass, "PUBLIC");
	return 0;
}

static void details_json(json_t *o, const struct ics_event *e, int full)
{
	json_object_set_new(o, "summary", json_string(full ? (e->summary ? e->summary : "") : "Busy"));
	if (!full)
		return;
	json_object_set_new(o, "description", json_string(e->description ? e->description : ""));
	json_object_set_new(o, "location", json_string(e->location ? e->location : ""));
}

json_t *event_json(const struct ics_object *o, const struct event_row *row, int role)
{
	const struct ics_event *m = &o->master;
	int full = sees_details(role, m->klass);
	char created[32], updated[32];
	clock_iso(row->created_at, created, sizeof created);
	clock_iso(row->updated_at, updated, sizeof updated);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "id", row->id, "calendar_id", row->calendar_id,
			      "uid", m->uid, "etag", row->etag, "sequence", m->sequence, "created_at", created,
			      "updated_at", updated);
	details_json(j, m, full);
	times_json(j, m);
	json_object_set_new(j, "status", lower_or(m->status, "CONFIRMED"));
	json_object_set_new(j, "transparency", lower_or(m->transp, "OPAQUE"));
	json_object_set_new(j, "class", lower_or(m->klass, "PUBLIC"));
	json_object_set_new(j, "rrule", str_or_null(m->rrule));
	/* a meeting made at a calendar provider (google, microsoft, exchange):
	 * read-only here, changed where it was made */
	json_object_set_new(j, "external", str_or_null(event_external(row->ical)));
	/* the online meeting (RFC 7986 CONFERENCE), e.g. a Zoom join link */
	char conf[1024], zoom[1024];
	json_t *cj = json_null();
	if (full && o->text && strstr(o->text, "CONFERENCE")) {
		if (!ics_conference_uri(o->text, "LABEL=Zoom", zoom, sizeof zoom))
			cj = json_pack("{s:s, s:s}", "uri", zoom, "label", "Zoom");
		else if (!ics_conference_uri(o->text, NULL, conf, sizeof conf))
			cj = json_pack("{s:s, s:n}", "uri", conf, "label");
	}
	json_object_set_new(j, "conference", cj ? cj : json_null());
	json_t *ex = json_array(), *rd = json_array();
	for (size_t i = 0; i < m->nexdates; i++)
		json_array_append_new(ex, date_json(m->exdates[i]));
	for (size_t i = 0; i < m->nrdates; i++)
		json_array_append_new(rd, date_json(m->rdates[i]));
	json_object_set_new(j, "exdates", ex);
	json_object_set_new(j, "rdates", rd);
	if (full) {
		json_object_set_new(j, "organizer",
				    m->organizer ? json_pack("{s:s, s:o}", "email", m->organizer, "name",
							     str_or_null(m->organizer_name))
						 : json_null());
		json_object_set_new(j, "attendees", attendees_json(m));
	}
	json_t *ov = json_array();
	for (size_t i = 0; i < o->noverrides; i++) {
		const struct ics_event *e = &o->overrides[i];
		char rid[32];
		ics_format_time(e->recurrence_id, m->tzid, m->all_day, rid, sizeof rid);
		json_t *x = json_pack("{s:s}", "recurrence_id", rid);
		details_json(x, e, sees_details(role, e->klass ? e->klass : m->klass));
		times_json(x, e);
		json_object_set_new(x, "status", lower_or(e->status, "CONFIRMED"));
		/* who comes to that occurrence: a room may answer one occurrence
		 * on its own (released to a provider's meeting, sync/conflict.c) */
		if (full)
			json_object_set_new(x, "attendees", attendees_json(e));
		json_array_append_new(ov, x);
	}
	json_object_set_new(j, "overrides", ov);
	return j;
}

json_t *occurrence_json(const struct ics_occurrence *oc, const struct event_row *row, int role)
{
	const struct ics_event *e = oc->ev;
	const char *status = e->status ? e->status : "CONFIRMED";
	const char *transp = e->transp ? e->transp : "OPAQUE";
	if (role == CAL_ROLE_FREEBUSY && (!strcmp(status, "CANCELLED") || !strcmp(transp, "TRANSPARENT")))
		return NULL;
	struct ics_event t = *e;
	t.start = oc->start;
	t.end = oc->end;
	json_t *j = json_pack("{s:s, s:s}", "event_id", row->id, "calendar_id", row->calendar_id);
	times_json(j, &t);
	if (role == CAL_ROLE_FREEBUSY) {
		json_object_set_new(j, "busy", json_true());
		return j;
	}
	details_json(j, e, sees_details(role, e->klass));
	if (oc->recurrence_id) {
		char rid[32];
		ics_format_time(oc->recurrence_id, row->tzid, row->all_day, rid, sizeof rid);
		json_object_set_new(j, "recurrence_id", json_string(rid));
	} else {
		json_object_set_new(j, "recurrence_id", json_null());
	}
	json_object_set_new(j, "recurring", json_boolean(row->rrule != NULL || oc->recurrence_id != 0));
	json_object_set_new(j, "external", str_or_null(event_external(row->ical)));
	json_object_set_new(j, "overridden", json_boolean(e->recurrence_id != 0));
	json_object_set_new(j, "status", lower_or(status, ""));
	json_object_set_new(j, "transparency", lower_or(transp, ""));
	json_object_set_new(j, "class", lower_or(e->klass, "PUBLIC"));
	json_object_set_new(j, "etag", json_string(row->etag));
	return j;
}
