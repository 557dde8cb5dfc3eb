"""HTTP Basic with a user's e-mail and password (what calendar apps send on
every feed fetch): failures count and lock the login as sign-in's do, so
Basic is no way around the throttling; a success clears the count."""
import requests

from conftest import PASSWORD, problem


def basic(srv, user, password):
    return requests.get(srv.url + "/api/v1/me", auth=(user["email"], password), timeout=30)


def test_basic_failures_lock_the_login(srv, admin):
    u, _ = srv.make_user(admin, "member")
    for _ in range(6):
        assert basic(srv, u, "wrong password!").status_code == 401
    # locked now: the right password is refused too, and sign-in says why
    assert basic(srv, u, PASSWORD).status_code == 401
    problem(srv.client().post("/api/v1/session", json={"email": u["email"], "password": PASSWORD}), 429,
            "login-throttled")


def test_a_success_clears_the_count(srv, admin):
    u, _ = srv.make_user(admin, "member")
    for _ in range(4):
        assert basic(srv, u, "wrong password!").status_code == 401
    r = basic(srv, u, PASSWORD)
    assert r.status_code == 200, r.text
    # four more failures stay below the threshold again
    for _ in range(4):
        assert basic(srv, u, "wrong password!").status_code == 401
    assert basic(srv, u, PASSWORD).status_code == 200


# The verified-credentials cache (iam/basic_cache.h) spares the Argon2id work
# of repeated Basic requests; these show that it never outlives the state it
# verified. Each warms the cache of every server thread first.
def propfind(srv, email, password):
    return requests.request("PROPFIND", srv.url + "/dav/", auth=(email, password), headers={"Depth": "0"},
                            timeout=30)


def warm(srv, email, password):
    for _ in range(4):
        assert propfind(srv, email, password).status_code == 207


def test_cached_password_dies_with_a_password_change(srv, admin):
    u, _ = srv.make_user(admin, "member")
    warm(srv, u["email"], PASSWORD)
    r = srv.login_as(u).post("/api/v1/me/password", json={"current_password": PASSWORD,
                                                          "new_password": "the next password"})
    assert r.status_code == 200, r.text
    assert propfind(srv, u["email"], PASSWORD).status_code == 401
    assert propfind(srv, u["email"], "the next password").status_code == 207


def test_cached_password_dies_with_suspension_and_deletion(srv, admin):
    u, _ = srv.make_user(admin, "member")
    warm(srv, u["email"], PASSWORD)
    assert admin.patch("/api/v1/users/" + u["id"], json={"status": "suspended"}).status_code == 200
    assert propfind(srv, u["email"], PASSWORD).status_code == 401
    assert admin.patch("/api/v1/users/" + u["id"], json={"status": "active"}).status_code == 200
    warm(srv, u["email"], PASSWORD)
    assert admin.delete("/api/v1/users/" + u["id"]).status_code == 204
    assert propfind(srv, u["email"], PASSWORD).status_code == 401


def test_cached_app_password_dies_with_revocation(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    ap = c.post("/api/v1/me/app-passwords", json={"label": "Phone"}).json()
    warm(srv, u["email"], ap["password"])
    assert c.delete("/api/v1/me/app-passwords/" + ap["id"]).status_code == 204
    assert propfind(srv, u["email"], ap["password"]).status_code == 401


def test_lockout_still_counts_with_a_warm_cache(srv, admin):
    u, _ = srv.make_user(admin, "member")
    warm(srv, u["email"], PASSWORD)
    for _ in range(6):  # failures are never cached: each one is counted
        assert propfind(srv, u["email"], "wrong password!").status_code == 401
    # locked: the cached right password is refused too, and sign-in says why
    assert propfind(srv, u["email"], PASSWORD).status_code == 401
    problem(srv.client().post("/api/v1/session", json={"email": u["email"], "password": PASSWORD}), 429,
            "login-throttled")
