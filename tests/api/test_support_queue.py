"""The technicians' side of support sessions (issue 17): presence needs the
remote_support module, the queue shows the portals one serves (sub-teams,
sub-portals served by their parent's teams), a pick-up race has one winner,
transfer, company and tenant isolation, and the console's stream keeping
the presence fresh."""
import threading
import time

from conftest import problem
from sse import Stream
from supportutil import ask, give_module, make_portal, make_team, make_tech, next_of


def test_presence_needs_the_module(srv, admin):
    team = make_team(admin)
    portal = make_portal(srv, admin, teams=[team])
    u, _ = srv.make_user(admin, "technician", company_ids=[portal["company_id"]])
    c = srv.login_as(u)
    body = problem(c.put("/api/v1/support/presence", json={"state": "online"}), 403, "module-required")
    assert body["module"] == "remote_support" and "remote_support" in body["detail"]
    assert c.get("/api/v1/support/presence").json()["state"] == "offline"
    r = c.put("/api/v1/support/presence", json={"state": "away"})  # away and offline need nothing
    assert r.status_code == 200 and r.json()["state"] == "away"
    give_module(srv, admin, u["id"])
    r = c.put("/api/v1/support/presence", json={"state": "online"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == r.json()["effective"] == "online" and r.json()["active_sessions"] == 0
    problem(c.put("/api/v1/support/presence", json={"state": "busy"}), 422)
    problem(c.put("/api/v1/support/presence", json={}), 422)
    member, mc = srv.make_user(admin, "member")[0], None
    mc = srv.login_as(member)
    problem(mc.put("/api/v1/support/presence", json={"state": "offline"}), 403)
    problem(mc.get("/api/v1/support/queue"), 403)


def test_console_keeps_presence_fresh(srv, admin):
    team = make_team(admin)
    portal = make_portal(srv, admin, teams=[team])
    tech, tc = make_tech(srv, admin, portal["company_id"], team)
    # a console that went away long ago: the technician counts as offline
    srv.execute("UPDATE support_presence SET seen_at = %d WHERE user_id = '%s'" % (time.time() - 300, tech["id"]))
    p = tc.get("/api/v1/support/presence").json()
    assert p["state"] == "online" and p["effective"] == "offline"
    assert ask(srv.client(), portal["slug"])["state"] == "offline"  # nobody to chat with: an offline request
    console = Stream(tc, "/api/v1/support/stream")
    try:
        _, d = next_of(console, "console")
        assert d["presence"]["effective"] == "online"  # its stream made it fresh again
        s = ask(srv.client(), portal["slug"])
        assert s["state"] == "waiting"
        next_of(console, "console", pred=lambda d: s["id"] in [i["id"] for i in d["queue"]])
        assert tc.post("/api/v1/support/sessions/%s/pick-up" % s["id"]).status_code == 200
        _, d = next_of(console, "console", pred=lambda d: s["id"] not in [i["id"] for i in d["queue"]])
        assert d["presence"]["active_sessions"] == 1
    finally:
        console.close()


def test_who_sees_the_queue(srv, admin):
    top = make_team(admin)
    sub = make_team(admin, parent=top)
    other = make_team(admin)
    portal = make_portal(srv, admin, teams=[top])
    child = make_portal(srv, admin, company=portal["company_id"], parent=portal["id"])  # no teams of its own
    _, sub_c = make_tech(srv, admin, portal["company_id"], sub, online=False)
    _, other_c = make_tech(srv, admin, portal["company_id"], other, online=False)
    outsider, out_c = make_tech(srv, admin, make_portal(srv, admin)["company_id"], top, online=False)
    cust = srv.client()
    a = ask(cust, portal["slug"])
    b = ask(cust, child["slug"])
    ids = [i["id"] for i in sub_c.get("/api/v1/support/queue").json()["items"]]
    assert a["id"] in ids and b["id"] in ids  # a sub-team serves; a sub-portal is served by its parent's teams
    assert all(x not in [i["id"] for i in other_c.get("/api/v1/support/queue").json()["items"]]
               for x in (a["id"], b["id"]))
    # a technician of the serving team who is not in the portal's company sees nothing of it
    assert a["id"] not in [i["id"] for i in out_c.get("/api/v1/support/queue").json()["items"]]
    for c in (other_c, out_c):
        problem(c.get("/api/v1/support/sessions/%s" % a["id"]), 404, "not-found")
        problem(c.post("/api/v1/support/sessions/%s/pick-up" % a["id"]), 404)
        assert c.get("/api/v1/support/sessions/%s/stream" % a["id"]).status_code == 404
    # admins see every session of the account; another account's admin nothing
    assert a["id"] in [i["id"] for i in admin.get("/api/v1/support/queue").json()["items"]]
    admin_b = srv.admin("B")
    assert a["id"] not in [i["id"] for i in admin_b.get("/api/v1/support/queue").json()["items"]]
    problem(admin_b.get("/api/v1/support/sessions/%s" % a["id"]), 404)
    problem(admin_b.post("/api/v1/support/sessions/%s/close" % a["id"]), 404)
    problem(sub_c.get("/api/v1/support/sessions/sup_aaaaaaaaaaaaaaaaaaaa"), 404)


def test_pick_up_race_has_one_winner(srv, admin):
    team = make_team(admin)
    portal = make_portal(srv, admin, teams=[team], offline_policy="queue")
    techs = [make_tech(srv, admin, portal["company_id"], team, online=False) for _ in range(6)]
    for _ in range(3):
        s = ask(srv.client(), portal["slug"])
        codes, start = [], threading.Barrier(len(techs) * 2)

        def take(c):
            start.wait()
            codes.append(c.post("/api/v1/support/sessions/%s/pick-up" % s["id"]).status_code)
        threads = [threading.Thread(target=take, args=(c,)) for _, c in techs for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(codes) == [200] + [409] * (len(threads) - 1), codes
        got = admin.get("/api/v1/support/sessions/%s" % s["id"]).json()
        assert got["state"] == "active" and got["technician_id"] in [u["id"] for u, _ in techs]


def test_transfer(srv, admin):
    team = make_team(admin)
    second = make_team(admin)
    portal = make_portal(srv, admin, teams=[team, second])
    t1, c1 = make_tech(srv, admin, portal["company_id"], team)
    t2, c2 = make_tech(srv, admin, portal["company_id"], second, online=False)
    s = ask(srv.client(), portal["slug"])
    path = "/api/v1/support/sessions/%s" % s["id"]
    problem(c1.post(path + "/messages", json={"text": "hi"}), 409, "not-your-session")
    assert c1.post(path + "/pick-up").status_code == 200
    problem(c1.post(path + "/transfer", json={}), 422)
    problem(c1.post(path + "/transfer", json={"technician_id": t2["id"], "team_id": team}), 422)
    outsider, _ = srv.make_user(admin, "technician")
    problem(c1.post(path + "/transfer", json={"technician_id": outsider["id"]}), 422)
    problem(c1.post(path + "/transfer", json={"team_id": "team_aaaaaaaaaaaaaaaaaaaa"}), 422)
    r = c1.post(path + "/transfer", json={"technician_id": t2["id"]})
    assert r.status_code == 200, r.text
    assert r.json()["technician_id"] == t2["id"] and r.json()["state"] == "active"
    problem(c1.post(path + "/messages", json={"text": "still mine?"}), 409, "not-your-session")
    assert c2.post(path + "/messages", json={"text": "I take over"}).status_code == 204
    r = c2.post(path + "/transfer", json={"team_id": team})
    assert r.status_code == 200 and r.json()["state"] == "waiting" and r.json()["team_id"] == team
    assert r.json()["offered_to"] == t1["id"]  # offered again to who is online in the team
    assert s["id"] in [i["id"] for i in c1.get("/api/v1/support/queue").json()["items"]]


def test_open_only_while_someone_could_be_offered(srv, admin):
    """the portal's openness and the choice of whom to offer a session count
    the same technicians: one of another company, or suspended, opens
    nothing, and a session asked then is not offered to them"""
    team = make_team(admin)
    portal = make_portal(srv, admin, teams=[team])
    elsewhere = admin.post("/api/v1/companies", json={"name": "Other co"}).json()["id"]
    make_tech(srv, admin, elsewhere, team)
    pub = "/api/v1/public/portals/%s" % portal["slug"]
    assert srv.client().get(pub).json()["open"] is False
    tech, _ = make_tech(srv, admin, portal["company_id"], team)
    assert srv.client().get(pub).json()["open"] is True
    assert admin.patch("/api/v1/users/%s" % tech["id"], json={"status": "suspended"}).status_code == 200
    assert srv.client().get(pub).json()["open"] is False
    s = ask(srv.client(), portal["slug"])
    assert s["state"] == "offline"
    assert srv.rows("SELECT COALESCE(offered_to, '-') FROM support_sessions WHERE id = '%s'" % s["id"]) == [["-"]]
