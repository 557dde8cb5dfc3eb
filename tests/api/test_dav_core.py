"""CalDAV phase 1 over raw HTTP: discovery (well-known, principal, home),
PROPFIND shapes, event resources with strong ETags and conditional
requests, the libical rules as CalDAV preconditions, bad XML, calendar
creation and properties, REPORTs with time ranges over recurrences, rooms
booked by a PUT under the no-double-booking guarantee, and tenant isolation."""
import datetime
import xml.etree.ElementTree as ET
import secrets

import pytest
import requests

from apimap import counts_diff, db_counts
from conftest import PASSWORD, uniq
from davutil import (A, C, CS, D, NS, X, dav, dav_member, error, hrefs, ical_put, multistatus, new_uid,
                     propfind, vevent)


@pytest.fixture(scope="module")
def alice(srv):
    return dav_member(srv)


def test_well_known_redirects_to_the_dav_root(srv):
    r = dav(srv, "GET", "/.well-known/caldav")
    assert r.status_code == 301 and r.headers["Location"] == "/dav/", r.status_code
    # a PROPFIND is answered in place after credentials (tests/api/test_dav_discovery.py)
    assert dav(srv, "PROPFIND", "/.well-known/caldav").status_code == 401


def test_options_says_what_is_spoken_without_credentials(srv):
    r = dav(srv, "OPTIONS", "/dav/")
    assert r.status_code == 200
    dav_header = {t.strip() for t in r.headers["DAV"].split(",")}
    assert {"1", "3", "calendar-access"} <= dav_header, dav_header
    allow = {t.strip() for t in r.headers["Allow"].split(",")}
    assert {"PROPFIND", "REPORT", "PUT", "MKCALENDAR", "PROPPATCH", "DELETE", "GET"} <= allow


