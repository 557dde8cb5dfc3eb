#!/usr/bin/env bash
# Calendar sync benchmarks (issue 16 §5), on SQLite and on PostgreSQL in one
# run. A convene (own data directory, free loopback port; PostgreSQL: a
# throwaway cluster of scripts/pg-test.sh with fsync on) is pointed at the
# fake Google Workspace of tests/fakes/google (loopback, the same code path as
# Google itself), connected through the real two steps, with one provider room
# linked to a convene room and a second convene room linked to nothing. Then:
#  1. booking latency with and without outbound sync: BOOKINGS bookings made
#     one after another through the JSON API (one keep-alive connection),
#     alternating between the linked and the unlinked room, each at its own
#     hour; p50 and p99 of each kind as the client sees them and as convene's
#     access log gives them (its own time). The unlinked room is the
#     reference (target: the same latency: the provider write happens after
#     the commit, in the worker);
#  2. the outbound writes: how long after the last booking every booking of
#     the linked room is on the room's Google calendar, and that each is
#     there exactly once (any missing or doubled fails the bench).
#  3. inbound to the door (display_latency): DISPLAY_MEETINGS meetings booked
#     at the fake one after another (push on, convene's default poll), each
#     timed from the booking until the room's door display stream (SSE) shows
#     it, then cancelled; p50 and p99 (target p99 < 2 s);
#  4. first sync at scale (first_sync): SCALE_ROOMS provider rooms with
#     SCALE_MEETINGS accepted meetings each, seeded by the fake's bulk routes;
#     the time from Connect and linking (import) every room until each room
#     has synced and convene counts every meeting, and convene's peak RSS;
#     bounded by SCALE_BOUND_S (the bench fails when not done by then).
# Writes bench/results/sync-<date>.txt.
#
# usage: bench/sync.sh   (environment: CONVENE_BIN, BENCH_DBS="sqlite postgres",
#        BOOKINGS=300, DISPLAY_MEETINGS=300, SCALE_ROOMS=1000, SCALE_MEETINGS=500,
#        SCALE_BOUND_S=1800, BENCH_PARTS="outbound display scale")
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
DBS=${BENCH_DBS:-sqlite postgres}
BOOKINGS=${BOOKINGS:-300}
DISPLAY_MEETINGS=${DISPLAY_MEETINGS:-300}
SCALE_ROOMS=${SCALE_ROOMS:-1000}
SCALE_MEETINGS=${SCALE_MEETINGS:-500}
SCALE_BOUND_S=${SCALE_BOUND_S:-1800}
PARTS=${BENCH_PARTS:-outbound display scale}
THREADS=$(nproc)
. bench/lib.sh
num "$BOOKINGS" 10 2000 BOOKINGS
num "$DISPLAY_MEETINGS" 10 2000 DISPLAY_MEETINGS
num "$SCALE_ROOMS" 1 5000 SCALE_ROOMS
num "$SCALE_MEETINGS" 1 2000 SCALE_MEETINGS
num "$SCALE_BOUND_S" 10 7200 SCALE_BOUND_S
need_backends "$DBS" curl python3

tmp=$(mktemp -d /tmp/convene-bench-sync.XXXXXX)
chmod 755 "$tmp" # the PostgreSQL cluster below runs as postgres
convene_pid="" pgdir="" fake_pid=""
cleanup() {
  stop_pid "$convene_pid" TERM
  stop_pid "$fake_pid" TERM
  [ -n "$pgdir" ] && scripts/pg-test.sh stop "$pgdir" || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s)
say() { printf 'bench: [%4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
# server_times LOG FROM_LINE PATH_PART: "p50 X, p99 Y" of the microseconds
# convene's access log gives the POSTs whose path holds PATH_PART after line
# FROM_LINE
server_times() {
  tail -n +"$(($2 + 1))" "$1" | awk -v p="$3" '$2 == "req" && $3 == "POST" && index($4, p) && $7 ~ /us$/ {
      sub(/us$/, "", $7); print $7}' |
    sort -n | awk '{a[NR] = $1} END {if (!NR) {printf "none"; exit} i = int(NR * 0.99 + 0.999999);
      printf "p50 %.2fms, p99 %.2fms (%d requests)", a[int(NR * 0.5) + 1] / 1000, a[i] / 1000, NR}'
}

