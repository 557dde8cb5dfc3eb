/* A room's meetings at Google. changes() is the sync guide's loop: a full
 * listing (singleEvents, timeMin = now - SYNC_WINDOW_PAST; no timeMax, since
 * the guide's full sync restricts by timeMin only and events beyond the
 * window are dropped by the caller) or an incremental one from the stored
 * sync token (showDeleted, deletions included), pages followed, the
 * nextSyncToken of the last page kept; a 410 means the token is gone and a
 * full listing is due. Each event is normalised here, once: UTC seconds,
 * all-day dates, the room's own answer, our private property. */
#include "sync/google_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/client.h"
#include "sync/google_auth.h"
#include <sodium.h>

#define PAGE_SIZE 1000 /* events per page (Google allows 2,500) */

int google_time_parse(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return E_INVALID;
	const char *p = s + 10;
	long off = 0;
	if (*p == 'T' || *p == 't') {
		int m = 0;
		if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &m) != 3 || m != 8 || h > 23 || mi > 59 || sec > 60)
			return E_INVALID;
		p += 1 + m;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om, k = 0;
			if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59)
				return E_INVALID;
			off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
			p += 1 + k;
		} else {
			return E_INVALID; /* Google always gives the offset */
		}
	}
	if (*p)
		return E_INVALID;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
	*out = (int64_t)timegm(&tm) - off;
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* the room's answer in Google's words (accepted, declined, tentative,
 * needsAction) as provider.h's */
static const char *response_of(const char *g)
{
	if (!strcmp(g, "accepted"))
		return "accepted";
	if (!strcmp(g, "declined"))
		return "declined";
	if (!strcmp(g, "tentative"))
		return "tentative";
	return "needs_action";
}

void google_event_change(json_t *ev, const struct sync_room *r, struct sync_change *c)
{
	memset(c, 0, sizeof *c);
	c->provider_event_id = str(ev, "id");
	c->etag = str(ev, "etag");
	c->ical_uid = str(ev, "iCalUID");
	c->series_id = str(ev, "recurringEventId");
	c->summary = str(ev, "summary");
	json_t *org = json_object_get(ev, "organizer");
	c->organizer_email = str(org, "email");
	c->organizer_name = str(org, "displayName");
	c->tzid = "";
	c->convene_event_id =
		str(json_object_get(json_object_get(ev, "extendedProperties"), "private"), "convene_event_id");
	if (google_time_parse(str(ev, "created"), &c->created))
		c->created = 0;
	/* "deleted events are only guaranteed to have the id field populated" */
	if (!strcmp(str(ev, "status"), "cancelled")) {
		c->removed = 1;
		c->room_response = "declined";
		return;
	}
	json_t *start = json_object_get(ev, "start"), *end = json_object_get(ev, "end");
	const char *sd = str(start, "date"), *ed = str(end, "date");
	if (*sd) {
		c->all_day = 1;
		if (google_time_parse(sd, &c->start) || google_time_parse(*ed ? ed : sd, &c->end))
			c->removed = 1;
		else if (!*ed)
			c->end = c->start + 86400;
	} else if (google_time_parse(str(start, "dateTime"), &c->start) ||
		   google_time_parse(str(end, "dateTime"), &c->end)) {
		c->removed = 1; /* no time we can read: nothing to hold the room with */
	}
	c->tzid = str(start, "timeZone");
	/* the room's own entry among the attendees: its address, or `self` (the
	 * calendar read is the room's); a meeting without it was put straight
	 * on the room's calendar, which is busy then */
	c->room_response = "accepted";
	size_t i;
	json_t *at;
	json_array_foreach(json_object_get(ev, "attendees"), i, at)
	{
		const char *email = str(at, "email");
		if (json_is_true(json_object_get(at, "self")) ||
		    (*email && (!strcasecmp(email, r->email) || !strcasecmp(email, r->provider_room_id)))) {
			c->room_response = response_of(str(at, "responseStatus"));
			break;
		}
	}
	/* a free (transparent) entry does not hold the room: Google's own busy rule */
	if (!strcmp(str(ev, "transparency"), "transparent"))
		c->removed = 1;
}

