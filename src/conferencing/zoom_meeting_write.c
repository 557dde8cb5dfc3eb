/* Zoom meetings for schedule events (conferencing/zoom_meeting_write.h): the
 * translation of an event, and of its RRULE, into Zoom's meeting body, and
 * the REST calls that create, change, read and delete the meeting. Zoom's
 * recurrence is much smaller than RFC 5545's: a rule it cannot say exactly
 * is refused by name rather than approximated (one meeting whose occurrences
 * differ from the event's would send people to the wrong time). */
#include "conferencing/zoom_meeting_write.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conferencing/zoom_api.h"
#include "core/errors.h"
#include "http/client.h"

#define CALL_MS 15000

void zoom_meeting_spec_of(const struct ics_object *o, struct zoom_meeting_spec *out)
{
	const struct ics_event *m = &o->master;
	memset(out, 0, sizeof *out);
	out->topic = m->summary;
	out->agenda = m->description;
	out->start = m->start;
	out->end = m->end;
	out->tzid = m->tzid;
	out->all_day = m->all_day;
	out->rrule = m->rrule;
	out->exceptions = m->nrdates > 0 || m->nexdates > 0 || o->noverrides > 0;
	out->text = o->text;
}

static int count_one(void *ctx, const struct ics_occurrence *o)
{
	(void)o;
	(*(int *)ctx)++;
	return 0;
}

