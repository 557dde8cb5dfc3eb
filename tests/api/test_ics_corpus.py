"""Real calendars from other projects' public test data (tests/data/ics-corpus,
sources and licences in its README.md) go through the server and come back
property by property: each file is imported through the API and exported, and
each of its calendar objects is PUT with CalDAV and read back with GET; both
answers are compared with the original by python3-icalendar. Time-range
answers (a CalDAV calendar-query with <C:expand>, and the JSON event list) are
compared with an expansion done here, independently of libical, with
python3-dateutil's rrule.

What the comparison treats as equal, and why (RFC 5545 says these are the same
calendar data; nothing else is forgiven):
  1. folding, line ends and the order of parameters and of properties of
     different names: content lines are unfolded and parsed (3.1, 3.2);
  2. the case of property and parameter names (3.1: case-insensitive);
  3. a parameter VALUE that names the property's default type (VALUE=DATE-TIME
     on DTSTART) or the type the value has anyway (VALUE=DATE on 20130903)
     may be dropped or added (3.2.20), and a TZID on a DATE (which it does not
     apply to, 3.2.19) may be dropped;
  4. a DATE-TIME with a TZID is compared as the instant it names, and the TZID
     then as a zone of the system's tzdata with the same offset at that instant
     ("US/Eastern" is "America/New_York", a VTIMEZONE sent along is read as the
     tzdata zone of that name): the server keeps zones by their IANA name;
  5. the scheme of a CAL-ADDRESS is case-insensitive ("MAILTO:" is "mailto:",
     RFC 3986 3.1); a DURATION or GEO is compared as the number it is
     ("PT1H0M0S" is "PT1H"); an RRULE as its parts, in any order, with
     BYDAY's "+4SA" as "4SA", WKST=MO and INTERVAL=1 as none (the defaults,
     3.3.10);
  5b. a multi-valued property may be split or joined ("CATEGORIES:a,b" is
     "CATEGORIES:a" and "CATEGORIES:b"; so RDATE, EXDATE, RESOURCES: 3.8.1.2,
     3.8.5.1, 3.8.5.2): their values are compared in order, per parameters;
  6. VCALENDAR's own properties (PRODID, METHOD, X-WR-CALNAME) and VTIMEZONE
     components are not the event: a calendar object resource has no METHOD
     (RFC 4791 4.1) and its zones are served from tzdata;
  7. a bare VEVENT file (no VCALENDAR around it, as khal's tests keep them) is
     put inside one for PUT: a calendar object resource is a VCALENDAR;
  8. DTSTAMP may be added by the server where the file had none (5545 3.6.1
     requires it in a VEVENT; the server is the one to set it).

Files whose TZIDs name no zone of the system's tzdata (their own VTIMEZONE
only) are compared property by property, but their time ranges are left to the
time-zone tests: the independent expansion here knows only tzdata zones."""
import collections
import datetime
import glob
import os
import re
import zoneinfo

import icalendar
import pytest
from dateutil import rrule

from calutil import new_calendar
from conftest import uniq
from davutil import C, dav, ical_put, multistatus

HERE = os.path.dirname(__file__)
CORPUS = os.path.join(HERE, "..", "data", "ics-corpus")
FILES = sorted(glob.glob(os.path.join(CORPUS, "*", "*.ics")))
CAL_TZ = "Europe/Paris"  # the calendars' zone: floating times are read in it
UTC = datetime.timezone.utc

COUNTS = collections.Counter()

DEFAULT_VALUE = {"DTSTART": "DATE-TIME", "DTEND": "DATE-TIME", "DTSTAMP": "DATE-TIME", "RECURRENCE-ID": "DATE-TIME",
                 "EXDATE": "DATE-TIME", "RDATE": "DATE-TIME", "CREATED": "DATE-TIME", "LAST-MODIFIED": "DATE-TIME",
                 "URL": "URI", "ATTACH": "URI", "TRIGGER": "DURATION", "DURATION": "DURATION", "LINK": "URI"}


