#!/usr/bin/env bash
# `make run`: creates ./var with the first account when there is no data yet,
# then serves on 127.0.0.1:8080 with SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${CONVENE_DATA:-./var}
LISTEN=${CONVENE_LISTEN:-127.0.0.1:8080}
if [ ! -f "$DATA/convene.db" ]; then
  echo "First start: creating $DATA with an account and its administrator."
  build/convene init --data "$DATA" --admin-email "${CONVENE_ADMIN_EMAIL:-admin@example.com}" \
    --account-name "${CONVENE_ACCOUNT_NAME:-My organisation}"
  echo
fi
echo "convene: sign in at http://$LISTEN/ (stop with Ctrl-C)"
exec build/convene serve --data "$DATA" --listen "$LISTEN"
