"""Users: create, list with search/filters/cursor, show, change, suspend, delete."""
from conftest import PASSWORD, problem, uniq, walk_pages


def test_create_show_and_list_users(srv, admin):
    company = srv.default_company(admin)
    u, _ = srv.make_user(admin, "technician")
    assert u["company_ids"] == [company] and u["role"] == "technician"
    assert "password" not in u and "password_hash" not in u
    assert admin.get("/api/v1/users/" + u["id"]).json()["email"] == u["email"]
    found = admin.get("/api/v1/users", params={"q": u["email"].split("@")[0].upper()}).json()["items"]
    assert [x["id"] for x in found] == [u["id"]]
    techs = walk_pages(admin, "/api/v1/users", {"role": "technician"})
    assert u["id"] in [x["id"] for x in techs]
    assert all(x["role"] == "technician" for x in techs)


def test_cursor_paging_visits_every_user_once(srv, admin):
    for _ in range(5):
        srv.make_user(admin, "member")
    seen = [x["id"] for x in walk_pages(admin, "/api/v1/users", {"limit": 2})]
    assert len(seen) == len(set(seen)) >= 6


def test_non_admin_needs_a_company(srv, admin):
    r = admin.post("/api/v1/users", json={"email": uniq() + "@x.test", "display_name": "X",
                                          "role": "member", "company_ids": [], "password": PASSWORD})
    assert problem(r, 422, "invalid-field")["field"] == "company_ids"


def test_duplicate_email_is_a_conflict(srv, admin):
    u, _ = srv.make_user(admin, "member")
    r = admin.post("/api/v1/users", json={"email": u["email"].upper(), "display_name": "X", "role": "member",
                                          "company_ids": u["company_ids"], "password": PASSWORD})
    assert problem(r, 409, "email-taken")["field"] == "email"


def test_suspend_ends_sessions_and_blocks_sign_in(srv, admin):
    u, pw = srv.make_user(admin, "member")
    c = srv.login_as(u, pw)
    r = admin.patch("/api/v1/users/" + u["id"], json={"status": "suspended"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    problem(c.get("/api/v1/me"), 401)
    problem(srv.client().post("/api/v1/session", json={"email": u["email"], "password": pw}), 403, "suspended")


def test_delete_user(srv, admin):
    u, _ = srv.make_user(admin, "member")
    assert admin.delete("/api/v1/users/" + u["id"]).status_code == 204
    problem(admin.get("/api/v1/users/" + u["id"]), 404, "not-found")


def test_last_admin_cannot_be_demoted_or_deleted(srv):
    a = srv.admin("B")
    me = a.get("/api/v1/me").json()["user"]
    problem(a.patch("/api/v1/users/" + me["id"], json={"role": "member"}), 409, "last-admin")
    problem(a.delete("/api/v1/users/" + me["id"]), 409, "self")


def test_technician_reads_but_cannot_change(srv, admin):
    u, pw = srv.make_user(admin, "technician")
    t = srv.login_as(u, pw)
    assert t.get("/api/v1/users").status_code == 200
    problem(t.post("/api/v1/users", json={"email": "t@x.test", "display_name": "T", "role": "member",
                                          "company_ids": u["company_ids"], "password": PASSWORD}), 403, "forbidden")


def test_member_sees_only_self(srv, admin):
    u, pw = srv.make_user(admin, "member")
    m = srv.login_as(u, pw)
    problem(m.get("/api/v1/users"), 403)
    assert m.get("/api/v1/users/" + u["id"]).status_code == 200


def test_company_members_and_companies_page_with_opaque_cursors(srv, admin):
    from conftest import problem as _problem
    r = admin.get("/api/v1/companies/%s/members" % srv.default_company(admin), params={"cursor": "not-a-cursor!"})
    _problem(r, 400, "invalid-query")
    _problem(admin.get("/api/v1/companies", params={"cursor": "%%%"}), 400, "invalid-query")
    _problem(admin.get("/api/v1/users", params={"cursor": "a" * 1000}), 400, "invalid-query")
