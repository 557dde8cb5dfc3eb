"""A role change (PATCH /api/v1/users/{id} role) takes away what the old role
was given: the manager rights and team assignments go on any role change (a
user made manager again starts with none), and the user's API applications
are revoked (secret and tokens), except from admin to API manager. Each
removal is audited, in the same transaction as the change."""
import requests

from conftest import problem, uniq
from teamsutil import audit, make_team, set_manager
from test_apps import oauth_error, register, token, token_request


def role(admin, user, new_role, **extra):
    r = admin.patch("/api/v1/users/" + user["id"], json={"role": new_role, **extra})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == new_role
    return r.json()


def page(admin, user):
    r = admin.get("/api/v1/managers/" + user["id"])
    assert r.status_code == 200, r.text
    return r.json()


def bearer_ok(srv, tok):
    return requests.get(srv.url + "/api/v1/me", headers={"Authorization": "Bearer " + tok},
                        timeout=30).status_code == 200


def test_leaving_manager_removes_rights_and_teams_for_good(srv, admin):
    mgr, _ = srv.make_user(admin, "manager")
    top = make_team(admin)
    make_team(admin, top["id"])
    set_manager(admin, mgr["id"], ["admin_center_access", "reports"], [top["id"]])
    role(admin, mgr, "technician")
    rights = audit(srv, mgr["id"], "manager.rights")[-1]
    assert rights[1] == {"rights": ["admin_center_access", "reports"]}
    assert rights[2] == {"rights": [], "reason": "role changed from manager to technician"}
    teams = audit(srv, mgr["id"], "manager.teams")[-1]
    assert teams[1] == {"team_ids": [top["id"]]}
    assert teams[2] == {"team_ids": [], "reason": "role changed from manager to technician"}
    # made manager again: nothing comes back
    role(admin, mgr, "manager")
    p = page(admin, mgr)
    assert p["rights"]["held"] == [] and p["teams"] == []
    item = admin.get("/api/v1/managers", params={"tab": "team_managers", "q": mgr["email"]}).json()["items"][0]
    assert item["rights"] == [] and item["team_count"] == 0
    eff = admin.get("/api/v1/managers/%s/effective-rights" % mgr["id"], params={"team": top["id"]}).json()
    assert eff["manages_team"] is False and eff["effective"] == []


def test_through_admin_and_between_manager_roles(srv, admin):
    team = make_team(admin)
    # manager -> admin -> manager: an administrator holds everything, and loses it all on the way back
    mgr, _ = srv.make_user(admin, "manager")
    set_manager(admin, mgr["id"], ["admin_center_access"], [team["id"]])
    role(admin, mgr, "admin")
    assert page(admin, mgr)["rights"]["all"] is True
    role(admin, mgr, "manager", company_ids=[srv.default_company(admin)])
    p = page(admin, mgr)
    assert p["rights"]["held"] == [] and p["teams"] == []
    # manager -> API manager is a role change too: rights are chosen again for the new role
    set_manager(admin, mgr["id"], ["admin_center_access"], [team["id"]])
    role(admin, mgr, "api_manager")
    p = page(admin, mgr)
    assert p["tab"] == "api_managers" and p["rights"]["held"] == [] and p["teams"] == []
    assert audit(srv, mgr["id"], "manager.rights")[-1][2]["reason"] == \
        "role changed from manager to api_manager"


def test_unchanged_role_and_other_fields_keep_everything(srv, admin):
    mgr, _ = srv.make_user(admin, "manager")
    team = make_team(admin)
    set_manager(admin, mgr["id"], ["admin_center_access"], [team["id"]])
    before = len(audit(srv, mgr["id"]))
    role(admin, mgr, "manager", display_name=uniq("Same role "))
    r = admin.patch("/api/v1/users/" + mgr["id"], json={"allow_password_reset": False})
    assert r.status_code == 200, r.text
    p = page(admin, mgr)
    assert p["rights"]["held"] == ["admin_center_access"] and [t["id"] for t in p["teams"]] == [team["id"]]
    assert [a for a, _, _ in audit(srv, mgr["id"])[before:]] == ["user.update", "user.update"]


