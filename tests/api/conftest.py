"""Fixtures for the API tests: a real convene server (the ASan build by
default) on a free loopback port, with two accounts, a real SMTP sink, and
SQLite or PostgreSQL as CONVENE_TEST_DB says ("sqlite" or a postgres URL)."""
import email
import email.policy
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes", "zoom"))
from client import FakeZoom  # noqa: E402  (tests/fakes/zoom/client.py)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("CONVENE_BIN", os.path.join(ROOT, "build", "asan", "convene"))
DB = os.environ.get("CONVENE_TEST_DB", "sqlite")
PASSWORD = "correct horse battery"


# Ports for the servers a test starts. The kernel's pick (bind to port 0)
# comes from the ephemeral range, where every outgoing connection of every
# process on the machine also takes its local port: between our close and
# the server's bind one of them could take it. Below that range only
# listeners like ours bind, so a port that binds now stays free unless
# another test process picks the same one: the pid spreads processes apart.
_PORT_LOW, _PORT_HIGH = 20000, 32000
_next_port = [_PORT_LOW + (os.getpid() * 7919) % (_PORT_HIGH - _PORT_LOW)]


def free_port():
    for _ in range(_PORT_HIGH - _PORT_LOW):
        port = _next_port[0]
        _next_port[0] = _PORT_LOW + (port + 1 - _PORT_LOW) % (_PORT_HIGH - _PORT_LOW)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in %d-%d" % (_PORT_LOW, _PORT_HIGH))


def uniq(prefix="u"):
    return "%s%s" % (prefix, secrets.token_hex(4))


class Client:
    """requests.Session bound to the server; adds the CSRF token to unsafe
    requests once signed in with a cookie, and a bearer token when given."""

    def __init__(self, base, bearer=None):
        self.base = base
        self.s = requests.Session()
        self.csrf = None
        self.bearer = bearer
        self.user = None

    def request(self, method, path, **kw):
        headers = dict(kw.pop("headers", {}) or {})
        if self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("X-CSRF-Token", self.csrf)
        if self.bearer:
            headers.setdefault("Authorization", "Bearer " + self.bearer)
        kw.setdefault("timeout", 30)
        return self.s.request(method, self.base + path, headers=headers, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, email_addr, password, expect=200):
        r = self.post("/api/v1/session", json={"email": email_addr, "password": password})
        assert r.status_code == expect, r.text
        if r.status_code == 200:
            self.csrf = r.json()["csrf_token"]
            self.user = r.json()["user"]
        return r


