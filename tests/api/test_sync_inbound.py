"""Inbound calendar sync (issue 16 §3) against the fake Google Workspace of
tests/fakes/google: a meeting booked in Google Calendar becomes an external
booking of the linked convene room within seconds by push (it blocks the
room, shows on the door display, is read-only in JSON and CalDAV), follows
moves and cancellations, recurring series with a moved and a cancelled
occurrence, a 410 (full resync, nothing lost or doubled), channel renewal,
push authentication (/webhooks/google and /webhooks/microsoft), and an
outage (the error shown on the room, caught up afterwards). The server of
this module is its own, pointed at the fake, polling every 200 ms."""
import datetime
import os
import time
import urllib.parse

import pytest
import requests

from conftest import problem, uniq
from syncutil import at, fake_client, serve, wait

HERE = os.path.dirname(os.path.abspath(__file__))
gc = fake_client("google")

BASE = "/api/v1/calendar-integrations"
SCOPES = [gc.SCOPE_DIRECTORY, gc.SCOPE_CALENDAR]
ENV = {"CONVENE_SYNC_POLL_MS": "200", "CONVENE_SYNC_RETRY_S": "1", "CONVENE_SYNC_RENEW_BEFORE_S": "20",
       "CONVENE_SYNC_CHANNEL_TTL_S": "40", "CONVENE_RELEASE_INTERVAL_MS": "200"}


@pytest.fixture(scope="module")
def fg():
    with gc.FakeGoogle() as f:
        yield f


@pytest.fixture(scope="module")
def s(fg):
    env = dict(ENV, CONVENE_GOOGLE_TOKEN_URL=fg.token_url, CONVENE_GOOGLE_API_URL=fg.api_url)
    yield from serve("convene-inbound-", env)


class Linked:
    """an account connected to the fake, with one Google room linked to a new convene room"""

    def __init__(self, s, fg):
        key = uniq("acct")
        s.add_account(key, "Account " + key)
        self.s, self.fg, self.admin = s, fg, s.admin(key)
        self.admin_password = s.accounts[key]["password"]
        self.admin_email = s.accounts[key]["admin_email"]
        sa = fg.add_service_account()
        fg.grant(sa["client_id"], SCOPES)
        boss = "%s@example.com" % uniq("admin")
        fg.add_user(boss, admin=True)
        r = self.admin.put(BASE + "/google", json={"service_account_key": sa, "admin_email": boss})
        assert r.status_code == 200, r.text
        self.g = fg.add_room(resourceName=uniq("Ada "), capacity=8)
        self.cal_id = self.g["resourceEmail"]
        r = self.admin.post(BASE + "/google/connect")
        assert r.status_code == 200, r.text
        rm = self.admin.post("/api/v1/rooms", json={"name": uniq("Room "), "capacity": 8})
        assert rm.status_code == 201, rm.text
        self.room = rm.json()
        r = self.admin.put(BASE + "/google/rooms/" + urllib.parse.quote(self.cal_id, safe=""),
                           json={"room_id": self.room["id"]})
        assert r.status_code == 200, r.text
        # the first sync has run once the channel is open
        wait(lambda: self.channel(), what="the room's push channel")

    def channel(self):
        return [c for c in self.fg.channels() if c.get("calendarId") == self.cal_id]

    def events(self):
        r = self.admin.get("/api/v1/calendars/%s/events" % self.room["calendar_id"],
                           params={"start": at(-600)[:10], "end": at(60 * 24 * 20)[:10]})
        assert r.status_code == 200, r.text
        return r.json()["items"]

    def bookings(self):
        r = self.admin.get("/api/v1/rooms/%s/bookings" % self.room["id"],
                           params={"start": at(-600)[:10], "end": at(60 * 24 * 20)[:10]})
        assert r.status_code == 200, r.text
        return r.json()["items"]

    def rooms_entry(self):
        items = self.admin.get(BASE + "/google/rooms").json()["items"]
        return [i for i in items if i["provider_room_id"] == self.cal_id][0]

    def book(self, start, end, summary="Meeting", **kw):
        return self.fg.book(self.cal_id, "alice@example.com", start, end, summary=summary, **kw)


def summaries(linked):
    return sorted(e["summary"] for e in linked.events())


