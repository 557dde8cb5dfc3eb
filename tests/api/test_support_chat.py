"""Live chat between a portal's customer and a technician (issue 17): the
whole flow through the API with both sides reading their SSE streams,
resuming a stream with Last-Event-ID (nothing lost, nothing repeated), the
customer's token, notes private to technicians, closing by either side,
the auto-responses and the limits on messages."""
import tempfile

import pytest

from conftest import DB, Node, OwnServer, problem
from sse import Stream
from supportutil import ask, make_portal, make_team, make_tech, next_of, pub


@pytest.fixture
def desk(srv, admin):
    """a portal with a greeting, served by a team with one online technician"""
    team = make_team(admin)
    portal = make_portal(srv, admin, teams=[team], greeting="Hello, a technician will be with you soon.",
                         offline_message="We will answer by e-mail.")
    tech, tc = make_tech(srv, admin, portal["company_id"], team)
    return {"portal": portal, "team": team, "tech": tech, "tc": tc, "slug": portal["slug"]}


def messages_until(stream, seq, timeout=10):
    """the message events up to seq, as {seq: data}, checking ids equal seqs and follow each other"""
    got = {}
    while seq not in got:
        eid, data = next_of(stream, "message", timeout)
        assert int(eid) == data["seq"] and data["seq"] not in got
        got[data["seq"]] = data
    return got


def test_whole_flow(srv, desk):
    slug, tc = desk["slug"], desk["tc"]
    cust = srv.client()
    s = ask(cust, slug)
    assert s["state"] == "waiting" and s["position"] == 1 and s["token"]
    tok = {"token": s["token"]}
    shown = tc.get("/api/v1/support/sessions/%s" % s["id"])
    assert shown.status_code == 200, shown.text
    assert shown.json()["offered_to"] == desk["tech"]["id"]  # the least busy online technician
    assert shown.json()["customer"] == {"name": "Ann Customer", "email": "ann@example.test"}

    cs = Stream(cust, pub(slug, s["id"], "/stream?token=" + s["token"]))
    ts = Stream(tc, "/api/v1/support/sessions/%s/stream" % s["id"])
    try:
        assert cs.status == 200 and cs.headers["Content-Type"].startswith("text/event-stream")
        first = messages_until(cs, 2)
        assert first[1]["author_kind"] == "customer" and first[1]["text"] == "My printer is on fire"
        assert first[2]["author_kind"] == "system" and first[2]["text"].startswith("Hello")
        _, st = next_of(cs, "status")
        assert st["state"] == "waiting" and st["position"] == 1 and st["technician"] is None
        messages_until(ts, 2)

        r = tc.post("/api/v1/support/sessions/%s/pick-up" % s["id"])
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "active" and r.json()["technician_id"] == desk["tech"]["id"]
        _, ev = next_of(cs, "message")
        assert ev["seq"] == 3 and ev["event"]["state"] == "active"
        assert ev["event"]["technician"] == desk["tech"]["display_name"]
        _, st = next_of(cs, "status", pred=lambda d: d["state"] == "active")
        assert st["technician"] == {"display_name": desk["tech"]["display_name"]} and st["position"] is None

        assert tc.post("/api/v1/support/sessions/%s/messages" % s["id"], json={"text": "Unplug it"}).status_code == 204
        _, m = next_of(cs, "message")
        assert m["seq"] == 4 and m["author_kind"] == "technician" and m["text"] == "Unplug it"
        assert "author_id" not in m  # customers see no user ids

        r = tc.post("/api/v1/support/sessions/%s/notes" % s["id"], json={"text": "probably a toner fire"})
        assert r.status_code == 204
        r = cust.post(pub(slug, s["id"], "/messages"), params=tok, json={"text": "Done, thanks"})
        assert r.status_code == 204, r.text
        _, m = next_of(cs, "message")
        assert m["seq"] == 6 and m["text"] == "Done, thanks"  # the note (5) never reaches the customer
        got = messages_until(ts, 6)
        assert got[5]["kind"] == "note" and got[5]["text"] == "probably a toner fire"
        assert got[6]["author_kind"] == "customer"

        # typing and read marks travel as status events
        assert cust.post(pub(slug, s["id"], "/typing"), headers={"X-Session-Token": s["token"]}).status_code == 204
        next_of(ts, "status", pred=lambda d: d["typing"]["customer"])
        assert tc.post("/api/v1/support/sessions/%s/read" % s["id"], json={"seq": 6}).status_code == 204
        next_of(cs, "status", pred=lambda d: d["technician_read_seq"] == 6)
        assert cust.post(pub(slug, s["id"], "/read"), params=tok, json={"seq": 4}).status_code == 204
        next_of(ts, "status", pred=lambda d: d["customer_read_seq"] == 4)

        assert cust.post(pub(slug, s["id"], "/close"), params=tok).status_code == 204
        _, ev = next_of(ts, "message", pred=lambda d: d["kind"] == "event")
        assert ev["event"] == {"type": "state", "state": "closed", "by": "customer"}
        next_of(cs, "status", pred=lambda d: d["state"] == "closed" and d["closed_by"] == "customer")
    finally:
        cs.close()
        ts.close()
    body = problem(cust.post(pub(slug, s["id"], "/messages"), params=tok, json={"text": "again"}), 409,
                   "session-closed")
    assert body["detail"]
    problem(tc.post("/api/v1/support/sessions/%s/close" % s["id"]), 409, "session-closed")
    r = cust.get(pub(slug, s["id"]), params=tok)
    assert r.status_code == 200 and r.json()["state"] == "closed" and "customer" not in r.json()


