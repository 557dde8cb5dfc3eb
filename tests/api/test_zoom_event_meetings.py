"""Zoom meetings of schedule events (issue 15 section 5), against the fake
Zoom of tests/fakes/zoom, which checks the request shapes Zoom documents and
computes a recurring meeting's occurrences itself: a conference administrator
creates a meeting for an event (a single one, and one type 8 meeting for a
weekly series whose occurrences keep their local hour across a DST change,
the zone sent explicitly), attaches an existing meeting of a connected
account, removes the link (convene's own meeting is deleted at Zoom, an
attached one stays); the join link travels with the event as RFC 7986
CONFERENCE plus a description line, over CalDAV and in the public feed; rules
Zoom cannot repeat are refused with 422 before Zoom is asked; nobody but the
conference's administrators and account admins sees any of it (404)."""
import datetime
import zoneinfo

import icalendar
import pytest

from calutil import new_event
from conftest import audit_items, problem, uniq
from davutil import dav
from sharing import feed, soon
from test_zoom_connections import BASE, conference, connect, connection, zoom_user


def unfold(text):
    return text.replace("\r\n ", "").replace("\r\n\t", "")


@pytest.fixture
def setup(srv, admin):
    """a conference with a connected Zoom account, and a member who administers it"""
    fz = srv.zoom
    zuid = zoom_user(fz, type=2, timezone="America/New_York")
    conf = conference(admin)
    cal = admin.get("%s/%s" % (BASE, conf)).json()["calendar_id"]
    cid = connection(admin, conf, "Main room")
    connect(srv, admin, conf, cid, zuid)
    helper, _ = srv.make_user(admin, "member")
    r = admin.put("%s/%s/admins/%s" % (BASE, conf, helper["id"]))
    assert r.status_code == 204, r.text
    return {"fz": fz, "zuid": zuid, "conf": conf, "cal": cal, "cid": cid, "helper": helper,
            "hc": srv.login_as(helper)}


def zpath(s, ev):
    return "%s/%s/events/%s/zoom" % (BASE, s["conf"], ev["id"])


def api_calls(fz, method, prefix):
    return [c for c in fz.calls("api") if c.get("method") == method and c.get("path", "").startswith(prefix)]


def caldav_text(srv, s, ev):
    r = dav(srv, "GET", "/dav/calendars/%s/%s/%s.ics" % (s["helper"]["id"], s["cal"], ev["uid"]), s["helper"])
    assert r.status_code == 200, r.text
    return unfold(r.text)


def test_create_for_a_single_event(srv, admin, setup):
    s, fz = setup, setup["fz"]
    # within the feed's window (a few days from now)
    start, end = soon(3, 10), soon(3, 10).replace("T10:00", "T11:30")
    ev = new_event(s["hc"], s["cal"], uid=uniq("talk-"), summary="Keynote", description="The opening talk",
                   start=start, end=end, tzid="Europe/Paris")
    utc = datetime.datetime.fromisoformat(start).replace(tzinfo=zoneinfo.ZoneInfo("Europe/Paris")) \
        .astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    problem(s["hc"].get(zpath(s, ev)), 404)
    r = s["hc"].post(zpath(s, ev), json={"connection_id": s["cid"]})
    assert r.status_code == 201, r.text
    link = r.json()
    assert link["created_here"] is True and link["connection_id"] == s["cid"]
    assert link["join_url"].startswith(fz.oauth_url) or "/j/" in link["join_url"]
    m = fz.meeting(link["meeting_id"])
    assert m["type"] == 2 and m["topic"] == "Keynote" and m["agenda"] == "The opening talk"
    assert m["timezone"] == "Europe/Paris" and m["duration"] == 90
    assert m["start_time"] == utc  # 10:00 in Paris
    # (the fake reads a start_time without Z as wall-clock time in timezone:
    # 08:00Z proves 10:00 went with Europe/Paris, not as UTC)
    assert s["hc"].get(zpath(s, ev)).json() == link
    # the event carries the link: CalDAV, JSON description, public feed
    text = caldav_text(srv, s, ev)
    assert "CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Zoom:%s" % link["join_url"] in text, text
    vev = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(vev["DESCRIPTION"]) == "The opening talk\n\nJoin Zoom meeting: %s" % link["join_url"]
    got = s["hc"].get("/api/v1/calendars/%s/events/%s" % (s["cal"], ev["id"])).json()
    assert got["description"].endswith("Join Zoom meeting: " + link["join_url"])
    pf = admin.put("/api/v1/calendars/%s/public-feed" % s["cal"], json={"detail": "full"})
    assert pf.status_code == 201, pf.text
    body = unfold(feed(srv, pf.json()["url"][len(srv.url):]).text)
    assert "CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Zoom:%s" % link["join_url"] in body
    assert len(audit_items(admin, "zoom_meeting.create", ev["id"])) == 1
    # a second one is refused while the first is there
    problem(s["hc"].post(zpath(s, ev), json={"connection_id": s["cid"]}), 409, "zoom-meeting-exists")
    # removing it: the link leaves the event, and convene's meeting leaves Zoom
    assert s["hc"].delete(zpath(s, ev)).status_code == 204
    problem(s["hc"].get(zpath(s, ev)), 404)
    text = caldav_text(srv, s, ev)
    assert "CONFERENCE" not in text and "Join Zoom meeting" not in text
    vev = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(vev["DESCRIPTION"]) == "The opening talk"
    assert wait_for(lambda: gone_at_zoom(fz, link["meeting_id"]))
    assert len(audit_items(admin, "zoom_meeting.detach", ev["id"])) == 1