def test_a_refused_change_removes_nothing(srv, admin):
    mgr, _ = srv.make_user(admin, "manager")
    other, _ = srv.make_user(admin, "member")
    team = make_team(admin)
    set_manager(admin, mgr["id"], ["admin_center_access"], [team["id"]])
    problem(admin.patch("/api/v1/users/" + mgr["id"], json={"role": "technician", "email": other["email"]}),
            409, "email-taken")
    problem(admin.patch("/api/v1/users/" + mgr["id"], json={"role": "technician", "company_ids": []}), 422)
    problem(admin.patch("/api/v1/users/" + mgr["id"], json={"role": "chief"}), 422)
    p = page(admin, mgr)
    assert p["user"]["role"] == "manager" and p["rights"]["held"] == ["admin_center_access"]
    assert [t["id"] for t in p["teams"]] == [team["id"]]
    assert audit(srv, mgr["id"], "user.update") == []


def test_rows_left_by_older_versions_do_not_come_back(srv, admin):
    """a technician who was a manager before this rule existed still has rows"""
    tech, _ = srv.make_user(admin, "technician")
    team = make_team(admin)
    srv.execute("INSERT INTO manager_rights (account_id, user_id, right_name) VALUES ('%s', '%s', 'reports')"
             % (srv.accounts["A"]["id"], tech["id"]))
    srv.execute("INSERT INTO team_managers (account_id, team_id, user_id) VALUES ('%s', '%s', '%s')"
             % (srv.accounts["A"]["id"], team["id"], tech["id"]))
    role(admin, tech, "manager")
    p = page(admin, tech)
    assert p["rights"]["held"] == [] and p["teams"] == []
    assert audit(srv, tech["id"], "manager.rights")[-1][1] == {"rights": ["reports"]}


def test_leaving_api_manager_revokes_the_applications(srv, admin):
    api, pw = srv.make_user(admin, "api_manager")
    c = srv.login_as(api, pw)
    apps = [register(c) for _ in range(3)]
    r = c.post("/api/v1/apps/revoke", json={"ids": [apps[2]["id"]]})
    assert r.status_code == 200, r.text
    tok = token(srv, apps[0])
    assert bearer_ok(srv, tok)
    role(admin, api, "member")
    for a in apps:
        shown = admin.get("/api/v1/apps/" + a["id"]).json()
        assert shown["status"] == "revoked" and shown["token_count"] == 0
    revokes = [e for a in apps[:2] for e in audit(srv, a["id"], "app.revoke")]
    assert len(revokes) == 2 and len(audit(srv, apps[2]["id"], "app.revoke")) == 1  # not twice
    for _, old, new in revokes:
        assert old["status"] == "active" and new["status"] == "revoked"
        assert new["reason"] == "role changed from api_manager to member"
        assert apps[0]["client_secret"] not in str(old) + str(new)
    # API manager again: the applications and their tokens stay dead
    role(admin, api, "api_manager")
    assert not bearer_ok(srv, tok)
    oauth_error(token_request(srv, apps[1]), 401, "invalid_client")
    assert {a["status"] for a in srv.login_as(api, pw).get("/api/v1/apps").json()["items"]} == {"revoked"}


def test_api_manager_made_admin_loses_the_applications(srv, admin):
    """their tokens would otherwise act as an administrator"""
    api, pw = srv.make_user(admin, "api_manager")
    app = register(srv.login_as(api, pw))
    tok = token(srv, app)
    role(admin, api, "admin")
    assert not bearer_ok(srv, tok)
    assert admin.get("/api/v1/apps/" + app["id"]).json()["status"] == "revoked"
    oauth_error(token_request(srv, app), 401, "invalid_client")


def test_admin_made_api_manager_keeps_the_applications(srv, admin):
    """the tokens lose power, not their use"""
    adm, pw = srv.make_user(admin, "admin")
    app = register(srv.login_as(adm, pw))
    role(admin, adm, "api_manager", company_ids=[srv.default_company(admin)])
    assert admin.get("/api/v1/apps/" + app["id"]).json()["status"] == "active"
    tok = token(srv, app)
    assert bearer_ok(srv, tok)
    assert audit(srv, app["id"], "app.revoke") == []
    # and leaving API manager then revokes them
    role(admin, adm, "technician")
    assert not bearer_ok(srv, tok)
