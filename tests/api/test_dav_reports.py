"""CalDAV REPORTs beyond the basics: free-busy-query on a calendar, a shared
one (read-free-busy is enough) and a room's; calendar-query with
calendar-data expand (one VEVENT per occurrence, RECURRENCE-ID in UTC) and
limit-recurrence-set; supported-report-set naming them."""
import datetime

import pytest

from calutil import default_calendar
from conftest import uniq
from davutil import C, D, dav, error, ical_put, multistatus, new_uid, propfind
from sharing import share

SERIES = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//dav//EN\r\n"
          "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
          "DTSTART;TZID=Europe/Paris:20300107T100000\r\nDTEND;TZID=Europe/Paris:20300107T110000\r\n"
          "RRULE:FREQ=DAILY;COUNT=5\r\nSUMMARY:Standup\r\nDESCRIPTION:daily\r\nEND:VEVENT\r\n"
          "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
          "RECURRENCE-ID;TZID=Europe/Paris:20300109T100000\r\n"
          "DTSTART;TZID=Europe/Paris:20300109T140000\r\nDTEND;TZID=Europe/Paris:20300109T150000\r\n"
          "SUMMARY:Standup moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def fbq(start, end):
    return ('<?xml version="1.0"?><c:free-busy-query xmlns:c="%s"><c:time-range start="%s" end="%s"/>'
            "</c:free-busy-query>" % (C, start, end))


def cq(data, start="20300101T000000Z", end="20300201T000000Z"):
    return ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>%s</d:prop>'
            '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="%s" '
            'end="%s"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>' % (C, data, start, end))


def vevents(text):
    out, cur = [], None
    for line in text.replace("\r\n ", "").split("\r\n"):
        if line == "BEGIN:VEVENT":
            cur = {}
        elif line == "END:VEVENT":
            out.append(cur)
            cur = None
        elif cur is not None and ":" in line:
            k, v = line.split(":", 1)
            cur[k] = v
    return out


@pytest.fixture(scope="module")
def setup(srv):
    admin = srv.admin("A")
    owner, _ = srv.make_user(admin, "member")
    oc = srv.login_as(owner)
    cal = default_calendar(oc)["id"]
    fb, _ = srv.make_user(admin, "member")
    share(oc, cal, kind="user", user_id=fb["id"], role="freebusy")
    path = "/dav/calendars/%s/%s/" % (owner["id"], cal)
    uid = new_uid()
    assert ical_put(srv, path + uid + ".ics", owner, SERIES.format(uid=uid)).status_code == 201
    free = new_uid()
    t = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n"
         "DTSTART:20300108T060000Z\r\nDTEND:20300108T070000Z\r\nTRANSP:TRANSPARENT\r\nSUMMARY:Free\r\n"
         "END:VEVENT\r\nEND:VCALENDAR\r\n" % free)
    assert ical_put(srv, path + free + ".ics", owner, t).status_code == 201
    return dict(owner=owner, fb=fb, cal=cal, path=path, uid=uid, admin=admin)


def freebusy_lines(text):
    return [l.split(":", 1)[1] for l in text.replace("\r\n ", "").split("\r\n") if l.startswith("FREEBUSY")]