def test_technician_closes(srv, desk):
    cust = srv.client()
    s = ask(cust, desk["slug"])
    assert desk["tc"].post("/api/v1/support/sessions/%s/pick-up" % s["id"]).status_code == 200
    cs = Stream(cust, pub(desk["slug"], s["id"], "/stream?token=" + s["token"]))
    try:
        messages_until(cs, 3)
        assert desk["tc"].post("/api/v1/support/sessions/%s/close" % s["id"]).status_code == 204
        _, ev = next_of(cs, "message")
        assert ev["event"] == {"type": "state", "state": "closed", "by": "technician"}
    finally:
        cs.close()


def test_resume_loses_and_repeats_nothing(srv, desk):
    slug, tc = desk["slug"], desk["tc"]
    cust = srv.client()
    s = ask(cust, slug)
    tok = {"token": s["token"]}
    assert tc.post("/api/v1/support/sessions/%s/pick-up" % s["id"]).status_code == 200
    path = pub(slug, s["id"], "/stream?token=" + s["token"])
    cs = Stream(cust, path)
    messages_until(cs, 3)
    cs.close()
    # while the customer is away, both sides write
    for i in range(4):
        assert tc.post("/api/v1/support/sessions/%s/messages" % s["id"], json={"text": "t%d" % i}).status_code == 204
    assert cust.post(pub(slug, s["id"], "/messages"), params=tok, json={"text": "c"}).status_code == 204
    cs = Stream(cust, path, headers={"Last-Event-ID": "3"})
    try:
        got = messages_until(cs, 8)
        assert sorted(got) == [4, 5, 6, 7, 8]
        assert [got[k]["text"] for k in sorted(got)] == ["t0", "t1", "t2", "t3", "c"]
        next_of(cs, "status")
        # and the live ones after that, once each
        assert tc.post("/api/v1/support/sessions/%s/messages" % s["id"], json={"text": "live"}).status_code == 204
        eid, m = next_of(cs, "message")
        assert eid == "9" and m["text"] == "live"
        with pytest.raises(AssertionError):
            next_of(cs, "message", timeout=1)
    finally:
        cs.close()
    # resuming at the end gives no message at all, only the status
    cs = Stream(cust, path, headers={"Last-Event-ID": "9"})
    try:
        ev, eid, data = cs.next()
        assert ev == "status" and eid is None and data["last_seq"] == 9
        cs.nothing(1.0)
    finally:
        cs.close()
    # many messages (more than one batch) arrive complete and in order
    for i in range(40):
        assert tc.post("/api/v1/support/sessions/%s/messages" % s["id"], json={"text": "m%d" % i}).status_code == 204
    cs = Stream(cust, path)
    try:
        got = messages_until(cs, 49)
        assert sorted(got) == list(range(1, 50))
    finally:
        cs.close()


