"""Conferences (issue 15 section 1): account admins create and delete them and
appoint conference administrators (not guests or customers); those
administrators change them; anyone else of the account, and every other
account, gets 404. Each conference owns its schedule calendar, made with it,
managed by its administrators through the JSON API and CalDAV like a calendar
shared with them, shareable and publishable, and gone with the conference."""
import pytest
import requests

from conftest import PASSWORD, audit_items, problem, uniq, walk_pages
from davutil import D, dav, error, ical_put, new_uid, propfind, vevent
from sharing import event_soon, feed, share, window

BASE = "/api/v1/conferences"


def body(**over):
    b = {"name": uniq("Symposium "), "description": "Talks and posters", "starts_on": "2030-05-04",
         "ends_on": "2030-05-06", "time_zone": "Europe/Paris"}
    b.update(over)
    return {k: v for k, v in b.items() if v is not None}


def create(client, expect=201, **over):
    r = client.post(BASE, json=body(**over))
    assert r.status_code == expect, r.text
    return r.json()


def appoint(client, conf, user, expect=204):
    r = client.put("%s/%s/admins/%s" % (BASE, conf["id"], user["id"]))
    assert r.status_code == expect, r.text
    return r


@pytest.fixture(scope="module")
def people(srv):
    admin = srv.admin("A")
    out = {"admin": admin}
    for role in ("member", "manager", "guest", "customer", "technician"):
        u, _ = srv.make_user(admin, role)
        out[role] = u
    out["helper"], _ = srv.make_user(admin, "member")  # a conference administrator
    return out


def test_create_makes_the_schedule_calendar(srv, people):
    admin = people["admin"]
    r = admin.post(BASE, json=body(name="Physics 2030", time_zone="America/New_York"))
    assert r.status_code == 201, r.text
    c = r.json()
    assert r.headers["Location"] == "%s/%s" % (BASE, c["id"]) and c["id"].startswith("cnf_")
    assert c["name"] == "Physics 2030" and c["starts_on"] == "2030-05-04" and c["ends_on"] == "2030-05-06"
    assert c["time_zone"] == "America/New_York" and c["description"] == "Talks and posters"
    assert c["admins_count"] == 0 and c["can_manage"] is True and c["calendar_id"].startswith("cal_")
    assert c["created_at"].endswith("Z") and c["updated_at"].endswith("Z")
    assert admin.get("%s/%s" % (BASE, c["id"])).json() == c
    cal = admin.get("/api/v1/calendars/%s" % c["calendar_id"])
    assert cal.status_code == 200, cal.text
    cal = cal.json()
    assert cal["name"] == "Physics 2030" and cal["time_zone"] == "America/New_York"
    assert cal["conference_id"] == c["id"] and cal["owner_id"] is None and cal["room_id"] is None
    assert cal["role"] == "manager" and cal["is_default"] is False
    entry = audit_items(admin, "conference.create", c["id"])
    assert len(entry) == 1 and entry[0]["new"]["name"] == "Physics 2030"
    # without a time zone: the account's
    c2 = create(admin, time_zone=None)
    zone = admin.get("/api/v1/settings").json()
    assert c2["time_zone"] and admin.get("/api/v1/calendars/%s" % c2["calendar_id"]).json()["time_zone"] == \
        c2["time_zone"], zone


@pytest.mark.parametrize("over, field", [
    ({"name": None}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": 7}, "name"),
    ({"description": "d" * 4001}, "description"),
    ({"starts_on": None}, "starts_on"),
    ({"starts_on": "2030-02-30"}, "starts_on"),
    ({"starts_on": "2030-5-4"}, "starts_on"),
    ({"starts_on": "2030-05-04T10:00"}, "starts_on"),
    ({"ends_on": "04/05/2030"}, "ends_on"),
    ({"ends_on": None}, "ends_on"),
    ({"ends_on": "2030-05-03"}, "ends_on"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"time_zone": ""}, "time_zone"),
])
def test_bad_input_names_its_field_and_writes_nothing(srv, people, over, field):
    admin = people["admin"]
    before = len(walk_pages(admin, BASE, {"limit": 200}))
    b = problem(admin.post(BASE, json=body(**over)), 422, "invalid-field")
    assert b["field"] == field, b
    assert len(walk_pages(admin, BASE, {"limit": 200})) == before


