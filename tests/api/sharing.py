"""Helpers of the sharing, guest and feed tests: shares through the API,
events inside the feed window, feeds fetched with HTTP Basic and parsed with
python3-icalendar."""
import datetime
import re

import icalendar
import requests

from calutil import new_event

INVITE = re.compile(r"(https?://\S+/guest/accept\?token=([A-Za-z0-9_-]+))")


def share(client, cal_id, expect=201, **body):
    r = client.post("/api/v1/calendars/%s/shares" % cal_id, json=body)
    assert r.status_code == expect, r.text
    return r.json()


def soon(days=3, hour=10):
    """a local date-time a few days from now: inside every feed window"""
    d = datetime.date.today() + datetime.timedelta(days=days)
    return "%sT%02d:00:00" % (d.isoformat(), hour)


def event_soon(client, cal_id, days=3, **fields):
    return new_event(client, cal_id, start=soon(days), end=soon(days, 11), **fields)


def window():
    d = datetime.date.today()
    return (d - datetime.timedelta(days=1)).isoformat() + "T00:00:00Z", \
        (d + datetime.timedelta(days=30)).isoformat() + "T00:00:00Z"


def feed(srv, path, auth=None, headers=None, expect=200):
    r = requests.get(srv.url + path, auth=auth, headers=headers or {}, timeout=30)
    assert r.status_code == expect, "%s %s" % (r.status_code, r.text[:500])
    return r


def parse(r):
    """the feed's events as (summary, class) after a strict parse"""
    assert r.headers["Content-Type"] == "text/calendar; charset=utf-8", r.headers
    cal = icalendar.Calendar.from_ical(r.content)
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    out = []
    for ev in cal.walk("VEVENT"):
        assert ev.get("UID"), ev
        start = ev.get("DTSTART")
        if start is not None and "TZID" in start.params:
            assert start.params["TZID"] in tzids, (start.params, tzids)
        out.append((str(ev.get("SUMMARY", "")), str(ev.get("CLASS", "PUBLIC"))))
    return out
