"""Python helper for tests that need the Google fake: FakeGoogle starts
fake_google.py as its own process on a free loopback port, stops it, and wraps
the fake's control API (/_fake/...). convene is pointed at it with
google_token_url = fg.token_url and google_api_url = fg.api_url."""
import base64
import json
import os
import sys
import time
import urllib.parse


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from fakeproc import FakeProcess  # noqa: E402  (tests/fakes/fakeproc.py)
SCRIPT = os.path.join(HERE, "fake_google.py")
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SCOPE_CALENDAR = "https://www.googleapis.com/auth/calendar"
SCOPE_DIRECTORY = "https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly"


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_assertion(key, scopes, aud, sub=None, iat=None, lifetime=3600, kid=True, claims=None):
    """A JWT signed RS256 with a service account key file (a dict), as Google's
    service-account guide builds it: iss, scope (space-separated), aud, iat,
    exp, and sub for domain-wide delegation. `claims` overrides any claim."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    iat = int(time.time()) if iat is None else int(iat)
    header = {"alg": "RS256", "typ": "JWT"}
    if kid:
        header["kid"] = key["private_key_id"]
    body = {"iss": key["client_email"], "scope": " ".join(scopes) if not isinstance(scopes, str) else scopes,
            "aud": aud, "iat": iat, "exp": iat + lifetime}
    if sub:
        body["sub"] = sub
    body.update(claims or {})
    signing = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(body).encode())
    priv = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
    sig = priv.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing + "." + b64url(sig)


class FakeGoogle(FakeProcess):
    """A running fake Google. Use as a context manager or call stop()."""

    def __init__(self, domain="example.com", verbose=False):
        self.domain = domain
        args = ["--domain", domain]
        FakeProcess.__init__(self, "fake_google", SCRIPT, args, verbose)
        self.api_url = "http://" + self.hostport  # google_api_url
        self.token_url = self.api_url + "/token"  # google_token_url

    def reset(self):
        return self.ctl("POST", "reset")

    def config(self, **kw):
        """Settings: domain, customer_id, token_lifetime, push, channel_ttl,
        accepted_audiences, calendar_time_zone."""
        return self.ctl("POST", "config", kw)

    def add_service_account(self, scopes=None, **kw):
        """A service account with a new RSA key; the answer is Google's JSON key
        file. scopes: what Google Admin grants its client id (domain-wide delegation)."""
        if scopes is not None:
            kw["scopes"] = list(scopes)
        return self.ctl("POST", "service_accounts", kw)

    def delete_keys(self, client_email):
        return self.ctl("DELETE", "service_accounts/%s/keys" % urllib.parse.quote(client_email, safe=""))

    def grant(self, client_id, scopes):
        """Google Admin > Security > API controls > Domain-wide delegation: the
        scopes granted to a client id (replaces the earlier grant)."""
        return self.ctl("POST", "delegation", {"client_id": client_id, "scopes": list(scopes)})

    def add_user(self, email, admin=False):
        return self.ctl("POST", "users", {"email": email, "admin": admin})

    def add_building(self, **kw):
        return self.ctl("POST", "buildings", kw)

    def add_room(self, **kw):
        """A calendar resource (resourceName, capacity, buildingId, floorName,
        features [names], resourceCategory, resourceType, timeZone) and its calendar."""
        return self.ctl("POST", "resources", kw)

    def add_rooms(self, count, **kw):
        kw["count"] = count
        return self.ctl("POST", "resources/bulk", kw)["emails"]

    def token(self, key, scopes, sub=None, **kw):
        """The access token answer for a key file (convene does this itself;
        for tests of the fake and for seeding)."""
        a = make_assertion(key, scopes, self.token_url, sub=sub, **kw)
        return self.http.post(self.token_url, data={"grant_type": JWT_BEARER, "assertion": a}, timeout=30)

    def expire_tokens(self):
        return self.ctl("POST", "tokens/expire")

    def events(self, calendar_id):
        """The calendar's events as stored (cancelled ones too, exceptions as
        their own records), oldest change first: for convergence checks."""
        return self.ctl("GET", "calendars/%s/events" % urllib.parse.quote(calendar_id, safe=""))

    def book(self, calendar_id, organizer, start, end, summary="Meeting", **kw):
        """Someone books the room from their own Google Calendar (the room is
        invited and accepts or declines by its conflict rule). start/end: dicts
        ({dateTime, timeZone} or {date}) or RFC 3339 strings. Returns
        {event, room_response}."""
        body = dict(kw, organizer=organizer, summary=summary,
                    start=start if isinstance(start, dict) else {"dateTime": start},
                    end=end if isinstance(end, dict) else {"dateTime": end})
        return self.ctl("POST", "calendars/%s/meetings" % urllib.parse.quote(calendar_id, safe=""), body)

    def add_meetings(self, calendar_id, count, **kw):
        """count accepted meetings at once on a room's calendar, without push
        (start: RFC 3339, interval_minutes, duration_minutes, organizer, summary); their ids."""
        kw["count"] = count
        return self.ctl("POST", "calendars/%s/events/bulk" % urllib.parse.quote(calendar_id, safe=""), kw)["ids"]

    def change(self, calendar_id, event_id, **changes):
        """The organizer changes the meeting at Google (a new time is answered again by the room)."""
        return self.ctl("PATCH", "calendars/%s/events/%s" % (urllib.parse.quote(calendar_id, safe=""),
                                                             urllib.parse.quote(event_id, safe="")), changes)

    def cancel(self, calendar_id, event_id):
        return self.ctl("DELETE", "calendars/%s/events/%s" % (urllib.parse.quote(calendar_id, safe=""),
                                                              urllib.parse.quote(event_id, safe="")))

    def invalidate_sync(self, calendar_id):
        """Every sync token of the calendar now gets 410 fullSyncRequired."""
        return self.ctl("POST", "calendars/%s/invalidate_sync" % urllib.parse.quote(calendar_id, safe=""))

    def channels(self):
        return self.ctl("GET", "channels")

    def expire_channel(self, channel_id):
        return self.ctl("POST", "channels/%s/expire" % urllib.parse.quote(channel_id, safe=""))

    def push(self, on):
        """Push notifications on or off (off: changes happen, nobody is told)."""
        return self.ctl("POST", "push", {"on": on})

    def outage(self, on=True, count=-1, token=False):
        """503 backendError on every API call (and token request with token=True)."""
        return self.ctl("POST", "outage", {"on": on, "count": count, "token": token})

    def throttle(self, on=True, status=429, count=-1, retry_after=None, path=None):
        """Google's rateLimitExceeded (429, or 403 as Calendar also answers it);
        path: only API calls whose path starts with it"""
        body = {"on": on, "status": status, "count": count}
        if path:
            body["path"] = path
        if retry_after is not None:
            body["retry_after"] = retry_after
        return self.ctl("POST", "throttle", body)

    def fault(self, status, body=None, count=-1, target="api", headers=None, path=None, method=None, delay=None):
        return self.ctl("POST", "faults", {"status": status, "body": body, "count": count, "target": target,
                                           "headers": headers, "path": path, "method": method, "delay": delay})

    def faults(self):
        return self.ctl("GET", "faults")

    def clear_faults(self):
        return self.ctl("DELETE", "faults")

    def advance_clock(self, seconds):
        return self.ctl("POST", "clock", {"advance": seconds})

    def calls(self, kind=None):
        return self.ctl("GET", "calls", **({"kind": kind} if kind else {}))

    def stats(self):
        return self.ctl("GET", "stats")

    def deliveries(self, channel_id=None):
        d = self.ctl("GET", "deliveries")
        return [x for x in d if channel_id is None or x["channel_id"] == channel_id]

    def wait_deliveries(self, count, channel_id=None, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            d = self.deliveries(channel_id)
            if len(d) >= count:
                return d
            time.sleep(0.05)
        raise AssertionError("fewer than %d push notifications in %ss" % (count, timeout))
