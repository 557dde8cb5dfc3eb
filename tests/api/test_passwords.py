"""Password strength (libpwquality) everywhere a password is set, explained
in the caller's language; administrators set, generate or mail a reset link
for a user's password; `convene user reset-password` for a locked-out admin."""
import re

from conftest import PASSWORD, problem, uniq
from sharing import INVITE, share
from calutil import new_calendar

WEAK = [("password123", "dictionary"), ("12345678", "too-short"), ("Password1234", "dictionary"),
        ("aaaaaaaaaaaa", "repetitive")]


def weak(r, field, reason=None):
    body = problem(r, 422, "weak-password")
    assert body["field"] == field, body
    if reason:
        assert body["reason"] == reason, body
    return body


def company_in(srv, admin, lang):
    c = admin.post("/api/v1/companies", json={"name": uniq("Société ")})
    assert c.status_code == 201, c.text
    cid = c.json()["id"]
    r = admin.put("/api/v1/companies/%s/settings/language" % cid, json={"value": lang})
    assert r.status_code == 200, r.text
    return cid


def test_admin_create_and_change_refuse_weak_passwords(srv, admin):
    cid = srv.default_company(admin)
    for pw, reason in WEAK:
        body = {"email": "%s@example.test" % uniq("weak"), "display_name": "Walter Weak", "role": "member",
                "company_ids": [cid], "password": pw}
        weak(admin.post("/api/v1/users", json=body), "password", reason)
    # the user's own address or name, give or take digits
    addr = "%s@example.test" % uniq("ownaddr")
    body = {"email": addr, "display_name": "Walter Weak", "role": "member", "company_ids": [cid]}
    weak(admin.post("/api/v1/users", json={**body, "password": addr}), "password", "personal")
    weak(admin.post("/api/v1/users", json={**body, "password": "WalterWeak2024"}), "password", "personal")
    weak(admin.post("/api/v1/users", json={**body, "password": addr.split("@")[0] + "!!"}), "password",
         "personal")
    assert admin.get("/api/v1/users", params={"q": addr}).json()["items"] == []
    u, _ = srv.make_user(admin, "member")
    for pw, reason in WEAK:
        weak(admin.patch("/api/v1/users/" + u["id"], json={"password": pw}), "password", reason)
    srv.login_as(u)  # the old password still works: nothing was half-written


def test_self_service_change_refuses_weak_passwords_in_the_users_language(srv, admin):
    cid = company_in(srv, admin, "fr")
    u, _ = srv.make_user(admin, "member", company_ids=[cid])
    c = srv.login_as(u)
    b = weak(c.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "password123"}),
             "new_password", "dictionary")
    assert b["detail"] == "le mot de passe est fondé sur un mot du dictionnaire", b
    # the language is the user's, whatever the browser says
    r = c.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "12345678"},
               headers={"Accept-Language": "ru"})
    assert weak(r, "new_password", "too-short")["detail"].startswith("le mot de passe doit comporter")
    assert r.headers["Content-Language"] == "fr"
    r = c.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "another long password"})
    assert r.status_code == 200, r.text


