"""Helpers for the calendar tests: a user's default calendar, a new one,
and events made through the API."""
from conftest import uniq


def default_calendar(client):
    r = client.get("/api/v1/calendars")
    assert r.status_code == 200, r.text
    return [c for c in r.json()["items"] if c["is_default"] and c["role"] == "owner"][0]


def new_calendar(client, **fields):
    body = {"name": uniq("Cal "), **fields}
    r = client.post("/api/v1/calendars", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def new_event(client, cal_id, **fields):
    body = {"summary": uniq("Meeting "), **fields}
    if "start" not in fields:
        body.update(start="2030-03-04T10:00:00", end=fields.get("end", "2030-03-04T11:00:00"))
    r = client.post("/api/v1/calendars/%s/events" % cal_id, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def occurrences(client, cal_id, start, end, status=200):
    r = client.get("/api/v1/calendars/%s/events" % cal_id, params={"start": start, "end": end})
    assert r.status_code == status, r.text
    return r.json()["items"] if status == 200 else r
