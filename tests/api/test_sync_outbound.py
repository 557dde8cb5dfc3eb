"""Outbound calendar sync (issue 16 §3): a convene booking of a linked room,
made through the JSON API or CalDAV, appears on the room's calendar at the
fake Google Workspace (tests/fakes/google) with our private extended property
convene_event_id; moves are patched, cancellations and deletions deleted; a
series goes as one recurring event with its exceptions; Google down: the
booking succeeds at once and the write arrives once Google is back, neither
lost nor doubled (a lost answer found again by the property, a deleted one
brought back under its own id); many changes leave one event in the last
state; unlinked rooms and external bookings queue nothing. The server of this
module is its own, pointed at the fake by google_token_url and google_api_url."""
import datetime
import os
import time

import pytest

from conftest import uniq
from syncutil import fake_client, serve
from davutil import dav

HERE = os.path.dirname(os.path.abspath(__file__))
gc = fake_client("google")

BASE = "/api/v1/calendar-integrations"
SCOPES = [gc.SCOPE_DIRECTORY, gc.SCOPE_CALENDAR]
DAY = (datetime.date.today() + datetime.timedelta(days=21))
DAY = DAY - datetime.timedelta(days=DAY.weekday())  # a Monday three weeks ahead
D = DAY.isoformat()
COPIES_BATCH = 3  # an unlink queues this many removals at once (2,000 by default), the worker the rest


@pytest.fixture(scope="module")
def fg():
    with gc.FakeGoogle() as f:
        yield f


@pytest.fixture(scope="module")
def s(fg):
    env = {"CONVENE_GOOGLE_TOKEN_URL": fg.token_url, "CONVENE_GOOGLE_API_URL": fg.api_url,
           "CONVENE_SYNC_POLL_MS": "200", "CONVENE_SYNC_COPIES_BATCH": str(COPIES_BATCH)}
    yield from serve("convene-outbound-", env)


@pytest.fixture
def linked(s, fg):
    """an account connected to Google with one provider room linked to a new
    convene room (and one left unlinked), and a member's calendar to book from"""
    key = uniq("acct")
    s.add_account(key, "Account " + key)
    admin = s.admin(key)
    sa = fg.add_service_account()
    fg.grant(sa["client_id"], SCOPES)
    email = "%s@example.com" % uniq("admin")
    fg.add_user(email, admin=True)
    g = fg.add_room(resourceName=uniq("Room "), capacity=6)
    other = fg.add_room(resourceName=uniq("Room "), capacity=6)
    r = admin.put(BASE + "/google", json={"service_account_key": sa, "admin_email": email})
    assert r.status_code == 200, r.text
    r = admin.post(BASE + "/google/connect")
    assert r.status_code == 200, r.text
    room = admin.post("/api/v1/rooms", json={"name": uniq("Ada "), "capacity": 6})
    assert room.status_code == 201, room.text
    room = room.json()
    r = admin.put(BASE + "/google/rooms/" + g["resourceEmail"], json={"room_id": room["id"]})
    assert r.status_code == 200 and r.json()["state"] == "linked", r.text
    free = admin.post("/api/v1/rooms", json={"name": uniq("Free "), "capacity": 6}).json()
    user, _ = s.make_user(admin, "member")
    c = s.login_as(user)
    cal = c.post("/api/v1/calendars", json={"name": uniq("Cal "), "time_zone": "Europe/Paris"})
    assert cal.status_code == 201, cal.text
    return {"admin": admin, "room": room, "free": free, "g": g["resourceEmail"], "other": other["resourceEmail"],
            "user": user, "c": c, "cal": cal.json()["id"]}


def ours(fg, cal_id, event_id=None, live=True):
    """the fake's events on a room's calendar that convene wrote"""
    out = []
    for e in fg.events(cal_id):
        p = (e.get("extendedProperties") or {}).get("private") or {}
        if "convene_event_id" not in p or (event_id and p["convene_event_id"] != event_id):
            continue
        if live and e.get("status") == "cancelled":
            continue
        out.append(e)
    return out