def test_unknown_fields_and_bad_bodies(srv, people):
    admin = people["admin"]
    b = problem(admin.post(BASE, json=dict(body(), colour="#ffffff")), 422, "unknown-field")
    assert b["field"] == "colour"
    problem(admin.post(BASE, data="{", headers={"Content-Type": "application/json"}), 400, "malformed-json")
    problem(admin.post(BASE, json=["a"]), 400)
    # leap days are dates; a one-day conference is fine
    c = create(admin, starts_on="2032-02-29", ends_on="2032-02-29")
    assert c["starts_on"] == c["ends_on"] == "2032-02-29"
    # a PATCH of one date is checked against the other
    b = problem(admin.patch("%s/%s" % (BASE, c["id"]), json={"starts_on": "2032-03-01"}), 422, "invalid-field")
    assert b["field"] == "starts_on"
    assert admin.get("%s/%s" % (BASE, c["id"])).json()["starts_on"] == "2032-02-29"


def test_only_account_admins_create(srv, people):
    for role in ("member", "manager", "technician", "guest", "customer"):
        c = srv.login_as(people[role])
        problem(c.post(BASE, json=body()), 403, "forbidden")


def test_who_sees_what(srv, people):
    admin = people["admin"]
    mine, theirs = create(admin), create(admin)
    helper = people["helper"]
    appoint(admin, mine, helper)
    hc = srv.login_as(helper)
    # the conference administrator: theirs only, and may change it
    got = hc.get("%s/%s" % (BASE, mine["id"]))
    assert got.status_code == 200 and got.json()["can_manage"] is True and got.json()["admins_count"] == 1
    ids = {c["id"] for c in walk_pages(hc, BASE, {})}
    assert mine["id"] in ids and theirs["id"] not in ids
    problem(hc.get("%s/%s" % (BASE, theirs["id"])), 404, "not-found")
    problem(hc.patch("%s/%s" % (BASE, theirs["id"]), json={"name": "x"}), 404)
    problem(hc.get("%s/%s/admins" % (BASE, theirs["id"])), 404)
    r = hc.patch("%s/%s" % (BASE, mine["id"]), json={"description": "Changed by its administrator"})
    assert r.status_code == 200 and r.json()["description"] == "Changed by its administrator"
    # but only account admins delete (403: they see it)
    problem(hc.delete("%s/%s" % (BASE, mine["id"])), 403, "forbidden")
    # the account admin sees both
    ids = {c["id"] for c in walk_pages(admin, BASE, {})}
    assert {mine["id"], theirs["id"]} <= ids
    # anyone else of the account: 404 everywhere, an empty list
    for role in ("member", "manager", "technician", "guest", "customer"):
        c = srv.login_as(people[role])
        assert mine["id"] not in {x["id"] for x in walk_pages(c, BASE, {})}
        for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("GET", "/admins"),
                             ("PUT", "/admins/" + helper["id"]), ("DELETE", "/admins/" + helper["id"])):
            r = c.request(method, "%s/%s%s" % (BASE, mine["id"], path), json={} if method == "PATCH" else None)
            problem(r, 404, "not-found")
        problem(c.get("/api/v1/calendars/%s" % mine["calendar_id"]), 404)
    # another account: 404, whatever its role
    other = srv.admin("B")
    for method in ("GET", "PATCH", "DELETE"):
        problem(other.request(method, "%s/%s" % (BASE, mine["id"]), json={} if method == "PATCH" else None), 404)
    problem(other.put("%s/%s/admins/%s" % (BASE, mine["id"], helper["id"])), 404)
    problem(other.get("/api/v1/calendars/%s" % mine["calendar_id"]), 404)
    assert mine["id"] not in {x["id"] for x in walk_pages(other, BASE, {})}
    # ids of the wrong shape are simply not there
    problem(admin.get(BASE + "/cnf_nope"), 404)
    problem(admin.get(BASE + "/" + mine["calendar_id"]), 404)


