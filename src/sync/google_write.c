/* Google Calendar writes of convene's bookings (sync/google_write.h), per
 * developers.google.com/workspace/calendar/api/v3/reference/events (insert,
 * patch, delete, list with privateExtendedProperty). A status answers:
 * 0 written; E_BUSY throttled; E_IO no answer or Google's own failure (worth
 * another try); E_FORBIDDEN access refused (the administrator can mend it);
 * E_INVALID Google refused the content (another try would be refused the
 * same); E_NOTFOUND the room's calendar is not there. */
#include "sync/google_write.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/errors.h"
#include "http/client.h"
#include "sync/google_auth.h"

void google_event_id_of(const char *id, char *out, size_t n)
{
	static const char alphabet[] = "0123456789abcdefghijklmnopqrstuv";
	size_t o = 0, len = strlen(id);
	unsigned long acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len && o + 1 < n; i++) {
		acc = (acc << 8) | (unsigned char)id[i];
		bits += 8;
		while (bits >= 5 && o + 1 < n) {
			out[o++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < n)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	if (n)
		out[o] = 0;
}

/* a path segment: everything but RFC 3986's unreserved characters escaped */
static void seg(const char *s, char *out, size_t n)
{
	size_t o = 0;
	for (; *s && o + 4 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, n - o, "%%%02X", c);
	}
	out[o] = 0;
}

static json_t *when(int64_t t, int all_day, const char *tzid)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	if (all_day) {
		strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
		return json_pack("{ss}", "date", buf);
	}
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* the zone makes a series repeat on its wall clock; UTC otherwise */
	return json_pack("{ssss}", "dateTime", buf, "timeZone", tzid && *tzid ? tzid : "UTC");
}

/* RRULE and the removed occurrences (EXDATE in UTC, or dates for an
 * all-day series) as Google's recurrence lines; NULL when not recurring */
static json_t *recurrence(const struct sync_booking *b)
{
	char line[1100], v[32];
	if (!b->rrule || !*b->rrule)
		return NULL;
	json_t *rec = json_array();
	snprintf(line, sizeof line, "RRULE:%s", b->rrule);
	json_array_append_new(rec, json_string(line));
	for (size_t i = 0; i < b->nexdates; i++) {
		time_t tt = (time_t)b->exdates[i];
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(v, sizeof v, b->all_day ? "%Y%m%d" : "%Y%m%dT%H%M%SZ", &tm);
		snprintf(line, sizeof line, "EXDATE%s:%s", b->all_day ? ";VALUE=DATE" : "", v);
		json_array_append_new(rec, json_string(line));
	}
	return rec;
}

/* the event as Google stores it on the room's calendar; for a patch, what
 * is absent is sent as null so that an earlier value goes */
static json_t *resource(const struct sync_booking *b, int patch)
{
	json_t *priv = json_pack("{ss}", "convene_event_id", b->convene_event_id);
	if (b->organizer_email && *b->organizer_email)
		json_object_set_new(priv, "convene_organizer", json_string(b->organizer_email));
	json_t *o = json_pack("{so so so s{so} ss ss}", "start", when(b->start, b->all_day, b->tzid), "end",
			      when(b->end, b->all_day, b->tzid), "summary",
			      json_string(b->summary && *b->summary ? b->summary : "Busy"), "extendedProperties",
			      "private", priv, "status", "confirmed", "transparency", "opaque");
	if (!o)
		return NULL;
	json_object_set_new(o, "description",
			    b->description && *b->description ? json_string(b->description) : json_null());
	json_t *rec = recurrence(b);
	if (rec)
		json_object_set_new(o, "recurrence", rec);
	else if (patch)
		json_object_set_new(o, "recurrence", json_null());
	if (!patch && !(b->description && *b->description))
		json_object_del(o, "description");
	return o;
}

/* google_api with a JSON body (NULL: none) and answer (*out NULL when the
 * caller does not want it); *status Google's answer, 0 when none */
static int call(struct sync_api *a, const char *method, const char *path, json_t *body, long *status, json_t **out,
		struct sync_failure *f)
{
	struct hc_response rs;
	char *text = NULL;
	if (out)
		*out = NULL;
	if (body && !(text = json_dumps(body, JSON_COMPACT)))
		return E_NOMEM;
	int rc = google_api(a, method, path, text, &rs, f);
	free(text);
	*status = rs.status;
	if (!rc && out && rs.len && !(*out = google_json(&rs, f)))
		rc = E_IO;
	hc_response_free(&rs);
	return rc;
}

