"""Devices of companies: CRUD, several companies per device, company delete guard."""
from conftest import audit_items as audit, problem, uniq


def new_company(admin):
    r = admin.post("/api/v1/companies", json={"name": uniq("Dev Co ")})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_device_crud_in_two_companies(srv, admin):
    c1, c2 = new_company(admin), new_company(admin)
    r = admin.post("/api/v1/devices", json={"name": "Front desk PC", "kind": "desktop", "serial": "SN-1",
                                            "notes": "by the door", "company_ids": [c1, c2]})
    assert r.status_code == 201, r.text
    d = r.json()
    assert sorted(d["company_ids"]) == sorted([c1, c2]) and d["kind"] == "desktop"
    assert [x["id"] for x in admin.get("/api/v1/companies/%s/devices" % c2).json()["items"]] == [d["id"]]
    assert d["id"] in [x["id"] for x in admin.get("/api/v1/devices", params={"q": "front desk"}).json()["items"]]
    r = admin.patch("/api/v1/devices/" + d["id"], json={"company_ids": [c2], "serial": "SN-2"})
    assert r.status_code == 200 and r.json()["company_ids"] == [c2] and r.json()["serial"] == "SN-2"
    assert admin.get("/api/v1/companies/%s/devices" % c1).json()["items"] == []
    assert admin.delete("/api/v1/devices/" + d["id"]).status_code == 204
    problem(admin.get("/api/v1/devices/" + d["id"]), 404)


def test_company_with_devices_cannot_be_deleted(srv, admin):
    c = new_company(admin)
    d = admin.post("/api/v1/devices", json={"name": "Printer", "kind": "printer", "company_ids": [c]}).json()
    body = problem(admin.delete("/api/v1/companies/" + c), 409, "company-not-empty")
    assert "1 device" in body["detail"] and body["device_count"] == 1
    admin.delete("/api/v1/devices/" + d["id"])
    assert admin.delete("/api/v1/companies/" + c).status_code == 204


def test_bad_device_input(srv, admin):
    c = new_company(admin)
    cases = [
        ({"kind": "desktop", "company_ids": [c]}, "name"),
        ({"name": "", "company_ids": [c]}, "name"),
        ({"name": "X", "kind": "toaster", "company_ids": [c]}, "kind"),
        ({"name": "X", "company_ids": []}, "company_ids"),
        ({"name": "X", "company_ids": ["cmp_aaaaaaaaaaaaaaaaaaaa"]}, "company_ids"),
        ({"name": "X", "serial": "s" * 101, "company_ids": [c]}, "serial"),
    ]
    for body, field in cases:
        assert problem(admin.post("/api/v1/devices", json=body), 422)["field"] == field, body


def test_technician_reads_devices_but_cannot_change(srv, admin):
    c = new_company(admin)
    d = admin.post("/api/v1/devices", json={"name": "Laptop", "kind": "laptop", "company_ids": [c]}).json()
    u, pw = srv.make_user(admin, "technician", company_ids=[c])  # reads its own companies' devices
    t = srv.login_as(u, pw)
    assert t.get("/api/v1/devices/" + d["id"]).status_code == 200
    problem(t.patch("/api/v1/devices/" + d["id"], json={"name": "Mine"}), 403)


def test_other_account_cannot_see_or_use_devices(srv, admin):
    c = new_company(admin)
    d = admin.post("/api/v1/devices", json={"name": "Secret server", "kind": "server", "company_ids": [c]}).json()
    b = srv.admin("B")
    problem(b.get("/api/v1/devices/" + d["id"]), 404)
    problem(b.patch("/api/v1/devices/" + d["id"], json={"name": "x"}), 404)
    problem(b.delete("/api/v1/devices/" + d["id"]), 404)
    assert d["id"] not in [x["id"] for x in b.get("/api/v1/devices").json()["items"]]
    bc = srv.default_company(b)
    problem(b.post("/api/v1/devices", json={"name": "x", "company_ids": [c]}), 422)
    problem(admin.get("/api/v1/companies/%s/devices" % bc), 404)


def test_device_changes_are_audited_old_to_new(srv, admin):
    c1, c2 = new_company(admin), new_company(admin)
    d = admin.post("/api/v1/devices", json={"name": "Audited PC", "company_ids": [c1]}).json()
    assert d["kind"] == "other" and d["serial"] == "" and d["notes"] == ""
    e = audit(admin, "device.create", d["id"])[0]
    assert e["old"] is None and e["new"]["name"] == "Audited PC" and e["target"]["label"] == "Audited PC"
    r = admin.patch("/api/v1/devices/" + d["id"], json={"name": "Audited laptop", "kind": "laptop",
                                                        "company_ids": [c1, c2]})
    assert r.status_code == 200, r.text
    e = audit(admin, "device.update", d["id"])[0]
    assert e["old"]["name"] == "Audited PC" and e["old"]["company_ids"] == [c1]
    assert e["new"]["name"] == "Audited laptop" and e["new"]["kind"] == "laptop"
    assert sorted(e["new"]["company_ids"]) == sorted([c1, c2])
    assert admin.delete("/api/v1/devices/" + d["id"]).status_code == 204
    e = audit(admin, "device.delete", d["id"])[0]
    assert e["old"]["name"] == "Audited laptop" and e["new"] is None


