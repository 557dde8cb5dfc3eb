#!/usr/bin/env bash
# Zoom benchmarks (issue 15, section 8), on SQLite and on PostgreSQL in one
# run. A release convene (own data directory, free loopback port; PostgreSQL:
# a throwaway cluster of scripts/pg-test.sh with fsync on) is pointed at the
# fake Zoom of tests/fakes/zoom (loopback, the same code path as Zoom itself).
# A Zoom user with MEETINGS scheduled meetings (the fake's bulk call) is
# connected to a conference through the real OAuth flow, then:
#  1. the connection page, GET /api/v1/conferences/{id}/zoom-connections/{cid}
#     (answered from the meetings cache: the bench checks that the fake gets
#     no call meanwhile), is measured with wrk: p50 and p99 with one
#     connection (target p99 < 5 ms) and requests/s with WRK_CONNECTIONS;
#     nginx serving the same bytes as a static file is the reference;
#  2. POST /webhooks/zoom with valid signatures (meeting.updated events of
#     that user, each a different event), WEBHOOK_RATE a second for
#     WEBHOOK_DURATION (bench/zoom-webhooks.lua): p50 and p99 of the
#     acknowledgement (target p99 < 20 ms); then SQL checks that each
#     acknowledged event was stored. nginx answering 200 to the same requests
#     at the same pace is the reference (the loopback and wrk's own share).
# Any non-2xx answer, a page without its meetings or an acknowledged event
# that was not stored fails the bench. Writes bench/results/zoom-<date>.txt.
#
# usage: bench/zoom.sh   (environment: CONVENE_BIN, BENCH_DBS="sqlite postgres",
#        MEETINGS=300, WRK_DURATION=10s, WRK_CONNECTIONS=16, BENCH_ROUNDS=3
#        (latency runs, the lowest p99 counts), WEBHOOK_RATE=200,
#        WEBHOOK_DURATION=15s, WEBHOOK_CONNECTIONS=10)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
DBS=${BENCH_DBS:-sqlite postgres}
MEETINGS=${MEETINGS:-300}
WRK_DURATION=${WRK_DURATION:-10s}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
ROUNDS=${BENCH_ROUNDS:-3}
WEBHOOK_RATE=${WEBHOOK_RATE:-200}
WEBHOOK_DURATION=${WEBHOOK_DURATION:-15s}
WEBHOOK_CONNECTIONS=${WEBHOOK_CONNECTIONS:-10}
THREADS=$(nproc)

for d in "$WRK_DURATION" "$WEBHOOK_DURATION"; do
  case "$d" in [1-9]s|[1-5][0-9]s|60s) ;; *) echo "bench: durations are 1s to 60s" >&2; exit 2 ;; esac
done
. bench/lib.sh
num "$MEETINGS" 1 3000 MEETINGS
num "$WRK_CONNECTIONS" 1 256 WRK_CONNECTIONS
num "$ROUNDS" 1 5 BENCH_ROUNDS
num "$WEBHOOK_RATE" 1 2000 WEBHOOK_RATE
num "$WEBHOOK_CONNECTIONS" 2 100 WEBHOOK_CONNECTIONS
need_backends "$DBS" wrk curl sqlite3 python3
WEBHOOK_SECONDS=${WEBHOOK_DURATION%s}

tmp=$(mktemp -d /tmp/convene-bench-zoom.XXXXXX)
chmod 755 "$tmp" # the PostgreSQL cluster below runs as postgres
convene_pid="" pgdir="" fake_pid="" nginx_pid=""
cleanup() {
  stop_pid "$convene_pid" TERM
  stop_pid "$fake_pid" TERM
  stop_pid "$nginx_pid" QUIT
  [ -n "$pgdir" ] && scripts/pg-test.sh stop "$pgdir" || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s)
say() { printf 'bench: [%4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
rand() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# server_times LOG FROM_LINE METHOD: "p50 X, p99 Y" of the microseconds convene's
# access log gives the requests of METHOD after line FROM_LINE (its own time,
# without the loopback's, wrk's or the scheduler's)
server_times() {
  tail -n +"$(($2 + 1))" "$1" | awk -v m="$3" '$2 == "req" && $3 == m && $7 ~ /us$/ {sub(/us$/, "", $7); print $7}' |
    sort -n | awk '{a[NR] = $1} END {if (!NR) {printf "none"; exit} i = int(NR * 0.99 + 0.999999);
      printf "p50 %.2fms, p99 %.2fms (%d requests)", a[int(NR * 0.5) + 1] / 1000, a[i] / 1000, NR}'
}

