"""Tests of the Microsoft 365 fake itself: that it keeps the documented rules
of the Microsoft identity platform (client credentials with a secret or a
certificate, AADSTS errors, admin consent deciding the token's roles) and of
Microsoft Graph (places paging, room calendars, calendarView and its delta
with skip and delta tokens and @removed, extended properties, transactionId,
recurrence with exceptions, rooms answering invitations, decline,
subscriptions with validation, change and lifecycle notifications, throttling
and outages), so that convene's tests against it prove something about
convene and Microsoft 365.
Run: /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/fakes/graph"""
import base64
import hashlib
import hmac
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

# tests/fakes/zoom's client.py is also a module named `client` (and tests/api/conftest.py imports
# it as such): load this one by its path under a name of its own, so both suites run together.
_spec = importlib.util.spec_from_file_location(
    "fake_graph_client", os.path.join(os.path.dirname(os.path.abspath(__file__)), "client.py"))
graph_client = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graph_client)
FakeGraph, GRAPH_SCOPE = graph_client.FakeGraph, graph_client.GRAPH_SCOPE

TENANT = "11111111-2222-3333-4444-555555555555"
CID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
SECRET = "s3cret~value"
REDIRECT = "http://127.0.0.1:9/admin/calendar/microsoft/consent"
EXT = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name convene_booking_id"


class Listener:
    """A notification endpoint: answers Graph's validation request (the token
    echoed as text/plain) unless told otherwise, records every notification."""

    def __init__(self, mode="echo"):
        self.mode = mode
        self.requests = []
        self.cond = threading.Condition()
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                if "validationToken" in q:
                    tok = q["validationToken"]
                    if outer.mode == "wrong":
                        tok = "something else"
                    status = 500 if outer.mode == "fail" else 200
                    out = tok.encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                    return
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with outer.cond:
                    outer.requests.append({"path": self.path, "body": json.loads(raw),
                                           "ctype": self.headers.get("Content-Type")})
                    outer.cond.notify_all()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/webhooks/microsoft" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def notes(self):
        with self.cond:
            return [n for r in self.requests for n in r["body"]["value"]]

    def wait(self, count=1, timeout=10, pred=None):
        end = time.time() + timeout
        with self.cond:
            while True:
                got = [n for r in self.requests for n in r["body"]["value"] if pred is None or pred(n)]
                if len(got) >= count:
                    return got
                left = end - time.time()
                if left <= 0:
                    raise AssertionError("only %d notifications" % len(got))
                self.cond.wait(left)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def fake():
    fg = FakeGraph(tenant_id=TENANT, client_id=CID, client_secret=SECRET, domain="contoso.onmicrosoft.com")
    yield fg
    fg.stop()


@pytest.fixture
def fg(fake):
    fake.reset()
    fake.consent()
    return fake


@pytest.fixture
def hook():
    ln = Listener()
    yield ln
    ln.close()


def api(fg, method, path, token=None, **kw):
    headers = kw.pop("headers", {})
    headers["Authorization"] = "Bearer " + (token or fg.access_token())
    url = path if path.startswith("http") else fg.graph_url + "/v1.0" + path
    return requests.request(method, url, headers=headers, timeout=30, **kw)


def claims(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def ev_body(subject, start, end, tz="UTC", **extra):
    return dict(extra, subject=subject, start={"dateTime": start, "timeZone": tz},
                end={"dateTime": end, "timeZone": tz})


# ---- process ----

def test_starts_on_loopback_and_stops_on_sigterm():
    fg = FakeGraph()
    assert fg.hostport.startswith("127.0.0.1:")
    assert fg.ctl("GET", "health") == {"ok": True}
    fg.proc.terminate()
    assert fg.proc.wait(timeout=10) == 0
    fg.stop()


# ---- token ----

def test_client_credentials_token_shape(fg):
    r = fg.token()
    assert r.status_code == 200
    assert "no-store" in r.headers["Cache-Control"]
    b = r.json()
    assert b["token_type"] == "Bearer" and b["expires_in"] == 3599 and b["ext_expires_in"] == 3599
    c = claims(b["access_token"])
    assert c["aud"] == "https://graph.microsoft.com" and c["tid"] == TENANT and c["appid"] == CID
    assert sorted(c["roles"]) == ["Calendars.ReadWrite", "Place.Read.All"]
    assert c["exp"] - c["iat"] == 3599 and c["idtyp"] == "app"
    # the tenant may be named by its domain too
    assert fg.token(tenant="contoso.onmicrosoft.com").status_code == 200


@pytest.mark.parametrize("case,status,error,code", [
    ("bad_secret", 401, "invalid_client", 7000215),
    ("unknown_app", 400, "unauthorized_client", 700016),
    ("unknown_tenant", 400, "invalid_request", 90002),
    ("bad_scope", 400, "invalid_scope", 1002012),
    ("no_secret", 401, "invalid_client", 7000218),
    ("bad_grant", 400, "unsupported_grant_type", 70003),
])
def test_token_errors_as_entra_answers(fg, case, status, error, code):
    form = {"client_id": CID, "client_secret": SECRET, "scope": GRAPH_SCOPE, "grant_type": "client_credentials"}
    tenant = TENANT
    if case == "bad_secret":
        form["client_secret"] = "wrong"
    elif case == "unknown_app":
        form["client_id"] = str(uuid.uuid4())
    elif case == "unknown_tenant":
        tenant = str(uuid.uuid4())
    elif case == "bad_scope":
        form["scope"] = "https://graph.microsoft.com/Calendars.ReadWrite"
    elif case == "no_secret":
        del form["client_secret"]
    elif case == "bad_grant":
        form["grant_type"] = "password"
    r = requests.post("%s/%s/oauth2/v2.0/token" % (fg.login_url, tenant), data=form, timeout=10)
    assert r.status_code == status, r.text
    b = r.json()
    assert b["error"] == error and b["error_codes"] == [code]
    assert b["error_description"].startswith("AADSTS%d: " % code)
    assert {"trace_id", "correlation_id", "timestamp"} <= set(b)


def test_expired_secret(fg):
    fg.app(secret_expired=True)
    r = fg.token()
    assert r.status_code == 401 and r.json()["error_codes"] == [7000222]


def test_client_assertion_with_certificate_key(fg):
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    with tempfile.TemporaryDirectory() as d:
        key = os.path.join(d, "k.pem")
        subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True, capture_output=True)
        mod = subprocess.run(["openssl", "rsa", "-in", key, "-noout", "-modulus"], check=True,
                             capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        n = base64.urlsafe_b64encode(bytes.fromhex(mod)).rstrip(b"=").decode()
        x5t = "dGh1bWJwcmludA"
        fg.app(keys={x5t: {"n": n, "e": "AQAB"}})
        aud = "%s/%s/oauth2/v2.0/token" % (fg.login_url, TENANT)

        def assertion(jti, sub=CID, tamper=False, head=None, nbf=0, exp=600):
            h = base64.urlsafe_b64encode(json.dumps(head or {"alg": "RS256", "typ": "JWT", "x5t": x5t}
                                                    ).encode()).rstrip(b"=")
            c = base64.urlsafe_b64encode(json.dumps({"aud": aud, "iss": CID, "sub": sub, "jti": jti,
                                                     "nbf": int(time.time()) + nbf, "exp": int(time.time()) + exp}
                                                    ).encode()).rstrip(b"=")
            msg = os.path.join(d, "m")
            with open(msg, "wb") as f:
                f.write(h + b"." + c)
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key, msg], check=True,
                                 capture_output=True).stdout
            if tamper:
                sig = bytes([sig[0] ^ 1]) + sig[1:]
            return (h + b"." + c + b"." + base64.urlsafe_b64encode(sig).rstrip(b"=")).decode()

        def post(a):
            return requests.post(aud, data={"client_id": CID, "scope": GRAPH_SCOPE, "grant_type": "client_credentials",
                                            "client_assertion_type":
                                                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                                            "client_assertion": a}, timeout=10)
        r = post(assertion("j1"))
        assert r.status_code == 200, r.text
        assert post(assertion("j1")).json()["error_codes"] == [700025]  # replayed
        assert post(assertion("j2", tamper=True)).json()["error_codes"] == [700027]
        assert post(assertion("j3", sub="other")).json()["error_codes"] == [700021]
        # the certificate named by its SHA-256 thumbprint (x5t#S256) alone, as Microsoft now recommends
        s256 = {"alg": "RS256", "typ": "JWT", "x5t#S256": x5t}
        assert post(assertion("j4", head=s256)).status_code == 200
        # a certificate the app does not know
        other = {"alg": "RS256", "typ": "JWT", "x5t#S256": "b3RoZXI"}
        assert post(assertion("j5", head=other)).json()["error_codes"] == [700027]
        # outside its valid time: expired, or not yet valid (beyond five minutes of skew)
        assert post(assertion("j6", exp=-10)).json()["error_codes"] == [700024]
        assert post(assertion("j7", nbf=3600, exp=4000)).json()["error_codes"] == [700024]



