"""Never two meetings in one room (issue 16 §3): when a meeting made at the
provider and a convene booking of a linked room overlap (both made within the
sync delay), the one made earlier keeps the room and the later one is
declined where it was made: at the provider the room declines its invitation;
in convene the booking is released, the organizer mailed in their language
with other free rooms. Against tests/fakes/google; the race is made by holding
the sync back with the fake's outage."""
import datetime
import time

import pytest

from conftest import uniq
from test_sync_inbound import ENV, Linked, at, gc, wait  # noqa: F401 (the same connected room)
import test_sync_inbound

s = test_sync_inbound.s
fg = test_sync_inbound.fg

BASE = "/api/v1/calendar-integrations"


def counters(L):
    return [i for i in L.admin.get(BASE).json()["items"] if i["provider"] == "google"][0]


def room_at_google(L):
    """the room's meetings at the fake, not cancelled: (summary, room's answer, convene's copy)"""
    out = []
    for e in L.fg.events(L.cal_id):
        if e.get("status") == "cancelled":
            continue
        room = [a for a in e.get("attendees", []) if a.get("email") == L.cal_id]
        mine = "convene_event_id" in (e.get("extendedProperties") or {}).get("private", {})
        out.append((e.get("summary"), room[0].get("responseStatus") if room else None, mine))
    return sorted(out, key=str)


def member(L, language):
    u, _ = L.s.make_user(L.admin, "member")
    c = L.s.login_as(u)
    assert c.patch("/api/v1/me", json={"language": language}).status_code == 200
    return u, c


def book_in_convene(c, L, start, end, summary):
    mine = c.get("/api/v1/calendars").json()["items"][0]
    r = c.post("/api/v1/calendars/%s/events" % mine["id"],
               json={"summary": summary, "start": start, "end": end, "room_ids": [L.room["id"]]})
    assert r.status_code == 201, r.text
    return mine, r.json()


def test_a_google_meeting_made_earlier_takes_the_room_from_a_later_convene_booking(s, fg):
    L = Linked(s, fg)
    other = L.admin.post("/api/v1/rooms", json={"name": uniq("Free room "), "capacity": 8})
    assert other.status_code == 201, other.text
    u, c = member(L, "fr")
    before = counters(L)["conflicts_resolved"]
    start, end = at(24 * 60 + 300), at(24 * 60 + 360)
    fg.outage(True)  # convene hears nothing of Google, Google nothing of convene
    try:
        assert L.book(start, end, summary="Made at Google")["room_response"] == "accepted"
        time.sleep(1.1)  # made a second later in convene
        cal, ev = book_in_convene(c, L, start, end, "Made in convene")
        assert [b["summary"] for b in L.bookings()] == ["Made in convene"]
    finally:
        fg.outage(False)
    wait(lambda: [b["summary"] for b in L.bookings()] == ["Made at Google"], what="the room given to Google's")
    # the convene meeting is kept, the room's answer in it: declined
    got = c.get("/api/v1/calendars/%s/events/%s" % (cal["id"], ev["id"])).json()
    assert got["summary"] == "Made in convene"
    rooms = [a for a in got.get("attendees", []) if a.get("email") == L.room["email"]]
    assert rooms and rooms[0]["partstat"] == "declined", got
    # the organizer is told, in French, with the other free room
    mail = s.wait_mail(u["email"])[-1]
    body = mail.get_content()
    assert L.room["name"] in mail["subject"] and "retirée" in mail["subject"], mail["subject"]
    assert "Made in convene" in body and "Google Calendar" in body and other.json()["name"] in body, body
    # the room's calendar at Google keeps only Google's meeting (no copy of ours left)
    try:
        wait(lambda: room_at_google(L) == [("Made at Google", "accepted", False)], what="Google's calendar",
             timeout=20)
    except AssertionError:
        raise AssertionError(room_at_google(L))
    wait(lambda: counters(L)["conflicts_resolved"] == before + 1, what="the counter")
    assert not L.rooms_entry()["error_code"]


