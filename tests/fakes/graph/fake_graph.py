#!/usr/bin/python3
"""A fake of Microsoft 365 for convene's tests: the Microsoft identity
platform (login.microsoftonline.com: client-credentials token, admin consent)
and Microsoft Graph v1.0 (graph.microsoft.com: places, room mailbox events,
calendarView and its delta, decline, subscriptions with validation, change and
lifecycle notifications) in one threaded loopback HTTP server, following the
documented request and answer shapes so that production code reaches it
through the same code path as Microsoft, only the base URLs differing
(microsoft_login_url, microsoft_graph_url). A control API under /_fake/ (a
path Microsoft never uses) lets tests act as the tenant's administrator and its
people (a meeting booked in Outlook with a room as a resource attendee).
README.md lists every endpoint with the Microsoft page it follows.

Run: /usr/bin/python3 fake_graph.py --port 0; the first line on stdout is
`listening 127.0.0.1:PORT`. Only the standard library is used."""
import base64
import copy
import datetime as dt
import hashlib
import hmac
import html
import json
import queue
import os
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import fakehttp  # noqa: E402  (tests/fakes/fakehttp.py)
from fakehttp import FakeHandler  # noqa: E402

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# The application permissions convene asks the tenant's administrator for.
REQUIRED_ROLES = ["Calendars.ReadWrite", "Place.Read.All"]
TOKEN_LIFETIME = 3599  # Entra answers expires_in 3599 for app-only Graph tokens
MAX_BODY = 4 << 20
# Outlook event subscriptions: at most 10,080 minutes (under 7 days) without
# resource data (learn.microsoft.com/graph/api/resources/subscription; older
# copies of the page said 4230 minutes). Below 45 minutes is raised to 45.
SUB_MAX_MINUTES = 10080
SUB_MIN_MINUTES = 45
VALIDATION_TIMEOUT = 10  # the notification URL must answer the validation within 10 s
NOTIFY_TIMEOUT = 3  # Graph expects a 2xx to a notification within 3 s
DEFAULT_PAGE = 10  # events, calendarView: 10 per page unless $top / odata.maxpagesize
PLACES_PAGE = 100  # places: 100 per page by default
MAX_TOP = 1000
MAX_DELTA_STATES = 10000  # delta and skip tokens kept; older ones are forgotten
MAX_OCCURRENCES = 2000  # bound on one series' expansion (Outlook's own limits are near this)
JSON_CT = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"
EXT_ID = re.compile(r"^(String|Integer|Boolean|SystemTime|Double|Binary|Guid|Currency|Short|Long|Float|Object) "
                    r"\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\} "
                    r"(Name \S.*|Id 0x[0-9a-fA-F]{1,4})$")

# Windows time zone names Outlook uses, for the ones tests are likely to give
# (Graph accepts Windows and IANA names).
WINDOWS_TZ = {
    "UTC": "UTC", "Coordinated Universal Time": "UTC", "GMT Standard Time": "Europe/London",
    "W. Europe Standard Time": "Europe/Berlin", "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest", "Central European Standard Time": "Europe/Warsaw",
    "Russian Standard Time": "Europe/Moscow", "FLE Standard Time": "Europe/Kiev",
    "Eastern Standard Time": "America/New_York", "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver", "Pacific Standard Time": "America/Los_Angeles",
    "Tokyo Standard Time": "Asia/Tokyo", "India Standard Time": "Asia/Kolkata",
    "AUS Eastern Standard Time": "Australia/Sydney",
}
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
INDEXES = ["first", "second", "third", "fourth", "last"]


class GraphError(Exception):
    """An error answer of Graph: status and {"error": {"code", "message", "innerError"}}."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self):
        return {"error": {"code": self.code, "message": self.message, "innerError": {
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
            "request-id": str(uuid.uuid4()), "client-request-id": str(uuid.uuid4())}}}


def bad_request(message, code="ErrorInvalidRequest"):
    return GraphError(400, code, message)


def access_denied():
    # Outlook resources answer ErrorAccessDenied when the app lacks the permission
    return GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def utc_now():
    return dt.datetime.now(dt.timezone.utc)


def iso_z(t, frac=7):
    """Graph's DateTimeOffset: 2024-03-15T22:00:00.0000000Z (or 3 digits)."""
    t = t.astimezone(dt.timezone.utc)
    f = ("%06d" % t.microsecond + "0")[:frac]
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f + "Z"


def resolve_tz(name):
    """A Windows or IANA time zone name as Graph accepts them; None if unknown."""
    if not isinstance(name, str) or not name:
        return None
    iana = WINDOWS_TZ.get(name, name)
    try:
        return zoneinfo.ZoneInfo(iana)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def parse_local(s):
    """dateTimeTimeZone.dateTime: 2024-03-15T10:00:00[.fffffff], no offset."""
    if not isinstance(s, str):
        raise ValueError(s)
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,7}))?", s)
    if not m:
        raise ValueError(s)
    base = m.group(1) if len(m.group(1)) == 19 else m.group(1) + ":00"
    t = dt.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    if m.group(2):
        t = t.replace(microsecond=int((m.group(2) + "000000")[:6]))
    return t


def parse_dtz(obj, field):
    """A dateTimeTimeZone {dateTime, timeZone} to (aware UTC datetime, zone name)."""
    if not isinstance(obj, dict):
        raise bad_request("The property '%s' is required." % field, "ErrorPropertyValidationFailure")
    tzname = obj.get("timeZone") or "UTC"
    tz = resolve_tz(tzname)
    if tz is None:
        raise bad_request("A valid TimeZone value must be specified. The following TimeZone value is "
                          "not supported: '%s'." % tzname, "TimeZoneNotSupportedException")
    try:
        local = parse_local(obj.get("dateTime"))
    except ValueError:
        raise bad_request("Cannot convert the literal '%s' to the expected type 'Edm.String'."
                          % obj.get("dateTime"), "RequestBodyRead")
    return local.replace(tzinfo=tz).astimezone(dt.timezone.utc), tzname


def parse_query_time(s, name):
    """startDateTime / endDateTime: ISO 8601 with Z or an offset (without one: UTC)."""
    if not s:
        raise bad_request("This request requires a time window specified by the query string parameters "
                          "StartDateTime and EndDateTime.", "ErrorInvalidParameter")
    v = s.replace(" ", "+")  # a '+' offset not percent-encoded arrives as a space
    try:
        if v.endswith("Z") or v.endswith("z"):
            t = dt.datetime.fromisoformat(v[:-1][:26]).replace(tzinfo=dt.timezone.utc)
        else:
            t = dt.datetime.fromisoformat(v)
            if t.tzinfo is None:
                t = t.replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise bad_request("The value '%s' of parameter '%s' is invalid." % (s, name), "ErrorInvalidParameter")
    return t.astimezone(dt.timezone.utc)


def fmt_local(t, tzname):
    """An instant as Graph writes dateTimeTimeZone in the zone asked for."""
    tz = resolve_tz(tzname) or dt.timezone.utc
    lt = t.astimezone(tz)
    return {"dateTime": lt.strftime("%Y-%m-%dT%H:%M:%S.") + ("%06d" % lt.microsecond + "0"), "timeZone": tzname}


def new_id(prefix="AAMkA"):
    """Outlook item ids are long opaque base64 strings (~150 characters)."""
    return prefix + base64.urlsafe_b64encode(secrets.token_bytes(108)).decode().rstrip("=") + "AAA="


def new_change_key():
    return base64.b64encode(secrets.token_bytes(30)).decode()[:40]


def new_ical_uid():
    return "040000008200E00074C5B7101A82E00800000000" + secrets.token_hex(16).upper() + \
        "00000000000000001000000" + secrets.token_hex(8).upper()


def ical_uid_of(master_uid, key):
    """iCalUId "is different for each occurrence in a recurring series" (event.md):
    Exchange's global object id carries the instance's date (year, month, day)
    where the master's has zeros."""
    if not key:
        return master_uid
    return master_uid[:32] + "%04X%02X%02X" % (int(key[:4]), int(key[4:6]), int(key[6:8])) + master_uid[40:]


# ---- recurrence (patternedRecurrence) ----

def nth_weekday(year, month, weekday, index):
    """The day of month of the index-th (first..fourth, last) weekday."""
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    days = [first + dt.timedelta(days=k) for k in range((nxt - first).days)]
    days = [d for d in days if d.weekday() == weekday]
    return days[-1] if index == "last" else days[INDEXES.index(index)]


def check_recurrence(rec):
    """Validate a patternedRecurrence; raises a 400 as Graph does for a bad one."""
    if not isinstance(rec, dict) or not isinstance(rec.get("pattern"), dict) or not isinstance(rec.get("range"), dict):
        raise bad_request("The recurrence pattern is not valid.", "ErrorInvalidRecurrence")
    p, r = rec["pattern"], rec["range"]
    if p.get("type") not in ("daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly",
                             "relativeYearly"):
        raise bad_request("The recurrence pattern type is not valid.", "ErrorInvalidRecurrence")
    iv = p.get("interval", 1)
    if isinstance(iv, bool) or not isinstance(iv, int) or iv < 1 or iv > 999:
        raise bad_request("The recurrence interval is not valid.", "ErrorInvalidRecurrence")
    dows = p.get("daysOfWeek") or []
    if any(d not in DAYS for d in dows):
        raise bad_request("The recurrence days of week are not valid.", "ErrorInvalidRecurrence")
    if p["type"] in ("weekly", "relativeMonthly", "relativeYearly") and not dows:
        raise bad_request("The recurrence pattern needs daysOfWeek.", "ErrorInvalidRecurrence")
    if p["type"] in ("absoluteMonthly", "absoluteYearly") and not isinstance(p.get("dayOfMonth"), int):
        raise bad_request("The recurrence pattern needs dayOfMonth.", "ErrorInvalidRecurrence")
    if p["type"] in ("absoluteYearly", "relativeYearly") and not isinstance(p.get("month"), int):
        raise bad_request("The recurrence pattern needs month.", "ErrorInvalidRecurrence")
    if r.get("type") not in ("endDate", "noEnd", "numbered"):
        raise bad_request("The recurrence range type is not valid.", "ErrorInvalidRecurrence")
    try:
        dt.date.fromisoformat(r.get("startDate") or "")
        if r["type"] == "endDate":
            dt.date.fromisoformat(r.get("endDate") or "")
    except ValueError:
        raise bad_request("The recurrence range dates are not valid.", "ErrorInvalidRecurrence")
    if r["type"] == "numbered":
        n = r.get("numberOfOccurrences")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise bad_request("The recurrence numberOfOccurrences is not valid.", "ErrorInvalidRecurrence")


def occurrence_dates(rec, until):
    """The dates of a series (in its own zone's calendar) up to `until` (a date)."""
    p, r = rec["pattern"], rec["range"]
    start = dt.date.fromisoformat(r["startDate"])
    end = dt.date.fromisoformat(r["endDate"]) if r["type"] == "endDate" else None
    count = r.get("numberOfOccurrences") if r["type"] == "numbered" else None
    iv = p.get("interval", 1)
    dows = sorted(DAYS.index(d) for d in (p.get("daysOfWeek") or []))
    last = min(x for x in (end, until) if x is not None)
    out = []

    def emit(d):
        if d < start:
            return True
        if d > last or (count is not None and len(out) >= count) or len(out) >= MAX_OCCURRENCES:
            return False
        out.append(d)
        return True

    t = p["type"]
    if t == "daily":
        d = start
        while emit(d):
            d += dt.timedelta(days=iv)
    elif t == "weekly":
        fdow = DAYS.index(p.get("firstDayOfWeek") or "sunday")
        week0 = start - dt.timedelta(days=(start.weekday() - fdow) % 7)
        k = 0
        while True:
            wk = week0 + dt.timedelta(weeks=k * iv)
            if wk > last:
                break
            days = sorted(wk + dt.timedelta(days=(w - fdow) % 7) for w in dows)
            if not all(emit(d) for d in days):
                break
            k += 1
    else:
        monthly = t in ("absoluteMonthly", "relativeMonthly")
        k = 0
        while True:
            if monthly:
                m = start.month - 1 + k * iv
                y, m = start.year + m // 12, m % 12 + 1
            else:
                y, m = start.year + k * iv, p["month"]
            if dt.date(y, m, 1) > last:
                break
            k += 1
            if t in ("absoluteMonthly", "absoluteYearly"):
                try:
                    d = dt.date(y, m, p["dayOfMonth"])
                except ValueError:
                    continue  # no such day this month: Outlook skips it
                if not emit(d):
                    break
            else:
                idx = p.get("index") or "first"
                days = sorted(nth_weekday(y, m, w, idx) for w in dows)
                if not all(emit(d) for d in days):
                    break
    return out