def rsa_key(d):
    """an RSA key made with openssl: its PEM's path and its public {n, e}"""
    key = os.path.join(d, "k.pem")
    subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True, capture_output=True)
    mod = subprocess.run(["openssl", "rsa", "-in", key, "-noout", "-modulus"], check=True,
                         capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    return key, {"n": base64.urlsafe_b64encode(bytes.fromhex(mod)).rstrip(b"=").decode(), "e": "AQAB"}


def signed(d, key, head, body, how):
    """a JWT of head and body signed by openssl as how says: "RS256"
    (PKCS#1 v1.5), "PS256" (PSS, MGF1-SHA-256, a 32-byte salt) or "PS256-max"
    (PSS with the largest salt the key allows, not PS256's)"""
    h = base64.urlsafe_b64encode(json.dumps(head).encode()).rstrip(b"=")
    c = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=")
    msg = os.path.join(d, "m")
    with open(msg, "wb") as f:
        f.write(h + b"." + c)
    pss = {"PS256": ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
                     "-sigopt", "rsa_mgf1_md:sha256"],
           "PS256-max": ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max",
                         "-sigopt", "rsa_mgf1_md:sha256"]}.get(how, [])
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key] + pss + [msg], check=True,
                         capture_output=True).stdout
    return h + b"." + c, sig


