"""CalDAV phase 2a: names chosen by clients. Events live at the name they
were PUT to (Apple's and DAVx5's UUIDs), the UID stays unique per calendar;
MKCALENDAR at any safe name makes a calendar there; DELETE of a calendar
frees its rooms; MOVE and COPY of events between one's calendars."""
import datetime
import uuid

import pytest

from apimap import counts_diff, db_counts
from calutil import new_event
from conftest import uniq
from davutil import dav_member, C, D, NS, X, dav, error, hrefs, ical_put, multistatus, new_uid, propfind, vevent
from sharing import share

MKCAL = ('<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="%s"><d:set><d:prop>'
         "<d:displayname>%s</d:displayname></d:prop></d:set></c:mkcalendar>")


@pytest.fixture(scope="module")
def bob(srv):
    return dav_member(srv)


def mkcal(srv, user, name, display="Made by a client"):
    path = user["home"] + name + "/"
    r = dav(srv, "MKCALENDAR", path, user, MKCAL % (C, display))
    assert r.status_code == 201, r.text
    return path


def room_of(srv):
    r = srv.admin("A").post("/api/v1/rooms", json={"name": uniq("Names room ")})
    assert r.status_code == 201, r.text
    return r.json()


def day(n):
    return (datetime.date.today() + datetime.timedelta(days=n)).strftime("%Y%m%d")


def test_a_put_to_a_client_chosen_name_creates_there(srv, bob):
    uid, name = new_uid(), str(uuid.uuid4()).upper() + ".ics"
    path = bob["calpath"] + name
    r = ical_put(srv, path, bob, vevent(uid, "Apple named"), {"If-None-Match": "*"})
    assert r.status_code == 201, r.text
    got = dav(srv, "GET", path, bob)
    assert got.status_code == 200 and "UID:%s" % uid in got.text
    assert dav(srv, "GET", bob["calpath"] + uid + ".ics", bob).status_code == 404
    listing = propfind(srv, bob["calpath"], bob, "d:getetag", depth="1")
    assert path in listing and bob["calpath"] + uid + ".ics" not in listing
    body = ('<c:calendar-multiget xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/></d:prop>'
            "<d:href>%s</d:href></c:calendar-multiget>" % (C, path))
    r = dav(srv, "REPORT", bob["calpath"], bob, body, {"Depth": "1"})
    assert 200 in multistatus(r)[path]
    # an update keeps the name; the UID is still one resource's
    assert ical_put(srv, path, bob, vevent(uid, "Renamed")).status_code == 204
    root = error(ical_put(srv, bob["calpath"] + "other.ics", bob, vevent(uid)), 409, C, "no-uid-conflict")
    assert hrefs(root.find("c:no-uid-conflict", NS)) == [path]


def test_names_are_decoded_once_and_validated(srv, bob):
    uid = new_uid()
    # "%2541" is the name "%41", never "A"
    path = bob["calpath"] + "x%2541.ics"
    assert ical_put(srv, path, bob, vevent(uid)).status_code == 201
    assert path in propfind(srv, bob["calpath"], bob, "d:getetag", depth="1")
    assert dav(srv, "GET", bob["calpath"] + "xA.ics", bob).status_code == 404
    assert uid in dav(srv, "GET", path, bob).text
    for bad in ("a%2Fb.ics", "x" * 256 + ".ics"):
        error(ical_put(srv, bob["calpath"] + bad, bob, vevent(new_uid())), 403, X, "valid-resource-name")
    # a UTF-8 name comes back percent-encoded the same way
    u8 = bob["calpath"] + "%C3%A9t%C3%A9%20x.ics"
    assert ical_put(srv, u8, bob, vevent(new_uid())).status_code == 201
    assert u8 in propfind(srv, bob["calpath"], bob, "d:getetag", depth="1")


def test_json_api_events_are_at_uid_ics_or_their_id(srv, bob):
    ev = new_event(bob["client"], bob["cal"])
    assert dav(srv, "GET", bob["calpath"] + ev["uid"] + ".ics", bob).status_code == 200
    slash = new_event(bob["client"], bob["cal"], uid="a/b-" + uniq("u"))
    listing = propfind(srv, bob["calpath"], bob, "d:getetag", depth="1")
    assert bob["calpath"] + slash["id"] + ".ics" in listing
    # a name taken by a client's PUT is not given to another UID
    uid = uniq("taken-")
    assert ical_put(srv, bob["calpath"] + uid + ".ics", bob, vevent(new_uid())).status_code == 201
    ev = new_event(bob["client"], bob["cal"], uid=uid)
    assert bob["calpath"] + ev["id"] + ".ics" in propfind(srv, bob["calpath"], bob, "d:getetag", depth="1")


