#!/usr/bin/env bash
# Installs what convene needs, and only what is missing: Debian packages (one
# apt-get update) and npm packages (web/, and tests/tools for the tests).
# Idempotent; uses sudo when not root. Usage: scripts/deps.sh [MODE]
#   --runtime-only  build and run (`make run`): compilers, libraries, node for the web app
#   --bench         that, plus what `make bench` compares against (nginx, wrk, Radicale, Xandikos, PostgreSQL)
#   (none)          everything, tests included (`make test`, `make deps`)
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libical-dev
  libsqlite3-dev libpq-dev libsodium-dev libcurl4-openssl-dev libssl-dev libxml2-dev libinih-dev libicu-dev libpwquality-dev libcsv-dev cracklib-runtime tzdata
  nodejs npm)
bench_pkgs=(postgresql-15 postgresql-contrib python3 curl nginx-light wrk radicale xandikos)
test_pkgs=(libcmocka-dev postgresql-15 postgresql-contrib python3 python3-pytest
  python3-requests python3-aiosmtpd python3-yaml python3-icalendar python3-caldav vdirsyncer radicale
  chromium nginx-light wrk litmus xandikos clang-format-14)

mode=${1:-all}
case "$mode" in
  --runtime-only) mode=runtime ;;
  --bench) mode=bench ;;
  all) ;;
  *) echo "usage: scripts/deps.sh [--runtime-only | --bench]" >&2; exit 2 ;;
esac
want=("${build_pkgs[@]}")
case "$mode" in
  bench) want+=("${bench_pkgs[@]}") ;;
  all) want+=("${test_pkgs[@]}") ;;
esac

missing=()
for p in "${want[@]}"; do
  # node/npm may come from elsewhere than Debian (e.g. a preinstalled Node.js)
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages of a folder (npm ci from its lock file); skipped when the lock
# file has not changed since the last install. The Makefile's web target uses
# the same stamp, so that `make` on a fresh clone installs web/'s packages too.
npm_install() { # dir
  local dir=$1 stamp=$1/node_modules/.convene-deps
  [ -f "$dir/package.json" ] || return 0
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ] || [ "$dir/package.json" -nt "$stamp" ]; then
    echo "deps: installing npm packages for $dir/"
    (cd "$dir" && { [ -f package-lock.json ] && npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
    touch "$stamp"
  fi
}
npm_install web
# only the tests use these (the OpenAPI validators; playwright-core and axe-core
# for tests/browser)
[ "$mode" = all ] && npm_install tests/tools
exit 0
