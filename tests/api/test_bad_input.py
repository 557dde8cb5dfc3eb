"""Bad input never crashes, never answers 500 and never writes anything.

The routes come from `convene routes` and their bodies from the requestBody
schemas of docs/openapi.yaml, so a route added later is covered as soon as
it is documented (tests/api/test_openapi.py makes sure it is). Every route
that takes a JSON body gets: malformed JSON, a non-object, wrong types for
each declared field, an unknown field, invalid UTF-8, a NUL escape, overlong
strings, duplicate keys, an empty body, deep nesting, a body over 1 MiB
(413) and a wrong Content-Type (415); each answer must be a 4xx
application/problem+json with a detail, and no table may gain or lose a row.
Odd paths, made-up methods and bad query parameters are checked on every
route too. The requests run as the administrator of an account of their
own, so that a request that slipped through could harm no other test."""
import json
import socket

import pytest

from apimap import (PARAM, body_schema, counts_diff, db_counts, example_body, fill_ids, flatten,
                    operation, resolve, routes)
from conftest import uniq
from sse import hang_up

FAKE_ID = "zzz_00000000000000000000"
# routes whose caller proves itself by a signature over the raw body (Zoom's
# webhooks): an unsigned body is refused (401) before a byte of it is parsed,
# whatever it holds, or is too large (413); signed bad bodies are sent by
# tests/api/test_zoom_webhooks.py
SIGNED = ("POST /webhooks/zoom",)
# routes a browser lands on from another site (Zoom's OAuth redirect): their
# refusals are HTML pages the person can read, as test_openapi.py allows
HTML_ERRORS = ("/oauth/zoom/callback",)
BODY_ROUTES = [rt for rt in routes() if body_schema(rt) is not None]
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def acct(srv):
    """the signed-in administrator of account "BadInput", with a company and a
    member to aim {id} parameters at"""
    if "BadInput" not in srv.accounts:
        srv.add_account("BadInput", "Bad input")
    admin = srv.admin("BadInput")
    r = admin.post("/api/v1/companies", json={"name": uniq("Target company ")})
    assert r.status_code == 201, r.text
    srv.make_user(admin, "member", company_ids=[r.json()["id"]])
    admin.me = admin.get("/api/v1/me").json()["user"]["id"]
    admin.ids_cache = {}
    return admin


def check(r, expect, what, html=False):
    """'' when r is the expected problem (an HTML page when html), else what went wrong"""
    ctype = r.headers.get("Content-Type", "")
    if r.status_code >= 500:
        return "%s: %d (a server error): %s" % (what, r.status_code, r.text[:300])
    if r.status_code not in expect:
        return "%s: %d, expected %s: %s" % (what, r.status_code, "/".join(map(str, expect)), r.text[:300])
    if html:
        return "" if ctype.startswith("text/html") and r.text.strip() else \
            "%s: %d with Content-Type %r, not an HTML page" % (what, r.status_code, ctype)
    if not ctype.startswith("application/problem+json"):
        return "%s: %d with Content-Type %r, not application/problem+json" % (what, r.status_code, ctype)
    try:
        body = r.json()
    except ValueError:
        return "%s: the problem is not JSON: %r" % (what, r.text[:200])
    if body.get("status") != r.status_code or not body.get("detail") or not str(body.get("type", "")).startswith("/problems/"):
        return "%s: incomplete problem %s" % (what, body)
    return ""


def wrong_values(schema):
    """values of the wrong type for a property of this schema"""
    schema = flatten(resolve(schema or {}))
    t = schema.get("type")
    types = set(t if isinstance(t, list) else [t] if t else [])
    out = []
    if "string" in types:
        out += [12345, True, [], {"a": "b"}]
        if schema.get("enum"):
            out.append("not-one-of-the-allowed-values")
    if "boolean" in types:
        out += ["true", 1]
    if "integer" in types:
        out += ["1", 1.5, True]
    elif "number" in types:
        out += ["1", True]
    if "array" in types:
        out += ["x", {"a": 1}]
        items = flatten(resolve(schema.get("items") or {}))
        if items.get("type") == "string":
            out.append([123])
    if "object" in types:
        out += ["x", []]
    if "null" not in types and types:
        out.append(None)
    return out


