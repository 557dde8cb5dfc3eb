/* iCalendar through libical, behind one small interface: parse and check a
 * calendar object or an import file under DESIGN's libical rules, extract the
 * columns the store keeps, expand recurrences within a bounded window, build
 * and change events from API fields, and hand out VTIMEZONEs for feeds.
 * Nothing outside this file includes <libical/ical.h>; no parsed tree outlives
 * a call (3.4 KB per event: text is what we keep).
 * Implemented in ics.c (zones, feeds), ics_parse.c, ics_import.c,
 * ics_expand.c, ics_build.c (shared internals: ics_impl.h). Choices the
 * contract below leaves open:
 * - a TZID that names a zone of the system's tzdata (an IANA name, a backward
 *   link, a prefixed name such as "/freeassociation.sourceforge.net/Europe/Paris",
 *   a Windows name such as "W. Europe Standard Time": ics_zones.h) is stored
 *   as its IANA name, and `tzids` lists it; any other TZID keeps its name and
 *   the VTIMEZONE sent with it, which is stored at the head of `text` (and of
 *   `busy_text`), checked and bounded, and expands the series by its own rules;
 *   a TZID with neither is refused;
 * - RECURRENCE-ID;RANGE=THISANDFUTURE overrides that one occurrence only;
 * - overrides without their master (no VEVENT without RECURRENCE-ID, as RFC
 *   6638 gives someone invited to some occurrences only) are those
 *   occurrences: the earliest stands in `master` with its recurrence_id set,
 *   the others are its overrides; the JSON API cannot change such an event;
 * - DTSTART is always an occurrence (RFC 5545), even when the RRULE skips it;
 * - an expansion walks at most 1,000,000 rule steps: a rule without COUNT jumps
 *   next to the window first, a COUNT rule shows nothing past that many steps;
 * - busy_text keeps DURATION when the event has it instead of DTEND. */
#ifndef CALENDAR_ICS_H
#define CALENDAR_ICS_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define ICS_FOREVER INT64_MAX     /* range_end of an unbounded series */
#define ICS_MAX_TEXT (256 * 1024) /* one calendar object's text */
#define ICS_MAX_OVERRIDES 1000
#define ICS_MAX_ATTENDEES 500
#define ICS_EXPAND_MAX 100000 /* occurrences produced by one expansion, at most */
/* Occurrences one calendar object may have (CalDAV's max-instances, RFC 4791
 * section 5.2.8): a series whose COUNT and RDATEs give more is refused when
 * written, and one object gives at most this many to a CalDAV expand (a rule
 * ending at a date, or never, is bounded there: ics_parse.c says why) */
#define ICS_MAX_INSTANCES 5000

/* loads every time zone: call once before worker threads start */
int ics_init(void);
int ics_tz_valid(const char *tzid); /* 1 when the IANA name is known */
/* the IANA name a TZID stands for (its links, old and Windows names: ics_zones.h), or NULL */
const char *ics_tz_canonical(const char *tzid);
/* the Windows zone id of an IANA zone ("Europe/Berlin" -> "W. Europe Standard
 * Time"), as Exchange names zones, from ICU's copy of CLDR's windowsZones; 0
 * when CLDR maps none (e.g. "Antarctica/Troll") */
int ics_tz_windows(const char *tzid, char *out, size_t n);

/* Local wall time <-> UTC in an IANA zone ("YYYY-MM-DDTHH:MM:SS"). Wall times
 * that do not exist (spring forward) move forward by the gap; ambiguous ones
 * (fall back) take the first. */
int ics_local_to_utc(const char *tzid, const char *local, int64_t *out);
void ics_utc_to_local(const char *tzid, int64_t t, char *out, size_t n); /* >= 20 bytes */

struct ics_attendee {
	char *email;    /* without "mailto:", lower-cased */
	char *name;     /* CN or NULL */
	char *role;     /* REQ-PARTICIPANT (default), OPT-PARTICIPANT, CHAIR, NON-PARTICIPANT */
	char *partstat; /* NEEDS-ACTION (default), ACCEPTED, DECLINED, TENTATIVE, DELEGATED */
	char *cutype;   /* INDIVIDUAL (default), ROOM, RESOURCE, GROUP, UNKNOWN */
	int rsvp;
	char *schedule_status; /* SCHEDULE-STATUS (RFC 6638) or NULL */
	char *schedule_agent;  /* SCHEDULE-AGENT: SERVER (default, NULL), CLIENT or NONE */
};

/* The fields of one VEVENT (the master, or one override). Strings are owned by
 * the struct (ics_event_free), NULL when absent. Times are UTC seconds; an
 * all-day event's start/end are UTC midnights of its dates (end exclusive;
 * DTEND defaults to start + 1 day, a timed event without DTEND/DURATION lasts
 * 0 seconds). Floating times are read in the default zone given to the parser
 * and tzid is then that zone. */
