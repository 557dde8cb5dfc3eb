"""Convergence of the two-way room sync (issue 16 §5): a seeded random
sequence of creations, moves and cancellations made on both sides at once (at
the fake Google Workspace through its control API, as people booking in Google
Calendar; in convene through the JSON API and a few through CalDAV) for 20
linked rooms, with pushes arriving while the worker syncs. Once both sides are
quiet, each room holds the same meetings on both sides (time span, summary and
which side made it, leaving out what either side declined) and no room is
double booked on either side. The seed is printed; CONVENE_CONVERGE_SEED
replays a run, CONVENE_CONVERGE_OPS sets the number of operations."""
import datetime
import os
import random
import threading
import time
import urllib.parse
import uuid

import pytest

from conftest import uniq
from syncutil import fake_client, serve
from davutil import dav

HERE = os.path.dirname(os.path.abspath(__file__))
gc = fake_client("google")

BASE = "/api/v1/calendar-integrations"
SCOPES = [gc.SCOPE_DIRECTORY, gc.SCOPE_CALENDAR]
ROOMS = 20
THREADS = 4  # each owns ROOMS / THREADS rooms: both sides' operations on a room interleave in one thread
OPS = int(os.environ.get("CONVENE_CONVERGE_OPS") or 2400)
SEED = int(os.environ.get("CONVENE_CONVERGE_SEED") or random.SystemRandom().randrange(1 << 31))
QUIET_S = 3  # both sides agreeing and unchanged this long: the sync is done (4 times that: stuck)
BOUND_S = int(os.environ.get("CONVENE_CONVERGE_BOUND_S") or 90)
ENV = {"CONVENE_SYNC_POLL_MS": "100", "CONVENE_SYNC_RETRY_S": "1"}

# the meetings live on a grid of half hours over two working days, so that
# thousands of operations on 20 rooms make many clashes, on each side and across
DAY0 = datetime.datetime.combine(datetime.date.today() + datetime.timedelta(days=10), datetime.time(8),
                                 tzinfo=datetime.timezone.utc)
SLOTS = 2 * 20  # 08:00-18:00 UTC, two days
WIN = (DAY0.date().isoformat(), (DAY0 + datetime.timedelta(days=3)).date().isoformat())


def slot(i):
    d, k = divmod(i, 20)
    return DAY0 + datetime.timedelta(days=d, minutes=30 * k)