def test_a_google_meeting_made_later_is_declined_at_google(s, fg):
    L = Linked(s, fg)
    u, c = member(L, "en")
    before = counters(L)["conflicts_resolved"]
    start, end = at(24 * 60 + 420), at(24 * 60 + 480)
    fg.outage(True)
    try:
        book_in_convene(c, L, start, end, "Made in convene")
        time.sleep(1.1)
        assert L.book(start, end, summary="Made at Google")["room_response"] == "accepted"  # Google does not know
    finally:
        fg.outage(False)

    def declined():
        return [x for x in room_at_google(L) if x[0] == "Made at Google" and x[1] == "declined"]

    wait(declined, what="Google's meeting declined by the room", timeout=20)
    assert [b["summary"] for b in L.bookings()] == ["Made in convene"]
    assert [e["summary"] for e in L.events()] == []  # nothing of Google's kept in the room's calendar
    # our own copy at Google (the echo) is not a rival: it stays, accepted
    wait(lambda: [x for x in room_at_google(L) if x[2]], what="convene's copy at Google", timeout=20)
    wait(lambda: counters(L)["conflicts_resolved"] == before + 1, what="the counter")
    # the comment names the convene booking's time, nothing private
    ev = [e for e in fg.events(L.cal_id) if e.get("summary") == "Made at Google"][0]
    room = [a for a in ev["attendees"] if a.get("email") == L.cal_id][0]
    comment = room.get("comment", "")
    assert "convene" in comment and "Made in convene" not in comment and u["email"] not in comment, comment
    time.sleep(1)
    assert [b["summary"] for b in L.bookings()] == ["Made in convene"]
    assert not s.mails(u["email"])


def race_lost_at_google(L, c, minute, fault):
    """a convene booking, then (Google not hearing of it) a Google meeting
    of our chosen id over it, whose decline Google answers with `fault`
    (status, count): its id"""
    import secrets
    import urllib.parse
    start, end = at(24 * 60 + minute), at(24 * 60 + minute + 60)
    gid = "rc" + secrets.token_hex(8)
    path = "/calendar/v3/calendars/%s/events/%s" % (urllib.parse.quote(L.cal_id, safe=""), gid)
    fg = L.fg
    fg.outage(True)
    try:
        book_in_convene(c, L, start, end, "Made in convene")
        time.sleep(1.1)
        assert L.book(start, end, summary="Made at Google", id=gid)["room_response"] == "accepted"
        fg.fault(fault[0], count=fault[1], method="PATCH", path=path)
    finally:
        fg.outage(False)
    return gid, path


def room_answer(L, gid):
    ev = [e for e in L.fg.events(L.cal_id) if e["id"] == gid][0]
    return [a for a in ev["attendees"] if a.get("email") == L.cal_id][0].get("responseStatus")


def patches(L, path):
    return [c for c in L.fg.calls("api") if c["method"] == "PATCH" and c["path"] == path]


def test_a_decline_google_failed_is_retried_with_back_off(s, fg):
    """the room's decline failed (Google unavailable): retried by the writes
    worker after 1 s, 2 s..., not six hours later by the next full check"""
    L = Linked(s, fg)
    u, c = member(L, "en")
    before = counters(L)["conflicts_resolved"]
    try:
        gid, path = race_lost_at_google(L, c, 1260, (503, 2))
        wait(lambda: room_answer(L, gid) == "declined", what="Google's meeting declined, at last", timeout=30)
    finally:
        fg.clear_faults()
    assert [p["status"] for p in patches(L, path)][:2] == [503, 503], patches(L, path)
    assert [b["summary"] for b in L.bookings()] == ["Made in convene"]
    wait(lambda: counters(L)["conflicts_resolved"] == before + 1, what="the counter")
    items = L.admin.get("/api/v1/audit", params={"action": "calendar_integration.conflict"}).json()["items"]
    assert [i for i in items if (i.get("new") or {}).get("declined_provider_event_id") == gid], items
    wait(lambda: not s.rows("SELECT 1 FROM sync_jobs WHERE provider_event_id = '%s'" % gid), what="the job gone")
    assert not L.rooms_entry()["error_code"]


def test_a_decline_google_refuses_is_shown_on_the_room_and_not_sent_again_by_the_full_check(s, fg):
    L = Linked(s, fg)
    u, c = member(L, "en")
    try:
        gid, path = race_lost_at_google(L, c, 1380, (400, -1))
        wait(lambda: s.rows("SELECT status FROM sync_jobs WHERE provider_event_id = '%s'" % gid) == [["failed"]],
             what="the decline given up", timeout=20)
        entry = L.rooms_entry()
        assert entry["error_code"] == "provider_error" and "declined" in entry["last_error"], entry
        sent = len(patches(L, path))
        assert sent == 2, patches(L, path)  # the sync's own try, the job's
        # the next full check meets the meeting again: the job is left as it is
        fg.invalidate_sync(L.cal_id)
        L.book(at(24 * 60 + 1500), at(24 * 60 + 1530), summary="Another")  # a push, a sync: a full listing
        wait(lambda: "Another" in [b["summary"] for b in L.bookings()], what="the full listing")
        time.sleep(1)
        assert len(patches(L, path)) == sent
        assert s.rows("SELECT status, attempts FROM sync_jobs WHERE provider_event_id = '%s'" % gid) == [
            ["failed", "1"]]
        assert room_answer(L, gid) != "declined"
    finally:
        fg.clear_faults()


