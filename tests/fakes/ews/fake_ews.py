#!/usr/bin/python3
"""A fake of Microsoft Exchange Server 2016/2019's Exchange Web Services for
convene's tests: SOAP 1.1 at /EWS/Exchange.asmx with Basic authentication of a
service account and ExchangeImpersonation of room mailboxes (GetRoomLists,
GetRooms, FindItem with CalendarView, GetItem, SyncFolderItems, CreateItem,
UpdateItem, DeleteItem, DeclineItem, Subscribe, GetEvents, GetStreamingEvents,
Unsubscribe), following the documented request and answer shapes so that
production code reaches it through the same code path as a real Exchange, only
the address differing. A control API under /_fake/ (JSON, a path Exchange never
serves) lets tests act as the Exchange administrator and as people booking
rooms in Outlook. README.md lists every operation with the Microsoft page it
follows.

Run: /usr/bin/python3 fake_ews.py --port 0; the first line on stdout is
`listening 127.0.0.1:PORT`. Only the standard library is used."""
import base64
import binascii
import collections
import datetime as dt
import hmac
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zoneinfo
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import fakehttp  # noqa: E402  (tests/fakes/fakehttp.py)
from fakehttp import FakeHandler  # noqa: E402

NS_S = "http://schemas.xmlsoap.org/soap/envelope/"
NS_T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS_M = "http://schemas.microsoft.com/exchange/services/2006/messages"
NS_E = "http://schemas.microsoft.com/exchange/services/2006/errors"
XML_CT = "text/xml; charset=utf-8"
MAX_BODY = 4 << 20
MAX_ITEMS = 200000          # items kept over all mailboxes
MAX_TOMBSTONES = 10000      # deletions remembered per mailbox for SyncFolderItems
MAX_SUB_EVENTS = 10000      # events queued per subscription (older ones dropped: ErrorInvalidWatermark)
MAX_SUBSCRIPTIONS = 5000
MAX_LOG = 5000
MAX_OCCURRENCES = 730       # an endless series expands to at most this many
EVENTS_PER_GET = 50         # GetEvents answers at most this many, MoreEvents says the rest
SERVER_VERSIONS = {
    "2016": {"MajorVersion": "15", "MinorVersion": "1", "MajorBuildNumber": "2507",
             "MinorBuildNumber": "6", "Version": "V2017_07_11"},
    "2019": {"MajorVersion": "15", "MinorVersion": "2", "MajorBuildNumber": "1118",
             "MinorBuildNumber": "7", "Version": "V2017_07_11"},
}
REQUEST_VERSIONS = ("Exchange2007", "Exchange2007_SP1", "Exchange2010", "Exchange2010_SP1",
                    "Exchange2010_SP2", "Exchange2013", "Exchange2013_SP1", "Exchange2015", "Exchange2016")
CALENDAR_PROCESSING = ("add_organizer_to_subject", "delete_subject", "delete_comments", "remove_canceled")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EVENT_TYPES = ("CopiedEvent", "CreatedEvent", "DeletedEvent", "ModifiedEvent", "MovedEvent",
               "NewMailEvent", "FreeBusyChangedEvent")
BUSY = ("Busy", "OOF", "Tentative", "WorkingElsewhere")
# properties FindItem refuses (ews-property-related-errors.md: "can't be used in FindItem requests")
FIND_REFUSED = {"item:Body", "item:Attachments", "calendar:RequiredAttendees", "calendar:OptionalAttendees",
                "calendar:Resources", "calendar:ModifiedOccurrences", "calendar:DeletedOccurrences",
                "calendar:ConflictingMeetings", "calendar:AdjacentMeetings", "item:MimeContent"}

MSG = {
    "ErrorItemNotFound": "The specified object was not found in the store.",
    "ErrorInvalidIdMalformed": "Id is malformed.",
    "ErrorAccessDenied": "Access is denied. Check credentials and try again.",
    "ErrorNonExistentMailbox": "The SMTP address has no mailbox associated with it.",
    "ErrorImpersonateUserDenied": "The account does not have permission to impersonate the requested user.",
    "ErrorIrresolvableConflict": "The send or update operation could not be performed because the change key "
                                 "passed in the request does not match the current change key for the item.",
    "ErrorInvalidSyncStateData": "Synchronization state data is corrupt or otherwise invalid.",
    "ErrorSubscriptionNotFound": "The specified subscription was not found.",
    "ErrorSubscriptionAccessDenied": "Access is denied. Only the subscription owner may access the subscription.",
    "ErrorInvalidWatermark": "Watermark is invalid.",
    "ErrorServerBusy": "The server cannot service this request right now. Try again later.",
    "ErrorCalendarEndDateIsEarlierThanStartDate": "EndDate is earlier than StartDate",
    "ErrorCalendarViewRangeTooBig": "The calendar view range is too big.",
    "ErrorCalendarIsOrganizerForDecline": "An organizer cannot decline the calendar item.",
    "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange": "Occurrence index is out of recurrence range.",
    "ErrorCalendarOccurrenceIsDeletedFromRecurrence": "Occurrence with this index was previously deleted "
                                                      "from the recurrence.",
    "ErrorCalendarCannotUseIdForOccurrenceId": "Id cannot be used as an occurrence id.",
    "ErrorSendMeetingInvitationsRequired": "SendMeetingInvitations attribute is required for calendar items.",
    "ErrorSendMeetingCancellationsRequired": "SendMeetingCancellations attribute is required for calendar items.",
    "ErrorSendMeetingInvitationsOrCancellationsRequired": "SendMeetingInvitationsOrCancellations attribute is "
                                                          "required for calendar items.",
    "ErrorNameResolutionNoResults": "No results were found.",
    "ErrorInvalidPropertyRequest": "The property can't be used in FindItem requests.",
    "ErrorInvalidSubscriptionRequest": "The subscription request is invalid.",
    "ErrorInvalidOperation": "The operation is invalid.",
    "ErrorSchemaValidation": "The request failed schema validation.",
    "ErrorInvalidServerVersion": "The specified server version is invalid.",
    "ErrorInvalidRequest": "The request is invalid.",
    "ErrorInvalidArgument": "The argument is invalid.",
    "ErrorExceededSubscriptionCount": "You have exceeded the available subscriptions for your account.",
    "ErrorMissingInformationReferenceItemId": "ReferenceItemId is missing.",
    "ErrorTimeZone": "The time zone is not valid.",
}


class EwsError(Exception):
    """A per-item error answered as ResponseClass="Error" with this ResponseCode."""

    def __init__(self, code, text=None, xml=""):
        Exception.__init__(self, code)
        self.code = code
        self.text = text or MSG.get(code, code)
        self.xml = xml


class SoapFault(Exception):
    """A request-level error answered as a SOAP fault (HTTP 500)."""

    def __init__(self, code, text=None, xml="", faultcode=None):
        Exception.__init__(self, code)
        self.code = code
        self.text = text or MSG.get(code, code)
        self.xml = xml
        self.faultcode = faultcode


def schema_error(what):
    return SoapFault("ErrorSchemaValidation", "The request failed schema validation: %s" % what)


# ---------------------------------------------------------------- XML helpers

def q(ns, tag):
    return "{%s}%s" % (ns, tag)


def T(tag):
    return q(NS_T, tag)


def M(tag):
    return q(NS_M, tag)


def x(tag, content="", **attrs):
    """An element as text: x("t:Subject", "hi") -> <t:Subject>hi</t:Subject>; content is already XML."""
    a = "".join(" %s=%s" % (k, quoteattr(str(v))) for k, v in attrs.items() if v is not None)
    if content == "" or content is None:
        return "<%s%s/>" % (tag, a)
    return "<%s%s>%s</%s>" % (tag, a, content, tag)


def xt(tag, text, **attrs):
    """An element with a text value (escaped); None: nothing."""
    if text is None:
        return ""
    if isinstance(text, bool):
        text = "true" if text else "false"
    return x(tag, escape(str(text)), **attrs)


def text_of(el, tag, default=None):
    c = el.find(tag) if el is not None else None
    if c is None or c.text is None:
        return default
    return c.text.strip()


def iso(ts):
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_dt(s, what="dateTime"):
    """xs:dateTime: with Z or an offset; without one it is taken as UTC (see README)."""
    if s is None:
        raise schema_error("missing %s" % what)
    s = s.strip()
    try:
        d = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise schema_error("The '%s' element is invalid - The value '%s' is invalid according to its datatype "
                           "'http://www.w3.org/2001/XMLSchema:dateTime'" % (what, s))
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return int(d.timestamp())


def parse_local(s, tz):
    """The control API's times: with an offset as given, without one on the wall clock of tz (UTC if none)."""
    d = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=zoneinfo.ZoneInfo(tz) if tz else dt.timezone.utc)
    return int(d.timestamp())


def parse_date(s, what="date"):
    """xs:date, maybe with Z or an offset (which EWS ignores for recurrence dates)."""
    s = (s or "").strip()
    core = s[:10]
    try:
        return dt.date.fromisoformat(core)
    except ValueError:
        raise schema_error("The '%s' element is invalid - The value '%s' is invalid according to its datatype "
                           "'http://www.w3.org/2001/XMLSchema:date'" % (what, s))


def b64(s):
    return base64.b64encode(s.encode()).decode()


def unb64(s):
    try:
        return base64.b64decode(s.encode(), validate=True).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


# ---------------------------------------------------------------- recurrence

# Windows time zone ids (EWS's StartTimeZone Id) the fake knows, and their IANA names
WINDOWS_ZONES = {
    "UTC": "UTC", "GMT Standard Time": "Europe/London", "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris", "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw", "FLE Standard Time": "Europe/Kiev",
    "Russian Standard Time": "Europe/Moscow", "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago", "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles", "India Standard Time": "Asia/Kolkata",
    "Tokyo Standard Time": "Asia/Tokyo", "AUS Eastern Standard Time": "Australia/Sydney",
    # zones with odd offsets (+05:45; -03:30 with DST; a half-hour DST shift), which convene writes since
    # it takes Windows ids from ICU: Exchange knows every Windows zone
    "Nepal Standard Time": "Asia/Kathmandu", "Newfoundland Standard Time": "America/St_Johns",
    "Lord Howe Standard Time": "Australia/Lord_Howe",
}


def zone_of(name):
    """A zone by Windows id (as EWS names them) or IANA name; None: UTC."""
    if not name:
        return None
    iana = WINDOWS_ZONES.get(name, name)
    try:
        zoneinfo.ZoneInfo(iana)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise EwsError("ErrorTimeZone", "The fake knows these time zones: %s." % ", ".join(sorted(WINDOWS_ZONES)))
    return iana


def windows_id(iana):
    for win, name in WINDOWS_ZONES.items():
        if name == iana:
            return win
    return iana


def local_date(ts, tz):
    return dt.datetime.fromtimestamp(ts, zoneinfo.ZoneInfo(tz) if tz else dt.timezone.utc).date()


