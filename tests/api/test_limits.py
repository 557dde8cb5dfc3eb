"""Server-level limits (issue 13): a second server on a busy port fails to
start; connections per client address (trusted proxies exempt) and idle
connections are bounded; over-long URLs and header sections get
problem+json; a held writer lock ends in 503 `busy` with Retry-After while
/healthz and reads still answer; a REPORT expand answer is budgeted
(occurrences and bytes) and cut short with DAV:number-of-matches-within-limits,
and a large one is sent from a spool file intact."""
import os
import socket
import sqlite3
import subprocess
import threading
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from conftest import BIN, DB, PASSWORD, Client, problem, uniq
from test_server import Instance, tmpdir_  # noqa: F401  (fixture)

D, C = "DAV:", "urn:ietf:params:xml:ns:caldav"


def admin_of(inst):
    c = Client(inst.url)
    c.login(inst.admin_email, PASSWORD)
    return c


def member_of(inst):
    """a member of the instance's account, with its default calendar"""
    a = admin_of(inst)
    email = uniq("m-") + "@limits.test"
    company = [x for x in a.get("/api/v1/companies").json()["items"] if x["is_default"]][0]["id"]
    r = a.post("/api/v1/users", json={"email": email, "display_name": "Limits", "role": "member",
                                      "password": PASSWORD, "must_change_password": False,
                                      "company_ids": [company]})
    assert r.status_code == 201, r.text
    u = r.json()
    c = Client(inst.url)
    c.login(email, PASSWORD)
    cals = c.get("/api/v1/calendars").json()
    items = cals["items"] if isinstance(cals, dict) else cals
    cal = [x for x in items if x.get("is_default")][0]
    return {"id": u["id"], "email": email, "client": c, "cal": cal["id"],
            "calpath": "/dav/calendars/%s/%s/" % (u["id"], cal["id"])}


