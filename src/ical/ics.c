/* iCalendar time zones and feed framing: ics_init loads every libical builtin
 * zone (from the system zoneinfo) and renders every VTIMEZONE once, before
 * worker threads start, so later calls only read. Wall time <-> UTC goes
 * through libical's offsets (which it guards with its own mutex). */
#include "ical/ics_impl.h"
#include "ical/ics_zones.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/errors.h"

struct zone_ent {
	const char *name; /* libical's location, e.g. "Europe/Paris" */
	icaltimezone *z;
	char *vtimezone; /* CRLF text, TZID = name */
};
static struct zone_ent *zones;
static size_t nzones;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct zone_ent *)a)->name, ((const struct zone_ent *)b)->name);
}

/* libical names zones "/freeassociation.sourceforge.net/Europe/Paris"; feeds say "Europe/Paris" */
static char *render_vtimezone(icaltimezone *z, const char *name)
{
	icalcomponent *src = icaltimezone_get_component(z);
	if (!src)
		return NULL;
	icalcomponent *c = icalcomponent_new_clone(src);
	if (!c)
		return NULL;
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
	if (p)
		icalproperty_set_tzid(p, name);
	/* history before 1970 only makes the text long: nothing we store starts there */
	icaltimezone_truncate_vtimezone(c, icaltime_from_string("19700101T000000Z"), icaltime_null_time(), 0);
	char *s = icalcomponent_as_ical_string_r(c);
	icalcomponent_free(c);
	return s;
}

/* fixed offsets (Windows "UTC-11" is Etc/GMT+11): not in zone.tab, so libical
 * loads them on request, which adds to its list; done here, before any thread */
static const char *const etc_zones[] = {
	"Etc/GMT+1",  "Etc/GMT+2",  "Etc/GMT+3",  "Etc/GMT+4",  "Etc/GMT+5",  "Etc/GMT+6", "Etc/GMT+7",
	"Etc/GMT+8",  "Etc/GMT+9",  "Etc/GMT+10", "Etc/GMT+11", "Etc/GMT+12", "Etc/GMT-1", "Etc/GMT-2",
	"Etc/GMT-3",  "Etc/GMT-4",  "Etc/GMT-5",  "Etc/GMT-6",  "Etc/GMT-7",  "Etc/GMT-8", "Etc/GMT-9",
	"Etc/GMT-10", "Etc/GMT-11", "Etc/GMT-12", "Etc/GMT-13", "Etc/GMT-14", NULL};

static void init_zones(void)
{
	icaltimezone *extra[sizeof etc_zones / sizeof etc_zones[0]] = {0};
	for (size_t i = 0; etc_zones[i]; i++)
		extra[i] = icaltimezone_get_builtin_timezone(etc_zones[i]);
	icalarray *all = icaltimezone_get_builtin_timezones();
	if (!all || !all->num_elements) {
		init_rc = E_IO;
		return;
	}
	zones = calloc(all->num_elements + 1 + sizeof etc_zones / sizeof etc_zones[0], sizeof *zones);
	if (!zones) {
		init_rc = E_NOMEM;
		return;
	}
	for (size_t i = 0; i < all->num_elements; i++) {
		icaltimezone *z = icalarray_element_at(all, i);
		/* loads the zone and expands its changes now, not in a worker thread
		 * (loading replaces the location string: copy it after) */
		struct icaltimetype t = icaltime_from_timet_with_zone(0, 0, NULL);
		int dst;
		icaltimezone_get_utc_offset_of_utc_time(z, &t, &dst);
		const char *loc = icaltimezone_get_location(z);
		char *name = loc ? strdup(loc) : NULL;
		if (!name)
			continue;
		zones[nzones].name = name;
		zones[nzones].z = z;
		zones[nzones].vtimezone = render_vtimezone(z, name);
		nzones++;
	}
	for (size_t i = 0; etc_zones[i]; i++) {
		int listed = !extra[i];
		for (size_t k = 0; !listed && k < nzones; k++)
			listed = zones[k].z == extra[i] || !strcmp(zones[k].name, etc_zones[i]);
		if (listed)
			continue;
		struct icaltimetype t = icaltime_from_timet_with_zone(0, 0, NULL);
		int dst;
		icaltimezone_get_utc_offset_of_utc_time(extra[i], &t, &dst);
		zones[nzones].name = etc_zones[i];
		zones[nzones].z = extra[i];
		zones[nzones].vtimezone = render_vtimezone(extra[i], etc_zones[i]);
		nzones++;
	}
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	zones[nzones].name = "UTC";
	zones[nzones].z = utc;
	zones[nzones].vtimezone = strdup("BEGIN:VTIMEZONE\r\nTZID:UTC\r\nBEGIN:STANDARD\r\n"
					 "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\n"
					 "TZOFFSETTO:+0000\r\nTZNAME:UTC\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n");
	nzones++;
	qsort(zones, nzones, sizeof *zones, by_name);
	const char **names = malloc(sizeof *names * nzones);
	for (size_t i = 0; names && i < nzones; i++)
		names[i] = zones[i].name;
	ics_zones_init(names, names ? nzones : 0);
	free(names);
}