def test_client_assertion_ps256(fg):
    """PS256 as Microsoft's certificate credentials page now asks ("Use PSS
    padding"), RS256 as it asked before; a changed signature byte, a signature
    of the other kind, another salt length or another alg are refused with
    AADSTS700027 as Entra does."""
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    with tempfile.TemporaryDirectory() as d:
        key, jwk = rsa_key(d)
        x5t, s256 = "c2hhMQ", "dGh1bWJwcmludA"
        fg.app(keys={s256: jwk, x5t: jwk})
        aud = "%s/%s/oauth2/v2.0/token" % (fg.login_url, TENANT)
        jti = iter(range(1000))

        def body():
            now = int(time.time())
            return {"aud": aud, "iss": CID, "sub": CID, "jti": "j%d" % next(jti), "nbf": now, "iat": now,
                    "exp": now + 600}

        def post(msg, sig):
            a = (msg + b"." + base64.urlsafe_b64encode(sig).rstrip(b"=")).decode()
            return requests.post(aud, data={"client_id": CID, "scope": GRAPH_SCOPE, "grant_type": "client_credentials",
                                            "client_assertion_type":
                                                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                                            "client_assertion": a}, timeout=10)

        def code(r):
            return r.status_code, r.json().get("error_codes")

        ps = {"alg": "PS256", "typ": "JWT", "x5t#S256": s256}
        # the page's form: PS256, x5t#S256; and with x5t (SHA-1) beside it
        r = post(*signed(d, key, ps, body(), "PS256"))
        assert r.status_code == 200, r.text
        assert r.json()["token_type"] == "Bearer"
        assert post(*signed(d, key, dict(ps, x5t=x5t), body(), "PS256")).status_code == 200
        # the older form: RS256 with x5t, still taken
        assert post(*signed(d, key, {"alg": "RS256", "typ": "JWT", "x5t": x5t}, body(), "RS256")).status_code == 200
        # one byte of the signature flipped, first, middle or last
        msg, sig = signed(d, key, ps, body(), "PS256")
        for i in (0, len(sig) // 2, len(sig) - 1):
            bad = sig[:i] + bytes([sig[i] ^ 1]) + sig[i + 1:]
            assert code(post(msg, bad)) == (401, [700027])
        # the claims changed after signing
        msg, sig = signed(d, key, ps, body(), "PS256")
        h, c = msg.split(b".")
        other = json.loads(base64.urlsafe_b64decode(c + b"=="))
        other["exp"] += 3600
        c2 = base64.urlsafe_b64encode(json.dumps(other).encode()).rstrip(b"=")
        assert code(post(h + b"." + c2, sig)) == (401, [700027])
        # a signature of the other kind than the header says: PKCS#1 v1.5 as
        # PS256, PSS as RS256
        assert code(post(*signed(d, key, ps, body(), "RS256"))) == (401, [700027])
        assert code(post(*signed(d, key, dict(ps, alg="RS256"), body(), "PS256"))) == (401, [700027])
        # PSS with a salt other than the hash's length (RFC 7518 §3.5 fixes it at 32 bytes)
        assert code(post(*signed(d, key, ps, body(), "PS256-max"))) == (401, [700027])
        # alg none (no signature) and HS256 (an HMAC keyed with the public key)
        none = json.dumps(dict(ps, alg="none")).encode()
        c = base64.urlsafe_b64encode(json.dumps(body()).encode()).rstrip(b"=")
        assert code(post(base64.urlsafe_b64encode(none).rstrip(b"=") + b"." + c, b"")) == (401, [700027])
        hs = base64.urlsafe_b64encode(json.dumps(dict(ps, alg="HS256")).encode()).rstrip(b"=") + b"." + c
        mac = hmac.new(jwk["n"].encode(), hs, hashlib.sha256).digest()
        assert code(post(hs, mac)) == (401, [700027])
        for alg in ("PS384", "RS512", "ps256", None, ["PS256"]):
            assert code(post(*signed(d, key, dict(ps, alg=alg), body(), "PS256"))) == (401, [700027]), alg
        # a header that is no JSON object
        msg, sig = signed(d, key, ps, body(), "PS256")
        arr = base64.urlsafe_b64encode(b"[1]").rstrip(b"=") + b"." + msg.split(b".")[1]
        assert code(post(arr, sig)) == (401, [50027])

# ---- consent ----

def test_without_admin_consent_graph_denies(fg):
    fg.consent(roles=[])
    tok = fg.access_token()
    assert "roles" not in claims(tok)
    fg.add_room(emailAddress="r1@contoso.onmicrosoft.com")
    r = api(fg, "GET", "/places/microsoft.graph.room", tok)
    assert r.status_code == 403 and r.json()["error"]["code"] == "ErrorAccessDenied"
    r = api(fg, "GET", "/users/r1@contoso.onmicrosoft.com/events", tok)
    assert r.status_code == 403 and r.json()["error"]["code"] == "ErrorAccessDenied"
    # Place.Read.All alone: places yes, calendars no
    fg.consent(roles=["Place.Read.All"])
    tok = fg.access_token()
    assert api(fg, "GET", "/places/microsoft.graph.room", tok).status_code == 200
    assert api(fg, "GET", "/users/r1@contoso.onmicrosoft.com/events", tok).status_code == 403


def test_admin_consent_endpoint_records_consent(fg):
    fg.consent(roles=[])
    fg.app(redirect_uris=[REDIRECT])
    r = requests.get(fg.admin_consent_url(REDIRECT, state="xyz"), allow_redirects=False, timeout=10)
    assert r.status_code == 302
    loc = urllib.parse.urlsplit(r.headers["Location"])
    assert loc.scheme + "://" + loc.netloc + loc.path == REDIRECT
    assert dict(urllib.parse.parse_qsl(loc.query)) == {"admin_consent": "True", "tenant": TENANT, "state": "xyz"}
    assert sorted(claims(fg.access_token())["roles"]) == ["Calendars.ReadWrite", "Place.Read.All"]
    # a redirect URI not registered: an error page, no redirect
    r = requests.get(fg.admin_consent_url("http://evil.example/cb"), allow_redirects=False, timeout=10)
    assert r.status_code == 400 and "AADSTS50011" in r.text and "Location" not in r.headers


def test_admin_consent_page(fg):
    fg.consent(roles=[])
    fg.config(consent_decision="page")
    r = requests.get(fg.admin_consent_url(REDIRECT, state="p"), timeout=10)
    assert r.status_code == 200 and 'id=accept' in r.text and "Calendars.ReadWrite" in r.text
    import re
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.text))
    action = re.search(r"action=(\S+?)>", r.text).group(1)
    r = requests.post(fg.login_url + action, data=dict(fields, decision="approve"), allow_redirects=False, timeout=10)
    assert r.status_code == 302
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.headers["Location"]).query))
    assert q == {"admin_consent": "True", "tenant": TENANT, "state": "p"}
    assert sorted(claims(fg.access_token())["roles"]) == ["Calendars.ReadWrite", "Place.Read.All"]


def test_admin_declines(fg):
    fg.consent(roles=[])
    fg.config(consent_decision="decline")
    r = requests.get(fg.admin_consent_url(REDIRECT, state="s"), allow_redirects=False, timeout=10)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.headers["Location"]).query))
    assert q == {"error": "permission_denied", "error_description": "The admin canceled the request", "state": "s"}
    assert "roles" not in claims(fg.access_token())


# ---- Graph authentication and faults ----

