/* Building and changing events from API fields. Fields become content lines
 * that libical reads into a scratch VEVENT; their properties replace the
 * stored ones, the rest of the stored event (alarms, X- properties) stays;
 * the result is written out and checked by the same parser as any upload. */
#include "ical/ics_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/errors.h"

static void esc(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else if (*s != '\r')
			buf_append(b, s, 1);
	}
}

/* a quoted parameter value may hold neither quotes nor control characters */
static void quoted(struct buf *b, const char *s)
{
	buf_puts(b, "\"");
	for (; s && *s; s++)
		if (*s != '"' && (unsigned char)*s >= 0x20)
			buf_append(b, s, 1);
	buf_puts(b, "\"");
}

static void text_line(struct buf *b, const char *name, const char *v)
{
	if (!v)
		return;
	buf_printf(b, "%s:", name);
	esc(b, v);
	buf_puts(b, "\r\n");
}

/* NAME[;VALUE=DATE|;TZID=..]:value of UTC time t in the series' form */
static void time_line(struct buf *b, const char *name, int64_t t, int all_day, const char *tzid, int floating)
{
	struct icaltimetype w;
	icaltimezone *z = tzid && !all_day ? ics_zone(tzid) : NULL;
	ics_zone_split(z, t, &w);
	if (all_day)
		buf_printf(b, "%s;VALUE=DATE:%04d%02d%02d\r\n", name, w.year, w.month, w.day);
	else if (z && floating)
		buf_printf(b, "%s:%04d%02d%02dT%02d%02d%02d\r\n", name, w.year, w.month, w.day, w.hour, w.minute,
			   w.second);
	else if (z)
		buf_printf(b, "%s;TZID=%s:%04d%02d%02dT%02d%02d%02d\r\n", name, tzid, w.year, w.month, w.day, w.hour,
			   w.minute, w.second);
	else
		buf_printf(b, "%s:%04d%02d%02dT%02d%02d%02dZ\r\n", name, w.year, w.month, w.day, w.hour, w.minute,
			   w.second);
}

/* EXDATE/RDATE values as the API gives them: a date, "…Z", a period, or wall time in tzid */
static void date_lines(struct buf *b, const char *name, char **v, size_t n, const char *tzid, int floating)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = v[i];
		size_t l = strlen(s);
		int period = strchr(s, '/') != NULL;
		buf_puts(b, name);
		if (l == 8)
			buf_puts(b, ";VALUE=DATE");
		else if (period)
			buf_puts(b, ";VALUE=PERIOD");
		if (l != 8 && s[period ? strcspn(s, "/") - 1 : l - 1] != 'Z' && tzid && !floating)
			buf_printf(b, ";TZID=%s", tzid);
		buf_printf(b, ":%s\r\n", s);
	}
}

static void stamp_line(struct buf *b, const char *name, int64_t t)
{
	time_line(b, name, t, 0, NULL, 0);
}

