"""The rights catalogue over the API: GET /api/v1/rights, grouped as
"team-level rights" and "representative controls", with labels,
prerequisites and dependents; readable by every administration role."""
from conftest import problem, uniq

TEAM_LEVEL = ["add_remove_subteams", "add_remove_representatives", "change_representative_name_login",
              "change_representative_password", "schedule_reports", "monthly_reports", "session_replay",
              "export_session_replay", "set_auto_responses", "download_preinstall_package",
              "cancel_requests", "log_out_representatives", "supervisor_view", "concurrent_sessions",
              "reset_portal_reports", "manage_business_hours"]
CONTROLS = ["admin_center_access", "reboot_reconnect", "reports", "rep_session_replay",
            "rep_export_session_replay", "multi_session",
            "representative_screen_sharing", "file_transfer_send", "file_transfer_receive",
            "customer_screen_sharing"]


def test_catalogue_is_grouped_with_labels_and_dependencies(srv, admin):
    r = admin.get("/api/v1/rights")
    assert r.status_code == 200, r.text
    body = r.json()
    groups = {g["group"]: g for g in body["groups"]}
    assert [g["group"] for g in body["groups"]] == ["team_level", "representative_controls"]
    assert groups["team_level"]["label"] == "Team-level rights"
    assert groups["representative_controls"]["label"] == "Representative controls"
    assert [x["name"] for x in groups["team_level"]["rights"]] == TEAM_LEVEL
    assert [x["name"] for x in groups["representative_controls"]["rights"]] == CONTROLS
    by_name = {x["name"]: x for x in body["items"]}
    assert len(by_name) == 26 and all(x["label"] for x in body["items"])
    assert by_name["reports"]["prerequisites"] == ["admin_center_access"]
    assert by_name["session_replay"]["prerequisites"] == ["admin_center_access"]
    assert by_name["export_session_replay"]["prerequisites"] == ["session_replay"]
    assert by_name["supervisor_view"]["prerequisites"] == []
    # dependents are transitive: what goes when the right is removed
    assert sorted(by_name["admin_center_access"]["dependents"]) == [
        "export_session_replay", "rep_export_session_replay", "rep_session_replay", "reports", "session_replay"]
    assert by_name["session_replay"]["dependents"] == ["export_session_replay"]
    assert by_name["reports"]["group"] == "representative_controls"
    # the representative controls list session replay and its export as the team-level rights do
    for team, rep in (("session_replay", "rep_session_replay"), ("export_session_replay", "rep_export_session_replay")):
        assert by_name[rep]["label"] == by_name[team]["label"]
    assert by_name["rep_session_replay"]["prerequisites"] == ["admin_center_access"]
    assert by_name["rep_export_session_replay"]["prerequisites"] == ["rep_session_replay"]
    assert by_name["rep_session_replay"]["dependents"] == ["rep_export_session_replay"]


def test_remote_control_rights_convene_does_not_do_are_marked(srv, admin):
    body = admin.get("/api/v1/rights").json()
    not_yet = {x["name"] for x in body["items"] if x["used_by_convene"] is False}
    assert not_yet == {"reboot_reconnect", "representative_screen_sharing", "customer_screen_sharing",
                       "multi_session", "download_preinstall_package"}
    assert all(x["used_by_convene"] is True for x in body["items"] if x["name"] not in not_yet)
    for g in body["groups"]:
        for x in g["rights"]:
            assert x["used_by_convene"] == (x["name"] not in not_yet)
    # they are still granted and enabled like any other right
    r = admin.post("/api/v1/teams", json={"name": uniq("Not yet ")})
    assert r.status_code == 201, r.text
    path = "/api/v1/teams/%s/rights" % r.json()["id"]
    r = admin.put(path, json={"rights": ["multi_session"]})
    assert r.status_code == 200 and r.json()["rights"] == ["multi_session"], r.text
    # the representative-control replay rights follow the same prerequisites
    body = problem(admin.put(path, json={"rights": ["admin_center_access", "rep_export_session_replay"]}), 422,
                   "missing-prerequisite")
    assert body["right"] == "rep_export_session_replay" and body["prerequisite"] == "rep_session_replay", body
    r = admin.put(path, json={"rights": ["admin_center_access", "rep_session_replay", "rep_export_session_replay"]})
    assert r.status_code == 200, r.text


def test_readers_read_and_others_do_not(srv, admin):
    for role in ("technician", "manager", "api_manager"):
        u, pw = srv.make_user(admin, role)
        assert srv.login_as(u, pw).get("/api/v1/rights").status_code == 200, role
    for role in ("member", "customer"):
        u, pw = srv.make_user(admin, role)
        problem(srv.login_as(u, pw).get("/api/v1/rights"), 403, "forbidden")
    problem(srv.client().get("/api/v1/rights"), 401)
