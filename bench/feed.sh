#!/usr/bin/env bash
# ICS feed benchmark (issue 3, section 9): one 10,000-event calendar, its
# public feed served by a release convene (SQLite, own data directory), the
# same bytes served by nginx as a static file, and the same calendar served by
# Radicale (Debian package, one item per event as Radicale stores them), each
# measured with wrk in one run. Prints requests/s, the ratios convene/nginx
# (target >= 0.7) and convene/Radicale (target >= 20), and writes the report to
# bench/results/feed-<date>.txt. Stops all it started.
#
# usage: bench/feed.sh   (environment: CONVENE_BIN, EVENTS=10000, WRK_THREADS=2,
#        WRK_CONNECTIONS=16, WRK_DURATION=10s, RADICALE_DURATION=20s, BENCH_ROUNDS=2)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
EVENTS=${EVENTS:-10000}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
WRK_DURATION=${WRK_DURATION:-10s}
RADICALE_DURATION=${RADICALE_DURATION:-20s}
ROUNDS=${BENCH_ROUNDS:-2}
THREADS=$(nproc)
case "$EVENTS" in [1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]|[1-9][0-9][0-9][0-9][0-9]) ;;
  *) echo "bench: EVENTS must be between 1 and 99999" >&2; exit 2 ;; esac
for d in "$WRK_DURATION" "$RADICALE_DURATION"; do
  case "$d" in [1-9]s|[1-5][0-9]s|60s) ;; *) echo "bench: durations are 1s to 60s" >&2; exit 2 ;; esac
done
case "$ROUNDS" in [1-5]) ;; *) echo "bench: BENCH_ROUNDS must be between 1 and 5" >&2; exit 2 ;; esac
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import radicale' 2>/dev/null || { echo "bench: radicale is missing (scripts/deps.sh installs it)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "bench: building $BIN"; make --no-print-directory release >/dev/null; }

