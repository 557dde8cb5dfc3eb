# Shared by the benchmarks (sourced): free ports, waiting for a server,
# convene on a fresh backend, the fakes of tests/fakes,
# nginx serving a directory, wrk runs, and stopping only what we started.
# Expects $tmp (a scratch directory) to be set by the caller before it calls
# anything that writes there.

num() { # value min max name: a whole number within bounds, or the script stops
  case "$1" in ''|*[!0-9]*) echo "bench: $4 is a number" >&2; exit 2 ;; esac
  [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] || { echo "bench: $4 must be between $2 and $3" >&2; exit 2; }
}

# need_backends "DBS" TOOL...: the databases named are known and installed,
# the tools are there, and $BIN is built (release) when missing
need_backends() {
  local db tool dbs=$1; shift
  for db in $dbs; do
    case "$db" in sqlite|postgres) ;; *) echo "bench: BENCH_DBS lists sqlite and/or postgres" >&2; exit 2 ;; esac
  done
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
  done
  case " $dbs " in *" postgres "*)
    [ -x /usr/lib/postgresql/15/bin/initdb ] && command -v psql >/dev/null ||
      { echo "bench: PostgreSQL 15 is missing (scripts/deps.sh installs it)" >&2; exit 1; } ;;
  esac
  [ -x "$BIN" ] || { echo "bench: building $BIN"; make --no-print-directory release >/dev/null; }
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # url pid [header]: until it answers 200 (10 s)
  for _ in $(seq 100); do
    curl -fs -o /dev/null ${3:+-H "$3"} "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

stop_pid() { # pid signal: stops a process we started, then makes sure
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
  kill "-$2" "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# nginx_start ROOT PORT WORKERS CONTENT_TYPE [DIRECTIVES]: serves ROOT on
# 127.0.0.1:PORT, with DIRECTIVES (more locations) in its server block; sets
# nginx_pid. Runs as the current user, also when that is root.
nginx_start() {
  local root=$1 port=$2 workers=$3 ctype=$4 extra=${5:-} user_line=""
  local ngx=$(command -v nginx || echo /usr/sbin/nginx)
  mkdir -p "$tmp/nginx/logs"
  [ "$(id -u)" -eq 0 ] && user_line="user $(id -un);"
  cat >"$tmp/nginx/nginx.conf" <<NGINX
$user_line
daemon off;
worker_processes $workers;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log $tmp/nginx/logs/access.log;
  client_body_temp_path $tmp/nginx/client_body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  sendfile on;
  server {
    listen 127.0.0.1:$port;
    root $root;
    location / { default_type $ctype; add_header Cache-Control no-store; }
    $extra
  }
}
NGINX
  "$ngx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log" &
  nginx_pid=$!
}

nginx_version() { "$(command -v nginx || echo /usr/sbin/nginx)" -v 2>&1 | sed 's/.*nginx\///'; }

# run_wrk NAME URL DURATION THREADS CONNECTIONS [HEADER [WRK ARGS...]]:
# requests/s on stdout, the whole output in $tmp/wrk-NAME.txt; fails on any
# non-2xx answer
run_wrk() {
  wrk -t"$4" -c"$5" -d"$3" --timeout 60s --latency ${6:+-H "$6"} "${@:7}" "$2" >"$tmp/wrk-$1.txt" 2>&1
  if grep -q "Non-2xx" "$tmp/wrk-$1.txt"; then
    echo "bench: $1 answered errors:" >&2; cat "$tmp/wrk-$1.txt" >&2; return 1
  fi
  awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk-$1.txt"
}

wrk_latency() { awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print "p50 " p50 ", p99 " p99}' "$tmp/wrk-$1.txt"; }
best() { awk -v a="$1" -v b="$2" 'BEGIN {print (b > a) ? b : a}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r >= t) ? "met" : "NOT met"}'; }

