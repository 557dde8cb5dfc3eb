/* iTIP REPLY over stored text (ical/ics_reply.h): reading an attendee's
 * answers per occurrence, building the REPLY that carries them, and
 * writing them into the organizer's copy without touching anything else
 * (every other parameter of the ATTENDEE, every other attendee). */
#include "ical/ics_reply.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ical/ics_impl.h"
#include "core/buf.h"
#include "core/errors.h"

static const char *bare(const char *addr)
{
	return addr && !strncasecmp(addr, "mailto:", 7) ? addr + 7 : addr;
}

static int is_addr(icalproperty *p, const char *email)
{
	const char *a = bare(icalproperty_get_attendee(p));
	return a && email && !strcasecmp(a, email);
}

/* a whole VCALENDAR from the text: stored VEVENT blocks get a wrapper */
static icalcomponent *parse(const char *text)
{
	if (!text)
		return NULL;
	struct buf b = {0};
	if (strncasecmp(text, "BEGIN:VCALENDAR", 15))
		buf_printf(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%sEND:VCALENDAR\r\n", text);
	icalcomponent *root = icalparser_parse_string(b.data ? b.data : text);
	buf_free(&b);
	if (root && (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT || icalcomponent_count_errors(root))) {
		icalcomponent_free(root);
		root = NULL;
	}
	return root;
}

/* a RECURRENCE-ID in UTC seconds; 0 when the VEVENT has none or it cannot be read */
static int64_t rid_of(icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
	if (!p)
		return 0;
	struct icaltimetype t = icalproperty_get_recurrenceid(p);
	int64_t v;
	if (ics_prop_instant(p, t, 1, &v))
		return 0;
	return v || t.is_date ? v : 1; /* 0 means "the master" */
}

static char *partstat_of(icalproperty *p)
{
	char *s = icalproperty_get_parameter_as_string_r(p, "PARTSTAT");
	return s ? s : strdup("NEEDS-ACTION");
}

void ics_reply_free(struct ics_reply *r)
{
	free(r->master);
	for (size_t i = 0; i < r->n; i++)
		free(r->partstat[i]);
	free(r->organizer);
	free(r->uid);
	memset(r, 0, sizeof *r);
}

int ics_reply_attendee(const char *text, char *out, size_t cap)
{
	icalcomponent *root = parse(text);
	int rc = E_INVALID;
	out[0] = 0;
	if (!root)
		return E_INVALID;
	for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); c;
	     c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY); p;
		     p = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY)) {
			const char *a = bare(icalproperty_get_attendee(p));
			if (!a || !*a || strlen(a) >= cap || (out[0] && strcasecmp(out, a))) {
				rc = E_INVALID;
				goto out;
			}
			if (!out[0]) {
				strcpy(out, a);
				for (char *s = out; *s; s++)
					*s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
				rc = 0;
			}
		}
	}
out:
	icalcomponent_free(root);
	return rc;
}

int ics_reply_read(const char *text, const char *email, struct ics_reply *out)
{
	memset(out, 0, sizeof *out);
	icalcomponent *root = parse(text);
	if (!root)
		return E_INVALID;
	icalproperty *m = icalcomponent_get_first_property(root, ICAL_METHOD_PROPERTY);
	out->method_reply = m && icalproperty_get_method(m) == ICAL_METHOD_REPLY;
	int rc = 0;
	for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); c && !rc;
	     c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		int64_t rid = rid_of(c);
		if (!out->uid && icalcomponent_get_uid(c))
			out->uid = strdup(icalcomponent_get_uid(c));
		icalproperty *o = icalcomponent_get_first_property(c, ICAL_ORGANIZER_PROPERTY);
		if (o && !out->organizer) {
			const char *a = bare(icalproperty_get_organizer(o));
			char *agent = icalproperty_get_parameter_as_string_r(o, "SCHEDULE-AGENT");
			out->organizer = a ? strdup(a) : NULL;
			for (char *s = out->organizer; s && *s; s++)
				*s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
			out->organizer_client = agent && strcasecmp(agent, "SERVER");
			free(agent);
		}
		for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY); p;
		     p = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY)) {
			if (!is_addr(p, email))
				continue;
			out->any = 1;
			if (!rid && !icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY)) {
				if (!out->master)
					out->master = partstat_of(p);
			} else if (rid && out->n < ICS_REPLY_MAX) {
				out->rid[out->n] = rid;
				out->partstat[out->n++] = partstat_of(p);
			}
			break;
		}
	}
	icalcomponent_free(root);
	if (!rc && out->any && ((!out->master && !out->n) || (out->master && !*out->master)))
		rc = E_NOMEM;
	if (rc)
		ics_reply_free(out);
	return rc;
}