def test_without_credentials_401_with_a_basic_challenge(srv, alice):
    r = dav(srv, "PROPFIND", "/dav/", headers={"Depth": "0"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic realm=")
    r = dav(srv, "PROPFIND", "/dav/", auth=(alice["email"], "wrong password"), headers={"Depth": "0"})
    assert r.status_code == 401


def test_methods_webdav_has_but_we_do_not_serve_are_405_with_allow(srv, alice):
    for method in ("LOCK", "UNLOCK", "POST"):
        r = dav(srv, method, alice["calpath"], alice)
        assert r.status_code == 405, (method, r.status_code)
        assert "PROPFIND" in r.headers["Allow"] and "MKCALENDAR" in r.headers["Allow"]


def test_discovery_principal_home_and_calendars(srv, alice):
    root = propfind(srv, "/dav/", alice, "d:current-user-principal")
    principal = "/dav/principals/%s/" % alice["id"]
    assert hrefs(root["/dav/"][200]["{DAV:}current-user-principal"]) == [principal]
    p = propfind(srv, principal, alice, "d:resourcetype", "d:displayname", "c:calendar-home-set",
                 "c:calendar-user-address-set", "d:principal-URL")[principal][200]
    assert p["{DAV:}resourcetype"].find("d:principal", NS) is not None
    assert p["{DAV:}displayname"].text == alice["display_name"]
    assert hrefs(p["{%s}calendar-home-set" % C]) == [alice["home"]]
    assert "mailto:" + alice["email"] in hrefs(p["{%s}calendar-user-address-set" % C])
    assert hrefs(p["{DAV:}principal-URL"]) == [principal]
    home = propfind(srv, alice["home"], alice, "d:resourcetype", "d:displayname",
                    "c:supported-calendar-component-set", "cs:getctag", "d:current-user-privilege-set",
                    "a:calendar-color", depth="1")
    assert alice["calpath"] in home, list(home)
    cal = home[alice["calpath"]][200]
    assert cal["{DAV:}resourcetype"].find("c:calendar", NS) is not None
    assert [c.get("name") for c in cal["{%s}supported-calendar-component-set" % C]] == ["VEVENT"]
    assert cal["{%s}getctag" % CS].text
    privs = {p[0].tag for p in cal["{DAV:}current-user-privilege-set"]}
    assert {"{DAV:}read", "{DAV:}write-content", "{DAV:}bind"} <= privs, privs


def test_unknown_properties_get_404_in_their_own_propstat(srv, alice):
    ms = propfind(srv, alice["calpath"], alice, "d:displayname", "{urn:example:nowhere}colour-of-sky")
    by = ms[alice["calpath"]]
    assert "{DAV:}displayname" in by[200]
    assert "{urn:example:nowhere}colour-of-sky" in by[404] and "{DAV:}displayname" not in by[404]


def test_allprop_and_propname(srv, alice):
    r = dav(srv, "PROPFIND", alice["calpath"], alice, headers={"Depth": "0"})  # no body: allprop
    props = multistatus(r)[alice["calpath"]][200]
    assert "{DAV:}displayname" in props and "{%s}getctag" % CS in props
    body = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>'
    r = dav(srv, "PROPFIND", alice["calpath"], alice, body, {"Depth": "0"})
    names = multistatus(r)[alice["calpath"]][200]
    assert "{%s}calendar-timezone" % C in names and all(len(e) == 0 and not e.text for e in names.values())
    r = dav(srv, "PROPFIND", "/dav/", alice, headers={"Depth": "infinity"})
    error(r, 403, D, "propfind-finite-depth")


def test_put_get_etag_and_conditional_requests(srv, alice):
    uid = new_uid()
    path = alice["calpath"] + uid + ".ics"
    r = ical_put(srv, path, alice, vevent(uid, "First"), {"If-None-Match": "*"})
    assert r.status_code == 201, r.text
    etag = r.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    r = dav(srv, "GET", path, alice)
    assert r.status_code == 200 and r.headers["ETag"] == etag
    assert r.headers["Content-Type"].startswith("text/calendar") and "SUMMARY:First" in r.text
    assert dav(srv, "HEAD", path, alice).headers["ETag"] == etag
    assert dav(srv, "GET", path, alice, headers={"If-None-Match": etag}).status_code == 304
    # the JSON API sees the same event
    items = alice["client"].get("/api/v1/calendars/%s/events" % alice["cal"], params={
        "start": "2030-01-07T00:00:00Z", "end": "2030-01-08T00:00:00Z"}).json()["items"]
    assert "First" in [i["summary"] for i in items], items
    # create-only on an existing resource, a stale If-Match
    assert ical_put(srv, path, alice, vevent(uid, "Again"), {"If-None-Match": "*"}).status_code == 412
    assert ical_put(srv, path, alice, vevent(uid, "Stale"), {"If-Match": '"nope"'}).status_code == 412
    r = ical_put(srv, path, alice, vevent(uid, "Second"), {"If-Match": etag})
    assert r.status_code == 204 and r.headers["ETag"] != etag
    etag2 = r.headers["ETag"]
    assert "SUMMARY:Second" in dav(srv, "GET", path, alice).text
    # the collection's ctag moved, and the member is listed with its etag
    ms = propfind(srv, alice["calpath"], alice, "d:getetag", "d:getcontenttype", depth="1")
    assert ms[path][200]["{DAV:}getetag"].text == etag2
    assert dav(srv, "DELETE", path, alice, headers={"If-Match": etag}).status_code == 412
    assert dav(srv, "DELETE", path, alice, headers={"If-Match": etag2}).status_code == 204
    assert dav(srv, "GET", path, alice).status_code == 404
    assert path not in propfind(srv, alice["calpath"], alice, "d:getetag", depth="1")


def test_bad_xml_is_400_and_never_500(srv, alice):
    bodies = ["<d:propfind xmlns:d='DAV:'><d:prop>", "not xml at all", "<a><b></a>",
              '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&x;</d:displayname></d:prop></d:propfind>',
              '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              '<d:propfind xmlns:d="DAV:"><d:prop>&b;</d:prop></d:propfind>',
              "<x:other xmlns:x='urn:x'/>", "<" * 5000, "\xff\xfe<a/>"]
    for method in ("PROPFIND", "REPORT", "PROPPATCH", "MKCALENDAR"):
        for body in bodies:
            path = alice["calpath"] if method != "MKCALENDAR" else alice["home"] + "cal_aaaaaaaaaaaaaaaaaaaa/"
            r = dav(srv, method, path, alice, body.encode("latin-1") if "\xff" in body else body,
                    {"Depth": "0"})
            assert r.status_code in (400, 403), (method, body[:40], r.status_code, r.text[:200])
            assert r.headers["Content-Type"].startswith("application/xml"), (method, body[:40])
            assert "passwd" not in r.text and "root:" not in r.text
    assert requests.get(srv.url + "/healthz", timeout=10).status_code == 200


def test_refused_puts_name_the_precondition_and_change_nothing(srv, alice):
    uid = new_uid()
    path = alice["calpath"] + uid + ".ics"
    assert ical_put(srv, path, alice, vevent(uid, "Kept")).status_code == 201
    before = db_counts(srv)
    error(ical_put(srv, alice["calpath"] + "x.ics", alice, "BEGIN:VCALENDAR\r\ngarbage\r\n"), 403, C,
          "valid-calendar-data")
    error(ical_put(srv, path, alice, vevent(uid, start="20300107T100000Z", end="20300107T090000Z")), 403, C,
          "valid-calendar-data")
    todo = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VTODO\r\nUID:t1\r\n"
            "DTSTAMP:20260101T000000Z\r\nSUMMARY:Todo\r\nEND:VTODO\r\nEND:VCALENDAR\r\n")
    error(ical_put(srv, alice["calpath"] + "t1.ics", alice, todo), 403, C, "supported-calendar-component")
    root = error(ical_put(srv, alice["calpath"] + "another-name.ics", alice, vevent(uid)), 409, C,
                 "no-uid-conflict")
    assert hrefs(root.find("c:no-uid-conflict", NS)) == [path]
    error(ical_put(srv, alice["calpath"] + "a%2Fb.ics", alice, vevent(new_uid())), 403, X,
          "valid-resource-name")
    error(dav(srv, "PUT", path, alice, vevent(uid), {"Content-Type": "application/json"}), 403, C,
          "supported-calendar-data")
    assert not counts_diff(before, db_counts(srv))
    assert "SUMMARY:Kept" in dav(srv, "GET", path, alice).text


def test_mkcalendar_and_proppatch(srv, alice):
    cal_id = "cal_" + "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(20))
    path = alice["home"] + cal_id + "/"
    body = ('<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="%s" xmlns:a="%s"><d:set><d:prop>'
            "<d:displayname>Team &amp; Co</d:displayname><a:calendar-color>#FF8800FF</a:calendar-color>"
            '<c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set>'
            "</d:prop></d:set></c:mkcalendar>" % (C, A))
    r = dav(srv, "MKCALENDAR", path, alice, body)
    assert r.status_code == 201, r.text
    assert dav(srv, "MKCALENDAR", path, alice, body).status_code == 403
    cals = {c["id"]: c for c in alice["client"].get("/api/v1/calendars").json()["items"]}
    assert cals[cal_id]["name"] == "Team & Co" and cals[cal_id]["colour"] == "#ff8800"
    error(dav(srv, "MKCALENDAR", alice["home"] + "cal_not-an-id/", alice, body), 403, X, "calendar-name")
    error(dav(srv, "MKCOL", alice["home"] + "cal_bbbbbbbbbbbbbbbbbbbb/", alice), 403, D, "valid-resourcetype")
    tz = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"
          "END:VTIMEZONE\r\nEND:VCALENDAR\r\n")
    patch = ('<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:c="%s" xmlns:a="%s"><d:set><d:prop>'
             "<d:displayname>Renamed</d:displayname><c:calendar-description>About it</c:calendar-description>"
             "<a:calendar-color>#123456</a:calendar-color><c:calendar-timezone>%s</c:calendar-timezone>"
             "</d:prop></d:set></d:propertyupdate>" % (C, A, tz.replace("\r", "&#13;")))
    r = dav(srv, "PROPPATCH", path, alice, patch)
    assert r.status_code == 207, r.text
    assert set(multistatus(r)[path]) == {200}
    c = alice["client"].get("/api/v1/calendars/%s" % cal_id).json()
    assert (c["name"], c["description"], c["colour"], c["time_zone"]) == \
        ("Renamed", "About it", "#123456", "Europe/Paris")
    got = propfind(srv, path, alice, "c:calendar-timezone")[path][200]["{%s}calendar-timezone" % C].text
    assert "TZID:Europe/Paris" in got
    # one refused (protected) property: nothing changes, the others fail by dependency
    bad = ('<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop>'
           "<d:displayname>Not applied</d:displayname><d:sync-token>x</d:sync-token></d:prop></d:set>"
           "</d:propertyupdate>")
    r = dav(srv, "PROPPATCH", path, alice, bad)
    assert r.status_code == 207 and set(multistatus(r)[path]) == {403, 424}, r.text
    assert alice["client"].get("/api/v1/calendars/%s" % cal_id).json()["name"] == "Renamed"


