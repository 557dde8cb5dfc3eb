#!/usr/bin/env bash
# Room booking benchmarks (issue 3, section 9), on SQLite and on PostgreSQL in
# one run. For each backend: a release convene (own data directory, free
# loopback port; PostgreSQL: a throwaway cluster of scripts/pg-test.sh, with
# fsync on) is initialised, then seeded by SQL with ROOMS
# rooms and BOOKINGS bookings (one event each, in the calendars of ORGANISERS
# users), spread over 250 workdays from the next Monday, then served; answers
# of the free-room search are checked against SQL, then
#  1. GET /api/v1/rooms/search is measured with wrk (bench/rooms-search.lua:
#     varied windows, capacities, equipment, buildings): p50 and p99 with one
#     connection (target p99 < 10 ms) and requests/s with WRK_CONNECTIONS;
#  2. BOOK_CLIENTS clients (wrk threads, bench/rooms-book.lua) POST events that
#     book a room, free slots and contended ones, for BOOK_DURATION or
#     BOOK_MAX requests per client; then SQL checks that no two bookings of a
#     room overlap (buffers included) and that each 201 made one booking.
# Any 5xx, overlap or search answer that differs from SQL fails the bench.
# Writes bench/results/rooms-<date>.txt and prints its summary.
#
# usage: bench/rooms.sh   (environment: CONVENE_BIN, BENCH_DBS="sqlite postgres",
#        ROOMS=10000, BOOKINGS=1000000, ORGANISERS=200, WRK_DURATION=10s,
#        WRK_CONNECTIONS=16, BENCH_ROUNDS=3 (latency runs, the lowest p99 counts),
#        BOOK_CLIENTS=8, BOOK_DURATION=10s, BOOK_MAX=20000)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CONVENE_BIN:-${BUILD:-build}/convene}
DBS=${BENCH_DBS:-sqlite postgres}
ROOMS=${ROOMS:-10000}
BOOKINGS=${BOOKINGS:-1000000}
ORGANISERS=${ORGANISERS:-200}
WRK_DURATION=${WRK_DURATION:-10s}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
BOOK_CLIENTS=${BOOK_CLIENTS:-8}
BOOK_DURATION=${BOOK_DURATION:-10s}
BOOK_MAX=${BOOK_MAX:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=$(nproc)
BUILDINGS=40 WORKDAYS=250

for d in "$WRK_DURATION" "$BOOK_DURATION"; do
  case "$d" in [1-9]s|[1-5][0-9]s|60s) ;; *) echo "bench: durations are 1s to 60s" >&2; exit 2 ;; esac
done
. bench/lib.sh
num "$ROOMS" 100 100000 ROOMS
num "$BOOKINGS" "$ROOMS" 10000000 BOOKINGS
num "$ORGANISERS" 1 999 ORGANISERS
num "$WRK_CONNECTIONS" 1 256 WRK_CONNECTIONS
num "$BOOK_CLIENTS" 1 64 BOOK_CLIENTS
num "$BOOK_MAX" 1 1000000 BOOK_MAX
num "$ROUNDS" 1 5 BENCH_ROUNDS
[ $((BOOKINGS % ROOMS)) -eq 0 ] || { echo "bench: BOOKINGS must be a multiple of ROOMS" >&2; exit 2; }
PER=$((BOOKINGS / ROOMS))           # bookings per room
BIN_SLOTS=$((WORKDAYS * 10 / PER))  # hour slots (08:00-18:00 on workdays) per booking of a room
[ "$BIN_SLOTS" -ge 4 ] || { echo "bench: at most $((WORKDAYS * 10 / 4)) bookings per room" >&2; exit 2; }
need_backends "$DBS" wrk curl sqlite3 python3

tmp=$(mktemp -d /tmp/convene-bench-rooms.XXXXXX)
chmod 755 "$tmp" # the PostgreSQL cluster below runs as postgres
convene_pid="" pgdir=""
cleanup() {
  stop_pid "$convene_pid" TERM
  [ -n "$pgdir" ] && scripts/pg-test.sh stop "$pgdir" || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s)
