"""An e-mail address is unique within an account, not on the host (issue 13,
migration 026): tenants never learn whether an address exists elsewhere. The
same address may be a user of several accounts, each with its own password;
sign-in (the form and HTTP Basic) lets the password decide and asks for the
account only when it fits more than one; a reset mails each account's user."""
import os
import re
import sqlite3

import requests

from conftest import DB, PASSWORD, problem, psql, uniq
from sharing import INVITE, share

LINK = re.compile(r"(https?://\S+/reset\?token=([A-Za-z0-9_-]+))")
OTHER_PASSWORD = "another horse staple 7"


def user_in(srv, key, addr, password=PASSWORD, role="member"):
    a = srv.admin(key)
    r = a.post("/api/v1/users", json={"email": addr, "display_name": uniq("Name "), "role": role,
                                      "company_ids": [srv.default_company(a)], "password": password,
                                      "must_change_password": False})
    assert r.status_code == 201, r.text
    return r.json()


def sign_in(srv, addr, password, **extra):
    return srv.client().post("/api/v1/session", json={"email": addr, "password": password, **extra})


PRINCIPAL = ('<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/>'
             '</d:prop></d:propfind>')


def dav_principal(srv, login, password):
    """PROPFIND /dav/ for the current-user-principal, as calendar apps start"""
    return requests.request("PROPFIND", srv.url + "/dav/", auth=(login, password), data=PRINCIPAL,
                            headers={"Depth": "0", "Content-Type": "application/xml"}, timeout=30)


def me_basic(srv, login, password):
    return requests.get(srv.url + "/api/v1/me", auth=(login, password), timeout=30)


def test_the_same_address_in_two_accounts_each_signs_in_with_its_own_password(srv):
    addr = "%s@shared.test" % uniq("same")
    ua = user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr.upper(), OTHER_PASSWORD)  # no 409: B learns nothing of A
    assert ub["email"] == addr and ub["id"] != ua["id"]
    r = sign_in(srv, addr, PASSWORD)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["id"] == ua["id"]
    r = sign_in(srv, addr, OTHER_PASSWORD)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["id"] == ub["id"]
    problem(sign_in(srv, addr, "neither of the two 9"), 401, "invalid-credentials")
    # naming the account works too, and the other account's password does not
    problem(sign_in(srv, addr, OTHER_PASSWORD, account=srv.accounts["A"]["id"]), 401, "invalid-credentials")
    assert sign_in(srv, addr, PASSWORD, account=srv.accounts["A"]["id"]).json()["user"]["id"] == ua["id"]


def test_one_password_for_two_accounts_asks_for_the_account(srv):
    addr = "%s@shared.test" % uniq("twice")
    ua = user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr)
    body = problem(sign_in(srv, addr, PASSWORD), 409, "account-required")
    assert body["field"] == "account"
    listed = {a["id"]: a["name"] for a in body["accounts"]}
    assert listed == {srv.accounts["A"]["id"]: "Account A", srv.accounts["B"]["id"]: "Account B"}
    assert "set-cookie" not in {k.lower() for k in sign_in(srv, addr, PASSWORD).headers}
    for key, u in (("A", ua), ("B", ub)):
        c = srv.client()
        r = c.post("/api/v1/session", json={"email": addr, "password": PASSWORD, "account": srv.accounts[key]["id"]})
        assert r.status_code == 200, r.text
        assert r.json()["user"]["id"] == u["id"]
        c.csrf = r.json()["csrf_token"]
        assert c.get("/api/v1/me").json()["account"]["id"] == srv.accounts[key]["id"]
    # an account that has no such user is a wrong login like any other
    problem(sign_in(srv, addr, PASSWORD, account="acc_nosuchaccount00000"), 401, "invalid-credentials")
    problem(sign_in(srv, addr, PASSWORD, account=7), 422)
    # a wrong password never lists accounts
    body = problem(sign_in(srv, addr, "wrong wrong wrong 1"), 401, "invalid-credentials")
    assert "accounts" not in body


