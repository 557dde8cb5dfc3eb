"""Files in a support chat (issue 17): the customer and the technician
upload a file (raw body, Content-Type, ?name=), it goes into the transcript
as a `file` message both sides see, and downloads are sandboxed
attachments. Limits: size (413 before the body is read), the type allow-list
checked against the content's first bytes (a declared type that lies is
refused), names made safe, a per-session count; technicians send only with
file_transfer_send and open the customer's files only with
file_transfer_receive, as their portal's teams enable them."""
import pytest

from conftest import problem
from sse import Stream
from supportutil import ask, make_portal, make_team, make_tech, next_of, pub
from teamsutil import set_manager, set_team_rights

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ZIP = b"PK\x05\x06" + b"\x00" * 18
LOG = "2026-12-07 12:00:00 ERROR printer on fire — température élevée\n".encode()


@pytest.fixture
def desk(srv, admin):
    team = make_team(admin)
    set_team_rights(admin, team, ["file_transfer_send", "file_transfer_receive"])
    portal = make_portal(srv, admin, teams=[team])
    tech, tc = make_tech(srv, admin, portal["company_id"], team)
    cust = srv.client()
    s = ask(cust, portal["slug"])
    assert tc.post("/api/v1/support/sessions/%s/pick-up" % s["id"]).status_code == 200
    return {"portal": portal, "team": team, "tech": tech, "tc": tc, "slug": portal["slug"], "s": s, "cust": cust}


def cup(d, data, ctype, name="shot.png"):
    """the customer uploads"""
    return d["cust"].post(pub(d["slug"], d["s"]["id"], "/files"), data=data, params={"name": name},
                          headers={"Content-Type": ctype, "X-Session-Token": d["s"]["token"]})


def tup(d, data, ctype, name="fix.pdf", client=None):
    return (client or d["tc"]).post("/api/v1/support/sessions/%s/files" % d["s"]["id"], data=data,
                                    params={"name": name}, headers={"Content-Type": ctype})


def cget(d, fid):
    return d["cust"].get(pub(d["slug"], d["s"]["id"], "/files/" + fid), headers={"X-Session-Token": d["s"]["token"]})


def tget(d, fid, client=None):
    return (client or d["tc"]).get("/api/v1/support/sessions/%s/files/%s" % (d["s"]["id"], fid))


def test_both_sides_send_see_and_download(srv, desk):
    d = desk
    ts = Stream(d["tc"], "/api/v1/support/sessions/%s/stream" % d["s"]["id"])
    cs = Stream(d["cust"], pub(d["slug"], d["s"]["id"], "/stream?token=" + d["s"]["token"]))
    try:
        r = cup(d, PNG, "image/png", name="../../etc/my screen<shot>.png")
        assert r.status_code == 201, r.text
        f = r.json()
        assert f["name"] == "my screen_shot_.png" and f["content_type"] == "image/png" and f["size"] == len(PNG)
        assert f["author_kind"] == "customer" and f["id"].startswith("fil_")
        _, m = next_of(ts, "message", pred=lambda m: m["kind"] == "file")
        assert m["file"]["id"] == f["id"] and m["author_kind"] == "customer"
        _, m = next_of(cs, "message", pred=lambda m: m["kind"] == "file")
        assert m["file"]["name"] == f["name"]

        got = tget(d, f["id"])
        assert got.status_code == 200 and got.content == PNG
        assert got.headers["Content-Type"] == "image/png"
        assert got.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''my%20screen_shot_.png" in got.headers["Content-Disposition"]
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in got.headers["Content-Security-Policy"]
        assert cget(d, f["id"]).content == PNG

        r = tup(d, PDF, "application/pdf", name="Facture été.pdf")
        assert r.status_code == 201, r.text
        g = r.json()
        assert g["author_kind"] == "technician" and g["name"] == "Facture été.pdf"
        _, m = next_of(cs, "message", pred=lambda m: m["kind"] == "file" and m["author_kind"] == "technician")
        assert m["file"]["id"] == g["id"]
        got = cget(d, g["id"])
        assert got.status_code == 200 and got.content == PDF and got.headers["Content-Type"] == "application/pdf"
        assert "filename*=UTF-8''Facture%20%C3%A9t%C3%A9.pdf" in got.headers["Content-Disposition"]
    finally:
        ts.close()
        cs.close()
    # text, logs and zips too
    assert cup(d, LOG, "text/plain; charset=utf-8", name="app.log").status_code == 201
    assert cup(d, ZIP, "application/zip", name="logs.zip").status_code == 201


