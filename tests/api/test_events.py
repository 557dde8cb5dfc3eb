"""Events through the JSON API: time zones across a DST change, all-day and
UTC events, recurrences with exceptions and overridden occurrences, ETags,
the raw iCalendar form, validation, and window limits."""
import datetime

import icalendar

from calutil import default_calendar, new_calendar, new_event, occurrences
from conftest import new_member, problem, uniq


def test_create_show_in_its_time_zone(srv, admin):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c, time_zone="Europe/Paris")
    r = c.post("/api/v1/calendars/%s/events" % cal["id"],
               json={"summary": "Budget review", "location": "Room 4", "description": "Q3 numbers",
                     "start": "2030-07-01T14:00:00", "end": "2030-07-01T15:30:00"})
    assert r.status_code == 201, r.text
    e = r.json()
    assert r.headers["ETag"] == e["etag"] and r.headers["Location"].endswith(e["id"])
    assert (e["start"], e["end"], e["tzid"], e["all_day"]) == (
        "2030-07-01T14:00:00", "2030-07-01T15:30:00", "Europe/Paris", False)
    assert e["summary"] == "Budget review" and e["status"] == "confirmed" and e["uid"]
    got = c.get("/api/v1/calendars/%s/events/%s" % (cal["id"], e["id"]))
    assert got.status_code == 200 and got.json()["start"] == e["start"] and got.json()["etag"] == e["etag"]
    assert c.get("/api/v1/calendars/%s/events/%s" % (cal["id"], e["id"]),
                 headers={"If-None-Match": e["etag"]}).status_code == 304
    # in the window, in UTC terms: 14:00 Paris summer time is 12:00Z
    occ = occurrences(c, cal["id"], "2030-07-01T00:00:00Z", "2030-07-02T00:00:00Z")
    assert [(o["event_id"], o["start"]) for o in occ] == [(e["id"], "2030-07-01T14:00:00")]
    occ = occurrences(c, cal["id"], "2030-07-01T12:30:00Z", "2030-07-02T00:00:00Z")
    assert len(occ) == 1  # still going on at 12:30Z
    assert occurrences(c, cal["id"], "2030-07-01T13:30:00Z", "2030-07-02T00:00:00Z") == []


def test_weekly_series_keeps_its_wall_time_across_dst(srv, admin):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c, time_zone="Europe/Paris")
    e = new_event(c, cal["id"], summary="Stand-up", start="2030-03-18T09:00:00", end="2030-03-18T09:15:00",
                  rrule="FREQ=WEEKLY;COUNT=4")
    occ = occurrences(c, cal["id"], "2030-03-01", "2030-05-01")
    assert [o["start"] for o in occ] == ["2030-03-18T09:00:00", "2030-03-25T09:00:00",
                                         "2030-04-01T09:00:00", "2030-04-08T09:00:00"]
    assert all(o["recurring"] and o["event_id"] == e["id"] for o in occ)
    # the same occurrences seen from UTC: 08:00Z before 31 March, 07:00Z after
    utc = occurrences(c, cal["id"], "2030-03-25T07:30:00Z", "2030-03-25T08:30:00Z")
    assert [o["start"] for o in utc] == ["2030-03-25T09:00:00"]
    utc = occurrences(c, cal["id"], "2030-04-01T06:30:00Z", "2030-04-01T07:30:00Z")
    assert [o["start"] for o in utc] == ["2030-04-01T09:00:00"]