def test_http_basic_with_the_same_address_in_two_accounts(srv):
    addr = "%s@shared.test" % uniq("dav")
    ua = user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr, OTHER_PASSWORD)
    for pw, u in ((PASSWORD, ua), (OTHER_PASSWORD, ub)):
        for _ in range(2):  # the second from the verified-credentials cache
            r = me_basic(srv, addr, pw)
            assert r.status_code == 200, r.text
            assert r.json()["user"]["id"] == u["id"]
        r = dav_principal(srv, addr, pw)
        assert r.status_code == 207, r.text
        assert u["id"] in r.text
    assert me_basic(srv, addr, "neither of the two 9").status_code == 401
    # one password for both: the login names the account as ACCOUNT\address
    both = "%s@shared.test" % uniq("davboth")
    wa = user_in(srv, "A", both)
    wb = user_in(srv, "B", both)
    assert me_basic(srv, both, PASSWORD).status_code == 401
    for key, u in (("A", wa), ("B", wb)):
        login = "%s\\%s" % (srv.accounts[key]["id"], both)
        r = me_basic(srv, login, PASSWORD)
        assert r.status_code == 200, r.text
        assert r.json()["user"]["id"] == u["id"]
        r = dav_principal(srv, login, PASSWORD)
        assert r.status_code == 207 and u["id"] in r.text, r.text
    assert me_basic(srv, "%s\\%s" % (srv.accounts["A"]["id"], addr), OTHER_PASSWORD).status_code == 401


def test_app_passwords_pick_their_own_account(srv):
    addr = "%s@shared.test" % uniq("app")
    user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr)
    c = srv.client()
    r = c.post("/api/v1/session", json={"email": addr, "password": PASSWORD, "account": srv.accounts["B"]["id"]})
    c.csrf = r.json()["csrf_token"]
    r = c.post("/api/v1/me/app-passwords", json={"label": "phone"})
    assert r.status_code == 201, r.text
    app_pw = r.json()["password"]
    r = dav_principal(srv, addr, app_pw)
    assert r.status_code == 207 and ub["id"] in r.text, r.text


def test_an_address_of_another_account_is_a_free_address(srv):
    a, b = srv.admin("A"), srv.admin("B")
    ua = user_in(srv, "A", "%s@shared.test" % uniq("free"))
    ub = user_in(srv, "B", "%s@shared.test" % uniq("free"))
    # created with another account's address: listed only in its own account
    twin = user_in(srv, "B", ua["email"], OTHER_PASSWORD)
    assert [u["id"] for u in b.get("/api/v1/users", params={"q": ua["email"]}).json()["items"]] == [twin["id"]]
    assert [u["id"] for u in a.get("/api/v1/users", params={"q": ua["email"]}).json()["items"]] == [ua["id"]]
    # renamed to another account's address: as free as any
    r = b.patch("/api/v1/users/" + ub["id"], json={"email": "x" + ua["email"]})
    assert r.status_code == 200, r.text
    mine = user_in(srv, "A", "x" + ua["email"])
    assert mine["email"] == "x" + ua["email"]
    # within one account an address is still taken
    r = b.post("/api/v1/users", json={"email": ua["email"].upper(), "display_name": "Dup", "role": "member",
                                      "company_ids": [srv.default_company(b)], "password": PASSWORD})
    assert problem(r, 409, "email-taken")["field"] == "email"
    r = b.patch("/api/v1/users/" + ub["id"], json={"email": ua["email"]})
    assert problem(r, 409, "email-taken")["field"] == "email"


def test_room_addresses_are_per_account(srv):
    a, b = srv.admin("A"), srv.admin("B")
    addr = "%s@rooms.test" % uniq("room")
    ra = a.post("/api/v1/rooms", json={"name": uniq("Room "), "email": addr})
    assert ra.status_code == 201, ra.text
    rb = b.post("/api/v1/rooms", json={"name": uniq("Room "), "email": addr.upper()})
    assert rb.status_code == 201, rb.text
    assert rb.json()["email"] == addr
    assert problem(a.post("/api/v1/rooms", json={"name": uniq("Room "), "email": addr}), 409, "email-taken")["field"] == "email"
    # (a room's address never changes: calendar apps know it)
    assert [x["id"] for x in b.get("/api/v1/rooms").json()["items"] if x["email"] == addr] == [rb.json()["id"]]


