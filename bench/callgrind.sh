#!/usr/bin/env bash
# Instructions per request under callgrind, which counts the same on a busy
# machine where wrk swings: GET /api/v1/me with a bearer token and GET /healthz
# on one server thread, after a warm-up, counters zeroed before each path.
# Note: callgrind counts each iteration of `rep stosb` as one instruction, so
# libmicrohttpd zeroing its connection pool (memset) looks far dearer here than
# it runs; the script prints that part separately.
#
# usage: bench/callgrind.sh [N]   (environment: CONVENE_BIN; N requests per path, default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
. bench/lib.sh
N=${1:-300}
case "$N" in [1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-4][0-9][0-9][0-9]) ;; *) echo "N: 1..4999" >&2; exit 2 ;; esac
for tool in valgrind callgrind_control callgrind_annotate python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/convene-cg.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
init_admin "$tmp/init.log" --data "$tmp/data" --admin-email a@example.test --account-name Bench
pw=$password
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
  "$BIN" serve --data "$tmp/data" --listen "127.0.0.1:$port" --threads 1 >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.2; done
BASE="http://127.0.0.1:$port" PASSWORD="$pw" N="$N" PID="$pid" OUT="$tmp/cg.out" python3 - <<'PY'
import http.client, os, re, subprocess, sys
sys.path.insert(0, "bench")
from benchapi import Api
base, pw, n, pid = os.environ["BASE"], os.environ["PASSWORD"], int(os.environ["N"]), os.environ["PID"]
api = Api(base, timeout=300)
admin, _ = api.sign_in("a@example.test", pw)
tok = api.api_manager(admin, "api@example.test", "Bench API manager", pw, "cg")[0]
c = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=300)
def get(path):
    c.request("GET", path, headers={"Authorization": "Bearer " + tok})
    r = c.getresponse(); r.read()
    assert r.status == 200, r.status
for _ in range(50):
    get("/api/v1/me")
for path in ["/api/v1/me", "/healthz"]:
    subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)
    for _ in range(n):
        get(path)
    tag = path.replace("/", "_")
    subprocess.run(["callgrind_control", "--dump=" + tag, pid], check=True, capture_output=True)
    dumps = sorted(f for f in os.listdir(os.path.dirname(os.environ["OUT"])) if f.startswith("cg.out."))
    ann = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no",
                          os.path.join(os.path.dirname(os.environ["OUT"]), dumps[-1])],
                         check=True, capture_output=True, text=True).stdout
    total = int(re.search(r"([\d,]+) +\(100.0%\) +PROGRAM TOTALS", ann).group(1).replace(",", ""))
    m = re.search(r"([\d,]+) +\([\d.]+%\) +\S*memset", ann)
    memset = int(m.group(1).replace(",", "")) if m else 0
    print("%-12s %7d instructions/request (%d without libc memset)" % (path, total // n, (total - memset) // n))
PY
