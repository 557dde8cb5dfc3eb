"""manage_business_hours (issue 17): a manager holding the right, enabled by
a team they manage that serves one of a company's portals, changes (and
stops overriding) that company's business hours, and nothing else; without
the right, for a company their teams do not serve, or for any other
setting, it stays 403, as for technicians. Admins change everything."""
import pytest

from conftest import problem, uniq
from supportutil import ALWAYS, make_portal, make_team
from teamsutil import set_manager, set_team_rights

WEEKDAYS = {d: [{"open": "08:00", "close": "18:00"}] for d in ("mon", "tue", "wed", "thu", "fri")}
WEEKDAYS.update({"sat": [], "sun": []})


@pytest.fixture
def hours(srv, admin):
    top = make_team(admin)
    sub = make_team(admin, parent=top)
    set_team_rights(admin, sub, ["manage_business_hours"])
    portal = make_portal(srv, admin, teams=[sub])
    unserved = admin.post("/api/v1/companies", json={"name": uniq("Unserved ")}).json()["id"]
    mgr, _ = srv.make_user(admin, "manager", company_ids=[portal["company_id"], unserved])
    set_manager(admin, mgr["id"], ["manage_business_hours"], [top])
    return {"company": portal["company_id"], "unserved": unserved, "mgr": mgr, "mc": srv.login_as(mgr),
            "top": top, "sub": sub}


def path(company, name="business_hours"):
    return "/api/v1/companies/%s/settings/%s" % (company, name)


def effective(admin, company):
    items = admin.get("/api/v1/companies/%s/settings" % company).json()["items"]
    return next(i for i in items if i["name"] == "business_hours")


def test_a_manager_changes_the_hours_of_a_company_their_teams_serve(srv, admin, hours):
    r = hours["mc"].put(path(hours["company"]), json={"value": WEEKDAYS})
    assert r.status_code == 200, r.text
    assert effective(admin, hours["company"])["value"]["mon"] == [{"open": "08:00", "close": "18:00"}]
    assert hours["mc"].delete(path(hours["company"])).status_code == 204
    assert srv.rows("SELECT count(*) FROM audit_log WHERE action IN ('setting.override', 'setting.override_remove')"
                    " AND actor_id = '%s'" % hours["mgr"]["id"])[0][0] == "2"


def test_only_the_hours_only_where_served_only_with_the_right(srv, admin, hours):
    mc = hours["mc"]
    problem(mc.put(path(hours["company"], "time_zone"), json={"value": "Europe/Paris"}), 403)
    problem(mc.put(path(hours["unserved"]), json={"value": WEEKDAYS}), 403)
    set_team_rights(admin, hours["sub"], [])  # the serving team stops enabling it
    problem(mc.put(path(hours["company"]), json={"value": WEEKDAYS}), 403)
    set_team_rights(admin, hours["sub"], ["manage_business_hours"])
    set_manager(admin, hours["mgr"]["id"], [], [hours["top"]])  # the manager stops holding it
    problem(mc.put(path(hours["company"]), json={"value": WEEKDAYS}), 403)
    problem(mc.delete(path(hours["company"])), 403)
    tech, _ = srv.make_user(admin, "technician", company_ids=[hours["company"]])
    problem(srv.login_as(tech).put(path(hours["company"]), json={"value": WEEKDAYS}), 403)
    assert admin.put(path(hours["company"]), json={"value": ALWAYS}).status_code == 200


def test_bad_hours_from_a_manager_change_nothing(srv, admin, hours):
    before = effective(admin, hours["company"])
    bad = {"mon": [{"open": "18:00", "close": "08:00"}]}
    r = hours["mc"].put(path(hours["company"]), json={"value": bad})
    assert problem(r, 422)["field"] == "value"
    assert effective(admin, hours["company"]) == before


def may_change(client, company):
    r = client.get("/api/v1/companies/%s/settings" % company)
    assert r.status_code == 200, r.text
    return {i["name"]: i["may_change"] for i in r.json()["items"]}


def test_the_settings_say_where_the_caller_may_change_them(srv, admin, hours):
    """the managers' page lists only what the server will take: may_change"""
    mc = hours["mc"]
    mine = may_change(mc, hours["company"])
    assert mine.pop("business_hours") is True
    assert mine and not any(mine.values())  # no other setting
    assert not any(may_change(mc, hours["unserved"]).values())
    assert all(may_change(admin, hours["company"]).values())
    tech, _ = srv.make_user(admin, "technician", company_ids=[hours["company"]])
    assert not any(may_change(srv.login_as(tech), hours["company"]).values())
    set_manager(admin, hours["mgr"]["id"], [], [hours["top"]])  # the manager stops holding it
    assert not any(may_change(mc, hours["company"]).values())
    # another account's admin does not even see the company
    problem(srv.admin("B").get("/api/v1/companies/%s/settings" % hours["company"]), 404)
