/* Scheduling answers written into stored text (RFC 6638 section 3.2.9):
 * the PARTSTAT and SCHEDULE-STATUS of attendees that convene answers for
 * (rooms), set on the ATTENDEE property itself so that every other
 * parameter a client put there stays, and the reason of a decline as a
 * COMMENT (RFC 5545 section 3.8.1.4) marked with the attendee it is from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ical/ics_impl.h"
#include "core/buf.h"
#include "core/errors.h"
#include "core/ids.h"

#define MARK "X-CONVENE-ATTENDEE"

static const struct ics_answer *answer_of(const char *addr, const struct ics_answer *a, size_t n)
{
	if (!addr)
		return NULL;
	if (!strncasecmp(addr, "mailto:", 7))
		addr += 7;
	for (size_t i = 0; i < n; i++)
		if (a[i].email && !strcasecmp(addr, a[i].email))
			return &a[i];
	return NULL;
}

static void set_param(icalproperty *p, const char *name, const char *value)
{
	char *cur = icalproperty_get_parameter_as_string_r(p, name);
	int same = cur && !strcmp(cur, value);
	free(cur);
	if (same)
		return;
	icalproperty_remove_parameter_by_name(p, name);
	icalparameter *x = icalparameter_new_from_value_string(icalparameter_string_to_kind(name), value);
	if (!x) { /* a parameter this libical does not know: as an X-name */
		x = icalparameter_new_x(value);
		if (x)
			icalparameter_set_xname(x, name);
	}
	if (x)
		icalproperty_add_parameter(p, x);
}

static int param_is(icalproperty *p, const char *name, const char *value)
{
	char *cur = icalproperty_get_parameter_as_string_r(p, name);
	int same = cur && !strcasecmp(cur, value);
	free(cur);
	return same;
}

/* override: c is one occurrence's. There, an occurrence the attendee gave
 * back on its own (DECLINED, SCHEDULE-STATUS 2.0: a room released to a
 * provider's meeting made earlier, ics_set_occurrence_answer) stays declined
 * when the series is answered again, unless the answer declines too */
static void answer_attendees(icalcomponent *c, const struct ics_answer *a, size_t n, int override)
{
	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY)) {
		const struct ics_answer *x = answer_of(icalproperty_get_attendee(p), a, n);
		if (!x)
			continue;
		if (override && !(x->partstat && !strcmp(x->partstat, "DECLINED")) &&
		    param_is(p, "PARTSTAT", "DECLINED") && param_is(p, "SCHEDULE-STATUS", "2.0"))
			continue;
		if (x->partstat)
			set_param(p, "PARTSTAT", x->partstat);
		if (x->status)
			set_param(p, "SCHEDULE-STATUS", x->status);
	}
}

/* the master's comments: ours for answered attendees go, then come back as answered */
static int answer_comments(icalcomponent *c, const struct ics_answer *a, size_t n)
{
	icalproperty *next;
	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_COMMENT_PROPERTY); p; p = next) {
		next = icalcomponent_get_next_property(c, ICAL_COMMENT_PROPERTY);
		char *who = icalproperty_get_parameter_as_string_r(p, MARK);
		if (who && answer_of(who, a, n)) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
		free(who);
	}
	for (size_t i = 0; i < n; i++) {
		if (!a[i].comment || !*a[i].comment)
			continue;
		icalproperty *p = icalproperty_new_comment(a[i].comment);
		struct buf who = {0};
		buf_printf(&who, "mailto:%s", a[i].email);
		icalparameter *x = who.data ? icalparameter_new_x(who.data) : NULL;
		buf_free(&who);
		if (!p || !x) {
			if (p)
				icalproperty_free(p);
			if (x)
				icalparameter_free(x);
			return E_NOMEM;
		}
		icalparameter_set_xname(x, MARK);
		icalproperty_add_parameter(p, x);
		icalcomponent_add_property(c, p);
	}
	return 0;
}

