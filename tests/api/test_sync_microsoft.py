"""Calendar integration with Microsoft 365 (issue 16) against the fake Entra ID
and Microsoft Graph of tests/fakes/graph, reached through microsoft_login_url
and microsoft_graph_url: step 1 with each failure named (unknown tenant,
unknown app, wrong secret, consent missing with the admin-consent link,
Microsoft down), connect listing the rooms with their fields, import and
link; inbound (a meeting booked in Outlook appears in the convene room's
calendar, moves, goes when cancelled, pushed by a Graph subscription);
outbound (a convene booking reaches the room's calendar at Microsoft once,
a retry after a lost answer does not make a second). The server of this
module is its own."""
import datetime
import os
import time

import pytest

from conftest import problem, uniq
from syncutil import entry, fake_client, fresh, serve

HERE = os.path.dirname(os.path.abspath(__file__))
graph = fake_client("graph")

BASE = "/api/v1/calendar-integrations"
DAY = datetime.date.today() + datetime.timedelta(days=14)
D = DAY.isoformat()


@pytest.fixture(scope="module")
def fg():
    with graph.FakeGraph() as f:
        yield f


@pytest.fixture(scope="module")
def s(fg):
    env = {"CONVENE_MICROSOFT_LOGIN_URL": fg.login_url, "CONVENE_MICROSOFT_GRAPH_URL": fg.graph_url,
           "CONVENE_SYNC_POLL_MS": "200", "CONVENE_SYNC_RETRY_S": "1"}
    yield from serve("convene-ms-", env)


def tenant(fg, consent=graph.ROLES):
    """a Microsoft 365 tenant of its own with its app registration"""
    t = {"tenant_id": "%08x-0000-4000-8000-%012x" % (int(uniq("")[1:], 16), int(uniq("")[1:], 16)),
         "domain": "%s.onmicrosoft.com" % uniq("t"), "client_id": "%08x-1111-4111-8111-000000000001"
         % int(uniq("")[1:], 16), "client_secret": uniq("secret-")}
    fg.add_tenant(consented=list(consent), **t)
    return t


def step1(admin, t, **over):
    body = {"tenant_id": t["tenant_id"], "client_id": t["client_id"], "client_secret": t["client_secret"]}
    body.update(over)
    return admin.put(BASE + "/microsoft", json=body)


def wait_for(check, timeout=20):
    end = time.time() + timeout
    while True:
        got = check()
        if got or time.time() > end:
            return got
        time.sleep(0.1)


