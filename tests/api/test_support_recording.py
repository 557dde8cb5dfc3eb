"""Session recording, retention and replay (issue 17): a session takes its
company's session_recording when it starts; unrecorded, its message bodies,
question and files go when it closes (the figures stay); recorded, it is
kept until closed_at + session_retention_days, then the retention worker
erases it. The transcript and its export (HTML, JSON) for admins, managers
of its team with session_replay / export_session_replay, and technicians for
their own sessions with rep_session_replay / rep_export_session_replay."""
import time

import pytest

from conftest import problem
from supportutil import ask, make_portal, make_team, make_tech, pub
from teamsutil import set_manager, set_team_rights

PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)


def desk(srv, admin, recording):
    team = make_team(admin)
    set_team_rights(admin, team, ["file_transfer_send", "file_transfer_receive"])
    portal = make_portal(srv, admin, teams=[team])
    r = admin.put("/api/v1/companies/%s/settings/session_recording" % portal["company_id"],
                  json={"value": recording})
    assert r.status_code == 200, r.text
    tech, tc = make_tech(srv, admin, portal["company_id"], team)
    return {"portal": portal, "team": team, "tech": tech, "tc": tc, "slug": portal["slug"]}


def chat(srv, d, question="Printer <b>on</b> fire"):
    """a session with a message each way, a note and a file, closed by the technician"""
    cust = srv.client()
    s = ask(cust, d["slug"], question=question)
    sid, tc = s["id"], d["tc"]
    assert tc.post("/api/v1/support/sessions/%s/pick-up" % sid).status_code == 200
    hdr = {"X-Session-Token": s["token"]}
    assert cust.post(pub(d["slug"], sid, "/messages"), json={"text": "<script>alert(1)</script>"},
                     headers=hdr).status_code == 204
    assert tc.post("/api/v1/support/sessions/%s/messages" % sid, json={"text": "Try turning it off"}).status_code == 204
    assert tc.post("/api/v1/support/sessions/%s/notes" % sid, json={"text": "private note"}).status_code == 204
    r = cust.post(pub(d["slug"], sid, "/files"), data=PNG, params={"name": "shot.png"},
                  headers=dict(hdr, **{"Content-Type": "image/png"}))
    assert r.status_code == 201, r.text
    assert tc.post("/api/v1/support/sessions/%s/close" % sid).status_code == 204
    return {"id": sid, "file": r.json()["id"], "cust": cust, "token": s["token"]}


def transcript(client, sid):
    r = client.get("/api/v1/support/sessions/%s/transcript" % sid)
    assert r.status_code == 200, r.text
    return r.json()


def test_not_recorded_is_erased_at_close(srv, admin):
    d = desk(srv, admin, False)
    s = chat(srv, d)
    t = transcript(admin, s["id"])
    assert t["recorded"] is False and t["transcript_erased"] is True and t["erased_at"]
    assert t["question"] is None and t["files"] == []
    # only state changes remain; the figures count what was said
    assert all(m["kind"] == "event" for m in t["messages"])
    f = t["figures"]
    assert f["customer_messages"] == 3 and f["technician_messages"] == 1 and f["notes"] == 1 and f["files"] == 1
    assert t["closed_at"] and t["picked_up_at"] and t["answered_at"]
    problem(d["tc"].get("/api/v1/support/sessions/%s/files/%s" % (s["id"], s["file"])), 410, "file-erased")
    problem(s["cust"].get(pub(d["slug"], s["id"], "/files/" + s["file"]), headers={"X-Session-Token": s["token"]}),
            410, "file-erased")
    # what the customer's stream shows: no text left
    r = s["cust"].get(pub(d["slug"], s["id"]), headers={"X-Session-Token": s["token"]})
    assert r.status_code == 200
    stored = srv.rows("SELECT COUNT(*) FROM support_messages WHERE session_id = '%s' AND kind <> 'event'"
                      " AND body IS NOT NULL" % s["id"])
    assert stored[0][0] == "0"
    assert srv.rows("SELECT COUNT(*) FROM support_files WHERE id = '%s' AND data IS NULL" % s["file"])[0][0] == "1"