int ics_set_answers(const char *text, const char *default_tz, const struct ics_answer *a, size_t n,
		    struct ics_object **out, struct ics_error *err)
{
	struct buf b = {0}, res = {0};
	int rc = 0;
	*out = NULL;
	memset(err, 0, sizeof *err);
	buf_printf(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%sEND:VCALENDAR\r\n", text);
	icalcomponent *root = b.data ? ics_raw_parse(b.data) : NULL;
	buf_free(&b);
	if (!root)
		return ics_err(err, 0, NULL, "the stored event cannot be read"), E_INVALID;
	int first = 1;
	rc = buf_append(&res, text, ics_vtzs_prefix(text)); /* its own VTIMEZONEs, as stored */
	for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); c && !rc;
	     c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		int override = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY) != NULL;
		answer_attendees(c, a, n, override);
		if (first && !override)
			rc = answer_comments(c, a, n);
		first = 0;
		char *s = icalcomponent_as_ical_string_r(c);
		if (!rc)
			rc = s ? buf_puts(&res, s) : E_NOMEM;
		free(s);
	}
	icalcomponent_free(root);
	if (!rc && res.data && strcmp(res.data, text))
		rc = ics_parse_flags(res.data, res.len, default_tz, ICS_P_NOLINES, out, err);
	buf_free(&res);
	return rc;
}

int ics_set_occurrence_answer(const char *text, const char *default_tz, int64_t recurrence_id,
			      const struct ics_answer *a, struct ics_object **out, struct ics_error *err)
{
	struct ics_object *cur = NULL, *made = NULL;
	struct buf b = {0}, res = {0};
	icalcomponent *root = NULL;
	size_t k = 0;
	*out = NULL;
	memset(err, 0, sizeof *err);
	int rc = ics_parse_stored(text, strlen(text), default_tz, &cur, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < cur->noverrides && !k; i++)
		if (cur->overrides[i].recurrence_id == recurrence_id)
			k = i + 1;
	if (!k) { /* the occurrence as the rule makes it, overridden to be answered on its own */
		struct ics_event ev = cur->master; /* read only: the master's fields */
		ev.recurrence_id = recurrence_id;
		ev.start = recurrence_id;
		ev.end = recurrence_id + (cur->master.end - cur->master.start);
		if ((rc = ics_override_set(text, default_tz, &ev, &made, err)))
			goto out;
		text = made->text;
		for (size_t i = 0; i < made->noverrides && !k; i++)
			if (made->overrides[i].recurrence_id == recurrence_id)
				k = i + 1;
		if (!k) {
			ics_err(err, 0, "RECURRENCE-ID", "the occurrence is not one of the series");
			rc = E_INVALID;
			goto out;
		}
	}
	buf_printf(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%sEND:VCALENDAR\r\n", text);
	root = b.data ? ics_raw_parse(b.data) : NULL;
	if (!root) {
		ics_err(err, 0, NULL, "the stored event cannot be read");
		rc = E_INVALID;
		goto out;
	}
	rc = buf_append(&res, text, ics_vtzs_prefix(text));
	size_t i = 0; /* the text's VEVENTs: the master, then the overrides in the parsed order */
	for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); c && !rc;
	     c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT), i++) {
		if (i == k) {
			answer_attendees(c, a, 1, 0);
			rc = answer_comments(c, a, 1);
		}
		char *s = icalcomponent_as_ical_string_r(c);
		if (!rc)
			rc = s ? buf_puts(&res, s) : E_NOMEM;
		free(s);
	}
	if (!rc && res.data && strcmp(res.data, text))
		rc = ics_parse_flags(res.data, res.len, default_tz, ICS_P_NOLINES, out, err);
	else if (!rc && made) /* the override made already says so */
		rc = ics_parse_flags(made->text, strlen(made->text), default_tz, ICS_P_NOLINES, out, err);
out:
	if (root)
		icalcomponent_free(root);
	buf_free(&b);
	buf_free(&res);
	ics_object_free(made);
	ics_object_free(cur);
	return rc;
}

