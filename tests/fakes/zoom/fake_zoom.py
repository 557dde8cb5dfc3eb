#!/usr/bin/python3
"""A fake of Zoom for convene's tests: zoom.us (OAuth: authorize, token,
revoke, Data Compliance) and api.zoom.us/v2 (users/me, meetings) in one
threaded loopback HTTP server, following Zoom's documented request and answer
shapes so that production code reaches it through the same code path as Zoom
itself, only the base URLs differing. It also sends Zoom's signed webhooks
(meeting.*, app_deauthorized, endpoint.url_validation) and has a control API
under /_fake/ (a path Zoom never uses) for tests. README.md lists every
endpoint with the Zoom documentation page it follows.

Run: /usr/bin/python3 fake_zoom.py --port 0 --client-id X --client-secret Y
--webhook-secret Z; the first line on stdout is `listening 127.0.0.1:PORT`.
Only the standard library is used."""
import base64
import datetime as dt
import hashlib
import hmac
import html
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import fakehttp  # noqa: E402  (tests/fakes/fakehttp.py)
from fakehttp import FakeHandler  # noqa: E402

# The granular scopes convene's app asks for (docs/zoom.md); a token carries
# the app's scopes unless a test grants a user fewer.
DEFAULT_SCOPES = [
    "user:read:user",
    "meeting:read:list_meetings",
    "meeting:read:meeting",
    "meeting:write:meeting",
    "meeting:delete:meeting",
]
ACCESS_LIFETIME = 3599  # Zoom answers expires_in 3599 (one hour, not extendable)
CODE_LIFETIME = 300  # authorization codes live five minutes
PAGE_TOKEN_LIFETIME = 15 * 60  # Zoom's next_page_token expires after 15 minutes
MAX_BODY = 1 << 20
MAX_OCCURRENCES = 60  # Zoom: end_times at most 60

# Zoom's error answers, as its error page and the developer forum show them.
ERR_INVALID_TOKEN = {"code": 124, "message": "Invalid access token."}
ERR_EXPIRED_TOKEN = {"code": 124, "message": "Access token is expired."}
ERR_BAD_JSON = {"code": 300, "message": "Request Body should be a valid JSON object."}
QPS_429 = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_429 = ("You have exceeded the daily rate limit (100) of Meeting Create/Update API requests "
             "permitted for this particular user. You may resume these requests at GMT 00:00:00.")


class ApiError(Exception):
    """An error answer of the REST API: HTTP status and Zoom's {code, message} body."""

    def __init__(self, status, code, message, errors=None):
        super().__init__(message)
        self.status = status
        self.body = {"code": code, "message": message}
        if errors:
            self.body["errors"] = errors


def invalid_field(field):
    return ApiError(400, 300, "Validation Failed.", [{"field": field, "message": "Invalid field."}])


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def iso_z(t):
    """Zoom's UTC form: 2024-03-15T22:00:00Z."""
    return dt.datetime.fromtimestamp(int(t), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(secret, timestamp, body):
    """x-zm-signature: v0= + hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"))."""
    msg = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def encrypted_token(secret, plain):
    """endpoint.url_validation's encryptedToken: hex(HMAC-SHA256(secret, plainToken))."""
    return hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()


def parse_start(value, tzname):
    """start_time as Zoom reads it: yyyy-MM-ddTHH:mm:ssZ is UTC; without the Z
    it is wall-clock time in `timezone`. Other shapes are refused."""
    if not isinstance(value, str):
        raise invalid_field("start_time")
    s = value
    utc = s.endswith("Z")
    if utc:
        s = s[:-1]
    try:
        naive = dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise invalid_field("start_time")
    if utc:
        return naive.replace(tzinfo=dt.timezone.utc).timestamp()
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(tzname)).timestamp()


def check_tz(name, field="timezone"):
    if not isinstance(name, str) or not name:
        raise invalid_field(field)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise invalid_field(field)
    return name


def int_field(body, key, lo, hi, default=None):
    v = body.get(key, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, str) and v.strip().lstrip("-").isdigit():
            v = int(v)
        else:
            raise invalid_field(key)
    if v < lo or v > hi:
        raise invalid_field(key)
    return v


def occurrences_for(start_ts, tzname, rec, duration):
    """The occurrences of a type 8 meeting, computed in the meeting's time zone
    (wall clock, so that a DST change keeps the local hour) as Zoom lists them:
    occurrence_id is the start in milliseconds."""
    tz = zoneinfo.ZoneInfo(tzname)
    first = dt.datetime.fromtimestamp(start_ts, tz)
    rtype = int_field(rec, "type", 1, 3)
    if rtype is None:
        raise invalid_field("recurrence.type")
    limit = {1: 90, 2: 12, 3: 3}[rtype]
    interval = int_field(rec, "repeat_interval", 1, limit, 1)
    end_times = rec.get("end_times")
    end_dt = rec.get("end_date_time")
    if end_times is not None and end_dt is not None:
        raise invalid_field("recurrence.end_times")
    count = int_field(rec, "end_times", 1, MAX_OCCURRENCES, 1) if end_dt is None else MAX_OCCURRENCES
    until = parse_start(end_dt, "UTC") if end_dt is not None else None
    wall = first.time().replace(tzinfo=None)

    def at(day):
        return dt.datetime.combine(day, wall).replace(tzinfo=tz).timestamp()

    out = []
    day0 = first.date()
    if rtype == 1:
        days = (day0 + dt.timedelta(days=i * interval) for i in range(10000))
    elif rtype == 2:
        wd = rec.get("weekly_days") or str((first.isoweekday() % 7) + 1)
        try:
            wanted = sorted({int(x) for x in str(wd).split(",")})
        except ValueError:
            raise invalid_field("recurrence.weekly_days")
        if not wanted or any(w < 1 or w > 7 for w in wanted):
            raise invalid_field("recurrence.weekly_days")
        # Zoom counts 1 = Sunday .. 7 = Saturday
        week0 = day0 - dt.timedelta(days=first.isoweekday() % 7)

        def weekly():
            for i in range(10000):
                wk = week0 + dt.timedelta(weeks=i * interval)
                for w in wanted:
                    d = wk + dt.timedelta(days=w - 1)
                    if d >= day0:
                        yield d
        days = weekly()
    else:
        mday = int_field(rec, "monthly_day", 1, 31)
        mweek = rec.get("monthly_week")
        mwday = rec.get("monthly_week_day")
        if mweek is not None or mwday is not None:
            mweek = int_field(rec, "monthly_week", -1, 4)
            mwday = int_field(rec, "monthly_week_day", 1, 7)
            if mweek == 0 or mwday is None:
                raise invalid_field("recurrence.monthly_week")
        elif mday is None:
            mday = day0.day

        def monthly():
            for i in range(10000):
                m = day0.month - 1 + i * interval
                y, m = day0.year + m // 12, m % 12 + 1
                if mday is not None:
                    try:
                        d = dt.date(y, m, mday)
                    except ValueError:
                        continue  # no 31st this month
                else:
                    first_of = dt.date(y, m, 1)
                    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
                    cands = [first_of + dt.timedelta(days=k) for k in range((nxt - first_of).days)]
                    cands = [c for c in cands if (c.isoweekday() % 7) + 1 == mwday]
                    d = cands[-1] if mweek == -1 else (cands[mweek - 1] if mweek - 1 < len(cands) else None)
                    if d is None:
                        continue
                if d >= day0:
                    yield d
        days = monthly()
    for d in days:
        ts = at(d)
        if until is not None and ts > until:
            break
        out.append({"occurrence_id": str(int(ts * 1000)), "start_time": iso_z(ts),
                    "duration": duration, "status": "available"})
        if len(out) >= count:
            break
    if not out:
        raise invalid_field("recurrence")
    return out


