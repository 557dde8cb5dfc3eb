"""Devices of companies: CRUD, several companies per device, company delete guard."""
from conftest import problem, uniq


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
    u, pw = srv.make_user(admin, "technician")
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
