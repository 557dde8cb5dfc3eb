"""Shares of calendars: roles enforced by the API (freebusy, viewer, editor,
manager), shares to teams and companies, revocation effective on the next
request, who may manage shares, and bad input."""
from calutil import default_calendar, new_calendar, occurrences
from conftest import problem, uniq
from sharing import event_soon, share, soon, window


def pair(srv, admin, role="member"):
    owner, _ = srv.make_user(admin, "member")
    other, _ = srv.make_user(admin, role)
    return owner, srv.login_as(owner), other, srv.login_as(other)


def test_viewer_reads_editor_writes_revoked_is_gone(srv, admin):
    owner, oc, other, bc = pair(srv, admin)
    cal = new_calendar(oc)
    event_soon(oc, cal["id"], summary="Budget review")
    problem(bc.get("/api/v1/calendars/" + cal["id"]), 404)
    s = share(oc, cal["id"], kind="user", user_id=other["id"], role="viewer")
    assert s["role"] == "viewer" and s["kind"] == "user" and s["grantee"]["email"] == other["email"]
    assert s["id"].startswith("shr_") and not s["pending"]
    mine = [c for c in bc.get("/api/v1/calendars").json()["items"] if c["id"] == cal["id"]]
    assert len(mine) == 1 and mine[0]["role"] == "viewer", mine
    items = occurrences(bc, cal["id"], *window())
    assert [i["summary"] for i in items] == ["Budget review"]
    problem(bc.post("/api/v1/calendars/%s/events" % cal["id"], json={"summary": "x", "start": soon(4)}), 403)
    problem(bc.patch("/api/v1/calendars/" + cal["id"], json={"name": "Mine now"}), 403)
    problem(bc.get("/api/v1/calendars/%s/shares" % cal["id"]), 403)

    r = oc.patch("/api/v1/calendars/%s/shares/%s" % (cal["id"], s["id"]), json={"role": "editor"})
    assert r.status_code == 200 and r.json()["role"] == "editor", r.text
    r = bc.post("/api/v1/calendars/%s/events" % cal["id"], json={"summary": "Added", "start": soon(5),
                                                                  "end": soon(5, 11)})
    assert r.status_code == 201, r.text

    assert oc.delete("/api/v1/calendars/%s/shares/%s" % (cal["id"], s["id"])).status_code == 204
    problem(bc.get("/api/v1/calendars/" + cal["id"]), 404)
    problem(bc.get("/api/v1/calendars/%s/events" % cal["id"]), 404)
    assert cal["id"] not in [c["id"] for c in bc.get("/api/v1/calendars").json()["items"]]
    problem(oc.delete("/api/v1/calendars/%s/shares/%s" % (cal["id"], s["id"])), 404)


def test_freebusy_sees_no_summary(srv, admin):
    owner, oc, other, bc = pair(srv, admin)
    cal = default_calendar(oc)
    event_soon(oc, cal["id"], summary="Secret interview", location="Room 4")
    share(oc, cal["id"], kind="user", user_id=other["id"], role="freebusy")
    items = occurrences(bc, cal["id"], *window())
    assert items and all(i.get("busy") for i in items), items
    text = str(items)
    assert "Secret interview" not in text and "Room 4" not in text
    exp = bc.get("/api/v1/calendars/%s/export" % cal["id"])
    assert exp.status_code == 200 and b"Secret interview" not in exp.content


def test_viewer_sees_private_events_as_busy(srv, admin):
    owner, oc, other, bc = pair(srv, admin)
    cal = new_calendar(oc)
    event_soon(oc, cal["id"], summary="Doctor", **{"class": "private"})
    event_soon(oc, cal["id"], days=4, summary="Standup")
    share(oc, cal["id"], kind="user", user_id=other["id"], role="viewer")
    text = str(occurrences(bc, cal["id"], *window()))
    assert "Doctor" not in text and "Standup" in text


