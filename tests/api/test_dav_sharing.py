"""Shares over CalDAV: a calendar shared with a user appears in their home
with the privileges of the role; viewers read but cannot write (403
need-privileges); freebusy grantees get no event bodies and no SUMMARY; a
revoked share is gone at the next PROPFIND."""
import pytest

from calutil import default_calendar
from davutil import C, D, NS, dav, error, ical_put, multistatus, new_uid, propfind, vevent
from sharing import share


@pytest.fixture(scope="module")
def setup(srv):
    admin = srv.admin("A")
    owner, _ = srv.make_user(admin, "member")
    oc = srv.login_as(owner)
    cal = default_calendar(oc)["id"]
    viewer, _ = srv.make_user(admin, "member")
    fb, _ = srv.make_user(admin, "member")
    vs = share(oc, cal, kind="user", user_id=viewer["id"], role="viewer")
    share(oc, cal, kind="user", user_id=fb["id"], role="freebusy")
    uid = new_uid()
    path = "/dav/calendars/%s/%s/%s.ics" % (owner["id"], cal, uid)
    assert ical_put(srv, path, owner, vevent(uid, "Secret board meeting", "20300201T090000Z",
                                             "20300201T100000Z")).status_code == 201
    return dict(owner=owner, oc=oc, cal=cal, viewer=viewer, fb=fb, viewer_share=vs, uid=uid)


def shared_path(user, s):
    return "/dav/calendars/%s/%s/" % (user["id"], s["cal"])


def test_viewer_sees_the_calendar_read_only(srv, setup):
    v = setup["viewer"]
    path = shared_path(v, setup)
    home = propfind(srv, "/dav/calendars/%s/" % v["id"], v, "d:current-user-privilege-set", depth="1")
    assert path in home
    privs = {p[0].tag for p in home[path][200]["{DAV:}current-user-privilege-set"]}
    assert "{DAV:}read" in privs and not privs & {"{DAV:}write", "{DAV:}write-content", "{DAV:}bind"}
    obj = path + setup["uid"] + ".ics"
    r = dav(srv, "GET", obj, v)
    assert r.status_code == 200 and "Secret board meeting" in r.text
    root = error(ical_put(srv, obj, v, vevent(setup["uid"], "Changed")), 403, D, "need-privileges")
    assert root.find(".//d:privilege/d:write-content", NS) is not None
    other = new_uid()
    error(ical_put(srv, path + other + ".ics", v, vevent(other)), 403, D, "need-privileges")
    error(dav(srv, "DELETE", obj, v), 403, D, "need-privileges")
    own = "/dav/calendars/%s/%s/%s.ics" % (setup["owner"]["id"], setup["cal"], setup["uid"])
    assert "Secret board meeting" in dav(srv, "GET", own, setup["owner"]).text


def test_freebusy_grantee_gets_no_bodies_and_no_summary(srv, setup):
    f = setup["fb"]
    path = shared_path(f, setup)
    obj = path + setup["uid"] + ".ics"
    error(dav(srv, "GET", obj, f), 403, D, "need-privileges")
    body = ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
            '<c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
            '<c:time-range start="20300201T000000Z" end="20300202T000000Z"/></c:comp-filter></c:comp-filter>'
            "</c:filter></c:calendar-query>" % C)
    r = dav(srv, "REPORT", path, f, body, {"Depth": "1"})
    assert r.status_code == 207, r.text
    data = multistatus(r)[obj][200]["{%s}calendar-data" % C].text
    assert "DTSTART" in data and "SUMMARY" not in data and "Secret" not in data
    privs = propfind(srv, path, f, "d:current-user-privilege-set")[path][200]
    assert {p[0].tag for p in privs["{DAV:}current-user-privilege-set"]} == {"{%s}read-free-busy" % C}


def test_a_revoked_share_is_gone_at_the_next_propfind(srv, setup):
    v = setup["viewer"]
    path = shared_path(v, setup)
    home = "/dav/calendars/%s/" % v["id"]
    assert path in propfind(srv, home, v, "d:displayname", depth="1")
    r = setup["oc"].delete("/api/v1/calendars/%s/shares/%s" % (setup["cal"], setup["viewer_share"]["id"]))
    assert r.status_code == 204, r.text
    assert path not in propfind(srv, home, v, "d:displayname", depth="1")
    assert dav(srv, "PROPFIND", path, v, headers={"Depth": "0"}).status_code == 404
    assert dav(srv, "GET", path + setup["uid"] + ".ics", v).status_code == 404