class State:
    """Everything the fake knows, behind one lock."""

    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.RLock()
        self.outbox = queue.Queue()
        threading.Thread(target=self._deliver_loop, daemon=True).start()
        self.reset()

    def reset(self):
        o = self.opts
        with self.lock:
            self.config = {
                "push": True,  # change notifications sent at all
                "require_https": False,  # Graph refuses http:// notification URLs; tests use loopback http
                "token_lifetime": TOKEN_LIFETIME,
                "consent_decision": "approve",  # what the admin does on /adminconsent: approve or decline
                "pause_on_reauthorization": True,  # reauthorizationRequired pauses delivery until reauthorize
                "validation_timeout": VALIDATION_TIMEOUT,
                "notify_timeout": NOTIFY_TIMEOUT,
                "sub_max_minutes": SUB_MAX_MINUTES,
                # Graph resends a notification not answered 2xx within 3 s (for up to 4 hours);
                # the fake resends notify_retries times, notify_retry_delay seconds apart
                "notify_retries": 0,
                "notify_retry_delay": 1.0,
            }
            self.clock_offset = 0.0
            self.tenants = {}  # tenant id -> tenant
            self.tokens = {}  # access token -> {tenant, client_id, roles, exp}
            self.mailboxes = {}  # lower-case e-mail -> mailbox (rooms and people)
            self.mailbox_ids = {}  # user object id -> mailbox
            self.places = {}  # place id -> room / room list
            self.subscriptions = {}  # id -> subscription
            self.delta_states = {}  # state token -> delta state
            self.faults = []
            self.calls = []
            self.deliveries = []
            self.seq = 0
            self.change_seq = 0
            self.add_tenant({"tenant_id": o.tenant_id, "domain": o.domain, "client_id": o.client_id,
                             "client_secret": o.client_secret, "consented": o.consent or [],
                             "redirect_uris": o.redirect_uri or []})

    def now(self):
        return time.time() + self.clock_offset

    def now_dt(self):
        return dt.datetime.fromtimestamp(self.now(), dt.timezone.utc)

    def record(self, kind, **kw):
        with self.lock:
            self.seq += 1
            kw.update(kind=kind, seq=self.seq, at=time.time())
            self.calls.append(kw)
            if len(self.calls) > 100000:
                del self.calls[:50000]

    # ---- tenants, apps, consent ----
    def add_tenant(self, body):
        with self.lock:
            tid = body.get("tenant_id") or str(uuid.uuid4())
            domain = body.get("domain") or "tenant%s.onmicrosoft.com" % tid[:8]
            t = {"id": tid, "domain": domain.lower(), "display_name": body.get("display_name", domain),
                 "apps": {}}
            self.tenants[tid] = t
            self.add_app(t, body)
            return self.tenant_view(t)

    def add_app(self, t, body):
        cid = body.get("client_id") or str(uuid.uuid4())
        app = {"client_id": cid, "secrets": [body.get("client_secret") or secrets.token_urlsafe(30)],
               "secret_expired": False, "keys": {},  # x5t -> {n, e} for client assertions
               "consented": list(body.get("consented") or []),
               "required": list(body.get("required_roles") or REQUIRED_ROLES),
               "redirect_uris": list(body.get("redirect_uris") or []),
               "name": body.get("app_name", "convene"), "sp_id": str(uuid.uuid4())}
        t["apps"][cid] = app
        return app

    def tenant_view(self, t):
        return {"tenant_id": t["id"], "domain": t["domain"],
                "apps": [{"client_id": a["client_id"], "consented": a["consented"], "required": a["required"],
                          "redirect_uris": a["redirect_uris"], "secret_expired": a["secret_expired"],
                          "keys": sorted(a["keys"])} for a in t["apps"].values()]}

    def find_tenant(self, name):
        """{tenant} in a login URL: its id (GUID) or a verified domain."""
        if not name:
            return None
        if name in self.tenants:
            return self.tenants[name]
        for t in self.tenants.values():
            if t["domain"] == name.lower():
                return t
        return None

    def default_tenant(self):
        return self.tenants[self.opts.tenant_id]

    def issue_token(self, t, app):
        """An app-only access token: JWT-shaped, roles = the permissions the
        tenant's admin has consented to when it is issued (no roles claim at
        all without consent)."""
        now = int(self.now())
        exp = now + int(self.config["token_lifetime"])
        head = {"typ": "JWT", "nonce": b64url(secrets.token_bytes(32)), "alg": "RS256",
                "x5t": b64url(secrets.token_bytes(20)), "kid": b64url(secrets.token_bytes(20))}
        claims = {"aud": "https://graph.microsoft.com", "iss": "https://sts.windows.net/%s/" % t["id"],
                  "iat": now, "nbf": now, "exp": exp, "aio": b64url(secrets.token_bytes(60)),
                  "app_displayname": app["name"], "appid": app["client_id"], "appidacr": "1",
                  "idp": "https://sts.windows.net/%s/" % t["id"], "idtyp": "app", "oid": app["sp_id"],
                  "rh": "0.%s." % b64url(secrets.token_bytes(40)), "sub": app["sp_id"],
                  "tenant_region_scope": "EU", "tid": t["id"], "uti": b64url(secrets.token_bytes(16)),
                  "ver": "1.0", "wids": ["0997a1d0-0d1d-4acb-b408-d5ca73121e90"],
                  "xms_tcdt": now - 86400 * 400}
        roles = [r for r in app["consented"]]
        if roles:
            claims["roles"] = roles
        tok = "%s.%s.%s" % (b64url(json.dumps(head).encode()), b64url(json.dumps(claims).encode()),
                            b64url(secrets.token_bytes(256)))
        with self.lock:
            self.tokens[tok] = {"tenant": t["id"], "client_id": app["client_id"], "roles": roles, "exp": exp}
        return {"token_type": "Bearer", "expires_in": int(self.config["token_lifetime"]),
                "ext_expires_in": int(self.config["token_lifetime"]), "access_token": tok}

    # ---- mailboxes and places ----
    def add_mailbox(self, t, email, kind, name):
        email = email.lower()
        if email in self.mailboxes:
            raise bad_request("mailbox %s exists" % email)
        mb = {"id": str(uuid.uuid4()), "email": email, "kind": kind, "name": name, "tenant": t["id"],
              "events": {}, "by_txn": {}, "tombstones": {}, "auto_accept": True, "allow_conflicts": False}
        self.mailboxes[email] = mb
        self.mailbox_ids[mb["id"]] = mb
        return mb

    def add_room(self, body):
        with self.lock:
            t = self.tenants.get(body.get("tenant_id") or self.opts.tenant_id)
            if t is None:
                raise bad_request("unknown tenant")
            n = sum(1 for p in self.places.values() if p["kind"] == "room") + 1
            email = body.get("emailAddress") or "room%d@%s" % (n, t["domain"])
            name = body.get("displayName") or "Room %d" % n
            mb = self.add_mailbox(t, email, "room", name)
            mb["auto_accept"] = body.get("auto_accept", True)
            mb["allow_conflicts"] = body.get("allow_conflicts", False)
            pid = body.get("id") or str(uuid.uuid4()).upper()
            room = {"kind": "room", "tenant": t["id"], "mailbox": mb["email"], "roomlist": body.get("roomlist"),
                    "data": {
                        "id": pid, "emailAddress": mb["email"], "displayName": name,
                        "address": body.get("address", {"street": "", "city": "", "state": "", "postalCode": "",
                                                         "countryOrRegion": ""}),
                        "geoCoordinates": body.get("geoCoordinates"), "phone": body.get("phone", ""),
                        "nickname": body.get("nickname", name), "label": body.get("label", ""),
                        "capacity": body.get("capacity", 8), "building": body.get("building"),
                        "floorLabel": body.get("floorLabel"), "floorNumber": body.get("floorNumber"),
                        "parentId": None, "isWheelChairAccessible": body.get("isWheelChairAccessible", False),
                        "bookingType": body.get("bookingType", "standard"), "tags": body.get("tags", []),
                        "audioDeviceName": body.get("audioDeviceName"),
                        "videoDeviceName": body.get("videoDeviceName"),
                        "displayDeviceName": body.get("displayDeviceName")}}
            self.places[pid] = room
            return dict(room["data"], mailboxId=mb["id"])

    def add_roomlist(self, body):
        with self.lock:
            t = self.tenants.get(body.get("tenant_id") or self.opts.tenant_id)
            if t is None:
                raise bad_request("unknown tenant")
            pid = body.get("id") or str(uuid.uuid4()).upper()
            email = (body.get("emailAddress") or "list-%s@%s" % (pid[:8].lower(), t["domain"])).lower()
            rl = {"kind": "roomlist", "tenant": t["id"], "data": {
                "id": pid, "displayName": body.get("displayName", email), "address": body.get("address"),
                "geoCoordinates": None, "phone": None, "emailAddress": email}}
            self.places[pid] = rl
            return rl["data"]

    def add_person(self, body):
        with self.lock:
            t = self.tenants.get(body.get("tenant_id") or self.opts.tenant_id)
            if t is None:
                raise bad_request("unknown tenant")
            email = body.get("email") or "user%d@%s" % (len(self.mailboxes) + 1, t["domain"])
            mb = self.add_mailbox(t, email, "person", body.get("displayName") or email.split("@")[0])
            return {"id": mb["id"], "email": mb["email"], "displayName": mb["name"]}

    # ---- events ----
    def touch(self, ev):
        with self.lock:
            self.change_seq += 1
            ev["seq"] = self.change_seq
            ev["changeKey"] = new_change_key()
            ev["lastModifiedDateTime"] = iso_z(self.now_dt())

    def build_event(self, mb, body, organizer=None, existing=None):
        """Create or PATCH an event from Graph's JSON; validates as Graph does."""
        if not isinstance(body, dict):
            raise bad_request("Empty Payload. JSON content expected.", "BadRequest")
        types = {"subject": (str, type(None)), "body": (dict, type(None)), "location": (dict, type(None)),
                 "locations": (list, type(None)), "attendees": (list, type(None)), "categories": list,
                 "isAllDay": bool, "isOnlineMeeting": bool, "isReminderOn": bool, "responseRequested": bool,
                 "allowNewTimeProposals": bool, "hideAttendees": bool, "reminderMinutesBeforeStart": int,
                 "transactionId": (str, type(None)), "recurrence": (dict, type(None)),
                 "singleValueExtendedProperties": (list, type(None)), "start": dict, "end": dict}
        for k, t in types.items():
            if k in body and (not isinstance(body[k], t) or (t is int and isinstance(body[k], bool))):
                # Graph's OData reader refuses a value of the wrong type
                raise bad_request("Cannot convert the literal '%s' to the expected type for '%s'."
                                  % (str(body[k])[:40], k), "RequestBodyRead")
        for k, allowed in (("showAs", ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown")),
                           ("importance", ("low", "normal", "high")),
                           ("sensitivity", ("normal", "personal", "private", "confidential"))):
            if k in body and body[k] not in allowed:
                raise bad_request("Requested value '%s' was not found." % body[k], "RequestBodyRead")
        if any(not isinstance(a, dict) or not isinstance(a.get("emailAddress", {}), dict)
               for a in body.get("attendees") or []) or \
                any(not isinstance(c, str) for c in body.get("categories") or []):
            raise bad_request("Cannot read the attendees or categories.", "RequestBodyRead")
        # a PATCH is all or nothing: work on a copy, swap it in at the end
        ev = copy.deepcopy(existing) if existing is not None else {}
        if existing is None:
            if "start" not in body or "end" not in body:
                raise bad_request("Your request can't be completed. An event needs a start and an end.")
        if body.get("subject", "") is None:
            body = dict(body, subject="")
        for k in ("subject", "importance", "sensitivity", "showAs", "categories", "isAllDay", "isOnlineMeeting",
                  "isReminderOn", "reminderMinutesBeforeStart", "responseRequested", "allowNewTimeProposals",
                  "hideAttendees", "transactionId"):
            if k in body:
                ev[k] = body[k]
        if "body" in body:
            b = body["body"] or {}
            ev["body"] = {"contentType": b.get("contentType", "text"), "content": b.get("content", "")}
        if "location" in body:
            loc = body["location"] or {}
            ev["location"] = {"displayName": loc.get("displayName", ""), "locationType": loc.get("locationType",
                                                                                                 "default"),
                              "uniqueId": loc.get("uniqueId"), "uniqueIdType": loc.get("uniqueIdType", "unknown"),
                              "locationUri": loc.get("locationUri")}
            if loc.get("uniqueId") is None:
                ev["location"]["uniqueId"] = loc.get("displayName") or None
                ev["location"]["uniqueIdType"] = "private" if loc.get("displayName") else "unknown"
        if "locations" in body:
            ev["locations"] = list(body["locations"] or [])
        if "attendees" in body:
            atts = []
            for a in body["attendees"] or []:
                em = (a.get("emailAddress") or {})
                if not em.get("address"):
                    raise bad_request("An attendee needs an e-mail address.", "ErrorInvalidRecipients")
                atts.append({"type": a.get("type", "required"),
                             "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
                             "emailAddress": {"name": em.get("name", em["address"]), "address": em["address"]}})
            ev["attendees"] = atts
        if "start" in body:
            ev["start"], ev["start_tz"] = parse_dtz(body["start"], "start")
        if "end" in body:
            ev["end"], ev["end_tz"] = parse_dtz(body["end"], "end")
        if ev["end"] < ev["start"]:
            raise bad_request("The end time must be later than or equal to the start time.", "ErrorInvalidRequest")
        if "recurrence" in body:
            if body["recurrence"] is None:
                ev["recurrence"] = None
            else:
                check_recurrence(body["recurrence"])
                rec = json.loads(json.dumps(body["recurrence"]))
                rec["pattern"].setdefault("interval", 1)
                rec["pattern"].setdefault("firstDayOfWeek", "sunday")
                rec["range"].setdefault("recurrenceTimeZone", ev.get("start_tz", "UTC"))
                ev["recurrence"] = rec
            ev["exceptions"], ev["cancelled"] = {}, set()
        if "singleValueExtendedProperties" in body:
            props = ev.setdefault("ext", {})
            for p in body["singleValueExtendedProperties"] or []:
                pid = p.get("id") if isinstance(p, dict) else None
                if not isinstance(pid, str) or not EXT_ID.match(pid):
                    raise bad_request("The extended property id '%s' is not valid." % pid, "ErrorInvalidProperty")
                key = pid.lower()
                props[key] = {"id": pid, "value": p.get("value")}
        if existing is None:
            now = iso_z(self.now_dt())
            ev.update(id=new_id(), iCalUId=new_ical_uid(), createdDateTime=now, mailbox=mb["email"],
                      organizer=organizer or {"emailAddress": {"name": mb["name"], "address": mb["email"]}},
                      isOrganizer=organizer is None, isCancelled=False)
            ev.setdefault("subject", "")
            ev.setdefault("body", {"contentType": "text", "content": ""})
            ev.setdefault("attendees", [])
            ev.setdefault("showAs", "busy")
            ev.setdefault("importance", "normal")
            ev.setdefault("sensitivity", "normal")
            ev.setdefault("isAllDay", False)
            ev.setdefault("categories", [])
            ev.setdefault("location", {"displayName": "", "locationType": "default", "uniqueIdType": "unknown"})
            ev.setdefault("locations", [])
            ev.setdefault("recurrence", None)
            ev.setdefault("exceptions", {})
            ev.setdefault("cancelled", set())
            ev.setdefault("ext", {})
            ev.setdefault("transactionId", None)
            ev["response"] = "organizer" if organizer is None else "accepted"
        else:
            existing.clear()
            existing.update(ev)
            ev = existing
        self.touch(ev)
        return ev

    def instances(self, ev, lo=None, hi=None):
        """The instances of a stored event overlapping [lo, hi): the event
        itself, or a series' occurrences and exceptions."""
        if not ev.get("recurrence"):
            if lo is None or (ev["start"] < hi and (ev["end"] > lo or ev["start"] >= lo and ev["end"] == ev["start"])):
                return [("singleInstance", ev, ev["start"], ev["end"], None)]
            return []
        tz = resolve_tz(ev["recurrence"]["range"].get("recurrenceTimeZone")) or resolve_tz(ev["start_tz"])
        local0 = ev["start"].astimezone(tz)
        dur = ev["end"] - ev["start"]
        until = (hi.astimezone(tz).date() + dt.timedelta(days=2)) if hi is not None else dt.date(9999, 1, 1)
        out = []
        for d in occurrence_dates(ev["recurrence"], until):
            orig = dt.datetime.combine(d, local0.time().replace(tzinfo=None)).replace(tzinfo=tz)
            orig = orig.astimezone(dt.timezone.utc)
            key = orig.strftime("%Y%m%dT%H%M%SZ")
            if key in ev["cancelled"]:
                continue
            exc = ev["exceptions"].get(key)
            s, e = (exc["start"], exc["end"]) if exc else (orig, orig + dur)
            if lo is not None and not (s < hi and e > lo):
                continue
            out.append(("exception" if exc else "occurrence", ev, s, e, key))
        return out

    def find_event(self, mb, eid):
        """A stored event, or an occurrence by its id (master id + '.' + original start)."""
        if eid in mb["events"]:
            return mb["events"][eid], None
        if "." in eid:
            mid, key = eid.rsplit(".", 1)
            ev = mb["events"].get(mid)
            if ev and ev.get("recurrence") and re.fullmatch(r"\d{8}T\d{6}Z", key):
                for inst in self.instances(ev, dt.datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(
                        tzinfo=dt.timezone.utc) - dt.timedelta(days=400), dt.datetime.strptime(
                        key, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc) + dt.timedelta(days=400)):
                    if inst[4] == key:
                        return ev, key
        raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")

    def view(self, inst, tzname="UTC", ext_filter=None):
        """An event instance as Graph answers it."""
        kind, ev, s, e, key = inst
        exc = ev["exceptions"].get(key) if key else None
        src = dict(ev)
        if exc:
            src.update({k: v for k, v in exc.items() if k not in ("start", "end")})
        eid = ev["id"] if kind in ("singleInstance",) else ("%s.%s" % (ev["id"], key) if key else ev["id"])
        ck = src.get("changeKey", ev["changeKey"])
        v = {"@odata.etag": 'W/"%s"' % ck, "id": eid, "createdDateTime": ev["createdDateTime"],
             "lastModifiedDateTime": src.get("lastModifiedDateTime", ev["lastModifiedDateTime"]),
             "changeKey": ck, "categories": src["categories"], "transactionId": ev.get("transactionId"),
             "originalStartTimeZone": ev["start_tz"], "originalEndTimeZone": ev["end_tz"],
             "iCalUId": ical_uid_of(ev["iCalUId"], key), "reminderMinutesBeforeStart": src.get(
                 "reminderMinutesBeforeStart", 15), "isReminderOn": src.get("isReminderOn", False),
             "hasAttachments": False, "subject": src["subject"],
             "bodyPreview": (src["body"].get("content") or "")[:255], "importance": src["importance"],
             "sensitivity": src["sensitivity"], "isAllDay": src["isAllDay"], "isCancelled": src["isCancelled"],
             "isOrganizer": ev["isOrganizer"], "responseRequested": src.get("responseRequested", True),
             "seriesMasterId": ev["id"] if kind in ("occurrence", "exception") else None,
             "showAs": src["showAs"], "type": kind,
             "webLink": "https://outlook.office365.com/owa/?itemid=%s&exvsurl=1&path=/calendar/item"
                        % urllib.parse.quote(eid, safe=""),
             "onlineMeetingUrl": None, "isOnlineMeeting": src.get("isOnlineMeeting", False),
             "onlineMeetingProvider": "unknown", "allowNewTimeProposals": src.get("allowNewTimeProposals", True),
             "isDraft": False, "hideAttendees": src.get("hideAttendees", False),
             "responseStatus": {"response": ev["response"], "time": "0001-01-01T00:00:00Z"},
             "body": src["body"], "start": fmt_local(s, tzname), "end": fmt_local(e, tzname),
             "location": src["location"], "locations": src["locations"],
             "recurrence": ev["recurrence"] if kind in ("seriesMaster",) else None,
             "attendees": src["attendees"], "organizer": ev["organizer"], "onlineMeeting": None}
        if kind in ("occurrence", "exception"):
            v["originalStart"] = iso_z(dt.datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc))
        if ext_filter is not None:
            props = [p for k, p in ev["ext"].items() if k == ext_filter]
            if props:
                v["singleValueExtendedProperties"] = [dict(p) for p in props]
        return v

    def master_view(self, ev, tzname="UTC", ext_filter=None):
        kind = "seriesMaster" if ev.get("recurrence") else "singleInstance"
        return self.view((kind, ev, ev["start"], ev["end"], None), tzname, ext_filter)

    def conflicts(self, mb, ev, ignore=None):
        """Whether any instance of ev overlaps a busy instance already on the room's calendar."""
        horizon_lo = ev["start"] - dt.timedelta(days=1)
        mine = self.instances(ev, horizon_lo, ev["start"] + dt.timedelta(days=730))
        for other in mb["events"].values():
            if other is ev or other["id"] == ignore or other["showAs"] == "free" or other["isCancelled"]:
                continue
            for _, _, s, e, _ in mine:
                if other.get("recurrence") or (other["start"] < e and other["end"] > s):
                    if self.instances(other, s, e):
                        return True
        return False

    def store(self, mb, ev):
        mb["events"][ev["id"]] = ev
        if ev.get("transactionId"):
            mb["by_txn"][ev["transactionId"]] = ev["id"]

    def remove(self, mb, ev):
        mb["events"].pop(ev["id"], None)
        with self.lock:
            self.change_seq += 1
            mb["tombstones"][ev["id"]] = self.change_seq  # for delta's @removed outside the window
            if len(mb["tombstones"]) > 20000:
                for k in list(mb["tombstones"])[:10000]:
                    del mb["tombstones"][k]
        if ev.get("transactionId"):
            mb["by_txn"].pop(ev["transactionId"], None)

    # ---- change notifications ----
    def notify(self, mb, ev, change):
        """Queue a change notification for every live subscription on this mailbox's events."""
        with self.lock:
            if not self.config["push"]:
                return
            now = self.now()
            for sub in list(self.subscriptions.values()):
                if sub["mailbox"] != mb["email"] or change not in sub["changeType"].split(","):
                    continue
                if sub["exp"] <= now:
                    continue  # expired: Graph deletes it and sends nothing
                if sub["paused"]:
                    sub["lost"] += 1  # notifications during a pause are lost (lifecycle doc)
                    continue
                res = "Users/%s/Events/%s" % (mb["id"], ev["id"])
                expires = iso_z(dt.datetime.fromtimestamp(sub["exp"], dt.timezone.utc))
                note = {"id": b64url(secrets.token_bytes(9)), "subscriptionId": sub["id"],
                        "subscriptionExpirationDateTime": expires, "changeType": change, "resource": res,
                        "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "@odata.id": res,
                                         "@odata.etag": 'W/"%s"' % ev.get("changeKey", ""), "id": ev["id"]},
                        "clientState": sub["clientState"], "tenantId": sub["tenant"]}
                if change == "deleted":
                    note["resourceData"].pop("@odata.etag")
                self.outbox.put((sub["notificationUrl"], {"value": [note]}, "change", sub["id"]))

    def _deliver_loop(self):
        while True:
            item = self.outbox.get()
            url, body, kind, sid = item[:4]
            attempt = item[4] if len(item) > 4 else 0
            try:
                rec = self.post_json(url, body, kind, sid)
                rec["attempt"] = attempt
                ok = rec.get("status") is not None and 200 <= rec["status"] < 300
                if not ok and attempt < int(self.config["notify_retries"]):
                    t = threading.Timer(float(self.config["notify_retry_delay"]), self.outbox.put,
                                        [(url, body, kind, sid, attempt + 1)])
                    t.daemon = True
                    t.start()
            except Exception as e:  # noqa: BLE001 - a delivery failure must not stop the loop
                sys.stderr.write("fake_graph: delivery failed: %s\n" % e)

    def post_json(self, url, body, kind, sid):
        """POST a notification collection as Graph does and record the answer."""
        raw = json.dumps(body).encode()
        rec = {"kind": kind, "url": url, "subscriptionId": sid, "body": body}
        req = urllib.request.Request(url, data=raw, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "Microsoft-Graph-Change-Notifications"})
        t0 = time.time()
        try:
            with urllib.request.urlopen(req, timeout=self.config["notify_timeout"]) as r:
                rec.update(status=r.status, response=r.read(65536).decode("utf-8", "replace"))
        except urllib.error.HTTPError as e:
            rec.update(status=e.code, response=e.read(65536).decode("utf-8", "replace"))
        except (OSError, urllib.error.URLError) as e:
            rec.update(status=None, error=str(e))
        rec["elapsed_ms"] = round((time.time() - t0) * 1000, 2)
        with self.lock:
            self.deliveries.append(rec)
        return rec

    def validate_url(self, url):
        """notificationUrl validation: POST ?validationToken=… (text/plain); the
        endpoint must answer 200, text/plain, the decoded token, within 10 s;
        otherwise the GraphError Graph answers the subscription request with."""
        token = "Validation: Testing client application reachability for subscription Request-Id: %s" % uuid.uuid4()
        sep = "&" if "?" in url else "?"
        full = url + sep + urllib.parse.urlencode({"validationToken": token})
        req = urllib.request.Request(full, data=b"", method="POST",
                                     headers={"Content-Type": "text/plain; charset=utf-8"})
        rec = {"kind": "validation", "url": url, "token": token}
        err = None
        t0 = time.time()
        try:
            with urllib.request.urlopen(req, timeout=self.config["validation_timeout"]) as r:
                text = r.read(65536).decode("utf-8", "replace")
                ctype = r.headers.get("Content-Type", "")
                rec.update(status=r.status, response=text, content_type=ctype)
                if r.status != 200:
                    err = GraphError(400, "ValidationError", "Subscription validation request failed. Notification "
                                     "endpoint must respond with 200 OK to validation request.")
                elif ctype.split(";")[0].strip().lower() != "text/plain" or text != token:
                    err = GraphError(400, "ValidationError", "Subscription validation request failed. Response "
                                     "must exactly match validationToken query parameter.")
        except urllib.error.HTTPError as e:
            rec.update(status=e.code, response=e.read(4096).decode("utf-8", "replace"))
            err = GraphError(400, "ValidationError", "Subscription validation request failed. Notification "
                             "endpoint must respond with 200 OK to validation request.")
        except (OSError, urllib.error.URLError) as e:
            rec.update(status=None, error=str(e))
            timeout = "timed out" in str(e).lower()
            err = GraphError(400, "InvalidRequest", "Subscription validation request timed out." if timeout else
                             "Subscription validation request failed. Notification endpoint must respond with 200 OK "
                             "to validation request.")
            if not timeout:
                err.code = "ValidationError"
        rec["elapsed_ms"] = round((time.time() - t0) * 1000, 2)
        rec["valid"] = err is None
        with self.lock:
            self.deliveries.append(rec)
        if err is not None:
            raise err


