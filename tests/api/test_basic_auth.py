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
