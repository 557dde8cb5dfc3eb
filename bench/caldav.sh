#!/usr/bin/env bash
# CalDAV benchmark (issue 4): one 10,000-event calendar (bench/seed-calendar.py,
# the events of bench/feed.sh) served by a release convene (SQLite, own data
# directory), by Radicale and by Xandikos (Debian packages, each from a folder
# of one .ics file per event), and in one run, for each server, with wrk and
# bench/caldav.lua:
#  1. PROPFIND Depth 1 of the calendar (getetag, getcontenttype: what a sync
#     client asks first);
#  2. REPORT calendar-query, VEVENTs in a time-range of one month (getetag);
#  3. REPORT sync-collection with the current token (no changes since).
# Radicale and Xandikos take seconds per request on such a calendar, too few
# for wrk's percentiles: they are asked by two Python clients back to back
# for REF_DURATION (each request timed; at least one each). Prints
# requests/s and p99 of each, the ratio convene / the faster of the two
# (target >= 10), and writes bench/results/caldav-<date>.txt. convene is asked
# with a bearer token (BASIC=1 adds a PROPFIND row with HTTP Basic, served
# from the verified-credentials cache after the first request). Loopback
# only, fixed durations; stops all it started.
#
# usage: bench/caldav.sh   (environment: CONVENE_BIN, EVENTS=10000, WRK_THREADS=2,
#        WRK_CONNECTIONS=16, WRK_DURATION=10s, REF_DURATION=30s, BASIC=0)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
EVENTS=${EVENTS:-10000}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
WRK_DURATION=${WRK_DURATION:-10s}
REF_DURATION=${REF_DURATION:-30s}
BASIC=${BASIC:-0}
THREADS=$(nproc)
case "$EVENTS" in [1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]|[1-9][0-9][0-9][0-9][0-9]) ;;
  *) echo "bench: EVENTS must be between 1 and 99999" >&2; exit 2 ;; esac
for d in "$WRK_DURATION" "$REF_DURATION"; do
  case "$d" in [1-9]s|[1-5][0-9]s|60s) ;; *) echo "bench: durations are 1s to 60s" >&2; exit 2 ;; esac
