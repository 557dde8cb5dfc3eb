"""No API route returns or changes another account's rows.

Account B gets rows of every kind the API can create (users of each role,
companies, memberships, and one of whatever each documented POST collection
route creates). Then account A's administrator (and technician) calls every
GET route, with A's ids, with B's ids and with B's ids in id-like query
parameters: no answer may contain an id, e-mail address or name of B's; every
route with B's ids in its path answers 404; every changing route (PATCH, PUT,
POST, DELETE) aimed at B's ids, in the path or in id fields of the body, is
refused; and B's rows in the database are byte for byte what they were.
Routes come from `convene routes`, so later ones are covered too."""
import re
import secrets
import time

import pytest

from apimap import (account_fingerprint, body_schema, example_body, fill_ids, flatten, operation,
                    resolve, routes)
from conftest import PASSWORD

ID = re.compile(r"\b[a-z]{2,8}_[a-z2-9]{20}\b")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]+")
MARK = "tenantb%s" % secrets.token_hex(3)
# routes about the caller's own session, not account data, and that would
# sign the attacking client out or in again
SELF_ROUTES = re.compile(r"^/api/v1/(session|me)(/|$)|^/oauth/")


def texts(r):
    return r.text if r.content else ""


class Tenants:
    def __init__(self, srv):
        self.srv = srv
        # two accounts of the test's own, so that B's admins and everything made
        # in B change nothing other tests count on
        for name in ("TenantA", "TenantB"):
            if name not in srv.accounts:
                srv.add_account(name, name)
        self.a, self.b = srv.admin("TenantA"), srv.admin("TenantB")
        self.b_account = srv.accounts["TenantB"]["id"]
        company_b = srv.default_company(self.b)
        # rows of B, every name and address marked
        r = self.b.post("/api/v1/companies", json={"name": "Company %s" % MARK})
        assert r.status_code == 201, r.text
        self.b_company = r.json()["id"]
        self.b_users = []
        for role in ("admin", "manager", "api_manager", "technician", "member", "guest", "customer"):
            u, _ = srv.make_user(self.b, role, company_ids=None if role == "admin" else [company_b, self.b_company],
                                 email="%s-%s@%s.test" % (role.replace("_", ""), MARK, MARK),
                                 display_name="%s %s" % (role, MARK))
            self.b_users.append(u)
        self.created = {}
        for rt in routes():
            if rt.method != "POST" or rt.params or SELF_ROUTES.search(rt.pattern):
                continue
            if rt.pattern in ("/api/v1/users", "/api/v1/companies") or body_schema(rt) is None:
                continue
            creator = srv.admin("TenantB")  # a throwaway session: the route may have side effects
            r = creator.post(rt.pattern, json=example_body(body_schema(rt), MARK + secrets.token_hex(2)))
            self.created[rt.pattern] = r.status_code
        # A has its own things of the same kinds, so that {ids} of A resolve
        srv.make_user(self.a, "member")
        self.a_tech = srv.login_as(srv.make_user(self.a, "technician")[0])
        # B's markers: every id, e-mail address and marked name that B's own admin can see
        self.b_ids, self.b_emails = set(), set()
        self.b_lists = {}
        for rt in routes():
            if rt.method != "GET" or SELF_ROUTES.search(rt.pattern):
                continue
            if rt.params:
                ids = fill_ids(self.b, rt, self.b.user["id"], self.b_lists)
                r = self.b.get(rt.fill(**ids), stream=True, timeout=15)
            else:
                r = self.b.get(rt.pattern, stream=True, timeout=15)
            if r.status_code == 200 and "json" in r.headers.get("Content-Type", ""):
                self.b_ids |= set(ID.findall(r.text))
                self.b_emails |= {e for e in EMAIL.findall(r.text) if MARK in e or e.endswith("@tenantb.test")}
            r.close()
        me = self.b.get("/api/v1/me").json()
        self.b_ids |= set(ID.findall(str(me)))
        self.b_ids.add(self.b_account)
        self.b_emails.add(srv.accounts["TenantB"]["admin_email"])
        self.a_ids = set()
        self.a_lists = {}
        for u in self.b_users:
            assert u["id"] in self.b_ids, "B's own admin does not see user %s" % u["email"]
        time.sleep(0.3)  # let the outbox worker settle before the fingerprint

    def leaks(self, text, sent=""):
        """B's ids, addresses and names in text, but for ids the request itself
        carried (a 404 may well repeat the id it did not find)"""
        found = [i for i in ID.findall(text) if i in self.b_ids and i not in sent]
        found += [e for e in self.b_emails if e in text]
        if MARK in text:
            found.append("a name marked %s" % MARK)
        return sorted(set(found))

    def b_ids_for(self, rt, name):
        """an id of B for the {name} parameter of rt (from B's own lists)"""
        return fill_ids(self.b, rt, self.b.user["id"], self.b_lists)[name]

    def fingerprint(self):
        return account_fingerprint(self.srv, self.b_account)