static void field_lines(struct buf *b, const struct ics_event *ev, unsigned mask, int floating)
{
	if (mask & ICS_F_SUMMARY)
		text_line(b, "SUMMARY", ev->summary);
	if (mask & ICS_F_DESCRIPTION)
		text_line(b, "DESCRIPTION", ev->description);
	if (mask & ICS_F_LOCATION)
		text_line(b, "LOCATION", ev->location);
	if (mask & ICS_F_TIME) {
		time_line(b, "DTSTART", ev->start, ev->all_day, ev->tzid, floating);
		if (ev->end != ev->start || ev->all_day)
			time_line(b, "DTEND", ev->end, ev->all_day, ev->tzid, floating);
	}
	if ((mask & ICS_F_RRULE) && ev->rrule && *ev->rrule && !strpbrk(ev->rrule, "\r\n"))
		buf_printf(b, "RRULE:%s\r\n", ev->rrule);
	if (mask & ICS_F_RDATES)
		date_lines(b, "RDATE", ev->rdates, ev->nrdates, ev->tzid, floating);
	if (mask & ICS_F_EXDATES)
		date_lines(b, "EXDATE", ev->exdates, ev->nexdates, ev->tzid, floating);
	if ((mask & ICS_F_STATUS) && ev->status)
		buf_printf(b, "STATUS:%s\r\n", ev->status);
	if ((mask & ICS_F_TRANSP) && ev->transp)
		buf_printf(b, "TRANSP:%s\r\n", ev->transp);
	if ((mask & ICS_F_CLASS) && ev->klass)
		buf_printf(b, "CLASS:%s\r\n", ev->klass);
	if ((mask & ICS_F_ORGANIZER) && ev->organizer) {
		buf_puts(b, "ORGANIZER");
		if (ev->organizer_name) {
			buf_puts(b, ";CN=");
			quoted(b, ev->organizer_name);
		}
		buf_printf(b, ":mailto:%s\r\n", ev->organizer);
	}
	for (size_t i = 0; (mask & ICS_F_ATTENDEES) && i < ev->nattendees; i++) {
		const struct ics_attendee *a = &ev->attendees[i];
		buf_puts(b, "ATTENDEE");
		if (a->name) {
			buf_puts(b, ";CN=");
			quoted(b, a->name);
		}
		if (a->cutype)
			buf_printf(b, ";CUTYPE=%s", a->cutype);
		if (a->role)
			buf_printf(b, ";ROLE=%s", a->role);
		if (a->partstat)
			buf_printf(b, ";PARTSTAT=%s", a->partstat);
		if (a->rsvp)
			buf_puts(b, ";RSVP=TRUE");
		if (a->schedule_status) { /* what a room answered stays when the attendees are rebuilt */
			buf_puts(b, ";SCHEDULE-STATUS=");
			quoted(b, a->schedule_status);
		}
		if (a->schedule_agent) {
			buf_puts(b, ";SCHEDULE-AGENT=");
			quoted(b, a->schedule_agent);
		}
		buf_printf(b, ":mailto:%s\r\n", a->email ? a->email : "");
	}
}

int ics_build(const struct ics_event *ev, struct ics_object **out, struct ics_error *err)
{
	struct buf b = {0};
	int64_t now = clock_now();
	buf_puts(&b, "BEGIN:VEVENT\r\n");
	text_line(&b, "UID", ev->uid);
	stamp_line(&b, "DTSTAMP", now);
	stamp_line(&b, "CREATED", now);
	stamp_line(&b, "LAST-MODIFIED", now);
	buf_puts(&b, "SEQUENCE:0\r\n");
	field_lines(&b, ev, ~0u, 0);
	buf_puts(&b, "END:VEVENT\r\n");
	int rc = b.data ? ics_parse_flags(b.data, b.len, ev->tzid, ICS_P_NOLINES, out, err) : E_NOMEM;
	buf_free(&b);
	return rc;
}

/* ---- changing stored text ---- */

struct edit {
	struct ics_object *cur; /* the stored object, parsed */
	icalcomponent *root;
	icalcomponent **comp; /* [0] master, then overrides as in cur (the stored text's order) */
	size_t ncomp;
};

static void edit_free(struct edit *e)
{
	ics_object_free(e->cur);
	if (e->root)
		icalcomponent_free(e->root);
	free(e->comp);
}

static int edit_open(const char *text, const char *default_tz, struct edit *e, struct ics_error *err)
{
	memset(e, 0, sizeof *e);
	int rc = ics_parse_flags(text, strlen(text), default_tz, ICS_P_LIGHT, &e->cur, err);
	if (rc)
		return rc;
	struct buf b = {0};
	buf_printf(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%sEND:VCALENDAR\r\n", text);
	e->root = b.data ? ics_raw_parse(b.data) : NULL;
	buf_free(&b);
	size_t n = e->root ? (size_t)icalcomponent_count_components(e->root, ICAL_VEVENT_COMPONENT) : 0;
	if (!n || n != e->cur->noverrides + 1 || !(e->comp = calloc(n, sizeof *e->comp)))
		return ics_err(err, 0, NULL, "the stored event cannot be read"), E_INVALID;
	for (icalcomponent *c = icalcomponent_get_first_component(e->root, ICAL_VEVENT_COMPONENT); c;
	     c = icalcomponent_get_next_component(e->root, ICAL_VEVENT_COMPONENT))
		e->comp[e->ncomp++] = c;
	if (icalcomponent_get_first_property(e->comp[0], ICAL_RECURRENCEID_PROPERTY))
		return ics_err(err, 0, "RECURRENCE-ID",
			       "the event holds single occurrences of a series kept elsewhere (no master): change it in "
			       "the calendar app it came from"),
		       E_INVALID;
	return 0;
}

/* "Can't parse as RECUR value in RRULE property. Removing entire property: FREQ=FOO" */
static int scratch_error(icalcomponent *c, struct ics_error *err)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	const char *msg = p ? icalproperty_get_xlicerror(p) : "";
	const char *in = strstr(msg, " in "), *prop = in ? in + 4 : "";
	const char *val = NULL;
	for (const char *q = strstr(msg, ": "); q; q = strstr(q + 1, ": "))
		val = q + 2;
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(prop, " "), prop);
	ics_err(err, 0, name, "invalid value '%.80s'", val ? val : msg);
	return E_INVALID;
}

