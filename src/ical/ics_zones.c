/* Time zone names and the zones clients define (see ics_zones.h): the alias
 * table is built once at ics_init from tzdata's links, ICU's old names and
 * ICU's Windows mapping (CLDR windowsZones), so a lookup is two binary
 * searches; a client's VTIMEZONE is checked and clamped before libical
 * expands it, because libical walks every observance rule from its DTSTART
 * and a rule every second since year 1 would never end. */
#include "ical/ics_zones.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>

#include "ical/ics_impl.h"
#include "core/buf.h"
#include "core/errors.h"

/* ---- names ---- */

static const char **tab; /* the zone table's names, sorted */
static size_t ntab;

struct alias {
	char *name;
	const char *target; /* a name of tab */
};
static struct alias *al;
static size_t nal, capal;

/* names of UTC that no zone table lists */
static const char *const utc_names[] = {
	"Etc/UTC",   "Etc/UCT",       "Etc/GMT",   "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Universal",
	"Etc/Zulu",  "Etc/Greenwich", "GMT",       "GMT0",     "GMT+0",     "GMT-0",     "UCT",
	"Universal", "Zulu",          "Greenwich", "Z",        NULL};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_alias(const void *a, const void *b)
{
	return strcmp(((const struct alias *)a)->name, ((const struct alias *)b)->name);
}

static const char *exact(const char *name)
{
	const char **hit = tab ? bsearch(&name, tab, ntab, sizeof *tab, cmp_str) : NULL;
	return hit ? *hit : NULL;
}

static const char *known(const char *name)
{
	const char *r = exact(name);
	if (r)
		return r;
	for (int i = 0; utc_names[i]; i++)
		if (!strcmp(name, utc_names[i]))
			return exact("UTC");
	struct alias key = {.name = (char *)name};
	struct alias *a = al ? bsearch(&key, al, nal, sizeof *al, cmp_alias) : NULL;
	return a ? a->target : NULL;
}

static void add_alias(const char *name, const char *target)
{
	if (!target || !*name || known(name))
		return;
	if (nal == capal) {
		size_t cap = capal ? capal * 2 : 256;
		struct alias *t = realloc(al, sizeof *t * cap);
		if (!t)
			return;
		al = t;
		capal = cap;
	}
	if ((al[nal].name = strdup(name)))
		al[nal++].target = target;
}

/* entries of one phase are appended unsorted: sort, and keep the first of a name */
static void sort_aliases(void)
{
	if (!nal)
		return;
	qsort(al, nal, sizeof *al, cmp_alias);
	size_t k = 1;
	for (size_t i = 1; i < nal; i++) {
		if (!strcmp(al[i].name, al[k - 1].name))
			free(al[i].name);
		else
			al[k++] = al[i];
	}
	nal = k;
}

static const char *zone_dir(void)
{
	const char *d = icaltzutil_get_zone_directory();
	return d && *d ? d : "/usr/share/zoneinfo";
}

/* tzdata's own links ("L America/New_York US/Eastern") */
static void load_tzdata_links(void)
{
	char path[PATH_MAX], line[512], target[200], link[200];
	snprintf(path, sizeof path, "%s/tzdata.zi", zone_dir());
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f))
		if (line[0] == 'L' && sscanf(line, "L %199s %199s", target, link) == 2)
			add_alias(link, known(target));
	fclose(f);
	sort_aliases();
}

/* a name that is a symbolic link in the zoneinfo directory to a zone we know */
static const char *via_file(const char *name)
{
	char path[PATH_MAX], real[PATH_MAX], dir[PATH_MAX];
	if (!*name || strstr(name, "..") || name[0] == '/' || !realpath(zone_dir(), dir))
		return NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	size_t n = strlen(dir);
	if (!realpath(path, real) || strncmp(real, dir, n) || real[n] != '/')
		return NULL;
	return exact(real + n + 1);
}

static int u_to_c(const UChar *u, int32_t n, char *out, size_t cap)
{
	if (n <= 0 || (size_t)n >= cap)
		return 0;
	u_austrncpy(out, u, n);
	out[n] = 0;
	return 1;
}

