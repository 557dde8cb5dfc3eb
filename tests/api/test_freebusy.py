"""Free/busy of users (busy spans from every calendar they own, merged,
series expanded, transparent and cancelled events left out) and of rooms
(their bookings); unknown ids reported one by one; no cap at 50; finding
the first times when everyone and a fitting room are free."""
from calutil import new_calendar, new_event
from conftest import new_member, problem, uniq


def fb(c, ids, start="2030-06-03T00:00:00Z", end="2030-06-10T00:00:00Z"):
    r = c.post("/api/v1/freebusy", json={"start": start, "end": end, "users": ids})
    assert r.status_code == 200, r.text
    return r.json()


def test_busy_spans_merge_across_calendars_and_series(srv, admin):
    u, c = new_member(srv, admin)
    work = new_calendar(c, time_zone="Europe/Paris")
    side = new_calendar(c, time_zone="UTC")
    new_event(c, work["id"], start="2030-06-03T10:00:00", end="2030-06-03T11:00:00")      # 08-09Z
    new_event(c, side["id"], start="2030-06-03T08:30:00Z", end="2030-06-03T09:30:00Z")    # overlaps
    new_event(c, work["id"], start="2030-06-04T09:00:00", end="2030-06-04T09:30:00",
              rrule="FREQ=DAILY;COUNT=3")                                                    # 07-07:30Z x3
    new_event(c, work["id"], start="2030-06-05T14:00:00", end="2030-06-05T15:00:00", transparency="transparent")
    new_event(c, work["id"], start="2030-06-05T16:00:00", end="2030-06-05T17:00:00", status="cancelled")
    _, asker = new_member(srv, admin)
    got = fb(asker, [u["id"]])
    assert got["errors"] == []
    assert got["users"] == [{"id": u["id"], "busy": [
        {"start": "2030-06-03T08:00:00Z", "end": "2030-06-03T09:30:00Z"},
        {"start": "2030-06-04T07:00:00Z", "end": "2030-06-04T07:30:00Z"},
        {"start": "2030-06-05T07:00:00Z", "end": "2030-06-05T07:30:00Z"},
        {"start": "2030-06-06T07:00:00Z", "end": "2030-06-06T07:30:00Z"}]}]
    # spans are clipped to the window
    got = fb(asker, [u["id"]], "2030-06-03T08:30:00Z", "2030-06-03T09:00:00Z")
    assert got["users"][0]["busy"] == [{"start": "2030-06-03T08:30:00Z", "end": "2030-06-03T09:00:00Z"}]


def test_many_users_and_unknown_ones(srv, admin):
    people = [new_member(srv, admin)[0]["id"] for _ in range(60)]
    srv.add_account("FbOther", "Free/busy other account")
    stranger, _ = srv.make_user(srv.admin("FbOther"), "member")
    _, asker = new_member(srv, admin)
    got = fb(asker, people + [stranger["id"], "usr_aaaaaaaaaaaaaaaaaaaa", "nonsense"])
    assert [x["id"] for x in got["users"]] == people and all(x["busy"] == [] for x in got["users"])
    assert [e["id"] for e in got["errors"]] == [stranger["id"], "usr_aaaaaaaaaaaaaaaaaaaa", "nonsense"]


def test_bad_free_busy_requests(srv, admin):
    u, c = new_member(srv, admin)
    url = "/api/v1/freebusy"
    assert problem(c.post(url, json={"start": "2030-01-02", "end": "2030-01-01", "users": []}), 422)["field"] == "end"
    assert problem(c.post(url, json={"start": "2030-01-01", "end": "2030-06-01", "users": []}), 422)["field"] == "end"
    assert problem(c.post(url, json={"start": "soon", "end": "2030-01-01", "users": []}), 422)["field"] == "start"
    assert problem(c.post(url, json={"start": "2030-01-01", "end": "2030-01-02"}), 422)["field"] == "users"
    cust, _ = srv.make_user(admin, "customer")
    problem(srv.login_as(cust).post(url, json={"start": "2030-01-01", "end": "2030-01-02", "users": []}), 403)


def test_rooms_are_busy_with_their_bookings(srv, admin):
    from test_rooms import M, book, booker, room, utc
    rm = room(admin)
    _, c, cal = booker(srv, admin)
    assert book(c, cal, [rm]).status_code == 201  # 10-11 Paris
    r = c.post("/api/v1/freebusy", json={"start": M, "end": utc(M, "23:00"), "rooms": [rm["id"], "room_x"]})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["rooms"] == [{"id": rm["id"], "busy": [{"start": utc(M, "10:00"), "end": utc(M, "11:00")}]}]
    assert got["users"] == [] and [e["id"] for e in got["errors"]] == ["room_x"]


def test_find_a_time_for_people_and_a_room(srv, admin):
    from test_rooms import M, book, booker, room, utc
    tag = uniq("ft").lower().replace(" ", "")
    rm = room(admin, capacity=5, equipment=[tag])
    ann, ca, cal_a = booker(srv, admin)
    bob, cb, cal_b = booker(srv, admin)
    new_event(ca, cal_a["id"], start=M + "T09:00:00", end=M + "T10:00:00")   # Ann busy 9-10 Paris
    new_event(cb, cal_b["id"], start=M + "T10:00:00", end=M + "T10:30:00")   # Bob busy 10-10:30
    book(ca, cal_a, [rm], start=M + "T10:30:00", end=M + "T11:00:00")        # the only room busy 10:30-11
    # Ann's own booking makes her busy 10:30-11 as well
    body = {"start": utc(M, "09:00"), "end": utc(M, "12:00"), "duration_minutes": 30,
            "users": [ann["id"], bob["id"]], "room": {"capacity": 4, "equipment": [tag]}, "count": 2}
    r = ca.post("/api/v1/find-time", json=body)
    assert r.status_code == 200, r.text
    slots = r.json()["slots"]
    assert [s["start"] for s in slots] == [utc(M, "11:00"), utc(M, "11:15")]
    assert slots[0]["rooms"][0]["id"] == rm["id"]
    # without a room, 11:00 is still the first time both are free
    del body["room"]
    assert ca.post("/api/v1/find-time", json=body).json()["slots"][0]["start"] == utc(M, "11:00")
    assert problem(ca.post("/api/v1/find-time", json=dict(body, duration_minutes=1)), 422)["field"] == "duration_minutes"
