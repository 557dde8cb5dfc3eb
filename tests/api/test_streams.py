"""Server-Sent Events: a calendar's change stream sends its version at once
and after every change (also one made on another node), resumes with
Last-Event-ID, pings while idle, ends when access goes, and never holds a
shutdown. A room's schedule stream says when the room's bookings change."""
import datetime
import os
import tempfile
import time

from calutil import new_calendar, new_event
from conftest import DB, Node, OwnServer, new_member, problem, uniq
from sse import Stream


def test_a_change_reaches_an_open_stream(srv, admin):
    u, c = new_member(srv, admin)
    cal = new_calendar(c)
    s = Stream(srv.login_as(u), "/api/v1/calendars/%s/stream" % cal["id"])
    assert s.status == 200 and s.headers["Content-Type"].startswith("text/event-stream")
    ev, eid, data = s.next()
    assert ev == "calendar" and data == {"calendar_id": cal["id"], "version": int(eid)}
    first = int(eid)
    new_event(c, cal["id"])
    ev, eid, data = s.next()
    assert data["version"] > first and eid == str(data["version"])
    c.patch("/api/v1/calendars/" + cal["id"], json={"colour": "#123456"})
    assert s.next()[2]["version"] > data["version"]
    s.close()


def test_resuming_with_the_last_id_sends_nothing_old(srv, admin):
    u, c = new_member(srv, admin)
    cal = new_calendar(c)
    v = c.get("/api/v1/calendars/" + cal["id"]).json()["version"]
    s = Stream(srv.login_as(u), "/api/v1/calendars/%s/stream" % cal["id"], headers={"Last-Event-ID": str(v)})
    assert s.nothing(within=1.0)
    new_event(c, cal["id"])
    assert s.next()[2]["version"] > v
    s.close()


def test_only_those_who_may_see_the_calendar_may_watch_it(srv, admin):
    u, c = new_member(srv, admin)
    cal = new_calendar(c)
    _, other = new_member(srv, admin)
    problem(other.get("/api/v1/calendars/%s/stream" % cal["id"]), 404)
    problem(srv.client().get("/api/v1/calendars/%s/stream" % cal["id"]), 401)


def test_deleting_the_calendar_ends_its_stream(srv, admin):
    u, c = new_member(srv, admin)
    cal = new_calendar(c)
    s = Stream(srv.login_as(u), "/api/v1/calendars/%s/stream" % cal["id"])
    s.next()
    assert c.delete("/api/v1/calendars/" + cal["id"]).status_code == 204
    ev, _, data = s.next()
    assert ev == "end" and data["reason"] == "gone", (ev, data)
    assert s.ended.wait(5)


def test_pings_while_idle_and_a_prompt_shutdown():
    os.environ["CONVENE_SSE_PING_MS"] = "200"
    own = OwnServer(tempfile.mkdtemp(prefix="convene-sse-"))
    try:
        own.start()
    finally:
        del os.environ["CONVENE_SSE_PING_MS"]
    try:
        a = own.admin("A")
        cal = new_calendar(a)
        streams = [Stream(own.admin("A"), "/api/v1/calendars/%s/stream" % cal["id"]) for _ in range(5)]
        for s in streams:
            s.next()
        time.sleep(1.0)
        assert all(s.pings >= 2 for s in streams), [s.pings for s in streams]
        metrics = own.client().get("/metrics").text
        assert "convene_sse_streams_open 5" in metrics
        started = time.time()
        problems, log = own.stop()
        assert not problems, problems
        assert time.time() - started < 5, "open streams held the shutdown"
        assert all(s.ended.wait(5) for s in streams)
    finally:
        if own.proc and own.proc.poll() is None:
            own.stop()
        own.drop()