say() { printf 'bench: [%4ss] %s\n' "$(($(date +%s) - started))" "$*"; }

# the seeded year starts on the Monday after tomorrow (UTC), within every
# room's horizon (365 days) for its 250 workdays (350 days)
NOW=$(date -u +%s)
T0=$(( (NOW / 86400 + 2) * 86400 ))
while [ "$(date -u -d "@$T0" +%u)" != 1 ]; do T0=$((T0 + 86400)); done
NOWI=$(date -u -d "@$NOW" +%Y%m%dT%H%M%SZ)

# ------------------------------------------------------------ SQL of each backend
sql() { # runs stdin (or $1) on the current backend; tab-separated rows
  if [ "$kind" = sqlite ]; then sqlite3 -bail -batch -separator $'\t' "$data/convene.db" ${1:+"$1"}
  else psql "$url" -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 ${1:+-c "$1"}; fi
}
pad() { # width expr: zero-padded decimal text
  if [ "$kind" = sqlite ]; then echo "printf('%0$1d', $2)"; else echo "lpad(($2)::text, $1, '0')"; fi
}
series() { # lo hi: rows of i
  if [ "$kind" = sqlite ]; then echo "(SELECT value AS i FROM generate_series($1, $2)) n"
  else echo "(SELECT g::bigint AS i FROM generate_series($1, $2) g) n"; fi
}
ical_time() {
  if [ "$kind" = sqlite ]; then echo "strftime('%Y%m%dT%H%M%SZ', $1, 'unixepoch')"
  else echo "to_char(to_timestamp($1) AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')"; fi
}
nl() { if [ "$kind" = sqlite ]; then echo "char(13, 10)"; else echo "E'\\r\\n'"; fi; }
# ids are opaque (src/core/ids.c): prefix, "_", 20 letters of its alphabet;
# here a number in 16 of them (digits 0 and 1 are not in it) and a kind
id() { echo "('$1_' || replace(replace($(pad 16 "$3"), '0', 'a'), '1', 'b') || '$2')"; }
mix() { echo "((($1) + 1) * $2 % 4294967296 / 65536 % 100)"; } # expr multiplier: 0..99, well spread

# a room r: building r % 40, floor and number from r / 40
room_name() { echo "('Room ' || $(pad 2 "$1 % $BUILDINGS + 1") || '-' || CAST($1 / $BUILDINGS / 25 AS TEXT) || '.' || $(pad 2 "$1 / $BUILDINGS % 25 + 1"))"; }
room_bb() { echo "(CASE ($1) % 10 WHEN 0 THEN 300 WHEN 2 THEN 900 ELSE 0 END)"; }
room_ba() { echo "(CASE ($1) % 10 WHEN 0 THEN 600 WHEN 1 THEN 900 ELSE 0 END)"; }