struct ics_event {
	char *uid;
	char *summary, *description, *location;
	char *tzid;       /* DTSTART's zone; NULL for UTC and all-day */
	const void *zone; /* a zone of the object's own VTIMEZONE (tzid names no system zone), else NULL;
			     valid while the object is */
	int all_day;
	int64_t start, end;
	char *rrule;   /* RRULE value ("FREQ=WEEKLY;COUNT=10") or NULL */
	char **rdates; /* values as in the text, e.g. "20261203T100000" */
	size_t nrdates;
	char **exdates;
	size_t nexdates;
	int64_t recurrence_id; /* overrides only: the original start they replace; 0 for the master */
	int64_t range_end;     /* master only: end of the last occurrence, overrides included, or ICS_FOREVER */
	int64_t range_start;   /* master only: start of the first occurrence, overrides and RDATEs included */
	char *status;          /* TENTATIVE, CONFIRMED (default), CANCELLED */
	char *transp;          /* OPAQUE (default) or TRANSPARENT */
	char *klass;           /* PUBLIC (default), PRIVATE, CONFIDENTIAL */
	char *organizer;       /* e-mail without "mailto:" */
	char *organizer_name;
	struct ics_attendee *attendees;
	size_t nattendees;
	int sequence;
	int64_t dtstamp, created, last_modified; /* 0 when absent */
};
void ics_event_free(struct ics_event *e);

/* One calendar object resource: every VEVENT of one UID (the master first,
 * then its overrides ordered by recurrence_id). `text` is the normalised
 * VEVENT blocks only (CRLF, folded at 75 octets, no VCALENDAR and no
 * VTIMEZONE around them), what the store keeps; `busy_text` is the same
 * series reduced to busy blocks (UID, DTSTAMP, DTSTART, DTEND, RRULE, RDATE,
 * EXDATE, RECURRENCE-ID, TRANSP, STATUS and SUMMARY "Busy"), what freebusy
 * shares and busy-only feeds show; `tzids` every TZID the text uses. */
struct ics_object {
	struct ics_event master;
	struct ics_event *overrides;
	size_t noverrides;
	char *text, *busy_text;
	char **tzids;
	size_t ntzids;
};
void ics_object_free(struct ics_object *o);

/* Parse errors name where and what: "line 12: DTSTART: invalid date-time
 * '2026-13-01'" (lines of the caller's input, 1-based, counted before
 * unfolding). */
struct ics_error {
	int line;          /* 0 when not tied to a line */
	char property[64]; /* "" when not tied to a property */
	char message[256];
	/* message in each language of core/i18n.h (enum lang), translated when made:
	 * the parser knows no request, and the parts (line, property, value) are
	 * filled into each language's own format */
	char text[3][256];
	int limit; /* enum ics_limit: the server's limit that refused it, if any (CalDAV names it) */
};
enum ics_limit { ICS_LIMIT_NONE, ICS_LIMIT_SIZE, ICS_LIMIT_ATTENDEES, ICS_LIMIT_INSTANCES };

/* err's message in language lang (enum lang of core/i18n.h); English when
 * it has none in that language */
const char *ics_error_text(const struct ics_error *err, int lang);

/* Parses text holding exactly one calendar object: a VCALENDAR with VEVENTs
 * of a single UID (and optional VTIMEZONEs, used to read its TZIDs: a TZID
 * known to neither the text nor the system zone database is an error) or a
 * bare VEVENT. Refuses: libical errors and X-LIC-ERROR, no UID, no DTSTART,
 * DTEND before DTSTART, DURATION with DTEND, unbounded FREQ=MINUTELY or
 * SECONDLY, an RRULE whose expansion yields no occurrence, VTODO/VJOURNAL,
 * more than ICS_MAX_OVERRIDES overrides or ICS_MAX_ATTENDEES attendees, text
 * longer than ICS_MAX_TEXT. E_INVALID with err filled. */
int ics_parse_object(const char *text, size_t len, const char *default_tz, struct ics_object **out,
		     struct ics_error *err);

/* Parses text convene stored itself, as ics_parse_object does, but without
 * refusing a series for the server's max-instances: a limit that came after
 * the text was stored (or was raised and lowered again) must not make a
 * stored event unreadable. Writes still go through ics_parse_object. */
int ics_parse_stored(const char *text, size_t len, const char *default_tz, struct ics_object **out,
		     struct ics_error *err);