to_ms() { # a wrk duration (850.00us, 4.56ms, 1.20s) in ms
  awk -v p="$1" 'BEGIN {u = p + 0; if (p ~ /us$/) u /= 1000; else if (p ~ /[^m]s$/) u *= 1000; print u}'
}

# backend_init KIND: a fresh convene data directory for KIND (sqlite, or
# postgres on a durable cluster of its own, fsync on as in production),
# initialised with the admin bench-admin@example.test. Sets data, dbflag (an
# array for init and serve), url and pgdir (postgres), port, base, password.
backend_init() {
  data="$tmp/data-$1" dbflag=() url="" pgdir=""
  if [ "$1" = postgres ]; then
    pgdir="$tmp/pg"
    url=$(PG_FSYNC=on scripts/pg-test.sh start "$pgdir")
    dbflag=(--db "$url")
  fi
  port=$(free_port)
  base="http://127.0.0.1:$port"
  init_admin "$tmp/init-$1.log" --data "$data" "${dbflag[@]}" --admin-email bench-admin@example.test \
    --account-name "Bench"
}

# init_admin LOG [INIT ARGS...]: convene init with a random admin password
# (sets password); one that cracklib (under libpwquality) calls systematic,
# about 4 draws in 100, is drawn again as convene's own password_generate
# does (a refused init writes nothing); any other failure stops the bench
init_admin() {
  local log=$1 try; shift
  for try in 1 2 3 4 5; do
    password="Bench-Pw!$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    "$BIN" init "$@" --admin-password "$password" >"$log" 2>&1 && return 0
    grep -q "simplistic or systematic" "$log" || break
  done
  cat "$log" >&2
  exit 1
}

# serve_backend KIND [SERVE ARGS...]: convene serving the data directory
# backend_init made, on $base; sets convene_pid once it answers /readyz
serve_backend() {
  local kind=$1; shift
  "$BIN" serve --data "$data" "${dbflag[@]}" --listen "127.0.0.1:$port" "$@" >"$tmp/convene-$kind.log" 2>&1 &
  convene_pid=$!
  wait_http "$base/readyz" "$convene_pid" ||
    { echo "bench: convene did not start:" >&2; cat "$tmp/convene-$kind.log" >&2; exit 1; }
}

# serve_linked_backend KIND [SERVE ARGS...]: for the benches that connect
# convene to a provider's fake: backend_init, the data directory's secret key
# (it seals the provider's credentials; PostgreSQL nodes share a key the
# operator makes, docs/operations.md), then serve_backend on $THREADS threads
# with $base as the public URL (the provider's redirects and webhooks) and no
# web app
serve_linked_backend() {
  local kind=$1; shift
  backend_init "$kind"
  mkdir -p "$data"
  [ -f "$data/secret.key" ] || { head -c 32 /dev/urandom >"$data/secret.key"; chmod 600 "$data/secret.key"; }
  serve_backend "$kind" --threads "$THREADS" --public-url "$base" --web-dir '' "$@"
}

# start_fake NAME SCRIPT [ARGS...]: one of tests/fakes' servers on a free
# loopback port (its first line says where it listens, as
# tests/fakes/fakeproc.py reads it); sets fake_pid and fake (http://HOST:PORT);
# its output in $tmp/fake.out and $tmp/fake.log
start_fake() {
  local name=$1 script=$2 line=""; shift 2
  /usr/bin/python3 "$script" --port 0 "$@" >"$tmp/fake.out" 2>"$tmp/fake.log" &
  fake_pid=$!
  for _ in $(seq 100); do
    line=$(head -n 1 "$tmp/fake.out")
    case "$line" in "listening "*) break ;; esac
    kill -0 "$fake_pid" 2>/dev/null || break
    sleep 0.1
  done
  case "$line" in "listening "*) ;; *) echo "bench: the fake $name did not start: $line" >&2; cat "$tmp/fake.log" >&2; exit 1 ;; esac
  fake="http://${line#listening }"
}
