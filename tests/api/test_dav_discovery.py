"""Discovery from any address a user types (RFC 6764, RFC 5397): the
server root, /dav with or without its slash, /.well-known/caldav with or
without its slash and the principal itself all lead python3-caldav to the
principal and the calendars; a PROPFIND on / answers
current-user-principal (after Basic) while GET / stays the web app."""
import pytest

from calutil import default_calendar
from conftest import PASSWORD
from davutil import D, NS, dav, multistatus, propfind_body

caldav = pytest.importorskip("caldav")


@pytest.fixture
def member(srv):
    u, _ = srv.make_user(srv.admin("A"), "member")
    u["cal"] = default_calendar(srv.login_as(u))["id"]
    return u


@pytest.mark.parametrize("path", ["/", "", "/dav", "/dav/", "/.well-known/caldav", "/.well-known/caldav/",
                                  "principal"])
def test_python_caldav_finds_the_calendars_from_any_address(srv, member, path):
    if path == "principal":
        path = "/dav/principals/%s/" % member["id"]
    client = caldav.DAVClient(url=srv.url + path, username=member["email"], password=PASSWORD)
    principal = client.principal()
    assert str(principal.url).endswith("/dav/principals/%s/" % member["id"]), principal.url
    cals = principal.calendars()
    assert [str(c.url).rstrip("/").rsplit("/", 1)[1] for c in cals] == [member["cal"]]
    assert cals[0].events() == []


def test_propfind_on_the_root_needs_credentials_and_names_the_principal(srv, member):
    body = propfind_body("d:current-user-principal", "d:resourcetype", "d:principal-collection-set")
    r = dav(srv, "PROPFIND", "/", None, body, {"Depth": "0"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic"), r.headers
    r = dav(srv, "PROPFIND", "/", member, body, {"Depth": "0"})
    ms = multistatus(r)
    (href, props), = ms.items()
    assert href == "/"
    cup = props[200]["{DAV:}current-user-principal"].find("d:href", NS).text
    assert cup == "/dav/principals/%s/" % member["id"]
    assert props[200]["{DAV:}resourcetype"].find("d:collection", NS) is not None
    # at Depth 1, / holds the DAV root only (not the web app's files); never infinity
    r = dav(srv, "PROPFIND", "/", member, body, {"Depth": "1"})
    assert list(multistatus(r)) == ["/", "/dav/"]
    assert dav(srv, "PROPFIND", "/", member, body, {"Depth": "infinity"}).status_code == 403
    # wrong password: 401, nothing said
    r = dav(srv, "PROPFIND", "/", None, body, {"Depth": "0"}, auth=(member["email"], "wrong-password"))
    assert r.status_code == 401
    # GET / is still the web app
    r = dav(srv, "GET", "/", None)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html"), r.headers
    # OPTIONS / says what the server speaks
    r = dav(srv, "OPTIONS", "/", None)
    assert "calendar-access" in r.headers.get("DAV", ""), r.headers


def test_well_known_and_dav_without_slash_redirect_or_answer_in_place(srv, member):
    """GET redirects to /dav/ (RFC 6764 section 5); a PROPFIND is answered at
    the address asked, after credentials (401 without)"""
    body = propfind_body("d:current-user-principal")
    for path in ("/.well-known/caldav", "/.well-known/caldav/", "/dav"):
        for user in (None, member):
            r = dav(srv, "GET", path, user)
            assert r.status_code == 301 and r.headers["Location"] == "/dav/", (path, r.status_code)
        r = dav(srv, "PROPFIND", path, None, body, {"Depth": "0"})
        assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic"), (path, r.status_code)
        ms = multistatus(dav(srv, "PROPFIND", path, member, body, {"Depth": "0"}))
        assert list(ms) == [path]
        cup = ms[path][200]["{DAV:}current-user-principal"].find("d:href", NS).text
        assert cup == "/dav/principals/%s/" % member["id"]


def test_an_app_password_works_for_discovery_at_the_root(srv, member):
    c = srv.login_as(member)
    r = c.post("/api/v1/me/app-passwords", json={"label": "phone"})
    assert r.status_code == 201, r.text
    secret = r.json()["password"]
    body = propfind_body("d:current-user-principal")
    r = dav(srv, "PROPFIND", "/", None, body, {"Depth": "0"}, auth=(member["email"], secret))
    assert r.status_code == 207, r.text
    # an app password is still refused by the JSON API
    assert dav(srv, "GET", "/api/v1/me", None, auth=(member["email"], secret)).status_code == 401
