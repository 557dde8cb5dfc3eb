/* A Microsoft 365 room's calendar for calendar sync: its changes read with
 * calendarView/delta (concepts/delta-query-events.md: instances in a window,
 * a deltaLink for the next round, 410 to start over), push by Graph
 * subscriptions on the room mailbox's events, and convene's bookings written
 * into it idempotently (our private extended property, and a transactionId
 * that a retried POST repeats), deleted, or declined by the room. */
#include "sync/microsoft.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/errors.h"
#include "ical/ics.h"

#define PAGE_ANSWER_MAX (8 * 1024 * 1024)
#define EVENT_ANSWER_MAX (1024 * 1024)
#define PAGE_SIZE 100
#define PAGES_MAX (SYNC_CHANGES_MAX / 10) /* a loop of links ends */
#define LOOKUPS_MAX 1000                  /* follow-up reads of our property in one sync */
#define SUB_MINUTES 4230                  /* the longest subscription on Outlook events in every version of the docs */
#define TXN_PREFIX "convene-"

static const char *const json_headers[] = {"Accept: application/json", "Content-Type: application/json",
					   "Prefer: outlook.timezone=\"UTC\"", NULL};
static const char *const delta_headers[] = {"Accept: application/json",
					    "Prefer: outlook.timezone=\"UTC\", odata.maxpagesize=100", NULL};

/* "/v1.0/users/{mailbox}/events[/{id}][tail]" as a Graph URL (malloc'd) */
static char *events_url(const struct sync_room *r, const char *event_id, const char *tail)
{
	char *mb = hc_escape(r->email[0] ? r->email : r->provider_room_id), *id = event_id ? hc_escape(event_id) : NULL,
	     *url = NULL;
	struct buf b = {0};
	if (!mb || (event_id && !id))
		goto out;
	if (buf_printf(&b, "/v1.0/users/%s/events%s%s%s", mb, id ? "/" : "", id ? id : "", tail ? tail : ""))
		goto out;
	url = ms_graph_url(b.data);
out:
	buf_free(&b);
	free(mb);
	free(id);
	return url;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

static int oom(struct sync_failure *f)
{
	sync_fail(f, "provider_error", NULL, "Out of memory.");
	return E_NOMEM;
}

/* ---- changes ---- */

/* Graph's responses of the room: accepted, organizer (the room's own
 * event), tentativelyAccepted, declined, none, notResponded */
static const char *response_of(const char *graph)
{
	if (!strcmp(graph, "accepted") || !strcmp(graph, "organizer"))
		return "accepted";
	if (!strcmp(graph, "declined"))
		return "declined";
	if (!strcmp(graph, "tentativelyAccepted"))
		return "tentative";
	return "needs_action";
}

/* the room's answer: its own entry among the attendees of its copy, else
 * the copy's responseStatus */
static const char *room_response(json_t *ev, const struct sync_room *r)
{
	size_t i;
	json_t *at;
	json_array_foreach(json_object_get(ev, "attendees"), i, at)
	{
		json_t *em = json_object_get(at, "emailAddress");
		if (!strcasecmp(str(em, "address"), r->email)) {
			const char *s = str(json_object_get(at, "status"), "response");
			if (*s && strcmp(s, "none"))
				return response_of(s);
		}
	}
	return response_of(str(json_object_get(ev, "responseStatus"), "response"));
}

/* a dateTimeTimeZone answered in UTC (we asked for it with Prefer) */
static int utc_of(json_t *dtz, int64_t *out)
{
	const char *zone = str(dtz, "timeZone");
	if (*zone && strcmp(zone, "UTC") && strcmp(zone, "Etc/UTC") && strcmp(zone, "Coordinated Universal Time"))
		return E_INVALID;
	return ms_parse_utc(str(dtz, "dateTime"), out);
}

/* An all-day event's midnights in its own zone, converted to UTC, are
 * within 12 hours of the dates' 00:00 UTC (zones from UTC-12 to UTC+12) */
static int64_t nearest_midnight(int64_t t)
{
	int64_t d = t + 43200;
	return d - ((d % 86400) + 86400) % 86400;
}

/* Our property, by a follow-up read of the event with $expand (delta
 * refuses $expand). *out "" when absent. */
static int lookup_property(struct sync_api *a, const struct sync_room *r, const char *id, char *out, size_t n,
			   struct sync_failure *f)
{
	char *expand = hc_escape("singleValueExtendedProperties($filter=id eq '" MS_EXT_ID "')"), *url = NULL;
	struct buf tail = {0};
	struct hc_response res;
	json_t *j = NULL;
	int rc = E_NOMEM;
	memset(&res, 0, sizeof res);
	out[0] = 0;
	if (!expand || buf_printf(&tail, "?$select=id&$expand=%s", expand) || !(url = events_url(r, id, tail.data))) {
		oom(f);
		goto out;
	}
	if ((rc = ms_call(a, "GET", url, NULL, json_headers, EVENT_ANSWER_MAX, &res, f)))
		goto out;
	if (res.status == 404) {
		rc = 0; /* gone since the page was read: the next round says so */
		goto out;
	}
	if (res.status != 200) {
		rc = ms_failed(a, &res, "read an event's convene id", f);
		goto out;
	}
	j = ms_json(&res);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(j, "singleValueExtendedProperties"), i, p)
	{
		if (!strcasecmp(str(p, "id"), MS_EXT_ID))
			snprintf(out, n, "%s", str(p, "value"));
	}
	rc = 0;
out:
	json_decref(j);
	hc_response_free(&res);
	buf_free(&tail);
	free(expand);
	free(url);
	return rc;
}

