"""Managers' controls over support (issue 17): the technicians of their
teams (list, log-out, limit of concurrent sessions), cancelling waiting
sessions and offline requests, and watching live chats read-only
(supervisor view). Each needs the right, effective in a team the manager
manages; a manager of another team, a technician and another account get
nothing; admins do everything."""
import time

import pytest

from conftest import problem, uniq
from sse import Stream
from supportutil import ask, give_module, make_portal, make_team, make_tech, next_of, pub
from teamsutil import set_manager, set_team_rights

USED = ["cancel_requests", "log_out_representatives", "supervisor_view", "concurrent_sessions"]


class Setup:
    pass


@pytest.fixture
def sup(srv, admin):
    """a portal served by a sub-team (its technician online), a manager
    assigned to the parent team (outside the portal's company, so not one who
    serves it) holding no right yet, and a manager of another team holding
    every one; every team enables every right"""
    m = Setup()
    m.top = make_team(admin)
    m.sub = make_team(admin, parent=m.top)
    m.other = make_team(admin)
    for t in (m.top, m.sub, m.other):
        set_team_rights(admin, t, USED)
    m.portal = make_portal(srv, admin, teams=[m.sub])
    m.tech, m.tc = make_tech(srv, admin, m.portal["company_id"], m.sub)
    m.mgr, _ = srv.make_user(admin, "manager")
    m.mc = srv.login_as(m.mgr)
    set_manager(admin, m.mgr["id"], [], [m.top])
    m.grant = lambda *rights: set_manager(admin, m.mgr["id"], rights, [m.top])
    m.stranger, _ = srv.make_user(admin, "manager")
    set_manager(admin, m.stranger["id"], USED, [m.other])
    m.sc = srv.login_as(m.stranger)
    return m


def techs(c):
    r = c.get("/api/v1/support/technicians")
    assert r.status_code == 200, r.text
    return {t["id"]: t for t in r.json()["items"]}


def test_technicians_of_their_teams(srv, admin, sup):
    mine = techs(sup.mc)
    assert list(mine) == [sup.tech["id"]]  # members of the sub-teams count
    t = mine[sup.tech["id"]]
    assert t["presence"]["state"] == "online" and t["presence"]["max_sessions"] == 3
    assert not t["may_log_out"] and not t["may_set_limit"]
    sup.grant("log_out_representatives")
    t = techs(sup.mc)[sup.tech["id"]]
    assert t["may_log_out"] and not t["may_set_limit"]
    assert sup.tech["id"] not in techs(sup.sc)  # a manager of another team
    t = techs(admin)[sup.tech["id"]]
    assert t["may_log_out"] and t["may_set_limit"]
    problem(sup.tc.get("/api/v1/support/technicians"), 403)
    member, _ = srv.make_user(admin, "member")
    problem(srv.login_as(member).get("/api/v1/support/technicians"), 403)


def test_log_out_withdraws_offers_and_tells_the_console(srv, admin, sup):
    path = "/api/v1/support/technicians/%s/log-out" % sup.tech["id"]
    s = ask(srv.client(), sup.portal["slug"])
    assert s["state"] == "waiting"
    assert sup.tc.get("/api/v1/support/sessions/" + s["id"]).json()["offered_to"] == sup.tech["id"]
    problem(sup.mc.post(path), 403, "right-required")
    problem(sup.sc.post(path), 403, "right-required")  # holds it, but not over this technician
    problem(sup.tc.post(path), 403)
    console = Stream(sup.tc, "/api/v1/support/stream")
    try:
        next_of(console, "console", pred=lambda d: d["presence"]["state"] == "online")
        sup.grant("log_out_representatives")
        r = sup.mc.post(path)
        assert r.status_code == 200 and r.json()["state"] == "offline", r.text
        next_of(console, "console", pred=lambda d: d["presence"]["state"] == "offline")
    finally:
        console.close()
    got = admin.get("/api/v1/support/sessions/" + s["id"]).json()
    assert got["state"] == "waiting" and got["offered_to"] is None  # back in the queue, offered to nobody
    assert techs(admin)[sup.tech["id"]]["presence"]["state"] == "offline"
    # a team that stops enabling the right takes it from its manager
    set_team_rights(admin, sup.sub, [])
    set_team_rights(admin, sup.top, [])
    problem(sup.mc.post(path), 403, "right-required")
    assert admin.post(path).status_code == 200


