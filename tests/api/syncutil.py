"""What the calendar sync tests (test_sync_*.py) share: the fakes' client
modules loaded by path (tests/api/conftest.py already imports Zoom's as
`client`, so each fake's client.py cannot be imported by that name too), and
a convene server of the test module's own, started with settings in its
environment that point it at a fake and shorten the sync workers' waits; a
new account's administrator, the connection entry of a provider, a time a
few minutes away and a wait for a condition."""
import datetime
import importlib.util
import os
import shutil
import tempfile
import time

from conftest import OwnServer, uniq

HERE = os.path.dirname(os.path.abspath(__file__))
_clients = {}


def fake_client(fake):
    """tests/fakes/<fake>/client.py (google, graph, ews) as a module, loaded once"""
    if fake not in _clients:
        spec = importlib.util.spec_from_file_location(
            "fake_%s_client" % fake, os.path.join(HERE, "..", "fakes", fake, "client.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _clients[fake] = mod
    return _clients[fake]


def serve(prefix, env):
    """a module fixture's body (`yield from serve(...)`): a server of its own
    in a new data directory, started with env added to the environment (the
    environment as it was once it has started), stopped at the end with no
    problem in its log; the directory is kept when KEEP_LOG is set"""
    tmp = tempfile.mkdtemp(prefix=prefix)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    srv = OwnServer(tmp)
    try:
        srv.start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    yield srv
    problems, log = srv.stop()
    srv.drop()
    assert not problems, log[-5000:]
    if not os.environ.get("KEEP_LOG"):
        shutil.rmtree(tmp, ignore_errors=True)


BASE = "/api/v1/calendar-integrations"


def fresh(s):
    """the signed-in administrator of a new account of its own"""
    key = uniq("acct")
    s.add_account(key, "Account " + key)
    admin = s.admin(key)
    admin.account_id = s.accounts[key]["id"]
    return admin


def entry(admin, provider):
    """the account's calendar integration entry of provider"""
    r = admin.get(BASE)
    assert r.status_code == 200, r.text
    return [i for i in r.json()["items"] if i["provider"] == provider][0]


def at(minutes):
    """RFC 3339 UTC, minutes from now, to the minute"""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)
    return t.replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def wait(cond, timeout=15, what="the condition"):
    """cond()'s first true value within timeout seconds"""
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("%s did not hold within %s s" % (what, timeout))