struct round {
	struct sync_api *a;
	const struct sync_room *r;
	sync_change_cb cb;
	void *ctx;
	int changes, lookups;
};

static int one_change(struct round *rd, json_t *ev, struct sync_failure *f)
{
	struct sync_change c;
	char convene_id[128] = "";
	memset(&c, 0, sizeof c);
	c.provider_event_id = str(ev, "id");
	if (!*c.provider_event_id)
		return 0;
	if (++rd->changes > SYNC_CHANGES_MAX) {
		sync_fail(f, "provider_error", NULL, "The room's calendar holds more than %d changes to read at once.",
			  SYNC_CHANGES_MAX);
		return E_TOOLARGE;
	}
	c.etag = c.ical_uid = c.series_id = c.summary = c.organizer_email = c.organizer_name = c.tzid = "";
	c.room_response = "accepted";
	c.convene_event_id = "";
	/* deleted, or left the window: {id, @removed: {reason}} */
	if (json_object_get(ev, "@removed")) {
		c.removed = 1;
		return rd->cb(rd->ctx, &c);
	}
	if (!strcmp(str(ev, "type"), "seriesMaster"))
		return 0; /* the room is booked by the instances, which come on their own */
	c.etag = str(ev, "changeKey");
	c.ical_uid = str(ev, "iCalUId");
	c.series_id = str(ev, "seriesMasterId");
	c.summary = str(ev, "subject");
	json_t *org = json_object_get(json_object_get(ev, "organizer"), "emailAddress");
	c.organizer_email = str(org, "address");
	c.organizer_name = str(org, "name");
	c.removed = json_is_true(json_object_get(ev, "isCancelled"));
	c.all_day = json_is_true(json_object_get(ev, "isAllDay"));
	if (utc_of(json_object_get(ev, "start"), &c.start) || utc_of(json_object_get(ev, "end"), &c.end)) {
		sync_fail(f, "provider_error", NULL,
			  "Microsoft Graph answered an event's times in another form than UTC.");
		return E_INVALID;
	}
	if (c.all_day) {
		c.start = nearest_midnight(c.start);
		c.end = nearest_midnight(c.end);
	}
	if (c.end < c.start)
		c.end = c.start;
	const char *zone = str(ev, "originalStartTimeZone");
	c.tzid = strchr(zone, '/') ? zone : ""; /* Windows names (most) are not IANA's */
	c.room_response = room_response(ev, rd->r);
	ms_parse_utc(str(ev, "createdDateTime"), &c.created);
	/* Our writes carry transactionId convene-{id}; another event the room
	 * owns (written straight into its calendar) may still carry our
	 * property: read it. An invitation's copy never does. */
	const char *txn = str(ev, "transactionId");
	if (!strncmp(txn, TXN_PREFIX, strlen(TXN_PREFIX)) && strlen(txn) < sizeof convene_id + strlen(TXN_PREFIX)) {
		snprintf(convene_id, sizeof convene_id, "%s", txn + strlen(TXN_PREFIX));
	} else if (json_is_true(json_object_get(ev, "isOrganizer"))) {
		if (++rd->lookups > LOOKUPS_MAX) {
			sync_fail(f, "provider_error", NULL,
				  "More than %d events written straight into the room's calendar changed at once.",
				  LOOKUPS_MAX);
			return E_TOOLARGE;
		}
		int rc = lookup_property(rd->a, rd->r, c.provider_event_id, convene_id, sizeof convene_id, f);
		if (rc)
			return rc;
	}
	c.convene_event_id = convene_id;
	return rd->cb(rd->ctx, &c);
}

