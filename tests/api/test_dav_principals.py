"""Rooms and people as CalDAV principals: a room's principal (calendar-user-
type ROOM, its scheduling address, its read-only calendar of bookings with
subjects hidden as the room says), other users' principals with a name and
an address only, principal-property-search and principal-search-property-
set, and nothing of another account, ever."""
import datetime

import pytest

from calutil import new_calendar
from conftest import uniq
from davutil import C, CS, D, NS, dav, error, hrefs, ical_put, multistatus, new_uid, propfind, vevent

PPS = ('<?xml version="1.0"?><d:principal-property-search xmlns:d="DAV:" xmlns:c="%s" xmlns:cs="%s"%s>'
       "%s<d:prop><d:displayname/><c:calendar-user-type/><c:calendar-user-address-set/>"
       "<cs:record-type/></d:prop></d:principal-property-search>")


def term(prop, text, match_type=None):
    mt = ' match-type="%s"' % match_type if match_type else ""
    return ("<d:property-search><d:prop><%s/></d:prop><d:match%s>%s</d:match></d:property-search>"
            % (prop, mt, text))


def search(srv, user, *terms, test=None, path="/dav/principals/", expect=207):
    body = PPS % (C, CS, ' test="%s"' % test if test else "", "".join(terms))
    r = dav(srv, "REPORT", path, user, body, {"Depth": "0"})
    assert r.status_code == expect, r.text[:600]
    return multistatus(r) if expect == 207 else r


def day(n=21):
    d = datetime.date.today() + datetime.timedelta(days=n)
    return d - datetime.timedelta(days=d.weekday())


@pytest.fixture(scope="module")
def setup(srv):
    for name in ("DavRooms", "DavRoomsOther"):
        if name not in srv.accounts:
            srv.add_account(name, name)
    admin = srv.admin("DavRooms")
    other = srv.admin("DavRoomsOther")
    mark = uniq("zq")
    def room(a, name, **f):
        r = a.post("/api/v1/rooms", json={"name": name, "capacity": 6, "email": "%s@rooms.example.test" % uniq("r"), **f})
        assert r.status_code == 201, r.text
        return r.json()
    open_room = room(admin, "Atrium %s" % mark)
    hidden = room(admin, "Boardroom %s" % mark, hide_subjects=True)
    company = admin.post("/api/v1/companies", json={"name": uniq("Closed ")}).json()["id"]
    closed = room(admin, "Closet %s" % mark, rules={"company_ids": [company]})
    foreign = room(other, "Atrium %s foreign" % mark)
    member, _ = srv.make_user(admin, "member", display_name="Zelda %s" % mark)
    colleague, _ = srv.make_user(admin, "member", display_name="Yorick %s" % mark)
    outsider, _ = srv.make_user(other, "member", display_name="Xavier %s" % mark)
    mc = srv.login_as(member)
    cal = new_calendar(mc, time_zone="UTC")
    d = day().isoformat()
    for rm, summary in ((open_room, "Roadmap review"), (hidden, "Layoffs plan")):
        r = mc.post("/api/v1/calendars/%s/events" % cal["id"],
                    json={"summary": summary, "start": d + "T10:00:00", "end": d + "T11:00:00",
                          "room_ids": [rm["id"]]})
        assert r.status_code == 201, r.text
    return dict(admin=admin, mark=mark, open=open_room, hidden=hidden, closed=closed, foreign=foreign,
                member=member, colleague=colleague, outsider=outsider, day=day())


def rp(room):
    return "/dav/principals/rooms/%s/" % room["id"]


def rc(room):
    return "/dav/calendars/rooms/%s/" % room["id"]


def test_a_room_is_a_principal_of_type_room(srv, setup):
    m, room = setup["member"], setup["open"]
    got = propfind(srv, rp(room), m, "d:displayname", "c:calendar-user-type", "c:calendar-user-address-set",
                   "d:principal-URL", "c:calendar-home-set", "cs:record-type", "cs:email-address-set",
                   "d:resourcetype", "d:principal-collection-set")[rp(room)][200]
    assert got["{DAV:}displayname"].text == room["name"]
    assert got["{%s}calendar-user-type" % C].text == "ROOM"
    assert "mailto:" + room["email"] in hrefs(got["{%s}calendar-user-address-set" % C])
    assert hrefs(got["{DAV:}principal-URL"]) == [rp(room)]
    assert hrefs(got["{%s}calendar-home-set" % C]) == ["/dav/calendars/rooms/"]
    assert got["{%s}record-type" % CS].text == "locations"
    assert got["{%s}email-address-set" % CS][0].text == room["email"]
    assert got["{DAV:}resourcetype"].find("d:principal", NS) is not None
    assert hrefs(got["{DAV:}principal-collection-set"]) == ["/dav/principals/"]