def test_weekly_series_is_one_recurring_meeting_across_dst(srv, admin, setup):
    s, fz = setup, setup["fz"]
    # Paris leaves summer time on 27 October 2030: the local hour stays 10:00
    ev = new_event(s["hc"], s["cal"], uid=uniq("wk-"), summary="Weekly seminar", start="2030-10-14T10:00:00",
                   end="2030-10-14T11:00:00", tzid="Europe/Paris", rrule="FREQ=WEEKLY;COUNT=4")
    made_before = len(api_calls(fz, "POST", "/v2/users/me/meetings"))
    r = s["hc"].post(zpath(s, ev), json={"connection_id": s["cid"]})
    assert r.status_code == 201, r.text
    m = fz.meeting(r.json()["meeting_id"])
    assert m["type"] == 8 and m["timezone"] == "Europe/Paris"
    assert m["recurrence"]["type"] == 2 and m["recurrence"]["end_times"] == 4
    assert m["recurrence"]["weekly_days"] == "2"  # Monday, Zoom counting from Sunday = 1
    starts = [o["start_time"] for o in m["occurrences"]]
    assert starts == ["2030-10-14T08:00:00Z", "2030-10-21T08:00:00Z", "2030-10-28T09:00:00Z",
                      "2030-11-04T09:00:00Z"], starts
    # exactly one meeting was made for the four occurrences
    assert len(api_calls(fz, "POST", "/v2/users/me/meetings")) == made_before + 1


def test_rules_zoom_cannot_repeat_are_refused_before_zoom_is_asked(srv, admin, setup):
    s, fz = setup, setup["fz"]

    def mine():  # this test's Zoom user's calls: other tests' workers may still call for theirs
        return len([c for c in fz.calls("api") if c.get("user") == s["zuid"]])

    before = mine()
    for rrule, word in (("FREQ=WEEKLY", "forever"), ("FREQ=YEARLY;COUNT=3", "YEARLY"),
                        ("FREQ=DAILY;COUNT=90", "60"), ("FREQ=DAILY;UNTIL=20300901T000000Z", "60")):
        ev = new_event(s["hc"], s["cal"], summary="Series", start="2030-05-04T10:00:00",
                       end="2030-05-04T11:00:00", tzid="Europe/Paris", rrule=rrule)
        p = problem(s["hc"].post(zpath(s, ev), json={"connection_id": s["cid"]}), 422, "zoom-meeting-refused")
        assert word in p["detail"], p
        problem(s["hc"].get(zpath(s, ev)), 404)
    assert mine() == before
    # an UNTIL within Zoom's 60 occurrences is taken, as end_date_time
    ev = new_event(s["hc"], s["cal"], summary="Week", start="2030-05-04T10:00:00", end="2030-05-04T11:00:00",
                   tzid="Europe/Paris", rrule="FREQ=DAILY;UNTIL=20300510T235959Z")
    r = s["hc"].post(zpath(s, ev), json={"connection_id": s["cid"]})
    assert r.status_code == 201, r.text
    m = fz.meeting(r.json()["meeting_id"])
    assert m["recurrence"]["end_date_time"] == "2030-05-10T23:59:59Z" and len(m["occurrences"]) == 7