seed_people_rooms() {
  local hours='{"mon":[{"open":"07:00","close":"21:00"}],"tue":[{"open":"07:00","close":"21:00"}],"wed":[{"open":"07:00","close":"21:00"}],"thu":[{"open":"07:00","close":"21:00"}],"fri":[{"open":"07:00","close":"21:00"}],"sat":[],"sun":[]}'
  local c; c=$(mix r 2654435761)
  cat <<SQL
INSERT INTO users (account_id, id, email, display_name, role, password_hash, created_at, updated_at)
  SELECT '$account', $(id usr bnus i), 'organiser' || $(pad 3 i) || '@bench.invalid', 'Organiser ' || $(pad 3 i),
         'member', NULL, $NOW, $NOW FROM $(series 0 $((ORGANISERS - 1)));
INSERT INTO user_companies (account_id, user_id, company_id)
  SELECT '$account', $(id usr bnus i), '$company' FROM $(series 0 $((ORGANISERS - 1)));
INSERT INTO calendars (account_id, id, owner_id, room_id, name, colour, time_zone, is_default, version, created_at, updated_at)
  SELECT '$account', $(id cal bnuc i), $(id usr bnus i), NULL, 'Organiser ' || $(pad 3 i), '#2563eb', 'UTC', 1,
         $((PER * ROOMS / ORGANISERS + 2)), $NOW, $NOW FROM $(series 0 $((ORGANISERS - 1)));
INSERT INTO calendars (account_id, id, owner_id, room_id, name, colour, time_zone, version, created_at, updated_at)
  SELECT '$account', $(id cal bnrc i), NULL, $(id room bnrm i), $(room_name i), '#6b7280', 'UTC', 1, $NOW, $NOW
  FROM $(series 0 $((ROOMS - 1)));
INSERT INTO rooms (account_id, id, calendar_id, name, email, capacity, building, floor, description,
                   max_duration, buffer_before, buffer_after, opening_hours, created_at, updated_at)
  SELECT '$account', $(id room bnrm r), $(id cal bnrc r), $(room_name r), $(id room bnrm r) || '@rooms.invalid',
         CASE WHEN $c < 30 THEN 4 WHEN $c < 55 THEN 6 WHEN $c < 70 THEN 8 WHEN $c < 80 THEN 10
              WHEN $c < 87 THEN 12 WHEN $c < 92 THEN 16 WHEN $c < 95 THEN 20 WHEN $c < 97 THEN 30
              WHEN $c < 99 THEN 50 ELSE 100 END,
         'Building ' || $(pad 2 "r % $BUILDINGS + 1"), CAST(r / $BUILDINGS / 25 AS TEXT),
         CASE WHEN r % 7 = 0 THEN 'Round table, window side' ELSE '' END,
         CASE WHEN $(mix r 22695477) < 10 THEN 14400 ELSE 0 END, $(room_bb r), $(room_ba r),
         CASE WHEN $(mix r 1664525) < 20 THEN '$hours' END, $NOW, $NOW
  FROM (SELECT i AS r FROM $(series 0 $((ROOMS - 1)))) s;
SQL
  local tag m pct
  while read -r tag m pct; do
    echo "INSERT INTO room_equipment (account_id, room_id, tag) SELECT '$account', $(id room bnrm i), '$tag'"
    echo "  FROM $(series 0 $((ROOMS - 1))) WHERE $(mix i "$m") < $pct;"
  done <<TAGS
screen 2246822519 75
whiteboard 3266489917 50
video 668265263 40
phone 374761393 25
projector 2869860233 15
wheelchair 1103515245 30
TAGS
  # what store_room_tags_set keeps on the room's row (migration 017)
  local agg=string_agg; [ "$kind" = sqlite ] && agg=group_concat
  cat <<SQL
UPDATE rooms SET equipment_set = ',' || (SELECT $agg(tag, ',') FROM room_equipment t WHERE t.room_id = rooms.id) || ','
  WHERE EXISTS (SELECT 1 FROM room_equipment t WHERE t.room_id = rooms.id);
SQL
}

# booking i: room i / PER, its (i % PER)-th slot bin of BIN_SLOTS working
# hours, at an hour of the bin that leaves 3 hours to the next bin (so that
# no two bookings of a room overlap, buffers included), starting on a quarter,
# lasting 30 to 120 minutes; organiser i % ORGANISERS
slots() { # lo hi
  cat <<SQL
WITH s AS (SELECT i, i / $PER AS r, i % $PER AS k, i * 2654435761 % 4294967296 AS h FROM $(series "$1" "$2")),
t AS (SELECT i, r, h, k * $BIN_SLOTS + h / 65536 % $((BIN_SLOTS - 3)) AS sl FROM s),
u AS (SELECT i, r, h, $T0 + (sl / 10 + 2 * (sl / 50)) * 86400 + (8 + sl % 10) * 3600 + (h / 256 % 4) * 900 AS st FROM t),
v AS (SELECT i, r, st, st + 60 * (CASE h / 1024 % 8 WHEN 0 THEN 30 WHEN 1 THEN 60 WHEN 2 THEN 60 WHEN 3 THEN 45
        WHEN 4 THEN 90 WHEN 5 THEN 120 WHEN 6 THEN 60 ELSE 30 END) AS en, i % $ORGANISERS AS o,
        CASE i % 8 WHEN 0 THEN 'Weekly sync' WHEN 1 THEN 'Design review' WHEN 2 THEN 'Customer call'
        WHEN 3 THEN 'Interview' WHEN 4 THEN 'Planning' WHEN 5 THEN 'One to one' WHEN 6 THEN 'Training'
        ELSE 'Budget review' END AS summary FROM u)
SQL
}