class Server:
    def __init__(self, tmp):
        self.tmp = tmp
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.data = os.path.join(tmp, "data")
        self.mail_dir = os.path.join(tmp, "mail")
        self.smtp_port = free_port()
        self.accounts = {}
        self.proc = None
        self.sink = None
        self.smtp = True  # False: served without --smtp (mail is held), and no sink
        self.log_path = os.path.join(tmp, "server.log")

    def db_args(self):
        return [] if DB == "sqlite" else ["--db", DB]

    def db_url(self):
        """the PostgreSQL URL of this server's database; None on SQLite"""
        return None if DB == "sqlite" else DB

    def execute(self, sql):
        """a statement run beside the server, on its database (what a lost
        answer, an older version or another part of convene would leave
        behind, or the time passing)"""
        if self.db_url():
            psql(self.db_url(), sql)
            return
        import sqlite3
        con = sqlite3.connect(os.path.join(self.data, "convene.db"), timeout=30)
        try:
            con.execute(sql)
            con.commit()
        finally:
            con.close()

    def rows(self, sql):
        """rows of a query run beside the server, as lists of strings (None for NULL)"""
        if self.db_url():
            return [[None if v == "" else v for v in row] for row in psql(self.db_url(), sql)]
        import sqlite3
        con = sqlite3.connect("file:%s?mode=ro" % os.path.join(self.data, "convene.db"), uri=True, timeout=30)
        try:
            return [[None if v is None else str(v) for v in row] for row in con.execute(sql)]
        finally:
            con.close()

    # the fake Zoom (tests/fakes/zoom) this server is pointed at, or None:
    # the session server has one (started before it), a Node that of its server
    zoom = None

    def zoom_env(self):
        z = self.zoom
        return {"CONVENE_ZOOM_CLIENT_ID": z.client_id, "CONVENE_ZOOM_CLIENT_SECRET": z.client_secret,
                "CONVENE_ZOOM_WEBHOOK_SECRET": z.webhook_secret, "CONVENE_ZOOM_OAUTH_URL": z.oauth_url,
                "CONVENE_ZOOM_API_URL": z.api_url}

    def cli(self, *args, check=True):
        r = subprocess.run([BIN, *args, "--data", self.data, *self.db_args()],
                           capture_output=True, text=True, timeout=120)
        if check:
            assert r.returncode == 0, r.stderr
        return r

    def add_account(self, key, name):
        admin = "admin-%s@%s.test" % (secrets.token_hex(3), key.lower())
        if not self.accounts:
            r = self.cli("init", "--admin-email", admin, "--admin-password", PASSWORD,
                         "--account-name", name)
        else:
            r = self.cli("account", "add", "--name", name, "--admin-email", admin,
                         "--admin-password", PASSWORD)
        account_id = r.stdout.split("(")[1].split(")")[0]
        self.accounts[key] = {"admin_email": admin, "password": PASSWORD, "id": account_id}

    def start(self):
        if self.smtp:
            self.sink = subprocess.Popen(
                ["/usr/bin/python3", os.path.join(ROOT, "scripts", "smtp_sink.py"),
                 str(self.smtp_port), self.mail_dir],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.add_account("A", "Account A")
        self.add_account("B", "Account B")
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        if self.zoom:
            env.update(self.zoom_env())
        key = os.path.join(self.data, "secret.key")
        os.makedirs(self.data, exist_ok=True)
        if not os.path.exists(key):  # PostgreSQL nodes share one; serve makes none there
            fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, os.urandom(32))
            os.close(fd)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.data, "--listen", "127.0.0.1:%d" % self.port,
             *(["--smtp", "smtp://127.0.0.1:%d" % self.smtp_port] if self.smtp else []), "--public-url", self.url,
             "--web-dir", os.path.join(ROOT, "web", "dist"), *self.db_args()],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + open(self.log_path).read())

    def stop(self):
        problems = []
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                problems.append("server did not stop within 30 s of SIGTERM")
        if self.sink:
            self.sink.terminate()
            self.sink.wait(timeout=10)
        self.log.close()
        log = open(self.log_path).read()
        if self.proc and self.proc.returncode not in (0, None):
            problems.append("server exited with status %s" % self.proc.returncode)
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if marker in log:
                problems.append("sanitizer report in the server log")
                break
        return problems, log

    # helpers used by many tests
    def client(self, bearer=None):
        return Client(self.url, bearer=bearer)

    def admin(self, key="A"):
        c = self.client()
        a = self.accounts[key]
        c.login(a["admin_email"], a["password"])
        return c

    def default_company(self, admin):
        r = admin.get("/api/v1/companies")
        assert r.status_code == 200, r.text
        return [c for c in r.json()["items"] if c["is_default"]][0]["id"]

    def make_user(self, admin, role, company_ids=None, password=PASSWORD, **extra):
        """creates a user through the API and returns (user json, password)"""
        if company_ids is None and role != "admin":
            company_ids = [self.default_company(admin)]
        body = {"email": "%s@example.test" % uniq(role.replace("_", "")), "display_name": uniq("Name "),
                "role": role, "password": password, "must_change_password": False, **extra}
        if company_ids is not None:
            body["company_ids"] = company_ids
        r = admin.post("/api/v1/users", json=body)
        assert r.status_code == 201, r.text
        return r.json(), password

    def login_as(self, user, password=PASSWORD):
        c = self.client()
        c.login(user["email"], password)
        return c

    def mails(self, to=None):
        """the messages received by the SMTP sink, oldest first, as email.message objects"""
        out = []
        if not os.path.isdir(self.mail_dir):
            return out
        for name in sorted(os.listdir(self.mail_dir)):
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(self.mail_dir, name), "rb") as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            if to is None or to.lower() in m.get("X-Envelope-To", "").lower():
                out.append(m)
        return out

    def wait_mail(self, to, count=1, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.mails(to)
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError("no mail to %s within %s s" % (to, timeout))


@pytest.fixture(scope="session")
def srv():
    tmp = tempfile.mkdtemp(prefix="convene-api-")
    s = Server(tmp)
    s.zoom = FakeZoom(webhook_url=s.url + "/webhooks/zoom", redirect_uris=[s.url + "/oauth/zoom/callback"])
    try:
        s.start()
    except BaseException:
        s.zoom.stop()
        raise
    yield s
    problems, log = s.stop()
    s.zoom.stop()
    if not problems:
        shutil.rmtree(tmp, ignore_errors=True)
    if problems:
        sys.stderr.write(log[-20000:])
        pytest.fail("; ".join(problems))


@pytest.fixture
def admin(srv):
    return srv.admin("A")


def problem(r, status, type_slug=None):
    """asserts that r is a problem+json response with this status (and type)"""
    assert r.status_code == status, "%s %s" % (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/problem+json"), r.headers
    body = r.json()
    assert body["status"] == status and body["detail"], body
    if type_slug:
        assert body["type"] == "/problems/" + type_slug, body
    return body


def new_member(srv, admin):
    """a new member of admin's account and a client signed in as them"""
    u, _ = srv.make_user(admin, "member")
    return u, srv.login_as(u)


def audit_items(admin, action, target):
    """the audit log's entries for one action on one target, newest first"""
    r = admin.get("/api/v1/audit", params={"action": action, "target": target})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def walk_pages(client, path, params, most=1000):
    """every item of a cursor-paged list, following next_cursor (at most
    `most` pages, so a cursor that never ends fails instead of hanging)"""
    items, cursor = [], None
    for _ in range(most):
        page = client.get(path, params=dict(params, **({"cursor": cursor} if cursor else {})))
        assert page.status_code == 200, page.text
        page = page.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("%s: still a next_cursor after %d pages" % (path, most))


# --- more servers (outbox tests): a server of its own, and a second node ---

PSQL = "/usr/lib/postgresql/15/bin/psql"


def psql(url, sql):
    out = subprocess.run([PSQL, url, "-qAtX", "-F", "\t", "-c", sql], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return [line.split("\t") for line in out.stdout.splitlines() if line]


class OwnServer(Server):
    """A server with a database of its own (a new database in the test cluster
    on PostgreSQL), so that its outbox worker and the suite's never take each
    other's mail. stop_sink()/start_sink() take its SMTP sink down and up."""

    def __init__(self, tmp):
        super().__init__(tmp)
        self.own_db = None
        if DB != "sqlite":
            import re
            name = "convene_%s" % secrets.token_hex(5)
            psql(DB, "CREATE DATABASE %s" % name)
            self.own_db = re.sub(r"^(postgres(?:ql)?://[^/?]*/)[^?]*", lambda m: m.group(1) + name, DB)

    def db_args(self):
        return ["--db", self.own_db] if self.own_db else []

    def db_url(self):
        return self.own_db

    def stop_sink(self):
        if self.sink:
            self.sink.terminate()
            self.sink.wait(timeout=10)
            self.sink = None

    def start_sink(self):
        self.sink = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(ROOT, "scripts", "smtp_sink.py"),
             str(self.smtp_port), self.mail_dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.smtp_port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("the SMTP sink did not start")

    def drop(self):
        """removes the database (after stop(), and after every node on it stopped)"""
        if self.own_db:
            psql(DB, "DROP DATABASE IF EXISTS %s" % self.own_db.split("/")[3].split("?")[0])


class Node(OwnServer):
    """A second convene process on the database of `of` (another node of the
    same installation), with its own port and its own SMTP sink (none, and no
    mail server configured, with smtp=False)."""

    def __init__(self, of, tmp, smtp=True):
        Server.__init__(self, tmp)
        self.data, self.own_db, self.accounts = of.data, of.own_db, of.accounts
        self.smtp = smtp
        self.zoom = of.zoom

    def add_account(self, key, name):
        pass  # the accounts are those of `of`

    def drop(self):
        pass
