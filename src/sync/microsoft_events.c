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

#include "core/buf.h"
#include "core/clock.h"
#include "core/errors.h"

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
	/* renewed by a new subscription (its clientState is the new token):
	 * the old one is stopped once the new one exists, so none is missed */
	if (r->subscription_id[0] && strcmp(r->subscription_id, id)) {
		struct sync_failure ignored;
		memset(&ignored, 0, sizeof ignored);
		subscription_delete(a, r->subscription_id, &ignored);
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

static json_t *dtz(int64_t t, int all_day)
{
	char s[40];
	ms_format_utc(all_day ? nearest_midnight(t) : t, s, sizeof s);
	s[19] = 0; /* a dateTimeTimeZone has no Z: its zone says UTC */
	return json_pack("{s:s, s:s}", "dateTime", s, "timeZone", "UTC");
}

static json_t *event_body(const struct sync_booking *b)
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
		       text.data ? text.data : "", "start", dtz(b->start, b->all_day), "end",
		       dtz(b->end > b->start ? b->end : b->start, b->all_day), "isAllDay", b->all_day, "showAs", "busy",
		       "singleValueExtendedProperties", "id", MS_EXT_ID, "value", b->convene_event_id);
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
	if (!(ev = event_body(b))) {
		rc = oom(f);
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
	json_decref(ev);
	json_decref(j);
	hc_response_free(&res);
	buf_free(&txn);
	free(text);
	free(found);
	free(url);
	return rc;
}

int sync_microsoft_remove(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
			  struct sync_failure *f)
{
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
