# Shared by the benchmarks (sourced): free ports, waiting for a server,
# nginx serving a directory, wrk runs, and stopping only what we started.
# Expects $tmp (a scratch directory) to be set by the caller.

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
