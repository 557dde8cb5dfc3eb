"""The bearer cache (src/iam/bearer_cache.c) must never answer from stale rows:
a token used often enough to be cached still sees, at the very next request,
a changed name or language, a suspended owner, a revoked application, and a
write made by another process on the same SQLite file."""
import os
import sqlite3

import requests

from conftest import DB, problem, psql, uniq
from test_apps import manager, register, token


def warm(b, times=4):
    """enough requests that the token and its /me body come from the cache
    (the first use writes last_used_at, which by itself empties the cache)"""
    for _ in range(times):
        r = b.get("/api/v1/me")
        assert r.status_code == 200, r.text
    return r.json()


def test_changes_show_at_the_next_request(srv, admin):
    u, m = manager(srv, admin)
    b = srv.client(bearer=token(srv, register(m)))
    before = warm(b)
    assert before["user"]["display_name"] == u["display_name"] and before["auth"] == "bearer"
    name = uniq("Renamed ")
    assert admin.patch("/api/v1/users/" + u["id"], json={"display_name": name}).status_code == 200
    assert b.get("/api/v1/me").json()["user"]["display_name"] == name
    warm(b)
    # the account's language: another table, another module's write
    lang = "ru" if before["language"] != "ru" else "fr"
    r = admin.patch("/api/v1/settings", json={"language": lang})
    assert r.status_code == 200, r.text
    assert b.get("/api/v1/me").json()["language"] == lang
    assert admin.patch("/api/v1/settings", json={"language": before["language"]}).status_code == 200
    after = warm(b)
    assert after["language"] == before["language"] and after["user"]["display_name"] == name


def test_suspension_and_revocation_are_immediate(srv, admin):
    u, m = manager(srv, admin)
    app = register(m)
    b = srv.client(bearer=token(srv, app))
    warm(b)
    assert admin.patch("/api/v1/users/" + u["id"], json={"status": "suspended"}).status_code == 200
    problem(b.get("/api/v1/me"), 401, "unauthenticated")
    assert admin.patch("/api/v1/users/" + u["id"], json={"status": "active"}).status_code == 200
    warm(b)
    # (suspension ended the manager's sessions; an administrator revokes)
    assert admin.post("/api/v1/apps/revoke", json={"ids": [app["id"]]}).status_code == 200
    for _ in range(3):
        problem(b.get("/api/v1/me"), 401, "unauthenticated")


def test_a_write_by_another_process_is_seen(srv, admin):
    u, m = manager(srv, admin)
    b = srv.client(bearer=token(srv, register(m)))
    warm(b)
    name = uniq("Outside ")
    sql = "UPDATE users SET display_name = '%s' WHERE id = '%s'" % (name, u["id"])
    if DB == "sqlite":
        con = sqlite3.connect(os.path.join(srv.data, "convene.db"), timeout=30)
        with con:
            con.execute(sql)
        con.close()
    else:
        psql(DB, sql)
    assert b.get("/api/v1/me").json()["user"]["display_name"] == name
    # and a token used once more after that is still answered
    assert warm(b)["user"]["display_name"] == name


def test_other_tokens_and_users_do_not_mix(srv, admin):
    u1, m1 = manager(srv, admin)
    u2, m2 = manager(srv, admin)
    b1 = srv.client(bearer=token(srv, register(m1)))
    b2 = srv.client(bearer=token(srv, register(m2)))
    for _ in range(4):
        assert b1.get("/api/v1/me").json()["user"]["id"] == u1["id"]
        assert b2.get("/api/v1/me").json()["user"]["id"] == u2["id"]
    # a cookie session of the same user is not answered from the bearer cache
    me = m1.get("/api/v1/me").json()
    assert me["auth"] == "cookie" and me["csrf_token"]
    r = requests.get(srv.url + "/api/v1/me", headers={"Authorization": "Bearer " + "x" * 43}, timeout=30)
    problem(r, 401, "unauthenticated")
