"""Offline requests answered by e-mail (issue 17): a technician's answer mails
the customer the answer and a single-use link back to the conversation, which
the portal exchanges for the session's token; the customer's reply reaches the
technicians live. Also the transcript by mail (never notes, at most one per 5
minutes) and the rate limits of the public support routes."""
import os
import re
import time

import pytest

from conftest import OwnServer, problem, uniq
from sse import Stream
from supportutil import ask, make_portal, make_team, make_tech, next_of, pub


@pytest.fixture
def desk(srv, admin):
    """a portal closed (nobody online) with an offline form, and a technician serving it"""
    team = make_team(admin)
    portal = make_portal(srv, admin, teams=[team], offline_message="We answer by e-mail.")
    tech, tc = make_tech(srv, admin, portal["company_id"], team, online=False)
    return {"portal": portal, "slug": portal["slug"], "tech": tech, "tc": tc}


def request(cust, slug, email=None, **extra):
    email = email or "%s@example.test" % uniq("cust")
    r = cust.post("/api/v1/public/portals/%s/sessions" % slug,
                  json=dict({"name": "Ann Customer", "email": email, "question": "My printer is on fire"}, **extra))
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["state"] == "offline"
    s["email"] = email
    return s


def body_of(mail):
    return mail.get_body(preferencelist=("plain",)).get_content()


def link_of(mail, slug):
    m = re.search(r"/portal/%s\?link=([A-Za-z0-9_-]+)" % re.escape(slug), body_of(mail))
    assert m, body_of(mail)
    return m.group(1)


def exchange(client, slug, link):
    return client.post("/api/v1/public/portals/%s/links" % slug, json={"link": link})


def answer(tc, sid, text):
    r = tc.post("/api/v1/support/sessions/%s/messages" % sid, json={"text": text})
    assert r.status_code == 204, r.text


def test_answer_mailed_with_link_and_reply_reaches_technician(srv, desk):
    slug, tc = desk["slug"], desk["tc"]
    s = request(srv.client(), slug)
    queued = {i["id"]: i for i in tc.get("/api/v1/support/queue").json()["items"]}
    assert queued[s["id"]]["awaiting"] == "technician"

    tc.post("/api/v1/support/sessions/%s/notes" % s["id"], json={"text": "secret note"})
    answer(tc, s["id"], "Unplug it, then call the fire brigade.")
    mail = srv.wait_mail(s["email"])[-1]
    assert mail["Subject"].startswith("Answer to your request on ")
    text = body_of(mail)
    assert "Unplug it, then call the fire brigade." in text and "secret note" not in text
    link = link_of(mail, slug)
    assert tc.get("/api/v1/support/sessions/%s" % s["id"]).json()["awaiting"] == "customer"
    assert s["id"] in [i["id"] for i in tc.get("/api/v1/support/queue").json()["items"]]  # until closed

    # another browser opens the link: a token for the conversation
    browser = srv.client()
    r = exchange(browser, slug, link)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["id"] == s["id"] and got["state"] == "offline" and got["token"]
    tok = {"token": got["token"]}
    assert browser.get(pub(slug, s["id"]), params=tok).status_code == 200
    # the old token is replaced
    problem(browser.get(pub(slug, s["id"]), params={"token": s["token"]}), 404)
    # single use
    problem(exchange(srv.client(), slug, link), 410, "support-link-used")

    ts = Stream(tc, "/api/v1/support/sessions/%s/stream" % s["id"])
    console = Stream(tc, "/api/v1/support/stream")
    try:
        next_of(ts, "message", pred=lambda d: d.get("text") == "Unplug it, then call the fire brigade.")
        r = browser.post(pub(slug, s["id"], "/messages"), params=tok, json={"text": "It worked, thanks!"})
        assert r.status_code == 204, r.text
        _, m = next_of(ts, "message", pred=lambda d: d["author_kind"] == "customer" and d["seq"] > 1)
        assert m["text"] == "It worked, thanks!"
        next_of(console, "console", pred=lambda d: any(
            i["id"] == s["id"] and i["awaiting"] == "technician" for i in d["queue"]))
    finally:
        ts.close()
        console.close()

    # a second answer mails a new link; the first mail's link is no longer one
    answer(tc, s["id"], "Glad to hear it.")
    second = srv.wait_mail(s["email"], count=2)[-1]
    link2 = link_of(second, slug)
    assert link2 != link
    problem(exchange(srv.client(), slug, link), 404, "support-link-unknown")
    assert exchange(srv.client(), slug, link2).status_code == 200


def test_expired_and_bad_links(srv, desk):
    slug, tc = desk["slug"], desk["tc"]
    s = request(srv.client(), slug)
    answer(tc, s["id"], "An answer")
    link = link_of(srv.wait_mail(s["email"])[-1], slug)
    srv.execute("UPDATE support_sessions SET link_expires_at = %d WHERE id = '%s'" % (int(time.time()) - 1, s["id"]))
    problem(exchange(srv.client(), slug, link), 410, "support-link-expired")
    problem(exchange(srv.client(), slug, "x" * 43), 404, "support-link-unknown")
    problem(exchange(srv.client(), slug, ""), 404, "support-link-unknown")
    problem(exchange(srv.client(), "no-such-portal-" + uniq("p").lower(), link), 404)
    problem(srv.client().post("/api/v1/public/portals/%s/links" % slug, json={"link": 5}), 422)
    problem(srv.client().post("/api/v1/public/portals/%s/links" % slug, json={"link": "y" * 100}), 422)
    problem(srv.client().post("/api/v1/public/portals/%s/links" % slug, json={"other": "y"}), 422, "unknown-field")


