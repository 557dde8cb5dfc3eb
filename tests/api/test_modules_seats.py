"""Modules and seats (issue 17, section 4): the operator sets an account's
seats per module with `convene account seats`; an administrator gives
technicians, managers and administrators modules with PATCH
/api/v1/users/{id} `modules`, each holder taking a seat; going past the
count, an unknown module or a role that may hold none is refused naming
what; GET /api/v1/account/seats shows seats and use; every change is
audited."""
import pytest

from conftest import audit_items, problem, uniq

MODULES = ("remote_support", "service_desk")


@pytest.fixture(scope="module")
def acct(srv):
    key = uniq("Seats")
    srv.add_account(key, "Seats account")
    return key, srv.accounts[key]["id"], srv.admin(key)


def seats(admin):
    r = admin.get("/api/v1/account/seats")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["module"] for i in items] == list(MODULES)
    return {i["module"]: (i["seats"], i["used"]) for i in items}


def set_seats(srv, account, module, count, check=True):
    return srv.cli("account", "seats", "--account", account, "--module", module, "--count", str(count),
                   check=check)


def give(admin, user, modules):
    return admin.patch("/api/v1/users/" + user["id"], json={"modules": modules})


def test_seats_start_at_none_and_the_operator_sets_them(srv, acct):
    key, account, admin = acct
    assert seats(admin) == {"remote_support": (0, 0), "service_desk": (0, 0)}
    r = set_seats(srv, account, "remote_support", 2)
    assert "remote_support has 2 seats" in r.stdout, r.stdout
    assert seats(admin)["remote_support"] == (2, 0)
    shown = srv.cli("account", "seats", "--account", account).stdout
    assert "remote_support" in shown and "2 seats, 0 in use" in shown and "service_desk" in shown, shown
    log = audit_items(admin, "account.seats", account)
    assert log and log[0]["new"]["seats"] == 2 and log[0]["new"]["module"] == "remote_support", log


def test_a_module_takes_a_seat_and_the_last_one_is_refused_by_name(srv, acct):
    key, account, admin = acct
    set_seats(srv, account, "service_desk", 2)
    t1, _ = srv.make_user(admin, "technician")
    t2, _ = srv.make_user(admin, "manager")
    t3, _ = srv.make_user(admin, "technician")
    before = seats(admin)["service_desk"][1]
    assert before == 0
    r = give(admin, t1, ["service_desk", "service_desk"])  # a duplicate counts once
    assert r.status_code == 200, r.text
    assert r.json()["modules"] == ["service_desk"]
    assert give(admin, t2, ["service_desk"]).status_code == 200
    assert seats(admin)["service_desk"] == (2, 2)
    body = problem(give(admin, t3, ["service_desk"]), 409, "no-seats")
    assert body["module"] == "service_desk" and body["seats"] == 2 and body["used"] == 2, body
    assert "service_desk" in body["detail"] and "2 of 2" in body["detail"], body
    assert admin.get("/api/v1/users/" + t3["id"]).json()["modules"] == []
    # giving again what one holds takes no new seat
    assert give(admin, t1, ["service_desk"]).status_code == 200
    # freeing a seat lets another have it
    assert give(admin, t1, []).json()["modules"] == []
    assert give(admin, t3, ["service_desk"]).status_code == 200
    assert seats(admin)["service_desk"] == (2, 2)
    listed = {u["id"]: u["modules"] for u in admin.get("/api/v1/users", params={"limit": 200}).json()["items"]}
    assert listed[t3["id"]] == ["service_desk"] and listed[t1["id"]] == []
    log = audit_items(admin, "user.modules", t3["id"])
    assert log[0]["old"] == {"modules": []} and log[0]["new"]["modules"] == ["service_desk"], log


def test_the_problem_is_in_the_callers_language(srv, acct):
    key, account, admin = acct
    set_seats(srv, account, "remote_support", 0)
    t, _ = srv.make_user(admin, "technician")
    r = admin.patch("/api/v1/users/" + t["id"], json={"modules": ["remote_support"]},
                    headers={"Accept-Language": "fr"})
    body = problem(r, 409, "no-seats")
    if r.headers.get("Content-Language") == "fr":
        assert "remote_support" in body["detail"] and "place" in body["detail"], body


def test_only_technicians_managers_and_admins_hold_modules(srv, acct):
    key, account, admin = acct
    set_seats(srv, account, "remote_support", 10)
    for role in ("member", "customer", "api_manager", "guest"):
        u, _ = srv.make_user(admin, role)
        body = problem(give(admin, u, ["remote_support"]), 422, "invalid-field")
        assert body["field"] == "modules" and role in body["detail"], body
        # taking none is always fine
        assert give(admin, u, []).status_code == 200
    a, _ = srv.make_user(admin, "admin")
    assert give(admin, a, ["remote_support"]).json()["modules"] == ["remote_support"]


