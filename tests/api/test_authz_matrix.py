"""The authorisation matrix: every route x every role x own / other account
-> the expected status, stated in EXPECT below (the one place to read and
extend it). Every route of `convene routes` must have an entry: a route
without one fails test_every_route_has_an_expectation, naming it, so whoever
adds a route states who may use it.

Role families (DESIGN and issue 2): administrators change; technicians,
managers and API managers read administration data; members, guests and
customers see only their own /me; anonymous callers get 401 except on public
routes. "own" calls aim the route's {ids} at things of the caller's account
(A), "other" at things of account B: those must answer 404 (as if they did
not exist) wherever the role could otherwise act, and the same refusal as
"own" where it could not. Every request carries a valid body, so that only
the caller decides the outcome."""
import pytest

from apimap import body_schema, example_body, fill_ids, routes
from conftest import PASSWORD, uniq
from sse import hang_up

ADMIN = ("admin",)
READERS = ("admin", "manager", "api_manager", "technician")
SIGNED_IN = ("admin", "manager", "api_manager", "technician", "member", "guest", "customer")
ROLES = SIGNED_IN
ANON = "anonymous"
PUBLIC = SIGNED_IN + (ANON,)


class Rule:
    """who: the roles that succeed, with status ok; other signed-in roles get
    `denied`, anonymous callers 401 (unless who includes "anonymous").
    other: the status with ids of another account for roles in who. body(ctx)
    builds a valid body; ids(ctx, acct) gives the {ids} of each call (new
    ones for routes that consume their target; by default, items of the
    lists that the pattern's prefix names);
    client: "fresh-user" when the call must come from a throwaway user of the
    role (it changes or ends that user's session);
    request: for routes without a JSON body (CalDAV), request(ctx, ids)
    gives the raw body and headers of the call;
    rights_roles: roles that may act given team-level rights in the target's
    team, which the matrix's users do not hold: `denied` on their own account,
    `other` (404) on another's."""

    def __init__(self, who, ok, body=None, ids=None, other=404, denied=403, client=None, note="",
                 error_type="application/problem+json", rights_roles=(), request=None):
        self.who, self.ok, self.body, self.ids = who, ok, body, ids
        self.request = request  # request(ctx, ids) -> extra requests kwargs (a raw body, headers)
        self.rights_roles = rights_roles
        self.other, self.denied, self.client, self.note = other, denied, client, note
        self.error_type = error_type  # the media type of its error responses

    def expect(self, role, where):
        if role == ANON and ANON not in self.who:
            return 401
        if role in self.rights_roles and role not in self.who:
            return self.denied if where == "own" else self.other
        if role not in self.who:
            return self.denied
        return self.ok if where == "own" else self.other


# ---------------------------------------------------------------- bodies and targets
def new_user_body(ctx):
    return {"email": "%s@matrix.test" % uniq("m"), "display_name": uniq("Matrix "), "role": "member",
            "company_ids": [ctx.default_company["A"]], "password": PASSWORD}


def fresh_user(ctx, acct):
    return {"id": ctx.new_user(acct)["id"]}


def fresh_company(ctx, acct):
    return {"id": ctx.new_company(acct)["id"]}


def member_pair(ctx, acct):
    return {"id": ctx.company[acct], "user_id": ctx.user[acct]}


def fresh_membership(ctx, acct):
    """a user in two companies, to be removed from the second"""
    cmp = ctx.new_company(acct)["id"]
    u = ctx.new_user(acct, companies=[ctx.default_company[acct], cmp])
    return {"id": cmp, "user_id": u["id"]}


def sign_in_body(ctx):
    a = ctx.srv.accounts[ctx.name["A"]]
    return {"email": a["admin_email"], "password": a["password"]}


def password_body(ctx):
    return {"current_password": PASSWORD, "new_password": uniq("New password ")}


def api_manager_client(ctx, acct):
    """a signed-in API manager of the account (A's is the matrix's own caller)"""
    cache = ctx.ids_cache[acct]
    if "#api_manager" not in cache:
        cache["#api_manager"] = (ctx.client("api_manager") if acct == "A"
                                 else ctx.srv.login_as(ctx.new_user(acct, "api_manager")))
    return cache["#api_manager"]


def api_managers_app(ctx, acct):
    """a new application of the account's API manager: API managers act only on their own"""
    r = api_manager_client(ctx, acct).post("/api/v1/apps", json={"name": uniq("Matrix app ")})
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"]}


def fresh_team(ctx, acct):
    r = ctx.admins[acct].post("/api/v1/teams", json={"name": uniq("Matrix team ")})
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"]}


def team_technician(ctx, acct):
    """a team of the account and a technician of it (PUT adds, DELETE removes)"""
    cache = ctx.ids_cache[acct]
    if "#team_technician" not in cache:
        cache["#team_technician"] = {"id": fresh_team(ctx, acct)["id"],
                                     "user_id": ctx.new_user(acct, "technician")["id"]}
    return cache["#team_technician"]


