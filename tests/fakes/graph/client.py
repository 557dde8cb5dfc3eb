"""Python helper for tests that need the Microsoft 365 fake: FakeGraph starts
fake_graph.py as its own process on a free loopback port, stops it, and wraps
the fake's control API (/_fake/...). convene is pointed at it with
microsoft_login_url = fg.login_url and microsoft_graph_url = fg.graph_url."""
import os
import sys
import time
import urllib.parse


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from fakeproc import FakeProcess  # noqa: E402  (tests/fakes/fakeproc.py)
SCRIPT = os.path.join(HERE, "fake_graph.py")
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
ROLES = ("Calendars.ReadWrite", "Place.Read.All")


def q(s):
    return urllib.parse.quote(s, safe="@")


class FakeGraph(FakeProcess):
    """A running fake of Entra ID and Microsoft Graph. Use as a context manager or call stop()."""

    def __init__(self, tenant_id="9188040d-6c67-4c5b-b112-36a304b66dad", domain="contoso.onmicrosoft.com",
                 client_id="6731de76-14a6-49ae-97bc-6eba6914391e", client_secret="fake-client-secret",
                 consent=ROLES, redirect_uris=(), verbose=False):
        self.tenant_id = tenant_id
        self.domain = domain
        self.client_id = client_id
        self.client_secret = client_secret
        args = ["--tenant-id", tenant_id, "--domain", domain,
                "--client-id", client_id, "--client-secret", client_secret]
        for r in consent or ():
            args += ["--consent", r]
        for r in redirect_uris:
            args += ["--redirect-uri", r]
        FakeProcess.__init__(self, "fake_graph", SCRIPT, args, verbose)
        self.login_url = "http://" + self.hostport  # microsoft_login_url
        self.graph_url = self.login_url  # microsoft_graph_url (paths start with /v1.0)

    def reset(self):
        return self.ctl("POST", "reset")

    def config(self, **kw):
        """push, require_https, token_lifetime, consent_decision ("approve",
        "decline", "page"), pause_on_reauthorization, validation_timeout,
        notify_timeout, sub_max_minutes."""
        return self.ctl("POST", "config", kw)

    def add_tenant(self, **kw):
        """Another Microsoft 365 tenant with its own app registration:
        tenant_id, domain, client_id, client_secret, consented, redirect_uris."""
        return self.ctl("POST", "tenants", kw)

    def consent(self, roles=ROLES, tenant_id=None, client_id=None):
        """The application permissions the tenant's admin has consented to (tokens issued after this)."""
        return self.ctl("POST", "consent", {"roles": list(roles), "tenant_id": tenant_id, "client_id": client_id})

    def app(self, **kw):
        """Change the app registration: client_secret, secret_expired, redirect_uris,
        required_roles, keys {x5t: {n, e}} (certificates for client assertions)."""
        return self.ctl("POST", "app", kw)

    def expire_tokens(self, client_id=None):
        return self.ctl("POST", "tokens/expire", {"client_id": client_id})

    def add_room(self, **kw):
        """A room (place and room mailbox): emailAddress, displayName, capacity,
        building, floorNumber, floorLabel, tags, isWheelChairAccessible,
        audioDeviceName, videoDeviceName, displayDeviceName, bookingType,
        roomlist (a room list's e-mail), tenant_id, auto_accept, allow_conflicts."""
        return self.ctl("POST", "rooms", kw)

    def rooms(self):
        return self.ctl("GET", "rooms")

    def add_roomlist(self, **kw):
        return self.ctl("POST", "roomlists", kw)

    def add_person(self, **kw):
        """A person's mailbox (an organizer): email, displayName, tenant_id."""
        return self.ctl("POST", "people", kw)

    def set_mailbox(self, email, **kw):
        """auto_accept, allow_conflicts of a room mailbox."""
        return self.ctl("PATCH", "mailboxes/" + q(email), kw)

    def room_events(self, email, start=None, end=None):
        """The room's calendar as stored at Microsoft: masters and single events,
        or its instances in [start, end) (ISO 8601); each with `ext` (its extended properties)."""
        params = {"start": start, "end": end} if start else {}
        return self.ctl("GET", "mailboxes/%s/events" % q(email), **params)

    def add_event(self, email, **event):
        """An event written straight into a calendar at Microsoft (Graph's event JSON)."""
        return self.ctl("POST", "mailboxes/%s/events" % q(email), event)

    def update_event(self, email, event_id, **changes):
        return self.ctl("PATCH", "mailboxes/%s/events/%s" % (q(email), q(event_id)), changes)

    def delete_event(self, email, event_id):
        return self.ctl("DELETE", "mailboxes/%s/events/%s" % (q(email), q(event_id)))

    def book(self, organizer, rooms, subject, start, end, time_zone="UTC", **extra):
        """A person books a meeting in Outlook with the rooms as resource
        attendees; each room accepts or declines by its own rule.
        start/end: local date-times ("2030-01-07T10:00:00"). Returns
        {organizer_event, rooms: {email: {response, event_id}}}."""
        body = dict(extra, organizer=organizer, rooms=list(rooms) if not isinstance(rooms, str) else [rooms],
                    subject=subject, start={"dateTime": start, "timeZone": time_zone},
                    end={"dateTime": end, "timeZone": time_zone})
        return self.ctl("POST", "meetings", body)

    def update_meeting(self, organizer_event_id, **changes):
        return self.ctl("PATCH", "meetings/" + q(organizer_event_id), changes)

    def cancel_meeting(self, organizer_event_id):
        return self.ctl("DELETE", "meetings/" + q(organizer_event_id))

    def meeting(self, organizer_event_id):
        return self.ctl("GET", "meetings/" + q(organizer_event_id))

    def subscriptions(self):
        return self.ctl("GET", "subscriptions")

    def lifecycle(self, subscription_id, event="reauthorizationRequired"):
        """Send a lifecycle notification: reauthorizationRequired, subscriptionRemoved or missed."""
        return self.ctl("POST", "subscriptions/%s/lifecycle" % subscription_id, {"event": event})

    def invalidate_delta(self, mailbox=None, mode="syncStateNotFound"):
        """Delta tokens stop working: 410 syncStateNotFound, or mode="resync"
        (410 with a Location to start over)."""
        return self.ctl("POST", "delta/invalidate", {"mailbox": mailbox, "mode": mode})

    def throttle(self, on=True, count=-1, retry_after=2):
        return self.ctl("POST", "throttle", {"on": on, "count": count, "retry_after": retry_after})

    def outage(self, on=True, status=503, count=-1, retry_after=None, target="graph"):
        """Graph (or target="login", "all") answers 503/504, count times (-1: until off)."""
        return self.ctl("POST", "outage", {"on": on, "status": status, "count": count,
                                           "retry_after": retry_after, "target": target})

    def fault(self, status, body=None, count=-1, headers=None, target="graph"):
        return self.ctl("POST", "faults", {"status": status, "body": body, "count": count, "headers": headers,
                                           "target": target})

    def clear_faults(self):
        return self.ctl("DELETE", "faults")

    def advance_clock(self, seconds):
        """Move the fake's clock (token and subscription expiry)."""
        return self.ctl("POST", "clock", {"advance": seconds})

    def calls(self, kind=None):
        """Recorded calls: token, adminconsent, consent, api, response, error."""
        return self.ctl("GET", "calls", **({"kind": kind} if kind else {}))

    def stats(self):
        return self.ctl("GET", "stats")

    def deliveries(self, kind=None):
        """What the fake POSTed: validation, change, lifecycle (status, answer, elapsed_ms)."""
        return self.ctl("GET", "deliveries", **({"kind": kind} if kind else {}))

    def wait_deliveries(self, kind="change", count=1, timeout=10, pred=None):
        end = time.time() + timeout
        while time.time() < end:
            d = [x for x in self.deliveries(kind) if pred is None or pred(x)]
            if len(d) >= count:
                return d
            time.sleep(0.05)
        raise AssertionError("fewer than %d %s deliveries in %ss" % (count, kind, timeout))

    # ---- as the app (convene) would call ----
    def token(self, client_secret=None, tenant=None, scope=GRAPH_SCOPE):
        r = self.http.post("%s/%s/oauth2/v2.0/token" % (self.login_url, tenant or self.tenant_id), data={
            "client_id": self.client_id, "client_secret": client_secret or self.client_secret,
            "scope": scope, "grant_type": "client_credentials"}, timeout=30)
        return r

    def access_token(self):
        r = self.token()
        r.raise_for_status()
        return r.json()["access_token"]

    def admin_consent_url(self, redirect_uri, state=None, tenant=None):
        params = {"client_id": self.client_id, "redirect_uri": redirect_uri}
        if state is not None:
            params["state"] = state
        return "%s/%s/adminconsent?%s" % (self.login_url, tenant or self.tenant_id, urllib.parse.urlencode(params))
