"""Dead properties (RFC 4918 section 4.1, 9.2) on calendars and events:
PROPPATCH keeps any property it does not interpret (Apple's calendar-order,
a client's own), in one transaction with the live ones (all or nothing,
424 for the rest), bounded per property and per resource (507); PROPFIND
gives them back by name, in allprop and propname, with their namespaces
and xml:lang; they follow an event that MOVEs and go when it is deleted.
Plain collections inside a calendar (RFC 4791 section 4.2) hold plain
files; a calendar collection itself still takes calendar data only."""

import pytest

from sharing import share
from davutil import A, C, D, NS, dav, dav_member, error, ical_put, multistatus, new_uid, propfind, vevent

Z = "urn:example:z"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def carol(srv):
    return dav_member(srv)


def update(*ops, lang=None):
    """a propertyupdate of ("set"|"remove", inner xml of D:prop)"""
    body = "".join("<d:%s><d:prop%s>%s</d:prop></d:%s>" % (op, ' xml:lang="%s"' % lang if lang else "", inner, op)
                   for op, inner in ops)
    return ('<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:a="%s" xmlns:c="%s" xmlns:z="%s">'
            "%s</d:propertyupdate>" % (A, C, Z, body))


def statuses(r, path):
    assert r.status_code == 207, r.text
    return {code: set(props) for code, props in multistatus(r)[path].items()}


def test_dead_properties_on_a_calendar_with_the_live_ones(srv, carol):
    path = carol["calpath"]
    r = dav(srv, "PROPPATCH", path, carol, update(
        ("set", "<d:displayname>Carol's</d:displayname><a:calendar-order>3</a:calendar-order>"
                '<z:note>Bonjour <z:b xmlns:q="urn:q"><q:x>1</q:x></z:b></z:note>'), lang="fr"))
    assert statuses(r, path) == {200: {"{DAV:}displayname", "{%s}calendar-order" % A, "{%s}note" % Z}}
    got = propfind(srv, path, carol, "{%s}calendar-order" % A, "{%s}note" % Z, "d:displayname")[path][200]
    assert got["{%s}calendar-order" % A].text == "3" and got["{DAV:}displayname"].text == "Carol's"
    note = got["{%s}note" % Z]
    assert note.get(XML_LANG) == "fr" and note.text == "Bonjour "
    assert note.find("{%s}b/{urn:q}x" % Z).text == "1"  # namespaces inside the value survive
    assert carol["client"].get("/api/v1/calendars/%s" % carol["cal"]).json()["name"] == "Carol's"
    # propname and allprop include them; a Depth 1 listing of the home too
    names = propfind(srv, path, carol)[path][200]  # no body: allprop
    assert {"{%s}calendar-order" % A, "{%s}note" % Z} <= set(names)
    r = dav(srv, "PROPFIND", path, carol, '<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>', {"Depth": "0"})
    assert {"{%s}calendar-order" % A, "{%s}note" % Z, "{DAV:}getctag"} - {"{DAV:}getctag"} <= \
        set(multistatus(r)[path][200])
    home = propfind(srv, carol["home"], carol, "{%s}calendar-order" % A, depth="1")
    assert home[path][200]["{%s}calendar-order" % A].text == "3"
    # removal; removing what is not there is fine too (RFC 4918 section 14.23)
    r = dav(srv, "PROPPATCH", path, carol, update(("remove", "<z:note/><z:never/>")))
    assert statuses(r, path) == {200: {"{%s}note" % Z, "{%s}never" % Z}}
    assert "{%s}note" % Z in propfind(srv, path, carol, "{%s}note" % Z)[path][404]


def test_a_proppatch_is_all_or_nothing_across_live_and_dead(srv, carol):
    path = carol["calpath"]
    before = carol["client"].get("/api/v1/calendars/%s" % carol["cal"]).json()["name"]
    r = dav(srv, "PROPPATCH", path, carol, update(
        ("set", "<d:displayname>Never</d:displayname><z:kept>no</z:kept><d:getetag>x</d:getetag>")))
    st = statuses(r, path)
    assert st == {424: {"{DAV:}displayname", "{%s}kept" % Z}, 403: {"{DAV:}getetag"}}, st
    assert b"cannot-modify-protected-property" in r.content
    assert carol["client"].get("/api/v1/calendars/%s" % carol["cal"]).json()["name"] == before
    assert "{%s}kept" % Z in propfind(srv, path, carol, "{%s}kept" % Z)[path][404]
    # a live value that is wrong fails the dead ones with it
    r = dav(srv, "PROPPATCH", path, carol, update(("set", "<a:calendar-color>red</a:calendar-color><z:kept>no</z:kept>")))
    assert statuses(r, path) == {409: {"{%s}calendar-color" % A}, 424: {"{%s}kept" % Z}}


