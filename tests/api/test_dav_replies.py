"""Attendees' replies (RFC 6638 section 3.2.2): an attendee who accepts or
declines in their own copy changes the organizer's copy (PARTSTAT and
SCHEDULE-STATUS 2.0 on their ATTENDEE) and leaves a METHOD:REPLY in a
colleague organizer's inbox, or sends an iMIP REPLY to an organizer outside
the account; python-caldav's own scheduling flow (invite, accept from the
inbox, the organizer sees the reply) runs against convene."""
import datetime

import pytest

from conftest import PASSWORD, uniq
from davutil import C, NS, dav, dav_member, ical_put, multistatus, new_uid, propfind, vevent

caldav = pytest.importorskip("caldav")

DAY = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%Y%m%d")

SCHED = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//sched//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\n"
         "DTSTAMP:20260101T000000Z\r\nDTSTART:" + DAY + "T120000Z\r\nDTEND:" + DAY + "T130000Z\r\n"
         "SUMMARY:Scheduling test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def client(srv, user, path="/"):
    return caldav.DAVClient(url=srv.url + path, username=user["email"], password=PASSWORD)


def attendee_line(text, email):
    text = text.replace("\r\n", "\n").replace("\n ", "")
    lines = [l for l in text.split("\n") if l.startswith("ATTENDEE") and email in l.lower()]
    assert len(lines) >= 1, text
    return lines[0]


def inbox(srv, user):
    path = "/dav/scheduling/%s/inbox/" % user["id"]
    ms = propfind(srv, path, user, "d:getetag", "c:calendar-data", depth="1")
    return {h: p[200]["{%s}calendar-data" % C].text for h, p in ms.items() if h != path}


def test_python_caldav_invite_and_respond(srv):
    """upstream python-caldav's testInviteAndRespond, plus the organizer's copy"""
    org, att = dav_member(srv), dav_member(srv)
    p0, p1 = client(srv, org).principal(), client(srv, att).principal()
    seen = {str(x.url) for x in p0.schedule_inbox().get_items()}
    seen |= {str(x.url) for x in p1.schedule_inbox().get_items()}
    org_cal, att_cal = p0.calendars()[0], p1.calendars()[0]
    uid = new_uid()
    org_cal.save_with_invites(SCHED % uid, [p0, p1.get_vcal_address()])
    assert len(org_cal.events()) == 1
    assert [x for x in p0.schedule_inbox().get_items() if str(x.url) not in seen] == []
    new = [x for x in p1.schedule_inbox().get_items() if str(x.url) not in seen]
    assert len(new) == 1 and new[0].is_invite_request()
    new[0].accept_invite(calendar=att_cal)
    assert [str(e.icalendar_component["UID"]) for e in att_cal.events()] == [uid]
    new = [x for x in p0.schedule_inbox().get_items() if str(x.url) not in seen]
    # (upstream asserts is_invite_reply(), which Debian's python-caldav 0.11 lacks: the same check)
    new[0].load()
    assert len(new) == 1 and new[0].icalendar_instance.get("method") == "REPLY"
    ev = org_cal.events()[0]
    ev.load()
    line = attendee_line(ev.data, att["email"])
    assert "PARTSTAT=ACCEPTED" in line and "SCHEDULE-STATUS=2.0" in line, line
    new[0].delete()
    assert [x for x in p0.schedule_inbox().get_items() if str(x.url) not in seen] == []


def meeting(uid, organizer, *attendees, extra="", org_params=""):
    lines = "ORGANIZER%s:mailto:%s\r\n" % (org_params, organizer) + "".join(
        "ATTENDEE;PARTSTAT=%s;RSVP=TRUE:mailto:%s\r\n" % (ps, a) for a, ps in attendees)
    return vevent(uid, "Reply meeting", DAY + "T090000Z", DAY + "T100000Z", lines + extra)