def test_a_user_of_another_account_accepts_a_guest_invitation(srv):
    other = user_in(srv, "B", "%s@shared.test" % uniq("guest"))
    owner = user_in(srv, "A", "%s@example.test" % uniq("owner"))
    oc = srv.login_as(owner)
    cal = oc.post("/api/v1/calendars", json={"name": uniq("Cal ")}).json()
    share(oc, cal["id"], kind="guest", email=other["email"], role="viewer")
    token = INVITE.search(srv.wait_mail(other["email"])[-1].get_content()).group(2)
    r = srv.client().post("/api/v1/guest-invitations/accept",
                          json={"token": token, "display_name": "Guest", "password": OTHER_PASSWORD})
    assert r.status_code == 200, r.text
    guest_id = r.json()["id"]
    assert guest_id != other["id"]
    r = sign_in(srv, other["email"], OTHER_PASSWORD)
    assert r.status_code == 200 and r.json()["user"]["id"] == guest_id, r.text
    r = sign_in(srv, other["email"], PASSWORD)
    assert r.status_code == 200 and r.json()["user"]["id"] == other["id"], r.text


def test_a_reset_mails_each_accounts_user(srv):
    addr = "%s@shared.test" % uniq("reset")
    ua = user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr, OTHER_PASSWORD)
    nobody = "%s@shared.test" % uniq("nobody")
    r = srv.client().post("/api/v1/password-reset", json={"email": addr})
    assert r.status_code == 202
    r2 = srv.client().post("/api/v1/password-reset", json={"email": nobody})
    assert (r2.status_code, r2.json()) == (r.status_code, r.json())
    mails = srv.wait_mail(addr, 2)
    assert len(mails) == 2
    by_account = {}
    for m in mails:
        text = m.get_content()
        name = "Account A" if "Account A" in text else "Account B"
        assert ("Account A" in text) != ("Account B" in text), text
        by_account[name] = LINK.search(text).group(2)
    assert set(by_account) == {"Account A", "Account B"}
    new = "a brand new secret 42"
    r = srv.client().post("/api/v1/password-reset/confirm", json={"token": by_account["Account A"], "new_password": new})
    assert r.status_code == 200, r.text
    assert sign_in(srv, addr, new).json()["user"]["id"] == ua["id"]
    assert sign_in(srv, addr, OTHER_PASSWORD).json()["user"]["id"] == ub["id"]
    problem(sign_in(srv, addr, PASSWORD), 401, "invalid-credentials")


def test_the_command_line_reset_asks_for_the_account_when_several_have_the_address(srv):
    addr = "%s@shared.test" % uniq("cli")
    user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr, OTHER_PASSWORD)
    r = srv.cli("user", "reset-password", addr, check=False)
    assert r.returncode == 1 and "--account" in r.stderr, r.stderr
    assert srv.accounts["A"]["id"] in r.stderr and srv.accounts["B"]["id"] in r.stderr
    r = srv.cli("user", "reset-password", addr, "--account", srv.accounts["B"]["id"])
    assert "account %s" % srv.accounts["B"]["id"] in r.stdout
    pw = re.search(r"one-time password: (\S+)", r.stdout).group(1)
    r = sign_in(srv, addr, pw)
    assert r.status_code == 200 and r.json()["user"]["id"] == ub["id"], r.text
    # the A user's password is untouched
    assert sign_in(srv, addr, PASSWORD).status_code == 200


def test_a_suspended_user_of_one_account_does_not_stand_in_the_way(srv):
    addr = "%s@shared.test" % uniq("susp")
    ua = user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr)
    assert srv.admin("A").patch("/api/v1/users/" + ua["id"], json={"status": "suspended"}).status_code == 200
    r = sign_in(srv, addr, PASSWORD)
    assert r.status_code == 200 and r.json()["user"]["id"] == ub["id"], r.text
    r = me_basic(srv, addr, PASSWORD)
    assert r.status_code == 200 and r.json()["user"]["id"] == ub["id"], r.text
    # named, the suspended one says so
    problem(sign_in(srv, addr, PASSWORD, account=srv.accounts["A"]["id"]), 403, "suspended")


def sql(srv, query):
    """rows of a query (or a write) on the suite's database, beside the server"""
    if DB != "sqlite":
        return psql(DB, query)
    con = sqlite3.connect(os.path.join(srv.data, "convene.db"), timeout=30)
    try:
        with con:
            return [list(row) for row in con.execute(query)]
    finally:
        con.close()