def test_step1_each_failure_is_named(s, fg):
    admin = fresh(s)
    t = tenant(fg)
    # shapes refused before anything is sent
    for over, field in (({"tenant_id": "not a tenant"}, "tenant_id"), ({"client_id": "abc"}, "client_id"),
                        ({"client_secret": ""}, "client_secret"), ({"client_secret": "a" * 1025}, "client_secret")):
        p = problem(step1(admin, t, **over), 422)
        assert field in p["detail"] or p.get("error_params", {}).get("field") == field, p
    assert entry(admin, "microsoft")["status"] == "not_configured"
    before = len(fg.calls("token"))

    def refused(code, **over):
        p = problem(step1(admin, t, **over), 422, "provider-check-failed")
        assert p["error_code"] == code, p
        e = entry(admin, "microsoft")
        assert e["status"] == "step1_done" and e["error_code"] == code
        return p

    p = refused("tenant_unknown", tenant_id="00000000-0000-4000-8000-00000000dead")
    assert p["error_params"]["tenant_id"] == "00000000-0000-4000-8000-00000000dead"
    p = refused("app_unknown", client_id="00000000-0000-4000-8000-00000000beef")
    assert p["error_params"]["client_id"] == "00000000-0000-4000-8000-00000000beef"
    p = refused("secret_invalid", client_secret="wrong-secret")
    assert "wrong-secret" not in str(p)
    assert len(fg.calls("token")) > before  # each was asked of the fake
    # consent not given: the link the administrator must open
    fg.consent([], tenant_id=t["tenant_id"], client_id=t["client_id"])
    p = refused("consent_missing")
    assert p["error_params"]["consent_url"] == "%s/%s/adminconsent?client_id=%s" % (
        fg.login_url, t["tenant_id"], t["client_id"])
    assert p["error_params"]["permissions"] == ["Calendars.ReadWrite", "Place.Read.All"]
    e = entry(admin, "microsoft")
    assert e["step1"]["consent_url"] == p["error_params"]["consent_url"]
    assert e["step1"]["tenant_id"] == t["tenant_id"] and e["step1"]["client_id"] == t["client_id"]
    fg.consent(graph.ROLES, tenant_id=t["tenant_id"], client_id=t["client_id"])
    # Microsoft down
    fg.fault(500, body={"error": "server_error"}, target="login")
    try:
        p = refused("provider_unreachable")
    finally:
        fg.clear_faults()
    r = step1(admin, t)
    assert r.status_code == 200, r.text
    e = entry(admin, "microsoft")
    assert e["status"] == "step1_done" and e["error_code"] is None
    assert t["client_secret"] not in admin.get(BASE).text
    # a verified domain names the tenant too
    r = step1(admin, t, tenant_id=t["domain"].upper())
    assert r.status_code == 200, r.text
    assert entry(admin, "microsoft")["step1"]["tenant_id"] == t["domain"]


def test_connect_lists_rooms_then_import_and_link(s, fg):
    admin = fresh(s)
    t = tenant(fg)
    board = fg.add_room(tenant_id=t["tenant_id"], emailAddress="board@" + t["domain"], displayName=uniq("Board "),
                        capacity=12, building="North", floorNumber=3, tags=["Whiteboard"],
                        videoDeviceName="Rally", isWheelChairAccessible=True)
    cube = fg.add_room(tenant_id=t["tenant_id"], emailAddress="cube@" + t["domain"], displayName=uniq("Cube "),
                       floorLabel="Ground")
    assert step1(admin, t).status_code == 200
    r = admin.post(BASE + "/microsoft/connect")
    assert r.status_code == 200, r.text
    e = entry(admin, "microsoft")
    assert e["status"] == "connected" and e["connected_at"] and e["rooms_total"] == 2
    r = admin.get(BASE + "/microsoft/rooms")
    assert r.status_code == 200, r.text
    rooms = {i["provider_room_id"]: i for i in r.json()["items"]}
    b = rooms[board["emailAddress"]]
    assert b["email"] == board["emailAddress"] and b["name"] == board["displayName"]
    assert b["capacity"] == 12 and b["building"] == "North" and b["floor"] == "3"
    assert b["features"] == ["Whiteboard", "Rally", "Wheelchair accessible"]
    assert b["category"] == "conference_room" and b["state"] == "available"
    assert rooms[cube["emailAddress"]]["floor"] == "Ground"
    # import: a new convene room with what Microsoft knows
    r = admin.put(BASE + "/microsoft/rooms/" + board["emailAddress"], json={"import": True})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["state"] == "linked" and got["room_name"] == board["displayName"]
    room = admin.get("/api/v1/rooms/" + got["room_id"]).json()
    assert room["capacity"] == 12 and room["category"] == "conference_room"
    # link: an existing convene room
    own = admin.post("/api/v1/rooms", json={"name": uniq("Own "), "capacity": 4}).json()
    r = admin.put(BASE + "/microsoft/rooms/" + cube["emailAddress"], json={"room_id": own["id"]})
    assert r.status_code == 200 and r.json()["room_id"] == own["id"], r.text
    assert entry(admin, "microsoft")["rooms_linked"] == 2
    # another account sees none of it
    other = fresh(s)
    assert entry(other, "microsoft")["status"] == "not_configured"
    problem(other.get(BASE + "/microsoft/rooms"), 409, "provider-not-configured")