int sync_microsoft_changes(struct sync_api *a, const struct sync_room *r, const char *token, sync_change_cb cb,
			   void *ctx, char **next, struct sync_failure *f)
{
	struct round rd = {.a = a, .r = r, .cb = cb, .ctx = ctx};
	struct hc_response res;
	json_t *j = NULL;
	char *url = NULL, *mb = NULL;
	struct buf path = {0};
	int rc = 0;
	memset(&res, 0, sizeof res);
	*next = NULL;
	if (token && *token) {
		/* a deltaLink from another microsoft_graph_url: start over */
		if (!ms_link_ok(token)) {
			sync_fail(f, "sync_token_expired", NULL,
				  "The room's sync token is not Microsoft Graph's any more.");
			return E_CONFLICT;
		}
		if (!(url = strdup(token)))
			return oom(f);
	} else {
		char from[32], to[32];
		int64_t now = clock_now();
		ms_format_utc(now - SYNC_WINDOW_PAST, from, sizeof from);
		ms_format_utc(now + SYNC_WINDOW_AHEAD, to, sizeof to);
		if (!(mb = hc_escape(r->email[0] ? r->email : r->provider_room_id)) ||
		    buf_printf(&path, "/v1.0/users/%s/calendarView/delta?startDateTime=%s&endDateTime=%s", mb, from,
			       to) ||
		    !(url = ms_graph_url(path.data))) {
			rc = oom(f);
			goto out;
		}
	}
	for (int page = 0;; page++) {
		if (page >= PAGES_MAX) {
			sync_fail(f, "provider_error", NULL, "Microsoft Graph's delta pages did not end.");
			rc = E_TOOLARGE;
			goto out;
		}
		if ((rc = ms_call(a, "GET", url, NULL, delta_headers, PAGE_ANSWER_MAX, &res, f)))
			goto out;
		if (res.status == 410) {
			/* syncStateNotFound, or a reset with a Location to start from:
			 * either way a full round from the window */
			sync_fail(f, "sync_token_expired", NULL, "Microsoft Graph asked for a full sync of the room.");
			rc = E_CONFLICT;
			goto out;
		}
		if (res.status != 200) {
			rc = ms_failed(a, &res, "read the room's calendar changes", f);
			goto out;
		}
		if (!(j = ms_json(&res)) || !json_is_object(j)) {
			sync_fail(f, "provider_error", NULL, "Microsoft Graph's delta page is not JSON.");
			rc = E_INVALID;
			goto out;
		}
		hc_response_free(&res);
		size_t i;
		json_t *ev;
		json_array_foreach(json_object_get(j, "value"), i, ev)
		{
			if ((rc = one_change(&rd, ev, f)))
				goto out;
		}
		const char *nl = str(j, "@odata.nextLink"), *dl = str(j, "@odata.deltaLink");
		const char *link = *nl ? nl : dl;
		if (!*link || !ms_link_ok(link)) {
			sync_fail(f, "provider_error", NULL,
				  "Microsoft Graph's delta page has no next or delta link within microsoft_graph_url.");
			rc = E_INVALID;
			goto out;
		}
		if (!*nl) {
			/* the next round's token is kept in the room's row */
			if (strlen(dl) >= sizeof r->sync_token) {
				sync_fail(f, "provider_error", NULL,
					  "Microsoft Graph's delta link is longer than convene keeps (%zu bytes).",
					  sizeof r->sync_token - 1);
				rc = E_TOOLARGE;
				goto out;
			}
			if (!(*next = strdup(dl)))
				rc = oom(f);
			goto out;
		}
		free(url);
		if (!(url = strdup(nl))) {
			rc = oom(f);
			goto out;
		}
		json_decref(j);
		j = NULL;
	}
out:
	json_decref(j);
	hc_response_free(&res);
	buf_free(&path);
	free(url);
	free(mb);
	return rc;
}

/* ---- push ---- */

static int subscription_delete(struct sync_api *a, const char *id, struct sync_failure *f)
{
	char *eid = hc_escape(id), *url = NULL;
	struct buf path = {0};
	struct hc_response res;
	int rc;
	memset(&res, 0, sizeof res);
	if (!eid || buf_printf(&path, "/v1.0/subscriptions/%s", eid) || !(url = ms_graph_url(path.data))) {
		rc = oom(f);
		goto out;
	}
	if ((rc = ms_call(a, "DELETE", url, NULL, json_headers, EVENT_ANSWER_MAX, &res, f)))
		goto out;
	if (res.status != 204 && res.status != 200 && res.status != 404)
		rc = ms_failed(a, &res, "stop the room's subscription", f);
out:
	hc_response_free(&res);
	buf_free(&path);
	free(eid);
	free(url);
	return rc;
}