def test_graph_token_errors(fg):
    r = requests.get(fg.graph_url + "/v1.0/places/microsoft.graph.room", timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "InvalidAuthenticationToken"
    tok = fg.access_token()
    fg.advance_clock(3600)
    r = api(fg, "GET", "/places/microsoft.graph.room", tok)
    assert r.status_code == 401 and "expired" in r.json()["error"]["message"]


def test_throttling_and_outage(fg):
    tok = fg.access_token()
    fg.throttle(count=1, retry_after=7)
    r = api(fg, "GET", "/places/microsoft.graph.room", tok)
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert r.json()["error"]["code"] == "TooManyRequests"
    assert api(fg, "GET", "/places/microsoft.graph.room", tok).status_code == 200
    fg.outage(status=503, retry_after=3)
    r = api(fg, "GET", "/places/microsoft.graph.room", tok)
    assert r.status_code == 503 and r.headers["Retry-After"] == "3"
    fg.outage(status=504)
    assert api(fg, "GET", "/places/microsoft.graph.room", tok).status_code == 504
    fg.outage(on=False)
    assert api(fg, "GET", "/places/microsoft.graph.room", tok).status_code == 200


# ---- places ----

def test_places_rooms_paging_and_lists(fg):
    fg.add_roomlist(emailAddress="bldg1@contoso.onmicrosoft.com", displayName="Building 1")
    for i in range(5):
        fg.add_room(emailAddress="room%d@contoso.onmicrosoft.com" % i, displayName="Room %d" % i, capacity=4 + i,
                    building="1", floorNumber=i, floorLabel="F%d" % i, tags=["tv"], displayDeviceName="screen",
                    roomlist="bldg1@contoso.onmicrosoft.com" if i < 2 else None)
    tok = fg.access_token()
    r = api(fg, "GET", "/places/microsoft.graph.room?$top=2", tok)
    assert r.status_code == 200
    seen = []
    b = r.json()
    while True:
        seen += b["value"]
        if "@odata.nextLink" not in b:
            break
        assert b["@odata.nextLink"].startswith(fg.graph_url + "/v1.0/places/microsoft.graph.room?")
        b = api(fg, "GET", b["@odata.nextLink"], tok).json()
    assert [x["displayName"] for x in seen] == ["Room %d" % i for i in range(5)]
    room = seen[3]
    for k in ("id", "emailAddress", "displayName", "capacity", "building", "floorNumber", "floorLabel", "tags",
              "isWheelChairAccessible", "audioDeviceName", "videoDeviceName", "displayDeviceName", "bookingType"):
        assert k in room
    assert room["capacity"] == 7 and room["floorLabel"] == "F3"
    lists = api(fg, "GET", "/places/microsoft.graph.roomlist", tok).json()["value"]
    assert [x["emailAddress"] for x in lists] == ["bldg1@contoso.onmicrosoft.com"]
    inlist = api(fg, "GET", "/places/bldg1@contoso.onmicrosoft.com/microsoft.graph.roomlist/rooms", tok).json()
    assert [x["emailAddress"] for x in inlist["value"]] == ["room0@contoso.onmicrosoft.com",
                                                            "room1@contoso.onmicrosoft.com"]


def test_tenants_do_not_see_each_other(fg):
    fg.add_room(emailAddress="a@contoso.onmicrosoft.com")
    other = fg.add_tenant(tenant_id=str(uuid.uuid4()), domain="fabrikam.onmicrosoft.com", client_id=str(uuid.uuid4()),
                          client_secret="other", consented=["Calendars.ReadWrite", "Place.Read.All"])
    fg.add_room(emailAddress="b@fabrikam.onmicrosoft.com", tenant_id=other["tenant_id"])
    r = requests.post("%s/%s/oauth2/v2.0/token" % (fg.login_url, other["tenant_id"]), data={
        "client_id": other["apps"][0]["client_id"], "client_secret": "other", "scope": GRAPH_SCOPE,
        "grant_type": "client_credentials"}, timeout=10)
    tok_b = r.json()["access_token"]
    rooms = api(fg, "GET", "/places/microsoft.graph.room", tok_b).json()["value"]
    assert [x["emailAddress"] for x in rooms] == ["b@fabrikam.onmicrosoft.com"]
    r = api(fg, "GET", "/users/a@contoso.onmicrosoft.com/events", tok_b)
    assert r.status_code == 404 and r.json()["error"]["code"] == "ErrorInvalidUser"
    # the app of tenant A is not registered in tenant B
    assert fg.token(tenant=other["tenant_id"]).json()["error_codes"] == [700016]


# ---- events ----

ROOM = "room@contoso.onmicrosoft.com"


def test_event_crud_extended_property_and_transaction_id(fg):
    fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    body = ev_body("Board", "2030-01-07T10:00:00", "2030-01-07T11:00:00", "W. Europe Standard Time",
                   transactionId="txn-1", singleValueExtendedProperties=[{"id": EXT, "value": "bk-42"}])
    r = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=body)
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["start"] == {"dateTime": "2030-01-07T09:00:00.0000000", "timeZone": "UTC"}
    assert ev["type"] == "singleInstance" and ev["iCalUId"] and ev["changeKey"]
    assert ev["originalStartTimeZone"] == "W. Europe Standard Time" and ev["isOrganizer"] is True
    # a retried POST with the same transactionId finds the same event
    again = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=body).json()
    assert again["id"] == ev["id"]
    assert len(fg.room_events(ROOM)) == 1
    # find it by our id, and read the property back
    flt = "singleValueExtendedProperties/Any(ep: ep/id eq '%s' and ep/value eq 'bk-42')" % EXT
    found = api(fg, "GET", "/users/%s/events" % ROOM, tok, params={"$filter": flt}).json()["value"]
    assert [x["id"] for x in found] == [ev["id"]]
    assert api(fg, "GET", "/users/%s/events" % ROOM, tok, params={
        "$filter": flt.replace("bk-42", "bk-43")}).json()["value"] == []
    got = api(fg, "GET", "/users/%s/events/%s" % (ROOM, ev["id"]), tok,
              params={"$expand": "singleValueExtendedProperties($filter=id eq '%s')" % EXT}).json()
    assert got["singleValueExtendedProperties"] == [{"id": EXT, "value": "bk-42"}]
    assert "singleValueExtendedProperties" not in api(fg, "GET", "/users/%s/events/%s" % (ROOM, ev["id"]), tok).json()
    # PATCH: new changeKey; Prefer: outlook.timezone
    r = api(fg, "PATCH", "/users/%s/events/%s" % (ROOM, ev["id"]), tok,
            json={"start": {"dateTime": "2030-01-07T12:00:00", "timeZone": "UTC"},
                  "end": {"dateTime": "2030-01-07T13:00:00", "timeZone": "UTC"}},
            headers={"Prefer": 'outlook.timezone="Europe/Paris"'})
    assert r.status_code == 200 and r.json()["changeKey"] != ev["changeKey"]
    assert r.headers["Preference-Applied"] == 'outlook.timezone="Europe/Paris"'
    assert r.json()["start"] == {"dateTime": "2030-01-07T13:00:00.0000000", "timeZone": "Europe/Paris"}
    # a bad extended property id is refused
    r = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=dict(body, transactionId="t2",
            singleValueExtendedProperties=[{"id": "convene", "value": "x"}]))
    assert r.status_code == 400
    assert api(fg, "DELETE", "/users/%s/events/%s" % (ROOM, ev["id"]), tok).status_code == 204
    r = api(fg, "GET", "/users/%s/events/%s" % (ROOM, ev["id"]), tok)
    assert r.status_code == 404 and r.json()["error"]["code"] == "ErrorItemNotFound"


