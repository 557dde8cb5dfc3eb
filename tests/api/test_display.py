"""The screen at a room's door: device tokens, the room's state now, next and
for the rest of the day (subjects hidden when the room or the event says
so), live updates over SSE, and what people do there: check in, end early,
book now; the check-in rule releasing bookings nobody checked in to."""
import datetime
import os
import tempfile
import time

from conftest import OwnServer, problem, uniq
from calutil import new_calendar
from sse import Stream


def z(minutes):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)
    return t.replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def door(srv, admin, **room_fields):
    rm = admin.post("/api/v1/rooms", json={"name": uniq("Door "), "capacity": 6, **room_fields})
    assert rm.status_code == 201, rm.text
    rm = rm.json()
    d = admin.post("/api/v1/rooms/%s/displays" % rm["id"], json={"name": "Door screen"})
    assert d.status_code == 201, d.text
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    return rm, d.json(), c, new_calendar(c, time_zone="UTC")


def book(c, cal, rm, start, end, **extra):
    r = c.post("/api/v1/calendars/%s/events" % cal["id"],
               json={"summary": uniq("Standup "), "start": start, "end": end, "room_ids": [rm["id"]], **extra})
    assert r.status_code == 201, r.text
    return r.json()


def display(srv, d, expect=200):
    r = srv.client().get("/api/v1/display/" + d["token"])
    assert r.status_code == expect, r.text
    return r.json()


def test_the_door_shows_now_next_and_today(srv, admin):
    rm, d, c, cal = door(srv, admin)
    assert d["url"].endswith("/display/" + d["token"])
    listed = admin.get("/api/v1/rooms/%s/displays" % rm["id"]).json()["items"]
    assert [x["id"] for x in listed] == [d["id"]] and "token" not in listed[0]
    assert display(srv, d)["current"] is None
    now = book(c, cal, rm, z(-10), z(50), summary="Design review")
    later = book(c, cal, rm, z(60), z(70), summary="Secret talk", **{"class": "private"})
    s = display(srv, d)
    assert s["room"]["name"] == rm["name"] and s["current"]["summary"] == "Design review"
    assert s["current"]["end"] == z(50) and s["current"]["organizer"]
    assert s["next"]["summary"] == "Booked"  # a private event's subject stays hidden
    assert [x["summary"] for x in s["today"]][:1] == ["Booked"]
    assert s["can_book_minutes"] == []  # in use
    assert now["id"] and later["id"]


def test_a_room_that_hides_subjects(srv, admin):
    rm, d, c, cal = door(srv, admin, hide_subjects=True)
    book(c, cal, rm, z(-5), z(30), summary="Layoffs")
    assert display(srv, d)["current"]["summary"] == "Booked"


def test_check_in_end_early_and_book_now(srv, admin):
    rm, d, c, cal = door(srv, admin, rules={"checkin_minutes": 10})
    book(c, cal, rm, z(-2), z(30))
    url = "/api/v1/display/%s/" % d["token"]
    anon = srv.client()
    s = anon.post(url + "check-in").json()
    assert s["current"]["checked_in"] is True and s["check_in"] is True
    s = anon.post(url + "end").json()
    assert s["current"] is None and s["can_book_minutes"][:1] == [15]
    problem(anon.post(url + "end"), 409, "nothing-to-end")
    r = anon.post(url + "book", json={"minutes": 30})
    assert r.status_code == 200, r.text
    assert r.json()["current"]["summary"] == "Booked at the door" and r.json()["current"]["checked_in"]
    problem(anon.post(url + "book", json={"minutes": 15}), 409, "booking-conflict")
    problem(anon.post(url + "book", json={"minutes": 20}), 422)
    # the room's schedule shows the booking made at the door
    items = admin.get("/api/v1/rooms/%s/bookings" % rm["id"]).json()["items"]
    assert "Booked at the door" in [x["summary"] for x in items]


def test_the_display_updates_live_and_goes_blank_when_revoked(srv, admin):
    rm, d, c, cal = door(srv, admin)
    s = Stream(srv.client(), "/api/v1/display/%s/stream" % d["token"])
    assert s.status == 200
    ev, _, first = s.next()
    assert ev == "display" and first["current"] is None
    book(c, cal, rm, z(-1), z(20), summary="Walk-in")
    ev, _, data = s.next()
    assert data["current"]["summary"] == "Walk-in"
    assert admin.delete("/api/v1/rooms/%s/displays/%s" % (rm["id"], d["id"])).status_code == 204
    ev, _, data = s.next()
    assert ev == "end" and data["reason"] == "gone"
    display(srv, d, expect=404)
    problem(srv.client().get("/api/v1/display/not-a-token"), 404)


def test_only_administrators_manage_displays(srv, admin):
    rm, d, c, cal = door(srv, admin)
    problem(c.post("/api/v1/rooms/%s/displays" % rm["id"], json={}), 403)
    problem(c.delete("/api/v1/rooms/%s/displays/%s" % (rm["id"], d["id"])), 403)


def test_the_door_speaks_the_account_language(srv):
    # an account of its own: the language setting also changes that account's mails
    if "Display1" not in srv.accounts:
        srv.add_account("Display1", "Display1")
    admin = srv.admin("Display1")
    rm, d, c, cal = door(srv, admin)
    assert display(srv, d)["language"] == "en"
    assert admin.patch("/api/v1/settings", json={"language": "ru"}).status_code == 200
    assert display(srv, d)["language"] == "ru"
    s = Stream(srv.client(), "/api/v1/display/%s/stream" % d["token"])
    try:
        ev, _, first = s.next()
        assert ev == "display" and first["language"] == "ru"
    finally:
        s.close()

def test_bookings_nobody_checked_in_to_are_released():
    os.environ["CONVENE_RELEASE_INTERVAL_MS"] = "200"
    own = OwnServer(tempfile.mkdtemp(prefix="convene-release-"))
    try:
        own.start()
    finally:
        del os.environ["CONVENE_RELEASE_INTERVAL_MS"]
    try:
        admin = own.admin("A")
        rm, d, c, cal = door(own, admin, rules={"checkin_minutes": 1})
        book(c, cal, rm, z(-3), z(30), summary="No-show")
        # checked in well before its check-in time runs out (5 minutes from its start)
        kept = door(own, admin, rules={"checkin_minutes": 5})
        book(kept[2], kept[3], kept[0], z(-1), z(30), summary="Here")
        r = own.client().post("/api/v1/display/%s/check-in" % kept[1]["token"])
        assert r.status_code == 200 and r.json()["current"]["checked_in"], r.text
        deadline = time.time() + 10
        while time.time() < deadline and display(own, d)["current"] is not None:
            time.sleep(0.2)
        assert display(own, d)["current"] is None, "the unchecked booking was not released"
        assert display(own, kept[1])["current"]["summary"] == "Here"
        audit = admin.get("/api/v1/audit", params={"action": "booking.release"}).json()["items"]
        assert [a["target"]["id"] for a in audit] == [rm["id"]], audit
    finally:
        problems, _ = own.stop()
        own.drop()
        assert not problems, problems