def test_types_are_checked_against_the_content(srv, desk):
    d = desk
    # a declared type that lies: an HTML page called a PNG, a PNG called a PDF
    problem(cup(d, b"<html><script>alert(1)</script></html>", "image/png"), 415, "file-type-mismatch")
    problem(cup(d, PNG, "application/pdf", name="x.pdf"), 415, "file-type-mismatch")
    # text with binary inside is not text
    problem(cup(d, b"hello\x00world", "text/plain", name="a.txt"), 415, "file-type-mismatch")
    # types off the list, whatever the content
    problem(cup(d, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", name="a.svg"), 415,
            "unsupported-file-type")
    problem(cup(d, b"MZ\x90\x00", "application/octet-stream", name="a.exe"), 415, "unsupported-file-type")
    problem(cup(d, b"<html></html>", "text/html", name="a.html"), 415, "unsupported-file-type")
    problem(cup(d, b"", "text/plain", name="a.txt"), 422, "empty-file")
    b = problem(d["cust"].post(pub(d["slug"], d["s"]["id"], "/files"), data=PNG,
                               headers={"Content-Type": "image/png", "X-Session-Token": d["s"]["token"]}), 422)
    assert b["field"] == "name"
    # a name that is nothing but dots and slashes still gets one
    r = cup(d, PNG, "image/png", name="../..")
    assert r.status_code == 201 and r.json()["name"] == "file"


def test_size_limit_answers_413_before_reading(srv, desk):
    d = desk
    big = b"a" * (10 * 1024 * 1024 + 1)
    problem(cup(d, big, "text/plain", name="big.txt"), 413, "too-large")
    # just under the limit passes (bigger than the server's JSON body limit)
    ok = b"b" * (2 * 1024 * 1024)
    r = cup(d, ok, "text/plain", name="big.txt")
    assert r.status_code == 201, r.text
    assert len(tget(d, r.json()["id"]).content) == len(ok)


def test_per_session_count(srv, desk):
    d = desk
    for i in range(20):
        assert cup(d, PNG, "image/png", name="s%d.png" % i).status_code == 201
    problem(cup(d, PNG, "image/png"), 409, "too-many-files")


def test_rights_on_and_off(srv, admin, desk):
    d = desk
    f = cup(d, PNG, "image/png").json()
    may = d["tc"].get("/api/v1/support/sessions/%s" % d["s"]["id"]).json()["may"]
    assert may["send_files"] is True and may["receive_files"] is True and may["replay"] is False
    set_team_rights(admin, d["team"], [])
    may = d["tc"].get("/api/v1/support/sessions/%s" % d["s"]["id"]).json()["may"]
    assert may == {"send_files": False, "receive_files": False, "replay": False, "export": False}
    problem(tup(d, PDF, "application/pdf"), 403, "forbidden")
    problem(tget(d, f["id"]), 403, "forbidden")  # the customer's file
    set_team_rights(admin, d["team"], ["file_transfer_send"])
    r = tup(d, PDF, "application/pdf")
    assert r.status_code == 201
    assert tget(d, r.json()["id"]).status_code == 200  # a technician's own file: no receive right needed
    problem(tget(d, f["id"]), 403, "forbidden")
    set_team_rights(admin, d["team"], ["file_transfer_receive"])
    problem(tup(d, PDF, "application/pdf"), 403, "forbidden")
    assert tget(d, f["id"]).status_code == 200
    # the customer may always send and read
    assert cup(d, PNG, "image/png").status_code == 201
    assert cget(d, r.json()["id"]).status_code == 200
    # admins always may
    assert tup(d, PDF, "application/pdf", client=admin).status_code == 201
    # a manager: held and enabled
    m, _ = srv.make_user(admin, "manager", company_ids=[d["portal"]["company_id"]])
    mc = srv.login_as(m)
    set_manager(admin, m["id"], rights=["file_transfer_send"], teams=[d["team"]])
    problem(tup(d, PDF, "application/pdf", client=mc), 403, "forbidden")  # the team does not enable it
    set_team_rights(admin, d["team"], ["file_transfer_send"])
    assert tup(d, PDF, "application/pdf", client=mc).status_code == 201


def test_who_reaches_the_files(srv, admin, desk):
    d = desk
    f = cup(d, PNG, "image/png").json()
    # a wrong token, another session's, another portal: 404 as for nothing
    r = d["cust"].get(pub(d["slug"], d["s"]["id"], "/files/" + f["id"]), headers={"X-Session-Token": "nope"})
    problem(r, 404)
    other = ask(srv.client(), d["slug"])
    r = d["cust"].get(pub(d["slug"], other["id"], "/files/" + f["id"]), headers={"X-Session-Token": other["token"]})
    problem(r, 404)
    problem(cget(d, "fil_doesnotexist"), 404)
    problem(cget(d, "../../x"), 404)
    # a technician who does not serve the portal
    team2 = make_team(admin)
    _, tc2 = make_tech(srv, admin, d["portal"]["company_id"], team2)
    problem(tget(d, f["id"], client=tc2), 404)
    problem(tup(d, PNG, "image/png", client=tc2), 404)
    # another account's admin
    problem(tget(d, f["id"], client=srv.admin("B")), 404)
    problem(tup(d, PNG, "image/png", client=srv.admin("B")), 404)
    # a member is no technician
    u, _ = srv.make_user(admin, "member")
    problem(tget(d, f["id"], client=srv.login_as(u)), 403)


def test_closed_session_takes_no_file(srv, desk):
    d = desk
    assert d["cust"].post(pub(d["slug"], d["s"]["id"], "/close"),
                          headers={"X-Session-Token": d["s"]["token"]}).status_code == 204
    problem(cup(d, PNG, "image/png"), 409, "session-closed")
    problem(tup(d, PDF, "application/pdf"), 409, "session-closed")