def test_calendar_view_paging_and_window(fg):
    fg.add_room(emailAddress=ROOM)
    for i in range(12):
        fg.add_event(ROOM, **ev_body("m%d" % i, "2030-02-01T%02d:00:00" % (8 + i % 10), "2030-02-01T%02d:30:00" % (8 + i % 10)))
    fg.add_event(ROOM, **ev_body("outside", "2030-03-01T08:00:00", "2030-03-01T09:00:00"))
    tok = fg.access_token()
    r = api(fg, "GET", "/users/%s/calendarView" % ROOM, tok)
    assert r.status_code == 400 and r.json()["error"]["code"] == "ErrorInvalidParameter"
    url = "/users/%s/calendarView?startDateTime=2030-02-01T00:00:00Z&endDateTime=2030-02-02T00:00:00Z" % ROOM
    b = api(fg, "GET", url, tok).json()
    assert len(b["value"]) == 10 and "@odata.nextLink" in b  # 10 per page by default
    b2 = api(fg, "GET", b["@odata.nextLink"], tok).json()
    assert len(b2["value"]) == 2 and "@odata.nextLink" not in b2
    assert "outside" not in [x["subject"] for x in b["value"] + b2["value"]]


def test_recurrence_occurrences_and_exceptions(fg):
    fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    body = ev_body("Weekly", "2030-01-07T10:00:00", "2030-01-07T11:00:00", "Europe/Paris", recurrence={
        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
        "range": {"type": "numbered", "startDate": "2030-01-07", "numberOfOccurrences": 4}})
    master = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=body).json()
    assert master["type"] == "seriesMaster" and master["recurrence"]["range"]["numberOfOccurrences"] == 4
    url = "/users/%s/calendarView?startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-03-01T00:00:00Z" % ROOM
    occ = api(fg, "GET", url, tok).json()["value"]
    assert [o["start"]["dateTime"][:16] for o in occ] == ["2030-01-07T09:00", "2030-01-14T09:00",
                                                          "2030-01-21T09:00", "2030-01-28T09:00"]
    assert {o["type"] for o in occ} == {"occurrence"} and {o["seriesMasterId"] for o in occ} == {master["id"]}
    # each occurrence has an iCalUId of its own (event.md)
    assert len({o["iCalUId"] for o in occ} | {master["iCalUId"]}) == 5
    # move the second occurrence, delete the third
    r = api(fg, "PATCH", "/users/%s/events/%s" % (ROOM, occ[1]["id"]), tok,
            json={"start": {"dateTime": "2030-01-15T14:00:00", "timeZone": "UTC"},
                  "end": {"dateTime": "2030-01-15T15:00:00", "timeZone": "UTC"}})
    assert r.status_code == 200 and r.json()["type"] == "exception"
    assert api(fg, "DELETE", "/users/%s/events/%s" % (ROOM, occ[2]["id"]), tok).status_code == 204
    occ2 = api(fg, "GET", url, tok).json()["value"]
    assert [(o["type"], o["start"]["dateTime"][:16]) for o in occ2] == [
        ("occurrence", "2030-01-07T09:00"), ("exception", "2030-01-15T14:00"), ("occurrence", "2030-01-28T09:00")]
    assert occ2[1]["originalStart"].startswith("2030-01-14T09:00:00")
    # the series' instances
    inst = api(fg, "GET", "/users/%s/events/%s/instances" % (ROOM, master["id"]), tok, params={
        "startDateTime": "2030-01-01T00:00:00Z", "endDateTime": "2030-01-20T00:00:00Z"}).json()["value"]
    assert [o["type"] for o in inst] == ["occurrence", "exception"]
    # the events list has the master only
    lst = api(fg, "GET", "/users/%s/events" % ROOM, tok).json()["value"]
    assert [x["type"] for x in lst] == ["seriesMaster"]


def test_series_keeps_its_local_hour_across_dst(fg):
    fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    body = ev_body("Weekly", "2030-03-18T10:00:00", "2030-03-18T11:00:00", "Romance Standard Time", recurrence={
        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
        "range": {"type": "endDate", "startDate": "2030-03-18", "endDate": "2030-04-08"}})
    assert api(fg, "POST", "/users/%s/events" % ROOM, tok, json=body).status_code == 201
    url = "/users/%s/calendarView?startDateTime=2030-03-01T00:00:00Z&endDateTime=2030-05-01T00:00:00Z" % ROOM
    utc = [o["start"]["dateTime"][:16] for o in api(fg, "GET", url, tok).json()["value"]]
    assert utc == ["2030-03-18T09:00", "2030-03-25T09:00", "2030-04-01T08:00", "2030-04-08T08:00"]
    local = api(fg, "GET", url, tok, headers={"Prefer": 'outlook.timezone="Romance Standard Time"'}).json()["value"]
    assert {o["start"]["dateTime"][11:16] for o in local} == {"10:00"}
    assert {o["start"]["timeZone"] for o in local} == {"Romance Standard Time"}