def test_attach_an_existing_meeting(srv, admin, setup):
    s, fz = setup, setup["fz"]
    made = fz.add_meeting(s["zuid"], topic="Made at Zoom", start_time="2030-05-05T09:00:00Z", duration=30,
                          timezone="UTC", webhook=False)["meeting"]
    ev = new_event(s["hc"], s["cal"], uid=uniq("att-"), summary="Panel", start="2030-05-05T11:00:00",
                   end="2030-05-05T12:00:00", tzid="Europe/Paris")
    p = problem(s["hc"].put(zpath(s, ev), json={"connection_id": s["cid"], "meeting_id": "99999999999"}), 422)
    assert p["errors"][0]["field"] == "meeting_id" if "errors" in p else "meeting_id" in str(p)
    problem(s["hc"].put(zpath(s, ev), json={"connection_id": "zcn_nope", "meeting_id": made["id"]}), 422)
    # Zoom answers 3001 for a meeting deleted since, and for another host's meeting (a user-level
    # app sees only its user's meetings): refused by the field, nothing linked
    gone = fz.add_meeting(s["zuid"], topic="Deleted since", start_time="2030-05-05T09:00:00Z", duration=30,
                          timezone="UTC", webhook=False)["meeting"]
    fz.delete_meeting(gone["id"])
    other = zoom_user(fz, type=2)
    theirs = fz.add_meeting(other, topic="Someone else's", start_time="2030-05-05T09:00:00Z", duration=30,
                            timezone="UTC", webhook=False)["meeting"]
    for mid in (gone["id"], theirs["id"]):
        p = problem(s["hc"].put(zpath(s, ev), json={"connection_id": s["cid"], "meeting_id": str(mid)}), 422)
        assert "meeting_id" in str(p), p
        problem(s["hc"].get(zpath(s, ev)), 404)
    assert "CONFERENCE" not in caldav_text(srv, s, ev)
    r = s["hc"].put(zpath(s, ev), json={"connection_id": s["cid"], "meeting_id": str(made["id"])})
    assert r.status_code == 200, r.text
    link = r.json()
    assert link["created_here"] is False and link["meeting_id"] == str(made["id"])
    assert link["join_url"] == fz.meeting(made["id"])["join_url"]
    assert "LABEL=Zoom:%s" % link["join_url"] in caldav_text(srv, s, ev)
    assert len(audit_items(admin, "zoom_meeting.attach", ev["id"])) == 1
    # detaching leaves the host's own meeting at Zoom
    assert s["hc"].delete(zpath(s, ev)).status_code == 204
    assert fz.meeting(made["id"])["topic"] == "Made at Zoom"
    assert "CONFERENCE" not in caldav_text(srv, s, ev)


def test_only_the_conference_administrators_see_it(srv, admin, setup):
    s = setup
    ev = new_event(s["hc"], s["cal"], summary="Closing", start="2030-05-06T16:00:00", end="2030-05-06T17:00:00",
                   tzid="Europe/Paris")
    outsider, _ = srv.make_user(admin, "member")
    oc = srv.login_as(outsider)
    for method in ("get", "post", "put", "delete"):
        problem(getattr(oc, method)(zpath(s, ev), json={"connection_id": s["cid"]}), 404)
    other = srv.admin("B")
    problem(other.get(zpath(s, ev)), 404)
    # an event of another calendar is not the schedule's
    mine = oc.get("/api/v1/calendars").json()["items"][0]["id"]
    alien = new_event(oc, mine, summary="Private")
    problem(s["hc"].get("%s/%s/events/%s/zoom" % (BASE, s["conf"], alien["id"])), 404)


def caldav_path(s, ev):
    return "/dav/calendars/%s/%s/%s.ics" % (s["helper"]["id"], s["cal"], ev["uid"])


