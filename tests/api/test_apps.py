"""API applications: registration (secret shown once), the OAuth 2.0
client-credentials token endpoint (RFC 6749 4.4) and its errors, bearer
requests, revocation of selected applications, who may do what, and account
isolation."""
import base64
import urllib.parse

import requests

from conftest import problem, uniq, walk_pages


def manager(srv, admin):
    """a new API manager, signed in with a cookie: (user json, client)"""
    u, pw = srv.make_user(admin, "api_manager")
    return u, srv.login_as(u, pw)


def register(c, name=None, description="for tests"):
    r = c.post("/api/v1/apps", json={"name": name or uniq("app "), "description": description})
    assert r.status_code == 201, r.text
    return r.json()


def basic(client_id, secret, encode=True):
    if encode:  # RFC 6749 2.3.1: each part form-urlencoded, then Basic
        client_id = urllib.parse.quote_plus(client_id)
        secret = urllib.parse.quote_plus(secret)
    raw = ("%s:%s" % (client_id, secret)).encode()
    return "Basic " + base64.b64encode(raw).decode()


def token_request(srv, app=None, body="grant_type=client_credentials", auth=None, headers=None):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    if auth is None and app is not None:
        auth = basic(app["client_id"], app["client_secret"])
    if auth:
        h["Authorization"] = auth
    h.update(headers or {})
    return requests.post(srv.url + "/oauth/token", data=body, headers=h, timeout=30)