@pytest.fixture(scope="module")
def t(srv):
    return Tenants(srv)


GET_ROUTES = [rt for rt in routes() if rt.method == "GET" and not SELF_ROUTES.search(rt.pattern)]
CHANGE_ROUTES = [rt for rt in routes() if rt.method in ("POST", "PUT", "PATCH", "DELETE")
                 and not SELF_ROUTES.search(rt.pattern)]


def test_b_has_rows_to_protect(t):
    assert len(t.b_users) == 7 and t.b_company in t.b_ids
    assert len(t.b_ids) >= 10, t.b_ids


@pytest.mark.parametrize("rt", GET_ROUTES, ids=lambda rt: rt.key)
def test_reads_never_show_another_account(t, rt):
    problems = []
    for who, client in (("admin", t.a), ("technician", t.a_tech)):
        tries = []
        if rt.params:
            a_ids = fill_ids(t.a, rt, t.a.user["id"], t.a_lists)
            b_ids = {p: t.b_ids_for(rt, p) for p in rt.params}
            tries.append(("A's ids", rt.fill(**a_ids), {}, None))
            tries.append(("B's ids", rt.fill(**b_ids), {}, 404))
            if len(rt.params) > 1:
                for p in rt.params:  # one of B's ids among A's
                    tries.append(("B's %s" % p, rt.fill(**dict(a_ids, **{p: b_ids[p]})), {}, 404))
        else:
            tries.append(("no ids", rt.pattern, {}, None))
            tries.append(("a big page", rt.pattern, {"limit": "200"}, None))
        for name, p in query_id_params(rt).items():
            base = tries[0][1]
            for bid in [t.b_company] + [u["id"] for u in t.b_users[:2]]:
                tries.append(("?%s=B's id" % name, base, {name: bid}, None))
        tries.append(("?q=B's marker", tries[0][1], {"q": MARK}, None))
        for what, path, params, want in tries:
            r = client.get(path, params=params, stream=True, timeout=15)
            body = r.text if "json" in r.headers.get("Content-Type", "") else ""
            r.close()
            leak = t.leaks(body, sent=path + str(params))
            if leak:
                problems.append("%s, %s: %s shows B's %s" % (who, what, r.status_code, ", ".join(leak[:5])))
            if want and r.status_code != want and not (who == "technician" and r.status_code == 403):
                problems.append("%s, %s: expected %s, got %s %s" % (who, what, want, r.status_code, body[:150]))
            if r.status_code >= 500:
                problems.append("%s, %s: %s" % (who, what, r.status_code))
    assert not problems, "%s:\n  %s" % (rt.key, "\n  ".join(problems))


def query_id_params(rt):
    """documented query parameters that take an id (company=, team=, user=...)"""
    op = operation(rt) or {}
    out = {}
    for p in op.get("parameters") or []:
        if p.get("in") == "query" and re.fullmatch(r"(company|team|user|manager|app|device|parent)(_id)?",
                                                    p.get("name", "")):
            out[p["name"]] = p
    return out


