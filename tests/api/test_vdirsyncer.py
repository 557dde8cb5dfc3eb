"""A real client: vdirsyncer (Debian) syncs a private feed (HTTP Basic with
the user's e-mail and password) and a public feed into local folders, and
what lands there matches the API: one item per event with its subject and
start, and only "Busy" from a busy-only public feed. (vdirsyncer's http
storage replaces every UID with a hash of the item by design, so items are
matched by content.)"""
import glob
import os
import shutil
import subprocess
import tempfile

import icalendar
import pytest

from calutil import new_calendar
from conftest import PASSWORD
from sharing import event_soon

VDIRSYNCER = shutil.which("vdirsyncer")


def sync(url, tmp, username=None, password=None):
    """one `vdirsyncer sync` of url into a fresh folder; the items found there"""
    os.makedirs(os.path.join(tmp, "local"), exist_ok=True)
    auth = ""
    if username:
        auth = 'username = "%s"\npassword = "%s"\nauth = "basic"\n' % (username, password)
    config = os.path.join(tmp, "config")
    with open(config, "w") as f:
        f.write('[general]\nstatus_path = "%s/status/"\n\n'
                '[pair feed]\na = "remote"\nb = "local"\ncollections = null\nconflict_resolution = "a wins"\n\n'
                '[storage remote]\ntype = "http"\nurl = "%s"\n%s\n'
                '[storage local]\ntype = "filesystem"\npath = "%s/local/"\nfileext = ".ics"\n'
                % (tmp, url, auth, tmp))
    env = dict(os.environ, VDIRSYNCER_CONFIG=config)
    for args in (["discover"], ["sync"]):
        r = subprocess.run([VDIRSYNCER, "-v", "ERROR", *args], env=env, capture_output=True, text=True,
                           timeout=60, input="y\n" * 5)
        assert r.returncode == 0, "vdirsyncer %s failed:\n%s\n%s" % (args[0], r.stdout, r.stderr)
    items = []
    for path in glob.glob(os.path.join(tmp, "local", "*.ics")):
        with open(path) as f:
            cal = icalendar.Calendar.from_ical(f.read())
        for ev in cal.walk("VEVENT"):
            items.append((str(ev.get("SUMMARY", "")), ev["DTSTART"].dt.isoformat()[:19]))
    return sorted(items)


@pytest.mark.skipif(not VDIRSYNCER, reason="vdirsyncer is not installed (scripts/deps.sh installs it)")
def test_vdirsyncer_syncs_a_private_and_a_public_feed(srv, admin):
    u, _ = srv.make_user(admin, "member")
    c = srv.login_as(u)
    cal = new_calendar(c, time_zone="Europe/Paris")
    made = {}
    for i, summary in enumerate(["Board meeting", "Team lunch", "1:1, with comma; and semicolon"]):
        e = event_soon(c, cal["id"], days=2 + i, summary=summary)
        made[e["uid"]] = (summary, e["start"])
    tmp = tempfile.mkdtemp(prefix="convene-vdirsyncer-")
    try:
        got = sync(srv.url + "/feeds/calendars/%s.ics" % cal["id"], os.path.join(tmp, "private"),
                   u["email"], PASSWORD)
        assert got == sorted(made.values())
        r = c.post("/api/v1/calendars/%s/shares" % cal["id"], json={"kind": "public", "detail": "busy"})
        assert r.status_code == 201, r.text
        got = sync(r.json()["feed_url"], os.path.join(tmp, "public"))
        assert got == sorted(("Busy", start) for _, start in made.values())
        # a wrong password syncs nothing
        cfg = os.path.join(tmp, "wrong")
        with pytest.raises(AssertionError):
            sync(srv.url + "/feeds/calendars/%s.ics" % cal["id"], cfg, u["email"], "not the password")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