def test_a_colleague_declines_then_deletes_and_nobody_else_can_answer(srv):
    alice, bob, carol = dav_member(srv), dav_member(srv), dav_member(srv)
    stranger = dav_member(srv, "B")
    uid = new_uid()
    apath = alice["calpath"] + uid + ".ics"
    bpath = bob["calpath"] + uid + ".ics"
    assert ical_put(srv, apath, alice, meeting(uid, alice["email"], (bob["email"], "NEEDS-ACTION"),
                                               (carol["email"], "NEEDS-ACTION"))).status_code == 201
    org_before = dav(srv, "GET", apath, alice).text
    # bob stores the invitation as it came (NEEDS-ACTION): no answer yet, nothing sent
    r = ical_put(srv, bpath, bob, meeting(uid, alice["email"], (bob["email"], "NEEDS-ACTION"),
                                          (carol["email"], "NEEDS-ACTION")))
    assert r.status_code == 201, r.text
    assert inbox(srv, alice) == {}
    # bob declines
    assert ical_put(srv, bpath, bob, meeting(uid, alice["email"], (bob["email"], "DECLINED"),
                                             (carol["email"], "NEEDS-ACTION"))).status_code == 204
    text = dav(srv, "GET", apath, alice).text
    assert "PARTSTAT=DECLINED" in attendee_line(text, bob["email"])
    assert "SCHEDULE-STATUS=2.0" in attendee_line(text, bob["email"])
    assert "PARTSTAT=NEEDS-ACTION" in attendee_line(text, carol["email"])  # only bob's answer
    (data,) = inbox(srv, alice).values()
    assert "METHOD:REPLY" in data and "PARTSTAT=DECLINED" in data and carol["email"] not in data.lower()
    # bob accepts after all, then deletes his copy: that declines again
    assert ical_put(srv, bpath, bob, meeting(uid, alice["email"], (bob["email"], "ACCEPTED"),
                                             (carol["email"], "NEEDS-ACTION"))).status_code == 204
    assert "PARTSTAT=ACCEPTED" in attendee_line(dav(srv, "GET", apath, alice).text, bob["email"])
    assert len(inbox(srv, alice)) == 1  # bob's newer reply replaced his older one
    assert dav(srv, "DELETE", bpath, bob).status_code == 204
    assert "PARTSTAT=DECLINED" in attendee_line(dav(srv, "GET", apath, alice).text, bob["email"])
    # carol answers too: alice keeps one reply per attendee
    cpath = carol["calpath"] + uid + ".ics"
    assert ical_put(srv, cpath, carol, meeting(uid, alice["email"], (bob["email"], "NEEDS-ACTION"),
                                               (carol["email"], "TENTATIVE"))).status_code == 201
    assert "PARTSTAT=TENTATIVE" in attendee_line(dav(srv, "GET", apath, alice).text, carol["email"])
    assert len(inbox(srv, alice)) == 2
    # forged answers change nothing: dave was never invited; a stranger of another account
    # answers with an address of ours; bob answers with carol's address in a copy of his own
    dave = dav_member(srv)
    before = dav(srv, "GET", apath, alice).text
    assert ical_put(srv, dave["calpath"] + uid + ".ics", dave,
                    meeting(uid, alice["email"], (dave["email"], "ACCEPTED"))).status_code == 201
    assert ical_put(srv, stranger["calpath"] + uid + ".ics", stranger,
                    meeting(uid, alice["email"], (stranger["email"], "ACCEPTED"))).status_code == 201
    assert ical_put(srv, bpath, bob, meeting(uid, alice["email"], (carol["email"], "DECLINED"))).status_code == 201
    assert dav(srv, "GET", apath, alice).text == before
    assert len(inbox(srv, alice)) == 2
    assert org_before != before


def test_a_reply_never_changes_a_copy_its_named_organizer_only_attends(srv):
    # carol organizes; bob and dave are invited. dave's copy claims bob is the
    # organizer: bob's copy (one he only attends) must not take dave's answer
    carol, bob, dave = dav_member(srv), dav_member(srv), dav_member(srv)
    uid = new_uid()
    people = ((bob["email"], "NEEDS-ACTION"), (dave["email"], "NEEDS-ACTION"))
    assert ical_put(srv, carol["calpath"] + uid + ".ics", carol, meeting(uid, carol["email"], *people)).status_code == 201
    bpath = bob["calpath"] + uid + ".ics"
    assert ical_put(srv, bpath, bob, meeting(uid, carol["email"], *people)).status_code == 201
    before = dav(srv, "GET", bpath, bob).text
    forged = meeting(uid, bob["email"], (bob["email"], "NEEDS-ACTION"), (dave["email"], "ACCEPTED"))
    assert ical_put(srv, dave["calpath"] + uid + ".ics", dave, forged).status_code == 201
    assert dav(srv, "GET", bpath, bob).text == before
    assert not [d for d in inbox(srv, bob).values() if "METHOD:REPLY" in d]  # only carol's invitation