def zone(name):
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def as_calendar(text):
    """normalisation 7: a bare VEVENT inside a VCALENDAR"""
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//convene tests//corpus//EN\n" + text + "END:VCALENDAR\n"
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def vevents(cal):
    return [c for c in cal.walk("VEVENT")]


def key_of(ev):
    rid = ev.get("RECURRENCE-ID")
    return (str(ev.get("UID")), norm_dt(rid.dt, rid.params.get("TZID")) if rid is not None else None)


def norm_dt(v, tzid=None):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None and tzid and zone(tzid):
            v = v.replace(tzinfo=zone(tzid))
        if v.tzinfo is None:
            return ("floating", v.isoformat())
        return ("instant", v.astimezone(UTC).isoformat())
    if isinstance(v, datetime.date):
        return ("date", v.isoformat())
    if isinstance(v, datetime.timedelta):
        return ("duration", v.total_seconds())
    if isinstance(v, tuple):
        return ("period",) + tuple(norm_dt(x, tzid) for x in v)
    return ("other", str(v))


def norm_value(name, v):
    """normalisations 4 and 5 on one parsed value"""
    tzid = getattr(v, "params", {}).get("TZID") if hasattr(v, "params") else None
    if isinstance(v, Joined):
        return ("joined",) + tuple(x for p in v.parts for x in flat(name, norm_value(name, p)))
    if isinstance(v, icalendar.prop.vDDDLists):
        return tuple(norm_dt(x.dt, tzid) for x in v.dts)
    if isinstance(v, icalendar.prop.vDDDTypes) or hasattr(v, "dt"):
        return norm_dt(v.dt, tzid)
    if isinstance(v, icalendar.prop.vRecur):
        out = {}
        for k, vals in v.items():
            vals = vals if isinstance(vals, list) else [vals]
            out[k.upper()] = tuple(norm_dt(x) if isinstance(x, (datetime.date, datetime.datetime))
                                   else str(x).upper().lstrip("+") for x in vals)
        for part, default in (("WKST", ("MO",)), ("INTERVAL", ("1",))):
            if out.get(part) == default:
                del out[part]
        return ("recur", tuple(sorted(out.items())))
    if isinstance(v, icalendar.prop.vGeo):
        return ("geo", float(v.latitude), float(v.longitude))
    if name in ("CATEGORIES", "RESOURCES"):  # a list of TEXT (icalendar 4 reads it as one text)
        return ("list", tuple(str(x) for x in v.cats) if hasattr(v, "cats") else tuple(str(v).split(",")))
    s = v.to_ical().decode() if hasattr(v, "to_ical") else str(v)
    if name in ("ATTENDEE", "ORGANIZER") or s[:7].lower() == "mailto:":
        s = re.sub(r"^mailto:", "mailto:", s, flags=re.I)
    return ("text", s)


def value_type(v):
    if isinstance(v, Joined):
        v = v.parts[0]
    d = getattr(v, "dt", None)
    if isinstance(v, icalendar.prop.vDDDLists) and v.dts:
        d = v.dts[0].dt
    if isinstance(d, tuple):
        return "PERIOD"
    if isinstance(d, datetime.datetime):
        return "DATE-TIME"
    if isinstance(d, datetime.date):
        return "DATE"
    if isinstance(d, datetime.timedelta):
        return "DURATION"
    return None


def flat(name, nv):
    if nv and nv[0] == "list":
        return nv[1]
    if nv and isinstance(nv[0], tuple):
        return nv
    return (nv,)


def norm_params(name, v):
    """normalisations 2, 3, 4: parameters by upper-case name, TZID in the value"""
    params = getattr(v, "params", {}) or {}
    out = {}
    for k, pv in params.items():
        k = k.upper()
        if k == "TZID":
            continue
        if k == "VALUE" and str(pv).upper() in (DEFAULT_VALUE.get(name, "TEXT"), value_type(v)):
            continue
        out[k] = str(pv) if not isinstance(pv, list) else ",".join(str(x) for x in pv)
    return tuple(sorted(out.items()))


