"""Microsoft 365's step 1 with a certificate credential (issue 16 §1): the
PEM holding the app registration's certificate and its private key, made
here with openssl; convene signs a client assertion (PS256, x5t#S256, as
Microsoft's certificate credentials page asks) that the fake Entra ID
verifies with the public key registered for the app.
Each malformed PEM is refused by name; a certificate Microsoft does not
know answers certificate_invalid; the private key never appears in an
answer or in the server's log."""
import base64
import hashlib
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import problem, uniq
from syncutil import entry, fake_client, fresh, serve

HERE = os.path.dirname(os.path.abspath(__file__))
graph = fake_client("graph")

BASE = "/api/v1/calendar-integrations"


@pytest.fixture(scope="module")
def fg():
    with graph.FakeGraph() as f:
        yield f


@pytest.fixture(scope="module")
def s(fg):
    env = {"CONVENE_MICROSOFT_LOGIN_URL": fg.login_url, "CONVENE_MICROSOFT_GRAPH_URL": fg.graph_url,
           "CONVENE_SYNC_POLL_MS": "200"}
    yield from serve("convene-mscert-", env)


@pytest.fixture(scope="module")
def certs():
    """PEM texts made with openssl: good, and each way of being wrong"""
    d = tempfile.mkdtemp(prefix="convene-certs-")

    def run(*args):
        subprocess.run(["openssl"] + list(args), cwd=d, check=True, capture_output=True)

    def read(name):
        with open(os.path.join(d, name)) as f:
            return f.read()

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "30",
        "-subj", "/CN=convene-test")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k2.pem", "-out", "c2.pem", "-days", "30",
        "-subj", "/CN=convene-other")
    run("req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", "ks.pem", "-out", "cs.pem", "-days", "30",
        "-subj", "/CN=small")
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
        "ke.pem", "-out", "ce.pem", "-days", "30", "-subj", "/CN=ec")
    run("x509", "-in", "c.pem", "-signkey", "k.pem", "-days", "-1", "-out", "old.pem")
    run("pkey", "-in", "k.pem", "-aes256", "-passout", "pass:secret", "-out", "kenc.pem")
    run("x509", "-in", "c.pem", "-outform", "DER", "-out", "c.der")
    run("x509", "-in", "c2.pem", "-outform", "DER", "-out", "c2.der")
    out = {
        "good": read("c.pem") + read("k.pem"),
        "other": read("c2.pem") + read("k2.pem"),
        "small": read("cs.pem") + read("ks.pem"),
        "ec": read("ce.pem") + read("ke.pem"),
        "mismatch": read("c.pem") + read("k2.pem"),
        "expired": read("old.pem") + read("k.pem"),
        "nokey": read("c.pem"),
        "encrypted": read("c.pem") + read("kenc.pem"),
        "key": read("k.pem"),
    }
    for name in ("c", "c2"):
        der = open(os.path.join(d, name + ".der"), "rb").read()
        mod = subprocess.run(["openssl", "x509", "-in", name + ".pem", "-noout", "-modulus"], cwd=d, check=True,
                             capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        out[name + "_x5t"] = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode().rstrip("=")
        out[name + "_sha1"] = hashlib.sha1(der).hexdigest().upper()
        out[name + "_x5t_sha1"] = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).decode().rstrip("=")
        out[name + "_n"] = base64.urlsafe_b64encode(bytes.fromhex(mod)).decode().rstrip("=")
    shutil.rmtree(d, ignore_errors=True)
    return out


def tenant(fg):
    t = {"tenant_id": "%08x-0000-4000-8000-%012x" % (int(uniq("")[1:], 16), int(uniq("")[1:], 16)),
         "domain": "%s.onmicrosoft.com" % uniq("t"), "client_id": "%08x-2222-4222-8222-000000000002"
         % int(uniq("")[1:], 16), "client_secret": uniq("secret-")}
    fg.add_tenant(consented=list(graph.ROLES), **t)
    return t


def step1(admin, t, pem, **over):
    body = {"tenant_id": t["tenant_id"], "client_id": t["client_id"], "certificate": pem}
    body.update(over)
    return admin.put(BASE + "/microsoft", json=body)


def key_lines(pem):
    """the base64 lines of the private key's PEM block"""
    inside, lines = False, []
    for line in pem.splitlines():
        if line.startswith("-----BEGIN") and "PRIVATE KEY" in line:
            inside = True
        elif line.startswith("-----END"):
            inside = False
        elif inside and len(line) > 40:
            lines.append(line)
    return lines


