"""iMIP replies coming in by mail (RFC 6047): an outside guest invited by
CalDAV gets the REQUEST by mail, answers from their mail client with a
METHOD:REPLY mail, and the MTA pipes it to POST /api/v1/imip with an API
application's bearer token; the organizer's copy takes the answer and their
schedule inbox a METHOD:REPLY (RFC 6638 section 3.2, as for a colleague's
CalDAV reply, so their calendar app sees it). Forged
senders, unknown or other accounts' meetings, mails without a REPLY and
wrong credentials change nothing."""
import email.message
import email.policy
import email.utils

import icalendar
import requests

from conftest import problem, uniq
from davutil import dav, dav_member, ical_put, new_uid, vevent
from test_dav_replies import DAY, attendee_line, inbox


def app_token(srv, account="A"):
    u, pw = srv.make_user(srv.admin(account), "api_manager")
    c = srv.login_as(u, pw)
    r = c.post("/api/v1/apps", json={"name": uniq("mail-in "), "description": "the MTA's pipe"})
    assert r.status_code == 201, r.text
    app = r.json()
    r = requests.post(srv.url + "/oauth/token", data={"grant_type": "client_credentials"},
                      auth=(app["client_id"], app["client_secret"]), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def invite(srv):
    """alice invites an outside guest by CalDAV; the guest's REQUEST mail arrives"""
    alice = dav_member(srv)
    guest = uniq("guest") + "@outside.test"
    uid = new_uid()
    path = alice["calpath"] + uid + ".ics"
    people = ("ORGANIZER;CN=Alice:mailto:%s\r\nATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:%s\r\n"
              "ATTENDEE;PARTSTAT=ACCEPTED:mailto:%s\r\n" % (alice["email"], guest, alice["email"]))
    assert ical_put(srv, path, alice, vevent(uid, "Outside meeting", DAY + "T060000Z", DAY + "T063000Z",
                                             people)).status_code == 201
    (m,) = srv.wait_mail(guest)
    cal = [p for p in m.iter_parts() if p.get_content_type() == "text/calendar"][0]
    assert cal.get_param("method") == "REQUEST"
    return alice, guest, uid, path, cal.get_content()


def reply_of(request, guest, partstat, uid=None):
    """the REPLY a mail client builds from the REQUEST: the guest's ATTENDEE only"""
    req = icalendar.Calendar.from_ical(request)
    out = icalendar.Calendar()
    out.add("prodid", "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN")
    out.add("version", "2.0")
    out.add("method", "REPLY")
    for ev in req.walk("VEVENT"):
        e = icalendar.Event()
        for k in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "ORGANIZER", "RECURRENCE-ID"):
            if k in ev:
                e[k] = ev[k]
        if uid:
            e["UID"] = uid
        a = icalendar.vCalAddress("mailto:" + guest)
        a.params["PARTSTAT"] = partstat
        a.params["CN"] = "Guest"
        e.add("attendee", a)
        out.add_component(e)
    return out.to_ical()


def reply_mail(to, sender, cal, cte="base64", outlook=False):
    """as Thunderbird sends it (multipart/alternative: text/plain and
    text/calendar; method=REPLY), or Outlook (that inside multipart/mixed,
    with the calendar also attached as application/ics)"""
    m = email.message.EmailMessage(policy=email.policy.SMTP)
    m["From"] = "Guest <%s>" % sender
    m["To"] = to
    m["Subject"] = "Accepted: Outside meeting"
    m["Date"] = email.utils.formatdate()
    m["Message-ID"] = email.utils.make_msgid()
    m.set_content("Guest has accepted your invitation.\n")
    m.add_alternative(cal, maintype="text", subtype="calendar", cte=cte,
                      params={"method": "REPLY", "charset": "UTF-8"})
    if outlook:
        m.make_mixed()
        m.add_attachment(cal, maintype="application", subtype="ics", filename="invite.ics")
    return m.as_bytes()