def a_manager(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#manager" not in cache:
        cache["#manager"] = {"id": ctx.new_user(acct, "manager")["id"]}
    return cache["#manager"]


def company_setting(ctx, acct):
    return {"id": ctx.company[acct], "name": "language"}


def own_company(ctx, acct):
    """the company of the matrix's callers (every one of them is in its account's default
    company): readers other than admins see only their own companies"""
    return {"id": ctx.default_company[acct]}


def a_user(ctx, acct):
    """a member of own_company()"""
    return {"id": ctx.user[acct]}


def fresh_device(ctx, acct):
    r = ctx.admins[acct].post("/api/v1/devices", json={"name": uniq("Matrix device "),
                                                      "company_ids": [ctx.default_company[acct]]})
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"]}


def a_device(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#device" not in cache:
        cache["#device"] = fresh_device(ctx, acct)
    return cache["#device"]



def a_portal(ctx, acct):
    """the portal of own_company() (every company has one)"""
    cache = ctx.ids_cache[acct]
    if "#portal" not in cache:
        r = ctx.admins[acct].get("/api/v1/portals", params={"company_id": ctx.default_company[acct]})
        assert r.status_code == 200, r.text
        p = [x for x in r.json()["items"] if x["parent_id"] is None][0]
        cache["#portal"] = {"id": p["id"], "slug": p["slug"]}
    return {"id": cache["#portal"]["id"]}


def a_portal_slug(ctx, acct):
    a_portal(ctx, acct)
    return {"slug": ctx.ids_cache[acct]["#portal"]["slug"]}


def fresh_sub_portal(ctx, acct):
    r = ctx.admins[acct].post("/api/v1/portals/%s/sub-portals" % a_portal(ctx, acct)["id"],
                              json={"title": uniq("Matrix sub ")})
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"]}


def admins_app_password(ctx, acct):
    """a new app password of the account's administrator (the matrix's callers are others)"""
    r = ctx.admins[acct].post("/api/v1/me/app-passwords", json={"label": uniq("Matrix ")})
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"]}


def members_app_password(ctx, acct):
    """a new member of the account with an app password of their own"""
    u = ctx.new_user(acct)
    r = ctx.srv.login_as(u).post("/api/v1/me/app-passwords", json={"label": uniq("Matrix ")})
    assert r.status_code == 201, r.text
    return {"id": u["id"], "app_password_id": r.json()["id"]}


def calendar_owner(ctx, acct):
    """the matrix's administrator in A (the "admin" caller), an administrator in B"""
    return ctx.client("admin") if acct == "A" else ctx.admins[acct]


def admins_calendar(ctx, acct):
    """a calendar of the calendar owner's: nobody else may see it, not even
    another administrator"""
    cache = ctx.ids_cache[acct]
    if "#calendar" not in cache:
        r = calendar_owner(ctx, acct).post("/api/v1/calendars", json={"name": uniq("Matrix calendar ")})
        assert r.status_code == 201, r.text
        cache["#calendar"] = {"id": r.json()["id"]}
    return cache["#calendar"]


def fresh_admins_calendar(ctx, acct):
    r = calendar_owner(ctx, acct).post("/api/v1/calendars", json={"name": uniq("Matrix calendar ")})
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"]}


def admins_event(ctx, acct, fresh=False):
    """a weekly event in the administrator's calendar, with one of its occurrences"""
    cache = ctx.ids_cache[acct]
    if fresh or "#event" not in cache:
        cal = admins_calendar(ctx, acct)["id"]
        r = calendar_owner(ctx, acct).post("/api/v1/calendars/%s/events" % cal, json={
            "summary": uniq("Matrix event "), "start": "2030-01-07T10:00:00Z", "rrule": "FREQ=WEEKLY;COUNT=50"})
        assert r.status_code == 201, r.text
        ev = {"id": cal, "event_id": r.json()["id"], "recurrence_id": "2030-01-14T10:00:00Z"}
        if fresh:
            return ev
        cache["#event"] = ev
    return cache["#event"]


def fresh_admins_event(ctx, acct):
    return admins_event(ctx, acct, fresh=True)


def calendar_admin(ctx, acct):
    """the administrator the matrix's "admin" role signs in as (account A), or B's"""
    return ctx.client("admin") if acct == "A" else ctx.admins[acct]


def shared_calendar(ctx, acct, fresh=False):
    """a calendar of calendar_admin(): nobody else of the account may see it"""
    cache = ctx.ids_cache[acct]
    if fresh or "#shared_calendar" not in cache:
        r = calendar_admin(ctx, acct).post("/api/v1/calendars", json={"name": uniq("Matrix shared ")})
        assert r.status_code == 201, r.text
        if fresh:
            return {"id": r.json()["id"]}
        cache["#shared_calendar"] = {"id": r.json()["id"]}
    return cache["#shared_calendar"]


def share_body(ctx):
    """a viewer share with a new member of account A"""
    return {"kind": "user", "user_id": ctx.new_user("A")["id"], "role": "viewer"}


def fresh_share(ctx, acct):
    cal = shared_calendar(ctx, acct)["id"]
    r = calendar_admin(ctx, acct).post("/api/v1/calendars/%s/shares" % cal, json={
        "kind": "user", "user_id": ctx.new_user(acct)["id"], "role": "viewer"})
    assert r.status_code == 201, r.text
    return {"id": cal, "share_id": r.json()["id"]}


def a_share(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#share" not in cache:
        cache["#share"] = fresh_share(ctx, acct)
    return cache["#share"]


def fresh_public_feed(ctx, acct):
    """a new calendar with a public feed: its id and the feed's file"""
    cal = shared_calendar(ctx, acct, fresh=True)["id"]
    r = calendar_admin(ctx, acct).put("/api/v1/calendars/%s/public-feed" % cal, json={"detail": "busy"})
    assert r.status_code == 201, r.text
    return {"id": cal, "file": r.json()["url"].rsplit("/", 1)[1]}


def a_public_feed(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#public_feed" not in cache:
        cache["#public_feed"] = fresh_public_feed(ctx, acct)
    return cache["#public_feed"]


def public_feed_file(ctx, acct):
    """a public feed of its own, which the rotate call of the matrix does not touch"""
    cache = ctx.ids_cache[acct]
    if "#public_feed_file" not in cache:
        cache["#public_feed_file"] = {"file": fresh_public_feed(ctx, acct)["file"]}
    return cache["#public_feed_file"]


def private_feed_file(ctx, acct):
    return {"file": shared_calendar(ctx, acct)["id"] + ".ics"}


def zoom_stream_ids(ctx, acct):
    """a conference of the account with a Zoom connection (issue 15): only
    account admins and its conference administrators see either"""
    cache = ctx.ids_cache[acct]
    if "#zoom_stream" not in cache:
        a = ctx.admins[acct]
        r = a.post("/api/v1/conferences", json={"name": uniq("Matrix conference "), "starts_on": "2030-05-04",
                                                "ends_on": "2030-05-05", "time_zone": "UTC"})
        assert r.status_code == 201, r.text
        conf = r.json()["id"]
        r = a.post("/api/v1/conferences/%s/zoom-connections" % conf, json={"name": "Matrix Zoom"})
        assert r.status_code == 201, r.text
        cache["#zoom_stream"] = {"id": conf, "cid": r.json()["id"]}
    return cache["#zoom_stream"]


def zoom_conference(ctx, acct):
    """a conference of the account (issue 15): only account admins and its
    conference administrators see it or its Zoom connections"""
    cache = ctx.ids_cache[acct]
    if "#zoom_conference" not in cache:
        r = ctx.admins[acct].post("/api/v1/conferences", json={
            "name": uniq("Matrix conference "), "starts_on": "2030-05-04", "ends_on": "2030-05-05",
            "time_zone": "UTC"})
        assert r.status_code == 201, r.text
        cache["#zoom_conference"] = {"id": r.json()["id"]}
    return cache["#zoom_conference"]


def fresh_zoom_connection(ctx, acct):
    conf = zoom_conference(ctx, acct)["id"]
    r = ctx.admins[acct].post("/api/v1/conferences/%s/zoom-connections" % conf, json={"name": uniq("Matrix ")})
    assert r.status_code == 201, r.text
    return {"id": conf, "cid": r.json()["id"]}


def zoom_connected(ctx, acct):
    """a connection connected (through the fake Zoom's authorize page) to a
    Zoom user with one meeting: {id, cid, mid}"""
    cache = ctx.ids_cache[acct]
    if "#zoom_connected" not in cache:
        fz, a = ctx.srv.zoom, ctx.admins[acct]
        ids = fresh_zoom_connection(ctx, acct)
        z = fz.add_user(email="%s@zoom.example" % uniq("matrix"))["id"]
        m = fz.add_meeting(z, topic="Matrix", start_time="2030-05-04T10:00:00Z", duration=30, webhook=False)
        fz.authorize_as(z)
        r = a.post("/api/v1/conferences/%s/zoom-connections/%s/connect" % (ids["id"], ids["cid"]))
        assert r.status_code == 200, r.text
        r = a.s.get(r.json()["authorize_url"], allow_redirects=False, timeout=30)
        r = a.s.get(r.headers["Location"], allow_redirects=False, timeout=60)
        assert r.status_code == 303, r.text
        cache["#zoom_connected"] = dict(ids, mid=str(m["meeting"]["id"]))
    return cache["#zoom_connected"]


def zoom_connection(ctx, acct):
    c = zoom_connected(ctx, acct)
    return {"id": c["id"], "cid": c["cid"]}


def schedule_event(ctx, acct):
    """a new event of the schedule of the conference with a connected Zoom
    account: {id, event_id}"""
    c, a = zoom_connected(ctx, acct), ctx.admins[acct]
    cal = a.get("/api/v1/conferences/%s" % c["id"]).json()["calendar_id"]
    r = a.post("/api/v1/calendars/%s/events" % cal, json={
        "summary": uniq("Matrix talk "), "start": "2030-05-04T10:00:00", "end": "2030-05-04T11:00:00"})
    assert r.status_code == 201, r.text
    return {"id": c["id"], "event_id": r.json()["id"]}


def linked_event(ctx, acct):
    """a schedule event with the Zoom meeting of zoom_connected attached"""
    ids, c = schedule_event(ctx, acct), zoom_connected(ctx, acct)
    r = ctx.admins[acct].put("/api/v1/conferences/%s/events/%s/zoom" % (ids["id"], ids["event_id"]),
                             json={"connection_id": c["cid"], "meeting_id": c["mid"]})
    assert r.status_code == 200, r.text
    return ids


def cached_linked_event(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#linked_event" not in cache:
        cache["#linked_event"] = linked_event(ctx, acct)
    return cache["#linked_event"]


def failed_zoom_sync(ctx, acct):
    """a failed Zoom meeting write of the conference of zoom_connected: an event
    with its meeting attached, made all-day (which no Zoom meeting can be, so
    the write fails at once): {id, meeting_id}"""
    ids, c = linked_event(ctx, acct), zoom_connected(ctx, acct)
    cal = ctx.admins[acct].get("/api/v1/conferences/%s" % ids["id"]).json()["calendar_id"]
    r = ctx.admins[acct].patch("/api/v1/calendars/%s/events/%s" % (cal, ids["event_id"]),
                               json={"all_day": True, "start": "2030-05-04", "end": "2030-05-05"})
    assert r.status_code == 200, r.text
    return {"id": ids["id"], "meeting_id": c["mid"]}


def fresh_zoom_install(ctx, acct):
    """a Marketplace install waiting for a conference: its token (not bound to an account until attached)"""
    fz = ctx.srv.zoom
    z = fz.add_user(email="%s@zoom.example" % uniq("install"))["id"]
    land = fz.marketplace_install(z, ctx.srv.url + "/oauth/zoom/callback")["location"]
    r = ctx.admins[acct].s.get(land, allow_redirects=False, timeout=60)
    assert r.status_code == 303, r.text
    return {"token": r.headers["Location"].split("token=", 1)[1]}


def a_zoom_install(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#zoom_install" not in cache:
        cache["#zoom_install"] = fresh_zoom_install(ctx, acct)
    return cache["#zoom_install"]


def a_room(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#room" not in cache:
        r = ctx.admins[acct].post("/api/v1/rooms", json={"name": uniq("Matrix room ")})
        assert r.status_code == 201, r.text
        cache["#room"] = {"id": r.json()["id"]}
    return cache["#room"]


def fresh_room(ctx, acct):
    r = ctx.admins[acct].post("/api/v1/rooms", json={"name": uniq("Matrix room ")})
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"]}


def a_display(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#display" not in cache:
        room = a_room(ctx, acct)["id"]
        r = ctx.admins[acct].post("/api/v1/rooms/%s/displays" % room, json={"name": "Matrix door"})
        assert r.status_code == 201, r.text
        cache["#display"] = {"id": room, "token": r.json()["token"]}
    return cache["#display"]


def fresh_display(ctx, acct):
    room = a_room(ctx, acct)["id"]
    r = ctx.admins[acct].post("/api/v1/rooms/%s/displays" % room, json={"name": "Matrix door"})
    assert r.status_code == 201, r.text
    return {"id": room, "display_id": r.json()["id"]}


def conference_body(ctx=None):
    return {"name": uniq("Matrix conference "), "starts_on": "2030-05-04", "ends_on": "2030-05-06",
            "time_zone": "Europe/Paris"}


def fresh_conference(ctx, acct):
    """a conference of the account, made by its first administrator: the
    matrix's callers administer none (account admins manage every one)"""
    r = ctx.admins[acct].post("/api/v1/conferences", json=conference_body())
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"]}


def a_conference(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#conference" not in cache:
        cache["#conference"] = fresh_conference(ctx, acct)
    return cache["#conference"]


def conference_member(ctx, acct):
    """the conference and a member of the account to appoint (PUT)"""
    return {"id": a_conference(ctx, acct)["id"], "user_id": ctx.user[acct]}


def fresh_conference_admin(ctx, acct):
    """a conference and one of its administrators, to be removed (DELETE)"""
    conf = fresh_conference(ctx, acct)["id"]
    user = ctx.new_user(acct)["id"]
    r = ctx.admins[acct].put("/api/v1/conferences/%s/admins/%s" % (conf, user))
    assert r.status_code == 204, r.text
    return {"id": conf, "user_id": user}


# ---------------------------------------------------------------- CalDAV targets
B32 = "abcdefghijkmnpqrstuvwxyz23456789"  # core/ids.c


def dav_calendar(ctx, acct):
    """the administrator's calendar under the administrator's own DAV home:
    every other caller aims at a home that is not theirs (404). The route's
    parameter is {path*}, the rest of the path."""
    owner = calendar_owner(ctx, acct)
    return {"path*": "calendars/%s/%s/" % (owner.user["id"], admins_calendar(ctx, acct)["id"])}


def dav_ics(uid):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//matrix//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
            "DTSTAMP:20260101T000000Z\r\nDTSTART:20300107T100000Z\r\nDTEND:20300107T110000Z\r\n"
            "SUMMARY:Matrix\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" % uid)


def dav_new_event(ctx, acct):
    """a name in the administrator's calendar where no event is yet"""
    return {"path*": dav_calendar(ctx, acct)["path*"] + uniq("matrix-") + ".ics"}


def dav_event(ctx, acct):
    """a new event of the administrator's, put over CalDAV"""
    target = dav_new_event(ctx, acct)
    uid = target["path*"].rsplit("/", 1)[1][:-4]
    r = calendar_owner(ctx, acct).request("PUT", "/dav/" + target["path*"], data=dav_ics(uid),
                                          headers={"Content-Type": "text/calendar"})
    assert r.status_code == 201, r.text
    return target


def dav_move(ctx, ids):
    """Destination: a new name in the same calendar"""
    dest = "/dav/" + ids["path*"].rsplit("/", 1)[0] + "/" + uniq("moved-") + ".ics"
    return {"headers": {"Destination": dest}}


COPY_DEST = {}


def dav_event_to_copy(ctx, acct):
    """an event of the administrator's and, for the request, a new name in
    their default calendar (a copy in the same calendar would repeat the UID)"""
    target = dav_event(ctx, acct)
    owner = calendar_owner(ctx, acct)
    default = [c for c in owner.get("/api/v1/calendars").json()["items"] if c["is_default"]][0]["id"]
    COPY_DEST[target["path*"]] = "/dav/calendars/%s/%s/%s.ics" % (owner.user["id"], default, uniq("copied-"))
    return target


def dav_copy(ctx, ids):
    return {"headers": {"Destination": COPY_DEST[ids["path*"]]}}


def dav_new_calendar(ctx, acct):
    import secrets
    owner = calendar_owner(ctx, acct)
    return {"path*": "calendars/%s/cal_%s/" % (owner.user["id"], "".join(secrets.choice(B32) for _ in range(20)))}


def dav_put(ctx, ids):
    return {"data": dav_ics(ids["path*"].rsplit("/", 1)[1][:-4]), "headers": {"Content-Type": "text/calendar"}}


OUTBOX_OWNER = {}


def dav_outbox(ctx, acct):
    """the administrator's schedule outbox (RFC 6638): every other caller aims at one not theirs (404)"""
    owner = calendar_owner(ctx, acct)
    path = "scheduling/%s/outbox/" % owner.user["id"]
    OUTBOX_OWNER[path] = owner.user["email"]
    return {"path*": path}


def dav_freebusy(ctx, ids):
    """a free-busy request of the outbox's owner about themselves"""
    me = OUTBOX_OWNER[ids["path*"]]
    body = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//matrix//EN\r\nMETHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\n"
            "UID:matrix-fb\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20300107T000000Z\r\n"
            "DTEND:20300108T000000Z\r\nORGANIZER:mailto:%s\r\nATTENDEE:mailto:%s\r\n"
            "END:VFREEBUSY\r\nEND:VCALENDAR\r\n" % (me, me))
    return {"data": body, "headers": {"Content-Type": "text/calendar"}}


def dav_xml(body, depth="0"):
    return lambda ctx, ids: {"data": body, "headers": {"Content-Type": "application/xml", "Depth": depth}}


DAV_PROPFIND = '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>'
DAV_PROPPATCH = ('<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Matrix</d:displayname>'
                 "</d:prop></d:set></d:propertyupdate>")
DAV_QUERY = ('<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/>'
             '</d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>')
DAV_MKCOL = ('<d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:resourcetype>'
             "<d:collection/><c:calendar/></d:resourcetype></d:prop></d:set></d:mkcol>")
NO_REDIRECT = lambda ctx, ids: {"allow_redirects": False}


OWNERS = ("admin", "manager", "api_manager", "technician", "member")

MANAGERS = ("manager", "api_manager")

# support sessions (issue 17): a portal of the callers' company served by a
# team that the matrix's technician is in and its manager manages, with a
# sub-portal whose sessions wait in the queue (nobody is online)
def support_desk(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#support" not in cache:
        from supportutil import make_portal
        admin = ctx.admins[acct]
        team = fresh_team(ctx, acct)["id"]
        if acct == "A":
            tech = ctx.client("technician").get("/api/v1/me").json()["user"]["id"]
            manager = ctx.client("manager").get("/api/v1/me").json()["user"]["id"]
            assert admin.put("/api/v1/teams/%s/members/%s" % (team, tech)).status_code == 204
            r = admin.put("/api/v1/managers/%s/teams" % manager, json={"team_ids": [team]})
            assert r.status_code == 200, r.text
        key = ctx.name[acct]
        form = make_portal(ctx.srv, admin, key=key, company=ctx.default_company[acct], teams=[team])
        queue = make_portal(ctx.srv, admin, key=key, company=ctx.default_company[acct], parent=form["id"],
                            offline_policy="queue")
        cache["#support"] = {"team": team, "form": form["slug"], "queue": queue["slug"]}
    return cache["#support"]


def support_session(ctx, acct, portal="queue"):
    slug = support_desk(ctx, acct)[portal]
    r = ctx.srv.client().post("/api/v1/public/portals/%s/sessions" % slug,
                              json={"name": "Matrix", "email": "matrix@example.test", "question": "help"})
    assert r.status_code == 201, r.text
    return {"slug": slug, "id": r.json()["id"], "_token": r.json()["token"]}


def a_support_session(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#support_session" not in cache:
        cache["#support_session"] = support_session(ctx, acct)
    return cache["#support_session"]


def an_offline_request(ctx, acct):
    cache = ctx.ids_cache[acct]
    if "#offline_request" not in cache:
        cache["#offline_request"] = support_session(ctx, acct, "form")
    return cache["#offline_request"]


def a_mailed_link(ctx, acct):
    """a new offline request answered by its account's admin: the link its mail holds"""
    import re
    slug = support_desk(ctx, acct)["form"]
    email = "%s@example.test" % uniq("matrix")
    r = ctx.srv.client().post("/api/v1/public/portals/%s/sessions" % slug,
                              json={"name": "Matrix", "email": email, "question": "help"})
    assert r.status_code == 201, r.text
    r = ctx.admins[acct].post("/api/v1/support/sessions/%s/messages" % r.json()["id"], json={"text": "answer"})
    assert r.status_code == 204, r.text
    body = ctx.srv.wait_mail(email)[-1].get_body(preferencelist=("plain",)).get_content()
    return {"slug": slug, "_link": re.search(r"\?link=([A-Za-z0-9_-]+)", body).group(1)}


def support_portal(ctx, acct):
    return {"slug": support_desk(ctx, acct)["queue"]}


def with_token(body=None):
    """the customer's token as the query parameter, and the body"""
    def request(ctx, ids):
        kw = {"params": {"token": ids["_token"]}} if "_token" in ids else {}
        if body is not None:
            kw["json"] = body
        return kw
    return request


MATRIX_PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def a_support_file(ctx, acct):
    """a session with a file its customer sent"""
    cache = ctx.ids_cache[acct]
    if "#support_file" not in cache:
        s = support_session(ctx, acct)
        r = ctx.srv.client().post("/api/v1/public/portals/%s/sessions/%s/files" % (s["slug"], s["id"]),
                                  params={"token": s["_token"], "name": "m.png"}, data=MATRIX_PNG,
                                  headers={"Content-Type": "image/png"})
        assert r.status_code == 201, r.text
        cache["#support_file"] = dict(s, file_id=r.json()["id"])
    return cache["#support_file"]


def a_png(token=False):
    """a file upload's raw body (and the customer's token)"""
    def request(ctx, ids):
        params = {"name": "m.png"}
        if token:
            params["token"] = ids["_token"]
        return {"params": params, "data": MATRIX_PNG, "headers": {"Content-Type": "image/png"}}
    return request


SUPPORT_STAFF = ("admin", "manager", "technician")


# ---------------------------------------------------------------- the matrix
# "METHOD PATTERN": Rule(who may, success status, ...). Keep grouped by domain.
EXPECT = {
    # health: public, no account data
    "GET /healthz": Rule(PUBLIC, 200),
    "GET /readyz": Rule(PUBLIC, 200),
    "GET /metrics": Rule(PUBLIC, 200),
    # session: signing in is public; the rest is about oneself (allowed while a login rule is pending)
    "POST /api/v1/session": Rule(PUBLIC, 200, body=sign_in_body, client="fresh-user"),
    "DELETE /api/v1/session": Rule(SIGNED_IN, 204, client="fresh-user"),
    "GET /api/v1/me": Rule(SIGNED_IN, 200),
    "POST /api/v1/me/password": Rule(SIGNED_IN, 200, body=password_body, client="fresh-user"),
    "PATCH /api/v1/me": Rule(SIGNED_IN, 200, body=lambda c: {"language": None}),
    # app passwords: each user their own; the matrix aims DELETE at its administrator's,
    # which nobody else may see (404), another administrator included (test_app_passwords.py)
    "GET /api/v1/me/app-passwords": Rule(SIGNED_IN, 200),
    "POST /api/v1/me/app-passwords": Rule(SIGNED_IN, 201, body=lambda c: {"label": uniq("Phone ")}),
    "DELETE /api/v1/me/app-passwords/{id}": Rule(SIGNED_IN, 404, ids=admins_app_password,
                                                 note="another user's app password: 404 to everyone"),
    # users: administrators change, readers read; anyone reads their own record
    # (test_anyone_reads_their_own_user_record below)
    "POST /api/v1/users": Rule(ADMIN, 201, body=new_user_body),
    "GET /api/v1/users": Rule(READERS, 200),
    "GET /api/v1/users/{id}": Rule(READERS, 200, ids=a_user),
    "PATCH /api/v1/users/{id}": Rule(ADMIN, 200, body=lambda c: {"display_name": uniq("Renamed ")},
                                     rights_roles=MANAGERS),
    "DELETE /api/v1/users/{id}": Rule(ADMIN, 204, ids=fresh_user),
    # recovering a user's password: administrators only, never their own (409, test_passwords.py)
    "POST /api/v1/users/{id}/password": Rule(ADMIN, 200, body=lambda c: {"action": "generate"}, ids=fresh_user),
    # whether mail can leave: the administrators' banner
    "GET /api/v1/mail-status": Rule(ADMIN, 200),
    # a user's app passwords: read like the user record, revoked like a suspension
    "GET /api/v1/users/{id}/app-passwords": Rule(READERS, 200, ids=a_user),
    "DELETE /api/v1/users/{id}/app-passwords/{app_password_id}": Rule(ADMIN, 204, ids=members_app_password),
    "GET /api/v1/account/seats": Rule(READERS, 200),
    # companies and members
    "POST /api/v1/companies": Rule(ADMIN, 201, body=lambda c: {"name": uniq("Company ")}),
    "GET /api/v1/companies": Rule(READERS, 200),
    "GET /api/v1/companies/{id}": Rule(READERS, 200, ids=own_company),
    "PATCH /api/v1/companies/{id}": Rule(ADMIN, 200, body=lambda c: {"name": uniq("Company ")}),
    "DELETE /api/v1/companies/{id}": Rule(ADMIN, 204, ids=fresh_company),
    "GET /api/v1/companies/{id}/members": Rule(READERS, 200, ids=own_company),
    "PUT /api/v1/companies/{id}/members/{user_id}": Rule(ADMIN, 204, ids=member_pair),
    "DELETE /api/v1/companies/{id}/members/{user_id}": Rule(ADMIN, 204, ids=fresh_membership),
    # API applications: API managers register and revoke their own, admins any; technicians read
    "POST /api/v1/apps": Rule(("admin", "api_manager"), 201, body=lambda c: {"name": uniq("App ")}),
    "GET /api/v1/apps": Rule(("admin", "technician", "api_manager"), 200),
    "GET /api/v1/apps/{id}": Rule(("admin", "technician", "api_manager"), 200, ids=api_managers_app),
    "POST /api/v1/apps/revoke": Rule(("admin", "api_manager"), 200,
                                     body=lambda c: {"ids": [api_managers_app(c, "A")["id"]]}),
    # the token endpoint authenticates the client itself (HTTP Basic) and answers RFC 6749
    # errors as application/json; a session and a JSON body are an invalid_request for anyone
    "POST /oauth/token": Rule(PUBLIC, 400, error_type="application/json",
                              note="RFC 6749 5.2: invalid_request"),
    # rights, teams and managers: administrators change, readers read; managers and API
    # managers act with team-level rights in the teams they manage (tests/api/test_managers.py)
    "GET /api/v1/rights": Rule(READERS, 200),
    "GET /api/v1/teams": Rule(READERS, 200),
    "POST /api/v1/teams": Rule(ADMIN, 201, body=lambda c: {"name": uniq("Team ")}),
    "GET /api/v1/teams/{id}": Rule(READERS, 200),
    "PATCH /api/v1/teams/{id}": Rule(ADMIN, 200, body=lambda c: {"name": uniq("Team ")}),
    "DELETE /api/v1/teams/{id}": Rule(ADMIN, 204, ids=fresh_team, rights_roles=MANAGERS),
    "GET /api/v1/teams/{id}/members": Rule(READERS, 200),
    "PUT /api/v1/teams/{id}/members/{user_id}": Rule(ADMIN, 204, ids=team_technician,
                                                     rights_roles=MANAGERS),
    "DELETE /api/v1/teams/{id}/members/{user_id}": Rule(ADMIN, 204, ids=team_technician,
                                                        rights_roles=MANAGERS),
    "PUT /api/v1/teams/{id}/rights": Rule(ADMIN, 200, body=lambda c: {"rights": ["supervisor_view"]}),
    "GET /api/v1/managers": Rule(READERS, 200),
    "GET /api/v1/managers/{id}": Rule(READERS, 200, ids=a_manager),
    "PUT /api/v1/managers/{id}/rights": Rule(ADMIN, 200, ids=a_manager,
                                             body=lambda c: {"rights": ["admin_center_access", "reports"]}),
    "PATCH /api/v1/managers/{id}/login-settings": Rule(ADMIN, 200, ids=a_manager,
                                                       body=lambda c: {"allow_password_reset": True}),
    "PUT /api/v1/managers/{id}/teams": Rule(ADMIN, 200, ids=a_manager, body=lambda c: {"team_ids": []}),
    "GET /api/v1/managers/{id}/effective-rights": Rule(READERS, 400, ids=a_manager,
                                                       note="the matrix sends no ?team=: 400 for readers"),
    # settings: administrators change the account's values and companies' overrides; readers read
    "GET /api/v1/settings": Rule(READERS, 200),
    "PATCH /api/v1/settings": Rule(ADMIN, 200, body=lambda c: {"session_recording": False}),
    "GET /api/v1/companies/{id}/settings": Rule(READERS, 200, ids=own_company),
    "PUT /api/v1/companies/{id}/settings/{name}": Rule(ADMIN, 200, ids=company_setting,
                                                       body=lambda c: {"value": "fr"}),
    "DELETE /api/v1/companies/{id}/settings/{name}": Rule(ADMIN, 204, ids=company_setting),
    # devices of companies
    "POST /api/v1/devices": Rule(ADMIN, 201, body=lambda c: {"name": uniq("Device "),
                                                             "company_ids": [c.company["A"]]}),
    "GET /api/v1/devices": Rule(READERS, 200),
    "GET /api/v1/devices/{id}": Rule(READERS, 200, ids=a_device),
    "PATCH /api/v1/devices/{id}": Rule(ADMIN, 200, ids=a_device, body=lambda c: {"notes": "checked"}),
    "DELETE /api/v1/devices/{id}": Rule(ADMIN, 204, ids=fresh_device),
    "GET /api/v1/companies/{id}/devices": Rule(READERS, 200, ids=own_company),
    # portals: readers see their companies' portals; admins and the managers assigned to a
    # portal change it (the matrix's managers are assigned to none); anyone reads the public view
    "GET /api/v1/portals": Rule(READERS, 200),
    "GET /api/v1/portals/{id}": Rule(READERS, 200, ids=a_portal),
    "PATCH /api/v1/portals/{id}": Rule(ADMIN, 200, ids=a_portal, body=lambda c: {"welcome": uniq("Hello ")},
                                       rights_roles=("manager", "api_manager", "technician")),
    "DELETE /api/v1/portals/{id}": Rule(ADMIN, 204, ids=fresh_sub_portal,
                                        rights_roles=("manager", "api_manager", "technician")),
    "POST /api/v1/portals/{id}/sub-portals": Rule(ADMIN, 201, ids=a_portal,
                                                  body=lambda c: {"title": uniq("Sub ")},
                                                  rights_roles=("manager", "api_manager", "technician")),
    "PUT /api/v1/portals/{id}/managers": Rule(ADMIN, 200, ids=a_portal, body=lambda c: {"user_ids": []}),
    # support reports: admins, and managers holding the right `reports` (the matrix's hold none);
    # a reset: admins, and a portal's managers holding reset_portal_reports
    "GET /api/v1/support/reports": Rule(ADMIN, 200, rights_roles=("manager", "api_manager")),
    "POST /api/v1/portals/{id}/reports/reset": Rule(ADMIN, 200, ids=a_portal,
                                                    rights_roles=("manager", "api_manager", "technician")),
    "GET /api/v1/public/portals/{slug}": Rule(PUBLIC, 200, ids=a_portal_slug, other=200),
    "GET /api/v1/public/portals/{slug}/stream": Rule(PUBLIC, 200, ids=a_portal_slug, other=200,
                                                     note="an event stream: the matrix reads its status only"),
    # login rules by e-mail: requests and confirmations are public (a confirmation with a
    # token nobody issued is a 410 for anyone); resending the validation link is one's own
    "GET /api/v1/password-policy": Rule(PUBLIC, 200),
    "POST /api/v1/password-reset": Rule(PUBLIC, 202, body=lambda c: {"email": uniq("r") + "@nowhere.test"}),
    "POST /api/v1/password-reset/confirm": Rule(PUBLIC, 410, body=lambda c: {"token": uniq("t"),
                                                                         "new_password": uniq("Pw ")}),
    "POST /api/v1/email-validation/confirm": Rule(PUBLIC, 410, body=lambda c: {"token": uniq("t")}),
    "POST /api/v1/me/email-validation": Rule(SIGNED_IN, 202, client="fresh-user"),
    # the audit log: administrators and technicians
    "GET /api/v1/audit": Rule(("admin", "technician"), 200),
    # calendars: each user's own; the matrix aims at its administrator's calendar, which
    # nobody else may see (404 as if it did not exist), another administrator included
    # (tests/api/test_calendars.py); guests and customers own none
    "GET /api/v1/calendars": Rule(SIGNED_IN, 200),
    "POST /api/v1/calendars": Rule(OWNERS, 201, body=lambda c: {"name": uniq("Calendar ")}),
    "GET /api/v1/calendars/{id}": Rule(ADMIN, 200, ids=admins_calendar, denied=404),
    "PATCH /api/v1/calendars/{id}": Rule(ADMIN, 200, ids=admins_calendar, denied=404,
                                         body=lambda c: {"description": "checked"}),
    "DELETE /api/v1/calendars/{id}": Rule(ADMIN, 204, ids=fresh_admins_calendar, denied=404),
    "GET /api/v1/calendars/{id}/events": Rule(ADMIN, 200, ids=admins_calendar, denied=404),
    "POST /api/v1/calendars/{id}/events": Rule(ADMIN, 201, ids=admins_calendar, denied=404,
                                               body=lambda c: {"start": "2030-02-01T09:00:00Z"}),
    "GET /api/v1/calendars/{id}/events/{event_id}": Rule(ADMIN, 200, ids=admins_event, denied=404),
    "PATCH /api/v1/calendars/{id}/events/{event_id}": Rule(ADMIN, 200, ids=admins_event, denied=404,
                                                           body=lambda c: {"summary": uniq("Renamed ")}),
    "DELETE /api/v1/calendars/{id}/events/{event_id}": Rule(ADMIN, 204, ids=fresh_admins_event, denied=404),
    "GET /api/v1/calendars/{id}/events/{event_id}/ics": Rule(ADMIN, 200, ids=admins_event, denied=404),
    "PUT /api/v1/calendars/{id}/events/{event_id}/occurrences/{recurrence_id}": Rule(
        ADMIN, 200, ids=admins_event, denied=404, body=lambda c: {"summary": uniq("Moved ")}),
    "DELETE /api/v1/calendars/{id}/events/{event_id}/occurrences/{recurrence_id}": Rule(
        ADMIN, 200, ids=fresh_admins_event, denied=404),
    "POST /api/v1/calendars/{id}/import": Rule(ADMIN, 415, ids=admins_calendar, denied=404,
                                               note="the matrix sends JSON, not text/calendar: 415"),
    "GET /api/v1/calendars/{id}/export": Rule(ADMIN, 200, ids=admins_calendar, denied=404),
    # rooms: administrators manage them; everyone who owns calendars reads, searches and books
    "POST /api/v1/rooms": Rule(ADMIN, 201, body=lambda c: {"name": uniq("Room ")}),
    "GET /api/v1/rooms": Rule(OWNERS, 200),
    "GET /api/v1/rooms/search": Rule(OWNERS, 400, note="the matrix sends no start/end: 400"),
    "GET /api/v1/rooms/{id}": Rule(OWNERS, 200, ids=a_room),
    "PATCH /api/v1/rooms/{id}": Rule(ADMIN, 200, ids=a_room, body=lambda c: {"capacity": 9}),
    "DELETE /api/v1/rooms/{id}": Rule(ADMIN, 204, ids=fresh_room),
    "GET /api/v1/rooms/{id}/bookings": Rule(OWNERS, 200, ids=a_room),
    "GET /api/v1/rooms/{id}/stream": Rule(OWNERS, 200, ids=a_room,
                                          note="an event stream: the matrix reads its status only"),
    "POST /api/v1/rooms/{id}/bookings/{booking_id}/approve": Rule(SIGNED_IN, 404, ids=lambda c, a: dict(
        a_room(c, a), booking_id="bkg_aaaaaaaaaaaaaaaaaaaa"),
        note="no such booking: 404 for anyone; delegates of a room decide (tests/api/test_rooms.py)"),
    "POST /api/v1/rooms/{id}/bookings/{booking_id}/decline": Rule(SIGNED_IN, 404, ids=lambda c, a: dict(
        a_room(c, a), booking_id="bkg_aaaaaaaaaaaaaaaaaaaa"),
        note="no such booking: 404 for anyone; delegates of a room decide (tests/api/test_rooms.py)"),
    # door displays: administrators issue and revoke tokens, readers list them; the display
    # routes are authenticated by the token in the path alone (the same answer for anyone)
    "POST /api/v1/rooms/{id}/displays": Rule(ADMIN, 201, ids=a_room, body=lambda c: {"name": "Door"}),
    "GET /api/v1/rooms/{id}/displays": Rule(READERS, 200, ids=a_room),
    "DELETE /api/v1/rooms/{id}/displays/{display_id}": Rule(ADMIN, 204, ids=fresh_display),
    "GET /api/v1/display/{token}": Rule(PUBLIC, 200, ids=a_display, other=200),
    "GET /api/v1/display/{token}/stream": Rule(PUBLIC, 200, ids=a_display, other=200,
                                               note="an event stream: the matrix reads its status only"),
    "POST /api/v1/display/{token}/check-in": Rule(PUBLIC, 409, ids=a_display, other=409,
                                                  note="nothing booked: 409 for anyone"),
    "POST /api/v1/display/{token}/end": Rule(PUBLIC, 409, ids=a_display, other=409,
                                             note="nothing going on: 409 for anyone"),
    "POST /api/v1/display/{token}/book": Rule(PUBLIC, 422, ids=a_display, other=422,
                                              body=lambda c: {"minutes": 20}, note="20 minutes: 422 for anyone"),
    # shares by their own id (issue 3 section 7): the calendar's owner, as per calendar
    "PATCH /api/v1/shares/{id}": Rule(ADMIN, 200, ids=lambda c, a: {"id": a_share(c, a)["share_id"]},
                                      denied=404, body=lambda c: {"role": "editor"}),
    "DELETE /api/v1/shares/{id}": Rule(ADMIN, 204, ids=lambda c, a: {"id": fresh_share(c, a)["share_id"]},
                                       denied=404),
    "POST /api/v1/shares/{id}/rotate": Rule(ADMIN, 200, ids=lambda c, a: {
        "id": "pub_" + a_public_feed(c, a)["id"][4:]}, denied=404),
    "POST /api/v1/find-time": Rule(OWNERS, 200, body=lambda c: {
        "start": "2030-01-07T08:00:00Z", "end": "2030-01-07T12:00:00Z", "duration_minutes": 30,
        "users": [c.user["A"]]}),
    "POST /api/v1/freebusy": Rule(OWNERS, 200, body=lambda c: {
        "start": "2030-01-07T00:00:00Z", "end": "2030-01-08T00:00:00Z", "users": [c.user["A"]]}),
    "GET /api/v1/calendars/{id}/stream": Rule(ADMIN, 200, ids=admins_calendar, denied=404,
                                              note="an event stream: the matrix reads its status only"),
    # shares and public feeds: the calendar's owner (or a manager grantee, tests/api/test_shares.py)
    "GET /api/v1/calendars/{id}/shares": Rule(ADMIN, 200, ids=shared_calendar, denied=404),
    "POST /api/v1/calendars/{id}/shares": Rule(ADMIN, 201, ids=shared_calendar, denied=404, body=share_body),
    "PATCH /api/v1/calendars/{id}/shares/{share_id}": Rule(ADMIN, 200, ids=a_share, denied=404,
                                                           body=lambda c: {"role": "editor"}),
    "DELETE /api/v1/calendars/{id}/shares/{share_id}": Rule(ADMIN, 204, ids=fresh_share, denied=404),
    "GET /api/v1/guest-invitations/accept": Rule(PUBLIC, 400, note="no ?token=: a broken link"),
    "POST /api/v1/guest-invitations/accept": Rule(PUBLIC, 410, body=lambda c: {
        "token": uniq("t"), "display_name": "Matrix guest", "password": uniq("Pw ")}),
    # iMIP mail-in takes an API application's bearer token only (an MTA's pipe): every
    # session is refused; bearer calls are in tests/api/test_imip_in.py
    "POST /api/v1/imip": Rule((), 200, note="bearer tokens only", request=lambda ctx, ids: {
        "data": b"From: guest@outside.test\r\nContent-Type: text/plain\r\n\r\nno calendar",
        "headers": {"Content-Type": "message/rfc822"}}),
    "GET /api/v1/calendars/{id}/public-feed": Rule(ADMIN, 200, ids=a_public_feed, denied=404),
    "PUT /api/v1/calendars/{id}/public-feed": Rule(ADMIN, 200, ids=a_public_feed, denied=404,
                                                   body=lambda c: {"detail": "busy"}),
    "POST /api/v1/calendars/{id}/public-feed/rotate": Rule(ADMIN, 200, ids=a_public_feed, denied=404),
    "DELETE /api/v1/calendars/{id}/public-feed": Rule(ADMIN, 204, ids=fresh_public_feed, denied=404),
    # feeds: private ones by role on the calendar (Basic, session or bearer); a public one by its secret
    "GET /feeds/private/{file}": Rule(ADMIN, 200, ids=private_feed_file, denied=404),
    "GET /feeds/calendars/{file}": Rule(ADMIN, 200, ids=private_feed_file, denied=404),
    "GET /feeds/public/{file}": Rule(PUBLIC, 200, ids=public_feed_file, other=200),
    # CalDAV: a DAV home is only its user's (others get 404, as for a calendar they may not see);
    # OPTIONS and the well-known redirect need no credentials
    "GET /.well-known/caldav": Rule(PUBLIC, 301, request=NO_REDIRECT),
    "OPTIONS /.well-known/caldav": Rule(PUBLIC, 200),
    # discovery from the addresses people type: GET redirects, PROPFIND answers in place
    "PROPFIND /.well-known/caldav": Rule(SIGNED_IN, 207, request=dav_xml(DAV_PROPFIND)),
    "GET /.well-known/caldav/": Rule(PUBLIC, 301, request=NO_REDIRECT),
    "PROPFIND /.well-known/caldav/": Rule(SIGNED_IN, 207, request=dav_xml(DAV_PROPFIND)),
    "OPTIONS /.well-known/caldav/": Rule(PUBLIC, 200),
    "GET /dav": Rule(PUBLIC, 301, request=NO_REDIRECT),
    "PROPFIND /dav": Rule(SIGNED_IN, 207, request=dav_xml(DAV_PROPFIND)),
    "OPTIONS /dav": Rule(PUBLIC, 200),
    "PROPFIND /": Rule(SIGNED_IN, 207, request=dav_xml(DAV_PROPFIND)),
    "OPTIONS /": Rule(PUBLIC, 200),
    "OPTIONS /dav/{path*}": Rule(PUBLIC, 200, ids=dav_calendar, other=200),
    "PROPFIND /dav/{path*}": Rule(ADMIN, 207, ids=dav_calendar, denied=404, request=dav_xml(DAV_PROPFIND)),
    "PROPPATCH /dav/{path*}": Rule(ADMIN, 207, ids=dav_calendar, denied=404, request=dav_xml(DAV_PROPPATCH)),
    "REPORT /dav/{path*}": Rule(ADMIN, 207, ids=dav_calendar, denied=404, request=dav_xml(DAV_QUERY, "1")),
    "GET /dav/{path*}": Rule(ADMIN, 200, ids=dav_event, denied=404),
    "PUT /dav/{path*}": Rule(ADMIN, 201, ids=dav_new_event, denied=404, request=dav_put),
    "DELETE /dav/{path*}": Rule(ADMIN, 204, ids=dav_event, denied=404),
    "MKCALENDAR /dav/{path*}": Rule(ADMIN, 201, ids=dav_new_calendar, denied=404),
    "MKCOL /dav/{path*}": Rule(ADMIN, 201, ids=dav_new_calendar, denied=404, request=dav_xml(DAV_MKCOL)),
    "MOVE /dav/{path*}": Rule(ADMIN, 201, ids=dav_event, denied=404, request=dav_move),
    "COPY /dav/{path*}": Rule(ADMIN, 201, ids=dav_event_to_copy, denied=404, request=dav_copy),
    "POST /dav/{path*}": Rule(ADMIN, 200, ids=dav_outbox, denied=404, request=dav_freebusy),
    # conferences: account admins create, delete and see every one; a conference's own
    # administrators (none among the matrix's callers) change it; for anyone else it does
    # not exist (404), as in another account (tests/api/test_conferences.py)
    "POST /api/v1/conferences": Rule(ADMIN, 201, body=conference_body),
    "GET /api/v1/conferences": Rule(SIGNED_IN, 200, note="each sees the conferences they administer"),
    "GET /api/v1/conferences/{id}": Rule(ADMIN, 200, ids=a_conference, denied=404),
    "PATCH /api/v1/conferences/{id}": Rule(ADMIN, 200, ids=a_conference, denied=404,
                                           body=lambda c: {"description": "checked"}),
    "DELETE /api/v1/conferences/{id}": Rule(ADMIN, 204, ids=fresh_conference, denied=404),
    "GET /api/v1/conferences/{id}/admins": Rule(ADMIN, 200, ids=a_conference, denied=404),
    "POST /api/v1/conferences/{id}/admins": Rule(ADMIN, 201, ids=a_conference, denied=404,
                                                 body=lambda c: {"email": c.new_user("A")["email"]}),
    "PUT /api/v1/conferences/{id}/admins/{user_id}": Rule(ADMIN, 204, ids=conference_member, denied=404),
    "DELETE /api/v1/conferences/{id}/admins/{user_id}": Rule(ADMIN, 204, ids=fresh_conference_admin,
                                                             denied=404),
    # Zoom's webhooks (issue 15): public, as Zoom calls them; the signature decides, not the
    # caller: an unsigned delivery gets 401 from anyone (tests/api/test_zoom_webhooks.py)
    "POST /webhooks/zoom": Rule(PUBLIC, 401, other=401, note="unsigned: 401 for anyone", request=lambda ctx, ids: {
        "data": b'{"event":"meeting.updated","payload":{}}', "headers": {"Content-Type": "application/json"}}),
    # a Zoom connection's live page: account admins and the conference's administrators; 404 for others
    "GET /api/v1/conferences/{id}/zoom-connections/{cid}/stream": Rule(
        ADMIN, 200, ids=zoom_stream_ids, denied=404, note="an event stream: the matrix reads its status only"),
    # Zoom connections (issue 15): account admins and the conference's administrators only, 404 for
    # anyone else (no caller of the matrix but the admin administers the conference)
    "GET /api/v1/zoom": Rule(ADMIN, 200, note="account admins and conference administrators"),
    "POST /api/v1/conferences/{id}/zoom-connections": Rule(
        ADMIN, 201, ids=zoom_conference, denied=404, body=lambda ctx: {"name": uniq("Matrix ")}),
    "GET /api/v1/conferences/{id}/zoom-connections": Rule(ADMIN, 200, ids=zoom_conference, denied=404),
    "GET /api/v1/conferences/{id}/zoom-connections/{cid}": Rule(ADMIN, 200, ids=zoom_connection, denied=404),
    "PATCH /api/v1/conferences/{id}/zoom-connections/{cid}": Rule(
        ADMIN, 200, ids=zoom_connection, denied=404, body=lambda ctx: {"name": uniq("Matrix ")}),
    "DELETE /api/v1/conferences/{id}/zoom-connections/{cid}": Rule(
        ADMIN, 204, ids=fresh_zoom_connection, denied=404),
    "POST /api/v1/conferences/{id}/zoom-connections/{cid}/connect": Rule(
        ADMIN, 200, ids=zoom_connection, denied=404),
    "POST /api/v1/conferences/{id}/zoom-connections/{cid}/refresh": Rule(
        ADMIN, 200, ids=zoom_connection, denied=404),
    "POST /api/v1/conferences/{id}/zoom-connections/{cid}/meetings/{mid}/start": Rule(
        ADMIN, 200, ids=zoom_connected, denied=404),
    # the Zoom meeting of a schedule event (issue 15 section 5): the same people, 404 for others
    "GET /api/v1/conferences/{id}/events/{event_id}/zoom": Rule(
        ADMIN, 200, ids=cached_linked_event, denied=404),
    "POST /api/v1/conferences/{id}/events/{event_id}/zoom": Rule(
        ADMIN, 201, ids=schedule_event, denied=404,
        body=lambda ctx: {"connection_id": zoom_connected(ctx, "A")["cid"]}),
    "PUT /api/v1/conferences/{id}/events/{event_id}/zoom": Rule(
        ADMIN, 200, ids=schedule_event, denied=404,
        body=lambda ctx: {"connection_id": zoom_connected(ctx, "A")["cid"],
                          "meeting_id": zoom_connected(ctx, "A")["mid"]}),
    "DELETE /api/v1/conferences/{id}/events/{event_id}/zoom": Rule(
        ADMIN, 204, ids=linked_event, denied=404),
    # what the schedule's Zoom meetings still owe Zoom: the same people, 404 for others
    "POST /api/v1/conferences/{id}/events/{event_id}/zoom/retry": Rule(
        ADMIN, 200, ids=cached_linked_event, denied=404),
    "GET /api/v1/conferences/{id}/zoom-sync": Rule(ADMIN, 200, ids=zoom_conference, denied=404),
    "POST /api/v1/conferences/{id}/zoom-sync/{meeting_id}/retry": Rule(
        ADMIN, 422, ids=failed_zoom_sync, denied=404,
        note="an all-day event's write: past the access check, 422 says it still cannot be a meeting"),
    "DELETE /api/v1/conferences/{id}/zoom-sync/{meeting_id}": Rule(
        ADMIN, 204, ids=failed_zoom_sync, denied=404),
    # where Zoom sends the browser: public, the state decides (none here: an HTML error page)
    "GET /oauth/zoom/callback": Rule(PUBLIC, 400, error_type="text/html"),
    # a Marketplace install is its secret token's, whoever is signed in; attaching it needs
    # conferences the caller administers (the body names account A's)
    # calendar integrations (issue 16): account admins only. The matrix's server knows no provider
    # (tests/api/test_sync_*.py do), so the calls stop where no provider is asked: step 1 with an
    # empty body (422 naming the field), a room it never listed (404), the rest before step 1 (409
    # provider-not-configured);
    # another account's admin gets the same answer about its own, unconfigured, provider
    "GET /api/v1/calendar-integrations": Rule(ADMIN, 200),
    "PUT /api/v1/calendar-integrations/{provider}": Rule(
        ADMIN, 422, ids=lambda ctx, acct: {"provider": "google"}, other=422, body=lambda ctx: {},
        note="an empty step 1: refused by name before any call to Google"),
    "DELETE /api/v1/calendar-integrations/{provider}": Rule(
        ADMIN, 422, ids=lambda ctx, acct: {"provider": "google"}, other=422,
        note="without ?confirm=true: confirmation-required"),
    "POST /api/v1/calendar-integrations/{provider}/connect": Rule(
        ADMIN, 409, ids=lambda ctx, acct: {"provider": "google"}, other=409, note="before step 1"),
    "GET /api/v1/calendar-integrations/{provider}/rooms": Rule(
        ADMIN, 409, ids=lambda ctx, acct: {"provider": "google"}, other=409, note="before step 1"),
    "PUT /api/v1/calendar-integrations/{provider}/rooms/{provider_room_id}": Rule(
        ADMIN, 404, ids=lambda ctx, acct: {"provider": "google", "provider_room_id": "room@example.com"},
        other=404, body=lambda ctx: {"import": True}, note="a room the provider never listed in this account"),
    "DELETE /api/v1/calendar-integrations/{provider}/rooms/{provider_room_id}": Rule(
        ADMIN, 404, ids=lambda ctx, acct: {"provider": "google", "provider_room_id": "room@example.com"},
        other=404, note="a room the provider never listed in this account"),
    # the providers' push endpoints (issue 16): public, as Google and Microsoft call them; the
    # channel or subscription and its secret decide, not the caller
    "POST /webhooks/google": Rule(PUBLIC, 404, other=404, note="an unknown channel: 404 for anyone (Google stops it)",
                                  request=lambda ctx, ids: {"headers": {"X-Goog-Channel-ID": "chn_unknown",
                                                                        "X-Goog-Resource-State": "exists"}}),
    "POST /webhooks/microsoft": Rule(PUBLIC, 202, other=202, note="no notification it knows: accepted and ignored",
                                     request=lambda ctx, ids: {"data": b'{"value":[]}',
                                                               "headers": {"Content-Type": "application/json"}}),
    "GET /api/v1/zoom/installs/{token}": Rule(SIGNED_IN, 200, ids=a_zoom_install, other=200),
    "POST /api/v1/zoom/installs/{token}": Rule(
        ADMIN, 201, ids=fresh_zoom_install, other=201, denied=404,
        body=lambda ctx: {"conference_ids": [zoom_conference(ctx, "A")["id"]], "name": uniq("Matrix ")}),
    # support sessions and live chat (issue 17): customers with their session's token, on any account's portal
    "POST /api/v1/public/portals/{slug}/sessions": Rule(
        PUBLIC, 201, ids=support_portal, other=201,
        request=with_token({"name": "Matrix", "email": "m@example.test", "question": "help"})),
    "GET /api/v1/public/portals/{slug}/sessions/{id}": Rule(PUBLIC, 200, ids=a_support_session, other=200,
                                                            request=with_token()),
    "GET /api/v1/public/portals/{slug}/sessions/{id}/stream": Rule(
        PUBLIC, 200, ids=a_support_session, other=200, request=with_token(),
        note="an event stream: the matrix reads its status only"),
    "POST /api/v1/public/portals/{slug}/sessions/{id}/messages": Rule(
        PUBLIC, 204, ids=a_support_session, other=204, request=with_token({"text": "hello"})),
    "POST /api/v1/public/portals/{slug}/sessions/{id}/typing": Rule(PUBLIC, 204, ids=a_support_session, other=204,
                                                                   request=with_token()),
    "POST /api/v1/public/portals/{slug}/sessions/{id}/read": Rule(PUBLIC, 204, ids=a_support_session, other=204,
                                                                 request=with_token({"seq": 1})),
    "POST /api/v1/public/portals/{slug}/sessions/{id}/close": Rule(PUBLIC, 204, ids=support_session, other=204,
                                                                  request=with_token()),
    "POST /api/v1/public/portals/{slug}/sessions/{id}/transcript": Rule(
        PUBLIC, 202, ids=support_session, other=202, request=with_token(),
        note="a new session each call: one transcript mail per 5 minutes"),
    "POST /api/v1/public/portals/{slug}/links": Rule(
        PUBLIC, 200, ids=a_mailed_link, other=200, request=lambda ctx, ids: {"json": {"link": ids["_link"]}},
        note="a new link each call: it works once"),
    # technicians who serve the portal, their team's manager and admins; another account's: 404
    "GET /api/v1/support/presence": Rule(SUPPORT_STAFF, 200),
    "PUT /api/v1/support/presence": Rule(SUPPORT_STAFF, 200, body=lambda c: {"state": "away"}),
    "GET /api/v1/support/queue": Rule(SUPPORT_STAFF, 200),
    "GET /api/v1/support/stream": Rule(SUPPORT_STAFF, 200, note="an event stream: the matrix reads its status only"),
    "GET /api/v1/support/sessions/{id}": Rule(SUPPORT_STAFF, 200, ids=a_support_session),
    "GET /api/v1/support/sessions/{id}/stream": Rule(SUPPORT_STAFF, 200, ids=a_support_session,
                                                     note="an event stream: the matrix reads its status only"),
    "POST /api/v1/support/sessions/{id}/pick-up": Rule(SUPPORT_STAFF, 200, ids=support_session),
    "POST /api/v1/support/sessions/{id}/messages": Rule(SUPPORT_STAFF, 204, ids=an_offline_request,
                                                        body=lambda c: {"text": "the answer"},
                                                        note="an offline request: answered without a pick-up"),
    "POST /api/v1/support/sessions/{id}/notes": Rule(SUPPORT_STAFF, 204, ids=a_support_session,
                                                     body=lambda c: {"text": "a note"}),
    "POST /api/v1/support/sessions/{id}/typing": Rule(SUPPORT_STAFF, 204, ids=a_support_session),
    "POST /api/v1/support/sessions/{id}/read": Rule(SUPPORT_STAFF, 204, ids=a_support_session,
                                                    body=lambda c: {"seq": 1}),
    "POST /api/v1/support/sessions/{id}/close": Rule(SUPPORT_STAFF, 204, ids=support_session),
    "POST /api/v1/support/sessions/{id}/transfer": Rule(
        SUPPORT_STAFF, 200, ids=support_session, body=lambda c: {"team_id": support_desk(c, "A")["team"]}),
    # files in chat: the customer with the token; technicians and managers as the portal's teams
    # enable file_transfer_send / _receive (the matrix's teams enable none), admins always
    "POST /api/v1/public/portals/{slug}/sessions/{id}/files": Rule(
        PUBLIC, 201, ids=support_session, other=201, request=a_png(token=True)),
    "GET /api/v1/public/portals/{slug}/sessions/{id}/files/{file_id}": Rule(
        PUBLIC, 200, ids=a_support_file, other=200, request=with_token()),
    "POST /api/v1/support/sessions/{id}/files": Rule(
        ADMIN, 201, ids=support_session, request=a_png(), rights_roles=("manager", "technician")),
    "GET /api/v1/support/sessions/{id}/files/{file_id}": Rule(
        ADMIN, 200, ids=a_support_file, rights_roles=("manager", "technician"),
        note="the customer's file: file_transfer_receive"),
    # replay: session_replay (managers of its team), rep_session_replay (one's own sessions), admins
    "GET /api/v1/support/sessions/{id}/transcript": Rule(
        ADMIN, 200, ids=a_support_session, rights_roles=("manager", "technician")),
    "GET /api/v1/support/sessions/{id}/export": Rule(
        ADMIN, 200, ids=a_support_session, rights_roles=("manager", "technician")),
    # managers' controls: each needs its right in a team of the target, which the matrix's managers do not hold
    "GET /api/v1/support/sessions": Rule(SUPPORT_STAFF, 200),
    "GET /api/v1/support/sessions/{id}/device": Rule(SUPPORT_STAFF, 200, ids=a_support_session),
    "PUT /api/v1/support/sessions/{id}/device": Rule(SUPPORT_STAFF, 200, ids=a_support_session,
                                                     body=lambda c: {"device_id": None}),
    "GET /api/v1/support/technicians": Rule(("admin",) + MANAGERS, 200),
    "POST /api/v1/support/technicians/{id}/log-out": Rule(ADMIN, 200, ids=fresh_user, rights_roles=MANAGERS),
    "PUT /api/v1/support/technicians/{id}/limit": Rule(ADMIN, 200, ids=fresh_user, rights_roles=MANAGERS,
                                                       body=lambda c: {"max_sessions": 4}),
    "POST /api/v1/support/sessions/{id}/cancel": Rule(ADMIN, 204, ids=support_session, rights_roles=MANAGERS),
}


# ---------------------------------------------------------------- the callers
class Ctx:
    def __init__(self, srv):
        self.srv = srv
        # two accounts of the matrix's own ("A" and "B" below), so that the users,
        # admins and companies it makes change nothing other tests count on
        self.name = {"A": "MatrixA", "B": "MatrixB"}
        for k, name in self.name.items():
            if name not in srv.accounts:
                srv.add_account(name, "Matrix account " + k)
        self.admins = {k: srv.admin(name) for k, name in self.name.items()}
        self.default_company = {k: srv.default_company(c) for k, c in self.admins.items()}
        self.clients = {}
        self.ids_cache = {"A": {}, "B": {}}
        # something of each account to aim {ids} at: a company and a member of it
        self.company = {k: self.new_company(k)["id"] for k in ("A", "B")}
        self.user = {k: self.new_user(k)["id"] for k in ("A", "B")}

    def new_user(self, acct, role="member", companies=None):
        u, _ = self.srv.make_user(self.admins[acct], role,
                                  company_ids=companies if companies is not None else
                                  (None if role == "admin" else [self.default_company[acct]]))
        return u

    def new_company(self, acct):
        r = self.admins[acct].post("/api/v1/companies", json={"name": uniq("Matrix company ")})
        assert r.status_code == 201, r.text
        return r.json()

    def client(self, role, fresh=False):
        """a signed-in client of account A with this role (None: anonymous)"""
        if role == ANON:
            return self.srv.client()
        if fresh or role not in self.clients:
            c = self.srv.login_as(self.new_user("A", role))
            if fresh:
                return c
            self.clients[role] = c
        return self.clients[role]

    def ids(self, rt, rule, acct):
        if rule.ids:
            return rule.ids(self, acct)
        return fill_ids(self.admins[acct], rt, self.admins[acct].user["id"], self.ids_cache[acct])


@pytest.fixture(scope="module")
def ctx(srv):
    return Ctx(srv)


def test_every_route_has_an_expectation():
    missing = [rt.key for rt in routes() if rt.key not in EXPECT]
    assert not missing, (
        "routes without an authorisation expectation: add them to EXPECT in "
        "tests/api/test_authz_matrix.py:\n  " + "\n  ".join(missing))


def test_no_expectation_for_a_route_that_does_not_exist():
    real = {rt.key for rt in routes()}
    stale = [k for k in EXPECT if k not in real]
    assert not stale, "EXPECT names routes that do not exist:\n  " + "\n  ".join(stale)


@pytest.mark.parametrize("rt", [rt for rt in routes() if rt.key in EXPECT], ids=lambda rt: rt.key)
def test_matrix(ctx, rt):
    rule = EXPECT[rt.key]
    wheres = ["own", "other"] if rt.params else ["own"]
    wrong = []
    for role in ROLES + (ANON,):
        for where in wheres:
            acct = "A" if where == "own" else "B"
            ids = ctx.ids(rt, rule, acct) if rt.params else {}
            c = ctx.client(role, fresh=rule.client == "fresh-user")
            kw = {}
            if rule.request:
                kw.update(rule.request(ctx, ids))
            elif rule.body:
                kw["json"] = rule.body(ctx)
            elif body_schema(rt) is not None:
                kw["json"] = example_body(body_schema(rt), uniq())
            events = rt.pattern.endswith("/stream")
            r = c.request(rt.method, rt.fill(**ids), stream=events, **kw)
            if events and r.status_code == 200:
                hang_up(r)  # an event stream never ends by itself
            want = rule.expect(role, where)
            if r.status_code != want:
                wrong.append("%-11s %-5s expected %d, got %d %s" % (role, where, want, r.status_code,
                                                                  r.text[:160]))
            elif r.status_code >= 400 and not r.headers.get("Content-Type", "").startswith(
                    rule.error_type):
                wrong.append("%-11s %-5s %d is not %s" % (role, where, r.status_code, rule.error_type))
    assert not wrong, "%s (%s):\n  %s" % (rt.key, rule.note or "see EXPECT", "\n  ".join(wrong))


def test_anyone_reads_their_own_user_record(ctx):
    for role in ROLES:
        c = ctx.client(role)
        me = c.get("/api/v1/me").json()["user"]["id"]
        r = c.get("/api/v1/users/" + me)
        assert r.status_code == 200 and r.json()["id"] == me, (role, r.text)


# ---------------------------------------------------------------- company scope
# Every role but admin sees only the companies it belongs to (api/access.h):
# the reads of the matrix above aim at the callers' own company; these aim
# at another company of the same account, which only administrators see.
# The others get 404, the answer for what does not exist.
def other_company(ctx):
    return ctx.company["A"]  # no caller of the matrix belongs to it


def other_companys_user(ctx):
    cache = ctx.ids_cache["A"]
    if "#other_user" not in cache:
        cache["#other_user"] = ctx.new_user("A", companies=[other_company(ctx)])["id"]
    return cache["#other_user"]


def other_companys_device(ctx):
    cache = ctx.ids_cache["A"]
    if "#other_device" not in cache:
        r = ctx.admins["A"].post("/api/v1/devices", json={"name": uniq("Matrix device "),
                                                         "company_ids": [other_company(ctx)]})
        assert r.status_code == 201, r.text
        cache["#other_device"] = r.json()["id"]
    return cache["#other_device"]


def other_companys_manager(ctx):
    cache = ctx.ids_cache["A"]
    if "#other_manager" not in cache:
        cache["#other_manager"] = ctx.new_user("A", "manager", companies=[other_company(ctx)])["id"]
    return cache["#other_manager"]


COMPANY_SCOPED_READS = {
    "GET /api/v1/users/{id}": lambda c: {"id": other_companys_user(c)},
    "GET /api/v1/users/{id}/app-passwords": lambda c: {"id": other_companys_user(c)},
    "GET /api/v1/companies/{id}": lambda c: {"id": other_company(c)},
    "GET /api/v1/companies/{id}/members": lambda c: {"id": other_company(c)},
    "GET /api/v1/companies/{id}/settings": lambda c: {"id": other_company(c)},
    "GET /api/v1/companies/{id}/devices": lambda c: {"id": other_company(c)},
    "GET /api/v1/devices/{id}": lambda c: {"id": other_companys_device(c)},
    "GET /api/v1/managers/{id}": lambda c: {"id": other_companys_manager(c)},
    # without ?team= an admin gets 400, which is past the lookup that the others fail
    "GET /api/v1/managers/{id}/effective-rights": lambda c: {"id": other_companys_manager(c), "_ok": 400},
}

COMPANY_SCOPED_LISTS = {
    "GET /api/v1/users": other_companys_user,
    "GET /api/v1/devices": other_companys_device,
    "GET /api/v1/companies": other_company,
    "GET /api/v1/managers?tab=team_managers": other_companys_manager,
}


@pytest.mark.parametrize("key", sorted(COMPANY_SCOPED_READS))
def test_company_scope_of_reads(ctx, key):
    rt = [rt for rt in routes() if rt.key == key][0]
    ids = COMPANY_SCOPED_READS[key](ctx)
    ok = ids.pop("_ok", 200)
    wrong = []
    for role in READERS:
        r = ctx.client(role).get(rt.fill(**ids))
        want = ok if role == "admin" else 404
        if r.status_code != want or (want == 404 and r.json().get("type") != "/problems/not-found"):
            wrong.append("%-11s expected %d, got %d %s" % (role, want, r.status_code, r.text[:160]))
    assert not wrong, "%s, another company's:\n  %s" % (key, "\n  ".join(wrong))


@pytest.mark.parametrize("key", sorted(COMPANY_SCOPED_LISTS))
def test_company_scope_of_lists(ctx, key):
    path = key.split(" ", 1)[1]
    hidden = COMPANY_SCOPED_LISTS[key](ctx)
    wrong = []
    for role in READERS:
        seen, cursor = set(), None
        for _ in range(100):
            r = ctx.client(role).get(path, params={"limit": 200, **({"cursor": cursor} if cursor else {})})
            assert r.status_code == 200, (role, r.text)
            seen |= {i["id"] for i in r.json()["items"]}
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        if (hidden in seen) != (role == "admin"):
            wrong.append("%-11s %s another company's %s" % (role, "sees" if hidden in seen else "misses", hidden))
    assert not wrong, "%s:\n  %s" % (key, "\n  ".join(wrong))