def cases(schema):
    """(what, body bytes, extra headers, expected statuses)"""
    props = schema.get("properties") or {}
    base = example_body(schema, uniq())
    enc = lambda o: json.dumps(o).encode()
    bad = (400, 422)
    yield "malformed JSON", b'{"a": ', {}, (400,)
    yield "trailing garbage", enc(base) + b" }", {}, (400,)
    yield "an array instead of an object", enc([base]), {}, (400,)
    yield "a string instead of an object", b'"text"', {}, (400,)
    yield "null instead of an object", b"null", {}, (400,)
    yield "an empty body", b"", {}, (400, 422)
    yield "only whitespace", b"  \n ", {}, (400,)
    key = next(iter(props), "a")
    yield "duplicate keys", b'{"%s": "a", "%s": "b"}' % (key.encode(), key.encode()), {}, (400,)
    yield "an unknown field", enc(dict(base, no_such_field_xyz=1)), {}, (422,)
    yield "invalid UTF-8 in a value", b'{"%s": "\xff\xfe\xfd"}' % key.encode(), {}, (400,)
    yield "invalid UTF-8 in a key", b'{"\xc3\x28": 1}', {}, (400,)
    yield "a lone surrogate escape", b'{"%s": "\\ud800"}' % key.encode(), {}, (400,)
    yield "a NUL escape", b'{"%s": "a\\u0000b"}' % key.encode(), {}, (400,)
    yield "deep nesting", b"[" * 100000 + b"]" * 100000, {}, (400,)
    yield "an integer too big", b'{"%s": 1%s}' % (key.encode(), b"0" * 400), {}, (400,)
    yield "a number too big", b'{"%s": 1e400}' % key.encode(), {}, (400,)
    for name, ps in props.items():
        for v in wrong_values(ps):
            yield "field %r = %s" % (name, json.dumps(v)[:40]), enc(dict(base, **{name: v})), {}, bad
        if "string" in str(flatten(resolve(ps)).get("type")):
            yield "field %r 100 KB long" % name, enc(dict(base, **{name: "x" * 100000})), {}, (422,)
    yield "Content-Type text/plain", enc(base), {"Content-Type": "text/plain"}, (415,)
    yield "Content-Type form", b"a=b", {"Content-Type": "application/x-www-form-urlencoded"}, (415,)
    yield "Content-Type json-patch", enc(base), {"Content-Type": "application/json-patch+json"}, (415,)


@pytest.mark.parametrize("rt", BODY_ROUTES, ids=lambda rt: rt.key)
def test_bad_bodies_are_refused_and_write_nothing(srv, acct, rt):
    schema = body_schema(rt)
    ids = fill_ids(acct, rt, acct.me, acct.ids_cache)
    path = rt.fill(**ids)
    unresolved = FAKE_ID in ids.values()
    failures = []
    before = db_counts(srv)
    for what, body, headers, expect in cases(schema):
        if unresolved:  # nothing to aim at: the route may refuse the id first
            expect = tuple(expect) + (404,)
        if rt.key in SIGNED:
            expect = (401, 413)
        h = {"Content-Type": "application/json"}
        h.update(headers)
        r = acct.request(rt.method, path, data=body, headers=h)
        msg = check(r, expect, what)
        if msg:
            failures.append(msg)
        elif r.status_code == 422 and what.startswith("field "):
            field = what.split("'")[1]
            got = r.json().get("field")
            if got not in (None, field):
                failures.append("%s: the problem names field %r" % (what, got))
        elif what == "an unknown field" and r.status_code == 422:
            if r.json().get("field") != "no_such_field_xyz":
                failures.append("%s: the problem does not name it: %s" % (what, r.text[:200]))
    # over the limit, sent chunked so that the server reads (and drops) it all
    def chunks():
        yield b'{"%s": "' % (next(iter(schema.get("properties") or {"a": 0})).encode())
        for _ in range(17):
            yield b"x" * 65536
        yield b'"}'
    r = acct.request(rt.method, path, data=chunks(), headers={"Content-Type": "application/json"})
    msg = check(r, (413,), "a body over 1 MiB")
    if msg:
        failures.append(msg)
    after = db_counts(srv)
    diff = counts_diff(before, after)
    assert not failures and not diff, "%s %s:\n  %s%s" % (
        rt.method, path, "\n  ".join(failures), "\n  rows changed: %s" % diff if diff else "")
    assert srv.client().get("/healthz").status_code == 200


def test_routes_with_json_bodies_were_found():
    assert any(rt.key == "POST /api/v1/users" for rt in BODY_ROUTES)
    assert any(rt.key == "POST /api/v1/session" for rt in BODY_ROUTES)