def aad_error(status, error, code, description, tenant=None):
    """A token endpoint error as Entra ID answers it."""
    now = utc_now()
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    desc = "AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s" % (
        code, description, trace, corr, now.strftime("%Y-%m-%d %H:%M:%SZ"))
    return status, {"error": error, "error_description": desc, "error_codes": [code],
                    "timestamp": now.strftime("%Y-%m-%d %H:%M:%SZ"), "trace_id": trace, "correlation_id": corr,
                    "error_uri": "https://login.microsoftonline.com/error?code=%d" % code}


def rs256_verify(jwk, signing_input, sig):
    """RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with a public key {n, e} (base64url)."""
    n = int.from_bytes(b64url_decode(jwk["n"]), "big")
    e = int.from_bytes(b64url_decode(jwk["e"]), "big")
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    em = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")
    digest_info = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(signing_input).digest()
    want = b"\x00\x01" + b"\xff" * (k - len(digest_info) - 3) + b"\x00" + digest_info
    return hmac.compare_digest(em, want)


def mgf1_sha256(seed, length):
    """MGF1 with SHA-256 (RFC 8017 B.2.1)."""
    out = b""
    for counter in range((length + 31) // 32):
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
    return out[:length]


def ps256_verify(jwk, signing_input, sig):
    """PS256 (RFC 7518 §3.5: RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a
    salt as long as the hash, 32 bytes) with a public key {n, e} (base64url):
    RSAVP1 then EMSA-PSS-VERIFY, RFC 8017 §8.1.2 and §9.1.2, step by step."""
    n = int.from_bytes(b64url_decode(jwk["n"]), "big")
    e = int.from_bytes(b64url_decode(jwk["e"]), "big")
    k = (n.bit_length() + 7) // 8
    s = int.from_bytes(sig, "big")
    if len(sig) != k or s >= n:
        return False
    em_bits = n.bit_length() - 1
    em_len = (em_bits + 7) // 8
    m = pow(s, e, n)
    if m >> (8 * em_len):
        return False  # I2OSP(m, emLen) fails: "invalid signature"
    em = m.to_bytes(em_len, "big")
    h_len = s_len = 32
    m_hash = hashlib.sha256(signing_input).digest()
    if em_len < h_len + s_len + 2 or em[-1] != 0xbc:
        return False
    masked_db, h = em[:em_len - h_len - 1], em[em_len - h_len - 1:-1]
    top = 0xff << (8 - (8 * em_len - em_bits)) & 0xff  # the leftmost 8emLen - emBits bits
    if masked_db[0] & top:
        return False
    db = bytearray(a ^ b for a, b in zip(masked_db, mgf1_sha256(h, em_len - h_len - 1)))
    db[0] &= ~top & 0xff
    pad = em_len - h_len - s_len - 2
    if any(db[:pad]) or db[pad] != 0x01:
        return False
    salt = bytes(db[-s_len:])
    return hmac.compare_digest(h, hashlib.sha256(b"\0" * 8 + m_hash + salt).digest())


class Handler(FakeHandler):
    name = 'fake_graph'
    server_version = "FakeGraph/1.0"
    max_body = MAX_BODY
    json_ctype = JSON_CT
    bare_statuses = (202, 204, 304)

    def too_large(self):
        return GraphError(413, "RequestEntityTooLarge", "The request body is too large.")

    def extra_headers(self):
        h = {"request-id": str(uuid.uuid4())}
        if self.headers.get("client-request-id"):
            h["client-request-id"] = self.headers["client-request-id"]
        return h

    # ---- plumbing ----
    def form(self):
        raw = self.read_body()
        return dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))

    def json_body(self, required=True):
        raw = self.read_body()
        if not raw:
            if required:
                raise bad_request("Empty Payload. JSON content expected.", "BadRequest")
            return {}
        try:
            v = json.loads(raw)
        except ValueError:
            raise bad_request("Unable to read JSON request payload. Please ensure Content-Type header is set "
                              "and payload is of valid JSON format.", "BadRequest")
        if not isinstance(v, dict):
            raise bad_request("Unable to read JSON request payload.", "BadRequest")
        return v

    def base(self):
        return "http://" + (self.headers.get("Host") or "%s:%d" % self.server.server_address[:2])

    def route(self, method):
        self._raw = None
        self.url = urllib.parse.urlsplit(self.path)
        # OData system options are case-insensitive ($top, $TOP); keep the given keys too
        self.query = dict(urllib.parse.parse_qsl(self.url.query, keep_blank_values=True))
        self.q = {k.lower(): v for k, v in self.query.items()}
        path = self.url.path
        try:
            self.read_body()
            if path.startswith("/_fake/") or path == "/_fake":
                return self.control(method, path)
            if path.startswith("/v1.0/") or path == "/v1.0":
                return self.graph(method, path[5:])
            parts = path.strip("/").split("/")
            if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"] and method == "POST":
                return self.token(parts[0])
            if method == "GET" and (len(parts) == 2 and parts[1] == "adminconsent" or
                                    len(parts) == 3 and parts[1:] == ["v2.0", "adminconsent"]):
                return self.adminconsent(parts[0], v2=len(parts) == 3)
            if method == "POST" and len(parts) == 3 and parts[1:] == ["adminconsent", "decision"]:
                return self.consent_decision()
            return self.send(404, GraphError(404, "BadRequest", "Resource not found for the segment '%s'."
                                             % (parts[0] if parts else "")).body())
        except GraphError as e:
            self.state.record("error", method=method, path=path, status=e.status, code=e.code)
            return self.send(e.status, e.body(), headers=e.headers)
        except Exception as e:  # noqa: BLE001 - a bug of the fake: say so loudly, answer 500
            import traceback
            traceback.print_exc()
            self.state.record("crash", method=method, path=path, error=repr(e))
            return self.send(500, GraphError(500, "InternalServerError", "fake_graph crashed: %r" % e).body())

    # ---- identity platform ----
    def token(self, tenant_name):
        st = self.state
        f = self.form()
        rec = {"tenant": tenant_name, "grant_type": f.get("grant_type"), "client_id": f.get("client_id"),
               "scope": f.get("scope"), "assertion": "client_assertion" in f}
        if "client_assertion" in f:
            # its header (alg and thumbprints, nothing secret) for tests of what the client signs
            try:
                rec["assertion_header"] = json.loads(b64url_decode(f["client_assertion"].split(".")[0]))
            except ValueError:
                rec["assertion_header"] = None
        status, body = self.token_answer(tenant_name, f)
        rec["status"] = status
        if status != 200:
            rec["error"] = body.get("error_codes", [None])[0]
        st.record("token", **rec)
        self.send(status, body, "application/json; charset=utf-8",
                  {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"})

    def token_answer(self, tenant_name, f):
        st = self.state
        fault = self.fault_for("login")
        if fault:
            return fault["status"], fault["body"]
        with st.lock:
            t = st.find_tenant(tenant_name)
        if t is None:
            return aad_error(400, "invalid_request", 90002, "Tenant '%s' not found. Check to make sure you have "
                             "the correct tenant ID and are signing into the correct cloud. Check with your "
                             "subscription administrator, this may happen if there are no active subscriptions "
                             "for the tenant." % tenant_name)
        gt = f.get("grant_type")
        if not gt:
            return aad_error(400, "invalid_request", 900144, "The request body must contain the following "
                             "parameter: 'grant_type'.")
        if gt != "client_credentials":
            return aad_error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant "
                             "type '%s'." % gt)
        cid = f.get("client_id", "")
        app = t["apps"].get(cid)
        if app is None:
            return aad_error(400, "unauthorized_client", 700016, "Application with identifier '%s' was not "
                             "found in the directory '%s'. This can happen if the application has not been "
                             "installed by the administrator of the tenant or consented to by any user in the "
                             "tenant. You may have sent your authentication request to the wrong tenant."
                             % (cid, t["display_name"]))
        scope = f.get("scope", "")
        if scope != GRAPH_SCOPE:
            if not scope:
                return aad_error(400, "invalid_request", 900144, "The request body must contain the following "
                                 "parameter: 'scope'.")
            return aad_error(400, "invalid_scope", 1002012, "The provided value for scope %s is not valid. "
                             "Client credential flows must have a scope value with /.default suffixed to the "
                             "resource identifier (application ID URI)." % scope)
        if "client_assertion" in f:
            err = self.check_assertion(t, app, f)
            if err:
                return err
        elif "client_secret" in f:
            if not any(hmac.compare_digest(f["client_secret"], s) for s in app["secrets"]):
                return aad_error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the "
                                 "secret being sent in the request is the client secret value, not the client "
                                 "secret ID, for a secret added to app '%s'." % cid)
            if app["secret_expired"]:
                return aad_error(401, "invalid_client", 7000222, "The provided client secret keys for app '%s' "
                                 "are expired. Visit the Azure portal to create new keys for your app: "
                                 "https://aka.ms/NewClientSecret, or consider using certificate credentials for "
                                 "added security: https://aka.ms/certCreds." % cid)
        else:
            return aad_error(401, "invalid_client", 7000218, "The request body must contain the following "
                             "parameter: 'client_assertion' or 'client_secret'.")
        return 200, st.issue_token(t, app)

    def check_assertion(self, t, app, f):
        """A client assertion: a JWT signed with the app's certificate key,
        PS256 as Microsoft's "certificate credentials" page now asks, or RS256
        as it asked before (Entra still takes it), no other alg; x5t#S256 or
        x5t naming the certificate, aud the token endpoint, iss = sub =
        client_id, exp in the future, jti unique."""
        if f.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return aad_error(400, "invalid_request", 50027, "Invalid client_assertion_type.")
        try:
            h64, c64, s64 = f["client_assertion"].split(".")
            head = json.loads(b64url_decode(h64))
            claims = json.loads(b64url_decode(c64))
            sig = b64url_decode(s64)
            if not isinstance(head, dict) or not isinstance(claims, dict):
                raise ValueError("not a JSON object")
        except (ValueError, KeyError):
            return aad_error(401, "invalid_client", 50027, "JWT token is invalid or malformed.")

        def thumb(name):
            v = head.get(name)
            return app["keys"].get(v) if isinstance(v, str) and v else None
        # the certificate named by its SHA-256 or its SHA-1 thumbprint (either one registered)
        key = thumb("x5t#S256") or thumb("x5t")
        if key is None:
            return aad_error(401, "invalid_client", 700027, "The certificate with identifier used to sign the "
                             "client assertion is not registered on application. [Reason - The key was not found.]")
        alg = head.get("alg")
        verify = {"PS256": ps256_verify, "RS256": rs256_verify}.get(alg) if isinstance(alg, str) else None
        if verify is None or not verify(key, (h64 + "." + c64).encode(), sig):
            return aad_error(401, "invalid_client", 700027, "Client assertion contains an invalid signature.")
        if claims.get("iss") != app["client_id"] or claims.get("sub") != app["client_id"]:
            return aad_error(401, "invalid_client", 700021, "Client assertion application identifier doesn't "
                             "match 'client_id' parameter.")
        aud = claims.get("aud", "")
        if not aud.endswith("/%s/oauth2/v2.0/token" % t["id"]) and not aud.endswith(
                "/%s/oauth2/v2.0/token" % t["domain"]):
            return aad_error(401, "invalid_client", 700023, "Client assertion audience claim does not match "
                             "Realm issuer.")
        now = self.state.now()
        # Entra allows five minutes of clock skew on nbf
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < now or \
                (isinstance(claims.get("nbf"), (int, float)) and claims["nbf"] > now + 300):
            return aad_error(401, "invalid_client", 700024, "Client assertion is not within its valid time range.")
        with self.state.lock:
            seen = app.setdefault("jtis", set())
            if claims.get("jti") in seen:
                return aad_error(401, "invalid_client", 700025, "Client assertion is replayed.")
            seen.add(claims.get("jti"))
        return None

    def adminconsent(self, tenant_name, v2):
        """The admin consent endpoint: the administrator approves the app's
        application permissions for the whole tenant (or declines), then the
        browser goes back to redirect_uri with admin_consent=True&tenant=…"""
        st = self.state
        q = self.query
        st.record("adminconsent", tenant=tenant_name, params=dict(q))
        with st.lock:
            t = st.find_tenant(tenant_name) if tenant_name not in ("organizations", "common") else st.default_tenant()
            app = t["apps"].get(q.get("client_id", "")) if t else None
        if t is None:
            return self.error_page("AADSTS90002: Tenant '%s' not found." % tenant_name)
        if app is None:
            return self.error_page("AADSTS700016: Application with identifier '%s' was not found in the "
                                   "directory '%s'." % (q.get("client_id", ""), t["display_name"]))
        redirect = q.get("redirect_uri", "")
        if not redirect or (app["redirect_uris"] and redirect not in app["redirect_uris"]):
            return self.error_page("AADSTS50011: The redirect URI '%s' specified in the request does not match "
                                   "the redirect URIs configured for the application '%s'." % (redirect,
                                                                                               app["client_id"]))
        if v2 and not q.get("scope"):
            return self.error_page("AADSTS900144: The request body must contain the following parameter: 'scope'.")
        decision = q.get("fake_decision") or st.config["consent_decision"]
        if decision == "page":
            hidden = "".join('<input type="hidden" name="%s" value="%s">' % (html.escape(k), html.escape(v))
                             for k, v in dict(q, tenant=t["id"], v2="1" if v2 else "").items())
            roles = "".join("<li>%s</li>" % html.escape(r) for r in app["required"])
            page = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Permissions requested"
                    "</title></head><body><main><h1>Permissions requested</h1><p>%s needs these application "
                    "permissions in %s:</p><ul>%s</ul><form method=post action=/%s/adminconsent/decision>%s"
                    "<button type=submit name=decision value=approve id=accept>Accept</button> "
                    "<button type=submit name=decision value=decline id=cancel>Cancel</button></form></main>"
                    "</body></html>") % (html.escape(app["name"]), html.escape(t["domain"]), roles,
                                         html.escape(t["id"]), hidden)
            return self.send(200, page, "text/html; charset=utf-8")
        return self.consent_redirect(t, app, redirect, q.get("state"), decision == "approve", v2, q.get("scope"))

    def consent_decision(self):
        st = self.state
        f = self.form()
        with st.lock:
            t = st.find_tenant(f.get("tenant", ""))
            app = t["apps"].get(f.get("client_id", "")) if t else None
        if app is None:
            return self.error_page("AADSTS700016: Application not found.")
        redirect = f.get("redirect_uri", "")
        if not redirect or (app["redirect_uris"] and redirect not in app["redirect_uris"]):
            return self.error_page("AADSTS50011: The redirect URI does not match.")
        return self.consent_redirect(t, app, redirect, f.get("state"), f.get("decision") == "approve",
                                     f.get("v2") == "1", f.get("scope"))

    def consent_redirect(self, t, app, redirect, state_param, approve, v2, scope):
        st = self.state
        if approve:
            with st.lock:
                app["consented"] = sorted(set(app["consented"]) | set(app["required"]))
            params = {"admin_consent": "True", "tenant": t["id"]}
            if v2 and scope:
                params["scope"] = scope
        else:
            # the documented failure answer (v2-oauth2-client-creds-grant-flow, "Error response")
            params = {"error": "permission_denied", "error_description": "The admin canceled the request"}
        if state_param is not None:
            params["state"] = state_param
        st.record("consent", tenant=t["id"], client_id=app["client_id"], approved=approve)
        sep = "&" if "?" in redirect else "?"
        self.send(302, b"", "text/plain", {"Location": redirect + sep + urllib.parse.urlencode(params)})

    def error_page(self, text):
        self.send(400, "<!doctype html><title>Sign in to your account</title><h1>Sorry, but we're having "
                  "trouble signing you in.</h1><p id=error>%s</p>" % html.escape(text), "text/html; charset=utf-8")

    # ---- Graph: authentication, faults ----
    def caller(self):
        st = self.state
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("bearer ") or not h[7:].strip():
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
        tok = h[7:].strip()
        with st.lock:
            a = st.tokens.get(tok)
        if a is None:
            if tok.count(".") != 2:
                raise GraphError(401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are "
                                 "no dots (.).")
            raise GraphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
        if a["exp"] <= st.now():
            raise GraphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
        return a

    def need(self, who, *roles):
        if not any(r in who["roles"] for r in roles):
            raise access_denied()

    def fault_for(self, target):
        st = self.state
        with st.lock:
            for f in st.faults:
                if f["target"] in (target, "all") and f["count"] != 0:
                    if f["count"] > 0:
                        f["count"] -= 1
                    return f
        return None

    def mailbox(self, who, ident):
        """users/{id | userPrincipalName}: a mailbox of the caller's tenant."""
        st = self.state
        with st.lock:
            mb = st.mailboxes.get(ident.lower()) or st.mailbox_ids.get(ident)
        if mb is None or mb["tenant"] != who["tenant"]:
            raise GraphError(404, "ErrorInvalidUser", "The requested user '%s' is invalid." % ident)
        return mb

    def out_tz(self):
        """Prefer: outlook.timezone="…" (start and end in that zone), else UTC."""
        prefer = self.headers.get_all("Prefer") or []
        for p in ",".join(prefer).split(","):
            m = re.match(r'\s*outlook\.timezone\s*=\s*"?([^"]+)"?\s*$', p)
            if m and resolve_tz(m.group(1)):
                return m.group(1), True
        return "UTC", False

    def page_size(self, default):
        top = self.q.get("$top")
        if top is not None:
            if not top.isdigit() or int(top) < 1:
                raise bad_request("Invalid value '%s' for $top query option." % top, "BadRequest")
            return min(int(top), MAX_TOP), None
        prefer = ",".join(self.headers.get_all("Prefer") or [])
        m = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", prefer)
        if m and int(m.group(1)) > 0:
            return min(int(m.group(1)), MAX_TOP), "odata.maxpagesize=%d" % min(int(m.group(1)), MAX_TOP)
        return default, None

    def skip(self):
        s = self.q.get("$skip", "0")
        if not s.isdigit():
            raise bad_request("Invalid value '%s' for $skip query option." % s, "BadRequest")
        return int(s)

    def next_link(self, path, skip):
        q = {k: v for k, v in self.query.items() if k.lower() != "$skip"}
        q["$skip"] = str(skip)
        return self.base() + "/v1.0" + path + "?" + urllib.parse.urlencode(q, safe="$'(),/:=@ ").replace(" ", "%20")

    def select(self, items, always=("id",)):
        sel = self.q.get("$select")
        if not sel:
            return items
        keep = set(x.strip() for x in sel.split(",")) | set(always) | {"@odata.etag"}
        return [{k: v for k, v in it.items() if k in keep} for it in items]

    def graph(self, method, path):
        st = self.state
        rec = {"method": method, "path": "/v1.0" + path, "query": dict(self.query)}
        try:
            who = self.caller()
            rec["tenant"] = who["tenant"]
            f = self.fault_for("graph")
            if f:
                rec["status"] = f["status"]
                st.record("api", **rec)
                return self.send(f["status"], f["body"], headers=f["headers"])
            status, body, headers = self.graph_call(method, path, who)
        except GraphError as e:
            rec.update(status=e.status, code=e.code)
            st.record("api", **rec)
            return self.send(e.status, e.body(), headers=e.headers)
        rec["status"] = status
        st.record("api", **rec)
        self.send(status, body if body is not None else b"", headers=headers)

    def graph_call(self, method, path, who):
        st = self.state
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        low = [p.lower() for p in parts]
        if low[0] == "places":
            if method != "GET":
                raise GraphError(405, "Request_BadRequest", "The HTTP method is not allowed for this resource.")
            self.need(who, "Place.Read.All", "Place.ReadWrite.All")
            return self.places(parts[1:], who)
        if low[0] == "subscriptions":
            return self.subscriptions(method, parts[1:], who)
        if low[0] == "users" and len(parts) == 2 and method == "GET":
            # reading a user needs User.Read.All, which convene does not ask for
            if not any(r in who["roles"] for r in ("User.Read.All", "User.ReadBasic.All", "Directory.Read.All")):
                raise GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the "
                                 "operation.")
            mb = self.mailbox(who, parts[1])
            return 200, {"@odata.context": "%s/v1.0/$metadata#users/$entity" % self.base(), "id": mb["id"],
                         "displayName": mb["name"], "mail": mb["email"], "userPrincipalName": mb["email"]}, None
        if low[0] == "users" and len(parts) >= 3:
            mb = self.mailbox(who, parts[1])
            rest = low[2:]
            if rest[:1] == ["calendar"] and len(rest) > 1:
                rest = rest[1:]  # users/{id}/calendar/events is the same default calendar
                parts = parts[:2] + parts[3:]
            if rest == ["events"]:
                if method == "GET":
                    self.need(who, "Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic")
                    return self.list_events(mb)
                if method == "POST":
                    self.need(who, "Calendars.ReadWrite")
                    return self.create_event(mb)
            if rest == ["calendarview"] and method == "GET":
                self.need(who, "Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic")
                return self.calendar_view(mb)
            if rest == ["calendarview", "delta"] and method == "GET":
                self.need(who, "Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic")
                return self.delta(mb, path)
            if len(rest) == 2 and rest[0] == "events":
                eid = parts[3]
                if method == "GET":
                    self.need(who, "Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic")
                    with st.lock:
                        ev, key = st.find_event(mb, eid)
                        tzname, applied = self.out_tz()
                        ext = self.ext_expand()
                        v = st.master_view(ev, tzname, ext) if key is None else st.view(
                            self.instance_of(ev, key), tzname, ext)
                    return 200, dict({"@odata.context": "%s/v1.0/$metadata#users('%s')/events/$entity" % (
                        self.base(), urllib.parse.quote(mb["email"])), **v}), self.tz_header(tzname, applied)
                if method == "PATCH":
                    self.need(who, "Calendars.ReadWrite")
                    return self.update_event(mb, eid)
                if method == "DELETE":
                    self.need(who, "Calendars.ReadWrite")
                    with st.lock:
                        ev, key = st.find_event(mb, eid)
                        self.delete_instance(mb, ev, key)
                    return 204, None, None
            if len(rest) == 3 and rest[0] == "events" and rest[2] == "instances" and method == "GET":
                self.need(who, "Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic")
                return self.list_instances(mb, parts[3])
            if len(rest) == 3 and rest[0] == "events" and rest[2] in ("decline", "accept", "tentativelyaccept") \
                    and method == "POST":
                self.need(who, "Calendars.ReadWrite")
                return self.respond(mb, parts[3], rest[2])
        raise GraphError(400, "BadRequest", "Resource not found for the segment '%s'." % parts[-1])

    def tz_header(self, tzname, applied):
        return {"Preference-Applied": 'outlook.timezone="%s"' % tzname} if applied else None

    def instance_of(self, ev, key):
        t = dt.datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        for inst in self.state.instances(ev, t - dt.timedelta(days=400), t + dt.timedelta(days=400)):
            if inst[4] == key:
                return inst
        raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")

    def ext_expand(self):
        """$expand=singleValueExtendedProperties($filter=id eq 'String {guid} Name x'):
        the one property to include (lower-cased id), None when not asked."""
        ex = self.q.get("$expand")
        if not ex:
            return None
        m = re.fullmatch(r"\s*singleValueExtendedProperties\s*\(\s*\$filter\s*=\s*id\s+eq\s+'(.+)'\s*\)\s*", ex,
                         re.I)
        if not m or not EXT_ID.match(m.group(1)):
            raise bad_request("Parsing OData Select and Expand failed: the fake supports only "
                              "singleValueExtendedProperties($filter=id eq '…').", "BadRequest")
        return m.group(1).lower()

    def ext_filter(self):
        """$filter=singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…'),
        or iCalUId eq '…'; returns a predicate on a stored event."""
        f = self.q.get("$filter")
        if not f:
            return lambda ev: True
        m = re.fullmatch(r"\s*singleValueExtendedProperties/any\(\s*(\w+)\s*:\s*\1/id\s+eq\s+'(.+?)'\s+and\s+"
                         r"\1/value\s+eq\s+'(.*)'\s*\)\s*", f, re.I)
        if m and EXT_ID.match(m.group(2)):
            key, val = m.group(2).lower(), m.group(3).replace("''", "'")
            return lambda ev: key in ev["ext"] and str(ev["ext"][key]["value"]) == val
        m = re.fullmatch(r"\s*iCalUId\s+eq\s+'(.+)'\s*", f, re.I)
        if m:
            return lambda ev: ev["iCalUId"] == m.group(1)
        raise bad_request("Invalid filter clause: the fake supports singleValueExtendedProperties/Any(…) and "
                          "iCalUId eq '…'.", "BadRequest")

    # ---- places ----
    def places(self, parts, who):
        st = self.state
        low = [p.lower() for p in parts]
        with st.lock:
            mine = [p for p in st.places.values() if p["tenant"] == who["tenant"]]
            if low == ["microsoft.graph.room"]:
                items, ctx = [p["data"] for p in mine if p["kind"] == "room"], "places/microsoft.graph.room"
            elif low == ["microsoft.graph.roomlist"]:
                items, ctx = [p["data"] for p in mine if p["kind"] == "roomlist"], "places/microsoft.graph.roomList"
            elif len(parts) == 3 and low[1:] == ["microsoft.graph.roomlist", "rooms"]:
                rl = [p for p in mine if p["kind"] == "roomlist" and p["data"]["emailAddress"] == low[0]]
                if not rl:
                    raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
                items = [p["data"] for p in mine if p["kind"] == "room" and p["roomlist"] and
                         p["roomlist"].lower() == low[0]]
                ctx = "places('%s')/microsoft.graph.roomList/rooms" % urllib.parse.quote(low[0])
            elif len(parts) == 1:
                p = next((p for p in mine if p["data"]["id"] == parts[0] or
                          p["data"]["emailAddress"] == low[0]), None)
                if p is None:
                    raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
                odt = "#microsoft.graph.room" if p["kind"] == "room" else "#microsoft.graph.roomList"
                return 200, dict({"@odata.context": "%s/v1.0/$metadata#places/$entity" % self.base(),
                                  "@odata.type": odt}, **p["data"]), None
            else:
                raise GraphError(400, "BadRequest", "Resource not found for the segment '%s'." % parts[-1])
            items = sorted(items, key=lambda d: (d["displayName"] or "", d["id"]))
        if self.q.get("$filter") or self.q.get("$orderby"):
            raise bad_request("The fake does not implement $filter or $orderby on places.", "BadRequest")
        size, _ = self.page_size(PLACES_PAGE)
        skip = self.skip()
        page = self.select([dict(x) for x in items[skip:skip + size]])
        body = {"@odata.context": "%s/v1.0/$metadata#%s" % (self.base(), ctx)}
        if self.q.get("$count") == "true":
            body["@odata.count"] = len(items)
        if skip + size < len(items):
            body["@odata.nextLink"] = self.next_link("/places/" + "/".join(
                urllib.parse.quote(p, safe="@.") for p in parts), skip + size)
        body["value"] = page
        return 200, body, None

    # ---- events ----
    def list_events(self, mb):
        """GET /users/{id}/events: single instances and series masters (not occurrences)."""
        st = self.state
        pred = self.ext_filter()
        ext = self.ext_expand()
        tzname, applied = self.out_tz()
        size, pref = self.page_size(DEFAULT_PAGE)
        skip = self.skip()
        with st.lock:
            evs = sorted((e for e in mb["events"].values() if pred(e)), key=lambda e: (e["start"], e["id"]))
            page = [st.master_view(e, tzname, ext) for e in evs[skip:skip + size]]
        body = {"@odata.context": "%s/v1.0/$metadata#users('%s')/events" % (self.base(), urllib.parse.quote(
            mb["email"]))}
        if skip + size < len(evs):
            body["@odata.nextLink"] = self.next_link("/users/%s/events" % urllib.parse.quote(mb["email"], safe="@"),
                                                     skip + size)
        body["value"] = self.select(page)
        hdr = self.tz_header(tzname, applied) or {}
        if pref:
            hdr["Preference-Applied"] = ", ".join(x for x in (hdr.get("Preference-Applied"), pref) if x)
        return 200, body, hdr

    def calendar_view(self, mb):
        """GET /users/{id}/calendarView?startDateTime&endDateTime: single
        instances, occurrences and exceptions overlapping the window."""
        st = self.state
        lo = parse_query_time(self.q.get("startdatetime"), "startDateTime")
        hi = parse_query_time(self.q.get("enddatetime"), "endDateTime")
        pred = self.ext_filter()
        ext = self.ext_expand()
        tzname, applied = self.out_tz()
        size, pref = self.page_size(DEFAULT_PAGE)
        skip = self.skip()
        with st.lock:
            insts = []
            for ev in mb["events"].values():
                if pred(ev):
                    insts.extend(st.instances(ev, lo, hi))
            insts.sort(key=lambda i: (i[2], i[1]["id"], i[4] or ""))
            page = [st.view(i, tzname, ext) for i in insts[skip:skip + size]]
        body = {"@odata.context": "%s/v1.0/$metadata#users('%s')/calendarView" % (
            self.base(), urllib.parse.quote(mb["email"]))}
        if skip + size < len(insts):
            body["@odata.nextLink"] = self.next_link("/users/%s/calendarView" % urllib.parse.quote(
                mb["email"], safe="@"), skip + size)
        body["value"] = self.select(page)
        hdr = self.tz_header(tzname, applied) or {}
        if pref:
            hdr["Preference-Applied"] = ", ".join(x for x in (hdr.get("Preference-Applied"), pref) if x)
        return 200, body, hdr

    def list_instances(self, mb, eid):
        """GET /events/{id}/instances?startDateTime&endDateTime: a series'
        occurrences and exceptions in the window (a single event: itself)."""
        st = self.state
        lo = parse_query_time(self.q.get("startdatetime"), "startDateTime")
        hi = parse_query_time(self.q.get("enddatetime"), "endDateTime")
        tzname, applied = self.out_tz()
        size, _ = self.page_size(DEFAULT_PAGE)
        skip = self.skip()
        with st.lock:
            ev, key = st.find_event(mb, eid)
            if key is not None:
                raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            insts = st.instances(ev, lo, hi)
            page = [st.view(i, tzname) for i in insts[skip:skip + size]]
        path = "/users/%s/events/%s/instances" % (urllib.parse.quote(mb["email"], safe="@"),
                                                   urllib.parse.quote(eid, safe=""))
        body = {"@odata.context": "%s/v1.0/$metadata#Collection(event)" % self.base()}
        if skip + size < len(insts):
            body["@odata.nextLink"] = self.next_link(path, skip + size)
        body["value"] = self.select(page)
        return 200, body, self.tz_header(tzname, applied)

    def delta(self, mb, path):
        """calendarView/delta: a round of pages (@odata.nextLink with
        $skiptoken) ending with @odata.deltaLink ($deltatoken); the next round
        from a deltaLink brings what changed, removals as @removed."""
        st = self.state
        skiptoken = self.q.get("$skiptoken")
        deltatoken = self.q.get("$deltatoken")
        tzname, applied = self.out_tz()
        size, pref = self.page_size(DEFAULT_PAGE)
        if self.q.get("$select") or self.q.get("$filter") or self.q.get("$expand") or self.q.get("$orderby"):
            raise bad_request("The query parameter is not supported with delta.", "ErrorInvalidUrlQuery")
        mbpath = "/users/%s/calendarView/delta" % urllib.parse.quote(mb["email"], safe="@")
        with st.lock:
            if skiptoken or deltatoken:
                tok = skiptoken or deltatoken
                s = st.delta_states.get(tok)
                if s is None or s["mailbox"] != mb["email"] or s.get("invalid") == "syncStateNotFound":
                    raise GraphError(410, "syncStateNotFound", "The sync state generation is not found. The "
                                     "delta token is expired and data must be synchronized again.")
                if s.get("invalid") == "resync":
                    q = {"startDateTime": iso_z(s["lo"]), "endDateTime": iso_z(s["hi"]), "$deltatoken": ""}
                    raise GraphError(410, "resyncRequired", "A full resynchronization is required.", headers={
                        "Location": self.base() + "/v1.0" + mbpath + "?" + urllib.parse.urlencode(q, safe="$:")})
                if skiptoken:
                    round_ = s
                else:
                    round_ = self.delta_round(mb, s["lo"], s["hi"], s["known"], s.get("tz", tzname), s["since"])
            else:
                lo = parse_query_time(self.q.get("startdatetime"), "startDateTime")
                hi = parse_query_time(self.q.get("enddatetime"), "endDateTime")
                round_ = self.delta_round(mb, lo, hi, {}, tzname, None)
            if len(st.delta_states) > MAX_DELTA_STATES:
                # like Outlook's delta token cache: the oldest tokens are dropped (then 410 syncStateNotFound)
                for k in list(st.delta_states)[:MAX_DELTA_STATES // 10]:
                    del st.delta_states[k]
            items = round_["items"][round_["offset"]:round_["offset"] + size]
            body = {"@odata.context": "%s/v1.0/$metadata#Collection(event)" % self.base()}
            if round_["offset"] + size < len(round_["items"]):
                nxt = dict(round_, offset=round_["offset"] + size)
                tok = b64url(secrets.token_bytes(48))
                st.delta_states[tok] = nxt
                body["@odata.nextLink"] = self.base() + "/v1.0" + mbpath + "?$skiptoken=" + tok
            else:
                tok = b64url(secrets.token_bytes(48))
                st.delta_states[tok] = {"mailbox": mb["email"], "lo": round_["lo"], "hi": round_["hi"],
                                        "known": round_["after"], "tz": round_["tz"], "since": round_["since"]}
                body["@odata.deltaLink"] = self.base() + "/v1.0" + mbpath + "?$deltatoken=" + tok
            body["value"] = items
        hdr = self.tz_header(tzname, applied) or {}
        if pref:
            hdr["Preference-Applied"] = ", ".join(x for x in (hdr.get("Preference-Applied"), pref) if x)
        return 200, body, hdr

    def delta_round(self, mb, lo, hi, known, tzname, since):
        """One round of calendarView delta: instances in the window that the
        client has not seen in this version, then @removed (reason deleted)
        for what left the window or the calendar and, as Graph does in a round
        after the first, for events outside the window added, changed or
        deleted since the previous round."""
        st = self.state
        current = {}
        items = []
        outside = []
        for ev in mb["events"].values():
            insts = st.instances(ev, lo, hi)
            for inst in insts:
                v = dict({"@odata.type": "#microsoft.graph.event"}, **st.view(inst, tzname))
                version = "%s:%s" % (ev["seq"], v["changeKey"])
                current[v["id"]] = version
                if known.get(v["id"]) != version:
                    items.append((inst[2], v))
            if not insts and since is not None and ev["seq"] > since and ev["id"] not in known:
                outside.append(ev["id"])
        items.sort(key=lambda x: (x[0], x[1]["id"]))
        out = [v for _, v in items]
        gone = set(known) - set(current)
        if since is not None:
            gone |= {i for i, seq in mb["tombstones"].items() if seq > since}
            gone |= set(outside)
        for iid in sorted(gone):
            out.append({"@odata.type": "#microsoft.graph.event", "id": iid, "@removed": {"reason": "deleted"}})
        return {"mailbox": mb["email"], "lo": lo, "hi": hi, "items": out, "offset": 0, "after": current,
                "tz": tzname, "since": st.change_seq}

    def create_event(self, mb):
        st = self.state
        body = self.json_body()
        with st.lock:
            txn = body.get("transactionId")
            if txn and txn in mb["by_txn"] and mb["by_txn"][txn] in mb["events"]:
                # Graph: transactionId lets a retried POST find the event it already made
                ev = mb["events"][mb["by_txn"][txn]]
            else:
                ev = st.build_event(mb, body)
                st.store(mb, ev)
                st.notify(mb, ev, "created")
            tzname, applied = self.out_tz()
            v = st.master_view(ev, tzname)
        return 201, dict({"@odata.context": "%s/v1.0/$metadata#users('%s')/events/$entity" % (
            self.base(), urllib.parse.quote(mb["email"]))}, **v), self.tz_header(tzname, applied)

    def update_event(self, mb, eid):
        st = self.state
        body = self.json_body()
        with st.lock:
            ev, key = st.find_event(mb, eid)
            if key is None:
                if not ev["isOrganizer"] and any(k in body for k in ("start", "end", "recurrence", "attendees")):
                    # an attendee's copy: Outlook keeps the organizer's times
                    raise GraphError(400, "ErrorInvalidRequest", "Your request can't be completed. You need to be "
                                     "the organizer of the meeting to change its time or attendees.")
                st.build_event(mb, body, existing=ev)
                st.store(mb, ev)
                v = st.master_view(ev, *self.out_tz()[:1])
            else:
                self.patch_occurrence(ev, key, body)
                v = st.view(self.instance_of(ev, key), self.out_tz()[0])
            st.notify(mb, ev, "updated")
        tzname, applied = self.out_tz()
        return 200, dict({"@odata.context": "%s/v1.0/$metadata#users('%s')/events/$entity" % (
            self.base(), urllib.parse.quote(mb["email"]))}, **v), self.tz_header(tzname, applied)

    def patch_occurrence(self, ev, key, body):
        """PATCH of one occurrence: it becomes an exception of the series."""
        st = self.state
        inst = self.instance_of(ev, key)
        exc = dict(ev["exceptions"].get(key) or {"start": inst[2], "end": inst[3]})
        for k in ("subject", "showAs", "categories", "importance", "sensitivity"):
            if k in body:
                exc[k] = body[k]
        if "body" in body:
            exc["body"] = {"contentType": (body["body"] or {}).get("contentType", "text"),
                           "content": (body["body"] or {}).get("content", "")}
        if "location" in body:
            exc["location"] = dict(body["location"] or {})
        if "start" in body:
            exc["start"], _ = parse_dtz(body["start"], "start")
        if "end" in body:
            exc["end"], _ = parse_dtz(body["end"], "end")
        if exc["end"] < exc["start"]:
            raise bad_request("The end time must be later than or equal to the start time.")
        exc["changeKey"] = new_change_key()
        exc["lastModifiedDateTime"] = iso_z(st.now_dt())
        ev["exceptions"][key] = exc
        st.touch(ev)

    def delete_instance(self, mb, ev, key):
        st = self.state
        if key is None:
            st.remove(mb, ev)
            st.notify(mb, ev, "deleted")
            return
        ev["cancelled"].add(key)
        ev["exceptions"].pop(key, None)
        st.touch(ev)
        st.notify(mb, ev, "updated")

    def respond(self, mb, eid, action):
        """POST /events/{id}/decline (accept, tentativelyAccept) {comment, sendResponse}: 202.
        A declined invitation leaves the room's calendar and the organizer sees the room's answer."""
        st = self.state
        body = self.json_body(required=False)
        if "sendResponse" in body and not isinstance(body["sendResponse"], bool):
            raise bad_request("Invalid sendResponse.", "RequestBodyRead")
        with st.lock:
            ev, key = st.find_event(mb, eid)
            if body.get("proposedNewTime") is not None and (
                    action != "decline" and action != "tentativelyaccept" or body.get("sendResponse") is False
                    or not ev.get("allowNewTimeProposals", True)):
                # documented: 400 when sendResponse is false or the event takes no proposals
                raise bad_request("Your request can't be completed. A new time can't be proposed for this event.")
            if ev["isOrganizer"]:
                raise GraphError(400, "ErrorInvalidRequest", "Your request can't be completed. You can't respond "
                                 "to a meeting you organized.")
            resp = {"decline": "declined", "accept": "accepted", "tentativelyaccept": "tentativelyAccepted"}[action]
            st.record("response", mailbox=mb["email"], event=ev["id"], response=resp,
                      comment=body.get("comment"), sendResponse=body.get("sendResponse", True))
            org = st.mailboxes.get(ev["organizer"]["emailAddress"]["address"].lower())
            if body.get("sendResponse", True) and org is not None:
                oev = next((e for e in org["events"].values() if e["iCalUId"] == ev["iCalUId"]), None)
                if oev is not None:
                    for a in oev["attendees"]:
                        if a["emailAddress"]["address"].lower() == mb["email"]:
                            a["status"] = {"response": resp, "time": iso_z(st.now_dt())}
                    st.touch(oev)
            if resp == "declined":
                if key is None:
                    st.remove(mb, ev)
                    st.notify(mb, ev, "deleted")
                else:
                    ev["cancelled"].add(key)
                    st.touch(ev)
                    st.notify(mb, ev, "updated")
            else:
                ev["response"] = resp
                st.touch(ev)
                st.notify(mb, ev, "updated")
        return 202, None, None

    # ---- subscriptions ----
    def sub_view(self, sub):
        return {"id": sub["id"], "resource": sub["resource"], "applicationId": sub["client_id"],
                "changeType": sub["changeType"], "clientState": sub["clientState"],
                "notificationUrl": sub["notificationUrl"], "notificationQueryOptions": None,
                "lifecycleNotificationUrl": sub["lifecycleNotificationUrl"],
                "expirationDateTime": iso_z(dt.datetime.fromtimestamp(sub["exp"], dt.timezone.utc)),
                "creatorId": sub["creator"], "includeResourceData": None, "latestSupportedTlsVersion": "v1_2",
                "encryptionCertificate": None, "encryptionCertificateId": None, "notificationUrlAppId": None}

    def parse_expiration(self, value, now):
        """expirationDateTime: required, in the future, at most the resource's
        maximum (10,080 minutes for Outlook events); under 45 minutes is raised to 45."""
        st = self.state
        if not isinstance(value, str):
            raise bad_request("expirationDateTime is a required property for subscription creation.",
                              "InvalidRequest")
        try:
            t = parse_query_time(value, "expirationDateTime").timestamp()
        except GraphError:
            raise bad_request("Invalid expirationDateTime.", "InvalidRequest")
        if t <= now:
            raise bad_request("Subscription expiration can only be in the future.", "InvalidRequest")
        maxm = st.config["sub_max_minutes"]
        if t > now + maxm * 60:
            raise bad_request("Subscription expiration can only be %d minutes in the future." % maxm,
                              "InvalidRequest")
        return max(t, now + SUB_MIN_MINUTES * 60)

    def subscriptions(self, method, parts, who):
        st = self.state
        if not parts:
            if method == "GET":
                with st.lock:
                    subs = [self.sub_view(s) for s in st.subscriptions.values()
                            if s["tenant"] == who["tenant"] and s["client_id"] == who["client_id"]
                            and s["exp"] > st.now()]
                return 200, {"@odata.context": "%s/v1.0/$metadata#subscriptions" % self.base(), "value": subs}, None
            if method == "POST":
                return self.create_subscription(who)
        elif len(parts) in (1, 2):
            body = self.json_body() if method == "PATCH" else {}
            if "notificationUrl" in body:
                # validated before the subscription changes, without holding the lock for up to 10 s
                url = body["notificationUrl"]
                if not isinstance(url, str) or not self.url_ok(url):
                    raise bad_request("Invalid notification URL.", "InvalidRequest")
                with st.lock:
                    sub = st.subscriptions.get(parts[0])
                    if sub is None or sub["tenant"] != who["tenant"] or sub["client_id"] != who["client_id"]:
                        raise GraphError(404, "ResourceNotFound", "The object was not found.")
                st.validate_url(url)
            with st.lock:
                sub = st.subscriptions.get(parts[0])
                if sub is not None and sub["exp"] <= st.now():
                    del st.subscriptions[parts[0]]  # expired subscriptions are deleted
                    sub = None
                if sub is None or sub["tenant"] != who["tenant"] or sub["client_id"] != who["client_id"]:
                    raise GraphError(404, "ResourceNotFound", "The object was not found.")
                if len(parts) == 2:
                    if parts[1].lower() == "reauthorize" and method == "POST":
                        sub["paused"] = False
                        return 204, None, None
                    raise GraphError(400, "BadRequest", "Resource not found for the segment '%s'." % parts[1])
                if method == "GET":
                    return 200, dict({"@odata.context": "%s/v1.0/$metadata#subscriptions/$entity" % self.base()},
                                     **self.sub_view(sub)), None
                if method == "DELETE":
                    del st.subscriptions[sub["id"]]
                    return 204, None, None
                if method == "PATCH":
                    if "expirationDateTime" in body:
                        sub["exp"] = self.parse_expiration(body["expirationDateTime"], st.now())
                    if "notificationUrl" in body:
                        sub["notificationUrl"] = body["notificationUrl"]
                    sub["paused"] = False  # an update also reauthorizes
                    return 200, dict({"@odata.context": "%s/v1.0/$metadata#subscriptions/$entity" % self.base()},
                                     **self.sub_view(sub)), None
        raise GraphError(405, "BadRequest", "The HTTP method is not allowed for this resource.")

    def url_ok(self, url):
        u = urllib.parse.urlsplit(url)
        if self.state.config["require_https"]:
            return u.scheme == "https" and bool(u.netloc)
        return u.scheme in ("http", "https") and bool(u.netloc)

    def create_subscription(self, who):
        st = self.state
        body = self.json_body()
        ct = body.get("changeType")
        if not isinstance(ct, str) or not ct or any(c not in ("created", "updated", "deleted")
                                                    for c in ct.split(",")):
            raise bad_request("changeType is a required property for subscription creation.", "InvalidRequest")
        url = body.get("notificationUrl")
        if not isinstance(url, str) or not url:
            raise bad_request("notificationUrl is a required property for subscription creation.", "InvalidRequest")
        if not self.url_ok(url):
            raise bad_request("The notification URL must use the https scheme.", "InvalidRequest")
        lurl = body.get("lifecycleNotificationUrl")
        if lurl is not None and (not isinstance(lurl, str) or not self.url_ok(lurl)):
            raise bad_request("The lifecycle notification URL must use the https scheme.", "InvalidRequest")
        cs = body.get("clientState")
        if cs is not None and (not isinstance(cs, str) or len(cs) > 128):
            raise bad_request("clientState can be at most 128 characters long.", "InvalidRequest")
        res = body.get("resource")
        m = re.fullmatch(r"/?users/([^/]+)/(?:calendar/)?events", res or "", re.I)
        if not m:
            raise bad_request("Resource '%s' is not supported by the fake (users/{id}/events)." % res,
                              "ExtensionError")
        mb = self.mailbox(who, urllib.parse.unquote(m.group(1)))
        self.need(who, "Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic")
        exp = self.parse_expiration(body.get("expirationDateTime"), st.now())
        # The endpoints are validated before the subscription exists, outside the lock
        for u in [url] + ([lurl] if lurl else []):
            st.validate_url(u)
        with st.lock:
            if sum(1 for s in st.subscriptions.values() if s["mailbox"] == mb["email"]) >= 1000:
                raise GraphError(403, "ExtensionError", "The maximum number of subscriptions for this mailbox "
                                 "has been reached.")
            app = st.tenants[who["tenant"]]["apps"][who["client_id"]]
            sub = {"id": str(uuid.uuid4()), "resource": res, "mailbox": mb["email"], "changeType": ct,
                   "notificationUrl": url, "lifecycleNotificationUrl": lurl, "clientState": cs, "exp": exp,
                   "tenant": who["tenant"], "client_id": who["client_id"], "creator": app["sp_id"],
                   "paused": False, "lost": 0}
            st.subscriptions[sub["id"]] = sub
        return 201, dict({"@odata.context": "%s/v1.0/$metadata#subscriptions/$entity" % self.base()},
                         **self.sub_view(sub)), None

    # ---- control API for tests ----
    def control(self, method, path):
        st = self.state
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")[1:]]
        body = self.json_body(required=False)

        def ok(v=None):
            return self.send(200, v if v is not None else {"ok": True}, "application/json")

        def tenant():
            t = st.tenants.get(body.get("tenant_id") or self.query.get("tenant_id") or st.opts.tenant_id)
            if t is None:
                raise GraphError(404, "NotFound", "no such tenant")
            return t

        def app_of(t):
            a = t["apps"].get(body.get("client_id") or next(iter(t["apps"])))
            if a is None:
                raise GraphError(404, "NotFound", "no such app")
            return a

        def mbox(email):
            m = st.mailboxes.get(email.lower())
            if m is None:
                raise GraphError(404, "NotFound", "no mailbox %s" % email)
            return m

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
                            raise bad_request("unknown config key %s" % k)
                        st.config[k] = v
            return ok(dict(st.config))
        if parts == ["clock"] and method == "POST":
            with st.lock:
                st.clock_offset += float(body.get("advance", 0))
            return ok({"offset": st.clock_offset, "now": st.now()})
        if parts == ["tenants"]:
            if method == "POST":
                return ok(st.add_tenant(body))
            return ok([st.tenant_view(t) for t in st.tenants.values()])
        if parts == ["consent"] and method == "POST":
            # what the tenant's administrator has consented to (application permissions)
            with st.lock:
                a = app_of(tenant())
                a["consented"] = list(body.get("roles") or [])
            return ok({"consented": a["consented"]})
        if parts == ["app"] and method in ("GET", "POST"):
            with st.lock:
                t = tenant()
                a = app_of(t)
                if method == "POST":
                    if "client_secret" in body:
                        a["secrets"] = [body["client_secret"]]
                    if "secret_expired" in body:
                        a["secret_expired"] = bool(body["secret_expired"])
                    if "redirect_uris" in body:
                        a["redirect_uris"] = list(body["redirect_uris"])
                    if "required_roles" in body:
                        a["required"] = list(body["required_roles"])
                    for x5t, jwk in (body.get("keys") or {}).items():
                        a["keys"][x5t] = {"n": jwk["n"], "e": jwk["e"]}
                return ok(st.tenant_view(t))
        if parts == ["tokens", "expire"] and method == "POST":
            with st.lock:
                n = 0
                for tok in st.tokens.values():
                    if body.get("client_id") in (None, tok["client_id"]):
                        tok["exp"] = st.now() - 1
                        n += 1
            return ok({"expired": n})
        if parts == ["rooms"]:
            if method == "POST":
                return ok(st.add_room(body))
            with st.lock:
                return ok([dict(p["data"], mailboxId=st.mailboxes[p["mailbox"]]["id"], roomlist=p["roomlist"])
                           for p in st.places.values() if p["kind"] == "room"])
        if parts == ["rooms", "bulk"] and method == "POST":
            # many rooms at once (benches): count, prefix, capacity
            n = int(body.get("count", 1))
            if n < 1 or n > 100000:
                raise bad_request("count is 1..100000")
            t = tenant()
            prefix = body.get("prefix", "room")
            out = [st.add_room({"emailAddress": "%s%d@%s" % (prefix, i + 1, t["domain"]), "tenant_id": t["id"],
                                "displayName": "%s %d" % (prefix.capitalize(), i + 1),
                                "capacity": body.get("capacity", 8)})["emailAddress"] for i in range(n)]
            return ok({"emails": out})
        if len(parts) == 4 and parts[0] == "mailboxes" and parts[2:] == ["events", "bulk"] and method == "POST":
            # many single events at once, without notifications (benches, paging): count,
            # start (ISO 8601 UTC), interval_minutes, duration_minutes, subject_prefix
            m = mbox(parts[1])
            n = int(body.get("count", 1))
            if n < 1 or n > 100000:
                raise bad_request("count is 1..100000")
            t0 = parse_query_time(body.get("start") or iso_z(st.now_dt()), "start")
            step = dt.timedelta(minutes=int(body.get("interval_minutes", 60)))
            dur = dt.timedelta(minutes=int(body.get("duration_minutes", 30)))
            prefix = body.get("subject_prefix", "Meeting")
            ids = []
            with st.lock:
                for i in range(n):
                    s0 = t0 + i * step
                    ev = st.build_event(m, {"subject": "%s %d" % (prefix, i + 1),
                                            "start": {"dateTime": s0.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
                                            "end": {"dateTime": (s0 + dur).strftime("%Y-%m-%dT%H:%M:%S"),
                                                    "timeZone": "UTC"}})
                    st.store(m, ev)
                    ids.append(ev["id"])
            return ok({"ids": ids})
        if parts == ["roomlists"] and method == "POST":
            return ok(st.add_roomlist(body))
        if parts == ["people"] and method == "POST":
            return ok(st.add_person(body))
        if len(parts) >= 3 and parts[0] == "mailboxes" and parts[2] == "events":
            return self.control_events(method, mbox(parts[1]), parts[3:], body)
        if len(parts) == 2 and parts[0] == "mailboxes" and method == "PATCH":
            with st.lock:
                m = mbox(parts[1])
                for k in ("auto_accept", "allow_conflicts"):
                    if k in body:
                        m[k] = bool(body[k])
            return ok({"email": m["email"], "auto_accept": m["auto_accept"], "allow_conflicts": m["allow_conflicts"]})
        if parts and parts[0] == "meetings":
            return self.control_meetings(method, parts[1:], body)
        if parts == ["subscriptions"]:
            with st.lock:
                return ok([dict(self.sub_view(s), mailbox=s["mailbox"], paused=s["paused"], lost=s["lost"],
                                expired=s["exp"] <= st.now()) for s in st.subscriptions.values()])
        if len(parts) == 3 and parts[0] == "subscriptions" and parts[2] == "lifecycle" and method == "POST":
            return ok(self.lifecycle(parts[1], body.get("event", "reauthorizationRequired")))
        if parts == ["delta", "invalidate"] and method == "POST":
            mode = body.get("mode", "syncStateNotFound")
            if mode not in ("syncStateNotFound", "resync"):
                raise bad_request("mode is syncStateNotFound or resync")
            with st.lock:
                n = 0
                for s in st.delta_states.values():
                    if body.get("mailbox") in (None, s["mailbox"]):
                        s["invalid"] = mode
                        n += 1
            return ok({"invalidated": n})
        if parts == ["faults"]:
            if method == "DELETE":
                with st.lock:
                    st.faults = []
                return ok()
            if method == "POST":
                return ok(self.add_fault(body))
            return ok(list(st.faults))
        if parts == ["throttle"] and method == "POST":
            # Graph's 429 with Retry-After (seconds)
            with st.lock:
                st.faults = [f for f in st.faults if f["status"] != 429]
            if not body.get("on", True):
                return ok()
            ra = int(body.get("retry_after", 2))
            return ok(self.add_fault({"status": 429, "count": body.get("count", -1), "headers": {"Retry-After": ra},
                                      "body": {"error": {"code": "TooManyRequests", "message": "Please retry again "
                                               "later.", "innerError": {"code": "429", "message": "Please retry "
                                                                        "after", "status": "429"}}}}))
        if parts == ["outage"] and method == "POST":
            with st.lock:
                st.faults = [f for f in st.faults if f["status"] not in (503, 504)]
            if not body.get("on", True):
                return ok()
            status = int(body.get("status", 503))
            code = {503: "ServiceUnavailable", 504: "GatewayTimeout"}.get(status, "ServiceUnavailable")
            msg = {503: "Service Unavailable", 504: "Gateway Timeout"}.get(status, "Service Unavailable")
            hdrs = {"Retry-After": int(body["retry_after"])} if body.get("retry_after") is not None else {}
            return ok(self.add_fault({"status": status, "count": body.get("count", -1), "headers": hdrs,
                                      "target": body.get("target", "graph"),
                                      "body": {"error": {"code": code, "message": msg}}}))
        if parts == ["calls"]:
            kind = self.query.get("kind")
            with st.lock:
                return ok([c for c in st.calls if kind is None or c["kind"] == kind])
        if parts == ["stats"]:
            with st.lock:
                kinds = {}
                for c in st.calls:
                    kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
                events = {m["email"]: len(m["events"]) for m in st.mailboxes.values() if m["kind"] == "room"}
                return ok({"calls": kinds, "token_calls": kinds.get("token", 0), "api_calls": kinds.get("api", 0),
                           "events": events, "subscriptions": len(st.subscriptions),
                           "notifications": sum(1 for d in st.deliveries if d["kind"] == "change"),
                           "validations": sum(1 for d in st.deliveries if d["kind"] == "validation"),
                           "pending_notifications": st.outbox.qsize()})
        if parts == ["deliveries"]:
            kind = self.query.get("kind")
            with st.lock:
                return ok([d for d in st.deliveries if kind is None or d["kind"] == kind])
        raise GraphError(404, "NotFound", "no such control endpoint: %s %s" % (method, path))

    def add_fault(self, body):
        f = {"status": int(body.get("status", 500)), "count": int(body.get("count", -1)),
             "target": body.get("target", "graph"),
             "body": body.get("body") or {"error": {"code": "InternalServerError", "message": "Internal error."}},
             "headers": body.get("headers") or {}}
        with self.state.lock:
            self.state.faults.append(f)
        return f

    def lifecycle(self, sid, event):
        """A lifecycle notification to the subscription's lifecycleNotificationUrl."""
        st = self.state
        if event not in ("reauthorizationRequired", "subscriptionRemoved", "missed"):
            raise bad_request("event is reauthorizationRequired, subscriptionRemoved or missed")
        with st.lock:
            sub = st.subscriptions.get(sid)
            if sub is None:
                raise GraphError(404, "NotFound", "no subscription %s" % sid)
            note = {"subscriptionId": sub["id"], "subscriptionExpirationDateTime": iso_z(
                dt.datetime.fromtimestamp(sub["exp"], dt.timezone.utc)), "tenantId": sub["tenant"],
                "clientState": sub["clientState"], "lifecycleEvent": event}
            if event == "subscriptionRemoved":
                del st.subscriptions[sid]
            if event == "reauthorizationRequired" and st.config["pause_on_reauthorization"]:
                sub["paused"] = True
            url = sub["lifecycleNotificationUrl"]
        if not url:
            return {"sent": False, "reason": "the subscription has no lifecycleNotificationUrl"}
        return dict(st.post_json(url, {"value": [note]}, "lifecycle", sid), sent=True)

    def control_events(self, method, mb, rest, body):
        """Someone with access to the room's calendar changes it at Microsoft
        (Outlook, an admin): the same effects as through Graph, notifications included.
        GET lists the calendar as stored (masters and single events), or its
        instances with ?start=&end=."""
        st = self.state
        with st.lock:
            if not rest and method == "GET":
                q = self.q
                if q.get("start") and q.get("end"):
                    lo, hi = parse_query_time(q["start"], "start"), parse_query_time(q["end"], "end")
                    out = []
                    for ev in mb["events"].values():
                        for inst in st.instances(ev, lo, hi):
                            v = st.view(inst)
                            v["ext"] = list(ev["ext"].values())
                            out.append(v)
                    out.sort(key=lambda v: (v["start"]["dateTime"], v["id"]))
                    return self.send(200, out, "application/json")
                out = [dict(st.master_view(ev), ext=list(ev["ext"].values()))
                       for ev in sorted(mb["events"].values(), key=lambda e: (e["start"], e["id"]))]
                return self.send(200, out, "application/json")
            if not rest and method == "POST":
                ev = st.build_event(mb, body)
                st.store(mb, ev)
                st.notify(mb, ev, "created")
                return self.send(200, st.master_view(ev), "application/json")
            if len(rest) == 1:
                ev, key = st.find_event(mb, rest[0])
                if method == "GET":
                    v = st.master_view(ev) if key is None else st.view(self.instance_of(ev, key))
                    return self.send(200, dict(v, ext=list(ev["ext"].values())), "application/json")
                if method == "PATCH":
                    if key is None:
                        st.build_event(mb, body, existing=ev)
                    else:
                        self.patch_occurrence(ev, key, body)
                    st.notify(mb, ev, "updated")
                    return self.send(200, st.master_view(ev), "application/json")
                if method == "DELETE":
                    self.delete_instance(mb, ev, key)
                    return self.send(200, {"ok": True}, "application/json")
        raise GraphError(404, "NotFound", "no such control endpoint")

    def control_meetings(self, method, rest, body):
        """A person books a meeting in Outlook with rooms as resource attendees:
        each room mailbox answers by its own rule (auto-accept unless it
        conflicts with a busy event already on its calendar; then it declines
        and the meeting never reaches its calendar). PATCH moves or edits the
        organizer's meeting (rooms answer again), DELETE cancels it."""
        st = self.state
        with st.lock:
            if not rest and method == "POST":
                org = st.mailboxes.get((body.get("organizer") or "").lower())
                if org is None or org["kind"] != "person":
                    raise bad_request("organizer: the e-mail of a person made with POST /_fake/people")
                rooms = body.get("rooms") or ([body["room"]] if body.get("room") else [])
                atts = list(body.get("attendees") or []) + [
                    {"type": "resource", "emailAddress": {"address": r, "name": st.mailboxes[r.lower()]["name"]
                                                          if r.lower() in st.mailboxes else r}} for r in rooms]
                gbody = {k: v for k, v in body.items() if k not in ("organizer", "rooms", "room")}
                gbody["attendees"] = atts
                if rooms and "location" not in gbody:
                    gbody["location"] = {"displayName": atts[-1]["emailAddress"]["name"],
                                         "locationType": "conferenceRoom", "uniqueId": rooms[-1],
                                         "uniqueIdType": "directory"}
                oev = st.build_event(org, gbody)
                st.store(org, oev)
                answers = self.deliver_invite(oev)
                return self.send(200, {"organizer_event": st.master_view(oev), "rooms": answers}, "application/json")
            if len(rest) == 1:
                oev, org = None, None
                for m in st.mailboxes.values():
                    if m["kind"] == "person" and rest[0] in m["events"]:
                        org, oev = m, m["events"][rest[0]]
                if oev is None:
                    raise GraphError(404, "NotFound", "no meeting %s" % rest[0])
                if method == "GET":
                    return self.send(200, st.master_view(oev), "application/json")
                if method == "PATCH":
                    keep = {a["emailAddress"]["address"].lower(): a["status"] for a in oev["attendees"]}
                    st.build_event(org, body, existing=oev)
                    for a in oev["attendees"]:
                        a["status"] = keep.get(a["emailAddress"]["address"].lower(), a["status"])
                    answers = self.deliver_invite(oev)
                    return self.send(200, {"organizer_event": st.master_view(oev), "rooms": answers},
                                     "application/json")
                if method == "DELETE":
                    org["events"].pop(oev["id"], None)
                    for a in oev["attendees"]:
                        mb = st.mailboxes.get(a["emailAddress"]["address"].lower())
                        rcopy = self.room_copy(mb, oev) if mb else None
                        if rcopy is not None:
                            st.remove(mb, rcopy)
                            st.notify(mb, rcopy, "deleted")
                    return self.send(200, {"ok": True}, "application/json")
        raise GraphError(404, "NotFound", "no such control endpoint")

    def room_copy(self, mb, oev):
        return next((e for e in mb["events"].values() if e["iCalUId"] == oev["iCalUId"]), None)

    def deliver_invite(self, oev):
        """The rooms among the attendees process the (updated) request."""
        st = self.state
        answers = {}
        for a in oev["attendees"]:
            mb = st.mailboxes.get(a["emailAddress"]["address"].lower())
            if mb is None or mb["kind"] != "room" or a["type"] != "resource":
                continue
            rcopy = self.room_copy(mb, oev)
            fields = {k: oev[k] for k in ("subject", "body", "location", "locations", "attendees", "showAs",
                                          "isAllDay", "categories", "importance", "sensitivity")}
            fields["attendees"] = json.loads(json.dumps(oev["attendees"]))
            probe = dict(oev, id=rcopy["id"] if rcopy else "probe")
            if not mb["auto_accept"]:
                resp = "none"  # a delegate decides; nothing reaches the calendar until then
            elif not mb["allow_conflicts"] and st.conflicts(mb, probe, ignore=rcopy["id"] if rcopy else None):
                resp = "declined"
            else:
                resp = "accepted"
            a["status"] = {"response": resp, "time": iso_z(st.now_dt())}
            if resp == "accepted":
                if rcopy is None:
                    rcopy = {"id": new_id(), "iCalUId": oev["iCalUId"], "createdDateTime": iso_z(st.now_dt()),
                             "mailbox": mb["email"], "organizer": oev["organizer"], "isOrganizer": False,
                             "isCancelled": False, "response": "accepted", "ext": {}, "transactionId": None,
                             "exceptions": {}, "cancelled": set()}
                    change = "created"
                else:
                    change = "updated"
                rcopy.update(fields, start=oev["start"], end=oev["end"], start_tz=oev["start_tz"],
                             end_tz=oev["end_tz"], recurrence=json.loads(json.dumps(oev["recurrence"])),
                             exceptions=dict(oev["exceptions"]), cancelled=set(oev["cancelled"]))
                for att in rcopy["attendees"]:
                    if att["emailAddress"]["address"].lower() == mb["email"]:
                        att["status"] = {"response": "accepted", "time": iso_z(st.now_dt())}
                st.touch(rcopy)
                st.store(mb, rcopy)
                st.notify(mb, rcopy, change)
                answers[mb["email"]] = {"response": "accepted", "event_id": rcopy["id"]}
            else:
                if rcopy is not None:  # an update that now conflicts: the room declines and drops it
                    st.remove(mb, rcopy)
                    st.notify(mb, rcopy, "deleted")
                answers[mb["email"]] = {"response": resp, "event_id": None}
        st.touch(oev)
        return answers


def main(argv=None):
    ap = fakehttp.arg_parser(__doc__)
    ap.add_argument("--tenant-id", default="9188040d-6c67-4c5b-b112-36a304b66dad")
    ap.add_argument("--domain", default="contoso.onmicrosoft.com")
    ap.add_argument("--client-id", default="6731de76-14a6-49ae-97bc-6eba6914391e")
    ap.add_argument("--client-secret", default="fake-client-secret")
    ap.add_argument("--consent", action="append",
                    help="an application permission the tenant's admin has already consented to (repeatable)")
    ap.add_argument("--redirect-uri", action="append",
                    help="a redirect URI of the app registration (repeatable); none: any")
    return fakehttp.serve(ap, argv, Handler, State)


if __name__ == "__main__":
    sys.exit(main())
