"""Zoom meeting writes that Zoom has not taken (issue 15), against the fake
Zoom of tests/fakes/zoom: when an event with a Zoom meeting changes, the
meeting's PATCH or DELETE is queued and sent by a worker; a write Zoom refuses,
or one the event can no longer make (an all-day event), is kept as failed with
its reason. The conference's administrators see it on the event
(GET …/events/{event_id}/zoom: sync) and in the conference's list
(GET …/zoom-sync, a deleted event's failed delete included: the meeting is
still at Zoom), retry it (an update rebuilt from the event as it is now; 422
with the reason while the event still cannot be a meeting, and nothing
changes) or dismiss a failed one; nobody else sees any of it (404)."""
import pytest

from calutil import new_event
from conftest import audit_items, problem, uniq
from test_zoom_connections import BASE, sql
from test_zoom_event_meetings import gone_at_zoom, linked, setup, wait_for, zpath  # noqa: F401 (setup: a fixture)

REFUSED = {"code": 300, "message": "Invalid field."}


def sync_path(s, mid=None, retry=False):
    return "%s/%s/zoom-sync" % (BASE, s["conf"]) + ("/%s" % mid if mid else "") + ("/retry" if retry else "")


def sync_of(s, ev):
    r = s["hc"].get(zpath(s, ev))
    assert r.status_code == 200, r.text
    return r.json()["sync"]


def listed(s, **params):
    r = s["hc"].get(sync_path(s), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def event_path(s, ev):
    return "/api/v1/calendars/%s/events/%s" % (s["cal"], ev["id"])


def move(s, ev, start, end):
    r = s["hc"].patch(event_path(s, ev), json={"all_day": False, "start": start, "end": end, "tzid": "Europe/Paris"})
    assert r.status_code == 200, r.text


def make_all_day(s, ev):
    r = s["hc"].patch(event_path(s, ev), json={"all_day": True, "start": "2030-05-04", "end": "2030-05-05"})
    assert r.status_code == 200, r.text


def test_a_change_zoom_refuses_is_shown_and_retried(srv, admin, setup):
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="Refused talk")
    mid = link["meeting_id"]
    assert link["sync"] is None and sync_of(s, ev) is None
    fz.fault(400, body=REFUSED, user_id=s["zuid"])
    move(s, ev, "2030-05-04T14:00:00", "2030-05-04T15:00:00")
    assert wait_for(lambda: (sync_of(s, ev) or {}).get("status") == "failed"), sync_of(s, ev)
    sync = sync_of(s, ev)
    assert sync["action"] == "update" and sync["attempts"] == 1 and sync["next_attempt_at"] is None
    assert "Invalid field." in sync["error"] and sync["updated_at"].endswith("Z"), sync
    # Zoom kept the old time
    assert fz.meeting(mid)["start_time"] == "2030-05-04T08:00:00Z"
    items = listed(s)["items"]
    assert [(i["meeting_id"], i["event_id"], i["summary"], i["action"], i["status"]) for i in items] == [
        (mid, ev["id"], "Refused talk", "update", "failed")], items
    assert items[0]["error"] == sync["error"]
    # a change the meeting shows nothing of (the location) leaves the failed job as it is
    r = s["hc"].patch(event_path(s, ev), json={"location": "Hall C"})
    assert r.status_code == 200, r.text
    assert sync_of(s, ev)["status"] == "failed"
    # one it shows (the agenda) is owed again, and Zoom, still refusing, fails it again
    r = s["hc"].patch(event_path(s, ev), json={"description": "Now with an agenda"})
    assert r.status_code == 200, r.text
    assert wait_for(lambda: (sync_of(s, ev) or {}).get("status") == "failed" and
                    sync_of(s, ev)["updated_at"] != sync["updated_at"]), sync_of(s, ev)
    fz.clear_faults()
    # Zoom is healthy again: retried, rebuilt from the event as it is now
    r = s["hc"].post(zpath(s, ev) + "/retry")
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["sync"]["status"] == "pending" and got["sync"]["attempts"] == 0 and got["sync"]["error"] is None
    assert got["join_url"] == link["join_url"]
    assert wait_for(lambda: fz.meeting(mid)["start_time"] == "2030-05-04T12:00:00Z")
    m = fz.meeting(mid)
    # the agenda is the description without the join line convene added to it
    assert m["agenda"] == "Now with an agenda" and m["duration"] == 60, m
    assert wait_for(lambda: sync_of(s, ev) is None)
    assert listed(s)["items"] == []
    assert len(audit_items(admin, "zoom_meeting.retry", ev["id"])) == 1


