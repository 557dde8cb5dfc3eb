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
pw="cg-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$BIN" init --data "$tmp/data" --admin-email a@example.test --admin-password "$pw" --account-name Bench \
  >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; exit 1; }
valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
  "$BIN" serve --data "$tmp/data" --listen "127.0.0.1:$port" --threads 1 >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.2; done
BASE="http://127.0.0.1:$port" PASSWORD="$pw" N="$N" PID="$pid" OUT="$tmp/cg.out" python3 - <<'PY'
import base64, http.client, json, os, re, subprocess, urllib.request
base, pw, n, pid = os.environ["BASE"], os.environ["PASSWORD"], int(os.environ["N"]), os.environ["PID"]
cookie = csrf = None
def call(method, path, body=None, headers=None, form=None):
    h, data = dict(headers or {}), None
    if body is not None: data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None: data, h["Content-Type"] = form.encode(), "application/x-www-form-urlencoded"
    if cookie: h["Cookie"] = cookie
    if csrf and method != "GET": h["X-CSRF-Token"] = csrf
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    with urllib.request.urlopen(req, timeout=300) as r: return r.headers, json.loads(r.read() or b"null")
def sign_in(email):
    global cookie, csrf
    cookie = csrf = None
    h, b = call("POST", "/api/v1/session", {"email": email, "password": pw})
    cookie, csrf = h["Set-Cookie"].split(";")[0], b["csrf_token"]
sign_in("a@example.test")
company = [c for c in call("GET", "/api/v1/companies")[1]["items"] if c["is_default"]][0]["id"]
call("POST", "/api/v1/users", {"email": "api@example.test", "display_name": "Bench API manager",
     "role": "api_manager", "company_ids": [company], "password": pw, "must_change_password": False})
sign_in("api@example.test")
app = call("POST", "/api/v1/apps", {"name": "cg", "description": "bench/callgrind.sh"})[1]
cookie = csrf = None
basic = base64.b64encode(("%s:%s" % (app["client_id"], app["client_secret"])).encode()).decode()
tok = call("POST", "/oauth/token", form="grant_type=client_credentials",
           headers={"Authorization": "Basic " + basic})[1]["access_token"]
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
