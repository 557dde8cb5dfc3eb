/* A portal's openness: business hours by the clock, technicians by their
 * presence rows. The hours part is a pure function so that its edges
 * (midnight, 24:00, a closed day, the week's wrap) are unit-tested. */
#include "support/portal_open.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "ical/ics.h"

static portal_setting_fn setting_fn;

void portal_settings_hook(portal_setting_fn fn)
{
	setting_fn = fn;
}

int portal_setting(struct db *db, const struct portal *p, const char *name, json_t **value)
{
	*value = NULL;
	return setting_fn ? setting_fn(db, p->account_id, p->company_id, name, value) : E_NOTFOUND;
}

static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static int hhmm(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
}

/* within an interval of the day at minute m: 1, and *until its close; else 0 */
static int day_at(const json_t *hours, int day, int m, int *until, int *next_open)
{
	json_t *list = json_object_get(hours, days[day]), *iv;
	size_t i;
	*next_open = -1;
	json_array_foreach(list, i, iv)
	{
		int o = hhmm(json_string_value(json_object_get(iv, "open")));
		int c = hhmm(json_string_value(json_object_get(iv, "close")));
		if (o < 0 || c < 0)
			continue;
		if (m >= o && m < c) {
			*until = c;
			return 1;
		}
		if (o > m && (*next_open < 0 || o < *next_open))
			*next_open = o;
	}
	return 0;
}

int portal_hours_open(const json_t *hours, int wday, int minute, int second, int64_t *next_s)
{
	const int64_t week = 7 * 86400;
	int until, next_open;
	int in = day_at(hours, wday, minute, &until, &next_open);
	/* walk forward interval by interval, at most a week, to where it flips */
	int64_t at = 0; /* minutes from the start of now's minute */
	int day = wday, m = minute;
	while (at * 60 < week + 86400) {
		int here = day_at(hours, day, m, &until, &next_open);
		if (here != in) {
			*next_s = at * 60 - second;
			return in;
		}
		if (here && until < 1440) {
			at += until - m, m = until; /* to this interval's end */
		} else if (!here && next_open >= 0) {
			at += next_open - m, m = next_open; /* to the next opening today */
		} else {
			at += 1440 - m, m = 0; /* on to the next day */
			day = (day + 1) % 7;
		}
	}
	*next_s = week;
	return in;
}

/* "YYYY-MM-DDTHH:MM:SS" -> weekday (0 = Monday), minute and second */
static int local_parts(const char *iso, int *wday, int *minute, int *second)
{
	int y, mo, d, h, mi, s;
	if (sscanf(iso, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
		return E_INVALID;
	/* days since 1970-01-01 (a Thursday), civil calendar */
	int yy = mo <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long days1970 = (long)era * 146097 + doe - 719468;
	*wday = (int)(((days1970 % 7) + 7 + 3) % 7);
	*minute = h * 60 + mi;
	*second = s;
	return 0;
}

int portal_hours_now(struct db *db, const struct portal *p, time_t now, int *within, int64_t *next_change)
{
	json_t *hours = NULL, *tz = NULL;
	int rc;
	if ((rc = portal_setting(db, p, "business_hours", &hours)) || (rc = portal_setting(db, p, "time_zone", &tz)))
		goto out;
	char local[32];
	ics_utc_to_local(json_is_string(tz) ? json_string_value(tz) : "UTC", (int64_t)now, local, sizeof local);
	int wday, minute, second;
	if ((rc = local_parts(local, &wday, &minute, &second)))
		goto out;
	int64_t in_s;
	*within = portal_hours_open(hours, wday, minute, second, &in_s);
	/* a daylight-saving change within the interval moves it by an hour at
	 * most: the stream re-checks then anyway, and finds the hours as they are */
	*next_change = (int64_t)now + (in_s > 0 ? in_s : 60);
out:
	json_decref(hours);
	json_decref(tz);
	return rc;
}

int portal_open_now(struct db *db, const struct portal *p, time_t now, int *open, int64_t *next_change)
{
	int within = 0;
	int rc = portal_hours_now(db, p, now, &within, next_change);
	if (rc)
		return rc;
	*open = 0;
	if (!within)
		return 0;
	int64_t n = 0;
	if ((rc = store_portal_available(db, p, (int64_t)now - PORTAL_PRESENCE_FRESH_S, &n)))
		return rc;
	*open = n > 0;
	return 0;
}