def test_reset_and_guest_sign_up_refuse_weak_passwords_in_the_browsers_language(srv, admin):
    from test_login_rules import link_in
    u, _ = srv.make_user(admin, "member")
    anon = srv.client()
    assert anon.post("/api/v1/password-reset", json={"email": u["email"]}).status_code == 202
    token = link_in(srv.wait_mail(u["email"])[-1])
    r = anon.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "password123"},
                  headers={"Accept-Language": "de;q=0.9, ru;q=0.8, en;q=0.1"})
    b = weak(r, "new_password", "dictionary")
    assert b["detail"] == "пароль основан на словарном слове" and r.headers["Content-Language"] == "ru", b
    r = anon.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": u["email"]})
    assert weak(r, "new_password", "personal")["detail"] == "the password must not be your name or e-mail address"
    assert r.headers["Content-Language"] == "en"
    # the link is still good for a strong password
    r = anon.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "brand new secret 1"})
    assert r.status_code == 200, r.text

    owner, _ = srv.make_user(admin, "member")
    oc = srv.login_as(owner)
    cal = new_calendar(oc)
    addr = "%s@outside.test" % uniq("guest")
    share(oc, cal["id"], kind="guest", email=addr, role="viewer")
    token = INVITE.search(srv.wait_mail(addr)[-1].get_content()).group(2)
    for pw, reason in WEAK:
        r = anon.post("/api/v1/guest-invitations/accept", json={"token": token, "display_name": "Gwen Guest",
                                                                 "password": pw}, headers={"Accept-Language": "fr"})
        assert weak(r, "password", reason)["detail"].startswith("le mot de passe"), r.text
    r = anon.post("/api/v1/guest-invitations/accept",
                  json={"token": token, "display_name": "Gwen Guest", "password": "Gwen Guest 1"})
    weak(r, "password", "personal")
    r = anon.post("/api/v1/guest-invitations/accept",
                  json={"token": token, "display_name": "Gwen Guest", "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_cli_refuses_weak_admin_passwords(srv):
    r = srv.cli("account", "add", "--name", "Weak", "--admin-email", "%s@weak.test" % uniq("adm"),
                "--admin-password", "password123", check=False)
    assert r.returncode != 0 and "dictionary" in r.stderr, r.stderr


def test_problem_details_follow_accept_language(srv):
    anon = srv.client()
    r = anon.get("/api/v1/users", headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
    b = problem(r, 401, "unauthenticated")
    assert r.headers["Content-Language"] == "fr" and b["title"] == "Non authentifié", b
    r = anon.get("/api/v1/users", headers={"Accept-Language": "ru"})
    assert problem(r, 401)["detail"] == "сначала войдите или передайте токен доступа (bearer)"
    r = anon.get("/api/v1/users", headers={"Accept-Language": "de"})
    assert problem(r, 401)["detail"] == "sign in first, or send a bearer token"
    assert r.headers["Content-Language"] == "en"


def test_admin_sets_generates_or_mails_a_users_password(srv, admin):
    u, _ = srv.make_user(admin, "member", allow_password_reset=False)
    old = srv.login_as(u)
    url = "/api/v1/users/%s/password" % u["id"]
    weak(admin.post(url, json={"action": "set", "password": "password123"}), "password", "dictionary")
    problem(admin.post(url, json={"action": "nope"}), 422, "invalid-field")
    problem(admin.post(url, json={"action": "generate", "password": "x"}), 422, "invalid-field")
    problem(old.post(url, json={"action": "generate"}), 403, "forbidden")
    problem(admin.post("/api/v1/users/%s/password" % admin.user["id"], json={"action": "generate"}), 409, "self")
    problem(admin.post("/api/v1/users/usr_aaaaaaaaaaaaaaaaaaaa/password", json={"action": "generate"}), 404)

    r = admin.post(url, json={"action": "set", "password": "set by the administrator"})
    assert r.status_code == 200 and r.json()["must_change_password"] is True, r.text
    problem(old.get("/api/v1/me"), 401)  # the user's sessions ended
    c = srv.client()
    assert c.login(u["email"], "set by the administrator").json()["must_change_password"] is True

    r = admin.post(url, json={"action": "generate"})
    assert r.status_code == 200, r.text
    one_time = r.json()["password"]
    assert len(one_time) >= 16 and r.json()["user"]["must_change_password"] is True
    c = srv.client()
    c.login(u["email"], one_time)
    problem(c.get("/api/v1/users/" + u["id"]), 403, "password-change-required")
    r = c.post("/api/v1/me/password", json={"current_password": one_time, "new_password": "my own new password"})
    assert r.status_code == 200, r.text

    # a link, although the user may not ask for one themselves
    r = admin.post(url, json={"action": "send_link"})
    assert r.status_code == 202, r.text
    assert r.json()["mail"]["state"] == "queued" and r.json()["mail"]["detail"], r.json()
    from test_login_rules import link_in
    token = link_in(srv.wait_mail(u["email"])[-1])
    r = srv.client().post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "third secret pass 3"})
    assert r.status_code == 200, r.text
    srv.login_as(u, "third secret pass 3")

    log = admin.get("/api/v1/audit", params={"target": u["id"]}).json()["items"]
    actions = [e["action"] for e in log]
    assert actions.count("user.password_set") == 2 and "user.password_reset_link" in actions, actions
    assert "set by the administrator" not in str(log) and one_time not in str(log)


def test_mail_status_for_administrators(srv, admin):
    r = admin.get("/api/v1/mail-status")
    assert r.status_code == 200, r.text
    b = r.json()
    assert b["smtp_configured"] is True and b["state"] in ("ok", "failing") and b["detail"], b
    assert isinstance(b["queued"], int) and isinstance(b["failed"], int)
    m, _ = srv.make_user(admin, "member")
    problem(srv.login_as(m).get("/api/v1/mail-status"), 403, "forbidden")


ONE_TIME = re.compile(r"one-time password: (\S+)")


def test_cli_reset_password_for_a_locked_out_admin(srv):
    a = srv.accounts["B"]
    c = srv.client()
    c.login(a["admin_email"], a["password"])
    r = srv.cli("user", "reset-password", a["admin_email"].upper(), "--account", a["id"])
    pw = ONE_TIME.search(r.stdout).group(1)
    assert len(pw) >= 16 and "next sign-in" in r.stdout, r.stdout
    problem(c.get("/api/v1/me"), 401)  # sessions ended
    c = srv.client()
    assert c.login(a["admin_email"], pw).json()["must_change_password"] is True
    r = c.post("/api/v1/me/password", json={"current_password": pw, "new_password": a["password"] + " again"})
    assert r.status_code == 200, r.text
    r = c.post("/api/v1/me/password", json={"current_password": a["password"] + " again", "new_password": a["password"]})
    assert r.status_code == 200, r.text
    log = c.get("/api/v1/audit", params={"action": "user.password_set"}).json()["items"]
    assert log[0]["actor"]["label"] == "convene user reset-password" and pw not in str(log), log[0]
    # wrong account, unknown address, no address: refused, nothing changed
    r = srv.cli("user", "reset-password", a["admin_email"], "--account", srv.accounts["A"]["id"], check=False)
    assert r.returncode == 1 and "no user" in r.stderr, r.stderr
    r = srv.cli("user", "reset-password", "nobody-%s@nowhere.test" % uniq(), check=False)
    assert r.returncode == 1 and "no user" in r.stderr
    assert srv.cli("user", "reset-password", check=False).returncode == 2
    r = srv.cli("user", "reset-password", "--help")
    assert "one-time password" in r.stdout
    srv.client().login(a["admin_email"], a["password"])
