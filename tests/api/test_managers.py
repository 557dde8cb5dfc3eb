"""Managers: the three tabs (administrators, team managers, API managers)
with search, the manager's page, rights with their dependencies, login
settings, the teams managed (with their sub-teams), the explanation of
effective rights in a team, the enforcement of team-level rights on what
team managers do, and isolation between accounts."""
import pytest

from conftest import PASSWORD, problem, uniq, walk_pages
from teamsutil import audit, make_team, set_manager, set_team_rights


def test_tabs_and_search(srv, admin):
    mgr, _ = srv.make_user(admin, "manager", display_name="Tabby " + uniq())
    api, _ = srv.make_user(admin, "api_manager")
    tech, _ = srv.make_user(admin, "technician")
    def ids(**params):
        r = admin.get("/api/v1/managers", params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]
    admins = ids()  # administrators by default
    assert admin.user["id"] in admins and mgr["id"] not in admins
    assert admin.user["id"] in ids(tab="administrators")
    assert mgr["id"] in ids(tab="team_managers") and api["id"] not in ids(tab="team_managers")
    assert api["id"] in ids(tab="api_managers") and tech["id"] not in ids(tab="api_managers")
    assert ids(tab="team_managers", q=mgr["display_name"].split(" ")[1].upper()) == [mgr["id"]]
    assert ids(tab="api_managers", q=api["email"].split("@")[0]) == [api["id"]]
    assert ids(tab="administrators", q=mgr["email"]) == []
    body = problem(admin.get("/api/v1/managers", params={"tab": "technicians"}), 400, "invalid-query")
    assert body["field"] == "tab"
    problem(admin.get("/api/v1/managers", params={"cursor": "!!"}), 400, "invalid-query")
    item = admin.get("/api/v1/managers", params={"tab": "team_managers", "q": mgr["email"]}).json()["items"][0]
    assert item["rights"] == [] and item["team_count"] == 0 and item["role"] == "manager"


def test_paging(srv, admin):
    tag = uniq("page")
    for _ in range(3):
        srv.make_user(admin, "api_manager", display_name="%s %s" % (tag, uniq()))
    seen = [x["id"] for x in walk_pages(admin, "/api/v1/managers", {"tab": "api_managers", "q": tag, "limit": 2})]
    assert len(seen) == len(set(seen)) == 3


def test_manager_page(srv, admin):
    mgr, _ = srv.make_user(admin, "manager")
    top = make_team(admin)
    sub = make_team(admin, top["id"])
    set_manager(admin, mgr["id"], ["admin_center_access", "reports"], [top["id"]])
    r = admin.get("/api/v1/managers/" + mgr["id"])
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["tab"] == "team_managers" and page["user"]["id"] == mgr["id"]
    assert page["login_settings"] == {"force_password_change": False, "allow_password_reset": True,
                                      "force_email_validation": False}
    teams = {t["id"]: t for t in page["teams"]}
    assert set(teams) == {top["id"], sub["id"]}
    assert teams[top["id"]]["direct"] is True and teams[sub["id"]]["direct"] is False
    rights = page["rights"]
    assert rights["all"] is False and rights["held"] == ["admin_center_access", "reports"]
    groups = {g["group"]: g for g in rights["groups"]}
    assert groups["team_level"]["label"] == "Team-level rights"
    assert groups["representative_controls"]["label"] == "Representative controls"
    controls = {x["name"]: x for x in groups["representative_controls"]["rights"]}
    assert controls["reports"]["held"] is True and controls["reports"]["prerequisites"] == ["admin_center_access"]
    assert controls["multi_session"]["held"] is False
    # administrators hold every right and manage every team
    page = admin.get("/api/v1/managers/" + admin.user["id"]).json()
    assert page["tab"] == "administrators" and page["rights"]["all"] is True
    assert len(page["rights"]["held"]) == 26
    # a technician is not a manager
    tech, _ = srv.make_user(admin, "technician")
    problem(admin.get("/api/v1/managers/" + tech["id"]), 404, "not-found")
    problem(admin.get("/api/v1/managers/usr_00000000000000000000"), 404, "not-found")
    problem(admin.get("/api/v1/managers/nonsense"), 404, "not-found")


