#!/usr/bin/env bash
# Customer support benchmarks (issue 17, section 7). Release convene on
# loopback; accounts set up through the JSON API (bench/support-setup.py):
# COMPANIES companies open around the clock, each portal served by its own
# team, TECHS technicians with the remote_support module (seats from
# `convene account seats`) spread over them, all of them also serving one more
# portal for the pick-up race. The load client (bench/support-load.mjs, Node)
# opens the technicians' consoles (GET /api/v1/support/stream: it keeps them
# online), then:
#  1. single (SQLite, one node): CHATS customers ask on the portals (public
#     routes), each chat is picked up by a technician the bench gives it and
#     both sides follow it by SSE; MESSAGES exchanges a chat (the customer
#     posts, the technician answers) GAP_MS apart, each message timed from
#     just before its POST until the other side's stream shows it: p50/p99
#     (target p99 < 50 ms, an absolute target: there is no other chat server
#     to compare with in the same run); every message must arrive exactly
#     once; the server's RSS with the consoles only, with every chat live,
#     and after the messages (per chat);
#  2. cluster (PostgreSQL, two nodes on one database): the same, customers on
#     node A and technicians on node B (LISTEN/NOTIFY between them);
#  3. pickup, after each of them: PICK_SESSIONS sessions waiting on the
#     shared portal, every technician (on both nodes in the cluster) POSTs
#     pick-up for the same session at once, PICK_PARALLEL sessions at a time:
#     exactly one 200 a session, the others 409; then the database must show
#     each session active with the winner and one `active` state event.
# Lost, duplicated or refused messages, 5xx, double assignments and streams
# that end during the run fail the bench. Clients bind to many loopback
# addresses (PER_ADDRESS customers an address), so per-address limits of the
# server (per_address_connections, limits on the public routes) apply as to
# real customers and stay as configured. Writes bench/results/support-<date>.txt.
#
# usage: bench/support.sh   (environment: CONVENE_BIN, CHATS=1000, TECHS=100,
#        COMPANIES=10, MESSAGES=3, GAP_MS=20000, PER_ADDRESS=10,
#        PICK_SESSIONS=100, PICK_PARALLEL=4, BENCH_PARTS="single cluster",
#        BOUND_S=900 (each load run), THREADS=0 (convene's --threads; 0: its default))
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
CHATS=${CHATS:-1000}
TECHS=${TECHS:-100}
COMPANIES=${COMPANIES:-10}
MESSAGES=${MESSAGES:-3}
GAP_MS=${GAP_MS:-20000}
PER_ADDRESS=${PER_ADDRESS:-10}
PICK_SESSIONS=${PICK_SESSIONS:-100}
PICK_PARALLEL=${PICK_PARALLEL:-4}
PARTS=${BENCH_PARTS:-single cluster}
BOUND_S=${BOUND_S:-900}
THREADS=${THREADS:-0}
. bench/lib.sh
num "$CHATS" 1 5000 CHATS
num "$TECHS" 1 500 TECHS
num "$COMPANIES" 1 100 COMPANIES
num "$MESSAGES" 1 100 MESSAGES
# a customer may send 30 messages a minute (docs/support.md)
num "$GAP_MS" 2100 60000 GAP_MS
num "$PER_ADDRESS" 1 50 PER_ADDRESS
num "$PICK_SESSIONS" 1 1000 PICK_SESSIONS
num "$PICK_PARALLEL" 1 50 PICK_PARALLEL
num "$BOUND_S" 10 3600 BOUND_S
num "$THREADS" 0 64 THREADS
[ "$TECHS" -ge "$COMPANIES" ] || { echo "bench: TECHS must be at least COMPANIES" >&2; exit 2; }
dbs=""
for p in $PARTS; do
  case "$p" in single) dbs="$dbs sqlite" ;; cluster) dbs="$dbs postgres" ;;
    *) echo "bench: BENCH_PARTS lists single and/or cluster" >&2; exit 2 ;; esac
done
need_backends "$dbs" curl node python3 sqlite3
# a few thousand sockets on each side: the client's and the server's
ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((CHATS * 3 + TECHS * 2 + 200)) ] ||
  { echo "bench: the file limit ($(ulimit -n)) is too low for $CHATS chats" >&2; exit 1; }

tmp=$(mktemp -d /tmp/convene-bench-support.XXXXXX)
chmod 755 "$tmp" # the PostgreSQL cluster below runs as postgres
convene_pid="" node_b_pid="" pgdir=""
cleanup() {
  stop_pid "$convene_pid" TERM
  stop_pid "$node_b_pid" TERM
  [ -n "$pgdir" ] && scripts/pg-test.sh stop "$pgdir" || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s)