start_fake Google tests/fakes/google/fake_google.py

results=""
# outbound_cost KIND: parts 1 and 2
outbound_cost() {
  local kind=$1
  say "$kind: connected to the fake Google, one room linked; $BOOKINGS bookings"
  local log_at; log_at=$(wc -l <"$tmp/convene-$kind.log")
  BASE="$base" FAKE="$fake" PASSWORD="$password" N="$BOOKINGS" KIND="$kind" \
    /usr/bin/python3 - >"$tmp/result-$kind.txt" <<'PY' || { tail -50 "$tmp/convene-$kind.log" >&2; exit 1; }
import datetime, os, sys, time
import requests
sys.path.insert(0, "tests/fakes/google")
from client import SCOPE_CALENDAR, SCOPE_DIRECTORY  # noqa: E402
base, fake, n, kind = os.environ["BASE"], os.environ["FAKE"], int(os.environ["N"]), os.environ["KIND"]
s, f = requests.Session(), requests.Session()
def ok(r, status=(200, 201)):
    if r.status_code not in status:
        raise SystemExit("bench: %s %s answered %d: %s" % (r.request.method, r.url, r.status_code, r.text[:500]))
    return r
ctl = lambda m, p, body=None: ok(f.request(m, fake + "/_fake/" + p, json=body)).json()
key = ctl("POST", "service_accounts", {"scopes": [SCOPE_DIRECTORY, SCOPE_CALENDAR]})
admin = "bench-%s@example.com" % kind
ctl("POST", "users", {"email": admin, "admin": True})
g = ctl("POST", "resources", {"resourceName": "Bench linked %s" % kind, "capacity": 8})["resourceEmail"]
b = ok(s.post(base + "/api/v1/session", json={"email": "bench-admin@example.test",
                                              "password": os.environ["PASSWORD"]})).json()
s.headers["X-CSRF-Token"] = b["csrf_token"]
I = "/api/v1/calendar-integrations/google"
ok(s.put(base + I, json={"service_account_key": key, "admin_email": admin}))
ok(s.post(base + I + "/connect"))
linked = ok(s.post(base + "/api/v1/rooms", json={"name": "Linked", "capacity": 8})).json()
free = ok(s.post(base + "/api/v1/rooms", json={"name": "Unlinked", "capacity": 8})).json()
ok(s.put(base + I + "/rooms/" + g, json={"room_id": linked["id"]}))
cal = ok(s.post(base + "/api/v1/calendars", json={"name": "Bench", "time_zone": "UTC"})).json()["id"]
day0 = datetime.date.today() + datetime.timedelta(days=2)
times = {"linked": [], "unlinked": []}
for i in range(n):
    room = linked if i % 2 == 0 else free
    d = (day0 + datetime.timedelta(days=i // 20)).isoformat()
    h = 6 + (i // 2) % 10
    body = {"summary": "Bench %d" % i, "start": "%sT%02d:00:00" % (d, h), "end": "%sT%02d:45:00" % (d, h),
            "room_ids": [room["id"]]}
    t = time.perf_counter()
    ok(s.post(base + "/api/v1/calendars/%s/events" % cal, json=body))
    times["linked" if room is linked else "unlinked"].append((time.perf_counter() - t) * 1000)
last = time.perf_counter()
want = (n + 1) // 2
def at_google():
    evs = ctl("GET", "calendars/%s/events" % g)
    return [e for e in evs if e.get("status") != "cancelled"
            and "convene_event_id" in ((e.get("extendedProperties") or {}).get("private") or {})]
got = []
while time.perf_counter() - last < 300:
    got = at_google()
    if len(got) >= want:
        break
    time.sleep(0.1)
drain = time.perf_counter() - last
ids = [e["extendedProperties"]["private"]["convene_event_id"] for e in got]
if len(got) != want or len(set(ids)) != want:
    raise SystemExit("bench: %d bookings of the linked room, %d events at Google (%d distinct)" %
                     (want, len(got), len(set(ids))))
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p + 0.999999) - 1)]
for k in ("linked", "unlinked"):
    print("%s p50 %.2f p99 %.2f n %d" % (k, pct(times[k], 0.5), pct(times[k], 0.99), len(times[k])))
print("drain %.2f writes %d" % (drain, want))
PY
  local lp50 lp99 up50 up99 drain writes
  read -r _ _ lp50 _ lp99 _ _ < <(sed -n 1p "$tmp/result-$kind.txt")
  read -r _ _ up50 _ up99 _ _ < <(sed -n 2p "$tmp/result-$kind.txt")
  read -r _ drain _ writes < <(sed -n 3p "$tmp/result-$kind.txt")
  local server; server=$(server_times "$tmp/convene-$kind.log" "$log_at" "/events")
  local ratio99; ratio99=$(ratio "$lp99" "$up99")
  results="$results$(printf '%-9s booking, linked room (outbound sync):   p50 %sms, p99 %sms\n' "$kind" "$lp50" "$lp99")
$(printf '%-9s booking, unlinked room (reference):      p50 %sms, p99 %sms\n' "$kind" "$up50" "$up99")
$(printf '%-9s p99 linked / unlinked: %s (target: about 1, the write is after the commit)' "$kind" "$ratio99")
$(printf '%-9s convene'"'"'s own time, all bookings: %s' "$kind" "$server")
$(printf '%-9s every linked booking at Google %ss after the last one (%s writes, none missing or doubled)' \
    "$kind" "$drain" "$writes")
"
}