tmp=$(mktemp -d /tmp/convene-bench-feed.XXXXXX)
. bench/lib.sh
convene_pid="" nginx_pid="" radicale_pid=""
cleanup() {
  stop_pid "$convene_pid" TERM
  stop_pid "$nginx_pid" QUIT
  stop_pid "$radicale_pid" TERM
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ convene and the calendar
port=$(free_port)
base="http://127.0.0.1:$port"
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$BIN" init --data "$tmp/data" --admin-email bench-admin@example.test --admin-password "$password" \
  --account-name "Bench" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; exit 1; }
"$BIN" serve --data "$tmp/data" --listen "127.0.0.1:$port" >"$tmp/convene.log" 2>&1 &
convene_pid=$!
wait_http "$base/readyz" "$convene_pid" || { echo "bench: convene did not start:" >&2; cat "$tmp/convene.log" >&2; exit 1; }

echo "bench: making a calendar of $EVENTS events"
/usr/bin/python3 bench/seed-calendar.py "$EVENTS" "$tmp/calendar.ics"
calendar=$(BASE="$base" PASSWORD="$password" /usr/bin/python3 - <<'PY'
import os, sys
sys.path.insert(0, "bench")
from benchapi import Api
api = Api(os.environ["BASE"])
auth, _ = api.sign_in("bench-admin@example.test", os.environ["PASSWORD"])
print(api.call("POST", "/api/v1/calendars", {"name": "Bench calendar", "time_zone": "Europe/Paris"}, auth)[1]["id"])
PY
)
"$BIN" import "$tmp/calendar.ics" --calendar "$calendar" --data "$tmp/data" >"$tmp/import.log" 2>&1 ||
  { cat "$tmp/import.log" >&2; exit 1; }
feed=$(BASE="$base" PASSWORD="$password" CAL="$calendar" /usr/bin/python3 - <<'PY'
import os, sys
sys.path.insert(0, "bench")
from benchapi import Api
api = Api(os.environ["BASE"])
auth, _ = api.sign_in("bench-admin@example.test", os.environ["PASSWORD"])
print(api.call("PUT", "/api/v1/calendars/%s/public-feed" % os.environ["CAL"], {"detail": "full"}, auth)[1]["url"])
PY
)
mkdir -p "$tmp/www"
curl -fsS -o "$tmp/www/feed.ics" "$feed"
feed_bytes=$(stat -c %s "$tmp/www/feed.ics")
vevents=$(grep -c '^BEGIN:VEVENT' "$tmp/www/feed.ics")
[ "$vevents" -ge "$((EVENTS * 9 / 10))" ] || { echo "bench: the feed holds only $vevents events" >&2; exit 1; }

# ------------------------------------------------------------ nginx, the same bytes
nport=$(free_port)
nginx_start "$tmp/www" "$nport" "$THREADS" "text/calendar"
wait_http "http://127.0.0.1:$nport/feed.ics" "$nginx_pid" ||
  { echo "bench: nginx did not start:" >&2; cat "$tmp/nginx/logs/error.log" >&2; exit 1; }
cmp -s "$tmp/www/feed.ics" <(curl -fsS "http://127.0.0.1:$nport/feed.ics") || { echo "bench: nginx bytes differ" >&2; exit 1; }

# ------------------------------------------------------------ Radicale, the same calendar
# its filesystem storage holds one item per file: each event with its zone
rport=$(free_port)
mkdir -p "$tmp/radicale/collection-root/bench/calendar"
/usr/bin/python3 - "$tmp/www/feed.ics" "$tmp/radicale/collection-root/bench/calendar" <<'PY'
import json, os, re, sys
text = open(sys.argv[1], newline="").read()
head = text.split("BEGIN:VEVENT", 1)[0]
zones = "".join(re.findall(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", head, re.S))
items = {}
for block in re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", text, re.S):
    uid = re.search(r"^UID:(.*)\r$", block, re.M).group(1)
    items.setdefault(uid, []).append(block)
for i, (uid, blocks) in enumerate(items.items()):
    with open(os.path.join(sys.argv[2], "item%05d.ics" % i), "w", newline="") as f:
        f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//bench//EN\r\n" + zones +
                "".join(blocks) + "END:VCALENDAR\r\n")
with open(os.path.join(sys.argv[2], ".Radicale.props"), "w") as f:
    json.dump({"tag": "VCALENDAR", "D:displayname": "Bench calendar"}, f)
PY
/usr/bin/python3 -m radicale --server-hosts "127.0.0.1:$rport" --storage-filesystem-folder "$tmp/radicale" \
  --auth-type none --rights-type owner_only --logging-level warning >"$tmp/radicale.log" 2>&1 &
radicale_pid=$!
# auth "none" takes any password; the collection belongs to user "bench"
radicale_auth="Authorization: Basic $(printf 'bench:bench' | base64)"
echo "bench: Radicale reads its $(ls "$tmp/radicale/collection-root/bench/calendar" | wc -l) items"
for _ in $(seq 600); do # its first GET builds a cache of every item: allow a minute
  curl -fs -o "$tmp/radicale.ics" -H "$radicale_auth" "http://127.0.0.1:$rport/bench/calendar/" && break
  kill -0 "$radicale_pid" 2>/dev/null || { cat "$tmp/radicale.log" >&2; exit 1; }
  sleep 0.1
done
radicale_events=$(grep -c '^BEGIN:VEVENT' "$tmp/radicale.ics" || true)
[ "$radicale_events" -eq "$vevents" ] || { echo "bench: Radicale serves $radicale_events events, convene $vevents" >&2; exit 1; }

# ------------------------------------------------------------ wrk
run_wrk convene-warm "$feed" 2s "$WRK_THREADS" "$WRK_CONNECTIONS" >/dev/null
run_wrk nginx-warm "http://127.0.0.1:$nport/feed.ics" 2s "$WRK_THREADS" "$WRK_CONNECTIONS" >/dev/null
convene_rps=0 nginx_rps=0 rounds=""
for round in $(seq "$ROUNDS"); do
  c=$(run_wrk "convene-$round" "$feed" "$WRK_DURATION" "$WRK_THREADS" "$WRK_CONNECTIONS")
  n=$(run_wrk "nginx-$round" "http://127.0.0.1:$nport/feed.ics" "$WRK_DURATION" "$WRK_THREADS" "$WRK_CONNECTIONS")
  rounds="$rounds  round $round: convene $c, nginx $n req/s"$'\n'
  [ "$(best "$convene_rps" "$c")" = "$c" ] && { convene_rps=$c; cp "$tmp/wrk-convene-$round.txt" "$tmp/wrk-convene.txt"; }
  [ "$(best "$nginx_rps" "$n")" = "$n" ] && { nginx_rps=$n; cp "$tmp/wrk-nginx-$round.txt" "$tmp/wrk-nginx.txt"; }
done
# Radicale answers one request at a time: a few connections are plenty
radicale_rps=$(run_wrk radicale "http://127.0.0.1:$rport/bench/calendar/" "$RADICALE_DURATION" 1 2 "$radicale_auth")
# the same calendar's private feed with HTTP Basic (owner's e-mail and password), as
# calendar apps fetch it: the verified-credentials cache (iam/basic_cache.h) spares all
# but a thread's first request the Argon2id work
basic_auth="Authorization: Basic $(printf '%s' "bench-admin@example.test:$password" | base64 -w0)"
basic_rps=$(run_wrk convene-basic "$base/feeds/private/$calendar.ics" "$WRK_DURATION" "$WRK_THREADS" \
  "$WRK_CONNECTIONS" "$basic_auth")
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$convene_pid/status")
r_nginx=$(ratio "$convene_rps" "$nginx_rps")
r_radicale=$(ratio "$convene_rps" "$radicale_rps")
radicale_version=$(/usr/bin/python3 -c 'import radicale; print(radicale.VERSION)' 2>/dev/null || echo '?')

mkdir -p bench/results
report="bench/results/feed-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "convene ICS feed benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(uname -n), $(nproc) cores"
  echo "calendar: $EVENTS events ($vevents VEVENTs in the feed's window, one in ten a weekly series), Europe/Paris"
  echo "feed: $feed_bytes bytes of text/calendar (convene's public feed, detail full)"
  echo "$("$BIN" version 2>/dev/null || echo convene) ($BIN, SQLite, $THREADS threads); nginx $(nginx_version) ($THREADS workers,"
  echo "  sendfile, the same bytes as a static file); Radicale $radicale_version (filesystem storage, one item per event)"
  echo "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION for convene and nginx ($ROUNDS rounds, best of each, after a"
  echo "  2 s warm-up); wrk -t1 -c2 -d$RADICALE_DURATION for Radicale (after its first GET)"
  echo
  printf '%-30s %10s req/s   %s\n' "convene public feed" "$convene_rps" "$(wrk_latency convene)"
  printf '%-30s %10s req/s   %s\n' "convene private feed, Basic" "$basic_rps" "$(wrk_latency convene-basic)"
  printf '%-30s %10s req/s   %s\n' "nginx static file" "$nginx_rps" "$(wrk_latency nginx)"
  printf '%-30s %10s req/s   %s\n' "Radicale collection GET" "$radicale_rps" "$(wrk_latency radicale)"
  echo "ratio convene/nginx:    $r_nginx (target >= 0.7: $(verdict "$r_nginx" 0.7))"
  echo "ratio convene/Radicale: $r_radicale (target >= 20: $(verdict "$r_radicale" 20))"
  echo "convene RSS after the run: $((rss_kb / 1024)) MiB"
  echo
  printf '%s' "$rounds"
  echo
  for w in convene convene-basic nginx radicale; do echo "---- wrk output, $w"; cat "$tmp/wrk-$w.txt"; done
} >"$report"
sed -n '1,/^---- wrk output/p' "$report" | sed '$d'
echo "report: $report"
