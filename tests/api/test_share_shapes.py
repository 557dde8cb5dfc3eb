"""Sharing in the shapes issue 3 section 7 fixes: POST .../shares with kind
public gives the share and its feed_url once; shares are changed, rotated
and revoked by their own id under /api/v1/shares/{id}."""
import requests

from calutil import new_calendar
from conftest import problem
from sharing import event_soon


def owner(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    return u, c, new_calendar(c, time_zone="Europe/Paris")


def test_public_share_with_its_feed_url_rotated_and_revoked_by_share_id(srv, admin):
    _, c, cal = owner(srv, admin)
    event_soon(c, cal["id"], summary="Open day")
    r = c.post("/api/v1/calendars/%s/shares" % cal["id"], json={"kind": "public", "role": "viewer"})
    assert r.status_code == 201, r.text
    share = r.json()
    assert share["kind"] == "public" and share["id"].startswith("pub_") and share["role"] == "viewer"
    url = share["feed_url"]
    assert requests.get(url, timeout=10).status_code == 200 and "Open day" in requests.get(url, timeout=10).text
    problem(c.post("/api/v1/calendars/%s/shares" % cal["id"], json={"kind": "public"}), 409, "share-exists")
    listed = c.get("/api/v1/calendars/%s/shares" % cal["id"]).json()["items"]
    assert [(x["id"], x["feed_url"]) for x in listed if x["kind"] == "public"] == [(share["id"], None)]
    r = c.post("/api/v1/shares/%s/rotate" % share["id"])
    assert r.status_code == 200 and r.json()["feed_url"] != url, r.text
    assert requests.get(url, timeout=10).status_code == 404
    new_url = r.json()["feed_url"]
    r = c.patch("/api/v1/shares/%s" % share["id"], json={"detail": "busy"})
    assert r.status_code == 200 and r.json()["role"] == "freebusy", r.text
    assert "Open day" not in requests.get(new_url, timeout=10).text
    assert c.delete("/api/v1/shares/%s" % share["id"]).status_code == 204
    assert requests.get(new_url, timeout=10).status_code == 404


def test_user_shares_by_their_own_id(srv, admin):
    _, c, cal = owner(srv, admin)
    friend, _ = srv.make_user(admin, "member")
    r = c.post("/api/v1/calendars/%s/shares" % cal["id"], json={"kind": "user", "user_id": friend["id"], "role": "viewer"})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    r = c.patch("/api/v1/shares/" + sid, json={"role": "editor"})
    assert r.status_code == 200 and r.json()["role"] == "editor", r.text
    problem(c.post("/api/v1/shares/%s/rotate" % sid), 409, "not-public")
    f = srv.login_as(friend)
    assert cal["id"] in [x["id"] for x in f.get("/api/v1/calendars").json()["items"]]
    assert c.delete("/api/v1/shares/" + sid).status_code == 204
    problem(f.get("/api/v1/calendars/" + cal["id"]), 404)
    # nobody else changes or revokes a share by its id
    _, stranger, _ = owner(srv, admin)
    r = c.post("/api/v1/calendars/%s/shares" % cal["id"], json={"kind": "user", "user_id": friend["id"], "role": "viewer"})
    problem(stranger.delete("/api/v1/shares/" + r.json()["id"]), 404)
    problem(c.delete("/api/v1/shares/shr_aaaaaaaaaaaaaaaaaaaa"), 404)
    problem(c.post("/api/v1/calendars/%s/shares" % cal["id"], json={"kind": "public", "detail": "some"}), 422)
