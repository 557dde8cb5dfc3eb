"""Self-service password reset and e-mail validation, end to end through the
SMTP sink: single-use links, expiry, identical answers for unknown addresses."""
import json
import re
import time

from conftest import problem, uniq
from teamsutil import audit

LINK = re.compile(r"(https?://\S+/(reset|validate)\?token=([A-Za-z0-9_-]+))")


def link_in(msg):
    m = LINK.search(msg.get_content())
    assert m, msg.get_content()
    return m.group(3)


def test_reset_answers_alike_for_every_address(srv, admin):
    u, _ = srv.make_user(admin, "member")
    no_reset, _ = srv.make_user(admin, "member", allow_password_reset=False)
    suspended, _ = srv.make_user(admin, "member")
    assert admin.patch("/api/v1/users/" + suspended["id"], json={"status": "suspended"}).status_code == 200
    c = srv.client()
    answers = [c.post("/api/v1/password-reset", json={"email": e})
               for e in (u["email"], "nobody-%s@nowhere.test" % uniq(), no_reset["email"], suspended["email"],
                         u["email"])]  # the last one is rate limited
    assert {r.status_code for r in answers} == {202}
    assert len({r.text for r in answers}) == 1
    assert len({r.headers.get("Content-Type") for r in answers}) == 1
    srv.wait_mail(u["email"])
    time.sleep(1)
    assert srv.mails(no_reset["email"]) == [] and srv.mails(suspended["email"]) == []
    assert len(srv.mails(u["email"])) == 1


def test_reset_mail_is_a_proper_message(srv, admin):
    u, _ = srv.make_user(admin, "member")
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    mail = srv.wait_mail(u["email"])[-1]
    for h in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version"):
        assert mail[h], h
    assert mail.get_content_type() == "text/plain" and mail.get_content_charset() == "utf-8"
    assert re.fullmatch(r"<msg_[0-9a-z]{20}@[^>]+>", mail["Message-ID"]), mail["Message-ID"]
    assert u["display_name"] in mail.get_content()
    assert srv.url + "/reset?token=" in mail.get_content()


def test_reset_link_works_once_and_signs_out_everywhere(srv, admin):
    u, pw = srv.make_user(admin, "member")
    old_session = srv.login_as(u, pw)
    srv.client().post("/api/v1/password-reset", json={"email": u["email"].upper()})
    mail = srv.wait_mail(u["email"])[-1]
    assert mail["To"] == u["email"] and "Message-ID" in mail
    token = link_in(mail)
    c = srv.client()
    problem(c.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "short"}),
            422, "weak-password")
    r = c.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "brand new secret 1"})
    assert r.status_code == 200, r.text
    problem(c.post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "another secret 2"}),
            410, "link-expired")
    problem(old_session.get("/api/v1/me"), 401)
    srv.client().login(u["email"], "brand new secret 1")
    srv.client().login(u["email"], pw, expect=401)
    entry = [a for a in audit(srv, u["id"]) if a[0] == "user.password_reset"]
    assert len(entry) == 1 and "password" not in json.dumps(entry[0][1:]).replace("must_change_password", "")


def test_reset_clears_a_forced_change_and_a_lock_and_proves_the_address(srv, admin):
    u, pw = srv.make_user(admin, "technician", must_change_password=True, force_email_validation=True)
    for _ in range(5):
        srv.client().login(u["email"], "wrong password 0", expect=401)
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    token = link_in(srv.wait_mail(u["email"])[-1])
    r = srv.client().post("/api/v1/password-reset/confirm", json={"token": token, "new_password": "brand new secret 3"})
    assert r.status_code == 200, r.text
    c = srv.client()
    body = c.login(u["email"], "brand new secret 3").json()
    assert body["must_change_password"] is False and body["email_validation_pending"] is False
    assert c.get("/api/v1/users").status_code == 200  # no login rule pending any more


def test_a_disallowed_or_suspended_user_cannot_use_an_earlier_link(srv, admin):
    for change in ({"allow_password_reset": False}, {"status": "suspended"}):
        u, _ = srv.make_user(admin, "member")
        srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
        token = link_in(srv.wait_mail(u["email"])[-1])
        assert admin.patch("/api/v1/users/" + u["id"], json=change).status_code == 200
        problem(srv.client().post("/api/v1/password-reset/confirm",
                                  json={"token": token, "new_password": "brand new secret 1"}), 410, "link-expired")


def test_a_new_reset_link_revokes_the_older_one(srv, admin):
    u, _ = srv.make_user(admin, "member")
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    first = link_in(srv.wait_mail(u["email"])[-1])
    # as if the minute had passed
    srv.execute("UPDATE one_time_tokens SET created_at = created_at - 120 WHERE user_id = '%s'" % u["id"])
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    second = link_in(srv.wait_mail(u["email"], count=2)[-1])
    assert first != second
    problem(srv.client().post("/api/v1/password-reset/confirm",
                              json={"token": first, "new_password": "brand new secret 1"}), 410, "link-expired")
    r = srv.client().post("/api/v1/password-reset/confirm", json={"token": second, "new_password": "brand new secret 1"})
    assert r.status_code == 200, r.text


