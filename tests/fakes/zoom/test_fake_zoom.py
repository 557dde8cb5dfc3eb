"""Tests of the Zoom fake itself: that it keeps Zoom's documented rules
(OAuth with PKCE, single-use codes, refresh rotation and one live token,
revoke with a signed app_deauthorized, pagination, error bodies 124/3001/429,
webhook signing with the Mattermost test vector), so that convene's tests
against it prove something about convene and Zoom.
Run: /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/fakes/zoom"""
import base64
import calendar
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_zoom  # noqa: E402
from client import FakeZoom, pkce_pair  # noqa: E402

CID, CSECRET, WSECRET = "cid-test", "csecret-test", "wsecret-test"
REDIRECT = "http://127.0.0.1:9/oauth/zoom/callback"
# Mattermost's known answer (mattermost-plugin-zoom server/webhook_test.go)
VECTOR_SECRET = "zoomwebhooksecret"
VECTOR_PLAIN = "Kn5a3Wv7SP6YP5b4BWfZpg"
VECTOR_ENCRYPTED = "2a41c3138d2187a756c51428f78d192e9b88dcf44dd62d1b081ace4ec2241e0a"


class Listener:
    """A webhook receiver: records each request (headers, raw body) and
    checks the signature itself, independently of the fake's code; answers
    endpoint.url_validation as Zoom requires."""

    def __init__(self):
        self.secret = WSECRET
        self.requests = []
        self.cond = threading.Condition()
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ts = self.headers.get("x-zm-request-timestamp")
                sig = self.headers.get("x-zm-signature")
                want = "v0=" + hmac.new(outer.secret.encode(), b"v0:%s:%s" % ((ts or "").encode(), raw),
                                        hashlib.sha256).hexdigest()
                body = json.loads(raw)
                rec = {"headers": {k.lower(): v for k, v in self.headers.items()}, "raw": raw, "body": body, "timestamp": ts,
                       "signature_ok": sig is not None and hmac.compare_digest(sig, want),
                       "fresh": ts is not None and abs(time.time() - int(ts)) <= 300}
                out = b""
                if body.get("event") == "endpoint.url_validation":
                    plain = body["payload"]["plainToken"]
                    out = json.dumps({"plainToken": plain, "encryptedToken": hmac.new(
                        outer.secret.encode(), plain.encode(), hashlib.sha256).hexdigest()}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
                with outer.cond:
                    outer.requests.append(rec)
                    outer.cond.notify_all()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/webhooks/zoom" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def wait(self, event, count=1, timeout=10):
        end = time.time() + timeout
        with self.cond:
            while True:
                got = [r for r in self.requests if r["body"].get("event") == event]
                if len(got) >= count:
                    return got
                left = end - time.time()
                if left <= 0:
                    raise AssertionError("no %s webhook received" % event)
                self.cond.wait(left)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def fake():
    fz = FakeZoom(client_id=CID, client_secret=CSECRET, webhook_secret=WSECRET)
    yield fz
    fz.stop()


@pytest.fixture
def fz(fake):
    fake.reset()
    return fake


@pytest.fixture
def hook(fz):
    ln = Listener()
    fz.config(webhook_url=ln.url)
    yield ln
    ln.close()


def authorize(fz, state="st-1", verifier=None, method="S256", redirect=REDIRECT, **extra):
    """Run the authorize step as a browser would; returns the callback's query."""
    challenge = None
    if verifier is not None:
        challenge = verifier
        if method == "S256":
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    r = requests.get(fz.authorize_url(redirect, state=state, code_challenge=challenge, method=method, **extra),
                     allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    loc = r.headers["Location"]
    assert loc.startswith(redirect + "?")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))


def token(fz, auth=(CID, CSECRET), **form):
    return requests.post(fz.oauth_url + "/oauth/token", data=form, auth=auth, timeout=10)


def connect(fz, user_id):
    """A whole authorization: returns the token answer."""
    fz.authorize_as(user_id)
    verifier = pkce_pair()[0]
    q = authorize(fz, verifier=verifier)
    r = token(fz, grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT,
              code_verifier=verifier)
    assert r.status_code == 200, r.text
    return r.json()