def put_text(srv, s, path, text, expect=(201, 204)):
    r = dav(srv, "PUT", path, s["helper"], text, {"Content-Type": "text/calendar; charset=utf-8"})
    assert r.status_code in expect, r.text
    return r


def wait_for(check, timeout=15):
    import time
    end = time.time() + timeout
    while True:
        got = check()
        if got or time.time() > end:
            return got
        time.sleep(0.2)


def gone_at_zoom(fz, mid):
    try:
        fz.meeting(mid)
        return False
    except RuntimeError:
        return True


def jobs(srv, mid):
    from test_zoom_connections import sql
    return sql(srv, "SELECT action, status, error FROM zoom_meeting_jobs WHERE meeting_id = %s" % mid)


def linked(srv, s, **fields):
    fields.setdefault("start", "2030-05-04T10:00:00")
    fields.setdefault("end", "2030-05-04T11:00:00")
    ev = new_event(s["hc"], s["cal"], uid=uniq("sync-"), tzid="Europe/Paris", **fields)
    r = s["hc"].post(zpath(s, ev), json={"connection_id": s["cid"]})
    assert r.status_code == 201, r.text
    return ev, r.json()


def test_moving_the_event_over_caldav_patches_the_meeting(srv, admin, setup):
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="Session A")
    path = caldav_path(s, ev)
    text = dav(srv, "GET", path, s["helper"]).text
    moved = text.replace("T100000", "T140000").replace("T110000", "T153000").replace("Session A", "Session A2")
    assert moved != text
    put_text(srv, s, path, moved)
    ok = wait_for(lambda: fz.meeting(link["meeting_id"])["start_time"] == "2030-05-04T12:00:00Z")
    m = fz.meeting(link["meeting_id"])
    assert ok, m
    assert m["duration"] == 90 and m["topic"] == "Session A2" and m["timezone"] == "Europe/Paris"
    assert wait_for(lambda: jobs(srv, link["meeting_id"]) == [])
    # the link stayed with the event
    assert s["hc"].get(zpath(s, ev)).json()["join_url"] == link["join_url"]
    assert "LABEL=Zoom:" + link["join_url"] in unfold(dav(srv, "GET", path, s["helper"]).text)


def patches(fz, mid):
    return [c for c in fz.calls("api") if c.get("method") == "PATCH" and c.get("path", "").endswith("/%s" % mid)]


def test_every_change_zoom_shows_reaches_the_meeting_and_no_other(srv, admin, setup):
    """the agenda follows the description (without the join line convene adds
    to it); a change Zoom shows nothing of (the location) sends nothing"""
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="Workshop", description="Bring a laptop")
    mid = link["meeting_id"]
    assert fz.meeting(mid)["agenda"] == "Bring a laptop"
    url = "/api/v1/calendars/%s/events/%s" % (s["cal"], ev["id"])
    desc = s["hc"].get(url).json()["description"]
    assert desc == "Bring a laptop\n\nJoin Zoom meeting: " + link["join_url"]
    r = s["hc"].patch(url, json={"description": desc.replace("Bring a laptop", "Bring a laptop and a charger")})
    assert r.status_code == 200, r.text
    assert wait_for(lambda: fz.meeting(mid).get("agenda") == "Bring a laptop and a charger"), fz.meeting(mid)
    assert wait_for(lambda: jobs(srv, mid) == [])
    sent = len(patches(fz, mid))
    r = s["hc"].patch(url, json={"location": "Hall B"})
    assert r.status_code == 200, r.text
    assert jobs(srv, mid) == [] and len(patches(fz, mid)) == sent
    # over CalDAV, a description written without the join line keeps the agenda in step too
    path = caldav_path(s, ev)
    text = unfold(dav(srv, "GET", path, s["helper"]).text)
    import re
    text = re.sub(r"DESCRIPTION:[^\r]*\r\n", "DESCRIPTION:Bring nothing\r\n", text)
    put_text(srv, s, path, text)
    assert wait_for(lambda: fz.meeting(mid).get("agenda") == "Bring nothing"), fz.meeting(mid)