def test_declared_body_over_1_mib_is_refused_without_reading_it(srv, acct):
    for rt in BODY_ROUTES:
        path = rt.fill(**fill_ids(acct, rt, acct.me, acct.ids_cache))
        head = ("%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                "X-CSRF-Token: %s\r\nCookie: %s\r\n\r\n" % (
                    rt.method, path, MIB + 1, acct.csrf,
                    "; ".join("%s=%s" % (k, v) for k, v in acct.s.cookies.items()))).encode()
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
            s.sendall(head)
            answer = s.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413 "), (rt.key, answer[:200])
        assert b"application/problem+json" in answer and b"/problems/too-large" in answer


# ------------------------------------------------------------------ paths and methods
ODD_PATHS = [
    "/api/v1/users/../../etc/passwd",
    "/api/v1/users/..%2f..%2fetc%2fpasswd",
    "/api/v1/users/%00",
    "/api/v1/users%00/whatever",
    "/api/v1/users/%ff%fe%fd",
    "/api/v1/users/%",
    "/api/v1/users/%zz",
    "/api/v1//users",
    "/api/v1/users/" + "a" * 6000,
    "/api/v1/" + "/".join(["x"] * 1500),
    "/api/v1/users/usr_%s" % ("A" * 20),
    "/api/v1/users/" + "%F0%9F%98%80" * 10,
]


@pytest.mark.parametrize("path", ODD_PATHS, ids=lambda p: p[:40])
def test_odd_paths_are_4xx_problems(srv, acct, path):
    for who in (acct, srv.client()):
        for method in ("GET", "DELETE", "PATCH"):
            r = who.request(method, path, data=b"{}", headers={"Content-Type": "application/json"})
            msg = check(r, (400, 401, 403, 404, 405, 422), "%s %s" % (method, path[:60]))
            assert not msg, msg


