"""App passwords (issue 4, access control): made by a user for each calendar
app, shown once, kept as a hash; accepted by HTTP Basic on /dav/ and /feeds/
only (never for sign-in, the JSON API or a password change), listed with
their last use, revocable; revoked by a password reset or an administrator
setting the password, stopped by suspension, all at the next request.
Administrators list a user's app passwords and revoke one of them."""
import re

import requests

from conftest import PASSWORD, audit_items as audit, problem, uniq
from davutil import dav

SHAPE = re.compile(r"^[a-z0-9]{4}(-[a-z0-9]{4}){3}$")


def make(c, label="Thunderbird"):
    r = c.post("/api/v1/me/app-passwords", json={"label": label})
    assert r.status_code == 201, r.text
    return r.json()


def propfind(srv, email, pw, ua=None):
    return dav(srv, "PROPFIND", "/dav/", auth=(email, pw), headers={"Depth": "0", **({"User-Agent": ua} if ua else {})})


def items(c):
    r = c.get("/api/v1/me/app-passwords")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_create_use_list_revoke(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    ap = make(c, "Thunderbird on the laptop")
    assert SHAPE.match(ap["password"]), ap["password"]
    assert ap["username"] == u["email"] and ap["dav_path"] == "/dav/"
    assert ap["label"] == "Thunderbird on the laptop" and ap["last_used_at"] is None
    assert ap["id"].startswith("apw_")
    listed = items(c)
    assert [i["id"] for i in listed] == [ap["id"]] and "password" not in listed[0]
    assert propfind(srv, u["email"], ap["password"], ua="Thunderbird/128.0").status_code == 207
    # the same secret typed in capitals and without dashes
    assert propfind(srv, u["email"].upper(), ap["password"].replace("-", "").upper()).status_code == 207
    used = items(c)[0]
    assert used["last_used_at"] and used["last_user_agent"] == "Thunderbird/128.0"
    assert c.delete("/api/v1/me/app-passwords/" + ap["id"]).status_code == 204
    assert propfind(srv, u["email"], ap["password"]).status_code == 401
    assert items(c) == []
    problem(c.delete("/api/v1/me/app-passwords/" + ap["id"]), 404, "not-found")
    # both are audited, without the secret
    for action in ("app_password.create", "app_password.revoke"):
        got = audit(admin, action, ap["id"])
        assert len(got) == 1, (action, got)
        assert ap["password"] not in str(got)


def test_private_feed_takes_an_app_password(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    cal = c.post("/api/v1/calendars", json={"name": uniq("Feed ")}).json()
    ap = make(c)
    r = requests.get(srv.url + "/feeds/private/%s.ics" % cal["id"], auth=(u["email"], ap["password"]), timeout=30)
    assert r.status_code == 200 and b"BEGIN:VCALENDAR" in r.content


def test_not_for_sign_in_the_api_or_a_password_change(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    ap = make(c)
    problem(srv.client().post("/api/v1/session", json={"email": u["email"], "password": ap["password"]}),
            401, "invalid-credentials")
    for _ in range(7):  # refused on the JSON API, and not counted as failures
        assert requests.get(srv.url + "/api/v1/me", auth=(u["email"], ap["password"]), timeout=30).status_code == 401
        assert requests.post(srv.url + "/api/v1/me/app-passwords", json={"label": "x"},
                             auth=(u["email"], ap["password"]), timeout=30).status_code == 401
    problem(c.post("/api/v1/me/password", json={"current_password": ap["password"],
                                                "new_password": "a brand new password"}), 403, "wrong-password")
    assert requests.get(srv.url + "/api/v1/me", auth=(u["email"], PASSWORD), timeout=30).status_code == 200
    srv.client().login(u["email"], PASSWORD)


def test_only_ones_own(srv, admin):
    u, _ = srv.make_user(admin, "member")
    other, _ = srv.make_user(admin, "member")
    ap = make(srv.login_as(u))
    # neither another user nor an administrator sees or revokes it through /me
    problem(srv.login_as(other).delete("/api/v1/me/app-passwords/" + ap["id"]), 404, "not-found")
    problem(admin.delete("/api/v1/me/app-passwords/" + ap["id"]), 404, "not-found")
    assert items(srv.login_as(other)) == []
    # nor does it open another user's DAV
    assert propfind(srv, other["email"], ap["password"]).status_code == 401
    assert propfind(srv, u["email"], ap["password"]).status_code == 207


def test_suspension_stops_them_at_once_and_deletion_removes_them(srv, admin):
    u, _ = srv.make_user(admin, "member")
    ap = make(srv.login_as(u))
    for _ in range(3):  # warm the cache of every server thread
        assert propfind(srv, u["email"], ap["password"]).status_code == 207
    assert admin.patch("/api/v1/users/" + u["id"], json={"status": "suspended"}).status_code == 200
    assert propfind(srv, u["email"], ap["password"]).status_code == 401
    assert admin.patch("/api/v1/users/" + u["id"], json={"status": "active"}).status_code == 200
    assert propfind(srv, u["email"], ap["password"]).status_code == 207
    assert admin.delete("/api/v1/users/" + u["id"]).status_code == 204
    assert propfind(srv, u["email"], ap["password"]).status_code == 401


def test_own_password_change_keeps_them_admin_set_password_revokes_them(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    ap = make(c)
    assert propfind(srv, u["email"], ap["password"]).status_code == 207
    r = c.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "my own new password"})
    assert r.status_code == 200, r.text
    assert propfind(srv, u["email"], ap["password"]).status_code == 207
    r = admin.patch("/api/v1/users/" + u["id"], json={"password": "set by the administrator"})
    assert r.status_code == 200, r.text
    assert propfind(srv, u["email"], ap["password"]).status_code == 401
    assert items(srv.login_as(u, "set by the administrator")) == []
    got = audit(admin, "app_password.revoke_all", u["id"])
    assert len(got) == 1, got


def test_locked_login_does_not_stop_app_passwords(srv, admin):
    u, _ = srv.make_user(admin, "member")
    ap = make(srv.login_as(u))
    for _ in range(6):
        assert propfind(srv, u["email"], "wrong password!").status_code == 401
    assert propfind(srv, u["email"], PASSWORD).status_code == 401  # locked
    assert propfind(srv, u["email"], ap["password"]).status_code == 207
    # a wrong app-password-shaped guess counts like any failure
    assert propfind(srv, u["email"], "aaaa-bbbb-cccc-dddd").status_code == 401


def test_input_is_checked(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    problem(c.post("/api/v1/me/app-passwords", json={}), 422, "invalid-field")
    problem(c.post("/api/v1/me/app-passwords", json={"label": "  "}), 422, "invalid-field")
    problem(c.post("/api/v1/me/app-passwords", json={"label": "x" * 101}), 422, "invalid-field")
    problem(c.post("/api/v1/me/app-passwords", json={"label": "a\nb"}), 422, "invalid-field")
    problem(c.post("/api/v1/me/app-passwords", json={"label": "ok", "password": "mine"}), 422, "unknown-field")
    problem(c.delete("/api/v1/me/app-passwords/nope"), 404, "not-found")
    for i in range(50):
        make(c, "device %d" % i)
    problem(c.post("/api/v1/me/app-passwords", json={"label": "one too many"}), 409, "app-password-limit")
    assert len(items(c)) == 50


def test_an_api_application_cannot_make_one(srv, admin):
    from test_apps import manager, register, token
    u, c = manager(srv, admin)
    bearer = srv.client(bearer=token(srv, register(c)))
    problem(bearer.post("/api/v1/me/app-passwords", json={"label": "sneaky"}), 403, "forbidden")
    assert bearer.get("/api/v1/me/app-passwords").status_code == 200
    assert items(c) == []


def test_admin_lists_and_revokes_a_members(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    phone, laptop = make(c, "Phone"), make(c, "Laptop")
    assert propfind(srv, u["email"], phone["password"], ua="DAVx5/4.4").status_code == 207
    r = admin.get("/api/v1/users/%s/app-passwords" % u["id"])
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["items"] == items(c) and got["max"] == 50
    assert sorted(i["label"] for i in got["items"]) == ["Laptop", "Phone"]  # made in the same second
    for i in got["items"]:
        assert set(i) == {"id", "label", "created_at", "last_used_at", "last_user_agent"}, i
    assert phone["password"] not in r.text and laptop["password"] not in r.text
    assert {i["label"]: i["last_user_agent"] for i in got["items"]} == {"Phone": "DAVx5/4.4", "Laptop": None}
    for _ in range(3):  # warm the cache of every server thread
        assert propfind(srv, u["email"], phone["password"]).status_code == 207
    r = admin.delete("/api/v1/users/%s/app-passwords/%s" % (u["id"], phone["id"]))
    assert r.status_code == 204, r.text
    assert propfind(srv, u["email"], phone["password"]).status_code == 401
    assert propfind(srv, u["email"], laptop["password"]).status_code == 207
    assert [i["id"] for i in items(c)] == [laptop["id"]]
    problem(admin.delete("/api/v1/users/%s/app-passwords/%s" % (u["id"], phone["id"])), 404, "not-found")
    problem(admin.delete("/api/v1/users/%s/app-passwords/nope" % u["id"]), 404, "not-found")
    # another user's app password through this user's path: not found
    other, _ = srv.make_user(admin, "member")
    problem(admin.delete("/api/v1/users/%s/app-passwords/%s" % (other["id"], laptop["id"])), 404, "not-found")
    # audited on the user, the administrator acting, without the secret
    got = audit(admin, "app_password.revoke", u["id"])
    assert len(got) == 1, got
    assert got[0]["actor"]["id"] == admin.user["id"] and got[0]["target"]["type"] == "user", got[0]
    assert phone["id"] in str(got) and phone["password"] not in str(got)


def test_members_and_other_accounts_cannot(srv, admin):
    u, _ = srv.make_user(admin, "member")
    ap = make(srv.login_as(u))
    member = srv.login_as(srv.make_user(admin, "member")[0])
    problem(member.get("/api/v1/users/%s/app-passwords" % u["id"]), 403, "forbidden")
    problem(member.delete("/api/v1/users/%s/app-passwords/%s" % (u["id"], ap["id"])), 403, "forbidden")
    tech = srv.login_as(srv.make_user(admin, "technician")[0])
    assert [i["id"] for i in tech.get("/api/v1/users/%s/app-passwords" % u["id"]).json()["items"]] == [ap["id"]]
    problem(tech.delete("/api/v1/users/%s/app-passwords/%s" % (u["id"], ap["id"])), 403, "forbidden")
    if "AppPwOther" not in srv.accounts:
        srv.add_account("AppPwOther", "Another account")
    stranger = srv.admin("AppPwOther")
    problem(stranger.get("/api/v1/users/%s/app-passwords" % u["id"]), 404, "not-found")
    problem(stranger.delete("/api/v1/users/%s/app-passwords/%s" % (u["id"], ap["id"])), 404, "not-found")
    assert propfind(srv, u["email"], ap["password"]).status_code == 207
