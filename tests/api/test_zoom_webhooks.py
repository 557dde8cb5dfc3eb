"""Zoom webhooks (issue 15 section 4), sent by the fake Zoom of tests/fakes/zoom
to the session server's POST /webhooks/zoom, signed with the server's real
webhook secret: url_validation; bad, stale, future, unsigned and replayed
signatures refused with nothing stored and nothing changed; a body too big;
no secret configured; uninstall (app_deauthorized) from three conferences in
two accounts (connections, tokens and meetings gone, administrators mailed,
audit entries, the Data Compliance call); meeting.created/updated/deleted
reaching the connection's cached meetings and its live stream; events for a
Zoom user nobody connected are harmless."""
import json
import os
import tempfile
import time

import pytest

from conftest import DB, OwnServer, audit_items, problem, psql, uniq
from sse import Stream

BASE = "/api/v1/conferences"
HOOK = "/webhooks/zoom"


def sql(srv, query):
    """rows of a statement run beside the server (strings; None for NULL)"""
    if DB != "sqlite":
        return [[None if v == "" else v for v in row] for row in psql(DB, query)]
    import sqlite3
    con = sqlite3.connect(os.path.join(srv.data, "convene.db"), timeout=30)
    try:
        rows = [[None if v is None else str(v) for v in row] for row in con.execute(query).fetchall()]
        con.commit()
        return rows
    finally:
        con.close()


def events_count(srv):
    return int(sql(srv, "SELECT COUNT(*) FROM zoom_webhook_events")[0][0])


def events_of(srv, zuid):
    return sql(srv, "SELECT event, status, error FROM zoom_webhook_events WHERE zoom_user_id = '%s'"
               " ORDER BY received_us" % zuid)


def wait_for(what, check, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("%s: not within %s s" % (what, timeout))


def conference(client):
    r = client.post(BASE, json={"name": uniq("Conf "), "starts_on": "2030-05-04", "ends_on": "2030-05-06",
                                "time_zone": "Europe/Paris"})
    assert r.status_code == 201, r.text
    return r.json()


def path(conf, cid, tail=""):
    return "%s/%s/zoom-connections/%s%s" % (BASE, conf, cid, tail)


def connection(client, conf, name=None):
    r = client.post("%s/%s/zoom-connections" % (BASE, conf), json={"name": name or uniq("Zoom ")})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def zoom_user(fz, **kw):
    n = uniq("z")
    return fz.add_user(email="%s@zoom.example" % n, first_name="Zed", last_name=n, **kw)["id"]


def connect(srv, client, conf, cid, zuid):
    """the OAuth flow through the fake, as a browser follows it"""
    srv.zoom.authorize_as(zuid)
    r = client.post(path(conf, cid, "/connect"))
    assert r.status_code == 200, r.text
    r = client.s.get(r.json()["authorize_url"], allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    r = client.s.get(r.headers["Location"], allow_redirects=False, timeout=60)
    assert r.status_code == 303, r.text
    got = client.get(path(conf, cid)).json()
    assert got["status"] == "connected", got


def connected(srv, client, zuid, name=None):
    conf = conference(client)["id"]
    cid = connection(client, conf, name)
    connect(srv, client, conf, cid, zuid)
    return conf, cid


def at(minutes):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400 + minutes * 60))


def test_url_validation_answers_with_the_real_secret(srv):
    fz = srv.zoom
    d = fz.url_validation()
    assert d["status"] == 200 and d["valid"] is True, d
    d = fz.url_validation(plain_token="Kn5a3Wv7SP6YP5b4BWfZpg")
    assert d["valid"] is True and json.loads(d["response"])["plainToken"] == "Kn5a3Wv7SP6YP5b4BWfZpg"
    # Zoom signs the challenge too: an unsigned or mis-signed one gets no answer
    for kw in ({"headers": {"x-zm-signature": None}}, {"bad_signature": True}, {"secret": "not-the-secret"}):
        d = fz.send_webhook("endpoint.url_validation", {"plainToken": "abc"}, **kw)
        assert d["status"] == 401 and "encryptedToken" not in d["response"], (kw, d)
    # a challenge without its token
    d = fz.send_webhook("endpoint.url_validation", {})
    assert d["status"] == 422, d