def test_a_move_keeps_no_link_to_the_meeting_it_deleted(srv, admin, setup):
    """CalDAV MOVE is a delete and a create (RFC 4918 9.9), as clients that
    copy an event then delete the original do: the schedule lost the event,
    so convene's meeting leaves Zoom, and the moved event keeps no link to it
    (its CONFERENCE and join line go); moving back does not bring it back"""
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="To move", description="Notes")
    own = [c["id"] for c in s["hc"].get("/api/v1/calendars").json()["items"] if c["id"] != s["cal"]][0]
    dest = "/dav/calendars/%s/%s/%s.ics" % (s["helper"]["id"], own, uniq("moved-"))
    r = dav(srv, "MOVE", caldav_path(s, ev), s["helper"], headers={"Destination": srv.url + dest})
    assert r.status_code in (201, 204), r.text
    moved = unfold(dav(srv, "GET", dest, s["helper"]).text)
    assert "CONFERENCE" not in moved and link["join_url"] not in moved, moved
    assert "To move" in moved and "Notes" in moved
    assert wait_for(lambda: gone_at_zoom(fz, link["meeting_id"]))
    # the same within the schedule (a rename): the old name's event is gone, and its meeting
    ev, link = linked(srv, s, summary="Renamed", description="Notes")
    dest = "/dav/calendars/%s/%s/%s.ics" % (s["helper"]["id"], s["cal"], uniq("renamed-"))
    r = dav(srv, "MOVE", caldav_path(s, ev), s["helper"], headers={"Destination": srv.url + dest})
    assert r.status_code in (201, 204), r.text
    moved = unfold(dav(srv, "GET", dest, s["helper"]).text)
    assert "CONFERENCE" not in moved and link["join_url"] not in moved, moved
    assert wait_for(lambda: gone_at_zoom(fz, link["meeting_id"]))


def test_cancelling_or_deleting_the_event_deletes_the_meeting(srv, admin, setup):
    s, fz = setup, setup["fz"]
    # cancelled over CalDAV
    ev, link = linked(srv, s, summary="To cancel")
    path = caldav_path(s, ev)
    text = unfold(dav(srv, "GET", path, s["helper"]).text)
    put_text(srv, s, path, text.replace("END:VEVENT", "STATUS:CANCELLED\r\nEND:VEVENT"))
    assert wait_for(lambda: gone_at_zoom(fz, link["meeting_id"]))
    problem(s["hc"].get(zpath(s, ev)), 404)
    # deleted over CalDAV
    ev, link = linked(srv, s, summary="To delete")
    assert dav(srv, "DELETE", caldav_path(s, ev), s["helper"]).status_code == 204
    assert wait_for(lambda: gone_at_zoom(fz, link["meeting_id"]))
    assert wait_for(lambda: jobs(srv, link["meeting_id"]) == [])
    # deleted over JSON when the meeting is already gone at Zoom: done all the same
    ev, link = linked(srv, s, summary="Already gone")
    fz.delete_meeting(link["meeting_id"])
    assert s["hc"].delete("/api/v1/calendars/%s/events/%s" % (s["cal"], ev["id"])).status_code == 204
    assert wait_for(lambda: jobs(srv, link["meeting_id"]) == []), jobs(srv, link["meeting_id"])


def test_deleting_the_conference_deletes_the_meetings_it_made(srv, admin, setup):
    """the links go with the conference by cascade; the meetings convene made
    for its events leave Zoom too (an attached one, made by its host, stays),
    and the Zoom account, now used by nobody, is released only after that"""
    from test_zoom_connections import sql
    s, fz = setup, setup["fz"]
    made_a, link_a = linked(srv, s, summary="Made here A")
    made_b, link_b = linked(srv, s, summary="Made here B")
    own = fz.add_meeting(s["zuid"], topic="The host's own", type=2, start_time="2030-05-05T09:00:00Z",
                         duration=30, webhook=False)["meeting"]
    ev = new_event(s["hc"], s["cal"], uid=uniq("own-"), summary="Attached", start="2030-05-05T11:00:00",
                   end="2030-05-05T11:30:00", tzid="Europe/Paris")
    r = s["hc"].put(zpath(s, ev), json={"connection_id": s["cid"], "meeting_id": str(own["id"])})
    assert r.status_code in (200, 201), r.text
    revokes = len(fz.calls("revoke"))
    assert admin.delete("%s/%s" % (BASE, s["conf"])).status_code == 204
    assert wait_for(lambda: gone_at_zoom(fz, link_a["meeting_id"]) and gone_at_zoom(fz, link_b["meeting_id"]))
    assert not gone_at_zoom(fz, own["id"])
    assert wait_for(lambda: jobs(srv, link_a["meeting_id"]) == [] and jobs(srv, link_b["meeting_id"]) == [])
    # nothing else uses the Zoom account: released (revoked, deleted) once its writes are done
    assert admin.get("/api/v1/zoom").status_code == 200  # a visit sweeps, as the worker does each minute
    assert wait_for(lambda: sql(srv, "SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'"
                                % s["zuid"]) == [["0"]])
    assert len(fz.calls("revoke")) == revokes + 1