def wait_for(check, timeout=15):
    end = time.time() + timeout
    while True:
        got = check()
        if got or time.time() > end:
            return got
        time.sleep(0.05)


def book(x, start="T10:00:00", end="T11:00:00", rooms=None, **extra):
    r = x["c"].post("/api/v1/calendars/%s/events" % x["cal"],
                    json={"summary": uniq("Meeting "), "start": D + start, "end": D + end,
                          "room_ids": [rm["id"] for rm in (rooms or [x["room"]])], **extra})
    assert r.status_code == 201, r.text
    return r.json()


def utc(t):
    """a Paris wall time of DAY as Google answers it for the UTC we sent"""
    import zoneinfo
    return datetime.datetime.fromisoformat(D + t).replace(tzinfo=zoneinfo.ZoneInfo("Europe/Paris")) \
        .astimezone(datetime.timezone.utc)


def start_of(e):
    return datetime.datetime.fromisoformat(e["start"]["dateTime"].replace("Z", "+00:00"))


def jobs(s, event_id):
    return s.rows("SELECT action, status, attempts, error FROM sync_jobs WHERE event_id = '%s'" % event_id)


def test_a_booking_appears_moves_and_goes_at_google(s, fg, linked):
    x = linked
    ev = book(x, description="Quarterly review")
    got = wait_for(lambda: ours(fg, x["g"], ev["id"]))
    assert len(got) == 1, fg.events(x["g"])
    e = got[0]
    assert e["summary"] == ev["summary"] and e["description"] == "Quarterly review"
    assert e["extendedProperties"]["private"]["convene_event_id"] == ev["id"]
    assert start_of(e) == utc("T10:00:00") and e["start"]["timeZone"] == "Europe/Paris"
    assert e["status"] == "confirmed"
    gid = e["id"]
    # the mapping is kept: convene event -> the provider's event
    assert wait_for(lambda: s.rows("SELECT provider_event_id, origin FROM sync_events WHERE event_id = '%s'"
                                   % ev["id"]) == [[gid, "convene"]])
    assert wait_for(lambda: not jobs(s, ev["id"]))
    # moved: the same event patched
    r = x["c"].patch("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"]),
                     json={"start": D + "T14:00:00", "end": D + "T15:30:00", "summary": "Moved"})
    assert r.status_code == 200, r.text
    assert wait_for(lambda: [g for g in ours(fg, x["g"], ev["id"]) if g["summary"] == "Moved"])
    got = ours(fg, x["g"], ev["id"])
    assert [g["id"] for g in got] == [gid] and start_of(got[0]) == utc("T14:00:00")
    # deleted in convene: deleted at Google, the mapping gone
    assert x["c"].delete("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"])).status_code == 204
    assert wait_for(lambda: not ours(fg, x["g"], ev["id"]))
    assert [g["status"] for g in ours(fg, x["g"], ev["id"], live=False)] == ["cancelled"]
    assert wait_for(lambda: not s.rows("SELECT 1 FROM sync_events WHERE event_id = '%s'" % ev["id"]))
    # the unlinked provider room got nothing
    assert ours(fg, x["other"]) == []


def test_cancelled_or_room_removed_is_deleted_then_brought_back_under_its_id(s, fg, linked):
    x = linked
    ev = book(x)
    got = wait_for(lambda: ours(fg, x["g"], ev["id"]))
    gid = got[0]["id"]
    path = "/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"])
    r = x["c"].patch(path, json={"status": "cancelled"})
    assert r.status_code == 200, r.text
    assert wait_for(lambda: not ours(fg, x["g"], ev["id"]))
    r = x["c"].patch(path, json={"status": "confirmed"})
    assert r.status_code == 200, r.text
    # Google keeps the cancelled event under the id: a new insert is 409
    # duplicate, taken as "already there" and made current again
    back = wait_for(lambda: ours(fg, x["g"], ev["id"]))
    assert [g["id"] for g in back] == [gid] and back[0]["status"] == "confirmed"
    r = x["c"].patch(path, json={"room_ids": [x["free"]["id"]]})
    assert r.status_code == 200, r.text
    assert wait_for(lambda: not ours(fg, x["g"], ev["id"]))
    assert len(ours(fg, x["g"], ev["id"], live=False)) == 1