int sync_microsoft_watch(struct sync_api *a, struct sync_room *r, const char *address, const char *token,
			 struct sync_failure *f)
{
	char expires[32], resource[400], *url = ms_graph_url("/v1.0/subscriptions"), *text = NULL;
	struct hc_response res;
	json_t *body = NULL, *j = NULL;
	int rc;
	memset(&res, 0, sizeof res);
	/* a minute short of the limit: the clocks of convene and Graph differ */
	ms_format_utc(clock_now() + SUB_MINUTES * 60 - 60, expires, sizeof expires);
	snprintf(resource, sizeof resource, "users/%s/events", r->email[0] ? r->email : r->provider_room_id);
	body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "changeType", "created,updated,deleted", "notificationUrl",
			 address, "lifecycleNotificationUrl", address, "resource", resource, "expirationDateTime",
			 expires, "clientState", token);
	if (!url || !body || !(text = json_dumps(body, JSON_COMPACT))) {
		rc = oom(f);
		goto out;
	}
	if ((rc = ms_call(a, "POST", url, text, json_headers, EVENT_ANSWER_MAX, &res, f)))
		goto out;
	if (res.status != 201 && res.status != 200) {
		rc = ms_failed(a, &res, "subscribe to the room's calendar", f);
		if (res.status == 400) {
			/* mostly Graph's validation request to our address failing */
			char params[512];
			json_t *p = json_pack("{s:s}", "address", address);
			char *s = p ? json_dumps(p, JSON_COMPACT) : NULL;
			snprintf(params, sizeof params, "%s", s && strlen(s) < sizeof params ? s : "");
			free(s);
			json_decref(p);
			sync_fail(f, "provider_error", params,
				  "Microsoft Graph refused the subscription: it must reach %s from the internet over "
				  "HTTPS (check public_url).",
				  address);
		}
		goto out;
	}
	j = ms_json(&res);
	const char *id = str(j, "id");
	int64_t exp = 0;
	if (!*id || strlen(id) >= sizeof r->subscription_id || ms_parse_utc(str(j, "expirationDateTime"), &exp)) {
		sync_fail(f, "provider_error", NULL,
			  "Microsoft Graph's subscription answer has no usable id or expiry.");
		rc = E_INVALID;
		goto out;
	}
	snprintf(r->subscription_id, sizeof r->subscription_id, "%s", id);
	r->subscription_expires_at = exp;
out:
	json_decref(body);
	json_decref(j);
	hc_response_free(&res);
	free(text);
	free(url);
	return rc;
}

int sync_microsoft_unwatch(struct sync_api *a, const struct sync_room *r, struct sync_failure *f)
{
	if (!r->subscription_id[0])
		return 0;
	return subscription_delete(a, r->subscription_id, f);
}

/* ---- writes ---- */

/* ---- a series: RFC 5545's RRULE as Graph's patternedRecurrence ---- */