def expand(rec, start_ts, dur, limit_ts=None, tz=None):
    """Original starts (UTC seconds) of a series, in order, at most MAX_OCCURRENCES
    (or until limit_ts): on the wall clock of the item's time zone, so that a
    daylight-saving change keeps the local hour. rec: {type: daily|weekly,
    interval, days, start_date (local), count?, end_date?}."""
    out = []
    zone = zoneinfo.ZoneInfo(tz) if tz else dt.timezone.utc
    tod = dt.datetime.fromtimestamp(start_ts, zone).time()
    first = dt.date.fromisoformat(rec["start_date"])
    interval = max(1, int(rec.get("interval") or 1))
    count = rec.get("count")
    end_date = dt.date.fromisoformat(rec["end_date"]) if rec.get("end_date") else None
    cap = min(int(count), MAX_OCCURRENCES) if count else MAX_OCCURRENCES
    day = first
    if rec["type"] == "weekly":
        wanted = {DAYS.index(d) for d in (rec.get("days") or [DAYS[first.weekday()]])}
        # weeks start on Sunday (FirstDayOfWeek's default)
        week0 = first - dt.timedelta(days=(first.weekday() + 1) % 7)
    for _ in range(MAX_OCCURRENCES * 8):
        if len(out) >= cap or (end_date and day > end_date):
            break
        ok = True
        if rec["type"] == "weekly":
            weeks = ((day - week0).days) // 7
            ok = day.weekday() in wanted and weeks % interval == 0
        elif rec["type"] == "daily":
            ok = (day - first).days % interval == 0
        if ok:
            ts = int(dt.datetime.combine(day, tod, tzinfo=zone).timestamp())
            if limit_ts is not None and ts >= limit_ts:
                break
            out.append(ts)
        day += dt.timedelta(days=1)
    return out


def parse_recurrence(el):
    """<t:Recurrence> → rec dict; only the patterns the fake knows (README)."""
    rec = {}
    pat = None
    for c in el:
        tag = c.tag.split("}")[-1]
        if tag in ("DailyRecurrence", "WeeklyRecurrence"):
            pat = c
            rec["type"] = "daily" if tag == "DailyRecurrence" else "weekly"
            rec["interval"] = int(text_of(c, T("Interval"), "1"))
            if tag == "WeeklyRecurrence":
                days = (text_of(c, T("DaysOfWeek"), "") or "").split()
                for d in days:
                    if d not in DAYS:
                        raise schema_error("The 'DaysOfWeek' element is invalid: %s" % d)
                rec["days"] = days
        elif tag.endswith("Recurrence") and tag not in ("NumberedRecurrence", "EndDateRecurrence",
                                                        "NoEndRecurrence"):
            raise EwsError("ErrorCalendarInvalidRecurrence", "The fake knows DailyRecurrence and WeeklyRecurrence only: %s" % tag)
        elif tag == "NumberedRecurrence":
            rec["start_date"] = parse_date(text_of(c, T("StartDate")), "StartDate").isoformat()
            rec["count"] = int(text_of(c, T("NumberOfOccurrences"), "1"))
        elif tag == "EndDateRecurrence":
            rec["start_date"] = parse_date(text_of(c, T("StartDate")), "StartDate").isoformat()
            rec["end_date"] = parse_date(text_of(c, T("EndDate")), "EndDate").isoformat()
        elif tag == "NoEndRecurrence":
            rec["start_date"] = parse_date(text_of(c, T("StartDate")), "StartDate").isoformat()
    if pat is None or "start_date" not in rec:
        raise schema_error("The element 'Recurrence' has incomplete content.")
    return rec


def recurrence_xml(rec):
    if rec["type"] == "daily":
        pat = x("t:DailyRecurrence", xt("t:Interval", rec.get("interval", 1)))
    else:
        pat = x("t:WeeklyRecurrence", xt("t:Interval", rec.get("interval", 1)) +
                xt("t:DaysOfWeek", " ".join(rec.get("days") or [])))
    if rec.get("count"):
        rng = x("t:NumberedRecurrence", xt("t:StartDate", rec["start_date"] + "Z") +
                xt("t:NumberOfOccurrences", rec["count"]))
    elif rec.get("end_date"):
        rng = x("t:EndDateRecurrence", xt("t:StartDate", rec["start_date"] + "Z") +
                xt("t:EndDate", rec["end_date"] + "Z"))
    else:
        rng = x("t:NoEndRecurrence", xt("t:StartDate", rec["start_date"] + "Z"))
    return x("t:Recurrence", pat + rng)


def recurrence_from_json(r, start_ts, tz=None):
    """The control API's recurrence: {type, interval?, days?, count? | until?}."""
    if not r:
        return None
    first = local_date(start_ts, tz)
    rec = {"type": r.get("type", "weekly"), "interval": int(r.get("interval", 1)),
           "start_date": first.isoformat()}
    if rec["type"] not in ("daily", "weekly"):
        raise ValueError("recurrence type: daily or weekly")
    if rec["type"] == "weekly":
        rec["days"] = r.get("days") or [DAYS[first.weekday()]]
    if r.get("count"):
        rec["count"] = int(r["count"])
    elif r.get("until"):
        rec["end_date"] = r["until"][:10]
    return rec


# ---------------------------------------------------------------- state

class State:
    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.reset()

    def reset(self):
        with self.lock:
            self.offset = 0.0
            self.accounts = {}       # username (lower) → {username, password, email, impersonation}
            self.mailboxes = {}      # e-mail (lower) → mailbox
            self.roomlists = {}      # e-mail (lower) → {email, name, rooms: [e-mail]}
            self.items = {}          # item id → item (masters and single items)
            self.subs = {}           # subscription id → subscription
            self.log = collections.deque(maxlen=MAX_LOG)
            self.responses = collections.deque(maxlen=MAX_LOG)
            self.throttle = {"on": False, "count": 0, "backoff_ms": 2000}
            self.outage = {"on": False, "mode": "hang"}
            self.config = {"minute": 60.0, "heartbeat": 30.0, "server": self.opts.server}
            self.key = secrets.token_bytes(16)
            self.cond.notify_all()
            if self.opts.username:
                self.add_account({"username": self.opts.username, "password": self.opts.password,
                                  "impersonation": True})

    def now(self):
        return time.time() + self.offset

    def record(self, **kw):
        kw["time"] = iso(self.now())
        self.log.append(kw)

    # ---- directory ----
    def add_account(self, body):
        user = body.get("username") or "svc-convene@contoso.com"
        email = (body.get("email") or (user if "@" in user else user.split("\\")[-1] + "@" + self.opts.domain))
        acct = {"username": user, "password": body.get("password") or "Passw0rd!",
                "email": email, "impersonation": bool(body.get("impersonation", True))}
        self.accounts[user.lower()] = acct
        self.mailbox(email, name=body.get("name") or user, kind="user")
        return acct

    def mailbox(self, email, name=None, kind="user", **kw):
        key = email.lower()
        mb = self.mailboxes.get(key)
        if mb is None:
            mb = {"email": email, "name": name or email.split("@")[0], "kind": kind, "seq": 0, "epoch": 0,
                  "tombstones": collections.deque(maxlen=MAX_TOMBSTONES), "pruned": 0,
                  "auto_accept": True, "allow_conflicts": False, "capacity": None, "building": None,
                  # Set-CalendarProcessing's defaults for a room (on-premises: RemoveCanceledMeetings is cloud-only)
                  "add_organizer_to_subject": True, "delete_subject": True, "delete_comments": True,
                  "remove_canceled": False,
                  "floor": None, "roomlists": [], "items": {}}  # items: its calendar's item ids, in order
            self.mailboxes[key] = mb
        for k, v in kw.items():
            if v is not None:
                mb[k] = v
        return mb

    def add_room(self, body):
        n = sum(1 for m in self.mailboxes.values() if m["kind"] == "room") + 1
        email = body.get("email") or "room%d@%s" % (n, self.opts.domain)
        mb = self.mailbox(email, name=body.get("name") or "Room %d" % n, kind="room",
                          capacity=body.get("capacity"), building=body.get("building"), floor=body.get("floor"),
                          auto_accept=body.get("auto_accept", True), allow_conflicts=body.get("allow_conflicts",
                                                                                              False),
                          **{k: body.get(k) for k in CALENDAR_PROCESSING})
        lists = body.get("roomlists") or ([body["roomlist"]] if body.get("roomlist") else [])
        for rl in lists:
            lst = self.roomlists.get(rl.lower()) or self.add_roomlist({"email": rl})
            if email not in lst["rooms"]:
                lst["rooms"].append(email)
            mb["roomlists"].append(lst["email"])
        return self.mailbox_view(mb)

    def add_roomlist(self, body):
        n = len(self.roomlists) + 1
        email = body.get("email") or "roomlist%d@%s" % (n, self.opts.domain)
        lst = {"email": email, "name": body.get("name") or "Room list %d" % n, "rooms": []}
        self.roomlists[email.lower()] = lst
        return lst

    @staticmethod
    def mailbox_view(mb):
        return {k: mb[k] for k in ("email", "name", "kind", "capacity", "building", "floor", "auto_accept",
                                   "allow_conflicts", "roomlists") + CALENDAR_PROCESSING}

    # ---- items ----
    def new_id(self):
        # as long as Exchange's (about 150 characters), so that short columns show up in tests
        return b64("item|" + uuid.uuid4().hex + secrets.token_hex(40))

    def change_key(self, item):
        return b64("ck|%s|%d" % (item["id"][-10:], item["version"]))

    def folder_id(self, mb):
        return b64("folder|calendar|" + mb["email"].lower())

    def touch(self, item, created=False):
        """Record a change for SyncFolderItems and the item's new ChangeKey."""
        mb = self.mailboxes[item["mailbox"]]
        mb["seq"] += 1
        item["seq"] = mb["seq"]
        if created:
            item["created_seq"] = mb["seq"]
        item["version"] += 1
        item["modified"] = self.now()

    def add_item(self, mb, fields, notify=True):
        if len(self.items) >= MAX_ITEMS:
            raise EwsError("ErrorQuotaExceeded", "The mailbox quota has been exceeded (the fake keeps %d items)."
                           % MAX_ITEMS)
        item = {"id": self.new_id(), "mailbox": mb["email"].lower(), "version": 0, "subject": "", "body": "",
                "location": "", "free_busy": "Busy", "all_day": False, "is_meeting": False,
                "is_cancelled": False, "my_response": "Organizer", "organizer": {"email": mb["email"],
                                                                                 "name": mb["name"]},
                "required": [], "optional": [], "resources": [], "uid": uuid.uuid4().hex.upper(),
                "recurrence": None, "exceptions": {}, "deleted": [], "ext": {}, "created": self.now(),
                "app_seq": 0, "meeting": None, "copies": {}}
        item.update(fields)
        self.touch(item, created=True)
        self.items[item["id"]] = item
        mb["items"][item["id"]] = True
        if notify:
            self.emit(item, "CreatedEvent")
        return item

    def changed(self, item, event="ModifiedEvent"):
        self.touch(item)
        self.emit(item, event)

    def remove_item(self, item):
        mb = self.mailboxes[item["mailbox"]]
        self.items.pop(item["id"], None)
        mb["items"].pop(item["id"], None)
        mb["seq"] += 1
        if len(mb["tombstones"]) == mb["tombstones"].maxlen:
            mb["pruned"] = mb["tombstones"][0][0]
        mb["tombstones"].append((mb["seq"], item["id"], item["created_seq"], self.change_key(item)))
        self.emit(item, "DeletedEvent")

    def calendar(self, mb):
        return [self.items[i] for i in mb["items"]]

    def occurrences(self, item, limit_ts=None):
        dur = item["end"] - item["start"]
        return expand(item["recurrence"], item["start"], dur, limit_ts, item.get("tz")) if item["recurrence"] else []

    def instances(self, item, lo, hi):
        """Views of the item's single, occurrence and exception instances overlapping [lo, hi)."""
        if not item["recurrence"]:
            if item["start"] < hi and item["end"] > lo:
                yield self.view(item)
            return
        for idx, orig in enumerate(self.occurrences(item, hi + 86400 * 7), 1):
            if orig in item["deleted"]:
                continue
            v = self.view(item, orig, idx)
            if v["start"] < hi and v["end"] > lo:
                yield v

    def view(self, item, orig=None, index=None):
        """What one instance shows: the item itself, or an occurrence/exception of a series."""
        v = dict(item)
        v["item"] = item
        if orig is None:
            v["type"] = "RecurringMaster" if item["recurrence"] else "Single"
            v["ck"] = self.change_key(item)
            return v
        dur = item["end"] - item["start"]
        v.update(start=orig, end=orig + dur, orig=orig, index=index, type="Occurrence",
                 id=b64("occ|%s|%d" % (item["id"], orig)))
        exc = item["exceptions"].get(orig)
        if exc:
            v.update({k: val for k, val in exc.items() if k != "version"})
            v["type"] = "Exception"
        v["ck"] = b64("ck|%s|%d|%d" % (item["id"][-10:], item["version"], orig))
        return v

    def busy_overlaps(self, mb, starts_ends, skip_uid=None):
        for it in self.calendar(mb):
            if it["uid"] == skip_uid:
                continue
            for (s, e) in starts_ends:
                for v in self.instances(it, s, e):
                    if v["free_busy"] in BUSY and not v["is_cancelled"]:
                        return True
        return False

    # ---- resolving ids ----
    def resolve(self, id_, user):
        """(item, orig or None) for an ItemId the user may reach; EwsError otherwise."""
        raw = unb64(id_ or "")
        if raw is None or not (raw.startswith("item|") or raw.startswith("occ|")):
            raise EwsError("ErrorInvalidIdMalformed")
        orig = None
        if raw.startswith("occ|"):
            _, iid, o = raw.split("|", 2)
            orig = int(o)
        else:
            iid = id_
        item = self.items.get(iid)
        if item is None:
            raise EwsError("ErrorItemNotFound")
        if item["mailbox"] != user:
            raise EwsError("ErrorAccessDenied")
        if orig is not None:
            if not item["recurrence"] or orig not in self.occurrences(item):
                raise EwsError("ErrorItemNotFound")
            if orig in item["deleted"]:
                raise EwsError("ErrorItemNotFound")
        return item, orig

    # ---- notifications ----
    def emit(self, item, etype):
        now = self.now()
        for sub in self.subs.values():
            if sub["mailbox"] != item["mailbox"] or etype not in sub["types"] or sub.get("gone"):
                continue
            sub["n"] += 1
            if len(sub["events"]) == sub["events"].maxlen:
                sub["dropped"] = sub["events"][0]["n"]
            sub["events"].append({"n": sub["n"], "type": etype, "time": iso(now), "id": item["id"],
                                  "ck": self.change_key(item), "folder": self.folder_id(
                                      self.mailboxes[item["mailbox"]])})
        self.cond.notify_all()

    def watermark(self, sub, n):
        return b64("wm|%s|%d" % (sub["id"], n))

    def alive(self, sub):
        """False once a subscription expired: a pull one not polled within its Timeout,
        a streaming one with no open connection for 30 minutes (README)."""
        if sub.get("gone"):
            return False
        minute = float(self.config["minute"])
        if sub["kind"] == "pull":
            limit = sub["timeout"] * minute
        else:
            if sub["connections"] > 0:
                return True
            limit = 30 * minute
        if self.now() - sub["last"] > limit:
            sub["gone"] = True
            return False
        return True

    def sync_state(self, mb, seq):
        raw = "ss|%s|%d|%d" % (mb["email"].lower(), mb["epoch"], seq)
        mac = hmac.new(self.key, raw.encode(), "sha256").hexdigest()[:16]
        return b64(raw + "|" + mac)