# ------------------------------------------------------------ the fake Zoom and nginx
client_id="bench-$(rand)" client_secret=$(rand) webhook_secret=$(rand)
start_fake Zoom tests/fakes/zoom/fake_zoom.py --client-id "$client_id" --client-secret "$client_secret" \
  --webhook-secret "$webhook_secret"

mkdir -p "$tmp/www"
nport=$(free_port)
nginx_start "$tmp/www" "$nport" "$THREADS" "application/json" \
  "location = /webhooks/zoom { default_type application/json; return 200 '{}'; }"
echo '{}' >"$tmp/www/probe.json"
wait_http "http://127.0.0.1:$nport/probe.json" "$nginx_pid" ||
  { echo "bench: nginx did not start:" >&2; cat "$tmp/nginx/logs/error.log" >&2; exit 1; }

sql() { # runs $1 on the current backend
  if [ "$kind" = sqlite ]; then sqlite3 -bail -batch "$data/convene.db" "$1"
  else psql "$url" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; fi
}
fake_calls() { curl -fsS "$fake/_fake/stats" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["api_calls"])'; }

# run_latency NAME URL HEADER: ROUNDS runs of wrk -t1 -c1, the lowest p99 kept
# in $tmp/wrk-NAME.txt; sets lat_rps, lat_p99 (ms) and appends to all_rounds
run_latency() {
  local name=$1 u=$2 h=$3 round rps p99
  lat_p99="" lat_rps=""
  for round in $(seq "$ROUNDS"); do
    rps=$(run_wrk "$name-$round" "$u" "$WRK_DURATION" 1 1 "$h")
    p99=$(to_ms "$(wrk_latency "$name-$round" | awk '{print $4}')")
    all_rounds="$all_rounds  $name round $round: $(wrk_latency "$name-$round"), $rps req/s"$'\n'
    if [ -z "$lat_p99" ] || awk -v a="$p99" -v b="$lat_p99" 'BEGIN {exit !(a < b)}'; then
      lat_p99=$p99 lat_rps=$rps
      cp "$tmp/wrk-$name-$round.txt" "$tmp/wrk-$name.txt"
    fi
  done
}

# run_webhooks NAME BASE_URL FILE: the paced POSTs; sets wh_* from the script's counts
run_webhooks() {
  ZOOM_WEBHOOKS=$3 ZOOM_RATE=$WEBHOOK_RATE ZOOM_THREADS=2 \
    wrk -t2 -c"$WEBHOOK_CONNECTIONS" -d"$WEBHOOK_DURATION" --timeout 30s --latency -s bench/zoom-webhooks.lua \
    "$2" >"$tmp/wrk-$1.txt" 2>&1 || { cat "$tmp/wrk-$1.txt" >&2; exit 1; }
  local res v; res=$(grep '^webhook-result' "$tmp/wrk-$1.txt") || { cat "$tmp/wrk-$1.txt" >&2; exit 1; }
  for v in sent ok other s5xx errors; do
    eval "wh_$v=$(echo "$res" | tr ' ' '\n' | awk -F= -v k="$v" '$1 == k {print $2}')"
  done
  wh_secs=$(awk '/requests in/ {sub(/s,$/, "", $4); print $4}' "$tmp/wrk-$1.txt")
  wh_rate=$(awk -v a="$wh_sent" -v s="$wh_secs" 'BEGIN {printf "%.0f", a / s}')
}

