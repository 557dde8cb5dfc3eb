"""Zoom connections of conferences (issue 15 section 3 and the token half of
section 4), against the fake Zoom of tests/fakes/zoom that the session server
is pointed at: connect with PKCE and a single-use state, the account and its
meetings from the cache, several Zoom accounts per conference and one Zoom
account in several conferences and accounts, refresh, pagination past 300,
disconnect (revoking only when the last user goes), the refresh race (one
refresh for 20 requests), a stale refresh token, 429 and outages that keep
the cache, meetings gone only on 3001, start_url only on request, and
Marketplace installs."""
import os
import threading
import time
import urllib.parse

import pytest

from conftest import DB, PASSWORD, audit_items, problem, psql, uniq

BASE = "/api/v1/conferences"


def sql(srv, query):
    """rows of a statement run beside the server (strings; None for NULL)"""
    if DB != "sqlite":
        return [[None if v == "" else v for v in row] for row in psql(DB, query)]
    import sqlite3
    con = sqlite3.connect(os.path.join(srv.data, "convene.db"), timeout=30)
    try:
        cur = con.execute(query)
        rows = [[None if v is None else str(v) for v in row] for row in cur.fetchall()]
        con.commit()
        return rows
    finally:
        con.close()


def conference(client):
    r = client.post(BASE, json={"name": uniq("Conf "), "starts_on": "2030-05-04", "ends_on": "2030-05-06",
                                "time_zone": "Europe/Paris"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def connection(client, conf, name=None):
    r = client.post("%s/%s/zoom-connections" % (BASE, conf), json={"name": name or uniq("Zoom ")})
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["status"] == "not_connected" and c["account"] is None and c["id"].startswith("zcn_")
    return c["id"]


def path(conf, cid, tail=""):
    return "%s/%s/zoom-connections/%s%s" % (BASE, conf, cid, tail)


def zoom_user(fz, **kw):
    n = uniq("z")
    u = fz.add_user(email="%s@zoom.example" % n, first_name="Zed", last_name=n, **kw)
    return u["id"]


def start_connect(client, conf, cid):
    r = client.post(path(conf, cid, "/connect"))
    assert r.status_code == 200, r.text
    return r.json()["authorize_url"]


def follow_zoom(client, authorize_url):
    """the browser at Zoom's authorize page: the fake approves and sends it back"""
    r = client.s.get(authorize_url, allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    return r.headers["Location"]


def callback(client, location):
    return client.s.get(location, allow_redirects=False, timeout=60)


def connect(srv, client, conf, cid, zuid):
    srv.zoom.authorize_as(zuid)
    r = callback(client, follow_zoom(client, start_connect(client, conf, cid)))
    assert r.status_code == 303, r.text
    assert r.headers["Location"] == "/conferences/%s/zoom/%s" % (conf, cid)
    return r


def show(client, conf, cid):
    r = client.get(path(conf, cid))
    assert r.status_code == 200, r.text
    return r.json()


def at(minutes):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400 + minutes * 60))


def test_connect_flow_shows_the_account_and_its_meetings(srv, admin):
    fz = srv.zoom
    zuid = zoom_user(fz, type=2, timezone="Europe/Berlin")
    later = fz.add_meeting(zuid, topic="Later talk", start_time=at(120), duration=30, timezone="Europe/Berlin",
                           webhook=False)["meeting"]
    sooner = fz.add_meeting(zuid, topic="Opening", start_time=at(0), duration=45, timezone="UTC",
                            webhook=False)["meeting"]
    conf = conference(admin)
    cid = connection(admin, conf, "Main room")
    url = start_connect(admin, conf, cid)
    q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert url.startswith(fz.oauth_url + "/oauth/authorize?")
    assert q["response_type"] == ["code"] and q["client_id"] == [fz.client_id]
    assert q["redirect_uri"] == [srv.url + "/oauth/zoom/callback"]
    assert q["code_challenge_method"] == ["S256"] and len(q["code_challenge"][0]) == 43
    assert len(q["state"][0]) >= 43
    fz.authorize_as(zuid)
    r = callback(admin, follow_zoom(admin, url))
    assert r.status_code == 303, r.text
    assert r.headers["Location"] == "/conferences/%s/zoom/%s" % (conf, cid)
    c = show(admin, conf, cid)
    assert c["status"] == "connected" and c["name"] == "Main room" and c["error"] is None
    acc = c["account"]
    assert acc["zoom_user_id"] == zuid and acc["email"].endswith("@zoom.example")
    assert acc["plan"] == "licensed" and acc["time_zone"] == "Europe/Berlin" and acc["account_id"]
    assert acc["display_name"].startswith("Zed ")
    assert c["refreshed_at"].endswith("Z")
    ms = c["meetings"]
    assert [m["id"] for m in ms] == [str(sooner["id"]), str(later["id"])]  # by start
    assert ms[0]["topic"] == "Opening" and ms[0]["duration"] == 45 and ms[0]["join_url"].startswith("http")
    assert ms[0]["start"] == sooner["start_time"] and ms[1]["timezone"] == "Europe/Berlin"
    assert ms[0]["gone"] is False and "start_url" not in ms[0]
    # the list shows it too; tokens never leave the server, and are sealed at rest
    items = admin.get("%s/%s/zoom-connections" % (BASE, conf)).json()["items"]
    assert [(i["id"], i["status"], i["account"]["zoom_user_id"]) for i in items] == [(cid, "connected", zuid)]
    live = fz.tokens(zuid)
    text = admin.get(path(conf, cid)).text
    assert live["access_token"] not in text and live["refresh_token"] not in text
    (acc_s, ref_s), = sql(srv, "SELECT access_sealed, refresh_sealed FROM zoom_accounts WHERE zoom_user_id = '%s'"
                          % zuid)
    assert acc_s.startswith("sb1:") and ref_s.startswith("sb1:") and live["refresh_token"] not in ref_s
    assert audit_items(admin, "zoom_connection.connect", cid)
    assert audit_items(admin, "zoom_connection.create", cid)
    # the PKCE verifier reached Zoom with the code
    tok = [c for c in fz.calls("token") if c.get("grant_type") == "authorization_code"]
    assert tok, fz.calls("token")


def test_several_zoom_accounts_per_conference_and_one_in_several(srv, admin):
    fz = srv.zoom
    z1, z2 = zoom_user(fz), zoom_user(fz)
    fz.add_meeting(z1, topic="Z1 meeting", start_time=at(10), duration=30, webhook=False)
    fz.add_meeting(z2, topic="Z2 meeting", start_time=at(20), duration=30, webhook=False)
    conf = conference(admin)
    a, b = connection(admin, conf, "A room"), connection(admin, conf, "B room")
    connect(srv, admin, conf, a, z1)
    connect(srv, admin, conf, b, z2)
    assert [m["topic"] for m in show(admin, conf, a)["meetings"]] == ["Z1 meeting"]
    assert [m["topic"] for m in show(admin, conf, b)["meetings"]] == ["Z2 meeting"]
    # z1 in a second conference of the account and in one of account B
    conf2 = conference(admin)
    c2 = connection(admin, conf2)
    connect(srv, admin, conf2, c2, z1)
    other = srv.admin("B")
    conf3 = conference(other)
    c3 = connection(other, conf3)
    connect(srv, other, conf3, c3, z1)
    assert sql(srv, "SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % z1) == [["1"]]
    # each new authorization replaced the tokens for all: the first connection
    # still refreshes with the live token (the old one is dead at Zoom)
    r = admin.post(path(conf, a, "/refresh"))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "connected"
    # account B sees nothing of account A's conference, and the reverse
    problem(other.get(path(conf, a)), 404)
    problem(admin.get(path(conf3, c3)), 404)


def test_new_authorization_reconnects_every_connection_of_that_zoom_user(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    conf, conf2 = conference(admin), conference(admin)
    a, b = connection(admin, conf), connection(admin, conf2)
    connect(srv, admin, conf, a, z)
    connect(srv, admin, conf2, b, z)
    fz.stale_tokens(z)  # the refresh token dies behind our back
    fz.expire_token(z)
    problem(admin.post(path(conf, a, "/refresh")), 409, "zoom-needs-reconnect")
    for cf, c in ((conf, a), (conf2, b)):
        got = show(admin, cf, c)
        assert got["status"] == "needs_reconnect" and "reconnect" in got["error"], got
        # the stable code for the web app to say in the reader's language
        assert got["error_code"] == "grant_refused" and got["error_params"] == {}, got
    # Reconnect through one of them: both are connected again
    connect(srv, admin, conf, a, z)
    for cf, c in ((conf, a), (conf2, b)):
        got = show(admin, cf, c)
        assert got["status"] == "connected" and got["error"] is None, got
        assert got["error_code"] is None and got["error_params"] is None, got
    assert admin.post(path(conf2, b, "/refresh")).status_code == 200


def test_refresh_reloads_after_a_meeting_is_added(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    c = connection(admin, conf)
    connect(srv, admin, conf, c, z)
    assert show(admin, conf, c)["meetings"] == []
    m = fz.add_meeting(z, topic="Added at Zoom", start_time=at(5), duration=20, webhook=False)["meeting"]
    before = fz.stats()["api_calls"]
    assert show(admin, conf, c)["meetings"] == []  # GET answers from the cache, no call to Zoom
    assert fz.stats()["api_calls"] == before
    r = admin.post(path(conf, c, "/refresh"))
    assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()["meetings"]] == [str(m["id"])]
    fz.delete_meeting(m["id"], wait=False)
    r = admin.post(path(conf, c, "/refresh"))
    assert r.status_code == 200 and r.json()["meetings"] == []


def test_pagination_past_300(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    ids = fz.add_meetings(z, 650, start_time=at(0), interval_minutes=30)
    conf = conference(admin)
    c = connection(admin, conf)
    connect(srv, admin, conf, c, z)
    got = show(admin, conf, c)["meetings"]
    assert sorted(int(m["id"]) for m in got) == sorted(ids)
    starts = [m["start"] for m in got]
    assert starts == sorted(starts)
    lists = [x for x in fz.calls("api") if x["path"].endswith("/users/me/meetings") and x.get("user") == z]
    assert len(lists) == 3, lists  # 300 + 300 + 50
    q = [{k: v if isinstance(v, str) else v[0] for k, v in x["query"].items()} for x in lists]
    assert all(x["page_size"] == "300" and x["type"] == "scheduled" for x in q), q
    assert "next_page_token" not in q[0] and q[1]["next_page_token"] and q[2]["next_page_token"]


def test_disconnect_revokes_only_when_the_last_user_goes(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    fz.add_meeting(z, topic="Kept", start_time=at(5), duration=20, webhook=False)
    conf, conf2 = conference(admin), conference(admin)
    a, b = connection(admin, conf), connection(admin, conf2)
    connect(srv, admin, conf, a, z)
    connect(srv, admin, conf2, b, z)
    revokes = len(fz.calls("revoke"))
    r = admin.delete(path(conf, a))
    assert r.status_code == 204, r.text
    problem(admin.get(path(conf, a)), 404)
    assert len(fz.calls("revoke")) == revokes  # conf2 still uses it
    assert show(admin, conf2, b)["status"] == "connected"
    assert sql(srv, "SELECT COUNT(*) FROM zoom_meetings WHERE zoom_user_id = '%s'" % z) == [["1"]]
    assert audit_items(admin, "zoom_connection.disconnect", a)
    r = admin.delete(path(conf2, b))
    assert r.status_code == 204, r.text
    assert len(fz.calls("revoke")) == revokes + 1
    assert fz.user(z)["installed"] is False
    assert sql(srv, "SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % z) == [["0"]]
    assert sql(srv, "SELECT COUNT(*) FROM zoom_meetings WHERE zoom_user_id = '%s'" % z) == [["0"]]


def test_disconnect_deletes_locally_when_revoke_fails(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    a = connection(admin, conf)
    connect(srv, admin, conf, a, z)
    fz.stale_tokens(z)  # Zoom will refuse to revoke a token that is not live
    r = admin.delete(path(conf, a))
    assert r.status_code == 204, r.text
    assert sql(srv, "SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % z) == [["0"]]


def test_wrong_replayed_expired_state_and_access_denied_change_nothing(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    c = connection(admin, conf)
    cb = srv.url + "/oauth/zoom/callback"

    def refused(r, text):
        assert r.status_code in (400, 403), r.text
        assert r.headers["Content-Type"].startswith("text/html"), r.headers
        assert text in r.text, r.text
        got = show(admin, conf, c)
        assert got["status"] == "not_connected" and got["account"] is None, got

    refused(callback(admin, cb + "?code=abc&state=" + "x" * 43), "not one convene started")
    refused(callback(admin, cb + "?code=abc"), "")  # a Marketplace code that Zoom does not know
    fz.authorize_as(z)
    loc = follow_zoom(admin, start_connect(admin, conf, c))
    # another user of the account (even a conference administrator) cannot finish it
    helper, _ = srv.make_user(admin, "member")
    r = admin.put("%s/%s/admins/%s" % (BASE, conf, helper["id"]))
    assert r.status_code == 204, r.text
    refused(callback(srv.login_as(helper), loc), "clicked Connect")
    refused(callback(admin, loc), "already used")  # the state was spent
    # expired: ten minutes are up
    loc = follow_zoom(admin, start_connect(admin, conf, c))
    sql(srv, "UPDATE zoom_oauth_states SET expires_at = 1 WHERE used_at IS NULL")
    refused(callback(admin, loc), "expired")
    # a code Zoom refuses (made up, or already spent): the exchange fails
    url = start_connect(admin, conf, c)
    state = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["state"][0]
    refused(callback(admin, cb + "?code=not-a-zoom-code&state=" + state), "did not accept")
    # declined at Zoom
    url = start_connect(admin, conf, c)
    state = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["state"][0]
    refused(callback(admin, cb + "?error=access_denied&state=" + state), "declined")
    # not signed in
    loc = follow_zoom(admin, start_connect(admin, conf, c))
    refused(callback(srv.client(), loc), "clicked Connect")
    # removed from the conference's administrators between Connect and Zoom's answer: refused
    # before the code is exchanged (Zoom is not asked)
    hc = srv.login_as(helper)
    assert admin.put("%s/%s/admins/%s" % (BASE, conf, helper["id"])).status_code == 204
    loc = follow_zoom(hc, start_connect(hc, conf, c))
    assert admin.delete("%s/%s/admins/%s" % (BASE, conf, helper["id"])).status_code == 204
    exchanges = len(fz.calls("token"))
    refused(callback(hc, loc), "no longer administer")
    assert len(fz.calls("token")) == exchanges
    # French for a French browser
    r = srv.client().s.get(cb + "?code=abc&state=" + "y" * 43, headers={"Accept-Language": "fr"}, timeout=30)
    assert r.status_code == 400 and 'lang="fr"' in r.text


def test_refresh_race_makes_one_refresh(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    c = connection(admin, conf)
    connect(srv, admin, conf, c, z)
    before = fz.stats()["refresh_counts"].get(z, 0)
    fz.expire_token(z)
    fz.config(token_delay_ms=400)
    try:
        results = []

        def one():
            results.append(admin.post(path(conf, c, "/refresh")).status_code)

        threads = [threading.Thread(target=one) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        fz.config(token_delay_ms=0)
    assert results == [200] * 20, results
    assert fz.stats()["refresh_counts"].get(z, 0) == before + 1
    assert show(admin, conf, c)["status"] == "connected"


def test_refresh_ahead_of_expiry(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    c = connection(admin, conf)
    connect(srv, admin, conf, c, z)
    before = fz.stats()["refresh_counts"].get(z, 0)
    sql(srv, "UPDATE zoom_accounts SET expires_at = %d WHERE zoom_user_id = '%s'" % (int(time.time()) + 120, z))
    assert admin.post(path(conf, c, "/refresh")).status_code == 200
    assert fz.stats()["refresh_counts"].get(z, 0) == before + 1
    assert admin.post(path(conf, c, "/refresh")).status_code == 200
    assert fz.stats()["refresh_counts"].get(z, 0) == before + 1  # an hour left now


def test_429_and_outage_keep_the_cache_and_say_when_to_retry(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    fz.add_meeting(z, topic="Cached", start_time=at(5), duration=20, webhook=False)
    conf = conference(admin)
    c = connection(admin, conf)
    connect(srv, admin, conf, c, z)
    fz.add_meeting(z, topic="Not yet seen", start_time=at(6), duration=20, webhook=False)
    fz.throttle(user_id=z, on=True, count=-1)
    try:
        r = admin.post(path(conf, c, "/refresh"))
        body = problem(r, 503, "zoom-unavailable")
        assert int(r.headers["Retry-After"]) > 0
        assert body["connection"]["retry_at"]
        assert body["connection"]["error_code"] == "zoom_rate_limited", body
    finally:
        fz.throttle(user_id=z, on=False)
    got = show(admin, conf, c)
    assert [m["topic"] for m in got["meetings"]] == ["Cached"]
    assert got["status"] == "connected" and got["retry_at"] and "retry after" in got["error"]
    assert got["error_code"] == "zoom_rate_limited" and got["error_params"] == {}, got
    assert got["error"].startswith("Zoom's rate limit was reached"), got
    fz.fault(503, body={"code": 503, "message": "Service unavailable"}, user_id=z, count=1)
    r = admin.post(path(conf, c, "/refresh"))
    problem(r, 503, "zoom-unavailable")
    got = show(admin, conf, c)
    assert [m["topic"] for m in got["meetings"]] == ["Cached"]
    assert got["error_code"] == "zoom_http_error" and got["error_params"] == {"status": 503}, got
    assert got["error"].startswith("Zoom answered HTTP 503") and got["retry_at"], got
    # the listing shows the same code as the connection's page
    listed = admin.get("%s/%s/zoom-connections" % (BASE, conf)).json()["items"]
    assert [(x["error_code"], x["error_params"]) for x in listed] == [("zoom_http_error", {"status": 503})]
    r = admin.post(path(conf, c, "/refresh"))
    assert r.status_code == 200, r.text
    got = r.json()
    assert [m["topic"] for m in got["meetings"]] == ["Cached", "Not yet seen"]
    assert got["retry_at"] is None and got["error"] is None
    assert got["error_code"] is None and got["error_params"] is None
    # an error kept before codes existed (migration 033) keeps its English text, with no code
    sql(srv, "UPDATE zoom_connections SET error = 'Zoom did not answer', error_code = NULL, error_params = NULL"
        " WHERE id = '%s'" % c)
    got = show(admin, conf, c)
    assert got["error"] == "Zoom did not answer" and got["error_code"] is None and got["error_params"] is None, got


def test_start_url_only_on_request_and_gone_only_on_3001(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    m1 = fz.add_meeting(z, topic="One", start_time=at(5), duration=20, webhook=False)["meeting"]
    m2 = fz.add_meeting(z, topic="Two", start_time=at(6), duration=20, webhook=False)["meeting"]
    conf = conference(admin)
    c = connection(admin, conf)
    connect(srv, admin, conf, c, z)
    assert "start_url" not in admin.get(path(conf, c)).text
    r = admin.post(path(conf, c, "/meetings/%s/start" % m1["id"]))
    assert r.status_code == 200, r.text
    assert r.json()["start_url"].startswith("http") and r.headers["Cache-Control"] == "no-store"
    assert "start_url" not in admin.get(path(conf, c)).text
    assert sql(srv, "SELECT COUNT(*) FROM zoom_meetings WHERE zoom_user_id = '%s'" % z) == [["2"]]
    # an outage is not a deletion
    fz.fault(503, body={"code": 503, "message": "down"}, user_id=z, count=1)
    problem(admin.post(path(conf, c, "/meetings/%s/start" % m2["id"])), 503, "zoom-unavailable")
    assert [m["gone"] for m in show(admin, conf, c)["meetings"]] == [False, False]
    # deleted at Zoom (with no webhook, which would update the cache itself): 3001 marks it gone
    hook = fz.ctl("GET", "config")["webhook_url"]
    fz.config(webhook_url="")
    try:
        fz.delete_meeting(m2["id"], wait=False)
    finally:
        fz.config(webhook_url=hook)
    problem(admin.post(path(conf, c, "/meetings/%s/start" % m2["id"])), 404, "zoom-meeting-gone")
    assert [m["gone"] for m in show(admin, conf, c)["meetings"]] == [False, True]
    problem(admin.post(path(conf, c, "/meetings/999/start")), 404)
    problem(admin.post(path(conf, c, "/meetings/abc/start")), 404)


def test_routes_of_a_conference_are_its_administrators_only(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    conf_x, conf_y = conference(admin), conference(admin)
    cx, cy = connection(admin, conf_x), connection(admin, conf_y)
    connect(srv, admin, conf_x, cx, z)
    helper, _ = srv.make_user(admin, "member")
    assert admin.put("%s/%s/admins/%s" % (BASE, conf_x, helper["id"])).status_code == 204
    h = srv.login_as(helper)
    assert show(h, conf_x, cx)["status"] == "connected"
    assert h.get("/api/v1/zoom").status_code == 200
    for method, p in (("GET", path(conf_y, cy)), ("GET", "%s/%s/zoom-connections" % (BASE, conf_y)),
                      ("PATCH", path(conf_y, cy)), ("DELETE", path(conf_y, cy)),
                      ("POST", path(conf_y, cy, "/refresh")), ("POST", path(conf_y, cy, "/connect")),
                      ("GET", path(conf_x, cy)), ("POST", "%s/%s/zoom-connections" % (BASE, conf_y))):
        problem(h.request(method, p, json={"name": "x"}), 404)
    member = srv.login_as(srv.make_user(admin, "member")[0])
    problem(member.get(path(conf_x, cx)), 404)
    problem(member.get("/api/v1/zoom"), 403)
    # rename
    r = h.patch(path(conf_x, cx), json={"name": "Renamed"})
    assert r.status_code == 200 and r.json()["name"] == "Renamed"
    problem(h.patch(path(conf_x, cx), json={"name": ""}), 422)
    problem(h.patch(path(conf_x, cx), json={"name": "x" * 201}), 422)
    assert audit_items(admin, "zoom_connection.update", cx)


def test_zoom_status_says_what_is_configured(srv, admin):
    r = admin.get("/api/v1/zoom")
    assert r.status_code == 200, r.text
    s = r.json()
    assert s == {"configured": True, "missing": [], "redirect_url": srv.url + "/oauth/zoom/callback",
                 "webhook_url": srv.url + "/webhooks/zoom", "secret_key": True}


def test_marketplace_install_waits_for_a_conference(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    fz.add_meeting(z, topic="From the Marketplace", start_time=at(5), duration=20, webhook=False)
    land = fz.marketplace_install(z, srv.url + "/oauth/zoom/callback")["location"]
    assert "state=" not in land
    r = callback(admin, land)
    assert r.status_code == 303, r.text
    loc = r.headers["Location"]
    assert loc.startswith("/zoom/install?token=")
    token = urllib.parse.parse_qs(urllib.parse.urlparse(loc).query)["token"][0]
    r = admin.get("/api/v1/zoom/installs/" + token)
    assert r.status_code == 200, r.text
    assert r.json()["account"]["zoom_user_id"] == z
    conf, conf2 = conference(admin), conference(admin)
    # someone who administers neither conference gets 404 and attaches nothing
    member = srv.login_as(srv.make_user(admin, "member")[0])
    problem(member.post("/api/v1/zoom/installs/" + token, json={"conference_ids": [conf], "name": "M"}), 404)
    other = srv.admin("B")
    problem(other.post("/api/v1/zoom/installs/" + token, json={"conference_ids": [conf], "name": "M"}), 404)
    r = admin.post("/api/v1/zoom/installs/" + token, json={"conference_ids": [conf, conf2], "name": "Market"})
    assert r.status_code == 201, r.text
    items = r.json()["items"]
    assert len(items) == 2 and all(i["status"] == "connected" and i["account"]["zoom_user_id"] == z for i in items)
    got = show(admin, conf, items[0]["id"])
    assert [m["topic"] for m in got["meetings"]] == ["From the Marketplace"]
    # used once
    problem(admin.get("/api/v1/zoom/installs/" + token), 404)
    problem(admin.post("/api/v1/zoom/installs/" + token, json={"conference_ids": [conf], "name": "Again"}), 404)


def test_bad_bodies(srv, admin):
    conf = conference(admin)
    problem(admin.post("%s/%s/zoom-connections" % (BASE, conf), json={}), 422)
    problem(admin.post("%s/%s/zoom-connections" % (BASE, conf), json={"name": "a", "x": 1}), 422)
    problem(admin.post("%s/%s/zoom-connections" % (BASE, conf), json={"name": "a\nb"}), 422)
    c = connection(admin, conf)
    problem(admin.post(path(conf, c, "/refresh")), 409, "zoom-not-connected")
    problem(admin.get(path(conf, "zcn_nothere")), 404)
    problem(admin.get("/api/v1/zoom/installs/nothing"), 404)


def test_an_install_nobody_attaches_is_revoked_after_its_hour(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    land = fz.marketplace_install(z, srv.url + "/oauth/zoom/callback")["location"]
    r = callback(admin, land)
    assert r.status_code == 303, r.text
    token = r.headers["Location"].split("token=", 1)[1]
    revokes = len(fz.calls("revoke"))
    sql(srv, "UPDATE zoom_installs SET expires_at = 1 WHERE zoom_user_id = '%s'" % z)
    problem(admin.get("/api/v1/zoom/installs/" + token), 404)
    assert admin.get("/api/v1/zoom").status_code == 200  # a visit releases one lapsed install
    assert sql(srv, "SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % z) == [["0"]]
    assert len(fz.calls("revoke")) == revokes + 1 and fz.user(z)["installed"] is False


def test_the_worker_releases_a_lapsed_install_with_nobody_visiting(srv, tmp_path, monkeypatch):
    """no page needs to be opened: the Zoom worker's sweep revokes and deletes
    an install left unattached past its hour (a server of its own, whose
    sweep runs every 200 ms instead of every minute)"""
    from conftest import OwnServer
    import sqlite3
    fz = srv.zoom
    monkeypatch.setenv("CONVENE_ZOOM_SWEEP_MS", "200")
    s = OwnServer(str(tmp_path))
    s.zoom = fz
    fz.config(redirect_uris=[srv.url + "/oauth/zoom/callback", s.url + "/oauth/zoom/callback"])
    try:
        s.start()
        a = s.admin()
        z = zoom_user(fz)
        r = callback(a, fz.marketplace_install(z, s.url + "/oauth/zoom/callback")["location"])
        assert r.status_code == 303, r.text
        assert s.rows("SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % z) == [["1"]]
        revokes = len(fz.calls("revoke"))
        expire = "UPDATE zoom_installs SET expires_at = 1 WHERE zoom_user_id = '%s'" % z
        if s.own_db:
            psql(s.own_db, expire)
        else:
            con = sqlite3.connect(os.path.join(s.data, "convene.db"), timeout=30)
            with con:
                con.execute(expire)
            con.close()
        deadline = time.time() + 20
        while time.time() < deadline and \
                s.rows("SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % z) != [["0"]]:
            time.sleep(0.2)
        assert s.rows("SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % z) == [["0"]]
        assert s.rows("SELECT COUNT(*) FROM zoom_installs WHERE zoom_user_id = '%s'" % z) == [["0"]]
        assert len(fz.calls("revoke")) == revokes + 1 and fz.user(z)["installed"] is False
    finally:
        fz.config(redirect_uris=[srv.url + "/oauth/zoom/callback"])
        problems, log = stop_all(s)
        assert not problems, log[-5000:]


def stop_all(*servers):
    problems, logs = [], ""
    for s in servers:
        if s.proc:
            p, log = s.stop()
            problems += p
            logs += log
    servers[-1].drop()
    return problems, logs


def test_without_the_app_connect_says_what_is_missing(tmp_path):
    from conftest import OwnServer
    s = OwnServer(str(tmp_path))  # no fake Zoom, no CONVENE_ZOOM_*
    try:
        s.start()
        admin = s.admin()
        st = admin.get("/api/v1/zoom").json()
        assert st["configured"] is False and st["secret_key"] is True
        assert st["missing"] == ["zoom_client_id", "zoom_client_secret", "zoom_webhook_secret"]
        conf = conference(admin)
        cid = connection(admin, conf)
        body = problem(admin.post(path(conf, cid, "/connect")), 409, "zoom-not-configured")
        assert "zoom_client_id" in body["detail"] and "zoom_client_secret" in body["detail"]
        assert show(admin, conf, cid)["status"] == "not_connected"
    finally:
        problems, log = stop_all(s)
        assert not problems, log[-5000:]


def test_refresh_race_across_two_nodes_makes_one_refresh(srv, tmp_path):
    """two processes on one database: the lease row, not a mutex, keeps the
    second from spending the refresh token the first is rotating"""
    from conftest import Node, OwnServer
    fz = srv.zoom
    (tmp_path / "main").mkdir()
    (tmp_path / "node").mkdir()
    main = OwnServer(str(tmp_path / "main"))
    main.zoom = fz
    node = Node(main, str(tmp_path / "node"), smtp=False)
    allowed = [srv.url + "/oauth/zoom/callback", main.url + "/oauth/zoom/callback",
               node.url + "/oauth/zoom/callback"]
    fz.config(redirect_uris=allowed)
    try:
        main.start()
        node.start()
        a1, a2 = main.admin(), node.admin()
        z = zoom_user(fz)
        conf = conference(a1)
        cid = connection(a1, conf)
        fz.authorize_as(z)
        r = callback(a1, follow_zoom(a1, start_connect(a1, conf, cid)))
        assert r.status_code == 303, r.text
        before = fz.stats()["refresh_counts"].get(z, 0)
        fz.expire_token(z)
        fz.config(token_delay_ms=600)
        results = []

        def one(c):
            results.append(c.post(path(conf, cid, "/refresh")).status_code)

        threads = [threading.Thread(target=one, args=(c,)) for c in [a1, a2] * 8]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert results == [200] * 16, results
        assert fz.stats()["refresh_counts"].get(z, 0) == before + 1
        assert show(a2, conf, cid)["status"] == "connected"
    finally:
        fz.config(token_delay_ms=0, redirect_uris=[srv.url + "/oauth/zoom/callback"])
        problems, log = stop_all(node, main)
        assert not problems, log[-5000:]


def test_a_deleted_conference_leaves_no_zoom_tokens_behind(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    cid = connection(admin, conf)
    connect(srv, admin, conf, cid, z)
    revokes = len(fz.calls("revoke"))
    r = admin.delete("%s/%s" % (BASE, conf))
    assert r.status_code == 204, r.text
    assert admin.get("/api/v1/zoom").status_code == 200  # the next visit releases it
    assert sql(srv, "SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % z) == [["0"]]
    assert len(fz.calls("revoke")) == revokes + 1


def test_a_refused_client_is_not_the_users_fault(srv, admin):
    """invalid_client at refresh (the app's secret changed at Zoom): the
    connection stays connected with its cache, nothing asks for a reconnect"""
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    cid = connection(admin, conf)
    connect(srv, admin, conf, cid, z)
    fz.expire_token(z)
    fz.config(client_secret="another-secret")
    try:
        problem(admin.post(path(conf, cid, "/refresh")), 503, "zoom-unavailable")
    finally:
        fz.config(client_secret=fz.client_secret)
    got = show(admin, conf, cid)
    assert got["status"] == "connected"
    # the operator's app settings, said as such rather than "Zoom did not answer"
    assert got["error_code"] == "zoom_app_refused" and got["error_params"] == {} and got["retry_at"], got
    assert admin.post(path(conf, cid, "/refresh")).status_code == 200


def test_zoom_not_answering_is_said_by_its_code(srv, admin):
    """the token service answers after convene stopped waiting (15 s): the
    reload says zoom_unreachable with the time to retry, the cache kept"""
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    cid = connection(admin, conf)
    connect(srv, admin, conf, cid, z)
    fz.expire_token(z)
    fz.config(token_delay_ms=16000)
    try:
        problem(admin.post(path(conf, cid, "/refresh")), 503, "zoom-unavailable")
    finally:
        fz.config(token_delay_ms=0)
    got = show(admin, conf, cid)
    assert got["status"] == "connected" and got["retry_at"], got
    assert got["error_code"] == "zoom_unreachable" and got["error_params"] == {}, got
    assert got["error"].startswith("Zoom did not answer; "), got


def test_a_401_after_a_fresh_token_needs_a_reconnect(srv, admin):
    """Zoom refuses the token (124) before its time: one refresh and one more
    try; refused again, the connection says it needs a reconnect"""
    fz = srv.zoom
    z = zoom_user(fz)
    conf = conference(admin)
    cid = connection(admin, conf)
    connect(srv, admin, conf, cid, z)
    before = fz.stats()["refresh_counts"].get(z, 0)
    fz.fault(401, body={"code": 124, "message": "Invalid access token."}, user_id=z, count=2)
    problem(admin.post(path(conf, cid, "/refresh")), 409, "zoom-needs-reconnect")
    assert fz.stats()["refresh_counts"].get(z, 0) == before + 1
    got = show(admin, conf, cid)
    assert got["status"] == "needs_reconnect" and got["error"]
    assert got["error_code"] == "token_rejected" and got["error_params"] == {}, got
    connect(srv, admin, conf, cid, z)  # Reconnect
    assert show(admin, conf, cid)["status"] == "connected"


def test_an_install_token_needs_a_signed_in_caller_and_csrf(srv, admin):
    fz = srv.zoom
    z = zoom_user(fz)
    r = callback(admin, fz.marketplace_install(z, srv.url + "/oauth/zoom/callback")["location"])
    token = r.headers["Location"].split("token=", 1)[1]
    problem(srv.client().get("/api/v1/zoom/installs/" + token), 401, "unauthenticated")
    conf = conference(admin)
    problem(admin.post("/api/v1/zoom/installs/" + token, json={"conference_ids": [conf], "name": "X"},
                       headers={"X-CSRF-Token": "wrong"}), 403, "csrf")
    r = admin.s.post(srv.url + "/api/v1/zoom/installs/" + token, json={"conference_ids": [conf], "name": "X"},
                     timeout=30)
    problem(r, 403, "csrf")
    assert admin.get("/api/v1/zoom/installs/" + token).status_code == 200  # still waiting