seed_chunk() { # lo hi: events then their bookings
  local NL; NL=$(nl)
  cat <<SQL
$(slots "$1" "$2")
INSERT INTO events (account_id, id, calendar_id, uid, ical, ical_busy, summary, location, start_at, end_at,
                    range_end, organizer, etag, modseq, created_by, created_at, updated_at)
SELECT '$account', $(id evt bnev i), $(id cal bnuc o), 'bench-' || i || '@convene',
  'BEGIN:VEVENT' || $NL || 'UID:bench-' || i || '@convene' || $NL || 'CREATED:$NOWI' || $NL ||
  'SEQUENCE:0' || $NL || 'SUMMARY:' || summary || $NL || 'LOCATION:' || $(room_name r) || $NL ||
  'DTSTART:' || $(ical_time st) || $NL || 'DTEND:' || $(ical_time en) || $NL ||
  'ORGANIZER;CN=Organiser ' || $(pad 3 o) || ':mailto:organiser' || $(pad 3 o) || '@bench.invalid' || $NL ||
  'ATTENDEE;CN=' || $(room_name r) || ';CUTYPE=ROOM' || $NL ||
  ' ;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:' || $NL || ' ' || $(id room bnrm r) || '@rooms.invalid' || $NL ||
  'DTSTAMP:$NOWI' || $NL || 'LAST-MODIFIED:$NOWI' || $NL || 'END:VEVENT' || $NL,
  'BEGIN:VEVENT' || $NL || 'UID:bench-' || i || '@convene' || $NL || 'DTSTAMP:$NOWI' || $NL ||
  'DTSTART:' || $(ical_time st) || $NL || 'DTEND:' || $(ical_time en) || $NL || 'SUMMARY:Busy' || $NL ||
  'END:VEVENT' || $NL,
  summary, $(room_name r), st, en, en, 'organiser' || $(pad 3 o) || '@bench.invalid',
  '"bench' || $(pad 18 i) || '"', 1 + i / $ORGANISERS, $(id usr bnus o), $NOW, $NOW
FROM v;
$(slots "$1" "$2")
INSERT INTO bookings (account_id, id, room_id, event_id, recurrence_id, start_at, end_at, busy_from, busy_to,
                      status, created_at)
SELECT '$account', $(id bkg bnbk i), $(id room bnrm r), $(id evt bnev i), 0, st, en, st - $(room_bb r),
       en + $(room_ba r), 'confirmed', $NOW FROM v;
SQL
}