def test_a_copy_never_keeps_the_link(srv, admin, setup):
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="Original")
    path = caldav_path(s, ev)
    text = unfold(dav(srv, "GET", path, s["helper"]).text)
    assert "LABEL=Zoom:" + link["join_url"] in text
    # CalDAV COPY into the administrator's own calendar (a UID is one resource per calendar)
    own = [c["id"] for c in s["hc"].get("/api/v1/calendars").json()["items"] if c["id"] != s["cal"]][0]
    dest = "/dav/calendars/%s/%s/%s.ics" % (s["helper"]["id"], own, uniq("copy-"))
    r = dav(srv, "COPY", path, s["helper"], headers={"Destination": srv.url + dest})
    assert r.status_code in (201, 204), r.text
    copied = unfold(dav(srv, "GET", dest, s["helper"]).text)
    assert "CONFERENCE" not in copied and link["join_url"] not in copied, copied
    assert "Original" in copied
    # a new event that carries the link (a client's duplicate under a new UID)
    uid = uniq("dup-")
    dup = text.replace("UID:%s" % ev["uid"], "UID:%s" % uid)
    put_text(srv, s, "/dav/calendars/%s/%s/%s.ics" % (s["helper"]["id"], s["cal"], uid), dup)
    got = unfold(dav(srv, "GET", "/dav/calendars/%s/%s/%s.ics" % (s["helper"]["id"], s["cal"], uid),
                     s["helper"]).text)
    assert "CONFERENCE" not in got and link["join_url"] not in got, got
    # the original keeps it, and the meeting is untouched
    assert "LABEL=Zoom:" + link["join_url"] in unfold(dav(srv, "GET", path, s["helper"]).text)
    assert not gone_at_zoom(fz, link["meeting_id"])


def test_the_door_display_carries_the_join_link(srv, admin, setup):
    from test_display import display, door, z
    s = setup
    rm, d, _, _ = door(srv, admin)
    now = s["hc"].post("/api/v1/calendars/%s/events" % s["cal"], json={
        "summary": "Plenary", "start": z(-10), "end": z(50), "room_ids": [rm["id"]]})
    assert now.status_code == 201, now.text
    later = s["hc"].post("/api/v1/calendars/%s/events" % s["cal"], json={
        "summary": "Posters", "start": z(60), "end": z(90), "room_ids": [rm["id"]]})
    assert later.status_code == 201, later.text
    r = s["hc"].post(zpath(s, now.json()), json={"connection_id": s["cid"]})
    assert r.status_code == 201, r.text
    link = r.json()
    got = s["hc"].get("/api/v1/calendars/%s/events/%s" % (s["cal"], now.json()["id"])).json()
    assert got["conference"] == {"uri": link["join_url"], "label": "Zoom"}
    st = display(srv, d)
    assert st["current"]["summary"] == "Plenary" and st["current"]["join_url"] == link["join_url"]
    assert st["next"]["summary"] == "Posters" and st["next"]["join_url"] is None
    # removing the link takes it off the door
    assert s["hc"].delete(zpath(s, now.json())).status_code == 204
    assert display(srv, d)["current"]["join_url"] is None
    got = s["hc"].get("/api/v1/calendars/%s/events/%s" % (s["cal"], now.json()["id"])).json()
    assert got["conference"] is None