def test_limit(srv, admin, sup):
    path = "/api/v1/support/technicians/%s/limit" % sup.tech["id"]
    problem(sup.mc.put(path, json={"max_sessions": 5}), 403, "right-required")
    sup.grant("concurrent_sessions")
    for bad in ({"max_sessions": 0}, {"max_sessions": 21}, {"max_sessions": "5"}, {}, {"max_sessions": 5, "x": 1}):
        problem(sup.mc.put(path, json=bad), 422)
    r = sup.mc.put(path, json={"max_sessions": 20})
    assert r.status_code == 200 and r.json()["max_sessions"] == 20, r.text
    assert sup.tc.get("/api/v1/support/presence").json()["max_sessions"] == 20
    problem(sup.sc.put(path, json={"max_sessions": 2}), 403)
    # someone with no presence yet gets one, offline
    u, _ = srv.make_user(admin, "technician")
    give_module(srv, admin, u["id"])
    r = admin.put("/api/v1/support/technicians/%s/limit" % u["id"], json={"max_sessions": 1})
    assert r.status_code == 200 and r.json()["state"] == "offline" and r.json()["max_sessions"] == 1
    problem(admin.put("/api/v1/support/technicians/usr_00000000000000000000/limit", json={"max_sessions": 2}),
            404, "not-found")


def test_cancel(srv, admin, sup):
    cust = srv.client()
    s = ask(cust, sup.portal["slug"])
    path = "/api/v1/support/sessions/%s/cancel" % s["id"]
    problem(sup.mc.post(path), 403, "right-required")
    problem(sup.sc.post(path), 403, "right-required")
    problem(sup.tc.post(path), 403)
    sup.grant("cancel_requests")
    cs = Stream(cust, pub(sup.portal["slug"], s["id"], "/stream?token=" + s["token"]))
    try:
        next_of(cs, "status")
        assert sup.mc.post(path).status_code == 204
        next_of(cs, "status", pred=lambda d: d["state"] == "closed")
    finally:
        cs.close()
    got = admin.get("/api/v1/support/sessions/" + s["id"]).json()
    assert got["state"] == "closed" and got["closed_by"] == "system"
    problem(sup.mc.post(path), 409, "session-not-cancellable")
    # a live chat is not cancelled
    live = ask(srv.client(), sup.portal["slug"])
    assert sup.tc.post("/api/v1/support/sessions/%s/pick-up" % live["id"]).status_code == 200
    problem(admin.post("/api/v1/support/sessions/%s/cancel" % live["id"]), 409, "session-not-cancellable")
    # an offline request is
    assert sup.tc.put("/api/v1/support/presence", json={"state": "offline"}).status_code == 200
    off = ask(srv.client(), sup.portal["slug"])
    assert off["state"] == "offline"
    assert admin.post("/api/v1/support/sessions/%s/cancel" % off["id"]).status_code == 204
    problem(admin.post("/api/v1/support/sessions/sup_00000000000000000000/cancel"), 404, "not-found")


def test_supervisor_watches_read_only(srv, admin, sup):
    cust = srv.client()
    s = ask(cust, sup.portal["slug"])
    assert sup.tc.post("/api/v1/support/sessions/%s/pick-up" % s["id"]).status_code == 200
    base = "/api/v1/support/sessions/" + s["id"]
    # without the right the session does not exist for them
    problem(sup.mc.get(base), 404, "not-found")
    assert sup.mc.get(base + "/stream").status_code == 404
    sup.grant("supervisor_view")
    assert sup.mc.get(base).status_code == 200
    watch = Stream(sup.mc, base + "/stream")
    try:
        assert watch.status == 200
        assert sup.tc.post(base + "/messages", json={"text": "Hello from support"}).status_code == 204
        next_of(watch, "message", pred=lambda d: d.get("text") == "Hello from support")
    finally:
        watch.close()
    for tail, body in (("/messages", {"text": "hi"}), ("/notes", {"text": "hi"}), ("/close", None),
                       ("/pick-up", None), ("/typing", None), ("/read", {"seq": 1}),
                       ("/transfer", {"team_id": sup.other})):
        problem(sup.mc.post(base + tail, json=body), 403, "watching-only")
    # a manager of another team holding the right sees nothing
    problem(sup.sc.get(base), 404)
    assert sup.sc.get(base + "/stream").status_code == 404


def test_other_account(srv, admin, sup):
    b = srv.admin("B")
    s = ask(srv.client(), sup.portal["slug"])
    assert sup.tech["id"] not in techs(b)
    # another account's ids answer 404 before the body is looked at
    problem(b.put("/api/v1/support/technicians/%s/limit" % sup.tech["id"], json={"max_sessions": 0}), 404)
    problem(b.post("/api/v1/support/technicians/%s/log-out" % sup.tech["id"]), 404)
    problem(b.post("/api/v1/support/sessions/%s/cancel" % s["id"]), 404)
    assert admin.get("/api/v1/support/sessions/" + s["id"]).json()["state"] == "waiting"


def history(c, **params):
    r = c.get("/api/v1/support/sessions", params=params)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()["items"]]