/* ICU's old names and Windows names, each to a zone of the table */
static void load_icu(int windows)
{
	UErrorCode e = U_ZERO_ERROR;
	UEnumeration *en = ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_ANY, NULL, NULL, &e);
	if (U_FAILURE(e) || !en)
		return;
	const char *id;
	int32_t len;
	while ((id = uenum_next(en, &len, &e)) && U_SUCCESS(e)) {
		UChar uid[128], out[128];
		char c[128];
		if (len <= 0 || len >= 127)
			continue;
		u_uastrncpy(uid, id, len);
		uid[len] = 0;
		UErrorCode e2 = U_ZERO_ERROR;
		if (!windows) {
			if (known(id))
				continue;
			UBool sys;
			int32_t n = ucal_getCanonicalTimeZoneID(uid, len, out, 128, &sys, &e2);
			const char *t = U_SUCCESS(e2) && u_to_c(out, n, c, sizeof c) ? known(c) : NULL;
			if (!t)
				t = via_file(id);
			if (!t && U_SUCCESS(e2) && c[0])
				t = via_file(c);
			add_alias(id, t);
		} else {
			int32_t n = ucal_getWindowsTimeZoneID(uid, len, out, 128, &e2);
			char w[128];
			if (U_FAILURE(e2) || !u_to_c(out, n, w, sizeof w) || known(w))
				continue;
			/* the zone CLDR gives for the Windows name itself (territory 001) */
			UChar uw[128];
			u_uastrncpy(uw, w, (int32_t)strlen(w));
			e2 = U_ZERO_ERROR;
			n = ucal_getTimeZoneIDForWindowsID(uw, (int32_t)strlen(w), NULL, out, 128, &e2);
			if (U_SUCCESS(e2) && u_to_c(out, n, c, sizeof c))
				add_alias(w, known(c));
		}
	}
	uenum_close(en);
	sort_aliases();
}

void ics_zones_init(const char *const *names, size_t n)
{
	tab = malloc(sizeof *tab * (n ? n : 1));
	if (!tab)
		return;
	for (size_t i = 0; i < n; i++)
		tab[ntab++] = names[i];
	qsort(tab, ntab, sizeof *tab, cmp_str);
	load_tzdata_links();
	load_icu(0);
	load_icu(1);
}

/* Outlook's display names, "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, ...":
 * a listed city that names a zone with that standard offset, or for the
 * names without a city, the Windows zone they describe */
static const struct {
	const char *text, *windows;
} display_names[] = {
	{"Coordinated Universal Time", "UTC"},
	{"Eastern Time (US & Canada)", "Eastern Standard Time"},
	{"Central Time (US & Canada)", "Central Standard Time"},
	{"Mountain Time (US & Canada)", "Mountain Standard Time"},
	{"Pacific Time (US & Canada)", "Pacific Standard Time"},
	{"Atlantic Time (Canada)", "Atlantic Standard Time"},
	{"Alaska", "Alaskan Standard Time"},
	{"Hawaii", "Hawaiian Standard Time"},
	{"Arizona", "US Mountain Standard Time"},
	{"Indiana (East)", "US Eastern Standard Time"},
	{"Saskatchewan", "Canada Central Standard Time"},
	{"Newfoundland", "Newfoundland Standard Time"},
	{"Central America", "Central America Standard Time"},
	{"Baja California", "Pacific Standard Time (Mexico)"},
	{"Greenland", "Greenland Standard Time"},
	{"Coordinated Universal Time-11", "UTC-11"},
	{"Coordinated Universal Time-09", "UTC-09"},
	{"Coordinated Universal Time-08", "UTC-08"},
	{"Coordinated Universal Time-02", "UTC-02"},
	{"Coordinated Universal Time+12", "UTC+12"},
	{"Coordinated Universal Time+13", "UTC+13"},
};

static int std_offset(const char *name)
{
	icaltimezone *z = ics_zone(name);
	if (!z || z == icaltimezone_get_utc_timezone())
		return 0;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	struct icaltimetype t = icaltime_null_time();
	t.year = tm.tm_year + 1900;
	t.day = 1;
	t.month = 1;
	int dst, jan = icaltimezone_get_utc_offset_of_utc_time(z, &t, &dst);
	t.month = 7;
	int jul = icaltimezone_get_utc_offset_of_utc_time(z, &t, &dst);
	return jan < jul ? jan : jul;
}