static void drop_kind(icalcomponent *c, icalproperty_kind k)
{
	icalproperty *p;
	while ((p = icalcomponent_get_first_property(c, k))) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

static const struct {
	unsigned mask;
	icalproperty_kind kind;
} field_kinds[] = {
	{ICS_F_SUMMARY, ICAL_SUMMARY_PROPERTY},     {ICS_F_DESCRIPTION, ICAL_DESCRIPTION_PROPERTY},
	{ICS_F_LOCATION, ICAL_LOCATION_PROPERTY},   {ICS_F_TIME, ICAL_DTSTART_PROPERTY},
	{ICS_F_TIME, ICAL_DTEND_PROPERTY},          {ICS_F_TIME, ICAL_DURATION_PROPERTY},
	{ICS_F_RRULE, ICAL_RRULE_PROPERTY},         {ICS_F_RDATES, ICAL_RDATE_PROPERTY},
	{ICS_F_EXDATES, ICAL_EXDATE_PROPERTY},      {ICS_F_STATUS, ICAL_STATUS_PROPERTY},
	{ICS_F_TRANSP, ICAL_TRANSP_PROPERTY},       {ICS_F_CLASS, ICAL_CLASS_PROPERTY},
	{ICS_F_ORGANIZER, ICAL_ORGANIZER_PROPERTY}, {ICS_F_ATTENDEES, ICAL_ATTENDEE_PROPERTY},
};

/* replaces c's properties of the masked fields by those of `lines` */
static int apply(icalcomponent *c, const char *lines, unsigned mask, struct ics_error *err)
{
	struct buf b = {0};
	buf_printf(&b, "BEGIN:VEVENT\r\n%sEND:VEVENT\r\n", lines ? lines : "");
	icalcomponent *s = b.data ? ics_raw_parse(b.data) : NULL;
	buf_free(&b);
	if (!s)
		return E_NOMEM;
	if (icalcomponent_count_errors(s)) {
		int rc = scratch_error(s, err);
		icalcomponent_free(s);
		return rc;
	}
	for (size_t i = 0; i < sizeof field_kinds / sizeof field_kinds[0]; i++) {
		if (!(mask & field_kinds[i].mask))
			continue;
		drop_kind(c, field_kinds[i].kind);
		for (icalproperty *p = icalcomponent_get_first_property(s, field_kinds[i].kind); p;
		     p = icalcomponent_get_next_property(s, field_kinds[i].kind))
			icalcomponent_add_property(c, icalproperty_new_clone(p));
	}
	icalcomponent_free(s);
	return 0;
}

/* the text of c's properties of the masked fields, in one order */
static char *props_text(icalcomponent *c, unsigned mask)
{
	struct buf b = {0};
	buf_puts(&b, "");
	for (size_t i = 0; i < sizeof field_kinds / sizeof field_kinds[0]; i++) {
		if (!(mask & field_kinds[i].mask))
			continue;
		for (icalproperty *p = icalcomponent_get_first_property(c, field_kinds[i].kind); p;
		     p = icalcomponent_get_next_property(c, field_kinds[i].kind)) {
			char *s = icalproperty_as_ical_string_r(p);
			buf_puts(&b, s ? s : "");
			free(s);
		}
	}
	return b.data;
}

/* fields whose change makes a new SEQUENCE (RFC 5546: what attendees must see again) */
#define SIGNIFICANT (ICS_F_TIME | ICS_F_RRULE | ICS_F_RDATES | ICS_F_EXDATES | ICS_F_LOCATION)

static void set_stamps(icalcomponent *c, int bump)
{
	struct icaltimetype now =
		icaltime_from_timet_with_zone((time_t)clock_now(), 0, icaltimezone_get_utc_timezone());
	drop_kind(c, ICAL_DTSTAMP_PROPERTY);
	drop_kind(c, ICAL_LASTMODIFIED_PROPERTY);
	icalcomponent_add_property(c, icalproperty_new_dtstamp(now));
	icalcomponent_add_property(c, icalproperty_new_lastmodified(now));
	if (bump) {
		icalproperty *p = icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY);
		int seq = p ? icalproperty_get_sequence(p) : 0;
		drop_kind(c, ICAL_SEQUENCE_PROPERTY);
		icalcomponent_add_property(c, icalproperty_new_sequence(seq + 1));
	}
}