def post(srv, token, body, ctype="message/rfc822"):
    return requests.post(srv.url + "/api/v1/imip", data=body, timeout=30,
                         headers={"Content-Type": ctype, "Authorization": "Bearer " + token})


def guest_line(srv, alice, path, guest):
    return attendee_line(dav(srv, "GET", path, alice).text, guest)


def test_a_guest_accepts_by_mail(srv):
    alice, guest, uid, path, request = invite(srv)
    token = app_token(srv)
    assert "PARTSTAT=NEEDS-ACTION" in guest_line(srv, alice, path, guest)
    r = post(srv, token, reply_mail(alice["email"], guest, reply_of(request, guest, "ACCEPTED")))
    assert r.status_code == 200, r.text
    assert r.json() == {"uid": uid, "attendee": guest, "changed": True}
    line = guest_line(srv, alice, path, guest)
    assert "PARTSTAT=ACCEPTED" in line and "SCHEDULE-STATUS=2.0" in line and "RSVP=TRUE" in line, line
    # the same again changes nothing; Outlook's shape, quoted-printable, declines
    r = post(srv, token, reply_mail(alice["email"], guest, reply_of(request, guest, "ACCEPTED")))
    assert r.status_code == 200 and r.json()["changed"] is False, r.text
    r = post(srv, token, reply_mail(alice["email"], guest.upper(), reply_of(request, guest, "DECLINED"),
                                    cte="quoted-printable", outlook=True))
    assert r.status_code == 200 and r.json()["changed"] is True, r.text
    assert "PARTSTAT=DECLINED" in guest_line(srv, alice, path, guest)
    # a bare calendar (no mail around it): tentative
    r = post(srv, token, reply_of(request, guest, "TENTATIVE"), "text/calendar")
    assert r.status_code == 200, r.text
    assert "PARTSTAT=TENTATIVE" in guest_line(srv, alice, path, guest)
    # alice's own ATTENDEE line is untouched
    assert "PARTSTAT=ACCEPTED" in attendee_line(dav(srv, "GET", path, alice).text, alice["email"])


def test_a_mail_reply_lands_in_the_organizers_schedule_inbox(srv):
    alice, guest, uid, path, request = invite(srv)
    token = app_token(srv)
    assert [d for d in inbox(srv, alice).values() if "METHOD:REPLY" in d] == []
    r = post(srv, token, reply_mail(alice["email"], guest, reply_of(request, guest, "ACCEPTED")))
    assert r.status_code == 200 and r.json()["changed"] is True, r.text
    assert "PARTSTAT=ACCEPTED" in guest_line(srv, alice, path, guest)  # the copy as before
    (data,) = [d for d in inbox(srv, alice).values() if "METHOD:REPLY" in d]
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["METHOD"]) == "REPLY"
    (ev,) = cal.walk("VEVENT")
    assert str(ev["UID"]) == uid
    att = ev["ATTENDEE"]
    assert not isinstance(att, list) and str(att).lower() == "mailto:" + guest  # only the one who replies
    assert att.params["PARTSTAT"] == "ACCEPTED" and "SCHEDULE-STATUS" not in att.params
    # a newer answer replaces the older message, as a colleague's would
    r = post(srv, token, reply_mail(alice["email"], guest, reply_of(request, guest, "DECLINED")))
    assert r.status_code == 200, r.text
    (data,) = [d for d in inbox(srv, alice).values() if "METHOD:REPLY" in d]
    assert "PARTSTAT=DECLINED" in data and "PARTSTAT=ACCEPTED" not in data
    # a reply refused changes no inbox
    other = uniq("other") + "@outside.test"
    problem(post(srv, token, reply_mail(alice["email"], other, reply_of(request, other, "ACCEPTED"))),
            422, "imip-unknown-event")
    assert len([d for d in inbox(srv, alice).values() if "METHOD:REPLY" in d]) == 1


