"""What users are told about mail: the share's answer says whether its mail
is on its way, waits for a mail server (none configured) or is being
retried (deliveries fail); GET /api/v1/mail-status tells administrators the
same with the queue's size, age and last error. The share mails name the
role and what it allows, the ICS address, and link to pages that exist."""
import requests

from calutil import new_calendar
from conftest import uniq
from mailutil import MailDown, wait_until
from sharing import INVITE, share


def test_share_mails_name_the_role_and_the_ics_address(srv, admin):
    owner, _ = srv.make_user(admin, "member")
    oc = srv.login_as(owner)
    cal = new_calendar(oc)
    addr = "%s@outside.test" % uniq("guest")
    s = share(oc, cal["id"], kind="guest", email=addr, role="editor")
    feed = "%s/feeds/calendars/%s.ics" % (srv.url, cal["id"])
    assert s["feed_url"] == feed and s["mail"]["state"] == "queued" and s["mail"]["detail"], s
    listed = [x for x in oc.get("/api/v1/calendars/%s/shares" % cal["id"]).json()["items"] if x.get("id") == s["id"]]
    assert listed[0]["feed_url"] == feed
    text = srv.wait_mail(addr)[-1].get_content()
    assert "as editor: you may see its events, add new ones and change or delete them" in text, text
    assert feed in text and INVITE.search(text)

    # a colleague: the link goes to the calendar page of the web app, which exists
    colleague, _ = srv.make_user(admin, "member")
    s = share(oc, cal["id"], kind="guest", email=colleague["email"], role="freebusy")
    assert s["kind"] == "user" and s["mailed"] and s["mail"]["state"] == "queued", s
    text = srv.wait_mail(colleague["email"])[-1].get_content()
    assert srv.url + "/calendar\n" in text and srv.url + "/calendars" not in text, text
    assert "as free/busy" in text and feed in text
    assert requests.get(srv.url + "/calendar", timeout=10).status_code == 200

    # no mail, no promise about it
    s = share(oc, cal["id"], kind="user", user_id=srv.make_user(admin, "member")[0]["id"], role="viewer")
    assert s["mailed"] is False and s["mail"] is None, s


def test_share_mail_in_the_recipients_language(srv, admin):
    c = admin.post("/api/v1/companies", json={"name": uniq("Компания ")}).json()["id"]
    assert admin.put("/api/v1/companies/%s/settings/language" % c, json={"value": "ru"}).status_code == 200
    reader, _ = srv.make_user(admin, "member", company_ids=[c])
    owner, _ = srv.make_user(admin, "member")
    cal = new_calendar(srv.login_as(owner))
    share(srv.login_as(owner), cal["id"], kind="guest", email=reader["email"], role="viewer")
    text = srv.wait_mail(reader["email"])[-1].get_content()
    assert "с ролью «читатель»: вы можете видеть его события" in text, text


def test_mail_that_cannot_leave_is_said_so():
    with MailDown("convene-mailstatus-") as m:
        a = m.main  # its mail server is down from now on
        admin = a.admin("A")
        owner, _ = a.make_user(admin, "member")
        oc = a.login_as(owner)
        cal = new_calendar(oc)
        addr = "%s@outside.test" % uniq("guest")
        s = share(oc, cal["id"], kind="guest", email=addr, role="viewer")
        # the worker may have tried it already (refused at once) when the answer is written
        assert s["mail"]["state"] in ("queued", "failing"), s

        def failing():
            b = admin.get("/api/v1/mail-status").json()
            return b if b["state"] == "failing" else None
        b = wait_until(failing, 30)
        assert b["smtp_configured"] is True and b["queued"] >= 1 and "onnect" in b["last_error"], b
        assert b["oldest_queued_at"] and b["oldest_queued_age_seconds"] >= 0 and b["detail"], b
        s = share(oc, cal["id"], kind="guest", email="%s@outside.test" % uniq("guest"), role="viewer")
        assert s["mail"]["state"] == "failing", s
        # the other account's queue is its own
        assert a.admin("B").get("/api/v1/mail-status").json()["state"] == "ok"

        # a node of the same installation without a mail server: mail is held
        held = m.node(smtp=False)
        h = held.admin("A")
        b = h.get("/api/v1/mail-status", headers={"Accept-Language": "fr"}).json()
        assert b["state"] == "held" and b["smtp_configured"] is False, b
        assert b["detail"].startswith("No mail server is configured"), b  # the admin's language: en
        o = held.login_as(owner)
        s = share(o, cal["id"], kind="guest", email="%s@outside.test" % uniq("guest"), role="viewer")
        assert s["mail"]["state"] == "held" and "no mail server" in s["mail"]["detail"], s