def test_bad_stale_future_unsigned_signatures_change_nothing(srv, admin):
    fz = srv.zoom
    zuid = zoom_user(fz)
    conf, cid = connected(srv, admin, zuid)
    before = events_count(srv)
    payload = {"account_id": "acc", "user_id": zuid, "signature": "0" * 64, "client_id": fz.client_id,
               "deauthorization_time": "2030-01-01T00:00:00.000Z", "user_data_retention": "false"}
    now = int(time.time())
    cases = [
        ({"bad_signature": True}, "does not match"),
        ({"secret": "another-secret"}, "does not match"),
        ({"timestamp": now - 301}, "5 minutes"),
        ({"timestamp": "future"}, "5 minutes"),
        ({"timestamp": now - 86400}, "5 minutes"),
        ({"headers": {"x-zm-signature": None}}, "missing"),
        ({"headers": {"x-zm-request-timestamp": None}}, "missing"),
        ({"headers": {"x-zm-request-timestamp": "%d.0" % now}}, "Unix seconds"),
        ({"headers": {"x-zm-request-timestamp": "-%d" % now}}, "Unix seconds"),
        ({"signature": "sha256=" + "0" * 64}, "v0="),
        ({"signature": "v0=" + "0" * 63}, "v0="),
    ]
    for kw, words in cases:
        if kw.get("timestamp") == "future":  # past the window, with room for a loaded machine's delays
            kw = {"timestamp": int(time.time()) + 320}
        d = fz.send_webhook("app_deauthorized", payload, **kw)
        assert d["status"] == 401, (kw, d)
        body = json.loads(d["response"])
        assert body["type"] == "/problems/zoom-signature" and words in body["detail"], (kw, body)
    assert events_count(srv) == before
    # within the five minutes either way a delivery is taken
    harmless = {"account_id": "acc", "object": {"id": 1, "host_id": uniq("nobody")}}
    for ts in (int(time.time()) - 280, int(time.time()) + 280):
        d = fz.send_webhook("meeting.updated", harmless, timestamp=ts)
        assert d["status"] == 200, d
    assert events_count(srv) == before + 2
    got = admin.get(path(conf, cid)).json()
    assert got["status"] == "connected" and got["account"]["zoom_user_id"] == zuid
    assert fz.tokens(zuid)["installed"] is True
    assert sql(srv, "SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % zuid) == [["1"]]


def test_a_replayed_delivery_is_refused(srv):
    fz = srv.zoom
    host = uniq("nobody")
    d = fz.send_webhook("meeting.updated", {"account_id": "acc", "object": {"id": 123456789, "host_id": host,
                                                                            "topic": "Replay me"}})
    assert d["status"] == 200, d
    before = events_count(srv)
    again = fz.send_webhook(raw_body=d["body"], timestamp=int(d["timestamp"]), signature=d["signature"])
    assert again["status"] == 401, again
    assert json.loads(again["response"])["type"] == "/problems/zoom-webhook-replayed"
    # the same signature in upper case is the same delivery
    again = fz.send_webhook(raw_body=d["body"], timestamp=int(d["timestamp"]),
                            signature="v0=" + d["signature"][3:].upper())
    assert again["status"] == 401, again
    assert events_count(srv) == before
    # Zoom's own retry is signed anew (another timestamp): taken
    retry = fz.send_webhook(raw_body=d["body"], timestamp=int(d["timestamp"]) - 1)
    assert retry["status"] == 200, retry
    assert events_count(srv) == before + 1


def test_bodies_too_big_or_not_json(srv):
    fz = srv.zoom
    before = events_count(srv)
    big = json.dumps({"event": "meeting.updated", "payload": {"object": {"id": 1, "agenda": "x" * 70000}}})
    d = fz.send_webhook(raw_body=big)
    assert d["status"] == 413, d
    assert json.loads(d["response"])["type"] == "/problems/too-large"
    for raw in ("not json", "[1, 2]", '{"event": "a", "event": "b"}', '{"payload": {}}', '{"event": ""}',
                '{"event": "meeting.updated", "payload": []}'):
        d = fz.send_webhook(raw_body=raw)
        assert d["status"] in (400, 422), (raw, d)
    assert events_count(srv) == before


def test_no_webhook_secret_configured_says_so(srv):
    own = OwnServer(tempfile.mkdtemp(prefix="convene-nozoom-"))
    own.start()
    try:
        r = own.client().post(HOOK, data=b'{"event":"endpoint.url_validation","payload":{"plainToken":"x"}}',
                              headers={"Content-Type": "application/json"})
        body = problem(r, 503, "zoom-webhooks-not-configured")
        assert "zoom_webhook_secret" in body["detail"]
        assert own.rows("SELECT COUNT(*) FROM zoom_webhook_events") == [["0"]]
    finally:
        own.stop()
        own.drop()


def test_uninstall_from_three_conferences_in_two_accounts(srv, admin):
    fz = srv.zoom
    zuid = zoom_user(fz)
    other = srv.admin("B")
    # conference administrators (account A: one in French; account B: one)
    helper_a, _ = srv.make_user(admin, "member")
    helper_fr, _ = srv.make_user(admin, "member")
    helper_b, _ = srv.make_user(other, "member")
    fr = srv.login_as(helper_fr)
    assert fr.patch("/api/v1/me", json={"language": "fr"}).status_code == 200
    conf1, conf2, conf3 = conference(admin), conference(admin), conference(other)
    for client, conf, user in ((admin, conf1, helper_a), (admin, conf2, helper_fr), (admin, conf2, helper_a),
                               (other, conf3, helper_b)):
        r = client.put("%s/%s/admins/%s" % (BASE, conf["id"], user["id"]))
        assert r.status_code in (200, 204), r.text
    c1 = connection(admin, conf1["id"], "Hall A")
    c2 = connection(admin, conf2["id"], "Hall B")
    c3 = connection(other, conf3["id"], "Hall C")
    # a conference nobody administers but the account's admins
    conf4 = conference(other)
    c4 = connection(other, conf4["id"], "Hall D")
    connect(srv, admin, conf1["id"], c1, zuid)
    connect(srv, admin, conf2["id"], c2, zuid)
    connect(srv, other, conf3["id"], c3, zuid)
    connect(srv, other, conf4["id"], c4, zuid)
    fz.add_meeting(zuid, topic="Kept until uninstall", start_time=at(30), duration=30, webhook=False)
    assert admin.post(path(conf1["id"], c1, "/refresh")).status_code == 200
    assert sql(srv, "SELECT COUNT(*) FROM zoom_meetings WHERE zoom_user_id = '%s'" % zuid) == [["1"]]
    # another connection of the same conference, with another Zoom user, stays
    keep_user = zoom_user(fz)
    keep = connection(admin, conf1["id"], "Stays")
    connect(srv, admin, conf1["id"], keep, keep_user)
    stream = Stream(admin, path(conf1["id"], c1, "/stream"))
    assert stream.status == 200
    assert stream.next()[0] == "connection"

    d = fz.deauthorize(zuid)  # the user removes the app at Zoom
    assert d["status"] == 200 and d["elapsed_ms"] < 2000, d
    for client, conf, cid in ((admin, conf1, c1), (admin, conf2, c2), (other, conf3, c3), (other, conf4, c4)):
        wait_for("connection %s gone" % cid, lambda: client.get(path(conf["id"], cid)).status_code == 404)
    assert [i["id"] for i in admin.get("%s/%s/zoom-connections" % (BASE, conf1["id"])).json()["items"]] == [keep]
    assert admin.get(path(conf1["id"], keep)).json()["status"] == "connected"
    # tokens and cached meetings deleted
    assert sql(srv, "SELECT COUNT(*) FROM zoom_accounts WHERE zoom_user_id = '%s'" % zuid) == [["0"]]
    assert sql(srv, "SELECT COUNT(*) FROM zoom_meetings WHERE zoom_user_id = '%s'" % zuid) == [["0"]]
    assert sql(srv, "SELECT COUNT(*) FROM zoom_connections WHERE zoom_user_id = '%s'" % zuid) == [["0"]]
    # the open page heard it, and its stream ended: the connection is gone
    ev, _, data = stream.next()
    assert ev == "end" and data["reason"] == "gone", (ev, data)
    stream.close()
    # every administrator of each conference is told, in their language
    m = srv.wait_mail(helper_a["email"], count=2)
    subjects = sorted(x["Subject"] for x in m)
    assert subjects == sorted(["A Zoom account left the conference %s" % conf1["name"],
                               "A Zoom account left the conference %s" % conf2["name"]]), subjects
    body = [x for x in m if conf1["name"] in x["Subject"]][0].get_content()
    assert '"Hall A"' in body and "@zoom.example" in body and "/conferences/%s/zoom" % conf1["id"] in body
    m = srv.wait_mail(helper_fr["email"])
    assert m[0]["Subject"] == "Un compte Zoom a quitté la conférence %s" % conf2["name"], m[0]["Subject"]
    m = srv.wait_mail(helper_b["email"])
    assert conf3["name"] in m[0]["Subject"] and '"Hall C"' in m[0].get_content()
    # the conference without administrators: its account's admins are told instead, of it alone
    # (other tests' uninstalls may have told these admins of their own conferences)
    def told(key, *confs):
        return [x for x in srv.mails(srv.accounts[key]["admin_email"])
                if any(c["name"] in x["Subject"] for c in confs)]
    m = wait_for("account admins told", lambda: told("B", conf3, conf4))
    assert [x["Subject"] for x in m] == ["A Zoom account left the conference %s" % conf4["name"]], m
    assert '"Hall D"' in m[0].get_content()
    assert told("A", conf1, conf2) == []  # its conferences have administrators
    # the audit log of each account records it, as done by the system
    for client, cid in ((admin, c1), (admin, c2), (other, c3), (other, c4)):
        items = audit_items(client, "zoom_connection.deauthorized", cid)
        assert len(items) == 1, items
    assert not audit_items(other, "zoom_connection.deauthorized", c1)  # tenants apart
    # Zoom is told that the data is deleted (the payload said user_data_retention "false")
    calls = wait_for("compliance call", lambda: [c for c in fz.calls("compliance")
                                                 if (c.get("body") or {}).get("user_id") == zuid])
    assert len(calls) == 1 and calls[0]["matched"] is True and calls[0]["basic"] is True, calls
    assert calls[0]["body"]["compliance_completed"] is True
    assert calls[0]["body"]["client_id"] == fz.client_id
    wait_for("event done", lambda: events_of(srv, zuid) == [["app_deauthorized", "done", None]])
    # the same uninstall told again (Zoom's retry, signed anew) changes nothing more
    d2 = fz.send_webhook(raw_body=d["body"], timestamp=int(d["timestamp"]) + 1)
    assert d2["status"] == 200, d2
    wait_for("retry done", lambda: [e[1] for e in events_of(srv, zuid)] == ["done", "done"])
    time.sleep(0.5)
    assert len(srv.mails(helper_a["email"])) == 2
    assert len(audit_items(admin, "zoom_connection.deauthorized", c1)) == 1


def test_uninstall_without_user_data_retention_makes_no_compliance_call(srv, admin):
    """Zoom's current payload drops user_data_retention (and its docs mark the
    Data Compliance API deprecated): the data is deleted, Zoom is not called"""
    fz = srv.zoom
    zuid = zoom_user(fz)
    conf, cid = connected(srv, admin, zuid)
    d = fz.send_webhook("app_deauthorized", {"account_id": "acc", "user_id": zuid, "signature": "1" * 64,
                                             "deauthorization_time": "2030-01-01T00:00:00.000Z",
                                             "client_id": fz.client_id, "event_ts": 1893456000000})
    assert d["status"] == 200, d
    wait_for("connection gone", lambda: admin.get(path(conf, cid)).status_code == 404)
    wait_for("event done", lambda: events_of(srv, zuid) == [["app_deauthorized", "done", None]])
    assert not [c for c in fz.calls("compliance") if (c.get("body") or {}).get("user_id") == zuid]


def test_a_late_uninstall_spares_a_later_authorization(srv, admin):
    """an app_deauthorized delivered late (Zoom retries 5, 20 and 60 minutes
    on) for a Zoom user who authorized the app again since: its tokens were
    the dead ones, the new connection stays"""
    fz = srv.zoom
    zuid = zoom_user(fz)
    conf, cid = connected(srv, admin, zuid)
    old = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() - 3600))
    d = fz.send_webhook("app_deauthorized", {"account_id": "acc", "user_id": zuid, "signature": "2" * 64,
                                             "deauthorization_time": old, "client_id": fz.client_id})
    assert d["status"] == 200, d
    wait_for("event done", lambda: events_of(srv, zuid) == [["app_deauthorized", "done", None]])
    got = admin.get(path(conf, cid)).json()
    assert got["status"] == "connected" and got["account"]["zoom_user_id"] == zuid, got
    assert not audit_items(admin, "zoom_connection.deauthorized", cid)
    # the same uninstall, now: it applies
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    d = fz.send_webhook("app_deauthorized", {"account_id": "acc", "user_id": zuid, "signature": "3" * 64,
                                             "deauthorization_time": now, "client_id": fz.client_id})
    assert d["status"] == 200, d
    wait_for("connection gone", lambda: admin.get(path(conf, cid)).status_code == 404)


