"""Rooms and bookings: room administration, booking by inviting a room
(room_ids), every booking rule with the refusal naming it and offering other
rooms, series with partial conflicts, moving and cancelling, approval, the
room search and schedule, and exactly one winner among 32 concurrent
requests for one slot."""
import datetime
import threading

from calutil import new_calendar
from conftest import problem, uniq


def monday(weeks=3):
    """a Monday a few weeks ahead: within every default horizon, past every notice"""
    d = datetime.date.today() + datetime.timedelta(weeks=weeks)
    return d - datetime.timedelta(days=d.weekday())


M = monday().isoformat()                                     # a Monday
T = (monday() + datetime.timedelta(days=1)).isoformat()      # its Tuesday
N = (monday() + datetime.timedelta(days=7)).isoformat()      # the next Monday
L = (monday() + datetime.timedelta(days=28)).isoformat()     # four weeks later


def utc(day, hm):
    """Paris wall time -> UTC, for the search (3 weeks ahead: any offset)"""
    import zoneinfo
    t = datetime.datetime.fromisoformat("%sT%s:00" % (day, hm)).replace(tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def room(admin, **fields):
    body = {"name": uniq("Room "), "capacity": 8, "building": "HQ", "floor": "2", **fields}
    r = admin.post("/api/v1/rooms", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def booker(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    return u, c, new_calendar(c, time_zone="Europe/Paris")


def book(c, cal, rooms, start=M + "T10:00:00", end=M + "T11:00:00", **extra):
    return c.post("/api/v1/calendars/%s/events" % cal["id"],
                  json={"summary": uniq("Meeting "), "start": start, "end": end,
                        "room_ids": [r["id"] for r in rooms], **extra})


def test_room_administration(srv, admin):
    r = room(admin, equipment=["projector", "video"], description="Big table",
             rules={"max_duration_minutes": 120, "buffer_after_minutes": 10, "max_ahead_days": 90,
                    "opening_hours": {"mon": [{"open": "08:00", "close": "18:00"}]}})
    assert r["calendar_id"].startswith("cal_") and r["equipment"] == ["projector", "video"]
    assert r["rules"]["max_duration_minutes"] == 120 and r["rules"]["buffer_after_minutes"] == 10
    assert r["rules"]["opening_hours"]["mon"] == [{"open": "08:00", "close": "18:00"}]
    assert r["rules"]["opening_hours"]["sun"] == []
    got = admin.patch("/api/v1/rooms/" + r["id"], json={"capacity": 12, "rules": {"approval": True}})
    assert got.status_code == 200 and got.json()["capacity"] == 12 and got.json()["rules"]["approval"]
    assert got.json()["rules"]["max_duration_minutes"] == 120  # rules not given stay
    u, c, _ = booker(srv, admin)
    assert r["id"] in [x["id"] for x in c.get("/api/v1/rooms").json()["items"]]
    problem(c.post("/api/v1/rooms", json={"name": "Mine"}), 403)
    problem(c.patch("/api/v1/rooms/" + r["id"], json={"capacity": 1}), 403)
    for body, field in [({"name": ""}, "name"), ({"name": "X", "capacity": -1}, "capacity"),
                        ({"name": "X", "equipment": ["Big Screen"]}, "equipment"),
                        ({"name": "X", "rules": {"sauna": True}}, "rules"),
                        ({"name": "X", "rules": {"opening_hours": {"mon": [{"open": "18:00", "close": "08:00"}]}}},
                         "opening_hours"),
                        ({"name": "X", "rules": {"company_ids": ["cmp_aaaaaaaaaaaaaaaaaaaa"]}}, "company_ids")]:
        assert problem(admin.post("/api/v1/rooms", json=body), 422)["field"] == field, body
    assert admin.delete("/api/v1/rooms/" + r["id"]).status_code == 204
    problem(admin.get("/api/v1/rooms/" + r["id"]), 404)


def test_booking_a_room_and_the_refusal_with_alternatives(srv, admin):
    tag = uniq("eq").lower().replace(" ", "")
    a = room(admin, equipment=[tag], capacity=6, building="North")
    b = room(admin, equipment=[tag], capacity=10, building="North")
    room(admin, capacity=20, building="North")  # lacks the equipment: never offered
    u, c, cal = booker(srv, admin)
    r = book(c, cal, [a])
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["bookings"] == [{"room_id": a["id"], "room": a["name"], "status": "confirmed", "booked": 1,
                               "declined": 0}]
    att = [x for x in ev["attendees"] if x["type"] == "room"]
    assert att[0]["email"] == a["email"] and att[0]["partstat"] == "accepted" and ev["location"] == a["name"]
    _, c2, cal2 = booker(srv, admin)
    p = problem(book(c2, cal2, [a], start=M + "T10:30:00", end=M + "T11:30:00"), 409,
                "booking-conflict")
    assert p["conflicts"][0]["rule"] == "conflict" and p["conflicts"][0]["room_id"] == a["id"]
    assert p["conflicts"][0]["conflicting"] == {"start": M + "T10:00:00", "end": M + "T11:00:00"}
    assert [x["id"] for x in p["alternatives"]][:1] == [b["id"]]
    assert all(x["id"] != a["id"] for x in p["alternatives"])
    # nothing of the refused event was written
    assert c2.get("/api/v1/calendars/%s/events" % cal2["id"],
                  params={"start": M, "end": T}).json()["items"] == []
    # the schedule of the room shows the booking
    items = c2.get("/api/v1/rooms/%s/bookings" % a["id"], params={"start": M, "end": T}).json()["items"]
    assert [(x["start"], x["event_id"]) for x in items] == [(utc(M, "10:00"), ev["id"])]  # the room's zone: UTC


def test_each_rule_is_named_in_the_refusal(srv, admin):
    _, c, cal = booker(srv, admin)
    cases = [
        ({"max_duration_minutes": 30}, {}, "max_duration"),
        ({"min_notice_minutes": 60 * 24 * 300}, {}, "min_notice"),
        ({"max_ahead_days": 7}, {}, "max_ahead"),
        ({"opening_hours": {"mon": [{"open": "12:00", "close": "18:00"}]}}, {}, "opening_hours"),
        ({"buffer_before_minutes": 30}, {"occupied": (M + "T09:00:00", M + "T09:45:00")}, "conflict"),
    ]
    for rules, extra, rule in cases:
        rm = room(admin, rules=rules)
        if "occupied" in extra:
            s, e = extra["occupied"]
            assert book(admin, new_calendar(admin), [rm], start=s, end=e).status_code == 201
        p = problem(book(c, cal, [rm]), 409, "booking-conflict")
        assert p["conflicts"][0]["rule"] == rule, (rules, p)
        assert p["detail"], p
    company = admin.post("/api/v1/companies", json={"name": uniq("Only ")}).json()["id"]
    closed = room(admin, rules={"company_ids": [company]})
    assert problem(book(c, cal, [closed]), 409, "booking-conflict")["conflicts"][0]["rule"] == "not_allowed"


def test_a_series_declines_up_to_its_allowance(srv, admin):
    lenient = room(admin, rules={"max_conflicts": 1})
    strict = room(admin, rules={"max_conflicts": 0})
    for rm in (lenient, strict):
        assert book(admin, new_calendar(admin, time_zone="Europe/Paris"), [rm], start=N + "T10:00:00",
                    end=N + "T11:00:00").status_code == 201
    _, c, cal = booker(srv, admin)
    r = book(c, cal, [lenient], rrule="FREQ=WEEKLY;COUNT=4")
    assert r.status_code == 201, r.text
    assert r.json()["bookings"][0]["booked"] == 3 and r.json()["bookings"][0]["declined"] == 1
    assert [d["start"] for d in r.json()["declined"]] == [N + "T10:00:00"]
    p = problem(book(c, cal, [strict], rrule="FREQ=WEEKLY;COUNT=4"), 409, "booking-conflict")
    assert [x["start"] for x in p["conflicts"]] == [N + "T10:00:00"]


def test_moving_and_cancelling_free_the_room(srv, admin):
    rm = room(admin)
    _, c, cal = booker(srv, admin)
    ev = book(c, cal, [rm]).json()
    url = "/api/v1/calendars/%s/events/%s" % (cal["id"], ev["id"])
    r = c.patch(url, json={"start": M + "T14:00:00", "end": M + "T15:00:00"})
    assert r.status_code == 200 and r.json()["bookings"][0]["status"] == "confirmed", r.text
    _, c2, cal2 = booker(srv, admin)
    assert book(c2, cal2, [rm]).status_code == 201  # the old slot is free again
    problem(book(c2, cal2, [rm], start=M + "T14:30:00", end=M + "T15:00:00"), 409)
    assert c.delete(url).status_code == 204
    assert book(c2, cal2, [rm], start=M + "T14:30:00", end=M + "T15:00:00").status_code == 201
    # taking the room off the event frees it too
    e2 = book(c, cal, [rm], start=T + "T10:00:00", end=T + "T11:00:00").json()
    r = c.patch("/api/v1/calendars/%s/events/%s" % (cal["id"], e2["id"]), json={"room_ids": []})
    assert r.status_code == 200 and r.json()["bookings"] == []
    assert book(c2, cal2, [rm], start=T + "T10:00:00", end=T + "T11:00:00").status_code == 201


def test_approval_rooms_hold_the_slot_as_pending(srv, admin):
    rm = room(admin, rules={"approval": True})
    _, c, cal = booker(srv, admin)
    r = book(c, cal, [rm])
    assert r.status_code == 201 and r.json()["bookings"][0]["status"] == "pending", r.text
    assert [x for x in r.json()["attendees"] if x["type"] == "room"][0]["partstat"] == "needs-action"
    _, c2, cal2 = booker(srv, admin)
    problem(book(c2, cal2, [rm]), 409, "booking-conflict")


def test_room_search(srv, admin):
    tag = uniq("s").lower().replace(" ", "")
    small = room(admin, capacity=4, equipment=[tag], building="South")
    big = room(admin, capacity=12, equipment=[tag], building="South")
    room(admin, capacity=30, building="South")
    _, c, cal = booker(srv, admin)
    q = {"capacity": 4, "equipment": tag, "start": utc(M, "10:00"), "end": utc(M, "11:00")}
    assert [x["id"] for x in c.get("/api/v1/rooms/search", params=q).json()["items"]] == [small["id"], big["id"]]
    assert book(c, cal, [small]).status_code == 201
    assert [x["id"] for x in c.get("/api/v1/rooms/search", params=q).json()["items"]] == [big["id"]]
    problem(c.get("/api/v1/rooms/search", params={"capacity": "many", "start": q["start"], "end": q["end"]}), 400)
    problem(c.get("/api/v1/rooms/search", params={"start": q["end"], "end": q["start"]}), 400)


def test_32_concurrent_requests_for_one_slot_one_wins(srv, admin):
    rm = room(admin)
    clients = []
    for _ in range(8):
        _, c, cal = booker(srv, admin)
        clients.append((c, cal))
    results = []
    lock = threading.Lock()

    def go(i):
        c, cal = clients[i % 8]
        r = book(c, cal, [rm], start=L + "T10:00:00", end=L + "T11:00:00")
        with lock:
            results.append(r.status_code)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [201] + [409] * 31, results
    items = admin.get("/api/v1/rooms/%s/bookings" % rm["id"],
                      params={"start": L, "end": (monday() + datetime.timedelta(days=29)).isoformat()}).json()["items"]
    assert len(items) == 1


def test_delegates_approve_and_decline(srv, admin):
    d, _ = srv.make_user(admin, "member")
    delegate = srv.login_as(d)
    rm = room(admin, rules={"approval": True, "delegate_ids": [d["id"]]})
    _, c, cal = booker(srv, admin)
    ev = book(c, cal, [rm], rrule="FREQ=DAILY;COUNT=3").json()
    assert ev["bookings"][0]["status"] == "pending"
    items = admin.get("/api/v1/rooms/%s/bookings" % rm["id"], params={"start": M, "end": N}).json()["items"]
    assert [x["status"] for x in items] == ["pending"] * 3
    problem(c.post("/api/v1/rooms/%s/bookings/%s/approve" % (rm["id"], items[0]["id"])), 403)
    r = delegate.post("/api/v1/rooms/%s/bookings/%s/approve" % (rm["id"], items[0]["id"]))
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    items = admin.get("/api/v1/rooms/%s/bookings" % rm["id"], params={"start": M, "end": N}).json()["items"]
    assert [x["status"] for x in items] == ["confirmed"] * 3
    got = c.get("/api/v1/calendars/%s/events/%s" % (cal["id"], ev["id"])).json()
    assert [x["partstat"] for x in got["attendees"] if x["type"] == "room"] == ["accepted"]
    # a later change of the event keeps the decision
    r = c.patch("/api/v1/calendars/%s/events/%s" % (cal["id"], ev["id"]), json={"summary": "Renamed"})
    assert r.status_code == 200 and r.json()["bookings"][0]["status"] == "confirmed", r.text
    # declining frees the room and says so in the event
    other = book(c, cal, [rm], start=T + "T14:00:00", end=T + "T15:00:00").json()
    bid = [x for x in admin.get("/api/v1/rooms/%s/bookings" % rm["id"], params={"start": T, "end": N}).json()["items"]
           if x["event_id"] == other["id"]][0]["id"]
    r = delegate.post("/api/v1/rooms/%s/bookings/%s/decline" % (rm["id"], bid))
    assert r.status_code == 200 and r.json()["status"] == "declined", r.text
    got = c.get("/api/v1/calendars/%s/events/%s" % (cal["id"], other["id"])).json()
    assert [x["partstat"] for x in got["attendees"] if x["type"] == "room"] == ["declined"]
    _, c2, cal2 = booker(srv, admin)
    assert book(c2, cal2, [rm], start=T + "T14:00:00", end=T + "T15:00:00").status_code == 201
    problem(delegate.post("/api/v1/rooms/%s/bookings/bkg_aaaaaaaaaaaaaaaaaaaa/approve" % rm["id"]), 404)


def test_search_and_list_show_each_room_as_its_own_page(srv, admin):
    """the search and the list read tags, companies and delegates for the
    whole page at once: each item is what GET /rooms/{id} says, and a room
    kept for another company is left out of a member's search"""
    tag = uniq("p").lower().replace(" ", "")
    mine = srv.default_company(admin)
    other = admin.post("/api/v1/companies", json={"name": uniq("Other ")}).json()["id"]
    d1, _ = srv.make_user(admin, "member")
    d2, _ = srv.make_user(admin, "member")
    rooms = [room(admin, capacity=40 + i, building=tag, equipment=[tag, "b-%d" % i, "a-%d" % i][: 1 + i % 3],
                  rules={"company_ids": [mine] if i % 3 == 1 else [], "delegate_ids": [d1["id"], d2["id"]][: i % 3]})
             for i in range(7)]
    kept = room(admin, capacity=40, building=tag, equipment=[tag], rules={"company_ids": [other]})
    _, c, _ = booker(srv, admin)
    q = {"capacity": 40, "equipment": tag, "building": tag, "start": utc(T, "10:00"), "end": utc(T, "11:00"),
         "limit": 100}
    items = c.get("/api/v1/rooms/search", params=q).json()["items"]
    assert [x["id"] for x in items] == [r["id"] for r in rooms]
    for x in items:
        assert x == admin.get("/api/v1/rooms/%s" % x["id"]).json()
    assert kept["id"] in [x["id"] for x in admin.get("/api/v1/rooms/search", params=q).json()["items"]]
    listed = {x["id"]: x for x in c.get("/api/v1/rooms", params={"q": tag}).json()["items"]}
    assert set(listed) == {r["id"] for r in rooms} | {kept["id"]}
    for i, x in listed.items():
        assert x == admin.get("/api/v1/rooms/%s" % i).json()


def test_search_follows_equipment_changes(srv, admin):
    """the search tests the equipment kept on the room's row: adding and
    removing tags, and several tags at once, are followed at once"""
    t1, t2 = uniq("eq").lower().replace(" ", ""), uniq("eq").lower().replace(" ", "")
    a = room(admin, equipment=[t1], capacity=30, building=t1)
    b = room(admin, equipment=[t1, t2], capacity=31, building=t1)
    _, c, _ = booker(srv, admin)

    def found(*tags):
        r = c.get("/api/v1/rooms/search", params={"capacity": 30, "equipment": ",".join(tags), "building": t1,
                                                  "start": utc(L, "10:00"), "end": utc(L, "11:00")})
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"] if x["building"] == t1]

    assert found(t1) == [a["id"], b["id"]] and found(t1, t2) == [b["id"]] and found(t2, t1) == [b["id"]]
    assert admin.patch("/api/v1/rooms/" + a["id"], json={"equipment": [t2, t1]}).status_code == 200
    assert admin.patch("/api/v1/rooms/" + b["id"], json={"equipment": [t2]}).status_code == 200
    assert found(t1, t2) == [a["id"]] and found(t2) == [a["id"], b["id"]] and found(t1) == [a["id"]]
    assert admin.patch("/api/v1/rooms/" + a["id"], json={"equipment": []}).status_code == 200
    assert found(t1) == [] and found(t2) == [b["id"]]
    # a tag that is a part of another is not that tag
    assert found(t2[:-1]) == []


def all_bookings(c, rm, start, end, limit=None):
    """every page of the room's bookings in [start, end), and how many pages"""
    items, cursor, pages = [], None, 0
    while True:
        params = {"start": start, "end": end}
        if limit:
            params["limit"] = limit
        if cursor:
            params["cursor"] = cursor
        r = c.get("/api/v1/rooms/%s/bookings" % rm["id"], params=params)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        pages += 1
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items, pages


def test_the_bookings_list_pages(srv, admin):
    rm = room(admin)
    _, c, cal = booker(srv, admin)
    assert book(c, cal, [rm], rrule="FREQ=DAILY;COUNT=5").status_code == 201
    assert book(c, cal, [rm], start=M + "T12:00:00", end=M + "T13:00:00").status_code == 201
    every, pages = all_bookings(c, rm, M, N)
    assert len(every) == 6 and pages == 1
    paged, pages = all_bookings(c, rm, M, N, limit=2)
    assert pages == 3 and [b["id"] for b in paged] == [b["id"] for b in every]
    assert [b["start"] for b in paged] == sorted(b["start"] for b in paged)
    for bad in ({"limit": "0"}, {"limit": "1001"}, {"limit": "x"}, {"cursor": "not-one!"},
                {"cursor": "MTIzL2Jhcg"}):  # "123/bar": well encoded, not a booking's
        problem(c.get("/api/v1/rooms/%s/bookings" % rm["id"], params={"start": M, "end": N, **bad}), 400,
                "invalid-query")


def test_more_than_a_thousand_bookings_are_all_listed(srv, admin):
    """the list used to stop silently at 1,000"""
    rm = room(admin)
    _, c, cal = booker(srv, admin)
    r = book(c, cal, [rm], start=M + "T00:00:00", end=M + "T00:30:00", rrule="FREQ=HOURLY;COUNT=1010")
    assert r.status_code == 201, r.text
    start = (monday() - datetime.timedelta(days=1)).isoformat()  # the room's zone is UTC, the series' Paris
    end = (monday() + datetime.timedelta(days=50)).isoformat()
    first = c.get("/api/v1/rooms/%s/bookings" % rm["id"], params={"start": start, "end": end}).json()
    assert len(first["items"]) == 1000 and first["next_cursor"]
    every, pages = all_bookings(c, rm, start, end)
    assert len(every) == 1010 and pages == 2 and len({b["id"] for b in every}) == 1010


def test_a_rules_refusal_names_the_room_and_number_in_the_users_language(srv, admin):
    rm = room(admin, rules={"max_duration_minutes": 30})
    want = {"fr": "%s peut être réservée pour 30 minutes au plus", "ru": "%s можно забронировать не более чем на 30 мин",
            "en": "%s may be booked for at most 30 minutes"}
    for lang, text in want.items():
        u, c, cal = booker(srv, admin)
        assert c.patch("/api/v1/me", json={"language": lang}).status_code == 200
        p = problem(book(c, cal, [rm]), 409, "booking-conflict")
        assert p["detail"] == text % rm["name"], p
        assert p["conflicts"][0]["detail"] == text % rm["name"] and p["conflicts"][0]["rule"] == "max_duration", p