def test_a_booking_made_over_caldav_appears(s, fg, linked):
    x = linked
    uid = uniq("dav-") + "@example.com"
    start = DAY.strftime("%Y%m%d")
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
            "DTSTAMP:20260101T000000Z\r\nDTSTART:%sT080000Z\r\nDTEND:%sT090000Z\r\nSUMMARY:From CalDAV\r\n"
            "ORGANIZER:mailto:%s\r\nATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n") % (uid, start, start, x["user"]["email"], x["room"]["email"])
    r = dav(s, "PUT", "/dav/calendars/%s/%s/%s.ics" % (x["user"]["id"], x["cal"], uid), x["user"], text,
            {"Content-Type": "text/calendar; charset=utf-8"})
    assert r.status_code == 201, r.text
    got = wait_for(lambda: [e for e in ours(fg, x["g"]) if e["summary"] == "From CalDAV"])
    assert len(got) == 1 and start_of(got[0]).strftime("%H:%M") == "08:00", fg.events(x["g"])
    # the same object as an external booking (inbound's, X-CONVENE-EXTERNAL) queues nothing
    uid2 = uniq("ext-") + "@example.com"
    ext = text.replace(uid, uid2).replace("From CalDAV", "External").replace(
        "SUMMARY:", "X-CONVENE-EXTERNAL:google\r\nSUMMARY:").replace("T080000Z", "T120000Z").replace(
        "T090000Z", "T130000Z")
    r = dav(s, "PUT", "/dav/calendars/%s/%s/%s.ics" % (x["user"]["id"], x["cal"], uid2), x["user"], ext,
            {"Content-Type": "text/calendar; charset=utf-8"})
    assert r.status_code in (201, 403), r.text
    assert s.rows("SELECT count(*) FROM sync_jobs j JOIN events e ON e.id = j.event_id AND e.account_id ="
                  " j.account_id WHERE e.uid = '%s'" % uid2) == [["0"]]


def test_google_down_the_booking_succeeds_and_the_write_arrives_once(s, fg, linked):
    x = linked
    fg.outage(on=True)
    try:
        ev = book(x, start="T16:00:00", end="T17:00:00")  # answered without waiting for Google
        assert wait_for(lambda: [j for j in jobs(s, ev["id"]) if int(j[2]) >= 2], timeout=20), jobs(s, ev["id"])
        j = jobs(s, ev["id"])[0]
        assert j[0] == "insert" and j[1] == "pending" and j[3]
        assert ours(fg, x["g"], ev["id"]) == []
    finally:
        fg.outage(on=False)
    got = wait_for(lambda: ours(fg, x["g"], ev["id"]), timeout=20)
    assert len(got) == 1
    assert wait_for(lambda: not jobs(s, ev["id"]))
    # a lost answer: Google wrote it but convene never heard the id. The
    # next change finds it by the private property and patches it.
    s.execute("DELETE FROM sync_events WHERE event_id = '%s'" % ev["id"])
    r = x["c"].patch("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"]), json={"summary": "After loss"})
    assert r.status_code == 200, r.text
    assert wait_for(lambda: [g for g in ours(fg, x["g"], ev["id"]) if g["summary"] == "After loss"])
    assert len(ours(fg, x["g"], ev["id"], live=False)) == 1
    assert wait_for(lambda: s.rows("SELECT provider_event_id FROM sync_events WHERE event_id = '%s'" % ev["id"])
                    == [[got[0]["id"]]])
    # lost again, then deleted: found by the property and deleted, not left behind
    assert wait_for(lambda: not jobs(s, ev["id"]))
    s.execute("DELETE FROM sync_events WHERE event_id = '%s'" % ev["id"])
    assert x["c"].delete("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"])).status_code == 204
    assert wait_for(lambda: not ours(fg, x["g"], ev["id"]))
    assert wait_for(lambda: not jobs(s, ev["id"]))