def api(fz, method, path, tok, headers=None, **kw):
    h = dict(headers or {}, Authorization="Bearer " + tok)
    return requests.request(method, fz.api_url + path, headers=h, timeout=30, **kw)


# ---- webhook signing ----

def test_url_validation_matches_mattermost_vector(fz, hook):
    assert fake_zoom.encrypted_token(VECTOR_SECRET, VECTOR_PLAIN) == VECTOR_ENCRYPTED
    fz.config(webhook_secret=VECTOR_SECRET)
    hook.secret = VECTOR_SECRET
    d = fz.url_validation(VECTOR_PLAIN)
    assert d["expected"] == {"plainToken": VECTOR_PLAIN, "encryptedToken": VECTOR_ENCRYPTED}
    assert d["status"] == 200 and d["valid"] is True
    got = hook.wait("endpoint.url_validation")[0]
    assert got["body"]["payload"] == {"plainToken": VECTOR_PLAIN}
    assert got["signature_ok"] and got["fresh"]


def test_url_validation_reports_a_wrong_answer(fz, hook):
    hook.secret = "another secret"  # the receiver answers with the wrong key
    d = fz.url_validation("abc")
    assert d["status"] == 200 and d["valid"] is False


def test_signature_is_v0_hmac_of_timestamp_and_raw_body():
    body = b'{"event":"meeting.updated","payload":{}}'
    want = "v0=" + hmac.new(b"s3cret", b"v0:1700000000:" + body, hashlib.sha256).hexdigest()
    assert fake_zoom.sign("s3cret", 1700000000, body) == want


def test_send_signed_bad_and_stale_webhooks(fz, hook):
    d = fz.send_webhook("meeting.updated", {"account_id": "A1", "object": {"id": 1}})
    assert d["status"] == 200
    good = hook.wait("meeting.updated")[0]
    assert good["signature_ok"] and good["fresh"]
    assert good["headers"]["x-zm-signature"].startswith("v0=")
    assert good["body"]["payload"]["object"] == {"id": 1} and isinstance(good["body"]["event_ts"], int)

    fz.send_webhook("meeting.updated", {"n": 2}, bad_signature=True)
    bad = hook.wait("meeting.updated", 2)[1]
    assert not bad["signature_ok"] and bad["fresh"]

    stale_ts = int(time.time()) - 3600
    fz.send_webhook("meeting.updated", {"n": 3}, timestamp=stale_ts)
    stale = hook.wait("meeting.updated", 3)[2]
    assert stale["signature_ok"] and not stale["fresh"] and stale["timestamp"] == str(stale_ts)

    fz.send_webhook("meeting.updated", {"n": 4}, secret="not the secret")
    assert not hook.wait("meeting.updated", 4)[3]["signature_ok"]

    fz.send_webhook("meeting.updated", {"n": 5}, headers={"x-zm-signature": None})
    assert "x-zm-signature" not in hook.wait("meeting.updated", 5)[4]["headers"]


# ---- OAuth ----

def test_authorization_code_flow_with_pkce_s256(fz):
    u = fz.add_user(email="ada@example.com", first_name="Ada", last_name="L", account_id="ACC1",
                    timezone="Europe/Paris")
    fz.authorize_as(u["id"])
    verifier = pkce_pair()[0]
    q = authorize(fz, state="xyz", verifier=verifier)
    assert q["state"] == "xyz" and q["code"]
    r = token(fz, grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=verifier)
    assert r.status_code == 200
    t = r.json()
    assert set(t) == {"access_token", "token_type", "refresh_token", "expires_in", "scope"}
    assert t["token_type"] == "bearer" and t["expires_in"] == 3599
    assert t["scope"].split() == ["user:read:user", "meeting:read:list_meetings", "meeting:read:meeting",
                                  "meeting:write:meeting", "meeting:delete:meeting"]
    assert len(t["access_token"]) > 300  # Zoom's tokens are long JWTs
    me = api(fz, "GET", "/users/me", t["access_token"])
    assert me.status_code == 200
    m = me.json()
    assert m["id"] == u["id"] and m["email"] == "ada@example.com" and m["account_id"] == "ACC1"
    assert m["timezone"] == "Europe/Paris" and m["type"] == 2 and m["display_name"] == "Ada L"
    assert {"first_name", "last_name", "pmi", "status", "role_name"} <= set(m)