def test_forged_and_foreign_replies_change_nothing(srv):
    alice, guest, uid, path, request = invite(srv)
    token = app_token(srv)
    before = dav(srv, "GET", path, alice).text
    other = uniq("other") + "@outside.test"
    # someone else sends the guest's answer
    problem(post(srv, token, reply_mail(alice["email"], other, reply_of(request, guest, "DECLINED"))),
            422, "imip-sender-mismatch")
    # an attendee the meeting does not invite, an unknown UID, and the right
    # meeting through another account's token: all the same answer
    problem(post(srv, token, reply_mail(alice["email"], other, reply_of(request, other, "ACCEPTED"))),
            422, "imip-unknown-event")
    problem(post(srv, token, reply_mail(alice["email"], guest, reply_of(request, guest, "DECLINED", new_uid()))),
            422, "imip-unknown-event")
    foreign = problem(post(srv, app_token(srv, "B"), reply_mail(alice["email"], guest,
                                                               reply_of(request, guest, "DECLINED"))),
                      422, "imip-unknown-event")
    assert uid not in foreign["detail"] and alice["email"] not in foreign["detail"]
    # no REPLY in it: a plain mail, the REQUEST itself, a broken calendar part
    plain = email.message.EmailMessage()
    plain["From"] = guest
    plain.set_content("thanks, see you there")
    problem(post(srv, token, plain.as_bytes()), 422, "imip-not-a-reply")
    problem(post(srv, token, request.encode(), "text/calendar"), 422, "imip-not-a-reply")
    broken = reply_mail(alice["email"], guest, reply_of(request, guest, "DECLINED")).replace(
        b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: x-uuencode")
    problem(post(srv, token, broken), 422, "imip-not-a-reply")
    problem(post(srv, token, b""), 422, "imip-not-a-reply")
    problem(post(srv, token, reply_mail(alice["email"], guest, reply_of(request, guest, "X-MAYBE"))),
            422, "imip-not-a-reply")
    # nested too deep
    deep = b"Content-Type: text/plain\r\n\r\nx"
    for i in range(12):
        deep = (b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)) + deep + \
               (b"\r\n--b%d--\r\n" % i)
    problem(post(srv, token, deep), 422, "imip-not-a-reply")
    # wrong credentials, a cookie session, a wrong media type
    good = reply_mail(alice["email"], guest, reply_of(request, guest, "DECLINED"))
    problem(post(srv, "x" * 40, good), 401)
    r = requests.post(srv.url + "/api/v1/imip", data=good, headers={"Content-Type": "message/rfc822"}, timeout=30)
    problem(r, 401)
    admin = srv.admin("A")
    problem(admin.post("/api/v1/imip", data=good, headers={"Content-Type": "message/rfc822"}), 403, "forbidden")
    problem(post(srv, token, good, "application/json"), 415, "unsupported-media-type")
    assert dav(srv, "GET", path, alice).text == before


def test_only_the_organizers_own_meeting_takes_a_reply(srv):
    """bob's copy of an outside organizer's meeting names him as attendee, not
    organizer: a REPLY claiming him as organizer does not touch it"""
    bob = dav_member(srv)
    outside, guest = uniq("org") + "@outside.test", uniq("guest") + "@outside.test"
    uid = new_uid()
    path = bob["calpath"] + uid + ".ics"
    people = ("ORGANIZER:mailto:%s\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n"
              "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:%s\r\n" % (outside, bob["email"], guest))
    assert ical_put(srv, path, bob, vevent(uid, "Their meeting", DAY + "T060000Z", DAY + "T063000Z",
                                           people)).status_code == 201
    before = dav(srv, "GET", path, bob).text
    reply = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
             "UID:%s\r\nDTSTAMP:20260101T000000Z\r\nORGANIZER:mailto:%s\r\n"
             "ATTENDEE;PARTSTAT=ACCEPTED:mailto:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" % (uid, bob["email"], guest))
    problem(post(srv, app_token(srv), reply_mail(bob["email"], guest, reply.encode())), 422, "imip-unknown-event")
    assert dav(srv, "GET", path, bob).text == before