def test_certificate_end_to_end(s, fg, certs):
    admin = fresh(s)
    t = tenant(fg)
    fg.app(tenant_id=t["tenant_id"], client_id=t["client_id"],
           keys={certs["c_x5t"]: {"n": certs["c_n"], "e": "AQAB"}})
    room = fg.add_room(tenant_id=t["tenant_id"], emailAddress="hall@" + t["domain"], displayName=uniq("Hall "),
                       capacity=20)
    before = len(fg.calls("token"))
    r = step1(admin, t, certs["good"])
    assert r.status_code == 200, r.text
    calls = fg.calls("token")[before:]
    assert calls and all(c.get("assertion") for c in calls), calls
    # signed as the page's "Assertion format" says: PS256 naming the certificate
    # by its SHA-256 thumbprint (and by its SHA-1 one, as the older page said)
    for c in calls:
        assert c["assertion_header"] == {"alg": "PS256", "typ": "JWT", "x5t#S256": certs["c_x5t"],
                                         "x5t": certs["c_x5t_sha1"]}, c
    e = entry(admin, "microsoft")
    st = e["step1"]
    assert st["credential"] == "certificate" and st["certificate_thumbprint"] == certs["c_sha1"]
    assert st["certificate_expires_at"] and st["certificate_expires_at"].endswith("Z")
    assert st["tenant_id"] == t["tenant_id"] and st["client_id"] == t["client_id"]
    r = admin.post(BASE + "/microsoft/connect")
    assert r.status_code == 200, r.text
    r = admin.get(BASE + "/microsoft/rooms")
    assert r.status_code == 200, r.text
    assert room["emailAddress"] in [i["provider_room_id"] for i in r.json()["items"]]
    # the key is nowhere in what convene answers
    text = admin.get(BASE).text + r.text
    for line in key_lines(certs["good"]):
        assert line not in text
    # back to a secret: the step1 object says so and shows no certificate
    r = admin.put(BASE + "/microsoft", json={"tenant_id": t["tenant_id"], "client_id": t["client_id"],
                                             "client_secret": t["client_secret"]})
    assert r.status_code == 200, r.text
    st = entry(admin, "microsoft")["step1"]
    assert st["credential"] == "secret" and st["certificate_thumbprint"] is None
    assert st["certificate_expires_at"] is None


def test_certificate_known_by_its_sha1_thumbprint(s, fg, certs):
    """the assertion names the certificate by x5t (SHA-1) too: an app whose
    certificate Entra knows by that thumbprint alone accepts it"""
    admin = fresh(s)
    t = tenant(fg)
    fg.app(tenant_id=t["tenant_id"], client_id=t["client_id"],
           keys={certs["c_x5t_sha1"]: {"n": certs["c_n"], "e": "AQAB"}})
    r = step1(admin, t, certs["good"])
    assert r.status_code == 200, r.text


def test_each_malformed_certificate_named(s, fg, certs):
    admin = fresh(s)
    t = tenant(fg)
    before = len(fg.calls("token"))
    for name, pem, words in (("not PEM", "hello, I am a certificate", "not PEM"),
                             ("no key", certs["nokey"], "private key"),
                             ("key only", certs["key"], "certificate"),
                             ("encrypted key", certs["encrypted"], "unencrypted private key"),
                             ("EC key", certs["ec"], "not an RSA key"),
                             ("small key", certs["small"], "1024 bits"),
                             ("mismatch", certs["mismatch"], "does not belong"),
                             ("expired", certs["expired"], "expired"),
                             ("empty", "", "empty"),
                             ("too long", "-----BEGIN CERTIFICATE-----\n" + "A" * 20000, "longer")):
        p = problem(step1(admin, t, pem), 422)
        assert p.get("error_params", {}).get("field") == "certificate" or "certificate" in p["detail"], (name, p)
        assert words in p["detail"], (name, p)
        for line in key_lines(pem):
            assert line not in str(p), name
    # not a string; both credentials
    p = problem(step1(admin, t, 42), 422)
    assert "certificate" in p["detail"]
    p = problem(step1(admin, t, certs["good"], client_secret="x"), 422)
    assert "not both" in p["detail"]
    assert len(fg.calls("token")) == before  # refused before anything was sent
    assert entry(admin, "microsoft")["status"] == "not_configured"


def test_unregistered_certificate_is_certificate_invalid(s, fg, certs):
    admin = fresh(s)
    t = tenant(fg)
    # the app knows c, not c2
    fg.app(tenant_id=t["tenant_id"], client_id=t["client_id"],
           keys={certs["c_x5t"]: {"n": certs["c_n"], "e": "AQAB"}})
    p = problem(step1(admin, t, certs["other"]), 422, "provider-check-failed")
    assert p["error_code"] == "certificate_invalid", p
    assert p["error_params"]["thumbprint"] == certs["c2_sha1"]
    assert p["error_params"]["client_id"] == t["client_id"]
    e = entry(admin, "microsoft")
    assert e["status"] == "step1_done" and e["error_code"] == "certificate_invalid"
    # a key registered under c2's thumbprint but not c2's own: the signature fails, same code
    fg.app(tenant_id=t["tenant_id"], client_id=t["client_id"],
           keys={certs["c2_x5t"]: {"n": certs["c_n"], "e": "AQAB"}})
    p = problem(step1(admin, t, certs["other"]), 422, "provider-check-failed")
    assert p["error_code"] == "certificate_invalid", p
    # and the key is in no log line
    with open(s.log_path) as f:
        log = f.read()
    for name in ("good", "other"):
        for line in key_lines(certs[name]):
            assert line not in log


def test_assertion_outside_its_time_is_certificate_invalid(s, fg, certs):
    """Microsoft's clock ahead of convene's by more than the assertion's
    ten minutes: AADSTS700024, named certificate_invalid with expired"""
    admin = fresh(s)
    t = tenant(fg)
    fg.app(tenant_id=t["tenant_id"], client_id=t["client_id"],
           keys={certs["c_x5t"]: {"n": certs["c_n"], "e": "AQAB"}})
    assert step1(admin, t, certs["good"]).status_code == 200
    fg.advance_clock(3600)
    try:
        p = problem(step1(admin, t, certs["good"]), 422, "provider-check-failed")
    finally:
        fg.advance_clock(-3600)
    assert p["error_code"] == "certificate_invalid" and p["error_params"]["expired"] is True, p
    assert p["error_params"]["thumbprint"] == certs["c_sha1"]
    assert step1(admin, t, certs["good"]).status_code == 200
