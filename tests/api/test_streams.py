"""Server-Sent Events: a calendar's change stream sends its version at once
and after every change (also one made on another node), resumes with
Last-Event-ID, pings while idle, ends when access goes, and never holds a
shutdown."""
import os
import tempfile
import time

from calutil import new_calendar, new_event
from conftest import DB, Node, OwnServer, problem
from sse import Stream


def member(srv, admin):
    u, _ = srv.make_user(admin, "member")
    return u, srv.login_as(u)


def test_a_change_reaches_an_open_stream(srv, admin):
    u, c = member(srv, admin)
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
    u, c = member(srv, admin)
    cal = new_calendar(c)
    v = c.get("/api/v1/calendars/" + cal["id"]).json()["version"]
    s = Stream(srv.login_as(u), "/api/v1/calendars/%s/stream" % cal["id"], headers={"Last-Event-ID": str(v)})
    assert s.nothing(within=1.0)
    new_event(c, cal["id"])
    assert s.next()[2]["version"] > v
    s.close()


def test_only_those_who_may_see_the_calendar_may_watch_it(srv, admin):
    u, c = member(srv, admin)
    cal = new_calendar(c)
    _, other = member(srv, admin)
    problem(other.get("/api/v1/calendars/%s/stream" % cal["id"]), 404)
    problem(srv.client().get("/api/v1/calendars/%s/stream" % cal["id"]), 401)


def test_deleting_the_calendar_ends_its_stream(srv, admin):
    u, c = member(srv, admin)
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