static const char *const weekdays[7] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
static const char *const rfc_days[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

static int day_index(const char *two)
{
	for (int i = 0; i < 7; i++)
		if (!strncmp(two, rfc_days[i], 2))
			return i;
	return -1;
}

/* local wall time of t in the booking's zone: "YYYY-MM-DDTHH:MM:SS" */
static void local_of(const struct sync_booking *b, int64_t t, char *out, size_t n)
{
	ics_utc_to_local(b->tzid && *b->tzid ? b->tzid : NULL, t, out, n);
}

/* BYDAY's entries into daysOfWeek; *ordinal the one ordinal they share (0:
 * none). -1 when an entry is malformed or the ordinals differ. */
static int by_day(const char *v, json_t *days, int *ordinal)
{
	*ordinal = 0;
	int first = 1;
	while (*v) {
		char *end;
		long n = strtol(v, &end, 10);
		if (day_index(end) < 0 || (end[2] && end[2] != ','))
			return -1;
		if (!first && n != *ordinal)
			return -1;
		*ordinal = (int)n, first = 0;
		json_array_append_new(days, json_string(weekdays[day_index(end)]));
		v = end[2] ? end + 3 : end + 2;
	}
	return json_array_size(days) ? 0 : -1;
}

static const char *index_of(int n)
{
	static const char *const names[] = {"first", "second", "third", "fourth"};
	return n >= 1 && n <= 4 ? names[n - 1] : n == -1 ? "last" : NULL;
}

/* Graph's recurrence, or NULL with f saying why it cannot be said so */
static json_t *recurrence_of(const struct sync_booking *b, struct sync_failure *f)
{
	char rule[512], local[32];
	snprintf(rule, sizeof rule, "%s", b->rrule);
	local_of(b, b->start, local, sizeof local);
	int year = 0, month = 0, mday = 0;
	sscanf(local, "%4d-%2d-%2d", &year, &month, &mday);
	local[10] = 0; /* the series' first date, on its own wall clock */
	struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = mday, .tm_hour = 12};
	time_t noon = timegm(&tm);
	struct tm wd;
	gmtime_r(&noon, &wd);
	const char *freq = "", *byday = NULL, *bymonthday = NULL, *bymonth = NULL, *bysetpos = NULL, *until = NULL,
		   *wkst = "MO";
	long interval = 1, count = 0;
	int bad = 0;
	for (char *save = NULL, *part = strtok_r(rule, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(part, '=');
		if (!eq) {
			bad = 1;
			break;
		}
		*eq = 0;
		const char *v = eq + 1;
		if (!strcmp(part, "FREQ"))
			freq = v;
		else if (!strcmp(part, "INTERVAL"))
			interval = strtol(v, NULL, 10);
		else if (!strcmp(part, "COUNT"))
			count = strtol(v, NULL, 10);
		else if (!strcmp(part, "UNTIL"))
			until = v;
		else if (!strcmp(part, "BYDAY"))
			byday = v;
		else if (!strcmp(part, "BYMONTHDAY"))
			bymonthday = v;
		else if (!strcmp(part, "BYMONTH"))
			bymonth = v;
		else if (!strcmp(part, "BYSETPOS"))
			bysetpos = v;
		else if (!strcmp(part, "WKST"))
			wkst = v;
		else
			bad = 1; /* BYHOUR, BYWEEKNO, BYYEARDAY...: no such pattern at Graph */
	}
	json_t *pattern = json_object(), *days = json_array(), *range = NULL;
	int ordinal = 0;
	if (bad || interval < 1 || interval > 999 || count < 0 || day_index(wkst) < 0 ||
	    (byday && by_day(byday, days, &ordinal)) || (bymonthday && strchr(bymonthday, ',')) ||
	    (bymonth && strchr(bymonth, ',')))
		goto unsupported;
	if (bysetpos) {
		if (ordinal || strchr(bysetpos, ','))
			goto unsupported;
		ordinal = atoi(bysetpos);
	}
	json_object_set_new(pattern, "interval", json_integer(interval));
	json_object_set_new(pattern, "firstDayOfWeek", json_string(weekdays[day_index(wkst)]));
	if (!strcmp(freq, "DAILY") && !byday && !bymonthday && !bymonth) {
		json_object_set_new(pattern, "type", json_string("daily"));
	} else if ((!strcmp(freq, "WEEKLY") || (!strcmp(freq, "DAILY") && interval == 1)) && !ordinal && !bymonthday &&
		   !bymonth) {
		json_object_set_new(pattern, "type", json_string("weekly"));
		if (!json_array_size(days))
			json_array_append_new(days, json_string(weekdays[wd.tm_wday]));
		json_object_set(pattern, "daysOfWeek", days);
	} else if (!strcmp(freq, "MONTHLY") || !strcmp(freq, "YEARLY")) {
		int yearly = !strcmp(freq, "YEARLY");
		if (yearly)
			json_object_set_new(pattern, "month", json_integer(bymonth ? atoi(bymonth) : month));
		else if (bymonth)
			goto unsupported;
		if (json_array_size(days)) {
			if (bymonthday || !index_of(ordinal))
				goto unsupported;
			json_object_set_new(pattern, "type",
					    json_string(yearly ? "relativeYearly" : "relativeMonthly"));
			json_object_set(pattern, "daysOfWeek", days);
			json_object_set_new(pattern, "index", json_string(index_of(ordinal)));
		} else {
			int dom = bymonthday ? atoi(bymonthday) : mday;
			if (dom < 1 || dom > 31 || ordinal)
				goto unsupported;
			json_object_set_new(pattern, "type",
					    json_string(yearly ? "absoluteYearly" : "absoluteMonthly"));
			json_object_set_new(pattern, "dayOfMonth", json_integer(dom));
		}
	} else {
		goto unsupported;
	}
	range = json_pack("{s:s, s:s}", "startDate", local, "recurrenceTimeZone",
			  b->tzid && *b->tzid ? b->tzid : "UTC");
	if (count) {
		json_object_set_new(range, "type", json_string("numbered"));
		json_object_set_new(range, "numberOfOccurrences", json_integer(count));
	} else if (until) {
		/* UNTIL is UTC (…Z) or a date; Graph's endDate is the last date, on the series' clock */
		int64_t t = 0;
		char end[32];
		if (strlen(until) >= 8 && strlen(until) < 20) {
			char iso[24];
			snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", until, until + 4, until + 6,
				 strlen(until) >= 15 ? until + 9 : "00", strlen(until) >= 15 ? until + 11 : "00",
				 strlen(until) >= 15 ? until + 13 : "00");
			if (ms_parse_utc(iso, &t))
				goto unsupported;
		} else {
			goto unsupported;
		}
		if (strlen(until) >= 15)
			local_of(b, t, end, sizeof end);
		else
			ms_format_utc(t, end, sizeof end);
		end[10] = 0;
		json_object_set_new(range, "type", json_string("endDate"));
		json_object_set_new(range, "endDate", json_string(end));
	} else {
		json_object_set_new(range, "type", json_string("noEnd"));
	}
	json_decref(days);
	return json_pack("{s:o, s:o}", "pattern", pattern, "range", range);
unsupported:
	json_decref(pattern);
	json_decref(days);
	json_decref(range);
	sync_fail(f, "provider_error", NULL,
		  "Microsoft 365 has no recurrence pattern for the rule %s; the series is not written to the room's "
		  "calendar.",
		  b->rrule);
	return NULL;
}

