"""Teams: the tree of teams and sub-teams (create, list with ?parent= and a
cursor, show, rename, move without cycles, delete refused while not empty),
members (technicians only), the rights a team enables with their
dependencies, the audit trail, and isolation between accounts."""
import pytest

from conftest import problem, uniq, walk_pages
from teamsutil import audit, make_team, set_team_rights


def test_tree_create_list_show(srv, admin):
    top = make_team(admin)
    assert top["parent_id"] is None and top["child_count"] == 0 and top["rights"] == []
    assert top["id"].startswith("team_")
    a = make_team(admin, top["id"], "Level 2")
    b = make_team(admin, a["id"])
    assert a["parent_id"] == top["id"]
    shown = admin.get("/api/v1/teams/" + top["id"]).json()
    assert shown["child_count"] == 1 and shown["member_count"] == 0
    leaf = admin.get("/api/v1/teams/" + b["id"]).json()
    assert [x["id"] for x in leaf["ancestors"]] == [top["id"], a["id"]]
    assert leaf["managers"] == []
    everything = admin.get("/api/v1/teams").json()
    ids = [t["id"] for t in everything["items"]]
    assert {top["id"], a["id"], b["id"]} <= set(ids) and everything["next_cursor"] is None
    roots = admin.get("/api/v1/teams", params={"parent": "root"}).json()["items"]
    assert top["id"] in [t["id"] for t in roots] and a["id"] not in [t["id"] for t in roots]
    assert all(t["parent_id"] is None for t in roots)
    children = admin.get("/api/v1/teams", params={"parent": top["id"]}).json()["items"]
    assert [t["id"] for t in children] == [a["id"]]
    assert audit(srv, top["id"], "team.create")[0][2]["name"] == top["name"]


def test_cursor_pages_visit_every_team_once(srv, admin):
    top = make_team(admin)
    for i in range(5):
        make_team(admin, top["id"], "Same %d" % (i % 2) if i < 2 else None)
    seen = [x["id"] for x in walk_pages(admin, "/api/v1/teams", {"parent": top["id"], "limit": 2})]
    assert len(seen) == len(set(seen)) == 5
    problem(admin.get("/api/v1/teams", params={"cursor": "garbage!"}), 400, "invalid-query")
    problem(admin.get("/api/v1/teams", params={"limit": "0"}), 400, "invalid-query")
    problem(admin.get("/api/v1/teams", params={"parent": "team_00000000000000000000"}), 404, "not-found")


def test_names_are_unique_among_siblings_only(srv, admin):
    top = make_team(admin)
    make_team(admin, top["id"], "Night shift")
    r = admin.post("/api/v1/teams", json={"name": "NIGHT SHIFT", "parent_id": top["id"]})
    assert problem(r, 409, "name-taken")["field"] == "name"
    other = make_team(admin)
    make_team(admin, other["id"], "Night shift")  # elsewhere in the tree: fine
    problem(admin.post("/api/v1/teams", json={"name": top["name"].upper()}), 409, "name-taken")


def test_create_errors(srv, admin):
    assert problem(admin.post("/api/v1/teams", json={"name": ""}), 422)["field"] == "name"
    assert problem(admin.post("/api/v1/teams", json={}), 422)["field"] == "name"
    r = admin.post("/api/v1/teams", json={"name": uniq(), "parent_id": "team_00000000000000000000"})
    assert problem(r, 422, "invalid-field")["field"] == "parent_id"
    r = admin.post("/api/v1/teams", json={"name": uniq(), "colour": "red"})
    assert problem(r, 422, "unknown-field")["field"] == "colour"
    # parent_id null is the top level
    r = admin.post("/api/v1/teams", json={"name": uniq("Top "), "parent_id": None})
    assert r.status_code == 201 and r.json()["parent_id"] is None