def stored_hash(srv, user_id):
    return sql(srv, "SELECT password_hash FROM users WHERE id = '%s'" % user_id)[0][0]


def salt(h):
    """the salt field of an encoded Argon2id string"""
    assert h.startswith("$argon2id$v=19$m=65536,t=2,p=1$"), h
    return h.split("$")[4]


def test_one_argon2id_for_every_account_an_address_signs_in_to(srv):
    """The hash is salted by the address (iam/password.h), so the users of
    several accounts who share an address and a password share one hash
    string: a sign-in computes Argon2id once for all of them, and its time
    does not tell an account's admin in how many other accounts the address
    is. Counted here by what is stored, not timed."""
    addr = "%s@shared.test" % uniq("salted")
    ua = user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr.upper())
    ha, hb = stored_hash(srv, ua["id"]), stored_hash(srv, ub["id"])
    assert ha == hb  # one computation fits both
    other = user_in(srv, "A", "%s@shared.test" % uniq("other"))
    assert salt(stored_hash(srv, other["id"])) != salt(ha)  # another address, another salt
    problem(sign_in(srv, addr, PASSWORD), 409, "account-required")
    assert stored_hash(srv, ua["id"]) == ha and stored_hash(srv, ub["id"]) == hb


def test_an_old_random_salt_hash_still_signs_in_and_is_rehashed(srv):
    """Hashes made before the address salt (or before an admin changed the
    address) have another salt: verified on their own, and replaced by the
    address-salted hash at the first sign-in, after which the accounts share
    one computation again."""
    addr = "%s@shared.test" % uniq("legacy")
    ua = user_in(srv, "A", addr)
    ub = user_in(srv, "B", addr)
    # another address's hash of the same password: a valid Argon2id string
    # whose salt does not fit addr, as an old random-salt hash does not
    donor = user_in(srv, "A", "%s@shared.test" % uniq("donor"))
    old = stored_hash(srv, donor["id"])
    sql(srv, "UPDATE users SET password_hash = '%s' WHERE id IN ('%s', '%s')" % (old, ua["id"], ub["id"]))
    body = problem(sign_in(srv, addr, PASSWORD), 409, "account-required")  # both still fit
    assert len(body["accounts"]) == 2
    ha, hb = stored_hash(srv, ua["id"]), stored_hash(srv, ub["id"])
    assert ha == hb and ha != old and salt(ha) != salt(old)
    assert sign_in(srv, addr, PASSWORD, account=srv.accounts["A"]["id"]).json()["user"]["id"] == ua["id"]
    assert stored_hash(srv, ua["id"]) == ha
    # a wrong password rehashes nothing
    sql(srv, "UPDATE users SET password_hash = '%s' WHERE id = '%s'" % (old, ua["id"]))
    problem(sign_in(srv, addr, "not the password 42", account=srv.accounts["A"]["id"]), 401,
            "invalid-credentials")
    assert stored_hash(srv, ua["id"]) == old
    # HTTP Basic rehashes too
    r = me_basic(srv, "%s\\%s" % (srv.accounts["A"]["id"], addr), PASSWORD)
    assert r.status_code == 200 and r.json()["user"]["id"] == ua["id"], r.text
    assert stored_hash(srv, ua["id"]) == ha


def test_a_renamed_user_signs_in_with_the_old_salt_until_rehashed(srv):
    admin = srv.admin("A")
    u = user_in(srv, "A", "%s@shared.test" % uniq("before"))
    before = stored_hash(srv, u["id"])
    new = "%s@shared.test" % uniq("after")
    r = admin.patch("/api/v1/users/" + u["id"], json={"email": new})
    assert r.status_code == 200, r.text
    assert stored_hash(srv, u["id"]) == before  # the old address's salt, still valid
    r = sign_in(srv, new, PASSWORD)
    assert r.status_code == 200 and r.json()["user"]["id"] == u["id"], r.text
    after = stored_hash(srv, u["id"])
    assert salt(after) != salt(before)
    # the new address's salt: what a user made with that address gets
    twin = user_in(srv, "B", new)
    assert stored_hash(srv, twin["id"]) == after