def test_sync_collection_reports_stored_names_and_their_deletion(srv, bob):
    body = ('<d:sync-collection xmlns:d="DAV:"><d:sync-token>%s</d:sync-token><d:sync-level>1</d:sync-level>'
            "<d:prop><d:getetag/></d:prop></d:sync-collection>")
    r = dav(srv, "REPORT", bob["calpath"], bob, body % "", {"Depth": "1"})
    import xml.etree.ElementTree as ET
    token = ET.fromstring(r.content).find("d:sync-token", NS).text
    path = bob["calpath"] + str(uuid.uuid4()) + ".ics"
    assert ical_put(srv, path, bob, vevent(new_uid())).status_code == 201
    r = dav(srv, "REPORT", bob["calpath"], bob, body % token, {"Depth": "1"})
    assert 200 in multistatus(r)[path]
    token = ET.fromstring(r.content).find("d:sync-token", NS).text
    assert dav(srv, "DELETE", path, bob).status_code == 204
    r = dav(srv, "REPORT", bob["calpath"], bob, body % token, {"Depth": "1"})
    assert 404 in multistatus(r)[path]


def test_sync_collection_keeps_each_deleted_name_of_one_uid(srv, bob):
    """a UID deleted at one name, made again at another and deleted there: a
    client that synced before all this still learns that the first name is gone"""
    body = ('<d:sync-collection xmlns:d="DAV:"><d:sync-token>%s</d:sync-token><d:sync-level>1</d:sync-level>'
            "<d:prop><d:getetag/></d:prop></d:sync-collection>")
    import xml.etree.ElementTree as ET
    uid = new_uid()
    first, second = (bob["calpath"] + str(uuid.uuid4()) + ".ics" for _ in range(2))
    assert ical_put(srv, first, bob, vevent(uid)).status_code == 201
    r = dav(srv, "REPORT", bob["calpath"], bob, body % "", {"Depth": "1"})
    token = ET.fromstring(r.content).find("d:sync-token", NS).text
    assert 200 in multistatus(r)[first]
    assert dav(srv, "DELETE", first, bob).status_code == 204
    assert ical_put(srv, second, bob, vevent(uid, "Again")).status_code == 201
    assert dav(srv, "DELETE", second, bob).status_code == 204
    got = multistatus(dav(srv, "REPORT", bob["calpath"], bob, body % token, {"Depth": "1"}))
    assert 404 in got.get(first, ()), got
    assert 404 in got.get(second, ()), got
    # the first name made again is no longer reported gone
    assert ical_put(srv, first, bob, vevent(uid, "Third")).status_code == 201
    got = multistatus(dav(srv, "REPORT", bob["calpath"], bob, body % token, {"Depth": "1"}))
    assert 200 in got[first] and 404 in got.get(second, ()), got


def test_mkcalendar_at_a_uuid_name(srv, bob):
    name = str(uuid.uuid4()).upper()
    path = mkcal(srv, bob, name, "Apple's")
    assert dav(srv, "MKCALENDAR", path, bob, MKCAL % (C, "again")).status_code == 403
    home = propfind(srv, bob["home"], bob, "d:displayname", depth="1")
    assert path in home
    cals = [c for c in bob["client"].get("/api/v1/calendars").json()["items"] if c["name"] == "Apple's"]
    assert len(cals) == 1 and cals[0]["id"].startswith("cal_")
    ev = path + "e.ics"
    assert ical_put(srv, ev, bob, vevent(new_uid())).status_code == 201
    assert ev in propfind(srv, path, bob, "d:getetag", depth="1")
    # the id reaches it too; the listing uses the name
    assert dav(srv, "GET", bob["home"] + cals[0]["id"] + "/e.ics", bob).status_code == 200
    for bad in ("cal_x", "x" * 256):
        error(dav(srv, "MKCALENDAR", bob["home"] + bad + "/", bob, MKCAL % (C, "x")), 403, X, "calendar-name")


def test_a_named_calendar_shared_appears_at_its_id_in_the_grantees_home(srv, bob):
    admin = srv.admin("A")
    other, _ = srv.make_user(admin, "member")
    name = str(uuid.uuid4())
    mkcal(srv, bob, name, "Shared named")
    cal = [c for c in bob["client"].get("/api/v1/calendars").json()["items"] if c["name"] == "Shared named"][0]
    share(bob["client"], cal["id"], kind="user", user_id=other["id"], role="viewer")
    home = "/dav/calendars/%s/" % other["id"]
    listing = propfind(srv, home, other, "d:displayname", depth="1")
    assert home + cal["id"] + "/" in listing and home + name + "/" not in listing
    assert dav(srv, "PROPFIND", home + name + "/", other, headers={"Depth": "0"}).status_code == 404


