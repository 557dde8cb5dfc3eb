"""The Exchange Server (on-premises) adapter (issue 16) against the EWS fake
of tests/fakes/ews: step 1's failures each named (a wrong password, the
impersonation role missing, an address that does not answer, a plain-http
remote address refused), connect listing the room lists' rooms, link and
import; inbound by pull notifications (Subscribe/GetEvents polled by the sync
worker): a meeting booked in Outlook appears in the linked room's calendar
within seconds, moves and cancellations follow, a daily series arrives as
its occurrences (one cancelled, one moved), a lapsed subscription made again; outbound: a convene
booking written into the room's mailbox once, moved and removed, a series
with its exceptions; an outage of the server, caught up after. The server
of this module is its own, polling every 200 ms."""
import datetime
import os
import time
import urllib.parse

import pytest

from conftest import problem, uniq
from syncutil import at, entry, fake_client, fresh, serve, wait

HERE = os.path.dirname(os.path.abspath(__file__))
ec = fake_client("ews")

BASE = "/api/v1/calendar-integrations"
ENV = {"CONVENE_SYNC_POLL_MS": "200", "CONVENE_SYNC_RETRY_S": "1"}


@pytest.fixture(scope="module")
def fe():
    with ec.FakeEws() as f:
        yield f


@pytest.fixture(scope="module")
def s(fe):
    yield from serve("convene-exchange-", ENV)


def rooms_of(admin):
    r = admin.get(BASE + "/exchange/rooms")
    assert r.status_code == 200, r.text
    return {i["provider_room_id"]: i for i in r.json()["items"]}


def new_room(fe, name="Ada", roomlist=None, **kw):
    email = "%s@contoso.com" % uniq("room").lower()
    if roomlist is None:
        roomlist = "%s@contoso.com" % uniq("list").lower()
        fe.add_roomlist(roomlist, "Building " + name)
    # the room keeps the meeting's subject (not the organizer's name) so that tests read it
    fe.add_room(email, uniq(name + " "), capacity=8, roomlist=roomlist, add_organizer_to_subject=False,
                delete_subject=False, **kw)
    return email


def step1(admin, fe, **over):
    body = dict({"ews_url": fe.ews_url, "username": fe.username, "password": fe.password}, **over)
    return admin.put(BASE + "/exchange", json=body)


def test_step1_failures_are_each_named(s, fe):
    admin = fresh(s)
    new_room(fe)
    # a plain-http address of another machine: refused before anything is stored or sent
    p = problem(step1(admin, fe, ews_url="http://mail.example.com/EWS/Exchange.asmx"), 422)
    assert "ews_url" in p["detail"] and entry(admin, "exchange")["status"] == "not_configured"
    for bad in ({"ews_url": "ftp://x/EWS"}, {"username": ""}, {"password": 7}, {"domain": "x"}):
        problem(step1(admin, fe, **bad), 422)
    assert entry(admin, "exchange")["status"] == "not_configured"
    # a wrong password
    p = problem(step1(admin, fe, password="wrong"), 422, "provider-check-failed")
    assert p["error_code"] == "login_failed", p
    # an account without the ApplicationImpersonation role: the mailbox and the command named
    weak = "%s@contoso.com" % uniq("svc").lower()
    fe.add_account(weak, "Passw0rd!", impersonation=False)
    p = problem(step1(admin, fe, username=weak, password="Passw0rd!"), 422, "provider-check-failed")
    assert p["error_code"] == "impersonation_denied", p
    assert p["error_params"]["mailbox"].endswith("@contoso.com")
    assert "New-ManagementRoleAssignment -Role ApplicationImpersonation" in p["error_params"]["command"]
    assert "ApplicationImpersonation" in p["detail"]
    # an address where nothing answers
    p = problem(step1(admin, fe, ews_url="http://127.0.0.1:9/EWS/Exchange.asmx"), 422, "provider-check-failed")
    assert p["error_code"] == "ews_unreachable", p
    e = entry(admin, "exchange")
    assert e["status"] == "step1_done" and e["error_code"] == "ews_unreachable"
    # and right at last; the password is never shown
    r = step1(admin, fe)
    assert r.status_code == 200, r.text
    assert r.json()["step1"] == {"ews_url": fe.ews_url, "username": fe.username}
    assert fe.password not in r.text and fe.password not in admin.get(BASE).text
    # every call impersonated the room with Basic of the service account
    reads = [q for q in fe.requests("FindItem") if q.get("impersonated")]
    assert reads and all(q["user"].lower() == fe.username.lower() for q in reads)