done
for tool in wrk curl xandikos; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import radicale, dulwich' 2>/dev/null ||
  { echo "bench: radicale or xandikos is missing (scripts/deps.sh installs them)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "bench: building $BIN"; make --no-print-directory release >/dev/null; }

tmp=$(mktemp -d /tmp/convene-bench-caldav.XXXXXX)
. bench/lib.sh
convene_pid="" radicale_pid="" xandikos_pid=""
cleanup() {
  stop_pid "$convene_pid" TERM
  stop_pid "$radicale_pid" TERM
  stop_pid "$xandikos_pid" TERM
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ the calendar, in convene
/usr/bin/python3 bench/seed-calendar.py "$EVENTS" "$tmp/calendar.ics"
port=$(free_port)
base="http://127.0.0.1:$port"
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$BIN" init --data "$tmp/data" --admin-email bench-admin@example.test --admin-password "$password" \
  --account-name "Bench" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; exit 1; }
"$BIN" serve --data "$tmp/data" --listen "127.0.0.1:$port" >"$tmp/convene.log" 2>&1 &
convene_pid=$!
wait_http "$base/readyz" "$convene_pid" || { echo "bench: convene did not start:" >&2; cat "$tmp/convene.log" >&2; exit 1; }
# an API manager owns the calendar and gets a bearer token from an app of theirs
read -r user calendar token < <(BASE="$base" PASSWORD="$password" /usr/bin/python3 - <<'PY'
import os, sys
sys.path.insert(0, "bench")
from benchapi import Api
api, pw = Api(os.environ["BASE"]), os.environ["PASSWORD"]
admin, _ = api.sign_in("bench-admin@example.test", pw)
tok, user, me = api.api_manager(admin, "bench-dav@example.test", "Bench DAV", pw, "bench")
cal = api.call("POST", "/api/v1/calendars", {"name": "Bench calendar", "time_zone": "Europe/Paris"}, me)[1]
print(user["id"], cal["id"], tok)
PY
)
"$BIN" import "$tmp/calendar.ics" --calendar "$calendar" --data "$tmp/data" >"$tmp/import.log" 2>&1 ||
  { cat "$tmp/import.log" >&2; exit 1; }
convene_path="/dav/calendars/$user/$calendar/"
convene_auth="Authorization: Bearer $token"
convene_basic="Authorization: Basic $(printf '%s:%s' bench-dav@example.test "$password" | base64 -w0)"

# ------------------------------------------------------------ the same events, one file each
# (the items convene serves over CalDAV, with their zones), for Radicale and Xandikos
mkdir -p "$tmp/items"
curl -fsS -H "$convene_auth" -H "Depth: 1" -H "Content-Type: application/xml" -X REPORT \
  --data '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>' \
  "$base$convene_path" -o "$tmp/all.xml"
/usr/bin/python3 - "$tmp/all.xml" "$tmp/items" <<'PY'
import os, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
n = 0
for data in root.iter("{urn:ietf:params:xml:ns:caldav}calendar-data"):
    with open(os.path.join(sys.argv[2], "item%05d.ics" % n), "w", newline="") as f:
        f.write(data.text.replace("\r\n", "\n").replace("\n", "\r\n"))
    n += 1
print("bench: %d items" % n, file=sys.stderr)
PY
items=$(ls "$tmp/items" | wc -l)
[ "$items" -eq "$EVENTS" ] || { echo "bench: convene gave $items items, not $EVENTS" >&2; exit 1; }

rport=$(free_port)
mkdir -p "$tmp/radicale/collection-root/bench/calendar"
cp "$tmp/items/"*.ics "$tmp/radicale/collection-root/bench/calendar/"
echo '{"tag": "VCALENDAR", "D:displayname": "Bench calendar"}' >"$tmp/radicale/collection-root/bench/calendar/.Radicale.props"
/usr/bin/python3 -m radicale --server-hosts "127.0.0.1:$rport" --storage-filesystem-folder "$tmp/radicale" \
  --auth-type none --rights-type owner_only --logging-level warning >"$tmp/radicale.log" 2>&1 &
radicale_pid=$!
radicale_auth="Authorization: Basic $(printf 'bench:bench' | base64)" # auth "none" takes any password
radicale_path="/bench/calendar/"

# Xandikos keeps each collection in a Git repository: made by --defaults, then
# the items committed with dulwich (its own library) while it is stopped
xport=$(free_port)
xandikos --defaults -d "$tmp/xandikos" -l 127.0.0.1 -p "$xport" >"$tmp/xandikos.log" 2>&1 &
xandikos_pid=$!
for _ in $(seq 600); do # a minute: it makes its Git repositories first
  curl -fs -o /dev/null "http://127.0.0.1:$xport/user/calendars/calendar/" && break
  kill -0 "$xandikos_pid" 2>/dev/null || { echo "bench: xandikos did not start:" >&2; cat "$tmp/xandikos.log" >&2; exit 1; }
  sleep 0.1
done
stop_pid "$xandikos_pid" TERM
cp "$tmp/items/"*.ics "$tmp/xandikos/user/calendars/calendar/"
/usr/bin/python3 - "$tmp/xandikos/user/calendars/calendar" <<'PY'
import os, sys
import dulwich.repo
repo = dulwich.repo.Repo(sys.argv[1])
repo.stage(sorted(n.encode() for n in os.listdir(sys.argv[1]) if n.endswith(".ics")))
repo.do_commit(b"bench: the calendar's items", committer=b"bench <bench@example.test>")
PY
xandikos -d "$tmp/xandikos" -l 127.0.0.1 -p "$xport" >>"$tmp/xandikos.log" 2>&1 &
xandikos_pid=$!
xandikos_path="/user/calendars/calendar/"
xandikos_auth="X-Bench: none" # no authentication in front of it

# ------------------------------------------------------------ the requests
month=$(date -u -d "$(date -u +%Y-%m-01) +1 month" +%Y%m01T000000Z)
month_end=$(date -u -d "$(date -u +%Y-%m-01) +2 month" +%Y%m01T000000Z)
cat >"$tmp/propfind.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontenttype/></D:prop></D:propfind>
XML
cat >"$tmp/query.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="$month" end="$month_end"/>
</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>
XML

dav() { # server method depth body-file [auth]: the answer's body on stdout
  local url="$1" method=$2 depth=$3 body=$4 auth=$5
  curl -fsS -X "$method" -H "Depth: $depth" -H "Content-Type: application/xml; charset=utf-8" -H "$auth" \
    --data-binary "@$body" "$url"
}
responses() { { grep -o '<[A-Za-z0-9]*:\?response[ >]' || true; } | wc -l; }

declare -A url auth path count_propfind count_query
for s in convene radicale xandikos; do
  case $s in
    convene) url[$s]="$base$convene_path" auth[$s]=$convene_auth path[$s]=$convene_path ;;
    radicale) url[$s]="http://127.0.0.1:$rport$radicale_path" auth[$s]=$radicale_auth path[$s]=$radicale_path ;;
    xandikos) url[$s]="http://127.0.0.1:$xport$xandikos_path" auth[$s]=$xandikos_auth path[$s]=$xandikos_path ;;
  esac
  for _ in $(seq 600); do # the first PROPFIND reads (and caches) every item: allow a minute
    dav "${url[$s]}" PROPFIND 1 "$tmp/propfind.xml" "${auth[$s]}" >"$tmp/$s-propfind.xml" 2>/dev/null && break
    sleep 0.1
  done
  count_propfind[$s]=$(responses <"$tmp/$s-propfind.xml")
  [ "${count_propfind[$s]}" -ge "$EVENTS" ] ||
    { echo "bench: $s lists ${count_propfind[$s]} resources:" >&2; head -c 2000 "$tmp/$s-propfind.xml" >&2; exit 1; }
  count_query[$s]=$(dav "${url[$s]}" REPORT 1 "$tmp/query.xml" "${auth[$s]}" | responses)
  # the current sync token, then a sync-collection with it: no changes
  token_of=$(printf '<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>' >"$tmp/sync0.xml";
             dav "${url[$s]}" REPORT 1 "$tmp/sync0.xml" "${auth[$s]}" | grep -o '<[A-Za-z0-9]*:\?sync-token>[^<]*<' | tail -1 | sed 's/.*>\([^<]*\)</\1/')
  [ -n "$token_of" ] || { echo "bench: $s gave no sync token" >&2; exit 1; }
  printf '<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>%s</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>' \
    "$token_of" >"$tmp/$s-sync.xml"
  changed=$(dav "${url[$s]}" REPORT 1 "$tmp/$s-sync.xml" "${auth[$s]}" | responses)
  [ "$changed" -eq 0 ] || { echo "bench: $s reports $changed changes since its own token" >&2; exit 1; }
