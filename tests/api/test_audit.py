"""The audit log API: changes with old -> new, search, paging, who may read."""
import json
import re
import time

import requests

from conftest import PASSWORD, problem, uniq, walk_pages
from test_login_rules import LINK


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
    seen = [x["id"] for x in walk_pages(admin, "/api/v1/audit", {"limit": 3})]
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


def whole_log(c, **params):
    items, cursor = [], None
    for _ in range(1000):
        p = dict(params, limit=200)
        if cursor:
            p["cursor"] = cursor
        r = c.get("/api/v1/audit", params=p)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("the log does not end")


SECRET_KEYS = ("password", "password_hash", "secret", "client_secret", "token", "token_hash", "csrf")


def secret_values(value, path=""):
    """paths of values kept under a secret-sounding key (booleans such as
    must_change_password are fine: they say nothing of the secret)"""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in SECRET_KEYS and not isinstance(v, bool) and v is not None:
                found.append(path + "." + k)
            found += secret_values(v, path + "." + k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += secret_values(v, "%s[%d]" % (path, i))
    return found


def test_the_whole_log_shows_changes_and_never_a_secret(srv, admin):
    # changes of several kinds, including ones that carry secrets
    u, _ = srv.make_user(admin, "api_manager", password="a long secret pass 7")
    admin.patch("/api/v1/users/" + u["id"], json={"password": "another long secret 8", "status": "suspended"})
    admin.patch("/api/v1/users/" + u["id"], json={"status": "active"})
    m = srv.login_as(u, "another long secret 8")
    app = m.post("/api/v1/apps", json={"name": uniq("audited app "), "description": "x"}).json()
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    items = whole_log(admin)
    text = json.dumps(items)
    for secret in (PASSWORD, "a long secret pass 7", "another long secret 8", app["client_secret"], "$argon2"):
        assert secret not in text, secret
    assert [] == [(i["action"], p) for i in items for p in secret_values(i["old"]) + secret_values(i["new"])]
    # other tests' changes are there with old -> new
    changed = [i for i in items if isinstance(i["old"], dict) and isinstance(i["new"], dict) and i["old"] != i["new"]]
    assert len({i["action"] for i in changed}) >= 2, {i["action"] for i in items}
    status = [i for i in changed if i["target"]["id"] == u["id"] and "status" in i["new"]]
    assert [(i["old"]["status"], i["new"]["status"]) for i in status] == [("suspended", "active"), ("active", "suspended")]
    # newest first, times in ISO 8601 with milliseconds
    ats = [i["at"] for i in items]
    assert ats == sorted(ats, reverse=True)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", a) for a in ats)


def test_search_by_actor_label_and_actor_id(srv, admin):
    u, pw = srv.make_user(admin, "admin")
    c = srv.login_as(u, pw)
    cid = c.post("/api/v1/companies", json={"name": uniq("By Actor ")}).json()["id"]
    by_label = admin.get("/api/v1/audit", params={"q": u["email"].upper()}).json()["items"]
    assert cid in [i["target"]["id"] for i in by_label]
    by_id = admin.get("/api/v1/audit", params={"actor": u["id"]}).json()["items"]
    assert [i["target"]["id"] for i in by_id] == [cid] and by_id[0]["actor"] == {"id": u["id"], "label": u["email"]}
    # a search with LIKE wildcards matches them literally
    assert admin.get("/api/v1/audit", params={"q": "%_%_%"}).json()["items"] == []


def test_bad_queries_are_400_not_500(srv, admin):
    for params in ({"limit": "0"}, {"limit": "201"}, {"limit": "ten"}, {"until": "2026-13-45"},
                   {"cursor": "Zm9v"}, {"cursor": "!!"}, {"q": "x" * 201}):
        problem(admin.get("/api/v1/audit", params=params), 400, "invalid-query")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def test_no_action_that_handles_a_secret_logs_it(srv, admin):
    """every secret that passes through the server during these actions: the
    passwords, the client secret, a bearer token, the reset and validation
    links, the session's CSRF token and cookie"""
    secrets_seen = []
    u, _ = srv.make_user(admin, "api_manager", password="first secret pass 1", force_email_validation=True)
    secrets_seen.append("first secret pass 1")
    r = admin.patch("/api/v1/users/" + u["id"], json={"password": "second secret pass 2"})
    assert r.status_code == 200, r.text
    secrets_seen.append("second secret pass 2")
    m = srv.client()
    body = m.login(u["email"], "second secret pass 2").json()
    secrets_seen += [body["csrf_token"]] + [c.value for c in m.s.cookies]
    validate = LINK.search(srv.wait_mail(u["email"])[-1].get_content()).group(3)
    assert m.post("/api/v1/email-validation/confirm", json={"token": validate}).status_code == 200
    secrets_seen.append(validate)
    app = m.post("/api/v1/apps", json={"name": uniq("secret app ")}).json()
    secrets_seen.append(app["client_secret"])
    tok = requests.post(srv.url + "/oauth/token", data={"grant_type": "client_credentials"},
                        auth=(app["client_id"], app["client_secret"]), timeout=30)
    assert tok.status_code == 200, tok.text
    secrets_seen.append(tok.json()["access_token"])
    assert srv.client(bearer=tok.json()["access_token"]).post(
        "/api/v1/apps", json={"name": uniq("by token ")}).status_code == 201
    assert m.post("/api/v1/apps/revoke", json={"ids": [app["id"]]}).status_code == 200
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    reset = LINK.search(srv.wait_mail(u["email"], count=2)[-1].get_content()).group(3)
    r = srv.client().post("/api/v1/password-reset/confirm", json={"token": reset, "new_password": "third secret pass 3"})
    assert r.status_code == 200, r.text
    secrets_seen += [reset, "third secret pass 3"]
    r = admin.patch("/api/v1/users/" + u["id"], json={"role": "member"})  # revokes what is left
    assert r.status_code == 200, r.text
    items = whole_log(admin, since=iso(time.time() - 600))
    actions = {i["action"] for i in items if i["target"]["id"] in (u["id"], app["id"])}
    assert {"user.create", "user.update", "user.email_validated", "app.create", "app.revoke",
            "user.password_reset"} <= actions, actions
    text = json.dumps(items)
    for s in secrets_seen:
        assert len(s) >= 8 and s not in text, s
    assert "$argon2" not in text
    assert [] == [(i["action"], p) for i in items for p in secret_values(i["old"]) + secret_values(i["new"])]


def test_time_range_filters(srv, admin):
    start = int(time.time())
    cid = admin.post("/api/v1/companies", json={"name": uniq("Timed Co ")}).json()["id"]
    end = int(time.time()) + 1

    def targets(**params):
        r = admin.get("/api/v1/audit", params=dict(params, target=cid))
        assert r.status_code == 200, r.text
        return [i["action"] for i in r.json()["items"]]

    assert targets(since=iso(start - 1), until=iso(end + 1)) == ["company.create"]
    assert targets(since=iso(start - 1)) == ["company.create"]
    assert targets(until=iso(end + 1)) == ["company.create"]
    assert targets(since=iso(end + 60)) == []
    assert targets(until=iso(start - 60)) == []
    # a date alone is midnight UTC: since today finds it, until today does not
    today = time.strftime("%Y-%m-%d", time.gmtime(start))
    if today == time.strftime("%Y-%m-%d", time.gmtime(end)):
        assert targets(since=today) == ["company.create"] and targets(until=today) == []
    # until is exclusive, since inclusive: adjacent ranges never count an entry twice
    split = iso(start + 1)
    assert sorted(targets(until=split) + targets(since=split)) == ["company.create"]


def test_filters_combine_and_page_with_a_cursor(srv, admin):
    u, pw = srv.make_user(admin, "admin")
    c = srv.login_as(u, pw)
    start = int(time.time())
    cid = c.post("/api/v1/companies", json={"name": uniq("Paged Co ")}).json()["id"]
    for i in range(7):
        assert c.patch("/api/v1/companies/" + cid, json={"name": uniq("Paged Co %d " % i)}).status_code == 200
    admin.patch("/api/v1/companies/" + cid, json={"name": uniq("By the other admin ")})
    mine = whole_log(admin, actor=u["id"])
    assert len(mine) == 8 and {i["actor"]["id"] for i in mine} == {u["id"]}
    renames = whole_log(admin, actor=u["id"], action="company.rename", target=cid)
    assert len(renames) == 7
    assert len(whole_log(admin, action="company.", target=cid)) == 9
    assert len(whole_log(admin, action="company.rename", target=cid, since=iso(start - 1),
                         until=iso(int(time.time()) + 2))) == 8
    # page by page with every filter at once: the same entries, newest first, none twice
    for limit in (1, 2, 3, 7, 8):
        seen, cursor = [], None
        while True:
            params = {"actor": u["id"], "action": "company.", "target": cid, "since": iso(start - 1), "limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = admin.get("/api/v1/audit", params=params).json()
            assert len(page["items"]) <= limit
            seen += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert [i["id"] for i in seen] == [i["id"] for i in mine], limit
    ats = [(i["at"], i["id"]) for i in mine]
    assert ats == sorted(ats, reverse=True)
    # a cursor from one search, used with another, still never repeats nor crashes
    first = admin.get("/api/v1/audit", params={"target": cid, "limit": 2}).json()
    r = admin.get("/api/v1/audit", params={"actor": u["id"], "cursor": first["next_cursor"]})
    assert r.status_code == 200 and not {i["id"] for i in r.json()["items"]} & {i["id"] for i in first["items"]}
    # an actor of another account, or a target that does not exist, finds nothing
    b = srv.admin("B")
    assert b.get("/api/v1/audit", params={"actor": u["id"]}).json()["items"] == []
    assert admin.get("/api/v1/audit", params={"target": "cmp_" + "a" * 20}).json()["items"] == []


def test_an_entrys_own_time_finds_it(srv, admin):
    """the log shows times with milliseconds; since/until take them back as
    they are shown: since = the entry's time includes it, until excludes it"""
    cid = admin.post("/api/v1/companies", json={"name": uniq("Ms Co ")}).json()["id"]
    entry = admin.get("/api/v1/audit", params={"target": cid}).json()["items"][0]
    at = entry["at"]
    assert "." in at and at.endswith("Z"), at

    def actions(**params):
        r = admin.get("/api/v1/audit", params=dict(params, target=cid))
        assert r.status_code == 200, r.text
        return [i["action"] for i in r.json()["items"]]

    assert actions(since=at) == ["company.create"]
    assert actions(until=at) == []
    problem(admin.get("/api/v1/audit", params={"since": "2026-01-01T10:00:00.Z"}), 400, "invalid-query")
