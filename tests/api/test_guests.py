"""Guests: sharing with an outside address mails a single-use sign-up link;
the guest picks a name and a password, then sees only what was shared with
them, in the API and in the private feed with HTTP Basic."""
from calutil import new_calendar
from conftest import PASSWORD, problem, uniq
from sharing import INVITE, event_soon, feed, parse, share


def invite(srv, admin):
    owner, _ = srv.make_user(admin, "member")
    oc = srv.login_as(owner)
    cal = new_calendar(oc)
    event_soon(oc, cal["id"], summary="Board meeting")
    addr = "%s@outside.test" % uniq("guest")
    s = share(oc, cal["id"], kind="guest", email=addr.upper(), role="viewer")
    assert s["kind"] == "guest" and s["pending"] and s["mailed"] and s["grantee"]["email"] == addr, s
    mail = srv.wait_mail(addr)[-1]
    m = INVITE.search(mail.get_content())
    assert m and m.group(1).startswith(srv.url + "/guest/accept?token="), mail.get_content()
    assert cal["name"] in mail.get_content()
    return oc, cal, s, addr, m.group(2)


def test_guest_signs_up_and_reads_the_feed(srv, admin):
    oc, cal, s, addr, token = invite(srv, admin)
    anon = srv.client()
    r = anon.post("/api/v1/guest-invitations/accept",
                  json={"token": token, "display_name": "Gwen Guest", "password": "short"})
    assert r.status_code == 422 and r.json()["field"] == "password", r.text
    r = anon.post("/api/v1/guest-invitations/accept",
                  json={"token": token, "display_name": "Gwen Guest", "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "guest" and r.json()["email"] == addr
    problem(anon.post("/api/v1/guest-invitations/accept",
                      json={"token": token, "display_name": "Again", "password": PASSWORD}), 410, "link-expired")
    listed = [x for x in oc.get("/api/v1/calendars/%s/shares" % cal["id"]).json()["items"]]
    assert listed[0]["pending"] is False and listed[0]["grantee"]["name"] == "Gwen Guest"

    g = srv.client()
    g.login(addr, PASSWORD)
    cals = g.get("/api/v1/calendars").json()["items"]
    assert [(c["id"], c["role"]) for c in cals] == [(cal["id"], "viewer")]
    problem(g.post("/api/v1/calendars", json={"name": "Mine"}), 403)
    problem(g.post("/api/v1/calendars/%s/events" % cal["id"], json={"summary": "x", "start": "2030-01-01T10:00:00"}),
            403)
    problem(g.get("/api/v1/users"), 403)

    r = feed(srv, "/feeds/private/%s.ics" % cal["id"], auth=(addr, PASSWORD))
    assert ("Board meeting", "PUBLIC") in parse(r)
    # the address of the same feed
    assert parse(feed(srv, "/feeds/calendars/%s.ics" % cal["id"], auth=(addr.upper(), PASSWORD)))

    # revoked: the very next fetch is refused
    assert oc.delete("/api/v1/calendars/%s/shares/%s" % (cal["id"], s["id"])).status_code == 204
    feed(srv, "/feeds/private/%s.ics" % cal["id"], auth=(addr, PASSWORD), expect=404)
    assert g.get("/api/v1/calendars").json()["items"] == []


def test_the_link_tells_who_shared_what_without_using_it_up(srv, admin):
    oc, cal, s, addr, token = invite(srv, admin)
    owner = oc.get("/api/v1/me").json()["user"]
    anon = srv.client()
    for _ in range(2):  # looking does not use the link up
        r = anon.get("/api/v1/guest-invitations/accept", params={"token": token})
        assert r.status_code == 200, r.text
    body = r.json()
    assert body["email"] == addr and body["invited_by"] == owner["display_name"], body
    assert body["calendars"] == [{"id": cal["id"], "name": cal["name"], "role": "viewer"}]
    assert body["expires_at"].endswith("Z") and body["language"] in ("en", "fr", "ru")
    r = anon.post("/api/v1/guest-invitations/accept",
                  json={"token": token, "display_name": "Gwen", "password": PASSWORD})
    assert r.status_code == 200, r.text
    problem(anon.get("/api/v1/guest-invitations/accept", params={"token": token}), 410, "link-expired")
    problem(anon.get("/api/v1/guest-invitations/accept", params={"token": "A" * 43}), 410, "link-expired")
    # a broken link (cut short, or not a token at all) is not an expired one
    for bad in ({"token": token[:-1]}, {"token": "nope"}, {}):
        problem(anon.get("/api/v1/guest-invitations/accept", params=bad), 400, "invalid-query")


def test_unknown_or_used_tokens(srv, admin):
    anon = srv.client()
    problem(anon.post("/api/v1/guest-invitations/accept",
                      json={"token": "nope", "display_name": "X", "password": PASSWORD}), 410, "link-expired")
    r = anon.post("/api/v1/guest-invitations/accept", json={"token": "nope", "password": PASSWORD})
    assert r.status_code == 422 and r.json()["field"] == "display_name"


def test_pending_guest_cannot_sign_in(srv, admin):
    oc, cal, s, addr, token = invite(srv, admin)
    r = srv.client().post("/api/v1/session", json={"email": addr, "password": PASSWORD})
    assert r.status_code == 401
    feed(srv, "/feeds/private/%s.ics" % cal["id"], auth=(addr, PASSWORD), expect=401)


def test_existing_user_is_shared_directly(srv, admin):
    owner, _ = srv.make_user(admin, "member")
    oc = srv.login_as(owner)
    cal = new_calendar(oc)
    member, _ = srv.make_user(admin, "member")
    s = share(oc, cal["id"], kind="guest", email=member["email"], role="freebusy")
    assert s["kind"] == "user" and s["grantee_id"] == member["id"] and not s["pending"]
    mail = srv.wait_mail(member["email"])[-1]
    assert "guest/accept" not in mail.get_content() and cal["name"] in mail.get_content()
    assert srv.login_as(member).get("/api/v1/calendars/" + cal["id"]).json()["role"] == "freebusy"


def test_address_of_another_account_is_invited_like_any_outside_address(srv, admin):
    """nothing tells the sharer that the address exists elsewhere: the same
    answer as for an address nobody has; accepting makes a guest of A beside
    the user of B, and the B login is untouched"""
    other, _ = srv.make_user(srv.admin("B"), "member")
    owner, _ = srv.make_user(admin, "member")
    oc = srv.login_as(owner)
    cal = new_calendar(oc)
    nobody = "%s@outside.test" % uniq("guest")
    answers = {}
    for addr in (other["email"], nobody):
        r = oc.post("/api/v1/calendars/%s/shares" % cal["id"], json={"kind": "guest", "email": addr, "role": "viewer"})
        assert r.status_code == 201, r.text
        body = r.json()
        answers[addr] = (sorted(body), body["kind"], body["pending"], body["mailed"], sorted(body["grantee"]))
        assert body["grantee"]["email"] == addr and body["grantee_id"] != other["id"]
    assert answers[other["email"]] == answers[nobody]
    listed = {x["grantee"]["email"]: x for x in oc.get("/api/v1/calendars/%s/shares" % cal["id"]).json()["items"]}
    assert listed[other["email"]]["pending"] and listed[nobody]["pending"]
    # a second account inviting the same address is no different either
    oc2 = srv.login_as(srv.make_user(admin, "member")[0])
    cal2 = new_calendar(oc2)
    assert share(oc2, cal2["id"], kind="guest", email=other["email"], role="viewer")["pending"]
    # the B user still signs in as themselves, and sees nothing of A
    b = srv.login_as(other)
    assert b.get("/api/v1/me").json()["user"]["id"] == other["id"]
    problem(b.get("/api/v1/calendars/" + cal["id"]), 404)
    # addresses are per account (migration 026): whoever holds the address
    # becomes A's guest beside being B's user, each with its own password
    token = INVITE.search(srv.wait_mail(other["email"])[-1].get_content()).group(2)
    r = srv.client().post("/api/v1/guest-invitations/accept",
                          json={"token": token, "display_name": "Twice", "password": PASSWORD + "!"})
    assert r.status_code == 200, r.text
    r = srv.client().post("/api/v1/session", json={"email": other["email"], "password": PASSWORD})
    assert r.status_code == 200 and r.json()["user"]["id"] == other["id"], r.text
    r = srv.client().post("/api/v1/session", json={"email": other["email"], "password": PASSWORD + "!"})
    assert r.status_code == 200 and r.json()["user"]["role"] == "guest", r.text


def test_one_account_never_holds_an_address_twice(srv, admin):
    owner, _ = srv.make_user(admin, "member")
    cal = new_calendar(srv.login_as(owner))
    addr = "%s@outside.test" % uniq("guest")
    g = share(srv.login_as(owner), cal["id"], kind="guest", email=addr, role="viewer")
    assert g["pending"]
    r = admin.post("/api/v1/users", json={"email": addr, "display_name": "X", "role": "member",
                                          "company_ids": [srv.default_company(admin)], "password": PASSWORD})
    assert problem(r, 409, "email-taken")["field"] == "email"
    r = admin.patch("/api/v1/users/" + owner["id"], json={"email": addr.upper()})
    assert problem(r, 409, "email-taken")["field"] == "email"


def test_basic_failures_lock_like_sign_in(srv, admin):
    u, _ = srv.make_user(admin, "member")
    cal = new_calendar(srv.login_as(u))
    r = feed(srv, "/feeds/private/%s.ics" % cal["id"], expect=401)
    assert r.headers["WWW-Authenticate"].startswith('Basic realm="convene"')
    for _ in range(6):
        r = feed(srv, "/feeds/private/%s.ics" % cal["id"], auth=(u["email"], "wrong password!"), expect=401)
        assert r.headers["WWW-Authenticate"].startswith("Basic")
    # locked for a while now, even with the right password (and sign-in says so)
    feed(srv, "/feeds/private/%s.ics" % cal["id"], auth=(u["email"], PASSWORD), expect=401)
    problem(srv.client().post("/api/v1/session", json={"email": u["email"], "password": PASSWORD}), 429,
            "login-throttled")


def test_revoking_an_unaccepted_invitation_removes_the_guest(srv, admin):
    oc, cal, s, addr, token = invite(srv, admin)
    assert oc.delete("/api/v1/calendars/%s/shares/%s" % (cal["id"], s["id"])).status_code == 204
    problem(srv.client().post("/api/v1/guest-invitations/accept",
                              json={"token": token, "display_name": "Late", "password": PASSWORD}), 410)
    assert not [u for u in admin.get("/api/v1/users", params={"q": addr}).json()["items"]]
    # invited again: a new link that works
    s2 = share(oc, cal["id"], kind="guest", email=addr, role="freebusy")
    assert s2["pending"] and s2["grantee_id"] != s["grantee_id"]
    token2 = INVITE.search(srv.wait_mail(addr, 2)[-1].get_content()).group(2)
    r = srv.client().post("/api/v1/guest-invitations/accept",
                          json={"token": token2, "display_name": "On time", "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_inviting_a_pending_guest_again_sends_a_new_link(srv, admin):
    oc, cal, s, addr, token = invite(srv, admin)
    cal2 = new_calendar(oc)
    s2 = share(oc, cal2["id"], kind="guest", email=addr, role="viewer")
    assert s2["grantee_id"] == s["grantee_id"] and s2["pending"] and s2["mailed"]
    token2 = INVITE.search(srv.wait_mail(addr, 2)[-1].get_content()).group(2)
    assert token2 != token
    problem(srv.client().post("/api/v1/guest-invitations/accept",
                              json={"token": token, "display_name": "Old", "password": PASSWORD}), 410)
    r = srv.client().post("/api/v1/guest-invitations/accept",
                          json={"token": token2, "display_name": "New", "password": PASSWORD})
    assert r.status_code == 200, r.text
    g = srv.client()
    g.login(addr, PASSWORD)
    assert sorted(c["id"] for c in g.get("/api/v1/calendars").json()["items"]) == sorted([cal["id"], cal2["id"]])


def test_invitation_mail_is_limited_per_sender(tmp_path):
    """invitation_limit (here 3 an hour): beyond it 429 with Retry-After, and
    nothing of the refused share is kept; other senders are not concerned"""
    import os
    from conftest import OwnServer
    os.environ["CONVENE_INVITATION_LIMIT"] = "3"
    s = OwnServer(str(tmp_path))
    try:
        s.start()
    finally:
        del os.environ["CONVENE_INVITATION_LIMIT"]
    try:
        admin = s.admin()
        oc = s.login_as(s.make_user(admin, "member")[0])
        cal = new_calendar(oc)
        for _ in range(3):
            share(oc, cal["id"], kind="guest", email="%s@outside.test" % uniq("g"), role="viewer")
        addr = "%s@outside.test" % uniq("g")
        r = oc.post("/api/v1/calendars/%s/shares" % cal["id"], json={"kind": "guest", "email": addr, "role": "viewer"})
        problem(r, 429, "too-many-invitations")
        assert 1 <= int(r.headers["Retry-After"]) <= 1200
        shares = oc.get("/api/v1/calendars/%s/shares" % cal["id"]).json()["items"]
        assert len(shares) == 3 and addr not in [x["grantee"]["email"] for x in shares]
        # a refused share (already there) gives its invitation back
        other = s.login_as(s.make_user(admin, "member")[0])
        cal2 = new_calendar(other)
        first = "%s@outside.test" % uniq("g")
        share(other, cal2["id"], kind="guest", email=first, role="viewer")
        for _ in range(3):
            problem(other.post("/api/v1/calendars/%s/shares" % cal2["id"],
                               json={"kind": "guest", "email": first, "role": "viewer"}), 409)
        share(other, cal2["id"], kind="guest", email="%s@outside.test" % uniq("g"), role="viewer")
    finally:
        problems, log = s.stop()
        s.drop()
        assert not problems, log[-5000:]
