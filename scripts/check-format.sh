#!/usr/bin/env bash
# Checks that every C file git tracks (src/, tests/unit/, fuzz/) is as
# clang-format-14 writes it with the root .clang-format: prints each file
# that differs and how to fix it, exits 1 if any does (make test runs it).
# The version is pinned: another clang-format may wrap differently.
set -uo pipefail
cd "$(dirname "$0")/.."
CF=${CLANG_FORMAT:-clang-format-14}
command -v "$CF" >/dev/null || { echo "format: $CF is missing (scripts/deps.sh installs it)"; exit 1; }
bad=0
while IFS= read -r f; do
  if ! "$CF" --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "format: $f differs from .clang-format (fix: $CF -i $f)"
    bad=$((bad + 1))
  fi
done < <(git ls-files -- '*.c' '*.h' | grep -v '^web/')
echo "format: $bad file(s) differ"
[ "$bad" -eq 0 ]