# ---------------------------------------------------------------- SOAP answers

def envelope(state, body):
    sv = SERVER_VERSIONS.get(str(state.config.get("server")), SERVER_VERSIONS["2016"])
    head = x("h:ServerVersionInfo", "", **sv, **{"xmlns:h": NS_T, "xmlns": NS_T,
                                                 "xmlns:xsd": "http://www.w3.org/2001/XMLSchema",
                                                 "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"})
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<s:Envelope xmlns:s="%s"><s:Header>%s</s:Header>'
            '<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema">%s</s:Body></s:Envelope>' % (NS_S, head, body))


def fault_xml(f):
    code = f.faultcode or "a:" + f.code
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<s:Envelope xmlns:s="%s"><s:Body><s:Fault>'
            '<faultcode xmlns:a="%s">%s</faultcode>'
            '<faultstring xml:lang="en-US">%s</faultstring>'
            '<detail><e:ResponseCode xmlns:e="%s">%s</e:ResponseCode>'
            '<e:Message xmlns:e="%s">%s</e:Message>%s</detail>'
            '</s:Fault></s:Body></s:Envelope>' % (NS_S, NS_T, escape(code), escape(f.text), NS_E, escape(f.code),
                                                  NS_E, escape(f.text), f.xml))


def ok_msg(name, content=""):
    return x("m:" + name, x("m:ResponseCode", "NoError") + content, ResponseClass="Success")


def err_msg(name, e, tail=""):
    return x("m:" + name, xt("m:MessageText", e.text) + xt("m:ResponseCode", e.code) +
             xt("m:DescriptiveLinkKey", 0) + (x("m:MessageXml", e.xml) if e.xml else "") + tail,
             ResponseClass="Error")


def response(op, messages):
    return x("m:%sResponse" % op, x("m:ResponseMessages", "".join(messages)),
             **{"xmlns:m": NS_M, "xmlns:t": NS_T})


def mailbox_xml(tag, email, name, routing=True, mtype=None, extra=""):
    return x(tag, xt("t:Name", name) + xt("t:EmailAddress", email) +
             (xt("t:RoutingType", "SMTP") if routing else "") + xt("t:MailboxType", mtype) + extra)


# ---------------------------------------------------------------- item shapes

def ext_key(el):
    """A normalised key of an ExtendedFieldURI (PropertySetId compared without case)."""
    a = el.attrib
    ps = (a.get("PropertySetId") or a.get("DistinguishedPropertySetId") or "").lower().strip("{}")
    name = a.get("PropertyName") or a.get("PropertyId") or a.get("PropertyTag") or ""
    if not a.get("PropertyType"):
        raise schema_error("The required attribute 'PropertyType' is missing.")
    if not name:
        raise schema_error("ExtendedFieldURI needs PropertyName, PropertyId or PropertyTag.")
    return "%s|%s|%s" % (ps, name.lower() if a.get("PropertyTag") else name, a.get("PropertyType"))


def shape_of(el):
    """(base shape, FieldURIs wanted, extended keys wanted as (key, attrib))."""
    base = text_of(el, T("BaseShape"))
    if base not in ("IdOnly", "Default", "AllProperties"):
        raise schema_error("The 'BaseShape' element is invalid.")
    fields, exts = set(), []
    add = el.find(T("AdditionalProperties")) if el is not None else None
    for p in (add if add is not None else []):
        tag = p.tag.split("}")[-1]
        if tag == "FieldURI":
            fields.add(p.get("FieldURI"))
        elif tag == "ExtendedFieldURI":
            exts.append((ext_key(p), dict(p.attrib)))
        elif tag == "IndexedFieldURI":
            fields.add(p.get("FieldURI"))
    return base, fields, exts


DEFAULT_FIELDS = ("item:Subject", "calendar:Start", "calendar:End", "calendar:Location", "calendar:Organizer",
                  "calendar:IsAllDayEvent", "calendar:LegacyFreeBusyStatus", "calendar:CalendarItemType",
                  "calendar:MyResponseType", "calendar:IsMeeting", "calendar:IsCancelled", "calendar:IsRecurring",
                  "calendar:UID", "item:LastModifiedTime")