def test_schedule_agent_client_on_the_organizer_sends_nothing(srv):
    alice, bob = dav_member(srv), dav_member(srv)
    uid = new_uid()
    apath = alice["calpath"] + uid + ".ics"
    assert ical_put(srv, apath, alice, meeting(uid, alice["email"], (bob["email"], "NEEDS-ACTION"))).status_code == 201
    before = dav(srv, "GET", apath, alice).text
    assert ical_put(srv, bob["calpath"] + uid + ".ics", bob,
                    meeting(uid, alice["email"], (bob["email"], "ACCEPTED"),
                            org_params=";SCHEDULE-AGENT=CLIENT")).status_code == 201
    assert dav(srv, "GET", apath, alice).text == before and inbox(srv, alice) == {}


def test_a_reply_per_occurrence(srv):
    alice, bob = dav_member(srv), dav_member(srv)
    uid = new_uid()
    apath = alice["calpath"] + uid + ".ics"
    rid = DAY + "T090000Z"
    series = lambda bob_master, bob_override: (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\n"
        "RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Daily\r\nORGANIZER:mailto:%s\r\n"
        "ATTENDEE;PARTSTAT=%s:mailto:%s\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:%s\r\nDTSTART:%s\r\n"
        "DTEND:%s\r\nSUMMARY:Daily (moved)\r\nORGANIZER:mailto:%s\r\nATTENDEE;PARTSTAT=%s:mailto:%s\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n" % (uid, rid, DAY + "T100000Z", alice["email"], bob_master, bob["email"],
                                             uid, rid, DAY + "T110000Z", DAY + "T120000Z", alice["email"],
                                             bob_override, bob["email"]))
    assert ical_put(srv, apath, alice, series("NEEDS-ACTION", "NEEDS-ACTION")).status_code == 201
    # bob accepts the series but declines the moved first occurrence
    assert ical_put(srv, bob["calpath"] + uid + ".ics", bob, series("ACCEPTED", "DECLINED")).status_code == 201
    text = dav(srv, "GET", apath, alice).text.replace("\r\n ", "")
    blocks = text.split("BEGIN:VEVENT")[1:]
    master = [b for b in blocks if "RECURRENCE-ID" not in b][0]
    override = [b for b in blocks if "RECURRENCE-ID" in b][0]
    assert "PARTSTAT=ACCEPTED" in attendee_line(master, bob["email"])
    assert "PARTSTAT=DECLINED" in attendee_line(override, bob["email"])


def test_an_outside_organizer_gets_an_imip_reply(srv):
    bob = dav_member(srv)
    outside = uniq("org") + "@outside.test"
    uid = new_uid()
    path = bob["calpath"] + uid + ".ics"
    assert ical_put(srv, path, bob, meeting(uid, outside, (bob["email"], "NEEDS-ACTION"))).status_code == 201
    assert srv.mails(outside) == []
    assert ical_put(srv, path, bob, meeting(uid, outside, (bob["email"], "ACCEPTED"))).status_code == 204
    (m,) = srv.wait_mail(outside)
    assert m["Subject"] == "Accepted: Reply meeting" and m["Reply-To"] == bob["email"]
    cal = [p for p in m.iter_parts() if p.get_content_type() == "text/calendar"][0]
    assert cal.get_param("method") == "REPLY"
    text = cal.get_content().replace("\r\n ", "")
    assert "METHOD:REPLY" in text and "UID:" + uid in text
    (line,) = [l for l in text.split("\r\n") if l.startswith("ATTENDEE")]
    assert bob["email"] in line.lower() and "PARTSTAT=ACCEPTED" in line


