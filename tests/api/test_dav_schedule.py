"""CalDAV scheduling (RFC 6638) over raw HTTP: the calendar-auto-schedule
feature, each user's schedule inbox and outbox and their properties, rooms
answering in their ATTENDEE (PARTSTAT and SCHEDULE-STATUS) when a PUT
invites them, the room rule on_conflict (refuse: 409 and nothing stored;
decline: stored with the room DECLINED and a COMMENT naming the conflict),
approval rooms waiting in NEEDS-ACTION until a delegate decides, and the
outbox's free-busy POST for users and rooms of the caller's account only."""
import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from apimap import counts_diff, db_counts
from calutil import default_calendar
from conftest import uniq
from davutil import C, NS, X, dav, dav_member, error, hrefs, ical_put, new_uid, propfind, vevent

DAY = (datetime.date.today() + datetime.timedelta(days=21)).strftime("%Y%m%d")
ISO = DAY[:4] + "-" + DAY[4:6] + "-" + DAY[6:]


@pytest.fixture(scope="module")
def alice(srv):
    return dav_member(srv)


def room(srv, **rules):
    r = srv.admin("A").post("/api/v1/rooms", json={"name": uniq("Sched room "), "rules": rules})
    assert r.status_code == 201, r.text
    return r.json()


def att(rm, partstat="NEEDS-ACTION", extra=""):
    return "ATTENDEE;CUTYPE=ROOM;PARTSTAT=%s%s:mailto:%s\r\n" % (partstat, extra, rm["email"])


def room_line(text, rm):
    """the room's ATTENDEE line of a GET, unfolded"""
    text = text.replace("\r\n ", "")
    lines = [l for l in text.split("\r\n") if l.startswith("ATTENDEE") and rm["email"] in l.lower()]
    assert len(lines) == 1, text
    return lines[0]


def put_meeting(srv, user, rm, start, end, uid=None, extra=""):
    uid = uid or new_uid()
    r = ical_put(srv, user["calpath"] + uid + ".ics", user,
                 vevent(uid, "Meeting " + uid, DAY + start, DAY + end, att(rm) + extra))
    return uid, r


def test_options_and_principal_name_the_inbox_and_outbox(srv, alice):
    r = dav(srv, "OPTIONS", "/dav/")
    assert "calendar-auto-schedule" in {t.strip() for t in r.headers["DAV"].split(",")}
    principal = "/dav/principals/%s/" % alice["id"]
    ms = propfind(srv, principal, alice, "c:schedule-inbox-URL", "c:schedule-outbox-URL",
                  "c:schedule-default-calendar-URL", "c:calendar-user-address-set")
    props = ms[principal][200]
    inbox = "/dav/scheduling/%s/inbox/" % alice["id"]
    outbox = "/dav/scheduling/%s/outbox/" % alice["id"]
    assert hrefs(props["{%s}schedule-inbox-URL" % C]) == [inbox]
    assert hrefs(props["{%s}schedule-outbox-URL" % C]) == [outbox]
    assert hrefs(props["{%s}schedule-default-calendar-URL" % C]) == [alice["calpath"]]
    assert "mailto:" + alice["email"] in hrefs(props["{%s}calendar-user-address-set" % C])
    for path, kind, privs in ((inbox, "schedule-inbox", {"schedule-deliver", "schedule-query-freebusy", "read"}),
                              (outbox, "schedule-outbox", {"schedule-send", "schedule-send-freebusy", "read"})):
        ms = propfind(srv, path, alice, "d:resourcetype", "d:current-user-privilege-set", depth="1")
        assert list(ms) == [path]  # nothing delivered: the inbox is empty
        rt = ms[path][200]["{DAV:}resourcetype"]
        assert rt.find("d:collection", NS) is not None and rt.find("c:%s" % kind, NS) is not None
        got = {p[0].tag.split("}")[1] for p in ms[path][200]["{DAV:}current-user-privilege-set"]}
        assert privs <= got, got
    ms = propfind(srv, inbox, alice, "c:schedule-default-calendar-URL")
    assert hrefs(ms[inbox][200]["{%s}schedule-default-calendar-URL" % C]) == [alice["calpath"]]
    # someone else's boxes are not there for the caller
    bob, _ = srv.make_user(srv.admin("A"), "member")
    for path in (inbox, outbox, "/dav/scheduling/%s/" % alice["id"], "/dav/scheduling/"):
        assert dav(srv, "PROPFIND", path, bob, headers={"Depth": "0"}).status_code == 404, path


