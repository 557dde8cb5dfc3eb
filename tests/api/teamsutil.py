"""Helpers shared by the teams, managers and rights tests: making teams and
managers through the API, and reading the audit log beside the server."""
import json
import os
import subprocess

from conftest import DB, uniq


def make_team(admin, parent=None, name=None):
    body = {"name": name or uniq("Team ")}
    if parent:
        body["parent_id"] = parent
    r = admin.post("/api/v1/teams", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def set_team_rights(admin, team_id, rights):
    r = admin.put("/api/v1/teams/%s/rights" % team_id, json={"rights": rights})
    assert r.status_code == 200, r.text
    return r.json()


def set_manager(admin, user_id, rights=(), teams=()):
    r = admin.put("/api/v1/managers/%s/rights" % user_id, json={"rights": list(rights)})
    assert r.status_code == 200, r.text
    r = admin.put("/api/v1/managers/%s/teams" % user_id, json={"team_ids": list(teams)})
    assert r.status_code == 200, r.text


def audit(srv, target_id, action=None):
    """[(action, old, new)] of the audit log for a target, oldest first"""
    sql = ("SELECT action, COALESCE(old_value, 'null'), COALESCE(new_value, 'null') FROM audit_log"
           " WHERE target_id = '%s' ORDER BY at" % target_id.replace("'", ""))
    if DB == "sqlite":
        import sqlite3
        con = sqlite3.connect("file:%s?mode=ro" % os.path.join(srv.data, "convene.db"), uri=True, timeout=30)
        try:
            rows = list(con.execute(sql))
        finally:
            con.close()
    else:
        out = subprocess.run(["/usr/lib/postgresql/15/bin/psql", DB, "-qAtX", "-F", "\t", "-c", sql],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        rows = [line.split("\t") for line in out.stdout.splitlines() if line]
    rows = [(a, json.loads(o), json.loads(n)) for a, o, n in rows]
    return [r for r in rows if action is None or r[0] == action]
