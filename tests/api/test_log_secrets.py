"""Credentials in addresses never reach the server's log: a door display's
token and a public feed's secret (route segments marked `secret` in the route
table), the web app's door-screen page, and tokens in query strings, whatever
the answer (200, 404 under the address, 405 for another method, a stream).
The log read is the shared server's own."""
import time

import requests

from apimap import PARAM, routes
from calutil import new_calendar
from conftest import problem, uniq
from sse import Stream


def log_text(srv):
    time.sleep(0.3)  # the access line is written when the answer is done
    with open(srv.log_path, encoding="utf-8") as f:
        return f.read()


def test_credential_parameters_are_marked_secret():
    """the class: every route whose path takes a token or a secret says so,
    and only public routes carry credentials in their path"""
    for rt in routes():
        names = [p[1:-1].rstrip("*") for p in PARAM.findall(rt.pattern)]
        if any(n in ("token", "secret") for n in names) or rt.pattern.startswith("/feeds/public/"):
            assert "secret" in rt.flags, rt.key
        if "secret" in rt.flags:
            assert rt.public and names, rt.key


def test_secrets_in_paths_and_queries_are_not_logged(srv, admin):
    rm = admin.post("/api/v1/rooms", json={"name": uniq("Door "), "capacity": 4})
    assert rm.status_code == 201, rm.text
    d = admin.post("/api/v1/rooms/%s/displays" % rm.json()["id"], json={"name": "Door"})
    assert d.status_code == 201, d.text
    token = d.json()["token"]
    revoke = "/api/v1/rooms/%s/displays/%s" % (rm.json()["id"], d.json()["id"])
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    cal = new_calendar(c)
    r = c.put("/api/v1/calendars/%s/public-feed" % cal["id"], json={})
    assert r.status_code == 201, r.text
    feed_path = r.json()["url"][len(srv.url):]
    secret = feed_path.rsplit("/", 1)[1][:-len(".ics")]
    query_secret = "qs" + uniq("").replace("-", "") + "x" * 30

    anon = srv.client()
    assert anon.get("/api/v1/display/" + token).status_code == 200
    assert anon.request("HEAD", "/api/v1/display/" + token).status_code == 200
    problem(anon.get("/api/v1/display/%s/no-such-thing" % token), 404)
    problem(anon.request("PUT", "/api/v1/display/" + token, json={}), 405)
    anon.post("/api/v1/display/%s/check-in" % token)  # nothing to check in to: a 4xx
    anon.get("/display/" + token)  # the web app's door-screen page
    anon.get("/display/%s/extra" % token)
    assert anon.get(feed_path).status_code == 200
    assert anon.request("HEAD", feed_path).status_code == 200
    anon.get(feed_path + "/more")  # no route: the web app's page, or 404
    problem(anon.request("DELETE", feed_path), 405)
    anon.get("/feeds/public/" + secret)  # without .ics
    # query strings are not logged at all: the links of mails carry tokens there
    anon.get("/api/v1/guest-invitations/accept", params={"token": query_secret})
    anon.get("/reset", params={"token": query_secret})
    anon.get("/validate", params={"token": query_secret})
    # a stream, ended by the server (revoking the display) so that its line comes now
    s = Stream(anon, "/api/v1/display/%s/stream" % token)
    assert s.status == 200
    s.next(timeout=10)
    assert admin.delete(revoke).status_code == 204
    assert s.next(timeout=10)[0] == "end"
    s.close()
    problem(anon.get("/api/v1/display/" + token), 404)  # revoked, still hidden

    deadline = time.time() + 10
    log = log_text(srv)
    while "/api/v1/display/***/stream" not in log and time.time() < deadline:
        log = log_text(srv)  # the stream's line comes when it has closed
    for value, what in ((token, "display token"), (secret, "public feed secret"), (query_secret, "query token")):
        assert value not in log, "the %s is in the log" % what
    for shown in ("GET /api/v1/display/*** 200", "HEAD /api/v1/display/*** 200",
                  "GET /api/v1/display/***/no-such-thing 404", "PUT /api/v1/display/*** 405",
                  "POST /api/v1/display/***/check-in ", "GET /api/v1/display/***/stream 200",
                  "GET /display/*** ", "GET /display/***/extra ", "GET /feeds/public/*** 200",
                  "HEAD /feeds/public/*** 200", "GET /feeds/public/***/more ",
                  "DELETE /feeds/public/*** 405", "GET /api/v1/guest-invitations/accept "):
        assert shown in log, "no access line %r" % shown
    # the rest of the log is not blanked: ids stay readable
    assert "/api/v1/calendars/%s/public-feed" % cal["id"] in log


def test_revoked_and_unknown_secrets_are_hidden_too(srv):
    made_up = "Z" * 43
    problem(requests.get(srv.url + "/api/v1/display/" + made_up), 404)
    problem(requests.get(srv.url + "/feeds/public/%s.ics" % made_up), 404)
    log = log_text(srv)
    assert made_up not in log
