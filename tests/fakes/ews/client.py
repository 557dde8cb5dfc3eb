"""Python helper for tests that need the Exchange Web Services fake: FakeEws
starts fake_ews.py as its own process on a free loopback port, stops it, and
wraps the fake's control API (/_fake/...). convene is pointed at it with the
connection's ews_url = fe.ews_url and the service account's username and
password."""
import os
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from fakeproc import FakeProcess  # noqa: E402  (tests/fakes/fakeproc.py)
SCRIPT = os.path.join(HERE, "fake_ews.py")


def q(s):
    return urllib.parse.quote(s, safe="@")


class FakeEws(FakeProcess):
    """A running fake of Exchange Server's EWS. Use as a context manager or call stop()."""

    def __init__(self, domain="contoso.com", username="svc-convene@contoso.com", password="Passw0rd!",
                 server="2016", verbose=False):
        self.domain = domain
        self.username = username
        self.password = password
        FakeProcess.__init__(self, "fake_ews", SCRIPT, ["--domain", domain, "--username", username,
                                                        "--password", password, "--server", server], verbose)
        self.ews_url = self.base + "/EWS/Exchange.asmx"

    def reset(self):
        return self.ctl("POST", "reset")

    def config(self, **kw):
        """minute (seconds a ConnectionTimeout/Timeout minute lasts, 60), heartbeat
        (seconds between ConnectionStatus OK on an idle stream, 30), server ("2016"/"2019")."""
        return self.ctl("POST", "config", kw)

    def add_account(self, username, password="Passw0rd!", impersonation=True, email=None):
        """A service account (Basic authentication); impersonation: the
        ApplicationImpersonation role."""
        return self.ctl("POST", "accounts", {"username": username, "password": password,
                                             "impersonation": impersonation, "email": email})

    def set_account(self, username, **kw):
        """password, impersonation."""
        return self.ctl("PATCH", "accounts/" + q(username), kw)

    def add_roomlist(self, email=None, name=None):
        return self.ctl("POST", "roomlists", {"email": email, "name": name})

    def add_room(self, email=None, name=None, capacity=None, building=None, floor=None, roomlist=None,
                 auto_accept=True, allow_conflicts=False, **processing):
        """processing: Set-CalendarProcessing's add_organizer_to_subject, delete_subject,
        delete_comments (all true by default, as at Exchange), remove_canceled (false)."""
        return self.ctl("POST", "rooms", dict(processing, email=email, name=name, capacity=capacity,
                                              building=building, floor=floor, roomlist=roomlist,
                                              auto_accept=auto_accept, allow_conflicts=allow_conflicts))

    def add_person(self, email, name=None):
        return self.ctl("POST", "people", {"email": email, "name": name})

    def set_mailbox(self, email, **kw):
        """auto_accept, allow_conflicts, add_organizer_to_subject, delete_subject,
        delete_comments, remove_canceled, capacity, building, floor, name."""
        return self.ctl("PATCH", "mailboxes/" + q(email), kw)

    def items(self, email, start=None, end=None):
        """The calendar as stored: masters and single items, or every instance in [start, end)."""
        params = {"start": start, "end": end} if start else {}
        return self.ctl("GET", "mailboxes/%s/items" % q(email), **params)

    def delete_item(self, email, item_id):
        """Someone deletes an item of the calendar in Outlook."""
        return self.ctl("DELETE", "mailboxes/%s/items/%s" % (q(email), urllib.parse.quote(item_id, safe="")))

    def book(self, organizer, rooms, subject, start, end, recurrence=None, **extra):
        """Someone books a meeting in Outlook with the rooms as resources; each
        room accepts (no clash) or declines. start/end ISO 8601 (Z).
        recurrence: {type: daily|weekly, interval?, days?, count? | until?}.
        Returns {meeting_id, uid, organizer, rooms: {email: {response, item_id}}}."""
        body = dict(extra, organizer=organizer, rooms=[rooms] if isinstance(rooms, str) else list(rooms),
                    subject=subject, start=start, end=end, recurrence=recurrence)
        return self.ctl("POST", "meetings", body)

    def update_meeting(self, meeting_id, **changes):
        """subject, location, body, start, end, recurrence; or occurrence (its
        original start) with those fields or cancel=True."""
        return self.ctl("PATCH", "meetings/" + q(meeting_id), changes)

    def cancel_meeting(self, meeting_id):
        return self.ctl("DELETE", "meetings/" + q(meeting_id))

    def meeting(self, meeting_id):
        return self.ctl("GET", "meetings/" + q(meeting_id))

    def throttle(self, on=True, count=-1, backoff_ms=2000):
        return self.ctl("POST", "throttle", {"on": on, "count": count, "backoff_ms": backoff_ms})

    def outage(self, on=True, mode="hang"):
        """hang (hold connections unanswered), close (drop them), http503."""
        return self.ctl("POST", "outage", {"on": on, "mode": mode})

    def invalidate_sync_states(self, mailbox=None):
        return self.ctl("POST", "syncstates/invalidate", {"mailbox": mailbox})

    def subscriptions(self):
        return self.ctl("GET", "subscriptions")

    def expire_subscription(self, sid):
        return self.ctl("POST", "subscriptions/%s/expire" % q(sid))

    def advance_clock(self, seconds):
        return self.ctl("POST", "clock", {"advance": seconds})

    def requests(self, operation=None):
        """The log of SOAP requests: operation, user, impersonated, status, codes or fault."""
        return self.ctl("GET", "requests", **({"operation": operation} if operation else {}))

    def responses(self):
        """Invitations, cancellations and meeting responses sent (and rooms' automatic answers)."""
        return self.ctl("GET", "responses")

    def wait_for(self, pred, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            v = pred()
            if v:
                return v
            time.sleep(0.05)
        raise AssertionError("condition not met in %ss" % timeout)