/* a dateTimeTimeZone: UTC, or for a series its wall clock in its own zone
 * (the occurrences keep their local hour across a change of daylight time) */
static json_t *dtz(const struct sync_booking *b, int64_t t)
{
	char s[40];
	if (b->rrule && *b->rrule && !b->all_day && b->tzid && *b->tzid) {
		local_of(b, t, s, sizeof s);
		return json_pack("{s:s, s:s}", "dateTime", s, "timeZone", b->tzid);
	}
	ms_format_utc(b->all_day ? nearest_midnight(t) : t, s, sizeof s);
	s[19] = 0; /* a dateTimeTimeZone has no Z: its zone says UTC */
	return json_pack("{s:s, s:s}", "dateTime", s, "timeZone", "UTC");
}

static json_t *event_body(const struct sync_booking *b, struct sync_failure *f)
{
	struct buf text = {0};
	json_t *ev = NULL;
	if (buf_puts(&text, b->description ? b->description : ""))
		goto out;
	/* the room is the event's organizer at Microsoft: say who booked it */
	if (b->organizer_email && *b->organizer_email &&
	    buf_printf(&text, "%sBooked in convene by %s%s%s%s", text.len ? "\n\n" : "",
		       b->organizer_name && *b->organizer_name ? b->organizer_name : "",
		       b->organizer_name && *b->organizer_name ? " <" : "", b->organizer_email,
		       b->organizer_name && *b->organizer_name ? ">" : ""))
		goto out;
	ev = json_pack("{s:s, s:{s:s, s:s}, s:o, s:o, s:b, s:s, s:[{s:s, s:s}]}", "subject",
		       b->summary ? b->summary : "", "body", "contentType", "text", "content",
		       text.data ? text.data : "", "start", dtz(b, b->start), "end",
		       dtz(b, b->end > b->start ? b->end : b->start), "isAllDay", b->all_day, "showAs", "busy",
		       "singleValueExtendedProperties", "id", MS_EXT_ID, "value", b->convene_event_id);
	if (ev && b->rrule && *b->rrule) {
		json_t *rec = recurrence_of(b, f);
		if (!rec) {
			json_decref(ev);
			ev = NULL;
			goto out;
		}
		json_object_set_new(ev, "recurrence", rec);
	}
out:
	buf_free(&text);
	return ev;
}

static int patch(struct sync_api *a, const struct sync_room *r, const char *id, const char *text, char **out_id,
		 struct sync_failure *f)
{
	char *url = events_url(r, id, NULL);
	struct hc_response res;
	json_t *j = NULL;
	int rc;
	memset(&res, 0, sizeof res);
	if (!url) {
		rc = oom(f);
		goto out;
	}
	if ((rc = ms_call(a, "PATCH", url, text, json_headers, EVENT_ANSWER_MAX, &res, f)))
		goto out;
	if (res.status != 200) {
		rc = ms_failed(a, &res, "update the booking in the room's calendar", f);
		goto out;
	}
	j = ms_json(&res);
	if (!(*out_id = strdup(*str(j, "id") ? str(j, "id") : id)))
		rc = oom(f);
out:
	json_decref(j);
	hc_response_free(&res);
	free(url);
	return rc;
}

/* the event convene wrote for this booking, found by our property (a retry
 * after a lost answer): *id malloc'd, NULL when none */