SYNC = ('<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>%s</d:sync-token>'
        "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>")


def sync(srv, user, token=""):
    return dav(srv, "REPORT", "/dav/scheduling/%s/inbox/" % user["id"], user, SYNC % token, {"Depth": "1"})


def sync_token(r):
    import xml.etree.ElementTree as ET
    return ET.fromstring(r.content).find("d:sync-token", NS).text


def test_sync_collection_on_the_inbox(srv):
    alice, bob = dav_member(srv), dav_member(srv)
    r = sync(srv, bob)
    assert r.status_code == 207 and multistatus(r) == {}, r.text
    empty = sync_token(r)
    import time
    time.sleep(1.1)  # tokens count in seconds: one delivered within the token's second is a full resync
    uid1, uid2 = new_uid(), new_uid()
    for uid in (uid1, uid2):
        assert ical_put(srv, alice["calpath"] + uid + ".ics", alice,
                        meeting(uid, alice["email"], (bob["email"], "NEEDS-ACTION"))).status_code == 201
    r = sync(srv, bob)
    got = multistatus(r)
    assert len(got) == 2 and all(200 in p and "{DAV:}getetag" in p[200] for p in got.values()), r.text
    full = sync_token(r)
    # from the empty inbox's token: the two new messages; from the last token: nothing
    assert set(multistatus(sync(srv, bob, empty))) == set(got)
    r = sync(srv, bob, full)
    assert r.status_code == 207 and multistatus(r) == {}
    # a third one arrives: only it is reported
    uid3 = new_uid()
    time.sleep(1.1)
    assert ical_put(srv, alice["calpath"] + uid3 + ".ics", alice,
                    meeting(uid3, alice["email"], (bob["email"], "NEEDS-ACTION"))).status_code == 201
    (href,) = multistatus(sync(srv, bob, full))
    assert href not in got
    # one that came and went since the token need not be told; one the token knew must be,
    # so the client is told to sync again from nothing
    assert dav(srv, "DELETE", href, bob).status_code == 204
    assert multistatus(sync(srv, bob, full)) == {}
    assert dav(srv, "DELETE", sorted(got)[0], bob).status_code == 204
    r = sync(srv, bob, full)
    assert r.status_code == 403 and "valid-sync-token" in r.text
    # another user's token, or garbage: refused
    assert sync(srv, alice, full).status_code == 403
    assert sync(srv, bob, "urn:convene:inbox:x").status_code == 403
    # a calendar's sync-collection is unchanged, and the outbox has none
    r = dav(srv, "REPORT", "/dav/scheduling/%s/outbox/" % bob["id"], bob, SYNC % "", {"Depth": "1"})
    assert r.status_code == 403


def test_calendar_query_with_a_uid_prop_filter_under_vcalendar(srv):
    alice = dav_member(srv)
    uid, other = new_uid(), new_uid()
    for u in (uid, other):
        assert ical_put(srv, alice["calpath"] + u + ".ics", alice, vevent(u)).status_code == 201
    body = ('<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="%s"><d:prop><d:getetag/>'
            '</d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:prop-filter name="UID">'
            '<c:text-match collation="i;octet">%s</c:text-match></c:prop-filter></c:comp-filter>'
            "</c:filter></c:calendar-query>" % (C, uid))
    r = dav(srv, "REPORT", alice["calpath"], alice, body, {"Depth": "1"})
    assert r.status_code == 207, r.text
    assert [h.rsplit("/", 1)[1] for h in multistatus(r)] == [uid.replace("@", "%40") + ".ics"] or \
        [h.rsplit("/", 1)[1] for h in multistatus(r)] == [uid + ".ics"]
    # python-caldav's object_by_uid asks exactly this first, and no longer falls back
    cal = client(srv, alice).principal().calendars()[0]
    assert str(cal.object_by_uid(uid).icalendar_component["UID"]) == uid
    # another property there is still refused, as is a second UID filter
    bad = body.replace('name="UID"', 'name="PRODID"')
    r = dav(srv, "REPORT", alice["calpath"], alice, bad, {"Depth": "1"})
    assert r.status_code == 403 and "supported-filter" in r.text