def test_a_role_that_may_hold_none_gives_the_seats_back(srv, acct):
    key, account, admin = acct
    set_seats(srv, account, "remote_support", 20)
    t, _ = srv.make_user(admin, "technician")
    assert give(admin, t, ["remote_support"]).status_code == 200
    used = seats(admin)["remote_support"][1]
    r = admin.patch("/api/v1/users/" + t["id"], json={"role": "member"})
    assert r.status_code == 200 and r.json()["modules"] == [], r.text
    assert seats(admin)["remote_support"][1] == used - 1
    log = audit_items(admin, "user.modules", t["id"])
    assert log[0]["new"]["modules"] == [] and "member" in log[0]["new"]["reason"], log
    # a role and modules it may not hold in one request: nothing is changed
    t2, _ = srv.make_user(admin, "technician")
    body = problem(admin.patch("/api/v1/users/" + t2["id"], json={"role": "member", "modules": ["remote_support"]}),
                   422, "invalid-field")
    assert body["field"] == "modules"
    assert admin.get("/api/v1/users/" + t2["id"]).json()["role"] == "technician"
    # from technician to manager the modules stay
    assert give(admin, t2, ["remote_support"]).status_code == 200
    r = admin.patch("/api/v1/users/" + t2["id"], json={"role": "manager"})
    assert r.json()["modules"] == ["remote_support"], r.text


@pytest.mark.parametrize("body,field", [
    ({"modules": ["remote_control"]}, "modules"),
    ({"modules": "remote_support"}, "modules"),
    ({"modules": [1]}, "modules"),
    ({"modules": ["x"] * 9}, "modules"),
    ({"modules": None}, "modules"),
])
def test_bad_modules_are_named(srv, acct, body, field):
    key, account, admin = acct
    t, _ = srv.make_user(admin, "technician")
    r = admin.patch("/api/v1/users/" + t["id"], json=body)
    assert r.status_code in (400, 422), r.text
    assert r.json().get("field") == field, r.text


def test_only_administrators_give_modules(srv, acct):
    key, account, admin = acct
    set_seats(srv, account, "remote_support", 30)
    target, _ = srv.make_user(admin, "technician")
    for role in ("technician", "manager", "member"):
        u, _ = srv.make_user(admin, role)
        c = srv.login_as(u)
        assert give(c, target, ["remote_support"]).status_code == 403
        assert give(c, u, ["remote_support"]).status_code == 403
    assert admin.get("/api/v1/users/" + target["id"]).json()["modules"] == []
    member, _ = srv.make_user(admin, "member")
    problem(srv.login_as(member).get("/api/v1/account/seats"), 403)


def test_the_operator_cannot_go_below_the_seats_in_use(srv, acct):
    key, account, admin = acct
    set_seats(srv, account, "service_desk", 5)
    used = seats(admin)["service_desk"][1]
    assert used >= 2
    r = set_seats(srv, account, "service_desk", used - 1, check=False)
    assert r.returncode == 1, r.stdout
    assert "%d seats in use, held by %d users" % (used, used) in r.stderr, r.stderr
    assert "from 1 of them" in r.stderr, r.stderr
    assert seats(admin)["service_desk"] == (5, used)
    assert set_seats(srv, account, "service_desk", used).returncode == 0
    assert seats(admin)["service_desk"] == (used, used)


def test_the_cli_refuses_bad_input(srv, acct):
    key, account, admin = acct
    for args, text in ((("--module", "remote_control", "--count", "1"), "unknown module"),
                       (("--module", "remote_support", "--count", "-1"), "--count"),
                       (("--module", "remote_support", "--count", "x"), "--count"),
                       (("--module", "remote_support", "--count", "100001"), "--count"),
                       (("--module", "remote_support"), "go together")):
        r = srv.cli("account", "seats", "--account", account, *args, check=False)
        assert r.returncode == 2 and text in r.stderr, (args, r.stderr)
    r = srv.cli("account", "seats", "--account", "acc_nothere", "--module", "remote_support", "--count", "1",
                check=False)
    assert r.returncode == 1 and "no account" in r.stderr, r.stderr
    r = srv.cli("account", "seats", "--help")
    assert r.returncode == 0 and "--module" in r.stdout and "--count" in r.stdout


def test_accounts_do_not_share_seats(srv, acct):
    key, account, admin = acct
    other = srv.admin("A")
    before = seats(other)
    set_seats(srv, account, "remote_support", 40)
    assert seats(other) == before


def test_two_administrators_cannot_both_take_the_last_seat(srv, acct):
    """the seat count is locked while a grant is checked (PostgreSQL: FOR
    UPDATE; SQLite has one writer): of two grants at once, exactly one wins"""
    import threading
    key, account, admin = acct
    other, _ = srv.make_user(admin, "admin")
    admins = [admin, srv.login_as(other)]
    for _ in range(3):
        techs = [srv.make_user(admin, "technician")[0] for _ in admins]
        used = seats(admin)["remote_support"][1]
        set_seats(srv, account, "remote_support", used + 1)
        results = [None, None]
        go = threading.Barrier(2)

        def grant(i):
            go.wait()
            results[i] = give(admins[i], techs[i], ["remote_support"]).status_code

        threads = [threading.Thread(target=grant, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [200, 409], results
        assert seats(admin)["remote_support"] == (used + 1, used + 1)