int ics_init(void)
{
	pthread_once(&init_once, init_zones);
	return init_rc;
}

static struct zone_ent *zone_ent(const char *name)
{
	if (!name || !*name)
		return NULL;
	ics_init();
	struct zone_ent key = {.name = name};
	return bsearch(&key, zones, nzones, sizeof *zones, by_name);
}

/* an IANA name, or another name of one (ics_zones.h) */
static struct zone_ent *zone_find(const char *tzid)
{
	struct zone_ent *e = zone_ent(tzid);
	return e || !tzid ? e : zone_ent(ics_zone_resolve(tzid));
}

icaltimezone *ics_zone(const char *tzid)
{
	struct zone_ent *e = zone_find(tzid);
	return e ? e->z : NULL;
}

const char *ics_zone_id(const char *tzid)
{
	struct zone_ent *e = zone_find(tzid);
	return e ? e->name : NULL;
}

int ics_tz_valid(const char *tzid)
{
	return zone_ent(tzid) != NULL;
}

const char *ics_tz_canonical(const char *tzid)
{
	return ics_zone_id(tzid);
}

int64_t ics_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_secs(int64_t t, struct icaltimetype *o)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), sec = t - days * 86400;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*o = icaltime_null_time();
	o->year = (int)(yoe + era * 400 + (m <= 2));
	o->month = m;
	o->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	o->hour = (int)(sec / 3600);
	o->minute = (int)(sec / 60 % 60);
	o->second = (int)(sec % 60);
}

static int offset_at(icaltimezone *z, int64_t t)
{
	if (!z || z == icaltimezone_get_utc_timezone())
		return 0;
	struct icaltimetype tt;
	civil_from_secs(t, &tt);
	int dst;
	return icaltimezone_get_utc_offset_of_utc_time(z, &tt, &dst);
}

/* the earliest instant showing that wall time; in a gap, the wall time moved on by the gap */
int64_t ics_zone_local(icaltimezone *z, int y, int mo, int d, int h, int mi, int s)
{
	int64_t l = ics_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	if (!z || z == icaltimezone_get_utc_timezone())
		return l;
	int before = offset_at(z, l - 86400), after = offset_at(z, l + 86400);
	int64_t best = INT64_MAX;
	if (offset_at(z, l - before) == before)
		best = l - before;
	if (offset_at(z, l - after) == after && l - after < best)
		best = l - after;
	return best != INT64_MAX ? best : l - before;
}

void ics_zone_split(icaltimezone *z, int64_t t, struct icaltimetype *out)
{
	civil_from_secs(t + offset_at(z, t), out);
	out->zone = z;
}