/* ---- calls (sync/google_auth.h's google_api: the token, one retry on 401, failures worded) ---- */

struct list_state {
	struct sync_api *a;
	const struct sync_room *r;
	sync_change_cb cb;
	void *ctx;
	int count;
};

/* one page: its changes to cb; *page_token / *sync_token (malloc'd) what it ends with */
static int page(struct list_state *s, const char *url, char **page_token, char **sync_token, struct sync_failure *f)
{
	struct hc_response res = {0};
	int rc = google_api(s->a, "GET", url, NULL, &res, f);
	json_t *doc = NULL;
	if (rc)
		goto out;
	json_error_t je;
	if (!(doc = json_loadb(res.body, res.len, 0, &je)) || !json_is_object(doc)) {
		sync_fail(f, "provider_error", NULL, "Google's events list is not JSON: %s", je.text);
		rc = E_INVALID;
		goto out;
	}
	size_t i;
	json_t *ev;
	json_array_foreach(json_object_get(doc, "items"), i, ev)
	{
		if (!json_is_object(ev) || !*str(ev, "id"))
			continue;
		if (++s->count > SYNC_CHANGES_MAX) {
			sync_fail(f, "provider_error", NULL,
				  "The room's calendar at Google has more than %d meetings in one sync; convene "
				  "stopped reading.",
				  SYNC_CHANGES_MAX);
			rc = E_TOOLARGE;
			goto out;
		}
		struct sync_change c;
		google_event_change(ev, s->r, &c);
		if ((rc = s->cb(s->ctx, &c)))
			goto out;
	}
	const char *pt = str(doc, "nextPageToken"), *st = str(doc, "nextSyncToken");
	if ((*pt && !(*page_token = strdup(pt))) || (*st && !(*sync_token = strdup(st))))
		rc = E_NOMEM;
out:
	json_decref(doc);
	hc_response_free(&res);
	return rc;
}

/* "/calendar/v3/calendars/{id}" + rest, the id escaped */
static char *calendar_url(const struct sync_room *r, const char *rest)
{
	char *id = hc_escape(r->provider_room_id);
	if (!id)
		return NULL;
	size_t n = strlen(id) + strlen(rest) + 32;
	char *u = malloc(n);
	if (u)
		snprintf(u, n, "/calendar/v3/calendars/%s%s", id, rest);
	free(id);
	return u;
}

int google_changes(struct sync_api *a, const struct sync_room *r, const char *token, sync_change_cb cb, void *ctx,
		   char **next, struct sync_failure *f)
{
	struct list_state s = {a, r, cb, ctx, 0};
	char *base = calendar_url(r, "/events"), *pt = NULL, *st = NULL, *query = NULL, *esc = NULL;
	int rc = 0;
	*next = NULL;
	if (!base)
		return E_NOMEM;
	if (token && *token) {
		if (!(esc = hc_escape(token))) {
			rc = E_NOMEM;
			goto out;
		}
		size_t n = strlen(esc) + 128;
		if ((query = malloc(n)))
			snprintf(query, n, "singleEvents=true&showDeleted=true&maxResults=%d&syncToken=%s", PAGE_SIZE,
				 esc);
	} else {
		char min[32];
		clock_iso(clock_now() - SYNC_WINDOW_PAST, min, sizeof min);
		if ((query = malloc(128)))
			snprintf(query, 128, "singleEvents=true&maxResults=%d&timeMin=%s", PAGE_SIZE, min);
	}
	if (!query) {
		rc = E_NOMEM;
		goto out;
	}
	/* pages of one listing: bounded by what SYNC_CHANGES_MAX allows, plus
	 * empty pages Google may hand out */
	for (int pages = 0; pages < SYNC_CHANGES_MAX / 10; pages++) {
		char *ptok = NULL, *url;
		char *pesc = pt ? hc_escape(pt) : NULL;
		size_t n = strlen(base) + strlen(query) + (pesc ? strlen(pesc) : 0) + 32;
		if ((pt && !pesc) || !(url = malloc(n))) {
			free(pesc);
			rc = E_NOMEM;
			goto out;
		}
		snprintf(url, n, "%s?%s%s%s", base, query, pesc ? "&pageToken=" : "", pesc ? pesc : "");
		free(pesc);
		free(st);
		st = NULL;
		rc = page(&s, url, &ptok, &st, f);
		free(url);
		free(pt);
		pt = ptok;
		if (rc)
			goto out;
		if (!pt)
			break;
	}
	if (pt || !st) {
		sync_fail(f, "provider_error", NULL, "Google's events list ended without a sync token.");
		rc = E_INVALID;
		goto out;
	}
	*next = st;
	st = NULL;
out:
	free(base);
	free(query);
	free(esc);
	free(pt);
	free(st);
	return rc;
}