class State:
    """Everything the fake knows, behind one lock."""

    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        o = self.opts
        with self.lock:
            self.config = {
                "client_id": o.client_id,
                "client_secret": o.client_secret,
                "webhook_secret": o.webhook_secret,
                "webhook_url": o.webhook_url or "",
                "redirect_uris": list(o.redirect_uri or []),
                "scopes": list(DEFAULT_SCOPES),
                "approval": "auto",  # or "page": an HTML page with Allow / Decline
                "token_lifetime": ACCESS_LIFETIME,
                "code_lifetime": CODE_LIFETIME,
                "token_delay_ms": 0,  # delay of /oauth/token answers (refresh races)
                "api_webhooks": True,  # meeting.* webhooks for changes made through the API too
                "user_data_retention": "false",
            }
            self.clock_offset = 0.0
            self.users = {}  # id -> user object
            self.next_user = None
            self.codes = {}  # code -> grant
            self.access = {}  # token -> {user, exp, live}
            self.refresh = {}  # token -> {user, live}
            self.current = {}  # user -> {access_token, refresh_token, scope}
            self.installed = set()  # users with a live authorization of the app
            self.user_scopes = {}  # user -> scopes granted (override)
            self.meetings = {}  # id -> meeting (full, with start_url password)
            self.page_tokens = {}  # next_page_token -> {key, offset, exp}
            self.faults = []  # [{user, status, body, headers, count}]
            self.calls = []  # recorded calls, each with its kind
            self.refresh_counts = {}
            self.deliveries = []
            self.deauth_signatures = {}  # signature -> app_deauthorized payload
            self.seq = 0

    def now(self):
        return time.time() + self.clock_offset

    def record(self, kind, **kw):
        with self.lock:
            self.seq += 1
            kw.update(kind=kind, seq=self.seq, at=time.time())
            self.calls.append(kw)
            if len(self.calls) > 100000:
                del self.calls[:50000]

    # ---- users ----
    def add_user(self, body):
        with self.lock:
            uid = body.get("id") or ("U" + secrets.token_hex(10))[:22]
            email = body.get("email") or "%s@example.com" % uid.lower()
            first = body.get("first_name", "Test")
            last = body.get("last_name", uid)
            tz = check_tz(body.get("timezone", "America/New_York"))
            utype = int(body.get("type", 2))  # 1 Basic, 2 Licensed, 4 Unassigned, 99 None
            u = {
                "id": uid,
                "first_name": first,
                "last_name": last,
                "display_name": body.get("display_name", ("%s %s" % (first, last)).strip()),
                "email": email,
                "type": utype,
                "role_name": body.get("role_name", "Member"),
                "pmi": body.get("pmi", secrets.randbelow(9 * 10**9) + 10**9),
                "use_pmi": False,
                "personal_meeting_url": "",
                "timezone": tz,
                "verified": 1,
                "dept": "",
                "created_at": iso_z(time.time() - 86400 * 30),
                "last_login_time": iso_z(time.time() - 3600),
                "last_client_version": "6.0.0.00000(mac)",
                "pic_url": "",
                "language": body.get("language", "en-US"),
                "phone_number": "",
                "status": "active",
                "role_id": "2",
                "account_id": body.get("account_id") or ("A" + secrets.token_hex(10))[:22],
                "account_number": body.get("account_number", secrets.randbelow(9 * 10**8) + 10**8),
                "cluster": "us05",
                "user_created_at": iso_z(time.time() - 86400 * 30),
                "login_types": [100],
            }
            if "plan_united_type" in body:
                u["plan_united_type"] = str(body["plan_united_type"])
            u["personal_meeting_url"] = "%s/j/%s" % (self.opts.base, u["pmi"])
            self.users[uid] = u
            if body.get("scopes") is not None:
                self.user_scopes[uid] = list(body["scopes"])
            if self.next_user is None:
                self.next_user = uid
            return u

    def scopes_of(self, uid):
        return self.user_scopes.get(uid, self.config["scopes"])

    # ---- tokens ----
    def _jwt(self, uid, kind, exp):
        u = self.users[uid]
        head = {"alg": "HS512", "v": "2.0", "kid": secrets.token_hex(16)}
        body = {"aud": "https://oauth.zoom.us", "uid": uid, "ver": 10, "auid": secrets.token_hex(32),
                "nbf": int(self.now()), "code": secrets.token_urlsafe(24),
                "iss": "zm:cid:" + self.config["client_id"], "gno": 0, "exp": int(exp),
                "type": kind, "iat": int(self.now()), "aid": u["account_id"],
                "jti": secrets.token_hex(16)}
        return "%s.%s.%s" % (b64url(json.dumps(head).encode()), b64url(json.dumps(body).encode()),
                             b64url(secrets.token_bytes(64)))

    def issue(self, uid):
        """A new token pair for uid; Zoom keeps one live token per user and
        app, so every earlier access and refresh token of uid dies."""
        with self.lock:
            self.kill_tokens(uid)
            exp = self.now() + self.config["token_lifetime"]
            at = self._jwt(uid, 0, exp)
            rt = self._jwt(uid, 1, self.now() + 15 * 365 * 86400)
            self.access[at] = {"user": uid, "exp": exp, "live": True}
            self.refresh[rt] = {"user": uid, "live": True}
            scope = " ".join(self.scopes_of(uid))
            self.current[uid] = {"access_token": at, "refresh_token": rt, "scope": scope}
            self.installed.add(uid)
            return {"access_token": at, "token_type": "bearer", "refresh_token": rt,
                    "expires_in": self.config["token_lifetime"], "scope": scope}

    def kill_tokens(self, uid):
        with self.lock:
            for table in (self.access, self.refresh):
                for rec in table.values():
                    if rec["user"] == uid:
                        rec["live"] = False
            self.current.pop(uid, None)

    # ---- meetings ----
    def new_meeting_id(self):
        while True:
            mid = secrets.randbelow(9 * 10**10) + 10**10  # 11 digits, int64
            if mid not in self.meetings:
                return mid

    def create_meeting(self, uid, body):
        if not isinstance(body, dict):
            raise ApiError(400, 300, ERR_BAD_JSON["message"])
        u = self.users[uid]
        topic = body.get("topic", "Zoom meeting")
        if not isinstance(topic, str) or len(topic) > 200:
            raise invalid_field("topic")
        mtype = int_field(body, "type", 1, 8, 2)
        if mtype not in (1, 2, 3, 8):
            raise invalid_field("type")
        tzname = check_tz(body["timezone"]) if body.get("timezone") else u["timezone"]
        duration = int_field(body, "duration", 0, 100000, 60)
        agenda = body.get("agenda", "")
        if not isinstance(agenda, str) or len(agenda) > 2000:
            raise invalid_field("agenda")
        pw = body.get("password")
        if pw is None:
            pw = "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6))
        elif not isinstance(pw, str) or len(pw) > 10:
            raise invalid_field("password")
        if mtype in (2, 8):
            start = parse_start(body["start_time"], tzname) if body.get("start_time") else self.now()
        else:
            start = None if mtype == 3 else self.now()
        settings = {"host_video": False, "participant_video": False, "join_before_host": False,
                    "mute_upon_entry": False, "waiting_room": False, "approval_type": 2,
                    "use_pmi": False, "alternative_hosts": "", "audio": "voip",
                    "auto_recording": "none", "meeting_authentication": False}
        if isinstance(body.get("settings"), dict):
            settings.update(body["settings"])
        with self.lock:
            mid = self.new_meeting_id()
            m = {
                "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
                "id": mid,
                "host_id": uid,
                "host_email": u["email"],
                "topic": topic,
                "type": mtype,
                "status": "waiting",
                "start": start,
                "duration": duration,
                "timezone": tzname,
                "agenda": agenda,
                "created_at": iso_z(self.now()),
                "password": pw,
                "settings": settings,
                "pre_schedule": False,
                "recurrence": None,
                "occurrences": None,
            }
            if mtype == 8:
                rec = body.get("recurrence")
                if not isinstance(rec, dict):
                    raise invalid_field("recurrence")
                m["recurrence"] = dict(rec)
                m["occurrences"] = occurrences_for(start, tzname, rec, duration)
            self.meetings[mid] = m
            return m

    def meeting_view(self, m, full=True, occurrence=None):
        """The meeting as Zoom answers it: GET /meetings/{id} (full, with
        start_url and password) or a list item (neither)."""
        base = self.opts.base
        pwd_enc = b64url(hashlib.sha256(("%s:%s" % (m["id"], m["password"])).encode()).digest()[:16])
        join_url = "%s/j/%s?pwd=%s" % (base, m["id"], pwd_enc)
        v = {"uuid": m["uuid"], "id": m["id"], "host_id": m["host_id"], "topic": m["topic"],
             "type": m["type"]}
        start = m["start"]
        duration = m["duration"]
        occs = [o for o in (m["occurrences"] or []) if o["status"] != "deleted"]
        if occurrence is not None:
            start = parse_start(occurrence["start_time"], "UTC")
            duration = occurrence["duration"]
        elif m["type"] == 8 and occs:
            start = parse_start(occs[0]["start_time"], "UTC")
        if start is not None:
            v["start_time"] = iso_z(start)
        v["duration"] = duration
        v["timezone"] = m["timezone"]
        if m["agenda"] or full:
            v["agenda"] = m["agenda"]
        v["created_at"] = m["created_at"]
        v["join_url"] = join_url
        if not full:
            return v
        v["host_email"] = m["host_email"]
        v["status"] = m["status"]
        # start_url logs in as the host; the zak in it changes on every read (Zoom's expires in ~2 h)
        v["start_url"] = "%s/s/%s?zak=%s" % (base, m["id"], secrets.token_urlsafe(48))
        v["password"] = m["password"]
        v["h323_password"] = "".join(str(ord(c) % 10) for c in m["password"])
        v["pstn_password"] = v["h323_password"]
        v["encrypted_password"] = pwd_enc
        v["settings"] = dict(m["settings"])
        v["pre_schedule"] = False
        if m["type"] == 8:
            v["occurrences"] = [dict(o) for o in occs]
            v["recurrence"] = dict(m["recurrence"])
        return v

    def webhook_object(self, m):
        v = self.meeting_view(m, full=False)
        v.pop("created_at", None)
        v["password"] = m["password"]
        if m["type"] == 8:
            v["recurrence"] = dict(m["recurrence"])
            v["occurrences"] = [dict(o) for o in m["occurrences"] if o["status"] != "deleted"]
        return v

    def update_meeting(self, m, body, occurrence_id=None):
        """PATCH semantics; returns (old, new) views of the changed fields."""
        if not isinstance(body, dict):
            raise ApiError(400, 300, ERR_BAD_JSON["message"])
        before = self.webhook_object(m)
        if occurrence_id is not None:
            occ = self.find_occurrence(m, occurrence_id)
            tzname = m["timezone"]
            if "start_time" in body:
                occ["start_time"] = iso_z(parse_start(body["start_time"], tzname))
            if "duration" in body:
                occ["duration"] = int_field(body, "duration", 0, 100000)
            after = self.webhook_object(m)
            return before, after
        if "topic" in body:
            t = body["topic"]
            if not isinstance(t, str) or len(t) > 200:
                raise invalid_field("topic")
            m["topic"] = t
        if "agenda" in body:
            a = body["agenda"]
            if not isinstance(a, str) or len(a) > 2000:
                raise invalid_field("agenda")
            m["agenda"] = a
        if "type" in body:
            t = int_field(body, "type", 1, 8)
            if t not in (1, 2, 3, 8):
                raise invalid_field("type")
            m["type"] = t
        if body.get("timezone"):
            m["timezone"] = check_tz(body["timezone"])
        if "duration" in body:
            m["duration"] = int_field(body, "duration", 0, 100000)
        if "password" in body:
            pw = body["password"]
            if not isinstance(pw, str) or len(pw) > 10:
                raise invalid_field("password")
            m["password"] = pw
        if "start_time" in body:
            m["start"] = parse_start(body["start_time"], m["timezone"])
        if isinstance(body.get("settings"), dict):
            m["settings"].update(body["settings"])
        if "recurrence" in body:
            if not isinstance(body["recurrence"], dict):
                raise invalid_field("recurrence")
            m["recurrence"] = dict(body["recurrence"])
        if m["type"] == 8:
            if not m["recurrence"]:
                raise invalid_field("recurrence")
            if m["start"] is None:
                m["start"] = self.now()
            m["occurrences"] = occurrences_for(m["start"], m["timezone"], m["recurrence"], m["duration"])
        else:
            m["occurrences"] = None
            m["recurrence"] = None
            if m["type"] == 3:
                m["start"] = None
            elif m["start"] is None:
                m["start"] = self.now()
        return before, self.webhook_object(m)

    def find_occurrence(self, m, occurrence_id):
        for o in m["occurrences"] or []:
            if o["occurrence_id"] == str(occurrence_id) and o["status"] != "deleted":
                return o
        raise ApiError(404, 3001, "Meeting occurrence %s is not found or has expired." % occurrence_id)

    def list_meetings(self, uid, mtype):
        now = self.now()
        out = []
        for m in self.meetings.values():
            if m["host_id"] != uid or m["type"] == 1:  # the list never holds instant meetings
                continue
            occs = [o for o in (m["occurrences"] or []) if o["status"] != "deleted"]
            if m["type"] == 8:
                ends = [parse_start(o["start_time"], "UTC") + o["duration"] * 60 for o in occs]
                end = max(ends) if ends else 0
            elif m["start"] is None:
                end = float("inf")
            else:
                end = m["start"] + m["duration"] * 60
            live = m["status"] == "started"
            if mtype == "live" and not live:
                continue
            if mtype in ("upcoming", "upcoming_meetings") and end < now and not live:
                continue
            if mtype == "previous_meetings" and (end >= now or live):
                continue
            out.append(m)
        out.sort(key=lambda m: (m["start"] if m["start"] is not None else float("inf"), m["id"]))
        return out


