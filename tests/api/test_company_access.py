"""Company scope: every role but admin sees only the companies it belongs to,
and the users and devices of those companies. Another company's user,
device, company, members, devices or settings answer 404 exactly as
something that does not exist (a 403 would say that it does); lists leave
them out. Admins see the whole account."""
import pytest

from conftest import problem, uniq

SCOPED = ("technician", "manager", "api_manager")


@pytest.fixture(scope="module")
def world(srv):
    admin = srv.admin("A")
    cx = admin.post("/api/v1/companies", json={"name": uniq("Scope X ")}).json()["id"]
    cy = admin.post("/api/v1/companies", json={"name": uniq("Scope Y ")}).json()["id"]
    w = {"admin": admin, "X": cx, "Y": cy}
    w["uX"], _ = srv.make_user(admin, "member", company_ids=[cx])
    w["uY"], _ = srv.make_user(admin, "member", company_ids=[cy])
    w["uXY"], _ = srv.make_user(admin, "member", company_ids=[cx, cy])
    for key, companies in (("dX", [cx]), ("dY", [cy]), ("dXY", [cx, cy])):
        r = admin.post("/api/v1/devices", json={"name": uniq("Scope device "), "company_ids": companies})
        assert r.status_code == 201, r.text
        w[key] = r.json()
    w["callers"] = {}
    for role in SCOPED:
        u, _ = srv.make_user(admin, role, company_ids=[cx])
        w["callers"][role] = (u, srv.login_as(u))
    return w


def ids(r):
    assert r.status_code == 200, r.text
    return {i["id"] for i in r.json()["items"]}


def all_pages(c, path, **params):
    seen, cursor = set(), None
    while True:
        r = c.get(path, params=dict(params, limit=2, **({"cursor": cursor} if cursor else {})))
        seen |= ids(r)
        cursor = r.json()["next_cursor"]
        if not cursor:
            return seen


def not_there(r):
    """the answer for something that does not exist: 404 not-found"""
    problem(r, 404, "not-found")


@pytest.mark.parametrize("role", SCOPED)
def test_lists_show_only_the_callers_companies(world, role):
    me, c = world["callers"][role]
    users = all_pages(c, "/api/v1/users")
    assert {world["uX"]["id"], world["uXY"]["id"], me["id"]} <= users
    assert world["uY"]["id"] not in users
    assert world["admin"].user["id"] not in users  # administrators belong to no company
    devices = all_pages(c, "/api/v1/devices")
    assert {world["dX"]["id"], world["dXY"]["id"]} <= devices and world["dY"]["id"] not in devices
    companies = ids(c.get("/api/v1/companies"))
    assert world["X"] in companies and world["Y"] not in companies
    # asking for the other company by filter finds nothing either
    assert world["uY"]["id"] not in ids(c.get("/api/v1/users", params={"company": world["Y"]}))
    assert world["dY"]["id"] not in ids(c.get("/api/v1/devices", params={"company": world["Y"]}))


@pytest.mark.parametrize("role", SCOPED)
def test_reads_of_another_company_answer_as_for_nothing(world, role):
    _, c = world["callers"][role]
    y, missing_cmp = world["Y"], "cmp_" + "2" * 20
    for path in ("/api/v1/companies/%s", "/api/v1/companies/%s/members", "/api/v1/companies/%s/devices",
                 "/api/v1/companies/%s/settings"):
        not_there(c.get(path % y))
        a, b = c.get(path % y).json(), c.get(path % missing_cmp).json()
        assert (a["status"], a["type"], a["title"]) == (b["status"], b["type"], b["title"])
    not_there(c.get("/api/v1/users/" + world["uY"]["id"]))
    not_there(c.get("/api/v1/users/%s/app-passwords" % world["uY"]["id"]))
    not_there(c.get("/api/v1/devices/" + world["dY"]["id"]))
    # what is shared with the caller's company is readable, in full
    assert c.get("/api/v1/users/" + world["uXY"]["id"]).status_code == 200
    d = c.get("/api/v1/devices/" + world["dXY"]["id"])
    assert d.status_code == 200 and sorted(d.json()["company_ids"]) == sorted([world["X"], world["Y"]])
    for path in ("/api/v1/companies/%s", "/api/v1/companies/%s/members", "/api/v1/companies/%s/devices",
                 "/api/v1/companies/%s/settings"):
        assert c.get(path % world["X"]).status_code == 200, path
    members = ids(c.get("/api/v1/companies/%s/members" % world["X"]))
    assert world["uX"]["id"] in members and world["uY"]["id"] not in members