# ------------------------------------------------------------ one backend
run_backend() {
  kind=$1
  CONVENE_ZOOM_CLIENT_SECRET=$client_secret CONVENE_ZOOM_WEBHOOK_SECRET=$webhook_secret \
    serve_linked_backend "$kind" --zoom-client-id "$client_id" --zoom-oauth-url "$fake" --zoom-api-url "$fake/v2"

  say "$kind: a Zoom user with $MEETINGS meetings, connected to a conference"
  BASE="$base" FAKE="$fake" PASSWORD="$password" MEETINGS="$MEETINGS" KIND="$kind" \
    /usr/bin/python3 - >"$tmp/setup-$kind.txt" <<'PY' || { cat "$tmp/convene-$kind.log" >&2; exit 1; }
import os, time, requests
base, fake, n = os.environ["BASE"], os.environ["FAKE"], int(os.environ["MEETINGS"])
s, f = requests.Session(), requests.Session()
def ok(r, status=(200, 201)):
    if r.status_code not in status:
        raise SystemExit("bench: %s %s answered %d: %s" % (r.request.method, r.url, r.status_code, r.text[:500]))
    return r
f.post(fake + "/_fake/config", json={"webhook_url": base + "/webhooks/zoom", "api_webhooks": False})
u = ok(f.post(fake + "/_fake/users", json={"email": "bench-%s@zoom.example" % os.environ["KIND"],
                                           "first_name": "Bench", "last_name": "Host", "type": 2,
                                           "timezone": "Europe/Paris"})).json()
first = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(time.time() + 86400))
ids = ok(f.post(fake + "/_fake/users/%s/meetings/bulk" % u["id"],
                json={"count": n, "start_time": first, "interval_minutes": 60, "topic_prefix": "Session",
                      "duration": 45})).json()["ids"]
ok(f.post(fake + "/_fake/authorize_as", json={"user_id": u["id"]}))
b = ok(s.post(base + "/api/v1/session", json={"email": "bench-admin@example.test",
                                              "password": os.environ["PASSWORD"]})).json()
s.headers["X-CSRF-Token"] = b["csrf_token"]
conf = ok(s.post(base + "/api/v1/conferences", json={"name": "Bench conference", "starts_on": first[:10],
                                                    "ends_on": first[:10], "time_zone": "Europe/Paris"})).json()["id"]
cid = ok(s.post(base + "/api/v1/conferences/%s/zoom-connections" % conf, json={"name": "Bench Zoom"})).json()["id"]
page = base + "/api/v1/conferences/%s/zoom-connections/%s" % (conf, cid)
authorize = ok(s.post(page + "/connect")).json()["authorize_url"]
at_zoom = ok(requests.get(authorize, allow_redirects=False), (302,))
ok(s.get(at_zoom.headers["Location"], allow_redirects=False), (302, 303))
c = ok(s.get(page)).json()
got = sorted(int(m["id"]) for m in c.get("meetings") or [])
if c["status"] != "connected" or got != sorted(ids):
    raise SystemExit("bench: the connection shows %s with %d meetings, not connected with %d" %
                     (c["status"], len(got), n))
cookie = "; ".join("%s=%s" % (k, v) for k, v in s.cookies.items())
print(page)
print("Cookie: " + cookie)
print(u["id"], u["account_id"], u["email"], " ".join(str(i) for i in ids))
PY
  local page cookie zuser
  page=$(sed -n 1p "$tmp/setup-$kind.txt")
  cookie=$(sed -n 2p "$tmp/setup-$kind.txt")
  zuser=$(sed -n 3p "$tmp/setup-$kind.txt")
  curl -fsS -H "$cookie" -o "$tmp/www/page-$kind.json" "$page"
  local page_bytes; page_bytes=$(stat -c %s "$tmp/www/page-$kind.json")

  # 1. the connection page from the cache
  say "$kind: connection page, wrk"
  local calls_before; calls_before=$(fake_calls)
  run_wrk "$kind-page-warm" "$page" 2s 1 4 "$cookie" >/dev/null
  local log_at; log_at=$(wc -l <"$tmp/convene-$kind.log")
  run_latency "$kind-page" "$page" "$cookie"
  local page_server; page_server=$(server_times "$tmp/convene-$kind.log" "$log_at" GET)
  local page_p99=$lat_p99 page_rps=$lat_rps
  local page_load; page_load=$(run_wrk "$kind-page-load" "$page" "$WRK_DURATION" 2 "$WRK_CONNECTIONS" "$cookie")
  local calls_after; calls_after=$(fake_calls)
  run_wrk "$kind-nginx-page-warm" "http://127.0.0.1:$nport/page-$kind.json" 2s 1 4 >/dev/null
  run_latency "$kind-nginx-page" "http://127.0.0.1:$nport/page-$kind.json" ""
  local nginx_p99=$lat_p99 nginx_rps=$lat_rps

  # 2. webhooks: signed now, each a different meeting.updated of the user's meetings
  say "$kind: webhooks at $WEBHOOK_RATE/s"
  local count=$((WEBHOOK_RATE * WEBHOOK_SECONDS * 13 / 10 + 100))
  SECRET="$webhook_secret" COUNT="$count" ZUSER="$zuser" /usr/bin/python3 - >"$tmp/webhooks-$kind.txt" <<'PY'