def test_a_busy_server_is_named_with_its_back_off(s, fe):
    admin = fresh(s)
    new_room(fe)
    fe.throttle(on=True, count=1, backoff_ms=2500)
    try:
        r = step1(admin, fe)
        p = problem(r, 422, "provider-check-failed")
        assert p["error_code"] == "provider_throttled", p
        assert r.headers.get("Retry-After") == "3"  # BackOffMilliseconds 2500, rounded up
    finally:
        fe.throttle(on=False)
    assert step1(admin, fe).status_code == 200


def test_connect_lists_the_room_lists_rooms_then_link_and_import(s, fe):
    admin = fresh(s)
    lst = "%s@contoso.com" % uniq("list").lower()
    fe.add_roomlist(lst, "Head office")
    a, b = new_room(fe, "Ada", roomlist=lst), new_room(fe, "Bob", roomlist=lst)
    assert step1(admin, fe).status_code == 200
    r = admin.post(BASE + "/exchange/connect")
    assert r.status_code == 200, r.text
    e = entry(admin, "exchange")
    assert e["status"] == "connected" and e["rooms_total"] >= 2
    rooms = rooms_of(admin)
    ra, rb = rooms[a], rooms[b]
    assert ra["email"] == a and ra["category"] == "conference_room" and ra["state"] == "available"
    assert ra["name"].startswith("Ada ") and ra["capacity"] is None  # EWS does not say
    got = admin.put(BASE + "/exchange/rooms/" + urllib.parse.quote(a, safe=""), json={"import": True})
    assert got.status_code == 200, got.text
    room = admin.get("/api/v1/rooms/" + got.json()["room_id"]).json()
    assert room["name"] == ra["name"] and room["category"] == "conference_room"
    own = admin.post("/api/v1/rooms", json={"name": uniq("Here "), "capacity": 6}).json()
    got = admin.put(BASE + "/exchange/rooms/" + urllib.parse.quote(b, safe=""), json={"room_id": own["id"]})
    assert got.status_code == 200 and got.json()["state"] == "linked", got.text


class Linked:
    """an account connected to the fake, one Exchange room linked to a new convene room"""

    def __init__(self, s, fe):
        self.admin, self.fe = fresh(s), fe
        self.email = new_room(fe)
        assert step1(self.admin, fe).status_code == 200
        assert self.admin.post(BASE + "/exchange/connect").status_code == 200
        rm = self.admin.post("/api/v1/rooms", json={"name": uniq("Room "), "capacity": 8})
        assert rm.status_code == 201, rm.text
        self.room = rm.json()
        r = self.admin.put(BASE + "/exchange/rooms/" + urllib.parse.quote(self.email, safe=""),
                           json={"room_id": self.room["id"]})
        assert r.status_code == 200, r.text
        # the first sync ran, and the pull subscription is made
        wait(lambda: [x for x in fe.subscriptions() if x.get("mailbox", "").lower() == self.email and x.get("alive")],
             what="the room's pull subscription")

    def events(self):
        r = self.admin.get("/api/v1/calendars/%s/events" % self.room["calendar_id"],
                           params={"start": at(-600)[:10], "end": at(60 * 24 * 40)[:10]})
        assert r.status_code == 200, r.text
        return r.json()["items"]

    def summaries(self):
        return sorted(e["summary"] for e in self.events())


def test_a_meeting_booked_in_outlook_appears_by_pull_moves_and_is_cancelled(s, fe):
    L = Linked(s, fe)
    m = fe.book("alice@contoso.com", [L.email], "Board meeting", at(60), at(90))
    assert m["rooms"][L.email]["response"] == "Accept"
    t0 = time.time()
    ev = wait(lambda: [e for e in L.events() if e["summary"] == "Board meeting"], what="the external booking")[0]
    assert time.time() - t0 < 10
    assert len(L.events()) == 1 and ev["start"].startswith(at(60)[:16])
    # it holds the room: a convene booking over it is refused
    r = L.admin.post("/api/v1/calendars/%s/events" % L.admin.get("/api/v1/calendars").json()["items"][0]["id"],
                     json={"summary": "Mine", "start": at(70), "end": at(80), "room_ids": [L.room["id"]]})
    problem(r, 409, "booking-conflict")
    # moved in Outlook
    fe.update_meeting(m["meeting_id"], start=at(120), end=at(150))
    wait(lambda: [e for e in L.events() if e["start"].startswith(at(120)[:16])], what="the move")
    assert len(L.events()) == 1
    # cancelled: Exchange keeps the room's copy, cancelled and free; convene drops it
    fe.cancel_meeting(m["meeting_id"])
    wait(lambda: not L.events(), what="the cancellation")
    # pulled, not listed: GetEvents polled on the room's subscription
    assert fe.requests("GetEvents")