/* Parses an import file: one VCALENDAR (or several concatenated) holding
 * events of many UIDs. Checks everything first, with the rules above per UID,
 * and calls cb for each object (in order of first appearance) only when the
 * whole file is valid: all-or-nothing is the caller's transaction, this gives
 * the first error and no callback at all when anything is wrong. progress (may
 * be NULL) is called with bytes parsed so far and the total. VTODO and
 * VJOURNAL are skipped and counted in *skipped. */
int ics_parse_import(const char *text, size_t len, const char *default_tz, int (*cb)(void *ctx, struct ics_object *o),
		     void *ctx, void (*progress)(void *ctx, size_t done, size_t total), size_t *skipped,
		     struct ics_error *err);

/* One occurrence of a stored series: overrides replace the occurrence they
 * name, EXDATEs remove theirs, RDATEs add. ev is the master's or the
 * override's fields (valid during the callback only). recurrence_id is the
 * original start (equal to start unless overridden; 0 for a non-recurring
 * event). */
struct ics_occurrence {
	int64_t start, end;
	int64_t recurrence_id;
	const struct ics_event *ev;
};
/* Every occurrence overlapping [from, to) of the stored text, in start order,
 * at most max (<= ICS_EXPAND_MAX); *truncated set when more were left out.
 * cb returning non-zero stops with that value. Cancelled overrides are
 * skipped. */
int ics_expand(const char *text, const char *default_tz, int64_t from, int64_t to, int max,
	       int (*cb)(void *ctx, const struct ics_occurrence *o), void *ctx, int *truncated);

/* CalDAV calendar-data options on stored text (ics_instances.c): every
 * occurrence overlapping [from, to) as a VEVENT of its own (the master's or
 * its override's properties, DTSTART/DTEND in UTC, RECURRENCE-ID in UTC when
 * the event recurs; no RRULE, RDATE, EXDATE), at most max; and the series
 * with only the overrides that overlap [from, to) or replace an occurrence
 * that did. VEVENT blocks are appended to out. */
int ics_instances(const char *text, const char *default_tz, int64_t from, int64_t to, int max, struct buf *out,
		  int *truncated);
int ics_limit_overrides(const char *text, const char *default_tz, int64_t from, int64_t to, struct buf *out);

/* What the JSON API gives: the master's fields in `ev` (uid, summary,
 * description, location, tzid + start/end or all_day, rrule, rdates, exdates,
 * status, transp, klass, organizer, attendees). Builds a new object (DTSTAMP,
 * CREATED and LAST-MODIFIED set to now, SEQUENCE 0), checked as
 * ics_parse_object would. */
int ics_build(const struct ics_event *ev, struct ics_object **out, struct ics_error *err);
/* Changes the master of stored text: the fields selected by mask (ICS_F_*)
 * take ev's values (NULL strings remove the property); SEQUENCE goes up when
 * the time, recurrence or location changes; overrides whose recurrence_id is
 * no longer an occurrence are dropped. When the fields already had those
 * values the text comes back unchanged (DTSTAMP and LAST-MODIFIED move only
 * with a change). */
enum {
	ICS_F_SUMMARY = 1 << 0,
	ICS_F_DESCRIPTION = 1 << 1,
	ICS_F_LOCATION = 1 << 2,
	ICS_F_TIME = 1 << 3, /* start, end, tzid, all_day */
	ICS_F_RRULE = 1 << 4,
	ICS_F_RDATES = 1 << 5,
	ICS_F_EXDATES = 1 << 6,
	ICS_F_STATUS = 1 << 7,
	ICS_F_TRANSP = 1 << 8,
	ICS_F_CLASS = 1 << 9,
	ICS_F_ORGANIZER = 1 << 10,
	ICS_F_ATTENDEES = 1 << 11,
};
int ics_update(const char *text, const char *default_tz, const struct ics_event *ev, unsigned mask,
	       struct ics_object **out, struct ics_error *err);
/* RFC 7986 CONFERENCE on the master and every override: the one valued
 * remove_uri goes (and the description's line "<line_prefix><remove_uri>"),
 * add_uri is added (VALUE=URI;FEATURE=VIDEO;LABEL=label, with the line
 * "<line_prefix><add_uri>" at the end of the description for clients that
 * ignore CONFERENCE). Either may be NULL. */
int ics_conference_set(const char *text, const char *default_tz, const char *remove_uri, const char *add_uri,
		       const char *label, const char *line_prefix, struct ics_object **out, struct ics_error *err);
/* the description d without the line `line` (and the blank lines before
 * it) that ics_conference_set wrote, malloc'd (a copy when line is NULL or
 * absent); NULL when out of memory */