def test_rights_dependencies(srv, admin):
    mgr, _ = srv.make_user(admin, "manager")
    path = "/api/v1/managers/%s/rights" % mgr["id"]
    body = problem(admin.put(path, json={"rights": ["reports"]}), 422, "missing-prerequisite")
    assert "reports needs admin_center_access" in body["detail"]
    assert body["field"] == "rights" and body["prerequisite"] == "admin_center_access"
    body = problem(admin.put(path, json={"rights": ["admin_center_access", "export_session_replay"]}),
                   422, "missing-prerequisite")
    assert "export_session_replay needs session_replay" in body["detail"]
    assert admin.get("/api/v1/managers/" + mgr["id"]).json()["rights"]["held"] == []  # nothing written
    full = ["admin_center_access", "session_replay", "export_session_replay", "reports", "supervisor_view"]
    r = admin.put(path, json={"rights": full})
    assert r.status_code == 200, r.text
    assert sorted(r.json()["held"]) == sorted(full) and r.json()["removed_dependents"] == []
    # removing the prerequisite removes its dependents, transitively, and says which
    r = admin.put(path, json={"rights": [x for x in full if x != "admin_center_access"]})
    assert r.status_code == 200, r.text
    assert r.json()["held"] == ["supervisor_view"]
    assert sorted(r.json()["removed_dependents"]) == ["export_session_replay", "reports", "session_replay"]
    assert admin.get("/api/v1/managers/" + mgr["id"]).json()["rights"]["held"] == ["supervisor_view"]
    old, new = audit(srv, mgr["id"], "manager.rights")[-1][1:]
    assert sorted(old["rights"]) == sorted(full) and new["rights"] == ["supervisor_view"]
    assert sorted(new["removed_dependents"]) == ["export_session_replay", "reports", "session_replay"]
    # errors
    assert problem(admin.put(path, json={"rights": ["root"]}), 422, "invalid-field")["field"] == "rights"
    assert problem(admin.put(path, json={"rights": "reports"}), 422)["field"] == "rights"
    problem(admin.put("/api/v1/managers/%s/rights" % admin.user["id"], json={"rights": []}), 409,
            "administrator")
    tech, _ = srv.make_user(admin, "technician")
    problem(admin.put("/api/v1/managers/%s/rights" % tech["id"], json={"rights": []}), 404, "not-found")
    # API managers hold rights too
    api, _ = srv.make_user(admin, "api_manager")
    r = admin.put("/api/v1/managers/%s/rights" % api["id"], json={"rights": ["reboot_reconnect"]})
    assert r.status_code == 200 and r.json()["held"] == ["reboot_reconnect"]


def test_login_settings(srv, admin):
    mgr, pw = srv.make_user(admin, "manager")
    c = srv.login_as(mgr, pw)
    path = "/api/v1/managers/%s/login-settings" % mgr["id"]
    r = admin.patch(path, json={"force_password_change": True, "allow_password_reset": False})
    assert r.status_code == 200, r.text
    assert r.json() == {"force_password_change": True, "allow_password_reset": False,
                        "force_email_validation": False}
    u = admin.get("/api/v1/users/" + mgr["id"]).json()
    assert u["must_change_password"] is True and u["allow_password_reset"] is False
    # the forced change applies at once: everything but changing the password is blocked
    problem(c.get("/api/v1/teams"), 403, "password-change-required")
    old, new = audit(srv, mgr["id"], "manager.login_settings")[-1][1:]
    assert old["force_password_change"] is False and new["force_password_change"] is True
    assert old["allow_password_reset"] is True and new["allow_password_reset"] is False
    r = admin.patch(path, json={"force_password_change": False, "force_email_validation": True})
    assert r.json()["force_email_validation"] is True
    assert admin.get("/api/v1/users/" + mgr["id"]).json()["force_email_validation"] is True
    n = len(audit(srv, mgr["id"], "manager.login_settings"))
    assert admin.patch(path, json={}).status_code == 200  # nothing changes, nothing recorded
    assert len(audit(srv, mgr["id"], "manager.login_settings")) == n
    assert problem(admin.patch(path, json={"force_password_change": "yes"}), 422)["field"] == "force_password_change"
    assert problem(admin.patch(path, json={"password": "x"}), 422, "unknown-field")["field"] == "password"
    # administrators have login settings too
    other_admin, _ = srv.make_user(admin, "admin")
    r = admin.patch("/api/v1/managers/%s/login-settings" % other_admin["id"], json={"allow_password_reset": False})
    assert r.status_code == 200 and r.json()["allow_password_reset"] is False
    tech, _ = srv.make_user(admin, "technician")
    problem(admin.patch("/api/v1/managers/%s/login-settings" % tech["id"], json={}), 404, "not-found")


