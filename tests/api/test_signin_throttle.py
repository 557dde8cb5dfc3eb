"""Sign-in throttling by what the guesser controls (iam/throttle.h): an
address is throttled whether or not a user has it, so answers never tell
which addresses exist; failures lock the pair (address, client network) and,
past login_address_limit, the network, so an attacker elsewhere cannot lock a
user out of their own network. Other client addresses are loopback aliases
(127.0.0.x): each test uses networks of its own."""
import os
import secrets
import shutil
import subprocess
import tempfile

import pytest
import requests
from requests.adapters import HTTPAdapter

import conftest
from conftest import PASSWORD, OwnServer, problem

_next = [10]


class FromAddress(HTTPAdapter):
    """connections from a given local address"""

    def __init__(self, ip):
        self.ip = ip
        super().__init__()

    def init_poolmanager(self, *a, **kw):
        kw["source_address"] = (self.ip, 0)
        super().init_poolmanager(*a, **kw)


def network():
    """a client address no other test uses"""
    _next[0] += 1
    n = _next[0] + int.from_bytes(secrets.token_bytes(1), "big") * 250
    return "127.%d.%d.%d" % (64 + n // 65536 % 64, n // 256 % 256, n % 256 or 1)


def session_from(ip):
    s = requests.Session()
    s.mount("http://", FromAddress(ip))
    return s


def sign_in(srv, ip, email, password):
    return session_from(ip).post(srv.url + "/api/v1/session", json={"email": email, "password": password},
                                 timeout=30)


def basic(srv, ip, email, password):
    return session_from(ip).get(srv.url + "/api/v1/me", auth=(email, password), timeout=30)


def shape(r):
    """what a caller can see of an answer, but the wording of numbers"""
    body = r.json()
    return (r.status_code, body["type"], body["title"] if "title" in body else None,
            "Retry-After" in r.headers)


def test_unknown_and_existing_addresses_get_the_same_answers(srv, admin):
    u, _ = srv.make_user(admin, "member")
    unknown = "nobody-%s@example.test" % secrets.token_hex(4)
    ip = network()
    seen = {}
    for who in (u["email"], unknown):
        answers = [sign_in(srv, ip, who, "wrong password!") for _ in range(6)]
        # the lock (2 s now) holds for the right password too, from that network
        answers.append(sign_in(srv, ip, who, PASSWORD))
        seen[who] = [shape(r) for r in answers]
        for r in answers[:5]:
            problem(r, 401, "invalid-credentials")
        for r in answers[5:]:
            problem(r, 429, "login-throttled")
            assert int(r.headers["Retry-After"]) >= 1
    assert seen[u["email"]] == seen[unknown]


def test_a_lock_elsewhere_does_not_lock_the_user_out(srv, admin):
    u, _ = srv.make_user(admin, "member")
    attacker, home = network(), network()
    for _ in range(8):
        assert sign_in(srv, attacker, u["email"], "wrong password!").status_code in (401, 429)
    # locked (for 2 s: a refused attempt costs no password hash, so these fit)
    problem(sign_in(srv, attacker, u["email"], PASSWORD), 429, "login-throttled")
    assert basic(srv, attacker, u["email"], PASSWORD).status_code == 401
    # the user, from their own network: signed in, by the API and by Basic
    r = sign_in(srv, home, u["email"], PASSWORD)
    assert r.status_code == 200, r.text
    assert basic(srv, home, u["email"], PASSWORD).status_code == 200


def test_basic_failures_of_an_unknown_address_count_too(srv):
    unknown = "nobody-%s@example.test" % secrets.token_hex(4)
    ip = network()
    for _ in range(5):
        assert basic(srv, ip, unknown, "wrong password!").status_code == 401
    # locked for 2 s, then 4 s after one more failure: on a slow machine the
    # first lock may be over before the next request
    answers = [sign_in(srv, ip, unknown, "wrong password!").status_code for _ in range(2)]
    assert 429 in answers, answers


def test_a_success_clears_the_pair(srv, admin):
    u, _ = srv.make_user(admin, "member")
    ip = network()
    for _ in range(4):
        problem(sign_in(srv, ip, u["email"], "wrong password!"), 401)
    assert sign_in(srv, ip, u["email"], PASSWORD).status_code == 200
    for _ in range(4):
        problem(sign_in(srv, ip, u["email"], "wrong password!"), 401)
    assert sign_in(srv, ip, u["email"], PASSWORD).status_code == 200


def test_an_address_under_attack_slows_new_networks_but_lets_the_right_password_in(srv, admin):
    u, _ = srv.make_user(admin, "member")
    # a distributed guess: 10 networks, 2 failures each (below each pair's limit)
    for _ in range(10):
        ip = network()
        for _ in range(2):
            problem(sign_in(srv, ip, u["email"], "wrong password!"), 401)
    # now one failure locks a network's pair at once ...
    ip = network()
    problem(sign_in(srv, ip, u["email"], "wrong password!"), 401)
    problem(sign_in(srv, ip, u["email"], "wrong password!"), 429, "login-throttled")
    # ... but the user, from a network of their own, still signs in
    assert sign_in(srv, network(), u["email"], PASSWORD).status_code == 200


def test_a_wrong_current_password_is_throttled_as_a_sign_in(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    body = {"current_password": "wrong password!", "new_password": "a fresh password 1"}
    for _ in range(5):
        problem(c.post("/api/v1/me/password", json=body), 403, "wrong-password")
    r = c.post("/api/v1/me/password", json=dict(body, current_password=PASSWORD))
    problem(r, 429, "login-throttled")


def test_failures_are_audited_in_the_users_account_only(srv, admin):
    u, _ = srv.make_user(admin, "member")
    ip = network()
    for _ in range(5):
        sign_in(srv, ip, u["email"], "wrong password!")
    r = admin.get("/api/v1/audit", params={"action": "session.login_failed", "target": u["id"]})
    assert r.status_code == 200, r.text
    mine = r.json()["items"]
    assert mine and mine[0]["new"]["ip"] == ip and mine[0]["new"]["failed_logins"] == 5, mine
    other = srv.admin("B").get("/api/v1/audit", params={"action": "session.login_failed", "target": u["id"]})
    assert other.status_code == 200 and other.json()["items"] == []


@pytest.fixture(scope="module")
def limited():
    """a server of its own with login_address_limit = 10 (from the environment)"""
    os.environ["CONVENE_LOGIN_ADDRESS_LIMIT"] = "10"
    s = OwnServer(tempfile.mkdtemp(prefix="convene-throttle-"))
    try:
        s.start()
    finally:
        del os.environ["CONVENE_LOGIN_ADDRESS_LIMIT"]
    yield s
    problems, log = s.stop()
    s.drop()
    if problems:
        pytest.fail("; ".join(problems) + "\n" + log[-5000:])
    shutil.rmtree(s.tmp, ignore_errors=True)


def test_a_network_that_tries_many_addresses_is_locked(limited):
    admin = limited.admin()
    u, _ = limited.make_user(admin, "member")
    ip = network()
    for i in range(10):  # credential stuffing: one guess per address
        problem(sign_in(limited, ip, "victim%d-%s@example.test" % (i, secrets.token_hex(3)), "guess!guess!"),
                401, "invalid-credentials")
    r = sign_in(limited, ip, u["email"], PASSWORD)
    problem(r, 429, "login-throttled")
    assert 1 <= int(r.headers["Retry-After"]) <= 360
    assert basic(limited, ip, u["email"], PASSWORD).status_code == 401
    # the same user from another network is not concerned
    assert sign_in(limited, network(), u["email"], PASSWORD).status_code == 200


def test_the_cookie_is_secure_when_public_url_is_https(tmp_path):
    """behind a TLS proxy that sends no X-Forwarded-Proto, public_url decides"""
    s = OwnServer(str(tmp_path))
    orig = conftest.subprocess.Popen

    def popen(args, **kw):
        if "serve" in args:
            args = list(args)
            args[args.index("--public-url") + 1] = "https://convene.example"
        return orig(args, **kw)

    conftest.subprocess.Popen = popen
    try:
        s.start()
    finally:
        conftest.subprocess.Popen = orig
    try:
        a = s.accounts["A"]
        r = requests.post(s.url + "/api/v1/session", json={"email": a["admin_email"], "password": PASSWORD},
                          timeout=30)
        assert r.status_code == 200, r.text
        assert "; Secure" in r.headers["Set-Cookie"], r.headers["Set-Cookie"]
    finally:
        problems, log = s.stop()
        s.drop()
        assert not problems, log[-5000:]


def test_the_cookie_is_not_secure_over_plain_http(srv):
    a = srv.accounts["A"]
    r = requests.post(srv.url + "/api/v1/session", json={"email": a["admin_email"], "password": PASSWORD},
                      timeout=30)
    assert r.status_code == 200
    assert "Secure" not in r.headers["Set-Cookie"]
    r = requests.post(srv.url + "/api/v1/session", json={"email": a["admin_email"], "password": PASSWORD},
                      headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert "; Secure" in r.headers["Set-Cookie"]
