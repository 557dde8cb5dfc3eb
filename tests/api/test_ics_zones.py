"""Time zones of events from other apps (issue 13): a weekly 10:00 meeting
stays at 10:00 local across a DST change whatever its TZID says - an IANA
name, an old name, a Windows name (Outlook), a prefixed one (Thunderbird), or
a zone defined only by the VTIMEZONE sent with it - in the JSON list, CalDAV
GET and REPORT expand, free/busy, import and room bookings; an unknown TZID
without a VTIMEZONE is refused; a VTIMEZONE that would make the expansion
run for ever is answered fast and the server stays healthy."""
import datetime
import time
import zoneinfo

from calutil import new_calendar, occurrences
from conftest import problem, uniq
from davutil import C, dav, ical_put, multistatus, new_uid

# Outlook writes the rules from 1601
OUTLOOK_VTZ = ("BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\n"
               "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\n"
               "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\n"
               "TZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"
               "END:VTIMEZONE\r\n")


def weekly(uid, tzid, start="20300318", extra="", vtz=OUTLOOK_VTZ, summary="Weekly"):
    """four Mondays at 10:00 local: 18 and 25 March 2030 (UTC+1), 1 and 8 April (UTC+2)"""
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\r\n" +
            (vtz.format(tzid=tzid) if vtz else "") +
            "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20300101T000000Z\r\nDTSTART;TZID=\"%s\":%sT100000\r\n"
            "DTEND;TZID=\"%s\":%sT110000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:%s\r\n%s"
            "END:VEVENT\r\nEND:VCALENDAR\r\n" % (uid, tzid, start, tzid, start, summary, extra))


UTC_STARTS = ["2030-03-18T09:00:00Z", "2030-03-25T09:00:00Z", "2030-04-01T08:00:00Z", "2030-04-08T08:00:00Z"]
LOCAL_STARTS = ["2030-03-18T10:00:00", "2030-03-25T10:00:00", "2030-04-01T10:00:00", "2030-04-08T10:00:00"]


def member(srv):
    u, _ = srv.make_user(srv.admin("A"), "member")
    c = srv.login_as(u)
    cal = new_calendar(c, time_zone="UTC")
    return u, c, cal, "/dav/calendars/%s/%s/" % (u["id"], cal["id"])


