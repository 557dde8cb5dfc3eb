"""litmus (Debian's WebDAV conformance suite) against a user's calendar
collection: the basic, copymove and props suites. litmus works in a plain
collection litmus/ that it makes inside the URL it is given (RFC 4791
section 4.2 lets a calendar collection hold collections that are not
calendar collections; src/dav/files.c serves them), so its plain-text PUTs,
MKCOLs, COPY/MOVE of collections and dead properties all happen there. The
locks suite is not run: convene is DAV class 1 and 3, not 2."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from calutil import default_calendar
from conftest import PASSWORD
from davutil import dav

LITMUS = shutil.which("litmus")
SUITES = ("basic", "copymove", "props")
# tests of each suite (litmus 0.13), all expected to pass
EXPECTED = {"basic": 16, "copymove": 13, "props": 30}
# failures that are right for a CalDAV server, with the reason; none today.
# (Were litmus pointed at the calendar collection itself rather than at a
# collection it makes inside one, its plain-text PUTs would rightly fail with
# 403 supported-calendar-data, RFC 4791 section 5.3.2.1.)
ALLOWED_FAILURES = {}
# the only warning: no LOCK (DAV class 2), which the issue does not ask for
ALLOWED_WARNINGS = ("server does not claim Class 2 compliance",)

SUMMARY = re.compile(r"<- summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed")


def parse(out):
    """{suite: {"run": n, "passed": n, "failed": n, "fails": {test: why}, "warnings": [..]}}"""
    suites, current = {}, None
    for line in out.splitlines():
        m = re.match(r"^-> running `(\w+)':", line)
        if m:
            current = suites.setdefault(m.group(1), {"fails": {}, "warnings": []})
            continue
        m = SUMMARY.match(line)
        if m:
            suites[m.group(1)].update(run=int(m.group(2)), passed=int(m.group(3)), failed=int(m.group(4)))
            continue
        if current is None:
            continue
        # litmus prints each test's name twice on one line ("3. put_get.... 3. put_get.... pass")
        for name, result, rest in re.findall(r"(\w+)\.+\s+(pass|FAIL|SKIPPED)(.*?)(?=\s+\d+\.\s+\w+\.|$)", line):
            if result == "FAIL":
                current["fails"][name] = rest.strip()
        if "WARNING:" in line:
            current["warnings"].append(line.split("WARNING:", 1)[1].strip())
    return suites


@pytest.mark.skipif(not LITMUS, reason="litmus is not installed (scripts/deps.sh installs it)")
def test_litmus_basic_copymove_props_in_a_calendar(srv):
    admin = srv.admin("A")
    user, _ = srv.make_user(admin, "member")
    cal_id = default_calendar(srv.login_as(user))["id"]
    url = "%s/dav/calendars/%s/%s/" % (srv.url, user["id"], cal_id)
    tmp = tempfile.mkdtemp(prefix="convene-litmus-")  # litmus writes debug.log and child.log here
    try:
        r = subprocess.run([LITMUS, url, user["email"], PASSWORD], cwd=tmp, capture_output=True, text=True,
                           timeout=300, env=dict(os.environ, TESTS=" ".join(SUITES)))
        out = r.stdout + r.stderr
        suites = parse(out)
        assert set(suites) == set(SUITES), out
        for name in SUITES:
            s = suites[name]
            assert s["run"] == EXPECTED[name], (name, out)
            unexpected = {t: why for t, why in s["fails"].items() if t not in ALLOWED_FAILURES}
            assert not unexpected, "%s: unexpected failures %s\n%s" % (name, unexpected, out)
            assert s["passed"] == EXPECTED[name] - len(s["fails"]), (name, out)
            assert all(w in ALLOWED_WARNINGS for w in s["warnings"]), (name, s["warnings"])
        assert r.returncode == 0, out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # litmus leaves its plain collection behind; deleting it takes everything under it
    coll = "/dav/calendars/%s/%s/litmus/" % (user["id"], cal_id)
    assert dav(srv, "PROPFIND", coll, user, headers={"Depth": "0"}).status_code == 207
    assert dav(srv, "DELETE", coll, user).status_code == 204
    assert dav(srv, "PROPFIND", coll, user, headers={"Depth": "0"}).status_code == 404
