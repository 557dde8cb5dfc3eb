"""Sets up bench/support.sh's accounts through convene's JSON API, as an
administrator would: COMPANIES companies open around the clock, each with a
team serving its portal (offline policy `queue`, so that a session waits even
while every technician is at their limit), TECHS technicians spread over them
holding the remote_support module (the seats come first, from the operator's
CLI, done by the script), and one more company, "Contended", whose portal is
served by a team of all technicians: the pick-up race. Writes JSON for
bench/support-load.mjs on stdout: the technicians' cookie sessions and the
portals' slugs.

usage: BASE=... PASSWORD=... COMPANIES=10 TECHS=100 python3 bench/support-setup.py"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchapi import Api  # noqa: E402

ALWAYS = {d: [{"open": "00:00", "close": "24:00"}] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
api, pw = Api(os.environ["BASE"]), os.environ["PASSWORD"]
companies, techs = int(os.environ["COMPANIES"]), int(os.environ["TECHS"])
admin, _ = api.sign_in("bench-admin@example.test", pw)


def company(name):
    """(company id, team id, portal slug) of a new company whose portal its
    new team serves"""
    cid = api.call("POST", "/api/v1/companies", {"name": name}, admin)[1]["id"]
    api.call("PUT", "/api/v1/companies/%s/settings/business_hours" % cid, {"value": ALWAYS}, admin)
    team = api.call("POST", "/api/v1/teams", {"name": name + " team"}, admin)[1]["id"]
    portal = next(p for p in api.call("GET", "/api/v1/portals?company_id=" + cid, headers=admin)[1]["items"]
                  if not p["parent_id"])
    portal = api.call("PATCH", "/api/v1/portals/%s" % portal["id"],
                      {"team_ids": [team], "offline_policy": "queue"}, admin)[1]
    return cid, team, portal["slug"]


groups = [company("Bench customer %02d" % c) for c in range(companies)]
pick_company, pick_team, pick_slug = company("Contended")
out = {"portals": [g[2] for g in groups], "pick_portal": pick_slug, "techs": []}
for t in range(techs):
    cid, team, _ = groups[t % companies]
    email = "bench-tech%03d@example.test" % t
    user = api.call("POST", "/api/v1/users", {"email": email, "display_name": "Technician %03d" % t,
                                              "role": "technician", "company_ids": [cid, pick_company],
                                              "password": pw, "must_change_password": False}, admin)[1]
    for tm in (team, pick_team):
        api.call("PUT", "/api/v1/teams/%s/members/%s" % (tm, user["id"]), headers=admin)
    api.call("PATCH", "/api/v1/users/%s" % user["id"], {"modules": ["remote_support"]}, admin)
    auth, _ = api.sign_in(email, pw)
    out["techs"].append({"id": user["id"], "group": t % companies, "cookie": auth["Cookie"],
                         "csrf": auth["X-CSRF-Token"]})
json.dump(out, sys.stdout)