def utc_of(local, tz):
    t = datetime.datetime.fromisoformat(local).replace(tzinfo=zoneinfo.ZoneInfo(tz))
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def unfold(text):
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def expand_report(srv, u, path, start="20300301T000000Z", end="20300501T000000Z"):
    body = ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
            '<c:calendar-data><c:expand start="%s" end="%s"/></c:calendar-data></d:prop><c:filter>'
            '<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="%s" end="%s"/>'
            '</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>' % (C, start, end, start, end))
    r = dav(srv, "REPORT", path, u, body, {"Depth": "1"})
    got = multistatus(r)
    starts = []
    for props in got.values():
        text = props[200]["{%s}calendar-data" % C].text
        starts += [l.split(":", 1)[1] for l in unfold(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n"))
                   .split("\r\n") if l.startswith("DTSTART")]
    return sorted(starts)


def busy(c, user_id, start="2030-03-01T00:00:00Z", end="2030-05-01T00:00:00Z"):
    r = c.post("/api/v1/freebusy", json={"start": start, "end": end, "users": [user_id]})
    assert r.status_code == 200, r.text
    return [s["start"] for s in r.json()["users"][0]["busy"]]


def check_series(srv, u, c, cal, path, tzid_shown):
    occ = occurrences(c, cal["id"], "2030-03-01T00:00:00Z", "2030-05-01T00:00:00Z")
    assert [o["start"] for o in occ] == LOCAL_STARTS, occ
    assert all(o["tzid"] == tzid_shown for o in occ), occ
    assert [o["end"][11:] for o in occ] == ["11:00:00"] * 4, occ
    assert expand_report(srv, u, path) == [s.replace("-", "").replace(":", "") for s in UTC_STARTS]
    assert busy(c, u["id"]) == UTC_STARTS


def test_outlook_windows_zone_keeps_wall_time_across_dst(srv):
    u, c, cal, path = member(srv)
    uid = new_uid()
    r = ical_put(srv, path + "w.ics", u, weekly(uid, "W. Europe Standard Time"))
    assert r.status_code == 201, r.text
    check_series(srv, u, c, cal, path, "Europe/Berlin")
    # GET gives the wall time with its (IANA) zone and that zone's VTIMEZONE, not UTC
    got = unfold(dav(srv, "GET", path + "w.ics", u).text)
    assert "DTSTART;TZID=Europe/Berlin:20300318T100000" in got, got
    assert "TZID:Europe/Berlin" in got and "BEGIN:VTIMEZONE" in got
    assert "20300318T090000Z" not in got


def test_own_vtimezone_is_kept_and_expands_by_its_rules(srv):
    u, c, cal, path = member(srv)
    uid = new_uid()
    extra = "RDATE;VALUE=PERIOD;TZID=\"Customized Time Zone\":20300501T140000/PT3H\r\n"
    r = ical_put(srv, path + "c.ics", u, weekly(uid, "Customized Time Zone", extra=extra))
    assert r.status_code == 201, r.text
    check_series(srv, u, c, cal, path, "Customized Time Zone")
    # the round trip keeps the zone and the local times
    got = unfold(dav(srv, "GET", path + "c.ics", u).text)
    assert "TZID:Customized Time Zone" in got, got
    assert "DTSTART;TZID=Customized Time Zone:20300318T100000" in got, got
    assert "BYMONTH=3" in got and "TZOFFSETTO:+0200" in got
    assert got.count("BEGIN:VTIMEZONE") == 1
    # the JSON event shows the zone and local times
    ev = [e for e in c.get("/api/v1/calendars/%s/events" % cal["id"],
                           params={"start": "2030-03-01T00:00:00Z", "end": "2030-05-01T00:00:00Z"}).json()["items"]]
    ev = c.get("/api/v1/calendars/%s/events/%s" % (cal["id"], ev[0]["event_id"])).json()
    assert ev["tzid"] == "Customized Time Zone" and ev["start"] == "2030-03-18T10:00:00", ev
    # the period RDATE keeps its own three hours (14:00-17:00 summer time)
    extra_occ = occurrences(c, cal["id"], "2030-04-30T00:00:00Z", "2030-05-03T00:00:00Z")
    assert [(o["start"], o["end"]) for o in extra_occ] == [("2030-05-01T14:00:00", "2030-05-01T17:00:00")]
    assert busy(c, u["id"], "2030-04-30T00:00:00Z", "2030-05-03T00:00:00Z") == ["2030-05-01T12:00:00Z"]
    # an edit through the JSON API keeps the zone
    r = c.patch("/api/v1/calendars/%s/events/%s" % (cal["id"], ev["id"]), json={"summary": "Renamed"})
    assert r.status_code == 200, r.text
    check_series(srv, u, c, cal, path, "Customized Time Zone")
    got = unfold(dav(srv, "GET", path + "c.ics", u).text)
    assert "SUMMARY:Renamed" in got and "TZID:Customized Time Zone" in got
    # the feed export carries it too
    r = c.get("/api/v1/calendars/%s/events/%s/ics" % (cal["id"], ev["id"]))
    assert r.status_code == 200 and "TZID:Customized Time Zone" in unfold(r.text), r.text
    # occurrences are named in UTC; cancelling one keeps the others at 10:00 local
    occ = occurrences(c, cal["id"], "2030-03-31T00:00:00Z", "2030-04-02T00:00:00Z")
    assert occ[0]["recurrence_id"] == "2030-04-01T08:00:00Z", occ
    r = c.delete("/api/v1/calendars/%s/events/%s/occurrences/%s" % (cal["id"], ev["id"], occ[0]["recurrence_id"]))
    assert r.status_code in (200, 204), r.text
    occ = occurrences(c, cal["id"], "2030-03-01T00:00:00Z", "2030-04-30T00:00:00Z")
    assert [o["start"] for o in occ] == [LOCAL_STARTS[0], LOCAL_STARTS[1], LOCAL_STARTS[3]], occ
    assert "TZID:Customized Time Zone" in unfold(dav(srv, "GET", path + "c.ics", u).text)


def test_old_prefixed_and_display_names(srv):
    u, c, cal, path = member(srv)
    for name, iana in [("US/Eastern", "America/New_York"),
                       ("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"),
                       ("/freeassociation.sourceforge.net/Tzfile/Asia/Calcutta", "Asia/Kolkata"),
                       ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
                       ("Eastern Standard Time", "America/New_York")]:
        href = path + uniq("n") + ".ics"
        r = ical_put(srv, href, u, weekly(new_uid(), name, vtz=None))
        assert r.status_code == 201, (name, r.text)
        got = unfold(dav(srv, "GET", href, u).text)
        assert "DTSTART;TZID=%s:20300318T100000" % iana in got, (name, got)
    # the JSON API takes them too, and stores the IANA name
    r = c.post("/api/v1/calendars/%s/events" % cal["id"],
               json={"summary": "x", "tzid": "US/Pacific", "start": "2030-07-01T10:00:00", "end": "2030-07-01T11:00:00"})
    assert r.status_code == 201, r.text
    assert r.json()["tzid"] == "America/Los_Angeles" and r.json()["start"] == "2030-07-01T10:00:00"
    r = c.post("/api/v1/calendars/%s/events" % cal["id"],
               json={"summary": "x", "tzid": "W. Europe Standard Time", "start": "2030-07-01T10:00:00"})
    assert r.status_code == 201 and r.json()["tzid"] == "Europe/Berlin", r.text
    assert problem(c.post("/api/v1/calendars/%s/events" % cal["id"],
                          json={"summary": "x", "tzid": "Mars/Olympus", "start": "2030-07-01T10:00:00"}),
                   422)["field"] == "tzid"


def test_import_keeps_windows_and_own_zones(srv):
    u, c, cal, path = member(srv)
    one = weekly("imp-win@x", "W. Europe Standard Time")
    two = weekly("imp-own@x", "Customized Time Zone", start="20300319")
    body = one.replace("END:VCALENDAR\r\n", "") + two[two.index("BEGIN:VTIMEZONE"):]
    r = c.post("/api/v1/calendars/%s/import" % cal["id"], data=body.encode(),
               headers={"Content-Type": "text/calendar"})
    assert r.status_code in (200, 201), r.text
    occ = occurrences(c, cal["id"], "2030-03-01T00:00:00Z", "2030-05-01T00:00:00Z")
    assert sorted((o["start"], o["tzid"]) for o in occ) == sorted(
        [(s, "Europe/Berlin") for s in LOCAL_STARTS] +
        [(s.replace("-18T", "-19T").replace("-25T", "-26T").replace("-01T", "-02T").replace("-08T", "-09T"),
          "Customized Time Zone") for s in LOCAL_STARTS]), occ
    spans = busy(c, u["id"])
    assert "2030-03-19T09:00:00Z" in spans and "2030-04-02T08:00:00Z" in spans, spans


def test_unknown_tzid_without_vtimezone_is_refused(srv):
    u, c, cal, path = member(srv)
    text = weekly(new_uid(), "Nowhere Standard Time", vtz=None)
    r = ical_put(srv, path + "x.ics", u, text)
    assert r.status_code == 403 and "valid-calendar-data" in r.text, r.text
    assert "Nowhere Standard Time" in r.text and "line 7" in r.text, r.text
    p = problem(c.post("/api/v1/calendars/%s/import" % cal["id"], data=text.encode(),
                       headers={"Content-Type": "text/calendar"}), 422, "invalid-ics")
    assert p["line"] == 7 and p["property"] == "DTSTART" and "Nowhere Standard Time" in p["detail"], p
    assert occurrences(c, cal["id"], "2030-03-01T00:00:00Z", "2030-05-01T00:00:00Z") == []


FREEZE_VTZ = ("BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:00010101T000000\r\n"
              "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=SECONDLY\r\nEND:STANDARD\r\n"
              "BEGIN:DAYLIGHT\r\nDTSTART:00010101T000001\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
              "RRULE:FREQ=SECONDLY;INTERVAL=2\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")


def test_a_vtimezone_repeating_every_second_cannot_freeze_the_server(srv):
    u, c, cal, path = member(srv)
    text = weekly(new_uid(), "Loop Zone", vtz=FREEZE_VTZ)
    t0 = time.monotonic()
    r = ical_put(srv, path + "loop.ics", u, text)
    assert time.monotonic() - t0 < 5
    assert r.status_code == 403 and "valid-calendar-data" in r.text, r.text
    assert "VTIMEZONE" in r.text and "FREQ=YEARLY" in r.text and "line 4" in r.text, r.text
    t0 = time.monotonic()
    p = problem(c.post("/api/v1/calendars/%s/import" % cal["id"], data=text.encode(),
                       headers={"Content-Type": "text/calendar"}), 422, "invalid-ics")
    assert time.monotonic() - t0 < 5
    assert p["property"] == "VTIMEZONE" and p["line"] == 4, p
    # a yearly rule since year 1 is fine: bounded, not refused, and quick
    slow = OUTLOOK_VTZ.replace("16010101T030000", "00011027T030000").replace("16010101T020000", "00010331T020000")
    t0 = time.monotonic()
    r = ical_put(srv, path + "year1.ics", u, weekly(new_uid(), "Year One", vtz=slow))
    assert r.status_code == 201, r.text
    assert time.monotonic() - t0 < 5
    assert [o["start"] for o in occurrences(c, cal["id"], "2030-03-01T00:00:00Z", "2030-05-01T00:00:00Z")] == \
        LOCAL_STARTS
    # and the server still answers everyone
    assert c.get("/api/v1/calendars").status_code == 200
    assert dav(srv, "GET", path + "year1.ics", u).status_code == 200


def dst_mondays(tz="Europe/Berlin"):
    """a Monday 1-3 weeks ahead with a change of offset between it and the one after"""
    z = zoneinfo.ZoneInfo(tz)
    d = datetime.date.today() + datetime.timedelta(days=8)
    d += datetime.timedelta(days=(7 - d.weekday()) % 7)
    while True:
        a = datetime.datetime.combine(d, datetime.time(10), z)
        b = datetime.datetime.combine(d + datetime.timedelta(days=7), datetime.time(10), z)
        if a.utcoffset() != b.utcoffset():
            return d
        d += datetime.timedelta(days=7)


def test_room_bookings_follow_the_local_time(srv):
    admin = srv.admin("A")
    rm = admin.post("/api/v1/rooms", json={"name": uniq("TZ room "), "capacity": 4,
                                           "rules": {"max_ahead_days": 400}})
    assert rm.status_code == 201, rm.text
    rm = rm.json()
    u, c, cal, path = member(srv)
    monday = dst_mondays()
    start = monday.strftime("%Y%m%d")
    att = "ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n" % rm["email"]
    r = ical_put(srv, path + "room.ics", u, weekly(new_uid(), "Customized Time Zone", start=start, extra=att))
    assert r.status_code == 201, r.text
    first = monday.isoformat()
    last = (monday + datetime.timedelta(days=22)).isoformat()
    items = c.get("/api/v1/rooms/%s/bookings" % rm["id"],
                  params={"start": first + "T00:00:00Z", "end": last + "T00:00:00Z"}).json()["items"]
    want = [utc_of((monday + datetime.timedelta(days=7 * i)).isoformat() + "T10:00:00", "Europe/Berlin")
            for i in range(4)]
    got = sorted(i["start"] for i in items)
    assert got == want, (got, want, items)


def test_export_gives_each_own_zone_once_and_renames_a_conflicting_one(srv):
    u, c, cal, path = member(srv)
    for name in ("a", "b"):
        assert ical_put(srv, path + name + ".ics", u, weekly(new_uid(), "Customized Time Zone",
                                                              summary=name)).status_code == 201
    # another definition under the same TZID: UTC+3 all year
    other = ("BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
             "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
    assert ical_put(srv, path + "c.ics", u, weekly(new_uid(), "Customized Time Zone", vtz=other,
                                                   summary="c")).status_code == 201
    r = c.get("/api/v1/calendars/%s/export" % cal["id"])
    assert r.status_code == 200, r.text
    text = unfold(r.text)
    assert text.count("TZID:Customized Time Zone\r\n") == 1, text
    assert text.count("TZID:Customized Time Zone (2)\r\n") == 1, text
    assert "(3)" not in text, text
    plain = text.count("DTSTART;TZID=Customized Time Zone:20300318T100000")
    renamed = text.count("DTSTART;TZID=\"Customized Time Zone (2)\":20300318T100000")
    assert sorted([plain, renamed]) == [1, 2], text
    # what was exported reads back with the same times
    import icalendar
    cal2 = icalendar.Calendar.from_ical(r.text)
    starts = sorted(str(e.get("SUMMARY")) + " " + e.decoded("DTSTART").astimezone(datetime.timezone.utc).isoformat()
                    for e in cal2.walk("VEVENT"))
    assert starts == ["a 2030-03-18T09:00:00+00:00", "b 2030-03-18T09:00:00+00:00", "c 2030-03-18T07:00:00+00:00"], starts