import hashlib, hmac, json, os, time
secret, count = os.environ["SECRET"].encode(), int(os.environ["COUNT"])
uid, acct, email, *ids = os.environ["ZUSER"].split()
ts = str(int(time.time()))
ms = int(time.time() * 1000)
for i in range(count):
    mid = int(ids[i % len(ids)])
    body = json.dumps({"event": "meeting.updated", "event_ts": ms + i, "payload": {
        "account_id": acct, "operator": email, "operator_id": uid, "operation": "single",
        "object": {"id": mid, "uuid": "bench%08d==" % i, "topic": "Session %d, moved" % i,
                   "start_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400 + i * 60))},
        "old_object": {"id": mid, "uuid": "bench%08d==" % i, "topic": "Session %d" % i},
        "time_stamp": ms + i}}, separators=(",", ":"))
    sig = "v0=" + hmac.new(secret, b"v0:" + ts.encode() + b":" + body.encode(), hashlib.sha256).hexdigest()
    print("%s\t%s\t%s" % (ts, sig, body))
PY
  local probe; probe=$(head -n 1 "$tmp/webhooks-$kind.txt")
  local probe_body; probe_body=$(printf '%s' "$probe" | cut -f3) # without cut's line end: it is signed
  local status; status=$(printf '%s' "$probe_body" | curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H "Content-Type: application/json; charset=utf-8" -H "x-zm-request-timestamp: $(printf '%s' "$probe" | cut -f1)" \
    -H "x-zm-signature: $(printf '%s' "$probe" | cut -f2)" --data-binary @- "$base/webhooks/zoom")
  local wh_line wh_stored="" wh_server="" fail=""
  if [ "$status" = 404 ] || [ "$status" = 405 ]; then
    wh_line=$(printf '%-9s not measured: POST /webhooks/zoom answers %s (not built in this binary)' "$kind" "$status")
  else
    [ "$status" = 200 ] || [ "$status" = 204 ] || fail="$fail a signed webhook answered $status;"
    sed -i 1d "$tmp/webhooks-$kind.txt" # the probe's event is stored already
    local stored_before; stored_before=$(sql "SELECT count(*) FROM zoom_webhook_events")
    local log_at; log_at=$(wc -l <"$tmp/convene-$kind.log")
    run_webhooks "$kind-webhooks" "$base" "$tmp/webhooks-$kind.txt"
    wh_server=$(server_times "$tmp/convene-$kind.log" "$log_at" POST)

    local ok=$wh_ok sent=$wh_sent rate=$wh_rate s5xx=$wh_s5xx other=$wh_other errors=$wh_errors
    local stored; stored=$(sql "SELECT count(*) FROM zoom_webhook_events")
    wh_stored=$((stored - stored_before))
    [ "$s5xx" -eq 0 ] || fail="$fail $s5xx webhook answers 5xx;"
    [ "$other" -eq 0 ] || fail="$fail $other webhook answers neither 200 nor 204;"
    [ "$errors" -eq 0 ] || fail="$fail $errors socket errors;"
    # wrk stops with up to one request a connection in flight: the server may have stored it
    [ "$wh_stored" -ge "$ok" ] && [ "$wh_stored" -le $((ok + WEBHOOK_CONNECTIONS)) ] ||
      fail="$fail $wh_stored events stored for $ok acknowledged;"
    local wh_p99; wh_p99=$(to_ms "$(wrk_latency "$kind-webhooks" | awk '{print $4}')")
    run_webhooks "$kind-nginx-webhooks" "http://127.0.0.1:$nport" "$tmp/webhooks-$kind.txt"
    wh_line=$(printf '%-9s %8s %8s %6s/s %6s   nginx %8s %8s   stored %s of %s acknowledged; p99 < 20 ms: %s' "$kind" \
      "$(wrk_latency "$kind-webhooks" | awk '{print $2}' | tr -d ,)" "$(wrk_latency "$kind-webhooks" | awk '{print $4}')" \
      "$rate" "$sent" "$(wrk_latency "$kind-nginx-webhooks" | awk '{print $2}' | tr -d ,)" \
      "$(wrk_latency "$kind-nginx-webhooks" | awk '{print $4}')" "$wh_stored" "$ok" \
      "$(awk -v u="$wh_p99" 'BEGIN {print (u < 20) ? "met" : "NOT met"}')")
    wrk_files="$wrk_files $kind-webhooks $kind-nginx-webhooks"
  fi

  [ "$calls_after" -eq "$calls_before" ] || fail="$fail the page called Zoom $((calls_after - calls_before)) times;"
  rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$convene_pid/status")
  stop_pid "$convene_pid" TERM
  convene_pid=""
  if [ "$kind" = postgres ]; then scripts/pg-test.sh stop "$pgdir"; pgdir=""; fi
  rm -rf "$data"

  pages="$pages$(printf '%-9s %8s %8s %8s   %8s %8s   nginx %8s %8s %8s   (%s bytes)' "$kind" \
    "$(wrk_latency "$kind-page" | awk '{print $2}' | tr -d ,)" "$(wrk_latency "$kind-page" | awk '{print $4}')" \
    "$page_rps" "$page_load" "$(wrk_latency "$kind-page-load" | awk '{print $4}')" \
    "$(wrk_latency "$kind-nginx-page" | awk '{print $2}' | tr -d ,)" \
    "$(wrk_latency "$kind-nginx-page" | awk '{print $4}')" "$nginx_rps" "$page_bytes")"$'\n'
  hooks="$hooks$wh_line"$'\n'
  servers="$servers  $kind page (every latency round): $page_server"$'\n'
  if [ -n "$wh_server" ]; then servers="$servers  $kind webhooks: $wh_server"$'\n'; fi
  detail="$detail  $kind: page p99 < 5 ms: $(awk -v u="$page_p99" 'BEGIN {print (u < 5) ? "met" : "NOT met"}');"
  detail="$detail RSS $((rss_kb / 1024)) MiB"
  [ -n "$fail" ] && detail="$detail; FAILED:$fail"
  detail="$detail"$'\n'
  [ -z "$fail" ] || failed=1
  wrk_files="$wrk_files $kind-page $kind-page-load $kind-nginx-page"
  say "$kind: done"
}