done
echo "bench: calendar-query over $month..$month_end matches: convene ${count_query[convene]}," \
  "Radicale ${count_query[radicale]}, Xandikos ${count_query[xandikos]}"

measure() { # name server method depth body duration threads connections [auth]
  DAV_METHOD=$3 DAV_DEPTH=$4 DAV_BODY=$5 DAV_PATH=${path[$2]} \
    run_wrk "$1" "${url[$2]}" "$6" "$7" "$8" "${9:-${auth[$2]}}" -s bench/caldav.lua
}

ref_measure() { # name url method body-file auth duration: requests/s on stdout, a wrk-like
  # report in $tmp/wrk-NAME.txt (two clients, one connection each, until the duration is over)
  /usr/bin/python3 - "$1" "$2" "$3" "$4" "$5" "${6%s}" "$tmp/wrk-$1.txt" <<'PY'
import http.client, sys, threading, time, urllib.parse
name, url, method, body_file, auth, duration, out = sys.argv[1:8]
u = urllib.parse.urlsplit(url)
body = open(body_file, "rb").read()
headers = {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
k, v = auth.split(": ", 1)
headers[k] = v
lat, errors, t0 = [], [], time.time()
deadline = t0 + float(duration)
def client():
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
    while True:
        start = time.time()
        c.request(method, u.path, body=body, headers=headers)
        r = c.getresponse()
        r.read()
        lat.append(time.time() - start)
        if r.status != 207:
            errors.append(r.status)
        if time.time() >= deadline:
            return
threads = [threading.Thread(target=client) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.time() - t0
lat.sort()
def pct(p): return lat[min(len(lat) - 1, max(0, int(round(p / 100 * len(lat) + 0.5)) - 1))]
def fmt(s): return "%.2fs" % s if s >= 1 else "%.2fms" % (s * 1000)
with open(out, "w") as f:
    f.write("%s: %d requests by 2 clients in %.1fs (non-207: %d)\n" % (name, len(lat), elapsed, len(errors)))
    f.write("  Latency Distribution\n     50%%   %s\n     90%%   %s\n     99%%   %s\n" % (fmt(pct(50)), fmt(pct(90)), fmt(pct(99))))
    f.write("Requests/sec: %.2f\n" % (len(lat) / elapsed))
if errors:
    sys.exit("bench: %s answered %s" % (name, sorted(set(errors))))
print("%.2f" % (len(lat) / elapsed))
PY
}

declare -A rps
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
ops="propfind query sync"
for op in $ops; do
  case $op in propfind) m=PROPFIND body=$tmp/propfind.xml ;; query) m=REPORT body=$tmp/query.xml ;;
              sync) m=REPORT body= ;; esac
  for s in convene radicale xandikos; do
    b=${body:-$tmp/$s-sync.xml}
    if [ "$s" = convene ]; then
      measure "$op-$s-warm" $s $m 1 "$b" 2s "$WRK_THREADS" "$WRK_CONNECTIONS" >/dev/null
      rps[$op-$s]=$(measure "$op-$s" $s $m 1 "$b" "$WRK_DURATION" "$WRK_THREADS" "$WRK_CONNECTIONS")
    else
      rps[$op-$s]=$(ref_measure "$op-$s" "${url[$s]}" $m "$b" "${auth[$s]}" "$REF_DURATION")
    fi
  done