def test_meeting_events_reach_the_cache_and_the_stream(srv, admin):
    fz = srv.zoom
    zuid = zoom_user(fz)
    conf, cid = connected(srv, admin, zuid)
    stream = Stream(admin, path(conf, cid, "/stream"))
    try:
        assert stream.status == 200 and stream.headers["Content-Type"].startswith("text/event-stream")
        ev, eid, first = stream.next()
        assert ev == "connection" and first["id"] == cid and first["status"] == "connected"
        assert "meetings" not in first and first["meetings_version"] and eid
        assert first["account"]["zoom_user_id"] == zuid

        def meetings():
            return {m["id"]: m for m in admin.get(path(conf, cid)).json()["meetings"]}

        made = fz.add_meeting(zuid, topic="Made at Zoom", start_time=at(60), duration=40, password="pw123")
        assert made["delivery"]["status"] == 200, made
        mid = str(made["meeting"]["id"])
        got = wait_for("meeting cached", lambda: meetings().get(mid))
        assert got["topic"] == "Made at Zoom" and got["duration"] == 40 and got["passcode"] == "pw123"
        ev, _, data = stream.next()
        assert ev == "connection" and data["meetings_version"] != first["meetings_version"]

        up = fz.update_meeting(mid, topic="Renamed at Zoom", duration=50)
        assert up["delivery"]["status"] == 200
        wait_for("meeting renamed", lambda: (meetings().get(mid) or {}).get("topic") == "Renamed at Zoom")
        assert meetings()[mid]["duration"] == 50 and meetings()[mid]["passcode"] == "pw123"
        ev, _, data2 = stream.next()
        assert ev == "connection" and data2["meetings_version"] != data["meetings_version"]

        gone = fz.delete_meeting(mid)
        assert gone["delivery"]["status"] == 200
        wait_for("meeting left the cache", lambda: mid not in meetings())
        assert stream.next()[0] == "connection"
        wait_for("events done", lambda: {e[1] for e in events_of(srv, zuid)} == {"done"})
        assert [e[0] for e in events_of(srv, zuid)] == ["meeting.created", "meeting.updated", "meeting.deleted"]
    finally:
        stream.close()