static int find_ours(struct sync_api *a, const struct sync_room *r, const char *convene_id, char **id,
		     struct sync_failure *f)
{
	struct buf filter = {0}, tail = {0};
	char *efilter = NULL, *url = NULL;
	struct hc_response res;
	json_t *j = NULL;
	int rc = E_NOMEM;
	memset(&res, 0, sizeof res);
	*id = NULL;
	/* an OData string literal doubles its quotes */
	if (buf_puts(&filter, "singleValueExtendedProperties/Any(ep: ep/id eq '" MS_EXT_ID "' and ep/value eq '"))
		goto nomem;
	for (const char *p = convene_id; *p; p++)
		if (buf_append(&filter, p, 1) || (*p == '\'' && buf_append(&filter, p, 1)))
			goto nomem;
	if (buf_puts(&filter, "')") || !(efilter = hc_escape(filter.data)) ||
	    buf_printf(&tail, "?$filter=%s&$select=id&$top=1", efilter) || !(url = events_url(r, NULL, tail.data)))
		goto nomem;
	if ((rc = ms_call(a, "GET", url, NULL, json_headers, EVENT_ANSWER_MAX, &res, f)))
		goto out;
	if (res.status != 200) {
		rc = ms_failed(a, &res, "look for the booking in the room's calendar", f);
		goto out;
	}
	j = ms_json(&res);
	const char *found = str(json_array_get(json_object_get(j, "value"), 0), "id");
	if (*found && !(*id = strdup(found)))
		goto nomem;
	rc = 0;
	goto out;
nomem:
	rc = oom(f);
out:
	json_decref(j);
	hc_response_free(&res);
	buf_free(&filter);
	buf_free(&tail);
	free(efilter);
	free(url);
	return rc;
}

/* the id of the series' occurrence whose start by the rule is rid; *id
 * NULL when there is none (already cancelled) */
static int occurrence_id(struct sync_api *a, const struct sync_room *r, const char *master, int64_t rid,
			 int64_t duration, char **id, struct sync_failure *f)
{
	char from[32], to[32], *url = NULL;
	struct buf tail = {0};
	struct hc_response res;
	json_t *j = NULL;
	int rc;
	memset(&res, 0, sizeof res);
	*id = NULL;
	ms_format_utc(rid - 86400, from, sizeof from);
	ms_format_utc(rid + duration + 86400, to, sizeof to);
	if (buf_printf(&tail, "/instances?startDateTime=%s&endDateTime=%s&$top=50", from, to) ||
	    !(url = events_url(r, master, tail.data))) {
		rc = oom(f);
		goto out;
	}
	if ((rc = ms_call(a, "GET", url, NULL, json_headers, PAGE_ANSWER_MAX, &res, f)))
		goto out;
	if (res.status != 200) {
		rc = ms_failed(a, &res, "read the series' occurrences", f);
		goto out;
	}
	j = ms_json(&res);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(j, "value"), i, o)
	{
		int64_t t;
		if (!ms_parse_utc(str(o, "originalStart"), &t) && t == rid && *str(o, "id")) {
			if (!(*id = strdup(str(o, "id"))))
				rc = oom(f);
			break;
		}
	}
out:
	json_decref(j);
	hc_response_free(&res);
	buf_free(&tail);
	free(url);
	return rc;
}

/* The series' exceptions made again after each write of its master (Graph
 * drops them when the recurrence is written): occurrences left out are
 * deleted, moved ones patched to their time. */
static int exceptions(struct sync_api *a, const struct sync_room *r, const char *master, const struct sync_booking *b,
		      struct sync_failure *f)
{
	int64_t duration = b->end > b->start ? b->end - b->start : 0;
	int rc = 0;
	for (size_t i = 0; !rc && i < b->nexdates + b->nmoved; i++) {
		const struct sync_moved *m = i >= b->nexdates ? &b->moved[i - b->nexdates] : NULL;
		char *id = NULL, *url = NULL, *text = NULL;
		struct hc_response res;
		memset(&res, 0, sizeof res);
		if ((rc = occurrence_id(a, r, master, m ? m->recurrence_id : b->exdates[i], duration, &id, f)) || !id)
			goto next;
		if (!(url = events_url(r, id, NULL))) {
			rc = oom(f);
			goto next;
		}
		if (m) {
			json_t *body = json_pack("{s:o, s:o}", "start", dtz(b, m->start), "end",
						 dtz(b, m->end > m->start ? m->end : m->start));
			text = body ? json_dumps(body, JSON_COMPACT) : NULL;
			json_decref(body);
			if (!text) {
				rc = oom(f);
				goto next;
			}
		}
		if ((rc = ms_call(a, m ? "PATCH" : "DELETE", url, text, json_headers, EVENT_ANSWER_MAX, &res, f)))
			goto next;
		if (res.status >= 300 && res.status != 404)
			rc = ms_failed(a, &res,
				       m ? "move an occurrence of the series" : "remove an occurrence of the series",
				       f);
next:
		hc_response_free(&res);
		free(text);
		free(url);
		free(id);
	}
	return rc;
}