def test_administrators(srv, people):
    admin = people["admin"]
    conf = create(admin)
    member = srv.make_user(admin, "member")[0]
    manager = people["manager"]
    appoint(admin, conf, member)
    appoint(admin, conf, member)  # again: nothing changes
    assert len(audit_items(admin, "conference.admin_add", conf["id"])) == 1
    items = admin.get("%s/%s/admins" % (BASE, conf["id"])).json()["items"]
    assert [(a["user_id"], a["email"], a["display_name"]) for a in items] == \
        [(member["id"], member["email"], member["display_name"])]
    assert items[0]["added_at"].endswith("Z")
    # a conference administrator appoints others too
    mc = srv.login_as(member)
    appoint(mc, conf, manager)
    assert mc.get("%s/%s" % (BASE, conf["id"])).json()["admins_count"] == 2
    # guests and customers hold no office: a field error, nothing written
    for role in ("guest", "customer"):
        b = problem(mc.put("%s/%s/admins/%s" % (BASE, conf["id"], people[role]["id"])), 422, "invalid-field")
        assert b["field"] == "user_id"
    # users that are not of the account
    b = problem(admin.put("%s/%s/admins/usr_aaaaaaaaaaaaaaaaaaaa" % (BASE, conf["id"])), 404, "not-found")
    assert "usr_aaaaaaaaaaaaaaaaaaaa" in b["detail"]
    other_user = srv.make_user(srv.admin("B"), "member")[0]
    problem(admin.put("%s/%s/admins/%s" % (BASE, conf["id"], other_user["id"])), 404, "not-found")
    problem(admin.put("%s/%s/admins/nonsense" % (BASE, conf["id"])), 404, "not-found")
    assert {a["user_id"] for a in admin.get("%s/%s/admins" % (BASE, conf["id"])).json()["items"]} == \
        {member["id"], manager["id"]}
    # removal: audited, and the office ends at the very next request
    assert admin.delete("%s/%s/admins/%s" % (BASE, conf["id"], member["id"])).status_code == 204
    assert admin.delete("%s/%s/admins/%s" % (BASE, conf["id"], member["id"])).status_code == 204
    assert len(audit_items(admin, "conference.admin_remove", conf["id"])) == 1
    problem(mc.get("%s/%s" % (BASE, conf["id"])), 404)
    problem(mc.get("/api/v1/calendars/%s" % conf["calendar_id"]), 404)
    assert admin.get("%s/%s" % (BASE, conf["id"])).json()["admins_count"] == 1


def test_a_deleted_user_or_a_guest_is_no_longer_administrator(srv, people):
    admin = people["admin"]
    conf = create(admin)
    gone, _ = srv.make_user(admin, "member")
    demoted, _ = srv.make_user(admin, "member")
    appoint(admin, conf, gone)
    appoint(admin, conf, demoted)
    dc = srv.login_as(demoted)
    assert dc.get("%s/%s" % (BASE, conf["id"])).status_code == 200
    assert admin.delete("/api/v1/users/%s" % gone["id"]).status_code == 204
    r = admin.patch("/api/v1/users/%s" % demoted["id"], json={"role": "guest"})
    assert r.status_code == 200, r.text
    dc = srv.login_as(demoted)
    problem(dc.get("%s/%s" % (BASE, conf["id"])), 404)
    problem(dc.get("/api/v1/calendars/%s" % conf["calendar_id"]), 404)
    assert admin.get("%s/%s/admins" % (BASE, conf["id"])).json()["items"] == []
    assert admin.get("%s/%s" % (BASE, conf["id"])).json()["admins_count"] == 0


def test_change_keeps_the_schedule_in_step(srv, people):
    admin = people["admin"]
    conf = create(admin, name="Old name", time_zone="Europe/Paris")
    calp = "/api/v1/calendars/%s" % conf["calendar_id"]
    r = admin.patch("%s/%s" % (BASE, conf["id"]), json={"name": "New name", "time_zone": "Asia/Tokyo",
                                                         "ends_on": "2030-05-09"})
    assert r.status_code == 200, r.text
    c = r.json()
    assert (c["name"], c["time_zone"], c["starts_on"], c["ends_on"]) == \
        ("New name", "Asia/Tokyo", "2030-05-04", "2030-05-09")
    assert c["updated_at"] >= conf["updated_at"]
    cal = admin.get(calp).json()
    assert (cal["name"], cal["time_zone"]) == ("New name", "Asia/Tokyo")
    entry = audit_items(admin, "conference.update", conf["id"])[0]
    assert entry["old"]["name"] == "Old name" and entry["new"]["name"] == "New name"
    # a name given to the calendar itself stays; the zone still follows
    assert admin.patch(calp, json={"name": "Programme"}).status_code == 200
    r = admin.patch("%s/%s" % (BASE, conf["id"]), json={"name": "Newer name", "time_zone": "UTC"})
    assert r.status_code == 200, r.text
    cal = admin.get(calp).json()
    assert (cal["name"], cal["time_zone"]) == ("Programme", "UTC")
    # an empty PATCH changes nothing but is fine
    assert admin.patch("%s/%s" % (BASE, conf["id"]), json={}).json()["name"] == "Newer name"