def test_a_burst_of_meeting_events_is_answered_by_few_reloads(srv, admin):
    """events of one Zoom user that wait behind the one being processed are
    answered by its next reload, not one list each"""
    fz = srv.zoom
    zuid = zoom_user(fz)
    conf, cid = connected(srv, admin, zuid)

    def lists():
        return len([c for c in fz.calls("api") if c.get("user") == zuid and c.get("method") == "GET"
                    and c.get("path", "").endswith("/meetings")])

    before = lists()
    # the first reload is slow (its token needs a refresh, which Zoom answers
    # late): the other events arrive meanwhile and queue behind it
    fz.expire_token(zuid)
    fz.config(token_delay_ms=1500)
    try:
        for i in range(12):
            fz.add_meeting(zuid, topic="Burst %d" % i, start_time=at(i), duration=15, wait=False)
        wait_for("all cached", lambda: len(admin.get(path(conf, cid)).json()["meetings"]) == 12)
        wait_for("events done", lambda: len([e for e in events_of(srv, zuid) if e[1] == "done"]) == 12)
    finally:
        fz.config(token_delay_ms=0)
    assert lists() - before <= 4, "about one reload per event: %d" % (lists() - before)
    notes = [e[2] for e in events_of(srv, zuid)]
    assert "answered by the reload of an earlier event" in notes, notes