def deliver(state, body_obj, url=None, secret=None, timestamp=None, signature=None,
            raw_body=None, headers=None):
    """POST one webhook as Zoom does and record what the receiver answered."""
    cfg = state.config
    url = url or cfg["webhook_url"]
    secret = cfg["webhook_secret"] if secret is None else secret
    body = raw_body.encode() if isinstance(raw_body, str) else (raw_body or json.dumps(body_obj).encode())
    ts = str(int(time.time() if timestamp is None else timestamp))
    sig = sign(secret, ts, body) if signature is None else signature
    rec = {"event": (body_obj or {}).get("event"), "url": url, "timestamp": ts, "signature": sig,
           "body": body.decode("utf-8", "replace")}
    if not url:
        rec.update(status=None, error="no webhook URL configured")
        with state.lock:
            state.deliveries.append(rec)
        return rec
    hdrs = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Zoom Marketplace/1.0a",
            "x-zm-request-timestamp": ts, "x-zm-signature": sig,
            "x-zm-trackingid": "v=2.0;clid=us05;rid=" + secrets.token_hex(8)}
    hdrs = {k.lower(): v for k, v in hdrs.items()}
    hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
    hdrs = {k: v for k, v in hdrs.items() if v is not None}
    req = urllib.request.Request(url, data=body, headers=hdrs, method="POST")
    t0 = time.time()
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            rec.update(status=r.status, response=r.read(65536).decode("utf-8", "replace"))
    except urllib.error.HTTPError as e:
        rec.update(status=e.code, response=e.read(65536).decode("utf-8", "replace"))
    except (OSError, urllib.error.URLError) as e:
        rec.update(status=None, error=str(e))
    rec["elapsed_ms"] = round((time.time() - t0) * 1000, 2)
    with state.lock:
        state.deliveries.append(rec)
    return rec