def test_history_search(srv, admin, sup):
    tag = uniq("zq")
    a = ask(srv.client(), sup.portal["slug"], name="Zoe " + tag, question="Printer jam")
    time.sleep(1.1)  # created_at has seconds: one apart, so that newest first is one order
    b = ask(srv.client(), sup.portal["slug"], email="%s@Example.test" % tag.upper(), question="100% broken_disk")
    time.sleep(1.1)
    c = ask(srv.client(), sup.portal["slug"], question="Screen is blank " + tag)
    assert admin.post("/api/v1/support/sessions/%s/cancel" % a["id"]).status_code == 204
    # newest first; name, e-mail (any case) and question match
    assert history(admin, q=tag) == [c["id"], b["id"], a["id"]]
    assert history(admin, q=tag.upper(), state="closed") == [a["id"]]
    assert history(admin, q=tag, portal_id=sup.portal["id"], state="waiting") == [c["id"], b["id"]]
    # % and _ are literal
    assert history(admin, q="100% broken_") == [b["id"]]
    assert history(admin, q="1%0") == [] and history(admin, q="broken%disk") == []
    # paging
    r = admin.get("/api/v1/support/sessions", params={"q": tag, "limit": 2}).json()
    assert [s["id"] for s in r["items"]] == [c["id"], b["id"]] and r["next_cursor"]
    assert r["items"][0]["customer_name"] and r["items"][1]["question"] == "100% broken_disk"
    r2 = admin.get("/api/v1/support/sessions", params={"q": tag, "limit": 2, "cursor": r["next_cursor"]}).json()
    assert [s["id"] for s in r2["items"]] == [a["id"]] and r2["next_cursor"] is None
    assert r2["items"][0]["closed_by"] == "system"
    # company access: the technician is in the company; the manager's team serves it; others see nothing
    assert history(sup.tc, q=tag) == [c["id"], b["id"], a["id"]]
    assert history(sup.mc, q=tag) == [c["id"], b["id"], a["id"]]
    assert history(sup.sc, q=tag) == []
    elsewhere = make_portal(srv, admin)
    outsider, oc = make_tech(srv, admin, elsewhere["company_id"], sup.other, online=False)
    assert history(oc, q=tag) == []
    assert history(oc, q=tag, company_id=sup.portal["company_id"]) == []
    problem(srv.login_as(srv.make_user(admin, "member")[0]).get("/api/v1/support/sessions"), 403)
    # another account's
    assert history(srv.admin("B"), q=tag) == []
    for bad in ({"limit": "0"}, {"limit": "101"}, {"q": "x" * 201}, {"state": "gone"}, {"cursor": "!!"},
                {"company_id": "nope"}, {"portal_id": "usr_00000000000000000000"}):
        problem(admin.get("/api/v1/support/sessions", params=bad), 400, "invalid-query")


def make_device(admin, company):
    r = admin.post("/api/v1/devices", json={"name": uniq("Printer "), "kind": "printer", "company_ids": [company]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_device_of_a_session(srv, admin, sup):
    mine = make_device(admin, sup.portal["company_id"])
    theirs = make_device(admin, make_portal(srv, admin)["company_id"])
    s = ask(srv.client(), sup.portal["slug"])
    path = "/api/v1/support/sessions/%s/device" % s["id"]
    r = sup.tc.get(path)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["company"]["id"] == sup.portal["company_id"] and got["device_id"] is None
    assert [d["id"] for d in got["devices"]] == [mine]
    r = sup.tc.put(path, json={"device_id": mine})
    assert r.status_code == 200 and r.json()["device_id"] == mine, r.text
    # another company's device, one that does not exist, another account's: refused alike
    b_dev = make_device(srv.admin("B"), srv.admin("B").post("/api/v1/companies", json={"name": uniq("B co ")}).json()["id"])
    details = set()
    for bad in (theirs, "dev_00000000000000000000", b_dev, "nope"):
        details.add(problem(sup.tc.put(path, json={"device_id": bad}), 422)["detail"])
    assert len(details) == 1
    for bad in ({}, {"device_id": 3}, {"device_id": mine, "x": 1}):
        problem(sup.tc.put(path, json=bad), 422)
    assert sup.tc.get(path).json()["device_id"] == mine
    assert sup.tc.put(path, json={"device_id": None}).json()["device_id"] is None
    # a supervisor reads it, does not change it; others do not see it
    sup.grant("supervisor_view")
    assert sup.mc.get(path).status_code == 200
    problem(sup.mc.put(path, json={"device_id": mine}), 403, "watching-only")
    problem(sup.sc.get(path), 404)
    problem(srv.admin("B").put(path, json={"device_id": 3}), 404)