def test_meeting_events_spread_over_seconds_reload_at_most_every_two_seconds(srv, admin):
    """events that each arrive after the previous reload ended would cost a
    reload each (every page of the host's meetings, against Zoom's rate
    limit): one Zoom user is reloaded at most once every 2 seconds, and the
    event that came too soon waits for that reload, so nothing is lost"""
    fz = srv.zoom
    zuid = zoom_user(fz)
    conf, cid = connected(srv, admin, zuid)

    def lists():
        return len([c for c in fz.calls("api") if c.get("user") == zuid and c.get("method") == "GET"
                    and c.get("path", "").endswith("/meetings")])

    before = lists()
    started = time.time()
    for i in range(10):
        fz.add_meeting(zuid, topic="Spread %d" % i, start_time=at(i), duration=15, wait=True)
        time.sleep(0.3)
    wait_for("all cached", lambda: len(admin.get(path(conf, cid)).json()["meetings"]) == 10)
    wait_for("events done", lambda: len([e for e in events_of(srv, zuid) if e[1] == "done"]) == 10)
    spent = time.time() - started
    reloads = lists() - before
    assert reloads <= int(spent / 2) + 2, "%d reloads in %.1f s" % (reloads, spent)
    assert reloads < 10


def test_a_transient_failure_is_retried_with_back_off(srv, admin):
    """Zoom's 429 while a meeting event is processed: the cache is kept, the
    event waits (30 s, then longer) with its error, and is done once Zoom answers"""
    fz = srv.zoom
    zuid = zoom_user(fz)
    conf, cid = connected(srv, admin, zuid)
    fz.throttle(user_id=zuid, on=True, count=-1)
    try:
        d = fz.add_meeting(zuid, topic="During the 429", start_time=at(15), duration=30)
        assert d["delivery"]["status"] == 200, d
        mid = str(d["meeting"]["id"])
        row = wait_for("attempt failed", lambda: [r for r in sql(
            srv, "SELECT status, attempts, error, next_at - received_at FROM zoom_webhook_events"
                 " WHERE zoom_user_id = '%s'" % zuid) if r[2]])
        status, attempts, error, delay = row[0]
        assert status == "pending" and attempts == "1" and "429" in error, row
        assert 25 <= int(delay) <= 40, row  # 30 s after the first failure
        assert admin.get(path(conf, cid)).json()["meetings"] == []
    finally:
        fz.throttle(user_id=zuid, on=False)
    # the back-off over (made due now, rather than waiting 30 s), the next poll processes it
    sql(srv, "UPDATE zoom_webhook_events SET next_at = 0 WHERE zoom_user_id = '%s'" % zuid)
    wait_for("meeting cached after the retry",
             lambda: mid in [m["id"] for m in admin.get(path(conf, cid)).json()["meetings"]])
    assert wait_for("event done", lambda: events_of(srv, zuid)[0][1] == "done")
    assert sql(srv, "SELECT attempts FROM zoom_webhook_events WHERE zoom_user_id = '%s'" % zuid) == [["2"]]