def test_a_retried_change_keeps_the_join_line_out_of_the_agenda(srv, admin, setup):
    """the retry rebuilds the body from the event, whose description ends with
    the join line convene wrote there: Zoom's agenda never carries it"""
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="Retried talk", description="Bring slides")
    mid = link["meeting_id"]
    desc = s["hc"].get(event_path(s, ev)).json()["description"]
    assert desc.endswith("Join Zoom meeting: " + link["join_url"]), desc
    fz.fault(400, body=REFUSED, user_id=s["zuid"])
    move(s, ev, "2030-05-04T14:00:00", "2030-05-04T15:00:00")
    assert wait_for(lambda: (sync_of(s, ev) or {}).get("status") == "failed"), sync_of(s, ev)
    fz.clear_faults()
    r = s["hc"].post(zpath(s, ev) + "/retry")
    assert r.status_code == 200, r.text
    assert wait_for(lambda: fz.meeting(mid)["start_time"] == "2030-05-04T12:00:00Z"), fz.meeting(mid)
    assert fz.meeting(mid)["agenda"] == "Bring slides", fz.meeting(mid)


def test_an_event_zoom_cannot_hold_fails_at_once_and_says_why(srv, admin, setup):
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="All day long")
    mid = link["meeting_id"]
    def writes():  # the meeting's own PATCH/DELETE (webhooks reload the user's list meanwhile)
        return len([c for c in fz.calls("api") if c.get("path") == "/v2/meetings/%s" % mid
                    and c.get("method") in ("PATCH", "DELETE")])

    calls = writes()
    make_all_day(s, ev)
    # failed in the change's own transaction: nothing is sent
    sync = sync_of(s, ev)
    assert sync["status"] == "failed" and sync["action"] == "update" and sync["attempts"] == 0, sync
    assert "all-day" in sync["error"], sync
    # retrying while it is still all-day: 422 with the reason, and nothing changes
    p = problem(s["hc"].post(zpath(s, ev) + "/retry"), 422, "zoom-meeting-refused")
    assert "all-day" in p["detail"]
    p = problem(s["hc"].post(sync_path(s, mid, retry=True)), 422, "zoom-meeting-refused")
    assert "all-day" in p["detail"]
    assert sync_of(s, ev) == sync
    assert writes() == calls
    # the administrator set Zoom right by hand: dismissed
    assert s["hc"].delete(sync_path(s, mid)).status_code == 204
    assert sync_of(s, ev) is None and listed(s)["items"] == []
    problem(s["hc"].delete(sync_path(s, mid)), 404)
    problem(s["hc"].post(sync_path(s, mid, retry=True)), 404)
    assert len(audit_items(admin, "zoom_meeting.dismiss", ev["id"])) == 1
    # a time again: the event is a meeting again, and Zoom follows
    move(s, ev, "2030-05-04T09:00:00", "2030-05-04T10:00:00")
    assert wait_for(lambda: fz.meeting(mid)["start_time"] == "2030-05-04T07:00:00Z")


def test_a_failed_delete_of_a_deleted_event_is_listed_and_retried(srv, admin, setup):
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="Doomed")
    mid = link["meeting_id"]
    fz.fault(400, body=REFUSED, user_id=s["zuid"])
    assert s["hc"].delete(event_path(s, ev)).status_code == 204
    # Zoom's refusal of a DELETE is retried (30 s doubling, ZOOM_JOB_ATTEMPTS times): seen pending first
    assert wait_for(lambda: [i["attempts"] for i in listed(s)["items"]] == [1]), listed(s)
    item = listed(s)["items"][0]
    assert item["status"] == "pending" and item["error"] and item["next_attempt_at"], item
    # nine attempts later (time skipped: the back-off would take hours), the tenth fails it
    sql(srv, "UPDATE zoom_meeting_jobs SET attempts = 9, next_at = 0 WHERE meeting_id = %s" % mid)
    assert wait_for(lambda: [i["status"] for i in listed(s)["items"]] == ["failed"]), listed(s)
    item = listed(s)["items"][0]
    assert (item["meeting_id"], item["event_id"], item["summary"], item["action"], item["attempts"]) == (
        mid, ev["id"], None, "delete", 10), item
    assert item["error"] == "Zoom did not answer, or answered with an error" and item["next_attempt_at"] is None
    assert not gone_at_zoom(fz, mid)  # still at Zoom, with its join link
    fz.clear_faults()
    r = s["hc"].post(sync_path(s, mid, retry=True))
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "pending" and got["attempts"] == 0 and got["action"] == "delete", got
    assert wait_for(lambda: gone_at_zoom(fz, mid))
    assert wait_for(lambda: listed(s)["items"] == [])
    assert len(audit_items(admin, "zoom_meeting.retry", ev["id"])) == 1