/* writes the kept components and checks the result as any upload */
static int edit_finish(struct edit *e, const char *default_tz, struct ics_object **out, struct ics_error *err)
{
	struct buf b = {0};
	int rc = ics_vtzs_copy(e->root, &b); /* zones of the event's own go first, as stored */
	for (size_t i = 0; !rc && i < e->ncomp; i++) {
		if (!e->comp[i])
			continue;
		char *s = icalcomponent_as_ical_string_r(e->comp[i]);
		rc = s ? buf_puts(&b, s) : E_NOMEM;
		free(s);
	}
	if (!rc)
		rc = b.data ? ics_parse_flags(b.data, b.len, default_tz, ICS_P_NOLINES, out, err) : E_NOMEM;
	buf_free(&b);
	return rc;
}

int ics_update(const char *text, const char *default_tz, const struct ics_event *ev, unsigned mask,
	       struct ics_object **out, struct ics_error *err)
{
	struct edit e;
	struct buf lines = {0};
	char *before = NULL, *after = NULL, *sig0 = NULL, *sig1 = NULL;
	*out = NULL;
	int rc = edit_open(text, default_tz, &e, err);
	if (rc)
		goto out;
	int floating =
		ICS_PRIV(e.cur)->floating &&
		(!(mask & ICS_F_TIME) || (ev->tzid && e.cur->master.tzid && !strcmp(ev->tzid, e.cur->master.tzid)));
	buf_puts(&lines, "");
	field_lines(&lines, ev, mask, floating);
	before = props_text(e.comp[0], mask);
	sig0 = props_text(e.comp[0], SIGNIFICANT);
	if ((rc = apply(e.comp[0], lines.data, mask, err)))
		goto out;
	after = props_text(e.comp[0], mask);
	sig1 = props_text(e.comp[0], SIGNIFICANT);
	if (before && after && !strcmp(before, after)) {
		rc = ics_parse_flags(text, strlen(text), default_tz, ICS_P_NOLINES, out, err);
		goto out;
	}
	set_stamps(e.comp[0], sig0 && sig1 && strcmp(sig0, sig1));
	if ((rc = edit_finish(&e, default_tz, out, err)))
		goto out;
	/* overrides of occurrences the new rule no longer has go */
	int dropped = 0;
	for (size_t i = 0; i < e.cur->noverrides; i++)
		if (!ics_is_occurrence(*out, e.cur->overrides[i].recurrence_id)) {
			e.comp[i + 1] = NULL;
			dropped = 1;
		}
	if (dropped) {
		ics_object_free(*out);
		*out = NULL;
		rc = edit_finish(&e, default_tz, out, err);
	}
out:
	free(before);
	free(after);
	free(sig0);
	free(sig1);
	buf_free(&lines);
	edit_free(&e);
	return rc;
}

static int no_occurrence(const struct edit *e, int64_t rid, struct ics_error *err)
{
	char t[32];
	const struct ics_event *m = &e->cur->master;
	ics_format_time(rid, m->tzid, m->all_day, t, sizeof t);
	return ics_err(err, 0, "RECURRENCE-ID", "the series has no occurrence at %s", t), E_INVALID;
}

static size_t override_index(const struct edit *e, int64_t rid)
{
	for (size_t i = 0; i < e->cur->noverrides; i++)
		if (e->cur->overrides[i].recurrence_id == rid)
			return i + 1;
	return 0;
}

