"""The race rule of tests/api/test_sync_conflicts.py (the earlier of a
provider meeting and a convene booking keeps the room; the later is declined
where it was made) against the fake Microsoft Graph of tests/fakes/graph, one
case each way. The race is made by holding the sync back with the fake's
outage."""
import time

from test_sync_microsoft import D, bookings, graph, linked, s, fg, wait_for  # noqa: F401 (fixtures)

BASE = "/api/v1/calendar-integrations"


def resolved(x):
    return [i for i in x["admin"].get(BASE).json()["items"] if i["provider"] == "microsoft"][0]["conflicts_resolved"]


def book_in_convene(x, summary, start, end):
    r = x["c"].post("/api/v1/calendars/%s/events" % x["cal"],
                    json={"summary": summary, "start": start, "end": end, "room_ids": [x["room"]["id"]]})
    assert r.status_code == 201, r.text
    return r.json()


def subjects_at_microsoft(x):
    return sorted(e.get("subject") for e in x["fg"].room_events(x["g"]))


def test_an_outlook_meeting_made_earlier_takes_the_room(s, fg, linked):
    x = dict(linked, fg=fg)
    wait_for(lambda: [u for u in fg.subscriptions() if u["mailbox"] == x["g"].lower()])
    before = resolved(x)
    fg.outage(True)
    try:
        m = fg.book(x["person"], [x["g"]], "Made in Outlook", D + "T15:00:00", D + "T16:00:00")
        assert m["rooms"][x["g"]]["response"] == "accepted"
        time.sleep(1.1)
        ev = book_in_convene(x, "Made in convene", D + "T15:00:00Z", D + "T16:00:00Z")
    finally:
        fg.outage(False)
    assert wait_for(lambda: [b["summary"] for b in bookings(x)] == ["Made in Outlook"])
    got = x["c"].get("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"])).json()
    room = [a for a in got["attendees"] if a["email"] == x["room"]["email"]]
    assert room and room[0]["partstat"] == "declined", got
    assert wait_for(lambda: subjects_at_microsoft(x) == ["Made in Outlook"]), subjects_at_microsoft(x)
    assert wait_for(lambda: resolved(x) == before + 1)


def test_an_outlook_meeting_made_later_is_declined_at_microsoft(s, fg, linked):
    x = dict(linked, fg=fg)
    wait_for(lambda: [u for u in fg.subscriptions() if u["mailbox"] == x["g"].lower()])
    before = resolved(x)
    fg.outage(True)
    try:
        book_in_convene(x, "Made in convene", D + "T17:00:00Z", D + "T18:00:00Z")
        time.sleep(1.1)
        m = fg.book(x["person"], [x["g"]], "Made in Outlook", D + "T17:00:00", D + "T18:00:00")
        assert m["rooms"][x["g"]]["response"] == "accepted"  # Microsoft does not know yet
    finally:
        fg.outage(False)

    def declined():
        at = fg.meeting(m["organizer_event"]["id"])
        at = at.get("organizer_event", at)
        return [a for a in at.get("attendees", []) if a["emailAddress"]["address"].lower() == x["g"].lower()
                and a.get("status", {}).get("response") == "declined"]

    assert wait_for(declined), fg.meeting(m["organizer_event"]["id"])
    assert [b["summary"] for b in bookings(x)] == ["Made in convene"]
    # the room's calendar at Microsoft keeps only convene's copy (ours, the echo, is no rival)
    assert wait_for(lambda: subjects_at_microsoft(x) == ["Made in convene"]), subjects_at_microsoft(x)
    assert wait_for(lambda: resolved(x) == before + 1)
    time.sleep(1)
    assert [b["summary"] for b in bookings(x)] == ["Made in convene"]
