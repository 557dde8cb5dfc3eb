"""docs/openapi.yaml documents every route of the route table (`convene
routes`) and nothing that does not exist (WebDAV methods under
x-additionalOperations); each operation has a summary, a unique
operationId and responses, declares its path parameters, and every $ref
resolves; two validators (swagger-parser, redocly) find nothing. Needs no
server."""
import os
import subprocess

import yaml

from apimap import OPENAPI, PARAM, norm, openapi, resolve, routes
from conftest import ROOT

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


# WebDAV methods (PROPFIND, REPORT, ...) that OpenAPI 3.1 cannot name are
# documented under this key of a path item, as OpenAPI 3.2's
# `additionalOperations` does (method name -> operation)
EXTRA = "x-additionalOperations"
# the CalDAV routes answer preconditions as DAV:error XML (RFC 4918 section 16)
XML_ERRORS = ("/dav/", "/.well-known/caldav")
# where a browser lands (OAuth redirection endpoints): errors are an HTML page for a person
HTML_ERRORS = ("/oauth/zoom/callback",)


def documented():
    """{(METHOD, normalised path): (path, operation)}"""
    out = {}
    for path, item in (openapi().get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for m in METHODS:
            if m in item:
                out[(m.upper(), norm(path))] = (path, item[m])
        for m, op in (item.get(EXTRA) or {}).items():
            assert m == m.upper() and m.lower() not in METHODS, "%s %s: %s names %s" % (path, EXTRA, EXTRA, m)
            out[(m, norm(path))] = (path, op)
    return out


def test_the_file_is_openapi_3_1():
    doc = openapi()
    assert str(doc.get("openapi", "")).startswith("3.1"), doc.get("openapi")
    assert doc.get("info", {}).get("title") and doc["info"].get("version")
    schemes = doc["components"]["securitySchemes"]
    assert {"cookie", "csrf", "bearer"} <= set(schemes), schemes
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "field"} <= set(problem["properties"])


def test_every_route_is_documented():
    docs = documented()
    missing = [rt.key for rt in routes() if (rt.method, norm(rt.pattern)) not in docs]
    assert not missing, "routes missing from docs/openapi.yaml:\n  " + "\n  ".join(missing)


def test_nothing_documented_that_does_not_exist():
    real = {(rt.method, norm(rt.pattern)) for rt in routes()}
    # HEAD is served for every GET route by the server itself
    real |= {("HEAD", p) for m, p in real if m == "GET"}
    extra = ["%s %s" % (m, path) for (m, n), (path, _) in documented().items() if (m, n) not in real]
    assert not extra, "docs/openapi.yaml documents routes that do not exist:\n  " + "\n  ".join(extra)


def test_every_operation_has_a_summary_and_responses():
    bad = []
    for (m, _), (path, op) in documented().items():
        if not isinstance(op, dict) or not op.get("summary") or not op.get("responses"):
            bad.append("%s %s" % (m, path))
    assert not bad, "operations without summary or responses:\n  " + "\n  ".join(bad)


def test_path_parameters_are_declared():
    bad = []
    for path, item in (openapi().get("paths") or {}).items():
        names = [p[1:-1] for p in PARAM.findall(path)]
        common = [resolve(p) for p in item.get("parameters", [])]
        ops = {m: item[m] for m in METHODS if m in item}
        ops.update(item.get(EXTRA) or {})
        for m, op in ops.items():
            params = common + [resolve(p) for p in op.get("parameters", [])]
            declared = {p.get("name") for p in params if p.get("in") == "path"}
            for n in names:
                if n not in declared:
                    bad.append("%s %s: {%s}" % (m.upper(), path, n))
    assert not bad, "path parameters not declared:\n  " + "\n  ".join(bad)


def test_error_responses_are_problems():
    """every documented 4xx/5xx response of the API offers application/problem+json"""
    bad = []
    for (m, _), (path, op) in documented().items():
        for status, resp in (resolve(op).get("responses") or {}).items():
            content = resp.get("content") or {}
            if str(status)[0] in "45" and "application/problem+json" not in content and not (
                    path.startswith(XML_ERRORS) and "application/xml" in content) and not (
                    path in HTML_ERRORS and "text/html" in content):
                bad.append("%s %s %s" % (m, path, status))
    assert not bad, "error responses without application/problem+json:\n  " + "\n  ".join(bad)


def test_every_ref_resolves():
    resolve(openapi())  # raises naming the first $ref that does not resolve


def test_every_operation_has_a_unique_operation_id():
    seen, bad = {}, []
    for (m, _), (path, op) in documented().items():
        oid = op.get("operationId") if isinstance(op, dict) else None
        if not oid or not oid[0].islower() or not oid.isalnum():
            bad.append("%s %s: operationId %r is not camelCase" % (m, path, oid))
        elif oid in seen:
            bad.append("%s %s: operationId %s is also %s's" % (m, path, oid, seen[oid]))
        else:
            seen[oid] = "%s %s" % (m, path)
    assert not bad, "\n  ".join(["bad operationIds:"] + bad)


def test_no_flow_mapping_value_is_cut_at_a_comma():
    """`{description: A, b}` is a description "A" and a key "b" with no value:
    YAML ends a plain scalar at ", " inside braces. Any such null key is a
    text that needed quotes."""
    cut = []

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        if node.flow_style:
            for k, v in node.value:
                if isinstance(v, yaml.ScalarNode) and v.tag.endswith(":null") and v.value == "":
                    cut.append("line %d: %r" % (k.start_mark.line + 1, k.value))
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    with open(OPENAPI, encoding="utf-8") as f:
        yaml.load(f, Loader=Loader)
    assert not cut, "texts cut short at a comma (quote them):\n  " + "\n  ".join(cut)


def test_swagger_parser_and_redocly_find_nothing():
    """tests/tools/openapi-check.mjs: swagger-parser's validation and redocly
    lint's recommended rules (exceptions, each with its reason, in
    tests/tools/redocly.yaml and .redocly.lint-ignore.yaml): no error, no
    warning. The tools come from scripts/deps.sh (npm ci in tests/tools)."""
    tools = os.path.join(ROOT, "tests", "tools")
    assert os.path.isdir(os.path.join(tools, "node_modules", "@redocly", "cli")), \
        "tests/tools/node_modules is missing: run scripts/deps.sh"
    r = subprocess.run(["node", os.path.join(tools, "openapi-check.mjs"), OPENAPI],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