static const char *city_zone(const char *city, size_t n, int offset)
{
	char want[64];
	if (!n || n >= sizeof want)
		return NULL;
	for (size_t i = 0; i < n; i++)
		want[i] = city[i] == ' ' ? '_' : city[i];
	want[n] = 0;
	for (size_t pass = 0; pass < 2; pass++) {
		size_t count = pass ? nal : ntab;
		for (size_t i = 0; i < count; i++) {
			const char *name = pass ? al[i].name : tab[i], *slash = strrchr(name, '/');
			if (!slash || strcasecmp(slash + 1, want))
				continue;
			const char *t = pass ? al[i].target : name;
			if (std_offset(t) == offset)
				return t;
		}
	}
	return NULL;
}

static const char *display(const char *tzid)
{
	if (strncmp(tzid, "(UTC", 4) && strncmp(tzid, "(GMT", 4))
		return NULL;
	const char *p = tzid + 4;
	int offset = 0;
	if (*p == '+' || *p == '-') {
		int h, m, k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &m, &k) != 2 || k != 5)
			return NULL;
		offset = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
		p += 6;
	}
	if (*p != ')')
		return NULL;
	for (p++; *p == ' '; p++)
		;
	for (size_t i = 0; i < sizeof display_names / sizeof display_names[0]; i++)
		if (!strcasecmp(p, display_names[i].text))
			return known(display_names[i].windows);
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *s = p, *e = p + n;
		while (s < e && *s == ' ')
			s++;
		while (e > s && e[-1] == ' ')
			e--;
		const char *t = city_zone(s, (size_t)(e - s), offset);
		if (t)
			return t;
		p += n;
		if (*p == ',')
			p++;
	}
	return NULL;
}

const char *ics_zone_resolve(const char *tzid)
{
	if (!tzid || !*tzid)
		return NULL;
	const char *r = known(tzid);
	for (const char *p = strchr(tzid, '/'); !r && p; p = strchr(p + 1, '/'))
		r = known(p + 1);
	return r ? r : display(tzid);
}

int ics_tz_windows(const char *tzid, char *out, size_t n)
{
	if (n)
		*out = 0;
	size_t len = tzid ? strlen(tzid) : 0;
	UChar uid[128], w[128];
	if (!len || len >= sizeof uid / sizeof *uid)
		return 0;
	u_uastrncpy(uid, tzid, (int32_t)len);
	UErrorCode e = U_ZERO_ERROR;
	int32_t got = ucal_getWindowsTimeZoneID(uid, (int32_t)len, w, 128, &e);
	return U_SUCCESS(e) && u_to_c(w, got, out, n);
}

/* ---- client VTIMEZONEs ---- */