def test_pkce_mismatch_missing_verifier_and_plain(fz):
    u = fz.add_user()
    fz.authorize_as(u["id"])
    v = pkce_pair()[0]
    q = authorize(fz, verifier=v)
    r = token(fz, grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=v + "x")
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    q = authorize(fz, verifier=v)
    r = token(fz, grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    q = authorize(fz, verifier=v, method="plain")
    r = token(fz, grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=v)
    assert r.status_code == 200
    # a challenge method other than S256 and plain goes back as an error
    r = requests.get(fz.authorize_url(REDIRECT, state="s", code_challenge="c", method="S512"),
                     allow_redirects=False, timeout=10)
    assert r.status_code == 302 and "error=invalid_request" in r.headers["Location"]
    assert "state=s" in r.headers["Location"]


def test_code_is_single_use_and_expires_in_five_minutes(fz):
    u = fz.add_user()
    fz.authorize_as(u["id"])
    v = pkce_pair()[0]
    q = authorize(fz, verifier=v)
    form = dict(grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=v)
    assert token(fz, **form).status_code == 200
    r = token(fz, **form)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    q = authorize(fz, verifier=v)
    fz.advance_clock(299)
    q2 = authorize(fz, verifier=v)  # made later: still fresh after the next step
    fz.advance_clock(2)
    form["code"] = q["code"]
    r = token(fz, **form)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    form["code"] = q2["code"]
    assert token(fz, **form).status_code == 200


def test_client_auth_redirect_uri_and_grant_type(fz):
    u = fz.add_user()
    fz.authorize_as(u["id"])
    v = pkce_pair()[0]
    q = authorize(fz, verifier=v)
    form = dict(grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=v)
    r = token(fz, auth=(CID, "wrong"), **form)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = requests.post(fz.oauth_url + "/oauth/token", data=dict(form, client_id=CID, client_secret=CSECRET),
                      timeout=10)
    assert r.status_code == 401  # only HTTP Basic, as Zoom documents
    q = authorize(fz, verifier=v)
    r = token(fz, **dict(form, code=q["code"], redirect_uri=REDIRECT + "x"))
    assert r.status_code == 400
    r = token(fz, grant_type="password")
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    # the app's allow list of redirect URLs
    fz.config(redirect_uris=[REDIRECT])
    r = requests.get(fz.authorize_url("http://evil.example/cb", state="s"), allow_redirects=False, timeout=10)
    assert r.status_code == 400 and "Location" not in r.headers
    r = requests.get(fz.authorize_url(REDIRECT, client_id="nope"), allow_redirects=False, timeout=10)
    assert r.status_code == 400


def test_refresh_rotates_and_stale_refresh_token_is_invalid_grant(fz):
    u = fz.add_user()
    t1 = connect(fz, u["id"])
    r = token(fz, grant_type="refresh_token", refresh_token=t1["refresh_token"])
    assert r.status_code == 200
    t2 = r.json()
    assert t2["refresh_token"] != t1["refresh_token"] and t2["access_token"] != t1["access_token"]
    assert t2["expires_in"] == 3599 and t2["token_type"] == "bearer"
    r = token(fz, grant_type="refresh_token", refresh_token=t1["refresh_token"])
    assert r.status_code == 400 and r.json() == {"reason": "Invalid Token!", "error": "invalid_grant"}
    old = api(fz, "GET", "/users/me", t1["access_token"])
    assert old.status_code == 401 and old.json() == {"code": 124, "message": "Invalid access token."}
    assert api(fz, "GET", "/users/me", t2["access_token"]).status_code == 200
    assert fz.stats()["refresh_counts"] == {u["id"]: 1}
    assert fz.stats()["refresh_calls"] == {u["id"]: 2}


def test_one_live_token_per_user(fz):
    u = fz.add_user()
    other = fz.add_user()
    t1 = connect(fz, u["id"])
    o1 = connect(fz, other["id"])
    t2 = connect(fz, u["id"])  # a new authorization of the same Zoom user
    assert api(fz, "GET", "/users/me", t1["access_token"]).status_code == 401
    assert token(fz, grant_type="refresh_token", refresh_token=t1["refresh_token"]).status_code == 400
    assert api(fz, "GET", "/users/me", t2["access_token"]).status_code == 200
    assert api(fz, "GET", "/users/me", o1["access_token"]).status_code == 200  # other users untouched


def test_concurrent_refreshes_with_one_token_only_one_wins(fz):
    u = fz.add_user()
    t = connect(fz, u["id"])
    fz.config(token_delay_ms=100)
    results = []
    lock = threading.Lock()

    def go():
        r = token(fz, grant_type="refresh_token", refresh_token=t["refresh_token"])
        with lock:
            results.append(r.status_code)
    th = [threading.Thread(target=go) for _ in range(20)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    assert sorted(results) == [200] + [400] * 19
    assert fz.stats()["refresh_counts"][u["id"]] == 1
    assert fz.stats()["refresh_calls"][u["id"]] == 20


def test_expired_and_stale_tokens(fz):
    u = fz.add_user()
    t = connect(fz, u["id"])
    fz.expire_token(u["id"])
    r = api(fz, "GET", "/users/me", t["access_token"])
    assert r.status_code == 401 and r.json() == {"code": 124, "message": "Access token is expired."}
    t2 = token(fz, grant_type="refresh_token", refresh_token=t["refresh_token"]).json()
    assert api(fz, "GET", "/users/me", t2["access_token"]).status_code == 200
    fz.advance_clock(3600)  # an hour later the access token is expired by itself
    assert api(fz, "GET", "/users/me", t2["access_token"]).json()["message"] == "Access token is expired."
    fz.stale_tokens(u["id"])  # refreshed elsewhere
    r = token(fz, grant_type="refresh_token", refresh_token=t2["refresh_token"])
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_api_without_or_with_garbage_token_is_124(fz):
    r = requests.get(fz.api_url + "/users/me", timeout=10)
    assert r.status_code == 401 and r.json()["code"] == 124
    r = api(fz, "GET", "/users/me", "eyJnot.a.token")
    assert r.status_code == 401 and r.json() == {"code": 124, "message": "Invalid access token."}


def test_missing_scope_is_4711(fz):
    u = fz.add_user(scopes=["user:read:user"])
    t = connect(fz, u["id"])
    assert t["scope"] == "user:read:user"
    r = api(fz, "GET", "/users/me/meetings", t["access_token"])
    assert r.status_code == 400 and r.json()["code"] == 4711


def test_revoke_sends_signed_app_deauthorized(fz, hook):
    u = fz.add_user(account_id="ACC9")
    t = connect(fz, u["id"])
    r = requests.post(fz.oauth_url + "/oauth/revoke", params={"token": t["access_token"]},
                      auth=(CID, CSECRET), timeout=10)
    assert r.status_code == 200 and r.json() == {"status": "success"}
    got = hook.wait("app_deauthorized")[0]
    assert got["signature_ok"] and got["fresh"]
    p = got["body"]["payload"]
    assert p["user_id"] == u["id"] and p["account_id"] == "ACC9" and p["client_id"] == CID
    assert p["user_data_retention"] == "false" and len(p["signature"]) == 64
    assert p["deauthorization_time"].endswith("Z")
    assert api(fz, "GET", "/users/me", t["access_token"]).status_code == 401
    assert token(fz, grant_type="refresh_token", refresh_token=t["refresh_token"]).status_code == 400
    assert fz.tokens(u["id"])["installed"] is False
    # revoking again: the token is no longer live
    r = requests.post(fz.oauth_url + "/oauth/revoke", params={"token": t["access_token"]},
                      auth=(CID, CSECRET), timeout=10)
    assert r.status_code == 400
    # revoke needs the app's credentials
    t = connect(fz, u["id"])
    r = requests.post(fz.oauth_url + "/oauth/revoke", data={"token": t["refresh_token"]}, timeout=10)
    assert r.status_code == 401
    # the Data Compliance call, as Zoom's guide shows it, is recorded and matched to the event
    body = {"client_id": CID, "user_id": u["id"], "account_id": "ACC9",
            "deauthorization_event_received": p, "compliance_completed": True}
    r = requests.post(fz.oauth_url + "/oauth/data/compliance", json=body, auth=(CID, CSECRET), timeout=10)
    assert r.status_code == 200
    c = fz.calls("compliance")
    assert len(c) == 1 and c[0]["matched"] is True and c[0]["body"]["compliance_completed"] is True


def test_uninstall_at_zoom_sends_app_deauthorized(fz, hook):
    u = fz.add_user()
    t = connect(fz, u["id"])
    d = fz.deauthorize(u["id"])
    assert d["status"] == 200 and d["event"] == "app_deauthorized"
    assert hook.wait("app_deauthorized")[0]["body"]["payload"]["user_id"] == u["id"]
    assert api(fz, "GET", "/users/me", t["access_token"]).status_code == 401


def test_approval_page_allow_and_decline(fz):
    a = fz.add_user(email="a@example.com")
    b = fz.add_user(email="b@example.com")
    fz.authorize_as(a["id"])
    url = fz.authorize_url(REDIRECT, state="s1", code_challenge=pkce_pair()[1], auto="0")
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and 'id=allow' in page.text and "b@example.com" in page.text
    hidden = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    r = requests.post(fz.oauth_url + "/oauth/authorize/decision",
                      data=dict(hidden, zoom_user=b["id"], decision="allow"), allow_redirects=False, timeout=10)
    assert r.status_code == 302
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.headers["Location"]).query))
    assert q["state"] == "s1" and q["code"]
    r = requests.post(fz.oauth_url + "/oauth/authorize/decision", data=dict(hidden, decision="decline"),
                      allow_redirects=False, timeout=10)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.headers["Location"]).query))
    assert q == {"error": "access_denied", "state": "s1"}
    fz.config(approval="page")
    assert requests.get(fz.authorize_url(REDIRECT), timeout=10).headers["Content-Type"].startswith("text/html")