def test_teams_managed(srv, admin):
    mgr, _ = srv.make_user(admin, "manager")
    a, b = make_team(admin), make_team(admin)
    sub = make_team(admin, a["id"])
    path = "/api/v1/managers/%s/teams" % mgr["id"]
    r = admin.put(path, json={"team_ids": [a["id"], b["id"], a["id"]]})
    assert r.status_code == 200, r.text
    assert {t["id"] for t in r.json()["teams"]} == {a["id"], b["id"], sub["id"]}
    shown = admin.get("/api/v1/teams/" + a["id"]).json()
    assert [m["id"] for m in shown["managers"]] == [mgr["id"]]
    r = admin.put(path, json={"team_ids": [b["id"]]})
    assert [t["id"] for t in r.json()["teams"]] == [b["id"]]
    old, new = audit(srv, mgr["id"], "manager.teams")[-1][1:]
    assert sorted(old["team_ids"]) == sorted([a["id"], b["id"]]) and new["team_ids"] == [b["id"]]
    body = problem(admin.put(path, json={"team_ids": ["team_00000000000000000000"]}), 422, "invalid-field")
    assert body["field"] == "team_ids"
    problem(admin.put(path, json={"team_ids": ["not-an-id"]}), 422, "invalid-field")
    problem(admin.put("/api/v1/managers/%s/teams" % admin.user["id"], json={"team_ids": []}), 409,
            "administrator")
    assert admin.put(path, json={"team_ids": []}).json()["teams"] == []
    # deleting a team ends its assignments
    admin.put(path, json={"team_ids": [b["id"]]})
    assert admin.delete("/api/v1/teams/" + b["id"]).status_code == 204
    assert admin.get("/api/v1/managers/" + mgr["id"]).json()["teams"] == []


def statuses(admin, mgr_id, team_id):
    r = admin.get("/api/v1/managers/%s/effective-rights" % mgr_id, params={"team": team_id})
    assert r.status_code == 200, r.text
    return r.json(), {x["name"]: x for x in r.json()["items"]}


def test_effective_rights_explained(srv, admin):
    mgr, _ = srv.make_user(admin, "manager")
    top = make_team(admin)
    sub = make_team(admin, top["id"])
    legacy = make_team(admin, top["id"])
    elsewhere = make_team(admin)
    set_manager(admin, mgr["id"], ["admin_center_access", "reports", "session_replay", "supervisor_view",
                                   "add_remove_subteams"], [top["id"]])
    set_team_rights(admin, sub["id"], ["admin_center_access", "session_replay", "supervisor_view",
                                       "multi_session"])
    body, by = statuses(admin, mgr["id"], sub["id"])
    assert body["manages_team"] is True and body["managed_via"] == top["id"]
    assert body["administrator"] is False
    assert sorted(body["effective"]) == ["admin_center_access", "session_replay", "supervisor_view"]
    assert by["supervisor_view"]["status"] == "granted"
    assert by["session_replay"]["status"] == "granted"
    assert by["reports"]["status"] == "not_enabled_by_team"
    assert by["reports"]["held_by_manager"] is True and by["reports"]["enabled_by_team"] is False
    assert by["add_remove_subteams"]["status"] == "not_enabled_by_team"
    assert by["multi_session"]["status"] == "missing_from_manager"
    assert by["export_session_replay"]["status"] == "missing_from_manager"
    assert by["export_session_replay"]["prerequisites"] == ["session_replay"]
    assert "prerequisite" not in by["reports"]
    # the team stops enabling admin_center_access, and session replay goes with it
    set_team_rights(admin, sub["id"], ["supervisor_view", "multi_session"])
    body, by = statuses(admin, mgr["id"], sub["id"])
    assert by["session_replay"]["status"] == "not_enabled_by_team"
    assert by["admin_center_access"]["status"] == "not_enabled_by_team"
    # both sets keep their prerequisites, so only rows from before a rule (here written
    # directly) can enable a right without its prerequisite: it is explained, not granted
    srv.execute("INSERT INTO team_rights (account_id, team_id, right_name) VALUES ('%s', '%s', 'reports')"
             % (srv.accounts["A"]["id"], legacy["id"]))
    body, by = statuses(admin, mgr["id"], legacy["id"])
    assert by["reports"]["status"] == "missing_prerequisite"
    assert by["reports"]["prerequisite"] == "admin_center_access"
    assert body["effective"] == []
    # a team the manager does not manage
    body, by = statuses(admin, mgr["id"], elsewhere["id"])
    assert body["manages_team"] is False and body["managed_via"] is None and body["effective"] == []
    assert {x["status"] for x in body["items"]} == {"team_not_managed"}
    # administrators: everything, everywhere
    body, by = statuses(admin, admin.user["id"], elsewhere["id"])
    assert body["administrator"] is True and {x["status"] for x in body["items"]} == {"granted"}
    # readers may ask
    tech, pw = srv.make_user(admin, "technician")
    r = srv.login_as(tech, pw).get("/api/v1/managers/%s/effective-rights" % mgr["id"],
                                   params={"team": sub["id"]})
    assert r.status_code == 200
    # errors
    problem(admin.get("/api/v1/managers/%s/effective-rights" % mgr["id"]), 400, "invalid-query")
    problem(admin.get("/api/v1/managers/%s/effective-rights" % mgr["id"],
                      params={"team": "team_00000000000000000000"}), 404, "not-found")
    problem(admin.get("/api/v1/managers/%s/effective-rights" % tech["id"], params={"team": sub["id"]}),
            404, "not-found")


