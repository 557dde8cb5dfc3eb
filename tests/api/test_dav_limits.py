"""The limits a calendar advertises (RFC 4791 sections 5.2.5 to 5.2.9) are the
ones a write is refused by: PROPFIND gives max-resource-size, max-instances
and max-attendees-per-instance (not in allprop), a PUT past one of them gets
the precondition of the same name (section 5.3.2.1), and a REPORT expand of
one event past max-instances is cut short with CALDAV:max-instances."""
import xml.etree.ElementTree as ET

import pytest

from davutil import C, D, dav, dav_member, error, ical_put, multistatus, new_uid, propfind

LIMITS = ("max-resource-size", "max-instances", "max-attendees-per-instance")


@pytest.fixture(scope="module")
def bob(srv):
    return dav_member(srv)


@pytest.fixture(scope="module")
def limits(srv, bob):
    props = propfind(srv, bob["calpath"], bob, *("c:" + n for n in LIMITS))[bob["calpath"]][200]
    return {n: int(props["{%s}%s" % (C, n)].text) for n in LIMITS}


def series(uid, rule, extra=""):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//limits//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
            "DTSTAMP:20260101T000000Z\r\nDTSTART:20300101T090000Z\r\nDTEND:20300101T093000Z\r\n"
            "%sSUMMARY:Standup\r\n%sEND:VEVENT\r\nEND:VCALENDAR\r\n" % (uid, rule, extra))


def test_limits_are_advertised_by_name_not_in_allprop(srv, bob, limits):
    assert limits == {"max-resource-size": 262144, "max-instances": 5000, "max-attendees-per-instance": 500}
    r = dav(srv, "PROPFIND", bob["calpath"], bob, headers={"Depth": "0"})  # no body: allprop
    props = multistatus(r)[bob["calpath"]][200]
    assert "{DAV:}displayname" in props
    assert not [n for n in LIMITS if "{%s}%s" % (C, n) in props]
    body = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>'
    names = multistatus(dav(srv, "PROPFIND", bob["calpath"], bob, body, {"Depth": "0"}))[bob["calpath"]][200]
    assert all("{%s}%s" % (C, n) in names for n in LIMITS)
    # only calendars have them
    home = propfind(srv, bob["home"], bob, "c:max-instances")[bob["home"]]
    assert "{%s}max-instances" % C in home[404]


def test_a_series_over_max_instances_is_refused_by_name(srv, bob, limits):
    n = limits["max-instances"]
    uid = new_uid()
    path = bob["calpath"] + uid + ".ics"
    err = error(ical_put(srv, path, bob, series(uid, "RRULE:FREQ=DAILY;COUNT=%d\r\n" % (n + 1))), 403, C,
                "max-instances")
    assert "RRULE" in ET.tostring(err, encoding="unicode")
    # RDATEs add to the rule's count
    rdates = "RDATE:" + ",".join("20300101T%02d%02d00Z" % (10 + i // 60, i % 60) for i in range(2)) + "\r\n"
    assert error(ical_put(srv, path, bob, series(uid, "RRULE:FREQ=DAILY;COUNT=%d\r\n" % (n - 1), rdates)),
                 403, C, "max-instances") is not None
    assert dav(srv, "GET", path, bob).status_code == 404  # nothing was stored
    # exactly the limit is stored; so are a rule with no end and one ending at
    # a far date (how some apps say "no end"): both bounded where expanded
    r = ical_put(srv, path, bob, series(uid, "RRULE:FREQ=DAILY;COUNT=%d\r\n" % n))
    assert r.status_code == 201, r.text
    r = ical_put(srv, path, bob, series(uid, "RRULE:FREQ=DAILY\r\n"))
    assert r.status_code == 204, r.text
    r = ical_put(srv, path, bob, series(uid, "RRULE:FREQ=DAILY;UNTIL=99991230T090000Z\r\n"))
    assert r.status_code == 204, r.text
    # the JSON API stores the same objects: the same limit
    ev = {"summary": "Standup", "start": "2030-01-01T09:00:00Z", "end": "2030-01-01T09:30:00Z",
          "rrule": "FREQ=DAILY;COUNT=%d" % (n + 1)}
    r = bob["client"].post("/api/v1/calendars/%s/events" % bob["cal"], json=ev)
    assert r.status_code in (400, 422), r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")


def test_attendees_and_size_past_their_limits_are_refused_by_name(srv, bob, limits):
    uid = new_uid()
    path = bob["calpath"] + uid + ".ics"
    many = "ORGANIZER:mailto:%s\r\n" % bob["email"] + "".join(
        "ATTENDEE:mailto:guest%d@example.org\r\n" % i for i in range(limits["max-attendees-per-instance"] + 1))
    error(ical_put(srv, path, bob, series(uid, "", many)), 403, C, "max-attendees-per-instance")
    big = "DESCRIPTION:" + "x" * 70 + "".join("\r\n " + "x" * 70 for _ in range(limits["max-resource-size"] // 70))
    error(ical_put(srv, path, bob, series(uid, "", big + "\r\n")), 403, C, "max-resource-size")
    assert dav(srv, "GET", path, bob).status_code == 404


def expand(start, end):
    return ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
            '<c:calendar-data><c:expand start="%s" end="%s"/></c:calendar-data></d:prop>'
            '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
            '<c:time-range start="%s" end="%s"/></c:comp-filter></c:comp-filter></c:filter>'
            "</c:calendar-query>" % (C, start, end, start, end))


def test_an_expand_of_one_event_past_max_instances_names_it(srv, limits):
    carol = dav_member(srv)
    uid = new_uid()
    assert ical_put(srv, carol["calpath"] + uid + ".ics", carol,
                    series(uid, "RRULE:FREQ=DAILY\r\n")).status_code == 201
    # a year: 365 occurrences, answered whole
    r = dav(srv, "REPORT", carol["calpath"], carol, expand("20300101T000000Z", "20310101T000000Z"), {"Depth": "1"})
    assert r.status_code == 207 and r.text.count("BEGIN:VEVENT") == 365
    assert "Insufficient Storage" not in r.text
    # 20 years of a daily rule: more than max-instances of one event
    r = dav(srv, "REPORT", carol["calpath"], carol, expand("20300101T000000Z", "20500101T000000Z"), {"Depth": "1"})
    assert r.status_code == 207, r.text[:500]
    last = ET.fromstring(r.content).findall("{DAV:}response")[-1]
    assert last.find("{DAV:}href").text == carol["calpath"]
    assert "507" in last.find("{DAV:}status").text
    assert last.find("{DAV:}error/{%s}max-instances" % C) is not None
    assert last.find("{DAV:}error/{DAV:}number-of-matches-within-limits") is None
    assert "BEGIN:VEVENT" not in r.text  # the event is not given with occurrences left out