def test_a_meeting_booked_in_google_appears_and_blocks_the_room(s, fg):
    L = Linked(s, fg)
    got = L.book(at(-10), at(40), summary="Board meeting")
    assert got["room_response"] == "accepted"
    ev = wait(lambda: [e for e in L.events() if e["summary"] == "Board meeting"], what="the external booking")[0]
    assert len(L.events()) == 1
    # a convene booking of the taken room is refused as for any taken room
    u, _ = s.make_user(L.admin, "member")
    c = s.login_as(u)
    mine = c.get("/api/v1/calendars").json()["items"][0]
    r = c.post("/api/v1/calendars/%s/events" % mine["id"],
               json={"summary": "Mine", "start": at(0), "end": at(30), "room_ids": [L.room["id"]]})
    problem(r, 409, "booking-conflict")
    # on the door display
    d = L.admin.post("/api/v1/rooms/%s/displays" % L.room["id"], json={"name": "Door"}).json()
    state = s.client().get("/api/v1/display/" + d["token"]).json()
    assert state["current"]["summary"] == "Board meeting"
    assert state["current"]["organizer"] == "alice@example.com"
    # read-only: JSON
    path = "/api/v1/calendars/%s/events/%s" % (L.room["calendar_id"], ev["event_id"])
    p = problem(L.admin.patch(path, json={"summary": "Mine now"}), 403, "external-event")
    assert "Google Calendar" in p["detail"]
    problem(L.admin.delete(path), 403, "external-event")
    fr = L.admin.patch(path, json={"summary": "x"}, headers={"Accept-Language": "fr"})
    assert fr.status_code == 403
    # read-only: CalDAV (the room's calendar shows its bookings)
    bk = L.bookings()
    assert len(bk) == 1
    href = "/dav/calendars/rooms/%s/%s.ics" % (L.room["id"], bk[0]["id"])
    auth = (L.admin_email, L.admin_password)
    got = requests.get(s.url + href, auth=auth)
    assert got.status_code == 200, got.text
    for method, body in (("PUT", got.text), ("DELETE", None)):
        r = requests.request(method, s.url + href, auth=auth, data=body,
                             headers={"Content-Type": "text/calendar"})
        assert r.status_code == 403, (method, r.status_code, r.text)
    assert len(L.events()) == 1 and L.events()[0]["summary"] == "Board meeting"
    # the connection counts it
    entry = [i for i in L.admin.get(BASE).json()["items"] if i["provider"] == "google"][0]
    assert entry["events_synced"] >= 1 and entry["last_push_at"]
    # the web app shows it read-only: the API names where it was made
    assert ev["external"] == "google"
    assert L.admin.get(path).json()["external"] == "google"
    # nobody checks in to a Google meeting at convene's door: the no-show
    # rule (bookings nobody checked in to are released) never releases it,
    # since Google would still hold the room
    r = L.admin.patch("/api/v1/rooms/" + L.room["id"], json={"rules": {"checkin_minutes": 1}})
    assert r.status_code == 200, r.text
    time.sleep(2)
    assert [b["summary"] for b in L.bookings()] == ["Board meeting"]


def test_moves_cancellations_and_declines_follow(s, fg):
    L = Linked(s, fg)
    ev = L.book(at(120), at(150), summary="Moved later")["event"]
    wait(lambda: summaries(L) == ["Moved later"], what="the meeting")
    new_start = at(180)
    fg.change(L.cal_id, ev["id"], start={"dateTime": new_start}, end={"dateTime": at(240)})
    wait(lambda: [e for e in L.events() if e["start"].startswith(new_start[:16])], what="the move")
    assert len(L.bookings()) == 1 and L.bookings()[0]["start"].startswith(new_start[:16])
    fg.cancel(L.cal_id, ev["id"])
    wait(lambda: not L.events() and not L.bookings(), what="the cancellation")
    # a meeting the room declines (it clashes) is no booking
    L.book(at(300), at(330), summary="First")
    second = L.book(at(310), at(320), summary="Clash")
    assert second["room_response"] == "declined"
    wait(lambda: summaries(L) == ["First"], what="the accepted one only")
    time.sleep(1)
    assert summaries(L) == ["First"]