def test_a_room_answers_accepted_with_a_schedule_status_keeping_other_parameters(srv, alice):
    rm = room(srv)
    uid, r = put_meeting(srv, alice, rm, "T090000Z", "T100000Z",
                         extra="ATTENDEE;CN=Someone;PARTSTAT=TENTATIVE:mailto:someone@elsewhere.test\r\n")
    assert r.status_code == 201, r.text
    assert "ETag" not in r.headers  # what is stored is not what was sent: the room answered
    text = dav(srv, "GET", alice["calpath"] + uid + ".ics", alice).text
    line = room_line(text, rm)
    assert "PARTSTAT=ACCEPTED" in line and "SCHEDULE-STATUS=2.0" in line and "CUTYPE=ROOM" in line, line
    assert "PARTSTAT=TENTATIVE" in text  # other attendees are left as they are
    # the same text again: nothing changes, the ETag is sent
    r = ical_put(srv, alice["calpath"] + uid + ".ics", alice, text)
    assert r.status_code == 204 and r.headers.get("ETag"), r.status_code


def test_refuse_rooms_answer_409_and_store_nothing(srv, alice):
    rm = room(srv)
    assert rm["rules"]["on_conflict"] == "refuse"
    assert put_meeting(srv, alice, rm, "T090000Z", "T100000Z")[1].status_code == 201
    before = db_counts(srv)
    uid, r = put_meeting(srv, alice, rm, "T093000Z", "T103000Z")
    error(r, 409, X, "booking-conflict")
    assert not counts_diff(before, db_counts(srv))
    assert dav(srv, "GET", alice["calpath"] + uid + ".ics", alice).status_code == 404


def test_decline_rooms_store_the_meeting_with_the_room_declined(srv, alice):
    rm = room(srv, on_conflict="decline")
    assert rm["rules"]["on_conflict"] == "decline"
    first, r = put_meeting(srv, alice, rm, "T090000Z", "T100000Z")
    assert r.status_code == 201
    second, r = put_meeting(srv, alice, rm, "T093000Z", "T103000Z")
    assert r.status_code == 201, r.text
    text = dav(srv, "GET", alice["calpath"] + second + ".ics", alice).text
    line = room_line(text, rm)
    assert "PARTSTAT=DECLINED" in line and "SCHEDULE-STATUS=4.0" in line, line
    unfolded = text.replace("\r\n ", "")
    comment = [l for l in unfolded.split("\r\n") if l.startswith("COMMENT")]
    assert len(comment) == 1 and "X-CONVENE-ATTENDEE=\"mailto:%s\"" % rm["email"] in comment[0], comment
    assert rm["name"] in comment[0] and "already booked" in comment[0], comment
    # the room holds the first meeting only
    items = srv.admin("A").get("/api/v1/rooms/%s/bookings" % rm["id"],
                               params={"start": ISO, "end": ISO + "T23:59:59Z"}).json()["items"]
    assert len(items) == 1, items
    # the JSON API says the same
    occ = [e for e in alice["client"].get("/api/v1/calendars/%s/events" % alice["cal"],
                                           params={"start": ISO, "end": ISO + "T23:59:59Z"}).json()["items"]
           if e["summary"] == "Meeting " + second][0]
    ev = alice["client"].get("/api/v1/calendars/%s/events/%s" % (alice["cal"], occ["event_id"])).json()
    assert [a["partstat"] for a in ev["attendees"] if a["type"] == "room"] == ["declined"]
    # once the room is free, the meeting as the client has it (DECLINED) is asked again: accepted
    assert dav(srv, "DELETE", alice["calpath"] + first + ".ics", alice).status_code == 204
    r = ical_put(srv, alice["calpath"] + second + ".ics", alice, text.replace("SUMMARY:", "SUMMARY:Again "))
    assert r.status_code == 204, r.text
    text = dav(srv, "GET", alice["calpath"] + second + ".ics", alice).text
    assert "PARTSTAT=ACCEPTED" in room_line(text, rm) and "COMMENT" not in text, text