def test_rename_and_move_without_cycles(srv, admin):
    top = make_team(admin)
    mid = make_team(admin, top["id"])
    leaf = make_team(admin, mid["id"])
    other = make_team(admin)
    r = admin.patch("/api/v1/teams/" + mid["id"], json={"name": "Renamed " + uniq()})
    assert r.status_code == 200 and r.json()["name"].startswith("Renamed ")
    # under itself, or under one of its own sub-teams: refused
    for target in (mid["id"], leaf["id"]):
        r = admin.patch("/api/v1/teams/" + mid["id"], json={"parent_id": target})
        assert problem(r, 422, "invalid-field")["field"] == "parent_id"
    # moving a whole branch elsewhere, then to the top
    r = admin.patch("/api/v1/teams/" + mid["id"], json={"parent_id": other["id"]})
    assert r.status_code == 200 and r.json()["parent_id"] == other["id"]
    assert admin.get("/api/v1/teams/" + top["id"]).json()["child_count"] == 0
    assert [a["id"] for a in admin.get("/api/v1/teams/" + leaf["id"]).json()["ancestors"]] == [
        other["id"], mid["id"]]
    r = admin.patch("/api/v1/teams/" + mid["id"], json={"parent_id": None})
    assert r.status_code == 200 and r.json()["parent_id"] is None
    # a sibling of the same name where it goes: conflict
    make_team(admin, other["id"], "Clash")
    clash = make_team(admin, top["id"], "Clash")
    problem(admin.patch("/api/v1/teams/" + clash["id"], json={"parent_id": other["id"]}), 409, "name-taken")
    r = admin.patch("/api/v1/teams/" + mid["id"], json={"parent_id": "team_00000000000000000000"})
    assert problem(r, 422, "invalid-field")["field"] == "parent_id"
    changes = audit(srv, mid["id"], "team.update")
    assert changes[1][1]["parent_id"] == top["id"] and changes[1][2]["parent_id"] == other["id"]