# new_account NAME: an account of its own (one Google connection each), its
# admin signed in by the Python parts with ADMIN_EMAIL and PASSWORD
new_account() {
  "$BIN" account add --data "$data" "${dbflag[@]}" --name "$1" --admin-email "$2" --admin-password "$password" \
    >"$tmp/account-$1.log" 2>&1 || { cat "$tmp/account-$1.log" >&2; exit 1; }
}

# display_latency KIND: part 3
display_latency() {
  local kind=$1 email="door-$1@example.test"
  new_account "Door-$kind" "$email"
  say "$kind: $DISPLAY_MEETINGS meetings at the fake, each until the door display shows it"
  BASE="$base" FAKE="$fake" PASSWORD="$password" ADMIN_EMAIL="$email" N="$DISPLAY_MEETINGS" KIND="$kind" \
    /usr/bin/python3 - >"$tmp/display-$kind.txt" <<'PY' || { tail -50 "$tmp/convene-$kind.log" >&2; exit 1; }
import datetime, json, os, queue, sys, threading, time
import requests
sys.path.insert(0, "tests/fakes/google")
from client import SCOPE_CALENDAR, SCOPE_DIRECTORY  # noqa: E402
base, fake, n, kind = os.environ["BASE"], os.environ["FAKE"], int(os.environ["N"]), os.environ["KIND"]
s, f = requests.Session(), requests.Session()
def ok(r, status=(200, 201)):
    if r.status_code not in status:
        raise SystemExit("bench: %s %s answered %d: %s" % (r.request.method, r.url, r.status_code, r.text[:500]))
    return r
ctl = lambda m, p, body=None: ok(f.request(m, fake + "/_fake/" + p, json=body, timeout=30), (200, 201, 204))
key = ctl("POST", "service_accounts", {"scopes": [SCOPE_DIRECTORY, SCOPE_CALENDAR]}).json()
admin = "door-%s@example.com" % kind
ctl("POST", "users", {"email": admin, "admin": True})
g = ctl("POST", "resources", {"resourceName": "Door %s" % kind, "capacity": 8}).json()["resourceEmail"]
b = ok(s.post(base + "/api/v1/session", json={"email": os.environ["ADMIN_EMAIL"],
                                              "password": os.environ["PASSWORD"]})).json()
s.headers["X-CSRF-Token"] = b["csrf_token"]
I = "/api/v1/calendar-integrations/google"
ok(s.put(base + I, json={"service_account_key": key, "admin_email": admin}))
ok(s.post(base + I + "/connect"))
room = ok(s.put(base + I + "/rooms/" + g, json={"import": True})).json()["room_id"]
token = ok(s.post(base + "/api/v1/rooms/%s/displays" % room, json={"name": "Door"})).json()["token"]
end = time.time() + 60
while not [c for c in ctl("GET", "channels").json() if c.get("calendarId") == g]:  # the first sync ran
    if time.time() > end:
        raise SystemExit("bench: the room got no push channel")
    time.sleep(0.1)
states = queue.Queue()
def read():
    r = requests.get(base + "/api/v1/display/%s/stream" % token, stream=True, timeout=(5, 120))
    ok(r)
    for line in r.iter_lines(chunk_size=1, decode_unicode=True):
        if line and line.startswith("data: "):
            states.put((time.perf_counter(), line[6:]))
threading.Thread(target=read, daemon=True).start()
def until(pred, what):
    end = time.perf_counter() + 30
    while True:
        try:
            t, data = states.get(timeout=max(0.01, end - time.perf_counter()))
        except queue.Empty:
            raise SystemExit("bench: %s not on the door display within 30 s" % what)
        if pred(data):
            return t
now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
start = now + datetime.timedelta(minutes=2)
if start.date() != (start + datetime.timedelta(minutes=20)).date():
    raise SystemExit("bench: too close to midnight UTC for a meeting of today")
z = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
lat = []
for i in range(n):
    summary = "Door bench %d" % i
    t0 = time.perf_counter()
    ev = ctl("POST", "calendars/%s/meetings" % g, {"organizer": "alice@example.com", "summary": summary,
             "start": {"dateTime": z(start)}, "end": {"dateTime": z(start + datetime.timedelta(minutes=15))}}).json()
    if ev["room_response"] != "accepted":
        raise SystemExit("bench: the room declined meeting %d" % i)
    lat.append((until(lambda d: '"%s"' % summary in d, summary) - t0) * 1000)
    ctl("DELETE", "calendars/%s/events/%s" % (g, ev["event"]["id"]))
    until(lambda d: '"%s"' % summary not in d, "the cancellation of " + summary)
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p + 0.999999) - 1)]
print("p50 %.1f p99 %.1f max %.1f n %d" % (pct(0.5), pct(0.99), lat[-1], len(lat)))
PY
  local p50 p99 max
  read -r _ p50 _ p99 _ max _ _ <"$tmp/display-$kind.txt"
  results="$results$(printf '%-9s a meeting made at Google on the door display: p50 %sms, p99 %sms, max %sms (%s meetings; target p99 < 2000ms: %s)' \
    "$kind" "$p50" "$p99" "$max" "$DISPLAY_MEETINGS" "$(awk -v p="$p99" 'BEGIN {print (p < 2000) ? "met" : "NOT met"}')")
