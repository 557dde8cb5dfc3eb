"""The race rule of tests/api/test_sync_conflicts.py (the earlier of a
provider meeting and a convene booking keeps the room; the later is declined
where it was made) against the fake Microsoft Graph of tests/fakes/graph, one
case each way. The race is made by holding the sync back with the fake's
outage."""
import datetime
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


def test_an_outlook_meeting_made_earlier_takes_one_occurrence_of_a_later_convene_series(s, fg, linked):
    """only the overlapped occurrence of the convene series gives the room
    back: declined in its override, its occurrence deleted from the series'
    copy at Microsoft; the Outlook meeting is kept, not declined"""
    x = dict(linked, fg=fg)
    wait_for(lambda: [u for u in fg.subscriptions() if u["mailbox"] == x["g"].lower()])
    before = resolved(x)
    nxt = (datetime.date.fromisoformat(D) + datetime.timedelta(days=1)).isoformat()
    fg.outage(True)
    try:
        m = fg.book(x["person"], [x["g"]], "Made in Outlook", nxt + "T07:00:00", nxt + "T08:00:00")
        assert m["rooms"][x["g"]]["response"] == "accepted"
        time.sleep(1.1)
        r = x["c"].post("/api/v1/calendars/%s/events" % x["cal"],
                        json={"summary": "Daily in convene", "start": D + "T07:00:00Z", "end": D + "T08:00:00Z",
                              "rrule": "FREQ=DAILY;COUNT=2", "room_ids": [x["room"]["id"]]})
        assert r.status_code == 201, r.text
        ev = r.json()
    finally:
        fg.outage(False)
    assert wait_for(lambda: sorted(b["summary"] for b in bookings(x)) == ["Daily in convene", "Made in Outlook"]), \
        bookings(x)
    got = x["c"].get("/api/v1/calendars/%s/events/%s" % (x["cal"], ev["id"])).json()
    assert [a["partstat"] for a in got["attendees"] if a["email"] == x["room"]["email"]] == ["accepted"], got
    assert [[a["partstat"] for a in o["attendees"] if a["email"] == x["room"]["email"]]
            for o in got["overrides"]] == [["declined"]], got

    def at_microsoft():
        return sorted((e.get("subject"), e["start"]["dateTime"][:13])
                      for e in fg.room_events(x["g"], D + "T00:00:00Z", nxt + "T23:00:00Z"))

    want = [("Daily in convene", D + "T07"), ("Made in Outlook", nxt + "T07")]
    assert wait_for(lambda: at_microsoft() == want), at_microsoft()
    at = fg.meeting(m["organizer_event"]["id"])
    at = at.get("organizer_event", at)
    assert [a.get("status", {}).get("response") for a in at.get("attendees", [])
            if a["emailAddress"]["address"].lower() == x["g"].lower()] == ["accepted"], at
    assert wait_for(lambda: resolved(x) == before + 1)
