"""What every fake's server (tests/fakes/*/fake_*.py) does alike: a threaded
HTTP/1.1 server on a free loopback port that prints "listening HOST:PORT" and
stops on SIGTERM, and a request handler that sends answers, reads a bounded
body once, and hands each method to the fake's own route(). Each fake keeps its
own routes, errors and state; this is only the plumbing they shared."""
import argparse
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeHandler(BaseHTTPRequestHandler):
    """Subclass and set name, server_version, max_body; define route(method)
    and too_large() (the exception a fake raises for a body above max_body)."""
    protocol_version = "HTTP/1.1"
    server_version = "Fake/1.0"
    name = "fake"
    max_body = 1 << 20
    # an empty answer with one of these statuses goes without Content-Type
    # (None: every empty answer does)
    bare_statuses = (204, 304)
    json_ctype = "application/json; charset=UTF-8"  # the default Content-Type of send()
    state = None  # set by serve()
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("%s: %s\n" % (self.name, fmt % args))

    def extra_headers(self):
        """Headers every answer of this fake carries (Graph's request-id)."""
        return {}

    def send(self, status, body=b"", ctype=None, headers=None):
        ctype = ctype or self.json_ctype
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        if body or (self.bare_statuses is not None and status not in self.bare_statuses):
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in self.extra_headers().items():
            self.send_header(k, str(v))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def too_large(self):
        return ValueError("request body too large")

    def read_body(self):
        """The request body, read once (so that a keep-alive connection stays in step)."""
        if getattr(self, "_raw", None) is not None:
            return self._raw
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = 0
        if n > self.max_body:
            self.close_connection = True
            raise self.too_large()
        self._raw = self.rfile.read(n) if n > 0 else b""
        return self._raw

    def route(self, method):
        self.send(404, {"error": "not found"})

    def do_GET(self):
        self._raw = None
        self.route("GET")

    def do_POST(self):
        self._raw = None
        self.route("POST")

    def do_PATCH(self):
        self._raw = None
        self.route("PATCH")

    def do_PUT(self):
        self._raw = None
        self.route("PUT")

    def do_DELETE(self):
        self._raw = None
        self.route("DELETE")


def arg_parser(doc):
    """The command line every fake takes (--host, --port, --verbose); add your own."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--verbose", action="store_true")
    return ap


def serve(ap, argv, handler, make_state, on_start=None):
    """Parse the command line, serve `handler` on loopback with
    handler.state = make_state(opts) (opts.base is http://HOST:PORT), call
    on_start(state) (the fake's own threads), print "listening HOST:PORT" and
    serve until SIGTERM or SIGINT. Returns the exit status."""
    opts = ap.parse_args(argv)
    if opts.host not in ("127.0.0.1", "localhost", "::1"):
        ap.error("the fake serves on loopback only")
    server = ThreadingHTTPServer((opts.host, opts.port), handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    opts.base = "http://%s:%d" % (host, port)
    handler.state = make_state(opts)
    handler.verbose = opts.verbose
    if on_start:
        on_start(handler.state)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("listening %s:%d" % (host, port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0