int sync_microsoft_write(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
			 const struct sync_booking *b, char **out_id, struct sync_failure *f)
{
	json_t *ev = NULL, *j = NULL;
	char *text = NULL, *found = NULL, *url = NULL;
	struct buf txn = {0};
	struct hc_response res;
	int rc;
	memset(&res, 0, sizeof res);
	*out_id = NULL;
	if (!b->convene_event_id || !*b->convene_event_id) {
		sync_fail(f, "provider_error", NULL, "A booking to write has no convene event id.");
		return E_INVALID;
	}
	if (f)
		memset(f, 0, sizeof *f);
	if (!(ev = event_body(b, f))) {
		rc = f && f->code[0] ? E_INVALID : oom(f);
		goto out;
	}
	if (provider_event_id && *provider_event_id) {
		if (!(text = json_dumps(ev, JSON_COMPACT))) {
			rc = oom(f);
			goto out;
		}
		rc = patch(a, r, provider_event_id, text, out_id, f);
		goto out;
	}
	if ((rc = find_ours(a, r, b->convene_event_id, &found, f)))
		goto out;
	if (found) {
		if (!(text = json_dumps(ev, JSON_COMPACT))) {
			rc = oom(f);
			goto out;
		}
		rc = patch(a, r, found, text, out_id, f);
		goto out;
	}
	/* Graph answers a POST repeating a transactionId with the event it
	 * made: a retry whose look-up came too early still makes one event */
	if (buf_printf(&txn, TXN_PREFIX "%s", b->convene_event_id) ||
	    json_object_set_new(ev, "transactionId", json_string(txn.data)) || !(text = json_dumps(ev, JSON_COMPACT)) ||
	    !(url = events_url(r, NULL, NULL))) {
		rc = oom(f);
		goto out;
	}
	if ((rc = ms_call(a, "POST", url, text, json_headers, EVENT_ANSWER_MAX, &res, f)))
		goto out;
	if (res.status != 201 && res.status != 200) {
		rc = ms_failed(a, &res, "add the booking to the room's calendar", f);
		goto out;
	}
	j = ms_json(&res);
	if (!*str(j, "id")) {
		sync_fail(f, "provider_error", NULL, "Microsoft Graph's answer to a new event has no id.");
		rc = E_INVALID;
		goto out;
	}
	if (!(*out_id = strdup(str(j, "id"))))
		rc = oom(f);
out:
	if (!rc && *out_id && b->rrule && *b->rrule && (rc = exceptions(a, r, *out_id, b, f))) {
		free(*out_id);
		*out_id = NULL;
	}
	json_decref(ev);
	json_decref(j);
	hc_response_free(&res);
	buf_free(&txn);
	free(text);
	free(found);
	free(url);
	return rc;
}

int sync_microsoft_find(struct sync_api *a, const struct sync_room *r, const char *convene_event_id, char **out_id,
			struct sync_failure *f)
{
	int rc = find_ours(a, r, convene_event_id, out_id, f);
	return rc ? rc : *out_id != NULL;
}

int sync_microsoft_remove(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
			  struct sync_failure *f)
{
	if (!provider_event_id || !*provider_event_id)
		return 0; /* never written: nothing to remove */
	char *url = events_url(r, provider_event_id, NULL);
	struct hc_response res;
	int rc;
	memset(&res, 0, sizeof res);
	if (!url)
		return oom(f);
	if ((rc = ms_call(a, "DELETE", url, NULL, json_headers, EVENT_ANSWER_MAX, &res, f)))
		goto out;
	if (res.status != 204 && res.status != 200 && res.status != 404)
		rc = ms_failed(a, &res, "remove the booking from the room's calendar", f);
out:
	hc_response_free(&res);
	free(url);
	return rc;
}

int sync_microsoft_decline(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
			   const char *comment, struct sync_failure *f)
{
	char *url = events_url(r, provider_event_id, "/decline"), *text = NULL;
	json_t *body = json_pack("{s:s, s:b}", "comment", comment ? comment : "", "sendResponse", 1);
	struct hc_response res;
	int rc;
	memset(&res, 0, sizeof res);
	if (!url || !body || !(text = json_dumps(body, JSON_COMPACT))) {
		rc = oom(f);
		goto out;
	}
	if ((rc = ms_call(a, "POST", url, text, json_headers, EVENT_ANSWER_MAX, &res, f)))
		goto out;
	/* gone from the room's calendar: nothing is left to decline */
	if (res.status != 202 && res.status != 200 && res.status != 204 && res.status != 404)
		rc = ms_failed(a, &res, "decline the meeting for the room", f);
out:
	json_decref(body);
	hc_response_free(&res);
	free(text);
	free(url);
	return rc;
}