def id_fields(schema):
    """body fields that carry ids: *_id, *_ids, ids"""
    props = (flatten(resolve(schema or {})).get("properties") or {})
    return [k for k in props if k == "ids" or k.endswith("_id") or k.endswith("_ids")]


@pytest.mark.parametrize("rt", CHANGE_ROUTES, ids=lambda rt: rt.key)
def test_changes_never_reach_another_account(t, rt):
    before = t.fingerprint()
    schema = body_schema(rt)
    problems = []
    tries = []
    if rt.params:
        a_ids = fill_ids(t.a, rt, t.a.user["id"], t.a_lists)
        b_ids = {p: t.b_ids_for(rt, p) for p in rt.params}
        tries.append(("B's ids", rt.fill(**b_ids), None))
        if len(rt.params) > 1:
            for p in rt.params:
                tries.append(("B's %s" % p, rt.fill(**dict(a_ids, **{p: b_ids[p]})), None))
    # ids of B in the body, aimed from A's side
    for field in id_fields(schema):
        path = rt.fill(**fill_ids(t.a, rt, t.a.user["id"], t.a_lists)) if rt.params else rt.pattern
        for bid in sorted(t.b_ids)[:40]:
            tries.append(("body %s = B's %s" % (field, bid[:3]), path, (field, bid)))
    for what, path, field in tries:
        kw = {}
        if schema is not None:
            body = example_body(schema, "a" + secrets.token_hex(3))
            if field:
                f, bid = field
                ftype = flatten(resolve((flatten(resolve(schema)).get("properties") or {})[f])).get("type")
                body[f] = [bid] if ftype == "array" else bid
            kw["json"] = body
        r = t.a.request(rt.method, path, **kw)
        leak = t.leaks(r.text, sent=path + str(field))
        if leak:
            problems.append("%s: %s shows B's %s" % (what, r.status_code, ", ".join(leak[:5])))
        if field is None and r.status_code != 404:
            problems.append("%s: expected 404, got %s %s" % (what, r.status_code, r.text[:150]))
        if field is not None and r.status_code < 400 and not body_ignores_foreign(rt, r):
            problems.append("%s: accepted (%s) %s" % (what, r.status_code, r.text[:150]))
        if r.status_code >= 500:
            problems.append("%s: %s" % (what, r.status_code))
    after = t.fingerprint()
    changed = {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}
    if changed:
        problems.append("B's rows changed: %s" % changed)
    assert not problems, "%s:\n  %s" % (rt.key, "\n  ".join(problems))


def body_ignores_foreign(rt, r):
    """a 2xx is fine when the route treats unknown ids as nothing to do (e.g.
    revoking a list of ids): then the answer must not claim to have acted on
    them, which leaks() and the fingerprint check already prove; free/busy
    answers each unknown id in `errors` and shows nothing for it"""
    if rt.method == "POST" and rt.pattern in ("/api/v1/freebusy", "/api/v1/find-time"):
        body = r.json()
        return not body.get("users") and not body.get("rooms") and \
            all(e["reason"] == "not-found" for e in body["errors"])
    return rt.method == "POST" and rt.pattern.endswith("/revoke")


def test_a_cannot_sign_in_to_b_with_a_session_of_its_own(srv, t):
    # the session cookie of A's admin never reaches B's data whatever the account in the URL
    r = t.a.get("/api/v1/users/" + t.b_users[0]["id"])
    assert r.status_code == 404
    assert t.a.get("/api/v1/me").json()["account"]["id"] == srv.accounts["TenantA"]["id"]
    # B's users can still sign in and see their data: nothing was damaged
    c = srv.client()
    c.login(t.b_users[4]["email"], PASSWORD)
    assert c.get("/api/v1/me").json()["account"]["id"] == t.b_account