def test_reports_multiget_and_time_range_over_recurrences(srv, alice):
    weekly, single = new_uid(), new_uid()
    assert ical_put(srv, alice["calpath"] + weekly + ".ics", alice,
                    vevent(weekly, "Weekly", "20310106T090000Z", "20310106T100000Z",
                           "RRULE:FREQ=WEEKLY;COUNT=5\r\n")).status_code == 201
    assert ical_put(srv, alice["calpath"] + single + ".ics", alice,
                    vevent(single, "Once", "20310301T090000Z", "20310301T100000Z")).status_code == 201

    def query(start, end):
        body = ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
                '<c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter '
                'name="VEVENT"><c:time-range start="%s" end="%s"/></c:comp-filter></c:comp-filter></c:filter>'
                "</c:calendar-query>" % (C, start, end))
        r = dav(srv, "REPORT", alice["calpath"], alice, body, {"Depth": "1"})
        assert r.status_code == 207, r.text
        return {h.rsplit("/", 1)[1][:-4]: v[200] for h, v in multistatus(r).items()}

    got = query("20310120T000000Z", "20310121T000000Z")  # the third Monday, not the first
    assert list(got) == [weekly] and "RRULE" in got[weekly]["{%s}calendar-data" % C].text
    assert query("20310210T000000Z", "20310220T000000Z") == {}  # after COUNT=5
    assert list(query("20310301T000000Z", "20310302T000000Z")) == [single]
    body = ('<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
            "<c:calendar-data/></d:prop><d:href>%s</d:href><d:href>%s</d:href></c:calendar-multiget>"
            % (C, alice["calpath"] + single + ".ics", alice["calpath"] + "missing.ics"))
    ms = multistatus(dav(srv, "REPORT", alice["calpath"], alice, body, {"Depth": "1"}))
    assert "SUMMARY:Once" in ms[alice["calpath"] + single + ".ics"][200]["{%s}calendar-data" % C].text
    assert 404 in ms[alice["calpath"] + "missing.ics"]
    # a UID prop-filter is served (clients find events by UID so)
    def prop_filter(prop, text):
        return ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/></d:prop>'
                '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter '
                'name="%s"><c:text-match collation="i;octet">%s</c:text-match></c:prop-filter></c:comp-filter>'
                "</c:comp-filter></c:filter></c:calendar-query>" % (C, prop, text))
    ms = multistatus(dav(srv, "REPORT", alice["calpath"], alice, prop_filter("UID", single), {"Depth": "1"}))
    assert list(ms) == [alice["calpath"] + single + ".ics"]
    # other properties too (test_dav_reports.py has the rest); a free-busy-query needs its time-range
    ms = multistatus(dav(srv, "REPORT", alice["calpath"], alice, prop_filter("SUMMARY", "Once"), {"Depth": "1"}))
    assert list(ms) == [alice["calpath"] + single + ".ics"]
    error(dav(srv, "REPORT", alice["calpath"], alice,
              '<c:free-busy-query xmlns:c="%s"/>' % C), 403, C, "valid-filter")


