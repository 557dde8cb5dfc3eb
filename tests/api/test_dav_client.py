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


def _room(srv, **rules):
    r = srv.admin("A").post("/api/v1/rooms", json={"name": uniq("Client room "), "rules": rules})
    assert r.status_code == 201, r.text
    return r.json()


def _meeting(uid, rm, start, end, summary="Meeting"):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
            "DTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:%s\r\n"
            "ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:%s\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n" % (uid, start, end, summary, rm["email"]))


def _room_partstat(ev, rm):
    ev.load()
    for a in ev.icalendar_component.get("ATTENDEE", []) if isinstance(
            ev.icalendar_component.get("ATTENDEE"), list) else [ev.icalendar_component.get("ATTENDEE")]:
        if str(a).lower() == "mailto:" + rm["email"]:
            return str(a.params.get("PARTSTAT")), str(a.params.get("SCHEDULE-STATUS"))
    raise AssertionError(ev.data)


def test_python_caldav_schedules_rooms_and_asks_free_busy(srv):
    """a room invited from the client is accepted, then declined for a
    conflicting meeting (decline rule) or the meeting refused (refuse rule);
    an approval room waits in NEEDS-ACTION until its delegate approves; the
    outbox answers caldav's free-busy request"""
    admin = srv.admin("A")
    user, _ = srv.make_user(admin, "member")
    d, _ = srv.make_user(admin, "member")
    default_calendar(srv.login_as(user))
    client = caldav.DAVClient(url=srv.url + "/dav/", username=user["email"], password=PASSWORD)
    principal = client.principal()
    cal = principal.calendars()[0]
    day = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%Y%m%d")
    declining, refusing = _room(srv, on_conflict="decline"), _room(srv)
    approving = _room(srv, approval=True, delegate_ids=[d["id"]])
    first = cal.save_event(_meeting(uniq("a-") + "@test", declining, day + "T090000Z", day + "T100000Z"))
    assert _room_partstat(first, declining) == ("ACCEPTED", "2.0")
    clash = cal.save_event(_meeting(uniq("b-") + "@test", declining, day + "T093000Z", day + "T103000Z"))
    assert _room_partstat(clash, declining) == ("DECLINED", "4.0")
    assert "already booked" in clash.data
    assert cal.save_event(_meeting(uniq("c-") + "@test", refusing, day + "T120000Z", day + "T130000Z"))
    with pytest.raises(caldav.lib.error.PutError):
        cal.save_event(_meeting(uniq("d-") + "@test", refusing, day + "T123000Z", day + "T133000Z"))
    waiting = cal.save_event(_meeting(uniq("e-") + "@test", approving, day + "T150000Z", day + "T160000Z"))
    assert _room_partstat(waiting, approving) == ("NEEDS-ACTION", "1.2")
    iso = "%s-%s-%s" % (day[:4], day[4:6], day[6:])
    bookings = admin.get("/api/v1/rooms/%s/bookings" % approving["id"],
                         params={"start": iso, "end": iso + "T23:59:59Z"}).json()["items"]
    r = srv.login_as(d).post("/api/v1/rooms/%s/bookings/%s/approve" % (approving["id"], bookings[0]["id"]))
    assert r.status_code == 200, r.text
    assert _room_partstat(waiting, approving) == ("ACCEPTED", "2.0")
    # free/busy through the schedule outbox, as caldav sends it
    assert str(principal.schedule_outbox().url).endswith("/dav/scheduling/%s/outbox/" % user["id"])
    start = datetime.datetime(int(day[:4]), int(day[4:6]), int(day[6:]), tzinfo=datetime.timezone.utc)
    answers, post = [], client.post

    def recording_post(*a, **kw):  # caldav 0.11 parses the answer as a multistatus: keep it raw too
        answers.append(post(*a, **kw))
        return answers[-1]

    client.post = recording_post
    principal.freebusy_request(start, start + datetime.timedelta(days=1),
                               ["mailto:" + declining["email"], "mailto:" + user["email"]])
    assert answers and answers[0].status == 200
    text = answers[0].raw.decode() if isinstance(answers[0].raw, bytes) else answers[0].raw
    assert "schedule-response" in text and "FREEBUSY;FBTYPE=BUSY:%sT090000Z/%sT100000Z" % (day, day) in text


def test_python_caldav_expands_asks_calendar_free_busy_and_finds_a_room(srv, monkeypatch):
    """server-side expansion (caldav expands on the client only when the
    server left RRULEs in: that path is made to fail here), a calendar's
    free-busy-query, and a room principal's address"""
    admin = srv.admin("A")
    user, _ = srv.make_user(admin, "member")
    rm = _room(srv)
    client = caldav.DAVClient(url=srv.url + "/dav/", username=user["email"], password=PASSWORD)
    cal = client.principal().calendars()[0]
    uid = uniq("exp-") + "@test"
    cal.save_event("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
                   "DTSTAMP:20260101T000000Z\r\nDTSTART:20300603T090000Z\r\nDTEND:20300603T100000Z\r\n"
                   "RRULE:FREQ=DAILY;COUNT=4\r\nSUMMARY:Daily\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
                   "DTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:20300604T090000Z\r\nDTSTART:20300604T150000Z\r\n"
                   "DTEND:20300604T160000Z\r\nSUMMARY:Daily, later\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" % (uid, uid))

    def no_client_expansion(*a, **kw):
        raise AssertionError("the server left recurrence rules in an expanded answer")

    monkeypatch.setattr(caldav.objects.CalendarObjectResource, "expand_rrule", no_client_expansion)
    utc = datetime.timezone.utc
    found = cal.search(start=datetime.datetime(2030, 6, 4, tzinfo=utc), end=datetime.datetime(2030, 6, 6, tzinfo=utc),
                       event=True, expand=True)
    got = sorted((e.icalendar_component["DTSTART"].dt, str(e.icalendar_component["SUMMARY"]),
                  e.icalendar_component["RECURRENCE-ID"].dt) for e in found)
    assert got == [(datetime.datetime(2030, 6, 4, 15, tzinfo=utc), "Daily, later", datetime.datetime(2030, 6, 4, 9, tzinfo=utc)),
                   (datetime.datetime(2030, 6, 5, 9, tzinfo=utc), "Daily", datetime.datetime(2030, 6, 5, 9, tzinfo=utc))]
    fb = cal.freebusy_request(datetime.datetime(2030, 6, 3, tzinfo=utc), datetime.datetime(2030, 6, 5, tzinfo=utc))
    assert "20300603T090000Z/20300603T100000Z" in fb.data and "20300604T150000Z/20300604T160000Z" in fb.data
    assert "Daily" not in fb.data
    room_principal = caldav.Principal(client=client, url=srv.url + "/dav/principals/rooms/%s/" % rm["id"])
    assert "mailto:" + rm["email"] in room_principal.calendar_user_address_set()
    assert str(room_principal.get_property(caldav.elements.cdav.CalendarUserType())) == "ROOM"