pages="" hooks="" detail="" failed=0 all_rounds="" wrk_files="" servers=""
for db in $DBS; do run_backend "$db"; done

mkdir -p bench/results
report="bench/results/zoom-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "convene Zoom benchmarks, $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(uname -n), $(nproc) cores"
  echo "$("$BIN" version 2>/dev/null || echo convene) ($BIN, $THREADS threads); SQLite synchronous=FULL, PostgreSQL 15 fsync on;"
  echo "  nginx $(nginx_version) ($THREADS workers) as the reference; the fake Zoom of tests/fakes/zoom on the loopback"
  echo "connection page: GET /api/v1/conferences/{id}/zoom-connections/{cid} of a Zoom account with $MEETINGS meetings,"
  echo "  from the cache (the fake saw no call meanwhile), cookie session; latency wrk -t1 -c1 -d$WRK_DURATION"
  echo "  ($ROUNDS rounds, the lowest p99 counts), load wrk -t2 -c$WRK_CONNECTIONS -d$WRK_DURATION; nginx: the same bytes"
  echo
  echo "page       p50       p99     req/s(c1)  req/s(c$WRK_CONNECTIONS) p99(c$WRK_CONNECTIONS)        p50      p99    req/s(c1)"
  printf '%s' "$pages"
  echo
  echo "webhooks: POST /webhooks/zoom, meeting.updated of the connected user, each signed (v0) and different,"
  echo "  sent on a fixed schedule of $WEBHOOK_RATE/s by wrk -t2 -c$WEBHOOK_CONNECTIONS for $WEBHOOK_DURATION (bench/zoom-webhooks.lua);"
  echo "  nginx answering 200 to the same requests on the same schedule"
  echo
  echo "webhooks    p50      p99     rate    sent           p50      p99"
  printf '%s' "$hooks"
  printf '%s' "$detail"
  echo
  echo "the same requests as convene's access log times them (from reading the request to the answer queued):"
  printf '%s' "$servers"
  echo
  printf '%s' "$all_rounds"
  echo
  for w in $wrk_files; do echo "---- wrk output, $w"; cat "$tmp/wrk-$w.txt"; done
} >"$report"
sed -n '1,/^---- wrk output/p' "$report" | sed '$d'
echo "report: $report"
exit "$failed"
