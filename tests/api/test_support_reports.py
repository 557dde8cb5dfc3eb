"""Reports of the portals (issue 17, section 5): sessions seeded through the
real API (a live chat picked up and closed, one the customer left unanswered,
offline requests), their times then set beside the server, and every figure
checked per portal, team, technician and day of the account's time zone;
the CSV against the JSON; the reset of a portal's figures; who may see and
reset what; and that accounts never see each other's. One server of its own:
the account's time zone is changed."""
import csv
import io
import tempfile
import calendar

import pytest

from conftest import OwnServer, audit_items, problem
from supportutil import ask, make_portal, make_team, make_tech, pub

R = "/api/v1/support/reports"
PERIOD = {"from": "2026-03-09", "to": "2026-03-11"}


@pytest.fixture(scope="module")
def own():
    s = OwnServer(tempfile.mkdtemp(prefix="convene-reports-"))
    s.start()
    yield s
    problems, log = s.stop()
    s.drop()
    assert not problems, log[-5000:]


def utc(y, mo, d, h, mi=0):
    return calendar.timegm((y, mo, d, h, mi, 0))


def paris(y, mo, d, h, mi=0):
    return utc(y, mo, d, h, mi) - 3600  # March 2026 before the 29th: UTC+1


def place(own, sid, created, picked=None, closed=None, answered=None, team="NULL", tech=None):
    """the session's times (and team) as the test wants them"""
    def v(x):
        return "NULL" if x is None else str(x)
    sets = "created_at = %d, picked_up_at = %s, closed_at = %s, answered_at = %s, team_id = %s" % (
        created, v(picked), v(closed), v(answered), team)
    if tech is not None:
        sets += ", technician_id = '%s'" % tech
    own.execute("UPDATE support_sessions SET %s WHERE id = '%s'" % (sets, sid))


@pytest.fixture(scope="module")
def world(own):
    adm = own.admin("A")
    assert adm.patch("/api/v1/settings", json={"time_zone": "Europe/Paris"}).status_code == 200
    t1, t2 = make_team(adm), make_team(adm)
    for t in (t1, t2):
        enable(adm, t)
    p1 = make_portal(own, adm, teams=[t1])
    p2 = make_portal(own, adm, teams=[t2])
    tech, tc = make_tech(own, adm, p1["company_id"], t1)
    cust = own.client()
    ids = {}
    # live chats on p1: picked up and closed (twice), picked up and open, left unanswered
    for name in ("s1", "s2", "s3", "s4"):
        s = ask(cust, p1["slug"])
        assert s["state"] == "waiting"
        ids[name] = s
    for name in ("s1", "s2", "s3"):
        r = tc.post("/api/v1/support/sessions/%s/pick-up" % ids[name]["id"])
        assert r.status_code == 200, r.text
    for name in ("s1", "s2"):
        assert tc.post("/api/v1/support/sessions/%s/close" % ids[name]["id"]).status_code in (200, 204)
    r = cust.post(pub(p1["slug"], ids["s4"]["id"], "/close"), params={"token": ids["s4"]["token"]})
    assert r.status_code in (200, 204), r.text
    # offline requests on p2 (nobody serves it online)
    for name in ("o1", "o2", "o3", "early"):
        s = ask(cust, p2["slug"])
        assert s["state"] == "offline"
        ids[name] = s
    q = "'%s'" % t1
    place(own, ids["s1"]["id"], paris(2026, 3, 10, 9), paris(2026, 3, 10, 9, 1), paris(2026, 3, 10, 9, 11), team=q)
    place(own, ids["s2"]["id"], paris(2026, 3, 10, 10), paris(2026, 3, 10, 10, 2), paris(2026, 3, 10, 10, 7), team=q)
    # 00:30 in Paris on the 11th is still the 10th in UTC
    place(own, ids["s3"]["id"], paris(2026, 3, 11, 0, 30), paris(2026, 3, 11, 0, 30) + 30, team=q)
    place(own, ids["s4"]["id"], paris(2026, 3, 10, 11), closed=paris(2026, 3, 10, 11) + 200, team=q)
    place(own, ids["o1"]["id"], paris(2026, 3, 10, 12), answered=paris(2026, 3, 10, 13))
    place(own, ids["o2"]["id"], paris(2026, 3, 11, 8), answered=paris(2026, 3, 11, 8) + 90000)
    place(own, ids["o3"]["id"], paris(2026, 3, 10, 13))
    place(own, ids["early"]["id"], paris(2026, 3, 8, 23, 59))  # the day before the period
    return {"adm": adm, "t1": t1, "t2": t2, "p1": p1, "p2": p2, "tech": tech, "ids": ids}