def test_a_change_on_one_node_reaches_a_stream_on_another():
    if DB == "sqlite":
        import pytest
        pytest.skip("one node on SQLite")
    a = OwnServer(tempfile.mkdtemp(prefix="convene-sse-a-"))
    a.start()
    b = Node(a, tempfile.mkdtemp(prefix="convene-sse-b-"))
    b.start()
    try:
        cal = new_calendar(a.admin("A"))
        s = Stream(b.admin("A"), "/api/v1/calendars/%s/stream" % cal["id"])
        v = int(s.next()[1])
        new_event(a.admin("A"), cal["id"])
        assert int(s.next(timeout=10)[1]) > v
        s.close()
    finally:
        for n in (b, a):
            problems, _ = n.stop()
            assert not problems, problems
        a.drop()


def a_room(admin):
    r = admin.post("/api/v1/rooms", json={"name": uniq("Streamed room "), "capacity": 4})
    assert r.status_code == 201, r.text
    return r.json()


def book_room(c, cal_id, room, minutes):
    start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2, minutes=minutes))
    start = start.replace(second=0, microsecond=0)
    r = c.post("/api/v1/calendars/%s/events" % cal_id,
               json={"summary": "Planning", "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "end": (start + datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "room_ids": [room["id"]]})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_room_schedule_stream_says_when_its_bookings_change(srv, admin):
    """what the calendar page's room schedules listen to: an event at once,
    then one per change of the room's bookings made by anyone, or of the room;
    a resumed stream fetches once; deleting the room ends it"""
    room = a_room(admin)
    u, c = new_member(srv, admin)
    s = Stream(srv.login_as(u), "/api/v1/rooms/%s/stream" % room["id"])
    assert s.status == 200 and s.headers["Content-Type"].startswith("text/event-stream")
    ev, first, data = s.next()
    assert ev == "room" and data == {"room_id": room["id"]}
    # another member books it: the watcher hears of it; so it does of the cancellation
    _, other = new_member(srv, admin)
    cal_id = new_calendar(other)["id"]
    made = book_room(other, cal_id, room, 0)
    ev, second, data = s.next()
    assert ev == "room" and data == {"room_id": room["id"]} and second != first
    assert other.delete("/api/v1/calendars/%s/events/%s" % (cal_id, made["id"])).status_code == 204
    assert s.next()[0] == "room"
    # a change elsewhere says nothing here
    book_room(other, new_calendar(other)["id"], a_room(admin), 60)
    assert s.nothing(within=1.0)
    # the room renamed: its schedule shows the new name
    assert admin.patch("/api/v1/rooms/" + room["id"], json={"name": uniq("Renamed room ")}).status_code == 200
    assert s.next()[0] == "room"
    # resuming with the last id still sends one event: it says "fetch once"
    again = Stream(srv.login_as(u), "/api/v1/rooms/%s/stream" % room["id"], headers={"Last-Event-ID": second})
    assert again.next()[0] == "room"
    assert admin.delete("/api/v1/rooms/" + room["id"]).status_code == 204
    for st in (s, again):
        ev, _, data = st.next()
        assert ev == "end" and data["reason"] == "gone", (ev, data)
        assert st.ended.wait(5)


def test_only_those_who_book_rooms_may_watch_one(srv, admin):
    room = a_room(admin)
    guest, _ = srv.make_user(admin, "guest")
    problem(srv.login_as(guest).get("/api/v1/rooms/%s/stream" % room["id"]), 403, "forbidden")
    problem(srv.client().get("/api/v1/rooms/%s/stream" % room["id"]), 401)
    _, c = new_member(srv, admin)
    problem(c.get("/api/v1/rooms/room_aaaaaaaaaaaaaaaaaaaa/stream"), 404, "not-found")
    problem(c.get("/api/v1/rooms/nonsense/stream"), 404, "not-found")
    if "StreamOther" not in srv.accounts:
        srv.add_account("StreamOther", "Another account")
    problem(srv.admin("StreamOther").get("/api/v1/rooms/%s/stream" % room["id"]), 404, "not-found")