def test_many_changes_leave_one_event_in_the_last_state(s, fg, linked):
    x = linked
    ev = book(x, start="T08:00:00", end="T08:30:00")
    path = "/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"])
    for i in range(8):
        r = x["c"].patch(path, json={"summary": "Take %d" % i, "start": D + "T%02d:00:00" % (8 + i % 3),
                                     "end": D + "T%02d:45:00" % (8 + i % 3)})
        assert r.status_code == 200, r.text
    assert wait_for(lambda: [g for g in ours(fg, x["g"], ev["id"]) if g["summary"] == "Take 7"])
    assert wait_for(lambda: not jobs(s, ev["id"]))
    got = ours(fg, x["g"], ev["id"], live=False)
    assert len(got) == 1 and got[0]["summary"] == "Take 7" and start_of(got[0]) == utc("T09:00:00")


def test_a_series_goes_as_one_recurring_event_with_its_exceptions(s, fg, linked):
    x = linked
    ev = book(x, start="T18:00:00", end="T18:30:00", rrule="FREQ=WEEKLY;COUNT=4",
              exdates=[(DAY + datetime.timedelta(days=7)).isoformat() + "T18:00:00"])
    got = wait_for(lambda: ours(fg, x["g"], ev["id"]))
    assert len(got) == 1, fg.events(x["g"])
    rec = got[0]["recurrence"]
    assert rec[0] == "RRULE:FREQ=WEEKLY;COUNT=4"
    ex = utc("T18:00:00") + datetime.timedelta(days=7)
    assert rec[1:] == ["EXDATE:" + ex.strftime("%Y%m%dT%H%M%SZ")]
    # an occurrence cancelled in convene joins the exceptions
    third = (DAY + datetime.timedelta(days=14)).isoformat() + "T18:00:00"
    r = x["c"].delete("/api/v1/calendars/%s/events/%s/occurrences/%s" % (x["cal"], ev["id"], third))
    assert r.status_code == 200, r.text
    assert wait_for(lambda: [g for g in ours(fg, x["g"], ev["id"]) if len(g["recurrence"]) == 3])
    # an occurrence moved in convene: that instance patched at Google (an exception of the series)
    series = got[0]["id"]
    fourth = (DAY + datetime.timedelta(days=21)).isoformat()
    r = x["c"].put("/api/v1/calendars/%s/events/%s/occurrences/%s" % (x["cal"], ev["id"], fourth + "T18:00:00"),
                   json={"start": fourth + "T19:00:00", "end": fourth + "T19:30:00"})
    assert r.status_code == 200, r.text

    def moved():
        return [e for e in fg.events(x["g"]) if e.get("recurringEventId") == series and e.get("status") != "cancelled"]
    got = wait_for(moved)
    assert len(got) == 1, fg.events(x["g"])
    want = utc("T19:00:00") + datetime.timedelta(days=21)
    assert start_of(got[0]) == want and got[0]["id"] == series + "_" + (utc("T18:00:00") + datetime.timedelta(
        days=21)).strftime("%Y%m%dT%H%M%SZ")
    # the mapping lost: the look-up by our property finds the series, not its exception
    assert wait_for(lambda: not jobs(s, ev["id"]))
    s.execute("DELETE FROM sync_events WHERE event_id = '%s'" % ev["id"])
    r = x["c"].patch("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"]), json={"summary": "Renamed"})
    assert r.status_code == 200, r.text
    assert wait_for(lambda: [g for g in ours(fg, x["g"], ev["id"]) if g["id"] == series and g["summary"] == "Renamed"])
    assert wait_for(lambda: not jobs(s, ev["id"]))
    assert [g["id"] for g in fg.events(x["g"]) if not g.get("recurringEventId")
            and g["extendedProperties"]["private"]["convene_event_id"] == ev["id"]] == [series]