def token(srv, app):
    r = token_request(srv, app)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def oauth_error(r, status, error):
    assert r.status_code == status, "%s %s" % (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    assert r.headers.get("Cache-Control") == "no-store"
    body = r.json()
    assert body["error"] == error and body["error_description"], body
    if status == 401:
        assert r.headers["WWW-Authenticate"].startswith("Basic"), r.headers
    return body


def test_register_shows_the_secret_once(srv, admin):
    u, m = manager(srv, admin)
    app = register(m, "Reporting tool", "pulls the monthly numbers")
    assert app["id"].startswith("app_") and app["client_id"].startswith("cli_")
    assert len(app["client_secret"]) >= 43
    assert app["name"] == "Reporting tool" and app["description"] == "pulls the monthly numbers"
    assert app["owner_id"] == u["id"] and app["status"] == "active" and app["last_used_at"] is None
    shown = m.get("/api/v1/apps/" + app["id"])
    assert shown.status_code == 200 and "client_secret" not in shown.json()
    assert app["client_secret"] not in shown.text
    listed = m.get("/api/v1/apps")
    assert [a["id"] for a in listed.json()["items"]] == [app["id"]]
    assert app["client_secret"] not in listed.text
    assert app["client_secret"] not in open(srv.log_path).read()


def test_token_and_bearer_request(srv, admin):
    u, m = manager(srv, admin)
    app = register(m)
    r = token_request(srv, app)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["access_token"]
    b = srv.client(bearer=body["access_token"])
    me = b.get("/api/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["user"]["id"] == u["id"] and me.json()["auth"] == "bearer"
    assert "csrf_token" not in me.json()
    shown = m.get("/api/v1/apps/" + app["id"]).json()
    assert shown["last_used_at"] and shown["token_count"] == 1
    assert body["access_token"] not in open(srv.log_path).read()


def test_bearer_acts_with_the_managers_rights_without_csrf(srv, admin):
    _, m = manager(srv, admin)
    b = srv.client(bearer=token(srv, register(m)))
    # an unsafe request with no CSRF token: bearer requests need none
    r = b.post("/api/v1/apps", json={"name": uniq("by bearer ")})
    assert r.status_code == 201, r.text
    # and no more than the API manager may: not an administrator's route
    problem(b.post("/api/v1/companies", json={"name": uniq("c")}), 403, "forbidden")


def test_scope_and_unknown_parameters_are_ignored_and_credentials_may_be_encoded(srv, admin):
    _, m = manager(srv, admin)
    app = register(m)
    r = token_request(srv, app, body="grant_type=client_credentials&scope=read+write&foo=bar")
    assert r.status_code == 200, r.text
    every_char = "".join("%%%02X" % ord(c) for c in app["client_id"])
    auth = "Basic " + base64.b64encode(("%s:%s" % (every_char, app["client_secret"])).encode()).decode()
    r = token_request(srv, auth=auth, body="grant_type=client_credentials&client_id=" + app["client_id"])
    assert r.status_code == 200, r.text
    r = token_request(srv, app, headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert r.status_code == 200, r.text


def test_token_endpoint_errors(srv, admin):
    _, m = manager(srv, admin)
    app = register(m)
    wrong = dict(app, client_secret=app["client_secret"][:-2] + "xx")
    oauth_error(token_request(srv, wrong), 401, "invalid_client")
    unknown = dict(app, client_id="cli_" + "a" * 20)
    oauth_error(token_request(srv, unknown), 401, "invalid_client")
    oauth_error(token_request(srv, dict(app, client_id="nonsense")), 401, "invalid_client")
    oauth_error(token_request(srv), 401, "invalid_client")  # no Basic at all
    oauth_error(token_request(srv, auth="Basic !!!notbase64"), 401, "invalid_client")
    oauth_error(token_request(srv, auth="Basic " + base64.b64encode(b"no-colon").decode()), 401,
                "invalid_client")
    oauth_error(token_request(srv, auth="Bearer " + app["client_secret"]), 401, "invalid_client")
    # a user's e-mail and password are not client credentials
    a = srv.accounts["A"]
    oauth_error(token_request(srv, auth=basic(a["admin_email"], a["password"])), 401, "invalid_client")
    # credentials in the body are not accepted; with Basic too, it is two methods
    body = "grant_type=client_credentials&client_id=%s&client_secret=%s" % (app["client_id"], app["client_secret"])
    oauth_error(token_request(srv, body=body, auth=""), 401, "invalid_client")
    oauth_error(token_request(srv, app, body=body), 400, "invalid_request")

    oauth_error(token_request(srv, app, body="grant_type=password&username=x&password=y"), 400,
                "unsupported_grant_type")
    oauth_error(token_request(srv, app, body="grant_type=authorization_code&code=x"), 400,
                "unsupported_grant_type")
    for garbage in ["", "scope=x", "grant_type=", "grant_type=client%ZZcredentials", "grant_type=%",
                    b"grant_type=client_credentials\x00", b"grant_type=\xff\xfe",
                    "grant_type=%C3%28", "grant_type=%0Aclient_credentials",
                    "grant_type=client_credentials&grant_type=client_credentials",
                    "grant_type=client_credentials&client_id=cli_someoneelse"]:
        oauth_error(token_request(srv, app, body=garbage), 400, "invalid_request")
    oauth_error(token_request(srv, app, headers={"Content-Type": "application/json"}), 400, "invalid_request")
    r = requests.post(srv.url + "/oauth/token", json={"grant_type": "client_credentials"},
                      headers={"Authorization": basic(app["client_id"], app["client_secret"])}, timeout=30)
    oauth_error(r, 400, "invalid_request")
    problem(requests.get(srv.url + "/oauth/token", timeout=30), 405)
    # a client that asks for problem+json gets it, with the OAuth members still there
    r = token_request(srv, wrong, headers={"Accept": "application/problem+json"})
    assert problem(r, 401, "oauth-invalid_client")["error"] == "invalid_client"
    # none of it issued a token
    assert m.get("/api/v1/apps/" + app["id"]).json()["token_count"] == 0


def test_bad_bearer_tokens_are_401(srv):
    for t in ["x", "A" * 43, "A" * 500, ""]:
        r = requests.get(srv.url + "/api/v1/me", headers={"Authorization": "Bearer " + t}, timeout=30)
        problem(r, 401, "unauthenticated")


def test_revoke_selected_kills_secrets_and_every_token_at_once(srv, admin):
    _, m = manager(srv, admin)
    app1, app2, keep = register(m), register(m), register(m)
    t1a, t1b, t2, tk = token(srv, app1), token(srv, app1), token(srv, app2), token(srv, keep)
    for t in (t1a, t1b, t2, tk):
        assert srv.client(bearer=t).get("/api/v1/me").status_code == 200
    assert m.get("/api/v1/apps/" + app1["id"]).json()["token_count"] == 2
    r = m.post("/api/v1/apps/revoke", json={"ids": [app1["id"], app2["id"], app1["id"]]})
    assert r.status_code == 200, r.text
    assert r.json()["revoked"] == 2
    assert {a["id"]: a["status"] for a in r.json()["items"]} == {app1["id"]: "revoked", app2["id"]: "revoked"}
    for t in (t1a, t1b, t2):
        problem(srv.client(bearer=t).get("/api/v1/me"), 401, "unauthenticated")
    assert srv.client(bearer=tk).get("/api/v1/me").status_code == 200
    # the secrets are dead too
    oauth_error(token_request(srv, app1), 401, "invalid_client")
    oauth_error(token_request(srv, app2), 401, "invalid_client")
    shown = m.get("/api/v1/apps/" + app1["id"]).json()
    assert shown["status"] == "revoked" and shown["revoked_at"] and shown["token_count"] == 0
    # again: nothing more to do, still fine
    r = m.post("/api/v1/apps/revoke", json={"ids": [app1["id"]]})
    assert r.status_code == 200 and r.json()["revoked"] == 0


def test_api_manager_cannot_revoke_another_managers_app(srv, admin):
    _, m1 = manager(srv, admin)
    _, m2 = manager(srv, admin)
    theirs, mine = register(m1), register(m2)
    t = token(srv, theirs)
    problem(m2.post("/api/v1/apps/revoke", json={"ids": [mine["id"], theirs["id"]]}), 403, "forbidden")
    # all or nothing: not even their own one was revoked
    assert m2.get("/api/v1/apps/" + mine["id"]).json()["status"] == "active"
    assert srv.client(bearer=t).get("/api/v1/me").status_code == 200
    problem(m2.get("/api/v1/apps/" + theirs["id"]), 403, "forbidden")
    assert theirs["id"] not in [a["id"] for a in m2.get("/api/v1/apps").json()["items"]]


def test_admin_lists_and_revokes_any_app_of_the_account(srv, admin):
    u1, m1 = manager(srv, admin)
    u2, m2 = manager(srv, admin)
    a1, a2 = register(m1), register(m2)
    t = token(srv, a1)
    mine = register(admin)  # admins may register on their own behalf
    assert mine["owner_id"] == admin.user["id"]
    every = [a["id"] for a in admin.get("/api/v1/apps").json()["items"]]
    assert {a1["id"], a2["id"], mine["id"]} <= set(every)
    # the manager page lists one manager's authorised applications
    of_u1 = admin.get("/api/v1/apps", params={"owner": u1["id"]}).json()["items"]
    assert [a["id"] for a in of_u1] == [a1["id"]] and of_u1[0]["owner_email"] == u1["email"]
    problem(m2.get("/api/v1/apps", params={"owner": u1["id"]}), 403, "forbidden")
    assert [a["id"] for a in m2.get("/api/v1/apps", params={"owner": u2["id"]}).json()["items"]] == [a2["id"]]
    problem(admin.get("/api/v1/apps", params={"owner": "bogus"}), 400, "invalid-query")
    r = admin.post("/api/v1/apps/revoke", json={"ids": [a1["id"]]})
    assert r.status_code == 200 and r.json()["revoked"] == 1
    problem(srv.client(bearer=t).get("/api/v1/me"), 401)


def test_list_pages_with_a_cursor(srv, admin):
    _, m = manager(srv, admin)
    made = [register(m)["id"] for _ in range(5)]
    seen = [x["id"] for x in walk_pages(m, "/api/v1/apps", {"limit": 2})]
    assert sorted(seen) == sorted(made)
    problem(m.get("/api/v1/apps", params={"cursor": "garbage"}), 400, "invalid-query")
    problem(m.get("/api/v1/apps", params={"limit": "0"}), 400, "invalid-query")


def test_who_may_register_and_read(srv, admin):
    for role in ("member", "manager", "guest"):
        u, pw = srv.make_user(admin, role)
        c = srv.login_as(u, pw)
        problem(c.post("/api/v1/apps", json={"name": "nope"}), 403, "forbidden")
        problem(c.get("/api/v1/apps"), 403, "forbidden")
        problem(c.post("/api/v1/apps/revoke", json={"ids": ["app_" + "a" * 20]}), 403, "forbidden")
    _, m = manager(srv, admin)
    app = register(m)
    u, pw = srv.make_user(admin, "technician")
    tech = srv.login_as(u, pw)
    problem(tech.post("/api/v1/apps", json={"name": "nope"}), 403, "forbidden")
    problem(tech.post("/api/v1/apps/revoke", json={"ids": [app["id"]]}), 403, "forbidden")
    assert tech.get("/api/v1/apps/" + app["id"]).status_code == 200
    assert app["id"] in [a["id"] for a in tech.get("/api/v1/apps").json()["items"]]
    problem(srv.client().get("/api/v1/apps"), 401, "unauthenticated")
    problem(srv.client().post("/api/v1/apps", json={"name": "x"}), 401, "unauthenticated")


def test_bad_input(srv, admin):
    _, m = manager(srv, admin)
    assert problem(m.post("/api/v1/apps", json={"description": "no name"}), 422, "invalid-field")["field"] == "name"
    assert problem(m.post("/api/v1/apps", json={"name": "   "}), 422, "invalid-field")["field"] == "name"
    assert problem(m.post("/api/v1/apps", json={"name": "x" * 201}), 422, "invalid-field")["field"] == "name"
    assert problem(m.post("/api/v1/apps", json={"name": "x", "description": "d" * 2001}), 422,
                   "invalid-field")["field"] == "description"
    assert problem(m.post("/api/v1/apps", json={"name": 5}), 422, "invalid-field")["field"] == "name"
    problem(m.post("/api/v1/apps", json={"name": "x", "secret": "mine"}), 422, "unknown-field")
    problem(m.post("/api/v1/apps", data="{not json", headers={"Content-Type": "application/json"}), 400,
            "malformed-json")
    assert problem(m.post("/api/v1/apps/revoke", json={"ids": []}), 422, "invalid-field")["field"] == "ids"
    assert problem(m.post("/api/v1/apps/revoke", json={"ids": "app_x"}), 422, "invalid-field")["field"] == "ids"
    assert problem(m.post("/api/v1/apps/revoke", json={}), 422, "invalid-field")["field"] == "ids"
    problem(m.post("/api/v1/apps/revoke", json={"ids": ["nonsense"]}), 404, "not-found")
    problem(m.post("/api/v1/apps/revoke", json={"ids": ["app_" + "a" * 20]}), 404, "not-found")
    problem(m.get("/api/v1/apps/nonsense"), 404, "not-found")
    problem(m.get("/api/v1/apps/app_" + "a" * 20), 404, "not-found")


def test_suspending_or_deleting_the_owner_stops_the_tokens(srv, admin):
    u, m = manager(srv, admin)
    app = register(m)
    t = token(srv, app)
    b = srv.client(bearer=t)
    assert b.get("/api/v1/me").status_code == 200
    assert admin.patch("/api/v1/users/" + u["id"], json={"status": "suspended"}).status_code == 200
    problem(b.get("/api/v1/me"), 401, "unauthenticated")
    oauth_error(token_request(srv, app), 400, "unauthorized_client")
    assert admin.patch("/api/v1/users/" + u["id"], json={"status": "active"}).status_code == 200
    assert b.get("/api/v1/me").status_code == 200
    assert admin.delete("/api/v1/users/" + u["id"]).status_code == 204
    problem(b.get("/api/v1/me"), 401, "unauthenticated")
    oauth_error(token_request(srv, app), 401, "invalid_client")
    # a manager no longer an API manager: their applications are revoked, for good
    # (test_role_change.py has the details)
    u, m = manager(srv, admin)
    app = register(m)
    b = srv.client(bearer=token(srv, app))
    assert admin.patch("/api/v1/users/" + u["id"], json={"role": "member"}).status_code == 200
    problem(b.get("/api/v1/me"), 401, "unauthenticated")
    oauth_error(token_request(srv, app), 401, "invalid_client")
    assert admin.patch("/api/v1/users/" + u["id"], json={"role": "api_manager"}).status_code == 200
    problem(b.get("/api/v1/me"), 401, "unauthenticated")


def test_accounts_are_isolated(srv, admin):
    _, m = manager(srv, admin)
    app = register(m)
    t = token(srv, app)
    b_admin = srv.admin("B")
    problem(b_admin.get("/api/v1/apps/" + app["id"]), 404, "not-found")
    assert app["id"] not in [a["id"] for a in b_admin.get("/api/v1/apps").json()["items"]]
    problem(b_admin.post("/api/v1/apps/revoke", json={"ids": [app["id"]]}), 404, "not-found")
    assert b_admin.get("/api/v1/apps", params={"owner": m.user["id"]}).json()["items"] == []
    me = srv.client(bearer=t).get("/api/v1/me").json()
    assert me["account"]["id"] == srv.accounts["A"]["id"]
    # B's bearer token sees B only
    ub, pw = srv.make_user(b_admin, "api_manager")
    mb = srv.login_as(ub, pw)
    tb = token(srv, register(mb))
    bb = srv.client(bearer=tb)
    assert bb.get("/api/v1/me").json()["account"]["id"] == srv.accounts["B"]["id"]
    problem(bb.get("/api/v1/apps/" + app["id"]), 404)
    problem(bb.post("/api/v1/apps/revoke", json={"ids": [app["id"]]}), 404)
    assert srv.client(bearer=t).get("/api/v1/me").status_code == 200
