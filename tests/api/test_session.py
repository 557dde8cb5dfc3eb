"""Sign-in, sign-out, /me, CSRF and the forced password change."""
from conftest import PASSWORD, problem


def test_sign_in_sets_http_only_cookie_and_returns_csrf(srv):
    a = srv.accounts["A"]
    c = srv.client()
    r = c.login(a["admin_email"], a["password"])
    body = r.json()
    assert body["user"]["email"] == a["admin_email"]
    assert body["csrf_token"] and body["must_change_password"] is False
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    me = c.get("/api/v1/me").json()
    assert me["user"]["role"] == "admin" and me["account"]["id"] == a["id"]


def test_wrong_password_and_unknown_email_answer_alike(srv):
    c = srv.client()
    r1 = c.post("/api/v1/session", json={"email": srv.accounts["A"]["admin_email"], "password": "nope nope nope"})
    r2 = c.post("/api/v1/session", json={"email": "nobody@nowhere.test", "password": "nope nope nope"})
    assert problem(r1, 401, "invalid-credentials")["detail"] == problem(r2, 401, "invalid-credentials")["detail"]


def test_unsafe_request_without_csrf_is_refused(srv, admin):
    r = admin.post("/api/v1/companies", json={"name": "x"}, headers={"X-CSRF-Token": "wrong"})
    problem(r, 403, "csrf")


def test_sign_out_ends_the_session(srv):
    c = srv.admin()
    assert c.delete("/api/v1/session").status_code == 204
    problem(c.get("/api/v1/me"), 401, "unauthenticated")


def test_forced_password_change_blocks_everything_else(srv, admin):
    u, pw = srv.make_user(admin, "technician", must_change_password=True)
    c = srv.client()
    r = c.login(u["email"], pw)
    assert r.json()["must_change_password"] is True
    problem(c.get("/api/v1/users"), 403, "password-change-required")
    assert c.get("/api/v1/me").status_code == 200
    problem(c.post("/api/v1/me/password", json={"current_password": "wrong one!!", "new_password": "a new password 1"}),
            403, "wrong-password")
    problem(c.post("/api/v1/me/password", json={"current_password": pw, "new_password": "short"}),
            422, "weak-password")
    r = c.post("/api/v1/me/password", json={"current_password": pw, "new_password": "a new password 1"})
    assert r.status_code == 200, r.text
    assert c.get("/api/v1/users").status_code == 200
    srv.client().login(u["email"], "a new password 1")


def test_five_failures_slow_the_login_down_and_are_audited(srv, admin):
    u, pw = srv.make_user(admin, "member")
    c = srv.client()
    for _ in range(5):
        problem(c.post("/api/v1/session", json={"email": u["email"], "password": "wrong password"}), 401)
    r = c.post("/api/v1/session", json={"email": u["email"], "password": pw})
    problem(r, 429, "login-throttled")
    assert int(r.headers["Retry-After"]) >= 1
