"""Portals (issue 17, sections 1 and 6): every company has one, made with it;
admins and the managers assigned to a portal change it (auto-responses with
the right set_auto_responses); technicians read their companies' portals; the
public view shows one portal and nothing else of the account; a portal's
openness comes from business hours and the serving technicians' presence,
and its stream switches when that changes. One server of its own, so that
presence rows can be written beside it."""
import base64
import tempfile
import time

import pytest

from conftest import OwnServer, problem, uniq, walk_pages, audit_items
from sse import Stream

ALWAYS = {d: [{"open": "00:00", "close": "24:00"}] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NEVER = {d: [] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
PUBLIC_KEYS = {"slug", "title", "welcome", "logo", "accent", "language", "customer_auth", "offline_policy", "open",
               "business_hours", "time_zone", "next_change", "sub_portals", "greeting", "offline_message"}


@pytest.fixture(scope="module")
def own():
    s = OwnServer(tempfile.mkdtemp(prefix="convene-portals-"))
    s.start()
    yield s
    problems, log = s.stop()
    s.drop()
    assert not problems, log[-5000:]


@pytest.fixture
def adm(own):
    return own.admin("A")


def company(adm, name=None):
    r = adm.post("/api/v1/companies", json={"name": name or uniq("Company ")})
    assert r.status_code == 201, r.text
    return r.json()


def portal_of(adm, company_id):
    r = adm.get("/api/v1/portals", params={"company_id": company_id})
    assert r.status_code == 200, r.text
    items = [p for p in r.json()["items"] if p["parent_id"] is None]
    assert len(items) == 1, items
    return items[0]


def hours(adm, company_id, value):
    r = adm.put("/api/v1/companies/%s/settings/business_hours" % company_id, json={"value": value})
    assert r.status_code in (200, 204), r.text


def public(own, slug, **kw):
    return own.client().get("/api/v1/public/portals/" + slug, allow_redirects=False, **kw)


def test_a_company_is_made_with_its_portal(own, adm):
    name = uniq("Ünïcode Shop ")
    c = company(adm, name)
    p = portal_of(adm, c["id"])
    assert p["title"] == name and p["slug"].startswith("unicode-shop-"), p
    assert p["offline_policy"] == "offline_form" and p["customer_auth"] == "contact" and p["accent"] == "#1f5fbf"
    assert p["address"] == "/portal/" + p["slug"] and p["team_ids"] == [] and p["manager_ids"] == []
    # the same name but for punctuation: the slug gets a suffix
    c2 = company(adm, name + "!")
    p2 = portal_of(adm, c2["id"])
    assert p2["slug"] == p["slug"] + "-2", (p["slug"], p2["slug"])
    # Cyrillic is transliterated
    c3 = company(adm, "Ромашка " + uniq("x"))
    assert portal_of(adm, c3["id"])["slug"].startswith("romashka-x")
    # convene init's default company has one too
    default = [x for x in adm.get("/api/v1/companies").json()["items"] if x["is_default"]][0]
    assert portal_of(adm, default["id"])["slug"] == "account-a"
    # deleting the company takes the portal along
    assert adm.delete("/api/v1/companies/" + c3["id"]).status_code == 204
    assert own.rows("SELECT COUNT(*) FROM portals WHERE company_id = '%s'" % c3["id"]) == [["0"]]


def test_list_get_and_paging(own, adm):
    ids = {portal_of(adm, company(adm)["id"])["id"] for _ in range(3)}
    got = walk_pages(adm, "/api/v1/portals", {"limit": 2})
    assert ids <= {p["id"] for p in got}
    assert len(got) == len({p["id"] for p in got})
    one = sorted(ids)[0]
    r = adm.get("/api/v1/portals/" + one)
    assert r.status_code == 200 and r.json()["id"] == one
    problem(adm.get("/api/v1/portals", params={"limit": 0}), 400, "invalid-query")
    problem(adm.get("/api/v1/portals", params={"limit": 101}), 400, "invalid-query")
    problem(adm.get("/api/v1/portals", params={"cursor": "nope"}), 400, "invalid-query")
    problem(adm.get("/api/v1/portals", params={"company_id": "x"}), 400, "invalid-query")
    problem(adm.get("/api/v1/portals/prt_doesnotexist"), 404, "not-found")


def test_admin_changes_everything_audited(own, adm):
    c = company(adm)
    p = portal_of(adm, c["id"])
    team = adm.post("/api/v1/teams", json={"name": uniq("Team ")}).json()
    png = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"x" * 100).decode()
    body = {"title": "Help desk", "welcome": "Hello", "logo": png, "accent": "#AABBCC", "customer_auth": "sign_in",
            "offline_policy": "queue", "team_ids": [team["id"]], "greeting": "Hi!", "wait_after_s": 60,
            "wait_message": "Please wait", "offline_message": "We are away"}
    r = adm.patch("/api/v1/portals/" + p["id"], json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    for k, v in body.items():
        assert got[k] == (v.lower() if k == "accent" else v), k
    assert adm.get("/api/v1/portals/" + p["id"]).json()["team_ids"] == [team["id"]]
    entries = audit_items(adm, "portal.update", p["id"])
    assert entries and entries[0]["old"]["title"] == p["title"] and entries[0]["new"]["title"] == "Help desk"
    r = adm.patch("/api/v1/portals/" + p["id"], json={"logo": "https://cdn.example.test/logo.svg"})
    assert r.status_code == 200 and r.json()["logo"].startswith("https://")


@pytest.mark.parametrize("body,field", [
    ({"accent": "red"}, "accent"),
    ({"accent": "#12345g"}, "accent"),
    ({"logo": "http://example.test/x.png"}, "logo"),
    ({"logo": "data:image/gif;base64,AAAA"}, "logo"),
    ({"logo": "data:image/png;base64," + base64.b64encode(b"x" * 70000).decode()}, "logo"),
    ({"logo": "https://a b"}, "logo"),
    ({"offline_policy": "later"}, "offline_policy"),
    ({"customer_auth": "none"}, "customer_auth"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"wait_after_s": 3601}, "wait_after_s"),
    ({"wait_after_s": "10"}, "wait_after_s"),
    ({"team_ids": ["team_nope"]}, "team_ids"),
    ({"slug": "Bad_Slug"}, "slug"),
    ({"slug": "-x"}, "slug"),
    ({"slug": "a" * 64}, "slug"),
])
def test_bad_input_changes_nothing(own, adm, body, field):
    p = portal_of(adm, company(adm)["id"])
    r = adm.patch("/api/v1/portals/" + p["id"], json=body)
    assert r.status_code in (400, 422), r.text
    assert r.json().get("field") == field, r.text
    after = adm.get("/api/v1/portals/" + p["id"]).json()
    assert after["updated_at"] == p["updated_at"] and after["slug"] == p["slug"]


def test_unknown_fields_are_refused(own, adm):
    p = portal_of(adm, company(adm)["id"])
    r = adm.patch("/api/v1/portals/" + p["id"], json={"company_id": "cmp_x"})
    assert r.status_code in (400, 422), r.text


def test_slug_change_redirects_the_old_address(own, adm):
    p = portal_of(adm, company(adm)["id"])
    old = p["slug"]
    new = uniq("help-").lower().replace("_", "-")
    r = adm.patch("/api/v1/portals/" + p["id"], json={"slug": new})
    assert r.status_code == 200 and r.json()["slug"] == new, r.text
    assert public(own, new).status_code == 200
    r = public(own, old)
    assert r.status_code == 308 and r.headers["Location"] == "/api/v1/public/portals/" + new
    r = own.client().get("/portal/" + old, allow_redirects=False)
    assert r.status_code == 308 and r.headers["Location"] == "/portal/" + new
    assert own.client().get("/portal/" + new, allow_redirects=False).status_code in (200, 404)  # the page (if built)
    # the old address stays this portal's: nobody else takes it, in this account or another
    other = portal_of(adm, company(adm)["id"])
    body = problem(adm.patch("/api/v1/portals/" + other["id"], json={"slug": old}), 409, "slug-taken")
    assert body["detail"] == "this address is taken"
    b = own.admin("B")
    pb = b.get("/api/v1/portals").json()["items"][0]
    body = problem(b.patch("/api/v1/portals/" + pb["id"], json={"slug": new}), 409, "slug-taken")
    assert "account" not in body["detail"].lower()
    # its own portal takes it back; then the newer one redirects
    assert adm.patch("/api/v1/portals/" + p["id"], json={"slug": old}).json()["slug"] == old
    assert public(own, new).headers["Location"].endswith("/" + old)
    assert public(own, old).status_code == 200


def test_sub_portals(own, adm):
    c = company(adm)
    p = portal_of(adm, c["id"])
    r = adm.post("/api/v1/portals/%s/sub-portals" % p["id"], json={"title": "Billing"})
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["parent_id"] == p["id"] and sub["company_id"] == c["id"] and sub["slug"] == p["slug"] + "-billing"
    assert r.headers["Location"] == "/api/v1/portals/" + sub["id"]
    r = adm.post("/api/v1/portals/%s/sub-portals" % p["id"], json={"title": "Sales", "slug": uniq("sales-").lower()})
    assert r.status_code == 201, r.text
    pub = public(own, p["slug"]).json()
    assert sorted(s["title"] for s in pub["sub_portals"]) == ["Billing", "Sales"]
    problem(adm.post("/api/v1/portals/%s/sub-portals" % sub["id"], json={"title": "Deeper"}), 409,
            "sub-portal-depth")
    problem(adm.post("/api/v1/portals/%s/sub-portals" % p["id"], json={"title": ""}), 422)
    problem(adm.post("/api/v1/portals/%s/sub-portals" % p["id"], json={"title": "x", "slug": p["slug"]}), 409,
            "slug-taken")
    problem(adm.delete("/api/v1/portals/" + p["id"]), 409, "company-portal")
    assert adm.delete("/api/v1/portals/" + sub["id"]).status_code == 204
    problem(public(own, sub["slug"]), 404, "not-found")
    assert audit_items(adm, "portal.delete", sub["id"])


def test_managers_and_rights(own, adm):
    c = company(adm)
    p = portal_of(adm, c["id"])
    mgr, _ = own.make_user(adm, "manager", company_ids=[c["id"]])
    mc = own.login_as(mgr)
    # in the company but not assigned: reads, does not change
    assert mc.get("/api/v1/portals/" + p["id"]).status_code == 200
    problem(mc.patch("/api/v1/portals/" + p["id"], json={"title": "Mine"}), 403)
    problem(mc.put("/api/v1/portals/%s/managers" % p["id"], json={"user_ids": [mgr["id"]]}), 403)
    tech, _ = own.make_user(adm, "technician", company_ids=[c["id"]])
    problem(adm.put("/api/v1/portals/%s/managers" % p["id"], json={"user_ids": [tech["id"]]}), 422)
    r = adm.put("/api/v1/portals/%s/managers" % p["id"], json={"user_ids": [mgr["id"]]})
    assert r.status_code == 200 and r.json()["manager_ids"] == [mgr["id"]], r.text
    assert audit_items(adm, "portal.managers", p["id"])
    r = mc.patch("/api/v1/portals/" + p["id"], json={"title": "Mine", "offline_policy": "hide"})
    assert r.status_code == 200, r.text
    # the auto-responses need the right; teams and sign-in are the admins'
    problem(mc.patch("/api/v1/portals/" + p["id"], json={"greeting": "Hello"}), 403)
    problem(mc.patch("/api/v1/portals/" + p["id"], json={"customer_auth": "sign_in"}), 403)
    team = adm.post("/api/v1/teams", json={"name": uniq("Team ")}).json()
    problem(mc.patch("/api/v1/portals/" + p["id"], json={"team_ids": [team["id"]]}), 403)
    r = adm.put("/api/v1/managers/%s/rights" % mgr["id"], json={"rights": ["set_auto_responses"]})
    assert r.status_code == 200, r.text
    r = mc.patch("/api/v1/portals/" + p["id"], json={"greeting": "Hello", "wait_after_s": 30})
    assert r.status_code == 200, r.text
    # a serving team that does not enable the right takes it away
    assert adm.put("/api/v1/teams/%s/rights" % team["id"], json={"rights": []}).status_code == 200
    assert adm.patch("/api/v1/portals/" + p["id"], json={"team_ids": [team["id"]]}).status_code == 200
    problem(mc.patch("/api/v1/portals/" + p["id"], json={"offline_message": "Away"}), 403)
    # the manager of a portal manages its sub-portals, and sees them in the list
    sub = mc.post("/api/v1/portals/%s/sub-portals" % p["id"], json={"title": "Dept"})
    assert sub.status_code == 201, sub.text
    assert mc.patch("/api/v1/portals/" + sub.json()["id"], json={"welcome": "Hi"}).status_code == 200
    # a manager outside the company sees the portals assigned to them only
    c2 = company(adm)
    p2 = portal_of(adm, c2["id"])
    assert p2["id"] not in {x["id"] for x in walk_pages(mc, "/api/v1/portals", {})}
    problem(mc.get("/api/v1/portals/" + p2["id"]), 404)
    assert adm.put("/api/v1/portals/%s/managers" % p2["id"], json={"user_ids": [mgr["id"]]}).status_code == 200
    assert p2["id"] in {x["id"] for x in walk_pages(mc, "/api/v1/portals", {})}
    assert mc.get("/api/v1/portals/" + p2["id"]).status_code == 200
    assert mc.delete("/api/v1/portals/" + sub.json()["id"]).status_code == 204


def test_technicians_read_their_companies_portals_only(own, adm):
    c, other = company(adm), company(adm)
    p, po = portal_of(adm, c["id"]), portal_of(adm, other["id"])
    tech, _ = own.make_user(adm, "technician", company_ids=[c["id"]])
    tc = own.login_as(tech)
    seen = {x["id"] for x in walk_pages(tc, "/api/v1/portals", {})}
    assert p["id"] in seen and po["id"] not in seen
    assert tc.get("/api/v1/portals/" + p["id"]).status_code == 200
    problem(tc.get("/api/v1/portals/" + po["id"]), 404)
    problem(tc.patch("/api/v1/portals/" + p["id"], json={"title": "x"}), 403)
    problem(tc.post("/api/v1/portals/%s/sub-portals" % p["id"], json={"title": "x"}), 403)
    member, _ = own.make_user(adm, "member", company_ids=[c["id"]])
    problem(own.login_as(member).get("/api/v1/portals"), 403)


def test_another_account_sees_nothing(own, adm):
    p = portal_of(adm, company(adm)["id"])
    b = own.admin("B")
    assert p["id"] not in {x["id"] for x in walk_pages(b, "/api/v1/portals", {})}
    problem(b.get("/api/v1/portals/" + p["id"]), 404)
    problem(b.patch("/api/v1/portals/" + p["id"], json={"title": "x"}), 404)
    problem(b.delete("/api/v1/portals/" + p["id"]), 404)
    problem(b.post("/api/v1/portals/%s/sub-portals" % p["id"], json={"title": "x"}), 404)
    problem(b.put("/api/v1/portals/%s/managers" % p["id"], json={"user_ids": []}), 404)


def test_public_view_shows_one_portal(own, adm):
    c = company(adm)
    p = portal_of(adm, c["id"])
    adm.put("/api/v1/companies/%s/settings/language" % c["id"], json={"value": "fr"})
    adm.put("/api/v1/companies/%s/settings/time_zone" % c["id"], json={"value": "Europe/Paris"})
    r = public(own, p["slug"])
    assert r.status_code == 200, r.text
    pub = r.json()
    assert set(pub) == PUBLIC_KEYS, set(pub) ^ PUBLIC_KEYS
    assert pub["language"] == "fr" and pub["time_zone"] == "Europe/Paris" and pub["title"] == p["title"]
    assert pub["business_hours"]["mon"] == [{"open": "09:00", "close": "17:00"}]
    text = r.text
    assert c["id"] not in text and p["id"] not in text and own.accounts["A"]["id"] not in text
    problem(public(own, "no-such-portal-here"), 404, "not-found")
    problem(public(own, "BAD"), 404, "not-found")
    problem(own.client().get("/api/v1/public/portals/%2e%2e"), 404)


def presence(own, user_id, state="online", seen=None, max_sessions=3):
    own.execute("DELETE FROM support_presence WHERE user_id = '%s'" % user_id)
    own.execute("INSERT INTO support_presence (account_id, user_id, state, max_sessions, seen_at, updated_at)"
                " VALUES ('%s', '%s', '%s', %d, %d, %d)" % (own.accounts["A"]["id"], user_id, state, max_sessions,
                                                          seen if seen is not None else int(time.time()),
                                                          int(time.time())))


def served(own, adm):
    """a company open all week, its portal served by a team (and sub-team) with a technician"""
    c = company(adm)
    p = portal_of(adm, c["id"])
    hours(adm, c["id"], ALWAYS)
    team = adm.post("/api/v1/teams", json={"name": uniq("Team ")}).json()
    sub = adm.post("/api/v1/teams", json={"name": uniq("Sub "), "parent_id": team["id"]}).json()
    tech, _ = own.make_user(adm, "technician", company_ids=[c["id"]])
    assert adm.put("/api/v1/teams/%s/members/%s" % (sub["id"], tech["id"])).status_code in (200, 204)
    assert adm.patch("/api/v1/portals/" + p["id"], json={"team_ids": [team["id"]]}).status_code == 200
    own.execute("INSERT INTO user_modules (account_id, user_id, module, granted_at) VALUES ('%s', '%s',"
                " 'remote_support', 0)" % (own.accounts["A"]["id"], tech["id"]))
    return c, p, tech


def test_openness_from_presence_and_hours(own, adm):
    c, p, tech = served(own, adm)
    is_open = lambda slug=p["slug"]: public(own, slug).json()["open"]  # noqa: E731
    assert is_open() is False  # nobody online
    presence(own, tech["id"])
    assert is_open() is True
    presence(own, tech["id"], seen=int(time.time()) - 91)  # the console went quiet
    assert is_open() is False
    presence(own, tech["id"], state="away")
    assert is_open() is False
    presence(own, tech["id"], max_sessions=1)
    assert is_open() is True
    own.execute("INSERT INTO support_sessions (account_id, id, portal_id, company_id, state, customer_name,"
                " customer_email, token_hash, technician_id, created_at, updated_at) VALUES ('%s', '%s', '%s',"
                " '%s', 'active', 'C', 'c@example.test', '%s', '%s', 0, 0)"
                % (own.accounts["A"]["id"], uniq("ses_"), p["id"], c["id"], uniq("h"), tech["id"]))
    assert is_open() is False  # at their limit
    presence(own, tech["id"], max_sessions=2)
    assert is_open() is True
    # a sub-portal without teams is served by its parent's
    sub = adm.post("/api/v1/portals/%s/sub-portals" % p["id"], json={"title": "Dept"}).json()
    assert is_open(sub["slug"]) is True
    other = adm.post("/api/v1/teams", json={"name": uniq("Team ")}).json()
    adm.patch("/api/v1/portals/" + sub["id"], json={"team_ids": [other["id"]]})
    assert is_open(sub["slug"]) is False
    # without the module, nobody serves
    own.execute("DELETE FROM user_modules WHERE user_id = '%s'" % tech["id"])
    assert is_open() is False
    own.execute("INSERT INTO user_modules (account_id, user_id, module, granted_at) VALUES ('%s', '%s',"
                " 'remote_support', 0)" % (own.accounts["A"]["id"], tech["id"]))
    assert is_open() is True
    # outside business hours
    hours(adm, c["id"], NEVER)
    pub = public(own, p["slug"]).json()
    assert pub["open"] is False and pub["business_hours"] == NEVER


def test_stream_switches(own, adm):
    c, p, tech = served(own, adm)
    s = Stream(own.client(), "/api/v1/public/portals/%s/stream" % p["slug"])
    assert s.status == 200 and s.headers["Content-Type"].startswith("text/event-stream")
    try:
        ev, eid, data = s.next()
        assert ev == "portal" and data == {"open": False, "offline_policy": "offline_form"}, data
        presence(own, tech["id"])
        # the chat part says support_staff:<account> changed; a PATCH says so too
        assert adm.patch("/api/v1/portals/" + p["id"], json={"welcome": "hi"}).status_code == 200
        ev, _, data = s.next()
        assert data == {"open": True, "offline_policy": "offline_form"}, data
        assert adm.patch("/api/v1/portals/" + p["id"], json={"offline_policy": "queue"}).status_code == 200
        ev, _, data = s.next()
        assert data == {"open": True, "offline_policy": "queue"}, data
        # a change that changes nothing of this sends nothing
        assert adm.patch("/api/v1/portals/" + p["id"], json={"welcome": "hello"}).status_code == 200
        s.nothing(1.0)
    finally:
        s.close()
    problem(own.client().get("/api/v1/public/portals/no-such-portal-x/stream"), 404)


def test_stream_follows_business_hours_by_the_clock(own, adm):
    """hours that close at the next minute: the stream says so then, with no write at all"""
    import datetime
    c, p, tech = served(own, adm)
    if time.time() % 60 > 45:  # keep clear of the boundary while setting up
        time.sleep(61 - time.time() % 60)
    now = datetime.datetime.now(datetime.timezone.utc)
    close = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    close_s = "24:00" if close.hour == 0 and close.minute == 0 else close.strftime("%H:%M")
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[now.weekday()]
    hours(adm, c["id"], dict(NEVER, **{day: [{"open": "00:00", "close": close_s}]}))
    presence(own, tech["id"])
    s = Stream(own.client(), "/api/v1/public/portals/%s/stream" % p["slug"], timeout=90)
    try:
        assert s.next()[2] == {"open": True, "offline_policy": "offline_form"}
        ev, _, data = s.next(timeout=75)
        assert data == {"open": False, "offline_policy": "offline_form"}, data
        assert time.time() >= close.timestamp()
    finally:
        s.close()