static int take_id(json_t *ev, char **out_id)
{
	const char *id = json_string_value(json_object_get(ev, "id"));
	if (!id || !*id)
		return E_IO; /* an answer we cannot use */
	return (*out_id = strdup(id)) ? 0 : E_NOMEM;
}

static int patch(struct sync_api *a, const char *cal, const char *eid, const struct sync_booking *b, char **out_id,
		 struct sync_failure *f)
{
	char path[2048], e[1200];
	long status;
	json_t *res = NULL, *body = resource(b, 1);
	if (!body)
		return E_NOMEM;
	seg(eid, e, sizeof e);
	snprintf(path, sizeof path, "/calendar/v3/calendars/%s/events/%s", cal, e);
	int rc = call(a, "PATCH", path, body, &status, &res, f);
	json_decref(body);
	if (!rc)
		rc = take_id(res, out_id);
	json_decref(res);
	return rc;
}

/* the event convene wrote for this booking on the calendar, found by our
 * private property: 1 with *eid (malloc'd), 0 when none */
static int find(struct sync_api *a, const char *cal, const char *convene_id, char **eid, struct sync_failure *f)
{
	char path[2048], v[600], q[700];
	long status;
	json_t *res = NULL;
	snprintf(q, sizeof q, "convene_event_id=%s", convene_id);
	seg(q, v, sizeof v);
	snprintf(path, sizeof path, "/calendar/v3/calendars/%s/events?privateExtendedProperty=%s&maxResults=10", cal,
		 v);
	int rc = call(a, "GET", path, NULL, &status, &res, f);
	if (rc) {
		json_decref(res);
		return rc;
	}
	/* a series' exceptions carry the property too: the series itself */
	json_t *items = json_object_get(res, "items"), *x, *mine = NULL;
	size_t i;
	json_array_foreach(items, i, x)
	{
		if (!json_object_get(x, "recurringEventId")) {
			mine = x;
			break;
		}
	}
	rc = 0;
	if (mine && !(rc = take_id(mine, eid)))
		rc = 1;
	json_decref(res);
	return rc;
}

/* the series' occurrences at another time than its rule says: each
 * instance ({series id}_{its start by the rule in UTC}, Google's instance
 * ids) patched to its own time, which makes it an exception */
static int exceptions(struct sync_api *a, const char *cal, const char *series, const struct sync_booking *b,
		      struct sync_failure *f)
{
	char path[2048], e[1200], inst[1200], v[32];
	int rc = 0;
	for (size_t i = 0; !rc && i < b->nmoved; i++) {
		const struct sync_moved *m = &b->moved[i];
		time_t tt = (time_t)m->recurrence_id;
		struct tm tm;
		long status;
		gmtime_r(&tt, &tm);
		strftime(v, sizeof v, b->all_day ? "%Y%m%d" : "%Y%m%dT%H%M%SZ", &tm);
		snprintf(inst, sizeof inst, "%s_%s", series, v);
		seg(inst, e, sizeof e);
		snprintf(path, sizeof path, "/calendar/v3/calendars/%s/events/%s", cal, e);
		json_t *body = json_pack("{soso}", "start", when(m->start, b->all_day, b->tzid), "end",
					 when(m->end, b->all_day, b->tzid));
		rc = call(a, "PATCH", path, body, &status, NULL, f);
		json_decref(body);
		if (rc == E_NOTFOUND) /* the rule no longer has that occurrence */
			rc = 0;
	}
	return rc;
}

static int write_one(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		     const struct sync_booking *b, char **out_id, struct sync_failure *f);

int google_write(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		 const struct sync_booking *b, char **out_id, struct sync_failure *f)
{
	char cal[800];
	int rc = write_one(a, r, provider_event_id, b, out_id, f);
	if (rc || !b->nmoved)
		return rc;
	seg(r->provider_room_id, cal, sizeof cal);
	if ((rc = exceptions(a, cal, *out_id, b, f))) {
		free(*out_id);
		*out_id = NULL;
	}
	return rc;
}