done
if [ "$BASIC" = 1 ]; then
  rps[propfind-basic]=$(measure "propfind-basic" convene PROPFIND 1 "$tmp/propfind.xml" "$WRK_DURATION" \
    "$WRK_THREADS" "$WRK_CONNECTIONS" "$convene_basic")
fi
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$convene_pid/status")
radicale_version=$(/usr/bin/python3 -c 'import radicale; print(radicale.VERSION)' 2>/dev/null || echo '?')
xandikos_version=$(xandikos --version 2>/dev/null | awk '{print $NF}' || echo '?')

mkdir -p bench/results
report="bench/results/caldav-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "convene CalDAV benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(uname -n), $(nproc) cores" \
    "(load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "calendar: $EVENTS events (one in ten a weekly series, Europe/Paris), one item per event everywhere"
  echo "$("$BIN" version 2>/dev/null || echo convene) ($BIN, SQLite, $THREADS threads, bearer token);" \
    "Radicale $radicale_version (filesystem, auth none); Xandikos $xandikos_version (Git store, no auth)"
  echo "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION for convene (after a 2 s warm-up);" \
    "2 Python clients back to back for $REF_DURATION for Radicale and Xandikos (after a first request that fills their caches)"
  echo "calendar-query: VEVENTs overlapping $month..$month_end, getetag: convene ${count_query[convene]}," \
    "Radicale ${count_query[radicale]}, Xandikos ${count_query[xandikos]} responses"
  echo
  printf '%-34s %28s %28s %28s %8s %s\n' "" "convene" "Radicale" "Xandikos" "ratio" "(target >= 10)"
  for op in $ops; do
    case $op in propfind) label="PROPFIND Depth 1 (getetag)" ;; query) label="calendar-query, one month" ;;
                sync) label="sync-collection, no changes" ;; esac
    line=$(printf '%-34s' "$label")
    for s in convene radicale xandikos; do
      cell=$(printf '%s req/s, p99 %s' "${rps[$op-$s]}" "$(awk '/^ +99%/ {print $2}' "$tmp/wrk-$op-$s.txt")")
      line="$line$(printf ' %28s' "$cell")"
    done
    r=$(ratio "${rps[$op-convene]}" "$(best "${rps[$op-radicale]}" "${rps[$op-xandikos]}")")
    echo "$line $(printf '%8s' "$r") $(verdict "$r" 10)"
  done
  [ "$BASIC" = 1 ] && printf '%-34s %28s\n' "PROPFIND Depth 1, HTTP Basic" \
    "${rps[propfind-basic]} req/s, p99 $(awk '/^ +99%/ {print $2}' "$tmp/wrk-propfind-basic.txt")"
  echo "convene RSS after the run: $((rss_kb / 1024)) MiB"
  echo
  for f in "$tmp"/wrk-*.txt; do case $f in *-warm.txt) continue ;; esac
    echo "---- wrk output, $(basename "$f" .txt | sed 's/^wrk-//')"; cat "$f"; done
} >"$report"
sed -n '1,/^---- wrk output/p' "$report" | sed '$d'
echo "report: $report"
