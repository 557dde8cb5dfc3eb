"""A meeting made through the JSON API (the web app's editor) schedules the
people it invites as one made from a calendar app over CalDAV does (issue 14
section 1: one write path, event_write): colleagues of the organizer's
account get METHOD:REQUEST in their schedule inbox, anyone else (an address
of another account included: tenants never meet) an iMIP mail; a move sends
the update, a removed attendee a CANCEL, deleting the event (or an
occurrence) tells everyone. Only the organizer's writes schedule; an import
tells nobody unless it is asked to (?notify=true)."""
import pytest

from calutil import default_calendar
from conftest import uniq
from davutil import C, NS, dav, dav_member, new_uid, propfind


@pytest.fixture(scope="module")
def alice(srv):
    return dav_member(srv)


@pytest.fixture()
def carol(srv):
    u, _ = srv.make_user(srv.admin("A"), "member")
    return u


def inbox(srv, user):
    """the messages in user's schedule inbox, href -> text"""
    path = "/dav/scheduling/%s/inbox/" % user["id"]
    ms = propfind(srv, path, user, "c:calendar-data", "d:resourcetype", depth="1")
    return {h: p[200]["{%s}calendar-data" % C].text for h, p in ms.items() if h != path}


def only(srv, user, uid):
    """user's one message about uid, unfolded"""
    got = [t for t in inbox(srv, user).values() if "UID:" + uid in t.replace("\r\n ", "")]
    assert len(got) == 1, inbox(srv, user)
    return got[0].replace("\r\n ", "")


def calendar_part(m):
    (cal,) = [p for p in m.iter_parts() if p.get_content_type() == "text/calendar"]
    return cal


def events_url(alice):
    return "/api/v1/calendars/%s/events" % alice["cal"]


def meeting(alice, *people, **fields):
    body = {"summary": uniq("Meeting "), "start": "2030-05-06T09:00:00", "end": "2030-05-06T10:00:00",
            "attendees": [{"email": p} for p in people], **fields}
    r = alice["client"].post(events_url(alice), json=body)
    assert r.status_code == 201, r.text
    return r.json()


def sentinel(srv, alice, guest):
    """a meeting that mails guest, waited for: the outbox sends in order, so
    what was not sent before it will not be"""
    e = meeting(alice, guest, summary=uniq("Sentinel "))
    got = srv.wait_mail(guest, count=len(srv.mails(guest)) + 1)
    assert any(e["summary"] in m["Subject"] for m in got), [m["Subject"] for m in got]
    return got


def test_a_meeting_made_in_the_api_invites_colleagues_and_outsiders(srv, alice, carol):
    guest = uniq("guest") + "@outside.test"
    stranger, _ = srv.make_user(srv.admin("B"), "member")  # a user, but of another account
    e = meeting(alice, carol["email"], guest, stranger["email"])
    assert e["organizer"]["email"] == alice["email"]  # the caller organizes what they make
    uid = e["uid"]
    data = only(srv, carol, uid)
    assert "METHOD:REQUEST" in data and e["summary"] in data and "ORGANIZER" in data
    # the other account's user is an outsider: mail, never their inbox
    assert inbox(srv, stranger) == {} and inbox(srv, alice) == {}
    for to in (guest, stranger["email"]):
        (m,) = srv.wait_mail(to)
        assert m["Subject"] == "Invitation: " + e["summary"] and m["Reply-To"] == alice["email"]
        cal = calendar_part(m)
        assert cal.get_param("method") == "REQUEST" and "UID:" + uid in cal.get_content()
    # the stored text says how each was reached (RFC 6638 section 3.2.9)
    text = alice["client"].get(events_url(alice) + "/%s/ics" % e["id"]).text.replace("\r\n ", "")
    lines = {l.split(":mailto:")[1]: l for l in text.split("\r\n") if l.startswith("ATTENDEE")}
    assert "SCHEDULE-STATUS=1.2" in lines[carol["email"]] and "SCHEDULE-STATUS=1.1" in lines[guest], lines
    assert "SCHEDULE-STATUS=1.1" in lines[stranger["email"]]


def test_moving_removing_and_deleting_tell_the_attendees(srv, alice, carol):
    dave, _ = srv.make_user(srv.admin("A"), "member")
    guest = uniq("guest") + "@outside.test"
    e = meeting(alice, carol["email"], dave["email"], guest)
    uid, url = e["uid"], events_url(alice) + "/" + e["id"]
    srv.wait_mail(guest)
    c = alice["client"]
    # moved: an updated REQUEST replaces the invitation, and the outsider is mailed again
    r = c.patch(url, json={"start": "2030-05-06T11:00:00", "end": "2030-05-06T12:00:00"})
    assert r.status_code == 200, r.text
    for u in (carol, dave):
        data = only(srv, u, uid)
        assert "METHOD:REQUEST" in data and "T110000" in data, data
    got = srv.wait_mail(guest, count=2)
    assert calendar_part(got[1]).get_param("method") == "REQUEST" and "T110000" in calendar_part(got[1]).get_content()
    # an attendee removed: they get a CANCEL, the others the update
    r = c.patch(url, json={"attendees": [{"email": carol["email"]}]})
    assert r.status_code == 200, r.text
    assert "METHOD:CANCEL" in only(srv, dave, uid) and "STATUS:CANCELLED" in only(srv, dave, uid)
    assert "METHOD:REQUEST" in only(srv, carol, uid)
    got = srv.wait_mail(guest, count=3)
    assert calendar_part(got[2]).get_param("method") == "CANCEL" and got[2]["Subject"].startswith("Cancelled:")
    # deleted: everyone still invited gets the CANCEL
    assert c.delete(url).status_code == 204
    data = only(srv, carol, uid)
    assert "METHOD:CANCEL" in data and "STATUS:CANCELLED" in data