int ics_override_set(const char *text, const char *default_tz, const struct ics_event *ev, struct ics_object **out,
		     struct ics_error *err)
{
	struct edit e;
	struct buf lines = {0};
	*out = NULL;
	int rc = edit_open(text, default_tz, &e, err);
	if (rc)
		goto out;
	const struct ics_event *m = &e.cur->master;
	int floating = ICS_PRIV(e.cur)->floating;
	if (!ics_is_occurrence(e.cur, ev->recurrence_id)) {
		rc = no_occurrence(&e, ev->recurrence_id, err);
		goto out;
	}
	size_t k = override_index(&e, ev->recurrence_id);
	icalcomponent *c = k ? e.comp[k] : NULL;
	if (!c) {
		struct buf b = {0};
		buf_puts(&b, "BEGIN:VEVENT\r\n");
		text_line(&b, "UID", m->uid);
		time_line(&b, "RECURRENCE-ID", ev->recurrence_id, m->all_day, m->tzid, floating);
		buf_printf(&b, "SEQUENCE:%d\r\n", m->sequence);
		buf_puts(&b, "END:VEVENT\r\n");
		c = b.data ? ics_raw_parse(b.data) : NULL;
		buf_free(&b);
		if (!c) {
			rc = E_NOMEM;
			goto out;
		}
		static const icalproperty_kind who[] = {ICAL_ORGANIZER_PROPERTY, ICAL_ATTENDEE_PROPERTY};
		for (size_t i = 0; i < 2; i++)
			for (icalproperty *p = icalcomponent_get_first_property(e.comp[0], who[i]); p;
			     p = icalcomponent_get_next_property(e.comp[0], who[i]))
				icalcomponent_add_property(c, icalproperty_new_clone(p));
		icalcomponent_add_component(e.root, c);
		icalcomponent **t = realloc(e.comp, sizeof *t * (e.ncomp + 1));
		if (!t) {
			rc = E_NOMEM;
			goto out;
		}
		e.comp = t;
		e.comp[e.ncomp++] = c;
	}
	unsigned mask = ICS_F_SUMMARY | ICS_F_DESCRIPTION | ICS_F_LOCATION | ICS_F_TIME | ICS_F_STATUS | ICS_F_TRANSP;
	buf_puts(&lines, "");
	field_lines(&lines, ev, mask,
		    floating && ev->tzid && m->tzid && !strcmp(ev->tzid, m->tzid) && ev->all_day == m->all_day);
	if ((rc = apply(c, lines.data, mask, err)))
		goto out;
	set_stamps(c, 0);
	rc = edit_finish(&e, default_tz, out, err);
out:
	buf_free(&lines);
	edit_free(&e);
	return rc;
}

int ics_occurrence_cancel(const char *text, const char *default_tz, int64_t recurrence_id, struct ics_object **out,
			  struct ics_error *err)
{
	struct edit e;
	struct buf lines = {0};
	*out = NULL;
	int rc = edit_open(text, default_tz, &e, err);
	if (rc)
		goto out;
	const struct ics_event *m = &e.cur->master;
	if (!ics_is_occurrence(e.cur, recurrence_id)) {
		rc = no_occurrence(&e, recurrence_id, err);
		goto out;
	}
	size_t k = override_index(&e, recurrence_id);
	if (k)
		e.comp[k] = NULL; /* freed with the root */
	time_line(&lines, "EXDATE", recurrence_id, m->all_day, m->tzid, ICS_PRIV(e.cur)->floating);
	/* adds to the EXDATEs there are: apply() would replace them */
	if (lines.len >= 2)
		lines.data[lines.len - 2] = 0;
	icalproperty *p = lines.data ? icalproperty_new_from_string(lines.data) : NULL;
	if (!p) {
		rc = E_NOMEM;
		goto out;
	}
	icalcomponent_add_property(e.comp[0], p);
	set_stamps(e.comp[0], 1);
	rc = edit_finish(&e, default_tz, out, err);
out:
	buf_free(&lines);
	edit_free(&e);
	return rc;
}

char *ics_description_without_line(const char *d, const char *line)
{
	char *out = strdup(d);
	char *at = out && line ? strstr(out, line) : NULL;
	if (!at)
		return out;
	char *from = at, *to = at + strlen(line);
	while (from > out && from[-1] == '\n')
		from--;
	if (*to == '\n' && from == out)
		to++;
	memmove(from, to, strlen(to) + 1);
	return out;
}