def test_a_refused_write_is_kept_failed_and_shown_on_the_room(s, fg, linked):
    x = linked
    fg.fault(400, count=-1)  # Google refuses whatever is sent: another try would be refused the same
    try:
        ev = book(x, start="T13:00:00", end="T13:30:00")
        assert wait_for(lambda: [j for j in jobs(s, ev["id"]) if j[1] == "failed"]), jobs(s, ev["id"])
        action, status, attempts, error = jobs(s, ev["id"])[0]
        assert action == "insert" and int(attempts) == 1 and "400" in error
    finally:
        fg.clear_faults()

    def room():
        r = x["admin"].get(BASE + "/google/rooms")
        return [i for i in r.json()["items"] if i["provider_room_id"] == x["g"]][0]
    # shown on the room, and still after a later read of the room's calendar
    # succeeded: that read says nothing about the booking never written
    def synced():
        got = s.rows("SELECT COALESCE(last_sync_at, 0) FROM sync_rooms WHERE provider_room_id = '%s'" % x["g"])[0][0]
        return int(got or 0)
    s.execute("UPDATE sync_rooms SET dirty_at = 1, dirty_seq = dirty_seq + 1, last_sync_at = NULL"
              " WHERE provider_room_id = '%s'" % x["g"])
    assert wait_for(lambda: synced() > 0)
    item = room()
    assert item["error_code"] == "provider_error" and item["last_error"].startswith(
        "A booking could not be written") and "400" in item["last_error"], item
    # the next change of the event queues it again, and it is written
    r = x["c"].patch("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"]), json={"summary": "Second try"})
    assert r.status_code == 200, r.text
    got = wait_for(lambda: ours(fg, x["g"], ev["id"]))
    assert len(got) == 1 and got[0]["summary"] == "Second try"
    # and the room shows no error once nothing is left unwritten
    assert wait_for(lambda: room()["error_code"] is None and room()["last_error"] is None), room()


def test_linking_a_room_writes_what_it_holds_already(s, fg, linked):
    x = linked
    before = book(x, rooms=[x["free"]], start="T15:00:00", end="T15:30:00")
    series = book(x, rooms=[x["free"]], start="T17:00:00", end="T17:30:00", rrule="FREQ=DAILY;COUNT=3")
    past_cancel = book(x, rooms=[x["free"]], start="T19:00:00", end="T19:30:00")
    r = x["c"].patch("/api/v1/calendars/%s/events/%s" % (x["cal"], past_cancel["id"]), json={"status": "cancelled"})
    assert r.status_code == 200, r.text
    assert jobs(s, before["id"]) == [] and ours(fg, x["other"]) == []
    r = x["admin"].put(BASE + "/google/rooms/" + x["other"], json={"room_id": x["free"]["id"]})
    assert r.status_code == 200, r.text
    got = wait_for(lambda: len(ours(fg, x["other"])) == 2 and ours(fg, x["other"]))
    assert sorted(e["extendedProperties"]["private"]["convene_event_id"] for e in got) == sorted(
        [before["id"], series["id"]]), fg.events(x["other"])
    assert [e for e in got if e.get("recurrence")][0]["recurrence"] == ["RRULE:FREQ=DAILY;COUNT=3"]


def test_an_unlinked_room_queues_nothing(s, fg, linked):
    x = linked
    ev = book(x, rooms=[x["free"]], start="T07:00:00", end="T07:30:00")
    assert jobs(s, ev["id"]) == []
    both = book(x, rooms=[x["free"], x["room"]], start="T12:00:00", end="T12:30:00")
    got = wait_for(lambda: ours(fg, x["g"], both["id"]))
    assert len(got) == 1 and ours(fg, x["other"]) == []
    # unlinking the room: its copy is removed, and nothing more is written for it
    r = x["admin"].delete(BASE + "/google/rooms/" + x["g"])
    assert r.status_code == 204, r.text
    assert wait_for(lambda: not ours(fg, x["g"], both["id"]))
    assert wait_for(lambda: not jobs(s, both["id"]))
    r = x["c"].patch("/api/v1/calendars/%s/events/%s" % (x["cal"], both["id"]), json={"summary": "Unseen"})
    assert r.status_code == 200, r.text
    assert jobs(s, both["id"]) == []
    assert [g["summary"] for g in ours(fg, x["g"], both["id"], live=False)] != ["Unseen"]