def test_a_put_books_a_room_and_never_double_books_it(srv, alice):
    admin = srv.admin("A")
    r = admin.post("/api/v1/rooms", json={"name": uniq("Dav room ")})
    assert r.status_code == 201, r.text
    room = r.json()
    att = "ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n" % room["email"]
    first, second = new_uid(), new_uid()
    day = (datetime.date.today() + datetime.timedelta(days=20)).strftime("%Y%m%d")
    r = ical_put(srv, alice["calpath"] + first + ".ics", alice,
                 vevent(first, "Booked", day + "T090000Z", day + "T100000Z", att))
    assert r.status_code == 201, r.text
    assert "PARTSTAT=ACCEPTED" in dav(srv, "GET", alice["calpath"] + first + ".ics", alice).text
    before = db_counts(srv)
    r = ical_put(srv, alice["calpath"] + second + ".ics", alice,
                 vevent(second, "Clash", day + "T093000Z", day + "T103000Z", att))
    error(r, 409, X, "booking-conflict")
    assert not counts_diff(before, db_counts(srv))
    assert dav(srv, "GET", alice["calpath"] + second + ".ics", alice).status_code == 404


def test_other_accounts_and_other_users_see_nothing(srv, alice):
    admin_b = srv.admin("B")
    bob, _ = srv.make_user(admin_b, "member")
    # bob's own home, aimed at alice's calendar and principal: as if they did not exist
    for path in ("/dav/calendars/%s/%s/" % (bob["id"], alice["cal"]), "/dav/principals/%s/" % alice["id"],
                 alice["calpath"], alice["home"]):
        r = dav(srv, "PROPFIND", path, bob, headers={"Depth": "0"})
        assert r.status_code == 404, (path, r.status_code)
    uid = new_uid()
    r = ical_put(srv, "/dav/calendars/%s/%s/%s.ics" % (bob["id"], alice["cal"], uid), bob, vevent(uid))
    assert r.status_code == 404
    carol, _ = srv.make_user(srv.admin("A"), "member")  # same account, not shared
    r = dav(srv, "PROPFIND", "/dav/calendars/%s/%s/" % (carol["id"], alice["cal"]), carol,
            headers={"Depth": "0"})
    assert r.status_code == 404
    home = propfind(srv, "/dav/calendars/%s/" % carol["id"], carol, "d:displayname", depth="1")
    assert not [h for h in home if alice["cal"] in h]