def test_device_patch_checks_everything_first(srv, admin):
    c = new_company(admin)
    d = admin.post("/api/v1/devices", json={"name": "Kept", "kind": "tablet", "company_ids": [c]}).json()
    b_company = srv.default_company(srv.admin("B"))
    for body, field in (({"name": ""}, "name"), ({"name": "x" * 201}, "name"), ({"kind": "toaster"}, "kind"),
                        ({"company_ids": []}, "company_ids"), ({"company_ids": [b_company]}, "company_ids"),
                        ({"notes": "n" * 2001}, "notes"), ({"name": "New", "company_ids": ["junk"]}, "company_ids"),
                        ({"colour": "red"}, "colour")):
        assert problem(admin.patch("/api/v1/devices/" + d["id"], json=body), 422)["field"] == field, body
    assert admin.get("/api/v1/devices/" + d["id"]).json() == d
    problem(admin.patch("/api/v1/devices/dev_aaaaaaaaaaaaaaaaaaaa", json={"name": "x"}), 404)
    problem(admin.get("/api/v1/devices/nonsense"), 404)


def test_device_search_filter_and_paging(srv, admin):
    c = new_company(admin)
    tag = uniq("pg")
    ids = set()
    for i in range(5):
        r = admin.post("/api/v1/devices", json={"name": "%s device %d" % (tag, i), "serial": "SER-%s-%d" % (tag, i),
                                                "company_ids": [c]})
        assert r.status_code == 201, r.text
        ids.add(r.json()["id"])
    assert [x["name"] for x in admin.get("/api/v1/devices", params={"q": "ser-%s-3" % tag}).json()["items"]] == \
        ["%s device 3" % tag]
    seen, cursor = [], None
    for _ in range(10):
        params = {"company": c, "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = admin.get("/api/v1/devices", params=params).json()
        assert len(page["items"]) <= 2
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and set(seen) == ids
    assert {x["id"] for x in admin.get("/api/v1/companies/%s/devices" % c).json()["items"]} == ids
    problem(admin.get("/api/v1/devices", params={"limit": 0}), 400)
    problem(admin.get("/api/v1/devices", params={"cursor": "garbage"}), 400)
    problem(admin.get("/api/v1/devices", params={"company": "garbage"}), 400)
    # q is a substring, not a pattern
    assert admin.get("/api/v1/devices", params={"q": "%", "company": c}).json()["items"] == []


def test_lists_show_every_company_of_every_device(srv, admin):
    """the list reads the companies of a whole page at once: each item must be
    what GET /devices/{id} shows, whatever the filter and the page"""
    shared, c1, c2, c3 = (new_company(admin) for _ in range(4))
    tag = uniq("many")
    sets = [[shared], [shared, c1], [shared, c1, c2], [shared, c3], [shared, c2, c3, c1], [shared]]
    made = {}
    for i, companies in enumerate(sets):
        r = admin.post("/api/v1/devices", json={"name": "%s %d" % (tag, i), "company_ids": companies})
        assert r.status_code == 201, r.text
        made[r.json()["id"]] = r.json()
        assert r.json()["company_ids"] == sorted(companies)
    other = admin.post("/api/v1/devices", json={"name": uniq("not ours "), "company_ids": [c1, c2]}).json()

    def listed(path, **params):
        items, cursor = [], None
        while True:
            if cursor:
                params["cursor"] = cursor
            page = admin.get(path, params=params)
            assert page.status_code == 200, page.text
            items += page.json()["items"]
            cursor = page.json()["next_cursor"]
            if not cursor:
                return items

    for path, params in (("/api/v1/devices", {"company": shared, "limit": 4}),
                         ("/api/v1/companies/%s/devices" % shared, {"limit": 2}),
                         ("/api/v1/devices", {"q": tag, "limit": 5}),
                         ("/api/v1/devices", {"q": tag})):
        items = listed(path, **params)
        assert [x["id"] for x in items] == sorted(made), (path, params)
        for x in items:
            assert x == admin.get("/api/v1/devices/" + x["id"]).json() == made[x["id"]]
    # a filter on one company still shows the device's other companies
    by_c3 = listed("/api/v1/devices", company=c3, limit=1)
    assert {x["id"]: len(x["company_ids"]) for x in by_c3} == \
        {i: len(d["company_ids"]) for i, d in made.items() if c3 in d["company_ids"]}
    items = listed("/api/v1/devices", company=c2)
    assert other["id"] in [x["id"] for x in items]
    assert [x for x in items if x["id"] == other["id"]][0]["company_ids"] == sorted([c1, c2])
    # an empty page is fine too
    assert admin.get("/api/v1/devices", params={"q": uniq("none")}).json() == {"items": [], "next_cursor": None}