seed() {
  account=$(sql "SELECT id FROM accounts")
  company=$(sql "SELECT id FROM companies WHERE is_default = 1")
  say "$kind: seeding $ORGANISERS organisers and $ROOMS rooms"
  { [ "$kind" = sqlite ] && echo "PRAGMA synchronous=OFF;"; echo "BEGIN;"; seed_people_rooms; echo "COMMIT;"; } | sql
  local chunk=100000 lo=0 hi
  while [ "$lo" -lt "$BOOKINGS" ]; do
    hi=$((lo + chunk - 1)); [ "$hi" -lt "$BOOKINGS" ] || hi=$((BOOKINGS - 1))
    { [ "$kind" = sqlite ] && echo "PRAGMA synchronous=OFF;"; echo "BEGIN;"; seed_chunk "$lo" "$hi"; echo "COMMIT;"; } | sql
    lo=$((hi + 1))
    say "$kind: $lo/$BOOKINGS events and bookings"
  done
  # what store_room_grow_len keeps: the longest busy span each room held
  sql "UPDATE rooms SET max_booking_len = m.len FROM (SELECT room_id, max(busy_to - busy_from) AS len
       FROM bookings GROUP BY room_id) m WHERE m.room_id = rooms.id"
  if [ "$kind" = postgres ]; then
    sql "VACUUM ANALYZE" # autovacuum would, after such a load
    sql "CHECKPOINT" # not during the measures
    [ "$(sql "SHOW fsync")" = on ] && [ "$(sql "SHOW synchronous_commit")" = on ] ||
      { echo "bench: PostgreSQL runs without fsync or synchronous_commit" >&2; exit 1; }
  fi
  local n; n=$(sql "SELECT count(*) FROM bookings")
  [ "$n" -eq "$BOOKINGS" ] || { echo "bench: $n bookings seeded, not $BOOKINGS" >&2; exit 1; }
  say "$kind: seeded ($(sql "SELECT count(*) FROM events") events, $(sql "SELECT count(*) FROM room_equipment") equipment tags)"
}

overlaps() { # pairs of bookings of one room whose busy spans overlap
  sql "SELECT count(*) FROM (SELECT busy_from, max(busy_to) OVER (PARTITION BY room_id ORDER BY busy_from, id
       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_to FROM bookings) x WHERE busy_from < before_to"
}