def test_dead_properties_are_bounded(srv, carol):
    path = carol["calpath"]
    big = "<z:big>%s</z:big>" % ("x" * 17000)
    r = dav(srv, "PROPPATCH", path, carol, update(("set", big + "<z:small>1</z:small>")))
    assert statuses(r, path) == {507: {"{%s}big" % Z}, 424: {"{%s}small" % Z}}
    assert b"at most 16384 bytes" in r.content
    many = "".join("<z:p%d>v</z:p%d>" % (i, i) for i in range(60))
    assert set(statuses(dav(srv, "PROPPATCH", path, carol, update(("set", many))), path)) == {200}
    more = "".join("<z:q%d>v</z:q%d>" % (i, i) for i in range(10))
    r = dav(srv, "PROPPATCH", path, carol, update(("set", more)))
    assert set(statuses(r, path)) == {507}
    assert "{%s}q0" % Z in propfind(srv, path, carol, "{%s}q0" % Z)[path][404]  # nothing kept
    dav(srv, "PROPPATCH", path, carol, update(("remove", many.replace(">v<", "><"))))


def test_dead_properties_of_events_follow_a_move_and_go_with_a_delete(srv, carol):
    uid = new_uid()
    src = carol["calpath"] + uid + ".ics"
    assert ical_put(srv, src, carol, vevent(uid)).status_code == 201
    r = dav(srv, "PROPPATCH", src, carol, update(("set", "<z:tag>blue</z:tag>")))
    assert statuses(r, src) == {200: {"{%s}tag" % Z}}
    listing = propfind(srv, carol["calpath"], carol, "{%s}tag" % Z, "d:getetag", depth="1")
    assert listing[src][200]["{%s}tag" % Z].text == "blue"
    assert all("{%s}tag" % Z in v.get(404, {}) for h, v in listing.items() if h not in (src, carol["calpath"]))
    dst = carol["calpath"] + "moved-" + uid + ".ics"
    assert dav(srv, "MOVE", src, carol, headers={"Destination": dst}).status_code == 201
    assert propfind(srv, dst, carol, "{%s}tag" % Z)[dst][200]["{%s}tag" % Z].text == "blue"
    assert dav(srv, "DELETE", dst, carol).status_code == 204
    assert ical_put(srv, dst, carol, vevent(uid)).status_code == 201
    assert "{%s}tag" % Z in propfind(srv, dst, carol, "{%s}tag" % Z)[dst][404]
    # PROPPATCH of an event that is not there
    assert dav(srv, "PROPPATCH", carol["calpath"] + "none.ics", carol,
               update(("set", "<z:tag>x</z:tag>"))).status_code == 404


def test_mkcalendar_keeps_the_dead_properties_it_is_given(srv, carol):
    path = carol["home"] + "ordered/"
    body = ('<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="%s" xmlns:a="%s"><d:set><d:prop>'
            "<d:displayname>Ordered</d:displayname><a:calendar-order>7</a:calendar-order></d:prop></d:set>"
            "</c:mkcalendar>" % (C, A))
    assert dav(srv, "MKCALENDAR", path, carol, body).status_code == 201
    assert propfind(srv, path, carol, "{%s}calendar-order" % A)[path][200]["{%s}calendar-order" % A].text == "7"
    assert dav(srv, "DELETE", path, carol).status_code == 204


def test_calendar_collections_take_calendar_data_and_plain_collections_plain_files(srv, carol):
    cal = carol["calpath"]
    error(dav(srv, "PUT", cal + "notes.txt", carol, "hello", {"Content-Type": "text/plain"}), 403, C,
          "supported-calendar-data")
    error(dav(srv, "MKCALENDAR", cal + "inner/", carol), 403, C, "calendar-collection-location-ok")
    assert dav(srv, "MKCOL", cal + "files/", carol).status_code == 201
    assert dav(srv, "PUT", cal + "files/notes.txt", carol, "hello", {"Content-Type": "text/plain"}).status_code == 201
    r = dav(srv, "GET", cal + "files/notes.txt", carol)
    assert r.status_code == 200 and r.text == "hello" and r.headers["Content-Type"].startswith("text/plain")
    got = propfind(srv, cal + "files/", carol, "d:resourcetype", "d:getcontentlength", depth="1")
    assert got[cal + "files/notes.txt"][200]["{DAV:}getcontentlength"].text == "5"
    assert got[cal + "files/"][200]["{DAV:}resourcetype"].find("d:collection", NS) is not None
    # not calendar data: the calendar's reports do not see it
    r = dav(srv, "REPORT", cal, carol, '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1'
            "</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>", {"Depth": "1"})
    assert r.status_code == 207 and b"notes.txt" not in r.content
    # a viewer reads, but does not write
    admin = srv.admin("A")
    viewer, _ = srv.make_user(admin, "member")
    share(carol["client"], carol["cal"], kind="user", user_id=viewer["id"], role="viewer")
    vpath = "/dav/calendars/%s/%s/files/notes.txt" % (viewer["id"], carol["cal"])
    assert dav(srv, "GET", vpath, viewer).text == "hello"
    error(dav(srv, "PUT", vpath, viewer, "x", {"Content-Type": "text/plain"}), 403, D, "need-privileges")
    error(dav(srv, "PROPPATCH", vpath, viewer, update(("set", "<z:tag>x</z:tag>"))), 403, D, "need-privileges")
    assert dav(srv, "DELETE", cal + "files/", carol).status_code == 204
    assert dav(srv, "GET", cal + "files/notes.txt", carol).status_code == 404