def test_concurrent_moves_cannot_make_a_cycle(srv, admin):
    import threading
    c1, c2 = srv.admin("A"), srv.admin("A")
    for _ in range(10):
        a, b = make_team(admin), make_team(admin)
        got = {}
        barrier = threading.Barrier(2)

        def move(c, team, under):
            barrier.wait()
            got[team] = c.patch("/api/v1/teams/" + team, json={"parent_id": under}).status_code
        threads = [threading.Thread(target=move, args=(c1, a["id"], b["id"])),
                   threading.Thread(target=move, args=(c2, b["id"], a["id"]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(got.values()) == [200, 422], got
        # whichever won, the tree still has a root
        tops = [t["id"] for t in admin.get("/api/v1/teams", params={"parent": "root"}).json()["items"]]
        assert a["id"] in tops or b["id"] in tops


def test_depth_is_bounded(srv, admin):
    parent = make_team(admin)["id"]
    for _ in range(31):
        parent = make_team(admin, parent)["id"]
    r = admin.post("/api/v1/teams", json={"name": uniq(), "parent_id": parent})
    assert problem(r, 422, "invalid-field")["field"] == "parent_id"


def test_delete_is_refused_while_not_empty(srv, admin):
    top = make_team(admin)
    sub = make_team(admin, top["id"])
    body = problem(admin.delete("/api/v1/teams/" + top["id"]), 409, "team-not-empty")
    assert body["child_count"] == 1 and body["member_count"] == 0 and "sub-team" in body["detail"]
    tech, _ = srv.make_user(admin, "technician")
    assert admin.put("/api/v1/teams/%s/members/%s" % (sub["id"], tech["id"])).status_code == 204
    body = problem(admin.delete("/api/v1/teams/" + sub["id"]), 409, "team-not-empty")
    assert body["member_count"] == 1 and "member" in body["detail"]
    assert admin.delete("/api/v1/teams/%s/members/%s" % (sub["id"], tech["id"])).status_code == 204
    set_team_rights(admin, sub["id"], ["supervisor_view"])
    assert admin.delete("/api/v1/teams/" + sub["id"]).status_code == 204
    assert admin.delete("/api/v1/teams/" + top["id"]).status_code == 204
    problem(admin.get("/api/v1/teams/" + top["id"]), 404, "not-found")
    problem(admin.delete("/api/v1/teams/" + top["id"]), 404, "not-found")
    assert audit(srv, sub["id"], "team.delete")[0][1]["rights"] == ["supervisor_view"]


def test_members_are_technicians(srv, admin):
    team = make_team(admin)
    tech, _ = srv.make_user(admin, "technician")
    path = "/api/v1/teams/%s/members/%s" % (team["id"], tech["id"])
    assert admin.put(path).status_code == 204
    assert admin.put(path).status_code == 204  # idempotent
    members = admin.get("/api/v1/teams/%s/members" % team["id"]).json()
    assert [m["id"] for m in members["items"]] == [tech["id"]] and members["next_cursor"] is None
    assert admin.get("/api/v1/teams/" + team["id"]).json()["member_count"] == 1
    for role in ("member", "manager", "admin"):
        other, _ = srv.make_user(admin, role)
        r = admin.put("/api/v1/teams/%s/members/%s" % (team["id"], other["id"]))
        body = problem(r, 422, "invalid-field")
        assert body["field"] == "user_id" and "technician" in body["detail"]
    problem(admin.put("/api/v1/teams/%s/members/usr_00000000000000000000" % team["id"]), 404, "not-found")
    problem(admin.put("/api/v1/teams/team_00000000000000000000/members/" + tech["id"]), 404, "not-found")
    assert admin.delete(path).status_code == 204
    assert admin.delete(path).status_code == 204
    assert admin.get("/api/v1/teams/%s/members" % team["id"]).json()["items"] == []
    assert [a for a, _, _ in audit(srv, team["id"]) if a.startswith("team.member")] == [
        "team.member_add", "team.member_remove"]
    # deleting the user takes their memberships with them
    admin.put(path)
    assert admin.delete("/api/v1/users/" + tech["id"]).status_code == 204
    assert admin.get("/api/v1/teams/" + team["id"]).json()["member_count"] == 0


def test_team_rights_follow_the_dependency_rules(srv, admin):
    team = make_team(admin)
    path = "/api/v1/teams/%s/rights" % team["id"]
    body = problem(admin.put(path, json={"rights": ["reports"]}), 422, "missing-prerequisite")
    assert "reports needs admin_center_access" in body["detail"]
    assert body["right"] == "reports" and body["prerequisite"] == "admin_center_access"
    assert problem(admin.put(path, json={"rights": ["reportz"]}), 422, "invalid-field")["field"] == "rights"
    problem(admin.put(path, json={}), 422, "invalid-field")
    r = admin.put(path, json={"rights": ["admin_center_access", "session_replay", "export_session_replay",
                                         "reports", "supervisor_view"]})
    assert r.status_code == 200 and r.json()["removed_dependents"] == []
    r = admin.put(path, json={"rights": ["session_replay", "export_session_replay", "reports",
                                         "supervisor_view"]})
    assert r.status_code == 200, r.text
    assert r.json()["rights"] == ["supervisor_view"]
    assert sorted(r.json()["removed_dependents"]) == ["export_session_replay", "reports", "session_replay"]
    assert admin.get("/api/v1/teams/" + team["id"]).json()["rights"] == ["supervisor_view"]
    old, new = audit(srv, team["id"], "team.rights")[-1][1:]
    assert old["rights"] == ["session_replay", "export_session_replay", "supervisor_view",
                             "admin_center_access", "reports"] and new["rights"] == ["supervisor_view"]
    assert sorted(new["removed_dependents"]) == ["export_session_replay", "reports", "session_replay"]


def test_readers_read_and_only_admins_change(srv, admin):
    team = make_team(admin)
    tech, pw = srv.make_user(admin, "technician")
    t = srv.login_as(tech, pw)
    assert t.get("/api/v1/teams").status_code == 200
    assert t.get("/api/v1/teams/" + team["id"]).status_code == 200
    assert t.get("/api/v1/teams/%s/members" % team["id"]).status_code == 200
    problem(t.post("/api/v1/teams", json={"name": uniq()}), 403, "forbidden")
    problem(t.patch("/api/v1/teams/" + team["id"], json={"name": uniq()}), 403, "forbidden")
    problem(t.delete("/api/v1/teams/" + team["id"]), 403, "forbidden")
    problem(t.put("/api/v1/teams/%s/rights" % team["id"], json={"rights": []}), 403, "forbidden")
    problem(t.put("/api/v1/teams/%s/members/%s" % (team["id"], tech["id"])), 403, "forbidden")
    member, pw = srv.make_user(admin, "member")
    problem(srv.login_as(member, pw).get("/api/v1/teams"), 403, "forbidden")


def test_another_accounts_teams_do_not_exist(srv, admin):
    team = make_team(admin)
    sub = make_team(admin, team["id"])
    tech, _ = srv.make_user(admin, "technician")
    b = srv.admin("B")
    for method, path, body in [
        ("GET", "/api/v1/teams/" + team["id"], None),
        ("PATCH", "/api/v1/teams/" + team["id"], {"name": "Stolen"}),
        ("DELETE", "/api/v1/teams/" + sub["id"], None),
        ("GET", "/api/v1/teams/%s/members" % team["id"], None),
        ("PUT", "/api/v1/teams/%s/members/%s" % (team["id"], tech["id"]), None),
        ("DELETE", "/api/v1/teams/%s/members/%s" % (team["id"], tech["id"]), None),
        ("PUT", "/api/v1/teams/%s/rights" % team["id"], {"rights": []}),
    ]:
        problem(b.request(method, path, json=body), 404, "not-found")
    problem(b.get("/api/v1/teams", params={"parent": team["id"]}), 404)
    r = b.post("/api/v1/teams", json={"name": uniq(), "parent_id": team["id"]})
    assert problem(r, 422)["field"] == "parent_id"
    assert team["id"] not in [t["id"] for t in b.get("/api/v1/teams").json()["items"]]
    # and A's team cannot take B's technician
    b_tech, _ = srv.make_user(b, "technician")
    problem(admin.put("/api/v1/teams/%s/members/%s" % (team["id"], b_tech["id"])), 404, "not-found")
    assert admin.get("/api/v1/teams/" + sub["id"]).status_code == 200
