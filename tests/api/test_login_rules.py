"""Self-service password reset and e-mail validation, end to end through the
SMTP sink: single-use links, expiry, identical answers for unknown addresses."""
import re

from conftest import PASSWORD, problem, uniq
from teamsutil import db_write

LINK = re.compile(r"(https?://\S+/(reset|validate)\?token=([A-Za-z0-9_-]+))")


def link_in(msg):
    m = LINK.search(msg.get_content())
    assert m, msg.get_content()
    return m.group(3)


def test_reset_answers_alike_for_every_address(srv, admin):
    u, _ = srv.make_user(admin, "member")
    no_reset, _ = srv.make_user(admin, "member", allow_password_reset=False)
    c = srv.client()
    answers = [c.post("/api/v1/password-reset", json={"email": e})
               for e in (u["email"], "nobody-%s@nowhere.test" % uniq(), no_reset["email"])]
    assert {r.status_code for r in answers} == {202}
    assert len({r.text for r in answers}) == 1
    srv.wait_mail(u["email"])
    assert srv.mails(no_reset["email"]) == []


def test_reset_link_works_once_and_signs_out_everywhere(srv, admin):
    u, pw = srv.make_user(admin, "member")
    old_session = srv.login_as(u, pw)
    srv.client().post("/api/v1/password-reset", json={"email": u["email"].upper()})
    mail = srv.wait_mail(u["email"])[-1]
    assert mail["To"] == u["email"] and "Message-ID" in mail
    token = link_in(mail)
    c = srv.client()
    problem(c.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "short"}),
            422, "invalid-field")
    r = c.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "brand new secret 1"})
    assert r.status_code == 200, r.text
    problem(c.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "another secret 2"}),
            410, "link-expired")
    problem(old_session.get("/api/v1/me"), 401)
    srv.client().login(u["email"], "brand new secret 1")
    srv.client().login(u["email"], pw, expect=401)


def test_a_second_request_within_a_minute_sends_no_second_mail(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.client()
    assert c.post("/api/v1/password-reset", json={"email": u["email"]}).status_code == 202
    srv.wait_mail(u["email"])
    assert c.post("/api/v1/password-reset", json={"email": u["email"]}).status_code == 202
    import time
    time.sleep(1.5)
    assert len(srv.mails(u["email"])) == 1


def test_expired_reset_link_is_refused(srv, admin):
    u, _ = srv.make_user(admin, "member")
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    token = link_in(srv.wait_mail(u["email"])[-1])
    db_write(srv, "UPDATE one_time_tokens SET expires_at = 1 WHERE user_id = '%s'" % u["id"])
    problem(srv.client().post("/api/v1/password-reset/confirm",
                              json={"token": token, "new_password": "brand new secret 1"}), 410, "link-expired")


def test_unknown_token_and_bad_bodies(srv):
    c = srv.client()
    problem(c.post("/api/v1/password-reset/confirm", json={"token": "x" * 43, "new_password": "brand new secret"}),
            410, "link-expired")
    problem(c.post("/api/v1/password-reset", json={"mail": "x@y.test"}), 422, "unknown-field")
    problem(c.post("/api/v1/email-validation/confirm", json={}), 422)


def test_email_validation_blocks_until_the_link_is_followed(srv, admin):
    u, pw = srv.make_user(admin, "technician", force_email_validation=True)
    c = srv.client()
    r = c.login(u["email"], pw)
    assert r.json()["email_validation_pending"] is True
    problem(c.get("/api/v1/users"), 403, "email-validation-required")
    token = link_in(srv.wait_mail(u["email"])[-1])
    # a second sign-in soon after sends no second mail
    srv.client().login(u["email"], pw)
    problem(c.post("/api/v1/me/email-validation"), 429, "too-soon")
    r = srv.client().post("/api/v1/email-validation/confirm", json={"token": token})
    assert r.status_code == 200 and r.json()["email_validated"] is True, r.text
    assert c.get("/api/v1/users").status_code == 200
    assert c.get("/api/v1/me").json()["email_validation_pending"] is False
    problem(c.post("/api/v1/me/email-validation"), 409, "already-validated")
    problem(srv.client().post("/api/v1/email-validation/confirm", json={"token": token}), 410)


def test_mail_speaks_the_account_language(srv):
    b = srv.admin("B")
    assert b.patch("/api/v1/settings", json={"language": "fr"}).status_code == 200
    try:
        u, _ = srv.make_user(b, "member")
        srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
        mail = srv.wait_mail(u["email"])[-1]
        assert "mot de passe" in mail["Subject"]
        assert "Bonjour" in mail.get_content()
    finally:
        b.patch("/api/v1/settings", json={"language": "en"})
