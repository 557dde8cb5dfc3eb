"""Helpers of the support chat tests: a portal with a serving team, a
technician holding the remote_support module and online, and a customer's
session."""
import time

from conftest import uniq


ALWAYS = {d: [{"open": "00:00", "close": "24:00"}] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def make_portal(srv, admin, key="A", company=None, parent=None, teams=(), **fields):
    """a company's portal (that of a new company, or of company), or a
    sub-portal of parent, served by teams and with the other portal fields
    given, through the portals API; the company is open around the clock, so
    that whether the portal is open depends on its technicians alone (and not
    on when the test runs). Returns {id, slug, company_id}."""
    if company is None:
        company = admin.post("/api/v1/companies", json={"name": uniq("Support co ")}).json()["id"]
    r = admin.put("/api/v1/companies/%s/settings/business_hours" % company, json={"value": ALWAYS})
    assert r.status_code == 200, r.text
    if parent:
        r = admin.post("/api/v1/portals/%s/sub-portals" % parent, json={"title": uniq("Help ")})
        assert r.status_code == 201, r.text
        portal = r.json()
    else:
        r = admin.get("/api/v1/portals", params={"company_id": company})
        assert r.status_code == 200, r.text
        portal = next(p for p in r.json()["items"] if not p["parent_id"])
    body = dict(fields)
    if teams:
        body["team_ids"] = list(teams)
    if body:
        r = admin.patch("/api/v1/portals/%s" % portal["id"], json=body)
        assert r.status_code == 200, r.text
        portal = r.json()
    return {"id": portal["id"], "slug": portal["slug"], "company_id": company}


def make_team(admin, parent=None):
    body = {"name": uniq("Team ")}
    if parent:
        body["parent_id"] = parent
    r = admin.post("/api/v1/teams", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


_SEATED = set()


def give_module(srv, admin, user_id, key="A", module="remote_support"):
    """the module, given as an administrator does (the account gets seats
    enough from the operator first, once)"""
    account = srv.accounts[key]["id"]
    if (srv.data, account, module) not in _SEATED:
        srv.cli("account", "seats", "--account", account, "--module", module, "--count", "10000")
        _SEATED.add((srv.data, account, module))
    r = admin.patch("/api/v1/users/%s" % user_id, json={"modules": [module]})
    assert r.status_code == 200, r.text


def make_tech(srv, admin, company, team, key="A", online=True):
    """a technician of company, member of team, with the module; online when asked"""
    u, _ = srv.make_user(admin, "technician", company_ids=[company])
    assert admin.put("/api/v1/teams/%s/members/%s" % (team, u["id"])).status_code == 204
    give_module(srv, admin, u["id"], key)
    c = srv.login_as(u)
    if online:
        r = c.put("/api/v1/support/presence", json={"state": "online"})
        assert r.status_code == 200, r.text
    return u, c


def ask(client, slug, question="My printer is on fire", name="Ann Customer", email="ann@example.test"):
    r = client.post("/api/v1/public/portals/%s/sessions" % slug,
                    json={"name": name, "email": email, "question": question})
    assert r.status_code == 201, r.text
    return r.json()


def pub(slug, sid, tail=""):
    return "/api/v1/public/portals/%s/sessions/%s%s" % (slug, sid, tail)


def next_of(stream, kind, timeout=10, pred=None):
    """the next event called kind (others skipped), matching pred when given"""
    deadline = time.time() + timeout
    while True:
        left = deadline - time.time()
        if left <= 0:
            raise AssertionError("no %s event within %s s" % (kind, timeout))
        ev, eid, data = stream.next(timeout=left)
        if ev == kind and (pred is None or pred(data)):
            return eid, data
