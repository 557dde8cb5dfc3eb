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
# Writes bench/results/sync-<date>.txt.
#
# usage: bench/sync.sh   (environment: CONVENE_BIN, BENCH_DBS="sqlite postgres",
#        BOOKINGS=300)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
DBS=${BENCH_DBS:-sqlite postgres}
BOOKINGS=${BOOKINGS:-300}
THREADS=$(nproc)
. bench/lib.sh
num "$BOOKINGS" 10 2000 BOOKINGS
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

/usr/bin/python3 tests/fakes/google/fake_google.py --port 0 >"$tmp/fake.out" 2>"$tmp/fake.log" &
fake_pid=$!
line=""
for _ in $(seq 100); do # its first line says where it listens
  line=$(head -n 1 "$tmp/fake.out")
  case "$line" in "listening "*) break ;; esac
  kill -0 "$fake_pid" 2>/dev/null || break
  sleep 0.1
done
case "$line" in "listening "*) ;; *) echo "bench: the fake Google did not start: $line" >&2; cat "$tmp/fake.log" >&2; exit 1 ;; esac
fake="http://${line#listening }"

results=""
run_backend() {
  local kind=$1
  backend_init "$kind"
  mkdir -p "$data"
  [ -f "$data/secret.key" ] || { head -c 32 /dev/urandom >"$data/secret.key"; chmod 600 "$data/secret.key"; }
  CONVENE_GOOGLE_TOKEN_URL="$fake/token" CONVENE_GOOGLE_API_URL="$fake" \
    serve_backend "$kind" --threads "$THREADS" --public-url "$base" --web-dir ''

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
  stop_pid "$convene_pid" TERM
  convene_pid=""
  if [ -n "$pgdir" ]; then scripts/pg-test.sh stop "$pgdir"; pgdir=""; fi
}

for kind in $DBS; do run_backend "$kind"; done

mkdir -p bench/results
out="bench/results/sync-$(date +%Y-%m-%d).txt"
{
  echo "convene calendar sync bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $BOOKINGS bookings, $BIN"
  printf '%s' "$results"
} | tee "$out"
