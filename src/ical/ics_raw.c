/* What libical would lose of a calendar, kept: libical 3.0 drops a property
 * with an empty value ("DESCRIPTION:", valid TEXT, common in Google exports),
 * trims the spaces around a TEXT value, refuses a property name it does not
 * know (LINK of RFC 9253, vendor names without "X-") and silently drops an
 * unknown parameter. Before libical reads a content line we mask those (an
 * unknown name gets the prefix MARK, a value it would change becomes
 * "CONVENE-RAW-<hex>"), and after it has read them ics_raw_restore() puts the
 * caller's name and value back in the tree, which libical then writes as is. */
#include "ical/ics_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/errors.h"

#define MARK "X-CONVENE-IANA-"
#define MARK_LEN (sizeof MARK - 1)
#define RAW "CONVENE-RAW-"
#define RAW_LEN (sizeof RAW - 1)

static int is_x_name(const char *s, size_t n)
{
	return n > 2 && !strncasecmp(s, "X-", 2);
}

/* the kind libical gives a property name (ICAL_X_PROPERTY for X- and unknown names) */
static icalproperty_kind prop_kind(const char *s, size_t n)
{
	char name[64];
	if (n >= sizeof name || is_x_name(s, n))
		return ICAL_X_PROPERTY;
	memcpy(name, s, n);
	name[n] = 0;
	icalproperty_kind k = icalproperty_string_to_kind(name);
	return k == ICAL_NO_PROPERTY ? ICAL_X_PROPERTY : k;
}

static int known_param(const char *s, size_t n)
{
	char name[64];
	if (n >= sizeof name)
		return 0;
	memcpy(name, s, n);
	name[n] = 0;
	icalparameter_kind k = icalparameter_string_to_kind(name);
	return k != ICAL_NO_PARAMETER && k != ICAL_X_PARAMETER && k != ICAL_IANA_PARAMETER;
}

/* end of one parameter's values (at ';' or ':' outside quotes) */
static const char *param_end(const char *p)
{
	int q = 0;
	for (; *p; p++) {
		if (*p == '"')
			q = !q;
		else if (!q && (*p == ';' || *p == ':'))
			break;
	}
	return p;
}

static int hex_put(struct buf *b, const char *s)
{
	static const char hx[] = "0123456789abcdef";
	int rc = buf_puts(b, RAW);
	for (; !rc && *s; s++) {
		char two[2] = {hx[(unsigned char)*s >> 4], hx[(unsigned char)*s & 15]};
		rc = buf_append(b, two, 2);
	}
	return rc;
}

int ics_raw_line(struct buf *b, const char *s, int line, struct ics_error *err)
{
	size_t nl = ics_name_len(s);
	const char *val = ics_value_of(s);
	if (!nl || !val || (nl == 5 && !strncasecmp(s, "BEGIN", 5)) || (nl == 3 && !strncasecmp(s, "END", 3)))
		return buf_puts(b, s);
	icalproperty_kind k = prop_kind(s, nl);
	/* a name that already starts with MARK gets it twice: restoring takes one off */
	int rc = 0, unknown = (k == ICAL_X_PROPERTY && !is_x_name(s, nl)) || !strncasecmp(s, MARK, MARK_LEN);
	if (unknown)
		rc = buf_puts(b, MARK);
	if (!rc)
		rc = buf_append(b, s, nl);
	icalvalue_kind vk = k == ICAL_X_PROPERTY ? ICAL_X_VALUE : icalproperty_kind_to_value_kind(k);
	const char *p = s + nl;
	while (!rc && *p == ';') {
		const char *name = p + 1, *e = param_end(name);
		size_t pn = ics_name_len(name);
		if (pn == 5 && !strncasecmp(name, "VALUE", 5) && name[5] == '=') {
			char v[32];
			snprintf(v, sizeof v, "%.*s", (int)(e - name - 6 < 31 ? e - name - 6 : 31), name + 6);
			icalvalue_kind t = icalvalue_string_to_kind(v);
			if (t != ICAL_NO_VALUE && k != ICAL_X_PROPERTY)
				vk = t;
		}
		rc = buf_append(b, ";", 1);
		if (!rc && pn && name[pn] == '=' &&
		    ((!is_x_name(name, pn) && !known_param(name, pn)) || !strncasecmp(name, MARK, MARK_LEN)))
			rc = buf_puts(b, MARK);
		if (!rc)
			rc = buf_append(b, name, (size_t)(e - name));
		p = e;
	}
	if (rc)
		return rc;
	size_t vl = strlen(val);
	int edged = !vl || val[0] == ' ' || val[0] == '\t' || val[vl - 1] == ' ' || val[vl - 1] == '\t' ||
		    !strncmp(val, RAW, RAW_LEN); /* a value that looks masked is masked, to come back as it is */
	int text = vk == ICAL_TEXT_VALUE || vk == ICAL_X_VALUE;
	if (!vl && !text) {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(nl < 63 ? nl : 63), s);
		for (char *c = name; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		return ics_err(err, line, name, "the value is empty"), E_INVALID;
	}
	rc = buf_append(b, ":", 1);
	if (!rc)
		rc = edged && text ? hex_put(b, val) : buf_puts(b, val);
	return rc;
}