def test_a_very_long_path_is_refused_and_the_server_carries_on(srv):
    # beyond libmicrohttpd's per-connection memory the request line itself is refused
    # (414, by libmicrohttpd, not a problem document); the server keeps answering
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(b"GET /api/v1/users/" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = s.recv(4096)
    assert answer[:12] in (b"HTTP/1.1 414", b"HTTP/1.1 431", b"HTTP/1.1 400"), answer[:100]
    assert srv.client().get("/healthz").status_code == 200


def expected_allow(path):
    """the methods of every route whose pattern matches path, plus HEAD with GET"""
    import re
    methods = set()
    for rt in routes():
        if re.fullmatch(PARAM.sub("[^/]+", rt.pattern), path):
            methods.add(rt.method)
    if "GET" in methods:
        methods.add("HEAD")
    return methods


PATTERNS = sorted({rt.pattern for rt in routes()})


@pytest.mark.parametrize("pattern", PATTERNS)
def test_made_up_methods_are_405_with_allow(srv, acct, pattern):
    path = PARAM.sub(FAKE_ID, pattern)
    for method in ("BREW", "TRACE", "CONNECT-ISH"):
        for who in (acct, srv.client()):
            r = who.request(method, path)
            msg = check(r, (405,), "%s %s" % (method, path))
            assert not msg, msg
            allow = {m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip()}
            assert allow == expected_allow(path), (method, path, allow)


# ------------------------------------------------------------------ query strings
BAD_CURSORS = ["!!!", "%00", "a" * 1000, "AAAA", "eyJpZCI6IDF9", "../../etc", "%ff%fe", "'; DROP TABLE users; --"]
BAD_LIMITS = ["-1", "0", "abc", "1e3", "99999999999999999999999", "", "1.5", "%00", "201", "0x10"]
GET_ROUTES = [rt for rt in routes() if rt.method == "GET"]


def query_params(rt):
    op = operation(rt) or {}
    return {p["name"]: p for p in (op.get("parameters") or []) if p.get("in") == "query"}


def bad_query_values(p):
    """(value, must be refused) for a documented query parameter"""
    schema = flatten(resolve(p.get("schema") or {}))
    t = schema.get("type")
    out = []
    if schema.get("enum"):
        out.append(("not-a-documented-value", True))
    if t == "integer":
        lo, hi = schema.get("minimum"), schema.get("maximum")
        out += [("abc", True), ("1.5", True), ("99999999999999999999999", True), ("", True)]
        if lo is not None:
            out.append((str(lo - 1), True))
        if hi is not None:
            out.append((str(hi + 1), True))
    if t == "string" and schema.get("maxLength"):
        out.append(("x" * (schema["maxLength"] + 1), True))
    out += [("%00", False), ("\u00e9\U0001F600", False)]
    return out


@pytest.mark.parametrize("rt", GET_ROUTES, ids=lambda rt: rt.key)
def test_bad_query_strings(srv, acct, rt):
    path = rt.fill(**fill_ids(acct, rt, acct.me, acct.ids_cache))
    failures = []
    before = db_counts(srv)
    tries = [({"cursor": c}, False) for c in BAD_CURSORS] + [({"limit": l}, False) for l in BAD_LIMITS]
    tries += [({"q": "x" * 5000}, False), ({"unknown_param": "1"}, False), ({"cursor": "a", "limit": "2"}, False)]
    for name, p in query_params(rt).items():
        tries += [({name: v}, must) for v, must in bad_query_values(p)]
    for params, must_refuse in tries:
        r = acct.get(path, params=params, stream=True, timeout=15)
        what = "%s?%s" % (path, "&".join("%s=%s" % (k, str(v)[:30]) for k, v in params.items()))
        if r.status_code == 200 and not must_refuse:
            hang_up(r)  # event streams never end by themselves
            continue
        html = rt.key.split(" ", 1)[1] in HTML_ERRORS
        msg = check(r, (400, 403, 404, 409, 422) if html else (400, 404, 422), what, html=html)
        r.close()
        if msg:
            failures.append(msg)
    diff = counts_diff(before, db_counts(srv))
    assert not failures and not diff, "\n".join(failures) + ("\nrows changed: %s" % diff if diff else "")


# ------------------------------------------------------------------ raw uploads (support chat files)
def test_bad_file_uploads_are_refused_and_write_nothing(srv, acct):
    """the support file uploads take a raw body, not JSON: no name, a type
    off the list or one that lies about the content, an empty body, and a
    body over their 10 MiB limit (declared or chunked) are refused as
    problems, with nothing written"""
    from supportutil import ask, make_portal
    portal = make_portal(srv, acct, key="BadInput")
    s = ask(srv.client(), portal["slug"])
    targets = [("/api/v1/public/portals/%s/sessions/%s/files" % (portal["slug"], s["id"]), srv.client(),
                {"X-Session-Token": s["token"]}),
               ("/api/v1/support/sessions/%s/files" % s["id"], acct, {})]
    png = b"\x89PNG\r\n\x1a\n" + bytes(16)
    cases_ = [
        ("no name", {}, png, "image/png", (422,)),
        ("an empty name", {"name": ""}, png, "image/png", (422,)),
        ("no Content-Type", {"name": "a.png"}, png, None, (415,)),
        ("a Content-Type that is no type", {"name": "a.png"}, png, "x", (415,)),
        ("HTML", {"name": "a.html"}, b"<html></html>", "text/html", (415,)),
        ("JSON", {"name": "a.json"}, b"{}", "application/json", (415,)),
        ("text called a PNG", {"name": "a.png"}, b"just text", "image/png", (415,)),
        ("a PNG called text", {"name": "a.txt"}, png, "text/plain", (415,)),
        ("an empty file", {"name": "a.txt"}, b"", "text/plain", (422,)),
    ]
    failures = []
    before = db_counts(srv)
    for path, client, auth in targets:
        for what, params, data, ctype, expect in cases_:
            h = dict(auth)
            if ctype:
                h["Content-Type"] = ctype
            msg = check(client.post(path, params=params, data=data, headers=h), expect, "%s: %s" % (path, what))
            if msg:
                failures.append(msg)

        def chunks():
            for _ in range(161):
                yield b"x" * 65536
        h = dict(auth, **{"Content-Type": "text/plain"})
        msg = check(client.post(path, params={"name": "big.txt"}, data=chunks(), headers=h), (413,),
                    "%s: a body over 10 MiB" % path)
        if msg:
            failures.append(msg)
    # declared too large: refused before a byte is read
    head = ("POST %s?name=a.txt HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
            "X-Session-Token: %s\r\n\r\n" % (targets[0][0], 10 * MIB + 1, s["token"])).encode()
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
        sock.sendall(head)
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"/problems/too-large" in answer, answer[:200]
    diff = counts_diff(before, db_counts(srv))
    assert not failures and not diff, "\n  ".join(failures) + ("\n  rows changed: %s" % diff if diff else "")