def test_a_write_waiting_for_its_next_attempt(srv, admin, setup):
    s, fz = setup, setup["fz"]
    ev, link = linked(srv, s, summary="Outage")
    fz.fault(503, user_id=s["zuid"])
    move(s, ev, "2030-05-04T12:00:00", "2030-05-04T13:00:00")
    assert wait_for(lambda: (sync_of(s, ev) or {}).get("attempts") == 1)
    sync = sync_of(s, ev)
    assert sync["status"] == "pending" and sync["error"] and sync["next_attempt_at"], sync
    fz.clear_faults()
    # not failed: not dismissed
    problem(s["hc"].delete(sync_path(s, link["meeting_id"])), 409, "zoom-sync-pending")
    # "retry" sends it now rather than after the back-off
    r = s["hc"].post(zpath(s, ev) + "/retry")
    assert r.status_code == 200, r.text
    assert wait_for(lambda: fz.meeting(link["meeting_id"])["start_time"] == "2030-05-04T10:00:00Z")
    assert wait_for(lambda: sync_of(s, ev) is None)
    # retrying when Zoom already matches sends the event again, harmlessly
    r = s["hc"].post(zpath(s, ev) + "/retry")
    assert r.status_code == 200, r.text
    assert wait_for(lambda: sync_of(s, ev) is None)


def test_the_list_pages(srv, admin, setup):
    s = setup
    made = []
    for i in range(3):
        ev, link = linked(srv, s, summary="Paged %d" % i)
        make_all_day(s, ev)
        made.append(link["meeting_id"])
    first = listed(s, limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = listed(s, limit=2, cursor=first["next_cursor"])
    assert rest["next_cursor"] is None
    got = [i["meeting_id"] for i in first["items"] + rest["items"]]
    assert sorted(got) == sorted(made) and len(set(got)) == 3
    problem(s["hc"].get(sync_path(s), params={"cursor": "bm9wZQ"}), 400, "invalid-query")
    problem(s["hc"].get(sync_path(s), params={"limit": "0"}), 400, "invalid-query")
    for mid in made:
        assert s["hc"].delete(sync_path(s, mid)).status_code == 204


def test_a_detached_meeting_owes_nothing_more(srv, admin, setup):
    """an update owed for an event whose link is removed is dropped with it
    (the host's own meeting stays as Zoom has it)"""
    s, fz = setup, setup["fz"]
    made = fz.add_meeting(s["zuid"], topic="Host's", start_time="2030-05-05T09:00:00Z", duration=30,
                          timezone="UTC", webhook=False)["meeting"]
    ev = new_event(s["hc"], s["cal"], uid=uniq("det-"), summary="Attached", start="2030-05-05T11:00:00",
                   end="2030-05-05T12:00:00", tzid="Europe/Paris")
    r = s["hc"].put(zpath(s, ev), json={"connection_id": s["cid"], "meeting_id": str(made["id"])})
    assert r.status_code == 200, r.text
    make_all_day(s, ev)
    assert listed(s)["items"][0]["meeting_id"] == str(made["id"])
    assert s["hc"].delete(zpath(s, ev)).status_code == 204
    assert listed(s)["items"] == []


def test_only_the_conference_administrators_see_it(srv, admin, setup):
    s = setup
    ev, link = linked(srv, s, summary="Private matter")
    make_all_day(s, ev)
    mid = link["meeting_id"]
    outsider, _ = srv.make_user(admin, "member")
    oc = srv.login_as(outsider)
    other = srv.admin("B")
    for c in (oc, other):
        problem(c.get(sync_path(s)), 404)
        problem(c.post(sync_path(s, mid, retry=True)), 404)
        problem(c.delete(sync_path(s, mid)), 404)
        problem(c.post(zpath(s, ev) + "/retry"), 404)
    # the account admin sees it too
    assert [i["meeting_id"] for i in admin.get(sync_path(s)).json()["items"]] == [mid]
    # odd meeting ids
    for bad in ("0", "-1", "abc", "9" * 25):
        problem(s["hc"].post(sync_path(s, bad, retry=True)), 404)
        problem(s["hc"].delete(sync_path(s, bad)), 404)
    assert sql(srv, "SELECT status FROM zoom_meeting_jobs WHERE meeting_id = %s" % mid) == [["failed"]]
    assert s["hc"].delete(sync_path(s, mid)).status_code == 204