def calendar_item_xml(state, v, shape, full=False):
    """A <t:CalendarItem> in the schema's element order, with the properties the
    shape asks for. full: GetItem (attendees, recurrence and body may come)."""
    base, fields, exts = shape
    want_all = base == "AllProperties"
    want = set(fields)
    if base in ("Default", "AllProperties"):
        want.update(DEFAULT_FIELDS)
    if want_all and full:
        want.update(("item:Body", "item:ItemClass", "item:DateTimeCreated", "calendar:RequiredAttendees",
                     "calendar:OptionalAttendees", "calendar:Resources", "calendar:Recurrence",
                     "calendar:FirstOccurrence", "calendar:LastOccurrence", "calendar:ModifiedOccurrences",
                     "calendar:DeletedOccurrences", "calendar:AppointmentSequenceNumber", "calendar:OriginalStart",
                     "item:ParentFolderId", "calendar:RecurrenceId", "calendar:IsResponseRequested",
                     "calendar:MeetingRequestWasSent"))
    item = v["item"]
    mb = state.mailboxes[item["mailbox"]]
    out = [x("t:ItemId", "", Id=v["id"], ChangeKey=v["ck"])]
    if "item:ParentFolderId" in want:
        out.append(x("t:ParentFolderId", "", Id=state.folder_id(mb), ChangeKey="AgAAAA=="))
    if "item:ItemClass" in want:
        out.append(xt("t:ItemClass", "IPM.Appointment"))
    if "item:Subject" in want:
        out.append(xt("t:Subject", v["subject"]))
    if "item:Body" in want:
        out.append(xt("t:Body", v.get("body") or "", BodyType="Text"))
    if "item:DateTimeCreated" in want:
        out.append(xt("t:DateTimeCreated", iso(item["created"])))
    for key, attrib in exts:
        if key in item["ext"]:
            out.append(x("t:ExtendedProperty", x("t:ExtendedFieldURI", "", **attrib) +
                         xt("t:Value", item["ext"][key])))
    if "item:LastModifiedTime" in want:
        out.append(xt("t:LastModifiedTime", iso(item["modified"])))
    if "calendar:UID" in want:
        out.append(xt("t:UID", v["uid"]))
    if "calendar:RecurrenceId" in want and v.get("orig") is not None:
        out.append(xt("t:RecurrenceId", iso(v["orig"])))
    if "calendar:Start" in want:
        out.append(xt("t:Start", iso(v["start"])))
    if "calendar:End" in want:
        out.append(xt("t:End", iso(v["end"])))
    if "calendar:OriginalStart" in want and v.get("orig") is not None:
        out.append(xt("t:OriginalStart", iso(v["orig"])))
    if "calendar:IsAllDayEvent" in want:
        out.append(xt("t:IsAllDayEvent", v["all_day"]))
    if "calendar:LegacyFreeBusyStatus" in want:
        out.append(xt("t:LegacyFreeBusyStatus", v["free_busy"]))
    if "calendar:Location" in want and v.get("location"):
        out.append(xt("t:Location", v["location"]))
    if "calendar:IsMeeting" in want:
        out.append(xt("t:IsMeeting", v["is_meeting"]))
    if "calendar:IsCancelled" in want:
        out.append(xt("t:IsCancelled", v["is_cancelled"]))
    if "calendar:IsRecurring" in want:
        out.append(xt("t:IsRecurring", v["type"] in ("Occurrence", "Exception")))
    if "calendar:MeetingRequestWasSent" in want:
        out.append(xt("t:MeetingRequestWasSent", bool(v["is_meeting"] and v["my_response"] == "Organizer")))
    if "calendar:IsResponseRequested" in want:
        out.append(xt("t:IsResponseRequested", bool(v["is_meeting"])))
    if "calendar:CalendarItemType" in want:
        out.append(xt("t:CalendarItemType", v["type"]))
    if "calendar:MyResponseType" in want:
        out.append(xt("t:MyResponseType", v["my_response"]))
    if "calendar:Organizer" in want:
        o = v["organizer"]
        out.append(x("t:Organizer", mailbox_xml("t:Mailbox", o["email"], o.get("name"))))
    for f, tag, key in (("calendar:RequiredAttendees", "t:RequiredAttendees", "required"),
                        ("calendar:OptionalAttendees", "t:OptionalAttendees", "optional"),
                        ("calendar:Resources", "t:Resources", "resources")):
        if f in want and v.get(key):
            out.append(x(tag, "".join(
                x("t:Attendee", mailbox_xml("t:Mailbox", a["email"], a.get("name"),
                                            mtype="Mailbox") + xt("t:ResponseType", a.get("response", "Unknown")))
                for a in v[key])))
    if "calendar:AppointmentSequenceNumber" in want:
        out.append(xt("t:AppointmentSequenceNumber", item["app_seq"]))
    if v["type"] == "RecurringMaster":
        rec = item["recurrence"]
        occ = state.occurrences(item)
        if "calendar:Recurrence" in want:
            out.append(recurrence_xml(rec))

        def occ_xml(tag, orig, idx):
            ov = state.view(item, orig, idx)
            return x(tag, x("t:ItemId", "", Id=ov["id"], ChangeKey=ov["ck"]) + xt("t:Start", iso(ov["start"])) +
                     xt("t:End", iso(ov["end"])) + xt("t:OriginalStart", iso(orig)))
        live = [(i, o) for i, o in enumerate(occ, 1) if o not in item["deleted"]]
        if "calendar:FirstOccurrence" in want and live:
            out.append(occ_xml("t:FirstOccurrence", live[0][1], live[0][0]))
        if "calendar:LastOccurrence" in want and live and (rec.get("count") or rec.get("end_date")):
            out.append(occ_xml("t:LastOccurrence", live[-1][1], live[-1][0]))
        if "calendar:ModifiedOccurrences" in want and item["exceptions"]:
            out.append(x("t:ModifiedOccurrences", "".join(
                occ_xml("t:Occurrence", o, occ.index(o) + 1) for o in sorted(item["exceptions"]) if o in occ)))
        if "calendar:DeletedOccurrences" in want and item["deleted"]:
            out.append(x("t:DeletedOccurrences", "".join(
                x("t:DeletedOccurrence", xt("t:Start", iso(o))) for o in sorted(item["deleted"]))))
    if (want_all and full or "calendar:StartTimeZone" in fields) and item.get("tz"):
        out.append(x("t:StartTimeZone", "", Id=windows_id(item["tz"])))
    if (want_all and full or "calendar:EndTimeZone" in fields) and item.get("tz"):
        out.append(x("t:EndTimeZone", "", Id=windows_id(item["tz"])))
    return x("t:CalendarItem", "".join(out))


# ---------------------------------------------------------------- the SOAP handler

