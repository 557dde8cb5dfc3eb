"""The set-up the mail tests share (test_outbox, test_mail_status): a server
with a database of its own whose SMTP sink is down, more nodes of the same
installation (with a mail server that is down too, or with none configured),
all stopped, checked for sanitizer reports and removed at the end; and
wait_until for what the outbox worker does in its own time."""
import shutil
import tempfile
import time

from conftest import Node, OwnServer


def wait_until(what, timeout):
    """what()'s first true answer, polled every 0.2 s for at most timeout s"""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = what()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError("not within %s s: %s" % (timeout, what.__doc__ or what))


class MailDown:
    """with MailDown("convene-x-") as m: m.main is a started OwnServer whose
    SMTP server is down (m.main.start_sink() brings it up); m.node() starts
    another node. On leaving, every node stops (their logs joined in m.logs)
    and a sanitizer report or a bad exit fails the test."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.main = OwnServer(tempfile.mkdtemp(prefix=prefix))
        self.nodes = []
        self.logs = ""

    def __enter__(self):
        try:
            self.main.start()
            self.main.stop_sink()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def node(self, smtp=True):
        """another node on the same database: its SMTP server down, or (smtp=False) none configured"""
        n = Node(self.main, tempfile.mkdtemp(prefix=self.prefix + "node-"), smtp=smtp)
        self.nodes.append(n)
        n.start()
        n.stop_sink()
        return n

    def __exit__(self, kind, value, tb):
        problems = []
        try:
            for s in [*reversed(self.nodes), self.main]:  # the database's owner stops last
                if s.proc:
                    p, log = s.stop()
                    problems += p
                    self.logs += log
        finally:
            self.main.drop()
            for s in [self.main, *self.nodes]:
                shutil.rmtree(s.tmp, ignore_errors=True)
        if problems and kind is None:
            raise AssertionError(problems)
        return False