def test_decline_rooms_in_the_json_api(srv, alice):
    rm = room(srv, on_conflict="decline")
    c = alice["client"]
    body = {"summary": "JSON", "start": ISO + "T13:00:00Z", "end": ISO + "T14:00:00Z", "tzid": None,
            "room_ids": [rm["id"]]}
    assert c.post("/api/v1/calendars/%s/events" % alice["cal"], json=body).status_code == 201
    r = c.post("/api/v1/calendars/%s/events" % alice["cal"], json=body)
    assert r.status_code == 201, r.text
    assert r.json()["bookings"][0]["status"] == "declined"
    assert r.json()["declined"][0]["rule"] == "conflict"
    assert [a["partstat"] for a in r.json()["attendees"] if a["type"] == "room"] == ["declined"]
    admin = srv.admin("A")
    r = admin.patch("/api/v1/rooms/%s" % rm["id"], json={"rules": {"on_conflict": "sometimes"}})
    assert r.status_code == 422 and r.json()["field"] == "on_conflict", r.text
    r = admin.patch("/api/v1/rooms/%s" % rm["id"], json={"rules": {"on_conflict": "refuse"}})
    assert r.status_code == 200 and r.json()["rules"]["on_conflict"] == "refuse", r.text


def test_approval_rooms_wait_in_needs_action_until_a_delegate_decides(srv, alice):
    admin = srv.admin("A")
    d, _ = srv.make_user(admin, "member")
    delegate = srv.login_as(d)
    rm = room(srv, approval=True, delegate_ids=[d["id"]])
    uid, r = put_meeting(srv, alice, rm, "T150000Z", "T160000Z")
    assert r.status_code == 201, r.text
    line = room_line(dav(srv, "GET", alice["calpath"] + uid + ".ics", alice).text, rm)
    assert "PARTSTAT=NEEDS-ACTION" in line and "SCHEDULE-STATUS=1.2" in line, line
    items = admin.get("/api/v1/rooms/%s/bookings" % rm["id"],
                      params={"start": ISO, "end": ISO + "T23:59:59Z"}).json()["items"]
    assert [x["status"] for x in items] == ["pending"]
    r = delegate.post("/api/v1/rooms/%s/bookings/%s/approve" % (rm["id"], items[0]["id"]))
    assert r.status_code == 200, r.text
    text = dav(srv, "GET", alice["calpath"] + uid + ".ics", alice).text
    line = room_line(text, rm)
    assert "PARTSTAT=ACCEPTED" in line and "SCHEDULE-STATUS=2.0" in line, line
    # a delegate's decline holds: the organizer's next PUT does not ask the room again
    other, r = put_meeting(srv, alice, rm, "T170000Z", "T180000Z")
    bid = [x for x in admin.get("/api/v1/rooms/%s/bookings" % rm["id"],
                                params={"start": ISO, "end": ISO + "T23:59:59Z"}).json()["items"]
           if x["status"] == "pending"][0]["id"]
    assert delegate.post("/api/v1/rooms/%s/bookings/%s/decline" % (rm["id"], bid)).status_code == 200
    text = dav(srv, "GET", alice["calpath"] + other + ".ics", alice).text
    assert "PARTSTAT=DECLINED" in room_line(text, rm)
    r = ical_put(srv, alice["calpath"] + other + ".ics", alice, text.replace("SUMMARY:", "SUMMARY:Renamed "))
    assert r.status_code == 204, r.text
    text = dav(srv, "GET", alice["calpath"] + other + ".ics", alice).text
    assert "PARTSTAT=DECLINED" in room_line(text, rm)
    items = admin.get("/api/v1/rooms/%s/bookings" % rm["id"],
                      params={"start": ISO, "end": ISO + "T23:59:59Z"}).json()["items"]
    assert len(items) == 1


def fb_request(organizer, attendees, start="T000000Z", end="T235959Z", method="REQUEST"):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:%s\r\nBEGIN:VFREEBUSY\r\n"
            "UID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s%s\r\nDTEND:%s%s\r\nORGANIZER:mailto:%s\r\n%s"
            "END:VFREEBUSY\r\nEND:VCALENDAR\r\n" % (method, new_uid(), DAY, start, DAY, end, organizer,
                                                    "".join("ATTENDEE:mailto:%s\r\n" % a for a in attendees)))