@pytest.fixture
def linked(s, fg):
    """an account connected to its own tenant with one Graph room linked to
    a new convene room, an Outlook user, and a convene member's calendar"""
    admin = fresh(s)
    t = tenant(fg)
    g = fg.add_room(tenant_id=t["tenant_id"], emailAddress=uniq("room") + "@" + t["domain"],
                    displayName=uniq("Room "), capacity=6)
    person = fg.add_person(tenant_id=t["tenant_id"], email=uniq("ann") + "@" + t["domain"], displayName="Ann")
    assert step1(admin, t).status_code == 200
    assert admin.post(BASE + "/microsoft/connect").status_code == 200
    room = admin.post("/api/v1/rooms", json={"name": uniq("Ada "), "capacity": 6}).json()
    r = admin.put(BASE + "/microsoft/rooms/" + g["emailAddress"], json={"room_id": room["id"]})
    assert r.status_code == 200 and r.json()["state"] == "linked", r.text
    user, _ = s.make_user(admin, "member")
    c = s.login_as(user)
    cal = c.post("/api/v1/calendars", json={"name": uniq("Cal "), "time_zone": "UTC"})
    assert cal.status_code == 201, cal.text
    return {"admin": admin, "t": t, "g": g["emailAddress"], "room": room, "person": person["email"], "c": c,
            "cal": cal.json()["id"]}


def bookings(x, start=D + "T00:00:00Z", end=None):
    end = end or (DAY + datetime.timedelta(days=2)).isoformat() + "T00:00:00Z"
    r = x["admin"].get("/api/v1/rooms/%s/bookings" % x["room"]["id"], params={"start": start, "end": end})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_inbound_outlook_meeting_appears_moves_and_goes_pushed_by_subscription(s, fg, linked):
    x = linked
    # the room's subscription is made (Graph validated /webhooks/microsoft)
    subs = wait_for(lambda: [u for u in fg.subscriptions() if u["mailbox"] == x["g"].lower()])
    assert subs, fg.subscriptions()
    sub = subs[0]
    assert sub["notificationUrl"] == s.url + "/webhooks/microsoft"
    assert sub["changeType"] == "created,updated,deleted" and sub["resource"] == "users/%s/events" % x["g"]
    assert wait_for(lambda: s.rows("SELECT last_sync_at FROM sync_rooms WHERE provider_room_id = '%s'" % x["g"])
                    [0][0] not in (None, "0"))
    seen = len(fg.deliveries("change"))
    m = fg.book(x["person"], [x["g"]], "Outlook review", D + "T09:00:00", D + "T10:00:00")
    assert m["rooms"][x["g"]]["response"] == "accepted"
    got = wait_for(lambda: bookings(x))
    assert len(got) == 1, got
    assert got[0]["start"].startswith(D + "T09:00") and got[0]["end"].startswith(D + "T10:00")
    # it came by push: the notification was answered 202
    ch = [d for d in fg.deliveries("change")[seen:] if d["url"] == s.url + "/webhooks/microsoft"]
    assert ch and ch[0]["status"] == 202, ch
    # moved in Outlook
    oid = m["organizer_event"]["id"]
    fg.update_meeting(oid, start={"dateTime": D + "T13:00:00", "timeZone": "UTC"},
                      end={"dateTime": D + "T14:30:00", "timeZone": "UTC"})
    assert wait_for(lambda: [b for b in bookings(x) if b["start"].startswith(D + "T13:00")])
    got = bookings(x)
    assert len(got) == 1 and got[0]["end"].startswith(D + "T14:30")
    # cancelled in Outlook
    fg.cancel_meeting(oid)
    assert wait_for(lambda: not bookings(x))