def test_the_rooms_home_lists_the_rooms_one_may_book(srv, setup):
    m = setup["member"]
    home = propfind(srv, "/dav/calendars/rooms/", m, "d:resourcetype", "d:displayname", depth="1")
    assert rc(setup["open"]) in home and rc(setup["hidden"]) in home
    assert rc(setup["closed"]) not in home and rc(setup["foreign"]) not in home
    assert home[rc(setup["open"])][200]["{DAV:}resourcetype"].find("c:calendar", NS) is not None
    # the admin may book every room
    admin_user = srv.accounts["DavRooms"]["admin_email"]
    got = dav(srv, "PROPFIND", "/dav/calendars/rooms/", auth=(admin_user, srv.accounts["DavRooms"]["password"]),
              headers={"Depth": "1"})
    assert rc(setup["closed"]) in multistatus(got)


def query(start, end):
    return ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
            "<c:calendar-data/></d:prop><c:filter><c:comp-filter name=\"VCALENDAR\"><c:comp-filter name=\"VEVENT\">"
            '<c:time-range start="%s" end="%s"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>'
            % (C, start, end))


def window(setup):
    d = setup["day"].strftime("%Y%m%d")
    return d + "T000000Z", d + "T235959Z"


def test_a_room_calendar_shows_bookings_with_subjects_as_the_room_says(srv, setup):
    m = setup["member"]
    s, e = window(setup)
    r = dav(srv, "REPORT", rc(setup["open"]), m, query(s, e), {"Depth": "1"})
    got = multistatus(r)
    texts = [v[200]["{%s}calendar-data" % C].text for v in got.values()]
    assert len(texts) == 1 and "SUMMARY:Roadmap review" in texts[0] and "ORGANIZER:mailto:" in texts[0]
    r = dav(srv, "REPORT", rc(setup["hidden"]), m, query(s, e), {"Depth": "1"})
    (href, v), = multistatus(r).items()
    text = v[200]["{%s}calendar-data" % C].text
    assert "Layoffs" not in text and "DTSTART" in text
    got = dav(srv, "GET", href, m)
    assert got.status_code == 200 and "Layoffs" not in got.text and got.headers["ETag"]
    # every resource of the PROPFIND is one of the bookings
    listing = propfind(srv, rc(setup["hidden"]), m, "d:getetag", depth="1")
    assert href in listing
    # multiget finds it by its href
    mg = ('<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="%s"><d:prop><c:calendar-data/>'
          "</d:prop><d:href>%s</d:href><d:href>%sbkg_nothere.ics</d:href></c:calendar-multiget>"
          % (C, href, rc(setup["hidden"])))
    got = multistatus(dav(srv, "REPORT", rc(setup["hidden"]), m, mg, {"Depth": "1"}))
    assert 200 in got[href] and 404 in got[rc(setup["hidden"]) + "bkg_nothere.ics"]


def test_a_room_calendar_is_read_only(srv, setup):
    m = setup["member"]
    uid = new_uid()
    error(ical_put(srv, rc(setup["open"]) + uid + ".ics", m, vevent(uid)), 403, D, "need-privileges")
    admin_auth = (srv.accounts["DavRooms"]["admin_email"], srv.accounts["DavRooms"]["password"])
    r = dav(srv, "PUT", rc(setup["open"]) + uid + ".ics", body=vevent(uid), auth=admin_auth,
            headers={"Content-Type": "text/calendar"})
    error(r, 403, D, "need-privileges")
    error(dav(srv, "DELETE", rc(setup["open"]), m), 403, D, "need-privileges")
    privs = propfind(srv, rc(setup["open"]), m, "d:current-user-privilege-set")[rc(setup["open"])][200]
    names = {p[0].tag for p in privs["{DAV:}current-user-privilege-set"]}
    assert "{DAV:}read" in names and "{DAV:}write-content" not in names
    reports = propfind(srv, rc(setup["open"]), m, "d:supported-report-set")[rc(setup["open"])][200]
    got = {x.tag for x in reports["{DAV:}supported-report-set"].iter() if x.tag.startswith("{%s}" % C)}
    assert "{%s}free-busy-query" % C in got