def tzid_ok(name, a, b):
    """normalisation 4: the TZIDs name zones with the same offset at that instant"""
    ta = getattr(a, "params", {}).get("TZID") if hasattr(a, "params") else None
    tb = getattr(b, "params", {}).get("TZID") if hasattr(b, "params") else None
    if ta == tb or not hasattr(a, "dt") or not isinstance(a.dt, datetime.datetime):
        return True
    if a.dt.tzinfo is not None and b.dt.tzinfo is not None:  # the zones as read (tzdata or the VTIMEZONE sent)
        return a.dt.utcoffset() == b.dt.utcoffset()
    za, zb = zone(ta), zone(tb)
    if not za or not zb:
        return False
    t = a.dt.replace(tzinfo=None)
    return t.replace(tzinfo=za).utcoffset() == t.replace(tzinfo=zb).utcoffset()


MULTI = ("CATEGORIES", "RESOURCES", "RDATE", "EXDATE")


class Joined:
    """normalisation 5b: the values of one multi-valued property name with
    the same parameters, as one list"""

    def __init__(self, first):
        self.params = first.params
        self.parts = [first]


def props(comp):
    """{name: [parsed values in order]} of a component's own properties"""
    out = collections.OrderedDict()
    for name, v in comp.items():
        vals = v if isinstance(v, list) else [v]
        if name.upper() in MULTI:
            joined = []
            for x in vals:
                if joined and norm_params(name.upper(), joined[-1]) == norm_params(name.upper(), x) and \
                        joined[-1].params.get("TZID") == x.params.get("TZID"):
                    joined[-1].parts.append(x)
                else:
                    joined.append(Joined(x))
            vals = joined
        out[name.upper()] = vals
    return out


def compare(orig, got, where, allow_added=("DTSTAMP",)):
    """every property of orig is in got with the same values and parameters,
    and got has nothing more (but what normalisation 8 allows); recursively
    for VALARMs. Returns the number of property values compared."""
    n = 0
    po, pg = props(orig), props(got)
    for name, vals in po.items():
        assert name in pg, "%s: %s was lost\nsent:\n%s\ngot:\n%s" % (where, name, orig.to_ical().decode(),
                                                                     got.to_ical().decode())
        gv = pg[name]
        assert len(vals) == len(gv), "%s: %s: %d values sent, %d back" % (where, name, len(vals), len(gv))
        for a, b in zip(vals, gv):
            assert norm_value(name, a) == norm_value(name, b), "%s: %s: %r became %r" % (
                where, name, a.to_ical() if hasattr(a, "to_ical") else a, b.to_ical() if hasattr(b, "to_ical") else b)
            assert norm_params(name, a) == norm_params(name, b), "%s: %s: parameters %r became %r" % (
                where, name, norm_params(name, a), norm_params(name, b))
            assert tzid_ok(name, a, b), "%s: %s: TZID %r became %r" % (where, name, a.params.get("TZID"),
                                                                       b.params.get("TZID"))
            n += 1
    extra = set(pg) - set(po) - set(allow_added)
    assert not extra, "%s: the server added %s" % (where, sorted(extra))
    subs_o = [s for s in orig.subcomponents if s.name != "VTIMEZONE"]
    subs_g = [s for s in got.subcomponents if s.name != "VTIMEZONE"]
    assert [s.name for s in subs_o] == [s.name for s in subs_g], where
    for i, (a, b) in enumerate(zip(subs_o, subs_g)):
        n += compare(a, b, "%s/%s[%d]" % (where, a.name, i), allow_added=())
    return n


def parse_all(text):
    """every VEVENT of text, which may hold several VCALENDARs"""
    return [e for c in icalendar.Calendar.from_ical(text, multiple=True) for e in vevents(c)]


def compare_calendars(sent_text, got_text, where):
    a = {key_of(e): e for e in parse_all(as_calendar(sent_text))}
    b = {key_of(e): e for e in parse_all(got_text)}
    assert sorted(a, key=repr) == sorted(b, key=repr), "%s: components %s became %s" % (where, sorted(a, key=repr),
                                                                                          sorted(b, key=repr))
    n = 0
    for k in a:
        n += compare(a[k], b[k], "%s %s" % (where, k))
    return n