say() { printf 'bench: [%4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
sql() { # runs $1 on the current backend; tab-separated rows
  if [ "$kind" = sqlite ]; then sqlite3 -bail -batch -separator $'\t' "$data/convene.db" "$1"
  else psql "$url" -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 -c "$1"; fi
}
jget() { /usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d = d[k]
print(d)' "$1" "$2"; }

# load NAME PHASE CUSTOMER_BASES TECH_BASES PIDS: a run of the load client,
# its figures in $tmp/NAME.json
load() {
  SETUP="$tmp/setup-$kind.json" PHASE=$2 CUSTOMER_BASES=$3 TECH_BASES=$4 SERVER_PIDS=$5 CHATS=$CHATS \
    MESSAGES=$MESSAGES GAP_MS=$GAP_MS PER_ADDRESS=$PER_ADDRESS PICK_SESSIONS=$PICK_SESSIONS \
    PICK_PARALLEL=$PICK_PARALLEL BOUND_S=$BOUND_S node bench/support-load.mjs >"$tmp/$1.json" ||
    { echo "bench: the load client failed ($1)" >&2; exit 1; }
}

# server_times LOG...: "p50 X, p99 Y" of the time convene's access logs give
# the POSTs of chat messages (the handler's own time: commit included)
server_times() {
  awk '$2 == "req" && $3 == "POST" && $4 ~ /\/messages$/ && $7 ~ /us$/ {sub(/us$/, "", $7); print $7}' "$@" |
    sort -n | awk '{a[NR] = $1} END {if (!NR) {printf "none"; exit} i = int(NR * 0.99 + 0.999999);
      printf "p50 %.2f ms, p99 %.2f ms", a[int(NR * 0.5) + 1] / 1000, a[i] / 1000}'
}

# chat_line NAME LOG...: the figures of a chat run (the logs: convene's)
chat_line() {
  local name=$1; shift
  SERVER_TIMES="$(server_times "$@")" /usr/bin/python3 - "$tmp/$name.json" "$name" "$CHATS" <<'PY'
import json, os, sys
d, name, chats = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
kb = lambda l: sum(l)
before, live, after = kb(d["rss_kb_before"]), kb(d["rss_kb_live"]), kb(d["rss_kb_after"])
print("%-8s %5d chats %5d streams %6d msgs %6.1f/s  p50 %6.2f ms  p99 %7.2f ms  max %7.1f ms  lost %d dup %d"
      % (name, d["chats"], d["streams"], d["messages_sent"], d["rate"], d["p50_ms"] or 0, d["p99_ms"] or 0,
         d["max_ms"] or 0, d["lost"], d["duplicated"]))
if d["late_over_timeout"]:
    print("  %d messages took longer than the client's timeout (timed all the same)" % d["late_over_timeout"])
print("  to the technician p50 %s ms p99 %s ms; to the customer p50 %s ms p99 %s ms; %s s of messages"
      % (d["to_technician"]["p50_ms"], d["to_technician"]["p99_ms"], d["to_customer"]["p50_ms"],
         d["to_customer"]["p99_ms"], d["seconds"]))
print("  convene's own time for the POSTs (access log): %s; its CPU time %.2f ms a message"
      % (os.environ["SERVER_TIMES"], d["server_cpu_ms_per_message"]))
print("  %d chats opened (asked, picked up, both streams) in %s s, closed in %s s; %d POSTs sent again after"
      " an idle keep-alive connection closed" % (d["chats"], d["open_seconds"], d["close_seconds"], d["retries"]))
print("  RSS (all nodes): %.1f MiB with the consoles, %.1f MiB with every chat live, %.1f MiB after the"
      " messages: %.1f KiB a chat (live), %.1f KiB a chat (after)"
      % (before / 1024, live / 1024, after / 1024, (live - before) / chats, (after - before) / chats))
print("  p99 < 50 ms: %s" % ("met" if (d["p99_ms"] or 1e9) < 50 else "NOT met"))
bad = []
if d["lost"]: bad.append("%d messages lost" % d["lost"])
if d["duplicated"]: bad.append("%d messages duplicated" % d["duplicated"])
if d["post_errors"]: bad.append("%d POSTs refused" % d["post_errors"])
if d["streams_ended"]: bad.append("%d streams ended during the run" % d["streams_ended"])
if bad:
    print("  FAILED: " + "; ".join(bad) + "; " + " | ".join(d["failures"][:5]))
PY
}

# pickup_check NAME: the race's answers, then the database: every contended
# session active with the technician who got the 200, one `active` event each
pickup_check() {
  local portal; portal=$(sql "SELECT id FROM portals WHERE slug = '$(jget "$tmp/setup-$kind.json" pick_portal)'")
  sql "SELECT s.id, s.state, coalesce(s.technician_id, ''), (SELECT count(*) FROM support_messages m
       WHERE m.account_id = s.account_id AND m.session_id = s.id AND m.kind = 'event' AND m.body LIKE '%\"active\"%')
       FROM support_sessions s WHERE s.portal_id = '$portal'" >"$tmp/$1.db"
  /usr/bin/python3 - "$tmp/$1.json" "$tmp/$1.db" "$1" <<'PY'
import json, sys
d, name = json.load(open(sys.argv[1])), sys.argv[3]
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
double = sum(1 for r in rows if int(r[3]) > 1)
wrong = sum(1 for r in rows if r[1] != "active" or d["winners"].get(r[0]) != r[2])
print("%-8s %4d sessions x %3d technicians on %d node(s): %5d pick-ups in %5.1f s, p50 %6.2f ms p99 %7.2f ms;"
      % (name, d["sessions"], d["technicians"], d["nodes"], d["requests"], d["seconds"], d["p50_ms"], d["p99_ms"]))
print("  200: %d, 409: %d, other: %d; sessions with two winners %d, without %d; database: %d sessions,"
      " %d with more than one 'active' event, %d not held by the one who got 200"
      % (d["won"], d["refused_409"], d["other"], d["sessions_with_two_winners"], d["sessions_without_winner"],
         len(rows), double, wrong))
bad = d["other"] or d["sessions_with_two_winners"] or d["sessions_without_winner"] or double or wrong \
    or len(rows) != d["sessions"]
print("  double assignments: %d%s" % (d["sessions_with_two_winners"] + double,
                                      ("; FAILED: " + " | ".join(d["failures"][:5])) if bad else ""))
PY
}