def post_outbox(srv, user, body, ctype="text/calendar; charset=utf-8"):
    return dav(srv, "POST", "/dav/scheduling/%s/outbox/" % user["id"], user, body, {"Content-Type": ctype})


def schedule_response(r):
    assert r.status_code == 200, r.text
    root = ET.fromstring(r.content)
    assert root.tag == "{%s}schedule-response" % C, r.text
    out = {}
    for resp in root.findall("c:response", NS):
        who = resp.find("c:recipient/d:href", NS).text
        data = resp.find("c:calendar-data", NS)
        out[who] = (resp.find("c:request-status", NS).text, data.text if data is not None else None)
    return out


def busy_of(data):
    return re.findall(r"FREEBUSY;FBTYPE=BUSY:(\S+)", data)


def test_outbox_free_busy_for_users_and_rooms_of_the_account(srv, alice):
    admin = srv.admin("A")
    carol, _ = srv.make_user(admin, "member")
    carol["cal"] = default_calendar(srv.login_as(carol))["id"]
    carol["calpath"] = "/dav/calendars/%s/%s/" % (carol["id"], carol["cal"])
    uid = new_uid()
    assert ical_put(srv, carol["calpath"] + uid + ".ics", carol,
                    vevent(uid, "Private thing", DAY + "T080000Z", DAY + "T083000Z")).status_code == 201
    rm = room(srv)
    assert put_meeting(srv, alice, rm, "T110000Z", "T120000Z")[1].status_code == 201
    stranger, _ = srv.make_user(srv.admin("B"), "member")
    got = schedule_response(post_outbox(srv, alice, fb_request(
        alice["email"], [carol["email"], rm["email"], "nobody@nowhere.test", stranger["email"]])))
    st, data = got["mailto:" + carol["email"]]
    assert st.startswith("2.0") and "METHOD:REPLY" in data and "BEGIN:VFREEBUSY" in data, got
    assert busy_of(data) == ["%sT080000Z/%sT083000Z" % (DAY, DAY)] and "Private thing" not in data
    st, data = got["mailto:" + rm["email"]]
    assert st.startswith("2.0") and busy_of(data) == ["%sT110000Z/%sT120000Z" % (DAY, DAY)], data
    # unknown addresses, and users of another account, are invalid calendar users
    assert got["mailto:nobody@nowhere.test"] == ("3.7;Invalid calendar user", None)
    assert got["mailto:" + stranger["email"]][0].startswith("3.7"), got


def test_outbox_refuses_bad_scheduling_messages(srv, alice):
    carol, _ = srv.make_user(srv.admin("A"), "member")
    error(post_outbox(srv, alice, fb_request(carol["email"], [alice["email"]])), 403, C, "organizer-allowed")
    error(post_outbox(srv, alice, fb_request(alice["email"], [carol["email"]], method="PUBLISH")), 400, C,
          "valid-scheduling-message")
    error(post_outbox(srv, alice, fb_request(alice["email"], [carol["email"]], start="T120000Z",
                                             end="T110000Z")), 400, C, "valid-scheduling-message")
    error(post_outbox(srv, alice, "garbage"), 400, C, "valid-scheduling-message")
    error(post_outbox(srv, alice, fb_request(alice["email"], []), ), 400, C, "valid-scheduling-message")
    error(post_outbox(srv, alice, fb_request(alice["email"], [carol["email"]]), "application/json"), 400, C,
          "supported-calendar-data")
    # someone else's outbox is not there; POST elsewhere is not served
    assert post_outbox(srv, carol, fb_request(carol["email"], [alice["email"]])).status_code == 200
    r = dav(srv, "POST", "/dav/scheduling/%s/outbox/" % carol["id"], alice, fb_request(alice["email"], []),
            {"Content-Type": "text/calendar"})
    assert r.status_code == 404
    r = dav(srv, "POST", alice["calpath"], alice, "x", {"Content-Type": "text/calendar"})
    assert r.status_code == 405 and "PROPFIND" in r.headers["Allow"]