def test_occurrence_changes_and_deletions_tell_the_attendees(srv, alice, carol):
    guest = uniq("guest") + "@outside.test"
    e = meeting(alice, carol["email"], guest, rrule="FREQ=DAILY;COUNT=5")
    uid, url = e["uid"], events_url(alice) + "/" + e["id"]
    srv.wait_mail(guest)
    c = alice["client"]
    r = c.put(url + "/occurrences/2030-05-07T09:00:00", json={"summary": "Moved one", "start": "2030-05-07T15:00:00",
                                                               "end": "2030-05-07T16:00:00"})
    assert r.status_code == 200, r.text
    data = only(srv, carol, uid)
    assert "METHOD:REQUEST" in data and "RECURRENCE-ID" in data and "Moved one" in data, data
    got = srv.wait_mail(guest, count=2)
    assert "RECURRENCE-ID" in calendar_part(got[1]).get_content()
    # an occurrence deleted: the series as it now is, without it (EXDATE)
    assert c.delete(url + "/occurrences/2030-05-08T09:00:00").status_code == 200
    data = only(srv, carol, uid)
    assert "METHOD:REQUEST" in data and "EXDATE" in data and "20300508T090000" in data, data
    got = srv.wait_mail(guest, count=3)
    assert "EXDATE" in calendar_part(got[2]).get_content()
    assert c.delete(url).status_code == 204
    assert "METHOD:CANCEL" in only(srv, carol, uid)


def ics(uid, organizer, *attendees, summary="Imported"):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
            "DTSTAMP:20300101T000000Z\r\nDTSTART:20300610T090000Z\r\nDTEND:20300610T100000Z\r\n"
            "SUMMARY:%s\r\nORGANIZER:mailto:%s\r\n%sEND:VEVENT\r\nEND:VCALENDAR\r\n"
            % (uid, summary, organizer, "".join("ATTENDEE:mailto:%s\r\n" % a for a in attendees)))


def import_(alice, text, query=""):
    return alice["client"].post("/api/v1/calendars/%s/import%s" % (alice["cal"], query), data=text.encode(),
                                headers={"Content-Type": "text/calendar"})


def test_import_tells_nobody_unless_asked(srv, alice, carol):
    guest = uniq("guest") + "@outside.test"
    quiet, loud = new_uid(), new_uid()
    r = import_(alice, ics(quiet, alice["email"], carol["email"], guest, summary="Quiet import"))
    assert r.status_code == 200 and r.json()["created"] == 1, r.text
    r = import_(alice, ics(quiet, alice["email"], carol["email"], guest, summary="Quiet import"), "?notify=false")
    assert r.status_code == 200 and r.json()["unchanged"] == 1, r.text
    assert inbox(srv, carol) == {}
    got = sentinel(srv, alice, guest)
    assert not any("Quiet import" in m["Subject"] for m in got), [m["Subject"] for m in got]
    # asked: the importer's meetings invite as their own writes would
    r = import_(alice, ics(loud, alice["email"], carol["email"], guest, summary="Loud import"), "?notify=true")
    assert r.status_code == 200 and r.json()["created"] == 1, r.text
    assert "METHOD:REQUEST" in only(srv, carol, loud)
    got = srv.wait_mail(guest, count=len(got) + 1)
    assert got[-1]["Subject"] == "Invitation: Loud import"
    # a bad value is refused, and nothing is imported
    r = import_(alice, ics(new_uid(), alice["email"], carol["email"]), "?notify=yes")
    assert r.status_code == 400 and r.json()["type"].endswith("invalid-query") and r.json()["field"] == "notify"


def test_only_the_organizer_schedules(srv, alice, carol):
    guest = uniq("guest") + "@outside.test"
    outside_org = uniq("org") + "@outside.test"
    uid, summary = new_uid(), uniq("Their meeting ")
    # someone else's meeting in alice's calendar (imported quietly): her edits are no invitations
    r = import_(alice, ics(uid, outside_org, carol["email"], guest, summary=summary))
    assert r.status_code == 200, r.text
    (e,) = [x for x in alice["client"].get(events_url(alice), params={"start": "2030-06-10", "end": "2030-06-11"})
            .json()["items"] if x["summary"] == summary]
    url = events_url(alice) + "/" + e["event_id"]
    r = alice["client"].patch(url, json={"summary": summary + ", renamed", "start": "2030-06-10T11:00:00",
                                         "end": "2030-06-10T12:00:00"})
    assert r.status_code == 200 and r.json()["organizer"]["email"] == outside_org, r.text
    assert alice["client"].delete(url).status_code == 204
    assert inbox(srv, carol) == {}
    got = sentinel(srv, alice, guest)
    assert len(got) == 1  # only the sentinel: no mail for the meeting that is not hers
    assert srv.mails(outside_org) == []  # alice is no attendee: no REPLY either


def test_an_event_without_attendees_schedules_nothing(srv, alice):
    r = alice["client"].post(events_url(alice), json={"summary": "Alone", "start": "2030-05-09T09:00:00",
                                                      "end": "2030-05-09T10:00:00"})
    assert r.status_code == 201 and r.json().get("organizer") is None, r.text
    assert inbox(srv, alice) == {}