def audit_after(x, action):
    items = x["admin"].get("/api/v1/audit", params={"target": "google"}).json()["items"]
    got = [i for i in items if i["action"] == action]
    assert got, items
    return got[0].get("new") or got[0].get("old") or {}


def test_unlinking_removes_convenes_copies_even_while_google_is_down(s, fg, linked):
    """the copies would keep the room busy at Google with no one to update
    them: delete jobs survive the unlink and are sent once Google answers"""
    x = linked
    a = book(x, start="T08:00:00", end="T08:30:00")
    b = book(x, start="T08:30:00", end="T09:00:00")
    assert wait_for(lambda: len(ours(fg, x["g"])) == 2)
    assert wait_for(lambda: not jobs(s, a["id"]) and not jobs(s, b["id"]))
    fg.outage(on=True)
    try:
        r = x["admin"].delete(BASE + "/google/rooms/" + x["g"])
        assert r.status_code == 204, r.text
        assert [j[0] for j in jobs(s, a["id"])] == ["delete"]
        assert audit_after(x, "calendar_integration.room_unlink")["copies_removing"] == 2
        assert wait_for(lambda: [j for j in jobs(s, a["id"]) if int(j[2]) >= 1], timeout=20), jobs(s, a["id"])
        assert len(ours(fg, x["g"])) == 2
    finally:
        fg.outage(on=False)
    assert wait_for(lambda: not ours(fg, x["g"]), timeout=30), fg.events(x["g"])
    assert wait_for(lambda: not jobs(s, a["id"]) and not jobs(s, b["id"]))
    assert not s.rows("SELECT 1 FROM sync_events WHERE event_id IN ('%s', '%s')" % (a["id"], b["id"]))
    # the bookings stay convene's own
    assert x["c"].get("/api/v1/calendars/%s/events/%s" % (x["cal"], a["id"])).status_code == 200


def deletes_of_room(s, g):
    return s.rows("SELECT event_id, status FROM sync_jobs WHERE provider_room_id = '%s' AND action = 'delete'" % g)


def test_unlinking_removes_every_copy_a_batch_at_a_time_through_an_outage(s, fg, linked):
    """more copies than an unlink queues at once (a year of bookings, made
    small by CONVENE_SYNC_COPIES_BATCH): the request queues the first batch,
    the writes worker the next ones from the mappings left, each once the
    batch before is through; Google down meanwhile holds them, loses none"""
    x = linked
    n = 3 * COPIES_BATCH + 2
    evs = [book(x, start="T%02d:00:00" % (7 + i), end="T%02d:30:00" % (7 + i)) for i in range(n)]
    assert wait_for(lambda: len(ours(fg, x["g"])) == n, timeout=30), len(ours(fg, x["g"]))
    assert wait_for(lambda: not any(jobs(s, e["id"]) for e in evs))
    fg.outage(on=True)
    try:
        r = x["admin"].delete(BASE + "/google/rooms/" + x["g"])
        assert r.status_code == 204, r.text
        assert audit_after(x, "calendar_integration.room_unlink")["copies_removing"] == n
        assert len(deletes_of_room(s, x["g"])) == COPIES_BATCH
        # the first batch is tried and waits for Google: no more queued meanwhile
        assert wait_for(lambda: s.rows("SELECT 1 FROM sync_jobs WHERE provider_room_id = '%s' AND attempts >= 2"
                                       % x["g"]), timeout=20)
        assert len(deletes_of_room(s, x["g"])) == COPIES_BATCH
        assert len(ours(fg, x["g"])) == n
    finally:
        fg.outage(on=False)
    assert wait_for(lambda: not ours(fg, x["g"]), timeout=60), len(ours(fg, x["g"]))
    assert wait_for(lambda: not deletes_of_room(s, x["g"]))
    assert not s.rows("SELECT 1 FROM sync_events WHERE provider_room_id = '%s'" % x["g"])
    # each copy deleted once
    deleted = [c for c in fg.calls("api") if c["method"] == "DELETE" and c.get("status") in (200, 204)
               and x["g"].split("@")[0] in c["path"]]
    assert len(deleted) == n, deleted


