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


# ------------------------------------------------------------------ database
def db_counts(srv):
    """{table: row count} for every table of the test database, read beside the
    running server (SQLite read-only, PostgreSQL through psql): proof that a
    series of refused requests wrote nothing"""
    from conftest import DB
    if DB == "sqlite":
        return _sqlite_counts(os.path.join(srv.data, "convene.db"))
    return _pg_counts(DB)


def _sqlite_counts(path):
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=30)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute('SELECT count(*) FROM "%s"' % t).fetchone()[0] for t in tables}
    finally:
        con.close()


def _pg_counts(url):
    sql = ("SELECT string_agg(format('SELECT %L, count(*) FROM %I', table_name, table_name), ' UNION ALL ') "
           "FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
    psql = ["/usr/lib/postgresql/15/bin/psql", url, "-qAtX", "-F", "\t", "-v", "ON_ERROR_STOP=1"]
    union = subprocess.run(psql + ["-c", sql], capture_output=True, text=True, timeout=60)
    assert union.returncode == 0, union.stderr
    out = subprocess.run(psql + ["-c", union.stdout.strip()], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return {t: int(n) for t, n in (line.split("\t") for line in out.stdout.splitlines() if line)}


def counts_diff(before, after, ignore=()):
    return {t: (before.get(t), after.get(t)) for t in set(before) | set(after)
            if t not in ignore and before.get(t) != after.get(t)}


# ------------------------------------------------------------------ bodies and ids
def example_value(name, schema, uniq_tag):
    """a plausible valid value for a property (what a careful client would send)"""
    schema = flatten(schema or {})
    if "const" in schema:
        return schema["const"]
    if "example" in schema:
        return schema["example"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    t = schema.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"][0] if [x for x in t if x != "null"] else "null"
    if t == "boolean":
        return False
    if t == "integer":
        return max(int(schema.get("minimum", 1)), 1) if schema.get("maximum", 2) >= 1 else schema.get("minimum", 0)
    if t == "number":
        return schema.get("minimum", 1)
    if t == "array":
        n = schema.get("minItems", 0)
        return [example_value(name, schema.get("items") or {}, uniq_tag) for _ in range(n)]
    if t == "object":
        return example_body(schema, uniq_tag)
    # strings
    if "email" in name or schema.get("format") == "email":
        return "bad-input-%s@example.test" % uniq_tag
    if "password" in name:
        return "Pw-%s-long-enough" % uniq_tag
    n = max(schema.get("minLength", 1), 1)
    v = ("%s %s" % (name, uniq_tag))[: schema.get("maxLength", 200)]
    return v + "x" * max(0, n - len(v))


def example_body(schema, uniq_tag="t"):
    """an object with every required property filled with a plausible value"""
    schema = flatten(schema or {})
    props = schema.get("properties") or {}
    return {k: example_value(k, props.get(k, {}), uniq_tag) for k in schema.get("required") or []}


def fill_ids(client, route, me_id=None, _cache=None):
    """{param: id} for route's path parameters: each taken from the list that
    the pattern's prefix names (/api/v1/teams/{id} -> GET /api/v1/teams), an
    item other than the caller when there is a choice; an id that exists
    nowhere when the list is empty or absent"""
    cache = {} if _cache is None else _cache
    ids = {}
    pattern = route.pattern
    for m in PARAM.finditer(pattern):
        name = m.group(0)[1:-1]
        prefix = pattern[: m.start()].rstrip("/")
        list_path = PARAM.sub(lambda x: ids.get(x.group(0)[1:-1], "x"), prefix)
        if list_path not in cache:
            cache[list_path] = None
            try:
                r = client.get(list_path, timeout=30)
                items = r.json().get("items") if r.status_code == 200 else None
            except ValueError:
                items = None
            if isinstance(items, list):
                picked = [i for i in items if isinstance(i, dict) and i.get("id") and i["id"] != me_id]
                picked = picked or [i for i in items if isinstance(i, dict) and i.get("id")]
                if picked:
                    cache[list_path] = picked[-1]["id"]
        ids[name] = cache[list_path] or "zzz_00000000000000000000"
    return ids


def account_fingerprint(srv, account_id, skip=("sessions",), count_only=("outbox",)):
    """{table: (rows, digest of the account's rows)} over every table with an
    account_id column (and the accounts row itself): unchanged digests prove
    that nothing of the account was written. Sessions are skipped (signing in
    writes them); workers update the outbox, so only its rows are counted."""
    from conftest import DB
    import hashlib
    out = {}
    if DB == "sqlite":
        import sqlite3
        con = sqlite3.connect("file:%s?mode=ro" % os.path.join(srv.data, "convene.db"), uri=True, timeout=30)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            for t in tables:
                cols = [r[1] for r in con.execute('PRAGMA table_info("%s")' % t)]
                key = "account_id" if "account_id" in cols else "id" if t == "accounts" else None
                if not key or t in skip:
                    continue
                rows = sorted(repr(r) for r in con.execute('SELECT * FROM "%s" WHERE "%s" = ?' % (t, key),
                                                            (account_id,)))
                out[t] = (len(rows), "-" if t in count_only else
                          hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
        finally:
            con.close()
        return out
    psql = ["/usr/lib/postgresql/15/bin/psql", DB, "-qAtX", "-F", "\t", "-v", "ON_ERROR_STOP=1"]
    sql = ("SELECT string_agg(format('SELECT %%L, count(*), md5(coalesce(string_agg(t::text, ''|'' ORDER BY t::text), '''')) "
           "FROM %%I t WHERE %%I = %%L', table_name, table_name, "
           "CASE WHEN table_name = 'accounts' THEN 'id' ELSE 'account_id' END, '%s'), ' UNION ALL ') "
           "FROM (SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public' "
           "AND (column_name = 'account_id' OR table_name = 'accounts')) c WHERE table_name NOT IN (%s)"
           % (account_id.replace("'", ""), ",".join("'%s'" % s for s in skip) or "''"))
    union = subprocess.run(psql + ["-c", sql], capture_output=True, text=True, timeout=60)
    assert union.returncode == 0, union.stderr
    res = subprocess.run(psql + ["-c", union.stdout.strip()], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    for line in res.stdout.splitlines():
        t, n, h = line.split("\t")
        out[t] = (int(n), "-" if t in count_only else h[:16])
    return out