def test_a_daily_series_arrives_as_its_occurrences_with_its_exceptions_and_a_deletion_leaves(s, fe):
    L = Linked(s, fe)
    start = at(60 * 24)
    m = fe.book("bob@contoso.com", [L.email], "Daily", start, at(60 * 24 + 30),
                recurrence={"type": "daily", "count": 3})
    wait(lambda: L.summaries() == ["Daily"] * 3, what="three occurrences")
    assert len({e["event_id"] for e in L.events()}) == 3
    # the organizer cancels the second occurrence and moves the third an hour later
    fe.update_meeting(m["meeting_id"], occurrence=at(60 * 48), cancel=True)
    wait(lambda: L.summaries() == ["Daily"] * 2, what="the cancelled occurrence gone")
    fe.update_meeting(m["meeting_id"], occurrence=at(60 * 72), start=at(60 * 72 + 60), end=at(60 * 72 + 90))
    wait(lambda: [e for e in L.events() if e["start"].startswith(at(60 * 72 + 60)[:16])], what="the moved occurrence")
    assert L.summaries() == ["Daily"] * 2
    # someone deletes a single appointment straight in the room's calendar
    it = fe.ctl("POST", "mailboxes/%s/items" % urllib.parse.quote(L.email), {
        "subject": "Direct", "start": at(60 * 24 * 10), "end": at(60 * 24 * 10 + 30)})
    wait(lambda: "Direct" in L.summaries(), what="the direct appointment")
    fe.delete_item(L.email, it["id"])
    wait(lambda: L.summaries() == ["Daily"] * 2, what="the deletion")


def test_a_lapsed_subscription_is_made_again_and_catches_up(s, fe):
    L = Linked(s, fe)
    sub = [x for x in fe.subscriptions() if x.get("mailbox", "").lower() == L.email and x.get("alive")][0]
    fe.expire_subscription(sub["id"])
    fe.book("carol@contoso.com", [L.email], "After expiry", at(200), at(230))
    wait(lambda: L.summaries() == ["After expiry"], what="the meeting after the subscription lapsed")
    # on a loaded machine the room's first full sync may come after the
    # booking and bring the meeting before any poll met the lapsed
    # subscription: the new one is awaited, not expected at once
    alive = wait(lambda: [x for x in fe.subscriptions() if x.get("mailbox", "").lower() == L.email
                          and x.get("alive") and x["id"] != sub["id"]], what="a new subscription of the room")
    assert len(alive) == 1, alive


EXT = "66f5a359-4659-4638-81f9-3bc2a3b8d1c4|convene_event_id|String"


def ours(fe, email, event_id, start=None, end=None):
    """the room's items (or instances in a window) convene wrote for this event"""
    return [i for i in fe.items(email, start, end) if (i.get("ext") or {}).get(EXT) == event_id]


def member_calendar(s, L, zone="Europe/Paris"):
    user, _ = s.make_user(L.admin, "member")
    c = s.login_as(user)
    cal = c.post("/api/v1/calendars", json={"name": uniq("Cal "), "time_zone": zone})
    assert cal.status_code == 201, cal.text
    return c, cal.json()["id"]


