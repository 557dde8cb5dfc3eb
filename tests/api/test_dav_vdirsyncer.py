"""vdirsyncer (Debian) syncs a convene calendar over CalDAV both ways: it
discovers the calendars from /dav/, an event made on each side reaches the
other, a change on the server comes down, a deletion on the client goes up,
and a second sync changes nothing (no duplicates). UIDs are of the
characters vdirsyncer keeps as resource names (phase 1 names events by UID)."""
import glob
import os
import shutil
import subprocess
import tempfile

import pytest

from calutil import default_calendar
from conftest import PASSWORD, uniq
from davutil import dav, ical_put, vevent

VDIRSYNCER = shutil.which("vdirsyncer")


def run(tmp, *args):
    env = dict(os.environ, VDIRSYNCER_CONFIG=os.path.join(tmp, "config"))
    r = subprocess.run([VDIRSYNCER, "-v", "WARNING", *args], env=env, capture_output=True, text=True,
                       timeout=120, input="y\n" * 5)
    assert r.returncode == 0, "vdirsyncer %s failed:\n%s\n%s" % (args[0], r.stdout, r.stderr)
    return r.stdout + r.stderr


def local_uids(folder):
    out = {}
    for path in glob.glob(os.path.join(folder, "*.ics")):
        with open(path) as f:
            text = f.read()
        uid = [l[4:] for l in text.splitlines() if l.startswith("UID:")][0]
        out[uid] = (path, text)
    return out


@pytest.mark.skipif(not VDIRSYNCER, reason="vdirsyncer is not installed (scripts/deps.sh installs it)")
def test_vdirsyncer_two_way_sync_converges(srv):
    admin = srv.admin("A")
    user, _ = srv.make_user(admin, "member")
    cal_id = default_calendar(srv.login_as(user))["id"]
    calpath = "/dav/calendars/%s/%s/" % (user["id"], cal_id)
    server_uid = uniq("server-")
    assert ical_put(srv, calpath + server_uid + ".ics", user, vevent(server_uid, "Made on the server")).status_code == 201
    tmp = tempfile.mkdtemp(prefix="convene-vdirsyncer-dav-")
    try:
        local = os.path.join(tmp, "local")
        os.makedirs(local)
        with open(os.path.join(tmp, "config"), "w") as f:
            f.write('[general]\nstatus_path = "%s/status/"\n\n'
                    '[pair cal]\na = "remote"\nb = "local"\ncollections = ["from a"]\n'
                    'conflict_resolution = "a wins"\n\n'
                    '[storage remote]\ntype = "caldav"\nurl = "%s/dav/"\nusername = "%s"\npassword = "%s"\n\n'
                    '[storage local]\ntype = "filesystem"\npath = "%s/"\nfileext = ".ics"\n'
                    % (tmp, srv.url, user["email"], PASSWORD, local))
        run(tmp, "discover")
        run(tmp, "sync")
        folder = os.path.join(local, cal_id)
        assert set(local_uids(folder)) == {server_uid}
        # made on the client: goes up under its UID
        client_uid = uniq("client-")
        with open(os.path.join(folder, client_uid + ".ics"), "w") as f:
            f.write(vevent(client_uid, "Made in vdirsyncer"))
        run(tmp, "sync")
        r = dav(srv, "GET", calpath + client_uid + ".ics", user)
        assert r.status_code == 200 and "Made in vdirsyncer" in r.text
        # changed on the server: comes down; deleted on the client: goes away on the server
        assert ical_put(srv, calpath + server_uid + ".ics", user,
                        vevent(server_uid, "Changed on the server")).status_code == 204
        os.remove(local_uids(folder)[client_uid][0])
        run(tmp, "sync")
        items = local_uids(folder)
        assert set(items) == {server_uid} and "Changed on the server" in items[server_uid][1]
        assert dav(srv, "GET", calpath + client_uid + ".ics", user).status_code == 404
        run(tmp, "sync")
        assert set(local_uids(folder)) == {server_uid}
        assert len(glob.glob(os.path.join(folder, "*.ics"))) == 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
