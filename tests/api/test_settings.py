"""Settings: account values, per-company overrides, effective value and source."""
from conftest import problem


def by_name(items):
    return {i["name"]: i for i in items}


def company(srv, admin, name):
    r = admin.post("/api/v1/companies", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_catalogue_with_defaults(srv, admin):
    items = by_name(admin.get("/api/v1/settings").json()["items"])
    assert set(items) >= {"language", "time_zone", "session_recording", "business_hours"}
    assert items["language"]["allowed"] == ["en", "fr", "ru"]
    assert items["session_recording"]["default"] is False
    assert items["business_hours"]["default"]["mon"] == [{"open": "09:00", "close": "17:00"}]


def test_company_override_source_and_fallback(srv):
    # an account of its own: other tests change account B's settings
    if "SettingsC" not in srv.accounts:
        srv.add_account("SettingsC", "Settings account")
    admin = srv.admin("SettingsC")
    cid = company(srv, admin, "Override Co")
    r = admin.patch("/api/v1/settings", json={"time_zone": "Europe/Paris"})
    assert r.status_code == 200, r.text
    eff = by_name(admin.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert eff["time_zone"]["value"] == "Europe/Paris" and eff["time_zone"]["source"] == "account"
    assert eff["language"]["source"] == "default"
    r = admin.put("/api/v1/companies/%s/settings/time_zone" % cid, json={"value": "Asia/Tokyo"})
    assert r.status_code == 200 and r.json()["source"] == "company", r.text
    eff = by_name(admin.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert eff["time_zone"]["value"] == "Asia/Tokyo" and eff["time_zone"]["source"] == "company"
    assert admin.delete("/api/v1/companies/%s/settings/time_zone" % cid).status_code == 204
    eff = by_name(admin.get("/api/v1/companies/%s/settings" % cid).json()["items"])
    assert eff["time_zone"]["value"] == "Europe/Paris" and eff["time_zone"]["source"] == "account"


def test_patch_is_all_or_nothing(srv, admin):
    before = by_name(admin.get("/api/v1/settings").json()["items"])
    r = admin.patch("/api/v1/settings", json={"session_recording": True, "language": "de"})
    assert problem(r, 422, "invalid-field")["field"] == "language"
    after = by_name(admin.get("/api/v1/settings").json()["items"])
    assert after["session_recording"]["value"] == before["session_recording"]["value"]


def test_bad_values_are_refused_with_the_field(srv, admin):
    bad = [
        ({"language": 3}, "language"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"session_recording": "yes"}, "session_recording"),
        ({"business_hours": {"mon": [{"open": "18:00", "close": "09:00"}]}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "09:00", "close": "12:00"}, {"open": "11:00", "close": "13:00"}]}},
         "business_hours"),
        ({"business_hours": {"funday": []}}, "business_hours"),
        ({"business_hours": {"mon": [{"open": "9", "close": "10:00"}]}}, "business_hours"),
        ({"nonsense": 1}, "nonsense"),
    ]
    for body, field in bad:
        r = admin.patch("/api/v1/settings", json=body)
        assert problem(r, 422)["field"] == field, body
    problem(admin.patch("/api/v1/settings", json={}), 422)


def test_business_hours_round_trip(srv):
    admin = srv.admin("B")
    hours = {"mon": [{"open": "08:00", "close": "12:00"}, {"open": "13:00", "close": "17:30"}], "sun": []}
    r = admin.patch("/api/v1/settings", json={"business_hours": hours})
    assert r.status_code == 200, r.text
    assert by_name(r.json()["items"])["business_hours"]["value"] == hours


def test_language_reaches_me_through_company_override(srv, admin):
    cid = company(srv, admin, "Lang Co")
    u, pw = srv.make_user(admin, "member", company_ids=[cid])
    c = srv.login_as(u, pw)
    assert c.get("/api/v1/me").json()["language"] == "en"
    assert admin.put("/api/v1/companies/%s/settings/language" % cid, json={"value": "ru"}).status_code == 200
    assert c.get("/api/v1/me").json()["language"] == "ru"


def test_unknown_setting_and_other_accounts_company(srv, admin):
    cid = srv.default_company(admin)
    problem(admin.put("/api/v1/companies/%s/settings/nope" % cid, json={"value": 1}), 404)
    other = srv.default_company(srv.admin("B"))
    problem(admin.get("/api/v1/companies/%s/settings" % other), 404)
    problem(admin.put("/api/v1/companies/%s/settings/language" % other, json={"value": "fr"}), 404)