static const char *answer_at(const struct ics_reply *r, int64_t rid)
{
	for (size_t i = 0; rid && i < r->n; i++)
		if (r->rid[i] == rid)
			return r->partstat[i];
	return r->master;
}

static int same(const char *a, const char *b)
{
	return !strcasecmp(a ? a : "NEEDS-ACTION", b ? b : "NEEDS-ACTION");
}

int ics_reply_differs(const struct ics_reply *a, const struct ics_reply *b)
{
	if (!same(a->master, b->master))
		return 1;
	for (size_t i = 0; i < a->n; i++)
		if (!same(a->partstat[i], answer_at(b, a->rid[i])))
			return 1;
	for (size_t i = 0; i < b->n; i++)
		if (!same(b->partstat[i], answer_at(a, b->rid[i])))
			return 1;
	return 0;
}

int ics_reply_build(const char *text, const char *email, struct buf *out)
{
	icalcomponent *root = parse(text);
	if (!root)
		return E_INVALID;
	int rc = 0;
	for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); c && !rc;
	     c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		int named = 0;
		icalproperty *next;
		for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY); p; p = next) {
			next = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY);
			if (!named && is_addr(p, email)) {
				named = 1;
				icalproperty_remove_parameter_by_name(p, "SCHEDULE-STATUS");
				continue;
			}
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
		if (!named)
			continue;
		char *s = icalcomponent_as_ical_string_r(c);
		rc = s ? buf_puts(out, s) : E_NOMEM;
		free(s);
	}
	icalcomponent_free(root);
	return rc;
}

static void set_param(icalproperty *p, const char *name, const char *value)
{
	icalproperty_remove_parameter_by_name(p, name);
	icalparameter *x = icalparameter_new_from_value_string(icalparameter_string_to_kind(name), value);
	if (!x) { /* a value this libical does not know (an X- PARTSTAT): kept as text */
		x = icalparameter_new_x(value);
		if (x)
			icalparameter_set_xname(x, name);
	}
	if (x)
		icalproperty_add_parameter(p, x);
}

int ics_reply_apply(const char *organizer_text, const char *default_tz, const struct ics_reply *reply,
		    const char *email, const char *status, struct ics_object **out, struct ics_error *err)
{
	struct buf res = {0};
	int rc = 0;
	*out = NULL;
	memset(err, 0, sizeof *err);
	icalcomponent *root = parse(organizer_text);
	if (!root)
		return ics_err(err, 0, NULL, "the stored event cannot be read"), E_INVALID;
	for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); c && !rc;
	     c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		const char *ps = answer_at(reply, rid_of(c));
		for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY); p && ps;
		     p = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY)) {
			if (!is_addr(p, email))
				continue;
			set_param(p, "PARTSTAT", ps);
			if (status)
				set_param(p, "SCHEDULE-STATUS", status);
		}
		char *s = icalcomponent_as_ical_string_r(c);
		rc = s ? buf_puts(&res, s) : E_NOMEM;
		free(s);
	}
	icalcomponent_free(root);
	if (!rc && res.data && strcmp(res.data, organizer_text))
		rc = ics_parse_flags(res.data, res.len, default_tz, ICS_P_NOLINES, out, err);
	buf_free(&res);
	return rc;
}
