"""Calendars: the default calendar, creating, changing and deleting more,
validation, and that nobody else sees a user's calendars."""
from calutil import default_calendar, new_calendar
from conftest import problem, uniq


def test_every_owner_role_has_a_default_calendar(srv, admin):
    for role in ("admin", "manager", "api_manager", "technician", "member"):
        u, _ = srv.make_user(admin, role)
        c = srv.login_as(u)
        cals = c.get("/api/v1/calendars").json()["items"]
        own = [x for x in cals if x["role"] == "owner"]
        assert len(own) == 1 and own[0]["is_default"] and own[0]["owner_id"] == u["id"], (role, cals)
        # asking again does not make a second one
        assert len(c.get("/api/v1/calendars").json()["items"]) == len(cals)


def test_guests_and_customers_own_no_calendars(srv, admin):
    for role in ("customer",):
        u, _ = srv.make_user(admin, role)
        c = srv.login_as(u)
        assert c.get("/api/v1/calendars").json()["items"] == []
        problem(c.post("/api/v1/calendars", json={"name": "Mine"}), 403)


def test_default_calendar_takes_the_account_time_zone(srv):
    srv.add_account("CalTz", "Calendar time zone account")
    a = srv.admin("CalTz")
    assert a.patch("/api/v1/settings", json={"time_zone": "Europe/Paris"}).status_code == 200
    u, _ = srv.make_user(a, "member")
    assert default_calendar(srv.login_as(u))["time_zone"] == "Europe/Paris"


def test_create_change_delete(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    cal = new_calendar(c, colour="#ff8800", time_zone="America/New_York", description="Team offsites")
    assert cal["colour"] == "#ff8800" and cal["time_zone"] == "America/New_York" and not cal["is_default"]
    assert cal["feed_window"] == {"days_back": 90, "days_ahead": 730}
    r = c.patch("/api/v1/calendars/" + cal["id"], json={"name": "Offsites", "feed_window": {"days_back": 10}})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Offsites" and r.json()["feed_window"]["days_back"] == 10
    assert r.json()["version"] > cal["version"]
    assert c.get("/api/v1/calendars/" + cal["id"]).json()["name"] == "Offsites"
    assert c.delete("/api/v1/calendars/" + cal["id"]).status_code == 204
    problem(c.get("/api/v1/calendars/" + cal["id"]), 404)


def test_default_calendar_cannot_be_deleted(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    problem(c.delete("/api/v1/calendars/" + default_calendar(c)["id"]), 409, "default-calendar")


def test_bad_calendar_input(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    cases = [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "X", "colour": "red"}, "colour"),
        ({"name": "X", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"name": "X", "public_detail": "some"}, "public_detail"),
        ({"name": "X", "feed_window": {"days_back": -1}}, "days_back"),
        ({"name": "X", "feed_window": {"weeks": 1}}, "feed_window"),
    ]
    for body, field in cases:
        assert problem(c.post("/api/v1/calendars", json=body), 422)["field"] == field, body
    problem(c.post("/api/v1/calendars", json={"name": "X", "owner": "me"}), 422)


def test_nobody_else_sees_a_users_calendar(srv, admin):
    u, _ = srv.make_user(admin, "member")
    owner = srv.login_as(u)
    cal = new_calendar(owner)
    other, _ = srv.make_user(admin, "member")
    o = srv.login_as(other)
    for c in (o, admin):
        problem(c.get("/api/v1/calendars/" + cal["id"]), 404)
        problem(c.patch("/api/v1/calendars/" + cal["id"], json={"name": "Taken"}), 404)
        problem(c.get("/api/v1/calendars/%s/events" % cal["id"]), 404)
        assert cal["id"] not in [x["id"] for x in c.get("/api/v1/calendars").json()["items"]]
    srv.add_account("CalOther", "Another calendar account")
    b = srv.admin("CalOther")
    problem(b.get("/api/v1/calendars/" + cal["id"]), 404)
    problem(b.get("/api/v1/calendars/cal_not-an-id"), 404)


def test_calendar_changes_are_audited(srv, admin):
    cal = new_calendar(admin, name=uniq("Audited "))
    admin.patch("/api/v1/calendars/" + cal["id"], json={"colour": "#000000"})
    items = admin.get("/api/v1/audit", params={"target": cal["id"]}).json()["items"]
    assert {"calendar.create", "calendar.update"} <= {i["action"] for i in items}, items