static int refuse(char *why, size_t n, const char *tzid, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int refuse(char *why, size_t n, const char *tzid, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(why, n, "VTIMEZONE '%.60s': %s", tzid, what);
	return E_INVALID;
}

static int count_by(const short *v, int size)
{
	int n = 0;
	while (n < size && v[n] != ICAL_RECURRENCE_ARRAY_MAX)
		n++;
	return n;
}

/* the shapes of rule real zones use: yearly, in one month, by weekday and day of month */
static int check_rule(const struct icalrecurrencetype *r, const char *kind, const char *tzid, char *why, size_t n)
{
	if (r->freq != ICAL_YEARLY_RECURRENCE)
		return refuse(why, n, tzid, "the RRULE of a %s must be FREQ=YEARLY (%s)", kind,
			      icalrecur_freq_to_string(r->freq) ? icalrecur_freq_to_string(r->freq) : "no FREQ");
	if (r->rscale)
		return refuse(why, n, tzid, "the RRULE of a %s may not use RSCALE", kind);
	if (count_by(r->by_second, ICAL_BY_SECOND_SIZE) || count_by(r->by_minute, ICAL_BY_MINUTE_SIZE) ||
	    count_by(r->by_hour, ICAL_BY_HOUR_SIZE) || count_by(r->by_year_day, ICAL_BY_YEARDAY_SIZE) ||
	    count_by(r->by_week_no, ICAL_BY_WEEKNO_SIZE) || count_by(r->by_set_pos, ICAL_BY_SETPOS_SIZE))
		return refuse(why, n, tzid, "the RRULE of a %s may use only BYMONTH, BYDAY and BYMONTHDAY", kind);
	int nm = count_by(r->by_month, ICAL_BY_MONTH_SIZE);
	if (nm > 1)
		return refuse(why, n, tzid, "the RRULE of a %s names more than one month", kind);
	int month = nm ? r->by_month[0] : 0;
	if (month < 0 || month > 12)
		return refuse(why, n, tzid, "BYMONTH=%d is not a month", month);
	int days = month ? icaltime_days_in_month(month, 2000) : 31;
	for (int i = 0; i < count_by(r->by_month_day, ICAL_BY_MONTHDAY_SIZE); i++) {
		int d = r->by_month_day[i];
		if (!d || d > days || d < -days)
			return refuse(why, n, tzid, "BYMONTHDAY=%d is not a day of %s", d,
				      month ? "that month" : "a month");
	}
	for (int i = 0; i < count_by(r->by_day, ICAL_BY_DAY_SIZE); i++) {
		int pos = icalrecurrencetype_day_position(r->by_day[i]);
		if (pos > (month ? 5 : 53) || pos < -(month ? 5 : 53))
			return refuse(why, n, tzid, "BYDAY position %d does not exist", pos);
	}
	return 0;
}

/* walks one rule to the end of 2100 as libical will, refusing more than
 * ICS_VTZ_PER_YEAR onsets in a year or *steps past ICS_VTZ_STEPS; gives the
 * first onset from ICS_VTZ_MIN_YEAR on and how many came before it */
static int walk_rule(struct icalrecurrencetype r, struct icaltimetype start, const char *tzid, long *steps,
		     struct icaltimetype *first, struct icaltimetype *last_before, int *nbefore, char *why, size_t n)
{
	icalrecur_iterator *it = icalrecur_iterator_new(r, start);
	if (!it)
		return refuse(why, n, tzid, "an RRULE cannot be expanded from its DTSTART");
	int year = INT_MIN, in_year = 0, rc = 0;
	*first = icaltime_null_time();
	*last_before = icaltime_null_time();
	*nbefore = 0;
	for (;;) {
		struct icaltimetype t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t) || t.year > 2100)
			break;
		if (++*steps > ICS_VTZ_STEPS) {
			rc = refuse(why, n, tzid, "its rules have more than %d onsets up to 2100", ICS_VTZ_STEPS);
			break;
		}
		if (t.year != year) {
			year = t.year;
			in_year = 0;
		}
		if (++in_year > ICS_VTZ_PER_YEAR) {
			rc = refuse(why, n, tzid, "an RRULE changes the offset more than %d times in %d",
				    ICS_VTZ_PER_YEAR, year);
			break;
		}
		if (t.year < ICS_VTZ_MIN_YEAR) {
			*last_before = t;
			++*nbefore;
		} else if (icaltime_is_null_time(*first)) {
			*first = t;
		}
	}
	icalrecur_iterator_free(it);
	return rc;
}

/* one STANDARD or DAYLIGHT: checked; a rule starting before ICS_VTZ_MIN_YEAR
 * is restarted at its first onset from then on (so that every later
 * expansion starts there), or dropped for its last onset when it ended before */