def connect(port, source="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def healthz_over(s):
    """1 when a GET /healthz on the socket is answered, 0 when it is closed"""
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        data = s.recv(4096)
        return 1 if data.startswith(b"HTTP/1.1 200") else 0
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        return 0


def served(port, n, within=10):
    """n connections from 127.0.0.1, each answered on /healthz and kept open.
    A connection the client just closed (the readiness check's, the test's
    own) counts on the server until it has read the close, so the set is
    tried again until the server has caught up, or [] after `within` s"""
    deadline = time.time() + within
    while time.time() < deadline:
        socks = [connect(port) for _ in range(n)]
        if all(healthz_over(s) for s in socks):
            return socks
        for s in socks:
            s.close()
        time.sleep(0.2)
    return []


def test_second_serve_on_a_busy_port_fails(srv, tmpdir_):
    inst = Instance(srv, tmpdir_).start()
    try:
        second = Instance(srv, tmpdir_, listen=False)
        r = subprocess.run([BIN, *second.args, "--listen", "127.0.0.1:%d" % inst.port], env=second.env,
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0, r.stdout + r.stderr
        assert "cannot listen on 127.0.0.1:%d" % inst.port in r.stderr + r.stdout
        assert requests.get(inst.url + "/healthz", timeout=5).status_code == 200
    finally:
        inst.stop()
    inst.assert_clean()


def test_connections_per_address_are_limited_and_other_addresses_get_in(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, env={"CONVENE_PER_ADDRESS_CONNECTIONS": "5",
                                        "CONVENE_TRUSTED_PROXIES": "127.0.0.3"}).start()
    held = []
    try:
        held = served(inst.port, 5)
        # the five are served (so accepted and counted), and stay open (keep-alive)
        assert len(held) == 5
        # the sixth from the same address is closed before it is read
        assert healthz_over(connect(inst.port)) == 0
        # another address gets in
        assert healthz_over(connect(inst.port, "127.0.0.2")) == 1
        # a trusted proxy is not counted: many connections of its clients
        proxied = [connect(inst.port, "127.0.0.3") for _ in range(8)]
        assert all(healthz_over(s) for s in proxied)
        for s in proxied:
            s.close()
        # closing frees the address's places
        for s in held:
            s.close()
        held = []
        again = served(inst.port, 5)
        assert len(again) == 5
        for s in again:
            s.close()
    finally:
        for s in held:
            s.close()
        inst.stop()
    inst.assert_clean()
    assert "per_address_connections" in inst.text()


def test_idle_connections_are_closed_after_idle_timeout(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, env={"CONVENE_IDLE_TIMEOUT": "1"}).start()
    try:
        s = connect(inst.port)
        s.settimeout(10)
        t0 = time.time()
        assert s.recv(100) == b""  # closed by the server, not by our timeout
        assert time.time() - t0 < 6
        s.close()
    finally:
        inst.stop()
    inst.assert_clean()


def test_long_urls_and_header_sections_get_problem_json(srv):
    r = requests.get(srv.url + "/api/v1/users?q=" + "x" * 9000, timeout=10)
    problem(r, 414, "uri-too-long")
    r = requests.get(srv.url + "/healthz", headers={"X-Pad-%d" % i: "y" * 4000 for i in range(10)}, timeout=10)
    problem(r, 431, "headers-too-large")
    # under the limits all is as before
    assert requests.get(srv.url + "/healthz?q=" + "x" * 4000, timeout=10).status_code == 200


class Holder:
    """an outside writer that holds the database's write lock: on SQLite
    BEGIN IMMEDIATE on the file, on PostgreSQL a table lock that conflicts
    with inserts into events"""

    def __init__(self, inst):
        self.inst = inst

    def __enter__(self):
        if DB == "sqlite":
            self.c = sqlite3.connect(os.path.join(self.inst.data, "convene.db"), isolation_level=None)
            self.c.execute("BEGIN IMMEDIATE")
        else:
            self.p = subprocess.Popen(["psql", "-q", "-X", DB], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      text=True)
            self.p.stdin.write("BEGIN; LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE; SELECT 'locked';\n")
            self.p.stdin.flush()
            assert "locked" in self.p.stdout.readline() + self.p.stdout.readline() + self.p.stdout.readline()
        return self

    def __exit__(self, *exc):
        if DB == "sqlite":
            self.c.execute("ROLLBACK")
            self.c.close()
        else:
            self.p.stdin.write("ROLLBACK;\n\\q\n")
            self.p.stdin.close()
            self.p.wait(timeout=10)


def test_a_held_writer_lock_ends_in_503_busy_and_health_answers(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, env={"CONVENE_LOCK_TIMEOUT": "1000", "CONVENE_THREADS": "2"}).start()
    try:
        m = member_of(inst)
        path = "/api/v1/calendars/%s/events" % m["cal"]
        ev = {"summary": "Held", "start": "2030-05-01T10:00:00Z", "end": "2030-05-01T11:00:00Z"}
        results = []
        with Holder(inst):
            def write():
                c = Client(inst.url)
                c.s.cookies.update(m["client"].s.cookies)
                c.csrf = m["client"].csrf
                results.append(c.post(path, json=ev, timeout=30))
            writers = [threading.Thread(target=write) for _ in range(4)]
            t0 = time.time()
            for t in writers:
                t.start()
            time.sleep(0.2)
            # both request threads may be waiting for the lock: health still answers (within the
            # client's timeout: each writer gives up after the lock timeout, so none waits for ever)
            h = requests.get(inst.url + "/healthz", timeout=10)
            assert h.status_code == 200
            # reads are not held at all
            assert m["client"].get("/api/v1/calendars/%s" % m["cal"]).status_code == 200
            for t in writers:
                t.join(30)
            assert time.time() - t0 < 20  # each gave up after its lock timeout, none waited for ever
        assert len(results) == 4
        for r in results:
            problem(r, 503, "busy")
            assert r.headers.get("Retry-After") == "2"
        # once the lock is free, writing works again
        r = m["client"].post(path, json=ev)
        assert r.status_code == 201, r.text
    finally:
        inst.stop()
    inst.assert_clean()


DAILY = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//limits//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
         "DTSTAMP:20260101T000000Z\r\nDTSTART:20300101T090000Z\r\nDTEND:20300101T100000Z\r\n"
         "RRULE:FREQ=DAILY\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def expand_report(start, end):
    return ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
            '<c:calendar-data><c:expand start="%s" end="%s"/></c:calendar-data></d:prop>'
            '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
            '<c:time-range start="%s" end="%s"/></c:comp-filter></c:comp-filter></c:filter>'
            "</c:calendar-query>" % (C, start, end, start, end))


def report(inst, m, body):
    return requests.request("REPORT", inst.url + m["calpath"], data=body.encode(), auth=(m["email"], PASSWORD),
                            headers={"Content-Type": "application/xml", "Depth": "1"}, timeout=60)


def responses(r):
    assert r.status_code == 207, r.text[:500]
    root = ET.fromstring(r.content)
    return root.findall("{DAV:}response")


def truncated(resps, href):
    last = resps[-1]
    return (last.find("{DAV:}href").text == href and "507" in last.find("{DAV:}status").text and
            last.find("{DAV:}error/{DAV:}number-of-matches-within-limits") is not None)


def test_expand_has_a_total_budget_and_ends_with_number_of_matches_within_limits(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, env={"CONVENE_REPORT_MAX_INSTANCES": "50"}).start()
    try:
        m = member_of(inst)
        for i in range(3):
            r = requests.put(inst.url + m["calpath"] + "daily-%d.ics" % i, data=DAILY % (uniq("d-"), "Daily %d" % i),
                             auth=(m["email"], PASSWORD), headers={"Content-Type": "text/calendar"}, timeout=30)
            assert r.status_code == 201, r.text
        # 3 events x 10 days: within the budget, every occurrence
        resps = responses(report(inst, m, expand_report("20300101T000000Z", "20300111T000000Z")))
        assert len(resps) == 3 and not truncated(resps, m["calpath"])
        assert sum(ET.tostring(x).decode().count("BEGIN:VEVENT") for x in resps) == 30
        # a year: cut short, and said so on the calendar's href
        resps = responses(report(inst, m, expand_report("20300101T000000Z", "20310101T000000Z")))
        assert truncated(resps, m["calpath"])
        events = resps[:-1]
        assert len(events) < 3
        assert sum(ET.tostring(x).decode().count("BEGIN:VEVENT") for x in events) <= 50
    finally:
        inst.stop()
    inst.assert_clean()


def test_multistatus_bytes_are_budgeted_and_large_answers_stream_intact(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, env={"CONVENE_REPORT_MAX_BYTES": "300000"}).start()
    try:
        m = member_of(inst)
        uid = uniq("big-")
        r = requests.put(inst.url + m["calpath"] + "big.ics", data=DAILY % (uid, "x" * 60),
                         auth=(m["email"], PASSWORD), headers={"Content-Type": "text/calendar"}, timeout=30)
        assert r.status_code == 201, r.text
        # 365 days of one event: about 150 KB, more than a spill chunk? no: under the byte budget, whole
        resps = responses(report(inst, m, expand_report("20300101T000000Z", "20310101T000000Z")))
        assert len(resps) == 1 and ET.tostring(resps[0]).decode().count("BEGIN:VEVENT") == 365
        # ten years, 3650 occurrences (over 1 MB): cut at the byte budget, well-formed
        r = report(inst, m, expand_report("20300101T000000Z", "20400101T000000Z"))
        assert len(r.content) <= 300000
        resps = responses(r)
        assert truncated(resps, m["calpath"])
        # a PROPFIND of the calendar's events with their data is budgeted the same way
        for i in range(40):
            text = DAILY.replace("RRULE:FREQ=DAILY\r\n", "DESCRIPTION:%s\r\n" % ("z" * 9000)) % (uniq("p-"), "P")
            r = requests.put(inst.url + m["calpath"] + "p-%d.ics" % i, data=text, auth=(m["email"], PASSWORD),
                             headers={"Content-Type": "text/calendar"}, timeout=30)
            assert r.status_code == 201, r.text
        body = ('<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
                "<c:calendar-data/></d:prop></d:propfind>" % C)
        r = requests.request("PROPFIND", inst.url + m["calpath"], data=body, auth=(m["email"], PASSWORD),
                             headers={"Content-Type": "application/xml", "Depth": "1"}, timeout=60)
        assert len(r.content) <= 300000
        resps = responses(r)
        assert truncated(resps, m["calpath"]) and 10 < len(resps) < 41
    finally:
        inst.stop()
    inst.assert_clean()


def test_a_large_multistatus_is_sent_from_the_spool_file_intact(srv, tmpdir_):
    inst = Instance(srv, tmpdir_).start()
    try:
        m = member_of(inst)
        for i in range(4):
            r = requests.put(inst.url + m["calpath"] + "big-%d.ics" % i, data=DAILY % (uniq("big-"), "y" * 200),
                             auth=(m["email"], PASSWORD), headers={"Content-Type": "text/calendar"}, timeout=30)
            assert r.status_code == 201, r.text
        # 4 x 1826 occurrences, several MB: spilled to the file in chunks and sent whole
        r = report(inst, m, expand_report("20300101T000000Z", "20350101T000000Z"))
        assert len(r.content) > 1024 * 1024
        resps = responses(r)
        assert len(resps) == 4 and not truncated(resps, m["calpath"])
        assert sum(ET.tostring(x).decode().count("BEGIN:VEVENT") for x in resps) == 4 * 1826
    finally:
        inst.stop()
    inst.assert_clean()


def test_a_report_past_the_request_budget_stops_with_time_budget(srv, tmpdir_):
    # the budget is asked before each event of a report and each object of an
    # import: the work between two questions (3,650 occurrences expanded, or
    # 300 events parsed) takes far longer than 1 ms on any machine, so the
    # answer does not depend on how fast this one is
    inst = Instance(srv, tmpdir_, env={"CONVENE_REQUEST_BUDGET": "1",
                                        "CONVENE_REPORT_MAX_INSTANCES": "1000000"}).start()
    try:
        m = member_of(inst)
        for i in range(6):
            r = requests.put(inst.url + m["calpath"] + "daily-%d.ics" % i, data=DAILY % (uniq("d-"), "Daily %d" % i),
                             auth=(m["email"], PASSWORD), headers={"Content-Type": "text/calendar"}, timeout=30)
            assert r.status_code == 201, r.text
        r = report(inst, m, expand_report("20300101T000000Z", "20400101T000000Z"))
        problem(r, 503, "time-budget")
        assert "1 ms" in r.json()["detail"]
        # a JSON import is stopped the same way, and writes nothing
        one = DAILY % ("imp-%d", "Imported")
        body = one[one.index("BEGIN:VEVENT"):one.index("END:VCALENDAR")]
        ics = (one[:one.index("BEGIN:VEVENT")] + "".join(body.replace("imp-%d", uniq("imp-")) for _ in range(300))
               + "END:VCALENDAR\r\n")
        r = m["client"].post("/api/v1/calendars/%s/import" % m["cal"], data=ics.encode(),
                             headers={"Content-Type": "text/calendar"})
        problem(r, 503, "time-budget")
        assert requests.get(inst.url + "/healthz", timeout=5).status_code == 200
    finally:
        inst.stop()
    inst.assert_clean()


def test_event_streams_outlive_the_idle_timeout(srv, tmpdir_):
    from sse import Stream
    inst = Instance(srv, tmpdir_, env={"CONVENE_IDLE_TIMEOUT": "1", "CONVENE_SSE_PING_MS": "60000"}).start()
    try:
        m = member_of(inst)
        s = Stream(m["client"], "/api/v1/calendars/%s/stream" % m["cal"])
        assert s.status == 200
        first = int(s.next()[1])
        time.sleep(3.5)  # silent for longer than idle_timeout, no ping either
        r = m["client"].post("/api/v1/calendars/%s/events" % m["cal"],
                             json={"summary": "Late", "start": "2030-05-02T10:00:00Z", "end": "2030-05-02T11:00:00Z"})
        assert r.status_code == 201, r.text
        assert s.next()[2]["version"] > first
        s.close()
        # an idle keep-alive of the same server is closed meanwhile
        k = connect(inst.port)
        k.settimeout(10)
        assert k.recv(100) == b""
        k.close()
    finally:
        inst.stop()
    inst.assert_clean()