def test_recorded_is_kept_then_erased_by_the_worker(srv, admin):
    d = desk(srv, admin, True)
    r = admin.put("/api/v1/companies/%s/settings/session_retention_days" % d["portal"]["company_id"],
                  json={"value": "7"})
    assert r.status_code == 200, r.text
    s = chat(srv, d)
    t = transcript(admin, s["id"])
    assert t["recorded"] is True and t["transcript_erased"] is False and t["erased_at"] is None
    assert t["keep_until"] == t["closed_at"] + 7 * 86400
    assert t["question"] == "Printer <b>on</b> fire"
    texts = [m.get("text") for m in t["messages"]]
    assert "<script>alert(1)</script>" in texts and "private note" in texts
    assert [f["id"] for f in t["files"]] == [s["file"]]
    got = d["tc"].get("/api/v1/support/sessions/%s/files/%s" % (s["id"], s["file"]))
    assert got.status_code == 200 and got.content == PNG
    # the retention is over: the worker (every 5 s) erases it
    srv.execute("UPDATE support_sessions SET keep_until = %d WHERE id = '%s'" % (time.time() - 1, s["id"]))
    deadline = time.time() + 20
    while time.time() < deadline:
        t = transcript(admin, s["id"])
        if t["transcript_erased"]:
            break
        time.sleep(0.5)
    assert t["transcript_erased"] is True and t["question"] is None
    assert t["figures"]["customer_messages"] == 3 and t["figures"]["files"] == 1
    problem(d["tc"].get("/api/v1/support/sessions/%s/files/%s" % (s["id"], s["file"])), 410)


def test_retention_setting_is_bounded(srv, admin):
    problem(admin.patch("/api/v1/settings", json={"session_retention_days": "1000"}), 422)
    problem(admin.patch("/api/v1/settings", json={"session_retention_days": 30}), 422)
    items = admin.get("/api/v1/settings").json()
    items = items.get("items", items)
    names = [i["name"] for i in items] if isinstance(items, list) else list(items)
    assert "session_retention_days" in names


def test_replay_and_export_rights(srv, admin):
    d = desk(srv, admin, True)
    s = chat(srv, d)
    url = "/api/v1/support/sessions/%s" % s["id"]
    # the technician who handled it: only with rep_session_replay enabled by the team
    problem(d["tc"].get(url + "/transcript"), 403, "forbidden")
    set_team_rights(admin, d["team"], ["admin_center_access", "rep_session_replay"])
    assert d["tc"].get(url + "/transcript").status_code == 200
    problem(d["tc"].get(url + "/export"), 403)
    set_team_rights(admin, d["team"], ["admin_center_access", "rep_session_replay", "rep_export_session_replay"])
    assert d["tc"].get(url + "/export").status_code == 200
    # another technician of the same team: not their session
    _, tc2 = make_tech(srv, admin, d["portal"]["company_id"], d["team"])
    problem(tc2.get(url + "/transcript"), 403)

    # a manager of the team, holding session_replay where the team enables it
    set_team_rights(admin, d["team"], ["admin_center_access", "session_replay", "export_session_replay"])
    m, _ = srv.make_user(admin, "manager", company_ids=[d["portal"]["company_id"]])
    mc = srv.login_as(m)
    set_manager(admin, m["id"], rights=["admin_center_access", "session_replay"], teams=[d["team"]])
    t = transcript(mc, s["id"])
    assert "private note" in [x.get("text") for x in t["messages"]]
    problem(mc.get(url + "/export"), 403)
    set_manager(admin, m["id"], rights=["admin_center_access", "session_replay", "export_session_replay"],
                teams=[d["team"]])
    r = mc.get(url + "/export", params={"format": "html"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert "<script" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "Printer &lt;b&gt;on&lt;/b&gt; fire" in r.text
    r = mc.get(url + "/export", params={"format": "json"})
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment;")
    assert r.json()["id"] == s["id"] and r.json()["recorded"] is True
    problem(mc.get(url + "/export", params={"format": "pdf"}), 422)

    # a manager of another team, holding the same rights there
    other = make_team(admin)
    set_team_rights(admin, other, ["admin_center_access", "session_replay", "export_session_replay"])
    m2, _ = srv.make_user(admin, "manager", company_ids=[d["portal"]["company_id"]])
    set_manager(admin, m2["id"], rights=["admin_center_access", "session_replay", "export_session_replay"],
                teams=[other])
    mc2 = srv.login_as(m2)
    problem(mc2.get(url + "/transcript"), 403)
    problem(mc2.get(url + "/export"), 403)
    # another account: as if it did not exist
    problem(srv.admin("B").get(url + "/transcript"), 404)
    problem(srv.admin("B").get(url + "/export"), 404)
    problem(admin.get("/api/v1/support/sessions/sup_nosuchsession/transcript"), 404)
    # a member is no support staff
    u, _ = srv.make_user(admin, "member")
    problem(srv.login_as(u).get(url + "/transcript"), 403)


def test_erased_export_says_so(srv, admin):
    d = desk(srv, admin, False)
    s = chat(srv, d)
    r = admin.get("/api/v1/support/sessions/%s/export" % s["id"])
    assert r.status_code == 200
    assert "erased" in r.text and "alert" not in r.text
    j = admin.get("/api/v1/support/sessions/%s/export?format=json" % s["id"]).json()
    assert j["transcript_erased"] is True and j["figures"]["files"] == 1