def test_delta_rounds_removed_and_invalid_tokens(fg):
    fg.add_room(emailAddress=ROOM)
    ids = [fg.add_event(ROOM, **ev_body("e%d" % i, "2030-04-0%dT10:00:00" % (i + 1),
                                        "2030-04-0%dT11:00:00" % (i + 1)))["id"] for i in range(5)]
    tok = fg.access_token()
    url = ("/users/%s/calendarView/delta?startDateTime=2030-04-01T00:00:00Z&endDateTime=2030-05-01T00:00:00Z"
           % ROOM)
    hdr = {"Prefer": "odata.maxpagesize=2"}
    got, links = [], []
    b = api(fg, "GET", url, tok, headers=hdr).json()
    while True:
        got += b["value"]
        if "@odata.nextLink" in b:
            assert "$skiptoken=" in b["@odata.nextLink"]
            links.append(b["@odata.nextLink"])
            b = api(fg, "GET", b["@odata.nextLink"], tok, headers=hdr).json()
            continue
        delta_link = b["@odata.deltaLink"]
        break
    assert len(links) == 2 and "$deltatoken=" in delta_link
    assert sorted(x["id"] for x in got) == sorted(ids)
    # nothing changed: an empty round
    b = api(fg, "GET", delta_link, tok).json()
    assert b["value"] == [] and "@odata.deltaLink" in b
    delta_link = b["@odata.deltaLink"]
    # a change, a deletion, a creation, a move out of the window
    fg.update_event(ROOM, ids[0], subject="changed")
    fg.delete_event(ROOM, ids[1])
    new = fg.add_event(ROOM, **ev_body("new", "2030-04-20T10:00:00", "2030-04-20T11:00:00"))["id"]
    fg.update_event(ROOM, ids[2], start={"dateTime": "2030-06-01T10:00:00", "timeZone": "UTC"},
                    end={"dateTime": "2030-06-01T11:00:00", "timeZone": "UTC"})
    far = fg.add_event(ROOM, **ev_body("far", "2031-01-01T10:00:00", "2031-01-01T11:00:00"))["id"]
    b = api(fg, "GET", delta_link, tok).json()
    assert all(x["@odata.type"] == "#microsoft.graph.event" for x in b["value"])
    changed = {x["id"]: x for x in b["value"]}
    # Graph also lists events outside the window changed since the last round, as @removed
    assert changed.pop(far) == {"@odata.type": "#microsoft.graph.event", "id": far, "@removed": {"reason": "deleted"}}
    assert changed[ids[0]]["subject"] == "changed" and changed[new]["subject"] == "new"
    assert changed[ids[1]] == {"@odata.type": "#microsoft.graph.event", "id": ids[1],
                               "@removed": {"reason": "deleted"}}
    assert "@removed" in changed[ids[2]]
    assert set(changed) == {ids[0], ids[1], ids[2], new}
    delta_link = b["@odata.deltaLink"]
    # the fake forgets its delta tokens
    fg.invalidate_delta(ROOM)
    r = api(fg, "GET", delta_link, tok)
    assert r.status_code == 410 and r.json()["error"]["code"] == "syncStateNotFound"
    b = api(fg, "GET", url, tok).json()
    fg.invalidate_delta(ROOM, mode="resync")
    r = api(fg, "GET", b["@odata.deltaLink"], tok)
    assert r.status_code == 410 and "$deltatoken=" in r.headers["Location"]


def test_delta_with_a_series(fg):
    fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    body = ev_body("Daily", "2030-04-01T10:00:00", "2030-04-01T10:30:00", recurrence={
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2030-04-01", "numberOfOccurrences": 3}})
    master = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=body).json()
    url = ("/users/%s/calendarView/delta?startDateTime=2030-04-01T00:00:00Z&endDateTime=2030-05-01T00:00:00Z"
           % ROOM)
    b = api(fg, "GET", url, tok, headers={"Prefer": 'outlook.timezone="Europe/Moscow"'}).json()
    assert [(x["type"], x["start"]["dateTime"][:16], x["start"]["timeZone"]) for x in b["value"]] == [
        ("occurrence", "2030-04-0%dT13:00" % d, "Europe/Moscow") for d in (1, 2, 3)]
    occ = [x["id"] for x in b["value"]]
    assert api(fg, "DELETE", "/users/%s/events/%s" % (ROOM, occ[1]), tok).status_code == 204
    b = api(fg, "GET", b["@odata.deltaLink"], tok).json()
    removed = [x["id"] for x in b["value"] if "@removed" in x]
    assert removed == [occ[1]]
    # the zone chosen in the first request stays with the round's tokens
    assert {x["start"]["timeZone"] for x in b["value"] if "@removed" not in x} <= {"Europe/Moscow"}
    api(fg, "DELETE", "/users/%s/events/%s" % (ROOM, master["id"]), tok)
    b = api(fg, "GET", b["@odata.deltaLink"], tok).json()
    assert sorted(x["id"] for x in b["value"] if "@removed" in x) == sorted([occ[0], occ[2], master["id"]])


# ---- rooms answering invitations, decline ----

def test_room_accepts_then_declines_a_conflict(fg):
    fg.add_room(emailAddress=ROOM, displayName="Room")
    fg.add_person(email="alice@contoso.onmicrosoft.com")
    fg.add_person(email="bob@contoso.onmicrosoft.com")
    a = fg.book("alice@contoso.onmicrosoft.com", ROOM, "Alice's", "2030-05-06T10:00:00", "2030-05-06T11:00:00")
    assert a["rooms"][ROOM]["response"] == "accepted"
    b = fg.book("bob@contoso.onmicrosoft.com", ROOM, "Bob's", "2030-05-06T10:30:00", "2030-05-06T11:30:00")
    assert b["rooms"][ROOM]["response"] == "declined"
    stored = fg.room_events(ROOM)
    assert [e["subject"] for e in stored] == ["Alice's"]
    assert stored[0]["isOrganizer"] is False and stored[0]["organizer"]["emailAddress"]["address"] == \
        "alice@contoso.onmicrosoft.com"
    room_att = [x for x in stored[0]["attendees"] if x["emailAddress"]["address"] == ROOM][0]
    assert room_att["type"] == "resource" and room_att["status"]["response"] == "accepted"
    bob = fg.meeting(b["organizer_event"]["id"])
    assert [x["status"]["response"] for x in bob["attendees"]] == ["declined"]
    # convene declines Alice's meeting through Graph: it leaves the room, Alice sees the decline
    tok = fg.access_token()
    r = api(fg, "POST", "/users/%s/events/%s/decline" % (ROOM, a["rooms"][ROOM]["event_id"]), tok,
            json={"comment": "The room was booked in convene first.", "sendResponse": True})
    assert r.status_code == 202 and r.content == b""
    assert fg.room_events(ROOM) == []
    alice = fg.meeting(a["organizer_event"]["id"])
    assert alice["attendees"][0]["status"]["response"] == "declined"
    # the room cannot decline what it organised
    own = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=ev_body("own", "2030-05-07T10:00:00",
                                                                         "2030-05-07T11:00:00")).json()
    r = api(fg, "POST", "/users/%s/events/%s/decline" % (ROOM, own["id"]), tok, json={"sendResponse": False})
    assert r.status_code == 400
    c = fg.book("bob@contoso.onmicrosoft.com", ROOM, "C", "2030-05-08T10:00:00", "2030-05-08T11:00:00")
    slot = {"start": {"dateTime": "2030-05-08T12:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2030-05-08T13:00:00", "timeZone": "UTC"}}
    r = api(fg, "POST", "/users/%s/events/%s/decline" % (ROOM, c["rooms"][ROOM]["event_id"]), tok,
            json={"sendResponse": False, "proposedNewTime": slot})
    assert r.status_code == 400
    assert fg.calls("response")[-1]["comment"] == "The room was booked in convene first."