def test_a_second_request_within_a_minute_sends_no_second_mail(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.client()
    assert c.post("/api/v1/password-reset", json={"email": u["email"]}).status_code == 202
    srv.wait_mail(u["email"])
    assert c.post("/api/v1/password-reset", json={"email": u["email"]}).status_code == 202
    time.sleep(1.5)
    assert len(srv.mails(u["email"])) == 1


def test_expired_reset_link_is_refused(srv, admin):
    u, _ = srv.make_user(admin, "member")
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    token = link_in(srv.wait_mail(u["email"])[-1])
    srv.execute("UPDATE one_time_tokens SET expires_at = 1 WHERE user_id = '%s'" % u["id"])
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
    assert c.get("/api/v1/me").status_code == 200
    mail = srv.wait_mail(u["email"])[-1]
    assert srv.url + "/validate?token=" in mail.get_content()
    token = link_in(mail)
    # a reset link is not a validation link, nor the reverse
    problem(srv.client().post("/api/v1/password-reset/confirm",
                              json={"token": token, "new_password": "brand new secret 1"}), 410)
    # a second sign-in soon after sends no second mail
    srv.client().login(u["email"], pw)
    problem(c.post("/api/v1/me/email-validation"), 429, "too-soon")
    r = srv.client().post("/api/v1/email-validation/confirm", json={"token": token})
    assert r.status_code == 200 and r.json()["email_validated"] is True, r.text
    assert c.get("/api/v1/users").status_code == 200
    assert c.get("/api/v1/me").json()["email_validation_pending"] is False
    problem(c.post("/api/v1/me/email-validation"), 409, "already-validated")
    problem(srv.client().post("/api/v1/email-validation/confirm", json={"token": token}), 410)
    assert [a[1:] for a in audit(srv, u["id"]) if a[0] == "user.email_validated"] == \
        [({"email_validated": False}, {"email_validated": True})]


def test_resent_validation_link_replaces_the_first(srv, admin):
    u, pw = srv.make_user(admin, "technician", force_email_validation=True)
    c = srv.client()
    c.login(u["email"], pw)
    first = link_in(srv.wait_mail(u["email"])[-1])
    srv.execute("UPDATE one_time_tokens SET created_at = created_at - 120 WHERE user_id = '%s'" % u["id"])
    r = c.post("/api/v1/me/email-validation")
    assert r.status_code == 202, r.text
    second = link_in(srv.wait_mail(u["email"], count=2)[-1])
    problem(srv.client().post("/api/v1/email-validation/confirm", json={"token": first}), 410)
    assert srv.client().post("/api/v1/email-validation/confirm", json={"token": second}).status_code == 200
    assert c.get("/api/v1/users").status_code == 200  # past the validation gate
    assert c.get("/api/v1/me").json()["email_validation_pending"] is False


def test_expired_validation_link_is_refused_and_the_gate_stays(srv, admin):
    u, pw = srv.make_user(admin, "technician", force_email_validation=True)
    c = srv.client()
    c.login(u["email"], pw)
    token = link_in(srv.wait_mail(u["email"])[-1])
    srv.execute("UPDATE one_time_tokens SET expires_at = 1 WHERE user_id = '%s'" % u["id"])
    problem(srv.client().post("/api/v1/email-validation/confirm", json={"token": token}), 410, "link-expired")
    problem(c.get("/api/v1/users"), 403, "email-validation-required")


def test_no_validation_mail_without_the_rule(srv, admin):
    u, pw = srv.make_user(admin, "member")
    srv.client().login(u["email"], pw)
    time.sleep(1)
    assert srv.mails(u["email"]) == []


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


def confirm_reset(token, srv, pw="brand new secret 5"):
    return srv.client().post("/api/v1/password-reset/confirm", json={"token": token, "new_password": pw})


def confirm_validation(token, srv, c=None):
    return (c or srv.client()).post("/api/v1/email-validation/confirm", json={"token": token})


def test_a_reset_link_is_no_validation_link_and_survives_the_attempt(srv, admin):
    u, _ = srv.make_user(admin, "member")
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    token = link_in(srv.wait_mail(u["email"])[-1])
    problem(confirm_validation(token, srv), 410, "link-expired")
    assert admin.get("/api/v1/users/" + u["id"]).json()["email_validated"] is False
    r = confirm_reset(token, srv)  # trying it on the wrong page did not use it up
    assert r.status_code == 200, r.text
    problem(confirm_reset(token, srv, "yet another secret 6"), 410, "link-expired")
    srv.client().login(u["email"], "brand new secret 5")


def test_a_validation_link_validates_only_its_own_user(srv, admin):
    a, pw_a = srv.make_user(admin, "technician", force_email_validation=True)
    b, pw_b = srv.make_user(admin, "technician", force_email_validation=True)
    ca, cb = srv.client(), srv.client()
    ca.login(a["email"], pw_a)
    cb.login(b["email"], pw_b)
    b_token = link_in(srv.wait_mail(b["email"])[-1])
    # followed in A's browser, B's link validates B, never the one signed in
    r = confirm_validation(b_token, srv, ca)
    assert r.status_code == 200 and r.json()["email"] == b["email"], r.text
    problem(ca.get("/api/v1/users"), 403, "email-validation-required")
    assert ca.get("/api/v1/me").json()["email_validation_pending"] is True
    assert admin.get("/api/v1/users/" + a["id"]).json()["email_validated"] is False
    assert cb.get("/api/v1/users").status_code == 200
    entry = audit(srv, b["id"], "user.email_validated")
    assert len(entry) == 1 and audit(srv, a["id"], "user.email_validated") == []
    actor = admin.get("/api/v1/audit", params={"target": b["id"], "action": "user.email_validated"}).json()["items"]
    assert actor[0]["actor"]["id"] == b["id"]
    # and A's own link still works for A
    a_token = link_in(srv.wait_mail(a["email"])[-1])
    assert confirm_validation(a_token, srv, cb).status_code == 200
    assert ca.get("/api/v1/users").status_code == 200


def test_links_to_an_old_address_die_with_it(srv, admin):
    """a link proves the address it was sent to; once the address changes it
    must neither reset the password nor validate the new address"""
    u, pw = srv.make_user(admin, "technician", force_email_validation=True)
    srv.client().login(u["email"], pw)
    validate = link_in(srv.wait_mail(u["email"])[-1])
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    reset = link_in(srv.wait_mail(u["email"], count=2)[-1])
    new_email = uniq("moved") + "@example.test"
    r = admin.patch("/api/v1/users/" + u["id"], json={"email": new_email.upper()})
    assert r.status_code == 200 and r.json()["email"] == new_email and r.json()["email_validated"] is False, r.text
    problem(confirm_reset(reset, srv), 410, "link-expired")
    problem(confirm_validation(validate, srv), 410, "link-expired")
    # the new address gets its own link at once: the old address's rate limit does not carry over
    c = srv.client()
    c.login(new_email, pw)
    problem(c.get("/api/v1/users"), 403, "email-validation-required")
    fresh = link_in(srv.wait_mail(new_email)[-1])
    assert confirm_validation(fresh, srv).status_code == 200
    assert c.get("/api/v1/users").status_code == 200


def test_a_validated_address_changed_must_be_validated_again_but_same_address_keeps_it(srv, admin):
    u, pw = srv.make_user(admin, "technician", force_email_validation=True)
    srv.client().login(u["email"], pw)
    assert confirm_validation(link_in(srv.wait_mail(u["email"])[-1]), srv).status_code == 200
    # the same address in other letters is no change
    r = admin.patch("/api/v1/users/" + u["id"], json={"email": u["email"].upper()})
    assert r.status_code == 200 and r.json()["email_validated"] is True, r.text
    r = admin.patch("/api/v1/users/" + u["id"], json={"email": uniq("other") + "@example.test"})
    assert r.json()["email_validated"] is False
    last = audit(srv, u["id"], "user.update")[-1]
    assert last[1]["email_validated"] is True and last[2]["email_validated"] is False


def test_links_of_a_deleted_user_are_gone(srv, admin):
    u, _ = srv.make_user(admin, "member")
    srv.client().post("/api/v1/password-reset", json={"email": u["email"]})
    token = link_in(srv.wait_mail(u["email"])[-1])
    assert admin.delete("/api/v1/users/" + u["id"]).status_code == 204
    problem(confirm_reset(token, srv), 410, "link-expired")


def test_a_link_expires_to_the_second(srv, admin):
    """valid until expires_at, refused from then on; other users' links unaffected"""
    u, _ = srv.make_user(admin, "member")
    v, _ = srv.make_user(admin, "member")
    for x in (u, v):
        srv.client().post("/api/v1/password-reset", json={"email": x["email"]})
    t_u, t_v = link_in(srv.wait_mail(u["email"])[-1]), link_in(srv.wait_mail(v["email"])[-1])
    now = int(time.time())
    srv.execute("UPDATE one_time_tokens SET expires_at = %d WHERE user_id = '%s'" % (now - 1, u["id"]))
    srv.execute("UPDATE one_time_tokens SET expires_at = %d WHERE user_id = '%s'" % (now + 60, v["id"]))
    problem(confirm_reset(t_u, srv), 410, "link-expired")
    assert confirm_reset(t_v, srv).status_code == 200


def test_malformed_tokens_are_refused_cleanly(srv):
    c = srv.client()
    for body, status in (({"token": ""}, 410), ({"token": "a" * 101}, 422), ({"token": 42}, 422),
                         ({"token": None}, 422), ({"token": "../../etc"}, 410), ({"token": "%00"}, 410)):
        r = c.post("/api/v1/email-validation/confirm", json=body)
        assert r.status_code == status, (body, r.status_code, r.text)
        r = c.post("/api/v1/password-reset/confirm", json=dict(body, new_password="brand new secret 7"))
        assert r.status_code == status, (body, r.status_code, r.text)