static int check_observance(icalcomponent *o, const char *tzid, long *steps, int *open, size_t *rdates, char *why,
			    size_t n)
{
	const char *kind = icalcomponent_isa(o) == ICAL_XSTANDARD_COMPONENT ? "STANDARD" : "DAYLIGHT";
	icalproperty *ds = icalcomponent_get_first_property(o, ICAL_DTSTART_PROPERTY);
	if (!ds)
		return refuse(why, n, tzid, "a %s has no DTSTART", kind);
	struct icaltimetype st = icalproperty_get_dtstart(ds);
	if (icaltime_is_null_time(st) || st.is_date || !icaltime_is_valid_time(st))
		return refuse(why, n, tzid, "the DTSTART of a %s must be a local date-time", kind);
	icalproperty *from = icalcomponent_get_first_property(o, ICAL_TZOFFSETFROM_PROPERTY);
	icalproperty *to = icalcomponent_get_first_property(o, ICAL_TZOFFSETTO_PROPERTY);
	if (!from || !to)
		return refuse(why, n, tzid, "a %s needs TZOFFSETFROM and TZOFFSETTO", kind);
	int f = icalproperty_get_tzoffsetfrom(from), t = icalproperty_get_tzoffsetto(to);
	if (f <= -86400 || f >= 86400 || t <= -86400 || t >= 86400)
		return refuse(why, n, tzid, "an offset of a %s is a day or more", kind);
	*rdates += (size_t)icalcomponent_count_properties(o, ICAL_RDATE_PROPERTY);
	if (*rdates > ICS_VTZ_RDATE_MAX)
		return refuse(why, n, tzid, "more than %d RDATEs", ICS_VTZ_RDATE_MAX);
	int nr = icalcomponent_count_properties(o, ICAL_RRULE_PROPERTY);
	if (icalcomponent_count_properties(o, ICAL_EXRULE_PROPERTY))
		return refuse(why, n, tzid, "EXRULE is not supported in a %s", kind);
	if (nr > 1)
		return refuse(why, n, tzid, "a %s has more than one RRULE", kind);
	if (!nr)
		return 0;
	icalproperty *rp = icalcomponent_get_first_property(o, ICAL_RRULE_PROPERTY);
	struct icalrecurrencetype r = icalproperty_get_rrule(rp);
	int rc = check_rule(&r, kind, tzid, why, n);
	if (rc)
		return rc;
	if (!r.count && icaltime_is_null_time(r.until) && ++*open > ICS_VTZ_OPEN_MAX)
		return refuse(why, n, tzid, "more than %d RRULEs without an end", ICS_VTZ_OPEN_MAX);
	struct icaltimetype first, last;
	int before = 0;
	if ((rc = walk_rule(r, st, tzid, steps, &first, &last, &before, why, n)))
		return rc;
	if (st.year >= ICS_VTZ_MIN_YEAR)
		return 0;
	if (icaltime_is_null_time(first)) {
		icalcomponent_remove_property(o, rp);
		icalproperty_free(rp);
		if (!icaltime_is_null_time(last))
			icalproperty_set_dtstart(ds, last);
		return 0;
	}
	icalproperty_set_dtstart(ds, first);
	if (r.count) {
		r.count -= before;
		icalproperty_set_rrule(rp, r);
	}
	return 0;
}

static int bound_vtz(icalcomponent *c, const char *tzid, char *why, size_t n)
{
	icalcomponent *sub, *drop[64];
	int nobs = 0, open = 0, ndrop = 0, rc = 0;
	size_t rdates = 0;
	long steps = 0;
	/* what libical would not read anyway goes: only observances are kept */
	do {
		ndrop = 0;
		for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub && ndrop < 64;
		     sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
			if (icalcomponent_isa(sub) != ICAL_XSTANDARD_COMPONENT &&
			    icalcomponent_isa(sub) != ICAL_XDAYLIGHT_COMPONENT)
				drop[ndrop++] = sub;
		for (int i = 0; i < ndrop; i++) {
			icalcomponent_remove_component(c, drop[i]);
			icalcomponent_free(drop[i]);
		}
	} while (ndrop == 64);
	for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); !rc && sub;
	     sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
		if (++nobs > ICS_VTZ_OBS_MAX)
			return refuse(why, n, tzid, "more than %d STANDARD and DAYLIGHT components", ICS_VTZ_OBS_MAX);
		rc = check_observance(sub, tzid, &steps, &open, &rdates, why, n);
	}
	if (!rc && !nobs)
		rc = refuse(why, n, tzid, "no STANDARD or DAYLIGHT component");
	return rc;
}

/* zones shared between objects: key is the VTIMEZONE as sent */
#define CACHE_SLOTS 2048
#define CACHE_MAX 1024
struct cached {
	char *key, *text;
	icaltimezone *z;
};
static struct cached cache[CACHE_SLOTS];
static size_t ncached;
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(const char *key)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	size_t i = (size_t)(h % CACHE_SLOTS);
	while (cache[i].key && strcmp(cache[i].key, key))
		i = (i + 1) % CACHE_SLOTS;
	return i;
}

