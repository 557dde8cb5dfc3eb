"""The server as operators see it: /healthz, /readyz, /metrics, the body
limit (declared and chunked), HEAD, static files of the web app (ETag, 304,
immutable assets, gzip), graceful and forced shutdown, configuration
precedence (convene.conf < CONVENE_* < flags) and the JSON access log.
Some tests start their own server instances beside the shared one."""
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

import pytest
import requests

from apimap import routes
from conftest import BIN, DB, PASSWORD, free_port, problem, uniq
from sse import Stream

LIMIT = 1024 * 1024


# ------------------------------------------------------------------ helpers
class Instance:
    """one more convene server, with its own data directory (and, on SQLite,
    its own database; on PostgreSQL the shared test database)"""

    def __init__(self, srv, tmp, args=(), env=None, listen=True, init=True):
        self.tmp = tmp
        self.data = os.path.join(tmp, "data")
        os.makedirs(self.data, exist_ok=True)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_path = os.path.join(tmp, "server-%d.log" % self.port)
        self.admin_email = srv.accounts["A"]["admin_email"]
        self.db = [] if DB == "sqlite" else ["--db", DB]
        if DB == "sqlite" and init and not os.path.exists(os.path.join(self.data, "convene.db")):
            self.admin_email = "admin-%s@instance.test" % uniq()
            r = subprocess.run([BIN, "init", "--data", self.data, "--admin-email", self.admin_email,
                                "--admin-password", PASSWORD, *self.db],
                               capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, r.stderr
        elif init:
            key = os.path.join(srv.data, "secret.key")
            if os.path.exists(key) and not os.path.exists(os.path.join(self.data, "secret.key")):
                shutil.copy(key, self.data)
        self.args = ["serve", "--data", self.data, *self.db, *args]
        if listen:
            self.args += ["--listen", "127.0.0.1:%d" % self.port]
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("CONVENE_") and k not in ("CONVENE_BIN", "CONVENE_TEST_DB"):
                del self.env[k]
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        self.env.update(env or {})
        self.proc = None

    def start(self, wait_url=None):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([BIN, *self.args], stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self.env)
        url = wait_url or self.url
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError("instance did not start:\n" + self.text())

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def stop(self, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def assert_clean(self):
        log = self.text()
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            assert marker not in log, log[-5000:]


@pytest.fixture
def tmpdir_():
    d = tempfile.mkdtemp(prefix="convene-srv-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def answers(url):
    try:
        return requests.get(url + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def raw_request(port, head, body=b"", timeout=10):
    """sends bytes as they are and returns (status, headers, body) of the answer"""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(head + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head_b, _, rest = data.partition(b"\r\n\r\n")
        lines = head_b.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
        n = int(headers.get("content-length", "0"))
        while len(rest) < n:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        return status, headers, rest
    finally:
        s.close()


# ------------------------------------------------------------------ health
def test_healthz(srv):
    r = requests.get(srv.url + "/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["Cache-Control"] == "no-store"


def test_readyz_reports_database_and_schema_version(srv):
    body = requests.get(srv.url + "/readyz").json()
    assert body["status"] == "ready"
    assert body["database"] == ("sqlite" if DB == "sqlite" else "postgres")
    assert isinstance(body["schema_version"], int) and body["schema_version"] >= 1
    assert body["schema_version"] == body["latest_schema_version"]


def test_readyz_fails_while_the_web_app_is_missing(srv, tmpdir_):
    """a node that should serve the web app but has none is not ready (a load
    balancer must not send people to it) and says why at start; web_dir
    empty serves the API alone, ready"""
    web = os.path.join(tmpdir_, "web")
    inst = Instance(srv, tmpdir_, ["--web-dir", web]).start()
    try:
        r = requests.get(inst.url + "/readyz")
        assert r.status_code == 503 and r.json()["status"] == "web-app-missing", r.text
        assert r.json()["web_app"] == "missing"
        problem(requests.get(inst.url + "/admin/users"), 404)
        # built while running: ready at once, without a restart
        os.makedirs(web)
        with open(os.path.join(web, "index.html"), "w") as f:
            f.write("<!doctype html><title>built</title>")
        r = requests.get(inst.url + "/readyz")
        assert r.status_code == 200 and r.json()["status"] == "ready" and r.json()["web_app"] == "served"
        assert "built" in requests.get(inst.url + "/admin/users").text
    finally:
        assert inst.stop() == 0
    assert "web app is missing" in inst.text() and web in inst.text()
    inst.assert_clean()

    api_only = Instance(srv, tmpdir_, ["--web-dir", ""]).start()
    try:
        r = requests.get(api_only.url + "/readyz")
        assert r.status_code == 200 and r.json()["web_app"] == "off", r.text
        problem(requests.get(api_only.url + "/admin/users"), 404)
        problem(requests.get(api_only.url + "/index.html"), 404)
    finally:
        assert api_only.stop() == 0
    assert "web app is missing" not in api_only.text()


def parse_metrics(text):
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
        elif line and not line.startswith("#"):
            m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (\S+)', line)
            assert m, "not a Prometheus sample line: %r" % line
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
            samples.setdefault(m.group(1), []).append((labels, float(m.group(3))))
    return samples, types


def test_metrics_in_prometheus_text_format(srv, admin):
    admin.get("/api/v1/users/usr_00000000000000000000")  # a 404 on a route with a parameter
    requests.get(srv.url + "/healthz")
    requests.request("BREW-COFFEE", srv.url + "/healthz")  # a made-up method
    # a request is counted once answered, a moment after its client has the answer
    deadline = time.time() + 10
    while True:
        r = requests.get(srv.url + "/metrics")
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
        samples, types = parse_metrics(r.text)
        if ("unmatched", "OTHER") in histograms(samples) or time.time() > deadline:
            break
        time.sleep(0.1)
    assert "version=0.0.4" in r.headers["Content-Type"]
    assert types["convene_http_requests_total"] == "counter"
    reqs = samples["convene_http_requests_total"]
    assert any(l == {"route": "/healthz", "method": "GET", "status": "200"} and v >= 1 for l, v in reqs)
    # labelled by the route pattern, not the raw path: the series count stays bounded
    assert any(l["route"] == "/api/v1/users/{id}" and l["status"] == "404" for l, v in reqs), reqs
    assert not any("usr_0000" in l["route"] for l, v in reqs)
    assert {l["method"] for l, v in reqs} <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
                                              "PROPFIND", "PROPPATCH", "REPORT", "MKCALENDAR", "MKCOL",
                                              "COPY", "MOVE", "LOCK", "UNLOCK", "ACL", "OTHER"}
    assert types["convene_http_request_duration_seconds"] == "histogram"
    # one histogram per route pattern and method, buckets cumulative up to +Inf = _count
    hists = histograms(samples)
    for (route, method), (buckets, count, total) in hists.items():
        values = [v for _, v in buckets]
        assert values == sorted(values) and buckets[-1][0] == "+Inf", (route, method)
        assert buckets[-1][1] == count and total >= 0, (route, method)
    assert hists[("/api/v1/users/{id}", "GET")][1] >= 1
    assert hists[("/healthz", "GET")][1] >= 1 and hists[("unmatched", "OTHER")][1] >= 1  # 405
    assert not any("usr_0000" in route for route, _ in hists)
    assert types["convene_sse_streams_open"] == "gauge" and samples["convene_sse_streams_open"][0][1] >= 0
    assert types["convene_outbox_depth"] == "gauge" and samples["convene_outbox_depth"][0][1] >= 0


def histograms(samples):
    """{(route, method): ([(le, cumulative count)], count, sum)}"""
    out = {}
    for labels, v in samples["convene_http_request_duration_seconds_bucket"]:
        assert set(labels) == {"route", "method", "le"}, labels
        out.setdefault((labels["route"], labels["method"]), [[], 0, 0])[0].append((labels["le"], v))
    for labels, v in samples["convene_http_request_duration_seconds_count"]:
        out[(labels["route"], labels["method"])][1] = v
    for labels, v in samples["convene_http_request_duration_seconds_sum"]:
        out[(labels["route"], labels["method"])][2] = v
    return {k: tuple(v) for k, v in out.items()}


def test_latency_histogram_leaves_event_streams_out(srv, admin):
    """a stream's duration is how long its client watched: it is counted as a
    request but kept out of the latency histogram"""
    rm = admin.post("/api/v1/rooms", json={"name": uniq("Metrics room "), "capacity": 2}).json()
    d = admin.post("/api/v1/rooms/%s/displays" % rm["id"], json={"name": "Door"}).json()
    token = d["token"]
    route = "/api/v1/display/{token}/stream"

    def scrape():
        samples, _ = parse_metrics(requests.get(srv.url + "/metrics").text)
        done = sum(v for l, v in samples["convene_http_requests_total"]
                   if l["route"] == route and l["status"] == "200")
        timed = histograms(samples).get((route, "GET"), (None, 0, 0))[1]
        return done, timed

    done, timed = scrape()
    s = Stream(srv.client(), "/api/v1/display/%s/stream" % token)
    assert s.status == 200
    s.next(timeout=10)
    time.sleep(1.2)  # longer than most buckets: it would show
    # revoking the display ends the stream from the server's side, at once
    assert admin.delete("/api/v1/rooms/%s/displays/%s" % (rm["id"], d["id"])).status_code == 204
    assert s.next(timeout=10)[0] == "end"
    s.close()
    deadline = time.time() + 10
    while scrape()[0] == done and time.time() < deadline:
        time.sleep(0.1)
    assert scrape() == (done + 1, timed)


def test_health_routes_need_no_login_and_reveal_no_account_data(srv):
    for path in ("/healthz", "/readyz", "/metrics"):
        r = requests.get(srv.url + path)
        assert r.status_code == 200, path
        for a in srv.accounts.values():
            assert a["admin_email"] not in r.text and a["id"] not in r.text, path


# ------------------------------------------------------------------ body limit
def test_declared_body_over_the_limit_is_refused_at_once(srv):
    # only the headers are sent: the answer must not wait for the body
    head = ("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n\r\n" % (LIMIT + 1)).encode()
    status, headers, body = raw_request(srv.port, head, timeout=10)
    assert status == 413, (status, body)
    assert headers["content-type"].startswith("application/problem+json")
    p = json.loads(body)
    assert p["type"] == "/problems/too-large" and str(LIMIT) in p["detail"]


def test_chunked_body_over_the_limit_is_refused(srv):
    def chunks():
        piece = b" " * 65536
        for _ in range(LIMIT // len(piece) + 2):
            yield piece
    r = requests.post(srv.url + "/api/v1/session", data=chunks(),
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert r.request.headers.get("Transfer-Encoding") == "chunked"
    problem(r, 413, "too-large")


def test_body_exactly_at_the_limit_is_read(srv):
    body = b"{}" + b" " * (LIMIT - 2)
    r = requests.post(srv.url + "/api/v1/session", data=body, headers={"Content-Type": "application/json"})
    assert problem(r, 422)["field"] == "email"  # parsed: {} lacks the e-mail
    r = requests.post(srv.url + "/api/v1/session", data=body + b" ", headers={"Content-Type": "application/json"})
    problem(r, 413, "too-large")


def test_server_keeps_answering_after_refused_bodies(srv):
    test_declared_body_over_the_limit_is_refused_at_once(srv)
    assert requests.get(srv.url + "/healthz").status_code == 200


# ------------------------------------------------------------------ methods
def test_head_on_every_get_route_matches_get_without_a_body(srv, admin):
    bad = []
    for rt in routes():
        if rt.method != "GET":
            continue
        path = rt.fill(**{"*": "nope_00000000000000000000"})
        g = admin.get(path, stream=True, timeout=10)
        g_status, g_type = g.status_code, g.headers.get("Content-Type")
        g.close()
        h = admin.request("HEAD", path, timeout=10)
        if h.status_code != g_status or h.headers.get("Content-Type") != g_type or h.content:
            bad.append("%s: GET %s %s, HEAD %s %s (%d bytes)" % (rt.pattern, g_status, g_type, h.status_code,
                                                               h.headers.get("Content-Type"), len(h.content)))
    assert not bad, "\n".join(bad)


def test_head_on_a_stream_sends_no_body_and_the_connection_goes_on(srv, admin):
    # a chunked answer to HEAD would still end with "0\r\n\r\n": a keep-alive
    # client reads those bytes as the start of its next answer
    from supportutil import make_portal
    slug = make_portal(srv, admin)["slug"]
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        for _ in range(2):
            conn.request("HEAD", "/api/v1/public/portals/%s/stream" % slug)
            h = conn.getresponse()
            h.read()
            assert h.status == 200 and h.getheader("Content-Type").startswith("text/event-stream")
            assert h.getheader("Transfer-Encoding") is None
            conn.request("GET", "/healthz")
            g = conn.getresponse()
            assert g.status == 200, g.status
            g.read()
    finally:
        conn.close()


def test_unknown_method_is_405_with_allow(srv, admin):
    r = admin.request("BREW", "/api/v1/users")
    problem(r, 405, "method-not-allowed")
    allow = {m.strip() for m in r.headers["Allow"].split(",")}
    assert {"GET", "POST", "HEAD"} <= allow
    r = requests.request("DELETE", srv.url + "/healthz")
    problem(r, 405, "method-not-allowed")
    assert {m.strip() for m in r.headers["Allow"].split(",")} == {"GET", "HEAD"}


def test_control_characters_in_the_path_stay_encoded(srv, admin):
    # a decoded NUL would cut the path short into /api/v1/users (the list)
    r = admin.get("/api/v1/users%00/whatever")
    assert problem(r, 404)["detail"].endswith("%00/whatever")
    r = admin.get("/api/v1/users/%0a%0dusr_x")
    problem(r, 404)
    with open(srv.log_path, errors="replace") as f:
        log = f.read()
    assert "\nusr_x" not in log and "\rusr_x" not in log


def test_paths_and_queries_must_be_utf8_text(srv, admin):
    # invalid bytes would reach PostgreSQL (which refuses them) and problem details
    problem(admin.get("/api/v1/users/%ff%fe"), 400, "invalid-path")
    problem(admin.get("/api/v1/users/%c0%af"), 400, "invalid-path")  # overlong "/"
    problem(admin.get("/api/v1/users/%ed%a0%80"), 400, "invalid-path")  # a surrogate
    problem(admin.get("/api/v1/users?q=%ff"), 400, "invalid-query")
    problem(admin.get("/api/v1/users?%ff=1"), 400, "invalid-query")
    # raw bytes in the request line, not percent-encoded
    status, headers, body = raw_request(srv.port, b"GET /api/v1/users/\xff\x01 HTTP/1.1\r\nHost: x\r\n"
                                        b"Connection: close\r\n\r\n")
    assert status == 400
    # valid UTF-8 passes
    r = admin.get("/api/v1/users", params={"q": "\u00e9l\u00e8ve \U0001F600"})
    assert r.status_code == 200
    time.sleep(0.2)
    with open(srv.log_path, "rb") as f:
        log = f.read()
    log.decode("utf-8")  # the access log stays UTF-8 text
    assert b"/api/v1/users/%FF%FE" in log


# ------------------------------------------------------------------ static files
@pytest.fixture
def web_instance(srv, tmpdir_):
    web = os.path.join(tmpdir_, "web")
    os.makedirs(os.path.join(web, "assets"))
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<!doctype html><title>convene test app</title>")
    with open(os.path.join(web, "portal.html"), "w") as f:
        f.write("<!doctype html><title>convene test portal</title>")
    js = b"console.log('convene');\n" * 200
    with open(os.path.join(web, "assets", "app-3f2a9c.js"), "wb") as f:
        f.write(js)
    with open(os.path.join(web, "assets", "app-3f2a9c.js.gz"), "wb") as f:
        f.write(gzip.compress(js))
    with open(os.path.join(web, "robots.txt"), "w") as f:
        f.write("User-agent: *\n")
    inst = Instance(srv, tmpdir_, ["--web-dir", web]).start()
    inst.js = js
    yield inst
    assert inst.stop() == 0
    inst.assert_clean()


def test_index_with_etag_and_304(web_instance):
    url = web_instance.url
    r = requests.get(url + "/")
    assert r.status_code == 200 and "convene test app" in r.text
    assert r.headers["Content-Type"].startswith("text/html")
    etag = r.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert r.headers["Cache-Control"] == "no-cache"
    r = requests.get(url + "/", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b"" and r.headers["ETag"] == etag
    assert "Content-Type" not in r.headers
    r = requests.get(url + "/", headers={"If-None-Match": 'W/"other", ' + etag})
    assert r.status_code == 304
    r = requests.get(url + "/", headers={"If-None-Match": '"something-else"'})
    assert r.status_code == 200


def test_app_routes_fall_back_to_index(web_instance):
    r = requests.get(web_instance.url + "/admin/users/usr_abc")
    assert r.status_code == 200 and "convene test app" in r.text
    r = requests.get(web_instance.url + "/robots.txt")
    assert r.status_code == 200 and r.text == "User-agent: *\n"
    problem(requests.get(web_instance.url + "/missing.js"), 404, "not-found")
    # the API never falls back to the app
    problem(requests.get(web_instance.url + "/api/v1/nothing-here"), 404, "not-found")


def test_portal_routes_get_the_portal_page(web_instance):
    # a company's support portal is a page of its own (portal.html), never the admin center
    for path in ("/portal", "/portal/", "/portal/acme", "/portal/acme/", "/portal/acme/sessions/s_1"):
        r = requests.get(web_instance.url + path)
        assert r.status_code == 200 and "convene test portal" in r.text, path
        assert r.headers["Content-Type"].startswith("text/html") and r.headers["Cache-Control"] == "no-cache"
    # only that folder: a route that merely starts with the word is the app's
    for path in ("/portals", "/portalx/acme", "/admin/portal/acme"):
        r = requests.get(web_instance.url + path)
        assert r.status_code == 200 and "convene test app" in r.text, path
    # a file under /portal/ is looked up as a file, not answered with the page
    problem(requests.get(web_instance.url + "/portal/acme/logo.png"), 404, "not-found")


def test_assets_are_immutable_and_gzipped_when_asked(web_instance):
    url = web_instance.url + "/assets/app-3f2a9c.js"
    plain = requests.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.content == web_instance.js
    assert "immutable" in plain.headers["Cache-Control"] and "max-age=31536000" in plain.headers["Cache-Control"]
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"] == "Accept-Encoding"
    assert plain.headers["Content-Type"].startswith("text/javascript")
    gz = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True)
    raw = gz.raw.read(decode_content=False)
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(raw) == web_instance.js
    assert len(raw) < len(web_instance.js)
    assert gz.headers["Vary"] == "Accept-Encoding"
    # two representations, two entity tags; each revalidates to 304
    assert gz.headers["ETag"] != plain.headers["ETag"]
    r = requests.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": gz.headers["ETag"]})
    assert r.status_code == 304
    r = requests.get(url, headers={"Accept-Encoding": "gzip;q=0", "If-None-Match": gz.headers["ETag"]})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers


def test_static_files_refuse_parent_paths(web_instance):
    for path in ("/../../etc/passwd", "/assets/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"):
        status, headers, body = raw_request(
            web_instance.port, ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        assert status == 404 and b"root:" not in body, (path, status, body[:200])


def test_head_on_static_files(web_instance):
    r = requests.head(web_instance.url + "/assets/app-3f2a9c.js", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["Content-Length"]) == len(web_instance.js)


# ------------------------------------------------------------------ shutdown
def slow_upload(port):
    """a request in flight: headers and part of a sign-in body, the rest to follow"""
    body = json.dumps({"email": "nobody@nowhere.test", "password": "not the password"}).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
    time.sleep(0.3)
    return s, body[10:]


def test_sigterm_on_an_idle_server_exits_0_promptly(srv, tmpdir_):
    inst = Instance(srv, tmpdir_).start()
    # an idle keep-alive connection does not hold the shutdown up
    keep = requests.Session()
    assert keep.get(inst.url + "/healthz").status_code == 200
    t0 = time.time()
    inst.signal()
    inst.proc.wait(timeout=10)
    assert inst.proc.returncode == 0 and time.time() - t0 < 5
    inst.stop()
    inst.assert_clean()
    assert "stopped" in inst.text()


def test_sigterm_finishes_the_request_in_flight_then_exits_0(srv, tmpdir_):
    inst = Instance(srv, tmpdir_).start()
    sock, rest = slow_upload(inst.port)
    inst.signal()
    time.sleep(0.5)
    assert inst.proc.poll() is None, "exited with a request in flight"
    # new connections are refused at once meanwhile (not left in the backlog)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", inst.port), timeout=2).close()
    sock.sendall(rest)
    answer = sock.recv(4096)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert inst.proc.wait(timeout=10) == 0
    inst.stop()
    inst.assert_clean()
    assert_database_consistent(inst)


def test_second_signal_exits_at_once(srv, tmpdir_):
    inst = Instance(srv, tmpdir_).start()
    sock, _ = slow_upload(inst.port)
    inst.signal()
    time.sleep(0.5)
    assert inst.proc.poll() is None
    t0 = time.time()
    inst.signal()
    rc = inst.proc.wait(timeout=5)
    assert time.time() - t0 < 2 and rc == 130, rc
    sock.close()
    inst.stop()
    assert "second signal" in inst.text()
    assert_database_consistent(inst)


def test_shutdown_grace_bounds_the_wait(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, env={"CONVENE_SHUTDOWN_GRACE": "1"}).start()
    sock, _ = slow_upload(inst.port)  # never finished
    t0 = time.time()
    inst.signal()
    assert inst.proc.wait(timeout=10) == 0
    assert 0.8 < time.time() - t0 < 5
    sock.close()
    inst.stop()
    assert "still in flight" in inst.text()
    inst.assert_clean()


def assert_database_consistent(inst):
    if DB == "sqlite":
        con = sqlite3.connect(os.path.join(inst.data, "convene.db"))
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("SELECT count(*) FROM users").fetchone()[0] >= 1
        finally:
            con.close()
    r = subprocess.run([BIN, "migrate", "--data", inst.data, *inst.db], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and "schema version" in r.stdout, r.stderr
    # and it serves again, with the same data
    again = Instance.__new__(Instance)
    again.__dict__.update(inst.__dict__)
    again.port = free_port()
    again.url = "http://127.0.0.1:%d" % again.port
    again.args = [a for a in inst.args]
    again.args[again.args.index("--listen") + 1] = "127.0.0.1:%d" % again.port
    again.log_path = inst.log_path + ".again"
    again.start()
    try:
        c = requests.Session()
        r = c.post(again.url + "/api/v1/session", json={"email": inst.admin_email, "password": PASSWORD})
        assert r.status_code == 200, r.text
    finally:
        assert again.stop() == 0


# ------------------------------------------------------------------ configuration
def test_config_precedence_file_then_env_then_flags(srv, tmpdir_):
    p_file, p_env, p_flag = free_port(), free_port(), free_port()
    base = Instance(srv, tmpdir_, listen=False)
    with open(os.path.join(base.data, "convene.conf"), "w") as f:
        f.write("# written by test_server.py\n[server]\nlisten = 127.0.0.1:%d\n" % p_file)
    url = "http://127.0.0.1:%d"

    only_file = Instance(srv, tmpdir_, listen=False).start(wait_url=url % p_file)
    assert not answers(url % p_env)
    assert only_file.stop() == 0

    env = Instance(srv, tmpdir_, listen=False, env={"CONVENE_LISTEN": "127.0.0.1:%d" % p_env})
    env.start(wait_url=url % p_env)
    assert not answers(url % p_file)
    assert env.stop() == 0

    flag = Instance(srv, tmpdir_, ["--listen", "127.0.0.1:%d" % p_flag], listen=False,
                    env={"CONVENE_LISTEN": "127.0.0.1:%d" % p_env})
    flag.start(wait_url=url % p_flag)
    assert not answers(url % p_file) and not answers(url % p_env)
    assert flag.stop() == 0


def test_data_directory_from_the_environment(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, listen=False)
    port = free_port()
    with open(os.path.join(inst.data, "convene.conf"), "w") as f:
        f.write("listen = 127.0.0.1:%d\n" % port)
    inst.args = ["serve", *inst.db]
    inst.env["CONVENE_DATA"] = inst.data
    inst.start(wait_url="http://127.0.0.1:%d" % port)
    assert inst.stop() == 0


@pytest.mark.parametrize("conf,env,flags,says", [
    ("listen = nowhere\n", {}, [], "listen"),
    ("no_such_key = 1\n", {}, [], "unknown setting 'no_such_key'"),
    ("body_limit = 12\n", {}, [], "body-limit"),
    ("this is not ini\n", {}, [], "line 1"),
    ("", {"CONVENE_LOG_FORMAT": "xml"}, [], "log-format"),
    ("", {}, ["--db", "mysql://x"], "db: expected"),
    ("zoom_api_url = https://api.zoom.us/v2?x=1\n", {}, [], "zoom-api-url"),
    ("", {"CONVENE_ZOOM_OAUTH_URL": "file:///etc"}, [], "zoom-oauth-url"),
    ("", {}, ["--zoom-client-secret", "pasted with a space"], "zoom-client-secret"),
    ("google_token_url = https://oauth2.googleapis.com/token#x\n", {}, [], "google-token-url"),
    ("", {"CONVENE_GOOGLE_API_URL": "www.googleapis.com"}, [], "google-api-url"),
    ("", {}, ["--microsoft-login-url", "ftp://login.microsoftonline.com"], "microsoft-login-url"),
    ("microsoft_graph_url = https://graph.microsoft.com?x=1\n", {}, [], "microsoft-graph-url"),
])
def test_bad_configuration_is_refused_with_a_message(srv, tmpdir_, conf, env, flags, says):
    inst = Instance(srv, tmpdir_, flags, env=env, listen=False)
    with open(os.path.join(inst.data, "convene.conf"), "w") as f:
        f.write(conf)
    r = subprocess.run([BIN, *inst.args], capture_output=True, text=True, env=inst.env, timeout=30)
    assert r.returncode in (1, 2) and says in r.stderr, (r.returncode, r.stderr)


def test_body_limit_setting(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, ["--body-limit", "2048"]).start()
    try:
        r = requests.post(inst.url + "/api/v1/session", data=b"{}" + b" " * 3000,
                          headers={"Content-Type": "application/json"})
        assert "2048" in problem(r, 413, "too-large")["detail"]
        r = requests.post(inst.url + "/api/v1/session", data=b"{}" + b" " * 2000,
                          headers={"Content-Type": "application/json"})
        problem(r, 422)
    finally:
        assert inst.stop() == 0


def test_secret_key_is_made_with_sqlite_and_never_with_postgresql(srv, tmpdir_):
    """serve loads the secret box's key before it starts: with SQLite a
    missing one is made (0600) once and kept; PostgreSQL nodes must share
    one, so none is made there and the log says so. The Zoom app's secrets
    are reported as set, never shown."""
    secret, hook = "zcs-%s" % uniq(), "zws-%s" % uniq()
    inst = Instance(srv, tmpdir_, ["--zoom-client-secret", secret], init=False,
                    env={"CONVENE_ZOOM_CLIENT_ID": "zid", "CONVENE_ZOOM_WEBHOOK_SECRET": hook})
    key = os.path.join(inst.data, "secret.key")
    assert not os.path.exists(key)
    inst.start()
    assert inst.stop() == 0, inst.text()[-3000:]
    log = inst.text()
    assert secret not in log and hook not in log
    assert "Zoom app configured" in log
    inst.assert_clean()
    if DB != "sqlite":
        assert not os.path.exists(key)
        assert "no secret key at %s" % key in log
        return
    assert os.stat(key).st_mode & 0o777 == 0o600
    with open(key, "rb") as f:
        first = f.read()
    assert len(first) == 32
    assert "created the secret key %s" % key in log
    again = Instance(srv, tmpdir_, init=False).start()  # the same data directory
    assert again.stop() == 0, again.text()[-3000:]
    assert "created the secret key" not in again.text()
    with open(key, "rb") as f:
        assert f.read() == first


def test_a_damaged_secret_key_stops_the_server_and_is_kept(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, init=False)
    key = os.path.join(inst.data, "secret.key")
    with open(key, "wb") as f:
        f.write(b"k" * 33)
    r = subprocess.run([BIN, *inst.args], capture_output=True, text=True, env=inst.env, timeout=30)
    assert r.returncode == 1 and "exactly 32 raw bytes" in r.stderr, (r.returncode, r.stderr)
    with open(key, "rb") as f:
        assert f.read() == b"k" * 33
    # the setting names another file: that one is used (made with SQLite)
    other = os.path.join(tmpdir_, "elsewhere.key")
    elsewhere = Instance(srv, tmpdir_, ["--secret-key", other], init=False).start()
    assert elsewhere.stop() == 0, elsewhere.text()[-3000:]
    assert os.path.exists(other) == (DB == "sqlite")


# ------------------------------------------------------------------ logs
def test_json_log_one_object_per_request_without_secrets(srv, tmpdir_):
    inst = Instance(srv, tmpdir_, ["--log-format", "json"]).start()
    try:
        c = requests.Session()
        r = c.post(inst.url + "/api/v1/session", json={"email": inst.admin_email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        csrf = r.json()["csrf_token"]
        cookie = c.cookies.get("convene_session")
        assert cookie
        assert c.get(inst.url + "/api/v1/me?q=secret-in-query").status_code == 200
        c.post(inst.url + "/api/v1/me/password", headers={"X-CSRF-Token": csrf},
               json={"current_password": "wrong-" + PASSWORD, "new_password": "n3w-" + PASSWORD})
        requests.post(inst.url + "/api/v1/session", json={"email": inst.admin_email, "password": "bad " + PASSWORD})
        requests.get(inst.url + "/api/v1/me", headers={"Authorization": "Bearer tok-abcdefghijklmnop"})
        requests.get(inst.url + "/api/v1/users/%ff%0a")  # still one JSON line
    finally:
        assert inst.stop() == 0
    log = inst.text()
    lines = [l for l in log.splitlines() if l.strip()]
    objs = []
    for line in lines:
        if line.startswith("==") or line.startswith("    #"):  # sanitizer output would fail below anyway
            continue
        objs.append(json.loads(line))  # every line is one JSON object
    reqs = [o for o in objs if "method" in o]
    assert len(reqs) >= 6
    for o in reqs:
        assert {"method", "path", "status", "bytes", "us", "account", "user", "client", "ts", "level"} <= set(o), o
        assert isinstance(o["status"], int) and isinstance(o["bytes"], int) and isinstance(o["us"], int)
    me = [o for o in reqs if o["path"] == "/api/v1/me" and o["status"] == 200][0]
    assert me["method"] == "GET" and me["account"] and me["account"].startswith("acc_")
    # who asked: the user and the client's address
    assert me["user"].startswith("usr_") and me["client"] == "127.0.0.1", me
    anon = [o for o in reqs if o["path"] == "/api/v1/me" and o["status"] == 401][0]
    assert anon["user"] is None and anon["account"] is None and anon["client"] == "127.0.0.1", anon
    for secret in (PASSWORD, cookie, csrf, "tok-abcdefghijklmnop", "secret-in-query"):
        assert secret not in log, "a secret is in the log: %s" % secret[:6]
    inst.assert_clean()


def test_log_names_the_client_behind_a_trusted_proxy(srv, tmpdir_):
    """the client's address is the one req_client_addr believes: the peer, or
    behind a trusted proxy the address it forwarded"""
    inst = Instance(srv, tmpdir_, ["--log-format", "json"], env={"CONVENE_TRUSTED_PROXIES": "127.0.0.1"}).start()
    try:
        requests.get(inst.url + "/healthz", headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"})
        requests.get(inst.url + "/readyz")
    finally:
        assert inst.stop() == 0
    lines = [json.loads(l) for l in inst.text().splitlines() if l.startswith("{")]
    by_path = {o["path"]: o for o in lines if "path" in o}
    assert by_path["/healthz"]["client"] == "198.51.100.7", by_path["/healthz"]
    assert by_path["/readyz"]["client"] == "127.0.0.1"


def test_text_log_one_line_per_request(srv, admin):
    marker = "/api/v1/users/usr_%s" % ("9" * 20)
    admin.get(marker)
    time.sleep(0.2)
    with open(srv.log_path) as f:
        lines = [l for l in f if marker in l]
    assert len(lines) == 1
    assert re.search(r" GET %s 404 \d+ \d+us account=acc_\w+ user=usr_\w+ client=127\.0\.0\.1$" % re.escape(marker),
                     lines[0]), lines[0]