def test_free_busy_query_on_ones_calendar(srv, setup):
    r = dav(srv, "REPORT", setup["path"], setup["owner"], fbq("20300107T000000Z", "20300112T000000Z"),
            {"Depth": "1"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VFREEBUSY" in r.text and "DTSTART:20300107T000000Z" in r.text
    spans = freebusy_lines(r.text)
    # five occurrences (one moved), the transparent event not counted; Paris is UTC+1 in January
    assert spans == ["20300107T090000Z/20300107T100000Z", "20300108T090000Z/20300108T100000Z",
                     "20300109T130000Z/20300109T140000Z", "20300110T090000Z/20300110T100000Z",
                     "20300111T090000Z/20300111T100000Z"], r.text
    assert "Standup" not in r.text


def test_free_busy_query_for_a_freebusy_grantee_and_bad_ranges(srv, setup):
    f = setup["fb"]
    path = "/dav/calendars/%s/%s/" % (f["id"], setup["cal"])
    r = dav(srv, "REPORT", path, f, fbq("20300109T000000Z", "20300110T000000Z"), {"Depth": "1"})
    assert r.status_code == 200 and freebusy_lines(r.text) == ["20300109T130000Z/20300109T140000Z"], r.text
    error(dav(srv, "REPORT", path, f, fbq("20300110T000000Z", "20300109T000000Z")), 403, C, "valid-filter")
    error(dav(srv, "REPORT", path, f, fbq("20300101T000000Z", "20310101T000000Z")), 403,
          "urn:convene:dav", "time-range-too-long")
    other, _ = srv.make_user(setup["admin"], "member")
    assert dav(srv, "REPORT", "/dav/calendars/%s/%s/" % (other["id"], setup["cal"]), other,
               fbq("20300109T000000Z", "20300110T000000Z")).status_code == 404


def test_free_busy_query_on_a_room(srv, setup):
    admin = setup["admin"]
    rm = admin.post("/api/v1/rooms", json={"name": uniq("FB room "), "capacity": 4}).json()
    d = datetime.date.today() + datetime.timedelta(days=14)
    oc = srv.login_as(setup["owner"])
    r = oc.post("/api/v1/calendars/%s/events" % setup["cal"],
                json={"summary": "Room meeting", "start": d.isoformat() + "T10:00:00",
                      "end": d.isoformat() + "T11:00:00", "room_ids": [rm["id"]]})
    assert r.status_code == 201, r.text
    ds = d.strftime("%Y%m%d")
    r = dav(srv, "REPORT", "/dav/calendars/rooms/%s/" % rm["id"], setup["fb"], fbq(ds + "T000000Z", ds + "T235959Z"))
    assert r.status_code == 200, r.text
    spans = freebusy_lines(r.text)
    assert len(spans) == 1 and "Room meeting" not in r.text
    api = oc.post("/api/v1/freebusy", json={"start": d.isoformat() + "T00:00:00Z",
                                            "end": d.isoformat() + "T23:59:59Z", "rooms": [rm["id"]]})
    assert api.status_code == 200, api.text


def test_expand_gives_each_occurrence_in_utc(srv, setup):
    body = cq('<c:calendar-data><c:expand start="20300108T000000Z" end="20300110T000000Z"/></c:calendar-data>',
              "20300108T000000Z", "20300110T000000Z")
    r = dav(srv, "REPORT", setup["path"], setup["owner"], body, {"Depth": "1"})
    got = multistatus(r)
    href = setup["path"] + setup["uid"] + ".ics"
    text = got[href][200]["{%s}calendar-data" % C].text.replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    evs = vevents(text)
    assert [(e["DTSTART"], e["RECURRENCE-ID"], e["SUMMARY"]) for e in evs] == [
        ("20300108T090000Z", "20300108T090000Z", "Standup"),
        ("20300109T130000Z", "20300109T090000Z", "Standup moved")], text
    assert all("RRULE" not in e and e["DTEND"] for e in evs)
    assert evs[0]["DESCRIPTION"] == "daily"
    assert "VTIMEZONE" not in text


def test_limit_recurrence_set_keeps_overrides_in_range(srv, setup):
    href = setup["path"] + setup["uid"] + ".ics"
    def data(s, e):
        body = cq('<c:calendar-data><c:limit-recurrence-set start="%s" end="%s"/></c:calendar-data>' % (s, e))
        r = dav(srv, "REPORT", setup["path"], setup["owner"], body, {"Depth": "1"})
        return multistatus(r)[href][200]["{%s}calendar-data" % C].text
    inside = data("20300109T000000Z", "20300110T000000Z")
    assert "RRULE" in inside and "Standup moved" in inside
    outside = data("20300110T000000Z", "20300112T000000Z")
    assert "RRULE" in outside and "Standup moved" not in outside and outside.count("BEGIN:VEVENT") == 1


def test_expand_for_a_freebusy_grantee_has_no_summary(srv, setup):
    f = setup["fb"]
    path = "/dav/calendars/%s/%s/" % (f["id"], setup["cal"])
    body = cq('<c:calendar-data><c:expand start="20300101T000000Z" end="20300201T000000Z"/></c:calendar-data>')
    got = multistatus(dav(srv, "REPORT", path, f, body, {"Depth": "1"}))
    text = got[path + setup["uid"] + ".ics"][200]["{%s}calendar-data" % C].text
    assert text.count("BEGIN:VEVENT") == 5 and "SUMMARY" not in text and "daily" not in text


def test_bad_expand_is_refused(srv, setup):
    body = cq('<c:calendar-data><c:expand start="2030-01-01"/></c:calendar-data>')
    r = dav(srv, "REPORT", setup["path"], setup["owner"], body, {"Depth": "1"})
    assert r.status_code == 400, r.text


def test_supported_report_set(srv, setup):
    got = propfind(srv, setup["path"], setup["owner"], "d:supported-report-set")[setup["path"]][200]
    tags = {x.tag for x in got["{DAV:}supported-report-set"].iter()}
    assert {"{%s}calendar-query" % C, "{%s}calendar-multiget" % C, "{%s}free-busy-query" % C,
            "{DAV:}sync-collection"} <= tags


def pf_query(filters):
    return ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/></d:prop>'
            '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">%s</c:comp-filter>'
            "</c:comp-filter></c:filter></c:calendar-query>" % (C, filters))


@pytest.fixture(scope="module")
def filtered(srv, setup):
    owner, path = setup["owner"], setup["path"]
    uids = {}
    for key, extra in (("loc", "LOCATION:Room 4.12 north\r\nATTENDEE;CN=Ann Lee;PARTSTAT=ACCEPTED:mailto:ann@example.test\r\n"),
                       ("plain", "DESCRIPTION:nothing\r\n"),
                       ("private", "CLASS:PRIVATE\r\nLOCATION:Hidden place\r\n")):
        uid = new_uid()
        text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
                "DTSTAMP:20260101T000000Z\r\nDTSTART:20300301T100000Z\r\nDTEND:20300301T110000Z\r\n"
                "SUMMARY:Filter %s\r\n%sEND:VEVENT\r\nEND:VCALENDAR\r\n" % (uid, key, extra))
        assert ical_put(srv, path + uid + ".ics", owner, text).status_code == 201
        uids[key] = path + uid + ".ics"
    return uids


