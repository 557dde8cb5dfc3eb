#!/usr/bin/env bash
# Installs what convene needs to build, run and test: Debian packages (only the
# missing ones, with one apt-get update) and the web app's npm packages.
# Idempotent; uses sudo when not root. Usage: scripts/deps.sh [--runtime-only]
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libical-dev
  libsqlite3-dev libpq-dev libsodium-dev libcurl4-openssl-dev libxml2-dev libinih-dev libicu-dev libpwquality-dev cracklib-runtime tzdata
  nodejs npm)
test_pkgs=(libcmocka-dev postgresql-15 postgresql-contrib python3 python3-pytest
  python3-requests python3-aiosmtpd python3-yaml python3-icalendar python3-caldav vdirsyncer radicale
  chromium nginx-light wrk litmus xandikos)

want=("${build_pkgs[@]}")
[ "${1:-}" = "--runtime-only" ] || want+=("${test_pkgs[@]}")

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

# npm packages of the web app; skipped when the lock file has not changed since the last install
if [ -f web/package.json ]; then
  stamp=web/node_modules/.convene-deps
  if [ ! -f "$stamp" ] || [ web/package-lock.json -nt "$stamp" ] || [ web/package.json -nt "$stamp" ]; then
    echo "deps: installing npm packages for web/"
    (cd web && { [ -f package-lock.json ] && npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
    touch "$stamp"
  fi
fi