def test_a_recurring_series_with_a_moved_and_a_cancelled_occurrence(s, fg):
    L = Linked(s, fg)
    start = at(60 * 24)
    ev = L.book(start, at(60 * 24 + 30), summary="Weekly", recurrence=["RRULE:FREQ=DAILY;COUNT=4"])["event"]
    wait(lambda: len(L.events()) == 4, what="four occurrences")
    assert len({e["event_id"] for e in L.events()}) == 4  # each occurrence an event of its own
    inst = [x for x in fg.events(L.cal_id) if x.get("recurringEventId")] or []
    second = "%s_%s" % (ev["id"], (datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ") +
                                    datetime.timedelta(days=1)).strftime("%Y%m%dT%H%M%SZ"))
    third = "%s_%s" % (ev["id"], (datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ") +
                                   datetime.timedelta(days=2)).strftime("%Y%m%dT%H%M%SZ"))
    moved = (datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(days=1, hours=3))
    fg.change(L.cal_id, second, start={"dateTime": moved.strftime("%Y-%m-%dT%H:%M:%SZ")},
              end={"dateTime": (moved + datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")})
    fg.cancel(L.cal_id, third)
    wait(lambda: len(L.events()) == 3 and any(e["start"].startswith(moved.strftime("%Y-%m-%dT%H:%M"))
                                              for e in L.events()), what="the exceptions")
    assert len(L.bookings()) == 3 and not inst


def test_a_410_gives_a_full_resync_with_nothing_lost_or_doubled(s, fg):
    L = Linked(s, fg)
    a = L.book(at(60), at(90), summary="Kept")["event"]
    b = L.book(at(100), at(130), summary="Cancelled meanwhile")["event"]
    wait(lambda: summaries(L) == ["Cancelled meanwhile", "Kept"], what="two meetings")
    fg.push(False)
    try:
        fg.cancel(L.cal_id, b["id"])
        L.book(at(140), at(170), summary="Added meanwhile")
        fg.invalidate_sync(L.cal_id)
    finally:
        fg.push(True)
    L.book(at(200), at(230), summary="Pushed")  # a push: the token is refused, a full listing follows
    wait(lambda: summaries(L) == ["Added meanwhile", "Kept", "Pushed"], what="the full resync")
    assert len(L.bookings()) == 3
    assert a["id"]


def test_the_channel_is_renewed_before_it_expires(s, fg):
    # channels of this server live 40 s (CONVENE_SYNC_CHANNEL_TTL_S) and are
    # renewed 20 s before their end (CONVENE_SYNC_RENEW_BEFORE_S)
    L = Linked(s, fg)
    first = L.channel()[0]
    assert int(first["expiration"]) / 1000 - time.time() < 60
    second = wait(lambda: [c for c in L.channel() if c["id"] != first["id"]], timeout=40, what="a new channel")
    wait(lambda: first["id"] not in [c["id"] for c in L.channel()], what="the old channel stopped")
    assert second
    L.book(at(60), at(90), summary="After renewal")
    wait(lambda: summaries(L) == ["After renewal"], what="push on the new channel")


def test_push_is_authenticated(s, fg):
    L = Linked(s, fg)
    ch = L.channel()[0]
    hook = s.url + "/webhooks/google"
    r = requests.post(hook, headers={"X-Goog-Channel-ID": "no-such-channel", "X-Goog-Resource-State": "exists",
                                     "X-Goog-Channel-Token": "x"})
    problem(r, 404, "not-found")
    r = requests.post(hook, headers={"X-Goog-Channel-ID": ch["id"], "X-Goog-Resource-State": "exists",
                                     "X-Goog-Channel-Token": "wrong"})
    problem(r, 403, "forbidden")
    r = requests.post(hook, headers={"X-Goog-Channel-ID": ch["id"], "X-Goog-Resource-State": "sync"})
    assert r.status_code == 200
    problem(requests.post(hook), 400, "bad-request")
    ms = s.url + "/webhooks/microsoft"
    r = requests.post(ms + "?validationToken=" + urllib.parse.quote("Validation: Token 1"))
    assert r.status_code == 200 and r.text == "Validation: Token 1"
    assert r.headers["Content-Type"].startswith("text/plain")
    r = requests.post(ms, json={"value": [{"subscriptionId": "nobody", "clientState": "x"}]})
    assert r.status_code == 202
    problem(requests.post(ms, data="{not json", headers={"Content-Type": "application/json"}), 400,
            "malformed-json")
    problem(requests.post(ms, data="value=1", headers={"Content-Type": "application/x-www-form-urlencoded"}),
            415, "unsupported-media-type")
    problem(requests.post(ms, data="x" * (300 * 1024)), 413, "too-large")


def test_an_outage_is_shown_on_the_room_and_caught_up(s, fg):
    L = Linked(s, fg)
    fg.outage(True)
    try:
        L.book(at(60), at(90), summary="During the outage")  # its push comes; the read fails
        wait(lambda: L.rooms_entry()["error_code"], what="the error on the room")
        assert L.rooms_entry()["error_code"] == "provider_unreachable"
        assert summaries(L) == []
    finally:
        fg.outage(False)
    wait(lambda: summaries(L) == ["During the outage"], what="the catch-up")
    wait(lambda: not L.rooms_entry()["error_code"], what="the error cleared")


# a provider meeting overlapping a convene booking: the race rule, in
# tests/api/test_sync_conflicts.py


def test_credentials_that_fail_mark_the_connection(s, fg):
    L = Linked(s, fg)
    # Google Admin withdraws the delegation, and the tokens handed out lapse
    entry = [i for i in L.admin.get(BASE).json()["items"] if i["provider"] == "google"][0]
    fg.grant(entry["step1"]["client_id"], [])
    fg.expire_tokens()
    L.book(at(60), at(90), summary="Unseen")  # its push: the token cannot be had
    got = wait(lambda: [i for i in L.admin.get(BASE).json()["items"]
                        if i["provider"] == "google" and i["status"] == "error"], what="the connection in error")
    assert got[0]["error_code"] == "scopes_not_granted"
    assert L.rooms_entry()["error_code"] == "scopes_not_granted"
    assert summaries(L) == []