def test_exceptions_and_overridden_occurrences(srv, admin):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c, time_zone="America/New_York")
    e = new_event(c, cal["id"], summary="1:1", start="2030-01-07T10:00:00", end="2030-01-07T10:30:00",
                  rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=5", exdates=["2030-01-14T10:00:00"])
    base = "/api/v1/calendars/%s/events/%s" % (cal["id"], e["id"])
    # move the 21st to Tuesday afternoon, with another subject
    r = c.put(base + "/occurrences/2030-01-21T10:00:00",
              json={"start": "2030-01-22T15:00:00", "end": "2030-01-22T15:30:00", "summary": "1:1 (moved)"})
    assert r.status_code == 200, r.text
    assert [o["recurrence_id"] for o in r.json()["overrides"]] == ["2030-01-21T10:00:00"]
    # cancel the 28th
    r = c.delete(base + "/occurrences/2030-01-28T10:00:00")
    assert r.status_code == 200, r.text
    assert "2030-01-28T10:00:00" in r.json()["exdates"]
    occ = occurrences(c, cal["id"], "2030-01-01", "2030-03-01")
    assert [(o["start"], o["summary"]) for o in occ] == [
        ("2030-01-07T10:00:00", "1:1"), ("2030-01-22T15:00:00", "1:1 (moved)"),
        ("2030-02-04T10:00:00", "1:1")]
    moved = occ[1]
    assert moved["overridden"] and moved["recurrence_id"] == "2030-01-21T10:00:00"
    # an occurrence that is not one of the series
    problem(c.put(base + "/occurrences/2030-01-23T10:00:00", json={"summary": "x"}), 422)
    problem(c.delete(base + "/occurrences/not-a-time"), 404)


def test_all_day_and_utc_events(srv, admin):
    c = new_member(srv, admin)[1]
    cal = default_calendar(c)
    d = new_event(c, cal["id"], summary="Offsite", all_day=True, start="2030-05-10", end="2030-05-12")
    assert (d["start"], d["end"], d["all_day"], d["tzid"]) == ("2030-05-10", "2030-05-12", True, None)
    one = new_event(c, cal["id"], summary="Holiday", all_day=True, start="2030-05-20")
    assert one["end"] == "2030-05-21"
    z = new_event(c, cal["id"], summary="Launch", start="2030-05-10T16:00:00Z", end="2030-05-10T17:00:00Z")
    assert (z["start"], z["tzid"]) == ("2030-05-10T16:00:00Z", None)
    occ = occurrences(c, cal["id"], "2030-05-10T00:00:00Z", "2030-05-11T00:00:00Z")
    assert {o["summary"] for o in occ} == {"Offsite", "Launch"}


def test_change_with_if_match_and_delete(srv, admin):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c, time_zone="Asia/Tokyo")
    e = new_event(c, cal["id"])
    url = "/api/v1/calendars/%s/events/%s" % (cal["id"], e["id"])
    r = c.patch(url, json={"summary": "Renamed", "start": "2030-03-04T12:00:00"}, headers={"If-Match": e["etag"]})
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["summary"] == "Renamed" and after["start"] == "2030-03-04T12:00:00"
    assert after["end"] == "2030-03-04T13:00:00"  # the length is kept when only the start moves
    assert after["etag"] != e["etag"] and after["sequence"] > e["sequence"]
    problem(c.patch(url, json={"summary": "Lost update"}, headers={"If-Match": e["etag"]}), 412,
            "precondition-failed")
    problem(c.delete(url, headers={"If-Match": e["etag"]}), 412)
    assert c.get(url).json()["summary"] == "Renamed"
    assert c.delete(url, headers={"If-Match": after["etag"]}).status_code == 204
    problem(c.get(url), 404)
    assert occurrences(c, cal["id"], "2030-03-04", "2030-03-05") == []


def test_times_in_utc_are_shown_in_utc(srv, admin):
    """a calendar in UTC (the default when the account has no zone) shows its
    events' times with Z, and takes them either way"""
    c = new_member(srv, admin)[1]
    cal = new_calendar(c, time_zone="UTC")
    e = new_event(c, cal["id"], start="2030-03-04T10:00:00", end="2030-03-04T11:00:00")
    assert (e["start"], e["end"], e["tzid"]) == ("2030-03-04T10:00:00Z", "2030-03-04T11:00:00Z", None)
    url = "/api/v1/calendars/%s/events/%s" % (cal["id"], e["id"])
    r = c.patch(url, json={"start": "2030-03-04T12:00:00Z"})
    assert r.status_code == 200 and r.json()["end"] == "2030-03-04T13:00:00Z", r.text


def test_raw_icalendar_parses_with_a_strict_parser(srv, admin):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c, time_zone="Europe/Berlin")
    e = new_event(c, cal["id"], summary="Line, with; commas\\and a very long subject " + "x" * 120,
                  rrule="FREQ=DAILY;COUNT=3",
                  attendees=[{"email": "Ann@Example.test", "name": "Ann", "role": "optional"}])
    r = c.get("/api/v1/calendars/%s/events/%s/ics" % (cal["id"], e["id"]))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    assert r.headers["ETag"] == e["etag"]
    assert all(len(line.encode()) <= 75 for line in r.text.split("\r\n")), "lines are folded"
    parsed = icalendar.Calendar.from_ical(r.text)
    tzs = [x for x in parsed.walk("VTIMEZONE")]
    assert [str(t["TZID"]) for t in tzs] == ["Europe/Berlin"]
    ev = [x for x in parsed.walk("VEVENT")][0]
    assert str(ev["SUMMARY"]).startswith("Line, with; commas\\and")
    assert str(ev["UID"]) == e["uid"] and ev["DTSTART"].dt.tzinfo is not None
    att = ev["ATTENDEE"]
    assert str(att).lower() == "mailto:ann@example.test" and att.params["ROLE"] == "OPT-PARTICIPANT"
    assert str(ev["ORGANIZER"]).lower().startswith("mailto:")
    got = c.get("/api/v1/calendars/%s/events/%s" % (cal["id"], e["id"])).json()
    assert got["attendees"][0]["email"] == "ann@example.test" and got["organizer"]["email"]