/* an iterator of our own: the root's built-in one is the caller's, in the middle of its VEVENTs */
static icalcomponent *find_vtz(icalcomponent *root, const char *tzid)
{
	icalcompiter it = icalcomponent_begin_component(root, ICAL_VTIMEZONE_COMPONENT);
	for (icalcomponent *c; (c = icalcompiter_deref(&it)); icalcompiter_next(&it)) {
		icalproperty *p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
		const char *t = p ? icalproperty_get_tzid(p) : NULL;
		if (t && !strcmp(t, tzid))
			return c;
	}
	return NULL;
}

int ics_vtzs_get(struct ics_vtzs *s, icalcomponent *root, const char *tzid, icaltimezone **z, char *why, size_t n)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].tzid, tzid)) {
			*z = s->v[i].z;
			return 1;
		}
	icalcomponent *vtz = find_vtz(root, tzid);
	if (!vtz)
		return 0;
	if (s->n >= ICS_VTZ_PER_OBJECT)
		return refuse(why, n, tzid, "an event may use at most %d time zones of its own", ICS_VTZ_PER_OBJECT);
	struct ics_vtz *g = realloc(s->v, sizeof *g * (s->n + 1));
	if (!g)
		return E_NOMEM;
	s->v = g;
	struct ics_vtz v = {.tzid = strdup(tzid)};
	char *key = icalcomponent_as_ical_string_r(vtz);
	icalcomponent *c = NULL;
	int rc = v.tzid && key ? 0 : E_NOMEM;
	if (!rc) {
		pthread_mutex_lock(&cache_mu);
		size_t i = slot_of(key);
		if (cache[i].key) {
			v.z = cache[i].z;
			v.text = strdup(cache[i].text);
		}
		pthread_mutex_unlock(&cache_mu);
		if (v.z && !v.text)
			rc = E_NOMEM;
	}
	if (!rc && !v.z) {
		if (!(c = icalcomponent_new_clone(vtz)))
			rc = E_NOMEM;
		else if (!(rc = bound_vtz(c, tzid, why, n)) && !(v.text = icalcomponent_as_ical_string_r(c)))
			rc = E_NOMEM;
		if (!rc && !(v.z = icaltimezone_new()))
			rc = E_NOMEM;
		if (!rc && !icaltimezone_set_component(v.z, c)) {
			icaltimezone_free(v.z, 1); /* without the component, which stays ours */
			v.z = NULL;
			rc = E_NOMEM;
		}
		if (!rc) {
			c = NULL; /* the zone has it */
			pthread_mutex_lock(&cache_mu);
			size_t i = slot_of(key);
			if (!cache[i].key && ncached < CACHE_MAX && (cache[i].text = strdup(v.text))) {
				cache[i].key = key;
				cache[i].z = v.z;
				key = NULL;
				ncached++;
			} else {
				v.owned = 1;
			}
			pthread_mutex_unlock(&cache_mu);
		}
	}
	if (c)
		icalcomponent_free(c);
	free(key);
	if (rc) {
		free(v.tzid);
		free(v.text);
		return rc;
	}
	s->v[s->n++] = v;
	*z = v.z;
	return 1;
}

int ics_vtzs_write(const struct ics_vtzs *s, struct buf *b)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < s->n; i++)
		rc = buf_puts(b, s->v[i].text);
	return rc;
}

void ics_vtzs_free(struct ics_vtzs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].owned)
			icaltimezone_free(s->v[i].z, 1);
		free(s->v[i].tzid);
		free(s->v[i].text);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int ics_vtzs_copy(icalcomponent *root, struct buf *b)
{
	int rc = 0;
	icalcompiter it = icalcomponent_begin_component(root, ICAL_VTIMEZONE_COMPONENT);
	for (icalcomponent *c; !rc && (c = icalcompiter_deref(&it)); icalcompiter_next(&it)) {
		char *s = icalcomponent_as_ical_string_r(c);
		rc = s ? buf_puts(b, s) : E_NOMEM;
		free(s);
	}
	return rc;
}

size_t ics_vtzs_prefix(const char *text)
{
	const char *p = text;
	while (!strncmp(p, "BEGIN:VTIMEZONE\r\n", 17)) {
		const char *e = strstr(p, "\r\nEND:VTIMEZONE\r\n");
		if (!e)
			break;
		p = e + 17;
	}
	return (size_t)(p - text);
}

/* ---- feeds ---- */

