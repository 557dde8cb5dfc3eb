#!/usr/bin/python3
"""A fake of the Google Workspace APIs convene's room sync uses (issue 16):
the OAuth token endpoint for a service account's JWT bearer grant with
domain-wide delegation, Admin SDK Directory calendar resources and buildings,
Calendar API v3 events (list with page and sync tokens, get, insert, patch,
update, delete, instances, watch) and channels.stop, with push notifications
carrying the X-Goog-* headers. One threaded loopback HTTP server, following
Google's documented request and answer shapes so that production code reaches
it through the same code path as Google, only the base URLs differing. A
control API under /_fake/ (a path Google never uses) drives it from tests.
README.md lists every endpoint with the Google page it follows.

Run: /usr/bin/python3 fake_google.py --port 0; the first line on stdout is
`listening 127.0.0.1:PORT`. Standard library only, except RSA: Debian's
python3-cryptography (verifying RS256 and making test keys)."""
import base64
import datetime as dt
import email.utils
import hashlib
import http.client
import json
import queue
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
import zoneinfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import fakehttp  # noqa: E402  (tests/fakes/fakehttp.py)
from fakehttp import FakeHandler  # noqa: E402

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SCOPE_CAL = "https://www.googleapis.com/auth/calendar"
SCOPE_CAL_RO = "https://www.googleapis.com/auth/calendar.readonly"
SCOPE_EVENTS = "https://www.googleapis.com/auth/calendar.events"
SCOPE_EVENTS_RO = "https://www.googleapis.com/auth/calendar.events.readonly"
SCOPE_DIR = "https://www.googleapis.com/auth/admin.directory.resource.calendar"
SCOPE_DIR_RO = "https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly"
CAL_READ = {SCOPE_CAL, SCOPE_CAL_RO, SCOPE_EVENTS, SCOPE_EVENTS_RO}
CAL_WRITE = {SCOPE_CAL, SCOPE_EVENTS}
DIR_READ = {SCOPE_DIR, SCOPE_DIR_RO}
MAX_BODY = 1 << 20
MAX_ASSERTION_LIFETIME = 3600  # "at most one hour after the issued time"
CLOCK_SKEW = 300  # how far in the future an assertion's iat may be
DEFAULT_CHANNEL_TTL = 604800  # a week, Calendar's default channel lifetime
PUSH_SENDERS = 8
MAX_INSTANCES = 730  # expansion cap of an endless series (see README)
EVENT_ID_RE = re.compile(r"^[a-v0-9]{5,1024}$")  # base32hex, lower case
UNAUTHORIZED_CLIENT = ("Client is unauthorized to retrieve access tokens using this method, or client "
                       "not authorized for any of the scopes requested.")
BAD_TIME = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
            "Check your iat and exp values in the JWT claim.")


class ApiError(Exception):
    """An error answer in Google's JSON error shape (Calendar and Directory)."""

    def __init__(self, status, reason, message, domain="global", location=None, location_type=None,
                 headers=None, extra=None):
        super().__init__(message)
        self.status = status
        err = {"domain": domain, "reason": reason, "message": message}
        if location:
            err["locationType"] = location_type or "parameter"
            err["location"] = location
        self.body = {"error": {"errors": [err], "code": status, "message": message}}
        if extra:
            self.body["error"].update(extra)
        self.headers = headers or {}


class OAuthError(Exception):
    """An error answer of the token endpoint: {error, error_description}."""

    def __init__(self, status, error, description):
        super().__init__(description)
        self.status = status
        self.body = {"error": error, "error_description": description}


def invalid(message, location=None):
    return ApiError(400, "invalid", message, location=location)