def deliver_later(state, body_obj, delay=0.05):
    def run():
        time.sleep(delay)
        deliver(state, body_obj)
    threading.Thread(target=run, daemon=True).start()


def event_envelope(event, payload):
    return {"event": event, "event_ts": int(time.time() * 1000), "payload": payload}


def meeting_event(state, event, m, before=None, after=None, operation="all", occurrence=None,
                  via_api=False, force=False, wait=True):
    """meeting.created / updated / deleted for the host's account, sent only
    while the host has the app installed (Zoom sends events to apps the user
    authorized), unless force."""
    u = state.users[m["host_id"]]
    if not force and m["host_id"] not in state.installed:
        return None
    if via_api and not state.config["api_webhooks"]:
        return None
    payload = {"account_id": u["account_id"], "operator": u["email"], "operator_id": u["id"]}
    if event == "meeting.updated":
        payload.update(operation=operation, object=after, old_object=before,
                       time_stamp=int(time.time() * 1000))
        if occurrence is not None:
            payload["scope"] = "single"
    elif event == "meeting.deleted":
        obj = state.webhook_object(m)
        obj.pop("join_url", None)
        obj.pop("password", None)
        if occurrence is not None:
            obj["occurrences"] = [dict(occurrence)]
        payload.update(operation=operation, object=obj)
    else:
        payload.update(operation=operation, object=state.webhook_object(m))
    env = event_envelope(event, payload)
    if wait:
        return deliver(state, env)
    deliver_later(state, env, 0)
    return {"queued": True, "event": event}