@pytest.fixture
def managed(srv, admin):
    """a team manager assigned to a team (with a sub-team) that enables every
    team-level right; the manager holds none yet; and a technician member of
    the sub-team"""
    class M:
        pass
    m = M()
    m.user, pw = srv.make_user(admin, "manager")
    m.c = srv.login_as(m.user, pw)
    m.top = make_team(admin)
    m.sub = make_team(admin, m.top["id"])
    m.outside = make_team(admin)
    every = ["add_remove_subteams", "add_remove_representatives", "change_representative_name_login",
             "change_representative_password"]
    for t in (m.top, m.sub, m.outside):
        set_team_rights(admin, t["id"], every)
    set_manager(admin, m.user["id"], [], [m.top["id"]])
    m.tech, _ = srv.make_user(admin, "technician")
    assert admin.put("/api/v1/teams/%s/members/%s" % (m.sub["id"], m.tech["id"])).status_code == 204
    m.grant = lambda *rights: set_manager(admin, m.user["id"], rights, [m.top["id"]])
    return m


def test_managers_add_and_remove_sub_teams_only_with_the_right(srv, admin, managed):
    m = managed
    body = {"name": uniq("Mine "), "parent_id": m.sub["id"]}
    problem(m.c.post("/api/v1/teams", json=body), 403, "forbidden")
    m.grant("add_remove_subteams")
    r = m.c.post("/api/v1/teams", json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    assert audit(srv, made["id"], "team.create")
    # not at the top, not under a team they do not manage
    problem(m.c.post("/api/v1/teams", json={"name": uniq()}), 403, "forbidden")
    problem(m.c.post("/api/v1/teams", json={"name": uniq(), "parent_id": m.outside["id"]}), 403, "forbidden")
    # removing: sub-teams of a managed team, never the team they are assigned to's parent level
    assert m.c.delete("/api/v1/teams/" + made["id"]).status_code == 204
    problem(m.c.delete("/api/v1/teams/" + m.top["id"]), 403, "forbidden")
    # renaming and moving stay with administrators
    problem(m.c.patch("/api/v1/teams/" + m.sub["id"], json={"name": uniq()}), 403, "forbidden")
    # held, but not enabled by the team: refused
    set_team_rights(admin, m.sub["id"], ["add_remove_representatives"])
    r = m.c.post("/api/v1/teams", json={"name": uniq(), "parent_id": m.sub["id"]})
    assert "add_remove_subteams" in problem(r, 403, "forbidden")["detail"]


def test_managers_add_and_remove_representatives_only_with_the_right(srv, admin, managed):
    m = managed
    tech, _ = srv.make_user(admin, "technician")
    path = "/api/v1/teams/%s/members/%s" % (m.sub["id"], tech["id"])
    problem(m.c.put(path), 403, "forbidden")
    m.grant("add_remove_representatives")
    assert m.c.put(path).status_code == 204
    assert audit(srv, m.sub["id"], "team.member_add")[-1][2]["user_id"] == tech["id"]
    assert m.c.delete(path).status_code == 204
    problem(m.c.put("/api/v1/teams/%s/members/%s" % (m.outside["id"], tech["id"])), 403, "forbidden")
    other, _ = srv.make_user(admin, "member")
    problem(m.c.put("/api/v1/teams/%s/members/%s" % (m.sub["id"], other["id"])), 422, "invalid-field")


def test_managers_change_their_representatives_only_with_the_rights(srv, admin, managed):
    m = managed
    path = "/api/v1/users/" + m.tech["id"]
    problem(m.c.patch(path, json={"display_name": "Renamed"}), 403, "forbidden")
    m.grant("change_representative_name_login")
    r = m.c.patch(path, json={"display_name": "Renamed", "email": uniq("renamed") + "@example.test"})
    assert r.status_code == 200 and r.json()["display_name"] == "Renamed", r.text
    assert audit(srv, m.tech["id"], "user.update")[-1][2]["display_name"] == "Renamed"
    # the password needs its own right; other fields are never the manager's
    body = problem(m.c.patch(path, json={"password": "another long password"}), 403, "forbidden")
    assert "change_representative_password" in body["detail"]
    problem(m.c.patch(path, json={"role": "admin"}), 403, "forbidden")
    problem(m.c.patch(path, json={"status": "suspended"}), 403, "forbidden")
    m.grant("change_representative_password")
    r = m.c.patch(path, json={"password": "another long password"})
    assert r.status_code == 200, r.text
    srv.client().login(r.json()["email"], "another long password")
    # not a representative of theirs: a technician outside their teams, or a non-technician
    stranger, _ = srv.make_user(admin, "technician")
    problem(m.c.patch("/api/v1/users/" + stranger["id"], json={"password": "another long password"}), 403)
    member, _ = srv.make_user(admin, "member")
    problem(m.c.patch("/api/v1/users/" + member["id"], json={"display_name": "X"}), 403)
    problem(m.c.patch("/api/v1/users/" + m.user["id"], json={"display_name": "X"}), 403)


def test_api_managers_use_their_rights_too(srv, admin):
    api, pw = srv.make_user(admin, "api_manager")
    c = srv.login_as(api, pw)
    team = make_team(admin)
    set_team_rights(admin, team["id"], ["add_remove_subteams"])
    problem(c.post("/api/v1/teams", json={"name": uniq(), "parent_id": team["id"]}), 403)
    set_manager(admin, api["id"], ["add_remove_subteams"], [team["id"]])
    assert c.post("/api/v1/teams", json={"name": uniq(), "parent_id": team["id"]}).status_code == 201


def test_only_admins_change_managers(srv, admin):
    mgr, pw = srv.make_user(admin, "manager")
    c = srv.login_as(mgr, pw)
    assert c.get("/api/v1/managers").status_code == 200
    assert c.get("/api/v1/managers/" + mgr["id"]).status_code == 200
    problem(c.put("/api/v1/managers/%s/rights" % mgr["id"], json={"rights": ["reports"]}), 403, "forbidden")
    problem(c.put("/api/v1/managers/%s/teams" % mgr["id"], json={"team_ids": []}), 403, "forbidden")
    problem(c.patch("/api/v1/managers/%s/login-settings" % mgr["id"], json={}), 403, "forbidden")
    member, pw = srv.make_user(admin, "member")
    problem(srv.login_as(member, pw).get("/api/v1/managers"), 403, "forbidden")
    problem(srv.client().get("/api/v1/managers"), 401)


def test_another_accounts_managers_do_not_exist(srv, admin):
    mgr, _ = srv.make_user(admin, "manager")
    team = make_team(admin)
    b = srv.admin("B")
    for method, path, body in [
        ("GET", "/api/v1/managers/" + mgr["id"], None),
        ("PUT", "/api/v1/managers/%s/rights" % mgr["id"], {"rights": []}),
        ("PUT", "/api/v1/managers/%s/teams" % mgr["id"], {"team_ids": []}),
        ("PATCH", "/api/v1/managers/%s/login-settings" % mgr["id"], {"force_password_change": True}),
        ("GET", "/api/v1/managers/%s/effective-rights?team=%s" % (mgr["id"], team["id"]), None),
    ]:
        problem(b.request(method, path, json=body), 404, "not-found")
    assert mgr["id"] not in [x["id"] for x in b.get("/api/v1/managers", params={"tab": "team_managers"}).json()["items"]]
    # B's manager cannot be given A's team, nor asked about it
    b_mgr, _ = srv.make_user(b, "manager")
    r = b.put("/api/v1/managers/%s/teams" % b_mgr["id"], json={"team_ids": [team["id"]]})
    assert problem(r, 422, "invalid-field")["field"] == "team_ids"
    problem(b.get("/api/v1/managers/%s/effective-rights" % b_mgr["id"], params={"team": team["id"]}), 404)
    assert admin.get("/api/v1/users/" + mgr["id"]).json()["must_change_password"] is False