char *ics_description_without_line(const char *d, const char *line);
/* the value of the master's first CONFERENCE whose parameters name label
 * (NULL: any) in stored text; E_NOTFOUND when none (or longer than n) */
int ics_conference_uri(const char *text, const char *label, char *out, size_t n);
/* Sets (adds or replaces) the override of one occurrence with ev's fields
 * (start/end/summary/location/description/status/transp; recurrence_id names
 * the occurrence and must be one). ics_occurrence_cancel instead adds an
 * EXDATE for the occurrence and drops any override of it. */
int ics_override_set(const char *text, const char *default_tz, const struct ics_event *ev, struct ics_object **out,
		     struct ics_error *err);
int ics_occurrence_cancel(const char *text, const char *default_tz, int64_t recurrence_id, struct ics_object **out,
			  struct ics_error *err);

/* Scheduling answers (RFC 6638, ics_sched.c): each answer's PARTSTAT and
 * SCHEDULE-STATUS go on the ATTENDEEs with its address, in the master and
 * every override (other parameters kept), and the master keeps one
 * COMMENT;X-CONVENE-ATTENDEE="mailto:…" per answer that has a comment (an
 * answer without one removes it). *out is NULL when the text already says so. */
struct ics_answer {
	const char *email;    /* lower-cased, without "mailto:" */
	const char *partstat; /* ACCEPTED, NEEDS-ACTION, DECLINED; NULL: left as it is */
	const char *status;   /* SCHEDULE-STATUS: "2.0", "1.2", "4.0", "3.8" */
	const char *comment;  /* NULL: none */
};
int ics_set_answers(const char *text, const char *default_tz, const struct ics_answer *a, size_t n,
		    struct ics_object **out, struct ics_error *err);
/* The same answer for one occurrence of a series only (recurrence_id, one
 * of its occurrences): set in its override, made from the master when there
 * is none, with the comment there. An occurrence answered DECLINED with
 * SCHEDULE-STATUS 2.0 this way stays so when ics_set_answers answers the
 * series again with anything but DECLINED. *out is NULL when the text
 * already says so. */
int ics_set_occurrence_answer(const char *text, const char *default_tz, int64_t recurrence_id,
			      const struct ics_answer *a, struct ics_object **out, struct ics_error *err);
/* The Schedule-Tag (RFC 6638 section 3.2.10) of stored text: a digest of it
 * without what attendees' answers change (their PARTSTAT and SCHEDULE-STATUS,
 * the rooms' comments), so that a room's answer or a delegate's decision does
 * not make the organizer's client lose its edit; quoted */
#define ICS_TAG_MAX 32
void ics_schedule_tag(const char *text, char out[ICS_TAG_MAX]);

/* A CalDAV free-busy request (RFC 6638 section 5: METHOD:REQUEST with one
 * VFREEBUSY) and the VFREEBUSY reply for one attendee (spans: start, end
 * pairs in UTC). Addresses lower-cased, without "mailto:". */
struct ics_fb_request {
	char *uid, *organizer;
	int64_t start, end;
	char **attendees;
	size_t nattendees;
};
int ics_parse_fb_request(const char *text, size_t len, struct ics_fb_request *q, struct ics_error *err);
void ics_fb_request_free(struct ics_fb_request *q);
int ics_fb_reply(struct buf *b, const struct ics_fb_request *q, const char *attendee, const int64_t *spans, size_t n,
		 int64_t now);

/* Feeds and single-object downloads: "BEGIN:VCALENDAR" with VERSION,
 * PRODID, CALSCALE and the calendar's name (X-WR-CALNAME) and zone
 * (X-WR-TIMEZONE); a VTIMEZONE block for a TZID (cached per zone, shared by
 * threads); "END:VCALENDAR". Names are escaped and folded. */
int ics_calendar_begin(struct buf *b, const char *name, const char *tzid);
int ics_vtimezone(struct buf *b, const char *tzid);
int ics_calendar_end(struct buf *b);

/* Value formatting shared by the JSON API: "2026-11-23T10:00:00" in the zone
 * (or "2026-11-23" for all-day, or UTC "…Z" when tzid is NULL). */
void ics_format_time(int64_t t, const char *tzid, int all_day, char *out, size_t n);
/* the same in the event's zone, its own VTIMEZONE included (a zone ics_format_time
 * does not know gives UTC "…Z") */
void ics_format_event_time(const struct ics_event *e, int64_t t, char *out, size_t n);
/* Stored text under a VCALENDAR of many events (feeds, exports): the event's
 * own VTIMEZONEs go to zones once each (one taken by another definition of
 * that TZID is renamed "TZID (2)" with the event's parameters), the VEVENTs
 * to body */
int ics_feed_append(struct buf *zones, struct buf *body, const char *text);

#endif
