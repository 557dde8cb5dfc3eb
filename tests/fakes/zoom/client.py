"""Python helper for tests that need the Zoom fake: FakeZoom starts
fake_zoom.py as its own process on a free loopback port, stops it, and wraps
the fake's control API (/_fake/...). convene is pointed at it with
zoom_oauth_url = fz.oauth_url and zoom_api_url = fz.api_url."""
import base64
import hashlib
import hmac
import os
import secrets
import sys
import time
import urllib.parse


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from fakeproc import FakeProcess  # noqa: E402  (tests/fakes/fakeproc.py)
SCRIPT = os.path.join(HERE, "fake_zoom.py")


def sign(secret, timestamp, body):
    """x-zm-signature of a body, as Zoom computes it."""
    if isinstance(body, str):
        body = body.encode()
    msg = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def pkce_pair():
    """(code_verifier, S256 code_challenge) as RFC 7636 makes them."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class FakeZoom(FakeProcess):
    """A running fake Zoom. Use as a context manager or call stop()."""

    def __init__(self, client_id="fake-client-id", client_secret="fake-client-secret",
                 webhook_secret="fake-webhook-secret", webhook_url="", redirect_uris=(),
                 verbose=False):
        self.client_id = client_id
        self.client_secret = client_secret
        self.webhook_secret = webhook_secret
        args = ["--client-id", client_id,
                "--client-secret", client_secret, "--webhook-secret", webhook_secret]
        if webhook_url:
            args += ["--webhook-url", webhook_url]
        for r in redirect_uris:
            args += ["--redirect-uri", r]
        FakeProcess.__init__(self, "fake_zoom", SCRIPT, args, verbose)
        self.oauth_url = "http://" + self.hostport  # zoom_oauth_url
        self.api_url = self.oauth_url + "/v2"  # zoom_api_url

    def reset(self):
        return self.ctl("POST", "reset")

    def config(self, **kw):
        """Change settings: webhook_url, webhook_secret, approval ("auto" or
        "page"), token_lifetime, code_lifetime, token_delay_ms, api_webhooks,
        redirect_uris, scopes, user_data_retention."""
        cfg = self.ctl("POST", "config", kw)
        if "webhook_secret" in kw:
            self.webhook_secret = kw["webhook_secret"]
        return cfg

    def add_user(self, **kw):
        """A Zoom user: id, email, first_name, last_name, account_id, type
        (1 Basic, 2 Licensed), plan_united_type, timezone, scopes."""
        return self.ctl("POST", "users", kw)

    def user(self, user_id):
        return self.ctl("GET", "users/" + urllib.parse.quote(user_id, safe=""))

    def authorize_as(self, user_id):
        """The user the next authorizations approve as."""
        return self.ctl("POST", "authorize_as", {"user_id": user_id})

    def tokens(self, user_id):
        """The user's live tokens at Zoom, and whether the app is installed."""
        return self.ctl("GET", "users/%s/tokens" % urllib.parse.quote(user_id, safe=""))

    def expire_token(self, user_id):
        return self.ctl("POST", "users/%s/expire_token" % urllib.parse.quote(user_id, safe=""))

    def stale_tokens(self, user_id):
        """Rotate the user's tokens behind the app's back: its refresh token
        then gets invalid_grant."""
        return self.ctl("POST", "users/%s/stale_tokens" % urllib.parse.quote(user_id, safe=""))

    def deauthorize(self, user_id, wait=True):
        """The user removes the app at Zoom: tokens die, app_deauthorized is sent."""
        return self.ctl("POST", "users/%s/deauthorize" % urllib.parse.quote(user_id, safe=""),
                        {"wait": wait})

    def add_meeting(self, user_id, webhook=True, wait=True, **meeting):
        """A meeting made at Zoom (meeting.created is sent if the user has the app installed)."""
        meeting.update(webhook=webhook, wait=wait)
        return self.ctl("POST", "users/%s/meetings" % urllib.parse.quote(user_id, safe=""), meeting)

    def add_meetings(self, user_id, count, **kw):
        """count meetings at once, without webhooks; returns their ids."""
        kw["count"] = count
        return self.ctl("POST", "users/%s/meetings/bulk" % urllib.parse.quote(user_id, safe=""), kw)["ids"]

    def meeting(self, meeting_id):
        return self.ctl("GET", "meetings/%s" % meeting_id)

    def update_meeting(self, meeting_id, wait=True, **changes):
        return self.ctl("PATCH", "meetings/%s" % meeting_id, changes, wait="1" if wait else "0")

    def delete_meeting(self, meeting_id, wait=True):
        return self.ctl("DELETE", "meetings/%s" % meeting_id, wait="1" if wait else "0")

    def throttle(self, user_id=None, on=True, count=-1, kind="qps"):
        """Zoom's 429 for one user's API calls (or everyone's), count times (-1: until off)."""
        return self.ctl("POST", "throttle", {"user_id": user_id, "on": on, "count": count, "kind": kind})

    def fault(self, status, body=None, user_id=None, count=-1, headers=None):
        """Any error answer to API calls (e.g. 503 for an outage)."""
        return self.ctl("POST", "faults", {"status": status, "body": body, "user_id": user_id,
                                           "count": count, "headers": headers})

    def clear_faults(self):
        return self.ctl("DELETE", "faults")

    def advance_clock(self, seconds):
        """Move the fake's clock (code and access token expiry) forward."""
        return self.ctl("POST", "clock", {"advance": seconds})

    def calls(self, kind=None):
        """Recorded calls: authorize, token, refresh, revoke, compliance, api."""
        return self.ctl("GET", "calls", **({"kind": kind} if kind else {}))

    def stats(self):
        return self.ctl("GET", "stats")

    def deliveries(self, event=None):
        d = self.ctl("GET", "deliveries")
        return [x for x in d if event is None or x.get("event") == event]

    def wait_delivery(self, event, count=1, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            d = self.deliveries(event)
            if len(d) >= count:
                return d
            time.sleep(0.05)
        raise AssertionError("no %s webhook delivered in %ss" % (event, timeout))

    def send_webhook(self, event=None, payload=None, **kw):
        """Send any webhook: event + payload (or envelope, or raw_body), signed
        with the webhook secret unless signature=/bad_signature=True/secret=;
        timestamp= for a stale one; url= to send elsewhere."""
        body = dict(kw)
        if event is not None:
            body["event"] = event
        if payload is not None:
            body["payload"] = payload
        return self.ctl("POST", "webhooks/send", body)

    def url_validation(self, plain_token=None, url=None):
        body = {}
        if plain_token:
            body["plainToken"] = plain_token
        if url:
            body["url"] = url
        return self.ctl("POST", "webhooks/url_validation", body)

    def marketplace_install(self, user_id, redirect_uri):
        """Where Zoom sends the browser after an install from the Marketplace (code, no state)."""
        return self.ctl("POST", "marketplace_install", {"user_id": user_id, "redirect_uri": redirect_uri})

    def authorize_url(self, redirect_uri, state=None, code_challenge=None, method="S256", **extra):
        q = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri}
        if state is not None:
            q["state"] = state
        if code_challenge is not None:
            q["code_challenge"] = code_challenge
            q["code_challenge_method"] = method
        q.update(extra)
        return self.oauth_url + "/oauth/authorize?" + urllib.parse.urlencode(q)
