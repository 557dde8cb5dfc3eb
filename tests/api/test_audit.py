"""The audit log API: changes with old -> new, search, paging, who may read."""
import json

from conftest import PASSWORD, problem, uniq


def test_changes_appear_with_old_and_new_and_no_secrets(srv, admin):
    u, _ = srv.make_user(admin, "member")
    admin.patch("/api/v1/users/" + u["id"], json={"display_name": "Renamed Person", "password": "another password 9"})
    items = admin.get("/api/v1/audit", params={"target": u["id"]}).json()["items"]
    actions = [i["action"] for i in items]
    assert actions[0] == "user.update" and "user.create" in actions
    upd = items[0]
    assert upd["old"]["display_name"] == u["display_name"] and upd["new"]["display_name"] == "Renamed Person"
    assert upd["actor"]["label"] == srv.accounts["A"]["admin_email"] and upd["via"] == "cookie"
    assert upd["target"] == {"type": "user", "id": u["id"], "label": u["email"]}
    text = json.dumps(items)
    assert "another password 9" not in text and PASSWORD not in text and "argon2" not in text


def test_search_filters_and_paging(srv, admin):
    name = uniq("Audited Co ")
    cid = admin.post("/api/v1/companies", json={"name": name}).json()["id"]
    admin.patch("/api/v1/companies/" + cid, json={"name": name + " renamed"})
    found = admin.get("/api/v1/audit", params={"q": name}).json()["items"]
    assert {i["action"] for i in found} == {"company.create", "company.rename"}
    only = admin.get("/api/v1/audit", params={"action": "company.rename", "target": cid}).json()["items"]
    assert [i["action"] for i in only] == ["company.rename"]
    prefix = admin.get("/api/v1/audit", params={"action": "company.", "target": cid}).json()["items"]
    assert len(prefix) == 2
    seen, cursor = [], None
    for _ in range(50):
        params = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = admin.get("/api/v1/audit", params=params).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 4
    problem(admin.get("/api/v1/audit", params={"cursor": "garbage"}), 400, "invalid-query")
    problem(admin.get("/api/v1/audit", params={"since": "yesterday"}), 400, "invalid-query")
    assert admin.get("/api/v1/audit", params={"since": "2000-01-01", "until": "2000-01-02"}).json()["items"] == []


def test_who_may_read_the_log(srv, admin):
    t, pw = srv.make_user(admin, "technician")
    assert srv.login_as(t, pw).get("/api/v1/audit").status_code == 200
    for role in ("manager", "api_manager", "member"):
        u, pw = srv.make_user(admin, role)
        problem(srv.login_as(u, pw).get("/api/v1/audit"), 403)
    problem(srv.client().get("/api/v1/audit"), 401)


def test_accounts_do_not_see_each_others_log(srv, admin):
    cid = admin.post("/api/v1/companies", json={"name": uniq("Private Co ")}).json()["id"]
    b = srv.admin("B")
    assert b.get("/api/v1/audit", params={"target": cid}).json()["items"] == []