# ------------------------------------------------------------ one backend
run_backend() {
  kind=$1
  backend_init "$kind"
  local t=$SECONDS
  seed
  local seed_s=$((SECONDS - t))
  serve_backend "$kind" --threads "$THREADS"

  # clients: API managers, each with an application, a bearer token and a calendar
  BASE="$base" PASSWORD="$password" CLIENTS="$BOOK_CLIENTS" /usr/bin/python3 - >"$tmp/clients-$kind.txt" <<'PY'
import os, sys
sys.path.insert(0, "bench")
from benchapi import Api
api, pw = Api(os.environ["BASE"]), os.environ["PASSWORD"]
admin, _ = api.sign_in("bench-admin@example.test", pw)
for i in range(int(os.environ["CLIENTS"])):
    tok, _, _ = api.api_manager(admin, "bench-client%02d@example.test" % i, "Bench client %d" % i, pw, "bench %d" % i)
    cal = api.call("POST", "/api/v1/calendars", {"name": "Bench client %d" % i, "time_zone": "UTC"},
                   {"Authorization": "Bearer " + tok})[1]
    print(tok, cal["id"])
PY
  local token; token=$(awk 'NR == 1 {print $1}' "$tmp/clients-$kind.txt")
  local auth="Authorization: Bearer $token"

  # the search answers what SQL says (so that the bench cannot measure an error path)
  say "$kind: checking search answers against SQL"
  BASE="$base" TOKEN="$token" T0="$T0" KIND="$kind" DATA="$data" URL="${url:-}" /usr/bin/python3 - <<'PY' || exit 1
import json, os, random, subprocess, time, urllib.parse, urllib.request
base, token, t0, kind = os.environ["BASE"], os.environ["TOKEN"], int(os.environ["T0"]), os.environ["KIND"]
def sql(q):
    cmd = (["sqlite3", "-batch", "-separator", "\t", os.environ["DATA"] + "/convene.db", q] if kind == "sqlite" else
           ["psql", os.environ["URL"], "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", q])
    return [l.split("\t") for l in subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()]
def search(**q):
    q = {k: v for k, v in q.items() if v not in (None, "")}
    req = urllib.request.Request(base + "/api/v1/rooms/search?" + urllib.parse.urlencode(q),
                                 headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=30) as r:
        return [x["id"] for x in json.loads(r.read())["items"]]
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
def expected(start, end, capacity, tags, building, limit):
    # the search's rules in plain SQL: seats, every tag, free with the room's
    # buffers, open (the seeded hours: 07:00-21:00 on workdays), not beyond
    # its longest meeting; the building first if any, then the smallest, then by name
    tag_sql = "".join(" AND EXISTS (SELECT 1 FROM room_equipment t WHERE t.room_id = r.id AND t.tag = '%s')" % t
                      for t in tags)
    return [row[0] for row in sql(
        "SELECT r.id FROM rooms r WHERE r.capacity >= %d%s AND NOT EXISTS (SELECT 1 FROM bookings b WHERE"
        " b.room_id = r.id AND b.busy_from < %d + r.buffer_after AND b.busy_to > %d - r.buffer_before)"
        " AND (r.max_duration = 0 OR r.max_duration >= %d)"
        " ORDER BY %s r.capacity, lower(r.name), r.id LIMIT %d"
        % (capacity, tag_sql, end, start, end - start,
           "CASE WHEN r.building = '%s' THEN 0 ELSE 1 END," % building if building else "", limit))]
rnd = random.Random(7)
checked = 0
for n in range(8):
    w = rnd.randrange(250)
    start = t0 + (w + 2 * (w // 5)) * 86400 + rnd.randrange(16, 34) * 1800
    end = start + rnd.choice((30, 60, 120)) * 60
    cap, tags = rnd.choice((2, 6, 10, 20)), rnd.choice(([], ["screen"], ["video", "whiteboard"]))
    building = rnd.choice(("", "Building %02d" % rnd.randrange(1, 41)))
    got = search(start=iso(start), end=iso(end), capacity=cap, equipment=",".join(tags), building=building,
                 limit=100)
    want = expected(start, end, cap, tags, building, 100)
    if got != want:
        raise SystemExit("bench: search %s differs from SQL:\n got  %s\n want %s" % ((start, end, cap, tags, building),
                                                                                     got[:10], want[:10]))
    checked += 1
# a booked room is not offered for its booking's time, and is for a free hour of the same day
# (any such booking; the 4,322nd when the seed is large enough)
pick = ("SELECT b.room_id, b.start_at, b.end_at, r.capacity, r.building FROM bookings b JOIN rooms r ON"
        " r.id = b.room_id WHERE r.capacity >= 20 AND r.opening_hours IS NULL ORDER BY b.id LIMIT 1 OFFSET %d")
rid, st, en, cap, bld = (sql(pick % 4321) or sql(pick % 0))[0]
st, en, cap = int(st), int(en), int(cap)
busy = search(start=iso(st), end=iso(en), capacity=cap, building=bld, limit=100)
free_at = st - st % 86400 + 6 * 3600  # 06:00, before every seeded booking
free = search(start=iso(free_at), end=iso(free_at + 1800), capacity=cap, building=bld, limit=100)
if rid in busy or rid not in free or busy != expected(st, en, cap, [], bld, 100):
    raise SystemExit("bench: room %s booked %s-%s: offered while busy or not offered while free" % (rid, st, en))
# a seeded event reads back through the API (its text parses)
req = urllib.request.Request(base + "/api/v1/rooms/%s/bookings?start=%s&end=%s" % (rid, iso(st - st % 86400),
                             iso(st - st % 86400 + 86400)), headers={"Authorization": "Bearer " + token})
with urllib.request.urlopen(req, timeout=30) as r:
    items = json.loads(r.read())["items"]
if not any(x["start"] == iso(st) for x in items):
    raise SystemExit("bench: the room's schedule does not show its seeded booking: %s" % items)
print("bench: %d searches equal SQL; a booked room is left out for its booking's time" % checked)
PY

  # 1. search latency (one connection) and throughput (WRK_CONNECTIONS)
  say "$kind: search, wrk"
  export SEARCH_T0=$T0 SEARCH_WORKDAYS=$WORKDAYS SEARCH_BUILDINGS=$BUILDINGS
  local search_url="$base/api/v1/rooms/search"
  run_wrk "$kind-warm" "$search_url" 3s 1 4 "$auth" -s bench/rooms-search.lua >/dev/null
  # rounds of the latency run: the one with the lowest p99 counts, so that a
  # burst of other load on the machine does not decide it
  local lat_rps="" load_rps round rps p99 best_p99=""
  lat_rounds=""
  for round in $(seq "$ROUNDS"); do
    rps=$(run_wrk "$kind-lat-$round" "$search_url" "$WRK_DURATION" 1 1 "$auth" -s bench/rooms-search.lua)
    p99=$(to_ms "$(wrk_latency "$kind-lat-$round" | awk '{print $4}')")
    lat_rounds="$lat_rounds  $kind round $round: $(wrk_latency "$kind-lat-$round"), $rps req/s"$'\n'
    if [ -z "$best_p99" ] || awk -v a="$p99" -v b="$best_p99" 'BEGIN {exit !(a < b)}'; then
      best_p99=$p99 lat_rps=$rps
      cp "$tmp/wrk-$kind-lat-$round.txt" "$tmp/wrk-$kind-lat.txt"
    fi
  done
  load_rps=$(run_wrk "$kind-load" "$search_url" "$WRK_DURATION" 2 "$WRK_CONNECTIONS" "$auth" -s bench/rooms-search.lua)

  # 2. bookings with BOOK_CLIENTS concurrent clients
  say "$kind: bookings, $BOOK_CLIENTS clients"
  sql "SELECT id FROM rooms ORDER BY id" >"$tmp/rooms-$kind.txt"
  local before; before=$(sql "SELECT count(*) FROM bookings")
  BOOK_CLIENTS="$tmp/clients-$kind.txt" BOOK_ROOMS="$tmp/rooms-$kind.txt" BOOK_T0=$T0 BOOK_MAX=$BOOK_MAX \
    wrk -t"$BOOK_CLIENTS" -c"$BOOK_CLIENTS" -d"$BOOK_DURATION" --timeout 30s --latency -s bench/rooms-book.lua \
    "$base/" >"$tmp/wrk-$kind-book.txt" 2>&1 || { cat "$tmp/wrk-$kind-book.txt" >&2; exit 1; }
  local res; res=$(grep '^book-result' "$tmp/wrk-$kind-book.txt") ||
    { cat "$tmp/wrk-$kind-book.txt" >&2; exit 1; }
  local secs; secs=$(awk '/requests in/ {sub(/s,$/, "", $4); print $4}' "$tmp/wrk-$kind-book.txt")
  local v; for v in sent free_ok free_409 hot_ok hot_409 other s5xx errors p50_us p99_us; do
    eval "local b_$v=$(echo "$res" | tr ' ' '\n' | awk -F= -v k="$v" '$1 == k {print $2}')"
  done
  local after; after=$(sql "SELECT count(*) FROM bookings")
  local ov; ov=$(overlaps)
  local accepted=$((b_free_ok + b_hot_ok)) refused=$((b_free_409 + b_hot_409))
  local bps; bps=$(awk -v a="$accepted" -v s="$secs" 'BEGIN {printf "%.0f", a / s}')
  local rps; rps=$(awk -v a="$b_sent" -v s="$secs" 'BEGIN {printf "%.0f", a / s}')
  rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$convene_pid/status")
  stop_pid "$convene_pid" TERM
  convene_pid=""
  if [ "$kind" = postgres ]; then scripts/pg-test.sh stop "$pgdir"; pgdir=""; fi
  rm -rf "$data"

  local fail=""
  [ "$b_s5xx" -eq 0 ] || fail="$fail $b_s5xx answers 5xx;"
  [ "$b_other" -eq 0 ] || fail="$fail $b_other answers neither 201 nor 409;"
  [ "$b_errors" -eq 0 ] || fail="$fail $b_errors socket errors;"
  [ "$ov" -eq 0 ] || fail="$fail $ov overlapping bookings;"
  # wrk stops with up to one request a client in flight: the server may have booked it
  local made=$((after - before))
  [ "$made" -ge "$accepted" ] && [ "$made" -le $((accepted + BOOK_CLIENTS)) ] ||
    fail="$fail $made new bookings for $accepted accepted;"
  results="$results$(printf '%-9s %8s %8s %8s   %8s %8s   (seeded in %ss)' "$kind" \
    "$(wrk_latency "$kind-lat" | awk '{print $2}' | tr -d ,)" "$(wrk_latency "$kind-lat" | awk '{print $4}')" \
    "$lat_rps" "$load_rps" "$(wrk_latency "$kind-load" | awk '{print $4}')" "$seed_s")"$'\n'
  bookings="$bookings$(printf '%-9s %7s/s %8s %8s %6s %6s %6s   p50 %.1fms p99 %.1fms  (%s req/s, %s s)' "$kind" \
    "$bps" "$accepted" "$refused" "$b_other" "$b_free_409" "$ov" "$(awk -v u="$b_p50_us" 'BEGIN {print u / 1000}')" \
    "$(awk -v u="$b_p99_us" 'BEGIN {print u / 1000}')" "$rps" "$secs")"$'\n'
  detail="$detail  $kind: search p99 < 10 ms: $(awk -v u="$best_p99" 'BEGIN {print (u < 10) ? "met" : "NOT met"}');"
  detail="$detail contended slots won $b_hot_ok, lost $b_hot_409; free slots booked $b_free_ok; RSS $((rss_kb / 1024)) MiB"
  [ -n "$fail" ] && detail="$detail; FAILED:$fail"
  detail="$detail"$'\n'
  [ -z "$fail" ] || failed=1
  all_rounds="$all_rounds$lat_rounds"
  say "$kind: done"
}

results="" bookings="" detail="" failed=0 all_rounds=""
for db in $DBS; do run_backend "$db"; done

mkdir -p bench/results
report="bench/results/rooms-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "convene room benchmarks, $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(uname -n), $(nproc) cores"
  echo "$("$BIN" version 2>/dev/null || echo convene) ($BIN, $THREADS threads); SQLite synchronous=FULL, PostgreSQL 15 fsync on"
  echo "data: $ROOMS rooms in $BUILDINGS buildings (capacity 4-100, 0-6 equipment tags, buffers on 3 in 10, opening"
  echo "  hours on 1 in 5), $BOOKINGS bookings ($PER a room, one event each, $ORGANISERS organisers) over $WORKDAYS"
  echo "  workdays from $(date -u -d "@$T0" +%F), seeded by SQL"
  echo "search: GET /api/v1/rooms/search, 4096 rotating queries a thread (bench/rooms-search.lua), bearer token;"
  echo "  latency wrk -t1 -c1 -d$WRK_DURATION ($ROUNDS rounds, the lowest p99 counts), load wrk -t2 -c$WRK_CONNECTIONS"
  echo "  -d$WRK_DURATION, after a 3 s warm-up"
  echo
  echo "search     p50       p99     req/s(c1)  req/s(c$WRK_CONNECTIONS) p99(c$WRK_CONNECTIONS)"
  printf '%s' "$results"
  echo
  echo "bookings: $BOOK_CLIENTS clients (wrk -t$BOOK_CLIENTS -c$BOOK_CLIENTS -d$BOOK_DURATION, at most $BOOK_MAX requests each) POST"
  echo "  /api/v1/calendars/{id}/events with room_ids: 3 in 4 a free slot, 1 in 4 one of the contended slots"
  echo "  (16 hot rooms) that all clients race for; then SQL looks for overlapping bookings (buffers included)"
  echo
  echo "bookings  accepted  (201)    (409)  other  free409 overlaps"
  printf '%s' "$bookings"
  printf '%s' "$detail"
  echo "reference (DESIGN.md, store level without HTTP, 8 threads): SQLite 4-6k/s durable, PostgreSQL 7-8k/s;"
  echo "  free-room search SQLite 1.4 ms, PostgreSQL 3.1 ms"
  echo
  printf '%s' "$all_rounds"
  echo
  for db in $DBS; do
    for w in lat load book; do echo "---- wrk output, $db $w"; cat "$tmp/wrk-$db-$w.txt"; done
  done
} >"$report"
sed -n '1,/^---- wrk output/p' "$report" | sed '$d'
echo "report: $report"
exit "$failed"