def test_a_convene_booking_reaches_the_room_mailbox_once_moves_and_goes(s, fe):
    L = Linked(s, fe)
    c, cal = member_calendar(s, L)
    day = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    r = c.post("/api/v1/calendars/%s/events" % cal, json={
        "summary": "Quarterly <review> & co", "start": day + "T10:00:00", "end": day + "T11:00:00",
        "room_ids": [L.room["id"]]})
    assert r.status_code == 201, r.text
    ev = r.json()
    got = wait(lambda: ours(fe, L.email, ev["id"]), what="the item in the room's calendar")
    assert len(got) == 1 and got[0]["subject"] == "Quarterly <review> & co", got
    assert got[0]["free_busy"] == "Busy"
    item_id = got[0]["id"]
    # written as the room, inviting nobody
    creates = [q for q in fe.requests("CreateItem") if q.get("impersonated", "").lower() == L.email]
    assert creates and not [x for x in fe.responses() if x.get("kind") == "invitation" and
                            x.get("from", "").lower() == L.email]
    # the echo is not an external booking: the room holds one booking
    time.sleep(1.5)
    assert len(ours(fe, L.email, ev["id"])) == 1
    bk = L.admin.get("/api/v1/rooms/%s/bookings" % L.room["id"],
                     params={"start": day, "end": (datetime.date.fromisoformat(day) +
                                                  datetime.timedelta(days=1)).isoformat()}).json()["items"]
    assert len(bk) == 1, bk
    # moved: the same item updated
    r = c.patch("/api/v1/calendars/%s/events/%s" % (cal, ev["id"]),
                json={"start": day + "T14:00:00", "end": day + "T15:00:00"})
    assert r.status_code == 200, r.text
    wait(lambda: [i for i in ours(fe, L.email, ev["id"]) if "T12:00:00" in i["start"] or "T13:00:00" in i["start"]],
         what="the move")
    assert [i["id"] for i in ours(fe, L.email, ev["id"])] == [item_id]
    # deleted in convene: gone from the room's calendar
    assert c.delete("/api/v1/calendars/%s/events/%s" % (cal, ev["id"])).status_code == 204
    wait(lambda: not ours(fe, L.email, ev["id"]), what="the deletion")


def test_a_convene_series_is_one_recurring_item_with_its_exceptions(s, fe):
    L = Linked(s, fe)
    c, cal = member_calendar(s, L)
    d0 = datetime.date.today() + datetime.timedelta(days=2)
    r = c.post("/api/v1/calendars/%s/events" % cal, json={
        "summary": "Daily", "start": d0.isoformat() + "T09:00:00", "end": d0.isoformat() + "T09:30:00",
        "rrule": "FREQ=DAILY;COUNT=4", "room_ids": [L.room["id"]],
        "exdates": [(d0 + datetime.timedelta(days=1)).isoformat() + "T09:00:00"]})
    assert r.status_code == 201, r.text
    ev = r.json()
    wait(lambda: ours(fe, L.email, ev["id"]), what="the series")
    masters = ours(fe, L.email, ev["id"])
    assert len(masters) == 1 and masters[0]["recurrence"], masters
    start = d0.isoformat() + "T00:00:00Z"
    end = (d0 + datetime.timedelta(days=6)).isoformat() + "T00:00:00Z"
    inst = wait(lambda: (lambda v: v if len(v) == 3 else None)(ours(fe, L.email, ev["id"], start, end)),
                what="three instances (one excluded)")
    # on Paris' wall clock (StartTimeZone): 09:00 local every day
    assert all(i["start"][11:16] in ("07:00", "08:00") for i in inst), inst


def test_a_series_in_a_less_common_zone_keeps_its_wall_clock(s, fe):
    # Newfoundland (-03:30, DST -02:30): its Windows id comes from ICU's CLDR data, which convene's
    # former table of common zones lacked (the series was then written in UTC)
    L = Linked(s, fe)
    c, cal = member_calendar(s, L, "America/St_Johns")
    d0 = datetime.date.today() + datetime.timedelta(days=2)
    r = c.post("/api/v1/calendars/%s/events" % cal, json={
        "summary": "Daily", "start": d0.isoformat() + "T09:00:00", "end": d0.isoformat() + "T09:30:00",
        "rrule": "FREQ=DAILY;COUNT=3", "room_ids": [L.room["id"]]})
    assert r.status_code == 201, r.text
    ev = r.json()
    wait(lambda: ours(fe, L.email, ev["id"]), what="the series")
    masters = ours(fe, L.email, ev["id"])
    assert len(masters) == 1 and masters[0]["recurrence"], masters
    assert masters[0]["time_zone"] == "America/St_Johns", masters
    start = d0.isoformat() + "T00:00:00Z"
    end = (d0 + datetime.timedelta(days=6)).isoformat() + "T00:00:00Z"
    inst = wait(lambda: (lambda v: v if len(v) == 3 else None)(ours(fe, L.email, ev["id"], start, end)),
                what="three instances")
    assert all(i["start"][11:16] in ("11:30", "12:30") for i in inst), inst


def test_an_outage_loses_nothing_and_is_caught_up(s, fe):
    L = Linked(s, fe)
    fe.outage(on=True, mode="close")
    try:
        fe.book("dave@contoso.com", [L.email], "During the outage", at(300), at(330))
        time.sleep(2)
        assert L.summaries() == []
    finally:
        fe.outage(on=False)
    wait(lambda: L.summaries() == ["During the outage"], what="the meeting after the outage")
