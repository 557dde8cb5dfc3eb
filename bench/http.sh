#!/usr/bin/env bash
# HTTP benchmark (issue 2, section 7): wrk against GET /api/v1/me with a bearer
# token on a freshly built release convene (own data directory, SQLite, free
# loopback port), and against nginx serving a static JSON file of the same
# size, in one run with the same wrk parameters. Prints requests/s of each,
# the ratio convene/nginx (target >= 0.8) and convene's RSS after the run;
# writes the report to bench/results/http-<date>.txt. Stops all it started.
#
# usage: bench/http.sh   (environment: CONVENE_BIN, WRK_THREADS=2,
#        WRK_CONNECTIONS=64, WRK_DURATION=10s, BENCH_ROUNDS=2, BENCH_THREADS=server threads)
# Each round measures convene then nginx; the best round of each counts, so
# that a burst of other load on the machine does not decide the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
WRK_DURATION=${WRK_DURATION:-10s}
SERVER_THREADS=${BENCH_THREADS:-$(nproc)}
ROUNDS=${BENCH_ROUNDS:-2}
TARGET=0.8

for tool in wrk nginx python3 curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "bench: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

# wrk runs for WRK_DURATION; anything much longer is a mistake, not a benchmark
case "$WRK_DURATION" in
  [1-9]s|[1-5][0-9]s|60s|1m) ;;
  *) echo "bench: WRK_DURATION must be between 1s and 60s" >&2; exit 2 ;;
esac
case "$ROUNDS" in
  [1-5]) ;;
  *) echo "bench: BENCH_ROUNDS must be between 1 and 5" >&2; exit 2 ;;
esac
if [ ! -x "$BIN" ]; then
  echo "bench: building $BIN"
  make --no-print-directory release >/dev/null
fi

tmp=$(mktemp -d /tmp/convene-bench.XXXXXX)
. bench/lib.sh
convene_pid="" nginx_pid=""
cleanup() {
  stop_pid "$convene_pid" TERM
  stop_pid "$nginx_pid" QUIT
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ convene
port=$(free_port)
base="http://127.0.0.1:$port"
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$BIN" init --data "$tmp/data" --admin-email bench-admin@example.test --admin-password "$password" \
  --account-name "Bench" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; exit 1; }
"$BIN" serve --data "$tmp/data" --listen "127.0.0.1:$port" --threads "$SERVER_THREADS" \
  >"$tmp/convene.log" 2>&1 &
convene_pid=$!
wait_http "$base/readyz" "$convene_pid" || { echo "bench: convene did not start:" >&2; cat "$tmp/convene.log" >&2; exit 1; }

# an API manager registers an application and gets a token, as a client would
token=$(BASE="$base" PASSWORD="$password" /usr/bin/python3 - <<'PY'
import os, sys
sys.path.insert(0, "bench")
from benchapi import Api
api, pw = Api(os.environ["BASE"], timeout=30), os.environ["PASSWORD"]
admin, _ = api.sign_in("bench-admin@example.test", pw)
print(api.api_manager(admin, "bench-api@example.test", "Bench API manager", pw, "wrk")[0])
PY
)
auth="Authorization: Bearer $token"
mkdir -p "$tmp/www/api/v1"
curl -fsS -H "$auth" -o "$tmp/www/api/v1/me" "$base/api/v1/me"
body_bytes=$(stat -c %s "$tmp/www/api/v1/me")

# ------------------------------------------------------------ nginx, same body
nport=$(free_port)
nginx_start "$tmp/www" "$nport" "$SERVER_THREADS" "application/json"
wait_http "http://127.0.0.1:$nport/api/v1/me" "$nginx_pid" ||
  { echo "bench: nginx did not start:" >&2; cat "$tmp/nginx/logs/error.log" >&2; exit 1; }
nginx_bytes=$(curl -fsS "http://127.0.0.1:$nport/api/v1/me" | wc -c)
[ "$nginx_bytes" -eq "$body_bytes" ] || { echo "bench: body sizes differ" >&2; exit 1; }

# ------------------------------------------------------------ wrk, same parameters
# warm both up (page cache, SQLite statement cache, connections), then measure
W="$WRK_THREADS $WRK_CONNECTIONS"
run_wrk convene-warm "$base/api/v1/me" 2s $W "$auth" >/dev/null
run_wrk nginx-warm "http://127.0.0.1:$nport/api/v1/me" 2s $W "$auth" >/dev/null
convene_rps=0 nginx_rps=0 rounds=""
for round in $(seq "$ROUNDS"); do
  c=$(run_wrk "convene-$round" "$base/api/v1/me" "$WRK_DURATION" $W "$auth")
  n=$(run_wrk "nginx-$round" "http://127.0.0.1:$nport/api/v1/me" "$WRK_DURATION" $W "$auth")
  rounds="$rounds  round $round: convene $c, nginx $n req/s"$'\n'
  [ "$(best "$convene_rps" "$c")" = "$c" ] && { convene_rps=$c; cp "$tmp/wrk-convene-$round.txt" "$tmp/wrk-convene.txt"; }
  [ "$(best "$nginx_rps" "$n")" = "$n" ] && { nginx_rps=$n; cp "$tmp/wrk-nginx-$round.txt" "$tmp/wrk-nginx.txt"; }
done
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$convene_pid/status")
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$convene_pid/status")
ratio=$(ratio "$convene_rps" "$nginx_rps")
verdict=$(verdict "$ratio" "$TARGET")

mkdir -p bench/results
report="bench/results/http-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "convene HTTP benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(uname -n), $(nproc) cores"
  echo "$("$BIN" version 2>/dev/null || echo convene) ($BIN, SQLite, $SERVER_THREADS threads, text log to a file)"
  echo "nginx $(nginx_version) ($SERVER_THREADS workers, access log to a file)"
  echo "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION, same bearer header on both, after a 2 s warm-up each;"
  echo "$ROUNDS rounds of convene then nginx, best round of each"
  echo "body: $body_bytes bytes of JSON (convene's GET /api/v1/me, served by nginx as a static file)"
  echo
  printf '%-28s %12s req/s   %s\n' "convene GET /api/v1/me" "$convene_rps" "$(wrk_latency convene)"
  printf '%-28s %12s req/s   %s\n' "nginx static file" "$nginx_rps" "$(wrk_latency nginx)"
  echo "ratio convene/nginx: $ratio (target >= $TARGET: $verdict)"
  echo "convene RSS after the run: $((rss_kb / 1024)) MiB ($rss_kb kB; peak $hwm_kb kB, which includes"
  echo "  the Argon2id sign-ins of the set-up)"
  echo
  printf '%s' "$rounds"
  echo
  echo "---- wrk output, convene"; cat "$tmp/wrk-convene.txt"
  echo "---- wrk output, nginx"; cat "$tmp/wrk-nginx.txt"
} >"$report"
sed -n '1,/^---- wrk output/p' "$report" | sed '$d'

echo "report: $report"