class Handler(FakeHandler):
    name = "fake_ews"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    max_body = MAX_BODY
    bare_statuses = (204, 304)

    def too_large(self):
        return SoapFault("ErrorInvalidRequest", "The request is too large.")

    def extra_headers(self):
        return {"request-id": str(uuid.uuid4()), "X-AspNet-Version": "4.0.30319"}

    def route(self, method):
        self.url = urllib.parse.urlsplit(self.path)
        self.query = dict(urllib.parse.parse_qsl(self.url.query, keep_blank_values=True))
        path = self.url.path
        try:
            if path.startswith("/_fake/") or path == "/_fake":
                self.read_body()
                return self.control(method, path)
        except (ValueError, KeyError, TypeError) as e:
            return self.send(400, {"error": repr(e)})
        except EwsError as e:
            return self.send(400, {"error": e.code, "message": e.text})
        st = self.state
        if st.outage["on"]:
            return self.outage()
        if path.lower() != "/ews/exchange.asmx":
            return self.send(404, "<html><body><h2>404 - File or directory not found.</h2></body></html>",
                             "text/html")
        user = self.basic_user()
        if user is None:
            st.record(operation=None, status=401, user=self.auth_name)
            self.read_body_quietly()
            return self.send(401, "", "text/html", headers={"WWW-Authenticate": 'Basic realm="%s"' %
                                                            self.headers.get("Host", "mail")})
        if method != "POST":
            return self.send(405, "", "text/html", headers={"Allow": "POST"})
        self.user = user
        self.op = None
        try:
            raw = self.read_body()
            return self.soap(raw)
        except SoapFault as f:
            st.record(operation=self.op, user=user["username"], status=500, fault=f.code)
            return self.send(500, fault_xml(f), XML_CT)
        except Exception as e:  # noqa: BLE001 - a bug of the fake: say so loudly
            import traceback
            traceback.print_exc()
            f = SoapFault("ErrorInternalServerError", "fake_ews crashed: %r" % e)
            st.record(operation=self.op, user=user["username"], status=500, fault=f.code)
            return self.send(500, fault_xml(f), XML_CT)

    def read_body_quietly(self):
        try:
            self.read_body()
        except SoapFault:
            pass

    def outage(self):
        """Stop answering: hold the connection (mode hang, at most 120 s or until
        the outage ends), close it at once (close), or answer 503 (http503)."""
        st = self.state
        mode = st.outage.get("mode", "hang")
        self.close_connection = True
        if mode == "close":
            return
        if mode == "http503":
            return self.send(503, "<html><body>Service Unavailable</body></html>", "text/html")
        end = time.time() + 120
        with st.lock:
            while st.outage["on"] and time.time() < end:
                st.cond.wait(0.2)

    def basic_user(self):
        h = self.headers.get("Authorization", "")
        self.auth_name = None
        if not h.lower().startswith("basic "):
            return None
        try:
            name, _, pw = base64.b64decode(h[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        self.auth_name = name
        acct = self.state.accounts.get(name.lower())
        if acct is None or not hmac.compare_digest(acct["password"].encode(), pw.encode()):
            return None
        return acct

    # ---- SOAP ----
    def soap(self, raw):
        st = self.state
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as e:
            raise schema_error("Data at the root level is invalid. %s" % e)
        if root.tag != q(NS_S, "Envelope"):
            raise SoapFault("ErrorSchemaValidation", "The request failed schema validation: the root element is "
                            "not a SOAP 1.1 Envelope.", faultcode="s:VersionMismatch"
                            if root.tag.endswith("}Envelope") else None)
        header = root.find(q(NS_S, "Header"))
        body = root.find(q(NS_S, "Body"))
        if body is None or len(body) != 1:
            raise schema_error("The SOAP Body must hold exactly one operation.")
        op_el = body[0]
        if not op_el.tag.startswith("{%s}" % NS_M):
            raise schema_error("The element '%s' is not expected." % op_el.tag)
        self.op = op = op_el.tag.split("}")[-1]
        version = "Exchange2007"
        imp = None
        for h in (header if header is not None else []):
            tag = h.tag
            if tag == T("RequestServerVersion"):
                version = h.get("Version", "")
                if version not in REQUEST_VERSIONS:
                    raise SoapFault("ErrorInvalidServerVersion")
            elif tag == T("ExchangeImpersonation"):
                sid = h.find(T("ConnectingSID"))
                addr = None
                for c in (sid if sid is not None else []):
                    if c.tag in (T("PrimarySmtpAddress"), T("SmtpAddress"), T("PrincipalName")):
                        addr = (c.text or "").strip()
                if not addr:
                    raise schema_error("The element 'ConnectingSID' has incomplete content.")
                imp = addr
        self.version = version
        who = self.user["email"].lower()
        if imp is not None:
            if not self.user["impersonation"]:
                raise SoapFault("ErrorImpersonateUserDenied")
            if imp.lower() not in st.mailboxes:
                raise SoapFault("ErrorNonExistentMailbox")
            who = imp.lower()
        self.who = who
        fn = getattr(self, "op_" + op, None)
        if fn is None:
            raise schema_error("The element '%s' in namespace '%s' is not expected." % (op, NS_M))
        with st.lock:
            if st.throttle["on"]:
                if st.throttle["count"] != 0:
                    if st.throttle["count"] > 0:
                        st.throttle["count"] -= 1
                    if st.throttle["count"] == 0:
                        st.throttle["on"] = False
                    raise SoapFault("ErrorServerBusy", xml=x("t:MessageXml", xt(
                        "t:Value", st.throttle["backoff_ms"], Name="BackOffMilliseconds"), **{"xmlns:t": NS_T}))
        try:
            if op == "GetStreamingEvents":
                return self.op_GetStreamingEvents(op_el)
            with st.lock:
                out = fn(op_el)
        except (ValueError, KeyError, IndexError) as e:
            # a value the schema would have refused (a number that is not one, an unknown enum)
            raise schema_error("a value is invalid according to its datatype (%s)" % e)
        codes = [c.text for c in ET.fromstring(out).iter(M("ResponseCode"))]
        st.record(operation=op, user=self.user["username"], impersonated=imp, version=version, status=200,
                  codes=codes)
        return self.send(200, envelope(st, out), XML_CT)

    # ---- helpers for operations ----
    def folder_owner(self, fid_el):
        """The mailbox of a <t:DistinguishedFolderId Id="calendar"> (with an
        optional <t:Mailbox>) or a <t:FolderId> of a calendar; EwsError when
        the caller may not open it."""
        st = self.state
        if fid_el.tag == T("DistinguishedFolderId"):
            if fid_el.get("Id") != "calendar":
                raise EwsError("ErrorFolderNotFound", "The fake serves the calendar folder only.")
            mbx = fid_el.find(T("Mailbox"))
            email = text_of(mbx, T("EmailAddress")) if mbx is not None else None
            email = (email or self.who).lower()
        elif fid_el.tag == T("FolderId"):
            raw = unb64(fid_el.get("Id", ""))
            if not raw or not raw.startswith("folder|calendar|"):
                raise EwsError("ErrorInvalidIdMalformed")
            email = raw.split("|", 2)[2]
        else:
            raise schema_error("unexpected folder id %s" % fid_el.tag)
        mb = st.mailboxes.get(email)
        if mb is None:
            raise EwsError("ErrorNonExistentMailbox")
        if email != self.who:
            raise EwsError("ErrorAccessDenied")
        return mb

    def one_folder(self, el, what):
        if el is None or len(el) != 1:
            raise schema_error("%s needs exactly one folder id (the fake)." % what)
        return el[0]

    # ---- directory ----
    def op_GetRoomLists(self, el):
        st = self.state
        lists = "".join(mailbox_xml("t:Address", r["email"], r["name"], mtype="PublicDL")
                        for r in st.roomlists.values())
        return x("m:GetRoomListsResponse", x("m:ResponseCode", "NoError") + x("m:RoomLists", lists),
                 ResponseClass="Success", **{"xmlns:m": NS_M, "xmlns:t": NS_T})

    def op_GetRooms(self, el):
        st = self.state
        email = text_of(el.find(M("RoomList")), T("EmailAddress"))
        if not email:
            raise schema_error("The element 'RoomList' has incomplete content.")
        lst = st.roomlists.get(email.lower())
        attrs = {"xmlns:m": NS_M, "xmlns:t": NS_T}
        if lst is None:
            e = EwsError("ErrorNameResolutionNoResults")
            return x("m:GetRoomsResponse", xt("m:MessageText", e.text) + xt("m:ResponseCode", e.code) +
                     xt("m:DescriptiveLinkKey", 0), ResponseClass="Error", **attrs)
        rooms = "".join(x("t:Room", mailbox_xml("t:Id", r, st.mailboxes[r.lower()]["name"], mtype="Mailbox"))
                        for r in lst["rooms"] if r.lower() in st.mailboxes)
        return x("m:GetRoomsResponse", x("m:ResponseCode", "NoError") + (x("m:Rooms", rooms) if rooms else ""),
                 ResponseClass="Success", **attrs)

    # ---- reading ----
    def op_FindItem(self, el):
        st = self.state
        shape = shape_of(el.find(M("ItemShape")))
        bad = shape[1] & FIND_REFUSED
        name = "FindItemResponseMessage"
        try:
            if bad:
                raise EwsError("ErrorInvalidPropertyRequest", xml=x("t:FieldURI", "", FieldURI=sorted(bad)[0]))
            view = el.find(M("CalendarView"))
            if view is None:
                raise EwsError("ErrorInvalidOperation", "The fake answers FindItem with a CalendarView only.")
            lo = parse_dt(view.get("StartDate"), "StartDate")
            hi = parse_dt(view.get("EndDate"), "EndDate")
            mx = view.get("MaxEntriesReturned")
            mx = int(mx) if mx else None
            if hi < lo:
                raise EwsError("ErrorCalendarEndDateIsEarlierThanStartDate")
            if hi - lo > 2 * 366 * 86400:
                raise EwsError("ErrorCalendarViewRangeTooBig")
            mb = self.folder_owner(self.one_folder(el.find(M("ParentFolderIds")), "FindItem"))
            views = []
            for it in st.calendar(mb):
                views.extend(st.instances(it, lo, hi))
            views.sort(key=lambda v: (v["start"], v["id"]))
            total = len(views)
            last = True
            if mx is not None and total > mx:
                views, last = views[:mx], False
            items = "".join(calendar_item_xml(st, v, shape) for v in views)
            return response("FindItem", [ok_msg(name, x("m:RootFolder", x("t:Items", items),
                                                         TotalItemsInView=total,
                                                         IncludesLastItemInRange="true" if last else "false"))])
        except EwsError as e:
            return response("FindItem", [err_msg(name, e)])

    def op_GetItem(self, el):
        st = self.state
        shape = shape_of(el.find(M("ItemShape")))
        ids = el.find(M("ItemIds"))
        if ids is None or len(ids) == 0:
            raise schema_error("The element 'ItemIds' has incomplete content.")
        msgs = []
        for idel in ids:
            try:
                v = self.view_of(idel)
                msgs.append(ok_msg("GetItemResponseMessage",
                                   x("m:Items", calendar_item_xml(st, v, shape, full=True))))
            except EwsError as e:
                msgs.append(err_msg("GetItemResponseMessage", e, x("m:Items")))
        return response("GetItem", msgs)

    def view_of(self, idel):
        """The instance an ItemId, OccurrenceItemId or RecurringMasterItemId names."""
        st = self.state
        tag = idel.tag
        if tag == T("ItemId"):
            item, orig = st.resolve(idel.get("Id"), self.who)
            if orig is None:
                return st.view(item)
            occ = st.occurrences(item)
            return st.view(item, orig, occ.index(orig) + 1)
        if tag == T("OccurrenceItemId"):
            idx = int(idel.get("InstanceIndex") or 0)  # not a number: a schema fault
            item, orig = st.resolve(idel.get("RecurringMasterId"), self.who)
            if orig is not None or not item["recurrence"]:
                raise EwsError("ErrorCalendarCannotUseIdForRecurringMasterId")
            occ = st.occurrences(item)
            if idx < 1 or idx > len(occ):
                raise EwsError("ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange")
            if occ[idx - 1] in item["deleted"]:
                raise EwsError("ErrorCalendarOccurrenceIsDeletedFromRecurrence")
            return st.view(item, occ[idx - 1], idx)
        if tag == T("RecurringMasterItemId"):
            item, orig = st.resolve(idel.get("OccurrenceId"), self.who)
            if orig is None:
                raise EwsError("ErrorCalendarCannotUseIdForOccurrenceId")
            return st.view(item)
        raise schema_error("unexpected item id %s" % tag)

    def op_SyncFolderItems(self, el):
        st = self.state
        name = "SyncFolderItemsResponseMessage"
        shape = shape_of(el.find(M("ItemShape")))
        try:
            mx = int(text_of(el, M("MaxChangesReturned"), ""))
        except ValueError:
            raise schema_error("The 'MaxChangesReturned' element is invalid.")
        if not 1 <= mx <= 512:
            raise schema_error("The 'MaxChangesReturned' element is invalid - The value '%d' is invalid "
                               "according to its datatype (1 to 512)." % mx)
        try:
            mb = self.folder_owner(self.one_folder(el.find(M("SyncFolderId")), "SyncFolderItems"))
            token = text_of(el, M("SyncState"), "")
            since = 0
            if token:
                raw = unb64(token)
                parts = raw.split("|") if raw else []
                if len(parts) != 5 or parts[0] != "ss":
                    raise EwsError("ErrorInvalidSyncStateData")
                mac = hmac.new(st.key, "|".join(parts[:4]).encode(), "sha256").hexdigest()[:16]
                if not hmac.compare_digest(mac, parts[4]) or parts[1] != mb["email"].lower() \
                        or int(parts[2]) != mb["epoch"] or int(parts[3]) < mb["pruned"]:
                    raise EwsError("ErrorInvalidSyncStateData")
                since = int(parts[3])
            ignore = {i.get("Id") for i in (el.find(M("Ignore")) or [])}
            changes = []
            for it in st.calendar(mb):
                if it["seq"] > since:
                    changes.append((it["seq"], "Create" if it["created_seq"] > since else "Update", it))
            for (seq, iid, cseq, ck) in mb["tombstones"]:
                if seq > since and cseq <= since:
                    changes.append((seq, "Delete", (iid, ck)))
            changes.sort(key=lambda c: c[0])
            last = len(changes) <= mx
            changes = changes[:mx]
            # the new state covers what was sent; with the last change, everything up to now
            upto = mb["seq"] if last else changes[-1][0]
            out = []
            for seq, kind, it in changes:
                if kind == "Delete":
                    if it[0] in ignore:
                        continue
                    out.append(x("t:Delete", x("t:ItemId", "", Id=it[0], ChangeKey=it[1])))
                elif it["id"] not in ignore:
                    out.append(x("t:" + kind, calendar_item_xml(st, st.view(it), shape)))
            return response("SyncFolderItems", [ok_msg(name, xt("m:SyncState", st.sync_state(mb, upto)) +
                                                        xt("m:IncludesLastItemInRange", last) +
                                                        x("m:Changes", "".join(out)))])
        except EwsError as e:
            # as the operation page's error example: an empty SyncState and IncludesLastItemInRange
            return response("SyncFolderItems", [err_msg(name, e, x("m:SyncState") +
                                                        xt("m:IncludesLastItemInRange", True))])

    # ---- writing ----
    def parse_item_fields(self, ci, partial=False):
        """The fields of a <t:CalendarItem> in CreateItem or SetItemField."""
        f = {}
        for c in ci:
            tag = c.tag.split("}")[-1]
            val = (c.text or "").strip()
            if tag == "Subject":
                f["subject"] = c.text or ""
            elif tag == "Body":
                f["body"] = c.text or ""
            elif tag == "Start":
                f["start"] = parse_dt(val, "Start")
            elif tag == "End":
                f["end"] = parse_dt(val, "End")
            elif tag == "Location":
                f["location"] = c.text or ""
            elif tag == "IsAllDayEvent":
                f["all_day"] = val == "true"
            elif tag == "LegacyFreeBusyStatus":
                if val not in ("Free", "Tentative", "Busy", "OOF", "WorkingElsewhere", "NoData"):
                    raise schema_error("The 'LegacyFreeBusyStatus' element is invalid.")
                f["free_busy"] = val
            elif tag in ("RequiredAttendees", "OptionalAttendees", "Resources"):
                key = {"RequiredAttendees": "required", "OptionalAttendees": "optional",
                       "Resources": "resources"}[tag]
                f[key] = [{"email": text_of(a.find(T("Mailbox")), T("EmailAddress")),
                           "name": text_of(a.find(T("Mailbox")), T("Name")), "response": "Unknown"}
                          for a in c.findall(T("Attendee"))]
                if any(not a["email"] for a in f[key]):
                    raise schema_error("The element 'Attendee' has incomplete content (Mailbox/EmailAddress).")
            elif tag == "Recurrence":
                f["recurrence"] = parse_recurrence(c)
            elif tag == "ExtendedProperty":
                uri = c.find(T("ExtendedFieldURI"))
                if uri is None:
                    raise schema_error("ExtendedProperty needs ExtendedFieldURI.")
                f.setdefault("ext", {})[ext_key(uri)] = text_of(c, T("Value"), "")
            elif tag == "StartTimeZone":
                f["tz"] = zone_of(c.get("Id"))
            elif tag == "MeetingTimeZone":
                f["tz"] = zone_of(c.get("TimeZoneName"))
            elif tag in ("ItemClass", "Sensitivity", "Importance", "ReminderIsSet", "ReminderMinutesBeforeStart",
                         "EndTimeZone", "Categories", "UID",
                         "IsResponseRequested", "AllowNewTimeProposal", "IsOnlineMeeting"):
                if tag == "UID" and val:
                    f["uid"] = val
            else:
                raise schema_error("The element 'CalendarItem' has invalid child element '%s'." % tag)
        return f

    def op_CreateItem(self, el):
        st = self.state
        items = el.find(M("Items"))
        if items is None or len(items) == 0:
            raise schema_error("The element 'Items' has incomplete content.")
        smi = el.get("SendMeetingInvitations")
        if smi is not None and smi not in ("SendToNone", "SendOnlyToAll", "SendToAllAndSaveCopy"):
            raise schema_error("The 'SendMeetingInvitations' attribute is invalid.")
        disp = el.get("MessageDisposition")
        name = "CreateItemResponseMessage"
        msgs = []
        for it in items:
            tag = it.tag.split("}")[-1]
            try:
                if tag == "CalendarItem":
                    if smi is None:
                        raise EwsError("ErrorSendMeetingInvitationsRequired")
                    sf = el.find(M("SavedItemFolderId"))
                    mb = self.folder_owner(self.one_folder(sf, "CreateItem")) if sf is not None \
                        else st.mailboxes[self.who]
                    f = self.parse_item_fields(it)
                    if "start" not in f or "end" not in f:
                        raise EwsError("ErrorInvalidRequest", "A calendar item needs Start and End (the fake).")
                    if f["end"] < f["start"]:
                        raise EwsError("ErrorCalendarEndDateIsEarlierThanStartDate")
                    if f["end"] - f["start"] > 5 * 366 * 86400:
                        raise EwsError("ErrorCalendarDurationIsTooLong")
                    attendees = f.get("required", []) + f.get("optional", []) + f.get("resources", [])
                    f["is_meeting"] = bool(attendees)
                    if f.get("recurrence"):
                        # EWS moves the first occurrence to the pattern; the fake makes them agree
                        f["recurrence"]["start_date"] = local_date(f["start"], f.get("tz")).isoformat()
                    item = st.add_item(mb, f)
                    if attendees and smi != "SendToNone":
                        st.responses.append({"kind": "invitation", "from": mb["email"], "uid": item["uid"],
                                             "to": [a["email"] for a in attendees], "disposition": smi})
                    msgs.append(ok_msg(name, x("m:Items", x("t:CalendarItem", x(
                        "t:ItemId", "", Id=item["id"], ChangeKey=st.change_key(item))))))
                elif tag in ("DeclineItem", "AcceptItem", "TentativelyAcceptItem"):
                    if disp not in ("SaveOnly", "SendOnly", "SendAndSaveCopy"):
                        raise EwsError("ErrorInvalidRequest", "MessageDisposition is required for response "
                                       "objects.")
                    self.respond(tag, it, disp)
                    msgs.append(ok_msg(name, x("m:Items")))
                else:
                    raise EwsError("ErrorInvalidRequest", "The fake creates CalendarItem, DeclineItem, "
                                   "AcceptItem and TentativelyAcceptItem only (not %s)." % tag)
            except EwsError as e:
                msgs.append(err_msg(name, e, x("m:Items")))
        return response("CreateItem", msgs)

    def respond(self, tag, it, disp):
        """The room (the impersonated mailbox) answers a meeting it was invited to."""
        st = self.state
        ref = it.find(T("ReferenceItemId"))
        if ref is None:
            raise EwsError("ErrorMissingInformationReferenceItemId")
        item, orig = st.resolve(ref.get("Id"), self.who)
        if item["my_response"] == "Organizer":
            raise EwsError("ErrorCalendarIsOrganizerForDecline" if tag == "DeclineItem"
                           else "ErrorCalendarIsOrganizerForAccept" if tag == "AcceptItem"
                           else "ErrorCalendarIsOrganizerForTentative")
        resp = {"DeclineItem": "Decline", "AcceptItem": "Accept", "TentativelyAcceptItem": "Tentative"}[tag]
        comment = text_of(it, T("Body"), "")
        mb = st.mailboxes[self.who]
        st.responses.append({"kind": "response", "from": mb["email"], "uid": item["uid"], "response": resp,
                             "occurrence": iso(orig) if orig is not None else None, "comment": comment,
                             "disposition": disp, "organizer": item["organizer"]["email"]})
        org = st.items.get(item.get("meeting") or "")
        if resp == "Decline":
            if orig is not None:
                item["deleted"].append(orig)
                st.changed(item)
            else:
                st.remove_item(item)   # a declined meeting leaves the calendar (to Deleted Items)
            if org is not None and disp != "SaveOnly" and orig is None:
                for a in org["resources"] + org["required"] + org["optional"]:
                    if a["email"].lower() == self.who:
                        a["response"] = "Decline"
                org["copies"].pop(self.who, None)
                st.changed(org)
        else:
            item["my_response"] = resp
            st.changed(item)

    def op_UpdateItem(self, el):
        st = self.state
        cr = el.get("ConflictResolution")
        if cr not in ("NeverOverwrite", "AutoResolve", "AlwaysOverwrite"):
            raise schema_error("The required attribute 'ConflictResolution' is missing or invalid.")
        smic = el.get("SendMeetingInvitationsOrCancellations")
        changes = el.find(M("ItemChanges"))
        if changes is None or len(changes) == 0:
            raise schema_error("The element 'ItemChanges' has incomplete content.")
        name = "UpdateItemResponseMessage"
        msgs = []
        for ch in changes:
            try:
                idel = ch[0] if len(ch) else None
                if idel is None or idel.tag not in (T("ItemId"), T("OccurrenceItemId")):
                    raise schema_error("ItemChange needs an ItemId.")
                if smic is None:
                    raise EwsError("ErrorSendMeetingInvitationsOrCancellationsRequired")
                v = self.view_of(idel)
                item = v["item"]
                conflicts = 0
                ck = idel.get("ChangeKey")
                if ck and ck != v["ck"]:
                    if cr == "NeverOverwrite":
                        raise EwsError("ErrorIrresolvableConflict")
                    conflicts = 1 if cr == "AutoResolve" else 0
                upd = ch.find(T("Updates"))
                f, removed = {}, []
                for u in (upd if upd is not None else []):
                    utag = u.tag.split("}")[-1]
                    uri = u[0] if len(u) else None
                    if uri is None:
                        raise schema_error("%s needs a property path." % utag)
                    if utag in ("SetItemField", "AppendToItemField"):
                        ci = u.find(T("CalendarItem"))
                        if ci is None:
                            raise schema_error("SetItemField needs a CalendarItem.")
                        f.update(self.parse_item_fields(ci))
                    elif utag == "DeleteItemField":
                        if uri.tag == T("ExtendedFieldURI"):
                            removed.append(("ext", ext_key(uri)))
                        else:
                            removed.append((uri.get("FieldURI"), None))
                    else:
                        raise schema_error("unexpected update %s" % utag)
                start = f.get("start", v["start"])
                end = f.get("end", v["end"])
                if end < start:
                    raise EwsError("ErrorCalendarEndDateIsEarlierThanStartDate")
                if v.get("orig") is not None:
                    exc = item["exceptions"].setdefault(v["orig"], {})
                    for k in ("start", "end", "subject", "location", "body", "free_busy"):
                        if k in f:
                            exc[k] = f[k]
                    st.changed(item)
                    new_id, new_ck = v["id"], st.view(item, v["orig"], v["index"])["ck"]
                else:
                    for k, val in f.items():
                        if k == "ext":
                            item["ext"].update(val)
                        else:
                            item[k] = val
                    for (k, key) in removed:
                        if k == "ext":
                            item["ext"].pop(key, None)
                        elif k == "calendar:Location":
                            item["location"] = ""
                        elif k == "item:Body":
                            item["body"] = ""
                        elif k == "calendar:Recurrence":
                            item["recurrence"] = None
                            item["exceptions"], item["deleted"] = {}, []
                    if "start" in f or "end" in f or "recurrence" in f:
                        item["app_seq"] += 1
                    st.changed(item)
                    new_id, new_ck = item["id"], st.change_key(item)
                msgs.append(ok_msg(name, x("m:Items", x("t:CalendarItem", x("t:ItemId", "", Id=new_id,
                                                                             ChangeKey=new_ck))) +
                                   x("m:ConflictResults", xt("t:Count", conflicts))))
            except EwsError as e:
                msgs.append(err_msg(name, e, x("m:Items")))
        return response("UpdateItem", msgs)

    def op_DeleteItem(self, el):
        st = self.state
        dtype = el.get("DeleteType")
        if dtype not in ("HardDelete", "SoftDelete", "MoveToDeletedItems"):
            raise schema_error("The required attribute 'DeleteType' is missing or invalid.")
        smc = el.get("SendMeetingCancellations")
        ids = el.find(M("ItemIds"))
        if ids is None or len(ids) == 0:
            raise schema_error("The element 'ItemIds' has incomplete content.")
        name = "DeleteItemResponseMessage"
        msgs = []
        for idel in ids:
            try:
                v = self.view_of(idel)
                if smc is None:
                    raise EwsError("ErrorSendMeetingCancellationsRequired")
                item = v["item"]
                if v.get("orig") is not None:
                    item["deleted"].append(v["orig"])
                    item["exceptions"].pop(v["orig"], None)
                    st.changed(item)
                else:
                    st.remove_item(item)
                if item["is_meeting"] and item["my_response"] == "Organizer" and smc != "SendToNone":
                    st.responses.append({"kind": "cancellation", "from": st.mailboxes[self.who]["email"],
                                         "uid": item["uid"], "disposition": smc,
                                         "occurrence": iso(v["orig"]) if v.get("orig") is not None else None})
                msgs.append(ok_msg(name))
            except EwsError as e:
                msgs.append(err_msg(name, e))
        return response("DeleteItem", msgs)

    # ---- notifications ----
    def op_Subscribe(self, el):
        st = self.state
        name = "SubscribeResponseMessage"
        req = el[0] if len(el) else None
        kind = {M("PullSubscriptionRequest"): "pull", M("StreamingSubscriptionRequest"): "streaming"}.get(
            req.tag if req is not None else None)
        if kind is None:
            if req is not None and req.tag == M("PushSubscriptionRequest"):
                return response("Subscribe", [err_msg(name, EwsError(
                    "ErrorInvalidSubscriptionRequest", "The fake serves pull and streaming subscriptions only."))])
            raise schema_error("Subscribe needs PullSubscriptionRequest or StreamingSubscriptionRequest.")
        try:
            if req.get("SubscribeToAllFolders") == "true":
                raise EwsError("ErrorInvalidSubscriptionRequest", "The fake subscribes to the calendar only.")
            fids = req.find(T("FolderIds"))
            mb = self.folder_owner(self.one_folder(fids, "Subscribe"))
            types = [(t.text or "").strip() for t in req.find(T("EventTypes")) or []]
            if not types or any(t not in EVENT_TYPES for t in types):
                raise schema_error("The element 'EventTypes' is invalid.")
            timeout = None
            if kind == "pull":
                try:
                    timeout = int(text_of(req, T("Timeout"), ""))
                except ValueError:
                    raise schema_error("The element 'PullSubscriptionRequest' has incomplete content "
                                       "(Timeout).")
                if not 1 <= timeout <= 1440:
                    raise schema_error("The 'Timeout' element is invalid (1 to 1440).")
            live = [s for s in st.subs.values() if st.alive(s)]
            if len(live) >= MAX_SUBSCRIPTIONS:
                raise EwsError("ErrorExceededSubscriptionCount")
            for sid in [s["id"] for s in st.subs.values() if s.get("gone")]:
                st.subs.pop(sid, None)
            sid = base64.b64encode(b"\x10\x00" + uuid.uuid4().bytes + secrets.token_bytes(14)).decode()
            sub = {"id": sid, "kind": kind, "mailbox": mb["email"].lower(), "types": types, "timeout": timeout,
                   "n": 0, "events": collections.deque(maxlen=MAX_SUB_EVENTS), "dropped": 0, "acked": 0,
                   "last": st.now(), "connections": 0, "owner": self.user["username"].lower()}
            wm = text_of(req, T("Watermark"))
            st.subs[sid] = sub
            body = xt("m:SubscriptionId", sid)
            if kind == "pull":
                body += xt("m:Watermark", st.watermark(sub, 0))
            if wm:
                pass  # resuming from an older subscription's watermark: the fake starts afresh (README)
            return response("Subscribe", [ok_msg(name, body)])
        except EwsError as e:
            return response("Subscribe", [err_msg(name, e)])

    def find_sub(self, sid, kind):
        st = self.state
        sub = st.subs.get(sid or "")
        if sub is None or not st.alive(sub):
            raise EwsError("ErrorSubscriptionNotFound")
        if sub["owner"] != self.user["username"].lower():
            raise EwsError("ErrorSubscriptionAccessDenied")
        if sub["kind"] != kind:
            raise EwsError("ErrorInvalidSubscription", "The subscription is not a %s subscription." % kind)
        return sub

    def event_xml(self, ev, sub, watermark=True):
        """An event; streaming ones carry no Watermark (as the operation page's example)."""
        wm = xt("t:Watermark", self.state.watermark(sub, ev["n"])) if watermark else ""
        return x("t:" + ev["type"], wm + xt("t:TimeStamp", ev["time"]) + x("t:ItemId", "", Id=ev["id"], ChangeKey=ev["ck"]) +
                 x("t:ParentFolderId", "", Id=ev["folder"], ChangeKey="AQAAAA=="))

    def op_GetEvents(self, el):
        st = self.state
        name = "GetEventsResponseMessage"
        try:
            sub = self.find_sub(text_of(el, M("SubscriptionId")), "pull")
            raw = unb64(text_of(el, M("Watermark"), ""))
            parts = raw.split("|") if raw else []
            if len(parts) != 3 or parts[0] != "wm" or parts[1] != sub["id"]:
                raise EwsError("ErrorInvalidWatermark")
            n = int(parts[2])
            if n < sub["dropped"] or n > sub["n"]:
                raise EwsError("ErrorInvalidWatermark")
            sub["last"] = st.now()
            while sub["events"] and sub["events"][0]["n"] <= n:
                sub["events"].popleft()
            evs = list(sub["events"])[:EVENTS_PER_GET]
            more = len(sub["events"]) > len(evs)
            if evs:
                body = "".join(self.event_xml(e, sub) for e in evs)
            else:
                body = x("t:StatusEvent", xt("t:Watermark", st.watermark(sub, n)))
            note = x("m:Notification", xt("t:SubscriptionId", sub["id"]) +
                     xt("t:PreviousWatermark", st.watermark(sub, n)) + xt("t:MoreEvents", more) + body)
            return response("GetEvents", [ok_msg(name, note)])
        except EwsError as e:
            return response("GetEvents", [err_msg(name, e)])

    def op_Unsubscribe(self, el):
        st = self.state
        name = "UnsubscribeResponseMessage"
        try:
            sid = text_of(el, M("SubscriptionId"))
            sub = st.subs.get(sid or "")
            if sub is None or not st.alive(sub):
                raise EwsError("ErrorSubscriptionNotFound")
            if sub["owner"] != self.user["username"].lower():
                raise EwsError("ErrorSubscriptionAccessDenied")
            sub["gone"] = True
            st.subs.pop(sid, None)
            st.cond.notify_all()
            return response("Unsubscribe", [ok_msg(name)])
        except EwsError as e:
            return response("Unsubscribe", [err_msg(name, e)])

    def op_GetStreamingEvents(self, el):
        """Answer with HTTP chunks, each a whole SOAP envelope: notifications as
        they happen, a ConnectionStatus OK heartbeat when idle, Closed at the end
        of ConnectionTimeout (minutes; config minute scales a minute)."""
        st = self.state
        name = "GetStreamingEventsResponseMessage"
        try:
            ct = int(text_of(el, M("ConnectionTimeout"), ""))
        except ValueError:
            raise schema_error("The element 'GetStreamingEvents' has incomplete content (ConnectionTimeout).")
        if not 1 <= ct <= 30:
            raise schema_error("The 'ConnectionTimeout' element is invalid (1 to 30).")
        # SubscriptionIds/t:SubscriptionId as in the schema, or m:SubscriptionId as in the operation's example
        sids = [s.text.strip() for s in list(el.find(M("SubscriptionIds")) or []) + el.findall(M("SubscriptionId"))
                if s.text]
        if not sids:
            raise schema_error("The element 'SubscriptionIds' has incomplete content.")
        with st.lock:
            subs, bad, e = [], [], None
            for sid in sids:
                try:
                    subs.append(self.find_sub(sid, "streaming"))
                except EwsError as err:
                    bad.append(sid)
                    e = e or err
            if bad:
                out = response("GetStreamingEvents", [err_msg(name, e, x("m:ErrorSubscriptionIds", "".join(
                    xt("m:SubscriptionId", s) for s in bad)) + xt("m:ConnectionStatus", "Closed"))])
                st.record(operation="GetStreamingEvents", user=self.user["username"], status=200,
                          codes=[e.code])
                return self.send(200, envelope(st, out), XML_CT)
            for s in subs:
                s["connections"] += 1
                # a new connection takes over: the events queued meanwhile are sent now
        st.record(operation="GetStreamingEvents", user=self.user["username"], status=200, codes=["NoError"],
                  subscriptions=sids)
        self.send_response(200)
        self.send_header("Content-Type", XML_CT)
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in self.extra_headers().items():
            self.send_header(k, v)
        self.end_headers()
        self.close_connection = True
        end = time.time() + ct * float(st.config["minute"])
        hb = float(st.config["heartbeat"])
        next_hb = time.time() + hb

        def chunk(body):
            data = envelope(st, response("GetStreamingEvents", [body])).encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        try:
            chunk(ok_msg(name, xt("m:ConnectionStatus", "OK")))
            while True:
                with st.lock:
                    pending = []
                    for s in subs:
                        evs = list(s["events"])
                        s["events"].clear()
                        if evs:
                            pending.append((s, evs))
                    gone = [s for s in subs if s.get("gone")]
                    if not pending and not gone and time.time() < min(end, next_hb) and not st.outage["on"]:
                        st.cond.wait(min(end, next_hb) - time.time())
                        continue
                if st.outage["on"]:
                    return  # the connection drops without Closed
                if pending:
                    notes = "".join(x("m:Notification", xt("t:SubscriptionId", s["id"]) +
                                      "".join(self.event_xml(e, s, False) for e in evs)) for s, evs in pending)
                    chunk(ok_msg(name, x("m:Notifications", notes)))
                    next_hb = time.time() + hb
                if gone:
                    e = EwsError("ErrorSubscriptionNotFound")
                    chunk(err_msg(name, e, x("m:ErrorSubscriptionIds", "".join(
                        xt("m:SubscriptionId", s["id"]) for s in gone)) + xt("m:ConnectionStatus", "Closed")))
                    break
                if time.time() >= end:
                    chunk(ok_msg(name, xt("m:ConnectionStatus", "Closed")))
                    break
                if time.time() >= next_hb:
                    chunk(ok_msg(name, xt("m:ConnectionStatus", "OK")))
                    next_hb = time.time() + hb
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            with st.lock:
                for s in subs:
                    s["connections"] -= 1
                    s["last"] = st.now()

    # ---------------------------------------------------------------- control API
    def json_body(self):
        raw = self.read_body()
        return json.loads(raw) if raw else {}

    def control(self, method, path):
        st = self.state
        parts = [urllib.parse.unquote(p) for p in path[len("/_fake/"):].strip("/").split("/")]
        head = parts[0]
        body = self.json_body() if method in ("POST", "PATCH", "PUT") else {}
        with st.lock:
            if head == "health":
                return self.send(200, {"ok": True})
            if head == "reset" and method == "POST":
                st.reset()
                return self.send(200, {"ok": True})
            if head == "config":
                if method == "POST":
                    st.config.update(body)
                    st.cond.notify_all()
                return self.send(200, st.config)
            if head == "accounts":
                if method == "POST":
                    return self.send(200, st.add_account(body))
                if method == "PATCH" and len(parts) == 2:
                    acct = st.accounts[parts[1].lower()]
                    acct.update({k: v for k, v in body.items() if k in ("password", "impersonation")})
                    return self.send(200, acct)
                return self.send(200, list(st.accounts.values()))
            if head == "roomlists":
                if method == "POST":
                    return self.send(200, st.add_roomlist(body))
                return self.send(200, list(st.roomlists.values()))
            if head == "rooms":
                if method == "POST":
                    return self.send(200, st.add_room(body))
                return self.send(200, [st.mailbox_view(m) for m in st.mailboxes.values() if m["kind"] == "room"])
            if head == "people" and method == "POST":
                mb = st.mailbox(body.get("email") or "person%d@%s" % (len(st.mailboxes) + 1, self.opts_domain()),
                                name=body.get("name"), kind="user")
                return self.send(200, st.mailbox_view(mb))
            if head == "mailboxes" and len(parts) >= 2:
                mb = st.mailboxes.get(parts[1].lower())
                if mb is None:
                    return self.send(404, {"error": "no such mailbox"})
                if len(parts) == 2 and method == "PATCH":
                    for k in ("auto_accept", "allow_conflicts", "capacity", "building", "floor",
                              "name") + CALENDAR_PROCESSING:
                        if k in body:
                            mb[k] = body[k]
                    return self.send(200, st.mailbox_view(mb))
                if len(parts) == 3 and parts[2] == "items" and method == "POST":
                    return self.send(200, self.write_item(mb, body))
                if len(parts) == 4 and parts[2] == "items" and parts[3] == "bulk" and method == "POST":
                    return self.send(200, self.bulk_items(mb, body))
                if len(parts) == 3 and parts[2] == "items":
                    return self.send(200, self.items_json(mb))
                if len(parts) == 4 and parts[2] == "items" and method == "DELETE":
                    item = st.items.get(parts[3])
                    if item is None or item["mailbox"] != mb["email"].lower():
                        return self.send(404, {"error": "no such item"})
                    st.remove_item(item)
                    return self.send(200, {"ok": True})
            if head == "meetings":
                if method == "POST" and len(parts) == 1:
                    return self.send(200, self.book(body))
                org = st.items.get(parts[1]) if len(parts) > 1 else None
                if org is None or org.get("copies") is None:
                    return self.send(404, {"error": "no such meeting"})
                if method == "PATCH":
                    return self.send(200, self.update_meeting(org, body))
                if method == "DELETE":
                    return self.send(200, self.cancel_meeting(org, body))
                return self.send(200, self.meeting_json(org))
            if head == "throttle" and method == "POST":
                st.throttle.update(on=bool(body.get("on", True)), count=int(body.get("count", -1)),
                                   backoff_ms=int(body.get("backoff_ms", 2000)))
                return self.send(200, st.throttle)
            if head == "outage" and method == "POST":
                st.outage.update(on=bool(body.get("on", True)), mode=body.get("mode", "hang"))
                st.cond.notify_all()
                return self.send(200, st.outage)
            if head == "syncstates" and len(parts) == 2 and parts[1] == "invalidate" and method == "POST":
                for mb in st.mailboxes.values():
                    if not body.get("mailbox") or mb["email"].lower() == body["mailbox"].lower():
                        mb["epoch"] += 1
                return self.send(200, {"ok": True})
            if head == "subscriptions":
                if len(parts) == 3 and parts[2] == "expire" and method == "POST":
                    sub = st.subs.get(parts[1])
                    if sub is None:
                        return self.send(404, {"error": "no such subscription"})
                    sub["gone"] = True
                    st.cond.notify_all()
                    return self.send(200, {"ok": True})
                return self.send(200, [{"id": s["id"], "kind": s["kind"], "mailbox": s["mailbox"],
                                        "types": s["types"], "timeout": s["timeout"], "alive": st.alive(s),
                                        "queued": len(s["events"]), "connections": s["connections"]}
                                       for s in st.subs.values()])
            if head == "clock" and method == "POST":
                st.offset += float(body.get("advance", 0))
                return self.send(200, {"now": iso(st.now())})
            if head == "requests":
                op = self.query.get("operation")
                return self.send(200, [r for r in st.log if not op or r.get("operation") == op])
            if head == "responses":
                return self.send(200, list(st.responses))
            if head == "stats":
                return self.send(200, {"items": len(st.items), "mailboxes": len(st.mailboxes),
                                       "subscriptions": len(st.subs), "requests": len(st.log)})
        return self.send(404, {"error": "no such control route: %s %s" % (method, path)})

    def opts_domain(self):
        return self.state.opts.domain

    def items_json(self, mb):
        st = self.state
        lo, hi = self.query.get("start"), self.query.get("end")
        out = []
        for it in st.calendar(mb):
            if lo and hi:
                views = list(st.instances(it, parse_dt(lo), parse_dt(hi)))
            else:
                views = [st.view(it)]
            for v in views:
                out.append({"id": v["id"], "change_key": v["ck"], "type": v["type"], "subject": v["subject"],
                            "start": iso(v["start"]), "end": iso(v["end"]), "location": v["location"],
                            "organizer": v["organizer"]["email"], "my_response": v["my_response"],
                            "uid": v["uid"], "free_busy": v["free_busy"], "ext": dict(it["ext"]),
                            "is_cancelled": v["is_cancelled"], "body": v.get("body") or "",
                            "recurrence": it["recurrence"], "time_zone": it.get("tz"),
                            "deleted": [iso(o) for o in it["deleted"]],
                            "exceptions": sorted(iso(o) for o in it["exceptions"]),
                            "original_start": iso(v["orig"]) if v.get("orig") is not None else None,
                            "resources": [dict(a) for a in v["resources"]]})
        out.sort(key=lambda o: (o["start"], o["id"]))
        return out

    def write_item(self, mb, body):
        """Someone with access writes an appointment straight into the calendar
        (no invitation: the room's rule does not apply). ext: {"setid|name|type": value}."""
        st = self.state
        tz = zone_of(body.get("time_zone"))
        start, end = parse_local(body["start"], tz), parse_local(body["end"], tz)
        if end < start:
            raise ValueError("end before start")
        f = {"subject": body.get("subject", ""), "location": body.get("location", ""), "start": start, "end": end,
             "body": body.get("body", ""), "free_busy": body.get("free_busy", "Busy"),
             "recurrence": recurrence_from_json(body.get("recurrence"), start, tz), "tz": tz}
        if body.get("ext"):
            f["ext"] = dict(body["ext"])
        item = st.add_item(mb, f)
        return {"id": item["id"], "change_key": st.change_key(item), "uid": item["uid"]}

    def bulk_items(self, mb, body):
        """Many single appointments at once, without notifications (paging, first syncs, benches)."""
        st = self.state
        n = int(body.get("count", 100))
        if not 0 < n <= 100000:
            raise ValueError("count: 1 to 100000")
        t0 = parse_dt(body.get("start", "2030-01-01T08:00:00Z"))
        step = int(body.get("interval_minutes", 60)) * 60
        dur = int(body.get("duration_minutes", 30)) * 60
        prefix = body.get("subject_prefix", "Item")
        ids = [st.add_item(mb, {"subject": "%s %d" % (prefix, i), "start": t0 + i * step,
                                "end": t0 + i * step + dur}, notify=False)["id"] for i in range(n)]
        return {"ids": ids}

    # ---- meetings booked in Outlook ----
    def spans(self, item):
        """(start, end) of every instance in the year from its start (conflict checks)."""
        st = self.state
        if not item["recurrence"]:
            return [(item["start"], item["end"])]
        return [(v["start"], v["end"]) for v in st.instances(item, item["start"], item["start"] + 366 * 86400)]

    def book(self, body):
        st = self.state
        org_email = body["organizer"]
        omb = st.mailbox(org_email, name=body.get("organizer_name"), kind=st.mailboxes.get(
            org_email.lower(), {}).get("kind", "user"))
        rooms = body.get("rooms") or []
        tz = zone_of(body.get("time_zone"))
        start, end = parse_local(body["start"], tz), parse_local(body["end"], tz)
        if end <= start:
            raise ValueError("end must be after start")
        fields = {"subject": body.get("subject", ""), "body": body.get("body", ""),
                  "location": body.get("location") or "; ".join(
                      st.mailboxes[r.lower()]["name"] for r in rooms if r.lower() in st.mailboxes),
                  "start": start, "end": end, "is_meeting": True,
                  "recurrence": recurrence_from_json(body.get("recurrence"), start, tz), "tz": tz,
                  "required": [{"email": a, "name": a.split("@")[0], "response": "Unknown"}
                               for a in body.get("attendees", [])],
                  "resources": [{"email": r, "name": st.mailboxes[r.lower()]["name"]
                                 if r.lower() in st.mailboxes else r, "response": "Unknown"} for r in rooms],
                  "organizer": {"email": omb["email"], "name": omb["name"]}}
        org = st.add_item(omb, fields)
        org["copies"] = {}
        for r in rooms:
            self.room_answer(org, r)
        return self.meeting_json(org)

    def room_answer(self, org, room_email):
        """The room's calendar processing (AutomateProcessing AutoAccept, AllowConflicts
        false): accept when no instance clashes with its busy time, else decline."""
        st = self.state
        mb = st.mailboxes.get(room_email.lower())
        att = next(a for a in org["resources"] if a["email"].lower() == room_email.lower())
        if mb is None:
            att["response"] = "Unknown"
            return
        copy_id = org["copies"].get(mb["email"].lower())
        copy = st.items.get(copy_id) if copy_id else None
        if not mb["auto_accept"]:
            att["response"] = "NoResponseReceived"
            return
        clash = not mb["allow_conflicts"] and st.busy_overlaps(mb, self.spans(org), skip_uid=org["uid"])
        if clash:
            att["response"] = "Decline"
            org["copies"].pop(mb["email"].lower(), None)
            if copy is not None:
                st.remove_item(copy)
            st.responses.append({"kind": "auto", "from": mb["email"], "uid": org["uid"], "response": "Decline"})
            return
        att["response"] = "Accept"
        fields = {k: (dict(org[k]) if isinstance(org[k], dict) else list(org[k]) if isinstance(org[k], list)
                      else org[k])
                  for k in ("subject", "body", "location", "start", "end", "is_meeting", "recurrence", "tz",
                            "organizer", "required", "optional", "resources", "uid", "free_busy")}
        fields["exceptions"] = {k: dict(v) for k, v in org["exceptions"].items()}
        # what the resource booking attendant keeps of the request (AddOrganizerToSubject,
        # DeleteSubject, DeleteComments): by default the organizer's name as subject, no body
        for target in [fields] + list(fields["exceptions"].values()):
            if "subject" in target:
                if mb["add_organizer_to_subject"]:
                    target["subject"] = org["organizer"].get("name") or org["organizer"]["email"]
                elif mb["delete_subject"]:
                    target["subject"] = ""
            if "body" in target and mb["delete_comments"]:
                target["body"] = ""
        fields["deleted"] = list(org["deleted"])
        fields["my_response"] = "Accept"
        fields["meeting"] = org["id"]
        fields["app_seq"] = org["app_seq"]
        if copy is None:
            copy = st.add_item(mb, fields)
            org["copies"][mb["email"].lower()] = copy["id"]
        else:
            copy.update(fields)
            st.changed(copy)
        st.responses.append({"kind": "auto", "from": mb["email"], "uid": org["uid"], "response": "Accept"})

    def update_meeting(self, org, body):
        """The organizer changes the meeting (or, with `occurrence`, one
        occurrence; `cancel: true` with it cancels that occurrence)."""
        st = self.state
        occ = body.get("occurrence")
        if occ:
            o = parse_local(occ, org.get("tz"))
            if o not in st.occurrences(org):
                raise ValueError("no such occurrence")
            if body.get("cancel"):
                org["deleted"].append(o)
                org["exceptions"].pop(o, None)
            else:
                exc = org["exceptions"].setdefault(o, {})
                for k in ("subject", "location", "body"):
                    if k in body:
                        exc[k] = body[k]
                for k in ("start", "end"):
                    if k in body:
                        exc[k] = parse_local(body[k], org.get("tz"))
        else:
            for k in ("subject", "location", "body"):
                if k in body:
                    org[k] = body[k]
            for k in ("start", "end"):
                if k in body:
                    org[k] = parse_local(body[k], org.get("tz"))
            if "recurrence" in body:
                org["recurrence"] = recurrence_from_json(body["recurrence"], org["start"], org.get("tz"))
        org["app_seq"] += 1
        st.changed(org)
        for a in org["resources"]:
            self.room_answer(org, a["email"])
        return self.meeting_json(org)

    def cancel_meeting(self, org, body):
        """The organizer cancels: each room's copy stays on its calendar marked
        cancelled ("Canceled: …", IsCancelled, free) as on-premises Exchange
        leaves it, or leaves the calendar when the room has remove_canceled
        (Exchange Online's RemoveCanceledMeetings)."""
        st = self.state
        for room, cid in list(org["copies"].items()):
            copy = st.items.get(cid)
            if copy is None:
                continue
            if st.mailboxes[room]["remove_canceled"]:
                st.remove_item(copy)
            else:
                copy.update(is_cancelled=True, free_busy="Free", subject="Canceled: " + copy["subject"])
                st.changed(copy)
        org["copies"] = {}
        st.remove_item(org)
        return {"ok": True}

    def meeting_json(self, org):
        return {"meeting_id": org["id"], "uid": org["uid"], "organizer": org["organizer"]["email"],
                "rooms": {a["email"]: {"response": a["response"],
                                       "item_id": org["copies"].get(a["email"].lower())}
                          for a in org["resources"]}}


def main(argv=None):
    ap = fakehttp.arg_parser(__doc__)
    ap.add_argument("--domain", default="contoso.com")
    ap.add_argument("--username", default="svc-convene@contoso.com",
                    help="a service account made at start (with the impersonation right)")
    ap.add_argument("--password", default="Passw0rd!")
    ap.add_argument("--server", default="2016", choices=sorted(SERVER_VERSIONS),
                    help="the Exchange version the ServerVersionInfo header names")
    return fakehttp.serve(ap, argv, Handler, State)


if __name__ == "__main__":
    sys.exit(main())
