#!/usr/bin/env bash
# `make run`: creates ./var with the first account when there is no data yet,
# then serves on 127.0.0.1:8080 with SQLite. Elsewhere: CONVENE_LISTEN=0.0.0.0:8080
# make run; another data directory: CONVENE_DATA; another build: BUILD.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${CONVENE_DATA:-./var}
BIN=${BUILD:-build}/convene
LISTEN=${CONVENE_LISTEN:-127.0.0.1:8080}
if [ ! -f "$DATA/convene.db" ]; then
  echo "First start: creating $DATA with an account and its administrator."
  "$BIN" init --data "$DATA" --admin-email "${CONVENE_ADMIN_EMAIL:-admin@example.com}" \
    --account-name "${CONVENE_ACCOUNT_NAME:-My organisation}"
  echo
fi
echo "convene: sign in at http://$LISTEN/ (stop with Ctrl-C)"
exec "$BIN" serve --data "$DATA" --listen "$LISTEN"