# ---- the independent expansion ----

def wall_zone(ev, prop="DTSTART"):
    p = ev.get(prop)
    tzid = p.params.get("TZID") if p is not None else None
    v = p.dt
    if isinstance(v, datetime.datetime) and v.tzinfo is not None and not tzid:
        return UTC, False
    if tzid:
        return zone(tzid), False
    return zoneinfo.ZoneInfo(CAL_TZ), True


def instant(v, z):
    """a DTSTART-like value as (kind, value): all-day dates as UTC midnights, as the server keeps them"""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=z)
        return v.astimezone(UTC)
    return datetime.datetime(v.year, v.month, v.day, tzinfo=UTC)


def local_naive(v, z):
    if isinstance(v, datetime.datetime):
        return (v.astimezone(z) if v.tzinfo else v).replace(tzinfo=None)
    return datetime.datetime(v.year, v.month, v.day)


def length(ev):
    s = ev["DTSTART"].dt
    if ev.get("DTEND") is not None:
        e = ev["DTEND"].dt
        z, _ = wall_zone(ev)
        return instant(e, z) - instant(s, z) if isinstance(s, datetime.datetime) else \
            datetime.timedelta(days=(e - s).days)
    if ev.get("DURATION") is not None:
        return ev["DURATION"].dt
    return datetime.timedelta(days=1) if not isinstance(s, datetime.datetime) else datetime.timedelta(0)


