"""python3-caldav (Debian's, 0.11) against convene: it discovers the
principal from the root, lists the calendars of the home, creates an event,
reads it back, finds it by date and by UID, changes and deletes it."""
import datetime

import pytest

from calutil import default_calendar
from conftest import PASSWORD, uniq

caldav = pytest.importorskip("caldav")


def test_python_caldav_discovers_lists_creates_and_reads(srv):
    admin = srv.admin("A")
    user, _ = srv.make_user(admin, "member")
    cal_id = default_calendar(srv.login_as(user))["id"]
    client = caldav.DAVClient(url=srv.url + "/dav/", username=user["email"], password=PASSWORD)
    principal = client.principal()
    assert str(principal.url).endswith("/dav/principals/%s/" % user["id"])
    calendars = principal.calendars()
    assert [str(c.url).rstrip("/").rsplit("/", 1)[1] for c in calendars] == [cal_id]
    cal = calendars[0]
    assert cal.get_properties([caldav.dav.DisplayName()])
    uid = uniq("pycaldav-") + "@test"
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
           "DTSTAMP:20260101T000000Z\r\nDTSTART:20300506T090000Z\r\nDTEND:20300506T100000Z\r\n"
           "RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:From python-caldav\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" % uid)
    ev = cal.save_event(ics)
    assert str(ev.url).endswith("/%s.ics" % uid.replace("@", "%40")) or str(ev.url).endswith("/%s.ics" % uid)
    got = cal.event_by_url(ev.url)
    got.load()
    assert got.icalendar_component["SUMMARY"] == "From python-caldav"
    assert [str(e.icalendar_component["UID"]) for e in cal.events()] == [uid]
    found = cal.date_search(datetime.datetime(2030, 5, 8, tzinfo=datetime.timezone.utc),
                            datetime.datetime(2030, 5, 9, tzinfo=datetime.timezone.utc), expand=False)
    assert [str(e.icalendar_component["UID"]) for e in found] == [uid]
    assert cal.date_search(datetime.datetime(2030, 5, 10, tzinfo=datetime.timezone.utc),
                           datetime.datetime(2030, 5, 11, tzinfo=datetime.timezone.utc), expand=False) == []
    assert cal.event_by_uid(uid).icalendar_component["SUMMARY"] == "From python-caldav"
    got.icalendar_component["SUMMARY"] = "Changed by python-caldav"
    got.save()
    assert "Changed by python-caldav" in cal.event_by_url(ev.url).load().data
    got.delete()
    assert cal.events() == []