def test_meeting_moved_onto_a_busy_slot_is_declined(fg):
    fg.add_room(emailAddress=ROOM)
    fg.add_person(email="alice@contoso.onmicrosoft.com")
    fg.add_event(ROOM, **ev_body("convene booking", "2030-05-06T14:00:00", "2030-05-06T15:00:00"))
    a = fg.book("alice@contoso.onmicrosoft.com", ROOM, "A", "2030-05-06T10:00:00", "2030-05-06T11:00:00")
    assert a["rooms"][ROOM]["response"] == "accepted"
    m = fg.update_meeting(a["organizer_event"]["id"], start={"dateTime": "2030-05-06T14:30:00", "timeZone": "UTC"},
                          end={"dateTime": "2030-05-06T15:30:00", "timeZone": "UTC"})
    assert m["rooms"][ROOM]["response"] == "declined"
    assert [e["subject"] for e in fg.room_events(ROOM)] == ["convene booking"]
    a2 = fg.book("alice@contoso.onmicrosoft.com", ROOM, "B", "2030-05-06T16:00:00", "2030-05-06T17:00:00")
    fg.cancel_meeting(a2["organizer_event"]["id"])
    assert [e["subject"] for e in fg.room_events(ROOM)] == ["convene booking"]


# ---- subscriptions and notifications ----

def subscribe(fg, tok, url, minutes=60, lifecycle=None, **extra):
    exp = time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime(time.time() + minutes * 60))
    body = dict({"changeType": "created,updated,deleted", "notificationUrl": url, "resource": "users/%s/events" % ROOM,
                 "expirationDateTime": exp, "clientState": "sekrit"}, **extra)
    if lifecycle:
        body["lifecycleNotificationUrl"] = lifecycle
    return api(fg, "POST", "/subscriptions", tok, json=body)


def test_subscription_validation_and_notifications(fg, hook):
    room = fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    r = subscribe(fg, tok, hook.url)
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["clientState"] == "sekrit" and sub["applicationId"] == CID
    v = fg.deliveries("validation")
    assert v[-1]["valid"] and v[-1]["status"] == 200
    ev = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=ev_body("x", "2030-06-01T10:00:00",
                                                                       "2030-06-01T11:00:00")).json()
    n = hook.wait(1)[0]
    assert n["subscriptionId"] == sub["id"] and n["clientState"] == "sekrit" and n["changeType"] == "created"
    assert n["tenantId"] == TENANT and n["resource"] == "Users/%s/Events/%s" % (room["mailboxId"], ev["id"])
    assert n["resourceData"]["id"] == ev["id"] and n["resourceData"]["@odata.type"] == "#Microsoft.Graph.Event"
    assert n["subscriptionExpirationDateTime"].endswith("Z")
    assert hook.requests[0]["ctype"].startswith("application/json")
    api(fg, "DELETE", "/users/%s/events/%s" % (ROOM, ev["id"]), tok)
    assert hook.wait(2)[1]["changeType"] == "deleted"
    # push off: nothing is sent
    fg.config(push=False)
    fg.add_event(ROOM, **ev_body("quiet", "2030-06-02T10:00:00", "2030-06-02T11:00:00"))
    time.sleep(0.3)
    assert len(hook.notes()) == 2
    fg.config(push=True)
    # renew, then delete
    exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3 * 86400))
    r = api(fg, "PATCH", "/subscriptions/" + sub["id"], tok, json={"expirationDateTime": exp})
    assert r.status_code == 200 and r.json()["expirationDateTime"].startswith(exp[:19])
    assert api(fg, "DELETE", "/subscriptions/" + sub["id"], tok).status_code == 204
    assert api(fg, "GET", "/subscriptions/" + sub["id"], tok).status_code == 404


@pytest.mark.parametrize("mode,message", [
    ("wrong", "Response must exactly match validationToken query parameter."),
    ("fail", "Notification endpoint must respond with 200 OK to validation request.")])
def test_failed_validation_refuses_the_subscription(fg, mode, message):
    fg.add_room(emailAddress=ROOM)
    ln = Listener(mode)
    try:
        r = subscribe(fg, fg.access_token(), ln.url)
        assert r.status_code == 400 and r.json()["error"]["code"] == "ValidationError"
        assert r.json()["error"]["message"] == "Subscription validation request failed. " + message
        assert fg.subscriptions() == []
    finally:
        ln.close()


def test_validation_timeout(fg):
    fg.add_room(emailAddress=ROOM)
    fg.config(validation_timeout=0.5)
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)  # accepts the connection, never answers
    try:
        r = subscribe(fg, fg.access_token(), "http://127.0.0.1:%d/hook" % s.getsockname()[1])
        assert r.status_code == 400 and r.json()["error"] == dict(r.json()["error"], code="InvalidRequest",
                                                                  message="Subscription validation request timed out.")
    finally:
        s.close()