def test_team_and_company_shares(srv, admin):
    owner, _ = srv.make_user(admin, "member")
    oc = srv.login_as(owner)
    cal = new_calendar(oc)
    event_soon(oc, cal["id"], summary="Planning")
    # a team of technicians
    tech, _ = srv.make_user(admin, "technician")
    tc = srv.login_as(tech)
    team = admin.post("/api/v1/teams", json={"name": uniq("Share team ")}).json()
    assert admin.put("/api/v1/teams/%s/members/%s" % (team["id"], tech["id"])).status_code == 204
    problem(tc.get("/api/v1/calendars/" + cal["id"]), 404)
    st = share(oc, cal["id"], kind="team", team_id=team["id"], role="viewer")
    assert st["kind"] == "team" and st["grantee"]["name"] == team["name"]
    assert tc.get("/api/v1/calendars/" + cal["id"]).json()["role"] == "viewer"
    assert admin.delete("/api/v1/teams/%s/members/%s" % (team["id"], tech["id"])).status_code == 204
    problem(tc.get("/api/v1/calendars/" + cal["id"]), 404)
    # a company, named as a group
    cmp = admin.post("/api/v1/companies", json={"name": uniq("Share company ")}).json()
    member, _ = srv.make_user(admin, "member", company_ids=[cmp["id"]])
    mc = srv.login_as(member)
    problem(mc.get("/api/v1/calendars/" + cal["id"]), 404)
    sc = share(oc, cal["id"], kind="group", group_id=cmp["id"], role="editor")
    assert sc["kind"] == "company"
    assert mc.get("/api/v1/calendars/" + cal["id"]).json()["role"] == "editor"
    listed = [c for c in mc.get("/api/v1/calendars").json()["items"] if c["id"] == cal["id"]]
    assert listed and listed[0]["role"] == "editor"
    # the highest role wins: a direct freebusy share does not lower the company's editor
    share(oc, cal["id"], kind="user", user_id=member["id"], role="freebusy")
    assert mc.get("/api/v1/calendars/" + cal["id"]).json()["role"] == "editor"
    kinds = sorted(s["kind"] for s in oc.get("/api/v1/calendars/%s/shares" % cal["id"]).json()["items"])
    assert kinds == ["company", "team", "user"]


def test_manager_grantee_shares_further(srv, admin):
    owner, oc, other, bc = pair(srv, admin)
    third, _ = srv.make_user(admin, "member")
    cal = new_calendar(oc)
    share(oc, cal["id"], kind="user", user_id=other["id"], role="manager")
    s = share(bc, cal["id"], kind="user", user_id=third["id"], role="viewer")
    assert s["created_by"] == other["id"]
    assert len(bc.get("/api/v1/calendars/%s/shares" % cal["id"]).json()["items"]) == 2
    tc = srv.login_as(third)
    assert tc.get("/api/v1/calendars/" + cal["id"]).json()["role"] == "viewer"
    assert bc.delete("/api/v1/calendars/%s/shares/%s" % (cal["id"], s["id"])).status_code == 204
    problem(tc.get("/api/v1/calendars/" + cal["id"]), 404)
    # a manager grantee still cannot delete the calendar: only its owner can
    problem(bc.delete("/api/v1/calendars/" + cal["id"]), 403)


def test_bad_share_input(srv, admin):
    owner, oc, other, bc = pair(srv, admin)
    cal = new_calendar(oc)
    url = "/api/v1/calendars/%s/shares" % cal["id"]
    other_acct_user, _ = srv.make_user(srv.admin("B"), "member")
    cases = [
        ({"kind": "user", "user_id": other["id"]}, "role"),
        ({"kind": "user", "user_id": other["id"], "role": "owner"}, "role"),
        ({"kind": "robot", "user_id": other["id"], "role": "viewer"}, "kind"),
        ({"kind": "user", "role": "viewer"}, "user_id"),
        ({"kind": "user", "user_id": "usr_nope", "role": "viewer"}, "user_id"),
        ({"kind": "user", "user_id": other_acct_user["id"], "role": "viewer"}, "user_id"),
        ({"kind": "user", "user_id": owner["id"], "role": "viewer"}, "user_id"),
        ({"kind": "team", "team_id": "team_AAAAAAAAAAAAAAAAAAAA", "role": "viewer"}, "team_id"),
        ({"kind": "user", "team_id": "x", "role": "viewer"}, "team_id"),
        ({"kind": "guest", "email": "not an address", "role": "viewer"}, "email"),
    ]
    for body, field in cases:
        r = oc.post(url, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
    share(oc, cal["id"], kind="user", user_id=other["id"], role="viewer")
    problem(oc.post(url, json={"kind": "user", "user_id": other["id"], "role": "editor"}), 409, "share-exists")
    s = oc.get(url).json()["items"][0]
    r = oc.patch("%s/%s" % (url, s["id"]), json={"role": "boss"})
    assert r.status_code == 422 and r.json()["field"] == "role"
    problem(oc.patch("%s/shr_AAAAAAAAAAAAAAAAAAAA" % url, json={"role": "viewer"}), 404)


def test_other_account_sees_nothing(srv, admin):
    owner, oc, other, bc = pair(srv, admin)
    cal = new_calendar(oc)
    s = share(oc, cal["id"], kind="user", user_id=other["id"], role="viewer")
    b = srv.admin("B")
    problem(b.get("/api/v1/calendars/%s/shares" % cal["id"]), 404)
    problem(b.delete("/api/v1/calendars/%s/shares/%s" % (cal["id"], s["id"])), 404)
