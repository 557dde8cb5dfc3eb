"""Tests of the Google fake itself: that it keeps Google's documented rules
(the service account's JWT bearer grant verified against the key's public half,
domain-wide delegation, Directory resources with paging, events with page and
sync tokens and 410, recurring events and their exceptions, a room declining a
conflicting invitation, push channels with the X-Goog-* headers, Google's error
bodies), so that convene's tests against it prove something about convene and Google.
Run: /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/fakes/google"""
import importlib.util
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
# loaded under its own name: tests/fakes/zoom has a client.py too, in the same pytest run
_spec = importlib.util.spec_from_file_location("fake_google_client", os.path.join(HERE, "client.py"))
gc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gc)

ADMIN = "admin@example.com"
USER = "alice@example.com"
CAL = "https://www.googleapis.com/auth/calendar"
DIR = "https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly"


class Listener:
    """A push receiver: records each notification's headers and body."""

    def __init__(self, status=200):
        self.got = []
        self.status = status
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.got.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": raw,
                                  "path": self.path})
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d/webhooks/google" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n, timeout=10):
        end = time.time() + timeout
        while time.time() < end and len(self.got) < n:
            time.sleep(0.02)
        assert len(self.got) >= n, self.got
        return self.got

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def fake():
    with gc.FakeGoogle() as fg:
        yield fg


@pytest.fixture
def fg(fake):
    fake.reset()
    return fake


@pytest.fixture
def setup(fg):
    """A Workspace with an admin, a user, a delegated service account and two rooms."""
    key = fg.add_service_account()
    fg.grant(key["client_id"], [CAL, DIR])
    fg.add_user(ADMIN, admin=True)
    fg.add_user(USER)
    b = fg.add_building(buildingId="hq", buildingName="HQ", floorNames=["1", "2"])
    r1 = fg.add_room(resourceName="Ada", capacity=8, buildingId=b["buildingId"], floorName="2",
                     features=["Whiteboard", "Video"], timeZone="Europe/Paris")
    r2 = fg.add_room(resourceName="Babbage", capacity=4)
    r = fg.token(key, [CAL, DIR], sub=ADMIN)
    assert r.status_code == 200, r.text
    return {"key": key, "tok": r.json()["access_token"], "r1": r1, "r2": r2, "room": r1["resourceEmail"]}


def call(fg, tok, method, path, **kw):
    return requests.request(method, fg.api_url + path, headers={"Authorization": "Bearer " + tok},
                            timeout=30, **kw)


def events_path(room, rest=""):
    return "/calendar/v3/calendars/%s/events%s" % (urllib.parse.quote(room, safe="@"), rest)


def reason(r):
    return r.json()["error"]["errors"][0]["reason"]