def enable(adm, team, rights=("admin_center_access", "reports", "reset_portal_reports")):
    r = adm.put("/api/v1/teams/%s/rights" % team, json={"rights": list(rights)})
    assert r.status_code == 200, r.text


def figures(**kw):
    base = {"sessions": 0, "missed": 0, "offline_requests": 0, "answered_within_day": 0, "picked_up": 0,
            "wait_p50_s": None, "wait_p90_s": None, "handle_mean_s": None, "handle_p50_s": None}
    base.update(kw)
    return base


P1 = figures(sessions=4, missed=1, picked_up=3, wait_p50_s=60, wait_p90_s=120, handle_mean_s=450, handle_p50_s=300)
P2 = figures(sessions=3, offline_requests=3, answered_within_day=1)
TOTAL = figures(sessions=7, missed=1, offline_requests=3, answered_within_day=1, picked_up=3, wait_p50_s=60,
                wait_p90_s=120, handle_mean_s=450, handle_p50_s=300)
KEYS = list(TOTAL)


def get(client, **params):
    r = client.get(R, params=dict(PERIOD, **params))
    assert r.status_code == 200, r.text
    return r.json()


def pick(row):
    return {k: row[k] for k in KEYS}


def test_by_portal(world):
    out = get(world["adm"], group="portal")
    assert out["group"] == "portal" and out["from"] == "2026-03-09" and out["to"] == "2026-03-11"
    assert out["time_zone"] == "Europe/Paris"
    rows = {r["key"]: r for r in out["rows"]}
    assert set(rows) == {world["p1"]["id"], world["p2"]["id"]}
    assert pick(rows[world["p1"]["id"]]) == P1
    assert pick(rows[world["p2"]["id"]]) == P2
    assert rows[world["p1"]["id"]]["company_id"] == world["p1"]["company_id"]
    assert pick(out["totals"]) == TOTAL


def test_by_day_in_the_account_time_zone(world):
    out = get(world["adm"], group="day")
    assert [r["key"] for r in out["rows"]] == ["2026-03-09", "2026-03-10", "2026-03-11"]
    d9, d10, d11 = (pick(r) for r in out["rows"])
    assert d9 == figures()
    assert d10 == figures(sessions=5, missed=1, offline_requests=2, answered_within_day=1, picked_up=2,
                          wait_p50_s=60, wait_p90_s=120, handle_mean_s=450, handle_p50_s=300)
    assert d11 == figures(sessions=2, offline_requests=1, picked_up=1, wait_p50_s=30, wait_p90_s=30)
    # the 8th at 23:59 in Paris is in a period starting on the 8th, not in one ending on the 7th
    assert get(world["adm"], group="day", **{"from": "2026-03-08", "to": "2026-03-08"})["totals"]["sessions"] == 1
    assert get(world["adm"], group="day", **{"from": "2026-03-07", "to": "2026-03-07"})["totals"]["sessions"] == 0


def test_by_team_and_technician(world):
    rows = {r["key"]: r for r in get(world["adm"], group="team")["rows"]}
    assert set(rows) == {world["t1"], None}
    assert pick(rows[world["t1"]]) == P1 and pick(rows[None]) == P2
    rows = {r["key"]: r for r in get(world["adm"], group="technician")["rows"]}
    assert set(rows) == {world["tech"]["id"], None}
    assert rows[world["tech"]["id"]]["name"] == world["tech"]["display_name"]
    assert pick(rows[world["tech"]["id"]]) == figures(sessions=3, picked_up=3, wait_p50_s=60, wait_p90_s=120,
                                                      handle_mean_s=450, handle_p50_s=300)
    assert pick(rows[None]) == figures(sessions=4, missed=1, offline_requests=3, answered_within_day=1)