def test_link_of_another_portal(srv, admin, desk):
    slug, tc = desk["slug"], desk["tc"]
    other = make_portal(srv, admin)
    s = request(srv.client(), slug)
    answer(tc, s["id"], "An answer")
    link = link_of(srv.wait_mail(s["email"])[-1], slug)
    problem(exchange(srv.client(), other["slug"], link), 404, "support-link-unknown")
    assert exchange(srv.client(), slug, link).status_code == 200


def test_mail_in_the_customer_language(srv, admin, desk):
    s = request(srv.client(), desk["slug"], language="fr")
    answer(desk["tc"], s["id"], "Voici")
    mail = srv.wait_mail(s["email"])[-1]
    assert "Réponse" in mail["Subject"] and "Bonjour Ann Customer" in body_of(mail)
    # without one from the page: the company's language
    r = admin.put("/api/v1/companies/%s/settings/language" % desk["portal"]["company_id"], json={"value": "ru"})
    assert r.status_code == 200, r.text
    s = request(srv.client(), desk["slug"])
    answer(desk["tc"], s["id"], "Вот")
    assert "Здравствуйте, Ann Customer" in body_of(srv.wait_mail(s["email"])[-1])
    r = srv.client().post("/api/v1/public/portals/%s/sessions" % desk["slug"],
                          json={"name": "A", "email": "a@example.test", "question": "q", "language": "de"})
    problem(r, 422)


def test_transcript_mail_has_no_notes(srv, desk):
    slug, tc = desk["slug"], desk["tc"]
    cust = srv.client()
    s = request(cust, slug)
    tok = {"token": s["token"]}
    tc.post("/api/v1/support/sessions/%s/notes" % s["id"], json={"text": "private: customer is grumpy"})
    answer(tc, s["id"], "Try turning it off and on")
    assert cust.post(pub(slug, s["id"], "/messages"), params=tok, json={"text": "Done that"}).status_code == 204
    r = cust.post(pub(slug, s["id"], "/transcript"), params=tok)
    assert r.status_code == 202, r.text
    mails = srv.wait_mail(s["email"], count=2)
    tr = [m for m in mails if "conversation" in m["Subject"]]
    assert len(tr) == 1
    text = body_of(tr[0])
    for line in ("My printer is on fire", "We answer by e-mail.", "Try turning it off and on", "Done that",
                 "Ann Customer:"):
        assert line in text, text
    assert "grumpy" not in text and "private" not in text
    # once per 5 minutes
    r = cust.post(pub(slug, s["id"], "/transcript"), params=tok)
    problem(r, 429, "too-many-transcripts")
    assert 1 <= int(r.headers["Retry-After"]) <= 300
    # a wrong token is as no session
    problem(cust.post(pub(slug, s["id"], "/transcript"), params={"token": "nope"}), 404)


def test_tenants(srv, admin, desk):
    slug, tc = desk["slug"], desk["tc"]
    s = request(srv.client(), slug)
    answer(tc, s["id"], "An answer")
    link = link_of(srv.wait_mail(s["email"])[-1], slug)
    admin_b = srv.admin("B")
    team_b = make_team(admin_b)
    portal_b = make_portal(srv, admin_b, key="B", teams=[team_b])
    tech_b, tcb = make_tech(srv, admin_b, portal_b["company_id"], team_b, key="B", online=False)
    for c in (tcb, admin_b):
        problem(c.get("/api/v1/support/sessions/%s" % s["id"]), 404)
        problem(c.post("/api/v1/support/sessions/%s/messages" % s["id"], json={"text": "hi"}), 404)
        assert s["id"] not in [i["id"] for i in c.get("/api/v1/support/queue").json()["items"]]
    problem(exchange(srv.client(), portal_b["slug"], link), 404, "support-link-unknown")
    problem(srv.client().post(pub(portal_b["slug"], s["id"], "/transcript"), params={"token": s["token"]}), 404)
    assert exchange(srv.client(), slug, link).status_code == 200


def test_public_rate_limits(tmp_path):
    """support_public_limit (here 4 a minute): per client and portal, 429
    with Retry-After and nothing written; another portal is not concerned"""
    os.environ["CONVENE_SUPPORT_PUBLIC_LIMIT"] = "4"
    s = OwnServer(str(tmp_path))
    try:
        s.start()
    finally:
        del os.environ["CONVENE_SUPPORT_PUBLIC_LIMIT"]
    try:
        admin = s.admin()
        team = make_team(admin)
        one = make_portal(s, admin, teams=[team])
        two = make_portal(s, admin, teams=[team])
        cust = s.client()
        first = request(cust, one["slug"])
        tok = {"token": first["token"]}
        codes = [cust.post(pub(one["slug"], first["id"], "/messages"), params=tok, json={"text": "m"}).status_code
                 for _ in range(3)]
        assert codes == [204, 204, 204]
        r = cust.post("/api/v1/public/portals/%s/sessions" % one["slug"],
                      json={"name": "A", "email": "a@example.test", "question": "q"})
        problem(r, 429, "too-many-requests")
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        problem(cust.post(pub(one["slug"], first["id"], "/messages"), params=tok, json={"text": "m"}), 429)
        problem(cust.post(pub(one["slug"], first["id"], "/transcript"), params=tok), 429, "too-many-requests")
        problem(exchange(cust, one["slug"], "x" * 43), 429, "too-many-requests")
        got = s.rows("SELECT COUNT(*) FROM support_sessions")
        assert int(got[0][0]) == 1
        # reading is not limited; another portal is not concerned
        assert cust.get(pub(one["slug"], first["id"]), params=tok).status_code == 200
        request(cust, two["slug"])
    finally:
        problems, log = s.stop()
        s.drop()
        assert not problems, log[-5000:]