def test_marketplace_install_has_no_state(fz):
    u = fz.add_user()
    m = fz.marketplace_install(u["id"], REDIRECT)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(m["location"]).query))
    assert set(q) == {"code"}
    r = token(fz, grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT)
    assert r.status_code == 200


# ---- meetings ----

def test_pagination_650_meetings_at_300(fz):
    u = fz.add_user()
    t = connect(fz, u["id"])
    ids = fz.add_meetings(u["id"], 650)
    seen, sizes, token_ = [], [], ""
    while True:
        params = {"type": "scheduled", "page_size": 300}
        if token_:
            params["next_page_token"] = token_
        r = api(fz, "GET", "/users/me/meetings", t["access_token"], params=params)
        assert r.status_code == 200
        b = r.json()
        assert b["total_records"] == 650 and b["page_size"] == 300
        sizes.append(len(b["meetings"]))
        for m in b["meetings"]:
            assert "password" not in m and "start_url" not in m
            assert {"uuid", "id", "host_id", "topic", "type", "start_time", "duration", "timezone",
                    "created_at", "join_url"} <= set(m)
        seen += [m["id"] for m in b["meetings"]]
        token_ = b["next_page_token"]
        if not token_:
            break
    assert sizes == [300, 300, 50]
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 650
    r = api(fz, "GET", "/users/me/meetings", t["access_token"])
    assert r.json()["page_size"] == 30 and len(r.json()["meetings"]) == 30
    r = api(fz, "GET", "/users/me/meetings", t["access_token"], params={"page_size": 1000})
    assert len(r.json()["meetings"]) == 300
    r = api(fz, "GET", "/users/me/meetings", t["access_token"], params={"next_page_token": "bogus"})
    assert r.status_code == 400 and r.json()["code"] == 300
    # a token is bound to its query
    first = api(fz, "GET", "/users/me/meetings", t["access_token"], params={"page_size": 300}).json()
    r = api(fz, "GET", "/users/me/meetings", t["access_token"],
            params={"page_size": 30, "next_page_token": first["next_page_token"]})
    assert r.status_code == 400
    # another user's meetings are not reachable with this token
    r = api(fz, "GET", "/users/someone-else/meetings", t["access_token"])
    assert r.status_code == 404