def z(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def utc(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)


@pytest.fixture(scope="module")
def fg():
    with gc.FakeGoogle() as f:
        yield f


@pytest.fixture(scope="module")
def s(fg):
    env = dict(ENV, CONVENE_GOOGLE_TOKEN_URL=fg.token_url, CONVENE_GOOGLE_API_URL=fg.api_url)
    yield from serve("convene-converge-", env)


def link_rooms(s, fg):
    key = uniq("acct")
    s.add_account(key, "Account " + key)
    admin = s.admin(key)
    sa = fg.add_service_account()
    fg.grant(sa["client_id"], SCOPES)
    boss = "%s@example.com" % uniq("admin")
    fg.add_user(boss, admin=True)
    r = admin.put(BASE + "/google", json={"service_account_key": sa, "admin_email": boss})
    assert r.status_code == 200, r.text
    cals = [fg.add_room(resourceName=uniq("Conv "), capacity=8)["resourceEmail"] for _ in range(ROOMS)]
    r = admin.post(BASE + "/google/connect")
    assert r.status_code == 200, r.text
    rooms = []
    for cal in cals:
        r = admin.put(BASE + "/google/rooms/" + urllib.parse.quote(cal, safe=""), json={"import": True})
        assert r.status_code == 200 and r.json()["state"] == "linked", r.text
        rooms.append(admin.get("/api/v1/rooms/" + r.json()["room_id"]).json())
    users = []
    for _ in range(THREADS):
        u, _ = s.make_user(admin, "member")
        c = s.login_as(u)
        cal = c.post("/api/v1/calendars", json={"name": uniq("Cal "), "time_zone": "UTC"})
        assert cal.status_code == 201, cal.text
        users.append({"user": u, "c": c, "cal": cal.json()["id"]})
    # every room's first sync has run once its push channel is open
    end = time.time() + 60
    while len({c["calendarId"] for c in fg.channels()} & set(cals)) < ROOMS:
        assert time.time() < end, "not every room got its push channel"
        time.sleep(0.2)
    return admin, list(zip(cals, rooms)), users


class Driver:
    """one thread's rooms: random operations on both sides, interleaved"""

    def __init__(self, s, fg, rng, pairs, me, counts):
        self.s, self.fg, self.rng, self.pairs, self.me = s, fg, rng, pairs, me
        self.g = {cal: [] for cal, _ in pairs}  # ids of meetings made at the fake, not cancelled
        self.c = {cal: [] for cal, _ in pairs}  # convene events made by us, not cancelled
        self.counts, self.n = counts, 0
        self.tag = me["user"]["id"][-6:]

    def span(self):
        a = self.rng.randrange(SLOTS)
        b = min(a + self.rng.choice((1, 1, 2, 2, 3, 4)), (a // 20 + 1) * 20 - 1)  # within its day
        return slot(a), slot(b) + datetime.timedelta(minutes=30)

    def count(self, what):
        self.counts[what] = self.counts.get(what, 0) + 1

    def step(self):
        cal, room = self.rng.choice(self.pairs)
        self.n += 1
        side, what = self.rng.random() < 0.5, self.rng.random()
        if side:  # people in Google Calendar
            mine = self.g[cal]
            if what < 0.55 or not mine:
                a, b = self.span()
                got = self.fg.book(cal, "p%d@example.com" % self.rng.randrange(9), z(a), z(b),
                                   summary="G %s %d" % (self.tag, self.n))
                mine.append(got["event"]["id"])
                self.count("google create " + got["room_response"])
            elif what < 0.8:
                a, b = self.span()
                got = self.fg.change(cal, self.rng.choice(mine), start={"dateTime": z(a)}, end={"dateTime": z(b)})
                self.count("google move " + got["room_response"])
            else:
                eid = mine.pop(self.rng.randrange(len(mine)))
                self.fg.cancel(cal, eid)
                self.count("google cancel")
            return
        c, ucal = self.me["c"], self.me["cal"]
        mine = self.c[cal]
        path = "/api/v1/calendars/%s/events" % ucal
        if what < 0.55 or not mine:
            a, b = self.span()
            summary = "C %s %d" % (self.tag, self.n)
            if self.rng.random() < 0.05:  # a few through CalDAV
                uid = str(uuid.UUID(int=self.rng.getrandbits(128))) + "@converge"
                text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//converge//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
                        "DTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:%s\r\n"
                        "ORGANIZER:mailto:%s\r\nATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n"
                        "END:VEVENT\r\nEND:VCALENDAR\r\n") % (
                    uid, a.strftime("%Y%m%dT%H%M%SZ"), b.strftime("%Y%m%dT%H%M%SZ"), summary,
                    self.me["user"]["email"], room["email"])
                r = dav(self.s, "PUT", "/dav/calendars/%s/%s/%s.ics" % (self.me["user"]["id"], ucal, uid),
                        self.me["user"], text, {"Content-Type": "text/calendar; charset=utf-8"})
                assert r.status_code in (201, 409), r.text
                self.count("caldav create %d" % r.status_code)
                return
            r = c.post(path, json={"summary": summary, "start": z(a), "end": z(b), "room_ids": [room["id"]]})
            assert r.status_code in (201, 409), r.text
            if r.status_code == 201:
                mine.append(r.json()["id"])
            self.count("convene create %d" % r.status_code)
        elif what < 0.8:
            a, b = self.span()
            r = c.patch(path + "/" + self.rng.choice(mine), json={"start": z(a), "end": z(b)})
            assert r.status_code in (200, 404, 409), r.text  # 404: released by the race rule
            self.count("convene move %d" % r.status_code)
        else:
            eid = mine.pop(self.rng.randrange(len(mine)))
            if self.rng.random() < 0.5:
                r = c.delete(path + "/" + eid)
                assert r.status_code in (204, 404), r.text
            else:
                r = c.patch(path + "/" + eid, json={"status": "cancelled"})
                assert r.status_code in (200, 404), r.text
            self.count("convene cancel %d" % r.status_code)


def held_at_fake(e, cal):
    """a live meeting the room has not declined"""
    if e.get("status") == "cancelled":
        return False
    for a in e.get("attendees") or []:
        if a.get("email") == cal and a.get("responseStatus") == "declined":
            return False
    return True


def fake_side(fg, cal, unbooked, declined):
    out = set()
    for e in fg.events(cal):
        if not held_at_fake(e, cal):
            continue
        origin = "convene" if "convene_event_id" in ((e.get("extendedProperties") or {}).get("private") or {}) \
            else "google"
        m = (z(utc(e["start"]["dateTime"])), z(utc(e["end"]["dateTime"])), e.get("summary"), origin)
        out.add(m)
        if e["id"] in unbooked:
            declined.add(m)
    return out


def convene_side(s, admin, room, external, declined):
    out = set()
    r = admin.get("/api/v1/rooms/%s/bookings" % room["id"], params={"start": WIN[0], "end": WIN[1], "limit": 1000})
    assert r.status_code == 200, r.text
    assert not r.json()["next_cursor"]
    for b in r.json()["items"]:
        origin = "google" if b["event_id"] in external else "convene"
        if b["status"] in ("declined", "cancelled"):
            declined.add((z(utc(b["start"])), z(utc(b["end"])), b["summary"], origin))
            continue
        out.add((z(utc(b["start"])), z(utc(b["end"])), b["summary"], origin))
    return out


def snapshot(s, fg, admin, pairs):
    external = {row[0] for row in s.rows("SELECT event_id FROM sync_events WHERE origin = 'provider'")}
    # external bookings convene shows without the room (it was taken when the meeting arrived)
    unbooked = {row[0] for row in s.rows(
        "SELECT x.provider_event_id FROM sync_events x LEFT JOIN bookings b ON b.event_id = x.event_id"
        " AND b.account_id = x.account_id WHERE x.origin = 'provider' AND b.id IS NULL")}
    declined = set()  # what convene declined (its room was taken when the meeting arrived)
    snap = {cal: (convene_side(s, admin, room, external, declined), fake_side(fg, cal, unbooked, declined))
            for cal, room in pairs}
    snap[None] = declined
    return snap


def overlaps(meetings):
    spans = sorted(meetings)
    return [(a, b) for a, b in zip(spans, spans[1:]) if b[0] < a[1]]


@pytest.fixture(scope="module")
def converged(s, fg):
    print("\nconvergence seed %d (CONVENE_CONVERGE_SEED=%d replays it), %d operations" % (SEED, SEED, OPS))
    admin, pairs, users = link_rooms(s, fg)
    counts, errors = {}, []
    per = ROOMS // THREADS
    drivers = [Driver(s, fg, random.Random(SEED * 31 + i), pairs[i * per:(i + 1) * per], users[i], counts)
               for i in range(THREADS)]

    def run(d):
        try:
            for _ in range(OPS // THREADS):
                d.step()
        except Exception as e:  # noqa: BLE001 (reported by the main thread)
            errors.append(repr(e))

    t0 = time.time()
    threads = [threading.Thread(target=run, args=(d,)) for d in drivers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = time.time() - t0
    assert not errors, errors
    # quiet: both sides unchanged for QUIET_S and agreeing, within BOUND_S
    end, last, since = time.time() + BOUND_S, None, time.time()
    while True:
        snap = snapshot(s, fg, admin, pairs)
        if snap != last:
            last, since = snap, time.time()
        agree = all(c == g for cal, (c, g) in rooms_of(snap))
        still = time.time() - since
        if agree and still >= QUIET_S or still >= 4 * QUIET_S or time.time() > end:
            break
        time.sleep(0.5)
    print("operations %s in %.1f s, quiet after %.1f s more (the sides %s)" % (
        sorted(counts.items()), made, time.time() - t0 - made, "agree" if agree else "differ"))
    return snap


def raced(m, c, g, declined):
    """m clashes with a meeting the other side made, or convene declined it
    when it arrived because the room was taken then: the race rule's case (the
    earlier keeps the room, the later is declined where it was made)"""
    return m in declined or any(o[3] != m[3] and o[0] < m[1] and m[0] < o[1] for o in c | g)


def rooms_of(converged):
    return sorted((cal, sides) for cal, sides in converged.items() if cal is not None)


def differences(converged, want_raced):
    out, declined = [], converged[None]
    for cal, (c, g) in rooms_of(converged):
        only_c = sorted(m for m in c - g if raced(m, c, g, declined) == want_raced)
        only_g = sorted(m for m in g - c if raced(m, c, g, declined) == want_raced)
        if only_c or only_g:
            out.append("%s: only in convene %s; only at Google %s" % (cal, only_c[:10], only_g[:10]))
    return out


def explain(s, fg, converged, diffs):
    """for a failure: what each side stores about a meeting only Google holds"""
    out = []
    for cal, (c, g) in rooms_of(converged):
        for m in [m for m in sorted(g - c) if repr(m) in "\n".join(diffs)][:3]:
            for e in fg.events(cal):
                if e.get("summary") == m[2]:
                    rows = s.rows("SELECT e.id, b.status FROM sync_events x LEFT JOIN events e ON e.id = x.event_id"
                                  " LEFT JOIN bookings b ON b.event_id = x.event_id"
                                  " WHERE x.provider_event_id = '%s'" % e["id"])
                    out.append("%s: at Google %s, created %s, updated %s, seq %s, room %s; in convene %s" % (
                        m[2], e.get("status"), e.get("created"), e.get("updated"), e.get("sequence"),
                        [a.get("responseStatus") for a in e.get("attendees") or [] if a.get("email") == cal], rows))
    return diffs + out[:20]


def test_each_room_holds_the_same_meetings_on_both_sides(s, fg, converged):
    diffs = differences(converged, False)
    if diffs:
        diffs = explain(s, fg, converged, diffs)
    assert not diffs, "seed %d: the sides differ:\n%s" % (SEED, "\n".join(diffs))
    total = sum(len(c) for _, (c, _) in rooms_of(converged))
    both = {o for _, (c, _) in rooms_of(converged) for *_, o in c}
    assert total >= ROOMS and both == {"google", "convene"}, (total, both)


def test_races_end_with_the_earlier_meeting_and_no_room_is_double_booked(s, fg, converged):
    clashes = differences(converged, True)
    for cal, (c, g) in rooms_of(converged):
        for side, held in (("convene", c), ("Google", g)):
            for a, b in overlaps(held):
                clashes.append("%s double booked at %s: %s and %s" % (cal, side, a, b))
    if clashes:
        clashes = explain(s, fg, converged, clashes)
    assert not clashes, "seed %d:\n%s" % (SEED, "\n".join(clashes))