def test_schedule_tag_stays_when_only_a_room_answers(srv, alice):
    admin = srv.admin("A")
    d, _ = srv.make_user(admin, "member")
    rm = room(srv, approval=True, delegate_ids=[d["id"]])
    uid, r = put_meeting(srv, alice, rm, "T190000Z", "T200000Z", extra="ORGANIZER:mailto:%s\r\n" % alice["email"])
    assert r.status_code == 201 and r.headers.get("Schedule-Tag"), r.headers
    path = alice["calpath"] + uid + ".ics"
    got = dav(srv, "GET", path, alice)
    tag, etag = got.headers["Schedule-Tag"], got.headers["ETag"]
    assert tag == r.headers["Schedule-Tag"]
    items = admin.get("/api/v1/rooms/%s/bookings" % rm["id"],
                      params={"start": ISO, "end": ISO + "T23:59:59Z"}).json()["items"]
    assert srv.login_as(d).post("/api/v1/rooms/%s/bookings/%s/approve" % (rm["id"], items[0]["id"])).status_code == 200
    got = dav(srv, "GET", path, alice)
    assert got.headers["ETag"] != etag and got.headers["Schedule-Tag"] == tag  # the room's answer only
    # the organizer's client edits what it had: the tag still matches, its If-Match would not
    old = got.text.replace("PARTSTAT=ACCEPTED", "PARTSTAT=NEEDS-ACTION")
    r = ical_put(srv, path, alice, old.replace("SUMMARY:", "SUMMARY:Edited "), {"If-Schedule-Tag-Match": tag})
    assert r.status_code == 204, r.text
    assert "PARTSTAT=ACCEPTED" in room_line(dav(srv, "GET", path, alice).text, rm)
    r = ical_put(srv, path, alice, old, {"If-Schedule-Tag-Match": tag})
    assert r.status_code == 412
    assert dav(srv, "DELETE", path, alice, headers={"If-Schedule-Tag-Match": '"nope"'}).status_code == 412
    # events without an ORGANIZER are no scheduling objects: no tag
    plain = new_uid()
    assert "Schedule-Tag" not in ical_put(srv, alice["calpath"] + plain + ".ics", alice, vevent(plain)).headers


def inbox(srv, user):
    path = "/dav/scheduling/%s/inbox/" % user["id"]
    ms = propfind(srv, path, user, "d:getetag", "c:calendar-data", "d:resourcetype", depth="1")
    items = {h: p for h, p in ms.items() if h != path}
    for h, p in items.items():
        assert p[200]["{DAV:}resourcetype"].find("d:collection", NS) is None
    return {h: p[200]["{%s}calendar-data" % C].text for h, p in items.items()}