# set_up: seats, companies, portals, teams and technicians (through the API)
set_up() {
  local account; account=$(sql "SELECT id FROM accounts")
  "$BIN" account seats --data "$data" "${dbflag[@]}" --account "$account" --module remote_support \
    --count "$((TECHS + 10))" >/dev/null
  BASE="$base" PASSWORD="$password" COMPANIES=$COMPANIES TECHS=$TECHS \
    /usr/bin/python3 bench/support-setup.py >"$tmp/setup-$kind.json"
}

results=""
run_part() {
  kind=$1
  local name=$2 t
  backend_init "$kind"
  serve_backend "$kind" --threads "$THREADS" --web-dir ''
  local pids=$convene_pid cust=$base techb=$base both=$base
  if [ "$name" = cluster ]; then
    # node B: the same database, its own data directory with the cluster's secret key
    local data_b="$tmp/data-b" port_b; port_b=$(free_port)
    mkdir -p "$data_b" && cp "$data/secret.key" "$data_b/" 2>/dev/null || true
    "$BIN" serve --data "$data_b" "${dbflag[@]}" --listen "127.0.0.1:$port_b" --threads "$THREADS" --web-dir '' \
      >"$tmp/convene-b.log" 2>&1 &
    node_b_pid=$!
    wait_http "http://127.0.0.1:$port_b/readyz" "$node_b_pid" ||
      { echo "bench: node B did not start:" >&2; cat "$tmp/convene-b.log" >&2; exit 1; }
    pids="$convene_pid,$node_b_pid" techb="http://127.0.0.1:$port_b" both="$base,$techb"
  fi
  say "$name ($kind): setting up $COMPANIES companies and $TECHS technicians"
  set_up
  say "$name: $CHATS chats, $MESSAGES exchanges each, $GAP_MS ms apart"
  load "$name-chat" chat "$cust" "$techb" "$pids"
  results="$results$(chat_line "$name-chat" "$tmp/convene-$kind.log" $([ "$name" = cluster ] && echo "$tmp/convene-b.log"))"$'\n'
  say "$name: pick-up race, $PICK_SESSIONS sessions x $TECHS technicians"
  load "$name-pickup" pickup "$cust" "$both" "$pids"
  results="$results$(pickup_check "$name-pickup")"$'\n'
  local s5xx; s5xx=$(awk '$2 == "req" && $5 ~ /^5[0-9][0-9]$/' "$tmp/convene-$kind.log" \
    $([ "$name" = cluster ] && echo "$tmp/convene-b.log") | head -3)
  [ -z "$s5xx" ] || results="$results  FAILED: convene answered 5xx: $s5xx"$'\n'
  stop_pid "$node_b_pid" TERM
  stop_pid "$convene_pid" TERM
  convene_pid="" node_b_pid=""
  if [ "$kind" = postgres ]; then scripts/pg-test.sh stop "$pgdir"; pgdir=""; fi
  rm -rf "$data" "$tmp/data-b"
  say "$name: done"
}

for p in $PARTS; do
  case "$p" in single) run_part sqlite single ;; cluster) run_part postgres cluster ;; esac
done

mkdir -p bench/results
report="bench/results/support-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "convene support benchmarks, $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(uname -n), $(nproc) cores"
  echo "$("$BIN" version 2>/dev/null || echo convene) ($BIN, $([ "$THREADS" = 0 ] && echo "default" || echo "$THREADS") threads); single: SQLite, one node;"
  echo "  cluster: PostgreSQL 15 (fsync on), customers on node A, technicians on node B; load client Node $(node -v)"
  echo "setup: $COMPANIES companies (portal, serving team, open around the clock), $TECHS technicians online"
  echo "  (console streams); $CHATS chats, each followed by SSE on both sides; $MESSAGES exchanges a chat"
  echo "  $GAP_MS ms apart; latency from before the POST to the other side's SSE event; $PER_ADDRESS customers a"
  echo "  loopback source address; target p99 < 50 ms (absolute: no reference server in the run)"
  echo
  printf '%s' "$results"
} >"$report"
cat "$report"
echo "report: $report"
grep -q "FAILED" "$report" && exit 1
exit 0