def test_sync_collection_reports_changes_and_deletions_since_a_token(srv, alice):
    cal = alice["client"].post("/api/v1/calendars", json={"name": uniq("Sync ")}).json()
    path = "/dav/calendars/%s/%s/" % (alice["id"], cal["id"])
    kept, gone, later = new_uid(), new_uid(), new_uid()
    for uid in (kept, gone):
        assert ical_put(srv, path + uid + ".ics", alice, vevent(uid)).status_code == 201

    def sync(token, expect=207):
        body = ('<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>%s</d:sync-token>'
                "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>" % token)
        r = dav(srv, "REPORT", path, alice, body, {"Depth": "0"})
        if expect != 207:
            return r
        assert r.status_code == 207, r.text
        root = ET.fromstring(r.content)
        return multistatus(r), root.find("d:sync-token", NS).text

    full, token = sync("")
    assert set(full) == {path + kept + ".ics", path + gone + ".ics"}
    prop_token = propfind(srv, path, alice, "d:sync-token")[path][200]["{DAV:}sync-token"].text
    assert prop_token == token
    assert sync(token)[0] == {}
    assert ical_put(srv, path + later + ".ics", alice, vevent(later)).status_code == 201
    assert dav(srv, "DELETE", path + gone + ".ics", alice).status_code == 204
    delta, token2 = sync(token)
    assert set(delta) == {path + later + ".ics", path + gone + ".ics"} and token2 != token
    assert "{DAV:}getetag" in delta[path + later + ".ics"][200]
    assert 404 in delta[path + gone + ".ics"]
    assert sync(token2)[0] == {}
    for bad in ("urn:convene:sync:%s:999999" % cal["id"], "urn:convene:sync:%s:1" % alice["cal"], "garbage"):
        error(sync(bad, expect=403), 403, D, "valid-sync-token")


def test_a_session_cookie_reads_but_writes_only_with_its_csrf_token(srv, alice):
    c = alice["client"]  # signed in with a cookie
    uid = new_uid()
    path = alice["calpath"] + uid + ".ics"
    r = c.s.request("PROPFIND", srv.url + alice["calpath"], headers={"Depth": "0"}, timeout=30)
    assert r.status_code == 207
    r = c.s.request("PUT", srv.url + path, data=vevent(uid), headers={"Content-Type": "text/calendar"}, timeout=30)
    assert r.status_code == 403 and r.json()["type"] == "/problems/csrf"
    r = c.request("PUT", path, data=vevent(uid), headers={"Content-Type": "text/calendar"})  # adds X-CSRF-Token
    assert r.status_code == 201, r.text


def test_basic_failures_on_dav_lock_the_login_as_sign_in(srv):
    u, _ = srv.make_user(srv.admin("A"), "member")
    for _ in range(6):
        r = dav(srv, "PROPFIND", "/dav/", auth=(u["email"], "wrong password!"), headers={"Depth": "0"})
        assert r.status_code == 401
    r = dav(srv, "PROPFIND", "/dav/", auth=(u["email"], PASSWORD), headers={"Depth": "0"})
    assert r.status_code == 401  # locked: the right password too
    r = srv.client().post("/api/v1/session", json={"email": u["email"], "password": PASSWORD})
    assert r.status_code == 429 and r.json()["type"] == "/problems/login-throttled"