def not_found():
    return ApiError(404, "notFound", "Not Found")


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_dec(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def rfc3339_ms(t):
    """updated/created as Google writes them: 2024-03-15T22:00:00.123Z."""
    d = dt.datetime.fromtimestamp(t, dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def fmt_local(d):
    """A dateTime in its zone's offset: 2024-03-15T10:00:00+01:00 (Z for UTC)."""
    s = d.strftime("%Y-%m-%dT%H:%M:%S")
    off = d.utcoffset()
    if not off:
        return s + "Z"
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    mins = abs(mins)
    return s + "%s%02d:%02d" % (sign, mins // 60, mins % 60)


def parse_rfc3339(value, location):
    """A timestamp with a mandatory offset (timeMin, timeMax, dateTime)."""
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", value):
        raise invalid("Bad Request", location)
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid("Bad Request", location)


def zone(name, location="timeZone"):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise invalid("Invalid time zone definition for %s." % location.split(".")[0], location)


class When:
    """An event's start or end: a tz-aware moment (dateTime) or a date (all day)."""

    def __init__(self, obj, field, cal_tz):
        if not isinstance(obj, dict):
            raise invalid("Missing %s." % field, field)
        self.tzname = obj.get("timeZone")
        if self.tzname is not None:
            zone(self.tzname, field + ".timeZone")
        if obj.get("date"):
            if obj.get("dateTime"):
                raise invalid("Invalid %s." % field, field)
            try:
                self.date = dt.date.fromisoformat(obj["date"])
            except (ValueError, TypeError):
                raise invalid("Invalid %s." % field, field + ".date")
            self.moment = None
            return
        self.date = None
        v = obj.get("dateTime")
        if not isinstance(v, str):
            raise invalid("Missing %s." % field, field)
        m = re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$", v)
        if not m:
            raise invalid("Invalid %s." % field, field + ".dateTime")
        if m.group(2) is None:
            # a wall-clock time is read in its timeZone; Google refuses it without one
            if not self.tzname:
                raise invalid("Missing time zone definition for %s time." % field, field)
            naive = dt.datetime.fromisoformat(v)
            self.moment = naive.replace(tzinfo=zoneinfo.ZoneInfo(self.tzname))
        else:
            self.moment = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        self.cal_tz = cal_tz

    def ts(self, cal_tz="UTC"):
        if self.date is not None:
            return dt.datetime.combine(self.date, dt.time(), zoneinfo.ZoneInfo(cal_tz)).timestamp()
        return self.moment.timestamp()


def render_time(moment_or_date, tzname):
    if isinstance(moment_or_date, dt.datetime):
        out = {"dateTime": fmt_local(moment_or_date.astimezone(zoneinfo.ZoneInfo(tzname)))}
        out["timeZone"] = tzname
        return out
    return {"date": moment_or_date.isoformat()}


# ---- recurrence (RFC 5545 RRULE, the subset README.md names) ----
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def parse_recurrence(lines, start_is_date, tzname):
    """recurrence[] lines: one RRULE and EXDATE lines. Returns (rule dict, exdates set)."""
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise invalid("Invalid recurrence rule.", "recurrence")
    rule, exdates = None, set()
    for line in lines:
        name, _, value = line.partition(":")
        head = name.split(";")
        if head[0].upper() == "RRULE":
            if rule is not None:
                raise invalid("Invalid recurrence rule.", "recurrence")
            rule = {}
            for part in value.split(";"):
                k, _, v = part.partition("=")
                rule[k.upper()] = v.upper()
            if rule.get("FREQ") not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
                raise invalid("Invalid recurrence rule.", "recurrence")
            if set(rule) - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST"}:
                raise invalid("Invalid recurrence rule.", "recurrence")
            try:
                rule["INTERVAL"] = int(rule.get("INTERVAL", "1"))
                if "COUNT" in rule:
                    rule["COUNT"] = int(rule["COUNT"])
            except ValueError:
                raise invalid("Invalid recurrence rule.", "recurrence")
            if rule["INTERVAL"] < 1 or rule.get("COUNT", 1) < 1:
                raise invalid("Invalid recurrence rule.", "recurrence")
            if "BYDAY" in rule:
                days = rule["BYDAY"].split(",")
                if rule["FREQ"] != "WEEKLY" or any(d not in WEEKDAYS for d in days):
                    raise invalid("Invalid recurrence rule.", "recurrence")
                rule["BYDAY"] = sorted(WEEKDAYS.index(d) for d in days)
            if "UNTIL" in rule:
                u = rule["UNTIL"]
                try:
                    if len(u) == 8:
                        rule["UNTIL"] = dt.datetime.strptime(u, "%Y%m%d").replace(tzinfo=dt.timezone.utc) \
                            + dt.timedelta(days=1, seconds=-1)
                    else:
                        rule["UNTIL"] = dt.datetime.strptime(u, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
                except ValueError:
                    raise invalid("Invalid recurrence rule.", "recurrence")
        elif head[0].upper() == "EXDATE":
            params = dict(p.partition("=")[::2] for p in head[1:])
            for v in value.split(","):
                try:
                    if len(v) == 8:
                        exdates.add(dt.date(int(v[:4]), int(v[4:6]), int(v[6:8])).isoformat())
                    elif v.endswith("Z"):
                        exdates.add(dt.datetime.strptime(v, "%Y%m%dT%H%M%SZ")
                                    .replace(tzinfo=dt.timezone.utc).timestamp())
                    else:
                        z = zoneinfo.ZoneInfo(params.get("TZID", tzname))
                        exdates.add(dt.datetime.strptime(v, "%Y%m%dT%H%M%S").replace(tzinfo=z).timestamp())
                except (ValueError, zoneinfo.ZoneInfoNotFoundError):
                    raise invalid("Invalid recurrence rule.", "recurrence")
        elif head[0].upper() not in ("RDATE", "EXRULE"):
            raise invalid("Invalid recurrence rule.", "recurrence")
        else:
            raise invalid("Invalid recurrence rule.", "recurrence")
    if rule is None:
        raise invalid("Invalid recurrence rule.", "recurrence")
    return rule, exdates


def occurrences(first, rule, exdates, until_ts=None, limit=MAX_INSTANCES):
    """Starts of a series, on the wall clock of first's zone (a DST change keeps
    the local hour). first: a tz-aware datetime or a date. Generated until
    COUNT, UNTIL, until_ts or `limit`; EXDATEs are left out after counting."""
    is_date = not isinstance(first, dt.datetime)
    out, n, k = [], 0, 0
    count = rule.get("COUNT")
    step = rule["INTERVAL"]

    def add_months(d, months):
        y, m = divmod(d.month - 1 + months, 12)
        try:
            return d.replace(year=d.year + y, month=m + 1)
        except ValueError:
            return None  # Jan 31 + 1 month: RFC 5545 skips invalid dates

    while k < 100000:
        if rule["FREQ"] == "DAILY":
            cands = [first + dt.timedelta(days=k * step)]
        elif rule["FREQ"] == "WEEKLY":
            days = rule.get("BYDAY") or [first.weekday()]
            week0 = first - dt.timedelta(days=first.weekday()) + dt.timedelta(weeks=k * step)
            cands = [week0 + dt.timedelta(days=d) for d in days]
            cands = [c for c in cands if c >= first]
        elif rule["FREQ"] == "MONTHLY":
            cands = [add_months(first, k * step)]
        else:
            cands = [add_months(first, 12 * k * step)]
        k += 1
        for c in cands:
            if c is None:
                continue
            if not is_date:
                c = c.replace(tzinfo=None).replace(tzinfo=first.tzinfo)  # wall clock
            ts = c.timestamp() if not is_date else None
            cmp = c if not is_date else dt.datetime.combine(c, dt.time(), dt.timezone.utc)
            if "UNTIL" in rule and cmp > rule["UNTIL"]:
                return out
            if count is not None and n >= count:
                return out
            if until_ts is not None and (ts if ts is not None else cmp.timestamp()) >= until_ts:
                return out
            n += 1
            key = c.isoformat() if is_date else ts
            if key not in exdates:
                out.append(c)
            if len(out) >= limit:
                return out
    return out


def instance_suffix(start):
    if isinstance(start, dt.datetime):
        return start.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return start.strftime("%Y%m%d")


class State:
    """Everything the fake knows, behind one lock."""

    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.RLock()
        # push messages: a few senders, each channel always on the same one, so
        # that a channel's messages arrive in order and a slow receiver holds up few others
        self.outboxes = [queue.Queue() for _ in range(PUSH_SENDERS)]
        self.reset()

    def reset(self):
        with self.lock:
            self.config = {
                "domain": self.opts.domain, "customer_id": "C0" + secrets.token_hex(4),
                "token_lifetime": 3600, "push": True, "channel_ttl": DEFAULT_CHANNEL_TTL,
                "accepted_audiences": [self.opts.base + "/token"],
                "calendar_time_zone": "UTC",
            }
            self.accounts = {}  # client_email -> service account (with its public keys)
            self.grants = {}  # client_id -> set of scopes granted in Admin (domain-wide delegation)
            self.users = {}  # email -> {"email", "admin"}
            self.tokens = {}  # access token -> {client_email, client_id, sub, scopes, exp}
            self.buildings = {}
            self.resources = {}  # resourceId -> CalendarResource
            self.calendars = {}  # calendarId (resource e-mail) -> {"events": {}, "tz", "generation"}
            self.channels = {}  # channel id -> channel
            self.seq = 0
            self.faults = []
            self.calls = []
            self.deliveries = []
            self.clock_offset = 0.0

    def now(self):
        return time.time() + self.clock_offset

    def record(self, kind, **kw):
        with self.lock:
            self.calls.append(dict(kind=kind, at=round(self.now(), 3), **kw))

    def next_seq(self):
        self.seq += 1
        return self.seq

    # ---- service accounts and users ----
    def add_account(self, body):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        project = body.get("project_id") or "convene-test-%s" % secrets.token_hex(3)
        name = body.get("name") or "convene-sync"
        client_id = body.get("client_id") or str(100000000000000000000 + secrets.randbelow(10 ** 20))
        email_ = body.get("client_email") or "%s@%s.iam.gserviceaccount.com" % (name, project)
        kid = secrets.token_hex(20)
        keyfile = {
            "type": "service_account", "project_id": project, "private_key_id": kid,
            "private_key": pem, "client_email": email_, "client_id": client_id,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": "https://oauth2.googleapis.com/token",
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                    + urllib.parse.quote(email_),
            "universe_domain": "googleapis.com",
        }
        with self.lock:
            acc = self.accounts.setdefault(email_, {"client_email": email_, "client_id": client_id,
                                                    "project_id": project, "keys": {}})
            acc["keys"][kid] = key.public_key()
            if "scopes" in body:
                self.grants[client_id] = set(body["scopes"])
        return keyfile

    def add_user(self, body):
        em = str(body.get("email") or "")
        if "@" not in em:
            raise invalid("email required")
        with self.lock:
            u = {"email": em.lower(), "admin": bool(body.get("admin", False))}
            self.users[u["email"]] = u
        return u

    # ---- directory ----
    def add_building(self, body):
        b = {"kind": "admin#directory#resources#buildings#Building",
             "etags": '"%s"' % secrets.token_urlsafe(20),
             "buildingId": body.get("buildingId") or "b" + secrets.token_hex(4),
             "buildingName": body.get("buildingName") or "Building",
             "description": body.get("description", ""),
             "floorNames": list(body.get("floorNames") or ["1"])}
        for k in ("coordinates", "address"):
            if k in body:
                b[k] = body[k]
        with self.lock:
            self.buildings[b["buildingId"]] = b
        return b

    def add_resource(self, body):
        with self.lock:
            rid = str(body.get("resourceId") or str(10 ** 10 + secrets.randbelow(9 * 10 ** 10)))
            name = body.get("resourceName") or "Room %s" % rid
            cust = self.config["customer_id"]
            em = (body.get("resourceEmail")
                  or "%s-%s@resource.calendar.google.com" % (cust.lower(), secrets.token_hex(8)))
            features = list(body.get("features") or [])
            r = {"kind": "admin#directory#resources#calendars#CalendarResource",
                 "etags": '"%s"' % secrets.token_urlsafe(20),
                 "resourceId": rid, "resourceName": name, "resourceEmail": em,
                 "resourceType": body.get("resourceType", "Conference room"),
                 "resourceDescription": body.get("resourceDescription", ""),
                 "userVisibleDescription": body.get("userVisibleDescription", ""),
                 "resourceCategory": body.get("resourceCategory", "CONFERENCE_ROOM"),
                 "featureInstances": [{"feature": {"name": f}} for f in features]}
            if body.get("capacity") is not None:
                r["capacity"] = int(body["capacity"])
            if body.get("buildingId"):
                r["buildingId"] = body["buildingId"]
            if body.get("floorName"):
                r["floorName"] = str(body["floorName"])
            if body.get("floorSection"):
                r["floorSection"] = body["floorSection"]
            # Google's generated name: "Building-Floor-Name (capacity) [features]"
            bname = self.buildings.get(r.get("buildingId"), {}).get("buildingName")
            gen = "-".join(x for x in (bname, r.get("floorName"), r.get("floorSection"), name) if x)
            if "capacity" in r:
                gen += " (%d)" % r["capacity"]
            if features:
                gen += " [%s]" % ", ".join(features)
            r["generatedResourceName"] = gen
            self.resources[rid] = r
            self.calendars[em] = {"events": {}, "tz": body.get("timeZone") or self.config["calendar_time_zone"],
                                  "generation": 0, "resource": rid,
                                  "resource_id": b64url(hashlib.sha256(em.encode()).digest()[:20])}
        return r

    def is_resource(self, em):
        c = self.calendars.get((em or "").lower())
        return bool(c and c.get("resource"))

    # ---- events ----
    def cal(self, cal_id):
        c = self.calendars.get(cal_id.lower())
        if not c:
            raise not_found()
        return c

    def touch(self, ev):
        """An event changed: new position in the calendar's change order, updated, etag."""
        ev["_seq"] = self.next_seq()
        t = self.now()
        ev["updated"] = rfc3339_ms(t)
        ev["etag"] = '"%d"' % (int(t * 1000000) * 10 + ev["_seq"] % 10)

    def master_of(self, c, ev):
        return c["events"].get(ev.get("recurringEventId")) if ev.get("recurringEventId") else None

    def expand(self, c, master, until_ts=None, limit=MAX_INSTANCES):
        """(instance id, start value, end value) of a recurring event's occurrences."""
        tzname = master["start"].get("timeZone") or c["tz"]
        s = When(master["start"], "start", c["tz"])
        e = When(master["end"], "end", c["tz"])
        rule, ex = parse_recurrence(master["recurrence"], s.date is not None, tzname)
        if s.date is not None:
            first, length = s.date, (e.date - s.date)
        else:
            first = s.moment.astimezone(zoneinfo.ZoneInfo(tzname))
            length = e.moment - s.moment
        out = []
        for st in occurrences(first, rule, ex, until_ts, limit):
            out.append((master["id"] + "_" + instance_suffix(st), st, st + length, tzname))
        return out

    def instance_view(self, c, master, iid, st, en, tzname):
        """An unmodified occurrence, or its exception record."""
        exc = c["events"].get(iid)
        if exc:
            return exc
        ev = {k: v for k, v in master.items() if k not in ("recurrence",)}
        ev["id"] = iid
        ev["recurringEventId"] = master["id"]
        ev["start"] = render_time(st, tzname)
        ev["end"] = render_time(en, tzname)
        ev["originalStartTime"] = dict(ev["start"])
        return ev

    def span(self, c, ev):
        """(start, end) Unix times of a single event or exception."""
        return When(ev["start"], "start", c["tz"]).ts(c["tz"]), When(ev["end"], "end", c["tz"]).ts(c["tz"])

    def busy_spans(self, c, lo, hi, skip_id=None):
        """Busy time on a room's calendar between lo and hi: confirmed or
        tentative, opaque, not declined by the room (the calendar itself)."""
        out = []
        for ev in list(c["events"].values()):
            base = ev.get("recurringEventId") or ev["id"]
            if skip_id and base == skip_id:
                continue
            if ev.get("recurrence"):
                for iid, st, en, tz in self.expand(c, ev, until_ts=hi):
                    inst = self.instance_view(c, ev, iid, st, en, tz)
                    if inst is not ev and inst.get("id") in c["events"]:
                        continue  # the exception record is looked at itself
                    a, b = self.span(c, inst)
                    if a < hi and b > lo and self.is_busy(c, inst):
                        out.append((a, b, inst["id"]))
                continue
            if not self.is_busy(c, ev):
                continue
            a, b = self.span(c, ev)
            if a < hi and b > lo:
                out.append((a, b, ev["id"]))
        return out

    def is_busy(self, c, ev):
        if ev.get("status") == "cancelled" or ev.get("transparency") == "transparent":
            return False
        for a in ev.get("attendees") or []:
            if a.get("self") and a.get("responseStatus") == "declined":
                return False
        return True

    def room_answer(self, cal_id, ev):
        """A room invited by someone else answers as Google's rooms do:
        accepted when the room is free for every occurrence, declined otherwise."""
        c = self.calendars[cal_id]
        me = next((a for a in ev.get("attendees") or [] if a.get("email", "").lower() == cal_id), None)
        if me is None or (ev.get("organizer") or {}).get("email", "").lower() == cal_id:
            return None
        if ev.get("status") == "cancelled":
            return me.get("responseStatus")
        if ev.get("recurrence"):
            spans = [self.span(c, self.instance_view(c, ev, *x)) for x in
                     self.expand(c, ev, until_ts=self.span(c, ev)[0] + 366 * 86400)]
        else:
            spans = [self.span(c, ev)]
        free = all(not self.busy_spans(c, a, b, skip_id=ev.get("recurringEventId") or ev["id"])
                   for a, b in spans)
        me["responseStatus"] = "accepted" if free else "declined"
        return me["responseStatus"]


def event_id():
    """A new event id: base32hex characters, as Google's ids are."""
    alphabet = "0123456789abcdefghijklmnopqrstuv"
    return "".join(secrets.choice(alphabet) for _ in range(26))


# ---- push notifications ----
def enqueue(state, ch, state_name, number):
    box = state.outboxes[int(hashlib.sha1(ch["id"].encode()).hexdigest(), 16) % len(state.outboxes)]
    box.put((dict(ch), state_name, number))


def delivery_worker(state, box):
    """Sends one sender's notifications one at a time, in order (each channel's message numbers increase)."""
    while True:
        item = box.get()
        if item is None:
            return
        ch, state_name, number = item
        hdrs = {"X-Goog-Channel-ID": ch["id"], "X-Goog-Resource-ID": ch["resourceId"],
                "X-Goog-Resource-URI": ch["resourceUri"], "X-Goog-Resource-State": state_name,
                "X-Goog-Message-Number": str(number),
                "X-Goog-Channel-Expiration": email.utils.formatdate(int(ch["expiration"]) / 1000, usegmt=True),
                "User-Agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"}
        if ch.get("token") is not None:
            hdrs["X-Goog-Channel-Token"] = ch["token"]
        rec = {"channel_id": ch["id"], "calendar_id": ch["calendarId"], "address": ch["address"],
               "state": state_name, "message_number": number, "headers": hdrs}
        t0 = time.time()
        try:
            # an empty POST: no body and no Content-Type, only the X-Goog-* headers
            u = urllib.parse.urlsplit(ch["address"])
            conn_cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
            conn = conn_cls(u.hostname, u.port, timeout=5)
            try:
                conn.request("POST", (u.path or "/") + ("?" + u.query if u.query else ""), body=b"",
                             headers=hdrs)
                r = conn.getresponse()
                r.read(65536)
                rec["status"] = r.status
            finally:
                conn.close()
        except (OSError, http.client.HTTPException, ValueError) as e:
            rec.update(status=None, error=str(e))
        rec["elapsed_ms"] = round((time.time() - t0) * 1000, 2)
        with state.lock:
            state.deliveries.append(rec)


def notify(state, cal_id):
    """Every live channel on the calendar gets an `exists` message."""
    with state.lock:
        if not state.config["push"]:
            return
        now_ms = state.now() * 1000
        for ch in list(state.channels.values()):
            if ch["calendarId"] != cal_id:
                continue
            if int(ch["expiration"]) <= now_ms:
                del state.channels[ch["id"]]  # an expired channel stops sending
                continue
            # numbers increase but are not sequential (Google's push guide): steps of 1 to 3
            ch["_number"] += 1 + secrets.randbelow(3)
            enqueue(state, ch, "exists", ch["_number"])


def merge_patch(target, key, value):
    """Google's patch semantics: objects are merged member by member, arrays
    and plain values replace, null removes the field."""
    if value is None:
        target.pop(key, None)
    elif isinstance(value, dict) and isinstance(target.get(key), dict):
        for k, v in value.items():
            merge_patch(target[key], k, v)
    else:
        target[key] = value


def public(ev):
    return {k: v for k, v in ev.items() if not k.startswith("_")}


def deleted_view(ev):
    """A cancelled event as lists give it: only `id` is promised."""
    out = {k: ev[k] for k in ("kind", "etag", "id", "status", "updated", "recurringEventId",
                              "originalStartTime") if k in ev}
    return out


class Handler(FakeHandler):
    name = 'fake_google'
    server_version = "FakeGoogle/1.0"
    max_body = MAX_BODY
    bare_statuses = None

    def too_large(self):
        return ApiError(413, "uploadTooLarge", "Request too large.")

    # ---- plumbing ----
    def json_body(self):
        raw = self.read_body()
        if not raw:
            return {}
        try:
            v = json.loads(raw)
        except ValueError:
            raise ApiError(400, "parseError", "Parse Error")
        if not isinstance(v, dict):
            raise ApiError(400, "parseError", "Parse Error")
        return v

    def route(self, method):
        self._raw = None
        self.url = urllib.parse.urlsplit(self.path)
        self.qs = urllib.parse.parse_qs(self.url.query, keep_blank_values=True)
        self.query = {k: v[-1] for k, v in self.qs.items()}
        path = self.url.path
        try:
            self.read_body()
            if path.startswith("/_fake/"):
                return self.control(method, path)
            if path == "/token" and method == "POST":
                return self.token()
            if path.startswith("/calendar/v3/") or path.startswith("/admin/directory/v1/"):
                return self.api(method, path)
            raise not_found()
        except ApiError as e:
            return self.send(e.status, e.body, headers=e.headers)
        except Exception as e:  # a bug of the fake, or input it does not expect: say so, keep serving
            sys.stderr.write("fake_google: %s %s: %r\n" % (method, path, e))
            return self.send(500, ApiError(500, "backendError", "Backend Error").body)

    # ---- OAuth 2.0 for server to server applications ----
    def token(self):
        st = self.state
        rec = {}
        try:
            f = self.fault_for("token")
            if f:
                rec["status"] = f["status"]
                return self.send(f["status"], f["body"], headers=f["headers"])
            body = self.token_grant(rec)
            rec["status"] = 200
            return self.send(200, body, headers={"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate",
                                                 "Pragma": "no-cache"})
        except OAuthError as e:
            rec.update(status=e.status, error=e.body["error"], error_description=e.body["error_description"])
            return self.send(e.status, e.body)
        finally:
            st.record("token", **rec)

    def token_grant(self, rec):
        st = self.state
        raw = self.read_body().decode("utf-8", "replace")
        form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        gt = form.get("grant_type")
        if not gt:
            raise OAuthError(400, "invalid_request", "Missing required parameter: grant_type")
        if gt != JWT_BEARER:
            raise OAuthError(400, "unsupported_grant_type", "Invalid grant_type: " + gt)
        assertion = form.get("assertion")
        if not assertion:
            raise OAuthError(400, "invalid_request", "Missing required parameter: assertion")
        parts = assertion.split(".")
        try:
            if len(parts) != 3:
                raise ValueError
            header = json.loads(b64url_dec(parts[0]))
            claims = json.loads(b64url_dec(parts[1]))
            sig = b64url_dec(parts[2])
            if not isinstance(header, dict) or not isinstance(claims, dict):
                raise ValueError
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(400, "invalid_grant", "Invalid JWT: malformed assertion.")
        rec.update(iss=claims.get("iss"), sub=claims.get("sub"), scope=claims.get("scope"))
        if header.get("alg") != "RS256":
            raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
        with st.lock:
            acc = st.accounts.get(claims.get("iss"))
            keys = dict(acc["keys"]) if acc else {}
        if not acc:
            raise OAuthError(400, "invalid_grant", "Invalid grant: account not found")
        kid = header.get("kid")
        cands = [keys[kid]] if kid in keys else ([] if kid else list(keys.values()))
        signed = (parts[0] + "." + parts[1]).encode()
        good = False
        for pub in cands:
            try:
                pub.verify(sig, signed, padding.PKCS1v15(), hashes.SHA256())
                good = True
                break
            except InvalidSignature:
                pass
        if not good:
            raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
        now = st.now()
        iat, exp = claims.get("iat"), claims.get("exp")
        if (not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)) or isinstance(iat, bool)
                or isinstance(exp, bool) or exp <= iat or exp - iat > MAX_ASSERTION_LIFETIME
                or iat > now + CLOCK_SKEW or exp < now - CLOCK_SKEW):
            raise OAuthError(400, "invalid_grant", BAD_TIME)
        if claims.get("aud") not in st.config["accepted_audiences"]:
            raise OAuthError(400, "invalid_grant", "Invalid JWT: Audience is not valid: %s" % claims.get("aud"))
        scope = claims.get("scope")
        if not isinstance(scope, str) or not scope.split():
            raise OAuthError(400, "invalid_scope", "Empty or missing scope not allowed.")
        scopes = scope.split()
        sub = claims.get("sub")
        if sub is not None:
            with st.lock:
                u = st.users.get(str(sub).lower())
                granted = st.grants.get(acc["client_id"], set())
            if not u:
                raise OAuthError(400, "invalid_grant", "Invalid email or User ID")
            # domain-wide delegation: every scope asked for must be granted in Admin
            if not set(scopes) <= granted:
                raise OAuthError(401, "unauthorized_client", UNAUTHORIZED_CLIENT)
            sub = u["email"]
        tok = "ya29.c." + secrets.token_urlsafe(160)
        life = int(st.config["token_lifetime"])
        with st.lock:
            st.tokens[tok] = {"client_email": acc["client_email"], "client_id": acc["client_id"],
                              "sub": sub, "scopes": set(scopes), "exp": now + life}
        return {"access_token": tok, "expires_in": life, "token_type": "Bearer"}

    # ---- API plumbing ----
    def fault_for(self, target, path="", method=""):
        st = self.state
        with st.lock:
            for f in st.faults:
                if f["count"] != 0 and (f["target"] == target or (f["target"] == "all")) \
                        and path.startswith(f.get("path") or "") \
                        and (not f.get("method") or f["method"] == method):
                    if f["count"] > 0:
                        f["count"] -= 1
                    return f
        return None

    def bearer(self):
        st = self.state
        h = self.headers.get("Authorization", "")
        tok = h[7:].strip() if h.lower().startswith("bearer ") else None
        with st.lock:
            t = st.tokens.get(tok) if tok else None
            if not t or t["exp"] <= st.now():
                raise ApiError(401, "authError", "Invalid Credentials", location="Authorization",
                               location_type="header",
                               headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
                                                           'error="invalid_token"'},
                               extra={"status": "UNAUTHENTICATED"})
            return t

    def need(self, tok, allowed):
        if not tok["scopes"] & allowed:
            raise ApiError(403, "insufficientPermissions", "Request had insufficient authentication scopes.",
                           extra={"status": "PERMISSION_DENIED"})

    def api(self, method, path):
        st = self.state
        rec = {"method": method, "path": path, "query": dict(self.query)}
        try:
            f = self.fault_for("api", path, method)
            if f and f.get("delay"):
                # a slow answer: the call is held, then served as usual
                # (status 0) or failed; `started` counts the calls held
                with st.lock:
                    f["started"] = f.get("started", 0) + 1
                time.sleep(f["delay"])
                if not f["status"]:
                    f = None
            if f:
                rec["status"] = f["status"]
                st.record("api", **rec)
                return self.send(f["status"], f["body"], headers=f["headers"])
            tok = self.bearer()
            rec["sub"] = tok["sub"]
            if path.startswith("/admin/directory/v1/"):
                status, body = self.directory(method, path[len("/admin/directory/v1/"):], tok)
            else:
                status, body = self.calendar(method, path[len("/calendar/v3/"):], tok)
        except ApiError as e:
            rec["status"] = e.status
            rec["reason"] = e.body["error"]["errors"][0]["reason"]
            st.record("api", **rec)
            return self.send(e.status, e.body, headers=e.headers)
        rec["status"] = status
        st.record("api", **rec)
        self.send(status, body if body is not None else b"")

    def int_param(self, name, lo, hi, default):
        v = self.query.get(name)
        if v is None:
            return default
        try:
            n = int(v)
        except ValueError:
            raise invalid("Invalid value '%s'. Values must match the following regular expression: '[0-9]+'"
                          % v, name)
        if n < lo:
            raise invalid("Invalid value '%s'. Values must be within the range: [%d, %d]" % (v, lo, hi), name)
        return min(n, hi)

    # ---- Admin SDK Directory ----
    def directory(self, method, path, tok):
        st = self.state
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if len(parts) < 4 or parts[0] != "customer" or parts[2] != "resources" or method != "GET":
            raise not_found()
        self.need(tok, DIR_READ)
        with st.lock:
            u = st.users.get(tok["sub"] or "")
            if not u or not u["admin"] or parts[1] not in ("my_customer", st.config["customer_id"]):
                raise ApiError(403, "forbidden", "Not Authorized to access this resource/api")
            if parts[3] == "calendars" and len(parts) == 5:
                r = st.resources.get(parts[4])
                if not r:
                    raise ApiError(404, "notFound", "Resource Not Found: " + parts[4])
                return 200, r
            if parts[3] == "calendars" and len(parts) == 4:
                items = sorted(st.resources.values(), key=lambda r: r["resourceId"])
                key, kind, name = "resourceId", "admin#directory#resources#calendars#calendarResourcesList", "items"
            elif parts[3] == "buildings" and len(parts) == 4:
                items = sorted(st.buildings.values(), key=lambda b: b["buildingId"])
                key, kind, name = "buildingId", "admin#directory#resources#buildings#buildingsList", "buildings"
            else:
                raise not_found()
            limit = self.int_param("maxResults", 1, 500, 100)
            after = None
            if self.query.get("pageToken"):
                try:
                    after = json.loads(b64url_dec(self.query["pageToken"]))["after"]
                except (ValueError, KeyError, TypeError):
                    raise invalid("Invalid Input: pageToken", "pageToken")
            if after is not None:
                items = [x for x in items if x[key] > after]
            page = items[:limit]
            out = {"kind": kind, "etag": '"%s"' % hashlib.sha1(json.dumps(page).encode()).hexdigest(), name: page}
            if len(items) > limit:
                out["nextPageToken"] = b64url(json.dumps({"after": page[-1][key]}).encode())
            return 200, out

    # ---- Calendar API v3 ----
    def calendar(self, method, path, tok):
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if parts == ["channels", "stop"] and method == "POST":
            return self.channels_stop(tok)
        if len(parts) < 3 or parts[0] != "calendars" or parts[2] != "events":
            raise not_found()
        cal_id = parts[1].lower()
        if cal_id == "primary" and tok["sub"]:
            cal_id = tok["sub"]
        rest = parts[3:]
        write = method in ("POST", "PUT", "PATCH", "DELETE") and rest != ["watch"]
        self.need(tok, CAL_WRITE if write else CAL_READ)
        st = self.state
        with st.lock:
            # the service account alone (no sub) has not been shared the rooms' calendars
            if not tok["sub"] or cal_id not in st.calendars:
                raise not_found()
            c = st.calendars[cal_id]
            if not rest and method == "GET":
                return 200, self.list_events(cal_id, c)
            if not rest and method == "POST":
                out = self.insert(cal_id, c, tok)
                changed = True
            elif rest == ["watch"] and method == "POST":
                return 200, self.watch(cal_id, c)
            elif len(rest) == 2 and rest[1] == "instances" and method == "GET":
                return 200, self.instances(cal_id, c, rest[0])
            elif len(rest) == 1 and method == "GET":
                return 200, public(self.find(c, rest[0], create=False))
            elif len(rest) == 1 and method in ("PATCH", "PUT"):
                out = self.modify(cal_id, c, rest[0], method == "PATCH")
                changed = True
            elif len(rest) == 1 and method == "DELETE":
                self.delete(c, rest[0])
                out, changed = None, True
            else:
                raise not_found()
        if changed:
            notify(st, cal_id)
        return (204 if out is None else 200), out

    def find(self, c, eid, create):
        """An event, an exception, or an occurrence of a series (materialized as
        an exception record when `create`)."""
        st = self.state
        ev = c["events"].get(eid)
        if ev:
            return ev
        base, _, suffix = eid.rpartition("_")
        master = c["events"].get(base)
        if master and master.get("recurrence") and suffix:
            for iid, s, e, tz in st.expand(c, master):
                if iid == eid:
                    inst = st.instance_view(c, master, iid, s, e, tz)
                    if create:
                        inst = json.loads(json.dumps(inst))
                        inst["iCalUID"] = master["iCalUID"]
                        c["events"][iid] = inst
                    return inst
        raise not_found()

    def validate(self, c, ev):
        s = When(ev.get("start"), "start", c["tz"])
        e = When(ev.get("end"), "end", c["tz"])
        if (s.date is None) != (e.date is None):
            raise invalid("Invalid start time.", "start")
        if e.ts(c["tz"]) <= s.ts(c["tz"]):
            raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.", domain="calendar",
                           location="end")
        if ev.get("recurrence") is not None:
            parse_recurrence(ev["recurrence"], s.date is not None, s.tzname or c["tz"])
        if ev.get("status", "confirmed") not in ("confirmed", "tentative", "cancelled"):
            raise invalid("Invalid value for: status", "status")
        for a in ev.get("attendees") or []:
            if not isinstance(a, dict) or "@" not in str(a.get("email", "")):
                raise invalid("Invalid attendee email.", "attendees")
        xp = ev.get("extendedProperties")
        if xp is not None:
            if not isinstance(xp, dict) or not all(isinstance(xp.get(k, {}), dict) for k in ("private", "shared")):
                raise invalid("Invalid extendedProperties.", "extendedProperties")
            for k in ("private", "shared"):
                for n, v in (xp.get(k) or {}).items():
                    if not isinstance(v, str) or len(n) > 44 or len(v) > 1024:
                        raise invalid("Invalid extendedProperties.", "extendedProperties")

    def normalize(self, cal_id, c, ev):
        """Times in the shape Google answers (dateTime in the given zone with
        its offset), attendee flags relative to this calendar."""
        for f in ("start", "end", "originalStartTime"):
            if f in ev and ev[f].get("dateTime"):
                w = When(ev[f], f, c["tz"])
                tzname = ev[f].get("timeZone")
                ev[f] = {"dateTime": fmt_local(w.moment.astimezone(zoneinfo.ZoneInfo(tzname or c["tz"])))}
                if tzname:
                    ev[f]["timeZone"] = tzname
        atts = []
        for a in ev.get("attendees") or []:
            a = {k: v for k, v in a.items() if k in ("email", "displayName", "optional", "responseStatus",
                                                      "comment", "additionalGuests", "organizer")}
            a["email"] = a["email"].lower()
            a.setdefault("responseStatus", "needsAction")
            if a["email"] == cal_id:
                a["self"] = True
            if self.state.is_resource(a["email"]):
                a["resource"] = True
            atts.append(a)
        if "attendees" in ev:
            ev["attendees"] = atts
            if not atts:
                del ev["attendees"]
        org = ev.get("organizer") or {}
        if org.get("email", "").lower() == cal_id:
            org["self"] = True

    ALLOWED = ("summary", "description", "location", "start", "end", "recurrence", "attendees",
               "extendedProperties", "transparency", "visibility", "status", "colorId", "reminders",
               "guestsCanModify", "guestsCanInviteOthers", "guestsCanSeeOtherGuests", "source",
               "anyoneCanAddSelf", "sequence")

    def insert(self, cal_id, c, tok, body=None, organizer=None):
        st = self.state
        body = self.json_body() if body is None else body
        eid = body.get("id")
        if eid is not None:
            if not isinstance(eid, str) or not EVENT_ID_RE.match(eid):
                raise invalid("Invalid resource id value.", "id")
            if eid in c["events"]:
                raise ApiError(409, "duplicate", "The requested identifier already exists.")
        else:
            eid = event_id()
        ev = {k: json.loads(json.dumps(body[k])) for k in self.ALLOWED if k in body}
        self.validate(c, ev)
        name = st.resources[c["resource"]]["generatedResourceName"] if c.get("resource") else None
        ev.update({"kind": "calendar#event", "id": eid,
                   "status": ev.get("status", "confirmed"),
                   "htmlLink": "https://www.google.com/calendar/event?eid=" + b64url((eid + " " + cal_id).encode()),
                   "created": rfc3339_ms(st.now()),
                   "creator": {"email": organizer or tok["sub"]},
                   "organizer": {"email": organizer or cal_id},
                   "iCalUID": body.get("iCalUID") or eid + "@google.com",
                   "sequence": int(body.get("sequence") or 0),
                   "reminders": ev.get("reminders") or {"useDefault": True},
                   "eventType": "default"})
        if organizer is None and name:
            ev["organizer"]["displayName"] = name
        self.normalize(cal_id, c, ev)
        st.touch(ev)
        c["events"][eid] = ev
        return public(ev)

    def modify(self, cal_id, c, eid, patch):
        st = self.state
        body = self.json_body()
        ev = self.find(c, eid, create=True)
        new = json.loads(json.dumps(ev)) if patch else {k: v for k, v in ev.items()
                                                         if k not in self.ALLOWED}
        for k in self.ALLOWED:
            if k in body:
                if patch:
                    merge_patch(new, k, json.loads(json.dumps(body[k])))
                elif body[k] is not None:
                    new[k] = json.loads(json.dumps(body[k]))
        if new.get("recurringEventId") and "recurrence" in body:
            raise invalid("Invalid recurrence rule.", "recurrence")  # an instance is not a series
        self.validate(c, new)
        if any(json.dumps(new.get(k)) != json.dumps(ev.get(k)) for k in ("start", "end", "recurrence")):
            new["sequence"] = int(ev.get("sequence", 0)) + 1
        self.normalize(cal_id, c, new)
        st.touch(new)
        c["events"][new["id"]] = new
        return public(new)

    def delete(self, c, eid):
        ev = self.find(c, eid, create=True)
        if ev.get("status") == "cancelled":
            raise ApiError(410, "deleted", "Resource has been deleted")
        ev["status"] = "cancelled"
        self.state.touch(ev)
        if ev.get("recurrence"):
            # deleting a series deletes its exceptions too
            for x in c["events"].values():
                if x.get("recurringEventId") == ev["id"] and x.get("status") != "cancelled":
                    x["status"] = "cancelled"
                    self.state.touch(x)

    def watch(self, cal_id, c):
        st = self.state
        body = self.json_body()
        cid, addr = body.get("id"), body.get("address")
        if not isinstance(cid, str) or not re.match(r"^[A-Za-z0-9\-_+/=]{1,64}$", cid):
            raise ApiError(400, "required" if not cid else "invalid",
                           "Required" if not cid else "Invalid channel id.", location="id")
        if body.get("type") not in ("web_hook", "webhook"):
            raise ApiError(400, "invalid", "Invalid value for: type", location="type")
        if not isinstance(addr, str) or not addr.startswith(("https://", "http://")):
            raise ApiError(400, "push.webhookUrlNotHttps", "WebHook callback must be HTTPS: %s" % addr,
                           domain="push")
        if cid in st.channels:
            raise ApiError(400, "channelIdNotUnique", "Channel id not unique", domain="push")
        ttl = (body.get("params") or {}).get("ttl")
        now = st.now()
        if ttl is not None:
            try:
                ttl = int(ttl)
            except (ValueError, TypeError):
                raise invalid("Invalid value for: params.ttl", "params.ttl")
            exp = now + ttl
        elif body.get("expiration"):
            try:
                exp = int(body["expiration"]) / 1000
            except (ValueError, TypeError):
                raise invalid("Invalid value for: expiration", "expiration")
        else:
            exp = now + int(st.config["channel_ttl"])
        ch = {"kind": "api#channel", "id": cid, "resourceId": c["resource_id"],
              "resourceUri": self.state.opts.base + "/calendar/v3/calendars/%s/events?alt=json"
                             % urllib.parse.quote(cal_id, safe="@"),
              "expiration": str(int(exp * 1000))}
        if body.get("token") is not None:
            ch["token"] = str(body["token"])
        st.channels[cid] = dict(ch, address=addr, calendarId=cal_id, _number=1)
        # the first message of a channel says it is set up: state "sync"
        if st.config["push"]:
            enqueue(st, st.channels[cid], "sync", 1)
        return ch

    def channels_stop(self, tok):
        st = self.state
        body = self.json_body()
        with st.lock:
            ch = st.channels.get(body.get("id"))
            if not ch or ch["resourceId"] != body.get("resourceId"):
                raise not_found()
            del st.channels[ch["id"]]
        return 204, None

    def instances(self, cal_id, c, eid):
        st = self.state
        master = c["events"].get(eid)
        if not master or not master.get("recurrence"):
            raise not_found()
        lo = parse_rfc3339(self.query["timeMin"], "timeMin").timestamp() if "timeMin" in self.query else None
        hi = parse_rfc3339(self.query["timeMax"], "timeMax").timestamp() if "timeMax" in self.query else None
        show_deleted = self.query.get("showDeleted") == "true"
        items = []
        for x in st.expand(c, master, until_ts=hi):
            inst = st.instance_view(c, master, *x)
            if inst.get("status") == "cancelled" and not show_deleted and master.get("status") != "cancelled":
                continue
            a, b = st.span(c, inst)
            if lo is not None and b <= lo:
                continue
            items.append(public(inst))
        return self.page(items, lambda e: (e["id"],), {"kind": "calendar#events", "summary": cal_id,
                                                         "timeZone": c["tz"]}, None, eid)[0]

    def page(self, items, keyf, head, snap, qhash=""):
        """One page of items sorted by keyf; the page token remembers the last key."""
        limit = self.int_param("maxResults", 1, 2500, 250)
        after = None
        if self.query.get("pageToken"):
            try:
                tokd = json.loads(b64url_dec(self.query["pageToken"]))
                after, snap2, q2 = tokd["after"], tokd["snap"], tokd["q"]
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                raise invalid("Invalid page token value.", "pageToken")
            if q2 != qhash:
                raise invalid("Invalid page token value.", "pageToken")
            snap = snap2
        items = sorted(items, key=keyf)
        if after is not None:
            items = [x for x in items if keyf(x) > tuple(after)]
        page = items[:limit]
        out = dict(head)
        out["items"] = page
        if len(items) > limit:
            out["nextPageToken"] = b64url(json.dumps({"after": list(keyf(page[-1])), "snap": snap,
                                                      "q": qhash}).encode())
        return out, snap

    def list_events(self, cal_id, c):
        st = self.state
        q = self.query
        sync = q.get("syncToken")
        single = q.get("singleEvents") == "true"
        show_deleted = q.get("showDeleted") == "true"
        order = q.get("orderBy")
        if order not in (None, "startTime", "updated"):
            raise invalid("Invalid value for: orderBy", "orderBy")
        if order == "startTime" and not single:
            raise invalid("The requested ordering is not available for the particular query.", "orderBy")
        lo = hi = None
        if sync:
            bad = [p for p in ("iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty",
                               "timeMin", "timeMax", "updatedMin") if p in q]
            if bad:
                raise invalid("Sync token cannot be used with %s." % bad[0], bad[0])
            try:
                d = json.loads(b64url_dec(sync))
                since, gen, scal = int(d["seq"]), int(d["gen"]), d["cal"]
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                raise invalid("Invalid sync token value.", "syncToken")
            if scal != cal_id:
                raise invalid("Invalid sync token value.", "syncToken")
            if gen != c["generation"]:
                raise ApiError(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.",
                               domain="calendar")
        else:
            since = None
            if "timeMin" in q:
                lo = parse_rfc3339(q["timeMin"], "timeMin").timestamp()
            if "timeMax" in q:
                hi = parse_rfc3339(q["timeMax"], "timeMax").timestamp()
            if lo is not None and hi is not None and hi <= lo:
                raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.", domain="calendar",
                               location="timeMax")
        props = [p.partition("=") for p in self.qs.get("privateExtendedProperty", [])]
        qhash = hashlib.sha1(json.dumps(sorted((k, v) for k, v in q.items()
                                               if k not in ("pageToken", "maxResults"))).encode()).hexdigest()
        snap = st.seq
        if q.get("pageToken"):
            try:
                snap = json.loads(b64url_dec(q["pageToken"]))["snap"]
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                raise invalid("Invalid page token value.", "pageToken")
        items = []
        for ev in c["events"].values():
            if ev["_seq"] > snap:
                continue  # changed after the first page: comes with the next sync
            if since is not None and ev["_seq"] <= since and not (single and ev.get("recurrence")):
                continue
            if any(((ev.get("extendedProperties") or {}).get("private") or {}).get(k) != v for k, _, v in props):
                continue
            if "iCalUID" in q and ev.get("iCalUID") != q["iCalUID"]:
                continue
            if single and ev.get("recurringEventId"):
                continue  # exceptions come with their series' expansion below
            if single and ev.get("recurrence"):
                master_changed = since is None or ev["_seq"] > since
                for x in st.expand(c, ev, until_ts=hi):
                    inst = st.instance_view(c, ev, *x)
                    if since is not None and not master_changed and inst.get("_seq", 0) <= since:
                        continue
                    if inst.get("_seq", 0) > snap:
                        continue
                    if ev["status"] == "cancelled":
                        inst = dict(deleted_view(inst), status="cancelled")
                    items.append(inst)
                continue
            items.append(ev)
        out = []
        for ev in items:
            cancelled = ev.get("status") == "cancelled"
            if cancelled and since is None and not show_deleted:
                # cancelled instances of a series still show when singleEvents and showDeleted are both false
                if single or not ev.get("recurringEventId"):
                    continue
            if since is None and not cancelled and (lo is not None or hi is not None):
                if ev.get("recurrence"):
                    # a series is listed when one of its occurrences meets the window
                    if not any((lo is None or st.span(c, st.instance_view(c, ev, *x))[1] > lo)
                               for x in st.expand(c, ev, until_ts=hi)):
                        continue
                else:
                    a, b = st.span(c, ev)
                    if (lo is not None and b <= lo) or (hi is not None and a >= hi):
                        continue
            out.append(deleted_view(ev) if cancelled else public(ev))

        def key(e):
            if order == "startTime":
                s = e.get("start") or e.get("originalStartTime") or {}
                return (When(s, "start", c["tz"]).ts(c["tz"]) if s else 0, e["id"])
            if order == "updated":
                return (e.get("updated", ""), e["id"])
            return (e["id"],)
        head = {"kind": "calendar#events", "etag": '"%d"' % snap, "summary": cal_id, "description": "",
                "updated": rfc3339_ms(st.now()), "timeZone": c["tz"], "accessRole": "owner",
                "defaultReminders": []}
        res, snap = self.page(out, key, head, snap, qhash)
        if "nextPageToken" not in res:
            res["nextSyncToken"] = b64url(json.dumps({"cal": cal_id, "seq": snap,
                                                      "gen": c["generation"]}).encode())
        return res

    # ---- control API ----
    def control(self, method, path):
        st = self.state
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")[1:]]
        body = self.json_body()
        ok = lambda v=None: self.send(200, v if v is not None else {"ok": True})  # noqa: E731

        if parts == ["health"]:
            return ok()
        if parts == ["reset"] and method == "POST":
            st.reset()
            return ok()
        if parts == ["config"]:
            if method == "POST":
                with st.lock:
                    for k, v in body.items():
                        if k not in st.config:
                            raise invalid("unknown config key %s" % k)
                        st.config[k] = v
            return ok(dict(st.config))
        if parts == ["clock"] and method == "POST":
            with st.lock:
                st.clock_offset += float(body.get("advance", 0))
            return ok({"offset": st.clock_offset, "now": st.now()})
        if parts == ["service_accounts"] and method == "POST":
            return ok(st.add_account(body))
        if parts == ["service_accounts"] and method == "GET":
            with st.lock:
                return ok([{"client_email": a["client_email"], "client_id": a["client_id"],
                            "key_ids": sorted(a["keys"])} for a in st.accounts.values()])
        if len(parts) == 3 and parts[0] == "service_accounts" and parts[2] == "keys" and method == "DELETE":
            with st.lock:
                a = st.accounts.get(parts[1])
                if a:
                    a["keys"].clear()  # every key deleted in the console: assertions fail
            return ok()
        if parts == ["delegation"]:
            if method == "POST":
                # Google Admin > Security > API controls > Domain-wide delegation
                with st.lock:
                    st.grants[str(body["client_id"])] = set(body.get("scopes") or [])
            with st.lock:
                return ok({k: sorted(v) for k, v in st.grants.items()})
        if parts == ["users"]:
            if method == "POST":
                return ok(st.add_user(body))
            with st.lock:
                return ok(list(st.users.values()))
        if parts == ["tokens", "expire"] and method == "POST":
            with st.lock:
                for t in st.tokens.values():
                    t["exp"] = st.now() - 1
            return ok()
        if parts == ["buildings"] and method == "POST":
            return ok(st.add_building(body))
        if parts == ["resources"]:
            if method == "POST":
                return ok(st.add_resource(body))
            with st.lock:
                return ok(list(st.resources.values()))
        if parts == ["resources", "bulk"] and method == "POST":
            n = int(body.get("count", 1))
            if not 0 <= n <= 100000:
                raise invalid("count")
            out = [st.add_resource({"resourceName": "%s %d" % (body.get("prefix", "Room"), i + 1),
                                    "capacity": body.get("capacity", 8)})["resourceEmail"] for i in range(n)]
            return ok({"emails": out})
        if len(parts) >= 3 and parts[0] == "calendars":
            return self.control_calendar(method, parts[1].lower(), parts[2:], body, ok)
        if parts == ["channels"]:
            with st.lock:
                return ok([public(c) for c in st.channels.values()])
        if len(parts) == 3 and parts[0] == "channels" and parts[2] == "expire" and method == "POST":
            with st.lock:
                ch = st.channels.get(parts[1])
                if ch:
                    ch["expiration"] = str(int((st.now() - 1) * 1000))
            return ok({"expired": bool(ch)})
        if parts == ["push"] and method == "POST":
            with st.lock:
                st.config["push"] = bool(body.get("on", True))
            return ok()
        if parts == ["outage"] and method == "POST":
            return ok(self.switch(body, 503, "backendError", "The service is currently unavailable.",
                                  {"status": "UNAVAILABLE"}))
        if parts == ["throttle"] and method == "POST":
            status = int(body.get("status", 429))
            return ok(self.switch(body, status, "rateLimitExceeded", "Rate Limit Exceeded", None,
                                  domain="usageLimits"))
        if parts == ["faults"]:
            if method == "DELETE":
                with st.lock:
                    st.faults = []
                return ok()
            if method == "POST":
                f = {"target": body.get("target", "api"), "status": int(body.get("status", 500)),
                     "count": int(body.get("count", -1)), "headers": body.get("headers") or {},
                     "path": body.get("path") or "", "method": body.get("method") or "",
                     "delay": float(body.get("delay") or 0),
                     "body": body.get("body") or ApiError(int(body.get("status", 500)), "backendError",
                                                          "Backend Error").body, "kind": "custom"}
                with st.lock:
                    st.faults.append(f)
                return ok(f)
            with st.lock:
                return ok(list(st.faults))
        if parts == ["calls"]:
            kind = self.query.get("kind")
            with st.lock:
                return ok([c for c in st.calls if kind is None or c["kind"] == kind])
        if parts == ["stats"]:
            with st.lock:
                api = [c for c in st.calls if c["kind"] == "api"]
                return ok({"token_calls": sum(1 for c in st.calls if c["kind"] == "token"),
                           "tokens_issued": sum(1 for c in st.calls if c["kind"] == "token"
                                                and c.get("status") == 200),
                           "api_calls": len(api), "api_errors": sum(1 for c in api if c["status"] >= 400),
                           "events": sum(len(c["events"]) for c in st.calendars.values()),
                           "channels": len(st.channels), "deliveries": len(st.deliveries),
                           "resources": len(st.resources)})
        if parts == ["deliveries"]:
            with st.lock:
                return ok(list(st.deliveries))
        raise ApiError(404, "notFound", "no such control endpoint: %s %s" % (method, path))

    def switch(self, body, status, reason, message, extra, domain="global"):
        """An outage or a rate limit: Google's error answer to every API call
        (and token request with `token: true`), count times (-1: until off)."""
        st = self.state
        kind = "switch:%d" % status
        with st.lock:
            st.faults = [f for f in st.faults if f.get("kind") != kind]
            if not body.get("on", True):
                return {"on": False}
            err = ApiError(status, reason, message, domain=domain, extra=extra)
            f = {"target": "all" if body.get("token") else "api", "status": status,
                 "count": int(body.get("count", -1)), "body": err.body,
                 "headers": {"Retry-After": str(body["retry_after"])} if body.get("retry_after") else {},
                 "path": body.get("path") or "", "kind": kind}
            st.faults.append(f)
            return f

    def control_calendar(self, method, cal_id, rest, body, ok):
        """A calendar "at Google": its stored events, meetings people make,
        move and cancel there, and invalidating its sync tokens."""
        st = self.state
        with st.lock:
            c = st.calendars.get(cal_id)
            if not c:
                raise not_found()
            if rest == ["events"] and method == "GET":
                evs = sorted(c["events"].values(), key=lambda e: e["_seq"])
                return ok([public(e) for e in evs])
            if rest == ["invalidate_sync"] and method == "POST":
                c["generation"] += 1  # every sync token handed out for it now answers 410
                return ok({"generation": c["generation"]})
            if rest == ["meetings"] and method == "POST":
                # someone books the room from their own Google Calendar: the room is an
                # attendee and answers by its own conflict rule
                organizer = str(body.get("organizer") or "").lower()
                if "@" not in organizer:
                    raise invalid("organizer required")
                ev = {k: v for k, v in body.items() if k in self.ALLOWED or k == "id"}
                atts = [a for a in ev.get("attendees") or [] if a.get("email", "").lower() not in (cal_id, organizer)]
                ev["attendees"] = ([{"email": organizer, "organizer": True, "responseStatus": "accepted"}]
                                   + atts + [{"email": cal_id, "responseStatus": "needsAction"}])
                view = self.insert(cal_id, c, None, body=ev, organizer=organizer)
                stored = c["events"][view["id"]]
                answer = st.room_answer(cal_id, stored)
                st.touch(stored)
                view = public(stored)
            elif rest == ["events", "bulk"] and method == "POST":
                # many accepted meetings at once (first-sync benches, paging): no push, no conflict rule
                n = int(body.get("count", 1))
                if not 0 <= n <= 100000:
                    raise invalid("count")
                start = parse_rfc3339(body.get("start") or "2030-01-01T08:00:00Z", "start").timestamp()
                step = int(body.get("interval_minutes", 60)) * 60
                dur = int(body.get("duration_minutes", 30)) * 60
                organizer = str(body.get("organizer") or "bulk@" + st.config["domain"]).lower()
                ids = []
                for i in range(n):
                    t = start + i * step
                    ev = {"summary": "%s %d" % (body.get("summary", "Meeting"), i + 1),
                          "start": {"dateTime": rfc3339_ms(t).replace(".000Z", "Z")},
                          "end": {"dateTime": rfc3339_ms(t + dur).replace(".000Z", "Z")},
                          "attendees": [{"email": organizer, "organizer": True, "responseStatus": "accepted"},
                                        {"email": cal_id, "responseStatus": "accepted"}]}
                    ids.append(self.insert(cal_id, c, None, body=ev, organizer=organizer)["id"])
                return ok({"ids": ids})
            elif len(rest) == 2 and rest[0] == "events" and method == "PATCH":
                # the organizer changes the meeting at Google; a new time is answered again
                ev = self.find(c, rest[1], create=True)
                self._raw = json.dumps(body).encode()
                view = self.modify(cal_id, c, ev["id"], True)
                stored = c["events"][view["id"]]
                answer = None
                if any(k in body for k in ("start", "end", "recurrence")):
                    answer = st.room_answer(cal_id, stored)
                    st.touch(stored)
                view = public(stored)
            elif len(rest) == 2 and rest[0] == "events" and method == "DELETE":
                self.delete(c, rest[1])
                view, answer = None, None
            else:
                raise not_found()
        notify(st, cal_id)
        return ok({"event": view, "room_response": answer})


def main(argv=None):
    ap = fakehttp.arg_parser(__doc__)
    ap.add_argument("--domain", default="example.com", help="the Workspace domain of the test users")

    def start_workers(state):
        for box in state.outboxes:
            threading.Thread(target=delivery_worker, args=(state, box), daemon=True).start()

    return fakehttp.serve(ap, argv, Handler, State, start_workers)


if __name__ == "__main__":
    sys.exit(main())