def test_a_user_of_no_company_still_reads_their_own_record(srv, world):
    admin = world["admin"]
    g, _ = srv.make_user(admin, "guest", company_ids=[])
    c = srv.login_as(g)
    assert c.get("/api/v1/users/" + g["id"]).status_code == 200


def test_admins_see_every_company(world):
    a = world["admin"]
    assert {world["uX"]["id"], world["uY"]["id"]} <= all_pages(a, "/api/v1/users")
    assert {world["dX"]["id"], world["dY"]["id"]} <= all_pages(a, "/api/v1/devices")
    assert {world["X"], world["Y"]} <= ids(a.get("/api/v1/companies"))
    assert a.get("/api/v1/devices/" + world["dY"]["id"]).status_code == 200
    assert a.get("/api/v1/companies/%s/settings" % world["Y"]).status_code == 200


def test_joining_a_company_opens_it_and_leaving_closes_it(srv, world):
    a = world["admin"]
    u, _ = srv.make_user(a, "technician", company_ids=[world["X"]])
    c = srv.login_as(u)
    not_there(c.get("/api/v1/devices/" + world["dY"]["id"]))
    assert a.put("/api/v1/companies/%s/members/%s" % (world["Y"], u["id"])).status_code == 204
    assert c.get("/api/v1/devices/" + world["dY"]["id"]).status_code == 200
    assert world["Y"] in ids(c.get("/api/v1/companies"))
    assert a.delete("/api/v1/companies/%s/members/%s" % (world["Y"], u["id"])).status_code == 204
    not_there(c.get("/api/v1/devices/" + world["dY"]["id"]))


# ---------------------------------------------------------------- managers, teams, applications, audit
# The same scope for what the administration pages show about people:
# managers (and the teams they manage), a team's members and managers, API
# managers' applications and the audit log's entries about another company's
# users, devices, company and applications.
@pytest.fixture(scope="module")
def people(srv, world):
    admin, cx, cy = world["admin"], world["X"], world["Y"]
    p = {}
    p["mX"], _ = srv.make_user(admin, "manager", company_ids=[cx])
    p["mY"], _ = srv.make_user(admin, "manager", company_ids=[cy])
    p["tX"], _ = srv.make_user(admin, "technician", company_ids=[cx])
    p["tY"], _ = srv.make_user(admin, "technician", company_ids=[cy])
    r = admin.post("/api/v1/teams", json={"name": uniq("Scope team ")})
    assert r.status_code == 201, r.text
    p["team"] = r.json()["id"]
    for m in ("mX", "mY"):
        r = admin.put("/api/v1/managers/%s/teams" % p[m]["id"], json={"team_ids": [p["team"]]})
        assert r.status_code == 200, r.text
    for t in ("tX", "tY"):
        r = admin.put("/api/v1/teams/%s/members/%s" % (p["team"], p[t]["id"]))
        assert r.status_code == 204, r.text
    for key, company in (("apiX", cx), ("apiY", cy)):
        u, _ = srv.make_user(admin, "api_manager", company_ids=[company])
        r = srv.login_as(u).post("/api/v1/apps", json={"name": uniq("Scope app ")})
        assert r.status_code == 201, r.text
        p[key] = r.json()["id"]
    return p


def manager_ids(c, tab="team_managers"):
    seen, cursor = set(), None
    while True:
        r = c.get("/api/v1/managers", params=dict(tab=tab, limit=2, **({"cursor": cursor} if cursor else {})))
        assert r.status_code == 200, r.text
        seen |= {i["id"] for i in r.json()["items"]}
        cursor = r.json()["next_cursor"]
        if not cursor:
            return seen


@pytest.mark.parametrize("role", SCOPED)
def test_managers_of_another_company_are_not_there(world, people, role):
    _, c = world["callers"][role]
    mx, my = people["mX"]["id"], people["mY"]["id"]
    seen = manager_ids(c)
    assert mx in seen and my not in seen
    # nor by searching for them
    r = c.get("/api/v1/managers", params={"tab": "team_managers", "q": people["mY"]["email"]})
    assert r.status_code == 200 and r.json()["items"] == [], r.text
    for path in ("/api/v1/managers/%s", "/api/v1/managers/%s/effective-rights?team=" + people["team"]):
        assert c.get(path % mx).status_code == 200, path
        not_there(c.get(path % my))
        a, b = c.get(path % my).json(), c.get(path % ("usr_" + "3" * 20)).json()
        assert (a["status"], a["type"], a["title"]) == (b["status"], b["type"], b["title"])