def test_a_google_meeting_shown_without_the_room_takes_it_once_the_other_meeting_moves_away(s, fg):
    """Google's room takes a second meeting after the first moved away, and
    convene hears of the second before the move (the move listed last): the
    second is shown without the room then, and takes it once the first has
    moved, in the same sync; a convene booking cannot take it from it"""
    L = Linked(s, fg)
    start, end = at(24 * 60 + 540), at(24 * 60 + 600)
    first = L.book(start, end, summary="First")["event"]
    wait(lambda: [b["summary"] for b in L.bookings()] == ["First"], what="the first meeting held")
    fg.outage(True)
    try:
        assert fg.change(L.cal_id, first["id"], start={"dateTime": at(24 * 60 + 700)},
                         end={"dateTime": at(24 * 60 + 760)})["room_response"] == "accepted"
        assert L.book(start, end, summary="Second")["room_response"] == "accepted"  # the room is free at Google
        fg.change(L.cal_id, first["id"], summary="First, moved")  # now listed after the second
    finally:
        fg.outage(False)
    wait(lambda: sorted(b["summary"] for b in L.bookings()) == ["First, moved", "Second"],
         what="both meetings holding the room")
    u, c = member(L, "en")
    mine = c.get("/api/v1/calendars").json()["items"][0]
    r = c.post("/api/v1/calendars/%s/events" % mine["id"],
               json={"summary": "Made in convene", "start": start, "end": end, "room_ids": [L.room["id"]]})
    assert r.status_code == 409, r.text
    assert sorted(x[:2] for x in room_at_google(L)) == [("First, moved", "accepted"), ("Second", "accepted")]


def test_one_lost_race_in_a_listing_leaves_every_other_meeting_of_it_stored(s, fg):
    """inbound applies a listing's meetings several to a transaction: the one
    that lost its race (a convene booking made earlier holds its hour) rolls
    its transaction back, and the meetings before and after it in the same
    listing must all still be stored, the loser declined at Google"""
    L = Linked(s, fg)
    u, c = member(L, "en")
    before = counters(L)["conflicts_resolved"]
    day = (time.time() // 86400 + 2) * 86400
    iso = lambda h: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(day + h * 3600))  # noqa: E731
    cal, ev = book_in_convene(c, L, iso(10), iso(11), "Made in convene")
    fg.outage(True)  # the 30 meetings reach convene in one listing, after the outage
    try:
        time.sleep(1.1)  # made later than convene's booking
        fg.add_meetings(L.cal_id, 30, start=iso(0), interval_minutes=60, duration_minutes=30, summary="Stand-up")
    finally:
        fg.outage(False)
    want = sorted(["Made in convene"] + ["Stand-up %d" % i for i in range(1, 31) if i != 11])
    # the sync that applies the listing declines the loser at Google after
    # storing the others: they are all there by then (a later full listing,
    # every 20 s here as the channel is renewed, would hide a loss by listing
    # them again, so no waiting for them)
    wait(lambda: ("Stand-up 11", "declined", False) in room_at_google(L), timeout=30,
         what="the later meeting declined")
    assert sorted(b["summary"] for b in L.bookings()) == want
    got = c.get("/api/v1/calendars/%s/events/%s" % (cal["id"], ev["id"])).json()
    assert [a["partstat"] for a in got["attendees"] if a.get("email") == L.room["email"]] == ["accepted"], got
    wait(lambda: counters(L)["conflicts_resolved"] == before + 1, what="the counter")


