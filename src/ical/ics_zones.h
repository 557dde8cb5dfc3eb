/* Which zone a TZID means, and the zones clients define themselves
 * (ics_zones.c; for the ics_*.c files only, it names libical types). A TZID
 * is read as, in this order: (1) an IANA name of the system's tzdata, (2) one
 * of tzdata's backward links or an old name ICU knows ("US/Eastern",
 * "Asia/Calcutta"), (3) an IANA name after a prefix ("/mozilla.org/20050126_1/
 * Europe/Berlin"), (4) a Windows zone name mapped by ICU's copy of CLDR
 * ("W. Europe Standard Time") or an Outlook display name ("(UTC+01:00)
 * Amsterdam, Berlin, ..."). These all become the IANA name. Otherwise the
 * VTIMEZONE sent with the event defines the zone, with its own rules, once
 * it is checked and bounded here; without one the TZID is refused. */
#ifndef CALENDAR_ICS_ZONES_H
#define CALENDAR_ICS_ZONES_H

#include <libical/ical.h>
#include <stddef.h>

struct buf;

/* what a client's VTIMEZONE may make libical expand */
#define ICS_VTZ_OBS_MAX 100    /* STANDARD and DAYLIGHT components */
#define ICS_VTZ_RDATE_MAX 1000 /* RDATE values, all observances together */
#define ICS_VTZ_OPEN_MAX 4     /* observance RRULEs without UNTIL or COUNT */
#define ICS_VTZ_PER_YEAR 2     /* onsets one RRULE may have in one year */
#define ICS_VTZ_STEPS 10000    /* rule onsets checked for one VTIMEZONE */
#define ICS_VTZ_MIN_YEAR 1900  /* a rule starting earlier starts at its first onset from then on */
#define ICS_VTZ_PER_OBJECT 10  /* client zones one calendar object may use */

/* called by ics_init with the zone table's names (which must outlive it) */
void ics_zones_init(const char *const *names, size_t n);
/* the IANA name (the zone table's own string) a TZID stands for, or NULL */
const char *ics_zone_resolve(const char *tzid);

/* The client zones one object uses, in order of first use; each is checked
 * and bounded once and shared between identical definitions (their text is
 * the key), so that expanding a stored event does not redo the work. */
struct ics_vtz {
	char *tzid;
	icaltimezone *z;
	char *text; /* the VTIMEZONE as stored (CRLF), bounded */
	int owned;  /* not shared: freed with the object */
};
struct ics_vtzs {
	struct ics_vtz *v;
	size_t n;
};
/* the zone of tzid defined by a VTIMEZONE of root: 1 and *z set; 0 when root
 * has none; E_INVALID with why when it is refused */
int ics_vtzs_get(struct ics_vtzs *s, icalcomponent *root, const char *tzid, icaltimezone **z, char *why, size_t n);
int ics_vtzs_write(const struct ics_vtzs *s, struct buf *b);
void ics_vtzs_free(struct ics_vtzs *s);
/* the VTIMEZONEs of a parsed tree, for code that writes its VEVENTs back */
int ics_vtzs_copy(icalcomponent *root, struct buf *b);
/* length of the VTIMEZONE blocks stored text begins with */
size_t ics_vtzs_prefix(const char *text);

#endif