int ics_conference_set(const char *text, const char *default_tz, const char *remove_uri, const char *add_uri,
		       const char *label, const char *line_prefix, struct ics_object **out, struct ics_error *err)
{
	struct edit e;
	char *old_line = NULL, *new_line = NULL;
	*out = NULL;
	int rc = edit_open(text, default_tz, &e, err);
	if (rc)
		goto out;
	rc = E_NOMEM;
	if ((remove_uri && asprintf(&old_line, "%s%s", line_prefix, remove_uri) < 0) ||
	    (add_uri && asprintf(&new_line, "%s%s", line_prefix, add_uri) < 0)) {
		old_line = new_line = NULL;
		goto out;
	}
	int changed = 0;
	for (size_t i = 0; i < e.ncomp; i++) {
		icalcomponent *c = e.comp[i];
		icalproperty *p, *next;
		for (p = icalcomponent_get_first_property(c, ICAL_CONFERENCE_PROPERTY); p; p = next) {
			next = icalcomponent_get_next_property(c, ICAL_CONFERENCE_PROPERTY);
			const char *v = icalproperty_get_conference(p);
			if (v && ((remove_uri && !strcmp(v, remove_uri)) || (add_uri && !strcmp(v, add_uri)))) {
				icalcomponent_remove_property(c, p);
				icalproperty_free(p);
				changed = 1;
			}
		}
		p = icalcomponent_get_first_property(c, ICAL_DESCRIPTION_PROPERTY);
		const char *d = p ? icalproperty_get_description(p) : "";
		char *kept = ics_description_without_line(d ? d : "", old_line);
		char *again = kept ? ics_description_without_line(kept, new_line) : NULL;
		free(kept);
		if (!again)
			goto out;
		struct buf nd = {0};
		buf_puts(&nd, again);
		if (new_line)
			buf_printf(&nd, "%s%s", again[0] ? "\n\n" : "", new_line);
		free(again);
		if (!nd.data) {
			buf_free(&nd);
			goto out;
		}
		if (strcmp(nd.data, d ? d : "")) {
			drop_kind(c, ICAL_DESCRIPTION_PROPERTY);
			if (nd.data[0])
				icalcomponent_add_property(c, icalproperty_new_description(nd.data));
			changed = 1;
		}
		buf_free(&nd);
		if (add_uri) {
			icalproperty *cp = icalproperty_new_conference(add_uri);
			if (!cp)
				goto out;
			icalproperty_add_parameter(cp, icalparameter_new_value(ICAL_VALUE_URI));
			icalproperty_add_parameter(cp, icalparameter_new_feature(ICAL_FEATURE_VIDEO));
			if (label)
				icalproperty_add_parameter(cp, icalparameter_new_label(label));
			icalcomponent_add_property(c, cp);
			changed = 1;
		}
	}
	if (!changed) {
		rc = ics_parse_flags(text, strlen(text), default_tz, ICS_P_NOLINES, out, err);
		goto out;
	}
	set_stamps(e.comp[0], 0);
	rc = edit_finish(&e, default_tz, out, err);
out:
	free(old_line);
	free(new_line);
	edit_free(&e);
	return rc;
}

int ics_conference_uri(const char *text, const char *label, char *out, size_t n)
{
	/* the stored text is folded at 75 octets: unfold, then look for the
	 * property line (stored text is ours, written by libical) */
	struct buf b = {0};
	out[0] = 0;
	for (const char *p = text; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 2;
			continue;
		}
		if (buf_append(&b, p, 1))
			break;
	}
	int rc = E_NOTFOUND;
	for (const char *l = b.data; l && *l;) {
		const char *eol = strstr(l, "\r\n");
		size_t len = eol ? (size_t)(eol - l) : strlen(l);
		if (len > 11 && !strncasecmp(l, "CONFERENCE", 10) && (l[10] == ';' || l[10] == ':')) {
			/* the value starts after the first ':' outside quotes */
			int q = 0;
			size_t i = 10, colon = 0;
			for (; i < len; i++) {
				if (l[i] == '"')
					q = !q;
				else if (l[i] == ':' && !q) {
					colon = i;
					break;
				}
			}
			char params[512];
			size_t pl = colon > 10 ? colon - 10 : 0;
			snprintf(params, sizeof params, "%.*s", (int)(pl < sizeof params ? pl : sizeof params - 1),
				 l + 10);
			int want = !label || strcasestr(params, label);
			if (colon && want && len - colon - 1 < n) {
				snprintf(out, n, "%.*s", (int)(len - colon - 1), l + colon + 1);
				rc = 0;
				break;
			}
		}
		if (!eol || strncmp(l, "END:VEVENT", 10) == 0)
			break; /* the master's only */
		l = eol + 2;
	}
	buf_free(&b);
	return rc;
}
