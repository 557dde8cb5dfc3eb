"""The outbox: mail queued while the SMTP server is down stays queued with its
error, and is delivered exactly once when the server comes back, even with
two nodes of one installation taking messages from the same queue."""
import re
import socket
import time

import requests

from mailutil import MailDown, wait_until


def depth(url):
    text = requests.get(url + "/metrics", timeout=10).text
    m = re.search(r"^convene_outbox_depth (\d+)$", text, re.M)
    assert m, text
    return int(m.group(1))


def outbox(s, recipients):
    quoted = ",".join("'%s'" % r.replace("'", "") for r in recipients)
    return s.rows("SELECT id, recipient, status, attempts, last_error FROM outbox"
                  " WHERE recipient IN (%s) ORDER BY recipient" % quoted)


def test_mail_waits_for_the_smtp_server_and_each_message_is_delivered_once():
    with MailDown("convene-outbox-") as m:
        a, b = m.main, m.node()  # both nodes' SMTP servers are down from now on
        admin = a.admin("A")
        users = [a.make_user(admin, "member")[0] for _ in range(6)]
        emails = sorted(u["email"] for u in users)
        for i, u in enumerate(users):  # queued on either node
            r = (a if i % 2 else b).client().post("/api/v1/password-reset", json={"email": u["email"]})
            assert r.status_code == 202, r.text

        def all_tried_and_pending():
            """every message tried once, failed, and back in the queue with its error"""
            rows = outbox(a, emails)
            return len(rows) == 6 and all(st == "pending" and int(n) >= 1 and err for _, _, st, n, err in rows)
        wait_until(all_tried_and_pending, 20)
        assert depth(a.url) >= 6 and depth(b.url) >= 6
        assert a.mails() == [] and b.mails() == []
        row = outbox(a, emails)[0]
        assert "onnect" in row[4], row  # libcurl's "Failed to connect ..." / "Couldn't connect ..."

        a.start_sink()
        b.start_sink()

        def all_sent():
            """every message marked sent"""
            return all(st == "sent" for _, _, st, _, _ in outbox(a, emails))
        wait_until(all_sent, 90)  # the first retry comes 15 s after the failed attempt
        time.sleep(4)  # a duplicate would arrive within a poll interval or two
        ids = {rcpt: mid for mid, rcpt, _, _, _ in outbox(a, emails)}
        for e in emails:
            got = a.mails(e) + b.mails(e)
            assert len(got) == 1, (e, len(got))
            # the Message-ID names the outbox row, so a resend would be recognisable
            assert got[0]["Message-ID"] == "<%s@localhost>" % ids[e]
            assert "reset?token=" in got[0].get_content()
        assert depth(a.url) == 0
    assert "not delivered" in m.logs  # the failed attempts were logged


def test_stop_is_prompt_while_the_smtp_server_hangs():
    """an SMTP server that accepts the connection and never answers would hold
    a send for 30 s; stopping abandons that attempt (nothing was handed over)"""
    with MailDown("convene-outbox-stop-") as m, socket.socket() as hang:
        s = m.main
        hang.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hang.bind(("127.0.0.1", s.smtp_port))
        hang.listen(8)  # the kernel completes the handshake; nobody ever speaks
        admin = s.admin("A")
        u, _ = s.make_user(admin, "member")
        assert s.client().post("/api/v1/password-reset", json={"email": u["email"]}).status_code == 202
        wait_until(lambda: [r for r in outbox(s, [u["email"]]) if r[2] == "sending"], 10)
        t = time.time()
        problems, log = s.stop()
        assert not problems, problems
        assert time.time() - t < 10, "stopping took %.1f s" % (time.time() - t)
        # the abandoned attempt went back to the queue, nothing was lost
        rows = outbox(s, [u["email"]])
        assert [r[2] for r in rows] == ["pending"], rows