def test_uid_given_by_the_client_is_kept_and_unique(srv, admin):
    c = new_member(srv, admin)[1]
    cal = default_calendar(c)
    uid = uniq("client-uid-") + "@example.test"
    assert new_event(c, cal["id"], uid=uid)["uid"] == uid
    problem(c.post("/api/v1/calendars/%s/events" % cal["id"], json={"uid": uid, "start": "2030-01-01T10:00:00"}),
            409, "uid-conflict")


def test_bad_event_input(srv, admin):
    c = new_member(srv, admin)[1]
    cal = default_calendar(c)
    url = "/api/v1/calendars/%s/events" % cal["id"]
    cases = [
        ({"summary": "no start"}, "start"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "2030-02-30T10:00:00"}, "start"),
        ({"start": "2030-01-01T10:00:00", "end": "2030-01-01T09:00:00"}, "end"),
        ({"start": "2030-01-01T10:00:00", "tzid": "Europe/Atlantis"}, "tzid"),
        ({"start": "2030-01-01", "all_day": True, "end": "2030-01-01"}, "end"),
        ({"start": "2030-01-01T10:00:00", "all_day": True}, "start"),
        ({"start": "2030-01-01T10:00:00", "rrule": "FREQ=MINUTELY"}, "rrule"),
        ({"start": "2030-01-01T10:00:00", "rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"start": "2030-01-01T10:00:00", "status": "maybe"}, "status"),
        ({"start": "2030-01-01T10:00:00", "class": "secret"}, "class"),
        ({"start": "2030-01-01T10:00:00", "attendees": [{"email": "nope"}]}, "attendees"),
        ({"start": "2030-01-01T10:00:00", "attendees": [{"email": "a@b.test", "colour": "red"}]}, "attendees"),
        ({"start": "2030-01-01T10:00:00", "exdates": ["yesterday"]}, "exdates"),
        ({"start": "2030-01-01T10:00:00", "summary": "x" * 1001}, "summary"),
        ({"start": "2030-01-01T10:00:00", "mood": "happy"}, None),
    ]
    for body, field in cases:
        p = problem(c.post(url, json=body), 422)
        if field:
            assert p.get("field") == field, (body, p)
    assert occurrences(c, cal["id"], "2029-12-01", "2030-02-01") == []


def test_window_limits(srv, admin):
    c = new_member(srv, admin)[1]
    cal = default_calendar(c)
    url = "/api/v1/calendars/%s/events" % cal["id"]
    problem(c.get(url, params={"start": "2030-02-01", "end": "2030-01-01"}), 400, "invalid-query")
    problem(c.get(url, params={"start": "2030-01-01", "end": "2031-06-01"}), 400, "invalid-query")
    problem(c.get(url, params={"start": "soon"}), 400, "invalid-query")
    # an unbounded daily series is expanded within the window only
    new_event(c, cal["id"], start="2020-01-01T08:00:00", end="2020-01-01T08:05:00", rrule="FREQ=DAILY")
    occ = occurrences(c, cal["id"], "2031-01-01", "2031-01-08")
    assert len(occ) == 7


def test_other_users_cannot_touch_events(srv, admin):
    c = new_member(srv, admin)[1]
    cal = default_calendar(c)
    e = new_event(c, cal["id"])
    o = new_member(srv, admin)[1]
    url = "/api/v1/calendars/%s/events/%s" % (cal["id"], e["id"])
    problem(o.get(url), 404)
    problem(o.patch(url, json={"summary": "mine"}), 404)
    problem(o.delete(url), 404)
    problem(o.post("/api/v1/calendars/%s/events" % cal["id"], json={"start": "2030-01-01T10:00:00"}), 404)
    # an event id from another calendar of the same owner is not found through this one
    other_cal = new_calendar(c)
    problem(c.get("/api/v1/calendars/%s/events/%s" % (other_cal["id"], e["id"])), 404)