static int write_one(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		     const struct sync_booking *b, char **out_id, struct sync_failure *f)
{
	char cal[800], gid[256], path[1024];
	char *found = NULL;
	json_t *body = NULL, *res = NULL;
	long status;
	int rc;
	*out_id = NULL;
	seg(r->provider_room_id, cal, sizeof cal);
	if (provider_event_id && *provider_event_id) {
		rc = patch(a, cal, provider_event_id, b, out_id, f);
		if (rc != E_NOTFOUND)
			return rc;
		/* deleted at Google by someone: written again below */
	}
	/* a retry after a lost answer finds what the first try inserted */
	if ((rc = find(a, cal, b->convene_event_id, &found, f)) < 0)
		return rc;
	if (rc == 1) {
		rc = patch(a, cal, found, b, out_id, f);
		free(found);
		return rc;
	}
	google_event_id_of(b->convene_event_id, gid, sizeof gid);
	if (!(body = resource(b, 0)))
		return E_NOMEM;
	json_object_set_new(body, "id", json_string(gid));
	snprintf(path, sizeof path, "/calendar/v3/calendars/%s/events", cal);
	rc = call(a, "POST", path, body, &status, &res, f);
	json_decref(body);
	if (rc == E_INVALID && status == 409) {
		/* the id is taken: our own insert (its answer lost, or the event
		 * deleted since, which Google keeps as cancelled): made current */
		json_decref(res);
		return patch(a, cal, gid, b, out_id, f);
	}
	if (!rc)
		rc = take_id(res, out_id);
	json_decref(res);
	return rc;
}

int google_find(struct sync_api *a, const struct sync_room *r, const char *convene_event_id, char **out_id,
		struct sync_failure *f)
{
	char cal[800];
	*out_id = NULL;
	seg(r->provider_room_id, cal, sizeof cal);
	return find(a, cal, convene_event_id, out_id, f);
}

int google_remove(struct sync_api *a, const struct sync_room *r, const char *provider_event_id, struct sync_failure *f)
{
	char cal[800], e[1200], path[2048];
	long status;
	if (!provider_event_id || !*provider_event_id)
		return 0;
	seg(r->provider_room_id, cal, sizeof cal);
	seg(provider_event_id, e, sizeof e);
	snprintf(path, sizeof path, "/calendar/v3/calendars/%s/events/%s", cal, e);
	int rc = call(a, "DELETE", path, NULL, &status, NULL, f);
	return rc == E_NOTFOUND ? 0 : rc; /* 404, or 410 deleted: already gone */
}

int google_decline(struct sync_api *a, const struct sync_room *r, const char *provider_event_id, const char *comment,
		   struct sync_failure *f)
{
	char cal[800], e[1200], path[2048];
	long status;
	json_t *ev = NULL, *body = NULL;
	seg(r->provider_room_id, cal, sizeof cal);
	seg(provider_event_id, e, sizeof e);
	snprintf(path, sizeof path, "/calendar/v3/calendars/%s/events/%s", cal, e);
	int rc = call(a, "GET", path, NULL, &status, &ev, f);
	if (rc)
		goto out;
	/* the room's own attendee entry answers; the others are kept as they are */
	json_t *list = json_object_get(ev, "attendees");
	json_t *att = json_is_array(list) ? json_deep_copy(list) : json_array();
	json_t *mine = NULL;
	size_t i;
	json_t *x;
	json_array_foreach(att, i, x)
	{
		const char *em = json_string_value(json_object_get(x, "email"));
		if (json_is_true(json_object_get(x, "self")) ||
		    (em && (!strcasecmp(em, r->provider_room_id) || (*r->email && !strcasecmp(em, r->email)))))
			mine = x;
	}
	if (!mine) {
		mine = json_pack("{sssb}", "email", r->provider_room_id, "resource", 1);
		json_array_append_new(att, mine);
	}
	json_object_set_new(mine, "responseStatus", json_string("declined"));
	if (comment && *comment)
		json_object_set_new(mine, "comment", json_string(comment));
	body = json_pack("{so}", "attendees", att);
	rc = call(a, "PATCH", path, body, &status, NULL, f);
out:
	json_decref(ev);
	json_decref(body);
	return rc;
}