"
}

# first_sync KIND: part 4
first_sync() {
  local kind=$1 email="scale-$1@example.test"
  new_account "Scale-$kind" "$email"
  say "$kind: $SCALE_ROOMS rooms x $SCALE_MEETINGS meetings at the fake, then Connect and link them all"
  BASE="$base" FAKE="$fake" PASSWORD="$password" ADMIN_EMAIL="$email" ROOMS="$SCALE_ROOMS" \
  MEETINGS="$SCALE_MEETINGS" BOUND="$SCALE_BOUND_S" KIND="$kind" PID="$convene_pid" \
    /usr/bin/python3 - >"$tmp/scale-$kind.txt" <<'PY' || { tail -50 "$tmp/convene-$kind.log" >&2; exit 1; }
import datetime, os, sys, threading, time
import requests
sys.path.insert(0, "tests/fakes/google")
from client import SCOPE_CALENDAR, SCOPE_DIRECTORY  # noqa: E402
base, fake, kind = os.environ["BASE"], os.environ["FAKE"], os.environ["KIND"]
rooms, meetings, bound, pid = (int(os.environ[k]) for k in ("ROOMS", "MEETINGS", "BOUND", "PID"))
s, f = requests.Session(), requests.Session()
def ok(r, status=(200, 201)):
    if r.status_code not in status:
        raise SystemExit("bench: %s %s answered %d: %s" % (r.request.method, r.url, r.status_code, r.text[:500]))
    return r
ctl = lambda m, p, body=None: ok(f.request(m, fake + "/_fake/" + p, json=body, timeout=600)).json()
key = ctl("POST", "service_accounts", {"scopes": [SCOPE_DIRECTORY, SCOPE_CALENDAR]})
admin = "scale-%s@example.com" % kind
ctl("POST", "users", {"email": admin, "admin": True})
t = time.perf_counter()
emails = ctl("POST", "resources/bulk", {"count": rooms, "prefix": "Scale %s" % kind})["emails"]
first = (datetime.date.today() + datetime.timedelta(days=1)).isoformat() + "T08:00:00Z"
for e in emails:
    ctl("POST", "calendars/%s/events/bulk" % e, {"count": meetings, "start": first, "interval_minutes": 60,
                                                 "duration_minutes": 30})
seeded = time.perf_counter() - t
rss = {"peak": 0, "anon": 0}
stop = threading.Event()
def watch():
    while not stop.is_set():
        try:
            with open("/proc/%d/status" % pid) as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss["peak"] = max(rss["peak"], int(line.split()[1]))
                    elif line.startswith("RssAnon:"):  # its own memory; the rest is mapped files
                        rss["anon"] = max(rss["anon"], int(line.split()[1]))
        except OSError:
            pass
        stop.wait(0.2)
threading.Thread(target=watch, daemon=True).start()
b = ok(s.post(base + "/api/v1/session", json={"email": os.environ["ADMIN_EMAIL"],
                                              "password": os.environ["PASSWORD"]})).json()
s.headers["X-CSRF-Token"] = b["csrf_token"]
I = "/api/v1/calendar-integrations/google"
ok(s.put(base + I, json={"service_account_key": key, "admin_email": admin}))
t0 = time.perf_counter()
ok(s.post(base + I + "/connect"))
for e in emails:
    ok(s.put(base + I + "/rooms/" + e, json={"import": True}))
linked = time.perf_counter() - t0
want = set(emails)
while True:
    items = ok(s.get(base + I + "/rooms")).json()["items"]
    done = {i["provider_room_id"] for i in items if i["provider_room_id"] in want and i["last_sync_at"]}
    entry = [c for c in ok(s.get(base + "/api/v1/calendar-integrations")).json()["items"]
             if c["provider"] == "google"][0]
    if done == want and entry["events_synced"] >= rooms * meetings:
        break
    if time.perf_counter() - t0 > bound:
        raise SystemExit("bench: after %d s, %d of %d rooms synced, %d of %d meetings" % (
            bound, len(done), rooms, entry["events_synced"], rooms * meetings))
    time.sleep(1)
took = time.perf_counter() - t0
stop.set()
print("seeded %.1f linked %.1f synced %.1f rss_mb %.0f events %d anon_mb %.0f" % (
    seeded, linked, took, rss["peak"] / 1024, entry["events_synced"], rss["anon"] / 1024))
PY
  local seeded linked took rss events anon
  read -r _ seeded _ linked _ took _ rss _ events _ anon <"$tmp/scale-$kind.txt"
  results="$results$(printf '%-9s first sync of %s rooms x %s meetings: every room synced %ss after Connect (%s meetings a second; linking took %ss), %s meetings; convene peak RSS %s MB, %s MB of it its own memory (the rest is mapped files, on SQLite the database; the fake seeded in %ss)' \
    "$kind" "$SCALE_ROOMS" "$SCALE_MEETINGS" "$took" "$(awk -v n="$events" -v t="$took" 'BEGIN {printf "%.0f", n / t}')" \
    "$linked" "$events" "$rss" "$anon" "$seeded")
"
}

run_backend() {
  local kind=$1
  CONVENE_GOOGLE_TOKEN_URL="$fake/token" CONVENE_GOOGLE_API_URL="$fake" serve_linked_backend "$kind"

  case " $PARTS " in *" outbound "*) outbound_cost "$kind" ;; esac
  case " $PARTS " in *" display "*) display_latency "$kind" ;; esac
  case " $PARTS " in *" scale "*) first_sync "$kind" ;; esac
  stop_pid "$convene_pid" TERM
  convene_pid=""
  if [ -n "$pgdir" ]; then scripts/pg-test.sh stop "$pgdir"; pgdir=""; fi
}

for kind in $DBS; do run_backend "$kind"; done

mkdir -p bench/results
out="bench/results/sync-$(date +%Y-%m-%d).txt"
{
  echo "convene calendar sync bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, parts: $PARTS, $BIN"
  printf '%s' "$results"
} | tee "$out"