def test_token(srv, admin, desk):
    slug = desk["slug"]
    cust = srv.client()
    s = ask(cust, slug)
    other = make_portal(srv, admin)
    wrong = problem(cust.get(pub(slug, s["id"]), params={"token": "x" * 43}), 404, "not-found")
    none = problem(cust.get(pub(slug, s["id"])), 404, "not-found")
    missing = problem(cust.get(pub(slug, "sup_" + "a" * 20), params={"token": s["token"]}), 404, "not-found")
    elsewhere = problem(cust.get(pub(other["slug"], s["id"]), params={"token": s["token"]}), 404, "not-found")
    assert wrong["detail"] == none["detail"] == missing["detail"] == elsewhere["detail"]
    problem(cust.post(pub(slug, s["id"], "/messages"), params={"token": "nope"}, json={"text": "x"}), 404)
    r = cust.get(pub(slug, s["id"], "/stream"), params={"token": "nope"})
    assert r.status_code == 404
    problem(cust.get(pub("no-such-portal-" + s["id"].lower(), s["id"]), params={"token": s["token"]}), 404)
    assert cust.get(pub(slug, s["id"]), headers={"X-Session-Token": s["token"]}).status_code == 200
    # the token is not written to the log
    assert s["token"] not in open(srv.log_path).read()


def test_offline_policies(srv, admin):
    team = make_team(admin)  # nobody online serves these portals
    form = make_portal(srv, admin, teams=[team], offline_message="Leave it with us: we answer by e-mail.")
    queue = make_portal(srv, admin, teams=[team], offline_policy="queue", greeting="hi")
    hide = make_portal(srv, admin, teams=[team], offline_policy="hide")
    cust = srv.client()
    s = ask(cust, form["slug"])
    assert s["state"] == "offline" and s["position"] is None
    cs = Stream(cust, pub(form["slug"], s["id"], "/stream?token=" + s["token"]))
    try:
        got = messages_until(cs, 2)
        assert got[2]["author_kind"] == "system" and got[2]["text"].startswith("Leave it with us")
    finally:
        cs.close()
    assert ask(cust, queue["slug"])["state"] == "waiting"
    r = cust.post("/api/v1/public/portals/%s/sessions" % hide["slug"],
                  json={"name": "A", "email": "a@example.test", "question": "?"})
    problem(r, 409, "support-closed")
    fr = cust.post("/api/v1/public/portals/%s/sessions" % hide["slug"], headers={"Accept-Language": "fr"},
                   json={"name": "A", "email": "a@example.test", "question": "?"})
    assert problem(fr, 409)["detail"] != problem(r, 409)["detail"]
    # an offline request is answered by a technician who serves the portal without picking it up
    tech, tc = make_tech(srv, admin, form["company_id"], team, online=False)
    items = tc.get("/api/v1/support/queue").json()["items"]
    assert s["id"] in [i["id"] for i in items]
    assert tc.post("/api/v1/support/sessions/%s/messages" % s["id"], json={"text": "Answer"}).status_code == 204
    problem(tc.post("/api/v1/support/sessions/%s/pick-up" % s["id"]), 409, "session-not-live")


def test_waiting_message(srv, admin):
    team = make_team(admin)
    portal = make_portal(srv, admin, teams=[team], offline_policy="queue", wait_after_s=1,
                         wait_message="Sorry for the wait: everyone is busy.")
    cust = srv.client()
    s = ask(cust, portal["slug"])
    cs = Stream(cust, pub(portal["slug"], s["id"], "/stream?token=" + s["token"]))
    try:
        _, m = next_of(cs, "message", timeout=20, pred=lambda d: d["author_kind"] == "system")
        assert m["text"] == "Sorry for the wait: everyone is busy."
        with pytest.raises(AssertionError):  # once
            next_of(cs, "message", timeout=7)
    finally:
        cs.close()


