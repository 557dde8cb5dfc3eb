"""ICS feeds: the private feed with HTTP Basic (the caller's role decides the
detail), the public feed (busy or full, rotation and revocation, fetch
counts), ETag / If-None-Match / Last-Modified, and that every feed parses
with python3-icalendar."""
import time

from calutil import new_calendar
from conftest import PASSWORD, problem
from sharing import event_soon, feed, parse, share


def owner_with_events(srv, admin, **cal_fields):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    cal = new_calendar(c, time_zone="Europe/Paris", **cal_fields)
    event_soon(c, cal["id"], summary="Quarterly review", tzid="Europe/Paris")
    event_soon(c, cal["id"], days=4, summary="Dentist", **{"class": "private"})
    return u, c, cal


def test_private_feed_by_role(srv, admin):
    u, c, cal = owner_with_events(srv, admin)
    path = "/feeds/private/%s.ics" % cal["id"]
    r = feed(srv, path, auth=(u["email"], PASSWORD))
    assert sorted(s for s, _ in parse(r)) == ["Dentist", "Quarterly review"]
    assert b"BEGIN:VTIMEZONE" in r.content and b"TZID:Europe/Paris" in r.content
    # a session works too
    assert c.get(path).status_code == 200

    viewer, _ = srv.make_user(admin, "member")
    fb, _ = srv.make_user(admin, "member")
    stranger, _ = srv.make_user(admin, "member")
    share(c, cal["id"], kind="user", user_id=viewer["id"], role="viewer")
    share(c, cal["id"], kind="user", user_id=fb["id"], role="freebusy")
    seen = sorted(s for s, _ in parse(feed(srv, path, auth=(viewer["email"], PASSWORD))))
    assert "Quarterly review" in seen and "Dentist" not in seen and "Busy" in seen
    assert {s for s, _ in parse(feed(srv, path, auth=(fb["email"], PASSWORD)))} == {"Busy"}
    feed(srv, path, auth=(stranger["email"], PASSWORD), expect=404)
    feed(srv, "/feeds/private/%s" % cal["id"], auth=(u["email"], PASSWORD), expect=404)
    feed(srv, "/feeds/private/cal_nope.ics", auth=(u["email"], PASSWORD), expect=404)
    # another account's administrator sees nothing either
    b = srv.accounts["B"]
    feed(srv, path, auth=(b["admin_email"], b["password"]), expect=404)


def test_etag_304_and_changes(srv, admin):
    u, c, cal = owner_with_events(srv, admin)
    path = "/feeds/private/%s.ics" % cal["id"]
    auth = (u["email"], PASSWORD)
    r1 = feed(srv, path, auth=auth)
    etag, lm = r1.headers["ETag"], r1.headers["Last-Modified"]
    assert etag.startswith('"') and lm.endswith("GMT")
    r2 = feed(srv, path, auth=auth)
    assert r2.headers["ETag"] == etag and r2.content == r1.content
    r3 = feed(srv, path, auth=auth, headers={"If-None-Match": etag}, expect=304)
    assert r3.content == b"" and r3.headers["ETag"] == etag
    # a change to the calendar makes a new feed at once
    event_soon(c, cal["id"], days=5, summary="New one")
    r4 = feed(srv, path, auth=auth, headers={"If-None-Match": etag})
    assert r4.headers["ETag"] != etag and "New one" in [s for s, _ in parse(r4)]
    # each detail has its own ETag
    fb, _ = srv.make_user(admin, "member")
    share(c, cal["id"], kind="user", user_id=fb["id"], role="freebusy")
    r5 = feed(srv, path, auth=(fb["email"], PASSWORD), headers={"If-None-Match": r4.headers["ETag"]})
    assert r5.headers["ETag"] != r4.headers["ETag"]


def test_public_feed_busy_full_rotate_revoke(srv, admin):
    u, c, cal = owner_with_events(srv, admin)
    base = "/api/v1/calendars/%s/public-feed" % cal["id"]
    problem(c.get(base), 404)
    r = c.put(base, json={})
    assert r.status_code == 201, r.text
    pf = r.json()
    assert pf["detail"] == "busy" and pf["fetch_count"] == 0 and pf["last_fetched_at"] is None
    url = pf["url"]
    assert url.startswith(srv.url + "/feeds/public/") and url.endswith(".ics")
    path = url[len(srv.url):]
    # busy only: no SUMMARY but "Busy", whatever the events' class
    r = feed(srv, path)
    got = parse(r)
    assert len(got) == 2 and {s for s, _ in got} == {"Busy"}, got
    assert b"Quarterly review" not in r.content and b"Dentist" not in r.content
    feed(srv, path, headers={"If-None-Match": r.headers["ETag"]}, expect=304)
    shown = c.get(base).json()
    assert shown["url"] is None and shown["fetch_count"] == 2 and shown["last_fetched_at"]
    assert path.split("/")[-1][:-4] not in str(shown)

    # full: public events in full, private ones still busy; same address
    r = c.put(base, json={"detail": "full"})
    assert r.status_code == 200 and r.json()["detail"] == "full" and r.json()["url"] is None
    seen = sorted(s for s, _ in parse(feed(srv, path)))
    assert seen == ["Busy", "Quarterly review"], seen

    # rotation: the old address stops at once
    r = c.post(base + "/rotate")
    assert r.status_code == 200 and r.json()["rotated_at"], r.text
    new_path = r.json()["url"][len(srv.url):]
    assert new_path != path
    problem(feed(srv, path, expect=404), 404)
    parse(feed(srv, new_path))

    # a viewer grantee may not manage the public feed
    viewer, _ = srv.make_user(admin, "member")
    share(c, cal["id"], kind="user", user_id=viewer["id"], role="viewer")
    problem(srv.login_as(viewer).post(base + "/rotate"), 403)

    assert c.delete(base).status_code == 204
    feed(srv, new_path, expect=404)
    problem(c.get(base), 404)
    problem(c.delete(base), 404)
    r = c.put(base, json={"detail": "everything"})
    assert r.status_code == 422 and r.json()["field"] == "detail"


def test_public_feed_of_an_empty_calendar_parses(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    cal = new_calendar(c, name='Odd, "name"; with\\ escapes')
    url = c.put("/api/v1/calendars/%s/public-feed" % cal["id"], json={"detail": "full"}).json()["url"]
    r = feed(srv, url[len(srv.url):])
    assert parse(r) == []
    assert b"\r\n" in r.content


def test_unknown_public_addresses(srv):
    for p in ("/feeds/public/x.ics", "/feeds/public/%s.ics" % ("A" * 43), "/feeds/public/" + "A" * 43):
        problem(feed(srv, p, expect=404), 404)
