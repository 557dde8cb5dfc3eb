/* The window is at most 93 days, as for POST /api/v1/freebusy. Bookings
 * waiting for a delegate's approval count as busy, as they do there. */
#include "dav/freebusy.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "calendar/access.h"
#include "calendar/busy.h"
#include "ical/ics.h"
#include "core/errors.h"
#include "core/clock.h"
#include "dav/expand.h"
#include "dav/reply.h"
#include "dav/xml.h"
#include "http/response.h"

#define WINDOW_MAX (93 * 86400LL)

static void utc(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y%m%dT%H%M%SZ", &tm);
}

int dav_freebusy_report(struct req *r, struct db *db, const xmlNode *root, const struct dav_res *cal)
{
	const xmlNode *tr = dav_xml_child(root, CALDAV_NS, "time-range");
	int64_t from = 0, to = 0;
	xmlChar *s = tr ? xmlGetProp(tr, (const xmlChar *)"start") : NULL,
		*e = tr ? xmlGetProp(tr, (const xmlChar *)"end") : NULL;
	int bad = !s || !e || dav_utc_read((const char *)s, &from) || dav_utc_read((const char *)e, &to) || from >= to;
	xmlFree(s);
	xmlFree(e);
	if (bad)
		return dav_reply_error(r, 403, CALDAV_NS, "valid-filter",
				       "free-busy-query holds a time-range with start and end in UTC "
				       "(20261203T100000Z), start before end");
	if (to - from > WINDOW_MAX)
		return dav_reply_error(r, 403, CONVENE_NS, "time-range-too-long",
				       "a free-busy-query covers at most 93 days");
	if (cal->role < CAL_ROLE_FREEBUSY)
		return dav_reply_need_privilege(r, cal->href, CALDAV_NS, "read-free-busy",
						"you may not see this calendar's free/busy time");
	struct busy_list bl = {0};
	struct room room;
	int rc;
	if (*cal->cal.room_id) {
		rc = store_room_get(db, cal->cal.account_id, cal->cal.room_id, &room);
		if (!rc)
			rc = busy_of_room(db, &room, from, to, &bl);
	} else {
		rc = busy_of_calendar(db, &cal->cal, from, to, &bl);
	}
	if (rc == E_TOOLARGE) {
		busy_free(&bl);
		return dav_reply_error(r, 403, CONVENE_NS, "time-range-too-long",
				       "too many busy spans: ask for a shorter time-range");
	}
	if (rc) {
		busy_free(&bl);
		return rc;
	}
	busy_merge(&bl);
	struct buf b = {0};
	char t1[32], t2[32];
	rc = ics_calendar_begin(&b, NULL, NULL);
	utc(t1, sizeof t1, clock_now());
	buf_printf(&b, "BEGIN:VFREEBUSY\r\nDTSTAMP:%s\r\n", t1);
	utc(t1, sizeof t1, from);
	utc(t2, sizeof t2, to);
	buf_printf(&b, "DTSTART:%s\r\nDTEND:%s\r\n", t1, t2);
	for (size_t i = 0; i < bl.n; i++) {
		utc(t1, sizeof t1, bl.v[i].start);
		utc(t2, sizeof t2, bl.v[i].end);
		buf_printf(&b, "FREEBUSY;FBTYPE=BUSY:%s/%s\r\n", t1, t2);
	}
	buf_puts(&b, "END:VFREEBUSY\r\n");
	if (!rc)
		rc = ics_calendar_end(&b);
	busy_free(&bl);
	if (!rc)
		rc = b.data ? resp_raw(r, 200, "text/calendar; charset=utf-8", b.data, b.len) : E_NOMEM;
	buf_free(&b);
	return rc;
}