# ---- token endpoint ----
def test_token_success_shape(setup, fg):
    r = fg.token(setup["key"], [CAL], sub=ADMIN)
    assert r.status_code == 200
    j = r.json()
    assert j["token_type"] == "Bearer" and j["expires_in"] == 3600 and j["access_token"].startswith("ya29.")
    assert "no-store" in r.headers["Cache-Control"]
    k = setup["key"]
    assert k["type"] == "service_account" and k["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    for f in ("project_id", "private_key_id", "client_email", "client_id", "token_uri", "auth_uri"):
        assert k[f]


def test_token_bad_signature_and_claims(setup, fg):
    key = setup["key"]
    other = fg.add_service_account()  # signs with another private key, claims to be `key`
    forged = dict(other, client_email=key["client_email"], private_key_id=key["private_key_id"])
    cases = [
        (gc.make_assertion(forged, [CAL], fg.token_url, sub=ADMIN), 400, "invalid_grant", "Invalid JWT Signature."),
        (gc.make_assertion(key, [CAL], fg.token_url, sub=ADMIN, iat=time.time() - 7200), 400, "invalid_grant",
         "short-lived"),
        (gc.make_assertion(key, [CAL], fg.token_url, sub=ADMIN, lifetime=3601), 400, "invalid_grant", "short-lived"),
        (gc.make_assertion(key, [CAL], fg.token_url, sub=ADMIN, iat=time.time() + 3000), 400, "invalid_grant",
         "short-lived"),
        (gc.make_assertion(key, [CAL], "https://example.org/token", sub=ADMIN), 400, "invalid_grant", "Audience"),
        (gc.make_assertion(key, [CAL], fg.token_url, sub="nobody@example.com"), 400, "invalid_grant",
         "Invalid email or User ID"),
        (gc.make_assertion(key, ["https://www.googleapis.com/auth/gmail.readonly"], fg.token_url, sub=ADMIN),
         401, "unauthorized_client", "Client is unauthorized to retrieve access tokens"),
        (gc.make_assertion(key, [CAL], fg.token_url, sub=ADMIN, claims={"iss": "x@y.iam.gserviceaccount.com"}),
         400, "invalid_grant", "account not found"),
        ("not.a.jwt", 400, "invalid_grant", "Invalid JWT"),
    ]
    for assertion, status, error, text in cases:
        r = requests.post(fg.token_url, data={"grant_type": gc.JWT_BEARER, "assertion": assertion})
        assert r.status_code == status, (text, r.text)
        assert r.json()["error"] == error and text in r.json()["error_description"], r.text
    r = requests.post(fg.token_url, data={"grant_type": "client_credentials", "assertion": "x"})
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    # the scopes Admin grants decide: a grant without the directory scope refuses it
    fg.grant(key["client_id"], [CAL])
    assert fg.token(key, [CAL, DIR], sub=ADMIN).status_code == 401
    assert fg.token(key, [CAL], sub=ADMIN).status_code == 200
    # a deleted key no longer signs
    fg.delete_keys(key["client_email"])
    assert fg.token(key, [CAL], sub=ADMIN).json()["error_description"] == "Invalid JWT Signature."
    errs = [c for c in fg.calls("token") if c["status"] != 200]
    assert len(errs) >= len(cases)


def test_access_token_expires_after_an_hour(setup, fg):
    assert call(fg, setup["tok"], "GET", events_path(setup["room"])).status_code == 200
    fg.advance_clock(3601)
    r = call(fg, setup["tok"], "GET", events_path(setup["room"]))
    assert r.status_code == 401 and reason(r) == "authError"
    assert r.json()["error"]["message"] == "Invalid Credentials"
    assert call(fg, "garbage", "GET", events_path(setup["room"])).status_code == 401


# ---- Directory ----
def test_directory_rooms_paged(setup, fg):
    for i in range(3):
        fg.add_room(resourceName="Extra %d" % i, capacity=2)
    seen, token, pages = [], None, 0
    while True:
        r = call(fg, setup["tok"], "GET", "/admin/directory/v1/customer/my_customer/resources/calendars",
                 params={"maxResults": 2, **({"pageToken": token} if token else {})})
        assert r.status_code == 200, r.text
        j = r.json()
        assert j["kind"] == "admin#directory#resources#calendars#calendarResourcesList"
        pages += 1
        seen += j["items"]
        token = j.get("nextPageToken")
        if not token:
            break
    assert pages == 3 and len(seen) == 5 and len({x["resourceId"] for x in seen}) == 5
    ada = next(x for x in seen if x["resourceName"] == "Ada")
    assert ada["capacity"] == 8 and ada["buildingId"] == "hq" and ada["floorName"] == "2"
    assert ada["resourceEmail"].endswith("@resource.calendar.google.com")
    assert ada["resourceCategory"] == "CONFERENCE_ROOM"
    assert ada["featureInstances"] == [{"feature": {"name": "Whiteboard"}}, {"feature": {"name": "Video"}}]
    assert ada["generatedResourceName"] == "HQ-2-Ada (8) [Whiteboard, Video]"
    r = call(fg, setup["tok"], "GET", "/admin/directory/v1/customer/my_customer/resources/buildings")
    assert r.json()["buildings"][0]["buildingName"] == "HQ"


def test_directory_refuses_non_admin_and_missing_scope(setup, fg):
    path = "/admin/directory/v1/customer/my_customer/resources/calendars"
    t = fg.token(setup["key"], [CAL, DIR], sub=USER).json()["access_token"]
    r = call(fg, t, "GET", path)
    assert r.status_code == 403 and r.json()["error"]["message"] == "Not Authorized to access this resource/api"
    t = fg.token(setup["key"], [CAL], sub=ADMIN).json()["access_token"]
    r = call(fg, t, "GET", path)
    assert r.status_code == 403 and reason(r) == "insufficientPermissions"
    t = fg.token(setup["key"], [CAL, DIR]).json()["access_token"]  # no sub: the service account itself
    assert call(fg, t, "GET", path).status_code == 403
    assert call(fg, t, "GET", events_path(setup["room"])).status_code == 404


# ---- events ----
def test_event_lifecycle(setup, fg):
    room, tok = setup["room"], setup["tok"]
    body = {"summary": "Standup", "start": {"dateTime": "2030-01-07T10:00:00", "timeZone": "Europe/Paris"},
            "end": {"dateTime": "2030-01-07T10:30:00+01:00"},
            "extendedProperties": {"private": {"conveneBookingId": "b-1"}}}
    r = call(fg, tok, "POST", events_path(room), json=body)
    assert r.status_code == 200, r.text
    ev = r.json()
    assert ev["kind"] == "calendar#event" and ev["status"] == "confirmed"
    assert ev["start"] == {"dateTime": "2030-01-07T10:00:00+01:00", "timeZone": "Europe/Paris"}
    assert ev["iCalUID"] == ev["id"] + "@google.com" and ev["etag"].startswith('"')
    assert ev["organizer"]["email"] == room and ev["organizer"]["self"] is True
    assert ev["creator"]["email"] == ADMIN
    # found again by our id, as an idempotent writer looks it up
    r = call(fg, tok, "GET", events_path(room), params={"privateExtendedProperty": "conveneBookingId=b-1"})
    assert [e["id"] for e in r.json()["items"]] == [ev["id"]]
    r = call(fg, tok, "PATCH", events_path(room, "/" + ev["id"]),
             json={"end": {"dateTime": "2030-01-07T11:00:00+01:00"}})
    assert r.status_code == 200 and r.json()["summary"] == "Standup" and r.json()["sequence"] == 1
    assert r.json()["etag"] != ev["etag"] and r.json()["extendedProperties"]["private"]["conveneBookingId"] == "b-1"
    # patch merges objects: the start keeps its timeZone; null removes a field
    r = call(fg, tok, "PATCH", events_path(room, "/" + ev["id"]),
             json={"start": {"dateTime": "2030-01-07T09:45:00+01:00"}, "description": None})
    assert r.json()["start"] == {"dateTime": "2030-01-07T09:45:00+01:00", "timeZone": "Europe/Paris"}
    # update replaces: what is not sent is gone
    r = call(fg, tok, "PUT", events_path(room, "/" + ev["id"]),
             json={"start": {"dateTime": "2030-01-07T09:00:00Z"}, "end": {"dateTime": "2030-01-07T09:30:00Z"}})
    assert r.status_code == 200 and "summary" not in r.json() and "extendedProperties" not in r.json()
    assert call(fg, tok, "DELETE", events_path(room, "/" + ev["id"])).status_code == 204
    r = call(fg, tok, "DELETE", events_path(room, "/" + ev["id"]))
    assert r.status_code == 410 and reason(r) == "deleted"
    r = call(fg, tok, "GET", events_path(room, "/" + ev["id"]))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"  # get always returns them
    assert call(fg, tok, "GET", events_path(room, "/nosuchevent")).status_code == 404
    assert call(fg, tok, "GET", events_path("nobody@resource.calendar.google.com")).status_code == 404


def test_event_validation(setup, fg):
    room, tok = setup["room"], setup["tok"]
    r = call(fg, tok, "POST", events_path(room), json={"start": {"dateTime": "2030-01-07T10:00:00Z"},
                                                       "end": {"dateTime": "2030-01-07T09:00:00Z"}})
    assert r.status_code == 400 and reason(r) == "timeRangeEmpty"
    r = call(fg, tok, "POST", events_path(room), json={"start": {"dateTime": "2030-01-07T10:00:00"},
                                                       "end": {"dateTime": "2030-01-07T11:00:00"}})
    assert r.status_code == 400 and r.json()["error"]["message"] == "Missing time zone definition for start time."
    good = {"id": "conv0000000001", "start": {"date": "2030-01-07"}, "end": {"date": "2030-01-08"}}
    assert call(fg, tok, "POST", events_path(room), json=good).status_code == 200
    r = call(fg, tok, "POST", events_path(room), json=good)
    assert r.status_code == 409 and reason(r) == "duplicate"
    r = call(fg, tok, "POST", events_path(room), json=dict(good, id="Not_Base32hex"))
    assert r.status_code == 400
    r = requests.post(fg.api_url + events_path(room), data="{", headers={"Authorization": "Bearer " + tok})
    assert r.status_code == 400 and reason(r) == "parseError"
    ro = fg.token(setup["key"], ["https://www.googleapis.com/auth/calendar.readonly"], sub=ADMIN)
    fg.grant(setup["key"]["client_id"], [CAL, DIR, "https://www.googleapis.com/auth/calendar.readonly"])
    ro = fg.token(setup["key"], ["https://www.googleapis.com/auth/calendar.readonly"], sub=ADMIN)
    r = call(fg, ro.json()["access_token"], "POST", events_path(room), json=dict(good, id="conv0000000002"))
    assert r.status_code == 403 and reason(r) == "insufficientPermissions"


def make(fg, tok, room, n, day="2030-02-0%d", **extra):
    ids = []
    for i in range(n):
        d = day % (i % 9 + 1)
        r = call(fg, tok, "POST", events_path(room), json=dict(
            extra, summary="E%d" % i, start={"dateTime": d + "T%02d:00:00Z" % (8 + i // 9)},
            end={"dateTime": d + "T%02d:30:00Z" % (8 + i // 9)}))
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
    return ids


def full_sync(fg, tok, room, **params):
    items, token, tokens = [], None, []
    while True:
        p = dict(params, **({"pageToken": token} if token else {}))
        r = call(fg, tok, "GET", events_path(room), params=p)
        assert r.status_code == 200, r.text
        j = r.json()
        items += j["items"]
        token = j.get("nextPageToken")
        tokens.append(j.get("nextSyncToken"))
        if not token:
            return items, tokens


def test_paging_and_incremental_sync(setup, fg):
    room, tok = setup["room"], setup["tok"]
    ids = make(fg, tok, room, 7)
    items, synctoks = full_sync(fg, tok, room, maxResults=3)
    assert sorted(e["id"] for e in items) == sorted(ids)
    # nextSyncToken only on the last page
    assert synctoks[:-1] == [None, None] and synctoks[-1]
    sync = synctoks[-1]
    r = call(fg, tok, "GET", events_path(room), params={"syncToken": sync})
    assert r.json()["items"] == [] and r.json()["nextSyncToken"]
    call(fg, tok, "PATCH", events_path(room, "/" + ids[0]), json={"summary": "moved"})
    call(fg, tok, "DELETE", events_path(room, "/" + ids[1]))
    new = make(fg, tok, room, 1, day="2030-03-0%d")[0]
    items, synctoks = full_sync(fg, tok, room, syncToken=sync)
    got = {e["id"]: e for e in items}
    assert set(got) == {ids[0], ids[1], new}
    assert got[ids[0]]["summary"] == "moved"
    assert got[ids[1]]["status"] == "cancelled"  # deletions always come with a sync token
    # the full list leaves deleted events out unless showDeleted
    assert ids[1] not in {e["id"] for e in full_sync(fg, tok, room)[0]}
    assert ids[1] in {e["id"] for e in full_sync(fg, tok, room, showDeleted="true")[0]}
    # a sync token is not for combining with a window
    r = call(fg, tok, "GET", events_path(room), params={"syncToken": synctoks[-1], "timeMin": "2030-01-01T00:00:00Z"})
    assert r.status_code == 400
    fg.invalidate_sync(room)
    r = call(fg, tok, "GET", events_path(room), params={"syncToken": synctoks[-1]})
    assert r.status_code == 410 and reason(r) == "fullSyncRequired"
    assert r.json()["error"]["message"] == "Sync token is no longer valid, a full sync is required."


def test_change_between_pages_is_not_lost(setup, fg):
    room, tok = setup["room"], setup["tok"]
    ids = make(fg, tok, room, 6)
    first = call(fg, tok, "GET", events_path(room), params={"maxResults": 2}).json()
    # while the client pages, an event of a later page changes and a new one is made:
    # the remaining pages leave them out and the next incremental sync brings them
    later = sorted(ids)[-1]
    assert later not in [e["id"] for e in first["items"]]
    call(fg, tok, "PATCH", events_path(room, "/" + later), json={"summary": "changed mid-sync"})
    new = make(fg, tok, room, 1, day="2030-04-0%d")[0]
    seen, page = [e["id"] for e in first["items"]], first
    while "nextPageToken" in page:
        page = call(fg, tok, "GET", events_path(room),
                    params={"maxResults": 2, "pageToken": page["nextPageToken"]}).json()
        seen += [e["id"] for e in page["items"]]
    assert later not in seen and new not in seen and len(seen) == 5
    inc = call(fg, tok, "GET", events_path(room), params={"syncToken": page["nextSyncToken"]}).json()
    assert {e["id"]: e.get("summary") for e in inc["items"]} == {later: "changed mid-sync", new: "E0"}
    # a page token belongs to its query
    r = call(fg, tok, "GET", events_path(room), params={"maxResults": 2, "pageToken": first["nextPageToken"],
                                                        "showDeleted": "true"})
    assert r.status_code == 400


def test_bad_input_answers_4xx_and_the_fake_keeps_serving(setup, fg):
    room, tok = setup["room"], setup["tok"]
    bad = [
        ("GET", events_path(room), {"params": {"maxResults": "x"}}),
        ("GET", events_path(room), {"params": {"syncToken": "!!!"}}),
        ("GET", events_path(room), {"params": {"pageToken": "e30"}}),
        ("GET", events_path(room), {"params": {"orderBy": "startTime"}}),
        ("POST", events_path(room), {"json": {"start": "tomorrow", "end": {}}}),
        ("POST", events_path(room), {"json": {"start": {"dateTime": "2030-01-01T10:00:00Z", "timeZone": "Mars/Base"},
                                              "end": {"dateTime": "2030-01-01T11:00:00Z"}}}),
        ("POST", events_path(room), {"json": {"start": {"date": "2030-01-01"}, "end": {"date": "2030-01-02"},
                                              "attendees": "everyone"}}),
        ("POST", events_path(room), {"json": {"start": {"date": "2030-01-01"}, "end": {"date": "2030-01-02"},
                                              "extendedProperties": {"private": {"k": 1}}}}),
        ("POST", events_path(room, "/watch"), {"json": {"id": "c", "type": "web_hook", "address": "ftp://x"}}),
        ("POST", events_path(room, "/watch"), {"json": {"id": "c", "type": "web_hook", "address": "http://x",
                                                        "params": {"ttl": "soon"}}}),
        ("POST", events_path(room, "/watch"), {"json": {"id": "c" * 65, "type": "web_hook", "address": "http://x"}}),
        ("GET", "/admin/directory/v1/customer/my_customer/resources/calendars", {"params": {"maxResults": "0"}}),
    ]
    for method, path, kw in bad:
        r = call(fg, tok, method, path, **kw)
        assert 400 <= r.status_code < 500, (method, path, kw, r.status_code, r.text)
        assert r.json()["error"]["code"] == r.status_code
    assert requests.get(fg.api_url + "/_fake/health").json() == {"ok": True}


def test_bulk_meetings_page_through(setup, fg):
    room, tok = setup["room"], setup["tok"]
    ids = fg.add_meetings(room, 600, start="2030-09-01T00:00:00Z", interval_minutes=30, duration_minutes=30)
    items, synctoks = full_sync(fg, tok, room, singleEvents="true", orderBy="startTime", maxResults=250)
    assert len(synctoks) == 3 and [e["id"] for e in items] == ids
    assert all([a["responseStatus"] for a in e["attendees"] if a.get("self")] == ["accepted"] for e in items)
    # no timeZone given: the time is answered in the calendar's zone (this room is in Paris)
    assert items[1]["start"] == {"dateTime": "2030-09-01T02:30:00+02:00"}
    assert fg.deliveries() == [] and fg.stats()["events"] == 600


def test_time_window(setup, fg):
    room, tok = setup["room"], setup["tok"]
    make(fg, tok, room, 3)  # Feb 1, 2, 3 at 08:00Z
    items, _ = full_sync(fg, tok, room, timeMin="2030-02-02T00:00:00Z", timeMax="2030-02-03T00:00:00Z")
    assert [e["summary"] for e in items] == ["E1"]
    r = call(fg, tok, "GET", events_path(room), params={"timeMin": "2030-02-02"})
    assert r.status_code == 400


def test_recurring_series_and_exceptions(setup, fg):
    room, tok = setup["room"], setup["tok"]
    r = call(fg, tok, "POST", events_path(room), json={
        "summary": "Weekly", "start": {"dateTime": "2030-03-18T10:00:00", "timeZone": "Europe/Paris"},
        "end": {"dateTime": "2030-03-18T11:00:00", "timeZone": "Europe/Paris"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"]})
    assert r.status_code == 200, r.text
    sid = r.json()["id"]
    items, sync = full_sync(fg, tok, room, singleEvents="true", orderBy="startTime")
    assert [e["start"]["dateTime"] for e in items] == [
        "2030-03-18T10:00:00+01:00", "2030-03-25T10:00:00+01:00",  # Paris leaves winter time on the 31st:
        "2030-04-01T10:00:00+02:00", "2030-04-08T10:00:00+02:00"]  # the wall clock stays at 10:00
    assert all(e["recurringEventId"] == sid and e["originalStartTime"] == e["start"] for e in items)
    assert items[1]["id"] == sid + "_20300325T090000Z"
    # one occurrence cancelled, another moved
    assert call(fg, tok, "DELETE", events_path(room, "/" + items[1]["id"])).status_code == 204
    r = call(fg, tok, "PATCH", events_path(room, "/" + items[2]["id"]),
             json={"start": {"dateTime": "2030-04-01T14:00:00+02:00"},
                   "end": {"dateTime": "2030-04-01T15:00:00+02:00"}})
    assert r.status_code == 200 and r.json()["originalStartTime"]["dateTime"] == "2030-04-01T10:00:00+02:00"
    single = full_sync(fg, tok, room, singleEvents="true")[0]
    assert len(single) == 3 and sorted(e["start"]["dateTime"][11:16] for e in single) == ["10:00", "10:00", "14:00"]
    # singleEvents=false: the series, its moved instance and (showDeleted and singleEvents
    # both false) its cancelled instance
    raw = {e["id"]: e for e in full_sync(fg, tok, room)[0]}
    assert raw[sid]["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4"]
    assert raw[items[1]["id"]]["status"] == "cancelled" and raw[items[2]["id"]]["recurringEventId"] == sid
    inc = call(fg, tok, "GET", events_path(room), params={"singleEvents": "true", "syncToken": sync[-1]}).json()
    assert {e["id"]: e["status"] for e in inc["items"]} == {items[1]["id"]: "cancelled", items[2]["id"]: "confirmed"}
    inst = call(fg, tok, "GET", events_path(room, "/%s/instances" % sid)).json()["items"]
    assert len(inst) == 3
    assert call(fg, tok, "GET", events_path(room, "/%s_20300326T090000Z" % sid)).status_code == 404
    # the whole series cancelled: every occurrence comes back cancelled
    call(fg, tok, "DELETE", events_path(room, "/" + sid))
    inc = call(fg, tok, "GET", events_path(room), params={"singleEvents": "true",
                                                          "syncToken": inc["nextSyncToken"]}).json()
    assert {e["status"] for e in inc["items"]} == {"cancelled"} and len(inc["items"]) == 4
    assert [e for e in full_sync(fg, tok, room)[0] if e["status"] != "cancelled"] == []
    assert {e["status"] for e in fg.events(room)} == {"cancelled"}
    r = call(fg, tok, "POST", events_path(room), json={
        "start": {"date": "2030-01-01"}, "end": {"date": "2030-01-02"}, "recurrence": ["RRULE:FREQ=HOURLY"]})
    assert r.status_code == 400


def test_room_declines_conflicting_invitation(setup, fg):
    room, tok = setup["room"], setup["tok"]
    a = fg.book(room, USER, "2030-05-06T09:00:00Z", "2030-05-06T10:00:00Z")
    assert a["room_response"] == "accepted"
    me = [x for x in a["event"]["attendees"] if x["email"] == room][0]
    assert me == {"email": room, "responseStatus": "accepted", "self": True, "resource": True}
    assert a["event"]["organizer"]["email"] == USER
    b = fg.book(room, "bob@example.com", "2030-05-06T09:30:00Z", "2030-05-06T10:30:00Z")
    assert b["room_response"] == "declined"
    # a booking written by convene (the calendar's owner) is busy time too
    call(fg, tok, "POST", events_path(room), json={"start": {"dateTime": "2030-05-06T12:00:00Z"},
                                                   "end": {"dateTime": "2030-05-06T13:00:00Z"}})
    assert fg.book(room, USER, "2030-05-06T12:30:00Z", "2030-05-06T14:00:00Z")["room_response"] == "declined"
    # declined meetings do not block: the declined one moved to a free hour is accepted
    moved = fg.change(room, b["event"]["id"], start={"dateTime": "2030-05-06T15:00:00Z"},
                      end={"dateTime": "2030-05-06T16:00:00Z"})
    assert moved["room_response"] == "accepted"
    # the organizer cancels at Google
    fg.cancel(room, a["event"]["id"])
    stored = {e["id"]: e for e in fg.events(room)}
    assert stored[a["event"]["id"]]["status"] == "cancelled"
    # convene declines the room's invitation (the race rule) with a patch of attendees
    ev = stored[moved["event"]["id"]]
    atts = [dict(x, responseStatus="declined") if x["email"] == room else x for x in ev["attendees"]]
    r = call(fg, tok, "PATCH", events_path(room, "/" + ev["id"]), json={"attendees": atts})
    assert [x["responseStatus"] for x in r.json()["attendees"] if x.get("self")] == ["declined"]
    # a recurring invitation with one clashing occurrence is declined
    rec = fg.book(room, USER, "2030-05-05T12:00:00Z", "2030-05-05T13:00:00Z",
                  recurrence=["RRULE:FREQ=DAILY;COUNT=3"])
    assert rec["room_response"] == "declined"


def test_push_channel(setup, fg):
    room, tok = setup["room"], setup["tok"]
    lis = Listener()
    try:
        r = call(fg, tok, "POST", events_path(room, "/watch"), json={
            "id": "chan-1", "type": "web_hook", "address": lis.url, "token": "target=room1",
            "params": {"ttl": "3600"}})
        assert r.status_code == 200, r.text
        ch = r.json()
        assert ch["kind"] == "api#channel" and ch["id"] == "chan-1" and ch["resourceId"]
        assert abs(int(ch["expiration"]) / 1000 - time.time() - 3600) < 60
        got = lis.wait(1)
        h = got[0]["headers"]
        assert h["x-goog-resource-state"] == "sync" and h["x-goog-message-number"] == "1"
        assert h["x-goog-channel-id"] == "chan-1" and h["x-goog-channel-token"] == "target=room1"
        assert h["x-goog-resource-id"] == ch["resourceId"] and h["x-goog-resource-uri"] == ch["resourceUri"]
        assert h["x-goog-channel-expiration"].endswith(" GMT") and got[0]["body"] == b""
        assert "content-type" not in h
        make(fg, tok, room, 1)
        fg.book(room, USER, "2030-06-01T09:00:00Z", "2030-06-01T10:00:00Z")
        got = lis.wait(3)
        assert [g["headers"]["x-goog-resource-state"] for g in got] == ["sync", "exists", "exists"]
        nums = [int(g["headers"]["x-goog-message-number"]) for g in got]
        assert nums[0] == 1 and nums[0] < nums[1] < nums[2]  # increasing, not necessarily sequential
        # another calendar's change is not this channel's business
        make(fg, tok, setup["r2"]["resourceEmail"], 1)
        # push switched off: changes happen, nobody is told
        fg.push(False)
        make(fg, tok, room, 1, day="2030-07-0%d")
        fg.push(True)
        time.sleep(0.3)
        assert len(lis.got) == 3
        # a second channel on the same calendar shares the resourceId; stop needs both ids
        r = call(fg, tok, "POST", events_path(room, "/watch"), json={"id": "chan-2", "type": "web_hook",
                                                                      "address": lis.url})
        assert r.json()["resourceId"] == ch["resourceId"]
        r = call(fg, tok, "POST", events_path(room, "/watch"), json={"id": "chan-2", "type": "web_hook",
                                                                      "address": lis.url})
        assert r.status_code == 400
        r = call(fg, tok, "POST", "/calendar/v3/channels/stop", json={"id": "chan-2", "resourceId": "wrong"})
        assert r.status_code == 404
        r = call(fg, tok, "POST", "/calendar/v3/channels/stop", json={"id": "chan-2",
                                                                       "resourceId": ch["resourceId"]})
        assert r.status_code == 204
        # an expired channel sends nothing more
        fg.expire_channel("chan-1")
        n = len(lis.wait(4))
        make(fg, tok, room, 1, day="2030-08-0%d")
        time.sleep(0.3)
        assert len(lis.got) == n and fg.channels() == []
        assert [d["state"] for d in fg.deliveries("chan-1")] == ["sync", "exists", "exists"]
    finally:
        lis.close()


def test_outage_and_rate_limits(setup, fg):
    room, tok = setup["room"], setup["tok"]
    fg.outage(True)
    r = call(fg, tok, "GET", events_path(room))
    assert r.status_code == 503 and reason(r) == "backendError"
    assert fg.token(setup["key"], [CAL], sub=ADMIN).status_code == 200  # token endpoint up unless token=True
    fg.outage(False)
    assert call(fg, tok, "GET", events_path(room)).status_code == 200
    fg.throttle(status=403, count=1)
    r = call(fg, tok, "GET", events_path(room))
    assert r.status_code == 403 and r.json()["error"]["errors"][0] == {
        "domain": "usageLimits", "reason": "rateLimitExceeded", "message": "Rate Limit Exceeded"}
    assert call(fg, tok, "GET", events_path(room)).status_code == 200
    fg.throttle(status=429, retry_after=2)
    r = call(fg, tok, "GET", events_path(room))
    assert r.status_code == 429 and r.headers["Retry-After"] == "2" and reason(r) == "rateLimitExceeded"
    fg.throttle(on=False, status=429)
    fg.outage(True, token=True)
    assert fg.token(setup["key"], [CAL], sub=ADMIN).status_code == 503
    fg.outage(False)
    s = fg.stats()
    assert s["api_errors"] == 3 and s["api_calls"] == 5 and s["tokens_issued"] == 2
    assert [c["status"] for c in fg.calls("api")] == [503, 200, 403, 200, 429]
    assert [c["status"] for c in fg.calls("token")] == [200, 200, 503]


def test_stop_on_sigterm():
    g = gc.FakeGoogle()
    assert requests.get(g.api_url + "/_fake/health").json() == {"ok": True}
    g.proc.terminate()
    assert g.proc.wait(timeout=10) == 0
    g.stop()
