"""Helpers of the support chat tests: a portal with a serving team (written
beside the server: the portals API is another part of issue 17), a
technician holding the remote_support module and online, and a customer's
session."""
import os
import secrets
import time

from conftest import DB, psql, uniq


def sql(srv, stmt):
    """a statement run beside the server, on its database"""
    if hasattr(srv, "execute"):
        srv.execute(stmt)
    elif DB == "sqlite":
        import sqlite3
        con = sqlite3.connect(os.path.join(srv.data, "convene.db"), timeout=30)
        try:
            con.execute(stmt)
            con.commit()
        finally:
            con.close()
    else:
        psql(DB, stmt)


def q(v):
    return "NULL" if v is None else "'%s'" % str(v).replace("'", "''")


def make_portal(srv, admin, key="A", company=None, parent=None, teams=(), **cols):
    """a portal (a company's, or a sub-portal of parent) served by teams;
    returns {id, slug, company_id}"""
    account = srv.accounts[key]["id"]
    if company is None:
        company = admin.post("/api/v1/companies", json={"name": uniq("Support co ")}).json()["id"]
    pid, slug = "prt_" + secrets.token_hex(8), uniq("portal-")
    now = int(time.time())
    names = ["account_id", "id", "company_id", "parent_id", "slug", "title", "created_at", "updated_at"]
    values = [account, pid, company, parent, slug, "Help", now, now]
    for k, v in cols.items():
        names.append(k)
        values.append(v)
    sql(srv, "INSERT INTO portals (%s) VALUES (%s)" % (", ".join(names), ", ".join(
        str(v) if isinstance(v, int) else q(v) for v in values)))
    for t in teams:
        sql(srv, "INSERT INTO portal_teams (account_id, portal_id, team_id) VALUES (%s, %s, %s)"
            % (q(account), q(pid), q(t)))
    return {"id": pid, "slug": slug, "company_id": company}


def make_team(admin, parent=None):
    body = {"name": uniq("Team ")}
    if parent:
        body["parent_id"] = parent
    r = admin.post("/api/v1/teams", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def give_module(srv, user_id, key="A", module="remote_support"):
    sql(srv, "INSERT INTO user_modules (account_id, user_id, module, granted_at) VALUES (%s, %s, %s, %d)"
        % (q(srv.accounts[key]["id"]), q(user_id), q(module), int(time.time())))


def make_tech(srv, admin, company, team, key="A", online=True):
    """a technician of company, member of team, with the module; online when asked"""
    u, _ = srv.make_user(admin, "technician", company_ids=[company])
    assert admin.put("/api/v1/teams/%s/members/%s" % (team, u["id"])).status_code == 204
    give_module(srv, u["id"], key)
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
