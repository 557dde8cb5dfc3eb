"""Helpers of the CalDAV tests: raw WebDAV requests with HTTP Basic, 207
multistatus documents parsed with xml.etree, and small iCalendar bodies."""
import xml.etree.ElementTree as ET

import requests

from conftest import PASSWORD, uniq

D, C, CS, A, X = "DAV:", "urn:ietf:params:xml:ns:caldav", "http://calendarserver.org/ns/", \
    "http://apple.com/ns/ical/", "urn:convene:dav"
NS = {"d": D, "c": C, "cs": CS, "a": A, "x": X}


def dav(srv, method, path, user=None, body=None, headers=None, auth=None, **kw):
    """a request with Basic as user (a user json) or auth; body str or bytes"""
    h = {"Content-Type": "application/xml; charset=utf-8"} if body is not None else {}
    h.update(headers or {})
    if auth is None and user is not None:
        auth = (user["email"], PASSWORD)
    data = body.encode() if isinstance(body, str) else body
    return requests.request(method, srv.url + path, auth=auth, data=data, headers=h, timeout=30,
                            allow_redirects=False, **kw)


def propfind_body(*props):
    """<D:propfind><D:prop> with props given as "d:name" / "c:name" / "{ns}name" """
    inner = "".join("<%s/>" % p if ":" in p and not p.startswith("{") else
                    '<x:%s xmlns:x="%s"/>' % (p.split("}")[1], p[1:].split("}")[0]) for p in props)
    return ('<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="%s" xmlns:cs="%s" xmlns:a="%s">'
            "<d:prop>%s</d:prop></d:propfind>" % (C, CS, A, inner))


def propfind(srv, path, user, *props, depth="0", expect=207):
    r = dav(srv, "PROPFIND", path, user, propfind_body(*props) if props else None, {"Depth": depth})
    assert r.status_code == expect, "%s %s" % (r.status_code, r.text[:800])
    return multistatus(r) if expect == 207 else r


def multistatus(r):
    """{href: {status: {"{ns}name": element}}} of a 207"""
    assert r.headers["Content-Type"].startswith("application/xml"), r.headers
    root = ET.fromstring(r.content)
    assert root.tag == "{DAV:}multistatus", r.text[:300]
    out = {}
    for resp in root.findall("d:response", NS):
        href = resp.find("d:href", NS).text
        by = out.setdefault(href, {})
        st = resp.find("d:status", NS)
        if st is not None:
            by[int(st.text.split()[1])] = {}
        for ps in resp.findall("d:propstat", NS):
            code = int(ps.find("d:status", NS).text.split()[1])
            by.setdefault(code, {}).update({p.tag: p for p in ps.find("d:prop", NS)})
    return out


def error(r, status, ns, name):
    """asserts r is a DAV:error naming the precondition {ns}name"""
    assert r.status_code == status, "%s %s" % (r.status_code, r.text[:500])
    assert r.headers["Content-Type"].startswith("application/xml"), r.headers
    root = ET.fromstring(r.content)
    assert root.tag == "{DAV:}error", r.text
    assert root.find("{%s}%s" % (ns, name)) is not None, r.text
    return root


def hrefs(el):
    return [h.text for h in el.findall("d:href", NS)]


def vevent(uid, summary="Planning", start="20300107T100000Z", end="20300107T110000Z", extra=""):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//dav//EN\r\nBEGIN:VEVENT\r\n"
            "UID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:%s\r\n%s"
            "END:VEVENT\r\nEND:VCALENDAR\r\n" % (uid, start, end, summary, extra))


def ical_put(srv, path, user, text, headers=None):
    h = {"Content-Type": "text/calendar; charset=utf-8"}
    h.update(headers or {})
    return dav(srv, "PUT", path, user, text, h)


def new_uid():
    return uniq("uid-") + "@test"


def dav_member(srv, account="A"):
    """a member of account signed in (u["client"]), with their default
    calendar's id (u["cal"]) and its DAV paths (u["home"], u["calpath"])"""
    from calutil import default_calendar
    u, _ = srv.make_user(srv.admin(account), "member")
    u["client"] = srv.login_as(u)
    u["cal"] = default_calendar(u["client"])["id"]
    u["home"] = "/dav/calendars/%s/" % u["id"]
    u["calpath"] = "/dav/calendars/%s/%s/" % (u["id"], u["cal"])
    return u