def test_delete_takes_the_schedule_with_it(srv, people):
    admin = people["admin"]
    conf = create(admin)
    viewer, _ = srv.make_user(admin, "member")
    cal = conf["calendar_id"]
    r = admin.post("/api/v1/rooms", json={"name": uniq("Auditorium ")})
    assert r.status_code == 201, r.text
    room = r.json()["id"]
    ev = event_soon(admin, cal, summary="Keynote", room_ids=[room])
    assert ev["bookings"][0]["status"] == "confirmed", ev
    start, end = window()
    bookings = "/api/v1/rooms/%s/bookings" % room
    assert [b["event_id"] for b in admin.get(bookings, params={"start": start, "end": end}).json()["items"]] == \
        [ev["id"]]
    share(admin, cal, kind="user", user_id=viewer["id"], role="viewer")
    pf = admin.put("/api/v1/calendars/%s/public-feed" % cal, json={"detail": "full"})
    assert pf.status_code == 201, pf.text
    path = pf.json()["url"][len(srv.url):]
    appoint(admin, conf, people["helper"])
    assert admin.delete("%s/%s" % (BASE, conf["id"])).status_code == 204
    problem(admin.get("%s/%s" % (BASE, conf["id"])), 404)
    problem(admin.delete("%s/%s" % (BASE, conf["id"])), 404)
    problem(admin.get("/api/v1/calendars/%s" % cal), 404)
    problem(admin.get("/api/v1/calendars/%s/events/%s" % (cal, ev["id"])), 404)
    vc = srv.login_as(viewer)
    assert cal not in {c["id"] for c in vc.get("/api/v1/calendars").json()["items"]}
    feed(srv, path, expect=404)
    assert admin.get(bookings, params={"start": start, "end": end}).json()["items"] == []
    hc = srv.login_as(people["helper"])
    assert conf["id"] not in {c["id"] for c in walk_pages(hc, BASE, {})}
    assert len(audit_items(admin, "conference.delete", conf["id"])) == 1
    assert len(audit_items(admin, "calendar.delete", cal)) == 1


def test_administrators_manage_the_schedule(srv, people):
    admin = people["admin"]
    conf = create(admin)
    helper, _ = srv.make_user(admin, "member")
    outsider, _ = srv.make_user(admin, "member")
    appoint(admin, conf, helper)
    hc = srv.login_as(helper)
    cal = conf["calendar_id"]
    listed = {c["id"]: c for c in hc.get("/api/v1/calendars").json()["items"]}
    assert listed[cal]["role"] == "manager" and listed[cal]["conference_id"] == conf["id"]
    # a manager writes events, changes the calendar and shares it, but does not delete it
    ev = event_soon(hc, cal, summary="Opening session")
    assert hc.patch("/api/v1/calendars/%s" % cal, json={"colour": "#112233"}).status_code == 200
    problem(hc.delete("/api/v1/calendars/%s" % cal), 403)
    problem(admin.delete("/api/v1/calendars/%s" % cal), 403)
    share(hc, cal, kind="user", user_id=outsider["id"], role="viewer")
    oc = srv.login_as(outsider)
    seen = {c["id"]: c["role"] for c in oc.get("/api/v1/calendars").json()["items"]}
    assert seen[cal] == "viewer"
    assert oc.get("/api/v1/calendars/%s/events/%s" % (cal, ev["id"])).status_code == 200
    problem(oc.get("%s/%s" % (BASE, conf["id"])), 404)  # a share of the schedule is not the conference

    # CalDAV: the schedule is in the administrator's home as calendars shared with them are
    home = "/dav/calendars/%s/" % helper["id"]
    path = "%s%s/" % (home, cal)
    got = propfind(srv, home, helper, "d:displayname", "d:current-user-privilege-set", depth="1")
    assert path in got, list(got)
    privs = {p[0].tag for p in got[path][200]["{DAV:}current-user-privilege-set"]}
    assert {"{DAV:}read", "{DAV:}write-content", "{DAV:}bind"} <= privs, privs
    uid = new_uid()
    r = ical_put(srv, path + uid + ".ics", helper, vevent(uid, "Poster session", "20300504T140000Z",
                                                          "20300504T160000Z"))
    assert r.status_code == 201, r.text
    assert "Poster session" in dav(srv, "GET", path + uid + ".ics", helper).text
    # nobody owns the schedule: it goes with its conference, not by a DELETE of the collection
    error(dav(srv, "DELETE", path, helper), 403, D, "need-privileges")
    # not in an outsider's home beyond their viewer share, and gone with the office
    assert admin.delete("%s/%s/admins/%s" % (BASE, conf["id"], helper["id"])).status_code == 204
    assert path not in propfind(srv, home, helper, "d:displayname", depth="1")
    assert dav(srv, "PROPFIND", path, helper, headers={"Depth": "0"}).status_code == 404
    assert dav(srv, "GET", path + uid + ".ics", helper).status_code == 404
    assert cal not in {c["id"] for c in hc.get("/api/v1/calendars").json()["items"]}