def test_a_write_in_flight_when_the_room_is_unlinked_is_removed_too(s, fg, linked):
    """the writes worker had claimed the insert and Google was answering it
    (slowly) when the room was unlinked: the unlink found no copy to remove,
    and the insert landed after it. That copy is deleted as well, with no
    one asking again"""
    import urllib.parse
    x = linked
    # the room's first sync and its push channel (a POST under the same path) first
    assert wait_for(lambda: [c for c in fg.channels() if c.get("calendarId") == x["g"]], timeout=20)
    path = "/calendar/v3/calendars/%s/events" % urllib.parse.quote(x["g"], safe="")
    fg.fault(0, count=1, method="POST", path=path, delay=3)
    try:
        ev = book(x, start="T13:00:00", end="T13:30:00")
        # the insert is at Google, held there: unlinked meanwhile
        assert wait_for(lambda: [f for f in fg.faults() if f.get("started")]), fg.faults()
        r = x["admin"].delete(BASE + "/google/rooms/" + x["g"])
        assert r.status_code == 204, r.text
        assert audit_after(x, "calendar_integration.room_unlink")["copies_removing"] == 0
        assert not ours(fg, x["g"], ev["id"])
        # the insert lands after the unlink...
        assert wait_for(lambda: ours(fg, x["g"], ev["id"], live=False), timeout=10), fg.events(x["g"])
    finally:
        fg.clear_faults()
    # ...and is deleted: nothing of convene's stays on the room's calendar
    assert wait_for(lambda: not ours(fg, x["g"], ev["id"]), timeout=15), ours(fg, x["g"], ev["id"])
    assert wait_for(lambda: not jobs(s, ev["id"]))
    assert not s.rows("SELECT 1 FROM sync_events WHERE event_id = '%s'" % ev["id"])


def test_disconnecting_removes_convenes_copies(s, fg, linked):
    x = linked
    a = book(x, start="T08:00:00", end="T08:30:00")
    b = book(x, start="T09:00:00", end="T09:30:00")
    assert wait_for(lambda: len(ours(fg, x["g"])) == 2)
    # Google fails one removal: counted as left, the others still go
    fg.fault(503, count=1, path="/calendar/v3/calendars")
    try:
        r = x["admin"].delete(BASE + "/google?confirm=true")
        assert r.status_code == 204, r.text
    finally:
        fg.clear_faults()
    after = audit_after(x, "calendar_integration.disconnect")
    assert after["copies_removed"] + after["copies_left"] == 2, after
    assert len(ours(fg, x["g"])) == after["copies_left"]
    assert not s.rows("SELECT 1 FROM sync_jobs WHERE event_id IN ('%s', '%s')" % (a["id"], b["id"]))


def test_writes_given_up_while_broken_are_sent_after_connect(s, fg, linked):
    """a job failed while the connection did not work is sent again once the
    administrator connects again"""
    x = linked
    fg.fault(400, count=-1)
    try:
        ev = book(x, start="T18:00:00", end="T18:30:00")
        assert wait_for(lambda: [j for j in jobs(s, ev["id"]) if j[1] == "failed"]), jobs(s, ev["id"])
    finally:
        fg.clear_faults()
    time.sleep(0.5)
    assert ours(fg, x["g"], ev["id"]) == [] and jobs(s, ev["id"])[0][1] == "failed"
    r = x["admin"].post(BASE + "/google/connect")
    assert r.status_code == 200, r.text
    got = wait_for(lambda: ours(fg, x["g"], ev["id"]))
    assert len(got) == 1
    assert wait_for(lambda: not jobs(s, ev["id"]))
