#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: `start DIR` creates and
# starts it (unix socket in DIR, random port) and prints its URL; `stop DIR`
# stops it and removes DIR. For the reconnection test: `restart DIR
# [fast|immediate]` restarts it, `down DIR` stops it keeping its data and `up
# DIR` starts it again, on the same socket and port (clients are dropped).
# Runs the server as the postgres user when root. Without fsync (tests need no
# durability) unless PG_FSYNC=on (benchmarks that compare durable writes).
set -euo pipefail
cmd=$1 dir=$2
bin=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
run() { # port
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -p $1 -c listen_addresses='' -c fsync=${PG_FSYNC:-off} -c max_connections=200" start >/dev/null
}
case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1
  port=$(( 20000 + RANDOM % 20000 ))
  run "$port"
  as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -qAt -c "CREATE DATABASE convene_test" >/dev/null
  echo "$port" > "$dir/port"
  echo "postgresql:///convene_test?host=$dir&port=$port&user=postgres"
  ;;
restart)
  # pg_ctl restart reuses the options of the last start (postmaster.opts)
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m "${3:-fast}" -w -t 60 restart >/dev/null
  ;;
down) as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ;;
up) run "$(cat "$dir/port")" ;;
stop)
  [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop|restart|down|up DIR [fast|immediate]" >&2; exit 2 ;;
esac