def ours(fg, x, event_id=None):
    out = []
    for e in fg.room_events(x["g"]):
        ext = e.get("ext") or []
        ext = ext.values() if isinstance(ext, dict) else ext
        v = [p["value"] for p in ext if p["id"].lower().endswith("name convene_event_id")]
        if v and (event_id is None or v[0] == event_id):
            out.append(e)
    return out


def test_outbound_booking_reaches_the_room_once(s, fg, linked):
    x = linked
    r = x["c"].post("/api/v1/calendars/%s/events" % x["cal"],
                    json={"summary": "Convene planning", "start": D + "T15:00:00", "end": D + "T16:00:00",
                          "room_ids": [x["room"]["id"]]})
    assert r.status_code == 201, r.text
    ev = r.json()
    got = wait_for(lambda: ours(fg, x, ev["id"]))
    assert len(got) == 1, fg.room_events(x["g"])
    e = got[0]
    assert e["subject"] == "Convene planning" and e["start"]["dateTime"].startswith(D + "T15:00:00")
    assert e["transactionId"] == "convene-" + ev["id"]
    assert wait_for(lambda: s.rows("SELECT provider_event_id FROM sync_events WHERE event_id = '%s' AND origin = "
                                   "'convene'" % ev["id"]) == [[e["id"]]])
    # the echo of our own write is not an external booking: the room holds one booking
    time.sleep(1)
    assert len(bookings(x)) == 1
    # a lost answer: Microsoft wrote it but convene never heard the id; the
    # next change finds it by our property and patches it, no second event
    s.execute("DELETE FROM sync_events WHERE event_id = '%s'" % ev["id"])
    r = x["c"].patch("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"]), json={"summary": "After loss"})
    assert r.status_code == 200, r.text
    assert wait_for(lambda: [g for g in ours(fg, x, ev["id"]) if g["subject"] == "After loss"])
    assert len(ours(fg, x, ev["id"])) == 1
    # deleted in convene: gone from the room's calendar, even when convene
    # lost the answer that named it (found by our property)
    assert wait_for(lambda: s.rows("SELECT 1 FROM sync_events WHERE event_id = '%s'" % ev["id"]))
    assert wait_for(lambda: not s.rows("SELECT 1 FROM sync_jobs WHERE event_id = '%s'" % ev["id"]))
    s.execute("DELETE FROM sync_events WHERE event_id = '%s'" % ev["id"])
    assert x["c"].delete("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"])).status_code == 204
    assert wait_for(lambda: not ours(fg, x, ev["id"]))


def test_outbound_series_with_its_exceptions(s, fg, linked):
    x = linked
    monday = DAY - datetime.timedelta(days=DAY.weekday())
    r = x["c"].post("/api/v1/calendars/%s/events" % x["cal"],
                    json={"summary": "Weekly sync", "start": monday.isoformat() + "T18:00:00",
                          "end": monday.isoformat() + "T18:30:00", "room_ids": [x["room"]["id"]],
                          "rrule": "FREQ=WEEKLY;COUNT=4",
                          "exdates": [(monday + datetime.timedelta(days=7)).isoformat() + "T18:00:00"]})
    assert r.status_code == 201, r.text
    ev = r.json()
    got = wait_for(lambda: ours(fg, x, ev["id"]))
    assert len(got) == 1, fg.room_events(x["g"])
    rec = got[0]["recurrence"]
    assert rec["pattern"]["type"] == "weekly" and rec["pattern"]["daysOfWeek"] == ["monday"]
    assert rec["range"]["type"] == "numbered" and rec["range"]["numberOfOccurrences"] == 4

    def instances():
        lo = monday.isoformat() + "T00:00:00Z"
        hi = (monday + datetime.timedelta(days=30)).isoformat() + "T00:00:00Z"
        return [i["start"]["dateTime"][:16] for i in fg.room_events(x["g"], lo, hi) if i.get("seriesMasterId")]
    want = [(monday + datetime.timedelta(days=d)).isoformat() + "T18:00" for d in (0, 14, 21)]
    assert wait_for(lambda: instances() == want), instances()