def test_subscription_expiration_rules(fg, hook):
    fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    r = subscribe(fg, tok, hook.url, minutes=10081)
    assert r.status_code == 400
    r = subscribe(fg, tok, hook.url, minutes=10)  # raised to 45 minutes
    exp = time.mktime(time.strptime(r.json()["expirationDateTime"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    assert 44 * 60 < exp - time.time() <= 45 * 60 + 5
    assert subscribe(fg, tok, hook.url, clientState="x" * 129).status_code == 400
    r = subscribe(fg, tok, hook.url, resource="users/nobody@contoso.onmicrosoft.com/events")
    assert r.status_code == 404
    # an expired subscription sends nothing and is gone
    sid = r2 = subscribe(fg, tok, hook.url, minutes=60).json()["id"]
    assert r2
    fg.advance_clock(3601)
    fg.add_event(ROOM, **ev_body("late", "2030-06-02T10:00:00", "2030-06-02T11:00:00"))
    time.sleep(0.3)
    assert hook.notes() == []
    assert api(fg, "GET", "/subscriptions/" + sid, fg.access_token()).status_code == 404


def test_unanswered_notification_is_resent(fg):
    fg.add_room(emailAddress=ROOM)
    fg.config(notify_retries=2, notify_retry_delay=0.1)
    ln = Listener()
    subscribe(fg, fg.access_token(), ln.url)
    ln.close()  # the endpoint goes away: the notification fails, then is resent twice
    fg.add_event(ROOM, **ev_body("x", "2030-06-02T10:00:00", "2030-06-02T11:00:00"))
    d = fg.wait_deliveries("change", count=3, timeout=10)
    assert [x["attempt"] for x in d] == [0, 1, 2] and all(x["status"] is None for x in d)
    time.sleep(0.3)
    assert len(fg.deliveries("change")) == 3


def test_bulk_rooms_and_events(fg):
    emails = fg.ctl("POST", "rooms/bulk", {"count": 3, "prefix": "b"})["emails"]
    assert emails == ["b%d@contoso.onmicrosoft.com" % i for i in (1, 2, 3)]
    ids = fg.ctl("POST", "mailboxes/%s/events/bulk" % emails[0], {"count": 25, "start": "2030-01-01T08:00:00Z"})["ids"]
    assert len(set(ids)) == 25
    tok = fg.access_token()
    b = api(fg, "GET", "/users/%s/calendarView?startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-01-03T00:00:00Z"
            "&$top=1000" % emails[0], tok).json()
    assert len(b["value"]) == 25 and "@odata.nextLink" not in b


def test_lifecycle_notifications(fg, hook):
    fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    life = Listener()
    try:
        sub = subscribe(fg, tok, hook.url, lifecycle=life.url).json()
        assert len(fg.deliveries("validation")) == 2  # both URLs are validated
        d = fg.lifecycle(sub["id"], "reauthorizationRequired")
        assert d["status"] == 202
        n = life.wait(1)[0]
        assert n == {"subscriptionId": sub["id"], "subscriptionExpirationDateTime": n["subscriptionExpirationDateTime"],
                     "tenantId": TENANT, "clientState": "sekrit", "lifecycleEvent": "reauthorizationRequired"}
        # paused until reauthorized: the change is lost
        fg.add_event(ROOM, **ev_body("lost", "2030-06-02T10:00:00", "2030-06-02T11:00:00"))
        time.sleep(0.3)
        assert hook.notes() == []
        assert api(fg, "POST", "/subscriptions/%s/reauthorize" % sub["id"], tok).status_code == 204
        fg.add_event(ROOM, **ev_body("seen", "2030-06-03T10:00:00", "2030-06-03T11:00:00"))
        hook.wait(1)
        fg.lifecycle(sub["id"], "missed")
        assert life.wait(2)[1]["lifecycleEvent"] == "missed"
        fg.lifecycle(sub["id"], "subscriptionRemoved")
        assert life.wait(3)[2]["lifecycleEvent"] == "subscriptionRemoved"
        assert api(fg, "GET", "/subscriptions/" + sub["id"], tok).status_code == 404
    finally:
        life.close()


def test_meeting_booked_in_outlook_notifies(fg, hook):
    fg.add_room(emailAddress=ROOM)
    fg.add_person(email="alice@contoso.onmicrosoft.com")
    tok = fg.access_token()
    subscribe(fg, tok, hook.url)
    a = fg.book("alice@contoso.onmicrosoft.com", ROOM, "A", "2030-05-06T10:00:00", "2030-05-06T11:00:00")
    n = hook.wait(1)[0]
    assert n["changeType"] == "created" and n["resourceData"]["id"] == a["rooms"][ROOM]["event_id"]


@pytest.mark.parametrize("bad", [
    {"subject": 5}, {"body": "text"}, {"location": []}, {"attendees": {"a": 1}}, {"attendees": ["x"]},
    {"isAllDay": "yes"}, {"showAs": "maybe"}, {"start": "2030-01-01"}, {"recurrence": {"pattern": {}}},
    {"categories": [1]}, {"singleValueExtendedProperties": [{"id": 3}]},
    {"start": {"dateTime": "2030-01-01T10:00:00", "timeZone": "Mars/Olympus"}},
    {"start": {"dateTime": "tomorrow", "timeZone": "UTC"}},
    {"end": {"dateTime": "2029-01-01T10:00:00", "timeZone": "UTC"}},
])
def test_bad_event_bodies_get_400_and_change_nothing(fg, bad):
    fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    body = dict(ev_body("ok", "2030-01-01T10:00:00", "2030-01-01T11:00:00"), **bad)
    r = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=body)
    assert r.status_code == 400, r.text
    assert fg.room_events(ROOM) == []
    assert api(fg, "POST", "/users/%s/events" % ROOM, tok, data=b"{not json",
               headers={"Content-Type": "application/json"}).status_code == 400
    # a bad PATCH changes nothing either, even the fields before the bad one
    ev = api(fg, "POST", "/users/%s/events" % ROOM, tok, json=ev_body("ok", "2030-01-01T10:00:00",
                                                                       "2030-01-01T11:00:00")).json()
    r = api(fg, "PATCH", "/users/%s/events/%s" % (ROOM, ev["id"]), tok, json=dict(bad, subject="changed")
            if "subject" not in bad else bad)
    assert r.status_code == 400
    after = api(fg, "GET", "/users/%s/events/%s" % (ROOM, ev["id"]), tok).json()
    assert after["subject"] == "ok" and after["changeKey"] == ev["changeKey"] and after["start"] == ev["start"]
    assert fg.calls("crash") == []


def test_reading_a_user_needs_a_directory_permission(fg):
    fg.add_room(emailAddress=ROOM)
    r = api(fg, "GET", "/users/" + ROOM, fg.access_token())
    assert r.status_code == 403 and r.json()["error"]["code"] == "Authorization_RequestDenied"


def test_stats_and_calls(fg):
    fg.add_room(emailAddress=ROOM)
    tok = fg.access_token()
    api(fg, "GET", "/users/%s/events" % ROOM, tok)
    s = fg.stats()
    assert s["token_calls"] == 1 and s["api_calls"] == 1 and s["events"] == {ROOM: 0}
    call = fg.calls("api")[0]
    assert call["path"] == "/v1.0/users/%s/events" % ROOM and call["status"] == 200
