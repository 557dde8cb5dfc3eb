"""What every fake's Python helper (tests/fakes/*/client.py) does alike: start
the fake's script as its own process on a free loopback port (its first line
says "listening 127.0.0.1:PORT"), stop it, and call its control API
(/_fake/...). A helper subclasses FakeProcess and adds its own calls."""
import os
import subprocess
import sys

import requests

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


class FakeProcess:
    """A running fake; use as a context manager or call stop(). self.base is
    http://HOST:PORT, where the control API lives."""

    def __init__(self, name, script, args, verbose=False):
        self.name = name
        argv = [PYTHON, script, "--port", "0"] + list(args) + (["--verbose"] if verbose else [])
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=None, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening "):
            self.proc.kill()
            raise RuntimeError("%s did not start: %r" % (name, line))
        self.hostport = line.split(" ", 1)[1]
        self.base = "http://" + self.hostport
        self.http = requests.Session()

    # ---- lifecycle ----
    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ---- control API ----
    def ctl(self, method, path, body=None, **params):
        r = self.http.request(method, self.base + "/_fake/" + path.lstrip("/"),
                              json=body, params=params or None, timeout=30)
        if r.status_code != 200:
            raise RuntimeError("%s %s %s: %s %s" % (self.name, method, path, r.status_code, r.text))
        return r.json()
