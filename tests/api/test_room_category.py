"""A room's resource category (Google Workspace's resourceCategory, which GoTo
Room reads): conference_room by default or other, set on create and change,
and a filter of the room list and of the free-room search."""
from conftest import problem, uniq
from test_rooms import M, booker, room, utc


def test_category_is_kept_and_filtered(srv, admin):
    tag = uniq("c").lower()
    meeting = room(admin, equipment=[tag])
    desk = room(admin, equipment=[tag], category="other")
    assert meeting["category"] == "conference_room" and desk["category"] == "other"
    r = admin.patch("/api/v1/rooms/" + meeting["id"], json={"capacity": 9})
    assert r.status_code == 200 and r.json()["category"] == "conference_room", r.text
    problem(admin.patch("/api/v1/rooms/" + meeting["id"], json={"category": "Desk"}), 422, "invalid-field")
    problem(admin.post("/api/v1/rooms", json={"name": uniq("Room "), "category": 7}), 422, "invalid-field")
    assert admin.get("/api/v1/rooms/" + meeting["id"]).json()["category"] == "conference_room"

    def listed(**q):
        r = admin.get("/api/v1/rooms", params=q)
        assert r.status_code == 200, r.text
        return {x["id"] for x in r.json()["items"]} & {meeting["id"], desk["id"]}
    assert listed() == {meeting["id"], desk["id"]}
    assert listed(category="other") == {desk["id"]}
    assert listed(category="conference_room") == {meeting["id"]}
    problem(admin.get("/api/v1/rooms", params={"category": "desk"}), 400, "invalid-query")

    _, c, _ = booker(srv, admin)
    q = {"equipment": tag, "start": utc(M, "10:00"), "end": utc(M, "11:00")}

    def found(**more):
        r = c.get("/api/v1/rooms/search", params={**q, **more})
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]
    assert sorted(found()) == sorted([meeting["id"], desk["id"]])
    assert found(category="other") == [desk["id"]]
    assert found(category="conference_room", building="HQ") == [meeting["id"]]
    problem(c.get("/api/v1/rooms/search", params={**q, "category": "x" * 300}), 400, "invalid-query")

    r = admin.patch("/api/v1/rooms/" + desk["id"], json={"category": "conference_room"})
    assert r.status_code == 200 and r.json()["category"] == "conference_room"
    assert found(category="other") == []
