"""Each user may choose their own language and time zone (PATCH /api/v1/me,
or an administrator on the user); null gives the choice back to their
company, else the account. GET /api/v1/me says the effective values and
where they come from; problem details and e-mails follow the language."""
from conftest import PASSWORD, problem, uniq


def test_own_language_and_time_zone_then_back_to_the_company(srv, admin):
    cid = admin.post("/api/v1/companies", json={"name": uniq("Filiale ")}).json()["id"]
    assert admin.put("/api/v1/companies/%s/settings/language" % cid, json={"value": "fr"}).status_code == 200
    u, _ = srv.make_user(admin, "member", company_ids=[cid])
    assert u["language"] is None and u["time_zone"] is None
    c = srv.login_as(u)
    me = c.get("/api/v1/me").json()
    assert (me["language"], me["language_source"]) == ("fr", "company"), me
    assert me["time_zone_source"] in ("account", "company") and me["time_zone"], me

    r = c.patch("/api/v1/me", json={"language": "ru", "time_zone": "Europe/Moscow"})
    assert r.status_code == 200, r.text
    b = r.json()
    assert b["user"]["language"] == "ru" and b["user"]["time_zone"] == "Europe/Moscow"
    assert (b["language"], b["language_source"], b["time_zone"], b["time_zone_source"]) == \
        ("ru", "user", "Europe/Moscow", "user"), b
    me = c.get("/api/v1/me").json()
    assert me["language"] == "ru" and me["time_zone"] == "Europe/Moscow"
    # problem details follow the user's language, whatever the browser says
    r = c.post("/api/v1/me/password", json={"current_password": "wrong one!!", "new_password": "x"},
               headers={"Accept-Language": "fr"})
    assert problem(r, 403, "wrong-password")["detail"] == "текущий пароль неверен"
    assert r.headers["Content-Language"] == "ru"
    # and so do the e-mails
    assert srv.client().post("/api/v1/password-reset", json={"email": u["email"]}).status_code == 202
    mail = srv.wait_mail(u["email"])[-1]
    assert "Сброс пароля" in mail["Subject"], mail["Subject"]

    for bad in ({"language": "de"}, {"language": 5}, {"time_zone": "Mars/Olympus"}, {"time_zone": 3},
                {"language": "ru", "theme": "dark"}):
        r = c.patch("/api/v1/me", json=bad)
        assert r.status_code == 422, (bad, r.text)
    assert c.get("/api/v1/me").json()["language"] == "ru"  # nothing half-written

    r = c.patch("/api/v1/me", json={"language": None, "time_zone": None})
    assert r.status_code == 200, r.text
    me = c.get("/api/v1/me").json()
    assert (me["language"], me["language_source"]) == ("fr", "company") and me["user"]["language"] is None
    assert me["time_zone_source"] != "user"
    items = admin.get("/api/v1/audit", params={"target": u["id"], "action": "user.preferences"}).json()["items"]
    assert len(items) == 2, items


def test_administrators_choose_for_a_user(srv, admin):
    cid = srv.default_company(admin)
    body = {"email": "%s@example.test" % uniq("lang"), "display_name": uniq("Name "), "role": "member",
            "company_ids": [cid], "password": PASSWORD, "must_change_password": False,
            "language": "fr", "time_zone": "Europe/Paris"}
    r = admin.post("/api/v1/users", json=body)
    assert r.status_code == 201, r.text
    u = r.json()
    assert u["language"] == "fr" and u["time_zone"] == "Europe/Paris"
    r = admin.patch("/api/v1/users/" + u["id"], json={"language": "en"})
    assert r.status_code == 200 and r.json()["language"] == "en" and r.json()["time_zone"] == "Europe/Paris"
    problem(admin.patch("/api/v1/users/" + u["id"], json={"time_zone": "Nowhere/Special"}), 422, "invalid-field")
    problem(admin.post("/api/v1/users", json={**body, "email": "x" + body["email"], "language": "xx"}), 422)
    assert srv.login_as(u).get("/api/v1/me").json()["language"] == "en"
