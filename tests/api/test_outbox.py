"""The outbox: mail queued while the SMTP server is down is delivered, once,
when it comes back."""
import os
import re
import subprocess
import tempfile
import time

import requests

from conftest import PASSWORD, Server, uniq


class NoSinkServer(Server):
    """a server whose SMTP server is not running until start_sink()"""

    def start(self):
        real_popen = subprocess.Popen
        sink_cmd = []

        def popen(args, **kw):
            if "smtp_sink.py" in " ".join(map(str, args)):
                sink_cmd.append((args, kw))
                return None
            return real_popen(args, **kw)

        subprocess.Popen = popen
        try:
            super().start()
        finally:
            subprocess.Popen = real_popen
        self._sink_cmd = sink_cmd[0]

    def add_account(self, key, name):
        # on PostgreSQL this server shares the suite's database, which init refuses
        admin = "admin-%s@outbox-%s.test" % (uniq(""), key.lower())
        r = self.cli("account", "add", "--name", name, "--admin-email", admin, "--admin-password", PASSWORD)
        account_id = r.stdout.split("(")[1].split(")")[0]
        self.accounts[key] = {"admin_email": admin, "password": PASSWORD, "id": account_id}

    def start_sink(self):
        args, kw = self._sink_cmd
        self.sink = subprocess.Popen(args, **kw)


def depth(url):
    text = requests.get(url + "/metrics", timeout=10).text
    m = re.search(r"^convene_outbox_depth (\d+)$", text, re.M)
    return int(m.group(1)) if m else None


def test_mail_waits_for_the_smtp_server_and_is_delivered_once():
    s = NoSinkServer(tempfile.mkdtemp(prefix="convene-outbox-"))
    s.start()
    try:
        admin = s.admin("A")
        u, _ = s.make_user(admin, "member")
        assert s.client().post("/api/v1/password-reset", json={"email": u["email"]}).status_code == 202
        time.sleep(2)
        assert depth(s.url) >= 1
        assert s.mails(u["email"]) == []
        s.start_sink()
        # the first retry comes 15 s after the failed attempt
        got = s.wait_mail(u["email"], timeout=60)
        time.sleep(3)
        assert len(s.mails(u["email"])) == 1
        deadline = time.time() + 10
        while depth(s.url) != 0 and time.time() < deadline:
            time.sleep(0.2)
        assert depth(s.url) == 0
        assert "reset?token=" in got[0].get_content()
    finally:
        problems, log = s.stop()
        assert not problems, problems
        assert "not delivered" in log  # the failed attempt was logged