/* the TZID of one stored VTIMEZONE block (its lines unfolded), in out */
static int block_tzid(const char *b, size_t n, char *out, size_t cap)
{
	const char *p = NULL;
	for (const char *q = b; q && q < b + n; q = strstr(q, "\r\n")) {
		if (q != b)
			q += 2;
		if (!strncmp(q, "TZID:", 5)) {
			p = q + 5;
			break;
		}
	}
	size_t k = 0;
	while (p && p < b + n && k + 1 < cap) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 3;
			continue;
		}
		if (p[0] == '\r')
			break;
		out[k++] = *p++;
	}
	out[k] = 0;
	return p && k ? 0 : E_INVALID;
}

static int has_tzid(const struct buf *zones, const char *tzid)
{
	char line[300];
	snprintf(line, sizeof line, "BEGIN:VTIMEZONE\r\nTZID:%s\r\n", tzid);
	return zones->data && strstr(zones->data, line) != NULL;
}

/* text with every TZID=from parameter (quoted or not) naming to, unfolded */
static char *rename_tzid(const char *text, const char *from, const char *to)
{
	struct buf b = {0};
	const char *forms[2][2] = {{"TZID=\"%s\"", "TZID=\"%s\""}, {"TZID=%s", "TZID=\"%s\""}};
	for (const char *p = text; *p;) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
			p += 3;
			continue;
		}
		int done = 0;
		for (int f = 0; f < 2 && !done; f++) {
			char pat[300];
			snprintf(pat, sizeof pat, forms[f][0], from);
			size_t l = strlen(pat);
			if (!strncmp(p, pat, l) && (p[l] == ':' || p[l] == ';')) {
				buf_printf(&b, forms[f][1], to);
				p += l;
				done = 1;
			}
		}
		if (!done)
			buf_append(&b, p++, 1);
	}
	return b.data;
}

/* The VTIMEZONEs stored text begins with go to zones once each (a TZID
 * another definition already took there is renamed "TZID (2)", in the block
 * and in the events' parameters, as RFC 5545 wants one definition per TZID
 * in an object); the rest goes to body. */
int ics_feed_append(struct buf *zones, struct buf *body, const char *text)
{
	size_t n = ics_vtzs_prefix(text);
	char *ev = NULL;
	int rc = 0;
	for (const char *p = text; !rc && p < text + n;) {
		const char *e = strstr(p, "\r\nEND:VTIMEZONE\r\n") + 17;
		char blk_tzid[200], name[240];
		struct buf blk = {0};
		buf_append(&blk, p, (size_t)(e - p));
		p = e;
		if (!blk.data || (zones->data && strstr(zones->data, blk.data))) {
			buf_free(&blk);
			continue;
		}
		if (block_tzid(blk.data, blk.len, blk_tzid, sizeof blk_tzid) || !has_tzid(zones, blk_tzid)) {
			rc = buf_append(zones, blk.data, blk.len);
			buf_free(&blk);
			continue;
		}
		/* the block's TZID line (maybe folded) becomes "TZID (k)": the first
		 * k that another event gave this definition already, or a free one */
		const char *rest = strstr(blk.data + 17, "\r\n");
		while (rest && (rest[2] == ' ' || rest[2] == '\t'))
			rest = strstr(rest + 2, "\r\n");
		for (int k = 2; rest && !rc && k < 1000; k++) {
			struct buf rb = {0};
			snprintf(name, sizeof name, "%s (%d)", blk_tzid, k);
			buf_printf(&rb, "BEGIN:VTIMEZONE\r\nTZID:%s", name);
			buf_puts(&rb, rest);
			int same = rb.data && zones->data && strstr(zones->data, rb.data);
			int free_name = !same && !has_tzid(zones, name);
			if (!rb.data)
				rc = E_NOMEM;
			else if (free_name)
				rc = buf_append(zones, rb.data, rb.len);
			buf_free(&rb);
			if (same || free_name)
				break;
		}
		char *r = rename_tzid(ev ? ev : text + n, blk_tzid, name);
		free(ev);
		ev = r;
		if (!ev)
			rc = E_NOMEM;
		buf_free(&blk);
	}
	if (!rc)
		rc = buf_puts(body, ev ? ev : text + n);
	free(ev);
	return rc;
}