def test_meeting_events_for_nobody_connected_are_harmless(srv, admin):
    fz = srv.zoom
    stranger = zoom_user(fz)  # installed nowhere here
    before = fz.stats()["api_calls"]
    for event, mid in (("meeting.created", 987654321), ("meeting.updated", "987654321"), ("meeting.deleted", 5)):
        d = fz.send_webhook(event, {"account_id": "acc", "operator_id": stranger,
                                    "object": {"id": mid, "host_id": stranger, "topic": "Not ours"}})
        assert d["status"] == 200, d
    # an event convene does not act on is kept and done
    d = fz.send_webhook("recording.completed", {"account_id": "acc", "object": {"host_id": stranger}})
    assert d["status"] == 200, d
    wait_for("events done", lambda: len(events_of(srv, stranger)) == 4
             and {e[1] for e in events_of(srv, stranger)} == {"done"})
    assert fz.stats()["api_calls"] == before  # nobody's tokens: Zoom is not asked
    assert sql(srv, "SELECT COUNT(*) FROM zoom_meetings WHERE zoom_user_id = '%s'" % stranger) == [["0"]]


def test_stream_access_follows_the_conference(srv, admin):
    fz = srv.zoom
    zuid = zoom_user(fz)
    helper, _ = srv.make_user(admin, "member")
    conf, cid = connected(srv, admin, zuid)
    assert admin.put("%s/%s/admins/%s" % (BASE, conf, helper["id"])).status_code in (200, 204)
    hc = srv.login_as(helper)
    s = Stream(hc, path(conf, cid, "/stream"))
    try:
        assert s.status == 200 and s.next()[0] == "connection"
        assert admin.delete("%s/%s/admins/%s" % (BASE, conf, helper["id"])).status_code == 204
        # the next change of the connection ends the removed administrator's stream
        assert admin.patch(path(conf, cid), json={"name": "Renamed"}).status_code == 200
        ev, _, data = s.next()
        assert ev == "end" and data["reason"] == "forbidden", (ev, data)
    finally:
        s.close()
    # not an administrator (any more), another account, a wrong id: 404
    problem(hc.get(path(conf, cid, "/stream")), 404)
    problem(srv.admin("B").get(path(conf, cid, "/stream")), 404)
    problem(admin.get(path(conf, "zcn_nonexistent00000000", "/stream")), 404)
    problem(srv.client().get(path(conf, cid, "/stream")), 401)