int ics_local_to_utc(const char *tzid, const char *local, int64_t *out)
{
	int y, mo, d, h, mi, s, n = 0;
	icaltimezone *z = tzid ? ics_zone(tzid) : NULL;
	if ((tzid && !z) || !local || sscanf(local, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
	    local[n] || mo < 1 || mo > 12 || d < 1 || d > icaltime_days_in_month(mo, y) || h > 23 || mi > 59 || s > 59)
		return E_INVALID;
	*out = ics_zone_local(z, y, mo, d, h, mi, s);
	return 0;
}

static void local_in(icaltimezone *z, int64_t t, char *out, size_t n)
{
	struct icaltimetype tt;
	ics_zone_split(z, t, &tt);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d", tt.year, tt.month, tt.day, tt.hour, tt.minute, tt.second);
}

void ics_utc_to_local(const char *tzid, int64_t t, char *out, size_t n)
{
	local_in(tzid ? ics_zone(tzid) : NULL, t, out, n);
}

/* a zone of the event's own VTIMEZONE (zone), one of the table, or else UTC
 * said as such: digits of another zone under the event's TZID would lie */
static void format_in(int64_t t, const char *tzid, const void *zone, int all_day, char *out, size_t n)
{
	icaltimezone *z = zone ? (icaltimezone *)zone : tzid ? ics_zone(tzid) : NULL;
	if (all_day) {
		struct icaltimetype tt;
		civil_from_secs(t, &tt);
		snprintf(out, n, "%04d-%02d-%02d", tt.year, tt.month, tt.day);
	} else if (z) {
		local_in(z, t, out, n);
	} else {
		ics_utc_to_local(NULL, t, out, n);
		size_t l = strlen(out);
		if (l + 1 < n) {
			out[l] = 'Z';
			out[l + 1] = 0;
		}
	}
}

void ics_format_time(int64_t t, const char *tzid, int all_day, char *out, size_t n)
{
	format_in(t, tzid, NULL, all_day, out, n);
}

void ics_format_event_time(const struct ics_event *e, int64_t t, char *out, size_t n)
{
	format_in(t, e->tzid, e->zone, e->all_day, out, n);
}

/* one content line, folded at 75 octets without splitting a UTF-8 sequence */
static int put_folded(struct buf *b, const char *line)
{
	size_t len = strlen(line), i = 0, room = 75;
	int rc = 0;
	while (!rc && i < len) {
		size_t k = len - i <= room ? len - i : room;
		while (k > 0 && i + k < len && ((unsigned char)line[i + k] & 0xC0) == 0x80)
			k--;
		rc = buf_append(b, line + i, k);
		i += k;
		if (!rc)
			rc = buf_append(b, i < len ? "\r\n " : "\r\n", i < len ? 3 : 2);
		room = 74;
	}
	return rc;
}

/* TEXT value escaping (RFC 5545 3.3.11) */
static void escape_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',') {
			buf_append(b, "\\", 1);
			buf_append(b, s, 1);
		} else if (*s == '\n') {
			buf_append(b, "\\n", 2);
		} else if (*s != '\r') {
			buf_append(b, s, 1);
		}
	}
}

int ics_calendar_begin(struct buf *b, const char *name, const char *tzid)
{
	int rc = buf_puts(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//convene//EN\r\n"
			     "CALSCALE:GREGORIAN\r\n");
	struct buf l = {0};
	if (!rc && name) {
		buf_puts(&l, "X-WR-CALNAME:");
		escape_text(&l, name);
		rc = l.data ? put_folded(b, l.data) : E_NOMEM;
	}
	if (!rc && tzid && zone_ent(tzid)) {
		l.len = 0;
		buf_puts(&l, "X-WR-TIMEZONE:");
		escape_text(&l, tzid);
		rc = l.data ? put_folded(b, l.data) : E_NOMEM;
	}
	buf_free(&l);
	return rc;
}

int ics_vtimezone(struct buf *b, const char *tzid)
{
	struct zone_ent *e = zone_ent(tzid);
	if (!e)
		return E_NOTFOUND;
	return e->vtimezone ? buf_puts(b, e->vtimezone) : E_NOTFOUND;
}

int ics_calendar_end(struct buf *b)
{
	return buf_puts(b, "END:VCALENDAR\r\n");
}