def test_other_users_principals_show_a_name_and_an_address_only(srv, setup):
    m, col = setup["member"], setup["colleague"]
    path = "/dav/principals/%s/" % col["id"]
    got = propfind(srv, path, m, "d:displayname", "c:calendar-user-address-set", "c:calendar-home-set",
                   "c:calendar-user-type")[path]
    assert got[200]["{DAV:}displayname"].text == col["display_name"]
    assert "mailto:" + col["email"] in hrefs(got[200]["{%s}calendar-user-address-set" % C])
    assert got[200]["{%s}calendar-user-type" % C].text == "INDIVIDUAL"
    assert "{%s}calendar-home-set" % C in got[404]
    assert dav(srv, "PROPFIND", "/dav/calendars/%s/" % col["id"], m, headers={"Depth": "0"}).status_code == 404


def test_another_account_is_never_seen(srv, setup):
    m = setup["member"]
    for path in (rp(setup["foreign"]), rc(setup["foreign"]), "/dav/principals/%s/" % setup["outsider"]["id"]):
        assert dav(srv, "PROPFIND", path, m, headers={"Depth": "0"}).status_code == 404, path
    got = search(srv, m, term("d:displayname", setup["mark"]))
    assert rp(setup["foreign"]) not in got
    assert "/dav/principals/%s/" % setup["outsider"]["id"] not in got
    assert dav(srv, "PROPFIND", rp(setup["foreign"]), auth=(setup["outsider"]["email"], "x"),
               headers={"Depth": "0"}).status_code == 401


def test_principal_property_search_by_name_type_and_address(srv, setup):
    m, mark = setup["member"], setup["mark"]
    got = search(srv, m, term("d:displayname", mark.upper()))
    assert rp(setup["open"]) in got and rp(setup["hidden"]) in got
    assert rp(setup["closed"]) not in got  # the member may not book it
    assert "/dav/principals/%s/" % setup["colleague"]["id"] in got
    v = got[rp(setup["open"])][200]
    assert v["{%s}calendar-user-type" % C].text == "ROOM" and v["{DAV:}displayname"].text == setup["open"]["name"]
    col = got["/dav/principals/%s/" % setup["colleague"]["id"]][200]
    assert col["{%s}calendar-user-type" % C].text == "INDIVIDUAL"
    # rooms only (Apple's location picker): allof name and calendar-user-type
    got = search(srv, m, term("d:displayname", mark), term("c:calendar-user-type", "ROOM"), test="allof")
    assert set(got) == {rp(setup["open"]), rp(setup["hidden"])}
    # anyof: either term
    got = search(srv, m, term("d:displayname", "Atrium " + mark), term("c:calendar-user-address-set",
                 "mailto:" + setup["hidden"]["email"]), test="anyof")
    assert set(got) == {rp(setup["open"]), rp(setup["hidden"])}
    got = search(srv, m, term("cs:email-address-set", setup["colleague"]["email"].split("@")[0], "starts-with"))
    assert set(got) == {"/dav/principals/%s/" % setup["colleague"]["id"]}
    assert search(srv, m, term("d:displayname", "no such %s" % mark)) == {}
    # wildcards are literal
    assert search(srv, m, term("d:displayname", "%" + mark)) == {}


def test_principal_search_is_bounded(srv, setup):
    m = setup["member"]
    r = search(srv, m, term("d:displayname", ""), expect=207)
    assert len([h for h in r if h.startswith("/dav/principals/")]) <= 101


def test_principal_search_property_set(srv, setup):
    body = '<?xml version="1.0"?><d:principal-search-property-set xmlns:d="DAV:"/>'
    r = dav(srv, "REPORT", "/dav/principals/", setup["member"], body, {"Depth": "0"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/xml"), r.text
    import xml.etree.ElementTree as ET
    root = ET.fromstring(r.content)
    props = {p.tag for p in root.findall("d:principal-search-property/d:prop/*", NS)}
    assert {"{DAV:}displayname", "{%s}calendar-user-type" % C, "{%s}calendar-user-address-set" % C} <= props
    got = propfind(srv, "/dav/principals/", setup["member"], "d:supported-report-set")["/dav/principals/"][200]
    tags = {x.tag for x in got["{DAV:}supported-report-set"].iter()}
    assert "{DAV:}principal-property-search" in tags and "{DAV:}principal-search-property-set" in tags


def test_guests_find_nobody(srv, setup):
    guest, _ = srv.make_user(setup["admin"], "guest")
    assert search(srv, guest, term("d:displayname", setup["mark"])) == {}
    assert dav(srv, "PROPFIND", rp(setup["open"]), guest, headers={"Depth": "0"}).status_code == 404