def test_limits(srv, desk):
    slug = desk["slug"]
    cust = srv.client()
    url = "/api/v1/public/portals/%s/sessions" % slug
    base = {"name": "A", "email": "a@example.test", "question": "q"}
    problem(cust.post(url, json=dict(base, email="nope")), 422)
    problem(cust.post(url, json=dict(base, question="   ")), 422)
    problem(cust.post(url, json=dict(base, question="é" * 4001)), 422)
    problem(cust.post(url, json=dict(base, extra=1)), 422, "unknown-field")
    problem(cust.post(url, json={"name": "A"}), 422)
    assert ask(cust, slug, question="é" * 4000)["state"] == "waiting"
    s = ask(cust, slug)
    tok = {"token": s["token"]}
    problem(cust.post(pub(slug, s["id"], "/messages"), params=tok, json={"text": "x" * 4001}), 422)
    problem(cust.post(pub(slug, s["id"], "/read"), params=tok, json={"seq": 0}), 422)
    codes = [cust.post(pub(slug, s["id"], "/messages"), params=tok, json={"text": "m"}).status_code
             for _ in range(31)]
    assert codes.count(204) == 29 and codes[-1] == 429  # the question counts too


def test_two_nodes():
    if DB == "sqlite":
        pytest.skip("nodes share a PostgreSQL database")
    main = OwnServer(tempfile.mkdtemp(prefix="convene-chat-a-"))
    nodes = [main]
    try:
        main.start()
        b = Node(main, tempfile.mkdtemp(prefix="convene-chat-b-"))
        nodes.append(b)
        b.start()
        admin_a = main.admin()
        team = make_team(admin_a)
        portal = make_portal(main, admin_a, teams=[team])
        tech, _ = make_tech(main, admin_a, portal["company_id"], team, online=False)
        tc = b.login_as(tech)
        assert tc.put("/api/v1/support/presence", json={"state": "online"}).status_code == 200
        console = Stream(tc, "/api/v1/support/stream")
        cust = main.client()
        s = ask(cust, portal["slug"])  # on node A, with the technician online on node B
        cs = Stream(cust, pub(portal["slug"], s["id"], "/stream?token=" + s["token"]))
        try:
            next_of(console, "console", pred=lambda d: s["id"] in [i["id"] for i in d["queue"]])
            assert tc.post("/api/v1/support/sessions/%s/pick-up" % s["id"]).status_code == 200
            ts = Stream(tc, "/api/v1/support/sessions/%s/stream" % s["id"])
            try:
                _, ev = next_of(cs, "message", pred=lambda d: d["kind"] == "event")
                assert ev["event"]["state"] == "active"
                assert tc.post("/api/v1/support/sessions/%s/messages" % s["id"], json={"text": "from B"}).status_code == 204
                _, m = next_of(cs, "message", pred=lambda d: d["kind"] == "text" and d["author_kind"] == "technician")
                assert m["text"] == "from B"
                r = cust.post(pub(portal["slug"], s["id"], "/messages"), params={"token": s["token"]},
                              json={"text": "from A"})
                assert r.status_code == 204
                _, m = next_of(ts, "message", pred=lambda d: d.get("text") == "from A")
            finally:
                ts.close()
        finally:
            cs.close()
            console.close()
    finally:
        problems = []
        for n in reversed(nodes):
            if n.proc:
                problems += n.stop()[0]
        main.drop()
        assert not problems, problems


def test_position_moves_up(srv, desk):
    slug, tc = desk["slug"], desk["tc"]
    cust = srv.client()
    first, second = ask(cust, slug), ask(cust, slug)
    assert first["position"] == 1 and second["position"] == 2
    cs = Stream(cust, pub(slug, second["id"], "/stream?token=" + second["token"]))
    try:
        next_of(cs, "status", pred=lambda d: d["position"] == 2)
        assert tc.post("/api/v1/support/sessions/%s/pick-up" % first["id"]).status_code == 200
        _, st = next_of(cs, "status", pred=lambda d: d["position"] == 1)
        assert st["state"] == "waiting" and st["estimated_wait_s"] is not None  # a pick-up time is known now
    finally:
        cs.close()
