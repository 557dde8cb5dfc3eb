"""What the calendar sync tests (test_sync_*.py) share: the fakes' client
modules loaded by path (tests/api/conftest.py already imports Zoom's as
`client`, so each fake's client.py cannot be imported by that name too), and
a convene server of the test module's own, started with settings in its
environment that point it at a fake and shorten the sync workers' waits."""
import importlib.util
import os
import shutil
import tempfile

from conftest import OwnServer

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