/* a version 4 UUID (RFC 9562): Google's own examples name channels so */
static void uuid4(char out[37])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

int google_watch(struct sync_api *a, struct sync_room *r, const char *address, const char *token,
		 struct sync_failure *f)
{
	char id[sizeof r->channel_id], ttl[24];
	/* the caller may have chosen (and stored) the id first, so that the
	 * `sync` and first `exists` messages, which may come before this call
	 * answers, find the channel */
	if (*r->channel_id && strlen(r->channel_id) <= 64)
		snprintf(id, sizeof id, "%s", r->channel_id);
	else
		uuid4(id);
	/* tests shorten it (CONVENE_SYNC_CHANNEL_TTL_S) to see renewals */
	const char *env = getenv("CONVENE_SYNC_CHANNEL_TTL_S");
	long want = env && atol(env) >= 10 ? atol(env) : GOOGLE_CHANNEL_TTL;
	snprintf(ttl, sizeof ttl, "%ld", want);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}}", "id", id, "type", "web_hook", "address", address,
				 "token", token, "params", "ttl", ttl);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL, *url = calendar_url(r, "/events/watch");
	struct hc_response res = {0};
	json_t *doc = NULL;
	int rc;
	json_decref(body);
	if (!text || !url) {
		rc = E_NOMEM;
		goto out;
	}
	if ((rc = google_api(a, "POST", url, text, &res, f)))
		goto out;
	doc = json_loadb(res.body, res.len, 0, NULL);
	const char *rid = str(doc, "resourceId"), *exp = str(doc, "expiration");
	if (!*rid || strlen(rid) >= sizeof r->channel_resource_id) {
		sync_fail(f, "provider_error", NULL, "Google's answer to events.watch has no resourceId.");
		rc = E_INVALID;
		goto out;
	}
	snprintf(r->channel_id, sizeof r->channel_id, "%s", id);
	snprintf(r->channel_resource_id, sizeof r->channel_resource_id, "%s", rid);
	/* expiration: Unix milliseconds as a string; absent: the ttl asked for */
	long long ms = *exp ? atoll(exp) : 0;
	r->channel_expires_at = ms > 0 ? ms / 1000 : clock_now() + want;
out:
	json_decref(doc);
	hc_response_free(&res);
	free(text);
	free(url);
	return rc;
}

int google_unwatch(struct sync_api *a, const struct sync_room *r, struct sync_failure *f)
{
	if (!*r->channel_id)
		return 0;
	json_t *body = json_pack("{s:s, s:s}", "id", r->channel_id, "resourceId", r->channel_resource_id);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return E_NOMEM;
	struct hc_response res = {0};
	int rc = google_api(a, "POST", "/calendar/v3/channels/stop", text, &res, f);
	if (rc == E_NOTFOUND) /* stopped already, or expired and forgotten */
		rc = 0;
	hc_response_free(&res);
	free(text);
	return rc;
}
