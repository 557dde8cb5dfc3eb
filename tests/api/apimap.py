"""The map of the API that the cross-cutting tests share: the routes that
really exist (from `convene routes`), docs/openapi.yaml with its $refs
resolved, and how to fill a route pattern with ids. Route patterns and
OpenAPI paths are compared with every {name} replaced by {}, so parameter
names may differ between the two."""
import functools
import os
import re
import subprocess

import yaml

from conftest import BIN, ROOT

OPENAPI = os.path.join(ROOT, "docs", "openapi.yaml")
PARAM = re.compile(r"\{[^}/]*\}")


class Route:
    def __init__(self, method, pattern, flags):
        self.method = method
        self.pattern = pattern
        self.flags = set() if flags == "-" else set(flags.split(","))

    @property
    def key(self):
        return "%s %s" % (self.method, self.pattern)

    @property
    def public(self):
        return "public" in self.flags

    @property
    def params(self):
        return [p[1:-1] for p in PARAM.findall(self.pattern)]

    def fill(self, **ids):
        """the pattern with {name} replaced by ids[name] (or ids['*'])"""
        def sub(m):
            name = m.group(0)[1:-1]
            return ids.get(name, ids.get("*", "x"))
        return PARAM.sub(sub, self.pattern)

    def __repr__(self):
        return self.key


def norm(path):
    return PARAM.sub("{}", path)


@functools.lru_cache(maxsize=None)
def routes():
    out = subprocess.run([BIN, "routes"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, "convene routes failed: %s" % out.stderr
    rows = []
    for line in out.stdout.splitlines():
        method, pattern, flags = line.split(" ")
        rows.append(Route(method, pattern, flags))
    assert rows, "convene routes printed nothing"
    return tuple(rows)


@functools.lru_cache(maxsize=None)
def openapi():
    with open(OPENAPI) as f:
        return yaml.safe_load(f)


def resolve(node, doc=None, depth=0):
    """node with every $ref replaced by its target, recursively"""
    doc = doc or openapi()
    if depth > 40:
        raise AssertionError("$ref nesting too deep (a cycle?)")
    if isinstance(node, dict):
        if "$ref" in node:
            target = lookup(doc, node["$ref"])
            merged = dict(resolve(target, doc, depth + 1))
            merged.update({k: v for k, v in node.items() if k != "$ref"})
            return resolve(merged, doc, depth + 1)
        return {k: resolve(v, doc, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, doc, depth + 1) for v in node]
    return node


def lookup(doc, ref):
    assert ref.startswith("#/"), "only local $refs are supported: %s" % ref
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, "unresolvable $ref %s" % ref
        node = node[part]
    return node


def operation(route):
    """the resolved OpenAPI operation documenting route, or None"""
    for path, item in (openapi().get("paths") or {}).items():
        if norm(path) == norm(route.pattern) and isinstance(item, dict):
            op = item.get(route.method.lower())
            return resolve(op) if op is not None else None
    return None


def body_schema(route):
    """the resolved JSON schema of route's request body, or None when it takes none"""
    op = operation(route)
    if not op or "requestBody" not in op:
        return None
    content = op["requestBody"].get("content") or {}
    media = content.get("application/json")
    if media is None:
        return None
    return flatten(media.get("schema") or {})


def flatten(schema):
    """merges allOf parts into one object schema (properties, required)"""
    if "allOf" not in schema:
        return schema
    out = {k: v for k, v in schema.items() if k != "allOf"}
    props, required = dict(out.get("properties") or {}), list(out.get("required") or [])
    for part in schema["allOf"]:
        part = flatten(part)
        props.update(part.get("properties") or {})
        required += part.get("required") or []
        for k, v in part.items():
            if k not in ("properties", "required"):
                out.setdefault(k, v)
    out["properties"], out["required"] = props, required
    return out