/* s cut to at most max characters (UTF-8), malloc'd */
static char *cut_chars(const char *s, size_t max)
{
	size_t i = 0, chars = 0;
	while (s[i] && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	char *out = malloc(i + 1);
	if (out) {
		memcpy(out, s, i);
		out[i] = 0;
	}
	return out;
}

/* "YYYY-MM-DDTHH:MM:SS" -> weekday (0 = Sunday) and day of month */
static void local_day(const char *local, int *wday, int *mday)
{
	struct tm tm = {0};
	int y = 1970, mo = 1, d = 1;
	sscanf(local, "%4d-%2d-%2d", &y, &mo, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	*wday = tm.tm_wday;
	*mday = d;
}

static const char *const DAYS[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

static int day_code(const char *s, size_t len)
{
	for (int i = 0; i < 7; i++)
		if (len == 2 && !strncmp(s, DAYS[i], 2))
			return i;
	return -1;
}

struct rule {
	char freq[16];
	long interval, count;
	char until[32];
	char byday[64], bymonthday[32], bysetpos[16], wkst[4];
	char other[24]; /* the first part Zoom cannot say */
};

static int parse_rule(const char *rrule, struct rule *r, char *why, size_t n)
{
	memset(r, 0, sizeof *r);
	r->interval = 1;
	const char *p = rrule;
	while (*p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (!eq)
			goto bad;
		size_t kl = (size_t)(eq - p), vl = len - kl - 1;
		char key[24], val[64];
		if (kl >= sizeof key || vl >= sizeof val)
			goto bad;
		memcpy(key, p, kl);
		key[kl] = 0;
		memcpy(val, eq + 1, vl);
		val[vl] = 0;
		for (char *c = key; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		for (char *c = val; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		char *end = NULL;
		if (!strcmp(key, "FREQ")) {
			snprintf(r->freq, sizeof r->freq, "%s", val);
		} else if (!strcmp(key, "INTERVAL")) {
			r->interval = strtol(val, &end, 10);
			if (!*val || *end || r->interval < 1)
				goto bad;
		} else if (!strcmp(key, "COUNT")) {
			r->count = strtol(val, &end, 10);
			if (!*val || *end || r->count < 1)
				goto bad;
		} else if (!strcmp(key, "UNTIL")) {
			snprintf(r->until, sizeof r->until, "%s", val);
		} else if (!strcmp(key, "BYDAY")) {
			snprintf(r->byday, sizeof r->byday, "%s", val);
		} else if (!strcmp(key, "BYMONTHDAY")) {
			snprintf(r->bymonthday, sizeof r->bymonthday, "%s", val);
		} else if (!strcmp(key, "BYSETPOS")) {
			snprintf(r->bysetpos, sizeof r->bysetpos, "%s", val);
		} else if (!strcmp(key, "WKST")) {
			snprintf(r->wkst, sizeof r->wkst, "%s", val);
		} else if (!r->other[0]) {
			snprintf(r->other, sizeof r->other, "%s", key);
		}
		p += len;
		if (*p == ';')
			p++;
	}
	return 0;
bad:
	snprintf(why, n, "the event's RRULE cannot be read");
	return E_INVALID;
}

/* UNTIL as Zoom's end_date_time (UTC "…Z"); a date means to the end of that
 * day in the event's zone (RFC 5545: UNTIL is inclusive) */
static int until_utc(const char *until, const char *tz, char *out, size_t n)
{
	int y, mo, d, h = 23, mi = 59, se = 59;
	char z = 0, local[32];
	int64_t t;
	size_t len = strlen(until);
	if (len == 8 && sscanf(until, "%4d%2d%2d", &y, &mo, &d) == 3) {
		/* end of that day */
	} else if ((len == 15 || len == 16) &&
		   sscanf(until, "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &se, &z) >= 6) {
		if (len == 16 && z != 'Z')
			return E_INVALID;
	} else {
		return E_INVALID;
	}
	snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, se);
	if (z == 'Z' || !tz) {
		snprintf(out, n, "%sZ", local);
		return 0;
	}
	if (ics_local_to_utc(tz, local, &t))
		return E_INVALID;
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

static int recurrence(const struct zoom_meeting_spec *s, const char *tz, const char *local, json_t **out, char *why,
		      size_t n)
{
	struct rule r;
	int rc, wday, mday;
	json_t *rec = NULL;
	*out = NULL;
	if ((rc = parse_rule(s->rrule, &r, why, n)))
		return rc;
	local_day(local, &wday, &mday);
	if (r.other[0]) {
		snprintf(why, n, "Zoom cannot repeat a meeting by %s (the event's RRULE)", r.other);
		return E_INVALID;
	}
	if (s->exceptions) {
		snprintf(why, n,
			 "Zoom cannot repeat a meeting with added, removed or moved occurrences (RDATE, EXDATE, "
			 "RECURRENCE-ID)");
		return E_INVALID;
	}
	if (!r.count && !r.until[0]) {
		snprintf(why, n,
			 "Zoom cannot repeat a meeting forever: give the event an end (COUNT of at most %d, or UNTIL)",
			 ZOOM_OCCURRENCES_MAX);
		return E_INVALID;
	}
	if (r.count > ZOOM_OCCURRENCES_MAX) {
		snprintf(why, n, "Zoom repeats a meeting at most %d times; this event repeats %ld times",
			 ZOOM_OCCURRENCES_MAX, r.count);
		return E_INVALID;
	}
	if (!(rec = json_object()))
		return E_NOMEM;
	if (!strcmp(r.freq, "DAILY")) {
		if (r.byday[0] || r.bymonthday[0] || r.bysetpos[0]) {
			snprintf(why, n, "Zoom cannot repeat a daily meeting on chosen days only (BYDAY/BYMONTHDAY)");
			goto refuse;
		}
		if (r.interval > 90) {
			snprintf(why, n, "Zoom repeats a daily meeting at most every 90 days");
			goto refuse;
		}
		json_object_set_new(rec, "type", json_integer(1));
	} else if (!strcmp(r.freq, "WEEKLY")) {
		if (r.bymonthday[0] || r.bysetpos[0]) {
			snprintf(why, n, "Zoom cannot repeat a weekly meeting by BYMONTHDAY or BYSETPOS");
			goto refuse;
		}
		if (r.interval > 12) {
			snprintf(why, n, "Zoom repeats a weekly meeting at most every 12 weeks");
			goto refuse;
		}
		char days[32] = "";
		int seen[7] = {0}, count = 0;
		if (!r.byday[0]) {
			seen[wday] = 1;
			count = 1;
		} else {
			const char *p = r.byday;
			while (*p) {
				const char *c = strchr(p, ',');
				size_t len = c ? (size_t)(c - p) : strlen(p);
				int d = day_code(p, len);
				if (d < 0) {
					snprintf(why, n, "Zoom cannot repeat a weekly meeting on '%.*s' (BYDAY)",
						 (int)(len > 8 ? 8 : len), p);
					goto refuse;
				}
				if (!seen[d])
					count++;
				seen[d] = 1;
				p += len;
				if (*p == ',')
					p++;
			}
		}
		if (!seen[wday]) {
			snprintf(why, n, "the event starts on a day its RRULE does not repeat on (BYDAY)");
			goto refuse;
		}
		/* Zoom's weeks start on Sunday; RFC 5545's on WKST (Monday by
		 * default): with an interval, Sunday falls in another week */
		if (r.interval > 1 && seen[0] && count > 1 && strcmp(r.wkst, "SU")) {
			snprintf(why, n,
				 "Zoom's weeks start on Sunday: it cannot repeat this every %ld weeks with WKST=%s",
				 r.interval, r.wkst[0] ? r.wkst : "MO");
			goto refuse;
		}
		for (int d = 0; d < 7; d++)
			if (seen[d])
				snprintf(days + strlen(days), sizeof days - strlen(days), "%s%d", days[0] ? "," : "",
					 d + 1);
		json_object_set_new(rec, "type", json_integer(2));
		json_object_set_new(rec, "weekly_days", json_string(days));
	} else if (!strcmp(r.freq, "MONTHLY")) {
		if (r.interval > 3) {
			snprintf(why, n, "Zoom repeats a monthly meeting at most every 3 months");
			goto refuse;
		}
		json_object_set_new(rec, "type", json_integer(3));
		if (r.bymonthday[0] && !r.byday[0] && !r.bysetpos[0]) {
			char *end = NULL;
			long md = strtol(r.bymonthday, &end, 10);
			if (*end || md < 1 || md > 31) {
				snprintf(why, n,
					 "Zoom repeats a monthly meeting on one day of the month (1 to 31) only");
				goto refuse;
			}
			if (md != mday) {
				snprintf(why, n, "the event starts on a day its RRULE does not repeat on (BYMONTHDAY)");
				goto refuse;
			}
			json_object_set_new(rec, "monthly_day", json_integer(md));
		} else if (r.byday[0] && !r.bymonthday[0]) {
			/* "2TU", "-1FR", or "TU" with BYSETPOS=2 */
			char *end = NULL;
			long week = strtol(r.byday, &end, 10);
			int d = day_code(end, strlen(end));
			if (r.bysetpos[0]) {
				if (end != r.byday) {
					d = -1;
				} else {
					char *e2 = NULL;
					week = strtol(r.bysetpos, &e2, 10);
					if (*e2)
						d = -1;
				}
			}
			if (d < 0 || !(week == -1 || (week >= 1 && week <= 4))) {
				snprintf(why, n,
					 "Zoom repeats a monthly meeting on one weekday of the first to fourth or last "
					 "week only (BYDAY)");
				goto refuse;
			}
			if (d != wday || (week > 0 && (mday - 1) / 7 + 1 != week)) {
				snprintf(why, n, "the event starts on a day its RRULE does not repeat on (BYDAY)");
				goto refuse;
			}
			json_object_set_new(rec, "monthly_week", json_integer(week));
			json_object_set_new(rec, "monthly_week_day", json_integer(d + 1));
		} else if (!r.byday[0] && !r.bymonthday[0] && !r.bysetpos[0]) {
			json_object_set_new(rec, "monthly_day", json_integer(mday));
		} else {
			snprintf(why, n,
				 "Zoom cannot repeat a monthly meeting by this combination of BYDAY, "
				 "BYMONTHDAY and BYSETPOS");
			goto refuse;
		}
	} else {
		snprintf(why, n, "Zoom repeats meetings daily, weekly or monthly only; this event repeats %s",
			 r.freq[0] ? r.freq : "without FREQ");
		goto refuse;
	}
	json_object_set_new(rec, "repeat_interval", json_integer(r.interval));
	if (r.count) {
		json_object_set_new(rec, "end_times", json_integer(r.count));
	} else {
		char until[32];
		if (until_utc(r.until, tz, until, sizeof until)) {
			snprintf(why, n, "the event's UNTIL cannot be read");
			goto refuse;
		}
		json_object_set_new(rec, "end_date_time", json_string(until));
		int occ = 0, more = 0;
		if (s->text &&
		    ics_expand(s->text, tz ? tz : "UTC", s->start, ICS_FOREVER, ZOOM_OCCURRENCES_MAX + 1, count_one,
			       &occ, &more) == 0 &&
		    (occ > ZOOM_OCCURRENCES_MAX || more)) {
			snprintf(
				why, n,
				"Zoom repeats a meeting at most %d times; this event repeats more often until its UNTIL",
				ZOOM_OCCURRENCES_MAX);
			goto refuse;
		}
	}
	*out = rec;
	return 0;
refuse:
	json_decref(rec);
	return E_INVALID;
}

int zoom_meeting_body(const struct zoom_meeting_spec *s, json_t **out, char *why, size_t n)
{
	char local[40], start[48];
	json_t *o = NULL, *rec = NULL;
	char *topic = NULL, *agenda = NULL;
	int rc = E_NOMEM;
	*out = NULL;
	if (s->all_day) {
		snprintf(why, n, "an all-day event has no time for a Zoom meeting; give it a start and an end time");
		return E_INVALID;
	}
	/* Zoom wants an IANA name; a client's own zone that maps to none can
	 * still be sent as UTC, but a repeating meeting would then drift by an
	 * hour at each daylight-saving change */
	const char *tz = s->tzid ? ics_tz_canonical(s->tzid) : NULL;
	if (s->tzid && !tz && s->rrule) {
		snprintf(why, n, "Zoom does not know the event's time zone '%.60s'", s->tzid);
		return E_INVALID;
	}
	ics_utc_to_local(tz, s->start, local, sizeof local);
	if (s->rrule && (rc = recurrence(s, tz, local, &rec, why, n)))
		return rc;
	rc = E_NOMEM;
	if (tz)
		snprintf(start, sizeof start, "%s", local);
	else
		snprintf(start, sizeof start, "%sZ", local);
	int64_t secs = s->end > s->start ? s->end - s->start : 0;
	int64_t minutes = (secs + 59) / 60;
	char *plain = ics_description_without_line(s->agenda ? s->agenda : "", s->agenda_drop);
	agenda = plain ? cut_chars(plain, ZOOM_AGENDA_MAX) : NULL;
	free(plain);
	if (!agenda || !(topic = cut_chars(s->topic && *s->topic ? s->topic : "Meeting", ZOOM_TOPIC_MAX)))
		goto out;
	o = json_pack("{s:s, s:i, s:s, s:s, s:I, s:s}", "topic", topic, "type", rec ? 8 : 2, "start_time", start,
		      "timezone", tz ? tz : "UTC", "duration", (json_int_t)minutes, "agenda", agenda);
	if (!o)
		goto out;
	if (rec) {
		json_object_set_new(o, "recurrence", rec);
		rec = NULL;
	}
	*out = o;
	rc = 0;
out:
	json_decref(rec);
	free(topic);
	free(agenda);
	return rc;
}

static int error_code(const struct hc_response *res, char *msg, size_t n)
{
	json_error_t e;
	json_t *j = json_loadb(res->body ? res->body : "", res->len, 0, &e);
	json_t *c = json_object_get(j, "code");
	int code = json_is_integer(c) ? (int)json_integer_value(c) : 0;
	if (msg && n) {
		const char *m = json_string_value(json_object_get(j, "message"));
		snprintf(msg, n, "Zoom refused the meeting: %.200s", m ? m : "invalid request");
	}
	json_decref(j);
	return code;
}

/* the common meaning of an answer that is not a success */
static int failure(const struct hc_response *res, char *why, size_t n, long *retry_after)
{
	if (retry_after)
		*retry_after = res->retry_after > 0 ? res->retry_after : 60;
	int code = error_code(res, why, n);
	if (res->status == 404 || (res->status == 400 && code == 3001))
		return E_NOTFOUND;
	if (res->status == 429)
		return E_BUSY;
	if (res->status == 400 || res->status == 422)
		return E_INVALID;
	if (res->status == 401)
		return E_UNAUTH;
	return E_IO;
}

static void info_of(json_t *j, struct zoom_meeting_info *out)
{
	memset(out, 0, sizeof *out);
	json_t *id = json_object_get(j, "id");
	out->meeting_id = json_is_integer(id) ? json_integer_value(id) : 0;
	const char *s = json_string_value(json_object_get(j, "join_url"));
	snprintf(out->join_url, sizeof out->join_url, "%s", s ? s : "");
	s = json_string_value(json_object_get(j, "password"));
	snprintf(out->passcode, sizeof out->passcode, "%s", s ? s : "");
	s = json_string_value(json_object_get(j, "topic"));
	snprintf(out->topic, sizeof out->topic, "%s", s ? s : "");
}

/* a join URL we put into calendars: https only, no line breaks or controls */
static int join_url_ok(const char *u)
{
	if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
		return 0;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int send_body(const char *zoom_user_id, const char *method, const char *path, const struct zoom_meeting_spec *s,
		     struct hc_response *res, char *why, size_t n)
{
	json_t *body = NULL;
	int rc = zoom_meeting_body(s, &body, why, n);
	if (rc)
		return rc;
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return E_NOMEM;
	rc = zoom_api_request(zoom_user_id, method, path, text, CALL_MS, res);
	free(text);
	return rc;
}

int zoom_meeting_create(const char *zoom_user_id, const struct zoom_meeting_spec *s, struct zoom_meeting_info *out,
			char *why, size_t n, long *retry_after)
{
	struct hc_response res = {0};
	json_t *j = NULL;
	memset(out, 0, sizeof *out);
	int rc = send_body(zoom_user_id, "POST", "/users/me/meetings", s, &res, why, n);
	if (rc)
		goto out;
	if (res.status != 201 && res.status != 200) {
		rc = failure(&res, why, n, retry_after);
		if (rc == E_NOTFOUND) /* no such user: the authorization no longer holds */
			rc = E_UNAUTH;
		goto out;
	}
	json_error_t e;
	j = json_loadb(res.body, res.len, 0, &e);
	info_of(j, out);
	if (out->meeting_id <= 0 || !join_url_ok(out->join_url)) {
		snprintf(why, n, "Zoom's answer had no meeting id or join link");
		rc = E_IO;
	}
out:
	json_decref(j);
	hc_response_free(&res);
	return rc;
}

int zoom_meeting_update(const char *zoom_user_id, int64_t meeting_id, const struct zoom_meeting_spec *s, char *why,
			size_t n, long *retry_after)
{
	struct hc_response res = {0};
	char path[64];
	snprintf(path, sizeof path, "/meetings/%lld", (long long)meeting_id);
	int rc = send_body(zoom_user_id, "PATCH", path, s, &res, why, n);
	if (!rc && res.status != 204 && res.status != 200)
		rc = failure(&res, why, n, retry_after);
	hc_response_free(&res);
	return rc;
}

int zoom_meeting_patch(const char *zoom_user_id, int64_t meeting_id, const char *body, char *why, size_t n,
		       long *retry_after)
{
	struct hc_response res = {0};
	char path[64];
	snprintf(path, sizeof path, "/meetings/%lld", (long long)meeting_id);
	int rc = zoom_api_request(zoom_user_id, "PATCH", path, body, CALL_MS, &res);
	if (!rc && res.status != 204 && res.status != 200)
		rc = failure(&res, why, n, retry_after);
	hc_response_free(&res);
	return rc;
}

int zoom_meeting_read(const char *zoom_user_id, int64_t meeting_id, struct zoom_meeting_info *out, long *retry_after)
{
	struct hc_response res = {0};
	char path[64];
	json_t *j = NULL;
	memset(out, 0, sizeof *out);
	snprintf(path, sizeof path, "/meetings/%lld", (long long)meeting_id);
	int rc = zoom_api_request(zoom_user_id, "GET", path, NULL, CALL_MS, &res);
	if (rc)
		goto out;
	if (res.status != 200) {
		rc = failure(&res, NULL, 0, retry_after);
		if (rc == E_INVALID)
			rc = E_NOTFOUND;
		goto out;
	}
	json_error_t e;
	j = json_loadb(res.body, res.len, 0, &e);
	info_of(j, out);
	if (out->meeting_id != meeting_id || !join_url_ok(out->join_url))
		rc = E_IO;
out:
	json_decref(j);
	hc_response_free(&res);
	return rc;
}

int zoom_meeting_delete(const char *zoom_user_id, int64_t meeting_id, long *retry_after)
{
	struct hc_response res = {0};
	char path[64];
	snprintf(path, sizeof path, "/meetings/%lld", (long long)meeting_id);
	int rc = zoom_api_request(zoom_user_id, "DELETE", path, NULL, CALL_MS, &res);
	if (!rc && res.status != 204 && res.status != 200) {
		rc = failure(&res, NULL, 0, retry_after);
		if (rc == E_NOTFOUND)
			rc = 0; /* gone already: what we wanted */
		else if (rc == E_INVALID)
			rc = E_IO;
	}
	hc_response_free(&res);
	return rc;
}