static int unhex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static char *raw_of(const char *s)
{
	if (!s || strncmp(s, RAW, RAW_LEN))
		return NULL;
	s += RAW_LEN;
	size_t n = strlen(s) / 2;
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int h = unhex(s[2 * i]), l = unhex(s[2 * i + 1]);
		if (h < 0 || l < 0) {
			free(out);
			return NULL;
		}
		out[i] = (char)(h << 4 | l);
	}
	out[n] = 0;
	return out;
}

static void restore_prop(icalproperty *p)
{
	const char *xn = icalproperty_isa(p) == ICAL_X_PROPERTY ? icalproperty_get_x_name(p) : NULL;
	if (xn && !strncmp(xn, MARK, MARK_LEN)) {
		char *n = strdup(xn + MARK_LEN);
		if (n)
			icalproperty_set_x_name(p, n);
		free(n);
	}
	for (icalparameter *a = icalproperty_get_first_parameter(p, ICAL_X_PARAMETER); a;
	     a = icalproperty_get_next_parameter(p, ICAL_X_PARAMETER)) {
		const char *an = icalparameter_get_xname(a);
		if (an && !strncmp(an, MARK, MARK_LEN)) {
			char *n = strdup(an + MARK_LEN);
			if (n)
				icalparameter_set_xname(a, n);
			free(n);
		}
	}
	icalvalue *v = icalproperty_get_value(p);
	if (!v)
		return;
	icalvalue_kind vk = icalvalue_isa(v);
	char *raw = vk == ICAL_TEXT_VALUE ? raw_of(icalvalue_get_text(v))
		    : vk == ICAL_X_VALUE  ? raw_of(icalvalue_get_x(v))
					  : NULL;
	if (!raw)
		return;
	icalvalue *nv = vk == ICAL_TEXT_VALUE ? icalvalue_new_from_string(ICAL_TEXT_VALUE, raw) : icalvalue_new_x(raw);
	if (nv)
		icalproperty_set_value(p, nv);
	free(raw);
}

/* libical's parameter errors leave the property in place, without the
 * malformed parameter ("ATTENDEE;FOO:mailto:…"): warnings, dropped; every
 * other X-LIC-ERROR lost a property or a component and stays, for the caller
 * to refuse */
static int warning(icalproperty *p)
{
	icalparameter *t = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);
	if (!t)
		return 0;
	icalparameter_xlicerrortype e = icalparameter_get_xlicerrortype(t);
	return e == ICAL_XLICERRORTYPE_PARAMETERNAMEPARSEERROR || e == ICAL_XLICERRORTYPE_PARAMETERVALUEPARSEERROR;
}

void ics_raw_restore(icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY);
	while (p) {
		icalproperty *next = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY);
		if (icalproperty_isa(p) == ICAL_XLICERROR_PROPERTY) {
			if (warning(p)) {
				icalcomponent_remove_property(c, p);
				icalproperty_free(p);
			}
		} else {
			restore_prop(p);
		}
		p = next;
	}
	for (icalcomponent *s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
	     s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		ics_raw_restore(s);
}

icalcomponent *ics_raw_parse(const char *text)
{
	struct ics_lines L = {0};
	struct buf b = {0};
	icalcomponent *root = NULL;
	int rc = ics_unfold(text, strlen(text), &L, NULL);
	for (size_t i = 0; !rc && i < L.n; i++) {
		size_t at = b.len;
		if ((rc = ics_raw_line(&b, L.v[i].s, L.v[i].line, NULL)) == E_INVALID) {
			b.len = at; /* as it is: libical's X-LIC-ERROR then tells the caller */
			rc = buf_puts(&b, L.v[i].s);
		}
		if (!rc)
			rc = buf_append(&b, "\r\n", 2);
	}
	if (!rc && b.data && (root = icalparser_parse_string(b.data)))
		ics_raw_restore(root);
	buf_free(&b);
	free(L.v);
	free(L.buf);
	return root;
}
