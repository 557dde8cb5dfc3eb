"""Settings: account values, per-company overrides, effective value and source."""
import pytest

from conftest import audit_items as audit, problem, uniq


def by_name(items):
    return {i["name"]: i for i in items}


def company(srv, admin, name):
    r = admin.post("/api/v1/companies", json={"name": uniq(name + " ")})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def own(srv):
    """two accounts of this module's own: account-level changes here must not
    change the language of other modules' mails"""
    for key in ("Settings1", "Settings2"):
        if key not in srv.accounts:
            srv.add_account(key, key)
    return srv.admin("Settings1"), srv.admin("Settings2")


def test_catalogue_with_defaults(srv, admin):
    items = by_name(admin.get("/api/v1/settings").json()["items"])
    assert set(items) >= {"language", "time_zone", "session_recording", "business_hours"}
    assert items["language"]["allowed"] == ["en", "fr", "ru"]
    assert items["language"]["type"] == "enum" and items["language"]["description"]
    assert items["session_recording"]["default"] is False
    assert items["business_hours"]["default"]["mon"] == [{"open": "09:00", "close": "17:00"}]
    assert items["business_hours"]["default"]["sat"] == []
    assert items["time_zone"]["default"] == "UTC"


def test_company_override_source_and_fallback(srv, own):
    a, _ = own
    cid = company(srv, a, "Override Co")
    eff = by_name(a.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert eff["time_zone"] == {**eff["time_zone"], "value": "UTC", "source": "default"}
    r = a.patch("/api/v1/settings", json={"time_zone": "Europe/Paris"})
    assert r.status_code == 200, r.text
    assert by_name(r.json()["items"])["time_zone"]["source"] == "account"
    eff = by_name(a.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert eff["time_zone"]["value"] == "Europe/Paris" and eff["time_zone"]["source"] == "account"
    assert eff["language"]["source"] == "default"
    r = a.put("/api/v1/companies/%s/settings/time_zone" % cid, json={"value": "Asia/Tokyo"})
    assert r.status_code == 200 and r.json()["source"] == "company", r.text
    eff = by_name(a.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert eff["time_zone"]["value"] == "Asia/Tokyo" and eff["time_zone"]["source"] == "company"
    # another company of the account still sees the account's value
    other = by_name(a.get("/api/v1/companies/%s/settings" % srv.default_company(a)).json()["items"])
    assert other["time_zone"]["value"] == "Europe/Paris" and other["time_zone"]["source"] == "account"
    assert a.delete("/api/v1/companies/%s/settings/time_zone" % cid).status_code == 204
    eff = by_name(a.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert eff["time_zone"]["value"] == "Europe/Paris" and eff["time_zone"]["source"] == "account"
    # removing it again is not an error
    assert a.delete("/api/v1/companies/%s/settings/time_zone" % cid).status_code == 204
    # null puts the account back on the default
    r = a.patch("/api/v1/settings", json={"time_zone": None})
    assert r.status_code == 200, r.text
    tz = by_name(r.json()["items"])["time_zone"]
    assert tz["value"] == "UTC" and tz["source"] == "default"


def test_changes_are_audited_old_to_new(srv, own):
    a, _ = own
    cid = company(srv, a, "Audited Settings Co")
    account_id = srv.accounts["Settings1"]["id"]
    assert a.patch("/api/v1/settings", json={"session_recording": True}).status_code == 200
    e = audit(a, "setting.update", account_id)[0]
    assert e["old"] == {"session_recording": False} and e["new"] == {"session_recording": True}
    assert a.put("/api/v1/companies/%s/settings/session_recording" % cid, json={"value": False}).status_code == 200
    e = audit(a, "setting.override", cid)[0]
    assert e["old"] == {"session_recording": True, "source": "account"}
    assert e["new"] == {"session_recording": False}
    assert a.delete("/api/v1/companies/%s/settings/session_recording" % cid).status_code == 204
    e = audit(a, "setting.override_remove", cid)[0]
    assert e["old"] == {"session_recording": False, "source": "company"}
    assert e["new"] == {"session_recording": True, "source": "account"}
    assert a.patch("/api/v1/settings", json={"session_recording": None}).status_code == 200
    e = audit(a, "setting.reset", account_id)[0]
    assert e["old"] == {"session_recording": True} and e["new"] == {"session_recording": False}


def test_patch_is_all_or_nothing(srv, own):
    a, _ = own
    before = by_name(a.get("/api/v1/settings").json()["items"])
    r = a.patch("/api/v1/settings", json={"session_recording": not before["session_recording"]["value"],
                                          "time_zone": "Europe/Berlin", "language": "de"})
    assert problem(r, 422, "invalid-field")["field"] == "language"
    after = by_name(a.get("/api/v1/settings").json()["items"])
    assert after == before
    r = a.patch("/api/v1/settings", json={"language": "fr", "nonsense": True})
    assert problem(r, 422, "unknown-field")["field"] == "nonsense"
    assert by_name(a.get("/api/v1/settings").json()["items"]) == before


def test_bad_values_are_refused_with_the_field(srv, admin):
    before = admin.get("/api/v1/settings").json()
    bad = [
        ({"language": 3}, "language"),
        ({"language": "EN"}, "language"),
        ({"language": ""}, "language"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"time_zone": "Europe/../../../etc/passwd"}, "time_zone"),
        ({"time_zone": "/etc/passwd"}, "time_zone"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "posix/Europe/Paris"}, "time_zone"),
        ({"time_zone": "zone.tab"}, "time_zone"),
        ({"time_zone": "Europe"}, "time_zone"),
        ({"time_zone": 1}, "time_zone"),
        ({"session_recording": "yes"}, "session_recording"),
        ({"session_recording": 1}, "session_recording"),
        ({"business_hours": []}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "18:00", "close": "09:00"}]}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "09:00", "close": "09:00"}]}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "09:00", "close": "12:00"}, {"open": "11:00", "close": "13:00"}]}},
         "business_hours"),
        ({"business_hours": {"funday": []}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "9", "close": "10:00"}]}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "09:00", "close": "24:01"}]}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "09:00"}]}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "09:00", "close": "10:00", "note": "x"}]}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "0%d:00" % h, "close": "0%d:30" % h} for h in range(5)]}},
         "business_hours"),
        ({"business_hours": {"mon": "09:00-17:00"}}, "business_hours"),
        ({"nonsense": 1}, "nonsense"),
    ]
    for body, field in bad:
        r = admin.patch("/api/v1/settings", json=body)
        assert problem(r, 422)["field"] == field, body
    problem(admin.patch("/api/v1/settings", json={}), 422)
    problem(admin.patch("/api/v1/settings", json=[]), 400)
    assert admin.get("/api/v1/settings").json() == before