def test_delete_of_a_calendar_frees_its_rooms(srv, bob):
    room = room_of(srv)
    att = "ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n" % room["email"]
    path = mkcal(srv, bob, str(uuid.uuid4()), "To delete")
    d = day(30)
    r = ical_put(srv, path + "m.ics", bob, vevent(new_uid(), "Booked", d + "T090000Z", d + "T100000Z", att))
    assert r.status_code == 201, r.text
    clash = vevent(new_uid(), "Clash", d + "T090000Z", d + "T100000Z", att)
    error(ical_put(srv, bob["calpath"] + "clash.ics", bob, clash), 409, X, "booking-conflict")
    assert dav(srv, "DELETE", path, bob).status_code == 204
    assert dav(srv, "PROPFIND", path, bob, headers={"Depth": "0"}).status_code == 404
    assert ical_put(srv, bob["calpath"] + "clash.ics", bob, clash).status_code == 201
    # the default calendar stays, and a grantee cannot delete a calendar shared with them
    error(dav(srv, "DELETE", bob["calpath"], bob), 403, X, "default-calendar")
    admin = srv.admin("A")
    other, _ = srv.make_user(admin, "member")
    share(bob["client"], bob["cal"], kind="user", user_id=other["id"], role="manager")
    theirs = "/dav/calendars/%s/%s/" % (other["id"], bob["cal"])
    error(dav(srv, "DELETE", theirs, other), 403, D, "need-privileges")


def test_move_between_calendars_moves_the_room_booking(srv, bob):
    room = room_of(srv)
    att = "ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n" % room["email"]
    target = mkcal(srv, bob, str(uuid.uuid4()), "Move target")
    d, uid = day(40), new_uid()
    src = bob["calpath"] + "mv.ics"
    assert ical_put(srv, src, bob, vevent(uid, "Moving", d + "T090000Z", d + "T100000Z", att)).status_code == 201
    dst = target + str(uuid.uuid4()) + ".ics"
    r = dav(srv, "MOVE", src, bob, headers={"Destination": srv.url + dst})
    assert r.status_code == 201, r.text
    assert dav(srv, "GET", src, bob).status_code == 404
    got = dav(srv, "GET", dst, bob)
    assert "UID:%s" % uid in got.text and "PARTSTAT=ACCEPTED" in got.text
    # the room is booked once: by the moved event
    clash = vevent(new_uid(), "Clash", d + "T093000Z", d + "T103000Z", att)
    error(ical_put(srv, bob["calpath"] + "clash2.ics", bob, clash), 409, X, "booking-conflict")
    # Overwrite: F onto an existing event
    other = target + "other.ics"
    assert ical_put(srv, other, bob, vevent(new_uid())).status_code == 201
    before = db_counts(srv)
    r = dav(srv, "MOVE", dst, bob, headers={"Destination": other, "Overwrite": "F"})
    assert r.status_code == 412, r.text
    assert not counts_diff(before, db_counts(srv))
    r = dav(srv, "MOVE", dst, bob, headers={"Destination": other, "Overwrite": "T"})
    assert r.status_code == 204, r.text
    assert "UID:%s" % uid in dav(srv, "GET", other, bob).text
    assert dav(srv, "GET", dst, bob).status_code == 404
    # bad destinations
    error(dav(srv, "MOVE", other, bob, headers={"Destination": "/elsewhere/x.ics"}), 403, X, "destination")
    assert dav(srv, "MOVE", other, bob).status_code == 400
    assert dav(srv, "MOVE", bob["calpath"] + "nothing.ics", bob,
               headers={"Destination": target + "n.ics"}).status_code == 404


def test_copy_needs_a_free_uid_and_free_rooms(srv, bob):
    target = mkcal(srv, bob, str(uuid.uuid4()), "Copy target")
    uid = new_uid()
    src = bob["calpath"] + "cp.ics"
    assert ical_put(srv, src, bob, vevent(uid, "Copied")).status_code == 201
    error(dav(srv, "COPY", src, bob, headers={"Destination": bob["calpath"] + "cp2.ics"}), 409, C,
          "no-uid-conflict")
    r = dav(srv, "COPY", src, bob, headers={"Destination": target + "cp.ics"})
    assert r.status_code == 201, r.text
    assert "UID:%s" % uid in dav(srv, "GET", src, bob).text
    assert "UID:%s" % uid in dav(srv, "GET", target + "cp.ics", bob).text