def test_colleagues_get_invitations_and_cancellations_in_their_inbox(srv, alice):
    admin = srv.admin("A")
    carol, _ = srv.make_user(admin, "member")
    dave, _ = srv.make_user(admin, "member")
    stranger, _ = srv.make_user(srv.admin("B"), "member")
    uid = new_uid()
    path = alice["calpath"] + uid + ".ics"

    def meeting(*who, summary="Invitation"):
        lines = "ORGANIZER:mailto:%s\r\n" % alice["email"] + "".join(
            "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:%s\r\n" % w["email"] for w in who)
        return vevent(uid, summary, DAY + "T070000Z", DAY + "T073000Z", lines)

    r = ical_put(srv, path, alice, meeting(carol, dave, stranger))
    assert r.status_code == 201 and "ETag" not in r.headers  # the delivery status is in the stored text
    stored = dav(srv, "GET", path, alice).text.replace("\r\n ", "")
    for u, status in ((carol, "1.2"), (dave, "1.2"), (stranger, "1.1")):  # delivered; sent by iMIP
        (line,) = [l for l in stored.split("\r\n") if l.startswith("ATTENDEE") and u["email"] in l]
        assert "SCHEDULE-STATUS=" + status in line and "PARTSTAT=NEEDS-ACTION" in line, line
    assert ical_put(srv, path, alice, stored).headers.get("ETag")  # sent back as stored: nothing to add
    for u in (carol, dave):
        got = inbox(srv, u)
        assert len(got) == 1, got
        (href, data), = got.items()
        assert "METHOD:REQUEST" in data and "UID:" + uid in data and "Invitation" in data
        r = dav(srv, "GET", href, u)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
        assert "METHOD:REQUEST" in r.text and r.headers.get("ETag")
    assert inbox(srv, stranger) == {} and inbox(srv, alice) == {}  # other tenants, and oneself: nothing
    # an update replaces the invitation; who is no longer invited gets a cancellation
    assert ical_put(srv, path, alice, meeting(carol, summary="Moved")).status_code == 204
    (data,) = inbox(srv, carol).values()
    assert "METHOD:REQUEST" in data and "Moved" in data
    (data,) = inbox(srv, dave).values()
    assert "METHOD:CANCEL" in data and "STATUS:CANCELLED" in data
    # the recipient deletes a message; deleting the event cancels it for everyone
    (href,) = inbox(srv, dave)
    assert dav(srv, "DELETE", href, dave).status_code == 204
    assert inbox(srv, dave) == {} and dav(srv, "GET", href, dave).status_code == 404
    assert dav(srv, "DELETE", path, alice).status_code == 204
    (data,) = inbox(srv, carol).values()
    assert "METHOD:CANCEL" in data
    # someone else's inbox message is not there for the caller
    (href,) = inbox(srv, carol)
    assert dav(srv, "GET", href, dave).status_code == 404
    assert dav(srv, "DELETE", href, dave).status_code == 404
    # an attendee's own copy sends nothing: only the organizer schedules
    other = new_uid()
    r = ical_put(srv, "/dav/calendars/%s/%s/%s.ics" % (carol["id"], default_calendar(srv.login_as(carol))["id"], other),
                 carol, vevent(other, "Copy", DAY + "T070000Z", DAY + "T073000Z",
                               "ORGANIZER:mailto:%s\r\nATTENDEE:mailto:%s\r\n" % (alice["email"], dave["email"])))
    assert r.status_code == 201 and inbox(srv, dave) == {}


def test_external_attendees_get_imip_mail_through_the_outbox(srv, alice):
    guest = uniq("guest") + "@outside.test"
    client_side = uniq("self") + "@outside.test"
    uid = new_uid()
    path = alice["calpath"] + uid + ".ics"
    people = ("ORGANIZER;CN=Alice:mailto:%s\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n"
              "ATTENDEE;SCHEDULE-AGENT=CLIENT:mailto:%s\r\nATTENDEE:mailto:%s\r\n"
              % (alice["email"], guest, client_side, alice["email"]))
    assert ical_put(srv, path, alice, vevent(uid, "Outside meeting", DAY + "T060000Z", DAY + "T063000Z",
                                             people)).status_code == 201
    stored = dav(srv, "GET", path, alice).text.replace("\r\n ", "")
    lines = {l.split(":mailto:")[1]: l for l in stored.split("\r\n") if l.startswith("ATTENDEE")}
    assert "SCHEDULE-STATUS=1.1" in lines[guest] and "SCHEDULE-STATUS" not in lines[client_side], lines
    assert "SCHEDULE-STATUS" not in lines[alice["email"]]
    (m,) = srv.wait_mail(guest)
    assert m["Subject"] == "Invitation: Outside meeting" and m["Reply-To"] == alice["email"]
    assert m.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p for p in m.iter_parts()}
    assert "Outside meeting" in parts["text/plain"].get_content()
    cal = parts["text/calendar"]
    assert cal.get_param("method") == "REQUEST"
    text = cal.get_content()
    assert "METHOD:REQUEST" in text and "UID:" + uid in text and "BEGIN:VEVENT" in text
    # the organizer removes the guest: a cancellation follows
    assert ical_put(srv, path, alice, vevent(uid, "Outside meeting", DAY + "T060000Z", DAY + "T063000Z",
                                             "ORGANIZER:mailto:%s\r\n" % alice["email"])).status_code == 204
    got = srv.wait_mail(guest, count=2)
    cancel = [p for p in got[1].iter_parts() if p.get_content_type() == "text/calendar"][0]
    assert cancel.get_param("method") == "CANCEL" and "STATUS:CANCELLED" in cancel.get_content()
    assert got[1]["Subject"] == "Cancelled: Outside meeting"
    # SCHEDULE-AGENT=CLIENT: the client sends it itself; the organizer is never mailed
    assert srv.mails(client_side) == [] and srv.mails(alice["email"]) == []