@pytest.mark.parametrize("role", SCOPED)
def test_a_teams_members_and_managers_of_another_company_are_left_out(world, people, role):
    _, c = world["callers"][role]
    r = c.get("/api/v1/teams/" + people["team"])
    assert r.status_code == 200, r.text
    managers = {m["id"] for m in r.json()["managers"]}
    assert people["mX"]["id"] in managers and people["mY"]["id"] not in managers
    members = ids(c.get("/api/v1/teams/%s/members" % people["team"]))
    assert people["tX"]["id"] in members and people["tY"]["id"] not in members


def test_technicians_see_the_applications_of_their_companies_only(world, people):
    _, c = world["callers"]["technician"]
    apps = ids(c.get("/api/v1/apps"))
    assert people["apiX"] in apps and people["apiY"] not in apps
    assert c.get("/api/v1/apps/" + people["apiX"]).status_code == 200
    not_there(c.get("/api/v1/apps/" + people["apiY"]))


def test_the_audit_log_shows_technicians_their_companies_only(world, people):
    _, c = world["callers"]["technician"]
    def targets(**params):
        seen, cursor = set(), None
        while True:
            r = c.get("/api/v1/audit", params=dict(params, limit=200, **({"cursor": cursor} if cursor else {})))
            assert r.status_code == 200, r.text
            seen |= {(i["target"] or {}).get("id") for i in r.json()["items"]}
            cursor = r.json()["next_cursor"]
            if not cursor:
                return seen
    seen = targets()
    for k in ("uX", "dX"):
        assert world[k]["id"] in seen, k
    assert world["X"] in seen and people["apiX"] in seen and people["team"] in seen
    for k in ("uY", "dY"):
        assert world[k]["id"] not in seen, k
    assert world["Y"] not in seen and people["apiY"] not in seen and people["mY"]["id"] not in seen
    # asking for them by id or by name finds nothing either
    assert targets(target=world["uY"]["id"]) == set()
    assert targets(q=world["uY"]["email"]) == set()
    # administrators see every entry
    a = world["admin"].get("/api/v1/audit", params={"target": world["uY"]["id"]}).json()["items"]
    assert a, "the admin sees the entry"


# ---------------------------------------------------------------- writes a manager may do
# A manager changes representatives of the teams they manage and adds or
# removes team members (with the team's rights): a representative of another
# company is not there for them either, so the answer is the 404 of a user
# that does not exist, not a 403 that says it does; their own company's
# representative is changed as before.
def test_a_manager_cannot_reach_a_representative_of_another_company(srv, world, people):
    admin = world["admin"]
    rights = ["admin_center_access", "change_representative_name_login", "add_remove_representatives"]
    r = admin.put("/api/v1/teams/%s/rights" % people["team"], json={"rights": rights})
    assert r.status_code == 200, r.text
    r = admin.put("/api/v1/managers/%s/rights" % people["mX"]["id"], json={"rights": rights})
    assert r.status_code == 200, r.text
    m = srv.login_as(people["mX"])
    tx, ty = people["tX"]["id"], people["tY"]["id"]
    r = m.patch("/api/v1/users/" + tx, json={"display_name": uniq("Renamed X ")})
    assert r.status_code == 200, r.text
    nowhere = "usr_" + "4" * 20
    for target in (ty, nowhere):
        not_there(m.patch("/api/v1/users/" + target, json={"display_name": uniq("Renamed Y ")}))
    assert admin.get("/api/v1/users/" + ty).json()["display_name"] == people["tY"]["display_name"]
    # team membership: another company's technician answers as no user at all
    tY2, _ = srv.make_user(admin, "technician", company_ids=[world["Y"]])
    tX2, _ = srv.make_user(admin, "technician", company_ids=[world["X"]])
    for target in (tY2["id"], nowhere):
        not_there(m.put("/api/v1/teams/%s/members/%s" % (people["team"], target)))
    not_there(m.delete("/api/v1/teams/%s/members/%s" % (people["team"], ty)))
    assert ty in ids(admin.get("/api/v1/teams/%s/members" % people["team"]))
    assert m.put("/api/v1/teams/%s/members/%s" % (people["team"], tX2["id"])).status_code == 204
    assert m.delete("/api/v1/teams/%s/members/%s" % (people["team"], tX2["id"])).status_code == 204