static char *dup_mailto(const char *v)
{
	if (!v)
		return NULL;
	if (!strncasecmp(v, "mailto:", 7))
		v += 7;
	char *s = strdup(v);
	for (char *p = s; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

void ics_fb_request_free(struct ics_fb_request *q)
{
	free(q->uid);
	free(q->organizer);
	for (size_t i = 0; i < q->nattendees; i++)
		free(q->attendees[i]);
	free(q->attendees);
	memset(q, 0, sizeof *q);
}

int ics_prop_instant(icalproperty *p, struct icaltimetype t, int floating_as_utc, int64_t *out)
{
	if (icaltime_is_null_time(t))
		return -1;
	if (t.is_date)
		return *out = ics_days_from_civil(t.year, t.month, t.day) * 86400, 0;
	icaltimezone *z = NULL;
	icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	if (tz && !(z = ics_zone(icalparameter_get_tzid(tz))))
		return -1;
	int utc = icaltime_is_utc(t);
	if (!tz && !utc && !floating_as_utc)
		return -1;
	*out = ics_zone_local(utc ? NULL : z, t.year, t.month, t.day, t.hour, t.minute, t.second);
	return 0;
}

int ics_parse_fb_request(const char *text, size_t len, struct ics_fb_request *q, struct ics_error *err)
{
	memset(q, 0, sizeof *q);
	memset(err, 0, sizeof *err);
	char *s = strndup(text, len);
	if (!s)
		return E_NOMEM;
	icalcomponent *root = icalparser_parse_string(s);
	free(s);
	int rc = E_INVALID;
	if (!root || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT || icalcomponent_count_errors(root)) {
		ics_err(err, 0, NULL, "the body is not an iCalendar object");
		goto out;
	}
	icalproperty *m = icalcomponent_get_first_property(root, ICAL_METHOD_PROPERTY);
	icalcomponent *fb = icalcomponent_get_first_component(root, ICAL_VFREEBUSY_COMPONENT);
	if (!m || icalproperty_get_method(m) != ICAL_METHOD_REQUEST) {
		ics_err(err, 0, "METHOD", "a free-busy request has METHOD:REQUEST");
		goto out;
	}
	if (!fb || icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT) ||
	    icalcomponent_get_next_component(root, ICAL_VFREEBUSY_COMPONENT)) {
		ics_err(err, 0, NULL, "a free-busy request holds one VFREEBUSY and nothing else");
		goto out;
	}
	icalproperty *p = icalcomponent_get_first_property(fb, ICAL_UID_PROPERTY);
	q->uid = p && icalproperty_get_uid(p) ? strdup(icalproperty_get_uid(p)) : NULL;
	icalproperty *ps = icalcomponent_get_first_property(fb, ICAL_DTSTART_PROPERTY);
	icalproperty *pe = icalcomponent_get_first_property(fb, ICAL_DTEND_PROPERTY);
	q->start = q->end = 0; /* a free-busy request is in UTC: a floating time is none */
	if (ps && ics_prop_instant(ps, icalproperty_get_dtstart(ps), 0, &q->start))
		q->start = 0;
	if (pe && ics_prop_instant(pe, icalproperty_get_dtend(pe), 0, &q->end))
		q->end = 0;
	if (!q->start || !q->end || q->end <= q->start) {
		ics_err(err, 0, "DTSTART", "a free-busy request has DTSTART and a later DTEND, in UTC");
		goto out;
	}
	p = icalcomponent_get_first_property(fb, ICAL_ORGANIZER_PROPERTY);
	q->organizer = p ? dup_mailto(icalproperty_get_organizer(p)) : NULL;
	if (!q->organizer) {
		ics_err(err, 0, "ORGANIZER", "a free-busy request names its ORGANIZER");
		goto out;
	}
	size_t n = (size_t)icalcomponent_count_properties(fb, ICAL_ATTENDEE_PROPERTY);
	if (!n || n > ICS_MAX_ATTENDEES) {
		ics_err(err, 0, "ATTENDEE", "a free-busy request names 1 to %d ATTENDEEs", ICS_MAX_ATTENDEES);
		goto out;
	}
	if (!(q->attendees = calloc(n, sizeof *q->attendees))) {
		rc = E_NOMEM;
		goto out;
	}
	for (p = icalcomponent_get_first_property(fb, ICAL_ATTENDEE_PROPERTY); p;
	     p = icalcomponent_get_next_property(fb, ICAL_ATTENDEE_PROPERTY)) {
		char *a = dup_mailto(icalproperty_get_attendee(p));
		if (a)
			q->attendees[q->nattendees++] = a;
	}
	rc = 0;
out:
	if (root)
		icalcomponent_free(root);
	if (rc && rc != E_NOMEM)
		rc = E_INVALID;
	return rc;
}

static void utc_stamp(struct buf *b, const char *name, int64_t t)
{
	struct icaltimetype v = icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
	buf_printf(b, "%s:%04d%02d%02dT%02d%02d%02dZ\r\n", name, v.year, v.month, v.day, v.hour, v.minute, v.second);
}

int ics_fb_reply(struct buf *b, const struct ics_fb_request *q, const char *attendee, const int64_t *spans, size_t n,
		 int64_t now)
{
	buf_puts(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//CalDAV scheduling//EN\r\n"
		    "METHOD:REPLY\r\nBEGIN:VFREEBUSY\r\n");
	if (q->uid && !strpbrk(q->uid, "\r\n"))
		buf_printf(b, "UID:%s\r\n", q->uid);
	utc_stamp(b, "DTSTAMP", now);
	utc_stamp(b, "DTSTART", q->start);
	utc_stamp(b, "DTEND", q->end);
	buf_printf(b, "ORGANIZER:mailto:%s\r\nATTENDEE:mailto:%s\r\n", q->organizer, attendee);
	for (size_t i = 0; i < n; i++) {
		struct icaltimetype s =
			icaltime_from_timet_with_zone((time_t)spans[2 * i], 0, icaltimezone_get_utc_timezone());
		struct icaltimetype e =
			icaltime_from_timet_with_zone((time_t)spans[2 * i + 1], 0, icaltimezone_get_utc_timezone());
		buf_printf(b, "FREEBUSY;FBTYPE=BUSY:%04d%02d%02dT%02d%02d%02dZ/%04d%02d%02dT%02d%02d%02dZ\r\n", s.year,
			   s.month, s.day, s.hour, s.minute, s.second, e.year, e.month, e.day, e.hour, e.minute,
			   e.second);
	}
	return buf_puts(b, "END:VFREEBUSY\r\nEND:VCALENDAR\r\n");
}

/* drops ";NAME=value" (value maybe quoted) from one unfolded property line's parameters */
static void drop_param(char *line, const char *name)
{
	size_t n = strlen(name);
	char *colon = NULL;
	for (char *p = line, q = 0; *p; p++) { /* the value starts at the first ':' outside quotes */
		if (*p == '"')
			q = !q;
		else if (*p == ':' && !q) {
			colon = p;
			break;
		}
	}
	for (char *p = line; colon && p < colon; p++) {
		if (*p != ';' || strncasecmp(p + 1, name, n) || p[1 + n] != '=')
			continue;
		char *e = p + 1 + n + 1;
		if (*e == '"') {
			char *c = strchr(e + 1, '"');
			e = c ? c + 1 : e;
		}
		while (e < colon && *e != ';')
			e++;
		memmove(p, e, strlen(e) + 1);
		colon -= e - p;
		p--;
	}
}

void ics_schedule_tag(const char *text, char out[ICS_TAG_MAX])
{
	/* unfolded, without what attendees' answers change: their PARTSTAT and
	 * SCHEDULE-STATUS, and the comments convene writes for rooms */
	struct buf b = {0};
	const char *s = text;
	while (*s) {
		const char *e = strstr(s, "\r\n");
		size_t len = e ? (size_t)(e - s) : strlen(s);
		struct buf line = {0};
		buf_append(&line, s, len);
		s += len + (e ? 2 : 0);
		while (*s == ' ' || *s == '\t') { /* continuation lines */
			const char *f = strstr(s, "\r\n");
			size_t l = f ? (size_t)(f - s) : strlen(s);
			buf_append(&line, s + 1, l - 1);
			s += l + (f ? 2 : 0);
		}
		if (!line.data) {
			buf_free(&line);
			continue;
		}
		if (!strncasecmp(line.data, "ATTENDEE", 8)) {
			drop_param(line.data, "PARTSTAT");
			drop_param(line.data, "SCHEDULE-STATUS");
		}
		if (strncasecmp(line.data, "COMMENT;", 8) || !strstr(line.data, MARK))
			buf_printf(&b, "%s\n", line.data);
		buf_free(&line);
	}
	char h[HASH_HEX_MAX];
	ids_hash(b.data ? b.data : "", h);
	buf_free(&b);
	snprintf(out, ICS_TAG_MAX, "\"s%.22s\"", h);
}