def found(srv, user, path, filters):
    r = dav(srv, "REPORT", path, user, pf_query(filters), {"Depth": "1"})
    assert r.status_code == 207, r.text
    return set(multistatus(r))


def test_prop_filters_on_summary_location_attendee(srv, setup, filtered):
    o, path = setup["owner"], setup["path"]
    tm = '<c:prop-filter name="%s"><c:text-match%s>%s</c:text-match></c:prop-filter>'
    assert found(srv, o, path, tm % ("LOCATION", "", "4.12 NORTH")) == {filtered["loc"]}
    assert found(srv, o, path, tm % ("SUMMARY", "", "filter p")) == {filtered["plain"], filtered["private"]}
    assert found(srv, o, path, tm % ("ATTENDEE", "", "ann@example")) == {filtered["loc"]}
    got = found(srv, o, path, tm % ("SUMMARY", ' negate-condition="yes"', "filter"))
    assert not got & set(filtered.values()) and path + setup["uid"] + ".ics" in got
    assert found(srv, o, path, tm % ("SUMMARY", ' collation="i;octet"', "filter loc")) == set()
    nd = '<c:prop-filter name="LOCATION"><c:is-not-defined/></c:prop-filter>'
    got = found(srv, o, path, tm % ("SUMMARY", "", "Filter") + nd)
    assert got == {filtered["plain"]}
    param = ('<c:prop-filter name="ATTENDEE"><c:param-filter name="PARTSTAT"><c:text-match>accepted'
             "</c:text-match></c:param-filter></c:prop-filter>")
    mine = tm % ("SUMMARY", "", "Filter")
    assert found(srv, o, path, mine + param) == {filtered["loc"]}
    param = '<c:prop-filter name="ATTENDEE"><c:param-filter name="ROLE"><c:is-not-defined/></c:param-filter></c:prop-filter>'
    assert found(srv, o, path, mine + param) == {filtered["loc"]}
    bad = '<c:prop-filter name="SUMMARY"><c:text-match collation="i;unicode-casemap">x</c:text-match></c:prop-filter>'
    error(dav(srv, "REPORT", path, o, pf_query(bad), {"Depth": "1"}), 403, C, "supported-filter")


def test_filters_see_only_what_the_caller_may_read(srv, setup, filtered):
    f = setup["fb"]
    path = "/dav/calendars/%s/%s/" % (f["id"], setup["cal"])
    tm = '<c:prop-filter name="%s"><c:text-match>%s</c:text-match></c:prop-filter>'
    assert found(srv, f, path, tm % ("SUMMARY", "Filter")) == set()
    assert found(srv, f, path, tm % ("LOCATION", "Hidden")) == set()


def test_calendar_data_comp_and_prop_selection(srv, setup):
    sel = ('<c:calendar-data><c:comp name="VCALENDAR"><c:prop name="VERSION"/><c:comp name="VEVENT">'
           '<c:prop name="UID"/><c:prop name="SUMMARY"/><c:prop name="dtstart"/></c:comp></c:comp></c:calendar-data>')
    r = dav(srv, "REPORT", setup["path"], setup["owner"], cq(sel), {"Depth": "1"})
    text = multistatus(r)[setup["path"] + setup["uid"] + ".ics"][200]["{%s}calendar-data" % C].text
    assert "VERSION:2.0" in text and "SUMMARY:Standup" in text and "DTSTART;TZID=Europe/Paris" in text
    assert "DESCRIPTION" not in text and "DTEND" not in text and "RRULE" not in text and "VTIMEZONE" not in text
    assert "PRODID" not in text and text.count("BEGIN:VEVENT") == 2 and text.startswith("BEGIN:VCALENDAR")
    # with expand: the selection applies to the expanded occurrences
    sel = ('<c:calendar-data><c:comp name="VCALENDAR"><c:comp name="VEVENT"><c:prop name="RECURRENCE-ID"/>'
           '</c:comp></c:comp><c:expand start="20300107T000000Z" end="20300108T000000Z"/></c:calendar-data>')
    r = dav(srv, "REPORT", setup["path"], setup["owner"], cq(sel), {"Depth": "1"})
    text = multistatus(r)[setup["path"] + setup["uid"] + ".ics"][200]["{%s}calendar-data" % C].text
    assert "RECURRENCE-ID:20300107T090000Z" in text and "SUMMARY" not in text and text.count("BEGIN:VEVENT") == 1
    bad = '<c:calendar-data><c:comp><c:prop name="UID"/></c:comp></c:calendar-data>'
    assert dav(srv, "REPORT", setup["path"], setup["owner"], cq(bad), {"Depth": "1"}).status_code == 400