def test_create_get_patch_delete_meeting(fz, hook):
    u = fz.add_user(timezone="America/New_York")
    t = connect(fz, u["id"])
    r = api(fz, "POST", "/users/me/meetings", t["access_token"],
            json={"topic": "Keynote", "type": 2, "start_time": "2026-07-01T09:30:00",
                  "timezone": "Europe/Paris", "duration": 45, "agenda": "Opening"})
    assert r.status_code == 201
    m = r.json()
    assert m["start_time"] == "2026-07-01T07:30:00Z"  # wall clock in Europe/Paris (UTC+2)
    assert m["timezone"] == "Europe/Paris" and m["duration"] == 45 and m["topic"] == "Keynote"
    assert m["join_url"].startswith(fz.oauth_url + "/j/%d?pwd=" % m["id"])
    assert m["start_url"] and m["password"] and 10**10 <= m["id"] < 10**11
    got = hook.wait("meeting.created")[0]
    assert got["signature_ok"] and got["body"]["payload"]["object"]["id"] == m["id"]
    assert got["body"]["payload"]["operator_id"] == u["id"]

    r = api(fz, "POST", "/users/me/meetings", t["access_token"],
            json={"topic": "UTC one", "start_time": "2026-07-01T09:30:00Z", "timezone": "Europe/Paris"})
    assert r.json()["start_time"] == "2026-07-01T09:30:00Z"
    r = api(fz, "POST", "/users/me/meetings", t["access_token"], json={"topic": "user tz",
                                                                        "start_time": "2026-01-10T09:00:00"})
    assert r.json()["start_time"] == "2026-01-10T14:00:00Z" and r.json()["timezone"] == "America/New_York"
    for bad in ({"topic": "x" * 201}, {"start_time": "2026-07-01 09:30"}, {"timezone": "Mars/Base"},
                {"type": 5}):
        r = api(fz, "POST", "/users/me/meetings", t["access_token"], json=bad)
        assert r.status_code == 400 and r.json()["code"] == 300, bad
    r = api(fz, "POST", "/users/me/meetings", t["access_token"], data="not json",
            headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json() == fake_zoom.ERR_BAD_JSON

    g1 = api(fz, "GET", "/meetings/%d" % m["id"], t["access_token"]).json()
    g2 = api(fz, "GET", "/meetings/%d" % m["id"], t["access_token"]).json()
    assert g1["password"] == m["password"] and g1["start_url"] != g2["start_url"]  # fresh zak each time

    r = api(fz, "PATCH", "/meetings/%d" % m["id"], t["access_token"],
            json={"topic": "Keynote (moved)", "start_time": "2026-07-01T10:00:00"})
    assert r.status_code == 204 and r.content == b""
    g = api(fz, "GET", "/meetings/%d" % m["id"], t["access_token"]).json()
    assert g["topic"] == "Keynote (moved)" and g["start_time"] == "2026-07-01T08:00:00Z"
    up = hook.wait("meeting.updated")[0]["body"]["payload"]
    assert up["object"]["topic"] == "Keynote (moved)" and up["old_object"]["topic"] == "Keynote"

    r = api(fz, "DELETE", "/meetings/%d" % m["id"], t["access_token"])
    assert r.status_code == 204
    r = api(fz, "GET", "/meetings/%d" % m["id"], t["access_token"])
    assert r.status_code == 404 and r.json()["code"] == 3001
    assert api(fz, "DELETE", "/meetings/%d" % m["id"], t["access_token"]).json()["code"] == 3001
    assert hook.wait("meeting.deleted")[0]["body"]["payload"]["object"]["id"] == m["id"]


def test_recurring_meeting_occurrences(fz):
    u = fz.add_user()
    t = connect(fz, u["id"])
    # weekly on Sunday (1) across the end of DST in Europe/Paris (25 Oct 2026)
    r = api(fz, "POST", "/users/me/meetings", t["access_token"], json={
        "topic": "Weekly", "type": 8, "start_time": "2026-10-18T10:00:00", "timezone": "Europe/Paris",
        "duration": 30, "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "1", "end_times": 3}})
    assert r.status_code == 201
    m = r.json()
    starts = [o["start_time"] for o in m["occurrences"]]
    assert starts == ["2026-10-18T08:00:00Z", "2026-10-25T09:00:00Z", "2026-11-01T09:00:00Z"]
    occ = m["occurrences"][1]["occurrence_id"]
    # occurrence_id is the occurrence's start in milliseconds
    assert occ == str(calendar.timegm(time.strptime(starts[1], "%Y-%m-%dT%H:%M:%SZ")) * 1000)
    r = api(fz, "DELETE", "/meetings/%d" % m["id"], t["access_token"], params={"occurrence_id": occ})
    assert r.status_code == 204
    g = api(fz, "GET", "/meetings/%d" % m["id"], t["access_token"]).json()
    assert [o["start_time"] for o in g["occurrences"]] == [starts[0], starts[2]]
    r = api(fz, "PATCH", "/meetings/%d" % m["id"], t["access_token"], params={"occurrence_id": occ},
            json={"duration": 10})
    assert r.status_code == 404 and r.json()["code"] == 3001
    # type 3: no fixed time
    r = api(fz, "POST", "/users/me/meetings", t["access_token"], json={"topic": "Anytime", "type": 3})
    assert r.status_code == 201 and "start_time" not in r.json()
    r = api(fz, "POST", "/users/me/meetings", t["access_token"], json={
        "topic": "Too many", "type": 8, "start_time": "2026-10-18T10:00:00Z",
        "recurrence": {"type": 1, "end_times": 61}})
    assert r.status_code == 400


def test_429_switch_per_user_and_global(fz):
    a, b = fz.add_user(), fz.add_user()
    ta, tb = connect(fz, a["id"]), connect(fz, b["id"])
    fz.throttle(a["id"])
    r = api(fz, "GET", "/users/me/meetings", ta["access_token"])
    assert r.status_code == 429 and r.json() == {"code": 429, "message": fake_zoom.QPS_429}
    assert r.headers["X-RateLimit-Type"] == "QPS"
    assert api(fz, "GET", "/users/me/meetings", tb["access_token"]).status_code == 200
    fz.throttle(a["id"], on=False)
    assert api(fz, "GET", "/users/me/meetings", ta["access_token"]).status_code == 200
    fz.throttle(None, count=2, kind="daily")
    r1 = api(fz, "GET", "/users/me", ta["access_token"])
    r2 = api(fz, "GET", "/users/me", tb["access_token"])
    assert (r1.status_code, r2.status_code) == (429, 429) and "Retry-After" in r1.headers
    assert api(fz, "GET", "/users/me", ta["access_token"]).status_code == 200  # count used up
    fz.fault(503, {"code": 503, "message": "Service unavailable"}, count=1)
    assert api(fz, "GET", "/users/me", ta["access_token"]).status_code == 503
    assert api(fz, "GET", "/users/me", ta["access_token"]).status_code == 200


def test_meetings_added_at_zoom_send_webhooks_only_when_installed(fz, hook):
    u = fz.add_user()
    before = fz.add_meeting(u["id"], topic="Before install", start_time="2026-05-01T10:00:00Z")
    assert before["delivery"] is None  # the app is not installed: Zoom sends nothing
    t = connect(fz, u["id"])
    added = fz.add_meeting(u["id"], topic="Added at Zoom", start_time="2026-05-02T10:00:00Z")
    assert added["delivery"]["status"] == 200
    ev = hook.wait("meeting.created")[0]["body"]
    assert ev["payload"]["object"]["topic"] == "Added at Zoom" and ev["payload"]["account_id"] == u["account_id"]
    mid = added["meeting"]["id"]
    fz.update_meeting(mid, topic="Renamed")
    assert hook.wait("meeting.updated")[0]["body"]["payload"]["object"]["topic"] == "Renamed"
    items = api(fz, "GET", "/users/me/meetings", t["access_token"]).json()["meetings"]
    assert {m["topic"] for m in items} == {"Before install", "Renamed"}
    fz.delete_meeting(mid)
    assert hook.wait("meeting.deleted")[0]["body"]["payload"]["object"]["id"] == mid
    assert api(fz, "GET", "/meetings/%d" % mid, t["access_token"]).json()["code"] == 3001


def test_list_types_and_other_users_meeting(fz):
    u, v = fz.add_user(), fz.add_user()
    t = connect(fz, u["id"])
    now = time.time()
    past = fz.add_meeting(u["id"], topic="past", start_time=fake_zoom.iso_z(now - 86400))["meeting"]
    fz.add_meeting(u["id"], topic="future", start_time=fake_zoom.iso_z(now + 86400))
    live = fz.add_meeting(u["id"], topic="live", start_time=fake_zoom.iso_z(now - 600))["meeting"]
    fz.update_meeting(live["id"], status="started")
    theirs = fz.add_meeting(v["id"], topic="theirs")["meeting"]

    def topics(kind):
        r = api(fz, "GET", "/users/me/meetings", t["access_token"], params={"type": kind})
        return sorted(m["topic"] for m in r.json()["meetings"])
    assert topics("scheduled") == ["future", "live", "past"]
    assert topics("upcoming") == ["future", "live"]
    assert topics("live") == ["live"]
    assert topics("previous_meetings") == ["past"]
    assert api(fz, "GET", "/users/me/meetings", t["access_token"], params={"type": "bogus"}).status_code == 400
    r = api(fz, "GET", "/meetings/%d" % theirs["id"], t["access_token"])
    assert r.status_code == 404 and r.json()["code"] == 3001
    assert past["id"] != theirs["id"]


def test_sigterm_stops_the_fake():
    fz = FakeZoom()
    assert requests.get(fz.oauth_url + "/_fake/health", timeout=5).status_code == 200
    t0 = time.time()
    fz.proc.terminate()
    assert fz.proc.wait(timeout=5) == 0 and time.time() - t0 < 5
    fz.stop()


def test_recurrence_daily_monthly_and_end_date():
    occ = fake_zoom.occurrences_for
    start = fake_zoom.parse_start("2026-03-06T09:00:00", "America/New_York")
    # every 2 days across the US DST change (8 March 2026): 09:00 local stays 09:00 local
    daily = occ(start, "America/New_York", {"type": 1, "repeat_interval": 2, "end_times": 3}, 30)
    assert [o["start_time"] for o in daily] == ["2026-03-06T14:00:00Z", "2026-03-08T13:00:00Z",
                                                  "2026-03-10T13:00:00Z"]
    # the last Thursday (5) of each month
    last_thu = occ(start, "America/New_York", {"type": 3, "monthly_week": -1, "monthly_week_day": 5,
                                               "end_times": 3}, 30)
    assert [o["start_time"][:10] for o in last_thu] == ["2026-03-26", "2026-04-30", "2026-05-28"]
    # the 31st: months without one are skipped
    start31 = fake_zoom.parse_start("2026-01-31T10:00:00Z", "UTC")
    d31 = occ(start31, "UTC", {"type": 3, "monthly_day": 31, "end_times": 3}, 60)
    assert [o["start_time"][:10] for o in d31] == ["2026-01-31", "2026-03-31", "2026-05-31"]
    # weekly on Monday and Wednesday until an end date
    mon = fake_zoom.parse_start("2026-06-01T08:00:00Z", "UTC")
    wk = occ(mon, "UTC", {"type": 2, "weekly_days": "2,4", "end_date_time": "2026-06-10T23:59:59Z"}, 60)
    assert [o["start_time"][:10] for o in wk] == ["2026-06-01", "2026-06-03", "2026-06-08", "2026-06-10"]
    with pytest.raises(fake_zoom.ApiError):
        occ(mon, "UTC", {"type": 2, "weekly_days": "2", "end_times": 2,
                         "end_date_time": "2026-06-10T00:00:00Z"}, 60)