def rule_starts(ev, z, until_utc):
    """RRULE starts as local wall times of z read as instants, up to until_utc"""
    start = ev["DTSTART"].dt
    all_day = not isinstance(start, datetime.datetime)
    text = ev["RRULE"].to_ical().decode()
    m = re.search(r"UNTIL=([0-9TZ]+)", text)
    if m:  # UNTIL in the wall time of the series, as rrule wants it with a naive DTSTART
        u = m.group(1)
        if u.endswith("Z"):
            ut = datetime.datetime.strptime(u, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            ul = ut.astimezone(z).replace(tzinfo=None) if not all_day else ut.replace(tzinfo=None)
        elif "T" in u:
            ul = datetime.datetime.strptime(u, "%Y%m%dT%H%M%S")
        else:
            ul = datetime.datetime.strptime(u, "%Y%m%d")
        text = text.replace(m.group(0), "UNTIL=" + ul.strftime("%Y%m%dT%H%M%S"))
    r = rrule.rrulestr(text, dtstart=local_naive(start, z))
    out = []
    for t in r:
        s = datetime.datetime(t.year, t.month, t.day, tzinfo=UTC) if all_day else t.replace(tzinfo=z).astimezone(UTC)
        if s >= until_utc or len(out) > 5000:
            break
        out.append(s)
    return out


def expand(events, frm, to):
    """[(uid, start UTC, end UTC)] of one UID's VEVENTs overlapping [frm, to)"""
    master = [e for e in events if e.get("RECURRENCE-ID") is None]
    overrides = [e for e in events if e.get("RECURRENCE-ID") is not None]
    occ = {}
    ex_instants, ex_dates = set(), set()
    if master:
        m = master[0]
        z, _ = wall_zone(m)
        s0 = instant(m["DTSTART"].dt, z)
        dur = length(m)
        starts = {s0: dur}
        if m.get("RRULE") is not None:
            for s in rule_starts(m, z, to):
                starts.setdefault(s, dur)
        for rd in (m.get("RDATE") if isinstance(m.get("RDATE"), list) else [m.get("RDATE")] if m.get("RDATE") else []):
            rz = zone(rd.params.get("TZID")) or z
            for d in rd.dts:
                v = d.dt
                if isinstance(v, tuple):
                    s = instant(v[0], rz)
                    starts[s] = (v[1] if isinstance(v[1], datetime.timedelta) else instant(v[1], rz) - s)
                else:
                    starts.setdefault(instant(v, rz), dur)
        exd = m.get("EXDATE")
        for ex in (exd if isinstance(exd, list) else [exd] if exd else []):
            ez = zone(ex.params.get("TZID")) or z
            for d in ex.dts:
                v = d.dt
                if isinstance(v, datetime.datetime) or not isinstance(m["DTSTART"].dt, datetime.datetime):
                    ex_instants.add(instant(v, ez))
                else:  # a DATE EXDATE on a timed series: the occurrences of that local date
                    ex_dates.add(v)
        for s, d in starts.items():
            if s not in ex_instants and s.astimezone(z).date() not in ex_dates:
                occ[s] = (s, s + d, str(m["UID"]))
    for o in overrides:
        z, _ = wall_zone(o)
        rid = o["RECURRENCE-ID"]
        mz = wall_zone(master[0])[0] if master else z
        rz = zone(rid.params.get("TZID")) or mz
        r = instant(rid.dt, rz)
        occ.pop(r, None)
        if str(o.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if r in ex_instants or r.astimezone(mz).date() in ex_dates:
            continue  # an EXDATE takes the occurrence away, override or not
        s = instant(o["DTSTART"].dt, z)
        occ[("o", r)] = (s, s + length(o), str(o["UID"]))
    return sorted((u, s, e) for s, e, u in occ.values() if s < to and (e > frm or (e == s and s >= frm)))


def uses_own_zones(events):
    for e in events:
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE"):
            vals = e.get(name)
            for v in (vals if isinstance(vals, list) else [vals] if vals is not None else []):
                t = v.params.get("TZID")
                if t and not zone(t):
                    return True
    return False


def windows(objs):
    """a few [from, to) windows per calendar: around each object's first
    occurrence, each override, and a wide one over the first months"""
    out = set()
    for evs in objs.values():
        occ = expand(evs, datetime.datetime(1900, 1, 1, tzinfo=UTC), datetime.datetime(2100, 1, 1, tzinfo=UTC)) \
            if not any(e.get("RRULE") is not None and "UNTIL" not in e["RRULE"] and "COUNT" not in e["RRULE"]
                       for e in evs if e.get("RECURRENCE-ID") is None) else None
        firsts = []
        for e in evs:
            z, _ = wall_zone(e)
            firsts.append(instant(e["DTSTART"].dt, z))
        first = min(firsts)
        day = datetime.timedelta(days=1)
        out.add((first - day, first + day))
        out.add((first - 30 * day, first + 120 * day))
        out.add((first + 7 * day, first + 8 * day))
        for f in firsts:
            out.add((f - datetime.timedelta(hours=1), f + datetime.timedelta(hours=1)))
        if occ:
            last = occ[-1][1]
            out.add((last - day, last + day))
    return sorted(out)


def caldav_expand(srv, user, calpath, frm, to):
    body = ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
            '<c:calendar-data><c:expand start="%s" end="%s"/></c:calendar-data></d:prop>'
            '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="%s" '
            'end="%s"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>'
            % (C, z(frm), z(to), z(frm), z(to)))
    r = dav(srv, "REPORT", calpath, user, body, {"Depth": "1"})
    assert r.status_code == 207, r.text[:500]
    got = []
    for href, by in multistatus(r).items():
        data = by[200]["{%s}calendar-data" % C].text
        for ev in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            s = ev["DTSTART"].dt
            got.append((str(ev["UID"]), instant(s, UTC)))
    return sorted(got)


def json_list(client, cal_id, frm, to):
    r = client.get("/api/v1/calendars/%s/events" % cal_id, params={"start": zs(frm), "end": zs(to)})
    assert r.status_code == 200, r.text
    out = []
    for o in r.json()["items"]:
        if o["all_day"]:
            d = datetime.date.fromisoformat(o["start"])
            out.append(datetime.datetime(d.year, d.month, d.day, tzinfo=UTC))
        elif o["start"].endswith("Z"):
            out.append(datetime.datetime.fromisoformat(o["start"][:-1]).replace(tzinfo=UTC))
        else:
            out.append(datetime.datetime.fromisoformat(o["start"]).replace(tzinfo=zone(o["tzid"])).astimezone(UTC))
    return sorted(out)


def z(t):
    return t.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def zs(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def objects_of(text):
    """{uid: [VEVENTs]} of a file, in order, and its VTIMEZONEs"""
    cals = icalendar.Calendar.from_ical(as_calendar(text), multiple=True)
    out = collections.OrderedDict()
    for e in (e for c in cals for e in vevents(c)):
        out.setdefault(str(e["UID"]), []).append(e)
    return [tz for c in cals for tz in c.walk("VTIMEZONE")], out


def object_text(zones, events):
    """one calendar object resource: the file's VTIMEZONEs and one UID's VEVENTs"""
    c = icalendar.Calendar()
    c.add("VERSION", "2.0")
    c.add("PRODID", "-//convene tests//corpus//EN")
    for tz in zones:
        c.add_component(tz)
    for e in events:
        c.add_component(e)
    return c.to_ical().decode()


@pytest.fixture(scope="module")
def who(srv):
    from davutil import dav_member
    return dav_member(srv)


def rel(path):
    return os.path.relpath(path, CORPUS)


@pytest.mark.parametrize("path", FILES, ids=[rel(p) for p in FILES])
def test_corpus_file(srv, who, path):
    text = read(path)
    c = who["client"]
    cal, objs = objects_of(text)
    COUNTS["files"] += 1
    # import and export
    imp = new_calendar(c, time_zone=CAL_TZ)
    r = c.post("/api/v1/calendars/%s/import" % imp["id"], data=text.encode(),
               headers={"Content-Type": "text/calendar"})
    assert r.status_code == 200, "%s: %s" % (rel(path), r.text)
    assert r.json()["created"] == len(objs), r.text
    r = c.get("/api/v1/calendars/%s/export" % imp["id"])
    assert r.status_code == 200, r.text
    COUNTS["properties (import/export)"] += compare_calendars(text, r.text, rel(path) + " export")
    # PUT and GET, one calendar object at a time
    put = new_calendar(c, time_zone=CAL_TZ)
    calpath = "/dav/calendars/%s/%s/" % (who["id"], put["id"])
    for n, (uid, evs) in enumerate(objs.items()):
        body = object_text(cal, evs)
        href = calpath + "obj%d.ics" % n
        r = ical_put(srv, href, who, body)
        assert r.status_code in (201, 204), "%s %s: %s %s" % (rel(path), uid, r.status_code, r.text)
        r = dav(srv, "GET", href, who)
        assert r.status_code == 200, r.text
        COUNTS["calendar objects"] += 1
        COUNTS["properties (PUT/GET)"] += compare_calendars(body, r.text, "%s %s GET" % (rel(path), uid))
    # time ranges, against the expansion here
    if any(uses_own_zones(evs) for evs in objs.values()):
        COUNTS["files with their own zones (time ranges left to the zone tests)"] += 1
        return
    for frm, to in windows(objs):
        want = sorted((u, s) for evs in objs.values() for u, s, _ in expand(evs, frm, to))
        got = caldav_expand(srv, who, calpath, frm, to)
        assert got == want, "%s [%s, %s): CalDAV expand gave\n%s\nexpected\n%s" % (rel(path), frm, to, got, want)
        got = json_list(c, put["id"], frm, to)
        assert got == sorted(s for _, s in want), "%s [%s, %s): JSON list gave\n%s\nexpected\n%s" % (
            rel(path), frm, to, got, want)
        COUNTS["time-range cases"] += 1
        COUNTS["occurrences compared"] += len(want)


def test_corpus_counts(capsys):
    """the counts of what the corpus proved (printed with -s; checked to be real)"""
    if COUNTS["files"] != len(FILES):
        pytest.skip("only part of the corpus ran (-k)")
    with capsys.disabled():
        print("\nics corpus: " + ", ".join("%s %d" % kv for kv in COUNTS.items()))
    assert COUNTS["calendar objects"] >= COUNTS["files"]
    assert COUNTS["time-range cases"] > 0 and COUNTS["properties (PUT/GET)"] > 0
