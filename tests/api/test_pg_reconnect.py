"""PostgreSQL restarts while a node serves: every HTTP thread and the outbox
worker replace their dropped connections by themselves, /readyz says 503
while the database is away and 200 once it is back, and no request keeps
failing afterwards (PostgreSQL only: it restarts the suite's test cluster,
which every other test file finds running again when this one is done)."""
import concurrent.futures
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import DB, ROOT, OwnServer

pytestmark = pytest.mark.skipif(DB == "sqlite", reason="restarts the PostgreSQL test cluster")

BURST = 16  # concurrent keep-alive clients: more than the HTTP threads, so each thread has a connection


def cluster(cmd, *args):
    """scripts/pg-test.sh CMD on the cluster of CONVENE_TEST_DB (its socket dir is the cluster dir)"""
    d = re.search(r"[?&]host=([^&]+)", DB).group(1)
    subprocess.run([os.path.join(ROOT, "scripts", "pg-test.sh"), cmd, d, *args], check=True, timeout=120)


def burst(clients):
    """GET /api/v1/me on every client at once; their statuses"""
    with concurrent.futures.ThreadPoolExecutor(len(clients)) as ex:
        return list(ex.map(lambda c: c.get("/api/v1/me").status_code, clients))


def readyz(url):
    try:
        return requests.get(url + "/readyz", timeout=5).status_code
    except requests.RequestException:
        return None


def wait_ready(url, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if readyz(url) == 200:
            return
        time.sleep(0.2)
    raise AssertionError("%s/readyz not 200 within %s s of PostgreSQL's return" % (url, timeout))


def all_work(s, admin, clients):
    """no thread is left with a broken connection: fresh connections (spread
    over the threads), the clients' kept-alive ones, and a write"""
    for i in range(20):
        r = admin.get("/api/v1/me", headers={"Connection": "close"})
        assert r.status_code == 200, (i, r.status_code, r.text)
    assert burst(clients) == [200] * len(clients)
    s.make_user(admin, "member")


def test_a_node_recovers_when_postgresql_restarts(srv):
    s = OwnServer(tempfile.mkdtemp(prefix="convene-pg-reconnect-"))
    down = False
    try:
        s.start()
        admin = s.admin("A")
        clients = [s.admin("A") for _ in range(BURST)]
        shared = [srv.admin("A") for _ in range(4)]  # the suite's session-wide server
        assert burst(clients) == [200] * BURST  # every thread has its connection now
        assert burst(shared) == [200] * len(shared)

        # a restart between two requests: the dropped connections are noticed
        # and replaced before the next transaction, so even the first requests succeed
        for mode in ("fast", "immediate"):
            cluster("restart", mode)
            assert burst(clients) == [200] * BURST, mode
            assert readyz(s.url) == 200, mode
            all_work(s, admin, clients)

        # an outage: not ready while PostgreSQL is away, ready again without a restart of the node
        cluster("down")
        down = True
        assert readyz(s.url) == 503
        assert readyz(srv.url) == 503
        cluster("up")
        down = False
        wait_ready(s.url)
        all_work(s, admin, clients)

        # the outbox worker lost its connection too, and delivers again
        user, _ = s.make_user(admin, "member")
        r = s.client().post("/api/v1/password-reset", json={"email": user["email"]})
        assert r.status_code == 202, r.text
        s.wait_mail(user["email"], timeout=20)

        # and so does the shared server the other test files use
        wait_ready(srv.url)
        assert burst(shared) == [200] * len(shared)
        srv.make_user(shared[0], "member")
    finally:
        if down:
            cluster("up")
        problems, log = s.stop() if s.proc else ([], "")
        s.drop()
        shutil.rmtree(s.tmp, ignore_errors=True)
    assert not problems, problems
    assert "PostgreSQL connection lost and replaced" in log
    assert "PostgreSQL connection restored" in log  # after the outage