def test_a_google_meeting_made_earlier_takes_one_occurrence_of_a_later_convene_series(s, fg):
    """a convene series booked a second after a Google meeting overlapping its
    third occurrence: only that occurrence gives the room back (declined in
    its override, its booking gone, its instance left out of the series' copy
    at Google); the rest of the series keeps the room, Google's meeting is
    kept, not declined"""
    L = Linked(s, fg)
    other = L.admin.post("/api/v1/rooms", json={"name": uniq("Free room "), "capacity": 8})
    assert other.status_code == 201, other.text
    u, c = member(L, "en")
    before = counters(L)["conflicts_resolved"]
    start, end = at(24 * 60 + 300), at(24 * 60 + 360)
    day = datetime.timedelta(days=1)

    def shift(t, n):
        return (datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ") + n * day).strftime("%Y-%m-%dT%H:%M:%SZ")

    third = shift(start, 2)
    mine = c.get("/api/v1/calendars").json()["items"][0]
    fg.outage(True)
    try:
        assert L.book(third, shift(end, 2), summary="Made at Google")["room_response"] == "accepted"
        time.sleep(1.1)  # the series made a second later in convene
        r = c.post("/api/v1/calendars/%s/events" % mine["id"],
                   json={"summary": "Daily in convene", "start": start, "end": end, "rrule": "FREQ=DAILY;COUNT=5",
                         "room_ids": [L.room["id"]]})
        assert r.status_code == 201, r.text
        ev = r.json()
        assert [b["summary"] for b in L.bookings()] == ["Daily in convene"] * 5
    finally:
        fg.outage(False)

    def held():
        return sorted((b["summary"], b["start"][:16]) for b in L.bookings())

    want = sorted([("Daily in convene", shift(start, n)[:16]) for n in (0, 1, 3, 4)] +
                  [("Made at Google", third[:16])])
    try:
        wait(lambda: held() == want, what="the third occurrence given to Google's meeting")
    except AssertionError:
        raise AssertionError(held())
    # the series keeps the room; its third occurrence declines it, in its override
    got = c.get("/api/v1/calendars/%s/events/%s" % (mine["id"], ev["id"])).json()
    assert got["rrule"] == "FREQ=DAILY;COUNT=5"
    assert [a["partstat"] for a in got["attendees"] if a.get("email") == L.room["email"]] == ["accepted"], got
    assert len(got["overrides"]) == 1, got["overrides"]
    ov = got["overrides"][0]
    assert ov["status"] == "confirmed" and ov["summary"] == "Daily in convene", ov
    assert [a["partstat"] for a in ov["attendees"] if a.get("email") == L.room["email"]] == ["declined"], ov
    # the organizer is told which occurrence, with the other free room
    mail = s.wait_mail(u["email"])[-1]
    body = mail.get_content()
    assert L.room["name"] in mail["subject"], mail["subject"]
    assert "Daily in convene" in body and ov["recurrence_id"][:10] in body and "Google Calendar" in body, body
    assert other.json()["name"] in body, body
    # Google's room calendar: Google's meeting accepted, not declined; the
    # series' copy without its third occurrence
    def at_google():
        out = room_at_google(L)
        series = [e for e in fg.events(L.cal_id) if e.get("status") != "cancelled" and e.get("recurrence")]
        gone = bool(series) and any(x.startswith("EXDATE") and third.replace("-", "").replace(":", "") in x
                                    for x in series[0]["recurrence"])
        return out, gone

    try:
        # (convene's copy is on the room's own calendar: the room is not its attendee)
        wait(lambda: at_google() == ([("Daily in convene", None, True), ("Made at Google", "accepted", False)], True),
             what="Google's calendar", timeout=20)
    except AssertionError:
        raise AssertionError(at_google())
    wait(lambda: counters(L)["conflicts_resolved"] == before + 1, what="the counter")
    # a later change of the series leaves the occurrence given back as it is
    r = c.patch("/api/v1/calendars/%s/events/%s" % (mine["id"], ev["id"]), json={"summary": "Daily, renamed"},
                headers={"If-Match": got["etag"]})
    assert r.status_code == 200, r.text
    assert sorted(b["summary"] for b in L.bookings()) == ["Daily, renamed"] * 4 + ["Made at Google"]
    got = c.get("/api/v1/calendars/%s/events/%s" % (mine["id"], ev["id"])).json()
    assert [a["partstat"] for a in got["overrides"][0]["attendees"] if a.get("email") == L.room["email"]] == \
        ["declined"], got
    assert not L.rooms_entry()["error_code"]


def test_a_google_meeting_made_later_than_a_convene_series_is_declined_at_google(s, fg):
    """the race rule reads an occurrence's booking as a single booking's: a
    Google meeting made after the series overlapping one of its occurrences
    is declined, and every occurrence keeps the room"""
    L = Linked(s, fg)
    u, c = member(L, "en")
    before = counters(L)["conflicts_resolved"]
    start, end = at(24 * 60 + 420), at(24 * 60 + 480)
    second = (datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(days=1))
    mine = c.get("/api/v1/calendars").json()["items"][0]
    fg.outage(True)
    try:
        r = c.post("/api/v1/calendars/%s/events" % mine["id"],
                   json={"summary": "Daily in convene", "start": start, "end": end, "rrule": "FREQ=DAILY;COUNT=3",
                         "room_ids": [L.room["id"]]})
        assert r.status_code == 201, r.text
        time.sleep(1.1)
        g_start = second.strftime("%Y-%m-%dT%H:%M:%SZ")
        g_end = (second + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert L.book(g_start, g_end, summary="Made at Google")["room_response"] == "accepted"
    finally:
        fg.outage(False)

    def declined():
        return [x for x in room_at_google(L) if x[0] == "Made at Google" and x[1] == "declined"]

    wait(declined, what="Google's meeting declined by the room", timeout=20)
    wait(lambda: counters(L)["conflicts_resolved"] == before + 1, what="the counter")
    assert [b["summary"] for b in L.bookings()] == ["Daily in convene"] * 3
    got = c.get("/api/v1/calendars/%s/events/%s" % (mine["id"], r.json()["id"])).json()
    assert got["overrides"] == [], got["overrides"]
    time.sleep(1)
    assert not s.mails(u["email"])
