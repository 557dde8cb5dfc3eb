"""A portal whose customer_auth is `sign_in` (issue 17): only the company's
customers signed in through the web app may ask; their name and address come
from their user, the session remembers who they are, and a page of another
site cannot ask in their name (the CSRF token is checked although the route
is public)."""
import pytest

from conftest import problem
from supportutil import make_portal, make_team, make_tech


@pytest.fixture
def desk(srv, admin):
    team = make_team(admin)
    portal = make_portal(srv, admin, teams=[team], customer_auth="sign_in")
    make_tech(srv, admin, portal["company_id"], team)
    return portal


def sessions_path(portal):
    return "/api/v1/public/portals/%s/sessions" % portal["slug"]


def test_a_signed_in_customer_asks_with_their_own_name(srv, admin, desk):
    cust, _ = srv.make_user(admin, "customer", company_ids=[desk["company_id"]], display_name="Cleo Customer")
    c = srv.login_as(cust)
    r = c.post(sessions_path(desk), json={"question": "The VPN drops", "name": "Someone Else",
                                           "email": "else@example.test"})
    assert r.status_code == 201, r.text
    s = r.json()
    row = srv.rows("SELECT customer_name, customer_email, customer_user_id FROM support_sessions"
                   " WHERE id = '%s'" % s["id"])[0]
    assert list(row) == ["Cleo Customer", cust["email"], cust["id"]]
    shown = c.get(sessions_path(desk) + "/" + s["id"], params={"token": s["token"]})
    assert shown.status_code == 200, shown.text


def test_nobody_signed_in_is_asked_to_sign_in(srv, desk):
    r = srv.client().post(sessions_path(desk), json={"question": "Hello", "name": "Ann", "email": "ann@example.test"})
    problem(r, 401, "customer-sign-in-required")
    assert srv.rows("SELECT count(*) FROM support_sessions WHERE portal_id = '%s'" % desk["id"])[0][0] == "0"


def test_only_customers_of_the_company(srv, admin, desk):
    other_co = admin.post("/api/v1/companies", json={"name": "Elsewhere Ltd"}).json()["id"]
    outsider, _ = srv.make_user(admin, "customer", company_ids=[other_co])
    member, _ = srv.make_user(admin, "member", company_ids=[desk["company_id"]])
    for u in (outsider, member):
        r = srv.login_as(u).post(sessions_path(desk), json={"question": "Hello"})
        problem(r, 403, "not-a-customer")
    r = admin.post(sessions_path(desk), json={"question": "Hello"})
    problem(r, 403, "not-a-customer")


def test_another_sites_page_cannot_ask_in_their_name(srv, admin, desk):
    cust, _ = srv.make_user(admin, "customer", company_ids=[desk["company_id"]])
    c = srv.login_as(cust)
    r = c.post(sessions_path(desk), json={"question": "Hello"}, headers={"X-CSRF-Token": "forged"})
    problem(r, 403, "csrf")
    c.csrf = None
    problem(c.post(sessions_path(desk), json={"question": "Hello"}), 403, "csrf")


def test_a_customer_of_another_account_is_not_signed_in_here(srv, desk):
    b = srv.admin("B")
    co = b.post("/api/v1/companies", json={"name": "B's customers"}).json()["id"]
    cust, _ = srv.make_user(b, "customer", company_ids=[co])
    r = srv.login_as(cust).post(sessions_path(desk), json={"question": "Hello"})
    problem(r, 401, "customer-sign-in-required")


def test_a_contact_portal_still_needs_name_and_address(srv, admin):
    portal = make_portal(srv, admin)
    r = srv.client().post(sessions_path(portal), json={"question": "Hello", "email": "ann@example.test"})
    assert problem(r, 422)["field"] == "name"
    r = srv.client().post(sessions_path(portal), json={"question": "Hello", "name": "Ann"})
    assert problem(r, 422)["field"] == "email"
    assert srv.rows("SELECT count(*) FROM support_sessions WHERE portal_id = '%s'" % portal["id"])[0][0] == "0"