def test_account_admins_manage_every_schedule(srv, people):
    conf = create(people["admin"])
    other_admin, _ = srv.make_user(people["admin"], "admin")
    oc = srv.login_as(other_admin)
    assert oc.get("/api/v1/calendars/%s" % conf["calendar_id"]).json()["role"] == "manager"
    assert oc.get("%s/%s" % (BASE, conf["id"])).json()["can_manage"] is True
    event_soon(oc, conf["calendar_id"], summary="Added by another administrator")


def test_the_schedule_has_a_public_feed(srv, people):
    admin = people["admin"]
    conf = create(admin)
    cal = conf["calendar_id"]
    event_soon(admin, cal, summary="Closing talk")
    r = admin.put("/api/v1/calendars/%s/public-feed" % cal, json={"detail": "full"})
    assert r.status_code == 201, r.text
    got = requests.get(r.json()["url"], timeout=30)
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/calendar")
    assert "Closing talk" in got.text and "BEGIN:VCALENDAR" in got.text


def test_list_pages_by_start_date(srv):
    srv.add_account("Conf", "Conference paging")
    admin = srv.admin("Conf")
    made = [create(admin, starts_on=d, ends_on=d)["id"] for d in
            ("2031-03-01", "2030-01-01", "2031-03-01", "2030-06-15", "2029-12-31")]
    first = admin.get(BASE, params={"limit": 2})
    assert first.status_code == 200 and len(first.json()["items"]) == 2 and first.json()["next_cursor"]
    items = walk_pages(admin, BASE, {"limit": 2})
    assert sorted(x["id"] for x in items) == sorted(made)
    keys = [(x["starts_on"], x["id"]) for x in items]
    assert keys == sorted(keys)
    assert admin.get(BASE, params={"limit": 200}).json()["next_cursor"] is None
    for bad in ({"limit": 0}, {"limit": 201}, {"limit": "x"}, {"cursor": "!!"}, {"cursor": "bm9wZQ"}):
        b = problem(admin.get(BASE, params=bad), 400, "invalid-query")
        assert b["field"] in ("limit", "cursor")


def test_administrators_appoint_colleagues_by_address(srv, people):
    """members who administer a conference cannot list the account's users,
    so they name a colleague by e-mail address (as when sharing a calendar);
    the address is looked up in their own account only"""
    admin = people["admin"]
    conf = create(admin)
    helper = srv.make_user(admin, "member")[0]
    appoint(admin, conf, helper)
    hc = srv.login_as(helper)
    problem(hc.get("/api/v1/users"), 403)
    colleague = srv.make_user(admin, "member")[0]
    r = hc.post("%s/%s/admins" % (BASE, conf["id"]), json={"email": colleague["email"].upper()})
    assert r.status_code == 201, r.text
    a = r.json()
    assert (a["user_id"], a["email"], a["display_name"]) == \
        (colleague["id"], colleague["email"], colleague["display_name"])
    assert a["added_at"].endswith("Z")
    again = hc.post("%s/%s/admins" % (BASE, conf["id"]), json={"email": colleague["email"]})
    assert again.status_code == 200, again.text
    assert again.json()["added_at"] == a["added_at"]
    assert len(audit_items(admin, "conference.admin_add", conf["id"])) == 2
    # the colleague now administers it
    assert srv.login_as(colleague).get("%s/%s" % (BASE, conf["id"])).status_code == 200
    # guests, customers, unknown addresses and other accounts' users: a field error, nothing written
    other = srv.make_user(srv.admin("B"), "member")[0]
    for email in (people["guest"]["email"], people["customer"]["email"], "nobody-%s@example.test" % uniq(),
                  other["email"]):
        b = problem(hc.post("%s/%s/admins" % (BASE, conf["id"]), json={"email": email}), 422, "invalid-field")
        assert b["field"] == "email"
    b = problem(hc.post("%s/%s/admins" % (BASE, conf["id"]), json={"email": "not an address"}), 422,
                "invalid-field")
    assert b["field"] == "email"
    assert {x["user_id"] for x in admin.get("%s/%s/admins" % (BASE, conf["id"])).json()["items"]} == \
        {helper["id"], colleague["id"]}
    # whoever does not administer it: 404, as for every route under it
    problem(srv.login_as(people["member"]).post("%s/%s/admins" % (BASE, conf["id"]),
                                                 json={"email": colleague["email"]}), 404)