def test_bad_override_values(srv, own):
    a, _ = own
    cid = company(srv, a, "Bad Override Co")
    for name, value in (("language", "de"), ("time_zone", "../../etc/passwd"), ("session_recording", None),
                        ("business_hours", {"mon": [{"open": "10:00", "close": "09:00"}]})):
        r = a.put("/api/v1/companies/%s/settings/%s" % (cid, name), json={"value": value})
        assert problem(r, 422, "invalid-field")["field"] == "value", (name, value)
    problem(a.put("/api/v1/companies/%s/settings/language" % cid, json={}), 422)
    problem(a.put("/api/v1/companies/%s/settings/language" % cid, json={"value": "fr", "x": 1}), 422)
    eff = by_name(a.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert all(i["source"] != "company" for i in eff.values())
    # an unknown company is a 404 whatever the body says
    problem(a.put("/api/v1/companies/cmp_aaaaaaaaaaaaaaaaaaaa/settings/language", json={"value": "xx"}), 404)
    problem(a.put("/api/v1/companies/nonsense/settings/language", json={"value": "fr"}), 404)
    problem(a.delete("/api/v1/companies/cmp_aaaaaaaaaaaaaaaaaaaa/settings/language"), 404)
    problem(a.get("/api/v1/companies/cmp_aaaaaaaaaaaaaaaaaaaa/settings"), 404)


def test_business_hours_are_stored_whole_and_sorted(srv, own):
    a, _ = own
    hours = {"mon": [{"open": "13:00", "close": "17:30"}, {"open": "08:00", "close": "12:00"}], "sun": []}
    r = a.patch("/api/v1/settings", json={"business_hours": hours})
    assert r.status_code == 200, r.text
    want = {"mon": [{"open": "08:00", "close": "12:00"}, {"open": "13:00", "close": "17:30"}],
            "tue": [], "wed": [], "thu": [], "fri": [], "sat": [], "sun": []}
    got = by_name(r.json()["items"])["business_hours"]["value"]
    assert got == want and list(got) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    cid = company(srv, a, "Hours Co")
    r = a.put("/api/v1/companies/%s/settings/business_hours" % cid,
              json={"value": {"sat": [{"open": "00:00", "close": "24:00"}]}})
    assert r.status_code == 200, r.text
    assert r.json()["value"]["sat"] == [{"open": "00:00", "close": "24:00"}] and r.json()["value"]["mon"] == []
    assert a.patch("/api/v1/settings", json={"business_hours": None}).status_code == 200


def test_language_reaches_me(srv, own):
    a, _ = own
    cid = company(srv, a, "Lang Co")
    u, pw = srv.make_user(a, "member", company_ids=[cid])
    c = srv.login_as(u, pw)
    assert c.get("/api/v1/me").json()["language"] == "en"
    assert a.get("/api/v1/me").json()["language"] == "en"
    # the account's language reaches the user and the admin (who has no company)
    assert a.patch("/api/v1/settings", json={"language": "fr"}).status_code == 200
    assert c.get("/api/v1/me").json()["language"] == "fr"
    assert a.get("/api/v1/me").json()["language"] == "fr"
    # the company's override wins for its users only
    assert a.put("/api/v1/companies/%s/settings/language" % cid, json={"value": "ru"}).status_code == 200
    assert c.get("/api/v1/me").json()["language"] == "ru"
    assert a.get("/api/v1/me").json()["language"] == "fr"
    assert a.delete("/api/v1/companies/%s/settings/language" % cid).status_code == 204
    assert c.get("/api/v1/me").json()["language"] == "fr"
    assert a.patch("/api/v1/settings", json={"language": None}).status_code == 200
    assert c.get("/api/v1/me").json()["language"] == "en"


def test_readers_read_and_only_admins_change(srv, own):
    a, _ = own
    cid = company(srv, a, "Readers Co")
    for role in ("technician", "manager"):
        u, pw = srv.make_user(a, role, company_ids=[cid])
        c = srv.login_as(u, pw)
        assert c.get("/api/v1/settings").status_code == 200
        assert c.get("/api/v1/companies/%s/settings" % cid).status_code == 200
        problem(c.patch("/api/v1/settings", json={"language": "fr"}), 403)
        problem(c.put("/api/v1/companies/%s/settings/language" % cid, json={"value": "fr"}), 403)
        problem(c.delete("/api/v1/companies/%s/settings/language" % cid), 403)
    u, pw = srv.make_user(a, "member", company_ids=[cid])
    m = srv.login_as(u, pw)
    problem(m.get("/api/v1/settings"), 403)
    problem(m.get("/api/v1/companies/%s/settings" % cid), 403)
    problem(srv.client().get("/api/v1/settings"), 401)
    eff = by_name(a.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert eff["language"]["source"] != "company"


def test_unknown_setting(srv, admin):
    cid = srv.default_company(admin)
    problem(admin.put("/api/v1/companies/%s/settings/nope" % cid, json={"value": 1}), 404)
    problem(admin.delete("/api/v1/companies/%s/settings/nope" % cid), 404)


def test_accounts_are_isolated(srv, own):
    a, b = own
    a_company = company(srv, a, "Isolated Co")
    assert a.put("/api/v1/companies/%s/settings/language" % a_company, json={"value": "ru"}).status_code == 200
    # B's account values do not reach A
    assert b.patch("/api/v1/settings", json={"time_zone": "America/New_York"}).status_code == 200
    assert by_name(a.get("/api/v1/settings").json()["items"])["time_zone"]["value"] == "UTC"
    # B cannot see or change A's company settings
    problem(b.get("/api/v1/companies/%s/settings" % a_company), 404)
    problem(b.put("/api/v1/companies/%s/settings/language" % a_company, json={"value": "fr"}), 404)
    problem(b.delete("/api/v1/companies/%s/settings/language" % a_company), 404)
    eff = by_name(a.get("/api/v1/companies/%s/settings" % a_company).json()["items"])
    assert eff["language"] == {**eff["language"], "value": "ru", "source": "company"}
    assert b.patch("/api/v1/settings", json={"time_zone": None}).status_code == 200
