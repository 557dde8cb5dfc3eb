"""Import of .ics files (API and `convene import`): idempotent by UID,
all-or-nothing with errors that name the line, refusals of unbounded
MINUTELY rules and of what libical flags; export of a whole calendar."""
import icalendar

from calutil import new_calendar, occurrences
from conftest import new_member, problem

VTZ_PARIS = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
"""


def ics(*events, tz=True):
    body = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//import//EN\n" + (VTZ_PARIS if tz else "")
    return (body + "".join(events) + "END:VCALENDAR\n").replace("\n", "\r\n")


def vevent(uid, start="20300610T100000", summary="Imported", extra=""):
    return ("BEGIN:VEVENT\nUID:%s\nDTSTAMP:20300101T000000Z\nDTSTART;TZID=Europe/Paris:%s\n"
            "DURATION:PT1H\nSUMMARY:%s\n%sEND:VEVENT\n" % (uid, start, summary, extra))


def post_ics(c, cal_id, text, ctype="text/calendar"):
    return c.post("/api/v1/calendars/%s/import" % cal_id, data=text.encode(), headers={"Content-Type": ctype})


def test_import_is_idempotent_by_uid(srv, admin):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c, time_zone="Europe/Paris")
    text = ics(vevent("a@x"), vevent("b@x", "20300611T100000"),
               vevent("c@x", "20300612T100000", extra="RRULE:FREQ=DAILY;COUNT=2\n"),
               "BEGIN:VTODO\nUID:todo@x\nDTSTAMP:20300101T000000Z\nSUMMARY:Task\nEND:VTODO\n")
    r = post_ics(c, cal["id"], text)
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 1}
    r = post_ics(c, cal["id"], text)
    assert r.json() == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 1}
    r = post_ics(c, cal["id"], ics(vevent("a@x", summary="Renamed")))
    assert r.json()["updated"] == 1
    occ = occurrences(c, cal["id"], "2030-06-01", "2030-07-01")
    assert [o["summary"] for o in occ][:1] == ["Renamed"] and len(occ) == 4
    assert occ[0]["start"] == "2030-06-10T10:00:00"


def test_import_is_all_or_nothing_and_names_the_line(srv, admin):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c)
    bad = ics(vevent("ok1@x"), vevent("ok2@x"), vevent("bad@x", start="20301340T100000"))
    p = problem(post_ics(c, cal["id"], bad), 422, "invalid-ics")
    line = bad.split("\r\n").index("DTSTART;TZID=Europe/Paris:20301340T100000") + 1
    assert p["line"] == line and p["property"] == "DTSTART", p
    assert occurrences(c, cal["id"], "2030-06-01", "2030-07-01") == []
    minutely = ics(vevent("m@x", extra="RRULE:FREQ=MINUTELY\n"))
    p = problem(post_ics(c, cal["id"], minutely), 422, "invalid-ics")
    assert p["property"] == "RRULE"
    problem(post_ics(c, cal["id"], "this is not a calendar"), 422, "invalid-ics")
    problem(post_ics(c, cal["id"], ""), 422, "invalid-ics")
    problem(post_ics(c, cal["id"], ics(vevent("j@x")), ctype="application/json"), 415)
    assert occurrences(c, cal["id"], "2030-01-01", "2030-12-31") == []


def test_import_refuses_a_property_twice_in_an_event(srv, admin):
    """RFC 5545 §3.6.1: DTEND (and UID, SUMMARY, RRULE, ...) at most once."""
    c = new_member(srv, admin)[1]
    cal = new_calendar(c)
    bad = ics(vevent("ok@x"), vevent("two@x", extra="DTEND;TZID=Europe/Paris:20300610T120000\n"
                                     "DTEND;TZID=Europe/Paris:20300610T130000\n").replace("DURATION:PT1H\n", ""))
    r = post_ics(c, cal["id"], bad)
    p = problem(r, 422, "invalid-ics")
    line = bad.split("\r\n").index("DTEND;TZID=Europe/Paris:20300610T130000") + 1
    assert p["line"] == line and p["property"] == "DTEND", p
    assert ("line %d" % line) in p["detail"] and "more than once" in p["detail"], p
    assert occurrences(c, cal["id"], "2030-06-01", "2030-07-01") == []


def test_export_gives_every_event_back(srv, admin):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c, name="Export me", time_zone="Europe/Paris")
    post_ics(c, cal["id"], ics(vevent("e1@x"), vevent("e2@x", extra="RRULE:FREQ=WEEKLY;COUNT=3\n")))
    r = c.get("/api/v1/calendars/%s/export" % cal["id"])
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    assert 'filename="Export me.ics"' in r.headers["Content-Disposition"]
    parsed = icalendar.Calendar.from_ical(r.text)
    assert sorted(str(e["UID"]) for e in parsed.walk("VEVENT")) == ["e1@x", "e2@x"]
    assert [str(t["TZID"]) for t in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(parsed["X-WR-CALNAME"]) == "Export me"
    # what was exported imports into another calendar unchanged
    other = new_calendar(c)
    assert post_ics(c, other["id"], r.text).json()["created"] == 2


def test_cli_import_with_summary_and_errors(srv, admin, tmp_path):
    c = new_member(srv, admin)[1]
    cal = new_calendar(c)
    f = tmp_path / "cal.ics"
    f.write_text(ics(vevent("cli1@x"), vevent("cli2@x")))
    r = srv.cli("import", str(f), "--calendar", cal["id"])
    assert "2 created, 0 updated, 0 unchanged" in r.stdout, r.stdout
    r = srv.cli("import", str(f), "--calendar", cal["id"])
    assert "0 created, 0 updated, 2 unchanged" in r.stdout
    bad = tmp_path / "bad.ics"
    bad.write_text(ics(vevent("cli3@x", start="nonsense")))
    r = srv.cli("import", str(bad), "--calendar", cal["id"], check=False)
    assert r.returncode == 1 and "line" in r.stderr and "nothing was imported" in r.stderr, r.stderr
    r = srv.cli("import", str(f), "--calendar", "cal_aaaaaaaaaaaaaaaaaaaa", check=False)
    assert r.returncode == 1 and "no calendar" in r.stderr
    r = srv.cli("import", "--help", check=False)
    assert r.returncode == 0 and "UID" in r.stdout
    assert len(occurrences(c, cal["id"], "2030-06-01", "2030-07-01")) == 2