def deauthorize(state, uid, wait=False):
    """The user removed the app at Zoom (or the app revoked its token): every
    token dies and app_deauthorized goes to the app's webhook."""
    u = state.users[uid]
    with state.lock:
        state.kill_tokens(uid)
        state.installed.discard(uid)
        sig = secrets.token_hex(32)
        payload = {"account_id": u["account_id"], "user_id": uid, "signature": sig,
                   "deauthorization_time": dt.datetime.now(dt.timezone.utc).strftime(
                       "%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (int(time.time() * 1000) % 1000),
                   "client_id": state.config["client_id"],
                   "user_data_retention": state.config["user_data_retention"]}
        state.deauth_signatures[sig] = dict(payload)
    env = event_envelope("app_deauthorized", payload)
    if wait:
        return deliver(state, env)
    deliver_later(state, env)
    return {"queued": True, "payload": payload}


class Handler(FakeHandler):
    name = 'fake_zoom'
    server_version = "FakeZoom/1.0"
    max_body = MAX_BODY
    json_ctype = "application/json;charset=UTF-8"
    bare_statuses = (204, 304)

    def too_large(self):
        return ApiError(413, 300, "Request body too large.")

    # ---- plumbing ----
    def redirect(self, location):
        self.send(302, b"", "text/plain", {"Location": location})

    def form(self):
        """Parameters of an OAuth POST: the query string and a urlencoded body
        (Zoom's token examples put them in either)."""
        params = dict(urllib.parse.parse_qsl(self.url.query, keep_blank_values=True))
        raw = self.read_body()
        if raw:
            params.update(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return params

    def json_body(self, raw=None):
        raw = self.read_body() if raw is None else raw
        if not raw:
            return {}
        try:
            v = json.loads(raw)
        except ValueError:
            raise ApiError(400, 300, ERR_BAD_JSON["message"])
        if not isinstance(v, dict):
            raise ApiError(400, 300, ERR_BAD_JSON["message"])
        return v

    def basic_client(self):
        """HTTP Basic client authentication with the app's id and secret."""
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("basic "):
            return False
        try:
            cid, _, sec = base64.b64decode(h[6:].strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        cfg = self.state.config
        return hmac.compare_digest(cid, cfg["client_id"]) and hmac.compare_digest(sec, cfg["client_secret"])

    def route(self, method):
        self._raw = None
        self.url = urllib.parse.urlsplit(self.path)
        self.query = dict(urllib.parse.parse_qsl(self.url.query, keep_blank_values=True))
        path = self.url.path
        try:
            self.read_body()
            if path.startswith("/_fake/") or path == "/_fake":
                return self.control(method, path)
            if path == "/oauth/authorize" and method == "GET":
                return self.authorize()
            if path == "/oauth/authorize/decision" and method == "POST":
                return self.decision()
            if path == "/oauth/token" and method == "POST":
                return self.token()
            if path == "/oauth/revoke" and method == "POST":
                return self.revoke()
            if path in ("/oauth/data/compliance", "/v2/oauth/data/compliance",
                        "/api/v2/oauth/data/compliance") and method == "POST":
                return self.compliance(path)
            if path.startswith("/v2/"):
                return self.api(method, path[3:])
            if (path.startswith("/j/") or path.startswith("/s/")) and method == "GET":
                mid = path[3:]
                return self.send(200, "<!doctype html><title>Fake Zoom meeting</title>"
                                 "<h1>Fake Zoom meeting %s</h1>" % html.escape(mid), "text/html;charset=UTF-8")
            return self.send(404, {"code": 404, "message": "Not Found"})
        except ApiError as e:
            self.state.record("api_error", method=method, path=path, status=e.status, body=e.body)
            return self.send(e.status, e.body)

    # ---- OAuth ----
    def error_page(self, status, text):
        self.send(status, "<!doctype html><title>Zoom</title><h1>Error</h1><p id=error>%s</p>"
                  % html.escape(text), "text/html;charset=UTF-8")

    def authorize(self):
        st = self.state
        q = self.query
        st.record("authorize", params=dict(q))
        cfg = st.config
        if q.get("client_id") != cfg["client_id"]:
            return self.error_page(400, "Invalid client_id: %s (4702)" % q.get("client_id", ""))
        redirect_uri = q.get("redirect_uri", "")
        if not redirect_uri or (cfg["redirect_uris"] and redirect_uri not in cfg["redirect_uris"]):
            return self.error_page(400, "Redirect URI mismatch. (4709)")
        state_param = q.get("state")

        def back(**params):
            if state_param is not None:
                params["state"] = state_param
            sep = "&" if "?" in redirect_uri else "?"
            return self.redirect(redirect_uri + sep + urllib.parse.urlencode(params))

        if q.get("response_type") != "code":
            return back(error="unsupported_response_type")
        method = q.get("code_challenge_method")
        challenge = q.get("code_challenge")
        if challenge is not None and method is None:
            method = "plain"  # Zoom's default, as RFC 7636 says
        if method is not None and method not in ("S256", "plain"):
            return back(error="invalid_request", error_description="code_challenge_method")
        if method is not None and not challenge:
            return back(error="invalid_request", error_description="code_challenge")
        grant = {"client_id": q["client_id"], "redirect_uri": redirect_uri, "challenge": challenge,
                 "method": method, "state": state_param}
        auto = q.get("auto")
        mode = cfg["approval"] if auto is None else ("auto" if auto == "1" else "page")
        if mode == "auto":
            uid = st.next_user
            if uid not in st.users:
                return self.error_page(400, "No test user chosen (POST /_fake/authorize_as)")
            return back(code=self.new_code(uid, grant))
        # An approval page as Zoom shows one (browser tests click "Allow")
        opts = "".join('<option value="%s"%s>%s (%s)</option>' % (
            html.escape(u["id"]), " selected" if u["id"] == st.next_user else "",
            html.escape(u["display_name"]), html.escape(u["email"])) for u in st.users.values())
        hidden = "".join('<input type="hidden" name="%s" value="%s">' % (html.escape(k), html.escape(v))
                         for k, v in q.items())
        page = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Zoom - Authorize app</title></head>"
                "<body><main><h1>Fake Zoom</h1><form method=post action=/oauth/authorize/decision>%s"
                "<p>An app wants to access your Zoom account.</p>"
                "<label>Signed in as <select name=zoom_user id=zoom_user>%s</select></label>"
                "<p><button type=submit name=decision value=allow id=allow>Allow</button> "
                "<button type=submit name=decision value=decline id=decline>Decline</button></p>"
                "</form></main></body></html>") % (hidden, opts)
        self.send(200, page, "text/html;charset=UTF-8")

    def decision(self):
        st = self.state
        f = self.form()
        redirect_uri = f.get("redirect_uri", "")
        cfg = st.config
        if f.get("client_id") != cfg["client_id"] or not redirect_uri or (
                cfg["redirect_uris"] and redirect_uri not in cfg["redirect_uris"]):
            return self.error_page(400, "Invalid request")
        params = {}
        if f.get("decision") == "allow":
            uid = f.get("zoom_user")
            if uid not in st.users:
                return self.error_page(400, "Unknown user")
            method = f.get("code_challenge_method") or ("plain" if f.get("code_challenge") else None)
            params["code"] = self.new_code(uid, {
                "client_id": f["client_id"], "redirect_uri": redirect_uri,
                "challenge": f.get("code_challenge"), "method": method, "state": f.get("state")})
        else:
            params["error"] = "access_denied"
        if "state" in f:
            params["state"] = f["state"]
        sep = "&" if "?" in redirect_uri else "?"
        self.redirect(redirect_uri + sep + urllib.parse.urlencode(params))

    def new_code(self, uid, grant):
        st = self.state
        code = secrets.token_urlsafe(24)
        with st.lock:
            grant = dict(grant, user=uid, exp=st.now() + st.config["code_lifetime"], used=False)
            st.codes[code] = grant
        return code

    def oauth_error(self, status, reason, error):
        return self.send(status, {"reason": reason, "error": error})

    def token(self):
        st = self.state
        f = self.form()
        gt = f.get("grant_type")
        rec = {"grant_type": gt, "params": {k: v for k, v in f.items() if k != "client_secret"},
               "basic": self.headers.get("Authorization", "").lower().startswith("basic ")}
        if not self.basic_client():
            st.record("token", status=401, **rec)
            return self.oauth_error(401, "Invalid client_id or client_secret", "invalid_client")
        delay = st.config["token_delay_ms"] / 1000.0
        if gt == "authorization_code":
            status, body = self.exchange_code(f)
        elif gt == "refresh_token":
            status, body = self.exchange_refresh(f)
            uid = body.pop("_user", None)
            rec["user"] = uid
        elif not gt:
            status, body = 400, {"reason": "Missing grant type.", "error": "invalid_request"}
        else:
            status, body = 400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}
        if gt == "authorization_code":
            rec["user"] = body.pop("_user", None)
        st.record("token", status=status, **rec)
        if gt == "refresh_token":
            st.record("refresh", status=status, user=rec.get("user"))
        if delay:
            time.sleep(delay)
        self.send(status, body, headers={"Cache-Control": "no-store"})

    def exchange_code(self, f):
        st = self.state
        code = f.get("code")
        with st.lock:
            g = st.codes.get(code or "")
            if not g or g["used"] or g["exp"] < st.now() or g["client_id"] != st.config["client_id"]:
                if g:
                    g["used"] = True
                return 400, {"reason": "Invalid authorization code %s" % (code or ""), "error": "invalid_grant"}
            g["used"] = True  # single use, whatever follows
            if f.get("redirect_uri") != g["redirect_uri"]:
                return 400, {"reason": "Redirect URI mismatch.", "error": "invalid_request"}
            if g["challenge"]:
                v = f.get("code_verifier")
                if not v:
                    return 400, {"reason": "Invalid code_verifier", "error": "invalid_grant"}
                want = b64url(hashlib.sha256(v.encode()).digest()) if g["method"] == "S256" else v
                if not hmac.compare_digest(want, g["challenge"]):
                    return 400, {"reason": "Invalid code_verifier", "error": "invalid_grant"}
            body = st.issue(g["user"])
            body["_user"] = g["user"]
            return 200, body

    def exchange_refresh(self, f):
        st = self.state
        with st.lock:
            rt = f.get("refresh_token") or ""
            r = st.refresh.get(rt)
            if not r or not r["live"]:
                return 400, {"reason": "Invalid Token!", "error": "invalid_grant", "_user": r and r["user"]}
            uid = r["user"]
            st.refresh_counts[uid] = st.refresh_counts.get(uid, 0) + 1
            body = st.issue(uid)
            body["_user"] = uid
            return 200, body

    def revoke(self):
        st = self.state
        f = self.form()
        tok = f.get("token") or ""
        if not self.basic_client():
            st.record("revoke", status=401)
            return self.oauth_error(401, "Invalid client_id or client_secret", "invalid_client")
        with st.lock:
            r = st.access.get(tok) or st.refresh.get(tok)
            uid = r["user"] if r and r["live"] else None
        if uid is None:
            st.record("revoke", status=400, user=r and r["user"])
            return self.oauth_error(400, "Invalid Token!", "invalid_request")
        st.record("revoke", status=200, user=uid)
        deauthorize(st, uid)  # Zoom uninstalls the app and sends app_deauthorized
        self.send(200, {"status": "success"})

    def compliance(self, path):
        st = self.state
        raw = self.read_body()
        ok = self.basic_client()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        matched = False
        if isinstance(body, dict):
            ev = body.get("deauthorization_event_received")
            if isinstance(ev, dict):
                sent = st.deauth_signatures.get(ev.get("signature"))
                matched = bool(sent and sent["user_id"] == body.get("user_id") == ev.get("user_id")
                               and sent["account_id"] == body.get("account_id"))
        st.record("compliance", path=path, basic=ok, body=body, matched=matched)
        if not ok:
            return self.oauth_error(401, "Invalid client_id or client_secret", "invalid_client")
        if not isinstance(body, dict):
            return self.send(400, ERR_BAD_JSON)
        self.send(200, {"status": "success"})

    # ---- REST API ----
    def bearer_user(self):
        st = self.state
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("bearer "):
            raise ApiError(401, 124, ERR_INVALID_TOKEN["message"])
        tok = h[7:].strip()
        with st.lock:
            a = st.access.get(tok)
            if not a or not a["live"]:
                raise ApiError(401, 124, ERR_INVALID_TOKEN["message"])
            if a["exp"] <= st.now():
                raise ApiError(401, 124, ERR_EXPIRED_TOKEN["message"])
            return a["user"]

    def fault_for(self, uid):
        st = self.state
        with st.lock:
            for f in st.faults:
                if f["user"] in (None, uid) and f["count"] != 0:
                    if f["count"] > 0:
                        f["count"] -= 1
                    return f
        return None

    def need_scope(self, uid, scope):
        if scope not in self.state.scopes_of(uid):
            raise ApiError(400, 4711, "Invalid access token, does not contain scopes:[%s]." % scope)

    def api(self, method, path):
        st = self.state
        raw = self.read_body()
        rec = {"method": method, "path": "/v2" + path, "query": dict(self.query)}
        try:
            uid = self.bearer_user()
            rec["user"] = uid
            f = self.fault_for(uid)
            if f:
                rec["status"] = f["status"]
                st.record("api", **rec)
                return self.send(f["status"], f["body"], headers=f["headers"])
            status, body, headers = self.api_call(method, path, uid, raw)
        except ApiError as e:
            rec["status"] = e.status
            st.record("api", **rec)
            return self.send(e.status, e.body)
        rec["status"] = status
        st.record("api", **rec)
        self.send(status, body if body is not None else b"", headers=headers)

    def own_user(self, uid, who):
        u = self.state.users[uid]
        if who in ("me", uid) or who.lower() == u["email"].lower():
            return uid
        raise ApiError(404, 1001, "User does not exist: %s." % who)

    def api_call(self, method, path, uid, raw):
        st = self.state
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if len(parts) == 2 and parts[0] == "users" and method == "GET":
            self.need_scope(uid, "user:read:user")
            self.own_user(uid, parts[1])
            return 200, dict(st.users[uid]), None
        if len(parts) == 3 and parts[0] == "users" and parts[2] == "meetings":
            self.own_user(uid, parts[1])
            if method == "GET":
                self.need_scope(uid, "meeting:read:list_meetings")
                return self.list_page(uid)
            if method == "POST":
                self.need_scope(uid, "meeting:write:meeting")
                with st.lock:
                    m = st.create_meeting(uid, self.json_body(raw))
                    view = st.meeting_view(m)
                meeting_event(st, "meeting.created", m, via_api=True, wait=False)
                return 201, view, None
        if len(parts) == 2 and parts[0] == "meetings":
            try:
                mid = int(parts[1])
            except ValueError:
                raise ApiError(404, 3001, "Meeting does not exist: %s." % parts[1])
            occ_id = self.query.get("occurrence_id")
            with st.lock:
                m = st.meetings.get(mid)
                # a user-level app sees only its user's meetings
                if not m or m["host_id"] != uid:
                    raise ApiError(404, 3001, "Meeting does not exist: %s." % mid)
                if method == "GET":
                    self.need_scope(uid, "meeting:read:meeting")
                    occ = st.find_occurrence(m, occ_id) if occ_id else None
                    return 200, st.meeting_view(m, occurrence=occ), None
                if method == "PATCH":
                    self.need_scope(uid, "meeting:write:meeting")
                    body = self.json_body(raw)
                    before, after = st.update_meeting(m, body, occ_id)
                    occ = st.find_occurrence(m, occ_id) if occ_id else None
                    op = "single" if occ_id else "all"
                if method == "DELETE":
                    self.need_scope(uid, "meeting:delete:meeting")
                    if occ_id:
                        occ = st.find_occurrence(m, occ_id)
                        occ["status"] = "deleted"
                        if not any(o["status"] != "deleted" for o in m["occurrences"]):
                            del st.meetings[mid]
                    else:
                        occ = None
                        del st.meetings[mid]
            if method == "PATCH":
                meeting_event(st, "meeting.updated", m, before=before, after=after, operation=op,
                              occurrence=occ, via_api=True, wait=False)
                return 204, None, None
            if method == "DELETE":
                meeting_event(st, "meeting.deleted", m, operation="single" if occ else "all",
                              occurrence=occ, via_api=True, wait=False)
                return 204, None, None
        if parts and parts[0] in ("users", "meetings"):
            raise ApiError(405, 300, "Method not allowed.")
        raise ApiError(404, 300, "Not found: /v2%s" % path)

    def list_page(self, uid):
        st = self.state
        q = self.query
        mtype = q.get("type", "scheduled")
        if mtype not in ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"):
            raise invalid_field("type")
        ps = q.get("page_size", "30")
        if not ps.isdigit() or int(ps) < 1:
            raise invalid_field("page_size")
        page_size = min(int(ps), 300)  # Zoom: max 300
        key = (uid, mtype, page_size)
        with st.lock:
            offset = 0
            npt = q.get("next_page_token", "")
            if npt:
                t = st.page_tokens.get(npt)
                if not t or t["key"] != key or t["exp"] < st.now():
                    raise ApiError(400, 300, "The next page token is invalid or expired.")
                offset = t["offset"]
            items = st.list_meetings(uid, mtype)
            page = items[offset:offset + page_size]
            nxt = ""
            if offset + page_size < len(items):
                nxt = secrets.token_urlsafe(24)
                st.page_tokens[nxt] = {"key": key, "offset": offset + page_size,
                                       "exp": st.now() + PAGE_TOKEN_LIFETIME}
            body = {"page_size": page_size, "total_records": len(items), "next_page_token": nxt,
                    "meetings": [st.meeting_view(m, full=False) for m in page]}
        return 200, body, None

    # ---- control API for tests ----
    def control(self, method, path):
        st = self.state
        parts = path.strip("/").split("/")[1:]
        body = self.json_body()
        ok = lambda v=None: self.send(200, v if v is not None else {"ok": True})  # noqa: E731

        def user(uid):
            if uid not in st.users:
                raise ApiError(404, 1001, "User does not exist: %s." % uid)
            return st.users[uid]

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
                            raise ApiError(400, 300, "unknown config key %s" % k)
                        st.config[k] = v
            return ok(dict(st.config))
        if parts == ["clock"] and method == "POST":
            with st.lock:
                st.clock_offset += float(body.get("advance", 0))
            return ok({"offset": st.clock_offset, "now": st.now()})
        if parts == ["users"]:
            if method == "POST":
                return ok(st.add_user(body))
            return ok(list(st.users.values()))
        if parts == ["authorize_as"] and method == "POST":
            user(body.get("user_id"))
            st.next_user = body["user_id"]
            return ok()
        if parts == ["marketplace_install"] and method == "POST":
            # An install started from the Marketplace: Zoom redirects with a code and no state
            user(body.get("user_id"))
            code = self.new_code(body["user_id"], {
                "client_id": st.config["client_id"], "redirect_uri": body["redirect_uri"],
                "challenge": None, "method": None, "state": None})
            sep = "&" if "?" in body["redirect_uri"] else "?"
            return ok({"location": body["redirect_uri"] + sep + urllib.parse.urlencode({"code": code}),
                       "code": code})
        if len(parts) >= 2 and parts[0] == "users":
            uid = urllib.parse.unquote(parts[1])
            u = user(uid)
            rest = parts[2:]
            if not rest:
                if method == "PATCH":
                    with st.lock:
                        for k in ("first_name", "last_name", "display_name", "email", "type",
                                  "plan_united_type", "account_id", "role_name"):
                            if k in body:
                                u[k] = body[k]
                        if "timezone" in body:
                            u["timezone"] = check_tz(body["timezone"])
                        if "scopes" in body:
                            st.user_scopes[uid] = list(body["scopes"])
                return ok(dict(u, installed=uid in st.installed, scopes=st.scopes_of(uid)))
            if rest == ["tokens"]:
                with st.lock:
                    cur = st.current.get(uid)
                    return ok(dict(cur or {}, installed=uid in st.installed,
                                   refresh_count=st.refresh_counts.get(uid, 0)))
            if rest == ["expire_token"] and method == "POST":
                # the current access token reaches its end (Zoom: 124 "Access token is expired.")
                with st.lock:
                    cur = st.current.get(uid)
                    if cur:
                        st.access[cur["access_token"]]["exp"] = st.now() - 1
                return ok({"expired": bool(cur)})
            if rest == ["stale_tokens"] and method == "POST":
                # someone else refreshed: the tokens the app holds are no longer live
                with st.lock:
                    if uid not in st.current:
                        return ok({"stale": False})
                    st.issue(uid)
                return ok({"stale": True})
            if rest == ["deauthorize"] and method == "POST":
                return ok(deauthorize(st, uid, wait=body.get("wait", True)))
            if rest == ["meetings"] and method == "POST":
                with st.lock:
                    m = st.create_meeting(uid, body)
                    view = st.meeting_view(m)
                d = meeting_event(st, "meeting.created", m, force=body.get("force_webhook", False),
                                  wait=body.get("wait", True)) if body.get("webhook", True) else None
                return ok({"meeting": view, "delivery": d})
            if rest == ["meetings", "bulk"] and method == "POST":
                # many meetings at once (pagination tests), no webhooks
                n = int(body.get("count", 1))
                if n < 0 or n > 100000:
                    raise invalid_field("count")
                start = parse_start(body["start_time"], "UTC") if body.get("start_time") else st.now() + 86400
                step = int(body.get("interval_minutes", 60)) * 60
                prefix = body.get("topic_prefix", "Meeting")
                ids = []
                with st.lock:
                    for i in range(n):
                        m = st.create_meeting(uid, {"topic": "%s %d" % (prefix, i + 1), "type": 2,
                                                    "start_time": iso_z(start + i * step),
                                                    "duration": body.get("duration", 30)})
                        ids.append(m["id"])
                return ok({"ids": ids})
        if len(parts) == 2 and parts[0] == "meetings":
            mid = int(parts[1])
            with st.lock:
                m = st.meetings.get(mid)
                if not m:
                    raise ApiError(404, 3001, "Meeting does not exist: %s." % mid)
                if method == "GET":
                    return ok(st.meeting_view(m))
                if method == "PATCH":
                    if "status" in body:
                        m["status"] = body.pop("status")
                    before, after = st.update_meeting(m, body, self.query.get("occurrence_id"))
                elif method == "DELETE":
                    del st.meetings[mid]
            wait = self.query.get("wait", "1") != "0"
            force = self.query.get("force_webhook") == "1"
            if method == "PATCH":
                return ok({"meeting": st.meeting_view(m), "delivery": meeting_event(
                    st, "meeting.updated", m, before=before, after=after, force=force, wait=wait)})
            if method == "DELETE":
                return ok({"delivery": meeting_event(st, "meeting.deleted", m, force=force, wait=wait)})
        if parts == ["faults"]:
            if method == "DELETE":
                with st.lock:
                    st.faults = []
                return ok()
            if method == "POST":
                return ok(self.add_fault(body))
            return ok(list(st.faults))
        if parts == ["throttle"] and method == "POST":
            # Zoom's 429: per-second ("qps") or daily limit, for one user or all
            with st.lock:
                uidf = body.get("user_id")
                st.faults = [f for f in st.faults if not (f["status"] == 429 and f["user"] == uidf)]
            if not body.get("on", True):
                return ok()
            daily = body.get("kind") == "daily"
            hdrs = {"X-RateLimit-Category": "Medium", "X-RateLimit-Type": "Daily-limit" if daily else "QPS"}
            if daily:
                tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
                hdrs["Retry-After"] = tomorrow.strftime("%Y-%m-%dT00:00:00Z")
            return ok(self.add_fault({"user_id": uidf, "status": 429, "count": body.get("count", -1),
                                      "body": {"code": 429, "message": DAILY_429 if daily else QPS_429},
                                      "headers": hdrs}))
        if parts == ["calls"]:
            kind = self.query.get("kind")
            with st.lock:
                calls = [c for c in st.calls if kind is None or c["kind"] == kind]
            return ok(calls)
        if parts == ["stats"]:
            with st.lock:
                attempts = {}
                for c in st.calls:
                    if c["kind"] == "refresh":
                        attempts[c.get("user")] = attempts.get(c.get("user"), 0) + 1
                return ok({"refresh_counts": dict(st.refresh_counts), "refresh_calls": attempts,
                           "token_calls": sum(1 for c in st.calls if c["kind"] == "token"),
                           "api_calls": sum(1 for c in st.calls if c["kind"] == "api"),
                           "meetings": len(st.meetings)})
        if parts == ["deliveries"]:
            with st.lock:
                return ok(list(st.deliveries))
        if parts == ["webhooks", "send"] and method == "POST":
            return ok(self.send_webhook(body))
        if parts == ["webhooks", "url_validation"] and method == "POST":
            return ok(self.url_validation(body))
        raise ApiError(404, 300, "no such control endpoint: %s %s" % (method, path))

    def add_fault(self, body):
        f = {"user": body.get("user_id"), "status": int(body.get("status", 500)),
             "count": int(body.get("count", -1)),
             "body": body.get("body", {"code": 500, "message": "Internal error."}),
             "headers": body.get("headers") or {}}
        with self.state.lock:
            self.state.faults.append(f)
        return f

    def send_webhook(self, body):
        """Any webhook, signed as Zoom signs (or deliberately not): body
        {event, payload} or raw_body; timestamp (Unix seconds, e.g. stale),
        signature (a literal header value) or bad_signature: true, secret
        (sign with another secret), url, headers (null drops one)."""
        env = body.get("envelope") or event_envelope(body.get("event", "meeting.updated"),
                                                     body.get("payload", {}))
        if "event_ts" in body:
            env["event_ts"] = body["event_ts"]
        sig = body.get("signature")
        raw = body.get("raw_body")
        ts = int(body.get("timestamp") or time.time())
        b = raw.encode() if raw is not None else json.dumps(env).encode()
        if body.get("bad_signature"):
            good = sign(self.state.config["webhook_secret"], ts, b)
            sig = good[:-1] + ("0" if good[-1] != "0" else "1")
        return deliver(self.state, env, url=body.get("url"), secret=body.get("secret"),
                       timestamp=ts, signature=sig, raw_body=b,
                       headers=body.get("headers"))

    def url_validation(self, body):
        """endpoint.url_validation as Zoom sends it when the URL is saved (and
        every 72 hours), with the check Zoom makes of the answer."""
        st = self.state
        plain = body.get("plainToken") or secrets.token_urlsafe(16)
        env = {"payload": {"plainToken": plain}, "event_ts": int(time.time() * 1000),
               "event": "endpoint.url_validation"}
        d = deliver(st, env, url=body.get("url"))
        want = encrypted_token(st.config["webhook_secret"], plain)
        got = None
        try:
            got = json.loads(d.get("response") or "")
        except ValueError:
            pass
        d["expected"] = {"plainToken": plain, "encryptedToken": want}
        d["valid"] = (d.get("status") == 200 and isinstance(got, dict) and got.get("plainToken") == plain
                      and got.get("encryptedToken") == want)
        return d


def main(argv=None):
    ap = fakehttp.arg_parser(__doc__)
    ap.add_argument("--client-id", default="fake-client-id")
    ap.add_argument("--client-secret", default="fake-client-secret")
    ap.add_argument("--webhook-secret", default="fake-webhook-secret")
    ap.add_argument("--webhook-url", default="")
    ap.add_argument("--redirect-uri", action="append",
                    help="a redirect URL of the app's allow list (repeatable); none: any")
    return fakehttp.serve(ap, argv, Handler, State)


if __name__ == "__main__":
    sys.exit(main())