def test_filters(world):
    adm = world["adm"]
    assert pick(get(adm, portal_id=world["p2"]["id"])["totals"]) == P2
    assert pick(get(adm, team_id=world["t1"])["totals"]) == P1
    assert pick(get(adm, company_id=world["p1"]["company_id"])["totals"]) == P1
    assert get(adm, team_id=world["t2"])["rows"] == []
    problem(adm.get(R, params={"portal_id": "prt_" + "a" * 20}), 404, "not-found")


def test_default_period_is_the_last_30_days(world):
    r = world["adm"].get(R, params={"group": "day"})
    assert r.status_code == 200, r.text
    assert len(r.json()["rows"]) == 30 and r.json()["totals"]["sessions"] == 0


def test_csv_matches_json(world):
    adm = world["adm"]
    for group in ("portal", "team", "technician", "day"):
        js = get(adm, group=group)
        r = adm.get(R, params=dict(PERIOD, group=group, format="csv"))
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith("text/csv")
        assert r.headers["Content-Disposition"].startswith("attachment;")
        assert ".csv" in r.headers["Content-Disposition"]
        assert "\r\n" in r.text
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        assert rows[0] == ["key", "name"] + KEYS
        assert len(rows) == len(js["rows"]) + 1
        for line, row in zip(rows[1:], js["rows"]):
            assert line[0] == (row["key"] or "") and line[1] == row["name"]
            assert line[2:] == ["" if row[k] is None else str(row[k]) for k in KEYS]
    # Accept: text/csv asks for it too
    r = adm.get(R, params=PERIOD, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")


def test_csv_guards_formulas(world, own):
    adm = world["adm"]
    r = adm.patch("/api/v1/portals/" + world["p2"]["id"], json={"title": '=HYPERLINK("x","y"), "quoted"'})
    assert r.status_code == 200, r.text
    try:
        js = get(adm, portal_id=world["p2"]["id"])
        assert js["rows"][0]["name"] == '=HYPERLINK("x","y"), "quoted"'  # JSON as it is
        r = adm.get(R, params=dict(PERIOD, portal_id=world["p2"]["id"], format="csv"))
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        assert rows[1][1] == '\'=HYPERLINK("x","y"), "quoted"'
        for bad in ("+1", "-1", "@SUM(A1)"):
            assert adm.patch("/api/v1/portals/" + world["p2"]["id"], json={"title": bad}).status_code == 200
            r = adm.get(R, params=dict(PERIOD, portal_id=world["p2"]["id"], format="csv"))
            assert list(csv.reader(io.StringIO(r.text, newline="")))[1][1] == "'" + bad
    finally:
        adm.patch("/api/v1/portals/" + world["p2"]["id"], json={"title": "Second portal"})


def test_bad_queries(world):
    adm = world["adm"]
    for params, field in (({"group": "week"}, "group"), ({"from": "2026-02-30"}, "from"),
                          ({"to": "26-03-01"}, "to"), ({"from": "2026-03-12", "to": "2026-03-11"}, "from"),
                          ({"from": "2025-01-01", "to": "2026-01-02"}, "to"), ({"format": "xml"}, "format"),
                          ({"portal_id": "nope"}, "portal_id"), ({"team_id": "nope"}, "team_id"),
                          ({"company_id": "nope"}, "company_id")):
        body = problem(adm.get(R, params=params), 400, "invalid-query")
        assert body["field"] == field, (params, body)
    # 366 days are allowed
    assert adm.get(R, params={"from": "2025-01-01", "to": "2026-01-01"}).status_code == 200


def manager(own, adm, company, rights=(), teams=()):
    m, _ = own.make_user(adm, "manager", company_ids=[company])
    if teams:
        r = adm.put("/api/v1/managers/%s/teams" % m["id"], json={"team_ids": list(teams)})
        assert r.status_code in (200, 204), r.text
    if rights:
        r = adm.put("/api/v1/managers/%s/rights" % m["id"], json={"rights": list(rights)})
        assert r.status_code == 200, r.text
    return m, own.login_as(m)


def test_rights(world, own):
    adm, p1, p2 = world["adm"], world["p1"], world["p2"]
    # technicians and members: no reports
    tech_client = own.login_as(world["tech"])
    problem(tech_client.get(R, params=PERIOD), 403)
    member, _ = own.make_user(adm, "member", company_ids=[p1["company_id"]])
    problem(own.login_as(member).get(R, params=PERIOD), 403)
    # a manager of the serving team without the right
    _, mc = manager(own, adm, p1["company_id"], teams=[world["t1"]])
    problem(mc.get(R, params=PERIOD), 403)
    # with it: their team's portal, not the other
    _, mc = manager(own, adm, p1["company_id"], rights=["admin_center_access", "reports"], teams=[world["t1"]])
    out = get(mc)
    assert [r["key"] for r in out["rows"]] == [p1["id"]] and pick(out["totals"]) == P1
    problem(mc.get(R, params=dict(PERIOD, portal_id=p2["id"])), 404, "not-found")
    # the CSV follows the same rule
    r = mc.get(R, params=dict(PERIOD, format="csv"))
    assert len(list(csv.reader(io.StringIO(r.text, newline="")))) == 2
    # another team's manager (same company, right held) sees none of p1
    t3 = make_team(adm)
    enable(adm, t3)
    _, oc = manager(own, adm, p1["company_id"], rights=["admin_center_access", "reports"], teams=[t3])
    out = get(oc)
    assert out["rows"] == [] and out["totals"]["sessions"] == 0
    problem(oc.get(R, params=dict(PERIOD, portal_id=p1["id"])), 404)
    # a manager assigned to the portal itself sees it
    m4, c4 = manager(own, adm, p2["company_id"], rights=["admin_center_access", "reports"])
    assert adm.put("/api/v1/portals/%s/managers" % p2["id"], json={"user_ids": [m4["id"]]}).status_code == 200
    assert [r["key"] for r in get(c4)["rows"]] == [p2["id"]]
    # the right counts where a serving team enables it: t1 no longer does
    enable(adm, world["t1"], ("admin_center_access",))
    try:
        assert get(mc)["rows"] == []
    finally:
        enable(adm, world["t1"])


def test_tenants(world, own):
    b = own.admin("B")
    out = get(b)
    assert out["rows"] == [] and out["totals"]["sessions"] == 0
    problem(b.get(R, params={"portal_id": world["p1"]["id"]}), 404, "not-found")
    problem(b.get(R, params={"team_id": world["t1"]}), 404, "not-found")
    problem(b.get(R, params={"company_id": world["p1"]["company_id"]}), 404, "not-found")
    problem(b.post("/api/v1/portals/%s/reports/reset" % world["p1"]["id"]), 404, "not-found")


def test_reset(world, own):
    adm, p1, p2 = world["adm"], world["p1"], world["p2"]
    reset = "/api/v1/portals/%s/reports/reset"
    # a manager of p1 holding reports but not reset_portal_reports; then holding it but not assigned
    m, mc = manager(own, adm, p1["company_id"], rights=["admin_center_access", "reports"], teams=[world["t1"]])
    problem(mc.post(reset % p1["id"]), 403)
    r = adm.put("/api/v1/managers/%s/rights" % m["id"],
                json={"rights": ["admin_center_access", "reports", "reset_portal_reports"]})
    assert r.status_code == 200, r.text
    problem(mc.post(reset % p1["id"]), 403)
    assert adm.put("/api/v1/portals/%s/managers" % p1["id"], json={"user_ids": [m["id"]]}).status_code == 200
    r = mc.post(reset % p1["id"])
    assert r.status_code == 200, r.text
    assert r.json()["portal_id"] == p1["id"] and r.json()["reports_reset_at"].endswith("Z")
    entries = audit_items(adm, "portal.reports_reset", p1["id"])
    assert entries and entries[0]["new"]["reports_reset_at"] == r.json()["reports_reset_at"]
    # p1's figures start again; p2's stay
    out = get(adm)
    assert [row["key"] for row in out["rows"]] == [p2["id"]] and pick(out["totals"]) == P2
    # technicians may not (p2 is not even theirs to see); admins may
    problem(own.login_as(world["tech"]).post(reset % p1["id"]), 403)
    problem(own.login_as(world["tech"]).post(reset % p2["id"]), 404)
    assert adm.post(reset % p2["id"]).status_code == 200
    assert get(adm)["rows"] == []
    problem(adm.post(reset % ("prt_" + "a" * 20)), 404)
